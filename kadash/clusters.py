"""K-means segmentation of customers, and an honest comparison with the rule-based tiers.

Features come from the customer table (:func:`customer_features`); the model is one
scikit-learn :class:`~sklearn.pipeline.Pipeline` — ``log1p`` on the skewed features, a
:class:`~sklearn.preprocessing.StandardScaler`, :class:`~sklearn.cluster.KMeans` with an explicit
``random_state`` and ``n_init`` (:func:`build_pipeline`). Clusters are numbered by value: cluster
1 has the highest mean net revenue, so a cluster can be read as a tier.

Customers with net revenue ≤ 0 (returns only, credit notes) are left out — their value cannot be
put on a log scale and they are no segment anyone targets — and so are customers lacking a chosen
feature (a margin without revenue, a gross profit the file does not have); :func:`eligible` says
who and why.

Fitting can be bounded to a number of threads (``threads``), so one user's fit does not starve
the other sessions of a shared app server.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from kadash.errors import KadashError
from kadash.exact import MONEY_SCALE

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "N_INIT",
    "SILHOUETTE_SAMPLE",
    "ClusterFit",
    "Comparison",
    "build_pipeline",
    "cluster_profiles",
    "compare_with_tiers",
    "customer_features",
    "eligible",
    "fit_clusters",
    "pca_projection",
    "scan_k",
    "stability",
    "suggested_k",
]

#: Features a user can choose, and whether each is skewed (log1p before scaling).
FEATURES: dict[str, bool] = {
    "recency": True,  # days since the last purchase day
    "frequency": True,  # distinct purchase days
    "orders": True,  # distinct order ids (purchase days without an order column)
    "monetary": True,  # net revenue
    "aov": True,  # average order value
    "profit": False,  # gross profit (can be negative)
    "margin": False,  # gross profit / net revenue
    "tenure": True,  # days since the first purchase
}
DEFAULT_FEATURES: tuple[str, ...] = ("recency", "frequency", "monetary")
#: Silhouette scores are computed on a fixed-seed sample of at most this many customers.
SILHOUETTE_SAMPLE = 10_000
#: k-means restarts. Measured on 200,000 customers × 3 features (2 cores): 3 starts found the
#: inertia of 10 (k = 8: 93,321 both) at a twelfth of the time (0.5 s against 6.2 s), and 1.04×
#: lower inertia than 1 start at k = 4; see bench/bench_clusters.py.
N_INIT = 3


def customer_features(customers: pd.DataFrame, *, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per-customer features in original units, one row per row of ``customers``.

    Parameters
    ----------
    customers
        The customer table (:func:`kadash.customers.summarize_customers`, any order).
    end
        End of the observation period for recency and tenure; default the last purchase day
        in the table.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``recency`` and ``tenure`` (days), ``frequency`` (purchase days),
        ``orders``, ``monetary`` and ``aov`` (currency units), ``profit`` (currency units, NaN
        when none of the customer's lines has one) and ``margin`` (NaN when revenue ≤ 0 or
        there is no profit), on the same index.
    """
    last = pd.to_datetime(customers["last_date"])
    first = pd.to_datetime(customers["first_date"])
    end = last.max() if end is None else pd.Timestamp(end)
    revenue = customers["revenue"].to_numpy(dtype=np.float64) / MONEY_SCALE
    profit = customers["profit"].to_numpy(dtype=np.float64) / MONEY_SCALE
    no_profit = customers["profit_missing_lines"].to_numpy() == customers["lines"].to_numpy()
    profit = np.where(no_profit, np.nan, profit)
    orders = customers["orders"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        aov = np.where(orders > 0, revenue / orders, np.nan)
        margin = np.where(revenue > 0, profit / revenue, np.nan)
    return pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy(),
            "recency": (end - last).dt.days.to_numpy(dtype=np.float64),
            "frequency": customers["purchase_days"].to_numpy(dtype=np.float64),
            "orders": orders,
            "monetary": revenue,
            "aov": aov,
            "profit": profit,
            "margin": margin,
            "tenure": (end - first).dt.days.to_numpy(dtype=np.float64),
        },
        index=customers.index,
    )


