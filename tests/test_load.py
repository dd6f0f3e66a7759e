"""Step 1 of loading: bytes → cells as text, with spreadsheet line numbers.

Expected cells are written out by hand from the fixture files in ``tests/data/`` (or, in the
properties, are the very cells that were written with Python's :mod:`csv`), never produced by
the reader under test.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.errors import KadashError
from kadash.load import (
    DELIMITERS,
    LoadError,
    RawTable,
    _read_exact,
    _read_fast,
    read_cells,
    sniff_delimiter,
)

DATA = Path(__file__).resolve().parent / "data"
BOM = b"\xef\xbb\xbf"


def cells_frame(columns: dict[str, list[str]], first_line: int = 2) -> pd.DataFrame:
    """The frame ``read_cells`` should give: text columns indexed by spreadsheet line."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame(
        {name: pd.array(values, dtype="str") for name, values in columns.items()},
        index=pd.RangeIndex(first_line, first_line + n, name="line"),
    )


def overflow_series(values: dict[int, str]) -> pd.Series:
    return pd.Series(values, dtype="str", name="overflow").rename_axis("line")


def write_csv(rows: list[list[str]], delimiter: str, lineterminator: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return out.getvalue().encode("utf-8")


def both_readers(data: bytes, names: list[str], delimiter: str) -> pd.DataFrame:
    """Cells from the exact reader, after checking the fast one agrees whenever it answers."""
    exact, overflow = _read_exact(data.decode("utf-8"), names, delimiter)
    fast = _read_fast(data, names, delimiter)
    if fast is not None:
        pd.testing.assert_frame_equal(fast, exact)
        assert overflow.empty
    return exact


class TestFixtureFiles:
    def test_quoted_values_with_delimiter_quotes_and_line_break(self) -> None:
        table = read_cells((DATA / "quoted_values.csv").read_bytes())
        expected = cells_frame(
            {
                "id": ["1", "2", "3", "4"],
                "name": ["Acme, Inc.", "Beta", 'Say "hi"', "Delta"],
                "note": ["plain", "line one\nline two", "", "last"],
            }
        )
        pd.testing.assert_frame_equal(table.cells, expected)
        assert table.header == ("id", "name", "note")
        assert table.delimiter == ","
        assert table.encoding == "utf-8"
        assert table.rows == 4
        assert table.overflow.empty

    def test_bom_crlf_semicolon_blank_line(self) -> None:
        data = (DATA / "bom_crlf_semicolon.csv").read_bytes()
        assert data.startswith(BOM) and data.count(b"\r\n") == 6  # fixture kept byte-exact
        table = read_cells(data)
        expected = cells_frame(
            {
                "Customer ID": ["00042", "", "C;2", "C3"],
                "Date": ["2024-01-05", "", "2024-01-06", "2024-01-07"],
                "Amount": ["1.234,50", "", "two\r\nlines", "7"],
            }
        )
        pd.testing.assert_frame_equal(table.cells, expected)
        assert table.header == ("Customer ID", "Date", "Amount")
        assert table.delimiter == ";"
        assert table.encoding == "utf-8-sig"

    def test_cells_stay_exact_text(self) -> None:
        table = read_cells((DATA / "text_cells_pipe.csv").read_bytes())
        expected = cells_frame(
            {
                "customer_id": ["00042", "null", "007"],
                "date": ["2024-01-05", "2024-01-06", "2024-01-07"],
                "amount": [" 12 ", "N/A", "1e5"],
                "note": ["NA", "null", "TRUE"],
            }
        )
        assert table.delimiter == "|"
        pd.testing.assert_frame_equal(table.cells, expected)

    def test_short_rows_padded_and_extra_cells_set_aside(self) -> None:
        table = read_cells((DATA / "short_and_long_rows.csv").read_bytes())
        expected = cells_frame(
            {
                "a": ["1", "4", "6", "7", "10", "13"],
                "b": ["2", "5", "", "8", "11", "14"],
                "c": ["3", "", "", "9", "12", "15"],
            }
        )
        pd.testing.assert_frame_equal(table.cells, expected)
        # Line 5 ("7,8,9,,") has only empty extras: trailing delimiters, not overflow.
        pd.testing.assert_series_equal(table.overflow, overflow_series({6: "extra", 7: " more "}))

    def test_traditional_chinese_tab_file(self) -> None:
        table = read_cells((DATA / "traditional_chinese_tab.csv").read_bytes())
        assert table.delimiter == "\t"
        assert table.header[:3] == ("客戶編號", "日期", "金額")
        assert table.cells.loc[2, "客戶編號"] == "00042"
        assert table.cells.loc[3, "毛利"] == ""
        assert list(table.cells.index) == [2, 3]


class TestLineNumbers:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (b"a,b\n1,2\n3,4\n", {"a": ["1", "3"], "b": ["2", "4"]}),
            (b"a,b\n1,2\n3,4", {"a": ["1", "3"], "b": ["2", "4"]}),
            (b"a,b\r\n1,2\r\n3,4\r\n", {"a": ["1", "3"], "b": ["2", "4"]}),
            (b"a,b\r1,2\r3,4\r", {"a": ["1", "3"], "b": ["2", "4"]}),
            (b"a,b\n1,2\n\n3,4\n", {"a": ["1", "", "3"], "b": ["2", "", "4"]}),
            (b"a,b\n\n\n1,2\n", {"a": ["", "", "1"], "b": ["", "", "2"]}),
            (b'a,b\n"x\ny\nz",2\n3,4\n', {"a": ["x\ny\nz", "3"], "b": ["2", "4"]}),
            (b'a,b\r\n"x\r\ny",2\r\n\r\n3,4\r\n', {"a": ["x\r\ny", "", "3"], "b": ["2", "", "4"]}),
        ],
        ids=[
            "lf",
            "no-final-newline",
            "crlf",
            "lone-cr",
            "blank-line",
            "leading-blank-lines",
            "quoted-newlines",
            "crlf-quoted-and-blank",
        ],
    )
    def test_record_index_plus_two(self, data: bytes, expected: dict[str, list[str]]) -> None:
        pd.testing.assert_frame_equal(read_cells(data).cells, cells_frame(expected))

    def test_header_only(self) -> None:
        table = read_cells(b"a,b\n")
        pd.testing.assert_frame_equal(table.cells, cells_frame({"a": [], "b": []}))
        assert table.rows == 0

    def test_quoted_line_break_across_a_pyarrow_block(self) -> None:
        # pyarrow reads in blocks of 1 MiB. A quoted line break on a block boundary once made
        # the fast reader split `1,"x…\nCity, Country"` into two rows of two cells each, so
        # the row count matched the physical lines and every later line was off by one.
        # The offsets put the quoted "\n" at and just after byte 2**20.
        row = "c" * 60 + ",2\n"
        head = "a,b\n" + row * ((2**20 - 200) // len(row))
        n_plain = head.count("\n") - 1
        for offset in (0, 1, 2):
            fill = 2**20 - len(head) - 3 + offset
            record = '1,"' + "x" * fill + '\nCity, Country"\n'
            assert len(head) + record.index("\n") == 2**20 + offset
            table = read_cells((head + record + "last,4\n").encode())
            assert table.rows == n_plain + 2
            assert table.cells.loc[n_plain + 2].tolist() == ["1", "x" * fill + "\nCity, Country"]
            assert table.cells.loc[n_plain + 3].tolist() == ["last", "4"]
            assert table.overflow.empty


class TestHeader:
    def test_bom_and_spaces_removed_names_made_unique(self) -> None:
        table = read_cells(BOM + b"Customer ID, Date ,,Date,\n1,2,3,4,5\n")
        assert table.header == ("Customer ID", "Date", "#3", "Date#2", "#5")
        assert list(table.cells.columns) == list(table.header)
        assert table.cells.loc[2].tolist() == ["1", "2", "3", "4", "5"]

    def test_quoted_header_with_delimiter(self) -> None:
        table = read_cells(b'"Amount, net",id\n5,C1\n')
        assert table.header == ("Amount, net", "id")
        assert table.delimiter == ","


class TestSniffDelimiter:
    @pytest.mark.parametrize(
        ("first_line", "expected"),
        [
            ("a,b,c", ","),
            ("a;b;c", ";"),
            ("a\tb\tc", "\t"),
            ("a|b|c", "|"),
            ('"x;y;z",b,c', ","),
            ('"a,b,c";d', ";"),
            ("a,b;c", ","),
            ("a;b|c|d", "|"),
            ("abc", ","),
            ("a;b\nc,d,e,f", ";"),
            ("客戶;日期;金額", ";"),
        ],
        ids=[
            "comma",
            "semicolon",
            "tab",
            "pipe",
            "quoted-semicolons",
            "quoted-commas",
            "tie-first-wins",
            "most-wins",
            "none-defaults-comma",
            "first-line-only",
            "cjk",
        ],
    )
    def test_sniff(self, first_line: str, expected: str) -> None:
        assert sniff_delimiter(first_line) == expected

    @pytest.mark.parametrize("delimiter", DELIMITERS, ids=["comma", "semicolon", "tab", "pipe"])
    def test_read_cells_sniffs_and_splits(self, delimiter: str) -> None:
        data = delimiter.join(["id", "n"]).encode() + b"\n" + f"1{delimiter}x".encode() + b"\n"
        table = read_cells(data)
        assert table.delimiter == delimiter
        pd.testing.assert_frame_equal(table.cells, cells_frame({"id": ["1"], "n": ["x"]}))

    def test_explicit_delimiter_wins(self) -> None:
        table = read_cells(b"a;b,c\n1;2,3\n", delimiter=";")
        pd.testing.assert_frame_equal(table.cells, cells_frame({"a": ["1"], "b,c": ["2,3"]}))


class TestErrors:
    @pytest.mark.parametrize(
        ("data", "key"),
        [
            (b"", "error.empty_file"),
            (b"  \r\n\n\t", "error.empty_file"),
            (BOM, "error.empty_file"),
            (b"\na,b\n1,2\n", "error.blank_header"),
            (b" , \n1,2\n", "error.blank_header"),
        ],
        ids=["empty", "whitespace-only", "bom-only", "blank-first-line", "blank-names"],
    )
    def test_no_table(self, data: bytes, key: str) -> None:
        with pytest.raises(LoadError) as info:
            read_cells(data)
        assert info.value.key == key
        assert isinstance(info.value, KadashError)

    def test_empty_file_message(self) -> None:
        with pytest.raises(LoadError, match="The file is empty"):
            read_cells(b"")

    @pytest.mark.parametrize(
        ("data", "line", "byte"),
        [
            ("客戶,金額\n".encode("big5") + b"1,2\n", 1, "0xAB"),
            (b"id,name\n1,ok\n2,Caf\xe9\n", 3, "0xE9"),
            (b"id,name\n1,ok\n\n2,\xff\n", 4, "0xFF"),
            (b"id,b\n1,2\nx,\xe5\xae", 3, "0xE5"),
        ],
        ids=["big5-header", "latin1-cell", "after-blank-line", "cut-off"],
    )
    def test_not_utf8_names_the_line(self, data: bytes, line: int, byte: str) -> None:
        # The encoding is imposed: detection would read these as Big5 or cp1252.
        with pytest.raises(LoadError, match=f"line {line}, byte {byte}") as info:
            read_cells(data, encoding="utf-8")
        assert info.value.key == "error.not_utf8"

    def test_not_utf8_after_the_first_64_kib(self) -> None:
        rows = b"".join(b"%d,plain text\n" % i for i in range(6000))
        data = b"id,name\n" + rows + b"6000,Caf\xe9\n"
        assert len(data) > 2**16
        with pytest.raises(LoadError, match="line 6002, byte 0xE9"):
            read_cells(data, encoding="utf-8")

    def test_bad_delimiter(self) -> None:
        with pytest.raises(LoadError, match="Unsupported delimiter") as info:
            read_cells(b"a:b\n1:2\n", delimiter=":")
        assert info.value.key == "error.bad_delimiter"


class TestChoices:
    """What a person types for an encoding or delimiter, and files that need a second look."""

    @pytest.mark.parametrize(
        ("name", "codec"),
        [("Big5", "cp950"), ("GBK", "gb18030"), ("gb2312", "gb18030"), ("UTF8", "utf-8")],
    )
    def test_encoding_names(self, name: str, codec: str) -> None:
        data = "客戶,金額\nA,1\n".encode(codec)
        table = read_cells(data, encoding=name)
        assert table.encoding == codec
        assert table.header == ("客戶", "金額")

    def test_unknown_encoding(self) -> None:
        with pytest.raises(KadashError, match="Unknown encoding 'klingon'") as info:
            read_cells(b"a,b\n1,2\n", encoding="klingon")
        assert info.value.key == "error.unknown_encoding"

    @pytest.mark.parametrize(
        ("name", "mark"), [("semicolon", ";"), ("TAB", "\t"), ("\\t", "\t"), ("pipe", "|")]
    )
    def test_delimiter_names(self, name: str, mark: str) -> None:
        table = read_cells(f"a{mark}b\n1{mark}2\n".encode(), delimiter=name)
        assert table.delimiter == mark
        pd.testing.assert_frame_equal(table.cells, cells_frame({"a": ["1"], "b": ["2"]}))

    def test_gzip_is_read_inside(self) -> None:
        import gzip

        table = read_cells(gzip.compress("客戶,金額\nA,1\n".encode("big5")))
        assert (table.encoding, table.header) == ("cp950", ("客戶", "金額"))

    def test_broken_gzip(self) -> None:
        import gzip

        with pytest.raises(LoadError) as info:
            read_cells(gzip.compress(b"a,b\n1,2\n" * 100)[:30])
        assert info.value.key == "error.corrupt"

    def test_utf16_without_mark_forced(self) -> None:
        # Forcing "utf-16" on a file with no byte order mark cannot guess the byte order.
        with pytest.raises(LoadError) as info:
            read_cells("a,b\n1,2\n".encode("utf-16-le"), encoding="utf-16")
        assert info.value.key == "error.bad_byte"

    def test_big5_byte_after_the_detection_sample(self) -> None:
        # The first 300 KB are ASCII (valid UTF-8); Big5 names come last.
        rows = b"".join(b"C%06d,2024-01-01,1\n" % i for i in range(16000))
        names = ["臺灣積體電路製造股份有限公司", "鴻海精密工業", "聯發科技", "國泰人壽保險"]
        late = "".join(f"{n},2024-01-02,2\n" for n in names * 5).encode("big5")
        data = b"customer,date,amount\n" + rows + late
        assert len(data) > 300_000
        table = read_cells(data)
        assert table.encoding == "cp950"
        assert table.cells.iloc[-1].tolist() == ["國泰人壽保險", "2024-01-02", "2"]
        assert table.cells.index[-1] == 16021


class TestReaders:
    """The two readers directly: the fast one answers only for provably simple files."""

    @pytest.mark.parametrize(
        "data",
        [b"a,b\n1,2\n3,4\n", b"a,b\r\n1,2\r\n3,4", b'a,b\n"1,5","x ""y"""\n'],
        ids=["lf", "crlf", "quoted"],
    )
    def test_fast_path_taken_for_simple_files(self, data: bytes) -> None:
        fast = _read_fast(data, ["a", "b"], ",")
        assert fast is not None
        exact, overflow = _read_exact(data.decode(), ["a", "b"], ",")
        pd.testing.assert_frame_equal(fast, exact)
        assert overflow.empty

    @pytest.mark.parametrize(
        "data",
        [
            b"a,b\n1,2\n\n3,4\n",
            b'a,b\n"1\n2",3\n',
            b"a,b\n1\n",
            b"a,b\n1,2,3\n",
            b"a,b\r1,2\r",
            b"a,b\n1,2\n\xff,3\n",
        ],
        ids=["blank-line", "quoted-newline", "short-row", "long-row", "lone-cr", "not-utf8"],
    )
    def test_fast_path_declines(self, data: bytes) -> None:
        assert _read_fast(data, ["a", "b"], ",") is None


# ---- properties ---------------------------------------------------------------------------

_CELL_CHARS = st.sampled_from(list("ab Z09,;|\t\"'\n\r.-客戶é€")) | st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")
)


