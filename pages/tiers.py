"""Tiers: choose a standard, move the bounds, see who lands where, what each tier weighs, how
fragile the bounds are and how tiers differ inside each region, industry or sales rep."""

from __future__ import annotations

import numpy as np
import streamlit as st

from kadash.concentration import pareto_curve
from kadash.figures import pareto_figure, tier_share_figure
from kadash.i18n import Translator
from kadash.report import tier_names_for, tier_settings
from kadash.tiers import summarize_tiers, tier_boundaries
from ui import state
from ui.data import View
from ui.guide import notes
from ui.scenario_widgets import scenarios_section
from ui.tier_controls import apply_computed, computed_suggestion, tier_controls
from ui.tier_sections import sensitivity_section, within_groups_section
from ui.tier_tables import customer_list, tier_breakdown, tier_cards
from ui.widgets import (
    require_customers,
    start_page,
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
    tier_cards(t, summary, has_profit)
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
    tier_breakdown(t, summary, has_profit, settings.scheme + "|".join(names))
    customers, sensitivity, groups, compare = st.tabs(
        [
            t("tiers.customers_title"),
            t("sensitivity.title"),
            t("groups.title"),
            t("scenarios.title"),
        ]
    )
    with customers:
        customer_list(t, ranked, tiering.tiers, names)
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