def eligible(features: pd.DataFrame, chosen: Sequence[str]) -> pd.Series:
    """Why each customer is left out of the clustering (``""`` for the ones kept).

    Reasons: ``"no_revenue"`` (net revenue ≤ 0), ``"missing"`` (a chosen feature is undefined,
    e.g. a margin without gross profit).
    """
    _check(chosen)
    reason = pd.Series("", index=features.index, dtype=object)
    missing = features[list(chosen)].isna().any(axis=1)
    reason[missing] = "missing"
    reason[features["monetary"] <= 0] = "no_revenue"
    return reason


def _check(chosen: Sequence[str]) -> None:
    unknown = [f for f in chosen if f not in FEATURES]
    if unknown or not chosen:
        raise ValueError(
            f"Choose features among {', '.join(FEATURES)}; got {', '.join(chosen) or 'none'}."
        )
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"Each feature once, please; got {', '.join(chosen)}.")


def build_pipeline(
    chosen: Sequence[str], k: int, *, seed: int = 0, n_init: int = N_INIT
) -> Pipeline:
    """``log1p`` on the skewed features among ``chosen`` (values clipped at 0 first), scaling,
    then k-means with ``k`` clusters."""
    _check(chosen)
    skewed = [i for i, f in enumerate(chosen) if FEATURES[f]]
    plain = [i for i, f in enumerate(chosen) if not FEATURES[f]]
    log = FunctionTransformer(
        lambda x: np.log1p(np.clip(x, 0, None)), feature_names_out="one-to-one"
    )
    parts = [("log", log, skewed)] if skewed else []
    parts += [("plain", "passthrough", plain)] if plain else []
    return Pipeline(
        [
            ("features", ColumnTransformer(parts)),
            ("scale", StandardScaler()),
            ("kmeans", KMeans(n_clusters=k, random_state=seed, n_init=n_init)),
        ]
    )


def _limits(threads: int | None):
    return threadpool_limits(limits=threads) if threads else nullcontext()


@dataclass(frozen=True)
class ClusterFit:
    """One fitted k-means segmentation.

    Attributes
    ----------
    labels
        Cluster per kept customer, 0 = the cluster with the highest mean net revenue.
    kept
        Boolean mask over the feature rows: the customers clustered.
    k, seed, inertia, silhouette
        The fit's size, seed, inertia (within-cluster sum of squares, scaled features) and
        silhouette (on a sample of at most :data:`SILHOUETTE_SAMPLE`; NaN if undefined).
    pipeline
        The fitted pipeline (its k-means centres are in scaled units).
    """

    labels: np.ndarray
    kept: np.ndarray
    k: int
    seed: int
    inertia: float
    silhouette: float
    pipeline: Pipeline


def _silhouette(scaled: np.ndarray, labels: np.ndarray, seed: int) -> float:
    """The silhouette on a fixed-seed sample, NaN where it is undefined — one cluster, or one
    customer per cluster — in the sample itself (a sample can miss a one-customer cluster)."""
    if len(labels) > SILHOUETTE_SAMPLE:
        pick = np.random.RandomState(seed).permutation(len(labels))[:SILHOUETTE_SAMPLE]
        scaled, labels = scaled[pick], labels[pick]
    found = len(np.unique(labels))
    if not 2 <= found < len(labels):
        return float("nan")
    return float(silhouette_score(scaled, labels))


