"""Loading as a whole: a file (bytes, or a path) → how it was read + typed transactions.

Two ways give the same :class:`~kadash.parse.ParseResult`, to the line:

* the **typed** way, for a clean delimited file (UTF-8, Big5, GBK or Windows-1252; no blank
  line, every row with the header's cells, no line to reject): pyarrow's multi-threaded reader
  reads only the mapped columns, ids, dates and other texts dictionary-encoded, and every
  distinct text is checked and parsed once. Memory holds those columns, not the file.
* the **exact** way, for everything else: every cell as text (:func:`kadash.load.read_cells`),
  so each rejected line can be shown whole.

The typed way gives up — and the exact way runs — the moment it meets anything it cannot vouch
for; the tests run every fixture both ways and compare.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kadash.columns import FIELDS, REQUIRED_FIELDS, check_mapping, guess_mapping
from kadash.load import (
    RawTable,
    TextLayout,
    layout_of,
    read_cells,
    read_columns,
    read_rows,
)
from kadash.parse import Columns, NotClean, ParseResult, parse_columns, parse_transactions

__all__ = ["FileFacts", "Loaded", "file_facts", "load_transactions"]

PREVIEW_ROWS = 100
_PREVIEW_BYTES = 1 << 16
#: Fields whose cells repeat a lot: read dictionary-encoded (order ids mostly do not).
_FEW_VALUES = ("customer_id", "date", "customer_name", "region", "industry", "sales_rep",
               "product_line")  # fmt: skip
assert set(_FEW_VALUES) <= set(FIELDS)

Source = bytes | Path
MappingChoice = (
    Mapping[str, str | None] | Callable[[tuple[str, ...]], Mapping[str, str | None]] | None
)


@dataclass(frozen=True)
class FileFacts:
    """How a file is read, and its first rows as text (what the Data page shows).

    Attributes
    ----------
    format
        ``"csv"``, ``"excel"`` or ``"parquet"``.
    encoding, delimiter
        For text (``None`` for the other formats).
    sheet, sheets
        The workbook sheet read and all of its sheets (Excel only).
    header
        Column names, made unique.
    header_line
        The spreadsheet line of the header.
    preview
        The first rows as text, indexed by line.
    """

    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    header: tuple[str, ...]
    header_line: int
    preview: pd.DataFrame


@dataclass(frozen=True)
class Loaded:
    """A loaded file: how it was read, the parse, and which way (``"typed"``/``"exact"``)."""

    facts: FileFacts
    parsed: ParseResult
    reader: str


def _read_bytes(source: Source) -> bytes:
    return source.read_bytes() if isinstance(source, Path) else source


def _facts_of_raw(raw: RawTable) -> FileFacts:
    return FileFacts(
        format=raw.format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        sheets=raw.sheets,
        header=raw.header,
        header_line=raw.header_line,
        preview=raw.cells.head(PREVIEW_ROWS),
    )


def _head(source: Source) -> bytes:
    if isinstance(source, Path):
        with source.open("rb") as f:
            return f.read(_PREVIEW_BYTES)
    return source[:_PREVIEW_BYTES]


def _preview(head: bytes, layout: TextLayout) -> pd.DataFrame:
    """The first rows after the header, from the first bytes (the last, cut-off line left out)."""
    codec = "utf-8-sig" if layout.encoding.startswith("utf-8") else layout.encoding
    complete = head if len(head) < _PREVIEW_BYTES else head[: head.rfind(b"\n") + 1]
    text = complete.decode(codec, errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    width, rows = len(layout.header), []
    try:
        for i, record in enumerate(reader):
            if i <= layout.header_row:
                continue
            rows.append((record + [""] * width)[:width])
            if len(rows) == PREVIEW_ROWS:
                break
    except csv.Error:
        pass  # a cut-off quoted value at the end of the sample
    first = layout.header_line + 1
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return pd.DataFrame(
        {n: pd.array(c, dtype="str") for n, c in zip(layout.header, columns, strict=True)},
        index=pd.RangeIndex(first, first + len(rows), name="line"),
    )


def _layout_and_facts(
    source: Source, encoding: str | None, delimiter: str | None, sheet: str | None
) -> tuple[TextLayout | None, FileFacts, RawTable | None]:
    """For delimited text, its layout and facts from the first bytes; for any other file
    (workbooks, Parquet, gzip, UTF-16) its cells, read whole."""
    layout = layout_of(source, encoding=encoding, delimiter=delimiter)
    if layout is None or "16" in layout.encoding:
        raw = read_cells(_read_bytes(source), encoding=encoding, delimiter=delimiter, sheet=sheet)
        return None, _facts_of_raw(raw), raw
    facts = FileFacts(
        format="csv",
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        sheet=None,
        sheets=(),
        header=layout.header,
        header_line=layout.header_line,
        preview=_preview(_head(source), layout),
    )
    return layout, facts, None


def file_facts(
    source: Source,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> FileFacts:
    """How the file reads (cheap for delimited text: only its first bytes are looked at).

    Raises
    ------
    kadash.load.LoadError
        As :func:`kadash.load.read_cells`, for a file that cannot be read as a table.
    """
    return _layout_and_facts(source, encoding, delimiter, sheet)[1]


def load_transactions(
    source: Source,
    mapping: MappingChoice = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    decimal: str | None = None,
    date_order: str | None = None,
    progress: Callable[[str], None] | None = None,
    fields: Collection[str] | None = None,
) -> Loaded:
    """Read and parse a transactions file, the typed way when it allows, else the exact way.

    Parameters
    ----------
    source
        The file's bytes, or its path (then a clean delimited file is never held in memory
        whole).
    mapping
        Field → column; or a function of the header giving it; guessed from the header when
        ``None``.
    encoding, delimiter, sheet
        As :func:`kadash.load.read_cells`.
    decimal, date_order
        As :func:`kadash.parse.parse_transactions`.
    fields
        Read and check only these fields of the mapping (the required ones always): what a
        report needs, when it does not need every column. The result's ``mapping`` still lists
        every mapped column. ``None`` reads them all.
    progress
        Called with each stage as it starts: ``"read"`` (the columns, or the cells),
        ``"check"`` (every value parsed and checked), ``"exact"`` (the file needs reading cell
        by cell after all: read and check again).

    Raises
    ------
    KadashError
        As :func:`kadash.load.read_cells` and :func:`kadash.parse.parse_transactions`.
    """
    report = progress or (lambda stage: None)
    report("read")
    layout, facts, raw = _layout_and_facts(source, encoding, delimiter, sheet)
    if mapping is None:
        mapping = guess_mapping(facts.header)
    elif callable(mapping):
        mapping = mapping(facts.header)
    chosen = check_mapping(mapping, facts.header)
    used = chosen if fields is None else {
        f: c for f, c in chosen.items() if f in fields or f in REQUIRED_FIELDS}  # fmt: skip
    if layout is not None:
        parsed = _typed(source, layout, used, decimal=decimal, date_order=date_order,
                        report=report)  # fmt: skip
        if parsed is not None:
            return Loaded(facts, replace(parsed, mapping=dict(chosen)), "typed")
        report("exact")
    if raw is None:
        raw = read_cells(_read_bytes(source), encoding=encoding, delimiter=delimiter, sheet=sheet)
    if layout is None:
        report("check")
    parsed = parse_transactions(raw, used, decimal=decimal, date_order=date_order)
    return Loaded(_facts_of_raw(raw), replace(parsed, mapping=dict(chosen)), "exact")


def _typed(
    source: Source,
    layout: TextLayout,
    mapping: dict[str, str],
    *,
    decimal: str | None,
    date_order: str | None,
    report: Callable[[str], None],
) -> ParseResult | None:
    """The typed way; ``None`` when the file needs the exact one."""
    columns = list(dict.fromkeys(mapping.values()))
    few = [mapping[f] for f in _FEW_VALUES if f in mapping]
    table = read_columns(source, layout, columns, dictionary=few)
    if table is None:
        return None
    first = layout.header_lines + 1
    arrays, rows = {c: table[c] for c in columns}, table.num_rows
    del table  # parse_columns lets go of each column once used
    typed = Columns(
        arrays=arrays,
        lines=np.arange(first, first + rows, dtype=np.int64),
        header=layout.header,
        whole=lambda wanted: read_rows(source, layout, wanted),
        strict=True,
        consume=True,
    )
    del arrays
    report("check")
    try:
        return parse_columns(typed, mapping, decimal=decimal, date_order=date_order)
    except NotClean:
        return None
