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
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from kadash.errors import KadashError

__all__ = ["DELIMITERS", "LoadError", "RawTable", "read_cells", "sniff_delimiter"]

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 16


class LoadError(KadashError):
    """The file cannot be read as a table; the message says what to fix."""


@dataclass(frozen=True)
class RawTable:
    """Cells of a delimited file as text.

    Attributes
    ----------
    cells
        One column per header name (made unique), ``str`` dtype, indexed by ``line``: the
        row number a spreadsheet would show (the header is line 1).
    header
        Column names as written in the file (surrounding spaces and a BOM removed), made
        unique: a blank name becomes ``#n`` (its position) and a repeat gets ``#2``, ``#3``….
    overflow
        For lines with more cells than the header: the extra non-empty cells joined by the
        delimiter, indexed by line. Those lines are rejected in step 2.
    encoding, delimiter
        How the bytes were read.
    """

    cells: pd.DataFrame
    header: tuple[str, ...]
    encoding: str = "utf-8"
    delimiter: str = ","
    overflow: pd.Series = field(default_factory=lambda: pd.Series([], dtype="str"))

    @property
    def rows(self) -> int:
        """Number of data rows (every line after the header, blank ones included)."""
        return len(self.cells)


def sniff_delimiter(sample: str) -> str:
    """Pick the delimiter from the first line of the file.

    The candidate (``,`` ``;`` tab ``|``) occurring most often outside double quotes in the
    header line wins; a tie goes to the earlier candidate in :data:`DELIMITERS`.
    """
    first = sample.split("\n", 1)[0]
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


def _decode(data: bytes, *, prefix: bool = False) -> str:
    """Decode UTF-8 strictly; with ``prefix`` the bytes may end inside a character."""
    try:
        if prefix:
            return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise LoadError("error.not_utf8", line=line, byte=f"0x{data[err.start]:02X}") from None


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


def _parse_header(text: str, delimiter: str) -> tuple[list[str], int]:
    """Return the header cells and the number of characters the header record spans."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise LoadError("error.empty_file") from None
    header = [h.replace("\ufeff", "").strip() for h in header]
    if not any(header):
        raise LoadError("error.blank_header")
    return header, reader.line_num


def _read_fast(data: bytes, names: list[str], delimiter: str) -> pd.DataFrame | None:
    """pyarrow reader; ``None`` when the file is not provably simple (then use the exact one).

    Simple means: every physical line after the header is one record with exactly the header's
    number of cells, so record i is spreadsheet line i + 2.
    """
    skipped: list[int] = []

    def on_invalid(_row: object) -> str:
        skipped.append(1)
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                # Quote-aware block splitting: with False, a quoted line break that falls on
                # a block boundary (~1 MiB) splits one record into two and the row count
                # check below can no longer see it.
                newlines_in_values=True,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid,
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
    if skipped or lone_cr or table.num_rows != physical_lines - 1:
        return None
    frame = table.to_pandas(types_mapper=lambda _t: pd.StringDtype("pyarrow", na_value=np.nan))
    frame.index = pd.RangeIndex(2, table.num_rows + 2, name="line")
    return frame


def _read_exact(text: str, names: list[str], delimiter: str) -> tuple[pd.DataFrame, pd.Series]:
    """Python csv reader: exact record numbers, short rows padded, extra cells set aside."""
    width = len(names)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader)  # header
    rows: list[list[str]] = []
    overflow: dict[int, str] = {}
    try:
        for line, record in enumerate(reader, start=2):
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
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    frame = pd.DataFrame(
        {name: pd.array(col, dtype="str") for name, col in zip(names, columns, strict=True)},
        index=pd.RangeIndex(2, len(rows) + 2, name="line"),
    )
    return frame, pd.Series(overflow, dtype="str", name="overflow").rename_axis("line")


def _drop_trailing_blank_rows(frame: pd.DataFrame, overflow: pd.Series) -> pd.DataFrame:
    """Blank lines (or lines of bare delimiters, as Excel writes for formatted empty rows) at the
    very end of the file are not rows. Blank lines between rows are, and get rejected."""
    end = len(frame)
    while end and frame.index[end - 1] not in overflow.index:
        if any(str(cell).strip() for cell in frame.iloc[end - 1]):
            break
        end -= 1
    return frame if end == len(frame) else frame.iloc[:end]


def read_cells(data: bytes, *, delimiter: str | None = None) -> RawTable:
    """Read a delimited text file (UTF-8, optional BOM) into cells as text.

    Parameters
    ----------
    data
        The file's bytes.
    delimiter
        ``,`` ``;`` tab or ``|``; sniffed from the header line when ``None``.

    Returns
    -------
    RawTable

    Raises
    ------
    LoadError
        If the file is empty, not UTF-8, or has no header.
    """
    if not data.strip():
        raise LoadError("error.empty_file")
    body = data[len(_BOM) :] if data.startswith(_BOM) else data
    # Only the head is decoded up front; pyarrow checks the rest is UTF-8 as it reads, and
    # the exact reader decodes everything (and names the line of a bad byte).
    head = _decode(body[:_HEAD_BYTES], prefix=True)
    if delimiter is None:
        delimiter = sniff_delimiter(head)
    elif delimiter not in DELIMITERS:
        raise LoadError("error.bad_delimiter", delimiter=repr(delimiter))
    header, header_lines = _parse_header(head, delimiter)
    names = _unique_names(header)
    frame = _read_fast(body, names, delimiter) if header_lines == 1 else None
    overflow = pd.Series([], dtype="str", name="overflow")
    if frame is None:
        frame, overflow = _read_exact(_decode(body), names, delimiter)
    frame = _drop_trailing_blank_rows(frame, overflow)
    return RawTable(
        cells=frame,
        header=tuple(names),
        encoding="utf-8-sig" if data.startswith(_BOM) else "utf-8",
        delimiter=delimiter,
        overflow=overflow,
    )
