"""Step 1 of loading: file bytes → cells as text, with the line numbers a spreadsheet shows.

Nothing is interpreted here: every cell stays the exact text of the file (no number or date
guessing, no "NA" turned into missing), so step 2 (:mod:`kadash.parse`) can explain every
line it rejects. The header is line 1; each record after it is one line, as in a spreadsheet
(a quoted value spanning two physical lines is still one row).

Two readers give the same result: a fast one (pyarrow's CSV reader) used when the file is
provably simple, and an exact one (Python's :mod:`csv`) for everything else (blank lines,
values with line breaks, rows with extra cells).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kadash.cells import string_buffers
from kadash.columns import find_header_row, recognised_fields
from kadash.encodings import canonical_encoding, detect_encoding
from kadash.errors import KadashError, Term
from kadash.sheets import OLE2_MAGIC, PARQUET_MAGIC, ZIP_MAGIC, excel_rows, parquet_columns

__all__ = [
    "DELIMITERS",
    "LoadError",
    "RawTable",
    "TextLayout",
    "file_format",
    "layout_of",
    "read_cells",
    "read_columns",
    "read_rows",
    "sniff_delimiter",
]

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 16
_SNIFF_BYTES = 1 << 18  # what encoding detection looks at
_GZIP = b"\x1f\x8b"
_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
_HEADER_SEARCH = 30  # rows looked at for the header (a title block may come first)


class LoadError(KadashError):
    """The file cannot be read as a table; the message says what to fix."""


@dataclass(frozen=True)
class RawTable:
    """Cells of a table file as text.

    Attributes
    ----------
    cells
        One column per header name (made unique), ``str`` dtype, indexed by ``line``: the
        row number a spreadsheet would show (the header's line + 1 for the first data row).
    header
        Column names as written in the file (surrounding spaces and a BOM removed), made
        unique: a blank name becomes ``#n`` (its position) and a repeat gets ``#2``, ``#3``….
    overflow
        For lines with more cells than the header: the extra non-empty cells joined by the
        delimiter, indexed by line (reported, not used).
    format
        ``"csv"``, ``"excel"`` or ``"parquet"``.
    encoding, delimiter
        How a text file was read (``None`` for the other formats).
    sheet, sheets
        The workbook sheet read, and all of its sheets (Excel only).
    header_line
        The line of the header (after any title block above it).
    """

    cells: pd.DataFrame
    header: tuple[str, ...]
    encoding: str | None = "utf-8"
    delimiter: str | None = ","
    overflow: pd.Series = field(default_factory=lambda: pd.Series([], dtype="str"))
    format: str = "csv"
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    header_line: int = 1

    @property
    def rows(self) -> int:
        """Number of data rows (every line after the header, blank ones included)."""
        return len(self.cells)


def sniff_delimiter(sample: str) -> str:
    """Pick the delimiter from the header line.

    The header line is found as :func:`~kadash.columns.find_header_row` finds it, so a title
    block above it (whose lines may hold no delimiter, or another) does not decide: the first
    of the first 30 lines naming the most of our fields (at least two, under any candidate
    delimiter), else the first line. The candidate (``,`` ``;`` tab ``|``) occurring most often
    outside double quotes in the header line wins; a tie goes to the earlier candidate in
    :data:`DELIMITERS`.
    """
    lines = sample.split("\n", _HEADER_SEARCH)[:_HEADER_SEARCH]
    scores = [recognised_fields(line) for line in lines]
    first = lines[scores.index(max(scores))] if max(scores) >= 2 else lines[0]
    outside, quoted = [], False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    text = "".join(outside)
    counts = [(text.count(d), -i, d) for i, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


def _decode(data: bytes, encoding: str, *, prefix: bool = False) -> str:
    """Decode strictly; with ``prefix`` the bytes may end inside a character. A byte that does
    not fit names its line."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(data, final=not prefix)
    except UnicodeError as err:  # "UTF-16 stream does not start with BOM" is one too
        if not isinstance(err, UnicodeDecodeError):
            raise LoadError("error.bad_byte", line=1, byte="BOM", encoding=encoding) from None
        line = data.count(b"\n", 0, err.start) + 1
        key = "error.not_utf8" if encoding.startswith("utf-8") else "error.bad_byte"
        raise LoadError(
            key, line=line, byte=f"0x{data[err.start]:02X}", encoding=encoding
        ) from None


def _unique_names(header: list[str]) -> list[str]:
    """Make column names unique and non-empty: blanks become ``#n`` (n = position, from 1),
    repeats get ``#2``, ``#3``… (skipping any suffix the header already uses)."""
    names: list[str] = []
    taken = set(header)
    for i, name in enumerate(header, start=1):
        candidate = name or f"#{i}"
        if candidate in names:
            count = 2
            while f"{candidate}#{count}" in taken or f"{candidate}#{count}" in names:
                count += 1
            candidate = f"{candidate}#{count}"
        names.append(candidate)
    return names


def _parse_header(text: str, delimiter: str) -> tuple[list[str], int, int]:
    """The header cells, the record index of the header (a title block may come first) and
    the number of physical lines up to and including it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    first: list[list[str]] = []
    ends: list[int] = []
    try:
        for record in reader:
            first.append(record)
            ends.append(reader.line_num)
            if len(first) == _HEADER_SEARCH:
                break
    except csv.Error:
        pass  # a broken record after the header is for the reader to report
    if not first:
        raise LoadError("error.empty_file")
    at = find_header_row(first)
    header = [h.replace("\ufeff", "").strip() for h in first[at]]
    if not any(header):
        raise LoadError("error.blank_header")
    return header, at, ends[at]


def _read_fast(
    data: bytes, names: list[str], delimiter: str, header_line: int = 1
) -> pd.DataFrame | None:
    """pyarrow reader; ``None`` when the file is not provably simple (then use the exact one).

    Simple means: every physical line after the header (on ``header_line``) is one record with
    exactly the header's number of cells, so record i is spreadsheet line header_line + 1 + i.
    """
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(skip_rows=header_line, column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                # Quote-aware block splitting: with False, a quoted line break that falls on
                # a block boundary (~1 MiB) splits one record into two and the row count
                # check below can no longer see it.
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    lone_cr = data.count(b"\r") != data.count(b"\r\n")
    # (A row with the wrong number of cells makes pyarrow raise at once: the exact reader
    # takes over, without a Python callback per bad row.)
    if lone_cr or table.num_rows != physical_lines - header_line:
        return None
    frame = table.to_pandas(types_mapper=lambda _t: pd.StringDtype("pyarrow", na_value=np.nan))
    first = header_line + 1
    frame.index = pd.RangeIndex(first, table.num_rows + first, name="line")
    return frame


def _read_exact(
    text: str, names: list[str], delimiter: str, header_row: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Python csv reader: exact record numbers, short rows padded, extra cells set aside.

    The header is record ``header_row`` (after a title block, if any) and the spreadsheet line
    ``header_row + 1``."""
    width = len(names)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    overflow: dict[int, str] = {}
    first = header_row + 2
    try:
        for _ in range(header_row + 1):  # title block and header
            next(reader)
        for line, record in enumerate(reader, start=first):
            if len(record) > width:
                extra = [c for c in record[width:] if c.strip()]
                if extra:
                    overflow[line] = delimiter.join(extra)
                record = record[:width]
            elif len(record) < width:
                record = record + [""] * (width - len(record))
            rows.append(record)
    except csv.Error as err:
        raise LoadError("error.bad_csv", line=reader.line_num, detail=str(err)) from None
    return _frame(names, rows, first), pd.Series(
        overflow, dtype="str", name="overflow"
    ).rename_axis("line")


def _frame(names: list[str], rows: list[list[str]], first_line: int) -> pd.DataFrame:
    """Rows of cell texts → the cells frame, indexed by line from ``first_line``."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pd.DataFrame(
        {name: pd.array(col, dtype="str") for name, col in zip(names, columns, strict=True)},
        index=pd.RangeIndex(first_line, len(rows) + first_line, name="line"),
    )


def _drop_trailing_blank_rows(frame: pd.DataFrame, overflow: pd.Series) -> pd.DataFrame:
    """Blank lines (or lines of bare delimiters, as Excel writes for formatted empty rows) at the
    very end of the file are not rows. Blank lines between rows are, and get rejected."""
    end = len(frame)
    while end and frame.index[end - 1] not in overflow.index:
        if any(str(cell).strip() for cell in frame.iloc[end - 1]):
            break
        end -= 1
    return frame if end == len(frame) else frame.iloc[:end]


def read_cells(
    data: bytes,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Read a table file — delimited text, Excel (.xlsx, .xls) or Parquet — into cells as text.

    Parameters
    ----------
    data
        The file's bytes (the format is told by its first bytes, not its name).
    encoding
        For text: a Python codec name; detected when ``None`` (:mod:`kadash.encodings`).
    delimiter
        For text: ``,`` ``;`` tab or ``|``; sniffed when ``None``.
    sheet
        For a workbook: the sheet to read; the first when ``None``.

    Returns
    -------
    RawTable

    Raises
    ------
    LoadError
        With a message saying what to fix, for any file that cannot be read as a table. No
        other exception escapes, whatever the bytes (a parser's own failure is converted).
    """
    try:
        return _read(data, encoding=encoding, delimiter=delimiter, sheet=sheet)
    except LoadError:
        raise
    except KadashError as err:  # the workbook reader's (kadash.sheets cannot import LoadError)
        raise LoadError(err.key, **err.params) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError):
        raise
    except BaseException as err:  # e.g. a Rust parser's panic, which is no Exception
        raise LoadError("error.corrupt", detail=f"{type(err).__name__}: {err}"[:200]) from None


