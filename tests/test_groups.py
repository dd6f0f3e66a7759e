"""Tiering within groups, on a hand-worked fixture."""

from __future__ import annotations

import numpy as np
import pytest

from kadash.concentration import rank_customers
from kadash.groups import compare_tierings, group_differences, tiers_within_groups
from kadash.tiers import tier_customers
from tests.conftest import customers_frame

VALUES = {"a": 50, "b": 20, "c": 10, "d": 10, "e": 5, "f": 5}
REGION = {"a": "N", "b": "S", "c": "N", "d": "S", "e": "N", "f": "S"}


def _ranked():
    frame = customers_frame(VALUES)
    frame["region"] = [REGION[i] for i in frame["customer_id"]]
    return rank_customers(frame)


class TestWithinGroups:
    def test_abc_within_regions(self):
        ranked = _ranked()
        # Globally (P = 100): a, b, c before 80 % → A; d (80), e (90) → B; f (95) → C.
        # North 50, 10, 5 (P = 65): before 0, 50, 60 → A while < 52, B while < 62: A A B.
        # South 20, 10, 5 (P = 35): before 0, 20, 30 → A while < 28, B while < 34: A A B.
        glob = tier_customers(ranked["revenue"].to_numpy(), rule="cumulative", cutoffs=(0.8, 0.95))
        within = tiers_within_groups(
            ranked, "region", value="revenue", rule="cumulative", cutoffs=(0.8, 0.95)
        )
        assert list(ranked["customer_id"]) == ["a", "b", "c", "d", "e", "f"]
        assert list(glob.tiers) == [0, 0, 0, 1, 1, 2]
        assert list(within) == [0, 0, 0, 0, 1, 1]
        cross = compare_tierings(glob.tiers, within, ["A", "B", "C"])
        assert cross.to_numpy().tolist() == [[3, 0, 0], [1, 1, 0], [0, 1, 0]]
        diffs = group_differences(ranked, "region", glob.tiers, within, value="revenue")
        assert diffs.to_dict("records") == [
            {
                "group": "N",
                "customers": 3,
                "value": 650_000,
                "top_global": 2,
                "top_within": 2,
                "higher": 0,
                "lower": 0,
            },
            {
                "group": "S",
                "customers": 3,
                "value": 350_000,
                "top_global": 1,
                "top_within": 2,
                "higher": 2,
                "lower": 0,
            },
        ]

    def test_missing_group_is_its_own_group(self):
        ranked = _ranked()
        ranked.loc[ranked["customer_id"] == "a", "region"] = None
        within = tiers_within_groups(
            ranked, "region", value="revenue", rule="count", cutoffs=(0.5,)
        )
        # "a" alone: top 50 % of 1 = 1 customer. North c, e: 1 top. South b, d, f: 2 top.
        assert list(within) == [0, 0, 0, 0, 1, 1]

    def test_absolute_equals_global(self):
        ranked = _ranked()
        values = ranked["revenue"].to_numpy()
        within = tiers_within_groups(
            ranked, "region", value="revenue", rule="absolute", thresholds=(15,)
        )
        glob = tier_customers(values, rule="absolute", thresholds=(15,))
        assert np.array_equal(within, glob.tiers)

    def test_unknown_group_column(self):
        with pytest.raises(ValueError, match="industry"):
            tiers_within_groups(
                _ranked(), "industry", value="revenue", rule="count", cutoffs=(0.5,)
            )
