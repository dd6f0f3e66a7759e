"""Tier assignment by exact cumulative bounds, the breakdown, names and slider ordering."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kadash.concentration import customers_for_share, rank_customers
from kadash.errors import KadashError
from kadash.i18n import translator
from kadash.tiers import (
    SCHEMES,
    assign_tiers,
    check_cutoffs,
    check_thresholds,
    default_tier_names,
    enforce_increasing,
    spread_cutoffs,
    suggest_thresholds,
    summarize_tiers,
    threshold_tiers,
    tier_customers,
    tier_ids,
)
from tests.conftest import customers_frame

FIVE_VALUES = np.array([50, 30, 10, 5, 5], dtype=np.int64) * 10_000


class TestAssignTiers:
    @pytest.mark.parametrize(
        ("cutoffs", "rule", "expected"),
        [
            # cum_before / P = 0, .5, .8, .9, .95: a customer joins the first tier whose
            # cut-off is greater than the share accumulated before it.
            ((0.8, 0.95), "cumulative", [0, 0, 1, 1, 2]),
            ((0.5, 0.75, 0.95), "cumulative", [0, 1, 2, 2, 3]),
            # count: ceil(0.2·5) = 1 and ceil(0.5·5) = 3 customers.
            ((0.2, 0.5), "count", [0, 1, 1, 2, 2]),
            (("0.8",), "cumulative", [0, 0, 1, 1, 1]),
        ],
        ids=["abc", "ibm", "count", "two-tiers-from-text"],
    )
    def test_hand_worked(self, cutoffs, rule, expected):
        assert assign_tiers(FIVE_VALUES, cutoffs, rule).tolist() == expected

    def test_customer_crossing_the_cutoff_stays_in_the_upper_tier(self):
        values = np.array([70, 20, 10], dtype=np.int64)  # second one crosses 80 %
        assert assign_tiers(values, (0.8, 0.95)).tolist() == [0, 0, 1]

    def test_float_trap_ten_customers_at_19_99(self):
        # The 9th customer starts exactly at 80.0 %: it is a B. Floats make it an A.
        values = np.full(10, 199_900, dtype=np.int64)
        assert assign_tiers(values, (0.8, 0.95)).tolist() == [0] * 8 + [1, 1]  # 90 % < 95 %

    def test_count_rule_exact_ceil(self):
        # ceil(0.07 · 100) = 7 customers in the top tier.
        values = np.arange(100, 0, -1, dtype=np.int64)
        assert (assign_tiers(values, (0.07,), "count") == 0).sum() == 7

    def test_negative_customers_always_last(self):
        values = np.array([60, 40, 0, -10], dtype=np.int64)
        assert assign_tiers(values, (0.5, 0.99)).tolist() == [0, 1, 2, 2]
        assert assign_tiers(values, (0.9,), "count").tolist() == [0, 0, 0, 1]

    def test_nothing_positive_puts_everyone_last(self):
        assert assign_tiers(np.array([0, 0, -1]), (0.8, 0.95)).tolist() == [2, 2, 2]

    def test_unknown_rule(self):
        with pytest.raises(ValueError, match="Unknown tier rule"):
            assign_tiers(FIVE_VALUES, (0.8,), "median")


class TestCheckCutoffs:
    def test_reads_decimals_exactly(self):
        assert check_cutoffs((0.8, "0.95")) == (Fraction(4, 5), Fraction(19, 20))

    @pytest.mark.parametrize(
        ("cutoffs", "key"),
        [
            ((), "error.cutoff_count"),
            ((0.1, 0.2, 0.3, 0.4, 0.5, 0.6), "error.cutoff_count"),
            ((0.8, 0.8), "error.cutoff_order"),
            ((0.95, 0.8), "error.cutoff_order"),
            ((0, 0.5), "error.cutoff_range"),
            ((0.5, 1.2), "error.cutoff_range"),
            (("abc",), "error.not_a_number"),
        ],
        ids=["none", "six", "equal", "decreasing", "zero", "above-one", "text"],
    )
    def test_rejects(self, cutoffs, key):
        with pytest.raises(KadashError) as err:
            check_cutoffs(cutoffs)
        assert err.value.key == key

    def test_message_names_the_values(self):
        with pytest.raises(KadashError, match=r"0\.95 is followed by 0\.8"):
            check_cutoffs((0.95, 0.8))


class TestSummarizeTiers:
    def test_hand_worked(self):
        frame = customers_frame(
            {"a": 50, "b": 30, "c": 10, "d": 5, "e": 5},
            profit={"a": 10, "b": 5, "c": -2, "d": 1, "e": 1},
        )
        ranked = rank_customers(frame)
        tiers = assign_tiers(ranked["revenue"].to_numpy(), (0.8, 0.95))
        summary = summarize_tiers(ranked, tiers, ["A", "B", "C"], cutoffs=(0.8, 0.95))
        expected = pd.DataFrame(
            {
                "id": ["t1", "t2", "t3"],
                "name": ["A", "B", "C"],
                "bound": [0.8, 0.95, np.nan],
                "threshold": [np.nan, np.nan, np.nan],
                "customers": [2, 2, 1],
                "customer_share": [0.4, 0.4, 0.2],
                "revenue": [800_000, 150_000, 50_000],
                "revenue_share": [0.8, 0.15, 0.05],
                "profit": [150_000, -10_000, 10_000],
                "profit_share": [15 / 17, -1 / 17, 1 / 17],  # P of profit = 17 (positives)
                "revenue_per_customer": [400_000.0, 75_000.0, 50_000.0],
            }
        )
        pd.testing.assert_frame_equal(summary, expected, check_dtype=False)

    def test_empty_tier_is_listed(self):
        ranked = rank_customers(customers_frame({"a": 100}))
        summary = summarize_tiers(ranked, assign_tiers(ranked["revenue"], (0.5,)), ["X", "Y"])
        assert summary["customers"].tolist() == [1, 0]
        assert np.isnan(summary.loc[1, "revenue_per_customer"])


class TestNames:
    def test_ids(self):
        assert tier_ids(4) == ["t1", "t2", "t3", "t4"]

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [
            ("en", ["Diamond", "Gold", "Silver", "Other"]),
            ("zh-Hant", ["鑽石", "黃金", "白銀", "其他"]),
            ("zh-Hans", ["钻石", "黄金", "白银", "其他"]),
        ],
    )
    def test_ibm_names(self, lang, expected):
        assert default_tier_names("ibm", 4, translator(lang)) == expected

    def test_generic_names_when_count_differs(self):
        assert default_tier_names("abc", 4, translator("en")) == [
            "Tier 1",
            "Tier 2",
            "Tier 3",
            "Tier 4",
        ]

    def test_presets_are_as_specified(self):
        assert SCHEMES["abc"].cutoffs == ("0.8", "0.95")
        assert SCHEMES["ibm"].cutoffs == ("0.5", "0.75", "0.95")
        assert (SCHEMES["count"].rule, SCHEMES["count"].cutoffs) == ("count", ("0.2", "0.5"))


class TestEnforceIncreasing:
    @pytest.mark.parametrize(
        ("values", "changed", "expected"),
        [
            ((80, 95), 0, (80, 95)),
            ((96, 95), 0, (96, 97)),  # moved up past its neighbour: pushes it
            ((50, 40, 95), 1, (39, 40, 95)),  # moved down: pushes the one before
            ((99, 95), 0, (98, 99)),  # no room above: the moved one is clamped
            ((1, 2, 1), 2, (1, 2, 3)),
        ],
    )
    def test_cases(self, values, changed, expected):
        assert enforce_increasing(values, changed, low=1, high=99) == expected


@st.composite
def _customers(draw):
    n = draw(st.integers(1, 40))
    values = draw(st.lists(st.integers(0, 10**9), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "customer_id": pd.array([f"{i:04d}" for i in range(n)], dtype="str"),
            "revenue": np.array(values, dtype=np.int64),
            "profit": np.zeros(n, dtype=np.int64),
        }
    )


_CUTOFFS = st.lists(st.integers(1, 100), min_size=1, max_size=5, unique=True).map(
    lambda xs: tuple(x / 100 for x in sorted(xs))
)


class TestProperties:
    @given(_customers(), _CUTOFFS, st.sampled_from(["cumulative", "count"]))
    def test_tiers_are_monotone_in_value(self, frame, cutoffs, rule):
        ranked = rank_customers(frame)
        values = ranked["revenue"].to_numpy()
        tiers = assign_tiers(values, cutoffs, rule)
        assert (np.diff(tiers) >= 0).all()  # rank order never goes back up a tier
        higher = values[:, None] > values[None, :]
        assert (tiers[:, None] <= tiers[None, :])[higher].all()

    @given(_customers(), _CUTOFFS)
    def test_shares_sum_to_one_without_negatives(self, frame, cutoffs):
        assume(frame["revenue"].sum() > 0)
        ranked = rank_customers(frame)
        tiers = assign_tiers(ranked["revenue"].to_numpy(), cutoffs)
        names = [f"T{i}" for i in range(len(cutoffs) + 1)]
        summary = summarize_tiers(ranked, tiers, names)
        assert summary["revenue"].sum() == frame["revenue"].sum()  # exact
        assert summary["customers"].sum() == len(frame)
        assert summary["revenue_share"].sum() == pytest.approx(1.0)
        assert summary["customer_share"].sum() == pytest.approx(1.0)

    @given(_customers(), st.integers(1, 99))
    def test_top_tier_size_is_customers_needed(self, frame, pct):
        # With positive values, the top tier of a single cut-off c holds exactly the customers
        # needed to reach c of the total.
        frame = frame[frame["revenue"] > 0]
        assume(len(frame) > 0)
        values = rank_customers(frame)["revenue"].to_numpy()
        top = int((assign_tiers(values, (pct / 100,)) == 0).sum())
        assert top == customers_for_share(values, Fraction(pct, 100))

    @given(_customers(), _CUTOFFS, st.randoms())
    def test_independent_of_row_order(self, frame, cutoffs, rnd):
        order = list(range(len(frame)))
        rnd.shuffle(order)
        results = []
        for f in (frame, frame.iloc[order]):
            ranked = rank_customers(f)
            tiers = assign_tiers(ranked["revenue"].to_numpy(), cutoffs)
            results.append(dict(zip(ranked["customer_id"], tiers.tolist(), strict=True)))
        assert results[0] == results[1]


# -- absolute thresholds, the dispatcher, tier counts ------------------------------------------
class TestThresholds:
    def test_value_reaching_a_threshold_is_in_its_tier(self):
        # Thresholds 1,000 and 100 (currency units): ≥ 1,000 → t1, ≥ 100 → t2, rest → t3.
        values = np.array([1000_0000, 999_9999, 100_0000, 99_9999, 0, -5], dtype=np.int64)
        assert list(threshold_tiers(values, (1000, 100))) == [0, 1, 1, 2, 2, 2]

    def test_thresholds_are_read_exactly(self):
        # 0.07 units = 700 minor units exactly (a binary float would give 700.0000000000001).
        assert list(threshold_tiers(np.array([700, 699]), (0.07,))) == [0, 1]

    @pytest.mark.parametrize(
        "thresholds,key",
        [
            ((), "error.threshold_count"),
            ((1, 2), "error.threshold_order"),
            ((5, 5), "error.threshold_order"),
        ],
        ids=["none", "increasing", "equal"],
    )
    def test_invalid(self, thresholds, key):
        with pytest.raises(KadashError) as err:
            check_thresholds(thresholds)
        assert err.value.key == key


class TestTierCustomers:
    def test_dispatch(self):
        values = np.array([100, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], dtype=np.int64)
        computed = tier_customers(values, rule="computed")
        assert list(computed.tiers[:1]) == [0] and computed.limits.a_count == 1
        assert computed.count == 3 and len(computed.cutoffs) == 2
        absolute = tier_customers(values * 10_000, rule="absolute", thresholds=(50, 5))
        assert list(absolute.tiers) == [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]
        assert absolute.thresholds == (500_000, 50_000) and absolute.count == 3
        shares = tier_customers(values, rule="cumulative", cutoffs=(0.5,))
        assert list(shares.tiers) == list(assign_tiers(values, (0.5,)))

    def test_unknown_rule(self):
        with pytest.raises(ValueError, match="rule"):
            tier_customers(np.array([1]), rule="magic")


class TestTierCounts:
    @pytest.mark.parametrize(
        "cutoffs,count,expected",
        [
            ((0.8, 0.95), 4, (0.8, 0.95, 0.97)),
            ((0.8, 0.95), 2, (0.8,)),
            ((1.0,), 3, (0.5, 1.0)),
            ((0.3, 0.99), 4, (0.3, 0.99, 0.995)),
            ((0.5,), 3, (0.5, 0.75)),
        ],
        ids=["add", "remove", "last-at-100", "halfway", "fine"],
    )
    def test_spread_cutoffs(self, cutoffs, count, expected):
        assert spread_cutoffs(cutoffs, count) == expected

    def test_suggested_thresholds_keep_the_tiers_roughly(self):
        values = np.array([5_000_000, 1_736_007_600, 10_000, 5_000, -3], dtype=np.int64)
        ranked = np.sort(values)[::-1]
        tiers = np.array([0, 0, 1, 1, 2])
        # Smallest of t1: 500 units → 500; smallest of t1+t2: 0.5 → rounds to 0 → half of 500.
        assert suggest_thresholds(ranked, tiers, 3) == (500.0, 250.0)