def fit_clusters(
    features: pd.DataFrame,
    chosen: Sequence[str],
    k: int,
    *,
    seed: int = 0,
    n_init: int = N_INIT,
    threads: int | None = None,
    score: bool = True,
) -> ClusterFit:
    """Fit k-means on the eligible customers and number the clusters by value.

    ``score=False`` skips the silhouette (NaN): on 200,000 customers it costs more than the fit
    (about 1.8 s for the 10,000-customer sample), and a refit can take it from :func:`scan_k`.

    Raises
    ------
    ValueError
        If fewer eligible customers than ``k`` remain.
    """
    kept = (eligible(features, chosen) == "").to_numpy()
    x = features.loc[kept, list(chosen)].to_numpy(dtype=np.float64)
    if len(x) < k:
        raise KadashError("error.cluster_too_few", n=len(x), k=k)
    pipeline = build_pipeline(chosen, k, seed=seed, n_init=n_init)
    with _limits(threads), warnings.catch_warnings():
        # Fewer distinct customers than k: k-means says so in a warning; the empty clusters
        # show in the profiles (0 customers) instead.
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = pipeline.fit_predict(x)
        silhouette = float("nan")
        if score:
            silhouette = _silhouette(pipeline[:-1].transform(x), raw, seed)
    labels = _by_value(raw, features.loc[kept, "monetary"].to_numpy(), k)
    inertia = float(pipeline[-1].inertia_)
    return ClusterFit(labels, kept, k, seed, inertia, silhouette, pipeline)


def _by_value(raw: np.ndarray, revenue: np.ndarray, k: int) -> np.ndarray:
    """Renumber clusters by mean net revenue, highest first (ties by the old number)."""
    sums = np.bincount(raw, weights=revenue, minlength=k)
    sizes = np.bincount(raw, minlength=k)
    means = np.divide(sums, sizes, out=np.zeros(k), where=sizes > 0)
    order = sorted(range(k), key=lambda c: (-means[c], c))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[raw]


