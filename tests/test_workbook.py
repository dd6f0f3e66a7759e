"""The Excel workbook: written with XlsxWriter, read back with openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from kadash.i18n import translator
from kadash.ingest import load_transactions
from kadash.policy import PolicyRow
from kadash.report import Analysis, analyse
from kadash.settings import Settings
from kadash.workbook import (
    MAX_COLUMN_WIDTH,
    Sheet,
    excel_sheet_name,
    policy_table,
    settings_table,
    tier_workbook,
    workbook_bytes,
)

T = translator("en")

#: Text a spreadsheet could take for a formula, a number or a link: it must stay this text.
INJECTIONS = {
    "formula": "=1+2",
    "minus": "-5",
    "plus": "+1",
    "at": "@SUM(A1)",
    "tab": "\t=x",
    "hyperlink": '=HYPERLINK("http://x")',
    "url": "http://example.com",
    "leading_zeros": "00042",
    "number_text": "1234.50",
    "date_text": "2024-01-05",
    "cjk": "客戶 =A1",
}

# Line 1 is the header. Customer 00042 has two lines (one without gross profit); lines 9 and
# 10 are rejected (blank customer id, unreadable date).
CSV = (
    b"customer,date,amount,gross profit,customer name,region\n"
    b"00042,2024-01-05,1000.10,100.01,=1+2,North\n"
    b"00042,2024-02-05,234.5678,,=1+2,North\n"
    b"B7,2024-01-06,500.25,50,-5,South\n"
    b"C3,2024-03-01,300,30,+1,North\n"
    b"D4,2024-03-02,100,10,@SUM(A1),South\n"
    b'E5,2024-03-03,50,5,"=HYPERLINK(""http://x"")",North\n'
    b"F6,2024-03-04,25,2.5,http://example.com,South\n"
    b',2024-01-07,3,1,"\t=x",North\n'
    b"G7,notadate,4,1,-5,North\n"
)

SHEETS_EN = ["Customers", "Tiers", "Policy", "Settings", "Rejected lines"]


def _analysis(csv: bytes = CSV, settings: Settings | None = None) -> Analysis:
    return analyse(load_transactions(csv), settings or Settings(), T)


def _book(data: bytes) -> openpyxl.Workbook:
    assert data[:2] == b"PK"  # a zip: an .xlsx file
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _column(ws, header: str, header_row: int = 1) -> list:
    """The cells under ``header``."""
    names = [c.value for c in ws[header_row]]
    j = names.index(header) + 1
    return [ws.cell(row=i, column=j) for i in range(header_row + 1, ws.max_row + 1)]


def _widths(ws) -> dict[int, float]:
    """Column index (1-based) → width; openpyxl groups equal neighbours into one range."""
    out = {}
    for dim in ws.column_dimensions.values():
        if dim.width:
            for i in range(dim.min, dim.max + 1):
                out[i] = dim.width
    return out


def _no_formulas(book: openpyxl.Workbook) -> None:
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


# -- sheet names --------------------------------------------------------------------------
class TestExcelSheetName:
    @pytest.mark.parametrize(
        ("name", "taken", "expected"),
        [
            ("Customers", (), "Customers"),
            ("x" * 40, (), "x" * 31),
            ("a[b]:c*d?e/f\\g", (), "a_b__c_d_e_f_g"),
            ("'quoted'", (), "quoted"),
            ("", (), "Sheet"),
            ("   ", (), "Sheet"),
            ("History", (), "History_"),
            ("history", (), "history_"),
            ("Customers", ("customers",), "Customers (2)"),
            ("Customers", ("Customers", "Customers (2)"), "Customers (3)"),
            ("y" * 40, ("y" * 31,), "y" * 27 + " (2)"),
            ("客戶" * 20, (), "客戶" * 15 + "客"),
            ("😀" * 20, (), "😀" * 15),
            ("tab\there", (), "tab_here"),
        ],
        ids=[
            "plain",
            "too-long",
            "forbidden-chars",
            "apostrophes",
            "empty",
            "blank",
            "reserved",
            "reserved-any-case",
            "taken-any-case",
            "taken-twice",
            "taken-and-long",
            "cjk-long",
            "astral-counts-two",
            "control-char",
        ],
    )
    def test_names(self, name, taken, expected):
        assert excel_sheet_name(name, taken) == expected

    @pytest.mark.parametrize(
        "name",
        ["a" * 31, "[x]", "'", "History", "😀" * 16, "a/" * 20],
        ids=["limit", "brackets", "only-apostrophe", "reserved", "astral", "long-forbidden"],
    )
    def test_excel_accepts_it(self, name):
        book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        book.add_worksheet(excel_sheet_name(name))  # raises on an invalid name
        book.close()

    def test_workbook_makes_names_valid_and_unique(self):
        frame = pd.DataFrame({"a": [1]})
        data = workbook_bytes([Sheet("Q1/Q2", frame), Sheet("q1_q2", frame), Sheet("", frame)])
        assert _book(data).sheetnames == ["Q1_Q2", "q1_q2 (2)", "Sheet"]


# -- the writer ---------------------------------------------------------------------------
class TestWorkbookBytes:
    @pytest.mark.parametrize("text", list(INJECTIONS.values()), ids=list(INJECTIONS))
    def test_text_stays_text(self, text):
        # In a column marked text, in an unmarked one, and as a header.
        frame = pd.DataFrame(
            {"marked": pd.array([text], dtype="str"), "plain": pd.Series([text], dtype=object)}
        )
        frame[text] = [1]
        ws = _book(workbook_bytes([Sheet("s", frame, text=["marked"])]))["s"]
        for cell in (ws["A2"], ws["B2"], ws["C1"]):
            assert cell.data_type == "s"
            assert cell.value == text

    def test_no_formula_cells(self):
        frame = pd.DataFrame({k: [v] for k, v in INJECTIONS.items()})
        book = _book(workbook_bytes([Sheet("s", frame)]))
        _no_formulas(book)
        assert _rows(book["s"])[1] == list(INJECTIONS.values())

    def test_money_percent_integer(self):
        frame = pd.DataFrame(
            {
                "money": pd.Series([Decimal("1234.5678"), Decimal("-0.0001"), None], dtype=object),
                "share": [0.8, 0.125, np.nan],
                "count": np.array([1_000_000, 0, -3], dtype=np.int64),
                "plain": [1.5, 2, 3],
            }
        )
        sheet = Sheet("s", frame, money=["money"], percent=["share"], integer=["count"])
        ws = _book(workbook_bytes([sheet]))["s"]
        money = [c.value for c in _column(ws, "money")]
        assert money == [float(Decimal("1234.5678")), float(Decimal("-0.0001")), None]
        assert all(c.data_type == "n" for c in _column(ws, "money")[:2])
        assert {c.number_format for c in _column(ws, "money")[:2]} == {"#,##0.00"}
        assert [c.value for c in _column(ws, "share")] == [0.8, 0.125, None]
        assert _column(ws, "share")[0].number_format == "0.0%"
        assert [c.value for c in _column(ws, "count")] == [1_000_000, 0, -3]
        assert _column(ws, "count")[0].number_format == "#,##0"
        assert _column(ws, "plain")[0].number_format == "General"

    def test_missing_values_are_empty_cells(self):
        frame = pd.DataFrame(
            {
                "obj": pd.Series([None, np.nan, pd.NA, pd.NaT, float("inf")], dtype=object),
                "text": pd.array([None, "a", None, "b", None], dtype="str"),
            }
        )
        ws = _book(workbook_bytes([Sheet("s", frame, text=["text"])]))["s"]
        cells = [list(r) for r in ws.iter_rows(min_row=2, max_row=6, values_only=True)]
        assert cells == [[None, None], [None, "a"], [None, None], [None, "b"], [None, None]]

    def test_dates_are_dates(self):
        frame = pd.DataFrame(
            {
                "when": pd.Series(
                    [date(2024, 1, 5), pd.Timestamp("2024-02-29"), datetime(2024, 3, 1, 9, 30)],
                    dtype=object,
                ),
                "typed": pd.to_datetime(["2024-01-05", None, "2023-12-31"]).as_unit("ns"),
                "zoned": pd.to_datetime(["2024-01-05 08:00"] * 3).tz_localize("Asia/Taipei"),
            }
        )
        ws = _book(workbook_bytes([Sheet("s", frame)]))["s"]
        when = _column(ws, "when")
        assert [c.value for c in when] == [
            datetime(2024, 1, 5),
            datetime(2024, 2, 29),
            datetime(2024, 3, 1, 9, 30),
        ]
        assert all(c.is_date for c in when)
        assert [c.number_format for c in when] == ["yyyy-mm-dd"] * 2 + ["yyyy-mm-dd hh:mm"]
        assert [c.value for c in _column(ws, "typed")] == [
            datetime(2024, 1, 5),
            None,
            datetime(2023, 12, 31),
        ]
        assert _column(ws, "zoned")[0].value == datetime(2024, 1, 5, 8)  # wall-clock time

    def test_header_frozen_filtered_and_styled(self):
        frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
        ws = _book(workbook_bytes([Sheet("s", frame)]))["s"]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == "A1:B3"
        assert ws["A1"].font.b and ws["B1"].font.b
        assert ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
        assert not ws["A2"].font.b

    def test_title_above_the_header(self):
        frame = pd.DataFrame({"a": [1]})
        ws = _book(workbook_bytes([Sheet("s", frame, title="=Tiers 2024")]))["s"]
        assert ws["A1"].value == "=Tiers 2024" and ws["A1"].data_type == "s"
        assert ws["A1"].font.b
        assert ws["A2"].value == "a" and ws["A3"].value == 1
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == "A2:A3"

    def test_empty_frame_keeps_its_header(self):
        frame = pd.DataFrame({"a": pd.array([], dtype="str"), "b": []})
        ws = _book(workbook_bytes([Sheet("s", frame, text=["a"])]))["s"]
        assert _rows(ws) == [["a", "b"]]
        assert ws.auto_filter.ref == "A1:B1"

    def test_widths_fit_content(self):
        frame = pd.DataFrame(
            {
                "a": ["abcd"],
                "b": ["客戶客戶"],  # four wide characters: as wide as eight Latin ones
                "c": ["abcdefgh"],
                "d": ["x" * 500],
                "e": [Decimal("1234567.89")],
            }
        )
        ws = _book(workbook_bytes([Sheet("s", frame, money=["e"])]))["s"]
        widths = _widths(ws)
        assert set(widths) == {1, 2, 3, 4, 5}
        assert widths[1] < widths[2] == widths[3]
        assert widths[4] == pytest.approx(MAX_COLUMN_WIDTH, abs=1)
        assert widths[5] >= len("1,234,567.89")

    def test_does_not_mutate(self):
        frame = pd.DataFrame({"a": pd.array(["=1"], dtype="str"), "b": [Decimal("1.5")]})
        before = frame.copy()
        workbook_bytes([Sheet("s", frame, money=["b"])])
        pd.testing.assert_frame_equal(frame, before)

    def test_errors(self):
        frame = pd.DataFrame({"a": [1]})
        with pytest.raises(ValueError, match="at least one sheet"):
            workbook_bytes([])
        with pytest.raises(ValueError, match=r"money columns it does not have: 'b'"):
            workbook_bytes([Sheet("s", frame, money=["b"])])
        with pytest.raises(ValueError, match="two formats: money and percent"):
            workbook_bytes([Sheet("s", frame, money=["a"], percent=["a"])])

    def test_too_many_rows(self, monkeypatch):
        monkeypatch.setattr("kadash.workbook.EXCEL_MAX_ROWS", 4)
        frame = pd.DataFrame({"a": [1, 2, 3]})
        assert _rows(_book(workbook_bytes([Sheet("s", frame)]))["s"]) == [["a"], [1], [2], [3]]
        with pytest.raises(ValueError, match="3 rows; an Excel sheet holds at most 2 under"):
            workbook_bytes([Sheet("s", frame, title="Title")])


# -- tables -------------------------------------------------------------------------------
class TestPolicyTable:
    def test_columns_and_cadence_names(self):
        rows = [
            PolicyRow("Group VP", "=consulting", "monthly", "-call first"),
            PolicyRow("KAM", "Standard", "yearly"),
        ]
        table = policy_table(rows, ["A", "B"], t=T)
        expected = pd.DataFrame(
            {
                T("col.tier_id"): ["t1", "t2"],
                T("col.tier"): ["A", "B"],
                T("policy.col_owner"): ["Group VP", "KAM"],
                T("policy.col_service"): ["=consulting", "Standard"],
                T("policy.col_cadence"): [T("cadence.monthly"), T("cadence.yearly")],
                T("policy.col_notes"): ["-call first", ""],
            },
            dtype="str",
        )
        pd.testing.assert_frame_equal(table, expected)

    def test_names_must_match_rows(self):
        with pytest.raises(ValueError, match="2 rows but 3 tier names"):
            policy_table([PolicyRow("a", "b", "monthly")] * 2, ["A", "B", "C"], t=T)


class TestSettingsTable:
    def _as_dict(self, table: pd.DataFrame) -> dict[str, object]:
        assert list(table.columns) == [T("workbook.col.setting"), T("workbook.col.value")]
        return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))

    def test_defaults(self):
        rows = self._as_dict(settings_table(Settings(), t=T))
        assert rows == {
            "Standard": "ABC",
            "Measure": "Revenue",
            "Cut-offs (cumulative share of revenue)": "80% / 95%",
            "Tier names": "A / B / C",
            "Date range": "All dates",
            "Filters": "None: every line counts",
            T("capacity.limit"): 10,
        }

    def test_count_scheme_names_dates_and_filters(self):
        settings = Settings(
            basis="profit",
            scheme="count",
            cutoffs=(0.2, 0.975),
            names=("Key", "", "Rest"),
            date_from=date(2024, 1, 1),
            filters=(("region", ("North", "=South")),),
            top_accounts=7,
        )
        rows = self._as_dict(settings_table(settings, t=T))
        assert rows["Measure"] == "Gross profit"
        assert rows["Cut-offs (share of customers)"] == "20% / 97.5%"
        assert rows["Tier names"] == "Key / Middle / Rest"  # an empty name is the default one
        assert rows["Date range"] == "2024-01-01 → …"
        assert rows["Filter: Region"] == "North, =South"
        assert "Filters" not in rows
        assert rows[T("capacity.limit")] == 7

    def test_absolute_thresholds_as_amounts(self):
        settings = Settings(scheme="absolute", thresholds=(1_000_000, 2500.5))
        rows = self._as_dict(settings_table(settings, t=T))
        assert rows["Standard"] == T("scheme.absolute")
        assert rows["Thresholds (amount of revenue, top tier first)"] == "1,000,000 / 2,500.50"

    def test_computed(self):
        rows = self._as_dict(settings_table(Settings(scheme="computed"), t=T))
        assert rows["Cut-offs (cumulative share of revenue)"] == "Found in the data"

    def test_facts_follow_in_order(self):
        facts = {
            "source": "=sales.csv",
            "encoding": "cp950",
            "format": "csv",
            "sheet": None,
            "rows_rejected": 0,
            "custom": "x",
        }
        table = settings_table(Settings(), t=T, facts=facts)
        assert [list(r) for r in table.tail(5).itertuples(index=False)] == [
            ["Source file", "=sales.csv"],
            ["Encoding", "Big5 (Traditional Chinese)"],
            ["Format", "CSV"],
            ["Rejected", 0],
            ["custom", "x"],
        ]

    def test_no_clock_unless_given(self):
        table = settings_table(Settings(), t=T)
        assert "Generated" not in set(table.iloc[:, 0])


# -- the analysis workbook ----------------------------------------------------------------
@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    """The workbook of :data:`CSV` under the default settings."""
    return _book(tier_workbook(_analysis(), t=T, generated="2024-06-30 12:00"))


class TestTierWorkbook:
    def test_sheets(self, book):
        assert book.sheetnames == SHEETS_EN

    @pytest.mark.parametrize(
        ("lang", "names"),
        [
            ("zh-Hant", ["客戶", "分級", "分級政策", "設定", "未採用的資料列"]),
            ("zh-Hans", ["客户", "分级", "分级政策", "设置", "未采用的数据行"]),
        ],
        ids=["traditional", "simplified"],
    )
    def test_chinese_sheet_names(self, lang, names):
        t = translator(lang)
        book = _book(tier_workbook(analyse(load_transactions(CSV), Settings(), t), t=t))
        assert book.sheetnames == names
        policy = book[names[2]]
        assert policy["C1"].value == t("policy.col_owner")
        assert policy["E2"].value == t("cadence.monthly")

    def test_no_formula_cells_anywhere(self, book):
        _no_formulas(book)

    def test_customers(self, book):
        ws = book["Customers"]
        ids = _column(ws, "Customer id")
        assert [c.value for c in ids] == ["00042", "B7", "C3", "D4", "E5", "F6"]
        assert all(c.data_type == "s" for c in ids)
        names = _column(ws, "Customer name")
        expected = ["=1+2", "-5", "+1", "@SUM(A1)", '=HYPERLINK("http://x")', "http://example.com"]
        assert [c.value for c in names] == expected
        assert all(c.data_type == "s" for c in names)
        assert [c.value for c in _column(ws, "Tier")] == ["A", "A", "A", "B", "C", "C"]
        assert [c.value for c in _column(ws, "Rank")] == [1, 2, 3, 4, 5, 6]

    def test_customer_money_is_exact(self, book):
        ws = book["Customers"]
        revenue = _column(ws, "Revenue")
        amounts = ["1234.6678", "500.25", "300", "100", "50", "25"]
        assert [c.value for c in revenue] == [float(Decimal(a)) for a in amounts]
        profit = _column(ws, "Gross profit")
        assert [c.value for c in profit] == [100.01, 50, 30, 10, 5, 2.5]
        for cell in revenue + profit:
            assert cell.data_type == "n" and cell.number_format == "#,##0.00"
        assert [c.value for c in _column(ws, "Lines without gross profit")] == [1, 0, 0, 0, 0, 0]

    def test_customer_shares_and_dates(self, book):
        ws = book["Customers"]
        total = Decimal("2209.9178")
        share = _column(ws, "Share of revenue")
        assert share[0].value == pytest.approx(float(Decimal("1234.6678") / total))
        assert share[0].number_format == "0.0%"
        cumulative = _column(ws, "Cumulative share of revenue")
        assert cumulative[-1].value == pytest.approx(1.0)
        assert "%" in cumulative[0].number_format
        last = _column(ws, "Last purchase")
        assert last[0].value == datetime(2024, 2, 5) and last[0].is_date

    def test_tier_summary_by_hand(self, book):
        # ABC on revenue: P = 2209.9178. C3 starts at 1734.9178 (78.5 %) → A; D4 at
        # 2034.9178 (92.1 %) → B; E5 at 2134.9178 (96.6 %) → C.
        ws = book["Tiers"]
        rows = [dict(zip(_rows(ws)[0], r, strict=True)) for r in _rows(ws)[1:]]
        assert [r["Tier id"] for r in rows] == ["t1", "t2", "t3"]
        assert [r["Tier"] for r in rows] == ["A", "B", "C"]
        assert [r["Cumulative cut-off"] for r in rows] == [0.8, 0.95, None]
        assert [r["Customers"] for r in rows] == [3, 1, 2]
        revenue = [Decimal("2034.9178"), Decimal("100"), Decimal("75")]
        assert [r["Revenue"] for r in rows] == [float(v) for v in revenue]
        assert [r["Gross profit"] for r in rows] == [180.01, 10, 7.5]
        total, profit_total = Decimal("2209.9178"), Decimal("197.51")
        for r, rev, pro, n in zip(rows, revenue, (180.01, 10, 7.5), (3, 1, 2), strict=True):
            assert r["% of customers"] == pytest.approx(float(Fraction(n, 6)))
            assert r["% of revenue"] == pytest.approx(float(rev / total))
            assert r["% of gross profit"] == pytest.approx(pro / float(profit_total))
            assert r["Revenue per customer"] == pytest.approx(float(rev / n))
        for header in ("Cumulative cut-off", "% of customers", "% of revenue"):
            assert _column(ws, header)[0].number_format == "0.0%"
        assert _column(ws, "Revenue")[0].number_format == "#,##0.00"

    def test_policy(self, book):
        rows = _rows(book["Policy"])
        policy_columns = [T(f"policy.col_{k}") for k in ("owner", "service", "cadence", "notes")]
        assert rows[0] == ["Tier id", "Tier", *policy_columns]
        assert [r[:2] for r in rows[1:]] == [["t1", "A"], ["t2", "B"], ["t3", "C"]]
        assert [r[4] for r in rows[1:]] == [
            T("cadence.monthly"),
            T("cadence.quarterly"),
            T("cadence.yearly"),
        ]

    def test_policy_from_settings_wins(self):
        own = (PolicyRow("=Boss", "", "weekly", "@vip"), *[PolicyRow("", "", "")] * 2)
        given = [PolicyRow("Given", "", "")] * 3
        book = _book(tier_workbook(_analysis(settings=Settings(policy=own)), t=T, policy=given))
        top = _rows(book["Policy"])[1][2:]
        assert top == ["=Boss", T("policy.service.personal"), T("cadence.weekly"), "@vip"]
        book = _book(tier_workbook(_analysis(), t=T, policy=given))
        assert [r[2] for r in _rows(book["Policy"])[1:]] == ["Given"] * 3

    def test_settings_sheet(self, book):
        rows = dict(r for r in _rows(book["Settings"])[1:])
        assert rows["Standard"] == "ABC"
        assert rows["Lines read"] == 9
        assert rows["Accepted"] == 7
        assert rows["Rejected"] == 2
        assert rows["Generated"] == "2024-06-30 12:00"

    def test_rejected_lines(self, book):
        ws = book["Rejected lines"]
        rows = [dict(zip(_rows(ws)[0], r, strict=True)) for r in _rows(ws)[1:]]
        assert [r["Line"] for r in rows] == [9, 10]
        assert [r["Reason"] for r in rows] == [
            T("reason.blank_customer_id"),
            T("reason.unreadable_date"),
        ]
        assert rows[0]["customer name"] == "\t=x"  # the original cell, as it was
        assert rows[1]["date"] == "notadate"
        assert _column(ws, "customer name")[0].data_type == "s"

    def test_no_rejected_lines(self):
        clean = b"customer,date,amount\n00042,2024-01-05,10\n"
        book = _book(tier_workbook(_analysis(clean), t=T))
        rejected = _rows(book["Rejected lines"])
        assert len(rejected) == 1 and rejected[0][:2] == ["Line", "Reason"]
        settings = dict(r for r in _rows(book["Settings"])[1:])
        assert settings["Rejected"] == 0
        assert "Generated" not in settings

    def test_no_profit_columns_without_profit(self):
        clean = b"customer,date,amount\nA,2024-01-05,10\nB,2024-01-05,5\n"
        book = _book(tier_workbook(_analysis(clean), t=T))
        assert "Gross profit" not in _rows(book["Tiers"])[0]
        assert "% of gross profit" not in _rows(book["Tiers"])[0]
        assert "Gross profit" not in _rows(book["Customers"])[0]

    def test_absolute_thresholds(self):
        settings = Settings(scheme="absolute", thresholds=(1000, 100))
        book = _book(tier_workbook(_analysis(settings=settings), t=T))
        ws = book["Tiers"]
        assert "Cumulative cut-off" not in _rows(ws)[0]
        threshold = _column(ws, "Threshold")
        assert [c.value for c in threshold] == [1000, 100, None]
        assert threshold[0].number_format == "#,##0.00"
        assert [c.value for c in _column(ws, "Customers")] == [1, 3, 2]

    def test_every_column_has_a_width(self, book):
        for ws in book:
            assert set(_widths(ws)) == set(range(1, ws.max_column + 1)), ws.title

    def test_extra_facts_come_first(self):
        data = tier_workbook(_analysis(), t=T, facts={"source": "sales.csv"})
        rows = _rows(_book(data)["Settings"])
        labels = [r[0] for r in rows]
        assert labels.index("Source file") < labels.index("Lines read")
        assert rows[labels.index("Source file")][1] == "sales.csv"


def test_settings_sheet_says_how_the_values_were_read():
    csv = b'customer,date,amount\nA,01/02/2024,"1.234,50"\nB,03/04/2024,"2.000,00"\n'
    loaded = load_transactions(csv, date_order="mdy", decimal=",")
    book = _book(tier_workbook(analyse(loaded, Settings(), T), t=T))
    facts = {r[0]: r[1] for r in _rows(book["Settings"])[1:]}
    assert facts["Date order"] == "Month first (12/31)"
    assert facts["Decimal mark"] == "Comma (1.234,50)"
