"""Fuzzing the loader: whatever the bytes, loading returns a result or raises a KadashError.

Hypothesis feeds random bytes, mangled CSV (valid CSV in a random encoding, then bytes flipped,
cut, or quotes, delimiters, NULs and line ends inserted) and random or damaged bodies behind
the ZIP / OLE2 / Parquet magic numbers to ``read_cells`` and, when it returns, to
``parse_transactions`` with the guessed mapping. Any other exception fails the test; so does a
result whose lines are not all accounted for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

import kadash.load
from kadash.columns import guess_mapping
from kadash.errors import KadashError
from kadash.load import DELIMITERS, LoadError, RawTable, read_cells
from kadash.parse import parse_transactions
from kadash.sheets import OLE2_MAGIC, PARQUET_MAGIC, ZIP_MAGIC

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp950", "gb18030", "cp1252"]


def load_or_refuse(
    data: bytes,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    date_order: str | None = None,
) -> None:
    """Both steps of loading; only a KadashError may stop them. A result accounts for every line."""
    try:
        raw = read_cells(data, encoding=encoding, delimiter=delimiter)
    except KadashError:
        return
    assert isinstance(raw, RawTable)
    assert len(raw.header) == raw.cells.shape[1]
    try:
        result = parse_transactions(
            raw, guess_mapping(raw.header), decimal=decimal, date_order=date_order
        )
    except KadashError:
        return
    assert result.rows_read == raw.rows
    assert result.rows_accepted + result.rows_rejected == result.rows_read
    assert sum(result.rejected_by_reason.values()) == result.rows_rejected


# --- strategies ------------------------------------------------------------------------------

HEADERS = [
    ["Customer", "Date", "Amount"],
    ["客戶編號", "客戶名稱", "日期", "金額", "毛利"],
    ["客户编号", "交易日期", "销售额", "区域"],
    ["Customer ID", "Order Date", "Net Sales", "Gross Profit", "Region"],
]
AMOUNTS = [
    "1,234.50", "1.286,01", "(1,234.00)", "1.234,00-", "NT$100", "US$ 5", "¥3", "￥4", "RMB 7",
    "8元", "€9,50", "12,5", "1,234", "1.234", "-0.5", "１２３４．５０", "1E5", "1e999999999",
    "9" * 20, "0.00001", "--1", "()", "$", "",
]  # fmt: skip
DATES = [
    "2024-01-05", "2024/1/5", "05.01.2024", "05/01/2024", "01/13/2024", "13/01/2024",
    "1-13-2024", "113/01/05", "民國113年1月5日", "2024年1月5日", "45296", "99999", "2024-02-30",
    "2024-01-05 13:45:00", "",
]  # fmt: skip
IDS = ["C1", "00042", "", "   ", "合計", "Total", "Grand total", "客戶編號", "Customer"]
# Cell text: letters, digits, punctuation, symbols, spaces, and line ends and tabs (quoted by
# the CSV writer). No other control characters: three of them make a file look binary.
ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), include_characters="\t\n\r"
)
cell = st.one_of(
    st.sampled_from(AMOUNTS),
    st.sampled_from(DATES),
    st.sampled_from(IDS),
    st.text(ALPHABET, max_size=10),
)


@st.composite
def csv_text(draw: st.DrawFn) -> tuple[str, str]:
    """A valid CSV (text) with a known header, maybe a title block and repeated headers."""
    header = draw(st.sampled_from(HEADERS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    rows: list[list[str]] = []
    if draw(st.booleans()):
        rows.append([draw(st.text(ALPHABET, max_size=20))])  # a title line
    rows.append(header)
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 9)) == 0:
            rows.append(header)
        else:
            width = len(header) + draw(st.integers(-2, 2))
            rows.append(draw(st.lists(cell, min_size=max(width, 0), max_size=max(width, 0))))
    out = io.StringIO(newline="")
    csv.writer(
        out,
        delimiter=delimiter,
        lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    ).writerows(rows)
    return out.getvalue(), delimiter


INSERTS = [b'"', b",", b";", b"\t", b"|", b"\x00", b"\r", b"\n", b'""', b"\xef\xbb\xbf", b"\xff"]


@st.composite
def mangled(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few random edits: byte flips, inserted bytes, a cut, a deleted slice."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "truncate", "delete"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if kind == "flip" and out:
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            out[at:at] = draw(st.sampled_from(INSERTS) | st.binary(min_size=1, max_size=4))
        elif kind == "truncate":
            del out[at:]
        else:
            del out[at : at + draw(st.integers(1, 16))]
    return bytes(out)


@st.composite
def mangled_csv(draw: st.DrawFn) -> bytes:
    text, _ = draw(csv_text())
    encoding = draw(st.sampled_from(ENCODINGS))
    return draw(mangled(text.encode(encoding, errors="replace")))


def _small_workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Sales")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["客戶編號", "日期", "金額"])
    sheet.write_row(1, 0, ["00042"])
    sheet.write_datetime(1, 1, dt.datetime(2024, 1, 5), date)
    sheet.write_number(1, 2, 1200.5)
    sheet.write_row(2, 0, ["合計", "", 1200.5])
    book.close()
    return buffer.getvalue()


def _small_parquet() -> bytes:
    buffer = io.BytesIO()
    table = pa.table(
        {
            "Customer": ["C1", "C2"],
            "Date": pa.array([dt.date(2024, 1, 5), dt.date(2024, 2, 5)], pa.date32()),
            "Amount": [1.5, -2.25],
        }
    )
    pq.write_table(table, buffer)
    return buffer.getvalue()


VALID_BINARIES = {"xlsx": _small_workbook(), "parquet": _small_parquet()}


# --- properties ------------------------------------------------------------------------------


class TestFuzz:
    @given(data=st.binary(max_size=2048))
    def test_random_bytes(self, data: bytes) -> None:
        load_or_refuse(data)

    @given(
        data=mangled_csv(),
        encoding=st.sampled_from([None, None, None, *ENCODINGS]),
        decimal=st.sampled_from([None, ".", ","]),
        date_order=st.sampled_from([None, "dmy", "mdy"]),
    )
    def test_mangled_csv(
        self, data: bytes, encoding: str | None, decimal: str | None, date_order: str | None
    ) -> None:
        load_or_refuse(data, encoding=encoding, decimal=decimal, date_order=date_order)

    @given(
        text=csv_text(),
        decimal=st.sampled_from([None, ".", ","]),
        date_order=st.sampled_from([None, "dmy", "mdy"]),
    )
    def test_valid_csv_is_read(
        self, text: tuple[str, str], decimal: str | None, date_order: str | None
    ) -> None:
        """Unmangled CSV with a known header always reads; parsing may only ask a question."""
        body, delimiter = text
        raw = read_cells(body.encode("utf-8"), delimiter=delimiter)
        try:
            result = parse_transactions(
                raw, guess_mapping(raw.header), decimal=decimal, date_order=date_order
            )
        except KadashError:
            return
        assert result.rows_accepted + result.rows_rejected == result.rows_read == raw.rows

    @given(
        magic=st.sampled_from([ZIP_MAGIC, OLE2_MAGIC, PARQUET_MAGIC]),
        body=st.binary(max_size=2048),
    )
    def test_random_bytes_behind_a_magic_number(self, magic: bytes, body: bytes) -> None:
        load_or_refuse(magic + body)

    @given(st.data())
    @pytest.mark.parametrize("kind", list(VALID_BINARIES))
    def test_damaged_workbook_or_parquet(self, kind: str, data: st.DataObject) -> None:
        load_or_refuse(data.draw(mangled(VALID_BINARIES[kind])))


class PanicException(BaseException):
    """Like pyo3's PanicException (a Rust panic in python-calamine): no ``Exception``."""


