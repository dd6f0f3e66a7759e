"""Profitability: the whale curve, margins, quadrants and loss-makers (kadash.profitability), and
their figures.

Expectations are worked out by hand on tiny tables (amounts in currency units, converted to
minor units here) or recomputed with plain Python.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.exact import MONEY_SCALE
from kadash.figures import quadrant_figure, whale_figure
from kadash.i18n import translator
from kadash.profitability import (
    QUADRANTS,
    assign_quadrants,
    loss_makers,
    margins,
    profit_customers,
    profit_summary,
    profitability_table,
    quadrant_splits,
    summarize_quadrants,
    whale_curve,
)

EN = translator("en")


def _customers(rows: list[tuple]) -> pd.DataFrame:
    """(id, revenue, profit[, lines without profit, lines]) in currency units → a customer
    table in minor units."""
    full = [(*r, 0, 1) if len(r) == 3 else r for r in rows]
    return pd.DataFrame(
        {
            "customer_id": pd.array([r[0] for r in full], dtype="str"),
            "label": pd.array([f"Name {r[0]}" for r in full], dtype="str"),
            "revenue": np.array([round(r[1] * MONEY_SCALE) for r in full], dtype=np.int64),
            "profit": np.array([round(r[2] * MONEY_SCALE) for r in full], dtype=np.int64),
            "profit_missing_lines": np.array([r[3] for r in full], dtype=np.int64),
            "lines": np.array([r[4] for r in full], dtype=np.int64),
        }
    )


def _m(units: float) -> int:
    return round(units * MONEY_SCALE)


# A: 30 % margin, B: 40 %, C: loses 100 on 800, D: breaks even, E: net returns (revenue ≤ 0)
# that lost profit, F: no gross profit on any line (2 of 2 lines), G: loses 50 on 300.
HAND = _customers(
    [
        ("A", 1000, 300),
        ("B", 500, 200),
        ("C", 800, -100),
        ("D", 100, 0),
        ("E", -50, -20),
        ("F", 200, 0, 2, 2),
        ("G", 300, -50),
    ]
)
KNOWN = profit_customers(HAND)


class TestProfitCustomers:
    def test_customers_without_any_profit_are_left_out(self):
        assert list(KNOWN["customer_id"]) == ["A", "B", "C", "D", "E", "G"]

    def test_partly_missing_profit_is_kept(self):
        table = _customers([("A", 10, 1, 1, 3), ("B", 10, 0, 3, 3)])
        assert list(profit_customers(table)["customer_id"]) == ["A"]

    def test_input_is_not_changed(self):
        before = HAND.copy()
        profit_customers(HAND)
        pd.testing.assert_frame_equal(HAND, before)

    def test_missing_column_is_named(self):
        with pytest.raises(ValueError, match="profit_missing_lines"):
            profit_customers(HAND.drop(columns="profit_missing_lines"))


class TestSummary:
    def test_hand_worked_numbers(self):
        s = profit_summary(HAND)
        assert s.customers == 6
        assert s.no_profit_data == 1  # F: unknown, not a zero
        assert s.zero_profit == 1  # D only
        assert s.net_total == _m(330)  # 300 + 200 − 100 + 0 − 20 − 50
        assert s.peak == _m(500)
        assert s.peak_rank == 2
        assert s.loss_makers == 3
        assert s.loss_total == _m(-170)
        assert s.peak_share == pytest.approx(500 / 330)
        assert s.loss_share == pytest.approx(170 / 330)

    def test_shares_are_none_when_net_profit_is_not_positive(self):
        s = profit_summary(_customers([("A", 100, 10), ("B", 100, -30)]))
        assert s.net_total == _m(-20)
        assert s.peak_share is None and s.loss_share is None

    def test_no_profitable_customer(self):
        s = profit_summary(_customers([("A", 100, -10), ("B", 100, 0)]))
        assert (s.peak, s.peak_rank, s.loss_makers, s.zero_profit) == (0, 0, 1, 1)


class TestWhaleCurve:
    def test_hand_worked_curve(self):
        curve = whale_curve(KNOWN)
        # Profit descending, ties by id: A 300, B 200, D 0, E −20, G −50, C −100.
        assert list(curve["rank"]) == [0, 1, 2, 3, 4, 5, 6]
        assert list(curve["customer_id"]) == ["", "A", "B", "D", "E", "G", "C"]
        assert list(curve["cum_profit"]) == [_m(v) for v in (0, 300, 500, 500, 480, 430, 330)]
        expected = [v / 330 for v in (0, 300, 500, 500, 480, 430, 330)]
        assert curve["share"].tolist() == pytest.approx(expected)
        assert curve["x"].tolist() == pytest.approx([k / 6 for k in range(7)])
        assert curve["label"][1] == "Name A"
        assert curve["profit"].tolist() == [_m(v) for v in (0, 300, 200, 0, -20, -50, -100)]

    def test_amounts_only_when_net_is_not_positive(self):
        curve = whale_curve(_customers([("A", 100, 10), ("B", 100, -30)]))
        assert curve["share"].isna().all()
        assert list(curve["cum_profit"]) == [0, _m(10), _m(-20)]

    def test_row_order_does_not_matter(self):
        shuffled = KNOWN.sample(frac=1, random_state=3)
        pd.testing.assert_frame_equal(whale_curve(shuffled), whale_curve(KNOWN))

    def test_ties_by_id_even_in_a_table_ranked_otherwise(self):
        table = _customers([("A", 10, 9), ("C", 10, 5), ("B", 10, 5), ("D", 10, 1)])
        assert list(whale_curve(table)["customer_id"]) == ["", "A", "B", "C", "D"]

    def test_thinning_keeps_the_peak_and_the_ends(self):
        profits = [(f"C{i:05d}", 100, 50 - i) for i in range(5_000)]  # 50 profitable
        curve = whale_curve(_customers(profits), max_points=200, keep=(1234,))
        ranks = set(curve["rank"])
        assert {0, 5_000, 50, 51, 1234} <= ranks  # ends, peak, first loss-maker, kept
        assert len(curve) <= 206
        assert curve["cum_profit"].max() == _m(sum(range(1, 51)))

    def test_empty(self):
        curve = whale_curve(KNOWN.iloc[:0])
        assert list(curve["rank"]) == [0] and curve["cum_profit"].tolist() == [0]


class TestMargins:
    def test_margin_is_undefined_without_revenue(self):
        m = margins(_customers([("A", 200, 50), ("B", 0, 5), ("C", -10, -2)]))
        assert m[0] == 0.25 and np.isnan(m[1]) and np.isnan(m[2])


class TestQuadrants:
    def test_default_splits(self):
        splits = quadrant_splits(KNOWN)
        # 6 customers: the top 20 % is ceil(1.2) = 2; by revenue A 1000, C 800 → split 800.
        assert splits.revenue == _m(800)
        assert splits.large_share == Fraction(1, 5)
        assert splits.overall_margin == Fraction(330, 2650)
        assert splits.margin == Fraction(330, 2650)

    def test_hand_worked_quadrants(self):
        assigned = assign_quadrants(KNOWN, quadrant_splits(KNOWN))
        got = dict(zip(assigned["customer_id"], assigned["quadrant"], strict=True))
        assert got == {
            "A": "large_profitable",
            "C": "large_thin",  # large, and losing money
            "B": "small_profitable",
            "D": "small_thin",  # 0 % < 12.5 %
            "E": "small_thin",  # no margin (net returns), lost profit → thin side
            "G": "small_thin",
        }
        assert "margin" in assigned and "quadrant" not in KNOWN

    def test_summary_by_hand(self):
        summary = summarize_quadrants(assign_quadrants(KNOWN, quadrant_splits(KNOWN)))
        assert list(summary["quadrant"]) == list(QUADRANTS)
        assert list(summary["customers"]) == [1, 1, 1, 3]
        assert list(summary["revenue"]) == [_m(v) for v in (1000, 800, 500, 350)]
        assert list(summary["profit"]) == [_m(v) for v in (300, -100, 200, -70)]
        assert list(summary["loss_makers"]) == [0, 1, 0, 2]
        assert list(summary["loss"]) == [0, _m(-100), 0, _m(-70)]
        assert summary["customer_share"].tolist() == pytest.approx([1 / 6, 1 / 6, 1 / 6, 3 / 6])
        assert summary["revenue_share"].tolist() == pytest.approx(
            [1000 / 2650, 800 / 2650, 500 / 2650, 350 / 2650]
        )
        assert summary["profit_share"].tolist() == pytest.approx(
            [300 / 330, -100 / 330, 200 / 330, -70 / 330]
        )
        assert summary["margin"].tolist() == pytest.approx([0.3, -0.125, 0.4, -0.2])

    def test_given_splits(self):
        splits = quadrant_splits(KNOWN, top="0.5", margin_split="0.35")
        # ceil(0.5 · 6) = 3 → B's 500; only B reaches 35 %.
        assert splits.revenue == _m(500)
        assigned = assign_quadrants(KNOWN, splits)
        got = dict(zip(assigned["customer_id"], assigned["quadrant"], strict=True))
        assert got["A"] == "large_thin" and got["B"] == "large_profitable"

    def test_an_amount_split(self):
        splits = quadrant_splits(KNOWN, revenue_split=_m(900), margin_split=0)
        assert splits.large_share is None and splits.margin == 0
        assigned = assign_quadrants(KNOWN, splits)
        assert list(assigned.loc[assigned["quadrant"].str.startswith("large"), "customer_id"]) == [
            "A"
        ]

    def test_customers_tied_at_the_revenue_split_are_large(self):
        table = _customers([("A", 100, 10), ("B", 50, 5), ("C", 50, 5), ("D", 10, 1)])
        assigned = assign_quadrants(table, quadrant_splits(table, top="0.25"))  # ceil(1) = 1
        assert (assigned["quadrant"] == "large_profitable").sum() == 1
        assigned = assign_quadrants(table, quadrant_splits(table, top="0.5"))  # B at the split
        assert (assigned["quadrant"] == "large_profitable").sum() == 3

    def test_margin_equal_to_the_split_is_decided_exactly(self):
        # 0.3 − 10⁻¹⁸: a float division rounds it to 0.3; the exact test does not.
        revenue = 10**18
        table = pd.DataFrame(
            {
                "customer_id": ["A", "B"],
                "revenue": np.array([revenue, revenue], dtype=np.int64),
                "profit": np.array([3 * 10**17 - 1, 3 * 10**17], dtype=np.int64),
            }
        )
        assigned = assign_quadrants(table, quadrant_splits(table, margin_split="0.3"))
        assert list(assigned["quadrant"]) == ["large_thin", "large_profitable"]

    def test_revenue_at_or_below_zero_is_never_large(self):
        table = _customers([("A", -10, 5), ("B", -20, -1)])
        assigned = assign_quadrants(table, quadrant_splits(table, top=1))
        assert list(assigned["quadrant"]) == ["small_profitable", "small_thin"]

    def test_negative_overall_margin_splits_at_zero(self):
        table = _customers([("A", 100, 10), ("B", 100, -50)])
        assert quadrant_splits(table).margin == 0

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"margin_split": "-0.1"}, "margin split must be 0 or more"),
            ({"top": 0}, "share of customers"),
            ({"top": None}, "revenue split"),
        ],
        ids=["negative-margin", "zero-top", "no-revenue-split"],
    )
    def test_bad_splits(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            quadrant_splits(KNOWN, **kwargs)


class TestLossMakers:
    def test_costliest_first(self):
        losing = loss_makers(KNOWN)
        assert list(losing["customer_id"]) == ["C", "G", "E"]
        assert losing["profit"].sum() == profit_summary(HAND).loss_total
        assert losing["margin"][0] == -0.125 and np.isnan(losing["margin"][2])

    def test_ties_by_id(self):
        losing = loss_makers(_customers([("B", 10, -5), ("A", 10, -5), ("C", 10, 1)]))
        assert list(losing["customer_id"]) == ["A", "B"]


class TestTable:
    def test_exact_money_and_empty_margin_for_files(self):
        table = profitability_table(loss_makers(KNOWN), t=EN)
        assert list(table.columns) == ["Customer id", "Revenue", "Gross profit", "Gross margin"]
        assert table["Gross profit"].tolist() == [Decimal(-100), Decimal(-50), Decimal(-20)]
        assert table["Gross margin"][2] is None

    def test_quadrant_names_on_screen(self):
        assigned = assign_quadrants(KNOWN, quadrant_splits(KNOWN))
        table = profitability_table(assigned, t=EN, exact=False)
        assert table["Quadrant"][0] == "Large & profitable"
        assert table["Revenue"][0] == 1000.0


# -- properties ---------------------------------------------------------------------------
_rows = st.lists(
    st.tuples(
        st.integers(-(10**12), 10**13),  # revenue, minor units
        st.integers(-(10**12), 10**12),  # profit
        st.booleans(),  # no profit on any line
    ),
    min_size=1,
    max_size=60,
)


def _table(rows: list[tuple[int, int, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array([f"C{i:03d}" for i in range(len(rows))], dtype="str"),
            "label": pd.array([f"C{i:03d}" for i in range(len(rows))], dtype="str"),
            "revenue": np.array([r[0] for r in rows], dtype=np.int64),
            "profit": np.array([0 if r[2] else r[1] for r in rows], dtype=np.int64),
            "profit_missing_lines": np.array([2 if r[2] else 0 for r in rows], dtype=np.int64),
            "lines": np.full(len(rows), 2, dtype=np.int64),
        }
    )


@given(_rows)
def test_whale_curve_peaks_at_the_positive_sum_and_ends_at_the_net_total(rows):
    table = _table(rows)
    known = [r[1] for r in rows if not r[2]]
    s = profit_summary(table)
    curve = whale_curve(profit_customers(table), max_points=25)
    assert s.no_profit_data == sum(r[2] for r in rows)
    assert s.customers == len(known)
    assert s.peak == sum(p for p in known if p > 0) == curve["cum_profit"].max()
    assert s.net_total == sum(known) == curve["cum_profit"].iloc[-1]
    assert s.loss_total == sum(p for p in known if p < 0)
    assert s.zero_profit == sum(p == 0 for p in known)
    if s.net_total > 0:
        assert curve["share"].tolist() == pytest.approx(
            [c / s.net_total for c in curve["cum_profit"]]
        )
        assert curve["share"].iloc[-1] == pytest.approx(1.0)
    else:
        assert curve["share"].isna().all()
    if known:
        assert s.peak_rank in set(curve["rank"])  # kept when thinned
        # Plain Python: the cumulative sum after each customer, most profitable first.
        ordered = sorted(known, reverse=True)
        running = [sum(ordered[:k]) for k in range(len(ordered) + 1)]
        assert curve["cum_profit"].tolist() == [running[k] for k in curve["rank"]]


@given(_rows, st.integers(1, 100), st.integers(0, 80))
def test_quadrants_partition_the_customers(rows, top_pct, margin_pct):
    known = profit_customers(_table(rows))
    splits = quadrant_splits(
        known, top=Fraction(top_pct, 100), margin_split=Fraction(margin_pct, 100)
    )
    assigned = assign_quadrants(known, splits)
    summary = summarize_quadrants(assigned)
    assert set(assigned["quadrant"]) <= set(QUADRANTS)
    assert summary["customers"].sum() == len(known)
    assert summary["revenue"].sum() == known["revenue"].sum()
    assert summary["profit"].sum() == known["profit"].sum()
    losing = known["profit"].to_numpy() < 0
    # A loss-maker is never on the profitable side of a split ≥ 0.
    assert not assigned.loc[losing, "quadrant"].str.endswith("profitable").any()
    assert summary["loss_makers"].sum() == losing.sum()
    assert summary["loss"].sum() == known["profit"][losing].sum()
    # Plain Python, exact: large = revenue > 0 and ≥ split; profitable by margin or sign.
    for rev, pro, q in zip(known["revenue"], known["profit"], assigned["quadrant"], strict=True):
        large = rev > 0 and rev >= splits.revenue
        profitable = Fraction(int(pro), int(rev)) >= splits.margin if rev > 0 else pro > 0
        assert q == ("large_" if large else "small_") + ("profitable" if profitable else "thin")


@given(_rows)
def test_loss_makers_total_and_order(rows):
    table = _table(rows)
    losing = loss_makers(profit_customers(table))
    assert losing["profit"].sum() == profit_summary(table).loss_total
    assert (losing["profit"] < 0).all()
    assert losing["profit"].is_monotonic_increasing


# -- figures ------------------------------------------------------------------------------
class TestFigures:
    def test_whale_figure_in_shares(self):
        fig = whale_figure(whale_curve(KNOWN), profit_summary(HAND), t=EN)
        assert fig.layout.title.text == "Whale curve: cumulative gross profit"
        assert fig.layout.yaxis.tickformat == ".0%"
        texts = [a.text for a in fig.layout.annotations]
        assert "Peak: the top 2 customers earn 151.5%" in texts
        assert "3 loss-makers give back 51.5%" in texts

    def test_whale_figure_in_amounts_when_net_is_negative(self):
        table = _customers([("A", 100, 10), ("B", 100, -30)])
        fig = whale_figure(whale_curve(table), profit_summary(table), t=EN)
        assert fig.layout.yaxis.title.text == "Cumulative gross profit"
        # Green up to the last customer not losing money, red from there through the loss-maker.
        assert [list(trace.y) for trace in fig.data[:2]] == [[0, 10], [10, -20]]
        assert [trace.name for trace in fig.data[:2]] == [
            "Profitable and break-even customers",
            "Loss-making customers",
        ]

    def test_quadrant_figure(self):
        splits = quadrant_splits(KNOWN)
        fig = quadrant_figure(assign_quadrants(KNOWN, splits), splits, t=EN)
        names = [trace.name for trace in fig.data if trace.name]
        assert names[:4] == ["Large & profitable", "Large & thin-margin", "Small & profitable",
                             "Small & thin-margin or loss-making"]  # fmt: skip
        assert names[4] == "Loss-making customers (3)"
        assert fig.layout.xaxis.type == "linear"  # revenue drawn spans 100 to 1,000 only
        assert "1 customer with net revenue ≤ 0" in fig.layout.title.subtitle.text
        hover = fig.data[4].customdata
        assert "Name C (C)" in hover[:, 0]

    def test_quadrant_figure_draws_a_large_table_thinned(self):
        rng = np.random.default_rng(7)
        n = 30_000
        table = _customers(
            [(f"C{i:05d}", float(rng.integers(1, 10**6)), float(rng.integers(-1000, 5000)))
             for i in range(n)]
        )  # fmt: skip
        splits = quadrant_splits(table)
        fig = quadrant_figure(assign_quadrants(table, splits), splits, t=EN, max_points=2000)
        drawn = sum(len(trace.x) for trace in fig.data if trace.mode == "markers")
        assert drawn == 2000
        assert fig.layout.xaxis.type == "log"  # revenue spans 1 to 10⁶
        assert "Showing 2,000 of 30,000 customers" in fig.layout.title.subtitle.text
