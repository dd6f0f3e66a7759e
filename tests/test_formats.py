"""The format corpus: real-world export shapes read end to end, with answers known beforehand.

Each case goes through the whole of loading — ``read_cells(data)`` then
``parse_transactions(raw, guess_mapping(raw.header))`` — and is then added up here with plain
Python: lines read, accepted and rejected by reason, the net revenue to the cent (minor units:
one currency unit is 10_000) and revenue by month, so a misread date order cannot hide behind
a right total. The expected numbers are written out by hand (the arithmetic in comments), or
computed from the very Python values written into the file; never by kadash.

Text fixtures live in ``tests/data/formats/`` (UTF-8; the other encodings are the same text
encoded here). Workbooks and Parquet files are written at test time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

from kadash.columns import guess_mapping
from kadash.errors import KadashError
from kadash.load import LoadError, RawTable, read_cells
from kadash.parse import ParseResult
from tests.both_ways import load_both

FORMATS = Path(__file__).resolve().parent / "data" / "formats"
UNIT = 10_000  # minor units per currency unit
EXCEL_DAY_0 = dt.date(1899, 12, 30)  # Excel's serial day 0 (after its 1900 leap-year bug)


# --- helpers ---------------------------------------------------------------------------------


def fixture_text(name: str) -> str:
    return (FORMATS / name).read_text(encoding="utf-8")


def load(
    data: bytes, *, decimal: str | None = None, date_order: str | None = None, **read: str
) -> tuple[RawTable, ParseResult]:
    """Both steps of loading, with the guessed column mapping (the typed way checked
    against the exact way)."""
    raw, result, _ = load_both(data, decimal=decimal, date_order=date_order, **read)
    return raw, result


def by_month(result: ParseResult) -> dict[str, int]:
    """Net accepted revenue per ``YYYY-MM`` of the parsed date, summed in plain Python."""
    totals: dict[str, int] = {}
    tx = result.transactions
    for date, revenue in zip(tx["date"], tx["revenue"], strict=True):
        month = f"{date.year:04d}-{date.month:02d}"
        totals[month] = totals.get(month, 0) + int(revenue)
    return totals


def assert_account(
    result: ParseResult,
    *,
    read: int,
    total: int,
    months: dict[str, int],
    rejected: dict[str, int] | None = None,
) -> None:
    """Rows read / accepted / rejected by reason, the net total and revenue by month."""
    rejected = rejected or {}
    assert sum(months.values()) == total  # the hand-written answer is consistent
    assert result.rows_read == read
    assert {k: v for k, v in result.rejected_by_reason.items() if v} == rejected
    assert result.rows_accepted == read - sum(rejected.values())
    assert result.rows_accepted + result.rows_rejected == result.rows_read
    assert result.accepted_revenue == total
    assert int(sum(int(r) for r in result.transactions["revenue"])) == total
    assert by_month(result) == months


def dates_of(result: ParseResult) -> list[str]:
    return [d.date().isoformat() for d in result.transactions["date"]]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", eol: str = "\n") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=eol).writerows(rows)
    return out.getvalue().encode("utf-8")


Cell = str | int | float | dt.date | None


def xlsx_bytes(sheets: dict[str, list[list[Cell]]]) -> bytes:
    """A workbook written by xlsxwriter: text stays text (``"00042"``), dates are date cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    time_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, time_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return buffer.getvalue()