def file_format(data: bytes) -> str:
    """``"excel"``, ``"parquet"`` or ``"csv"`` (any other text), told by the first bytes."""
    if data.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        return "excel"
    return "parquet" if data.startswith(PARQUET_MAGIC) else "csv"


def _read(
    data: bytes, *, encoding: str | None, delimiter: str | None, sheet: str | None
) -> RawTable:
    if data.startswith(_GZIP):  # a compressed export: read what is inside
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise LoadError("error.corrupt", detail=str(err)) from None
    if not data.strip():
        raise LoadError("error.empty_file")
    if file_format(data) == "excel":
        rows, first_row, name, names = excel_rows(data, sheet)
        return _from_rows(rows, first_row, format="excel", sheet=name, sheets=names)
    if file_format(data) == "parquet":
        header, columns = parquet_columns(data)
        names = _unique_names([h.strip() for h in header])
        frame = pd.DataFrame(
            {
                n: pd.Series(c.to_pandas(types_mapper=_str_dtype))
                for n, c in zip(names, columns, strict=True)
            }
        )
        frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
        return RawTable(
            cells=frame, header=tuple(names), encoding=None, delimiter=None, format="parquet"
        )
    return _read_text(data, encoding=encoding, delimiter=delimiter)


def _str_dtype(_type: pa.DataType) -> pd.StringDtype:
    return pd.StringDtype("pyarrow", na_value=np.nan)