class TestParserPanics:
    @pytest.mark.parametrize(
        ("target", "data"),
        [
            ("excel_rows", VALID_BINARIES["xlsx"]),
            ("parquet_columns", VALID_BINARIES["parquet"]),
            ("detect_encoding", "客戶編號,日期,金額\nC1,2024-01-05,1\n".encode("cp950")),
        ],
    )
    def test_a_panic_becomes_a_load_error(
        self, monkeypatch: pytest.MonkeyPatch, target: str, data: bytes
    ) -> None:
        def panic(*_args: object, **_kwargs: object) -> None:
            raise PanicException("called `Option::unwrap()` on a `None` value")

        monkeypatch.setattr(kadash.load, target, panic)
        with pytest.raises(LoadError) as info:
            read_cells(data)
        assert info.value.key == "error.corrupt"
        assert "PanicException" in str(info.value)

    def test_a_panic_in_the_csv_reader(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def panic(*_args: object, **_kwargs: object) -> None:
            raise PanicException("boom")

        monkeypatch.setattr(kadash.load.pa_csv, "read_csv", panic)
        with pytest.raises(LoadError) as info:
            read_cells(b"Customer,Date,Amount\nC1,2024-01-05,1\n")
        assert info.value.key == "error.corrupt"

    def test_keyboard_interrupt_is_not_swallowed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def interrupt(*_args: object, **_kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(kadash.load, "excel_rows", interrupt)
        with pytest.raises(KeyboardInterrupt):
            read_cells(VALID_BINARIES["xlsx"])

    def test_the_undamaged_files_load(self) -> None:
        """The seeds of the damage test are themselves readable."""
        for data in VALID_BINARIES.values():
            raw = read_cells(data)
            result = parse_transactions(raw, guess_mapping(raw.header))
            assert result.rows_read == 2


def test_parquet_text_that_is_not_utf8_is_refused():
    """Found by the fuzz test above: a damaged Parquet file whose text column holds bytes that
    are not UTF-8 is refused with the damaged-file message, not an Arrow error."""
    data = (Path(__file__).parent / "data" / "damaged-utf8.parquet").read_bytes()
    with pytest.raises(LoadError, match="cannot be read as a table"):
        read_cells(data)
