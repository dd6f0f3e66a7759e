"""Computed ABC limits (Ultsch & Lötsch 2015): curve points, runs, degenerate input, cut-offs."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.computed_abc import (
    AbcLimits,
    abc_tiers,
    computed_abc,
    cutoff_between,
    limits_as_cutoffs,
)
from kadash.tiers import assign_tiers


def ranked(values: list[int]) -> np.ndarray:
    return np.array(sorted(values, reverse=True), dtype=np.int64)


def reference_abc(values: list[int]) -> tuple[int, int, int, int, int]:
    """A second, plain method: (pareto, break_even, submarginal, a_count, a_count + b_count).

    Straight from the definitions with Fractions and loops; ``values`` ranked descending.
    """
    curve = [v for v in values if v >= 0]
    n, total = len(curve), sum(curve)
    cum = [sum(curve[:i]) for i in range(n + 1)]

    def nearest(first: int, x0: Fraction) -> int:
        best = None
        for i in range(first, n + 1):  # ascending and strict <: the smaller i wins a tie
            d2 = (Fraction(i, n) - x0) ** 2 + (1 - Fraction(cum[i], total)) ** 2
            if best is None or d2 < best[0]:
                best = (d2, i)
        return best[1]

    def out_of_run(k: int, keep_top: bool) -> int:
        if not 0 < k < n or curve[k - 1] != curve[k]:
            return k
        start, end = k, k + 1  # 1-based items of the run
        while start > 1 and curve[start - 2] == curve[k - 1]:
            start -= 1
        while end < n and curve[end] == curve[k - 1]:
            end += 1
        if keep_top and start == 1:
            return end
        return end if end - k <= k - (start - 1) else start - 1

    pareto = nearest(1, Fraction(0))
    mean = Fraction(total, n)
    break_even = max(i for i in range(1, n + 1) if curve[i - 1] >= mean)
    larger = max(pareto, break_even)
    submarginal = nearest(larger, Fraction(larger, n))
    a = out_of_run(min(pareto, break_even), keep_top=True)
    return pareto, break_even, submarginal, a, out_of_run(submarginal, keep_top=False)


def shortest_decimal_brute_force(low: Fraction, high: Fraction) -> Fraction:
    """Scan every m / 10**d for d = 0, 1, …; the largest hit at the first d with one."""
    d = 0
    while True:
        scale = 10**d
        hits = [m for m in range(scale + 1) if low < Fraction(m, scale) <= high]
        if hits:
            return Fraction(max(hits), scale)
        d += 1


#: Ranked value arrays with many ties (small range) or wide spreads (large range).
value_lists = st.one_of(
    st.lists(st.integers(-3, 12), max_size=30),
    st.lists(st.integers(-(10**6), 10**9), max_size=30),
).map(ranked)


class TestCabcPackageFixtures:
    """The fixtures of the cABCanalysis R package's tests (expectations from its authors)."""

    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ([100, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]),
            ([10, 10, 10, 5, 5, 5, 1, 1, 1], [0, 0, 0, 1, 1, 1, 2, 2, 2]),
            ([3, 1, 3, 1, 1, 3], [0, 0, 0, 2, 2, 2]),
        ],
        ids=["one-giant", "three-plateaus", "two-plateaus-empty-b"],
    )
    def test_tiers(self, values, expected):
        values = ranked(values)
        assert abc_tiers(computed_abc(values), len(values)).tolist() == expected

    def test_one_giant_a_is_the_100(self):
        limits = computed_abc(ranked([100, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]))
        assert (limits.a_count, limits.a_value, limits.a_share) == (1, 100, Fraction(100, 155))