@st.composite
def csv_tables(draw: st.DrawFn) -> tuple[bytes, list[str], list[list[str]], str]:
    """A header plus rows of text cells, written with Python's csv module."""
    width = draw(st.integers(2, 4))  # one column cannot be a transactions table
    delimiter = draw(st.sampled_from(DELIMITERS))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    chars = _CELL_CHARS if terminator == "\r\n" else _CELL_CHARS.filter(lambda c: c != "\r")
    header = [f"col{i}" if i % 2 else f"客戶{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(st.text(chars, max_size=6), min_size=width, max_size=width)))
    data = write_csv([header, *rows], delimiter, terminator)
    if rows and draw(st.booleans()):
        data = data.removesuffix(terminator.encode())
    return data, header, rows, delimiter


class TestProperties:
    @given(csv_tables())
    def test_read_cells_returns_the_written_cells(self, table) -> None:
        data, header, rows, delimiter = table
        while rows and not any(cell.strip() for cell in rows[-1]):
            rows = rows[:-1]  # blank rows at the very end of a file are not rows
        result = read_cells(data)
        assert result.delimiter == delimiter
        assert result.header == tuple(header)
        expected = cells_frame({name: [row[i] for row in rows] for i, name in enumerate(header)})
        pd.testing.assert_frame_equal(result.cells, expected)
        assert result.overflow.empty

    @given(csv_tables())
    def test_both_readers_give_the_written_cells(self, table) -> None:
        data, header, rows, delimiter = table
        expected = cells_frame({name: [row[i] for row in rows] for i, name in enumerate(header)})
        pd.testing.assert_frame_equal(both_readers(data, header, delimiter), expected)

    @given(
        st.sampled_from(DELIMITERS),
        st.integers(1, 3),
        st.lists(st.sampled_from([*'ab ,;|\t"\n\r客', "\r\n"]), max_size=30),
    )
    def test_fast_agrees_with_exact_on_any_text(
        self, delimiter: str, width: int, tokens: list[str]
    ) -> None:
        # Not only csv-module output: stray quotes, ragged rows, blank lines...
        names = [f"c{i}" for i in range(width)]
        data = (delimiter.join(names) + "\n" + "".join(tokens)).encode()
        both_readers(data, names, delimiter)

    @given(st.lists(st.booleans(), min_size=1, max_size=8))
    def test_blank_lines_are_rows(self, blanks: list[bool]) -> None:
        # ...between rows; blank lines at the very end of the file are not rows.
        while blanks and blanks[-1]:
            blanks = blanks[:-1]
        lines = ["" if blank else f"v{i},w" for i, blank in enumerate(blanks)]
        table = read_cells(("a,b\n" + "\n".join(lines) + "\n").encode())
        assert isinstance(table, RawTable)
        expected = cells_frame(
            {
                "a": [line.split(",")[0] if line else "" for line in lines],
                "b": ["w" if line else "" for line in lines],
            }
        )
        pd.testing.assert_frame_equal(table.cells, expected)