def xls_bytes(sheets: dict[str, list[list[Cell]]]) -> bytes:
    """The same in the old .xls format, written by xlwt."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    time_style = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write(r, c, value, time_style)
                elif isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOK_WRITERS = {"xlsx": xlsx_bytes, "xls": xls_bytes}


def encrypted(xlsx: bytes, password: str = "pw") -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx)).encrypt(password, out)
    return out.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


# --- encodings -------------------------------------------------------------------------------

# Both Chinese fixtures: 1200.50 - 300.00 + 99.99 + 2500 = 3500.49, in two months.
CHINESE_TOTAL = 35_004_900
CHINESE_MONTHS = {
    "2024-01": 9_005_000,  # 1200.50 - 300.00
    "2024-02": 25_999_900,  # 99.99 + 2500
}
TRADITIONAL_NAMES = ["台積電", "鴻海精密", "台積電", "聯發科"]
SIMPLIFIED_NAMES = ["华为技术", "腾讯", "华为技术", "吉野家"]


class TestEncodings:
    @pytest.mark.parametrize(
        ("fixture", "codec", "expected", "names"),
        [
            ("chinese_traditional.csv", "utf-8", "utf-8", TRADITIONAL_NAMES),
            ("chinese_traditional.csv", "utf-8-sig", "utf-8-sig", TRADITIONAL_NAMES),
            ("chinese_traditional.csv", "utf-16", "utf-16", TRADITIONAL_NAMES),
            ("chinese_traditional.csv", "cp950", "cp950", TRADITIONAL_NAMES),
            ("chinese_simplified.csv", "utf-16", "utf-16", SIMPLIFIED_NAMES),
            # GBK files are read as GB18030, its superset (every GBK file decodes the same).
            ("chinese_simplified.csv", "gbk", "gb18030", SIMPLIFIED_NAMES),
            ("chinese_simplified.csv", "gb18030", "gb18030", SIMPLIFIED_NAMES),
            ("chinese_traditional.csv", "gbk", "gb18030", TRADITIONAL_NAMES),
        ],
        ids=["utf8", "utf8-bom", "utf16-trad", "big5", "utf16-simp", "gbk", "gb18030", "gbk-trad"],
    )
    def test_same_table_in_each_encoding(
        self, fixture: str, codec: str, expected: str, names: list[str]
    ) -> None:
        text = fixture_text(fixture)
        raw, result = load(text.encode(codec))
        assert raw.encoding == expected
        assert raw.header == tuple(text.split("\n", 1)[0].split(","))
        assert list(result.transactions["customer_name"]) == names
        assert list(result.transactions["customer_id"]) == ["C001", "C002", "C001", "C003"]
        assert_account(result, read=4, total=CHINESE_TOTAL, months=CHINESE_MONTHS)

    def test_gb18030_four_byte_characters(self) -> None:
        # 𠮷 (U+20BB7) is outside GBK: GB18030 writes it in four bytes.
        text = fixture_text("chinese_simplified.csv").replace("吉野家", "𠮷野家")
        data = text.encode("gb18030")
        with pytest.raises(UnicodeEncodeError):
            text.encode("gbk")
        raw, result = load(data)
        assert raw.encoding == "gb18030"
        assert list(result.transactions["customer_name"])[-1] == "𠮷野家"
        assert_account(result, read=4, total=CHINESE_TOTAL, months=CHINESE_MONTHS)

    def test_cp1252_western_table(self) -> None:
        text = fixture_text("western.csv")
        raw, result = load(text.encode("cp1252"))
        assert raw.encoding == "cp1252"
        assert raw.delimiter == ";"
        tx = result.transactions
        assert list(tx["customer_name"]) == ["Café Müller", "Brasserie Zoë", "Café Müller"]
        assert list(tx["region"]) == ["Köln", "Genève", "Köln"]
        assert result.formats["decimal_mark"] == ","
        assert result.formats["currency"] == "EUR"
        # €1.234,50 - €34,50 + €99,99 = 1299.99
        assert_account(
            result, read=3, total=12_999_900, months={"2024-01": 12_000_000, "2024-02": 999_900}
        )

    @pytest.mark.parametrize(
        ("header", "codec", "expected", "impostors"),
        [
            ("客戶,日期,金額", "cp950", "cp950", ["gb18030", "cp1252"]),
            ("客户,日期,金额", "gbk", "gb18030", ["big5hkscs", "cp1252"]),
        ],
        ids=["big5", "gbk"],
    )
    def test_only_the_header_is_not_ascii(
        self, header: str, codec: str, expected: str, impostors: list[str]
    ) -> None:
        """Twelve non-ASCII bytes in all: the header names decide between Big5 and GBK."""
        data = (header + "\nC1,2024-01-05,10.00\nC2,2024-02-05,20.50\n").encode(codec)
        head, rest = data.split(b"\n", 1)
        assert rest.isascii()
        assert len(head.replace(b",", b"")) == 12
        # Other candidates decode these bytes too (into other characters): only the names tell.
        for impostor in impostors:
            assert data.decode(impostor).split("\n")[0] != header
        raw, result = load(data)
        assert raw.encoding == expected
        assert raw.header == tuple(header.split(","))
        assert_account(
            result, read=2, total=305_000, months={"2024-01": 100_000, "2024-02": 205_000}
        )

    @pytest.mark.parametrize(
        ("data", "encoding", "key", "line"),
        [
            # é in "Café" on line 2 is not UTF-8.
            (fixture_text("western.csv").encode("cp1252"), "utf-8", "error.not_utf8", 2),
            (fixture_text("chinese_traditional.csv").encode("cp950"), "utf-8", "error.not_utf8", 1),
            # Line 5 alone has 𠮷, whose four GB18030 bytes are no Big5.
            (
                "Customer,Date,Amount\nC1,2024-01-05,1\nC2,2024-01-05,1\nC3,2024-01-05,1\n"
                "𠮷,2024-01-05,1\n".encode("gb18030"),
                "cp950",
                "error.bad_byte",
                5,
            ),
        ],
        ids=["cp1252-as-utf8", "big5-as-utf8", "gb18030-as-big5"],
    )
    def test_wrong_encoding_names_the_line(
        self, data: bytes, encoding: str, key: str, line: int
    ) -> None:
        with pytest.raises(LoadError) as info:
            read_cells(data, encoding=encoding)
        assert info.value.key == key
        assert info.value.params["line"] == line
        assert f"line {line}" in str(info.value)

    @pytest.mark.parametrize("encoding", ["cp950", "gb18030"])
    def test_legacy_text_that_is_also_valid_utf8_is_decoded(self, encoding: str) -> None:
        """Big5 蘇 (C4 AC) and 羅 (C3 B9) are also valid UTF-8 (Ĭ, ù): the typed reader
        decodes every non-ASCII value with the file's encoding, in dictionary columns (ids,
        reps) and plain ones (order ids), as the exact way does."""
        text = (
            "訂單編號,客戶,日期,金額,業務\n"
            "蘇-1,陳先生,2024-01-01,100,蘇\n羅-2,羅,2024-01-02,200,羅\nA-3,陳先生,2024-01-03,5,蘇\n"
        )
        mapping = {"order_id": "訂單編號", "customer_id": "客戶", "date": "日期",
                   "revenue": "金額", "sales_rep": "業務"}  # fmt: skip
        _, parsed, way = load_both(text.encode(encoding), mapping)
        assert way == "typed"
        tx = parsed.transactions
        assert tx["sales_rep"].tolist() == ["蘇", "羅", "蘇"]
        assert tx["order_id"].tolist() == ["蘇-1", "羅-2", "A-3"]
        assert tx["customer_id"].tolist() == ["陳先生", "羅", "陳先生"]

    def test_imposed_encoding_is_used(self) -> None:
        """The user's choice wins over detection: GBK bytes read as Big5-HKSCS give other
        characters (and so no known column names)."""
        data = "客户,日期,金额\nC1,2024-01-05,10.00\n".encode("gbk")
        assert read_cells(data).header == ("客户", "日期", "金额")
        raw = read_cells(data, encoding="big5hkscs")
        assert raw.encoding == "big5hkscs"
        assert raw.header == tuple(data.decode("big5hkscs").split("\n")[0].split(","))
        assert guess_mapping(raw.header) == {}


# --- headers ---------------------------------------------------------------------------------

# Every variant holds the same two lines: 10.00 in January, -2.50 in February.
TWO_LINES_TOTAL, TWO_LINES_MONTHS = 75_000, {"2024-01": 100_000, "2024-02": -25_000}
BOM = b"\xef\xbb\xbf"


class TestHeaders:
    @pytest.mark.parametrize(
        ("data", "mapping"),
        [
            (
                b"CUSTOMER ID,ORDER DATE,AMOUNT\nC1,2024-01-05,10.00\nC2,2024-02-05,-2.50\n",
                {"customer_id": "CUSTOMER ID", "date": "ORDER DATE", "revenue": "AMOUNT"},
            ),
            (
                b"  customer_id  ;  Invoice-Date ;Net  Sales\n"
                b"C1;2024-01-05;10.00\nC2;2024-02-05;-2.50\n",
                {"customer_id": "customer_id", "date": "Invoice-Date", "revenue": "Net  Sales"},
            ),
            (
                "客戶編號\t訂單日期\t銷售額\t毛利\t區域\t業務\n"
                "C1\t2024-01-05\t10.00\t1.00\t北區\t王\n"
                "C2\t2024-02-05\t-2.50\t-0.50\t南區\t李\n".encode(),
                {
                    "customer_id": "客戶編號",
                    "date": "訂單日期",
                    "revenue": "銷售額",
                    "profit": "毛利",
                    "region": "區域",
                    "sales_rep": "業務",
                },
            ),
            (
                "客户编号|交易日期|销售额|毛利|区域|业务员\n"
                "C1|2024-01-05|10.00|1.00|华北|王\n"
                "C2|2024-02-05|-2.50|-0.50|华南|李\n".encode(),
                {
                    "customer_id": "客户编号",
                    "date": "交易日期",
                    "revenue": "销售额",
                    "profit": "毛利",
                    "region": "区域",
                    "sales_rep": "业务员",
                },
            ),
            (
                (
                    "ＣＵＳＴＯＭＥＲ ＩＤ,Ｄａｔｅ,ＡＭＯＵＮＴ\n"
                    "C1,2024-01-05,10.00\nC2,2024-02-05,-2.50\n"
                ).encode(),
                {
                    "customer_id": "ＣＵＳＴＯＭＥＲ ＩＤ",
                    "date": "Ｄａｔｅ",
                    "revenue": "ＡＭＯＵＮＴ",
                },
            ),
            (
                BOM
                + b'"Customer ID","Date","Amount"\r\n'
                + b"C1,2024-01-05,10.00\r\nC2,2024-02-05,-2.50\r\n",
                {"customer_id": "Customer ID", "date": "Date", "revenue": "Amount"},
            ),
            (
                # A BOM written twice (a tool adding one to text that had one): the second
                # sticks to the first name.
                BOM + BOM + b"Customer,Date,Amount\nC1,2024-01-05,10.00\nC2,2024-02-05,-2.50\n",
                {"customer_id": "Customer", "date": "Date", "revenue": "Amount"},
            ),
            (
                "\ufeff客戶編號,日期,金額\nC1,2024-01-05,10.00\nC2,2024-02-05,-2.50\n".encode(
                    "utf-16-le"
                ),
                {"customer_id": "客戶編號", "date": "日期", "revenue": "金額"},
            ),
        ],
        ids=[
            "upper",
            "spaced-semicolon",
            "traditional-tab",
            "simplified-pipe",
            "full-width",
            "bom-quoted-crlf",
            "double-bom",
            "utf16le-bom",
        ],
    )
    def test_header_variants_map_and_load(self, data: bytes, mapping: dict[str, str]) -> None:
        raw, result = load(data)
        assert guess_mapping(raw.header) == mapping
        assert list(result.transactions["customer_id"]) == ["C1", "C2"]
        assert_account(result, read=2, total=TWO_LINES_TOTAL, months=TWO_LINES_MONTHS)
        if "profit" in mapping:
            assert list(result.transactions["profit"]) == [10_000, -5_000]

    @pytest.mark.parametrize(
        "title",
        ["Key account sales report", "Sales report, all regions", "客戶銷售報表"],
        ids=["plain", "with-comma", "chinese"],
    )
    @pytest.mark.parametrize(
        "delimiter", [",", ";", "\t", "|"], ids=["comma", "semi", "tab", "pipe"]
    )
    def test_title_block_above_a_text_header(self, title: str, delimiter: str) -> None:
        """The delimiter is the header's, not the title's; line numbers count the title."""
        d = delimiter
        text = (
            f"{title}\nExported 2024-03-01\n\n"
            f"Customer{d}Date{d}Amount\nC1{d}2024-01-05{d}10.00\nC2{d}2024-02-05{d}-2.50\n"
        )
        raw, result = load(text.encode())
        assert raw.delimiter == delimiter
        assert raw.header == ("Customer", "Date", "Amount")
        assert raw.header_line == 4
        assert list(result.transactions["line"]) == [5, 6]
        assert_account(result, read=2, total=TWO_LINES_TOTAL, months=TWO_LINES_MONTHS)


# --- delimiters ------------------------------------------------------------------------------


class TestDelimiters:
    @pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
    @pytest.mark.parametrize(
        "delimiter", [",", ";", "\t", "|"], ids=["comma", "semi", "tab", "pipe"]
    )
    def test_quoted_fields_line_breaks_and_line_ends(self, delimiter: str, eol: str) -> None:
        d = delimiter
        text = (
            f"Customer{d}Customer name{d}Date{d}Amount\n"
            f'C1{d}"Acme{d} Inc."{d}2024-01-05{d}100.25\n'
            f'C2{d}"Line one\nline two"{d}2024-01-31{d}-0.25\n'
            f'{d}"Nobody"{d}2024-02-01{d}5.00\n'
            f'C3{d}"Say ""hi"""{d}2024-02-02{d}7.50\n'
        ).replace("\n", eol)
        raw, result = load(text.encode())
        assert raw.delimiter == delimiter
        names = list(result.transactions["customer_name"])
        assert names[0] == f"Acme{d} Inc."
        assert names[1].splitlines() == ["Line one", "line two"]
        assert names[2] == 'Say "hi"'
        # The record with a line break is one row: the blank id is row 4, not physical line 5.
        assert list(result.rejected["line"]) == [4]
        assert list(result.transactions["line"]) == [2, 3, 5]
        # 100.25 - 0.25 + 7.50 = 107.50; the 5.00 of the rejected line is not in it.
        assert_account(
            result,
            read=4,
            total=1_075_000,
            months={"2024-01": 1_000_000, "2024-02": 75_000},
            rejected={"blank_customer_id": 1},
        )
        assert result.rejected_revenue == 50_000