def _from_rows(rows: list[list[str]], first_row: int, **facts: object) -> RawTable:
    """A table from rows of texts (a workbook sheet): header found below any title block."""
    if not rows or not any(c.strip() for row in rows for c in row):
        raise LoadError("error.empty_file")
    at = find_header_row(rows)
    header = [h.replace("\ufeff", "").strip() for h in rows[at]]
    names = _unique_names(header)
    header_line = first_row + at
    frame = _frame(names, rows[at + 1 :], header_line + 1)
    frame = _drop_trailing_blank_rows(frame, pd.Series([], dtype="str"))
    _check_columns(names, None, facts.get("sheet"))
    return RawTable(
        cells=frame,
        header=tuple(names),
        encoding=None,
        delimiter=None,
        header_line=header_line,
        **facts,
    )


def _check_columns(names: list[str], delimiter: str | None, sheet: str | None = None) -> None:
    """A transactions table needs several columns: one means the wrong delimiter or sheet."""
    if len(names) != 1:
        return
    if delimiter is None:
        raise LoadError("error.single_column_sheet", column=names[0], sheet=sheet or "")
    shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    raise LoadError(
        "error.single_column", column=names[0], delimiter=Term(f"error.delimiter_{shown}")
    )


def _late_encoding(data: bytes, start: int) -> str:
    """The encoding of a file whose first non-UTF-8 byte is at ``start``, past the detection
    sample: judged on the lines that are not plain ASCII from there on (ASCII says nothing)."""
    tail = data[data.rfind(b"\n", 0, start) + 1 : start + (4 << 20)]
    telling = b"\n".join(line for line in tail.split(b"\n") if not line.isascii())
    return detect_encoding(telling, exclude_utf8=True)


@dataclass(frozen=True)
class TextLayout:
    """How a delimited text file is laid out: all a reader needs to know before the rows.

    Attributes
    ----------
    encoding, delimiter
        As detected or chosen (``utf-8-sig`` when the file starts with a BOM).
    header
        The column names, made unique (see :class:`RawTable`).
    header_row
        Records above the header (a title block); the header is on line ``header_row + 1``.
    header_lines
        Physical lines up to and including the header (more than ``header_row + 1`` when a
        quoted value in the title block or header holds a line break).
    """

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    header_row: int = 0
    header_lines: int = 1

    @property
    def header_line(self) -> int:
        return self.header_row + 1


