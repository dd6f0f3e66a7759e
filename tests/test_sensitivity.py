"""Boundary sensitivity and the customers closest to each bound, on hand-worked fixtures."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kadash.concentration import rank_customers
from kadash.sensitivity import boundary_sensitivity, closest_to_boundaries
from kadash.tiers import tier_customers
from tests.conftest import customers_frame

# Six customers worth 50, 20, 10, 10, 5, 5 (P = 100): the shares accumulated *before* each
# are 0, 50, 70, 80, 90, 95 %.
VALUES = {"a": 50, "b": 20, "c": 10, "d": 10, "e": 5, "f": 5}


def _ranked() -> pd.DataFrame:
    return rank_customers(customers_frame(VALUES))


def _moves(rule: str, **bounds) -> list[tuple[int, int, int, int]]:
    values = _ranked()["revenue"].to_numpy()
    tiering = tier_customers(values, rule=rule, **bounds)
    table = boundary_sensitivity(values, tiering, rule=rule)
    return [
        (r.drop, r.rise, r.value_drop // 10_000, r.value_rise // 10_000) for r in table.itertuples()
    ]


class TestBoundarySensitivity:
    def test_cumulative_abc(self):
        # A|B 80 %: at 75 % still a, b, c (before 70 %) → none drops; at 85 % d (80 %) rises.
        # B|C 95 %: at 90 % e (90 %) drops; at 100 % f (95 %) rises.
        assert _moves("cumulative", cutoffs=(0.8, 0.95)) == [(0, 1, 0, 10), (1, 1, 5, 5)]

    def test_count(self):
        # top 20 % of 6 = ceil(1.2) = 2; 15 % → 1 (b drops), 25 % → 2. 50 % → 3; 55 % → 4.
        assert _moves("count", cutoffs=(0.2, 0.5)) == [(1, 0, 20, 0), (0, 1, 0, 10)]

    def test_absolute_moves_thresholds_by_five_percent(self):
        # ≥ 20: a, b. Raised to 21: b drops; lowered to 19: nobody new.
        # ≥ 10: a–d. Raised to 10.5: c, d drop; lowered to 9.5: nobody new.
        assert _moves("absolute", thresholds=(20, 10)) == [(1, 0, 20, 0), (2, 0, 20, 0)]

    def test_a_bound_stops_at_its_neighbour(self):
        # 80 % and 82 %: A|B can grow only to 82 % (d rises), B|C shrink only to 80 % (d drops).
        table = _moves("cumulative", cutoffs=(0.8, 0.82))
        assert table[0][1] == 1 and table[1][0] == 1
        values = _ranked()["revenue"].to_numpy()
        tiering = tier_customers(values, rule="cumulative", cutoffs=(0.8, 0.82))
        bounds = boundary_sensitivity(values, tiering, rule="cumulative")
        assert list(bounds["bound_grow"]) == [0.82, 0.87]
        assert list(bounds["bound_shrink"]) == [0.75, 0.8]

    @given(
        st.lists(st.integers(-50, 1000), min_size=1, max_size=40),
        st.lists(st.integers(1, 100), min_size=1, max_size=5, unique=True),
    )
    def test_counts_match_a_retier(self, raw, pcts):
        values = np.array(sorted(raw, reverse=True), dtype=np.int64)
        cutoffs = tuple(p / 100 for p in sorted(pcts))
        tiering = tier_customers(values, rule="cumulative", cutoffs=cutoffs)
        table = boundary_sensitivity(values, tiering, rule="cumulative")
        for i, row in enumerate(table.itertuples()):
            moved = list(cutoffs)
            moved[i] = row.bound_grow
            if len(set(moved)) == len(moved):  # a bound that reached its neighbour is skipped
                again = tier_customers(values, rule="cumulative", cutoffs=moved).tiers
                assert int((again != tiering.tiers).sum()) == row.rise


class TestClosest:
    def test_distances_in_points_of_share(self):
        ranked = _ranked()
        tiering = tier_customers(
            ranked["revenue"].to_numpy(), rule="cumulative", cutoffs=(0.8, 0.95)
        )
        near = closest_to_boundaries(ranked, tiering, rule="cumulative", per_side=2)
        first = near[near["upper"] == "t1"]
        assert list(first["customer_id"]) == ["c", "b", "d", "e"]
        assert list(first["side"]) == ["above", "above", "below", "below"]
        assert np.allclose(first["distance"], [0.10, 0.30, 0.0, 0.10])

    def test_distances_in_money_for_thresholds(self):
        ranked = _ranked()
        tiering = tier_customers(ranked["revenue"].to_numpy(), rule="absolute", thresholds=(15,))
        near = closest_to_boundaries(ranked, tiering, rule="absolute", per_side=1)
        assert list(near["customer_id"]) == ["b", "c"]
        assert list(near["distance"] / 10_000) == [5.0, 5.0]