# --- amounts ---------------------------------------------------------------------------------


def amounts_table(amounts: list[str], delimiter: str = ";") -> bytes:
    """Customer / Date / Amount lines: the k-th amount on day k of January, then February."""
    rows = [["Customer", "Date", "Amount"]]
    for k, amount in enumerate(amounts):
        month = 1 if k < len(amounts) / 2 else 2
        rows.append([f"C{k + 1}", f"2024-{month:02d}-{k + 1:02d}", amount])
    return csv_bytes(rows, delimiter=delimiter)


class TestAmounts:
    def test_decimal_comma_with_dot_thousands(self) -> None:
        _, result = load((FORMATS / "amounts_decimal_comma.csv").read_bytes())
        assert result.formats["decimal_mark"] == ","
        assert list(result.transactions["revenue"]) == [
            12_860_100,  # 1.286,01
            125_000,  # 12,5
            -12_340_000,  # 1.234,00-
            -9_900,  # -0,99
            30_000_001_000,  # " 3.000.000,10 "
            -20_000,  # (2,00)
        ]
        assert_account(
            result,
            read=6,
            total=30_000_616_200,  # 1286.01 + 12.50 - 1234.00 - 0.99 + 3000000.10 - 2.00
            months={"2024-01": 645_100, "2024-02": 29_999_971_100},
        )

    def test_dot_decimal_parentheses_full_width_and_spaces(self) -> None:
        _, result = load((FORMATS / "amounts_decimal_point.csv").read_bytes())
        assert result.formats["decimal_mark"] == "."
        assert list(result.transactions["revenue"]) == [
            12_345_000,  # "1,234.50"
            -12_340_000,  # "(1,234.00)"
            12_345_000,  # １２３４．５０
            72_500,  # " 7.25 "
            10_007_500,  # "1 000.75"
            -5_000,  # -0.5
        ]
        assert_account(
            result,
            read=6,
            total=22_425_000,  # 1234.50 - 1234.00 + 1234.50 + 7.25 + 1000.75 - 0.50
            months={"2024-01": 12_350_000, "2024-02": 10_075_000},
        )

    @pytest.mark.parametrize(
        ("prefix", "suffix", "currency"),
        [
            ("NT$", "", "TWD"),
            ("US$", "", "USD"),
            ("$", "", "$"),
            ("¥", "", "¥"),
            ("￥", "", "¥"),  # full-width yen folds to ¥
            ("RMB", "", "CNY"),
            ("RMB ", "", "CNY"),
            ("", "元", "元"),
            ("", " 元", "元"),
            ("€", "", "EUR"),
            ("", " €", "EUR"),
        ],
    )
    def test_currency_marks(self, prefix: str, suffix: str, currency: str) -> None:
        amounts = [
            f"{prefix}1,234.50{suffix}",
            f"-{prefix}34.50{suffix}",
            f"({prefix}100.00{suffix})",
            f" {prefix} 0.99{suffix} ",
        ]
        _, result = load(amounts_table(amounts))
        assert result.formats["currency"] == currency
        assert list(result.transactions["revenue"]) == [12_345_000, -345_000, -1_000_000, 9_900]
        assert_account(
            result,
            read=4,
            total=11_009_900,  # 1234.50 - 34.50 - 100.00 + 0.99
            months={"2024-01": 12_000_000, "2024-02": -990_100},
        )

    @pytest.mark.parametrize("ambiguous", ["1,234", "1.234"])
    def test_no_evidence_asks_then_each_mark_gives_its_totals(self, ambiguous: str) -> None:
        other = ambiguous.replace("1", "2").replace("234", "500")  # "2,500" / "2.500"
        data = amounts_table([ambiguous, other, "10"])
        with pytest.raises(KadashError) as info:
            load(data)
        assert info.value.key == "error.decimal_unknown"
        assert "line 2" in str(info.value)

        thousands_mark = "," if "," in ambiguous else "."
        decimal_mark = "." if thousands_mark == "," else ","
        _, as_thousands = load(data, decimal=decimal_mark)
        # 1234 + 2500 + 10; January holds the first two lines.
        assert_account(
            as_thousands,
            read=3,
            total=37_440_000,
            months={"2024-01": 37_340_000, "2024-02": 100_000},
        )
        _, as_decimals = load(data, decimal=thousands_mark)
        # 1.234 + 2.5 + 10
        assert_account(
            as_decimals, read=3, total=137_340, months={"2024-01": 37_340, "2024-02": 100_000}
        )

    def test_conflicting_evidence(self) -> None:
        data = amounts_table(["1,234.50", "1.286,01", "5"])
        with pytest.raises(KadashError) as info:
            load(data)
        assert info.value.key == "error.decimal_conflict"
        assert "line 2" in str(info.value)
        assert "line 3" in str(info.value)
        # Imposing "." reads the first and last lines; "1.286,01" cannot be read that way.
        _, result = load(data, decimal=".")
        assert_account(
            result,
            read=3,
            total=12_395_000,  # 1234.50 + 5
            months={"2024-01": 12_345_000, "2024-02": 50_000},
            rejected={"unreadable_amount": 1},
        )
        assert list(result.rejected["line"]) == [3]

    @pytest.mark.parametrize(
        ("amounts", "first", "second"),
        [
            (["NT$100", "200", "US$50"], ("NT$", 2), ("US$", 4)),
            (["€1,00", "¥2,00", "3,00"], ("€", 2), ("¥", 3)),
            (["100元", "HK$ 5", "6"], ("元", 2), ("HK$", 3)),
        ],
        ids=["twd-usd", "eur-yen", "yuan-hkd"],
    )
    def test_two_currencies_in_one_column(
        self, amounts: list[str], first: tuple[str, int], second: tuple[str, int]
    ) -> None:
        with pytest.raises(KadashError) as info:
            load(amounts_table(amounts))
        err = info.value
        assert err.key == "error.mixed_currencies"
        assert (err.params["first"], err.params["first_line"]) == first
        assert (err.params["second"], err.params["second_line"]) == second
        assert f"line {first[1]}" in str(err)
        assert f"line {second[1]}" in str(err)


