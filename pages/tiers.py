"""Tiers: choose a standard, move the cut-offs, see who lands where and what each tier weighs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from kadash.concentration import pareto_curve
from kadash.customers import search_customers
from kadash.errors import KadashError
from kadash.export import customers_table, tiers_table
from kadash.figures import pareto_figure, tier_share_figure
from kadash.i18n import Translator, escape_markdown
from kadash.report import tier_names_for
from kadash.settings import Settings
from kadash.tiers import (
    SCHEMES,
    assign_tiers,
    enforce_increasing,
    summarize_tiers,
    tier_boundaries,
)
from ui import state
from ui.data import View
from ui.widgets import (
    LAZY_ROWS,
    as_percent,
    basis_picker,
    download_csv,
    money_column,
    percent_column,
    require_customers,
    start_page,
)

_SLIDER = "tiers.cutoff.{}"


def _slider_keys(count: int) -> list[str]:
    return [_SLIDER.format(i) for i in range(count)]


def _as_slider(cutoff: float) -> int:
    """A cut-off on the 1–100 % slider (a finer one, from a link or a file, is rounded for
    display only)."""
    return min(max(round(cutoff * 100), 1), 100)


def _on_scheme() -> None:
    settings = state.get_settings()
    state.set_settings(settings.with_scheme(st.session_state["tiers.scheme"]))
    for key in _slider_keys(5):
        st.session_state.pop(key, None)


def _on_reset_cutoffs() -> None:
    _on_scheme()  # the scheme's own cut-offs and names


def _on_cutoff(changed: int, count: int) -> None:
    """Keep the cut-offs increasing; only the moved slider, and any it pushed, change value
    (the others keep their exact setting, e.g. 0.825 from a link)."""
    keys = _slider_keys(count)
    moved = [st.session_state[k] for k in keys]
    values = enforce_increasing(moved, changed, low=1, high=100)
    exact = list(state.get_settings().cutoffs)
    for j, (key, value) in enumerate(zip(keys, values, strict=True)):
        if value != moved[j]:
            # Only a slider pushed or clamped is set: setting one sends its value back to the
            # browser, where it would undo key presses made since (a fast run of ArrowLeft).
            st.session_state[key] = value
        if j == changed or value != moved[j]:
            exact[j] = value / 100
    try:
        state.update_settings(cutoffs=tuple(exact))
    except KadashError:  # a kept exact value collides with a moved one: all from the sliders
        state.update_settings(cutoffs=tuple(v / 100 for v in values))


def _controls(t: Translator, settings: Settings, names: list[str], has_profit: bool) -> None:
    left, right = st.columns([1.4, 1], gap="large")
    state.seed("tiers.scheme", settings.scheme)
    left.selectbox(
        t("tiers.scheme"),
        list(SCHEMES),
        format_func=lambda s: t(f"scheme.{s}"),
        key="tiers.scheme",
        on_change=_on_scheme,
        help=t("tiers.scheme_help"),
    )
    with right:
        basis_picker(t, has_profit, "tiers.basis")
    unit = t("tiers.of_customers") if settings.rule == "count" else t(f"measure.{settings.basis}")
    count = len(settings.cutoffs)
    for i, (col, key) in enumerate(zip(st.columns(count), _slider_keys(count), strict=True)):
        state.seed(key, _as_slider(settings.cutoffs[i]))
        col.slider(
            t.md("tiers.cutoff_label", upper=names[i], lower=names[i + 1]),
            min_value=1,
            max_value=100,
            format="%d%%",
            key=key,
            on_change=_on_cutoff,
            args=(i, count),
            help=t("tiers.cutoff_help", unit=unit),
        )
    preset = tuple(float(c) for c in SCHEMES[settings.scheme].cutoffs)
    shown = " / ".join(t.percent(c, 0) for c in preset)
    if settings.cutoffs == preset:
        st.caption(t("tiers.preset_cutoffs", cutoffs=shown))
    else:
        note, button = st.columns([3, 1], vertical_alignment="center")
        note.caption(t("tiers.changed_cutoffs", cutoffs=shown))
        button.button(
            t("tiers.reset_cutoffs"), on_click=_on_reset_cutoffs, icon=":material/restart_alt:"
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


def _breakdown(t: Translator, summary: pd.DataFrame, has_profit: bool, scheme: str) -> None:
    shares = [t(k) for k in ("col.cutoff", "col.customer_share", "col.revenue_share")]
    shares += [t("col.profit_share")]
    money = [t(k) for k in ("col.revenue", "col.profit", "col.revenue_per_customer")]
    table = as_percent(tiers_table(summary, t=t, exact=False), shares)
    table = table.drop(columns=[t("col.tier_id")])  # the id is for files and scripts
    if not has_profit:
        table = table.drop(columns=[t("col.profit"), t("col.profit_share")])
    # Cells that can be empty (the last tier has no cut-off, an empty tier no average) are
    # shown as text, so they read "–" rather than "None".
    cutoff, average = t("col.cutoff"), t("col.revenue_per_customer")
    table[cutoff] = [t.percent(b / 100, 0) for b in table[cutoff]]
    table[average] = [t.number(a) for a in table[average]]
    config = {c: percent_column(c) for c in shares if c != cutoff}
    config |= {c: money_column(c, 0) for c in money if c != average}
    config |= {c: st.column_config.TextColumn(alignment="right") for c in (cutoff, average)}
    config[t("col.customers")] = st.column_config.NumberColumn(format="%,d")
    # Keyed by scheme: the grid keeps column widths per key, and names change with the scheme.
    st.dataframe(table, hide_index=True, column_config=config, key=f"tiers.breakdown.{scheme}")
    download_csv(
        t("tiers.download_breakdown"),
        lambda: tiers_table(summary, t=t),
        file_name="kadash-tiers.csv",
        key="tiers.download_breakdown",
    )


def _customer_list(
    t: Translator, ranked: pd.DataFrame, tiers: np.ndarray, names: list[str]
) -> None:
    st.subheader(t("tiers.customers_title"), anchor=False)
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
        t.plural("tiers.download_customers", int(hit.sum()), n=t.number(int(hit.sum()))),
        lambda: customers_table(ranked[hit], tiers[hit], names, t=t),
        file_name="kadash-customers.csv",
        key="tiers.download_customers",
    )


@st.fragment
def _tiers(view: View, t: Translator, has_profit: bool) -> None:
    settings = state.get_settings()
    names = tier_names_for(settings, t)
    _controls(t, settings, names, has_profit)
    settings = state.get_settings()  # the widgets above may have changed it
    names = tier_names_for(settings, t)
    ranked = view.ranked(settings.basis)
    values = ranked[settings.basis].to_numpy(dtype=np.int64)
    tiers = assign_tiers(values, settings.cutoffs, settings.rule)
    summary = summarize_tiers(ranked, tiers, names, cutoffs=settings.cutoffs)
    _cards(t, summary, has_profit)
    left, right = st.columns([1, 1.25], gap="large")
    left.plotly_chart(tier_share_figure(summary, t=t, has_profit=has_profit), key="tiers.shares")
    right.plotly_chart(
        pareto_figure(
            pareto_curve(values, keep=tier_boundaries(tiers)),
            t=t,
            basis=settings.basis,
            tier_of_rank=tiers,
            tier_names=names,
        ),
        key="tiers.pareto",
    )
    st.subheader(t("tiers.breakdown_title"), anchor=False)
    _breakdown(t, summary, has_profit, settings.scheme)
    _customer_list(t, ranked, tiers, names)


def render() -> None:
    view, t = start_page("tiers.title", "tiers.caption")
    summary = require_customers(t, view)
    _tiers(view, t, summary.has_profit)


if __name__ == "__main__":
    render()
