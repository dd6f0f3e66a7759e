"""Overview: headline numbers, the Pareto curve with live readouts, and concentration."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import streamlit as st

from kadash.concentration import (
    concentration_summary,
    customers_for_share,
    pareto_curve,
    top_count,
    top_n_share,
    top_share,
)
from kadash.figures import pareto_figure
from kadash.i18n import Translator
from ui.data import View
from ui.guide import notes
from ui.overview_widgets import kpi_cards, major_customers_table
from ui.widgets import basis_picker, require_customers, start_page


@st.fragment
def _pareto_and_concentration(view: View, t: Translator, has_profit: bool) -> None:
    controls = st.columns([1.2, 1, 1], gap="large")
    with controls[0]:
        basis = basis_picker(t, has_profit, "overview.basis")
    value = t(f"measure.{basis}")
    # The readout sliders keep their place when the user visits another page and comes back.
    p = controls[1].slider(
        t("overview.p_label"),
        1,
        50,
        20,
        format="%d%%",
        key="overview.p",
        help=t("overview.p_help"),
        persist_state="session",
    )
    q = controls[2].slider(
        t("overview.q_label", value=value),
        50,
        99,
        80,
        format="%d%%",
        key="overview.q",
        help=t("overview.q_help"),
        persist_state="session",
    )
    ranked = view.ranked(basis)
    values = ranked[basis].to_numpy(dtype=np.int64)
    n = len(values)
    k_top = top_count(n, Fraction(p, 100))
    share = top_share(values, Fraction(p, 100))
    needed = customers_for_share(values, Fraction(q, 100))
    marks = []  # readout points, on the curve
    if share is not None:
        label = t("pareto.mark_top", p=f"{p}%", k=t.number(k_top), share=t.percent(share))
        marks.append((k_top / n, share, label))
    if needed is not None:
        label = t("pareto.mark_needed", k=t.number(needed), x=t.percent(needed / n), q=f"{q}%")
        marks.append((needed / n, top_n_share(values, needed), label))
    chart, readouts = st.columns([2.2, 1], gap="large")
    chart.plotly_chart(
        pareto_figure(
            pareto_curve(values, keep=(k_top, needed or 0)),  # readouts drawn exactly
            t=t,
            basis=basis,
            marks=marks,
        ),
        key="overview.pareto",
    )
    sentence = t(
        "overview.top_share_readout",
        p=f"{p}%",
        k=t.number(k_top),
        n=t.number(n),
        share=t.percent(share),
        value=value,
    )
    with readouts:
        st.metric(t("overview.top_share_label", p=f"{p}%"), t.percent(share), help=sentence)
        st.caption(sentence)
        st.metric(
            t("overview.needed_label", q=f"{q}%"), t.number(needed), help=t("overview.needed_help")
        )
        if needed is not None:
            st.caption(
                t.plural(
                    "overview.needed_readout",
                    needed,
                    k=t.number(needed),
                    x=t.percent(needed / n),
                    q=f"{q}%",
                    value=value,
                )
            )
    _concentration(t, values, value)
    major_customers_table(t, view.ranked("revenue"))


def _concentration(t: Translator, values: np.ndarray, value: str) -> None:
    summary = concentration_summary(values)
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
        n = summary.negative_customers
        st.caption(t.plural("overview.negatives_left_out", n, n=t.number(n)))


def render() -> None:
    view, t = start_page("overview.title", "overview.caption")
    notes(t, "why", "overview_read")
    summary = require_customers(t, view)
    kpi_cards(t, view.ranked("revenue"), summary.has_profit)
    _pareto_and_concentration(view, t, summary.has_profit)


if __name__ == "__main__":
    render()