# --- dates -----------------------------------------------------------------------------------

DAY_AMOUNTS = ["1.00", "10.00", "100.00", "1000.00"]


def dates_table(dates: list[str]) -> bytes:
    """Customer / Date / Amount lines; the k-th line has amount 10**k."""
    rows = [["Customer", "Date", "Amount"]]
    rows += [[f"C{k}", date, DAY_AMOUNTS[k]] for k, date in enumerate(dates)]
    return csv_bytes(rows)


def months_of(iso_dates: list[str]) -> dict[str, int]:
    """Revenue by month the lines of :func:`dates_table` should give, from the true dates."""
    months: dict[str, int] = {}
    for iso, amount in zip(iso_dates, DAY_AMOUNTS, strict=False):
        months[iso[:7]] = months.get(iso[:7], 0) + int(Decimal(amount) * UNIT)
    return months


def serial(year: int, month: int, day: int) -> str:
    return str((dt.date(year, month, day) - EXCEL_DAY_0).days)


TRUE_DATES = ["2024-01-05", "2024-02-29", "2023-12-31"]


class TestDates:
    @pytest.mark.parametrize(
        ("cells", "order"),
        [
            (["2024-01-05", "2024-02-29", "2023-12-31"], None),
            (["2024-01-05 13:45:00", "2024-02-29T08:00:00", "2023-12-31 23:59"], None),
            (["2024/01/05", "2024/2/29", "2023/12/31"], None),
            (["05.01.2024", "29.02.2024", "31.12.2023"], None),
            (["2024年1月5日", "2024年02月29日", "2023年12月31日"], None),
            (["113/01/05", "113/02/29", "112/12/31"], None),
            (["民國113年1月5日", "民國113年2月29日", "民國112年12月31日"], None),
            ([serial(2024, 1, 5), serial(2024, 2, 29), serial(2023, 12, 31)], None),
            (["05/01/2024", "29/02/2024", "31/12/2023"], "dmy"),
            (["01/05/2024", "02/29/2024", "12/31/2023"], "mdy"),
            (["05-01-2024", "29-02-2024", "31-12-2023"], "dmy"),
            (["1-5-2024", "2-29-2024", "12-31-2023"], "mdy"),
        ],
        ids=[
            "iso",
            "iso-time",
            "ymd-slash",
            "dd.mm.yyyy",
            "cjk",
            "roc",
            "roc-minguo",
            "excel-serial",
            "day-first-evidence",
            "month-first-evidence",
            "day-first-dashes",
            "month-first-dashes",
        ],
    )
    def test_one_format_per_column(self, cells: list[str], order: str | None) -> None:
        _, result = load(dates_table(cells))
        assert dates_of(result) == TRUE_DATES
        assert result.formats["date_order"] == order
        assert_account(result, read=3, total=1_110_000, months=months_of(TRUE_DATES))

    def test_unambiguous_formats_mixed_in_one_column(self) -> None:
        cells = ["2024/01/05", "29-02-2024", "民國112年12月31日", serial(2024, 3, 1)]
        truth = [*TRUE_DATES, "2024-03-01"]
        _, result = load(dates_table(cells))
        assert dates_of(result) == truth
        assert_account(result, read=4, total=11_110_000, months=months_of(truth))

    def test_both_orders_seen_is_an_error_naming_lines(self) -> None:
        with pytest.raises(KadashError) as info:
            load(dates_table(["13/01/2024", "01/13/2024", "01/01/2024"]))
        assert info.value.key == "error.date_order_conflict"
        assert "'13/01/2024' (line 2)" in str(info.value)
        assert "'01/13/2024' (line 3)" in str(info.value)

    def test_no_evidence_asks_then_each_order_gives_its_months(self) -> None:
        data = dates_table(["01/02/2024", "03/04/2024", "05/05/2024"])
        with pytest.raises(KadashError) as info:
            load(data)
        assert info.value.key == "error.date_order_unknown"
        assert "line 2" in str(info.value)

        _, dmy = load(data, date_order="dmy")
        day_first = ["2024-02-01", "2024-04-03", "2024-05-05"]
        assert dates_of(dmy) == day_first
        assert dmy.formats["date_order"] == "dmy"
        assert_account(dmy, read=3, total=1_110_000, months=months_of(day_first))

        _, mdy = load(data, date_order="mdy")
        month_first = ["2024-01-02", "2024-03-04", "2024-05-05"]
        assert dates_of(mdy) == month_first
        assert_account(mdy, read=3, total=1_110_000, months=months_of(month_first))
        # Same grand total, different months: only revenue by month shows the misreading.
        assert by_month(dmy) != by_month(mdy)

    def test_impossible_dates_are_rejected(self) -> None:
        _, result = load(dates_table(["2024-02-30", "2023-02-29", "2024-13-01", "2024-01-05"]))
        assert list(result.rejected["line"]) == [2, 3, 4]
        assert_account(
            result,
            read=4,
            total=10_000_000,
            months={"2024-01": 10_000_000},
            rejected={"unreadable_date": 3},
        )
        assert result.rejected_revenue == 1_110_000  # 1 + 10 + 100: amounts read, dates not


