"""Pieces of the Clusters page: the cached fits, the controls, readings in words and tables.

Fits, the k scan and the stability runs are cached per data (file digest, read options,
mapping, filters), features, k and seed — nothing else — so a widget that changes none of
those (the scatter axes, a download, the tier slider on another page) never refits. Fitted
objects are shared, not copied (``st.cache_resource``): nothing here mutates them.
scikit-learn runs single-threaded (:data:`THREADS`) so one user's fit does not starve the
other sessions of the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from kadash import clusters
from kadash.clusters import ClusterFit, Comparison
from kadash.export import customers_table
from kadash.i18n import Translator, escape_markdown
from kadash.rfm import clv_summary, recency_days, rfm_scores
from ui import state
from ui.data import View, _filters_key
from ui.progress import run_showing_progress
from ui.widgets import LAZY_ROWS, download_csv, money_column

__all__ = [
    "MAX_K",
    "MIN_CUSTOMERS",
    "THREADS",
    "ClusterData",
    "assignment",
    "cluster_names",
    "comparison_reading",
    "customers_frame",
    "customers_section",
    "feature_picker",
    "k_and_seed",
    "left_out_text",
    "metrics",
    "profile_table",
    "score_text",
    "stability_reading",
    "use_k",
]

THREADS = 1
MIN_CUSTOMERS = 3  # k = 2 and a silhouette need at least three customers
MAX_K = 10
_SAVED = "kadash.clusters"  # the page's choices, kept while other pages are visited
_MONEY = ("monetary", "aov", "profit")
T = TypeVar("T")


# -- cached steps ----------------------------------------------------------------------------
@st.cache_resource(max_entries=8, show_spinner=False)
def _features(data, filters, _view: View) -> pd.DataFrame:
    return clusters.customer_features(_view.ranked("revenue"))


@st.cache_resource(max_entries=64, show_spinner=False)
def _fit(data, filters, chosen, k, seed, _view: View) -> ClusterFit:
    features = _features(data, filters, _view)
    # No silhouette here: the scan has it for the same k and seed (and on many customers it
    # costs more than the fit).
    return clusters.fit_clusters(features, chosen, k, seed=seed, threads=THREADS, score=False)


@st.cache_data(max_entries=32, show_spinner=False)
def _scan(data, filters, chosen, seed, ks, _view: View, _progress=None):
    features = _features(data, filters, _view)
    return clusters.scan_k(features, chosen, ks, seed=seed, threads=THREADS, progress=_progress)


@st.cache_data(max_entries=64, show_spinner=False)
def _stability(data, filters, chosen, k, _view: View) -> float:
    features = _features(data, filters, _view)
    return clusters.stability(features, chosen, k, threads=THREADS)


@st.cache_resource(max_entries=16, show_spinner=False)
def _projection(data, filters, chosen, k, seed, _view: View):
    features = _features(data, filters, _view)
    fit = _fit(data, filters, chosen, k, seed, _view)
    return clusters.pca_projection(features, fit, chosen)


@dataclass(frozen=True)
class ClusterData:
    """The cached clustering steps of one view (customers ranked by revenue: the same rows
    whatever the tier basis, so the basis never changes a fit)."""

    view: View

    @property
    def _key(self) -> tuple:
        return (self.view._args, _filters_key(self.view.settings))

    def customers(self) -> pd.DataFrame:
        return self.view.ranked("revenue")

    def features(self) -> pd.DataFrame:
        return _features(*self._key, self.view)

    def fit(self, chosen: Sequence[str], k: int, seed: int) -> ClusterFit:
        return _fit(*self._key, tuple(chosen), k, seed, self.view)

    def projection(self, chosen: Sequence[str], k: int, seed: int) -> pd.DataFrame:
        return _projection(*self._key, tuple(chosen), k, seed, self.view)

    def stability(self, chosen: Sequence[str], k: int) -> float:
        return _stability(*self._key, tuple(chosen), k, self.view)

    def scan(self, t: Translator, chosen: Sequence[str], seed: int, k_max: int) -> pd.DataFrame:
        """Inertia and silhouette for k = 2 … ``k_max``, with a progress bar the first time."""
        ks = tuple(range(2, k_max + 1))

        def text(done: int, total: int) -> str:
            return t("clusters.scanning", done=done, total=total, high=k_max)

        return _with_progress(
            text, lambda hear: _scan(*self._key, tuple(chosen), seed, ks, self.view, hear)
        )


def _with_progress(
    text: Callable[[int, int], str], work: Callable[[Callable[[int, int], None]], T]
) -> T:
    """Run ``work(hear)`` with a bar labelled ``text(done, total)`` from what ``hear(done,
    total)`` last heard (see :func:`ui.progress.run_showing_progress`: the bar is drawn by this
    script's thread, never inside the cached function, whose Streamlit calls would be replayed
    on every hit)."""
    heard = {"done": 0, "total": 1}

    def hear(done: int, total: int) -> None:
        heard.update(done=done, total=max(total, 1))

    def bar() -> tuple[float, str]:
        done, total = heard["done"], heard["total"]
        return done / total, text(done, total)

    return run_showing_progress(lambda: work(hear), bar, name="kadash-scan")


# -- controls --------------------------------------------------------------------------------
def _save(key: str) -> None:
    st.session_state.setdefault(_SAVED, {})[key] = st.session_state[key]


def _seed(key: str, default: object) -> None:
    state.seed(key, lambda: st.session_state.get(_SAVED, {}).get(key, default))


def use_k(k: int) -> None:
    """Callback of the "use the suggested k" button."""
    st.session_state["clusters.k"] = k
    _save("clusters.k")


def feature_picker(t: Translator, options: list[str]) -> list[str]:
    """The features to cluster on, among ``options`` (default recency, frequency, monetary)."""
    key = "clusters.features"
    for store in (st.session_state, st.session_state.get(_SAVED, {})):
        if any(f not in options for f in store.get(key, ())):
            del store[key]  # chosen for a file with gross profit
    _seed(key, list(clusters.DEFAULT_FEATURES))
    return st.multiselect(
        t("clusters.features"),
        options,
        key=key,
        format_func=lambda f: t(f"clusters.feature.{f}"),
        on_change=_save,
        args=(key,),
        placeholder=t("clusters.features_placeholder"),
        help=t("clusters.features_help"),
    )


def k_and_seed(t: Translator, k_max: int, default_k: int) -> tuple[int, int]:
    """The number of clusters (a slider, 2 … ``k_max``) and the seed, side by side."""
    left, right = st.columns([3, 1])
    if k_max <= 2:  # a slider needs two ends
        left.caption(t("clusters.k_fixed"))
        k = 2
    else:
        key = "clusters.k"
        # The user's k (or the number of tiers), within this data's range. Set on every run:
        # a slider with other ends is a new widget to Streamlit, which would start it at 2.
        wanted = st.session_state.get(_SAVED, {}).get(key, default_k)
        st.session_state[key] = min(max(int(wanted), 2), k_max)
        help_ = t("clusters.k_help")
        k = left.slider(
            t("clusters.k"), 2, k_max, key=key, on_change=_save, args=(key,), help=help_
        )
    key = "clusters.seed"
    _seed(key, 0)
    help_ = t("clusters.seed_help")
    seed = right.number_input(
        t("clusters.seed"), 0, 99_999, step=1, key=key, on_change=_save, args=(key,), help=help_
    )
    return int(k), int(seed)


# -- words -----------------------------------------------------------------------------------
def cluster_names(t: Translator, k: int, tier_names: Sequence[str]) -> list[str]:
    """Names "Cluster 1", …; "Cluster 1 · Diamond-like" when there are as many clusters as
    tiers."""
    if k == len(tier_names):
        return [t("clusters.name_like", n=i + 1, tier=n) for i, n in enumerate(tier_names)]
    return [t("clusters.name", n=i + 1) for i in range(k)]


def left_out_text(t: Translator, features: pd.DataFrame, reasons: pd.Series, chosen) -> str:
    """Who is clustered, who is left out and why."""
    total, kept = len(reasons), int((reasons == "").sum())
    if kept == total:
        return t.plural("clusters.all_in", total, n=t.number(total))
    parts = []
    if n := int((reasons == "no_revenue").sum()):
        parts.append(t.plural("clusters.left_no_revenue", n, n=t.number(n)))
    missing = reasons == "missing"
    if n := int(missing.sum()):
        lacking = [f for f in chosen if features.loc[missing, f].isna().any()]
        names = ", ".join(t(f"clusters.short.{f}") for f in lacking)
        parts.append(t.plural("clusters.left_missing", n, n=t.number(n), features=names))
    return t("clusters.left_out", kept=t.number(kept), n=t.number(total), reasons="; ".join(parts))


def stability_reading(t: Translator, score: float) -> str:
    if np.isnan(score):
        return ""
    level = "stable" if score >= 0.9 else "fair" if score >= 0.7 else "unstable"
    return t(f"clusters.stability_{level}")


def comparison_reading(
    t: Translator, comparison: Comparison, tier_names: Sequence[str], names: Sequence[str]
) -> str:
    """The comparison in words: revenue on which tiers and clusters agree, and the largest
    groups of customers whose behaviour looks like a higher tier's."""
    tiers = " / ".join(escape_markdown(n) for n in tier_names)
    if comparison.revenue_agreement is None:
        k = len(names)
        return t("clusters.read_undefined", k=k, tiers=len(tier_names), names=tiers)
    parts = [t("clusters.read_agree", share=t.percent(comparison.revenue_agreement), tiers=tiers)]
    for tier, cluster, n in comparison.look_higher[:2]:
        parts.append(
            t.plural(
                "clusters.read_higher",
                n,
                n=t.number(n),
                tier=escape_markdown(tier_names[tier]),
                like=escape_markdown(tier_names[cluster]),
                cluster=escape_markdown(names[cluster]),
            )
        )
    if not comparison.look_higher:
        parts.append(t("clusters.read_none_higher"))
    return " ".join(parts)


