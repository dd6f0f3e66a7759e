"""K-means segmentation: features, determinism, value order, comparison with tiers, k choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from kadash.clusters import (
    DEFAULT_FEATURES,
    build_pipeline,
    cluster_profiles,
    compare_with_tiers,
    customer_features,
    eligible,
    fit_clusters,
    pca_projection,
    scan_k,
    stability,
    suggested_k,
)
from kadash.tiers import threshold_tiers

END = pd.Timestamp("2025-12-31")


def _customers(groups: list[tuple[int, float, int, int]], seed: int = 1) -> pd.DataFrame:
    """A customer table of well-separated groups: (count, revenue, purchase days, recency)."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, (count, revenue, days, recency) in enumerate(groups):
        for i in range(count):
            jitter = rng.uniform(0.9, 1.1)
            last = END - pd.Timedelta(days=int(recency * rng.uniform(0.9, 1.1)))
            rows.append(
                {
                    "customer_id": f"G{g}-{i:03d}",
                    "revenue": round(revenue * jitter * 10_000),
                    "profit": round(revenue * jitter * 2_500),
                    "profit_missing_lines": 0,
                    "lines": days,
                    "orders": days,
                    "purchase_days": max(1, round(days * jitter)),
                    "first_date": END - pd.Timedelta(days=900),
                    "last_date": last,
                }
            )
    frame = pd.DataFrame(rows)
    frame["revenue"] = frame["revenue"].astype(np.int64)
    frame["profit"] = frame["profit"].astype(np.int64)
    return frame


# Key accounts, regulars, occasional buyers: far apart on every default feature.
BLOBS = [(12, 1_000_000.0, 60, 5), (40, 20_000.0, 12, 90), (80, 300.0, 2, 600)]


class TestFeatures:
    def test_units_and_definitions(self):
        customers = pd.DataFrame(
            {
                "customer_id": ["a", "b"],
                "revenue": np.array([1_000_000, -50_000], dtype=np.int64),  # 100.00 and −5.00
                "profit": np.array([250_000, 0], dtype=np.int64),
                "profit_missing_lines": [0, 1],
                "lines": [3, 1],
                "orders": [2, 1],
                "purchase_days": [2, 1],
                "first_date": pd.to_datetime(["2025-01-01", "2025-06-01"]),
                "last_date": pd.to_datetime(["2025-12-01", "2025-06-01"]),
            }
        )
        f = customer_features(customers)
        # End = the last purchase day in the table (2025-12-01).
        assert list(f["recency"]) == [0, 183]
        assert list(f["tenure"]) == [334, 183]
        assert list(f["monetary"]) == [100.0, -5.0]
        assert list(f["aov"]) == [50.0, -5.0]
        assert f.loc[0, "margin"] == 0.25 and np.isnan(f.loc[1, "profit"])
        assert list(eligible(f, DEFAULT_FEATURES)) == ["", "no_revenue"]
        assert list(eligible(f.iloc[:1], ("margin",))) == [""]

    @pytest.mark.parametrize(
        "chosen", [(), ("recency", "recency"), ("colour",)], ids=["none", "twice", "unknown"]
    )
    def test_bad_feature_choices(self, chosen):
        with pytest.raises(ValueError, match="feature"):
            build_pipeline(chosen, 3)


