"""Profitability: who earns the gross profit, who gives it back, and where margins are thin."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import streamlit as st

from kadash.concentration import pareto_curve, top_count, top_share
from kadash.figures import pareto_figure, quadrant_figure, whale_figure
from kadash.i18n import Translator
from kadash.profitability import (
    DEFAULT_TOP,
    ProfitSummary,
    assign_quadrants,
    loss_makers,
    profit_customers,
    profit_summary,
    profitability_table,
    quadrant_splits,
    summarize_quadrants,
    whale_curve,
)
from ui.profit_widgets import (
    headline,
    loss_table,
    quadrant_reading,
    quadrant_table,
    whale_reading,
)
from ui.widgets import download_csv, require_customers, start_page


def _curves(
    t: Translator, customers: pd.DataFrame, everyone: pd.DataFrame, summary: ProfitSummary
) -> None:
    left, right = st.columns(2, gap="large")
    left.plotly_chart(whale_figure(whale_curve(customers), summary, t=t), key="profitability.whale")
    left.markdown(whale_reading(t, summary))
    # Revenue is known for every customer, with or without gross profit: the same curve as on
    # the Overview.
    values = np.sort(everyone["revenue"].to_numpy(dtype=np.int64))[::-1]
    n, k = len(values), top_count(len(values), DEFAULT_TOP)
    share = top_share(values, DEFAULT_TOP)
    p = t.percent(float(DEFAULT_TOP), 0)
    label = t("pareto.mark_top", p=p, k=t.number(k), share=t.percent(share))
    marks = [] if share is None else [(k / n, share, label)]
    right.plotly_chart(
        pareto_figure(pareto_curve(values, keep=(k,)), t=t, basis="revenue", marks=marks),
        key="profitability.pareto",
    )
    reading = t(
        "overview.top_share_readout",
        p=p,
        k=t.number(k),
        n=t.number(n),
        share=t.percent(share),
        value=t("measure.revenue"),
    )
    right.markdown(reading)


def _margin_default(customers: pd.DataFrame) -> float:
    """The margin slider's starting point: the overall margin (not below 0), in percent."""
    overall = quadrant_splits(customers).margin
    return round(float(overall) * 100, 1)


@st.fragment
def _quadrants(t: Translator, customers: pd.DataFrame) -> None:
    st.subheader(t("quadrant.section"), anchor=False)
    st.caption(t("quadrant.section_caption"))
    default = _margin_default(customers)
    left, right = st.columns(2, gap="large")
    top = left.slider(
        t("quadrant.top_label"),
        5,
        50,
        round(float(DEFAULT_TOP) * 100),
        format="%d%%",
        key="profitability.top",
        help=t("quadrant.top_help"),
    )
    margin = right.slider(
        t("quadrant.margin_label"),
        0.0,
        max(60.0, math.ceil(default / 10) * 10 + 10.0),
        default,
        step=0.1,
        format="%.1f%%",
        key="profitability.margin",
        help=t("quadrant.margin_help", overall=t.percent(default / 100)),
    )
    # At the starting point the split is the overall margin exactly, not its rounding.
    exact = None if round(margin, 1) == default else Fraction(f"{margin:.1f}") / 100
    splits = quadrant_splits(customers, top=Fraction(top, 100), margin_split=exact)
    assigned = assign_quadrants(customers, splits)
    summary = summarize_quadrants(assigned)
    st.plotly_chart(quadrant_figure(assigned, splits, t=t), key="profitability.quadrants")
    st.markdown(quadrant_reading(t, summary, splits))
    quadrant_table(t, summary)
    download_csv(
        t("quadrant.download"),
        lambda: profitability_table(assigned, t=t),
        file_name="kadash-quadrants.csv",
        key="profitability.download_quadrants",
    )


def _loss_makers(t: Translator, customers: pd.DataFrame, summary: ProfitSummary) -> None:
    st.subheader(t("loss_makers.title"), anchor=False)
    if not summary.loss_makers:
        st.success(t("loss_makers.none"), icon=":material/check_circle:")
        return
    losing = loss_makers(customers)
    loss_table(t, losing, summary)
    download_csv(
        t.plural("loss_makers.download", len(losing), n=t.number(len(losing))),
        lambda: profitability_table(losing, t=t),
        file_name="kadash-loss-makers.csv",
        key="profitability.download_losses",
    )


def render() -> None:
    view, t = start_page("profitability.title", "profitability.caption")
    if not require_customers(t, view).has_profit:
        st.info(t("profitability.no_profit", field=t("field.profit")), icon=":material/info:")
        st.page_link("pages/data.py", label=t("profitability.map_link"), icon=":material/build:")
        st.stop()
    everyone = view.ranked("profit")
    summary = profit_summary(everyone)
    customers = profit_customers(everyone)
    if summary.no_profit_data:
        n = summary.no_profit_data
        st.caption(t.plural("profitability.left_out", n, n=t.number(n)))
    if customers.empty:
        st.info(t("profitability.none_known"), icon=":material/info:")
        st.stop()
    headline(t, summary)
    _curves(t, customers, everyone, summary)
    _quadrants(t, customers)
    _loss_makers(t, customers, summary)


if __name__ == "__main__":
    render()
