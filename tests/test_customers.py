"""Filters and the customer table."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.customers import (
    filter_options,
    filter_transactions,
    headline,
    revenue_by_month,
    search_customers,
    summarize_customers,
)
from kadash.errors import KadashError


def _tx(rows: list[tuple]) -> pd.DataFrame:
    """(line, customer, date, revenue, profit, order, name, region) rows → transactions."""
    line, cid, day, rev, pro, order, name, region = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "line": np.array(line, dtype=np.int64),
            "customer_id": pd.array(cid, dtype="str"),
            "date": np.array(day, dtype="datetime64[s]"),
            "revenue": np.array(rev, dtype=np.int64),
            "profit": np.array(pro, dtype=np.int64),
            "profit_missing": np.array([p == 0 for p in pro]),
            "order_id": pd.array(order, dtype="str"),
            "customer_name": pd.array(name, dtype="str"),
            "region": pd.array(region, dtype="str"),
        }
    )


TX = _tx(
    [
        (2, "00042", "2024-01-05", 1000, 300, "O1", "Old Name", "North"),
        (3, "00042", "2024-01-05", 1000, 300, "O1", "Old Name", "North"),  # identical: kept
        (4, "B7", "2024-02-01", 500, 0, "O2", "Beta", "South"),
        (5, "00042", "2024-03-09", -200, -50, "O3", "New Name", ""),  # return, latest line
        (6, "B7", "2024-02-01", 250, 100, "O4", "", "East"),  # same day, later line
    ]
)


class TestSummarizeCustomers:
    def test_hand_worked(self):
        out = summarize_customers(TX)
        assert out["customer_id"].tolist() == ["00042", "B7"]
        assert out["revenue"].tolist() == [1800, 750]  # returns included, repeats counted
        assert out["gross_revenue"].tolist() == [2000, 750]
        assert out["returns"].tolist() == [-200, 0]
        assert out["profit"].tolist() == [550, 100]
        assert out["lines"].tolist() == [3, 2]
        assert out["orders"].tolist() == [2, 2]
        assert out["purchase_days"].tolist() == [2, 1]
        assert out["profit_missing_lines"].tolist() == [0, 1]
        assert out["first_date"].tolist() == [
            pd.Timestamp("2024-01-05"),
            pd.Timestamp("2024-02-01"),
        ]
        assert out["last_date"].tolist() == [pd.Timestamp("2024-03-09"), pd.Timestamp("2024-02-01")]

    def test_latest_line_attributes(self):
        out = summarize_customers(TX).set_index("customer_id")
        # Latest line by date, then by line number; a blank cell does not erase a value.
        assert out.loc["00042", "customer_name"] == "New Name"
        assert out.loc["00042", "region"] == "North"
        assert out.loc["B7", "customer_name"] == "Beta"
        assert out.loc["B7", "region"] == "East"
        assert out.loc["00042", "label"] == "New Name"

    def test_label_falls_back_to_id(self):
        out = summarize_customers(TX.drop(columns=["customer_name"]))
        assert out["label"].tolist() == ["00042", "B7"]
        assert "customer_name" not in out.columns

    def test_without_profit_or_orders(self):
        out = summarize_customers(TX.drop(columns=["profit", "profit_missing", "order_id"]))
        assert out["profit"].tolist() == [0, 0]
        assert out["orders"].tolist() == out["purchase_days"].tolist()

    def test_ids_stay_text(self):
        assert summarize_customers(TX)["customer_id"].dtype == "str"

    def test_does_not_mutate(self):
        before = TX.copy()
        summarize_customers(TX)
        pd.testing.assert_frame_equal(TX, before)

    @given(st.randoms())
    def test_independent_of_line_order(self, rnd):
        order = list(range(len(TX)))
        rnd.shuffle(order)
        pd.testing.assert_frame_equal(summarize_customers(TX), summarize_customers(TX.iloc[order]))


_LINE = st.tuples(
    st.sampled_from(["A", "B", "C", "D"]),  # customer
    st.integers(0, 6),  # day
    st.sampled_from(["O1", "O2", "O3", "O4", "O5"]),  # order (some shared between customers)
    st.sampled_from(["", "n1", "n2", "n3"]),  # name, blank sometimes
)


def _reference(rows: list[tuple]) -> pd.DataFrame:
    """Orders, purchase days and the latest non-blank name per customer, line by line."""
    out = {}
    for line, (cid, day, order, name) in enumerate(rows, start=1):
        c = out.setdefault(cid, {"orders": set(), "days": set(), "name": (None, "")})
        c["orders"].add(order)
        c["days"].add(day)
        if name and (day, line) > (c["name"][0] or (-1, -1)):
            c["name"] = ((day, line), name)
    ids = sorted(out)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "orders": [len(out[i]["orders"]) for i in ids],
            "purchase_days": [len(out[i]["days"]) for i in ids],
            "customer_name": [out[i]["name"][1] for i in ids],
        }
    )


@pytest.mark.parametrize("by_order", [False, True], ids=["shuffled", "by_order_id"])
@pytest.mark.parametrize("grid", [1 << 26, 0], ids=["grid", "hashed"])
@given(rows=st.lists(_LINE, min_size=1, max_size=40), rnd=st.randoms())
def test_distinct_counts_and_latest_match_a_line_by_line_count(grid, by_order, rows, rnd):
    """Every way of counting distinct orders and days (orders owned by one customer or not;
    sorted by order id or not; a small or a hashed grid), and the latest name, in any row
    order."""
    tx = pd.DataFrame(
        {
            "line": np.arange(1, len(rows) + 1, dtype=np.int64),
            "customer_id": pd.array([r[0] for r in rows], dtype="str"),
            "date": np.array([f"2024-01-0{r[1] + 1}" for r in rows], dtype="datetime64[s]"),
            "revenue": np.ones(len(rows), dtype=np.int64),
            "order_id": pd.array([r[2] for r in rows], dtype="str"),
            "customer_name": pd.array([r[3] for r in rows], dtype="str"),
        }
    )
    order = list(range(len(rows)))
    rnd.shuffle(order)
    if by_order:
        order.sort(key=lambda i: rows[i][2])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kadash.customers._GRID_BYTES", grid)
        got = summarize_customers(tx.iloc[order])
    want = _reference(rows)
    for column in want.columns:
        assert got[column].tolist() == want[column].tolist(), column


class TestFilterTransactions:
    def test_dates_inclusive(self):
        out = filter_transactions(TX, date_from=date(2024, 1, 5), date_to=date(2024, 2, 1))
        assert out["line"].tolist() == [2, 3, 4, 6]

    def test_single_day(self):
        out = filter_transactions(TX, date_from=date(2024, 3, 9), date_to=date(2024, 3, 9))
        assert out["line"].tolist() == [5]

    def test_dimension_filter(self):
        assert filter_transactions(TX, include={"region": ["North", "East"]})["line"].tolist() == [
            2,
            3,
            6,
        ]

    def test_empty_selection_keeps_all(self):
        assert len(filter_transactions(TX, include={"region": []})) == len(TX)

    def test_unknown_field(self):
        with pytest.raises(KadashError, match="industry"):
            filter_transactions(TX, include={"industry": ["Energy"]})

    def test_options(self):
        assert filter_options(TX, "region") == ["", "East", "North", "South"]
        assert filter_options(TX, "industry") == []


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", [True, True]),
            ("0004", [True, False]),
            ("beta", [False, True]),
            ("zz", [False, False]),
        ],
    )
    def test_search(self, query, expected):
        assert search_customers(summarize_customers(TX), query).tolist() == expected


class TestHeadline:
    def test_hand_worked(self):
        h = headline(summarize_customers(TX))
        assert (h.customers, h.lines, h.revenue, h.profit) == (2, 5, 2550, 650)
        assert (h.gross_revenue, h.returns) == (2750, -200)
        assert h.margin == pytest.approx(650 / 2550)
        assert (h.first_date, h.last_date) == (
            pd.Timestamp("2024-01-05"),
            pd.Timestamp("2024-03-09"),
        )
        assert h.days == 65  # 5 January to 9 March 2024, both included

    def test_empty(self):
        h = headline(summarize_customers(TX.iloc[0:0]))
        assert (h.customers, h.revenue, h.days, h.margin) == (0, 0, 0, None)


class TestRevenueByMonth:
    def test_hand_worked(self):
        out = revenue_by_month(TX)
        assert out.to_dict() == {"2024-01": 2000, "2024-02": 750, "2024-03": -200}
        assert out.dtype == np.int64

    def test_empty(self):
        assert revenue_by_month(TX.iloc[0:0]).empty

    @given(st.lists(st.tuples(st.dates(), st.integers(-(10**12), 10**12)), max_size=30))
    def test_matches_a_plain_groupby(self, rows):
        lines = pd.DataFrame(
            {
                "date": np.array([d for d, _ in rows], dtype="datetime64[s]"),
                "revenue": np.array([v for _, v in rows], dtype=np.int64),
            }
        )
        expected: dict[str, int] = {}
        for day, value in sorted(rows):
            key = f"{day.year:04d}-{day.month:02d}"
            expected[key] = expected.get(key, 0) + value
        out = revenue_by_month(lines)
        assert out.to_dict() == expected
        assert out.index.tolist() == sorted(expected)


@given(
    st.lists(
        st.text("0123456789", min_size=1, max_size=8).map(lambda s: "0" + s),
        min_size=1,
        max_size=20,
    )
)
def test_ids_keep_leading_zeros_end_to_end(ids):
    """Numeric-looking ids stay text from the file to the customer table: 007 is not 7."""
    from kadash.load import read_cells
    from kadash.parse import parse_transactions

    text = "customer,date,amount\n" + "".join(f"{i},2024-01-01,1\n" for i in ids)
    parsed = parse_transactions(
        read_cells(text.encode()), {"customer_id": "customer", "date": "date", "revenue": "amount"}
    )
    customers = summarize_customers(parsed.transactions)
    assert sorted(customers["customer_id"]) == sorted(set(ids))
    assert customers.set_index("customer_id")["lines"].to_dict() == {
        i: ids.count(i) for i in set(ids)
    }
