"""Tiers: choose a standard, move the bounds, see who lands where, what each tier weighs, how
fragile the bounds are and how tiers differ inside each region, industry or sales rep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from kadash.concentration import pareto_curve
from kadash.customers import search_customers
from kadash.export import customers_table, tiers_table
from kadash.figures import pareto_figure, tier_share_figure
from kadash.i18n import Translator, escape_markdown
from kadash.report import tier_names_for, tier_settings
from kadash.tiers import summarize_tiers, tier_boundaries
from ui import state
from ui.data import View
from ui.guide import notes
from ui.scenario_widgets import scenarios_section
from ui.tier_controls import apply_computed, computed_suggestion, tier_controls
from ui.tier_sections import sensitivity_section, within_groups_section
from ui.widgets import (
    LAZY_ROWS,
    as_percent,
    current_view,
    download_csv,
    download_workbook,
    money_column,
    percent_column,
    require_customers,
    start_page,
)


def _cards(t: Translator, summary: pd.DataFrame, has_profit: bool) -> None:
    for col, row in zip(st.columns(len(summary), border=True), summary.itertuples(), strict=True):
        col.metric(escape_markdown(row.name), t.number(row.customers), help=t("tiers.card_help"))
        shares = t(
            "tiers.card_shares",
            customers=t.percent(row.customer_share),
            revenue=t.percent(row.revenue_share),
        )
        if has_profit:
            shares += " · " + t("tiers.card_profit", profit=t.percent(row.profit_share))
        col.caption(shares)


def _breakdown(t: Translator, summary: pd.DataFrame, has_profit: bool, key: str) -> None:
    shares = [t(k) for k in ("col.cutoff", "col.customer_share", "col.revenue_share")]
    shares += [t("col.profit_share")]
    money = [t(k) for k in ("col.revenue", "col.profit", "col.revenue_per_customer")]
    table = as_percent(tiers_table(summary, t=t, exact=False), shares)
    table = table.drop(columns=[t("col.tier_id")])  # the id is for files and scripts
    if not has_profit:
        table = table.drop(columns=[t("col.profit"), t("col.profit_share")])
    # Cells that can be empty (the last tier has no bound, an empty tier no average) are shown
    # as text, so they read "–" rather than "None".
    cutoff, average = t("col.cutoff"), t("col.revenue_per_customer")
    if summary["threshold"].notna().any():
        table[cutoff] = [t("tiers.at_least", x=t.money(v)) for v in summary["threshold"]]
    else:
        table[cutoff] = [t.percent(b / 100, 1) for b in table[cutoff]]
    table[average] = [t.number(a) for a in table[average]]
    config = {c: percent_column(c) for c in shares if c != cutoff}
    config |= {c: money_column(c, 0) for c in money if c != average}
    config |= {c: st.column_config.TextColumn(alignment="right") for c in (cutoff, average)}
    config[t("col.customers")] = st.column_config.NumberColumn(format="%,d")
    # Keyed by scheme and names: the grid keeps column widths per key.
    st.dataframe(table, hide_index=True, column_config=config, key=f"tiers.breakdown.{key}")
    csv, workbook = st.columns([1, 1.6])
    with csv:
        download_csv(
            t("tiers.download_breakdown"),
            lambda: tiers_table(summary, t=t),
            file_name="kadash-tiers.csv",
            key="tiers.download_breakdown",
        )
    with workbook:
        download_workbook(t, current_view(), key="tiers.workbook")


def _customer_list(
    t: Translator, ranked: pd.DataFrame, tiers: np.ndarray, names: list[str]
) -> None:
    query = st.text_input(
        t("tiers.search"), key="tiers.search", placeholder=t("tiers.search_placeholder")
    )
    hit = search_customers(ranked, query)
    shown = int(hit.sum())
    if not shown:
        st.info(t("tiers.no_match", query=escape_markdown(query)), icon=":material/search_off:")
        return
    table = customers_table(ranked[hit], tiers[hit], names, t=t, exact=False)
    st.caption(t("tiers.customers_count", shown=t.number(shown), total=t.number(len(ranked))))
    st.dataframe(
        table,
        hide_index=True,
        height=420 if shown > 10 else "auto",
        lazy=len(table) > LAZY_ROWS,
        column_config={t(k): money_column(t(k)) for k in ("col.revenue", "col.profit")},
        key="tiers.customers." + "|".join(names),  # new names, new column widths
    )
    download_csv(
        t.plural("tiers.download_customers", shown, n=t.number(shown)),
        lambda: customers_table(ranked[hit], tiers[hit], names, t=t),
        file_name="kadash-customers.csv",
        key="tiers.download_customers",
    )


@st.fragment
def _tiers(view: View, t: Translator, has_profit: bool) -> None:
    settings = state.get_settings()
    ranked = view.ranked(settings.basis)
    values = ranked[settings.basis].to_numpy(dtype=np.int64)
    tier_controls(
        t,
        settings,
        tier_names_for(settings, t),
        has_profit,
        values,
        tier_settings(settings, values),
    )
    settings = state.get_settings()  # the widgets above may have changed it
    names = tier_names_for(settings, t)
    ranked = view.ranked(settings.basis)
    values = ranked[settings.basis].to_numpy(dtype=np.int64)
    tiering = tier_settings(settings, values)
    summary = summarize_tiers(
        ranked, tiering.tiers, names, cutoffs=tiering.cutoffs, thresholds=tiering.thresholds
    )
    suggestion = computed_suggestion(t, settings, values)
    if suggestion is not None:
        note, button = st.columns([3, 1], vertical_alignment="center")
        note.caption(suggestion.text)
        if suggestion.cutoffs is not None:
            button.button(
                t("tiers.computed_apply"),
                on_click=apply_computed,
                args=(suggestion.cutoffs,),
                icon=":material/auto_fix_high:",
                help=t("tiers.computed_help"),
            )
    _cards(t, summary, has_profit)
    left, right = st.columns([1, 1.25], gap="large")
    left.plotly_chart(tier_share_figure(summary, t=t, has_profit=has_profit), key="tiers.shares")
    right.plotly_chart(
        pareto_figure(
            pareto_curve(values, keep=tier_boundaries(tiering.tiers)),
            t=t,
            basis=settings.basis,
            marks=suggestion.marks if suggestion else (),
            tier_of_rank=tiering.tiers,
            tier_names=names,
        ),
        key="tiers.pareto",
    )
    st.subheader(t("tiers.breakdown_title"), anchor=False)
    _breakdown(t, summary, has_profit, settings.scheme + "|".join(names))
    customers, sensitivity, groups, compare = st.tabs(
        [
            t("tiers.customers_title"),
            t("sensitivity.title"),
            t("groups.title"),
            t("scenarios.title"),
        ]
    )
    with customers:
        _customer_list(t, ranked, tiering.tiers, names)
    with sensitivity:
        sensitivity_section(t, settings, ranked, tiering, names)
    with groups:
        within_groups_section(t, settings, ranked, tiering, names)
    with compare:
        scenarios_section(t, settings, ranked, has_profit)


def render() -> None:
    view, t = start_page("tiers.title", "tiers.caption")
    notes(t, "why", "tiers_read")
    summary = require_customers(t, view)
    _tiers(view, t, summary.has_profit)


if __name__ == "__main__":
    render()
