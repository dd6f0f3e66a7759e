"""The Tiers page's "Compare standards" tab: two standards side by side on the same customers.

Only renders what :func:`kadash.scenarios.compare_scenarios` computes.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kadash.exact import MONEY_SCALE
from kadash.figures import scenario_figure
from kadash.i18n import Translator, escape_markdown
from kadash.scenarios import (
    DEFAULT_PAIR,
    SCENARIOS,
    ScenarioComparison,
    compare_scenarios,
    comparison_table,
    customers_both,
    scenario,
    scenario_label,
)
from kadash.settings import Settings
from ui.widgets import as_percent, download_csv, money_column, percent_column

__all__ = ["scenarios_section"]


def _compact(t: Translator, summary: pd.DataFrame, has_profit: bool, key: str) -> None:
    """One standard's tiers: customers, revenue (and gross profit) with their shares."""
    columns = {
        "name": t("col.tier"),
        "customers": t("col.customers"),
        "customer_share": t("col.customer_share"),
        "revenue": t("col.revenue"),
        "revenue_share": t("col.revenue_share"),
    }
    if has_profit:
        columns |= {"profit": t("col.profit"), "profit_share": t("col.profit_share")}
    table = summary[list(columns)].rename(columns=columns)
    money = [c for c in (t("col.revenue"), t("col.profit")) if c in table.columns]
    shares = [t(k) for k in ("col.customer_share", "col.revenue_share", "col.profit_share")]
    table = as_percent(table.assign(**{c: table[c] / MONEY_SCALE for c in money}), shares)
    config = {c: percent_column(c) for c in shares if c in table.columns}
    config |= {c: money_column(c, 0) for c in money}
    config[t("col.customers")] = st.column_config.NumberColumn(format="%,d")
    st.dataframe(table, hide_index=True, column_config=config, key=key)


def _unique(names: list[str]) -> list[str]:
    """Tier names as column labels: a name used twice (the user's own) gets its tier id."""
    return [f"{n} (t{i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


def _crosstab(t: Translator, comparison: ScenarioComparison, labels: tuple[str, str]) -> None:
    cross = comparison.crosstab.copy()
    cross.index, cross.columns = _unique(list(cross.index)), _unique(list(cross.columns))
    total = t("scenarios.total")
    cross[total] = cross.sum(axis=1)
    cross.loc[total] = cross.sum(axis=0)
    st.markdown("**" + t.md("scenarios.crosstab_title", first=labels[0], second=labels[1]) + "**")
    st.caption(t("scenarios.crosstab_caption"))
    # Keyed by the tier names: other names, other column widths.
    st.dataframe(cross, key="tiers.scenario_crosstab." + "|".join(map(str, cross.columns)))


def _sentence(t: Translator, comparison: ScenarioComparison, labels: tuple[str, str]) -> str:
    first, second = comparison.first_summary.iloc[0], comparison.second_summary.iloc[0]
    n = int(first["customers"])
    text = t.plural(
        "scenarios.sentence",
        n,
        first=escape_markdown(labels[0]),
        first_top=escape_markdown(first["name"]),
        first_n=t.number(n),
        first_share=t.percent(first["customer_share"]),
        first_revenue=t.percent(first["revenue_share"]),
        second=escape_markdown(labels[1]),
        second_top=escape_markdown(second["name"]),
        second_n=t.number(int(second["customers"])),
        second_share=t.percent(second["customer_share"]),
        second_revenue=t.percent(second["revenue_share"]),
    )
    moves = t.md(
        "scenarios.top_moves",
        first=labels[0],
        second=labels[1],
        first_only=t.number(comparison.top_first_only),
        second_only=t.number(comparison.top_second_only),
    )
    return f"{text} {moves}"


def scenarios_section(
    t: Translator, settings: Settings, ranked: pd.DataFrame, has_profit: bool
) -> None:
    """Pick two standards; see each one's tiers, their shares of revenue, and the customers
    by tier under both."""
    st.caption(t("scenarios.caption", measure=t(f"measure.{settings.basis}")))
    left, right = st.columns(2, gap="large")
    picked = []
    for col, key, label, default in zip(
        (left, right),
        ("tiers.scenario_a", "tiers.scenario_b"),
        (t("scenarios.first"), t("scenarios.second")),
        DEFAULT_PAIR,
        strict=True,
    ):
        picked.append(
            col.selectbox(
                label,
                SCENARIOS,
                index=SCENARIOS.index(default),
                format_func=lambda k: scenario_label(scenario(k, settings), t),
                key=key,
                help=t("scenarios.pick_help"),
                persist_state="session",  # kept while other pages are visited
            )
        )
    first, second = (scenario(k, settings) for k in picked)
    comparison = compare_scenarios(ranked, first, second, basis=settings.basis, t=t)
    labels = (scenario_label(first, t), scenario_label(second, t))
    for col, summary, key in (
        (left, comparison.first_summary, "tiers.scenario_table_a"),
        (right, comparison.second_summary, "tiers.scenario_table_b"),
    ):
        with col:
            _compact(t, summary, has_profit, key)
    if picked[0] == picked[1]:
        st.info(t("scenarios.same"), icon=":material/compare_arrows:")
    elif comparison.identical:
        st.info(t("scenarios.identical"), icon=":material/info:")
    st.markdown(_sentence(t, comparison, labels))
    st.plotly_chart(
        scenario_figure([comparison.first_summary, comparison.second_summary], list(labels), t=t),
        key="tiers.scenario_figure",
    )
    _crosstab(t, comparison, labels)
    table, customers = st.columns([1, 1.6])
    with table:
        download_csv(
            t("scenarios.download"),
            lambda: comparison_table(comparison, t=t, has_profit=has_profit),
            file_name="kadash-compare-standards.csv",
            key="tiers.download_scenarios",
        )
    with customers:
        download_csv(
            t("scenarios.download_customers"),
            lambda: customers_both(ranked, comparison, t=t),
            file_name="kadash-tiers-under-both-standards.csv",
            key="tiers.download_scenario_customers",
        )