class TestCurvePoints:
    def test_hand_worked_pareto_break_even_submarginal(self):
        # values 6 5 4 3 1: n = 5, total = 19, cum = 6 11 15 18 19.
        # Break-even: mean 19/5 = 3.8, so 6, 5, 4 are ≥ the mean → 3.
        # Pareto, d²·(n·total)² = (19·i)² + (5·(19 − cum_i))²:
        #   i=1: 361 + 4225 = 4586; i=2: 1444 + 1600 = 3044; i=3: 3249 + 400 = 3649 → 2.
        # A|B = min(2, 3) = 2. Submarginal from (3/5, 1): (19·(i − 3))² + (5·(19 − cum_i))²:
        #   i=3: 0 + 400 = 400; i=4: 361 + 25 = 386; i=5: 1444 + 0 = 1444 → 4.
        limits = computed_abc(ranked([6, 5, 4, 3, 1]))
        assert limits == AbcLimits(
            a_count=2,
            b_count=2,
            c_count=1,
            pareto=2,
            break_even=3,
            submarginal=4,
            a_share=Fraction(11, 19),
            ab_share=Fraction(18, 19),
            a_value=5,
            b_value=3,
            negatives=0,
            defined=True,
        )

    def test_hand_worked_pareto_after_break_even(self):
        # n = 11, total = 155, cum = 100 110 119 127 …; mean 155/11 ≈ 14.1 → break-even 1.
        # Pareto (155·i)² + (11·(155 − cum_i))²: 390050, 341125, 373041 → 2; A|B = 1.
        # Submarginal from (2/11, 1): (155·(i − 2))² + (11·(155 − cum_i))²:
        #   i=2: 245025; i=3: 24025 + 156816 = 180841; i=4: 96100 + 94864 = 190964 → 3.
        limits = computed_abc(ranked([100, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]))
        assert (limits.pareto, limits.break_even, limits.submarginal) == (2, 1, 3)
        assert (limits.a_count, limits.b_count, limits.c_count) == (1, 2, 8)
        assert (limits.b_value, limits.ab_share) == (9, Fraction(119, 155))

    @pytest.mark.parametrize("scale", [1, 10**15], ids=["units", "1e15"])
    def test_exact_distance_tie_takes_the_smaller_count(self, scale):
        # Three equal values: points (1/3, 1/3) and (2/3, 2/3) are both √5/3 from (0, 1).
        limits = computed_abc(np.full(3, 5 * scale, dtype=np.int64))
        assert limits.pareto == 1

    def test_break_even_counts_values_equal_to_the_mean(self):
        # mean = 12/4 = 3: the 3 is at the mean, so it is before the break-even point.
        assert computed_abc(ranked([6, 3, 2, 1])).break_even == 2


class TestNegatives:
    def test_left_out_of_the_curve_and_placed_in_c(self):
        # Same curve as the hand-worked 6 5 4 3 1 example; the two negatives join C.
        values = ranked([6, 5, 4, 3, 1, -2, -9])
        limits = computed_abc(values)
        assert (limits.a_count, limits.b_count, limits.c_count) == (2, 2, 3)
        assert limits.negatives == 2
        assert (limits.pareto, limits.break_even, limits.submarginal) == (2, 3, 4)
        assert abc_tiers(limits, len(values)).tolist() == [0, 0, 1, 1, 2, 2, 2]

    def test_zero_values_stay_on_the_curve(self):
        # n = 3 with the zeros: mean 5/3, so only the 5 is at or above it.
        limits = computed_abc(ranked([5, 0, 0, -3]))
        assert (limits.a_count, limits.b_count, limits.c_count) == (1, 0, 3)
        assert limits.negatives == 1


class TestRuns:
    """A limit inside a run of equal values moves to the nearer end; a tie goes up."""

    @pytest.mark.parametrize(
        ("values", "tiers"),
        [
            # Submarginal 5 in the 5s (items 4..6): 1 step to 6, 2 steps to 3 → up.
            ([10, 10, 10, 5, 5, 5, 1, 1, 1], [0, 0, 0, 1, 1, 1, 2, 2, 2]),
            # Submarginal 4 in the 1s (items 4..6): 1 step to 3, 2 steps to 6 → down, B empty.
            ([3, 3, 3, 1, 1, 1], [0, 0, 0, 2, 2, 2]),
            # n = 6, total 11, break-even 4; Pareto (11·i)² + (6·(11 − cum_i))²:
            # 2425, 1780, 1665, 2080 → 3, inside the 2s (items 2..4): 1 step up to 4.
            # Submarginal from (4/6, 1): i=4: 144, i=5: 121 + 36 = 157 → 4. B empty.
            ([3, 2, 2, 2, 1, 1], [0, 0, 0, 0, 2, 2]),
            # n = 5, total 10, break-even 4; Pareto (10·i)² + (5·(10 − cum_i))²:
            # 1325, 1025, 1125 → 2, inside the 2s (items 2..4): 1 step down to 1.
            # Submarginal from (4/5, 1): i=4: 25, i=5: 100 → 4.
            ([3, 2, 2, 2, 1], [0, 1, 1, 1, 2]),
        ],
        ids=["b|c-up", "b|c-down", "a|b-up", "a|b-down"],
    )
    def test_nearer_end(self, values, tiers):
        values = ranked(values)
        assert abc_tiers(computed_abc(values), len(values)).tolist() == tiers

    def test_equally_near_a_b_limit_gives_the_run_to_a(self):
        # n = 4, total 8, break-even 3 (mean 2); Pareto (8·i)² + (4·(8 − cum_i))²:
        # 464, 400, 592 → 2, the middle of the 2s (items 2..3): 1 step either way → 3.
        limits = computed_abc(ranked([3, 2, 2, 1]))
        assert (limits.pareto, limits.a_count, limits.b_count, limits.c_count) == (2, 3, 0, 1)

    def test_equally_near_b_c_limit_gives_the_run_to_b(self):
        # n = 3, total 4; Pareto (4·i)² + (3·(4 − cum_i))²: 52, 73 → 1 = break-even.
        # Submarginal from (1/3, 1): 36, 16 + 9 = 25, 64 → 2, inside the 1s (items 2..3).
        limits = computed_abc(ranked([2, 1, 1]))
        assert (limits.submarginal, limits.a_count, limits.b_count, limits.c_count) == (
            2,
            1,
            2,
            0,
        )

    @pytest.mark.parametrize("size", [2, 3, 4, 7], ids=lambda n: f"n={n}")
    def test_all_equal_values_are_all_a(self, size):
        # The A|B limit sits in the run that starts at the top item: the run stays in A.
        limits = computed_abc(np.full(size, 42, dtype=np.int64))
        assert (limits.a_count, limits.b_count, limits.c_count) == (size, 0, 0)
        assert limits.a_share == limits.ab_share == 1