# --- Excel -----------------------------------------------------------------------------------

TITLE_BLOCK: list[list[Cell]] = [
    ["Key account sales 2024"],
    ["Exported from ERP", "2024-03-01"],
    [],
]
SALES_HEADER: list[Cell] = ["客戶編號", "客戶名稱", "日期", "金額"]


def sales_sheet(total_row: list[Cell]) -> list[list[Cell]]:
    """A title block, the header on row 4, three lines and a total row (Excel row 8)."""
    return [
        *TITLE_BLOCK,
        SALES_HEADER,
        ["00042", "台積電", dt.date(2024, 1, 5), 1200.5],
        ["00042", "台積電", dt.datetime(2024, 1, 31, 18, 30), -200.25],  # a return
        ["00107", "鴻海", (dt.date(2024, 2, 29) - EXCEL_DAY_0).days, 99.99],  # a serial number
        total_row,
    ]


# 1200.50 - 200.25 + 99.99 = 1100.24
SALES_TOTAL, SALES_MONTHS = 11_002_400, {"2024-01": 10_002_500, "2024-02": 999_900}


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
class TestExcel:
    def test_choose_a_sheet(self, kind: str) -> None:
        older = [["Customer", "Date", "Amount"], ["00007", dt.date(2023, 12, 5), 50.0]]
        data = WORKBOOK_WRITERS[kind](
            {"2023": older, "2024": sales_sheet(["", "合計", None, 1100.24])}
        )
        raw, first = load(data)
        assert raw.format == "excel"
        assert raw.sheets == ("2023", "2024")
        assert raw.sheet == "2023"
        assert list(first.transactions["customer_id"]) == ["00007"]
        assert_account(first, read=1, total=500_000, months={"2023-12": 500_000})

        raw, chosen = load(data, sheet="2024")
        assert raw.sheet == "2024"
        assert_account(
            chosen, read=4, total=SALES_TOTAL, months=SALES_MONTHS, rejected={"total_row": 1}
        )

    def test_no_such_sheet(self, kind: str) -> None:
        data = WORKBOOK_WRITERS[kind]({"2024": sales_sheet([])})
        with pytest.raises(LoadError) as info:
            read_cells(data, sheet="2025")
        assert info.value.key == "error.no_such_sheet"
        assert "2024" in str(info.value)

    def test_title_block_text_ids_and_date_cells(self, kind: str) -> None:
        raw, result = load(WORKBOOK_WRITERS[kind]({"Sales": sales_sheet([])}))
        assert raw.header_line == 4  # the Excel row number of the header
        assert raw.header == tuple(SALES_HEADER)
        tx = result.transactions
        assert list(tx["line"]) == [5, 6, 7]  # Excel row numbers
        assert list(tx["customer_id"]) == ["00042", "00042", "00107"]
        assert dates_of(result) == ["2024-01-05", "2024-01-31", "2024-02-29"]
        assert_account(result, read=3, total=SALES_TOTAL, months=SALES_MONTHS)

    @pytest.mark.parametrize("word", ["合計", "總計", "总计", "Total", "Grand total", "TOTAL:"])
    @pytest.mark.parametrize("where", ["id", "name"])
    def test_grand_total_row(self, kind: str, word: str, where: str) -> None:
        row: list[Cell] = (
            [word, None, None, 1100.24] if where == "id" else [None, word, None, 1100.24]
        )
        _, result = load(WORKBOOK_WRITERS[kind]({"Sales": sales_sheet(row)}))
        assert list(result.rejected["line"]) == [8]
        assert list(result.rejected["reason"]) == ["total_row"]
        assert set(result.transactions["customer_id"]) == {"00042", "00107"}
        assert_account(
            result, read=4, total=SALES_TOTAL, months=SALES_MONTHS, rejected={"total_row": 1}
        )

    def test_concatenated_exports_keep_numbers(self, kind: str) -> None:
        header: list[Cell] = ["Customer", "Date", "Amount"]
        rows = [
            header,
            ["C1", dt.date(2024, 1, 5), 1200.5],
            header,
            ["C2", dt.date(2024, 2, 5), 0.25],
            header,
            ["C1", dt.date(2024, 3, 5), -1],
        ]
        _, result = load(WORKBOOK_WRITERS[kind]({"All": rows}))
        assert list(result.rejected["line"]) == [3, 5]
        assert_account(
            result,
            read=5,
            total=11_997_500,  # 1200.50 + 0.25 - 1
            months={"2024-01": 12_005_000, "2024-02": 2_500, "2024-03": -10_000},
            rejected={"repeated_header_row": 2},
        )

    def test_numbers_stored_as_numbers_keep_their_exact_value(self, kind: str) -> None:
        rows: list[list[Cell]] = [
            ["Customer", "Date", "Amount"],
            [42, dt.date(2024, 1, 5), 0.1],
            [42, dt.date(2024, 1, 6), 0.2],
            [7, dt.date(2024, 1, 7), 123456789.12],
        ]
        _, result = load(WORKBOOK_WRITERS[kind]({"S": rows}))
        assert list(result.transactions["customer_id"]) == ["42", "42", "7"]
        assert list(result.transactions["revenue"]) == [1_000, 2_000, 1_234_567_891_200]
        assert_account(
            result, read=3, total=1_234_567_894_200, months={"2024-01": 1_234_567_894_200}
        )


