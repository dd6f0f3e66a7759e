"""The Clusters page in Streamlit's AppTest: it runs on the sample and on an upload, shows the
clusters the library fits, names them after the tiers when k matches, compares them with the
rule tiers, and never refits for a widget that changes neither data, features, k nor seed.

Counts the page must show are computed here with plain pandas on the sample CSV; the cluster
labels come from :func:`kadash.clusters.fit_clusters` on the same customer table (the library's
own output, checked against scikit-learn in tests/test_clusters.py).
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from sklearn.metrics import adjusted_rand_score

from kadash import clusters
from kadash.concentration import rank_customers
from kadash.customers import summarize_customers
from kadash.ingest import load_transactions
from tests.conftest import SAMPLE
from tests.test_page_policy import _tier_of
from tests.test_pages import UPLOAD, _app, _metric, _ok, _plain, _table_with

PAGE = "pages/clusters.py"


def _page(query: dict | None = None) -> object:
    return _ok(_app(query=query).switch_page(PAGE).run())


def _profiles(at) -> pd.DataFrame:
    """The profile table: one column per cluster, one row per measure (as text)."""
    found = [d.value for d in at.dataframe if "% of customers" in d.value.index]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _sizes(at) -> list[int]:
    return [int(v.replace(",", "")) for v in _profiles(at).loc["Customers"]]


def _names(at) -> list[str]:
    return list(_profiles(at).columns)


def _captions(at) -> list[str]:
    return [_plain(c.value) for c in at.caption]


# -- independent expectations -------------------------------------------------------------
@cache
def _net_revenue() -> pd.Series:
    """Net revenue in cents per customer id, from the CSV with pandas."""
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
    return (df["revenue"] * 100).round().astype("int64").groupby(df["customer_id"]).sum()


@cache
def _features() -> pd.DataFrame:
    """The library's features on the sample's customer table, ranked by revenue as the page
    ranks it (k-means starts depend on the row order)."""
    lines = load_transactions(SAMPLE).parsed.transactions
    return clusters.customer_features(rank_customers(summarize_customers(lines), "revenue"))


@cache
def _fit(k: int, seed: int = 0) -> clusters.ClusterFit:
    return clusters.fit_clusters(_features(), clusters.DEFAULT_FEATURES, k, seed=seed, threads=1)


# -- the page ------------------------------------------------------------------------------
class TestClustersPage:
    def test_sizes_are_the_fit_and_add_up_to_the_eligible(self):
        at = _page()
        fit = _fit(3)  # ABC has 3 tiers: the page starts with k = 3
        assert _sizes(at) == np.bincount(fit.labels, minlength=3).tolist()
        assert sum(_sizes(at)) == int((_net_revenue() > 0).sum())
        assert _metric(at, "Customers clustered") == f"{int((_net_revenue() > 0).sum()):,}"

    def test_left_out_sentence_counts_customers_without_revenue(self):
        at = _page()
        net = _net_revenue()
        left, total = int((net <= 0).sum()), len(net)
        assert left > 0  # the sample has customers with only returns
        sentence = f"{total - left:,} of {total:,} customers are clustered. Left out: {left} with"
        assert any(sentence in c and "net revenue ≤ 0" in c for c in _captions(at))

    def test_k_equal_to_the_tiers_names_clusters_after_them(self):
        assert _names(_page()) == ["Cluster 1 · A-like", "Cluster 2 · B-like", "Cluster 3 · C-like"]
        at = _page({"scheme": "ibm"})  # four tiers: k starts at 4
        like = ["Diamond", "Gold", "Silver", "Other"]
        assert _names(at) == [f"Cluster {i} · {n}-like" for i, n in enumerate(like, 1)]

    def test_moving_k_changes_the_clusters(self):
        at = _page()
        at.slider(key="clusters.k").set_value(5)
        _ok(at.run())
        assert _names(at) == [f"Cluster {i}" for i in range(1, 6)]  # 5 clusters, 3 tiers
        assert _sizes(at) == np.bincount(_fit(5).labels, minlength=5).tolist()
        assert any("5 clusters of" in c for c in _captions(at))
        assert any("agreement by number is not defined" in m.value for m in at.markdown)

    def test_the_suggested_k_can_be_used(self):
        at = _page()
        suggested = next(m.value for m in at.markdown if m.value.startswith("Suggested k:"))
        k = int(suggested.split("**")[1])
        at.button[0].click()  # "Use k = …" is the page's only button
        _ok(at.run())
        assert at.slider(key="clusters.k").value == k
        assert len(_sizes(at)) == k

    def test_ari_against_the_rule_tiers_is_scikit_learns(self):
        at = _page()
        fit, features = _fit(3), _features()
        tier_of = _tier_of((80, 95))  # ABC tiers by the rule, computed with pandas
        tiers = features["customer_id"][fit.kept].map(tier_of).to_numpy()
        assert _metric(at, "Adjusted Rand index") == f"{adjusted_rand_score(tiers, fit.labels):.2f}"

    def test_customers_table_has_cluster_tier_and_rfm(self):
        at = _page()
        table = _table_with(at, "RFM")
        assert len(table) == len(_net_revenue())
        left_out = table["Cluster"].str.startswith("Left out").sum()
        assert left_out == int((_net_revenue() <= 0).sum())
        assert set(table["R"]) <= {1, 2, 3, 4, 5} and set(table["Tier"]) == {"A", "B", "C"}


def test_unrelated_widgets_do_not_refit(monkeypatch):
    calls = {"fit": 0}
    fit = clusters.fit_clusters

    def counting_fit(*args, **kwargs):
        calls["fit"] += 1
        return fit(*args, **kwargs)

    monkeypatch.setattr(clusters, "fit_clusters", counting_fit)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _page()
    first = calls["fit"]
    assert first >= 1  # the counter does count
    at.selectbox(key="clusters.x").set_value("orders")  # the scatter plot's axis
    _ok(at.run())
    _ok(at.switch_page("pages/tiers.py").run())
    at.slider(key="tiers.cutoff.0").set_value(70)  # another page's tier slider
    _ok(at.run())
    _ok(at.switch_page(PAGE).run())
    assert at.slider(key="clusters.k").value == 3
    assert calls["fit"] == first
    at.slider(key="clusters.k").set_value(4)  # k does refit, once
    _ok(at.run())
    assert calls["fit"] == first + 1 + 5  # the fit and the stability runs (5 seeds)


def test_runs_on_an_upload():
    at = _app()
    at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
    _ok(at.run())
    _ok(at.switch_page(PAGE).run())
    # 00042, 00007 and A1 sell; D4 only returned goods. Three customers allow k = 2 only.
    assert sum(_sizes(at)) == 3 and len(_sizes(at)) == 2
    assert any("3 of 4 customers are clustered" in c for c in _captions(at))
    assert not at.slider  # no k to choose


@pytest.mark.parametrize("lines", [1, 2])
def test_too_few_customers_say_so(lines):
    rows = ["customer,date,amount", "A,2024-01-05,10", "B,2024-01-06,20", "C,2024-01-07,-5"]
    data = "\n".join(rows[: 1 + lines] + rows[3:]).encode()
    at = _app()
    at.file_uploader(key="source.upload").upload("few.csv", data, "text/csv")
    _ok(at.run())
    _ok(at.switch_page(PAGE).run())
    assert any("at least 3 are needed" in w.value for w in at.warning)


def test_hostile_tier_names_stay_text():
    names = ["[x](http://evil)", "<b>B</b>", "C"]
    at = _page({"names": names})
    assert _names(at)[:2] == ["Cluster 1 · [x](http://evil)-like", "Cluster 2 · <b>B</b>-like"]
    reading = next(m.value for m in at.markdown if "agree with the rule tiers" in m.value)
    assert r"\[x\]\(http\://evil\)" in reading and "<b>" not in reading
    crosstab = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("clusters.crosstab"))
    ticks = json.loads(crosstab.proto.spec)["layout"]["yaxis"]["ticktext"]
    assert ticks == ["[x](http://evil)", "&lt;b&gt;B&lt;/b&gt;", "C"]  # plotly reads a few tags


@pytest.fixture(scope="module")
def many():
    """12,000 made-up customers (more than a scatter plot draws) and a fit; the largest is
    called ``<i>Acme</i>``."""
    rng = np.random.default_rng(7)
    n = 12_000
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "label": [f"Name {i}" for i in range(n)],
            "last_date": pd.Timestamp("2025-12-31") - pd.to_timedelta(rng.integers(0, 900, n), "D"),
            "first_date": pd.Timestamp("2023-01-01"),
            "revenue": (rng.lognormal(9, 1.5, n) * 10_000).astype(np.int64),
            "profit": np.zeros(n, dtype=np.int64),
            "profit_missing_lines": np.ones(n, dtype=np.int64),
            "lines": np.ones(n, dtype=np.int64),
            "orders": rng.integers(1, 40, n),
            "purchase_days": rng.integers(1, 40, n),
        }
    )
    customers.loc[customers["revenue"].idxmax(), "label"] = "<i>Acme</i>"
    features = clusters.customer_features(customers)
    fit = clusters.fit_clusters(features, clusters.DEFAULT_FEATURES, 4, threads=1)
    return customers, features, fit


def test_scatter_is_thinned_the_same_way_every_time(many):
    """At most ~5,000 customers drawn, the same ones every time, every cluster represented,
    names from the file escaped."""
    from kadash.figures import cluster_scatter_figure
    from kadash.i18n import translator

    customers, features, fit = many
    names = [f"Cluster {i}" for i in range(1, 5)]
    first, again = (
        cluster_scatter_figure(features, fit, names, t=translator(), customers=customers)
        for _ in range(2)
    )
    points = sum(len(trace.x) for trace in first.data)
    assert 4_000 <= points <= 5_000
    assert [list(a.x) for a in first.data] == [list(b.x) for b in again.data]
    assert all(len(trace.x) for trace in first.data)  # no cluster thinned away
    assert "Showing" in first.layout.title.subtitle.text
    hover = {str(v) for trace in first.data for v in trace.customdata[:, 0]}
    top = customers.loc[customers["revenue"].idxmax(), "customer_id"]
    assert f"&lt;i&gt;Acme&lt;/i&gt; ({top})" in hover  # each cluster's extremes are drawn
    assert not any("<i>" in h for h in hover)