def _text_layout(head: bytes, *, encoding: str | None, delimiter: str | None) -> TextLayout:
    """The layout of a text file from its first bytes (``encoding`` as detected on them when
    not given: a later byte that does not fit is for the reader to find)."""
    encoding = canonical_encoding(encoding) if encoding is not None else detect_encoding(head)
    if "16" not in encoding and _looks_binary(head[:_HEAD_BYTES]):
        raise LoadError("error.binary")
    if encoding in ("utf-8", "utf-8-sig"):
        encoding = "utf-8-sig" if head.startswith(_BOM) else "utf-8"
    text = _decode(head[:_HEAD_BYTES], encoding, prefix=True).removeprefix("\ufeff")
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    else:
        delimiter = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
        if delimiter not in DELIMITERS:
            raise LoadError("error.bad_delimiter", delimiter=repr(delimiter))
    header, header_row, header_lines = _parse_header(text, delimiter)
    names = _unique_names(header)
    _check_columns(names, delimiter)
    return TextLayout(encoding, delimiter, tuple(names), header_row, header_lines)


def _read_text(data: bytes, *, encoding: str | None, delimiter: str | None) -> RawTable:
    chosen = encoding is not None
    layout = _text_layout(data[:_SNIFF_BYTES], encoding=encoding, delimiter=delimiter)
    encoding = layout.encoding
    if encoding in ("utf-8", "utf-8-sig"):
        body = data[len(_BOM) :] if data.startswith(_BOM) else data
        if not chosen:
            # Detection saw the first 256 KB; a byte further on may tell another story.
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as err:
                return _read_text(
                    data, encoding=_late_encoding(body, err.start), delimiter=delimiter
                )
    else:
        # Other encodings are decoded once and read as UTF-8 from then on.
        body = _decode(data, encoding).removeprefix("\ufeff").encode("utf-8")
    names, delimiter = list(layout.header), layout.delimiter
    simple_header = layout.header_lines == layout.header_row + 1  # no line break inside
    frame = _read_fast(body, names, delimiter, layout.header_lines) if simple_header else None
    overflow = pd.Series([], dtype="str", name="overflow")
    if frame is None:
        frame, overflow = _read_exact(_decode(body, "utf-8"), names, delimiter, layout.header_row)
    frame = _drop_trailing_blank_rows(frame, overflow)
    return RawTable(
        cells=frame,
        header=layout.header,
        encoding=encoding,
        delimiter=delimiter,
        overflow=overflow,
        header_line=layout.header_line,
    )


#: Encodings the typed reader splits as bytes: their multi-byte characters never hold the bytes
#: of ``,`` ``;`` tab, a double quote or a line break (all below 0x40), so only the texts need
#: decoding, once per distinct value. (``|`` is 0x7C, a valid second byte of Big5 and GBK.)
_LEGACY = ("cp950", "big5hkscs", "gb18030", "cp1252")
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def layout_of(source: bytes | Path, *, encoding: str | None = None,
              delimiter: str | None = None) -> TextLayout | None:  # fmt: skip
    """The layout of a delimited text file, from its first bytes; ``None`` for a workbook, a
    Parquet or a compressed file (they are read whole).

    Raises
    ------
    LoadError
        As :func:`read_cells` would, for a file that cannot be read as a table.
    """
    if isinstance(source, Path):
        with source.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    else:
        head = source[:_SNIFF_BYTES]
    if head.startswith(_GZIP) or file_format(head) != "csv":
        return None
    if not head.strip():
        raise LoadError("error.empty_file")
    return _text_layout(head, encoding=encoding, delimiter=delimiter)


def _block_bytes(source: bytes | Path) -> int:
    """The reader's block: 1 MB (its default) for a file under 256 MB, 4 MB above — a quarter
    as many per-block dictionaries to unify, 13% faster at 10M lines (978 MB); at 1M lines
    4 MB blocks cost 30 MB more peak memory and no time."""
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    return (4 if size >= 256_000_000 else 1) << 20