def assignment(
    t: Translator, features: pd.DataFrame, reasons: pd.Series, fit: ClusterFit, names: list[str]
) -> pd.Series:
    """Per customer id: the name of its cluster, or why it was left out."""
    text = {r: t(f"clusters.left.{r}") for r in reasons.unique() if r}
    out = pd.Series([text.get(r, "") for r in reasons], index=features["customer_id"].to_numpy())
    out.iloc[np.flatnonzero(fit.kept)] = [names[c] for c in fit.labels]
    return out


def score_text(t: Translator, value: float) -> str:
    """A score (silhouette, ARI, NMI) with two decimals; an en dash where it is undefined."""
    return t.number(value, 2)


def metrics(t: Translator, n: int, silhouette: float, stable: float) -> None:
    """Customers clustered, silhouette and stability, as cards."""
    cols = st.columns(3, border=True)
    cols[0].metric(t("clusters.clustered"), t.number(n), help=t("clusters.clustered_help"))
    help_ = t("clusters.silhouette_help")
    cols[1].metric(t("clusters.silhouette"), score_text(t, silhouette), help=help_)
    help_ = t("clusters.stability_help")
    cols[2].metric(t("clusters.stability"), score_text(t, stable), help=help_)
    cols[2].caption(stability_reading(t, stable))


