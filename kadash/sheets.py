"""Workbooks and Parquet files → rows of cell texts (step 1 for files that are not CSV).

Excel (.xlsx, .xls; read by python-calamine, fast and without Excel) cells become the text a
person would type: numbers in their shortest exact form (``1234.5``, ``42``), dates as
``YYYY-MM-DD``, text as it is (``00042`` keeps its zeros when the cell holds text). Parquet
columns are cast to text by Arrow the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import math

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kadash.columns import find_header_row, guess_mapping
from kadash.errors import KadashError

__all__ = [
    "OLE2_MAGIC",
    "PARQUET_MAGIC",
    "ZIP_MAGIC",
    "excel_rows",
    "parquet_columns",
    "sheet_names",
]

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and other Office Open XML)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any encrypted Office file
PARQUET_MAGIC = b"PAR1"
# An encrypted .xlsx is an OLE2 container with these streams (names in UTF-16).
_ENCRYPTED = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person would have typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def excel_rows(
    data: bytes, sheet: str | None = None
) -> tuple[list[list[str]], int, str, tuple[str, ...]]:
    """Read one sheet of a workbook.

    Returns
    -------
    tuple
        The rows (as texts, padded to one width), the sheet row number of the first of them
        (1-based, as Excel shows it), the sheet's name and the names of all sheets.

    Raises
    ------
    KadashError
        For a password-protected or unreadable workbook, or a sheet that is not in it.
    """
    from python_calamine import CalamineWorkbook, PasswordError  # only needed for workbooks

    if data.startswith(OLE2_MAGIC) and any(mark in data[: 1 << 20] for mark in _ENCRYPTED):
        raise KadashError("error.password")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise KadashError("error.password") from None
    names = tuple(book.sheet_names)
    if not names:
        raise KadashError("error.no_sheets")
    if sheet is not None and sheet not in names:
        raise KadashError("error.no_such_sheet", sheet=sheet, sheets=", ".join(names))
    # Without a choice: the first sheet whose header names our fields (a cover, notes or
    # summary sheet often comes first), else the first sheet with anything in it.
    fallback = None
    for name in [sheet] if sheet is not None else names:
        found = book.get_sheet_by_name(name)
        rows = found.to_python(skip_empty_area=True)
        if sheet is None and not any(str(v).strip() for row in rows for v in row):
            continue
        width = max((len(r) for r in rows), default=0)
        texts = [[_cell_text(v) for v in row] + [""] * (width - len(row)) for row in rows]
        result = (texts, found.start[0] + 1 if found.start else 1, name, names)
        if sheet is not None or names_fields(texts):
            return result
        fallback = fallback or result
    return fallback or ([], 1, names[0], names)


def names_fields(rows: list[list[str]]) -> bool:
    """Whether the rows have a header naming at least two of our fields."""
    return len(guess_mapping(rows[find_header_row(rows)])) >= 2 if rows else False


def sheet_names(data: bytes) -> tuple[str, ...]:
    """The sheets of a workbook (empty if it cannot be opened)."""
    from python_calamine import CalamineWorkbook

    try:
        return tuple(CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a damaged workbook (even a parser panic): reading it says what
        return ()


def parquet_columns(data: bytes) -> tuple[list[str], list[pa.Array]]:
    """Column names and each column cast to text (dates ISO, timestamps in their own time zone
    to the second, numbers exact, nulls empty)."""
    table = pq.read_table(io.BytesIO(data))
    texts = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            # Floor first: a safe cast refuses to drop sub-second digits. Keep the time zone, so
            # the text is the local time of day the file records (a bare cast would give UTC).
            column = pc.floor_temporal(column, unit="second")
            column = pc.cast(column, pa.timestamp("s", tz=column.type.tz))
            text = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
            text = pc.replace_substring_regex(text, r" 00:00:00$", "")
        elif pa.types.is_date(column.type):
            text = pc.strftime(column, format="%Y-%m-%d")
        else:
            try:
                text = pc.cast(column, pa.string())
            except pa.ArrowNotImplementedError:  # lists, structs…: shown as Python writes them
                text = pa.array(["" if v is None else str(v) for v in column.to_pylist()])
        text = pc.fill_null(text, "").combine_chunks()
        try:  # a damaged file can hold bytes that are not UTF-8 in a text column
            text.validate(full=True)
        except pa.ArrowInvalid as err:
            raise KadashError("error.corrupt", detail=str(err)) from None
        texts.append(text)
    return list(table.column_names), texts