class TestDegenerate:
    @pytest.mark.parametrize(
        ("values", "negatives"),
        [([], 0), ([0, 0], 0), ([-1, -2], 2), ([0, 0, -5], 1)],
        ids=["empty", "all-zero", "all-negative", "zero-and-negative"],
    )
    def test_no_positive_total_is_undefined_and_all_c(self, values, negatives):
        values = ranked(values)
        limits = computed_abc(values)
        assert limits == AbcLimits(
            a_count=0,
            b_count=0,
            c_count=len(values),
            pareto=0,
            break_even=0,
            submarginal=0,
            a_share=Fraction(0),
            ab_share=Fraction(0),
            a_value=0,
            b_value=0,
            negatives=negatives,
            defined=False,
        )
        assert abc_tiers(limits, len(values)).tolist() == [2] * len(values)
        assert limits_as_cutoffs(values, limits) is None

    def test_single_item(self):
        limits = computed_abc(ranked([7, -1]))
        assert (limits.pareto, limits.break_even, limits.submarginal) == (1, 1, 1)
        assert (limits.a_count, limits.b_count, limits.c_count, limits.a_value) == (1, 0, 1, 7)

    @pytest.mark.parametrize(
        ("values", "match"),
        [
            (np.array([1, 3, 2]), "ranked descending; item 2"),
            (np.array([3.0, 2.0]), "integer values"),
            (np.array([True, False]), "integer values"),
            (np.array([[3, 2], [1, 0]]), "one-dimensional"),
            (np.array([2**62, 2**62]), "too large"),
        ],
        ids=["unsorted", "float", "bool", "2-d", "overflow"],
    )
    def test_rejects_bad_input(self, values, match):
        with pytest.raises(ValueError, match=match):
            computed_abc(values)

    def test_abc_tiers_rejects_a_count_that_does_not_match(self):
        limits = computed_abc(ranked([3, 2, 1]))
        with pytest.raises(ValueError, match="cover 3 items but count is 4"):
            abc_tiers(limits, 4)


class TestCutoffBetween:
    @pytest.mark.parametrize(
        ("low", "high", "expected"),
        [
            (Fraction(0), Fraction(20, 31), Fraction(3, 5)),  # (0, 0.645…]: 0.1 … 0.6 → 0.6
            (Fraction(4, 5), Fraction(811, 1000), Fraction(81, 100)),
            (Fraction(79, 100), Fraction(4, 5), Fraction(4, 5)),  # the upper end counts
            (Fraction(4, 5), Fraction(1), Fraction(1)),
            (Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**9), Fraction(333_333_334, 10**9)),
        ],
        ids=["from-zero", "two-digits", "closed-top", "one", "narrow"],
    )
    def test_hand_worked(self, low, high, expected):
        assert cutoff_between(low, high) == expected

    @pytest.mark.parametrize(
        ("low", "high"),
        [(Fraction(1, 2), Fraction(1, 2)), (Fraction(-1, 2), Fraction(1, 2)), (0, Fraction(3, 2))],
        ids=["empty", "negative", "above-one"],
    )
    def test_rejects_bad_interval(self, low, high):
        with pytest.raises(ValueError, match="0 ≤ low < high ≤ 1"):
            cutoff_between(low, high)

    @given(
        st.fractions(min_value=0, max_value=1, max_denominator=60),
        st.fractions(min_value=0, max_value=1, max_denominator=60),
    )
    def test_matches_brute_force(self, a, b):
        low, high = min(a, b), max(a, b)
        if low == high:
            return
        assert cutoff_between(low, high) == shortest_decimal_brute_force(low, high)


