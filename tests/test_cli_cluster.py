"""``python -m kadash cluster``: segments in value order, the ABC comparison, clean failures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from kadash.cli import main
from kadash.clusters import customer_features, fit_clusters
from kadash.concentration import rank_customers
from kadash.customers import summarize_customers
from kadash.ingest import load_transactions
from tests.conftest import SAMPLE
from tests.test_page_tiers import _tier_of
from tests.test_pages import _sample_values


def _json(capsys, *argv: str) -> dict:
    assert main(["cluster", str(SAMPLE), *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def sample_customers() -> pd.DataFrame:
    tx = load_transactions(SAMPLE).parsed.transactions
    return rank_customers(summarize_customers(tx), "revenue")


class TestCluster:
    def test_sizes_in_value_order_and_the_abc_comparison(self, capsys, sample_customers):
        out = _json(capsys, "--k", "4", "--seed", "3")
        df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
        net = df.groupby("customer_id")["revenue"].sum()
        assert (out["customers"], out["clustered"]) == (len(net), int((net > 0).sum()))
        assert out["left_out"] == {"no_revenue": int((net <= 0).sum()), "missing": 0}
        sizes = [c["customers"] for c in out["clusters"]]
        assert sum(sizes) == out["clustered"] and len(sizes) == 4
        means = [c["means"]["monetary"] for c in out["clusters"]]
        assert means == sorted(means, reverse=True)
        # The same fit as the library's, and its ARI against ABC tiers computed here.
        fit = fit_clusters(
            customer_features(sample_customers), ("recency", "frequency", "monetary"), 4, seed=3
        )
        assert sizes == list(np.bincount(fit.labels))
        tiers = _tier_of(_sample_values(), [80, 95])
        kept = sample_customers["customer_id"][fit.kept]
        assert out["ari_abc"] == pytest.approx(
            adjusted_rand_score([tiers[i] for i in kept], fit.labels)
        )

    def test_same_seed_same_answer(self, capsys):
        assert _json(capsys, "--seed", "5") == _json(capsys, "--seed", "5")

    def test_auto_picks_the_highest_silhouette(self, capsys):
        out = _json(capsys, "--auto")
        scan = out["scan"]
        assert [r["k"] for r in scan] == list(range(2, 11))
        best = max(r["silhouette"] for r in scan)
        assert (
            out["k"] == out["suggested_k"] == min(r["k"] for r in scan if r["silhouette"] == best)
        )
        assert out["silhouette"] == pytest.approx(best)

    def test_text_report(self, capsys):
        assert main(["cluster", str(SAMPLE), "--k", "3"]) == 0
        text = capsys.readouterr().out
        assert "k = 3 on recency, frequency, monetary" in text
        assert "adjusted Rand index against the ABC tiers" in text

    @pytest.mark.parametrize(
        "args,message",
        [
            (["--k", "11"], "k must be 2 to 10"),
            (["--k", "x"], "is not a whole number"),
            (["--features", "colour"], "Choose features among"),
            (["--k", "3", "--auto"], "not allowed with argument"),
        ],
        ids=["k-too-big", "k-not-a-number", "unknown-feature", "k-and-auto"],
    )
    def test_bad_options_exit_2_with_one_line(self, capsys, args, message):
        assert _exit_code(["cluster", str(SAMPLE), *args]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def _exit_code(argv: list[str]) -> int:
    """The exit status, whether argparse exits (usage errors) or main returns it."""
    try:
        return main(argv)
    except SystemExit as done:
        return int(done.code)