def read_columns(
    source: bytes | Path,
    layout: TextLayout,
    columns: Sequence[str],
    *,
    dictionary: Sequence[str] = (),
) -> pa.Table | None:
    """The typed reader: only ``columns`` of a delimited file, as Arrow text, in one pass of
    pyarrow's multi-threaded CSV reader (``dictionary`` ones dictionary-encoded: few distinct
    values, such as ids, dates and regions, then take little memory and are parsed once).

    Cells are exactly as :func:`read_cells` gives them, and row ``i`` is line
    ``layout.header_lines + 1 + i``. ``None`` when that cannot be promised cheaply — a blank
    line, a row with another number of cells, a byte that does not fit the encoding, a line
    break inside the header, UTF-16 or a ``|``-delimited legacy file: then read the cells with
    :func:`read_cells`.
    """
    encoding = layout.encoding
    legacy = encoding in _LEGACY
    if layout.header_lines != layout.header_row + 1:
        return None
    if not (encoding in ("utf-8", "utf-8-sig") or (legacy and layout.delimiter != "|")):
        return None
    text, coded = (pa.binary(), pa.dictionary(pa.int32(), pa.binary())) if legacy else (
        pa.string(), _DICTIONARY)  # fmt: skip
    types = {c: coded if c in dictionary else text for c in columns}
    try:
        table = pa_csv.read_csv(
            str(source) if isinstance(source, Path) else pa.BufferReader(source),
            read_options=pa_csv.ReadOptions(
                skip_rows=layout.header_lines,
                column_names=list(layout.header),
                block_size=_block_bytes(source),
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=layout.delimiter,
                newlines_in_values=True,  # a quoted line break stays inside its record
                ignore_empty_lines=False,  # a blank line is a row of one cell: not simple
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=list(columns),
                column_types=types,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        if legacy:
            table = pa.table({c: _decoded(table[c], encoding) for c in columns})
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return table


def _ascii(binary: pa.Array) -> bool:
    """Whether every byte of a binary array is ASCII: only then is it the same text in UTF-8
    (valid UTF-8 is not enough — Big5 蘇, bytes C4 AC, is also UTF-8 for Ĭ)."""
    if not len(binary):
        return True
    offsets, data = string_buffers(binary)
    return not (data[offsets[0] : offsets[-1]] >= 0x80).any()


def _decoded(column: pa.ChunkedArray, encoding: str) -> pa.ChunkedArray:
    """Bytes in a legacy encoding → text: ASCII-only chunks as they are, else once per
    distinct value (dictionary chunks first share one dictionary, decoded once)."""
    if pa.types.is_dictionary(column.type) and column.num_chunks:
        shared = column.unify_dictionaries()
        words = shared.chunks[0].dictionary
        if _ascii(words):  # the same bytes in UTF-8
            text = pc.cast(words, pa.string())
        else:
            text = pa.array([v.decode(encoding) for v in words.to_pylist()], pa.string())
        return pa.chunked_array(
            [pa.DictionaryArray.from_arrays(c.indices, text) for c in shared.chunks]
        )
    chunks = []
    for chunk in column.chunks:
        if _ascii(chunk):
            chunks.append(pc.cast(chunk, pa.string()))
        else:
            coded = pc.dictionary_encode(chunk)
            values = [v.decode(encoding) for v in coded.dictionary.to_pylist()]
            chunks.append(pc.take(pa.array(values, pa.string()), coded.indices))
    if not chunks:
        kind = column.type
        return pa.chunked_array([], _DICTIONARY if pa.types.is_dictionary(kind) else pa.string())
    return pa.chunked_array(chunks)


def read_rows(source: bytes | Path, layout: TextLayout, rows: np.ndarray) -> pd.DataFrame:
    """All cells of the given rows (0-based, ascending) of a file :func:`read_columns` read,
    as text, indexed by line; streamed, so memory holds one block and the rows asked for."""
    wanted = np.asarray(rows, dtype=np.int64)
    reader = pa_csv.open_csv(
        str(source) if isinstance(source, Path) else pa.BufferReader(source),
        read_options=pa_csv.ReadOptions(
            skip_rows=layout.header_lines, column_names=list(layout.header)
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=layout.delimiter, newlines_in_values=True, ignore_empty_lines=False
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(layout.header, pa.binary()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    parts, start = [], 0
    for batch in reader:
        end = start + batch.num_rows
        lo, hi = np.searchsorted(wanted, [start, end])
        if hi > lo:
            parts.append(batch.take(pa.array(wanted[lo:hi] - start)))
        start = end
    encoding = "utf-8" if layout.encoding.startswith("utf-8") else layout.encoding
    table = pa.Table.from_batches(parts, schema=reader.schema)
    frame = pd.DataFrame(
        {
            name: pd.array([b.decode(encoding) for b in table[name].to_pylist()], dtype="str")
            for name in layout.header
        }
    )
    frame.index = pd.Index(wanted + layout.header_lines + 1, name="line")
    return frame


def _looks_binary(head: bytes) -> bool:
    """A zero byte, or control bytes (other than tab, line ends, form feed) in more than 1% of
    the first bytes: text in any single- or multi-byte encoding has neither."""
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    return controls > max(2, len(head) // 100)
