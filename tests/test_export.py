"""The safe CSV writer and the download tables."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.concentration import rank_customers
from kadash.customers import summarize_customers
from kadash.export import (
    customers_table,
    neutralize_formula,
    rejected_table,
    tiers_table,
    to_csv_bytes,
)
from kadash.i18n import translator
from kadash.load import read_cells
from kadash.parse import parse_transactions
from kadash.tiers import assign_tiers, summarize_tiers

T = translator("en")


def _read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


class TestNeutralize:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("a=b", "a=b"),
            ("", ""),
            ("客戶", "客戶"),
        ],
    )
    def test_cells(self, text, expected):
        assert neutralize_formula(text) == expected


class TestToCsvBytes:
    def test_text_neutralised_numbers_untouched(self):
        frame = pd.DataFrame(
            {
                "name": pd.array(['=HYPERLINK("x")', "客戶 A", "-minus"], dtype="str"),
                "obj": pd.Series(["@x", None, Decimal("-12.50")], dtype=object),
                "amount": [-1.5, 2.0, -3.25],
                "count": np.array([-1, 0, 7], dtype=np.int64),
            }
        )
        rows = _read_back(to_csv_bytes(frame))
        assert rows[0] == ["name", "obj", "amount", "count"]
        assert rows[1] == ['\'=HYPERLINK("x")', "'@x", "-1.5", "-1"]
        assert rows[2] == ["客戶 A", "", "2.0", "0"]
        assert rows[3] == ["'-minus", "-12.50", "-3.25", "7"]

    def test_headers_are_kept_and_neutralised(self):
        frame = pd.DataFrame({"金額": [1], "=HYPERLINK(1)": [2]})
        assert _read_back(to_csv_bytes(frame)) == [["金額", "'=HYPERLINK(1)"], ["1", "2"]]

    def test_does_not_mutate(self):
        frame = pd.DataFrame({"a": pd.array(["=1"], dtype="str")})
        to_csv_bytes(frame)
        assert frame.loc[0, "a"] == "=1"

    @given(st.lists(st.text(max_size=8), min_size=1, max_size=10))
    def test_text_round_trips_except_for_the_guard(self, texts):
        frame = pd.DataFrame({"t": pd.array(texts, dtype="str")})
        rows = _read_back(to_csv_bytes(frame))[1:]
        assert [row[0] if row else "" for row in rows] == [neutralize_formula(t) for t in texts]


CSV = (
    "customer,date,amount,profit,name\n"
    "00042,2024-01-05,1234.5678,100,=evil()\n"
    "B7,2024-01-06,99.99,,Beta\n"
    "00042,2024-02-01,-0.01,-0.01,=evil()\n"
    ",2024-02-01,5,1,NoId\n"
)


class TestTables:
    @pytest.fixture
    def parsed(self):
        return parse_transactions(
            read_cells(CSV.encode()),
            {
                "customer_id": "customer",
                "date": "date",
                "revenue": "amount",
                "profit": "profit",
                "customer_name": "name",
            },
        )

    def test_customers_table_is_exact(self, parsed):
        ranked = rank_customers(summarize_customers(parsed.transactions))
        tiers = assign_tiers(ranked["revenue"].to_numpy(), (0.8,))
        rows = _read_back(to_csv_bytes(customers_table(ranked, tiers, ["Key", "Rest"], t=T)))
        assert rows[0][:5] == ["Rank", "Tier", "Customer id", "Customer name", "Revenue"]
        # 1234.5678 − 0.01, exactly; the customer name is guarded, the id keeps its zeros.
        assert rows[1][:6] == ["1", "Key", "00042", "'=evil()", "1234.5578", "99.9900"]
        # B7's only line has no gross profit: empty, not 0, and counted in its own column.
        assert rows[2][:6] == ["2", "Rest", "B7", "Beta", "99.9900", ""]
        assert rows[0][6] == "Lines without gross profit"
        assert [r[6] for r in rows[1:]] == ["0", "1"]

    def test_tiers_table(self, parsed):
        ranked = rank_customers(summarize_customers(parsed.transactions))
        tiers = assign_tiers(ranked["revenue"].to_numpy(), (0.8,))
        table = tiers_table(summarize_tiers(ranked, tiers, ["Key", "Rest"]), t=T)
        assert table["Revenue"].tolist() == [Decimal("1234.5578"), Decimal("99.9900")]
        assert table["Customers"].tolist() == [1, 1]

    def test_rejected_table(self, parsed):
        table = rejected_table(parsed.rejected, t=T)
        assert table.columns[:5].tolist() == ["Line", "Reason", "Reason code", "Column", "Cell"]
        assert table.iloc[0, :5].tolist() == [
            5,
            "Customer id is blank",
            "blank_customer_id",
            "customer",
            "",
        ]
        assert table["name"].tolist() == ["NoId"]  # the original cells follow

    def test_rejected_table_with_clashing_file_columns(self):
        csv_text = "Line,Reason,customer,date,amount\n1,x,,2024-01-01,5\n"
        parsed = parse_transactions(
            read_cells(csv_text.encode()),
            {"customer_id": "customer", "date": "date", "revenue": "amount"},
        )
        table = rejected_table(parsed.rejected, t=T)
        assert table.columns.is_unique
        assert table.columns[6:].tolist() == ["Line ·", "Reason ·", "customer", "date", "amount"]