def scan_k(
    features: pd.DataFrame,
    chosen: Sequence[str],
    ks: Sequence[int] = range(2, 11),
    *,
    seed: int = 0,
    n_init: int = N_INIT,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Inertia and silhouette for each ``k`` (the elbow curve and the silhouette scores).

    ``progress(done, total)`` hears each finished ``k``. Returns ``k``, ``inertia``,
    ``silhouette``; ``k`` values above the number of eligible customers are skipped.
    """
    rows = []
    kept = int((eligible(features, chosen) == "").sum())
    wanted = [k for k in ks if k <= kept]
    for done, k in enumerate(wanted, start=1):
        fit = fit_clusters(features, chosen, k, seed=seed, n_init=n_init, threads=threads)
        rows.append({"k": k, "inertia": fit.inertia, "silhouette": fit.silhouette})
        if progress is not None:
            progress(done, len(wanted))
    return pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])


def suggested_k(scan: pd.DataFrame) -> int | None:
    """The k with the highest silhouette; on a tie the smaller k (None if none is defined)."""
    scored = scan.dropna(subset=["silhouette"])
    if scored.empty:
        return None
    best = scored["silhouette"].max()
    return int(scored.loc[scored["silhouette"] == best, "k"].min())


def cluster_profiles(
    features: pd.DataFrame, fit: ClusterFit, chosen: Sequence[str]
) -> pd.DataFrame:
    """One row per cluster (value order): size, % of customers, % of revenue and of gross
    profit (of the clustered customers), and the mean and median of each chosen feature in
    original units (columns ``<feature>_mean``, ``<feature>_median``)."""
    kept = features.loc[fit.kept]
    labels = pd.Series(fit.labels, index=kept.index)
    revenue = kept["monetary"]
    profit = kept["profit"].fillna(0.0)
    total_rev, total_profit = revenue.sum(), profit[profit > 0].sum()
    rows = []
    for c in range(fit.k):
        members = labels == c
        row = {
            "cluster": c + 1,
            "customers": int(members.sum()),
            "customer_share": float(members.mean()) if len(members) else np.nan,
            "revenue_share": float(revenue[members].sum() / total_rev) if total_rev else np.nan,
            "profit_share": float(profit[members].sum() / total_profit) if total_profit else np.nan,
        }
        for f in chosen:
            row[f"{f}_mean"] = float(kept.loc[members, f].mean())
            row[f"{f}_median"] = float(kept.loc[members, f].median())
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Comparison:
    """Rule tiers against clusters, for the clustered customers.

    Attributes
    ----------
    crosstab
        Customers by tier (rows, top tier first) × cluster (columns, value order).
    ari, nmi
        Adjusted Rand index and normalised mutual information (scikit-learn).
    revenue_agreement
        Share of the clustered revenue whose customer's cluster number equals its tier number
        (only when there are as many clusters as tiers; else None).
    look_higher
        ``(tier, cluster, customers)`` cells where customers of a tier sit in a more valuable
        cluster (cluster number < tier number), largest first.
    """

    crosstab: pd.DataFrame
    ari: float
    nmi: float
    revenue_agreement: float | None
    look_higher: list[tuple[int, int, int]]


def compare_with_tiers(
    fit: ClusterFit, tiers: np.ndarray, revenue: np.ndarray, tier_count: int
) -> Comparison:
    """Compare a fit with the rule tiers of the same customers.

    Parameters
    ----------
    fit
        The clustering.
    tiers, revenue
        Tier index and net revenue (any unit) of every row of the feature table the fit was
        made on (the kept ones are used).
    tier_count
        Number of tiers (rows of the crosstab, empty tiers included).
    """
    t = np.asarray(tiers)[fit.kept].astype(np.int64)
    c = fit.labels
    table = np.zeros((tier_count, fit.k), dtype=np.int64)
    np.add.at(table, (t, c), 1)
    crosstab = pd.DataFrame(table, index=range(1, tier_count + 1), columns=range(1, fit.k + 1))
    agreement = None
    if fit.k == tier_count:
        value = np.asarray(revenue, dtype=np.float64)[fit.kept]
        total = value.sum()
        agreement = float(value[t == c].sum() / total) if total else None
    higher = [
        (int(i), int(j), int(table[i, j]))
        for i in range(tier_count)
        for j in range(fit.k)
        if j < i and table[i, j] and fit.k == tier_count
    ]
    higher.sort(key=lambda cell: (-cell[2], cell[0], cell[1]))
    return Comparison(
        crosstab=crosstab,
        ari=float(adjusted_rand_score(t, c)),
        nmi=float(normalized_mutual_info_score(t, c)),
        revenue_agreement=agreement,
        look_higher=higher,
    )


def stability(
    features: pd.DataFrame,
    chosen: Sequence[str],
    k: int,
    *,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n_init: int = N_INIT,
    threads: int | None = None,
) -> float:
    """Mean adjusted Rand index between fits with different seeds (1 = the same clusters every
    time; near 0 = the clusters are an accident of the start)."""
    fits = [
        fit_clusters(features, chosen, k, seed=s, n_init=n_init, threads=threads, score=False)
        for s in seeds
    ]
    scores = [
        adjusted_rand_score(a.labels, b.labels) for i, a in enumerate(fits) for b in fits[i + 1 :]
    ]
    return float(np.mean(scores)) if scores else float("nan")


def pca_projection(features: pd.DataFrame, fit: ClusterFit, chosen: Sequence[str]) -> pd.DataFrame:
    """The clustered customers on the first two principal components of the scaled features
    (``pc1``, ``pc2``), with the share of variance each explains in ``attrs["explained"]``."""
    x = features.loc[fit.kept, list(chosen)].to_numpy(dtype=np.float64)
    scaled = fit.pipeline[:-1].transform(x)
    components = min(2, scaled.shape[1])
    pca = PCA(n_components=components, random_state=fit.seed)
    points = pca.fit_transform(scaled)
    if components == 1:
        points = np.column_stack([points[:, 0], np.zeros(len(points))])
    out = pd.DataFrame({"pc1": points[:, 0], "pc2": points[:, 1]}, index=features.index[fit.kept])
    out.attrs["explained"] = [float(v) for v in pca.explained_variance_ratio_]
    return out
