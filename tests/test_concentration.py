"""Pareto readouts, Gini, HHI and major customers, against hand-worked fixtures."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.concentration import (
    concentration_summary,
    customers_for_share,
    gini,
    hhi,
    major_customers,
    pareto_curve,
    positive_total,
    rank_customers,
    top_n_share,
    top_share,
)
from tests.conftest import customers_frame

# Worked by hand: values 50, 30, 10, 5, 5 (P = 100).
FIVE = customers_frame({"c": 10, "a": 50, "e": 5, "b": 30, "d": 5})
FIVE_VALUES = np.array([50, 30, 10, 5, 5], dtype=np.int64) * 10_000


class TestRankCustomers:
    def test_orders_by_value_then_id(self):
        ranked = rank_customers(FIVE)
        assert ranked["customer_id"].tolist() == ["a", "b", "c", "d", "e"]
        assert ranked["rank"].tolist() == [1, 2, 3, 4, 5]
        assert (ranked["cum_before"] // 10_000).tolist() == [0, 50, 80, 90, 95]
        assert (ranked["cum"] // 10_000).tolist() == [50, 80, 90, 95, 100]

    def test_ties_use_plain_string_order_not_locale(self):
        # Code-point order: "B" < "a" < "b" < "é"; "00042" sorts before letters.
        frame = customers_frame({"b": 1, "é": 1, "a": 1, "B": 1, "00042": 1})
        assert rank_customers(frame)["customer_id"].tolist() == ["00042", "B", "a", "b", "é"]

    def test_does_not_mutate_input(self):
        before = FIVE.copy()
        rank_customers(FIVE)
        pd.testing.assert_frame_equal(FIVE, before)

    def test_unknown_column(self):
        with pytest.raises(ValueError, match="No column 'margin'"):
            rank_customers(FIVE, "margin")


class TestTopShare:
    @pytest.mark.parametrize(
        ("p", "expected"),
        [(0.2, 0.5), (0.4, 0.8), (0.5, 0.9), (1, 1.0), ("0.01", 0.5)],
        ids=["20pct-1-customer", "40pct-2", "50pct-ceil-2.5-is-3", "all", "tiny-p-still-1"],
    )
    def test_hand_worked(self, p, expected):
        assert top_share(FIVE_VALUES, p) == pytest.approx(expected, abs=1e-15)

    def test_ceil_is_exact_float_trap(self):
        # ceil(0.07 × 100) is 7; with floats it is 8 (0.07 * 100 = 7.000000000000001).
        values = np.arange(100, 0, -1, dtype=np.int64)
        assert top_share(values, 0.07) == pytest.approx((100 + 99 + 98 + 97 + 96 + 95 + 94) / 5050)
        assert top_share(values, 0.07) != pytest.approx(sum(range(93, 101)) / 5050)

    def test_divides_by_positive_total_with_negatives(self):
        values = np.array([60, 40, 0, -10], dtype=np.int64)
        assert top_share(values, 0.25) == pytest.approx(0.6)
        assert top_share(values, 1) == pytest.approx(0.9)  # net / P

    def test_null_when_nothing_positive(self):
        assert top_share(np.array([0, 0, -5]), 0.2) is None
        assert top_share(np.array([], dtype=np.int64), 0.2) is None

    @pytest.mark.parametrize("p", [0, -0.1, 1.5])
    def test_rejects_out_of_range(self, p):
        with pytest.raises(ValueError, match="share of customers"):
            top_share(FIVE_VALUES, p)

    def test_top_n(self):
        assert top_n_share(FIVE_VALUES, 1) == pytest.approx(0.5)
        assert top_n_share(FIVE_VALUES, 5) == pytest.approx(1.0)
        assert top_n_share(FIVE_VALUES, 10) is None  # there are not 10 customers


class TestCustomersForShare:
    @pytest.mark.parametrize(
        ("q", "k"),
        [(0.5, 1), (0.8, 2), (0.81, 3), (0.95, 4), (1, 5)],
        ids=["half", "exactly-80-reached-by-2", "just-over", "95", "all"],
    )
    def test_hand_worked(self, q, k):
        assert customers_for_share(FIVE_VALUES, q) == k

    def test_float_trap_ten_customers_at_19_99(self):
        # 0.8 × 199.90 = 159.92 = 8 × 19.99 exactly: 8 customers, not 9 (floats say 9).
        values = np.full(10, 199_900, dtype=np.int64)
        assert customers_for_share(values, 0.8) == 8
        floats = np.cumsum(np.full(10, 19.99))
        assert np.searchsorted(floats, 0.8 * floats[-1]) + 1 == 9  # the trap is real in floats

    def test_ignores_negative_tail(self):
        assert customers_for_share(np.array([60, 40, 0, -10]), 1) == 2

    def test_null_without_positive_values(self):
        assert customers_for_share(np.array([0, -1]), 0.8) is None


class TestGiniHhi:
    def test_hand_worked(self):
        # ascending 5,5,10,30,50: Σ i·x = 415; G = 830/500 − 6/5 = 0.46
        assert gini(FIVE_VALUES) == pytest.approx(0.46)
        assert hhi(FIVE_VALUES) == pytest.approx(0.25 + 0.09 + 0.01 + 0.0025 + 0.0025)

    def test_equal_customers(self):
        values = np.full(4, 7, dtype=np.int64)
        assert gini(values) == pytest.approx(0.0)
        assert hhi(values) == pytest.approx(0.25)

    def test_one_customer_has_everything(self):
        values = np.array([100, 0, 0, 0], dtype=np.int64)
        assert gini(values) == pytest.approx(0.75)  # (n − 1) / n for the population Gini
        assert hhi(values) == pytest.approx(1.0)

    def test_negative_customers_left_out(self):
        values = np.array([60, 40, 0, -10], dtype=np.int64)
        assert gini(values) == pytest.approx(0.4)  # over 0, 40, 60
        assert hhi(values) == pytest.approx(0.36 + 0.16)

    def test_null_cases(self):
        assert gini(np.array([0, -3])) is None
        assert hhi(np.array([], dtype=np.int64)) is None


class TestMajorCustomers:
    def test_ten_percent_is_inclusive(self):
        majors = major_customers(rank_customers(FIVE))
        assert majors["customer_id"].tolist() == ["a", "b", "c"]
        assert majors["share"].tolist() == pytest.approx([0.5, 0.3, 0.1])

    def test_none(self):
        frame = customers_frame({str(i): 1 for i in range(20)})
        assert major_customers(rank_customers(frame)).empty


class TestParetoCurve:
    def test_full_curve(self):
        curve = pareto_curve(FIVE_VALUES)
        assert curve["k"].tolist() == [0, 1, 2, 3, 4, 5]
        assert curve["x"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        assert curve["y"].tolist() == pytest.approx([0, 0.5, 0.8, 0.9, 0.95, 1.0])

    def test_thinned_curve_keeps_readout_points(self):
        values = np.arange(100_000, 0, -1, dtype=np.int64)
        curve = pareto_curve(values, max_points=500, keep=(20_000, 12_345))
        assert len(curve) <= 502
        assert {0, 12_345, 20_000, 100_000} <= set(curve["k"])
        row = curve.set_index("k").loc[20_000]
        expected = values[:20_000].sum() / values.sum()
        assert row["y"] == pytest.approx(expected, rel=1e-12)
        assert curve["k"].is_monotonic_increasing


class TestSummary:
    def test_keys_and_values(self):
        summary = concentration_summary(FIVE_VALUES)
        assert summary.customers == 5
        assert summary.positive_total == 1_000_000
        assert summary.top_share == pytest.approx(
            {"0.01": 0.5, "0.05": 0.5, "0.1": 0.5, "0.2": 0.5}
        )
        assert summary.top_n_share["10"] is None
        assert summary.top_n_share["5"] == pytest.approx(1.0)
        assert summary.customers_for_share == {"0.5": 1, "0.8": 2, "0.95": 4}
        assert summary.effective_customers == pytest.approx(1 / 0.355)
        assert summary.negative_customers == 0


@st.composite
def _values(draw, allow_negative: bool = False):
    low = -(10**9) if allow_negative else 0
    return np.array(
        draw(st.lists(st.integers(low, 10**12), min_size=1, max_size=60)), dtype=np.int64
    )


class TestProperties:
    @given(_values(allow_negative=True), st.fractions(Fraction(1, 1000), 1))
    def test_customers_for_share_is_the_smallest_k(self, values, q):
        values = np.sort(values)[::-1]
        total = positive_total(values)
        k = customers_for_share(values, q)
        if total == 0:
            assert k is None
            return
        cum = np.cumsum(values)
        assert Fraction(int(cum[k - 1])) >= q * total
        assert k == 1 or Fraction(int(cum[k - 2])) < q * total

    @given(_values(), st.randoms())
    def test_ranking_does_not_depend_on_row_order(self, values, rnd):
        ids = [f"{i:05d}" for i in range(len(values))]
        frame = pd.DataFrame({"customer_id": pd.array(ids, dtype="str"), "revenue": values})
        order = list(range(len(values)))
        rnd.shuffle(order)
        a = rank_customers(frame)
        b = rank_customers(frame.iloc[order])
        pd.testing.assert_frame_equal(a, b)

    @given(_values())
    def test_gini_bounds(self, values):
        g = gini(values)
        if g is not None:
            assert -1e-12 <= g <= 1 - 1 / len(values) + 1e-12
