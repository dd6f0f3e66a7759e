"""Edge cases of clustering, RFM and the CLV summary found in review: a silhouette sample
that misses a one-customer cluster, empty clusters in the JSON, --auto with nothing to score,
k kept when its range changes, margin without gross profit; then brute-force guards of the RFM
scores, the CLV summary and the comparison's orientation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kadash import clusters
from kadash.cli import main
from kadash.clusters import ClusterFit
from kadash.exact import MONEY_SCALE
from kadash.rfm import clv_summary, rfm_scores
from tests.test_pages import _app, _ok

PAGE = "pages/clusters.py"


def _features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "recency": rng.integers(0, 3, n).astype(float),
            "frequency": 1.0 + rng.integers(0, 2, n),
            "orders": 1.0,
            "monetary": rng.uniform(100, 101, n),
            "aov": 1.0,
            "profit": np.nan,
            "margin": np.nan,
            "tenure": 1.0,
        }
    )


# -- 1. silhouette on a sample that holds one cluster only --------------------------------
def test_silhouette_sample_missing_a_tiny_cluster_does_not_raise():
    """More than SILHOUETTE_SAMPLE customers and one far-out key account: k = 2 puts it alone
    in cluster 1; a sample of 10,000 that misses it has one label and scikit-learn raises
    (so scan_k, the page's elbow chart and `cluster --auto` fail). Seed 6's sample misses
    row 0."""
    features = _features(20_001, np.random.default_rng(0))
    features.loc[0, "monetary"] = 1e12
    assert 0 not in np.random.RandomState(6).permutation(len(features))[:10_000]
    fit = clusters.fit_clusters(features, ["monetary"], 2, seed=6, threads=1)
    assert np.bincount(fit.labels).tolist() == [1, 20_000]
    assert np.isnan(fit.silhouette) or -1 <= fit.silhouette <= 1


# -- 2. CLI ---------------------------------------------------------------------------------
def _cli(tmp_path, capsys, csv: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "t.csv"
    path.write_text(csv)
    code = main(["cluster", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


SAME = "customer,date,amount\n" + "".join(f"{c},2024-01-05,10\n" for c in "ABCD")
TWO_KINDS = SAME + "E,2024-01-06,30\nF,2024-01-06,30\n"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_cli_json_with_an_empty_cluster_is_valid_json(tmp_path, capsys):
    """Customers with identical features leave k-means clusters empty: their means are NaN and
    json.dumps(allow_nan=False) fails, so a valid file exits 2 with
    'Out of range float values are not JSON compliant: nan'."""
    code, out, err = _cli(tmp_path, capsys, TWO_KINDS, "--k", "4", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [c["customers"] for c in data["clusters"]] == [2, 4, 0, 0]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_cli_auto_without_a_defined_silhouette_does_not_claim_one(tmp_path, capsys):
    """--auto when no k has a silhouette (all customers alike): suggested_k is None, the code
    falls back to --k's default 4 and prints 'k = 4 has the highest silhouette'."""
    _code, out, _err = _cli(tmp_path, capsys, SAME, "--auto")
    assert "has the highest silhouette" not in out


def test_cli_auto_with_two_customers_does_not_blame_a_k_never_asked_for(tmp_path, capsys):
    """--auto on two customers: the scan scores nothing, k falls back to 4 and the error says
    'k = 4 needs at least 4', a k the user never chose."""
    csv = "customer,date,amount\nA,2024-01-05,10\nB,2024-01-06,20\n"
    code, _out, err = _cli(tmp_path, capsys, csv, "--auto")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "k = 4" not in err


def test_cli_margin_without_a_profit_column_says_so(tmp_path, capsys):
    """(lesser) --features margin on a file without gross profit: the error should name the
    missing column, not '0 customers can be clustered; k = 4 needs at least 4'."""
    csv = "customer,date,amount\n" + "".join(
        f"{c},2024-01-0{i + 1},{10 * (i + 1)}\n" for i, c in enumerate("ABCDEF")
    )
    code, _out, err = _cli(tmp_path, capsys, csv, "--features", "monetary,margin")
    assert code == 2
    assert "profit" in err.lower()


# -- 3. the page: a filter that changes the customer count resets k to 2 ----------------------
REGIONS = ["N"] * 12 + ["S"] * 8
UPLOAD = (
    "customer,date,amount,region\n"
    + "".join(
        f"C{i:02d},2024-0{1 + i % 6}-{1 + i:02d},{(i + 1) ** 2 * 10},{r}\n"
        for i, r in enumerate(REGIONS)
    )
).encode()


def _k(at) -> int:
    return at.slider(key="clusters.k").value


def test_a_filter_that_changes_k_max_keeps_the_chosen_k():
    """The k slider's identity includes its max (n − 1): when a filter changes the number of
    eligible customers, Streamlit makes a new slider that starts at its min, 2 — k silently
    drops from 5 (chosen) to 2, and stays 2 when the filter is removed."""
    at = _app()
    at.file_uploader(key="source.upload").upload("r.csv", UPLOAD, "text/csv")
    _ok(at.run())
    _ok(at.switch_page(PAGE).run())
    at.slider(key="clusters.k").set_value(5)
    _ok(at.run())
    assert _k(at) == 5
    at.multiselect(key="filters.region").set_value(["S"])  # 8 customers: k may go up to 7
    _ok(at.run())
    assert _k(at) == 5


def test_a_filter_that_changes_k_max_keeps_the_tier_count_as_default_k():
    """Same with an untouched k: it starts at the number of tiers (3, clusters named A/B/C-like)
    and becomes 2 after the filter, though 3 is still allowed."""
    at = _app()
    at.file_uploader(key="source.upload").upload("r.csv", UPLOAD, "text/csv")
    _ok(at.run())
    _ok(at.switch_page(PAGE).run())
    assert _k(at) == 3
    at.multiselect(key="filters.region").set_value(["S"])
    _ok(at.run())
    assert _k(at) == 3


# -- guards: checks that passed --------------------------------------------------------------
def _brute_scores(values, descending: bool) -> list[int]:
    n = len(values)
    ranks = [1 + sum((w > v) if descending else (w < v) for w in values) for v in values]
    return [1 + 5 * (r - 1) // n for r in ranks]


@pytest.mark.parametrize("seed", range(20))
def test_rfm_scores_match_a_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    frame = pd.DataFrame(
        {
            "recency_days": rng.integers(0, 6, n),
            "purchase_days": rng.integers(1, 5, n),
            "revenue": rng.integers(-3, 4, n) * 1000,
        }
    )
    scores = rfm_scores(frame)
    assert scores["r_score"].tolist() == _brute_scores(frame["recency_days"].tolist(), True)
    assert scores["f_score"].tolist() == _brute_scores(frame["purchase_days"].tolist(), False)
    assert scores["m_score"].tolist() == _brute_scores(frame["revenue"].tolist(), False)


def _brute_clv(lines: pd.DataFrame, end) -> pd.DataFrame:
    lines = lines.assign(day=lines["date"].dt.normalize())
    end_day = lines["day"].max() if end is None else pd.Timestamp(end).normalize()
    lines = lines[lines["day"] <= end_day]
    rows = []
    for cid, group in lines.groupby("customer_id"):
        daily = group.groupby("day")["revenue"].sum().sort_index()
        f = len(daily) - 1
        rows.append(
            {
                "customer_id": str(cid),
                "frequency": f,
                "recency": (daily.index[-1] - daily.index[0]).days,
                "T": (end_day - daily.index[0]).days,
                "monetary_value": daily.iloc[1:].sum() / f / MONEY_SCALE if f else 0.0,
            }
        )
    return pd.DataFrame(rows).sort_values("customer_id").reset_index(drop=True)


@pytest.mark.parametrize("seed", range(20))
def test_clv_summary_matches_a_plain_implementation(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 40))
    start = pd.Timestamp("2024-01-01")
    lines = pd.DataFrame(
        {
            "customer_id": rng.choice(["a", "b", "c", "d", "B", "10", "9"], m),
            "date": start
            + pd.to_timedelta(rng.integers(0, 20, m), "D")
            + pd.to_timedelta(rng.integers(0, 23, m), "h"),
            "revenue": rng.integers(-500, 1000, m).astype(np.int64),
        }
    )
    end = start + pd.Timedelta(days=int(rng.integers(10, 25))) if seed % 2 else None
    got = clv_summary(lines, end=end)
    got = got.assign(customer_id=got["customer_id"].astype(str))
    pd.testing.assert_frame_equal(
        got, _brute_clv(lines, end), check_dtype=False, rtol=0, atol=0.51 / MONEY_SCALE
    )


def test_compare_with_tiers_by_hand():
    kept = np.array([True, True, False, True, True, True])
    fit = ClusterFit(np.array([0, 0, 1, 2, 1]), kept, 3, 0, 0.0, np.nan, None)
    tiers = np.array([0, 1, 2, 2, 2, 1])
    revenue = np.array([10, 20, 99, 30, 40, 50.0])
    comparison = clusters.compare_with_tiers(fit, tiers, revenue, 3)
    assert comparison.crosstab.to_numpy().tolist() == [[1, 0, 0], [1, 1, 0], [0, 1, 1]]
    assert comparison.revenue_agreement == pytest.approx(100 / 150)
    assert comparison.look_higher == [(1, 0, 1), (2, 1, 1)]
