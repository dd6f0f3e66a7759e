"""At-risk key accounts: top-tier customers whose revenue fell sharply against the previous
period, or whose next order is long overdue by their own rhythm."""

from __future__ import annotations

import streamlit as st

from kadash.i18n import Translator
from kadash.periods import Period
from kadash.report import tier_names_for
from ui.data import View
from ui.migration_widgets import (
    at_risk_for,
    at_risk_table,
    counted_to,
    periods_line,
    pick_periods,
    table_config,
    tiers_for,
)
from ui.widgets import download_csv, guard, require_customers, start_page


def _rules(t: Translator, tier_count: int) -> tuple[int, float, float]:
    cols = st.columns([2, 1, 1], gap="large")
    drop = cols[0].slider(
        t("at_risk.drop"),
        min_value=5,
        max_value=100,
        value=30,
        step=5,
        format="%d%%",
        key="at_risk.drop",
        help=t("at_risk.drop_help"),
    )
    gap = cols[1].number_input(
        t("at_risk.gap"),
        min_value=1.0,
        max_value=10.0,
        value=2.0,
        step=0.5,
        format="%.1f",
        key="at_risk.gap",
        help=t("at_risk.gap_help"),
    )
    top = cols[2].number_input(
        t("at_risk.top"),
        min_value=1,
        max_value=max(tier_count - 1, 1),
        value=1,
        step=1,
        key="at_risk.top",
        help=t("at_risk.top_help"),
    )
    return int(top), drop / 100, float(gap)


def _headline(t: Translator, view: View, previous: Period, n: int, stake: int) -> None:
    total = int(tiers_for(view, previous)["revenue"].clip(lower=0).sum())
    share = t.percent(stake / total) if total > 0 else "–"
    text = t.plural("at_risk.headline", n, n=t.number(n), revenue=t.money_short(stake), share=share)
    if n:
        st.error(text, icon=":material/warning:")
    else:
        st.success(text, icon=":material/verified:")


def render() -> None:
    view, t = start_page("at_risk.title", "at_risk.caption", show_filters=False)
    require_customers(t, view)
    previous, current = pick_periods(t, view, "at_risk")
    names = tier_names_for(view.settings, t)
    top, drop, gap = _rules(t, len(names))
    periods_line(t, view, previous, current)
    with guard(t):
        risk = at_risk_for(view, previous, current, top_tiers=top, drop=drop, gap=gap)
    stake = int(risk["revenue_at_stake"].sum())
    _headline(t, view, previous, len(risk), stake)
    st.caption(
        t(
            "at_risk.rules",
            tiers=", ".join(names[:top]),
            drop=t.percent(drop, 0),
            gap=t.number(gap, 1),
            as_of=t.date(counted_to(view, current)),
        )
    )
    if risk.empty:
        return
    table = at_risk_table(risk, names, t)
    first = ["col.customer", "col.tier", "at_risk.revenue_at_stake", "at_risk.reason"]
    first = [t(k) for k in (*first, "at_risk.owner")]  # what to act on, then the evidence
    st.dataframe(
        table,
        hide_index=True,
        column_order=[*first, *(c for c in table.columns if c not in first)],
        column_config=table_config(t),
        height=520 if len(table) > 12 else "auto",
        key="at_risk.table",
    )
    download_csv(
        t("at_risk.download"),
        lambda: at_risk_table(risk, names, t, exact=True),
        file_name="kadash-at-risk.csv",
        key="at_risk.download",
    )


if __name__ == "__main__":
    render()
