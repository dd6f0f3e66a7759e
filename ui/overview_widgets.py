"""The Overview page's headline cards and its major-customer table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kadash.concentration import major_customers
from kadash.customers import headline
from kadash.i18n import Translator
from ui.widgets import percent_column

__all__ = ["kpi_cards", "major_customers_table"]


def kpi_cards(t: Translator, ranked: pd.DataFrame, has_profit: bool) -> None:
    h = headline(ranked)
    cols = st.columns(4, border=True)
    cols[0].metric(
        t("kpi.customers"),
        t.number(h.customers),
        help=t("kpi.customers_help", lines=t.number(h.lines)),
    )
    cols[1].metric(
        t("kpi.revenue"),
        t.money_short(h.revenue),
        delta=t("kpi.returns", returns=t.money_short(h.returns)) if h.returns else None,
        delta_color="off",
        delta_arrow="off",
        help=t(
            "kpi.revenue_help",
            value=t.money(h.revenue, 2),
            gross=t.money(h.gross_revenue, 2),
            returns=t.money(h.returns, 2),
        ),
    )
    if has_profit:
        cols[2].metric(
            t("kpi.profit"),
            t.money_short(h.profit),
            help=t("kpi.profit_help", value=t.money(h.profit, 2), margin=t.percent(h.margin)),
        )
    else:
        cols[2].metric(t("kpi.profit"), "–", help=t("kpi.no_profit"))
    cols[3].metric(
        t("kpi.period"),
        t.duration(h.days),
        delta=t("kpi.period_value", start=t.date(h.first_date), end=t.date(h.last_date)),
        delta_color="off",
        delta_arrow="off",
        help=t("kpi.period_help", days=t.number(h.days)),
    )


def major_customers_table(t: Translator, by_revenue: pd.DataFrame) -> None:
    """The disclosure line is about revenue, whichever measure the page shows."""
    majors = major_customers(by_revenue, "revenue")
    if majors.empty:
        st.success(t("overview.no_major"), icon=":material/check_circle:")
        return
    st.warning(
        t.plural("overview.major_warning", len(majors), n=len(majors)), icon=":material/warning:"
    )
    share = t("col.share", value=t("measure.revenue"))
    st.dataframe(
        pd.DataFrame(
            {
                t("col.customer_id"): majors["customer_id"],
                t("col.customer"): majors["label"],
                share: majors["share"] * 100,
            }
        ),
        hide_index=True,
        column_config={share: percent_column(share)},
    )
