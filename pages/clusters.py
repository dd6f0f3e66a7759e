"""Clusters: the natural groups k-means finds in customers' behaviour, and how far they agree
with the rule tiers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from kadash import clusters
from kadash.clusters import ClusterFit
from kadash.figures import cluster_scatter_figure, crosstab_figure, elbow_figure, pca_figure
from kadash.i18n import Translator
from kadash.report import tier_names_for, tier_settings
from kadash.settings import Settings
from ui import cluster_widgets as cw
from ui import state
from ui.widgets import require_customers, start_page


def _choose_k(t: Translator, scan: pd.DataFrame, k: int) -> None:
    suggested = clusters.suggested_k(scan)
    st.plotly_chart(elbow_figure(scan, suggested, t=t, current=k), key="clusters.elbow")
    if suggested is None:
        return
    note, button = st.columns([3, 1], vertical_alignment="center")
    note.markdown(t("clusters.suggested", k=suggested))
    label = t("clusters.use_suggested", k=suggested)
    icon = ":material/auto_fix_high:"
    button.button(label, on_click=cw.use_k, args=(suggested,), disabled=suggested == k, icon=icon)


@st.fragment
def _scatter(t: Translator, features, fit: ClusterFit, names, customers, options) -> None:
    """The scatter plot and its axis pickers (a fragment: changing an axis redraws this only)."""
    chart = st.container()
    left, right = st.columns(2)
    picked = []
    for col, axis, default in ((left, "x", "frequency"), (right, "y", "monetary")):
        picked.append(
            col.selectbox(
                t(f"clusters.axis_{axis}"),
                options,
                index=options.index(default),
                key=f"clusters.{axis}",
                format_func=lambda f: t(f"clusters.short.{f}"),
            )
        )
    x, y = picked
    figure = cluster_scatter_figure(features, fit, names, t=t, x=x, y=y, customers=customers)
    chart.plotly_chart(figure, key="clusters.scatter")


def _versus_tiers(
    t: Translator, data: cw.ClusterData, fit: ClusterFit, names, settings: Settings
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """The rule tiers of the settings (on their own ranking, matched to the clustered rows by
    customer id) against the clusters."""
    ranked = data.view.ranked(settings.basis)
    tiering = tier_settings(settings, ranked[settings.basis].to_numpy(dtype=np.int64))
    tier_names = tier_names_for(settings, t)
    features = data.features()
    by_id = pd.Series(tiering.tiers, index=ranked["customer_id"].to_numpy())
    tiers = by_id.reindex(features["customer_id"].to_numpy()).to_numpy()
    revenue = features["monetary"].to_numpy()
    comparison = clusters.compare_with_tiers(fit, tiers, revenue, len(tier_names))
    st.subheader(t("clusters.versus_title"), anchor=False)
    st.markdown(cw.comparison_reading(t, comparison, tier_names, names))
    left, right = st.columns([1, 2], gap="large")
    for name, value in (("ari", comparison.ari), ("nmi", comparison.nmi)):
        help_ = t(f"clusters.{name}_help")
        left.metric(t(f"clusters.{name}"), cw.score_text(t, value), help=help_, border=True)
    short = [t("clusters.name", n=i + 1) for i in range(fit.k)]
    right.plotly_chart(crosstab_figure(comparison, tier_names, short, t=t), key="clusters.crosstab")
    return ranked, tiering.tiers, tier_names


@st.fragment
def _clusters(data: cw.ClusterData, t: Translator, has_profit: bool) -> None:
    settings = state.get_settings()
    options = [f for f in clusters.FEATURES if has_profit or f not in ("profit", "margin")]
    chosen = cw.feature_picker(t, options)
    if not chosen:
        st.info(t("clusters.no_features"), icon=":material/info:")
        return
    features = data.features()
    reasons = clusters.eligible(features, chosen)
    st.caption(cw.left_out_text(t, features, reasons, chosen))
    n = int((reasons == "").sum())
    if n < cw.MIN_CUSTOMERS:
        st.warning(t.plural("clusters.too_few", n, n=t.number(n)), icon=":material/warning:")
        return
    k_max = min(cw.MAX_K, n - 1)  # a silhouette needs fewer clusters than customers
    k, seed = cw.k_and_seed(t, k_max, settings.tier_count)
    st.subheader(t("clusters.choose_title"), anchor=False)
    scan = data.scan(t, chosen, seed, k_max)
    _choose_k(t, scan, k)
    fit = data.fit(chosen, k, seed)
    names = cw.cluster_names(t, k, tier_names_for(settings, t))
    st.subheader(t("clusters.profiles_title"), anchor=False)
    silhouette = float(scan.loc[scan["k"] == k, "silhouette"].iloc[0])
    cw.metrics(t, n, silhouette, data.stability(chosen, k))
    st.caption(t("clusters.profiles_caption", k=k, n=t.number(n)))
    profiles = clusters.cluster_profiles(features, fit, chosen)
    cw.profile_table(t, profiles, chosen, names, has_profit, key=f"clusters.profiles.{k}")
    customers = data.customers()
    left, right = st.columns(2, gap="large")
    with left:
        _scatter(t, features, fit, names, customers, options)
    projection = data.projection(chosen, k, seed)
    figure = pca_figure(projection, fit, names, t=t, features=features, customers=customers)
    right.plotly_chart(figure, key="clusters.pca")
    right.caption(t("clusters.pca_caption"))
    ranked, tiers, tier_names = _versus_tiers(t, data, fit, names, settings)
    assigned = cw.assignment(t, features, reasons, fit, names)
    cw.customers_section(t, data.view, ranked, tiers, tier_names, assigned)


def render() -> None:
    view, t = start_page("clusters.title", "clusters.caption")
    summary = require_customers(t, view)
    _clusters(cw.ClusterData(view), t, summary.has_profit)


if __name__ == "__main__":
    render()
