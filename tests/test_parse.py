"""Step 2 of loading: cells → typed transactions and rejected lines with one reason each.

Money is worked out by hand in minor units (1 unit = 10,000); the properties check against
Python's :class:`~decimal.Decimal` and :class:`datetime.date`, not against the parser.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.cells import trimmed
from kadash.columns import guess_mapping
from kadash.errors import KadashError
from kadash.load import read_cells
from kadash.parse import (
    REJECT_REASONS,
    ParseResult,
    _sharing_buckets,
    parse_amounts,
    parse_dates,
    parse_transactions,
)
from tests.both_ways import load_both

DATA = Path(__file__).resolve().parent / "data"
MAPPING = {"customer_id": "customer_id", "date": "date", "revenue": "amount"}
MAPPING_ALL = {**MAPPING, "profit": "profit", "region": "region"}
HEADER = "customer_id,date,amount,profit,region\n"


def parse_text(text: str, mapping: dict[str, str] | None = None) -> ParseResult:
    return load_both(text.encode(), mapping or MAPPING_ALL)[1]


def text_array(values: list[str]) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype="str")


def text_column(values: list[str], *, sort: bool = False) -> pd.Categorical:
    """A text field of the transactions: categories are the values used, in order of first
    appearance (customer ids: sorted)."""
    used = sorted(set(values)) if sort else list(dict.fromkeys(values))
    categories = pd.Index(pd.array(used, dtype="str"))
    return pd.Categorical(values, dtype=pd.CategoricalDtype(categories))


def days(values: list[str]) -> np.ndarray:
    return np.array(values, dtype="datetime64[s]")


# ---- parse_amounts -----------------------------------------------------------------------


class TestParseAmounts:
    @pytest.mark.parametrize(
        ("text", "minor", "rounded"),
        [
            ("1234.5", 12_345_000, False),
            ("-0.01", -100, False),
            ("1,234.50", 12_345_000, False),
            ("-1,234,567.8901", -12_345_678_901, False),
            ("+5", 50_000, False),
            (".5", 5_000, False),
            ("5.", 50_000, False),
            (" 12 ", 120_000, False),
            ("0", 0, False),
            ("-0", 0, False),
            ("00042", 420_000, False),
            ("1.5E+3", 15_000_000, False),
            ("2e-4", 2, False),
            ("-1.5e-4", -2, True),
            ("0.00005", 1, True),
            ("-0.00005", -1, True),
            ("0.00004", 0, True),
            ("1.23444", 12_344, True),
            ("1.23445", 12_345, True),
            ("-1.23445", -12_345, True),
            ("1.234449", 12_344, True),
            ("0.99995", 10_000, True),
            ("1.2300", 12_300, False),
            ("1.230000", 12_300, False),
            ("99999999999999", 999_999_999_999_990_000, False),
        ],
        ids=[
            "decimal",
            "negative-cents",
            "grouped",
            "grouped-negative",
            "plus",
            "leading-dot",
            "trailing-dot",
            "spaces",
            "zero",
            "minus-zero",
            "leading-zeros",
            "scientific",
            "scientific-small",
            "scientific-rounded",
            "half-up",
            "half-away-negative",
            "below-half",
            "5th-decimal-down",
            "5th-decimal-half",
            "5th-decimal-half-negative",
            "only-first-extra-digit-decides",
            "carry",
            "trailing-zeros-not-rounded",
            "extra-zeros-not-rounded",
            "14-digits",
        ],
    )
    def test_exact_minor_units(self, text: str, minor: int, rounded: bool) -> None:
        result = parse_amounts([text])
        assert result.minor.dtype == np.int64
        assert result.minor.tolist() == [minor]
        assert result.ok.tolist() == [True]
        assert result.blank.tolist() == [False]
        assert result.rounded.tolist() == [rounded]

    @pytest.mark.parametrize(
        ("text", "blank"),
        [
            ("", True),
            ("   ", True),
            ("\t", True),
            ("abc", False),
            ("12,34,567", False),
            ("1,234,56", False),
            ("1.2.3", False),
            ("NaN", False),
            ("nan", False),
            ("inf", False),
            ("-Infinity", False),
            ("--5", False),
            ("+-5", False),
            ("+", False),
            ("-", False),
            (".", False),
            ("e5", False),
            ("1e", False),
            ("1e999999999", False),
            ("١E+3", False),
            ("100000000000000", False),
        ],
        ids=[
            "empty",
            "spaces",
            "tab",
            "word",
            "bad-grouping",
            "short-last-group",
            "two-dots",
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "double-minus",
            "plus-minus",
            "plus-only",
            "minus-only",
            "dot-only",
            "exponent-only",
            "no-exponent-digits",
            "huge-exponent",
            "arabic-indic-digit",
            "15-digits",
        ],
    )
    def test_unreadable(self, text: str, blank: bool) -> None:
        result = parse_amounts([text])
        assert result.ok.tolist() == [False]
        assert result.blank.tolist() == [blank]
        assert result.minor.tolist() == [0]
        assert result.rounded.tolist() == [False]

    def test_aligned_with_input_of_any_kind(self) -> None:
        values = ["1", "", "x", "2.5", None]
        expected_minor = [10_000, 0, 0, 25_000, 0]
        for given_values in (values, pd.Series(values, dtype="str"), np.array(values, object)):
            result = parse_amounts(given_values)
            assert result.minor.tolist() == expected_minor
            assert result.ok.tolist() == [True, False, False, True, False]
            assert result.blank.tolist() == [False, True, False, False, True]

    def test_empty_input(self) -> None:
        result = parse_amounts([])
        assert result.minor.tolist() == []
        assert result.minor.dtype == np.int64

    @given(
        st.decimals(
            min_value=Decimal("-999999999999.9999"),
            max_value=Decimal("999999999999.9999"),
            places=4,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    def test_up_to_4_places_is_exact(self, x: Decimal) -> None:
        expected = int(x * 10_000)
        for text in (str(x), f"{x:,}"):
            result = parse_amounts([text])
            assert result.ok.tolist() == [True], text
            assert result.minor.tolist() == [expected], text
            assert result.rounded.tolist() == [False], text

    @given(
        st.decimals(
            min_value=Decimal("-999999999"),
            max_value=Decimal("999999999"),
            places=8,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    def test_more_places_round_half_away_from_zero(self, x: Decimal) -> None:
        scaled = x.scaleb(4)
        expected = int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        result = parse_amounts([f"{x:f}"])
        assert result.minor.tolist() == [expected]
        assert result.rounded.tolist() == [scaled != expected]


# ---- parse_dates -------------------------------------------------------------------------


class TestParseDates:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2024-01-05", "2024-01-05"),
            ("2024/1/5", "2024-01-05"),
            ("2024.01.05", "2024-01-05"),
            ("2024-01-05 13:45:00", "2024-01-05"),
            ("2024-01-05T08:00", "2024-01-05"),
            ("2024-12-31 23:59:59.999", "2024-12-31"),
            (" 2024-01-05 ", "2024-01-05"),
            ("2024-02-29", "2024-02-29"),
            ("2000-02-29", "2000-02-29"),
        ],
        ids=[
            "iso",
            "slashes-no-padding",
            "dots",
            "with-time",
            "iso-T",
            "fraction-of-second",
            "spaces",
            "leap-day",
            "leap-century",
        ],
    )
    def test_readable_at_midnight(self, text: str, expected: str) -> None:
        result = parse_dates([text])
        assert result.dates.dtype == np.dtype("datetime64[s]")
        assert result.dates.tolist() == [dt.datetime.fromisoformat(expected)]
        assert result.ok.tolist() == [True]

    @pytest.mark.parametrize(
        "text",
        [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-01-32",
            "2024-01-99",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "24-01-05",
            "20240105",
            "",
            "yesterday",
            "2024-01-05x",
        ],
        ids=[
            "not-leap",
            "not-leap-century",
            "april-31",
            "day-32",
            "day-99",
            "month-13",
            "month-0",
            "day-0",
            "two-digit-year",
            "no-separators",
            "empty",
            "word",
            "trailing-text",
        ],
    )
    def test_unreadable(self, text: str) -> None:
        result = parse_dates([text])
        assert result.ok.tolist() == [False]
        assert np.isnat(result.dates).tolist() == [True]

    @given(st.integers(1000, 9999), st.integers(0, 13), st.integers(0, 40), st.sampled_from("-/."))
    def test_valid_exactly_when_the_calendar_has_the_day(
        self, year: int, month: int, day: int, sep: str
    ) -> None:
        try:
            expected = dt.datetime(year, month, day)
        except ValueError:
            expected = None
        result = parse_dates([f"{year}{sep}{month}{sep}{day}", f"{year}-{month:02}-{day:02}"])
        assert result.ok.tolist() == [expected is not None] * 2
        if expected is not None:
            assert result.dates.tolist() == [expected] * 2


# ---- parse_transactions ------------------------------------------------------------------


class TestParseTransactionsBadLines:
    """``tests/data/bad_lines.csv``: one line per case, expectations written by hand."""

    @pytest.fixture
    def result(self) -> ParseResult:
        raw = read_cells((DATA / "bad_lines.csv").read_bytes())
        return parse_transactions(raw, MAPPING_ALL)

    def test_transactions(self, result: ParseResult) -> None:
        expected = pd.DataFrame(
            {
                "line": np.array([2, 9, 10, 11, 12, 14, 16], dtype=np.int64),
                "customer_id": text_column(
                    ["C001", "C005", "00042", "C006", "C006", "C008", "C010"], sort=True
                ),
                "date": days(
                    [
                        "2024-01-05",
                        "2024-03-02",
                        "2024-03-03",
                        "2024-03-04",
                        "2024-03-04",
                        "2024-03-06",
                        "2024-03-07",
                    ]
                ),
                # C005's profit "n/a" cannot be read: the line keeps its revenue.
                "revenue": np.array([1_005_000, 100_000, 15_000, -30_000, -30_000, 50_000, 10_000]),
                "profit": np.array([200_000, 0, 0, -10_000, -10_000, 10_000, 0]),
                "profit_missing": np.array([False, True, True, False, False, False, False]),
                "region": text_column(["North", "West", "North", "South", "South", "", "East"]),
            }
        )
        pd.testing.assert_frame_equal(result.transactions, expected)
        assert result.duplicates.to_dict("list") == {"line": [12], "value": [11]}

    def test_rejected(self, result: ParseResult) -> None:
        expected = pd.DataFrame(
            {
                "line": np.array([3, 4, 5, 6, 7, 8, 13, 15, 17], dtype=np.int64),
                "reason": text_array(
                    [
                        "blank_customer_id",  # an empty line has a blank customer id
                        "blank_customer_id",
                        "too_many_fields",  # C002's line reads, but its cells are shifted
                        "blank_customer_id",
                        "unreadable_date",
                        "unreadable_amount",
                        "unreadable_amount",
                        "unreadable_date",
                        "blank_customer_id",
                    ]
                ),
                "column": text_array(
                    [
                        "customer_id",
                        "customer_id",
                        "",
                        "customer_id",
                        "date",
                        "amount",
                        "amount",
                        "date",
                        "customer_id",
                    ]
                ),
                "value": text_array(["", "", "", "", "2024-02-30", " abc ", "", "2024-13-01", ""]),
                "extra": text_array(["", "", "EXTRA,MORE", "", "", "", "", "", "x"]),
                "customer_id": text_array(["", "", "C002", "", "C003", "C004", "C007", "C009", ""]),
                "date": text_array(
                    [
                        "",
                        "",
                        "2024-01-06",
                        "yesterday",
                        "2024-02-30",
                        "2024-03-01",
                        "2024-03-05",
                        "2024-13-01",
                        "",
                    ]
                ),
                "amount": text_array(["", "", "50", "75", "75", " abc ", "", "abc", ""]),
                "profit": text_array(["", "", "5", "1", "1", "1", "1", "x", ""]),
                "region": text_array(
                    ["", "", "South", "East", "East", "West", "East", "North", ""]
                ),
            }
        )
        pd.testing.assert_frame_equal(result.rejected, expected)

    def test_counts(self, result: ParseResult) -> None:
        assert result.rows_read == 16
        assert result.rows_accepted == 7
        assert result.rows_rejected == 9
        assert result.rows_read == result.rows_accepted + result.rows_rejected
        assert result.rejected_by_reason == {
            "repeated_header_row": 0,
            "total_row": 0,
            "blank_customer_id": 4,
            "unreadable_date": 2,
            "unreadable_amount": 2,
            "too_many_fields": 1,
        }
        assert list(result.rejected_by_reason) == list(REJECT_REASONS)
        assert result.has_profit
        assert result.missing_profit == 1  # blank
        assert result.unreadable_profit.to_dict("list") == {"line": [9], "value": ["n/a"]}
        assert result.rounded_amounts == 0
        assert result.mapping == MAPPING_ALL
        # Rejected lines whose amount can be read: 50 (line 5) + 75 (line 6) + 75 (line 7).
        assert result.rejected_revenue == 2_000_000

    def test_every_line_accounted_for_once(self, result: ParseResult) -> None:
        accepted = result.transactions["line"].tolist()
        rejected = result.rejected["line"].tolist()
        assert sorted(accepted + rejected) == list(range(2, 18))
        assert result.rejected["reason"].isin(REJECT_REASONS).all()


class TestParseTransactionsReasons:
    @pytest.mark.parametrize(
        ("line", "reason", "column", "value"),
        [
            (",,,,,x", "blank_customer_id", "customer_id", ""),
            ("  ,yesterday,abc,abc,N", "blank_customer_id", "customer_id", "  "),
            ("C1,2024-02-30,abc,abc,N", "unreadable_date", "date", "2024-02-30"),
            ("C1,2024-02-28,abc,abc,N", "unreadable_amount", "amount", "abc"),
            ("C1,2024-02-28,,abc,N", "unreadable_amount", "amount", ""),
        ],
        ids=[
            "only-extra-cell",
            "blank-id-beats-date",
            "date-beats-amount-and-profit",
            "amount-beats-profit",
            "blank-amount",
        ],
    )
    def test_first_reason_wins(self, line: str, reason: str, column: str, value: str) -> None:
        result = parse_text(HEADER + line + "\n")
        assert result.transactions.empty
        front = result.rejected[["line", "reason", "column", "value"]]
        expected = pd.DataFrame(
            {
                "line": np.array([2], dtype=np.int64),
                "reason": text_array([reason]),
                "column": text_array([column]),
                "value": text_array([value]),
            }
        )
        pd.testing.assert_frame_equal(front, expected)
        assert sum(result.rejected_by_reason.values()) == 1
        assert result.rejected_by_reason[reason] == 1

    def test_blank_lines_between_rows_are_rejected_at_the_end_ignored(self) -> None:
        result = parse_text(HEADER + " , , , , \n\nC1,2024-02-28,1,1,N\n , , , , \n\n")
        assert result.rows_read == 3
        assert result.rejected["line"].tolist() == [2, 3]
        assert result.rejected_by_reason["blank_customer_id"] == 2
        assert result.transactions["line"].tolist() == [4]

    def test_unreadable_profit_keeps_the_line(self) -> None:
        result = parse_text(HEADER + "C1,2024-02-28,1.5,abc,N\n")
        assert result.rows_rejected == 0
        assert result.transactions["revenue"].tolist() == [15_000]
        assert result.transactions["profit_missing"].tolist() == [True]
        assert result.unreadable_profit.to_dict("list") == {"line": [2], "value": ["abc"]}
        assert result.missing_profit == 0

    def test_blank_profit_is_missing_not_rejected(self) -> None:
        result = parse_text(HEADER + "C1,2024-01-01,5,,N\nC1,2024-01-02,5, ,N\n")
        assert result.rows_rejected == 0
        assert result.transactions["profit"].tolist() == [0, 0]
        assert result.transactions["profit_missing"].tolist() == [True, True]
        assert result.missing_profit == 2

    def test_profit_not_checked_when_not_mapped(self) -> None:
        result = parse_text(HEADER + "C1,2024-01-01,5,abc,N\n", MAPPING)
        assert result.rows_rejected == 0
        assert not result.has_profit
        assert result.missing_profit == 0
        assert list(result.transactions.columns) == ["line", "customer_id", "date", "revenue"]
        assert result.rejected_by_reason == dict.fromkeys(REJECT_REASONS, 0)


class TestParseTransactionsValues:
    def test_customer_ids_keep_zeros_and_lose_spaces(self) -> None:
        result = parse_text(HEADER + "  00042 ,2024-01-01,1,1,N\n007,2024-01-01,1,1,N\n")
        assert result.transactions["customer_id"].tolist() == ["00042", "007"]

    def test_identical_lines_are_both_kept(self) -> None:
        row = "C1,2024-01-01,2.5,1,N\n"
        result = parse_text(HEADER + row + row + row)
        assert result.transactions["line"].tolist() == [2, 3, 4]
        assert result.transactions["revenue"].tolist() == [25_000] * 3

    def test_rounded_amounts_counted_on_accepted_lines(self) -> None:
        text = HEADER + (
            "C1,2024-01-01,1.00005,0.00001,N\n"  # both rounded
            "C2,2024-01-01,2.5,1,N\n"
            ",2024-01-01,3.000001,1,N\n"  # rejected: not counted
        )
        result = parse_text(text)
        assert result.transactions["revenue"].tolist() == [10_001, 25_000]
        assert result.transactions["profit"].tolist() == [0, 10_000]
        assert result.rounded_amounts == 2

    @pytest.mark.parametrize(
        ("mapping", "extra"),
        [
            (MAPPING, []),
            ({**MAPPING, "region": "region"}, ["region"]),
            ({**MAPPING, "region": "region", "profit": None, "sales_rep": ""}, ["region"]),
            (
                {**MAPPING, "product_line": "note", "order_id": "region", "profit": "profit"},
                ["profit", "profit_missing", "order_id", "product_line"],
            ),
        ],
        ids=["required-only", "region", "unset-fields-ignored", "fields-order"],
    )
    def test_optional_columns_only_when_mapped(self, mapping, extra: list[str]) -> None:
        text = "customer_id,date,amount,profit,region,note\nC1,2024-01-01,1,1, N ,x\n"
        result = parse_text(text, mapping)
        assert list(result.transactions.columns) == [
            "line",
            "customer_id",
            "date",
            "revenue",
            *extra,
        ]
        if "region" in mapping and mapping["region"] == "region":
            assert result.transactions["region"].tolist() == ["N"]

    def test_traditional_chinese_file_end_to_end(self) -> None:
        raw = read_cells((DATA / "traditional_chinese_tab.csv").read_bytes())
        mapping = guess_mapping(raw.header)
        assert mapping == {
            "customer_id": "客戶編號",
            "date": "日期",
            "revenue": "金額",
            "profit": "毛利",
            "customer_name": "客戶名稱",
            "region": "區域",
            "sales_rep": "業務員",
        }
        expected = pd.DataFrame(
            {
                "line": np.array([2, 3], dtype=np.int64),
                "customer_id": text_column(["00042", "A7"], sort=True),
                "date": days(["2024-01-05", "2024-02-29"]),
                "revenue": np.array([12_345_000, -100_000]),
                "profit": np.array([2_000_000, 0]),
                "profit_missing": np.array([False, True]),
                "customer_name": text_column(["甲公司", "乙公司"]),
                "region": text_column(["北區", "南區"]),
                "sales_rep": text_column(["王小明", "陳大華"]),
            }
        )
        pd.testing.assert_frame_equal(parse_transactions(raw, mapping).transactions, expected)

    def test_original_column_names_that_clash(self) -> None:
        text = "id,date,value,reason\nC1,bad,1,x\n"
        mapping = {"customer_id": "id", "date": "date", "revenue": "value"}
        rejected = parse_text(text, mapping).rejected
        assert list(rejected.columns) == [
            "line",
            "reason",
            "column",
            "value",
            "extra",
            "id",
            "date",
            "value ",
            "reason ",
        ]
        ours, originals = [2, "unreadable_date", "date", "bad", ""], ["C1", "bad", "1", "x"]
        assert rejected.iloc[0].tolist() == [*ours, *originals]

    def test_header_only(self) -> None:
        result = parse_text(HEADER)
        assert result.rows_read == 0
        assert result.transactions.empty and result.rejected.empty
        assert result.rejected_by_reason == dict.fromkeys(REJECT_REASONS, 0)


class TestParseTransactionsErrors:
    @pytest.mark.parametrize(
        ("column", "n", "raises"),
        [("amount", 4, False), ("amount", 5, True), ("profit", 5, True)],
        ids=["4-rows-fit", "revenue-too-large", "profit-too-large"],
    )
    def test_amounts_too_large_to_sum(self, column: str, n: int, raises: bool) -> None:
        # 99,999,999,999,999 is 10^18 - 10^4 minor units; 5 of them pass int64_max / 2 ≈ 4.6e18.
        big, small = "99999999999999", "1"
        row = f"C1,2024-01-01,{big if column == 'amount' else small},"
        row += f"{big if column == 'profit' else small},N\n"
        raw = read_cells((HEADER + row * n).encode())
        if not raises:
            result = parse_transactions(raw, MAPPING_ALL)
            assert result.transactions["revenue"].sum() == n * 999_999_999_999_990_000
            return
        with pytest.raises(KadashError, match=f"'{column}' are too large") as info:
            parse_transactions(raw, MAPPING_ALL)
        assert info.value.key == "error.amounts_too_large"

    def test_invalid_mapping(self) -> None:
        raw = read_cells(HEADER.encode())
        with pytest.raises(KadashError, match="No column chosen for: date") as info:
            parse_transactions(raw, {"customer_id": "customer_id", "revenue": "amount"})
        assert info.value.key == "error.mapping_missing"


def test_total_word_on_a_line_without_date_is_a_total_row():
    """A total line may keep an id-like code in the first column; without a date it is a total."""
    text = (
        "customer,name,date,amount\nC1,Acme,2024-01-05,10\n00008,合計,,10\nC2,Total,2024-01-06,5\n"
    )
    result = parse_text(text, {"customer_id": "customer", "date": "date", "revenue": "amount"})
    assert result.rejected[["line", "reason"]].to_dict("list") == {
        "line": [3],
        "reason": ["total_row"],
    }
    # A customer called "Total", with an id and a date, keeps its line.
    assert result.transactions["customer_id"].tolist() == ["C1", "C2"]


def test_rejected_revenue_includes_total_and_repeated_header_lines():
    text = (
        "customer,date,amount\n"
        'C1,2024-01-05,"1,500.50"\n'
        "customer,date,amount\n"
        'C2,2024-02-05,"1,899.75"\n'
        'Total,,"3,400.25"\n'
    )
    result = parse_text(text, {"customer_id": "customer", "date": "date", "revenue": "amount"})
    assert result.rejected_by_reason["total_row"] == 1
    assert result.rejected_by_reason["repeated_header_row"] == 1
    assert result.accepted_revenue == 34_002_500
    assert result.rejected_revenue == 34_002_500  # the total line's own amount


def test_unquoted_thousands_separator_rejects_the_line():
    """'￥1,234.00' unquoted in a comma file splits into two cells: never read as ¥1."""
    text = "客户,日期,金额,区域\nA1,2024-01-05,66,华北\nB1,2024-01-05,￥1,234.00,华东\n"
    result = parse_text(text, {"customer_id": "客户", "date": "日期", "revenue": "金额"})
    assert result.transactions["customer_id"].tolist() == ["A1"]
    assert result.rejected[["line", "reason", "extra"]].to_dict("list") == {
        "line": [3],
        "reason": ["too_many_fields"],
        "extra": ["华东"],
    }


@given(
    st.lists(st.integers(0, 2**64 - 1), max_size=300),
    st.lists(st.integers(0, 10**6), max_size=50),
    st.sampled_from([0, 16, 40]),
)
def test_sharing_buckets_keeps_every_repeated_hash(unique, repeated, shift):
    """Every position whose hash occurs twice or more survives the bucket rounds, whatever
    bits the hashes differ in."""
    values = [v << shift & (2**64 - 1) for v in repeated]
    hashes = np.array(unique + values + values[::2], dtype=np.uint64)
    kept = set(_sharing_buckets(hashes).tolist())
    counts = pd.Series(hashes).value_counts()
    must = {i for i, h in enumerate(hashes.tolist()) if counts[h] > 1}
    assert must <= kept


@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                [*"aZ09-_.", " ", "\t", "\u00a0", "\u3000", "\u2003", "\u0085", "客", "é"]
            ),
            max_size=6,
        ),
        max_size=20,
    ),
    st.integers(1, 3),
)
def test_trimmed_equals_arrows_trim(cells, chunks):
    """The shortcut that skips trimming never skips a cell that has something to trim."""
    size = max(1, len(cells) // chunks)
    parts = [cells[i : i + size] for i in range(0, len(cells), size)] or [[]]
    text = pa.chunked_array([pa.array(p, pa.string()) for p in parts], pa.string())
    assert trimmed(text).to_pylist() == pc.utf8_trim_whitespace(text).to_pylist()


@pytest.mark.parametrize("space", [" ", "\t", "\r", "\u00a0", "\u0085", "\u1680", "\u2003",
                                   "\u202f", "\u205f", "\u3000"])  # fmt: skip
@pytest.mark.parametrize("where", ["start", "end"])
def test_trimmed_sees_every_space_at_either_end(space, where):
    cell = space + "A1" if where == "start" else "A1" + space
    assert trimmed(pa.chunked_array([pa.array(["B2", cell])])).to_pylist() == ["B2", "A1"]