class TestWorkbookErrors:
    def test_password_protected(self) -> None:
        data = encrypted(xlsx_bytes({"Sales": sales_sheet([])}))
        with pytest.raises(LoadError) as info:
            read_cells(data)
        assert info.value.key == "error.password"

    @pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
    def test_truncated_xlsx(self, keep: float) -> None:
        data = xlsx_bytes({"Sales": sales_sheet([])})
        with pytest.raises(LoadError) as info:
            read_cells(data[: int(len(data) * keep)])
        assert info.value.key == "error.corrupt"

    def test_zip_that_is_no_workbook(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("transactions.csv", "Customer,Date,Amount\nC1,2024-01-05,1\n")
        with pytest.raises(LoadError) as info:
            read_cells(buffer.getvalue())
        assert info.value.key == "error.corrupt"

    @pytest.mark.parametrize("kind", ["xlsx", "xls"])
    def test_empty_sheet(self, kind: str) -> None:
        with pytest.raises(LoadError) as info:
            read_cells(WORKBOOK_WRITERS[kind]({"Empty": [[]]}))
        assert info.value.key == "error.empty_file"


# --- concatenated exports, returns, blank ids, duplicates --------------------------------------


class TestLinesAccountedFor:
    def test_concatenated_monthly_exports(self) -> None:
        _, result = load((FORMATS / "monthly_exports_concatenated.csv").read_bytes())
        assert list(result.rejected["line"]) == [4, 7]
        assert list(result.rejected["reason"]) == ["repeated_header_row"] * 2
        # The header text in the amount column neither blocks nor sways the numbers.
        assert result.formats["decimal_mark"] == "."
        assert list(result.transactions["revenue"]) == [
            12_005_000,
            3_000_000,
            20_000_000,
            -502_500,
            100_000,
        ]
        assert_account(
            result,
            read=7,
            total=34_602_500,  # 1200.50 + 300.00 + 2000.00 - 50.25 + 10.00
            months={"2024-01": 15_005_000, "2024-02": 19_497_500, "2024-03": 100_000},
            rejected={"repeated_header_row": 2},
        )
        assert result.rejected_revenue == 0

    def test_returns_blank_ids_and_duplicates(self) -> None:
        _, result = load((FORMATS / "returns_blanks_duplicates.csv").read_bytes())
        tx = result.transactions
        assert list(tx["line"]) == [2, 3, 6, 7, 8, 9, 10]
        # Blank and whitespace-only ids are rejected, never filled from the line above.
        assert list(result.rejected["line"]) == [4, 5]
        assert list(result.rejected["reason"]) == ["blank_customer_id"] * 2
        assert set(tx["customer_id"]) == {"C1", "C2", "C3"}
        # Returns: -120.00, (50.00), 30.00-
        revenue = [int(r) for r in tx["revenue"]]
        assert sum(r for r in revenue if r > 0) == 14_000_000  # 500 + 300 + 300 + 300
        assert sum(r for r in revenue if r < 0) == -2_000_000  # -120 - 50 - 30
        assert_account(
            result,
            read=9,
            total=12_000_000,
            months={"2024-01": 3_800_000, "2024-02": 8_200_000},
            rejected={"blank_customer_id": 2},
        )
        assert result.rejected_revenue == 1_500_000  # 70 + 80
        # Exact repeats are kept (real repeat purchases) and reported against the first.
        assert list(result.duplicates["line"]) == [8, 10]
        assert list(result.duplicates["value"]) == [7, 7]

    def test_duplicates_are_equal_cell_for_cell(self) -> None:
        """Lines whose cells differ only in where one ends and the next begins are no repeats,
        whatever characters the cells hold (a unit separator, here)."""
        data = (
            b"Customer,Date,Amount,Region,Note\n"
            b"C1,2024-01-05,1,a\x1fb,c\n"
            b"C1,2024-01-05,1,a,b\x1fc\n"
            b"C1,2024-01-05,1,ab,\n"
            b"C1,2024-01-05,1,a,b\n"
            b"C1,2024-01-05,1,a,b\n"
        )
        _, result = load(data)
        assert list(result.duplicates["line"]) == [6]
        assert list(result.duplicates["value"]) == [5]
        assert_account(result, read=5, total=50_000, months={"2024-01": 50_000})


# --- Parquet ---------------------------------------------------------------------------------

PARQUET_IDS = ["C1", "C2", "00042", "C1"]
PARQUET_AMOUNTS = [1200.5, -300.25, 99.99, 0.01]
PARQUET_DATES = [
    dt.date(2024, 1, 31),
    dt.date(2024, 2, 1),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 1),
]
# 1200.50 - 300.25 + 99.99 + 0.01 = 1000.25
PARQUET_TOTAL = 10_002_500
PARQUET_MONTHS = {"2024-01": 12_005_000, "2024-02": -2_002_600, "2024-03": 100}
TAIPEI = ZoneInfo("Asia/Taipei")


