"""Overview: headline numbers, the Pareto curve with live readouts, and concentration."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import streamlit as st

from kadash.concentration import (
    concentration_summary,
    customers_for_share,
    major_customers,
    pareto_curve,
    top_share,
)
from kadash.figures import pareto_figure
from kadash.i18n import Translator
from ui import state
from ui.data import View
from ui.widgets import current_view, guard, page_header, percent_column


def _kpis(t: Translator, ranked: pd.DataFrame, has_profit: bool) -> None:
    revenue, profit = int(ranked["revenue"].sum()), int(ranked["profit"].sum())
    first, last = ranked["first_date"].min(), ranked["last_date"].max()
    cols = st.columns(4, border=True)
    cols[0].metric(
        t("kpi.customers"),
        t.number(len(ranked)),
        help=t("kpi.customers_help", lines=t.number(int(ranked["lines"].sum()))),
    )
    cols[1].metric(
        t("kpi.revenue"), t.money_short(revenue), help=t("kpi.exact", value=t.money(revenue, 2))
    )
    if has_profit:
        margin = profit / revenue if revenue else None
        cols[2].metric(
            t("kpi.profit"),
            t.money_short(profit),
            help=t("kpi.profit_help", value=t.money(profit, 2), margin=t.percent(margin)),
        )
    else:
        cols[2].metric(t("kpi.profit"), "–", help=t("kpi.no_profit"))
    days = int((last - first).days) + 1
    cols[3].metric(
        t("kpi.period"),
        t.duration(days),
        delta=t("kpi.period_value", start=t.date(first), end=t.date(last)),
        delta_color="off",
        delta_arrow="off",
        help=t("kpi.period_help", days=t.number(days)),
    )


def _basis_picker(t: Translator, has_profit: bool) -> str:
    options = ["revenue", "profit"] if has_profit else ["revenue"]
    settings = state.get_settings()
    state.seed("overview.basis", settings.basis if settings.basis in options else "revenue")
    basis = st.segmented_control(
        t("basis.label"),
        options,
        format_func=lambda b: t(f"basis.{b}"),
        key="overview.basis",
        required=True,
        help=t("basis.help"),
    )
    if basis != settings.basis:
        state.update_settings(basis=basis)
    return basis


@st.fragment
def _pareto_and_concentration(view: View, t: Translator, has_profit: bool) -> None:
    controls = st.columns([1.2, 1, 1], gap="large")
    with controls[0]:
        basis = _basis_picker(t, has_profit)
    p = controls[1].slider(
        t("overview.p_label"), 1, 50, 20, format="%d%%", key="overview.p", help=t("overview.p_help")
    )
    q = controls[2].slider(
        t("overview.q_label", value=t(f"measure.{basis}")),
        50,
        99,
        80,
        format="%d%%",
        key="overview.q",
        help=t("overview.q_help"),
    )
    ranked = view.ranked(basis)
    values = ranked[basis].to_numpy(dtype=np.int64)
    value = t(f"measure.{basis}")
    share = top_share(values, Fraction(p, 100))
    needed = customers_for_share(values, Fraction(q, 100))
    n = len(values)
    keep = (-(-p * n // 100), needed or 0)  # readout points drawn exactly
    chart, readouts = st.columns([2.2, 1], gap="large")
    chart.plotly_chart(
        pareto_figure(
            pareto_curve(values, keep=keep),
            t=t,
            basis=basis,
            readout_p=(p / 100, share),
            readout_q=(q / 100, needed, n),
        ),
        key="overview.pareto",
    )
    with readouts:
        st.metric(
            t("overview.top_share_label", p=f"{p}%"),
            t.percent(share),
            help=t("overview.top_share_readout", p=f"{p}%", share=t.percent(share), value=value),
        )
        st.caption(t("overview.top_share_readout", p=f"{p}%", share=t.percent(share), value=value))
        st.metric(
            t("overview.needed_label", q=f"{q}%"),
            t.number(needed),
            help=t("overview.needed_help"),
        )
        if needed is not None:
            st.caption(
                t(
                    "overview.needed_readout",
                    k=t.number(needed),
                    x=t.percent(needed / n),
                    q=f"{q}%",
                    value=value,
                )
            )
    _concentration(t, ranked, values, basis)


def _concentration(t: Translator, ranked: pd.DataFrame, values: np.ndarray, basis: str) -> None:
    summary = concentration_summary(values)
    value = t(f"measure.{basis}")
    st.subheader(t("overview.concentration", value=value), anchor=False)
    cols = [*st.columns(3, border=True), *st.columns(3, border=True)]
    cols[0].metric(
        t("overview.gini"),
        "–" if summary.gini is None else f"{summary.gini:.3f}",
        help=t("overview.gini_help"),
    )
    cols[1].metric(
        t("overview.hhi"),
        "–" if summary.hhi is None else t.number(summary.hhi * 10_000),
        help=t("overview.hhi_help"),
    )
    cols[2].metric(
        t("overview.effective"),
        t.number(summary.effective_customers, 1),
        help=t("overview.effective_help"),
    )
    for col, (n, share) in zip(cols[3:], summary.top_n_share.items(), strict=True):
        col.metric(t("overview.top_n", n=n), t.percent(share), help=t("overview.top_n_help"))
    if summary.negative_customers:
        st.caption(t("overview.negatives_left_out", n=t.number(summary.negative_customers)))
    majors = major_customers(ranked, basis)
    if majors.empty:
        st.success(t("overview.no_major", value=value), icon=":material/check_circle:")
        return
    st.warning(t("overview.major_warning", n=len(majors), value=value), icon=":material/warning:")
    share = t("col.share", value=value)
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


def render() -> None:
    state.require_frame()
    view = current_view()
    t = state.get_translator()
    page_header(t, "overview.title", t("overview.caption"))
    with guard(t):
        summary = view.summary()
        ranked = view.ranked("revenue")
    if ranked.empty:
        st.info(t("common.no_customers"), icon=":material/filter_alt:")
        st.stop()
    _kpis(t, ranked, summary.has_profit)
    _pareto_and_concentration(view, t, summary.has_profit)


if __name__ == "__main__":
    render()