# -- tables ----------------------------------------------------------------------------------
def _stat_text(t: Translator, feature: str, value: float) -> str:
    if feature == "margin":
        return t.percent(value)
    return t.number(value, 0 if feature in _MONEY else 1)


def profile_table(
    t: Translator,
    profiles: pd.DataFrame,
    chosen: Sequence[str],
    names: Sequence[str],
    has_profit: bool,
    key: str,
) -> None:
    """One column per cluster (most valuable first), one row per measure: size, shares, and the
    mean and median of each feature in its own unit. Clusters as columns keep the table narrow
    whatever the number of features."""
    rows = {t("col.customers"): [t.number(n) for n in profiles["customers"]]}
    shares = ["customer_share", "revenue_share"] + (["profit_share"] if has_profit else [])
    for share in shares:
        rows[t(f"col.{share}")] = [t.percent(v) for v in profiles[share]]
    for f in chosen:
        for stat in ("mean", "median"):
            label = t(f"clusters.stat_{stat}", feature=t(f"clusters.short.{f}"))
            rows[label] = [_stat_text(t, f, v) for v in profiles[f"{f}_{stat}"]]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(names))
    config = {n: st.column_config.TextColumn(alignment="right") for n in names}
    st.dataframe(table, column_config=config, key=key)


def customers_frame(
    t: Translator,
    ranked: pd.DataFrame,
    tiers: np.ndarray,
    tier_names: list[str],
    assigned: pd.Series,
    *,
    exact: bool = True,
) -> pd.DataFrame:
    """Every customer (ranked by the tier basis) with tier, cluster (or why left out) and RFM
    scores. ``assigned`` is the cluster name or reason text per customer id."""
    table = customers_table(ranked, tiers, tier_names, t=t, exact=exact)
    at = table.columns.get_loc(t("col.tier")) + 1
    cluster = assigned.reindex(ranked["customer_id"].to_numpy()).to_numpy()
    table.insert(at, t("clusters.col_cluster"), cluster)
    scored = rfm_scores(ranked.assign(recency_days=recency_days(ranked)))
    for column, label in (("r_score", "rfm.r_score"), ("f_score", "rfm.f_score"),
                          ("m_score", "rfm.m_score"), ("rfm", "rfm.rfm"),
                          ("recency_days", "rfm.recency_days")):  # fmt: skip
        table[t(label)] = scored[column].to_numpy()
    return table


