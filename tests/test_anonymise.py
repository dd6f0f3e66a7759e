"""Anonymous customers: stable codes by revenue rank, in accepted and rejected lines."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.anonymise import anonymise, customer_codes
from kadash.ingest import load_transactions
from tests.conftest import SAMPLE

CSV = b"""\
Customer,Customer Name,Date,Amount,Contact
B7,Beta Ltd,2024-01-02,100,Ann
A1,Alpha Ltd,2024-01-03,300,Bob
C3,Gamma Ltd,2024-01-04,100,Cy
B7,Beta Ltd,2024-01-05,150,Ann
,Nobody,2024-01-06,5,Dee
Z9,Zeta Ltd,2024-13-01,7,Eve
A1,Alpha Ltd,2024-01-07,abc,Bob
"""


@pytest.fixture(scope="module")
def parsed():
    return load_transactions(CSV).parsed


class TestCodes:
    def test_rank_by_revenue_then_id(self, parsed):
        # A1 300, B7 250, C3 100
        codes = customer_codes(parsed.transactions)
        assert codes.to_dict() == {"A1": "C-0001", "B7": "C-0002", "C3": "C-0003"}

    def test_ties_are_broken_by_id(self):
        tx = pd.DataFrame({"customer_id": ["b", "a", "c"], "revenue": [5, 5, 9]})
        assert customer_codes(tx).to_dict() == {"c": "C-0001", "a": "C-0002", "b": "C-0003"}

    def test_width_grows_with_the_customers(self):
        tx = pd.DataFrame({"customer_id": [f"x{i}" for i in range(12_345)], "revenue": 1})
        codes = customer_codes(tx)
        assert codes.iloc[0] == "C-00001" and codes.iloc[-1] == "C-12345"


class TestAnonymise:
    def test_accepted_lines(self, parsed):
        tx = anonymise(parsed).transactions
        assert tx["customer_id"].astype(str).tolist() == [
            "C-0002", "C-0001", "C-0003", "C-0002"
        ]  # fmt: skip
        assert tx["customer_name"].astype(str).tolist() == tx["customer_id"].astype(str).tolist()
        assert tx["revenue"].tolist() == parsed.transactions["revenue"].tolist()
        assert isinstance(tx["customer_id"].dtype, pd.CategoricalDtype)

    def test_rejected_lines_keep_reasons_and_lose_names(self, parsed):
        before, after = parsed.rejected, anonymise(parsed).rejected
        assert after["line"].tolist() == before["line"].tolist()
        assert after["reason"].tolist() == before["reason"].tolist()
        by_line = dict(zip(after["line"], after["Customer"], strict=True))
        # the blank id stays blank (it is the reason), an id no accepted line has is "?",
        # a known id gets its code
        assert by_line == {6: "", 7: "?", 8: "C-0001"}
        assert set(after["Customer Name"]) == {"", "?", "C-0001"}
        assert "Contact" not in after.columns and "Contact" in before.columns  # not mapped
        cells = set(after.astype(str).to_numpy().ravel())
        assert not {"Nobody", "Zeta Ltd", "Alpha Ltd", "Z9", "Dee", "Eve"} & cells
        assert after["Amount"].tolist() == ["5", "7", "abc"]  # what to fix stays visible

    def test_input_is_not_changed(self, parsed):
        ids = parsed.transactions["customer_id"].astype(str).tolist()
        anonymise(parsed)
        assert parsed.transactions["customer_id"].astype(str).tolist() == ids

    def test_sample_totals_follow_the_codes(self):
        parsed = load_transactions(SAMPLE).parsed
        coded = anonymise(parsed).transactions
        raw = pd.read_csv(SAMPLE, dtype={"customer_id": str})
        cents = (raw["revenue"] * 100).round().astype("int64") * 100  # minor units (0.0001)
        totals = cents.groupby(raw["customer_id"]).sum().sort_values(ascending=False)
        coded_totals = coded.groupby("customer_id", observed=True)["revenue"].sum()
        assert coded_totals["C-0001"] == totals.iloc[0]
        assert len(coded_totals) == raw["customer_id"].nunique()
        assert not set(raw["customer_name"]) & set(coded["customer_name"].astype(str))


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(-50, 500)), min_size=1))
def test_codes_are_a_bijection_that_keeps_totals(rows):
    tx = pd.DataFrame(rows, columns=["customer_id", "revenue"])
    codes = customer_codes(tx)
    assert codes.is_unique and set(codes.index) == set(tx["customer_id"])
    totals = tx.groupby("customer_id")["revenue"].sum()
    ranked = totals.loc[codes.index].to_numpy()
    assert all(ranked[i] >= ranked[i + 1] for i in range(len(ranked) - 1))  # C-0001 largest