def parquet_date_column(kind: str) -> pa.Array:
    """The dates as date32, as naive timestamps with a time of day (to the microsecond), or as
    Taipei times early in the morning (the day before in UTC)."""
    if kind == "date32":
        return pa.array(PARQUET_DATES, pa.date32())
    if kind == "timestamp":
        stamps = [dt.datetime.combine(d, dt.time(23, 59, 59, 999_999)) for d in PARQUET_DATES]
        return pa.array(stamps, pa.timestamp("us"))
    stamps = [dt.datetime.combine(d, dt.time(7, 30), tzinfo=TAIPEI) for d in PARQUET_DATES]
    return pa.array(stamps, pa.timestamp("ms", tz="Asia/Taipei"))


class TestParquet:
    def test_csv_version(self) -> None:
        rows = [["Customer ID", "Order Date", "Amount"]]
        rows += [
            [i, d.isoformat(), repr(a)]
            for i, d, a in zip(PARQUET_IDS, PARQUET_DATES, PARQUET_AMOUNTS, strict=True)
        ]
        _, result = load(csv_bytes(rows))
        assert_account(result, read=4, total=PARQUET_TOTAL, months=PARQUET_MONTHS)

    @pytest.mark.parametrize("dates", ["date32", "timestamp", "timestamp-taipei"])
    @pytest.mark.parametrize("amounts", ["float64", "decimal128", "string"])
    def test_typed_columns_read_like_the_csv(self, dates: str, amounts: str) -> None:
        if amounts == "float64":
            amount_column = pa.array(PARQUET_AMOUNTS, pa.float64())
        elif amounts == "decimal128":
            values = [Decimal(repr(a)).quantize(Decimal("0.01")) for a in PARQUET_AMOUNTS]
            amount_column = pa.array(values, pa.decimal128(12, 2))
        else:
            amount_column = pa.array([repr(a) for a in PARQUET_AMOUNTS], pa.string())
        table = pa.table(
            {
                "Customer ID": pa.array(PARQUET_IDS, pa.string()),
                "Order Date": parquet_date_column(dates),
                "Amount": amount_column,
                "Region": pa.array(["N", "S", "N", "N"]).dictionary_encode(),
            }
        )
        raw, result = load(parquet_bytes(table))
        assert raw.format == "parquet"
        assert list(result.transactions["customer_id"]) == PARQUET_IDS
        assert list(result.transactions["region"]) == ["N", "S", "N", "N"]
        assert dates_of(result) == [d.isoformat() for d in PARQUET_DATES]
        assert_account(result, read=4, total=PARQUET_TOTAL, months=PARQUET_MONTHS)

    def test_nulls_integers_and_no_rows(self) -> None:
        table = pa.table(
            {
                "customer": pa.array([1, None, 3], pa.int64()),
                "date": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2), None], pa.date32()),
                "revenue": pa.array([5, 6, 7], pa.int32()),
            }
        )
        _, result = load(parquet_bytes(table))
        assert list(result.transactions["customer_id"]) == ["1"]
        assert_account(
            result,
            read=3,
            total=50_000,
            months={"2024-01": 50_000},
            rejected={"blank_customer_id": 1, "unreadable_date": 1},
        )
        _, empty = load(parquet_bytes(table.slice(0, 0)))
        assert_account(empty, read=0, total=0, months={})