def customers_section(
    t: Translator,
    view: View,
    ranked: pd.DataFrame,
    tiers: np.ndarray,
    tier_names: list[str],
    assigned: pd.Series,
) -> None:
    """Every customer with cluster, tier and RFM scores, and the CLV-ready summary."""
    st.subheader(t("clusters.customers_title"), anchor=False)
    customers, clv = st.tabs([t("clusters.customers_tab"), t("rfm.clv_title")])
    with customers:
        st.caption(t("rfm.scores_caption"))
        shown = customers_frame(t, ranked, tiers, tier_names, assigned, exact=False)
        money = {c: money_column(c) for c in (t("col.revenue"), t("col.profit")) if c in shown}
        st.dataframe(
            shown,
            hide_index=True,
            height=420,
            lazy=len(shown) > LAZY_ROWS,
            column_config=money,
            key="clusters.customers",
        )
        download_csv(
            t.plural("clusters.download_customers", len(ranked), n=t.number(len(ranked))),
            lambda: customers_frame(t, ranked, tiers, tier_names, assigned),
            file_name="kadash-clusters.csv",
            key="clusters.download_customers",
        )
    with clv:
        st.markdown(t("rfm.clv_caption"))
        lines = view.lines()
        first, last = lines["date"].min().date(), lines["date"].max().date()
        end = st.date_input(
            t("rfm.clv_end"),
            value=last,
            min_value=first,
            format="YYYY-MM-DD",
            key="clusters.clv_end",
            help=t("rfm.clv_end_help"),
        )
        download_csv(
            t("rfm.clv_download"),
            lambda: clv_summary(lines, end=end),
            file_name="kadash-clv-summary.csv",
            key="clusters.download_clv",
        )