class TestLimitsAsCutoffs:
    @pytest.mark.parametrize(
        ("values", "cutoffs"),
        [
            # A: (20/48, 30/48] = (0.41…, 0.625] → 0.6; B: (40/48, 45/48] → 0.9.
            ([10, 10, 10, 5, 5, 5, 1, 1, 1], (Fraction(3, 5), Fraction(9, 10))),
            # Empty B: both inside A's (6/12, 9/12]: 0.7 (< 0.75), then (0.7, 0.75] → 0.75.
            ([3, 3, 3, 1, 1, 1], (Fraction(7, 10), Fraction(3, 4))),
        ],
        ids=["three-plateaus", "empty-b"],
    )
    def test_hand_worked(self, values, cutoffs):
        values = ranked(values)
        limits = computed_abc(values)
        assert limits_as_cutoffs(values, limits) == cutoffs
        expected = abc_tiers(limits, len(values))
        assert assign_tiers(values, cutoffs, "cumulative").tolist() == expected.tolist()

    def test_zero_valued_last_a_item_cannot_be_expressed(self):
        # Hand-made limits: A = {5, 0} has no cumulative interval of its own (cum 5 → 5).
        values = ranked([5, 0, 0])
        limits = AbcLimits(2, 0, 1, 2, 1, 2, Fraction(1), Fraction(1), 0, 0, 0, True)
        assert limits_as_cutoffs(values, limits) is None

    def test_rejects_limits_of_another_array(self):
        limits = computed_abc(ranked([3, 2, 1]))
        with pytest.raises(ValueError, match="cover 3 items but there are 2 values"):
            limits_as_cutoffs(ranked([3, 2]), limits)

    @given(value_lists)
    def test_reproduces_the_tiers_under_the_cumulative_rule(self, values):
        limits = computed_abc(values)
        cutoffs = limits_as_cutoffs(values, limits)
        a, ab = limits.a_count, limits.a_count + limits.b_count
        expressible = limits.defined and values[a - 1] > 0 and (ab == a or values[ab - 1] > 0)
        assert (cutoffs is not None) == expressible
        if cutoffs is not None:
            expected = abc_tiers(limits, len(values))
            assert assign_tiers(values, cutoffs, "cumulative").tolist() == expected.tolist()


class TestProperties:
    @given(value_lists)
    def test_matches_the_plain_reference(self, values):
        limits = computed_abc(values)
        if not limits.defined:
            assert sum(int(v) for v in values if v > 0) == 0
            return
        got = (
            limits.pareto,
            limits.break_even,
            limits.submarginal,
            limits.a_count,
            limits.a_count + limits.b_count,
        )
        assert got == reference_abc(values.tolist())

    @given(value_lists)
    def test_counts_shares_and_values_agree_with_the_tiers(self, values):
        limits = computed_abc(values)
        a, b = limits.a_count, limits.b_count
        assert a + b + limits.c_count == len(values)
        assert min(a, b, limits.c_count) >= 0
        assert limits.negatives == int((values < 0).sum())
        if not limits.defined:
            return
        total = int(values[values > 0].sum())
        assert a >= 1
        assert limits.a_share == Fraction(int(values[:a].sum()), total)
        assert limits.ab_share == Fraction(int(values[: a + b].sum()), total)
        assert limits.a_value == values[a - 1]
        assert limits.b_value == (values[a + b - 1] if b else 0)

    @given(value_lists)
    def test_tiers_separate_values_strictly(self, values):
        # A values > B values > C values (non-negative ones): no run is split by a limit.
        limits = computed_abc(values)
        tiers = abc_tiers(limits, len(values))
        curve, curve_tiers = values[values >= 0], tiers[values >= 0]
        assert np.all(tiers[values < 0] == 2)
        assert np.all(np.diff(curve_tiers) >= 0)
        for upper, lower in ((0, 1), (0, 2), (1, 2)):
            above, below = curve[curve_tiers == upper], curve[curve_tiers == lower]
            if len(above) and len(below):
                assert above.min() > below.max()

    @given(value_lists, st.integers(2, 10**12))
    def test_independent_of_the_scale_of_values(self, values, factor):
        factor = min(factor, (2**61) // max(1, int(np.abs(values).sum())))
        base, scaled = computed_abc(values), computed_abc(values * factor)
        assert (scaled.a_count, scaled.b_count, scaled.c_count) == (
            base.a_count,
            base.b_count,
            base.c_count,
        )
        assert (scaled.pareto, scaled.break_even, scaled.submarginal) == (
            base.pareto,
            base.break_even,
            base.submarginal,
        )
        assert (scaled.a_share, scaled.ab_share) == (base.a_share, base.ab_share)
