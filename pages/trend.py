"""Concentration trend: Gini, HHI, the top-20% share and the customers for 80%, per period."""

from __future__ import annotations

import streamlit as st

from kadash.figures import trend_figure
from kadash.i18n import Translator
from kadash.trend import FREQUENCIES, MEASURES
from ui.data import View
from ui.trend_widgets import P, Q, cached_trend, period_notes, reading, trend_table_section
from ui.widgets import basis_picker, guard, require_customers, start_page


def _measure_name(t: Translator, measure: str) -> str:
    return t(f"trend.{measure}", p=t.percent(P, 0), q=t.percent(Q, 0))


@st.fragment
def _trend(view: View, t: Translator, has_profit: bool) -> None:
    controls = st.columns([1.4, 1.4, 2.6], gap="medium")
    freq = controls[0].segmented_control(
        t("trend.freq_label"),
        list(FREQUENCIES),
        default="quarter",
        format_func=lambda f: t(f"trend.freq.{f}"),
        required=True,
        key="trend.freq",
        help=t("trend.freq_help"),
        persist_state="session",
    )
    with controls[1]:
        basis = basis_picker(t, has_profit, "trend.basis")
    measures = controls[2].pills(
        t("trend.measures_label"),
        list(MEASURES),
        selection_mode="multi",
        wrap=True,
        default=["top_share"],
        format_func=lambda m: _measure_name(t, m),
        key="trend.measures",
        help=t("trend.measures_help"),
        persist_state="session",
    )
    with guard(t):
        trend = cached_trend(view, freq, basis)
    if measures:
        st.plotly_chart(
            trend_figure(trend, t=t, measure=measures, value=basis, freq=freq, top=P, share=Q),
            key="trend.chart",
        )
    else:
        st.info(t("trend.no_measures"), icon=":material/info:")
    for note in period_notes(t, trend, view):
        st.caption(note)
    st.markdown(reading(t, trend, basis))
    trend_table_section(t, trend, basis, freq)


def render() -> None:
    view, t = start_page("trend.title", "trend.caption")
    summary = require_customers(t, view)
    _trend(view, t, summary.has_profit)


if __name__ == "__main__":
    render()
