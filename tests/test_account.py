"""One customer's account: monthly history, standing among all customers, tier per year.

Expectations are worked by hand on the fixture below (money in minor units).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.account import (
    HISTORY_COLUMNS,
    YEAR_COLUMNS,
    account_history,
    account_summary,
    rank_by_year,
    tier_by_year,
)
from kadash.concentration import rank_customers
from kadash.customers import summarize_customers
from kadash.settings import Settings

MISSING = None  # a line whose profit cell was blank


def _tx(rows: list[tuple]) -> pd.DataFrame:
    """(customer, date, revenue, profit or MISSING, order) rows → transactions as parsed."""
    cid, day, rev, pro, order = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "line": np.arange(2, len(rows) + 2, dtype=np.int64),
            "customer_id": pd.Categorical(cid),
            "date": np.array(day, dtype="datetime64[s]"),
            "revenue": np.array(rev, dtype=np.int64),
            "profit": np.array([p or 0 for p in pro], dtype=np.int64),
            "profit_missing": np.array([p is MISSING for p in pro]),
            "order_id": pd.array(order, dtype="str"),
        }
    )


TX = _tx(
    [
        ("A", "2023-01-10", 1000, 300, "O1"),
        ("A", "2023-01-20", 500, 100, "O2"),
        ("A", "2023-03-05", -200, -50, "O3"),  # a return
        ("A", "2024-02-01", 800, MISSING, "O4"),  # the month's only line has no profit
        ("B", "2023-06-01", 2000, 500, "O5"),
        ("B", "2023-06-01", 1000, 200, "O5"),  # same order: one order, two lines
        ("C", "2023-07-01", 400, 40, "O6"),
        ("C", "2024-01-15", 3000, 900, "O7"),
        ("C", "2024-01-15", 2000, 600, "O8"),  # same day, another order
        ("D", "2023-12-31", 100, 10, "O9"),
        ("D", "2024-04-15", 100, 10, "O10"),  # the last line of the data: April 2024
        ("E", "2024-03-03", -500, -100, "O11"),  # returns only
    ]
)
#: Months from A's first (2023-01) to the data's last (2024-04).
MONTHS = [f"2023-{m:02d}" for m in range(1, 13)] + [f"2024-{m:02d}" for m in range(1, 5)]


def _history(revenue: dict, profit: dict, lines: dict, orders: dict, months=MONTHS):
    return pd.DataFrame(
        {
            "month": pd.array(months, dtype="str"),
            "revenue": np.array([revenue.get(m, 0) for m in months], dtype=np.int64),
            "profit": pd.array([profit.get(m, 0) for m in months], dtype="Int64"),
            "lines": np.array([lines.get(m, 0) for m in months], dtype=np.int64),
            "orders": np.array([orders.get(m, 0) for m in months], dtype=np.int64),
        }
    )


class TestAccountHistory:
    def test_hand_worked_with_zero_months_a_return_and_missing_profit(self):
        want = _history(
            revenue={"2023-01": 1500, "2023-03": -200, "2024-02": 800},
            profit={"2023-01": 400, "2023-03": -50, "2024-02": None},
            lines={"2023-01": 2, "2023-03": 1, "2024-02": 1},
            orders={"2023-01": 2, "2023-03": 1, "2024-02": 1},
        )
        got = account_history(TX, "A")
        assert list(got.columns) == list(HISTORY_COLUMNS)
        pd.testing.assert_frame_equal(got, want)

    def test_starts_at_the_customers_first_month_and_ends_with_the_data(self):
        got = account_history(TX, "E")  # one line in March; the data ends in April
        pd.testing.assert_frame_equal(
            got,
            _history(
                {"2024-03": -500},
                {"2024-03": -100},
                {"2024-03": 1},
                {"2024-03": 1},
                months=["2024-03", "2024-04"],
            ),
        )

    def test_orders_are_order_ids_else_purchase_days(self):
        c = account_history(TX, "C").set_index("month")
        assert c.loc["2024-01", "orders"] == 2  # O7 and O8
        assert c.loc["2024-01", "lines"] == 2
        b = account_history(TX, "B").set_index("month")
        assert b.loc["2023-06", "orders"] == 1  # two lines of one order
        no_ids = account_history(TX.drop(columns=["order_id"]), "C").set_index("month")
        assert no_ids.loc["2024-01", "orders"] == 1  # one purchase day

    def test_without_profit_every_month_is_missing(self):
        got = account_history(TX.drop(columns=["profit", "profit_missing"]), "A")
        assert got["profit"].isna().all()
        assert got["profit"].dtype == "Int64"

    def test_unknown_customer(self):
        with pytest.raises(ValueError, match="No lines for customer 'Z'"):
            account_history(TX, "Z")

    def test_does_not_mutate_and_ignores_line_order(self):
        before = TX.copy()
        got = account_history(TX.iloc[::-1], "A")
        pd.testing.assert_frame_equal(TX, before)
        pd.testing.assert_frame_equal(got, account_history(TX, "A"))


class TestAccountSummary:
    # Whole data: C 5,400, B 3,000, A 2,100, D 200, E -500; P = 10,700.
    RANKED = rank_customers(summarize_customers(TX), "revenue")

    def test_hand_worked(self):
        got = account_summary(self.RANKED, "A")
        assert (got.rank, got.customers, got.value, got.revenue) == (3, 5, 2100, 2100)
        assert got.profit == 350  # 300 + 100 - 50 + 0 (missing)
        assert got.share == pytest.approx(2100 / 10700)
        assert got.cum_share == pytest.approx((5400 + 3000 + 2100) / 10700)
        assert got.x == pytest.approx(3 / 5)
        assert (got.first_date, got.last_date) == (
            pd.Timestamp("2023-01-10"),
            pd.Timestamp("2024-02-01"),
        )
        assert (got.purchase_days, got.orders) == (4, 4)

    def test_a_negative_customer_divides_by_the_positive_total(self):
        got = account_summary(self.RANKED, "E")
        assert got.rank == 5
        assert got.share == pytest.approx(-500 / 10700)
        assert got.cum_share == pytest.approx(10200 / 10700)
        assert got.x == 1.0

    def test_by_gross_profit(self):
        ranked = rank_customers(summarize_customers(TX), "profit")
        # Profit: C 1,540, B 700, A 350, D 20, E -100; P = 2,610.
        got = account_summary(ranked, "A", value="profit")
        assert (got.rank, got.value, got.revenue) == (3, 350, 2100)
        assert got.share == pytest.approx(350 / 2610)

    def test_zero_total_has_no_shares(self):
        ranked = rank_customers(summarize_customers(TX[TX["customer_id"] == "E"]), "revenue")
        got = account_summary(ranked, "E")
        assert (got.share, got.cum_share) == (None, None)

    def test_unknown_customer(self):
        with pytest.raises(ValueError, match="No customer 'Z' among the 5 ranked"):
            account_summary(self.RANKED, "Z")

    def test_needs_a_ranked_table(self):
        with pytest.raises(ValueError, match="rank_customers"):
            account_summary(summarize_customers(TX), "A")


def _years(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(YEAR_COLUMNS)).astype(
        {"rank": "Int64", "share": "float64", "tier": "Int64"}
    )


class TestTierByYear:
    # 2023: B 3,000, A 1,300, C 400, D 100; P = 4,800. ABC 80/95: tier of the first cut-off
    # above the share before the customer: B 0 → A; A 3,000 < 3,840 → A; C 4,300 < 4,560 → B;
    # D 4,700 → C.
    # 2024: C 5,000, A 800, D 100, E -500; P = 5,900: C → A; A 5,000 < 5,605 → B; D 5,800 → C.
    def test_abc_by_hand(self):
        got = tier_by_year(TX, "A", Settings())
        want = _years(
            [
                (2023, 4, 1300, 2, Fraction(1300, 4800), 0),
                (2024, 4, 800, 2, Fraction(800, 5900), 1),
            ]
        )
        pd.testing.assert_frame_equal(got, want)

    def test_a_year_absent(self):
        got = tier_by_year(TX, "B", Settings())
        want = _years(
            [(2023, 4, 3000, 1, Fraction(3000, 4800), 0), (2024, 4, 0, pd.NA, np.nan, pd.NA)]
        )
        pd.testing.assert_frame_equal(got, want)

    def test_absolute_thresholds_by_year(self):
        # One threshold of 0.1 currency units = 1,000 minor units: A has 1,300 in 2023 and 800
        # in 2024.
        settings = Settings().with_scheme("absolute", thresholds=[0.1])
        assert tier_by_year(TX, "A", settings)["tier"].tolist() == [0, 1]

    def test_by_gross_profit(self):
        # 2023 profit: B 700, A 350, C 40, D 10 (P 1,100): A before 700 < 880 → A.
        # 2024 profit: C 1,500, D 10, A 0 (missing), E -100 (P 1,510): A before 1,510 → C.
        got = tier_by_year(TX, "A", Settings(basis="profit"))
        assert got["rank"].tolist() == [2, 3]
        assert got["tier"].tolist() == [0, 2]
        assert got["value"].tolist() == [350, 0]

    def test_precomputed_rankings_give_the_same(self):
        settings = Settings(scheme="count", cutoffs=(0.2, 0.5))
        ranked = rank_by_year(TX, "revenue")
        assert sorted(ranked) == [2023, 2024]
        for cid in "ABCDE":
            pd.testing.assert_frame_equal(
                tier_by_year(TX, cid, settings, ranked_by_year=ranked),
                tier_by_year(TX, cid, settings),
            )


_LINE = st.tuples(
    st.sampled_from(["A", "B", "C"]),
    st.dates(
        min_value=pd.Timestamp("2023-11-01").date(), max_value=pd.Timestamp("2024-03-31").date()
    ),
    st.integers(-1_000, 10_000),
)


@given(st.lists(_LINE, min_size=1, max_size=30))
def test_history_adds_up_to_the_customer_table(rows):
    """Month by month, the history of every customer sums to its row of the customer table."""
    tx = _tx([(c, str(d), r, r // 3, f"O{i}") for i, (c, d, r) in enumerate(rows)])
    customers = summarize_customers(tx).set_index("customer_id")
    last = max(d for _, d, _ in rows).strftime("%Y-%m")
    for cid, row in customers.iterrows():
        history = account_history(tx, cid)
        assert history["month"].iloc[-1] == last
        assert history["revenue"].sum() == row["revenue"]
        assert history["profit"].sum() == row["profit"]
        assert history["lines"].sum() == row["lines"]
        assert history["orders"].sum() == row["orders"]  # each order on one line here
        assert history["month"].is_monotonic_increasing and history["month"].is_unique