# --- bad input -------------------------------------------------------------------------------


def random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "key"),
        [
            (b"", "error.empty_file"),
            (b" \r\n\n\t\n", "error.empty_file"),
            (BOM, "error.empty_file"),
            (random_bytes(4096, 1), "error.binary"),
            (b"\x89PNG\r\n\x1a\n" + random_bytes(512, 2), "error.binary"),
            (b"PK\x03\x04" + random_bytes(512, 3), "error.corrupt"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random_bytes(512, 4), "error.corrupt"),
            (b"PAR1" + random_bytes(512, 5), "error.corrupt"),
            (b"Customer\nC1\nC2\n", "error.single_column"),
            ("客戶編號\nC1\n".encode("cp950"), "error.single_column"),
        ],
        ids=[
            "empty",
            "blank-lines",
            "bom-only",
            "random",
            "png",
            "zip-magic",
            "ole2-magic",
            "parquet-magic",
            "single-column",
            "single-column-big5",
        ],
    )
    def test_unreadable_files(self, data: bytes, key: str) -> None:
        with pytest.raises(LoadError) as info:
            load(data)
        assert info.value.key == key

    def test_password_protected_workbook_end_to_end(self) -> None:
        with pytest.raises(LoadError) as info:
            load(encrypted(xlsx_bytes({"Sales": sales_sheet([])})))
        assert info.value.key == "error.password"

    @pytest.mark.parametrize(
        "data",
        [b"foo,bar,baz\n1,2,3\n", b"id;when;what\nC1;2024-01-05;10\n"],
        ids=["comma", "semicolon"],
    )
    def test_no_usable_columns(self, data: bytes) -> None:
        with pytest.raises(KadashError) as info:
            load(data)
        assert info.value.key == "error.mapping_missing"

    @pytest.mark.parametrize(
        "data",
        [
            "客戶編號,日期,金額\r\n".encode("cp950"),
            b"Customer;Date;Amount",
            b"Customer\tDate\tAmount\n\n\n",
        ],
        ids=["big5-crlf", "no-line-end", "trailing-blank-lines"],
    )
    def test_header_only(self, data: bytes) -> None:
        _, result = load(data)
        assert_account(result, read=0, total=0, months={})


@pytest.mark.parametrize(
    ("amounts", "total", "currency"),
    [
        (["¥100", "100元", "RMB 1,000.50", "5"], 1_205_0000 + 5000, "CNY"),
        (["NT$100", "$20", "3"], 123_0000, "TWD"),
        (["$1", "$2"], 3_0000, "$"),
    ],
    ids=["yuan-marks", "nt-dollar-and-dollar", "bare-dollar"],
)
def test_marks_of_one_currency_add_up(amounts, total, currency):
    """A mark several currencies use ($, ¥, 元) beside a specific one is read as that one."""
    from kadash.amounts import parse_amounts

    parsed = parse_amounts(amounts)
    assert int(parsed.minor.sum()) == total
    assert parsed.currency == currency