class TestFit:
    def test_same_seed_same_labels(self):
        f = customer_features(_customers(BLOBS))
        one = fit_clusters(f, DEFAULT_FEATURES, 3, seed=7)
        two = fit_clusters(f, DEFAULT_FEATURES, 3, seed=7, threads=1)
        assert np.array_equal(one.labels, two.labels)
        assert one.inertia == pytest.approx(two.inertia)

    def test_clusters_are_numbered_by_value(self):
        f = customer_features(_customers(BLOBS))
        fit = fit_clusters(f, DEFAULT_FEATURES, 3, seed=3)
        means = [f.loc[fit.kept, "monetary"][fit.labels == c].mean() for c in range(3)]
        assert means == sorted(means, reverse=True)
        assert list(np.bincount(fit.labels)) == [12, 40, 80]

    def test_blobs_match_the_rule_tiers(self):
        customers = _customers(BLOBS)
        f = customer_features(customers)
        fit = fit_clusters(f, DEFAULT_FEATURES, 3)
        # Absolute thresholds between the groups give the groups as tiers.
        tiers = threshold_tiers(customers["revenue"].to_numpy(), (100_000, 1_000))
        found = compare_with_tiers(fit, tiers, customers["revenue"].to_numpy(), 3)
        assert found.ari == pytest.approx(1.0) and found.nmi == pytest.approx(1.0)
        assert found.revenue_agreement == pytest.approx(1.0)
        assert found.look_higher == []
        assert found.crosstab.to_numpy().tolist() == [[12, 0, 0], [0, 40, 0], [0, 0, 80]]
        assert stability(f, DEFAULT_FEATURES, 3, seeds=(0, 1, 2)) == pytest.approx(1.0)

    def test_comparison_by_hand(self):
        f = customer_features(_customers(BLOBS))
        fit = fit_clusters(f, DEFAULT_FEATURES, 3)
        revenue = f["monetary"].to_numpy()
        tiers = np.array(fit.labels)
        tiers[:2] = 2  # two key accounts put in the last tier by rule
        found = compare_with_tiers(fit, tiers, revenue, 3)
        # They look like cluster 1 by behaviour; their revenue is what disagrees.
        assert found.look_higher == [(2, 0, 2)]
        assert found.revenue_agreement == pytest.approx(1 - revenue[:2].sum() / revenue.sum())
        assert found.ari == pytest.approx(adjusted_rand_score(tiers, fit.labels))
        assert found.nmi == pytest.approx(normalized_mutual_info_score(tiers, fit.labels))
        assert compare_with_tiers(fit, tiers, revenue, 4).revenue_agreement is None

    def test_too_few_customers(self):
        f = customer_features(_customers([(2, 100.0, 2, 10)]))
        with pytest.raises(ValueError, match=r"can be clustered .*: 2; k = 3 needs at least 3"):
            fit_clusters(f, DEFAULT_FEATURES, 3)


class TestProfilesAndProjection:
    def test_profiles_in_original_units(self):
        f = customer_features(_customers(BLOBS))
        fit = fit_clusters(f, DEFAULT_FEATURES, 3)
        profiles = cluster_profiles(f, fit, DEFAULT_FEATURES)
        assert list(profiles["customers"]) == [12, 40, 80]
        assert profiles["customer_share"].sum() == pytest.approx(1.0)
        assert profiles["revenue_share"].sum() == pytest.approx(1.0)
        top = f.loc[fit.kept].loc[fit.labels == 0, "monetary"]
        assert profiles.loc[0, "monetary_median"] == pytest.approx(top.median())

    def test_pca_has_a_point_per_clustered_customer(self):
        f = customer_features(_customers(BLOBS))
        fit = fit_clusters(f, DEFAULT_FEATURES, 3)
        points = pca_projection(f, fit, DEFAULT_FEATURES)
        assert len(points) == int(fit.kept.sum())
        assert sum(points.attrs["explained"]) <= 1.0 + 1e-9


class TestChoosingK:
    def test_scan_and_suggestion(self):
        f = customer_features(_customers(BLOBS))
        calls = []
        scan = scan_k(f, DEFAULT_FEATURES, range(2, 6), progress=lambda d, n: calls.append((d, n)))
        assert list(scan["k"]) == [2, 3, 4, 5]
        assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
        assert list(scan["inertia"]) == sorted(scan["inertia"], reverse=True)
        assert suggested_k(scan) == 3  # three groups

    def test_ties_go_to_the_smaller_k(self):
        scan = pd.DataFrame(
            {"k": [2, 3, 4], "inertia": [3.0, 2.0, 1.0], "silhouette": [0.5, 0.7, 0.7]}
        )
        assert suggested_k(scan) == 3
        assert suggested_k(scan.assign(silhouette=np.nan)) is None


def test_silhouette_is_undefined_with_one_customer_per_cluster():
    f = customer_features(_customers([(1, 1_000.0, 5, 5), (1, 50.0, 2, 90), (1, 5.0, 1, 600)]))
    scan = scan_k(f, DEFAULT_FEATURES, range(2, 4))
    assert list(scan["k"]) == [2, 3]
    assert not np.isnan(scan["silhouette"][0]) and np.isnan(scan["silhouette"][1])
