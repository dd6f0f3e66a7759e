"""The current data and its cached pipeline.

Every expensive step is cached on the *digest* of the file, computed once per upload (not on
every rerun), plus the mapping and filters that step depends on. The file's bytes are passed
as an underscore argument, which Streamlit does not hash. A slider move therefore never
re-reads or re-aggregates: it reaches the cached ranked customers and only re-tiers them.

``st.cache_data`` is global to the server process, keyed by those digests; results hold no
session state. Nothing here is ever mutated after it is returned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from kadash.columns import FILTER_FIELDS, check_mapping, guess_mapping
from kadash.concentration import rank_customers
from kadash.customers import filter_options, filter_transactions, summarize_customers
from kadash.load import RawTable, file_format, read_cells
from kadash.parse import ParseResult, parse_transactions
from kadash.settings import Settings
from kadash.sheets import sheet_names

__all__ = [
    "SAMPLE_PATH",
    "FileFacts",
    "ParseSummary",
    "Problems",
    "ReadOptions",
    "Source",
    "View",
    "current_source",
    "read_options",
    "set_mapping",
    "set_read_options",
]

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "sample" / "transactions.csv"
UPLOAD_KEY = "source.upload"
_DIGESTS = "kadash.digests"
_MAPPINGS = "kadash.mappings"
_MAPPINGS_BY_HEADER = "kadash.mappings_by_header"
_OPTIONS = "kadash.read_options"


@dataclass(frozen=True)
class Source:
    """One data file: the bundled sample or an upload."""

    name: str
    digest: str
    size: int
    is_sample: bool
    data: bytes = field(repr=False, compare=False)


@st.cache_resource(show_spinner=False)
def _sample(path: str, mtime: float) -> Source:
    # Not user data: the bundled file, shared read-only by every session.
    data = Path(path).read_bytes()
    return Source(Path(path).name, hashlib.sha256(data).hexdigest(), len(data), True, data)


def current_source() -> Source:
    """The uploaded file if there is one, else the bundled sample."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        return _sample(str(SAMPLE_PATH), SAMPLE_PATH.stat().st_mtime)
    data = uploaded.getvalue()
    digests = st.session_state.setdefault(_DIGESTS, {})
    if uploaded.file_id not in digests:
        digests[uploaded.file_id] = hashlib.sha256(data).hexdigest()
    return Source(uploaded.name, digests[uploaded.file_id], len(data), False, data)


def set_mapping(digest: str, header: tuple[str, ...], mapping: dict[str, str] | None) -> None:
    """Remember the user's mapping for this file, and for any later file of this session with
    the same columns, as next month's export (``None``: back to the guess)."""
    for store, key in ((_MAPPINGS, digest), (_MAPPINGS_BY_HEADER, header)):
        mappings = st.session_state.setdefault(store, {})
        if mapping is None:
            mappings.pop(key, None)
        else:
            mappings[key] = dict(mapping)


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file, where the user chose (``None``: detect / infer)."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    decimal: str | None = None
    date_order: str | None = None

    @property
    def read_key(self) -> tuple[str | None, str | None, str | None]:
        return self.encoding, self.delimiter, self.sheet

    @property
    def parse_key(self) -> tuple[str | None, str | None]:
        return self.decimal, self.date_order


def read_options(digest: str) -> ReadOptions:
    return st.session_state.get(_OPTIONS, {}).get(digest, ReadOptions())


def set_read_options(digest: str, options: ReadOptions) -> None:
    st.session_state.setdefault(_OPTIONS, {})[digest] = options


def _key(mapping: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(mapping.items()))


# Each cached step returns a copy on every hit, so small results (header, counts, options)
# get their own entries: a rerun never copies the big tables just to read a few numbers.
# Keys: the file's digest, then what the step depends on (reading options, mapping, parsing
# options, filters, basis); the bytes themselves are never hashed.
Read = tuple[str | None, str | None, str | None]
Parse = tuple[str | None, str | None]
Mapping_ = tuple[tuple[str, str], ...]


@st.cache_data(max_entries=4, show_spinner=False)
def _cells(digest: str, read: Read, _data: bytes) -> RawTable:
    encoding, delimiter, sheet = read
    return read_cells(_data, encoding=encoding, delimiter=delimiter, sheet=sheet)


@st.cache_data(max_entries=8, show_spinner=False)
def _header(digest: str, read: Read, _data: bytes) -> tuple[str, ...]:
    return _cells(digest, read, _data).header


@st.cache_data(max_entries=4, show_spinner=False)
def _parsed(digest: str, read: Read, mapping: Mapping_, parse: Parse, _data: bytes) -> ParseResult:
    decimal, date_order = parse
    raw = _cells(digest, read, _data)
    return parse_transactions(raw, dict(mapping), decimal=decimal, date_order=date_order)


@st.cache_data(max_entries=8, show_spinner=False)
def _shape(digest: str, _data: bytes) -> tuple[str, tuple[str, ...]]:
    fmt = file_format(_data)
    return fmt, sheet_names(_data) if fmt == "excel" else ()


@dataclass(frozen=True)
class FileFacts:
    """How the file was read, and its first rows as text (for the Data page)."""

    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    header_line: int
    columns: int
    preview: pd.DataFrame


@st.cache_data(max_entries=8, show_spinner=False)
def _facts(digest: str, read: Read, _data: bytes) -> FileFacts:
    raw = _cells(digest, read, _data)
    return FileFacts(
        format=raw.format,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        sheets=raw.sheets,
        header_line=raw.header_line,
        columns=len(raw.header),
        preview=raw.cells.head(100),
    )


@dataclass(frozen=True)
class Problems:
    """The lines to show on the Data page: rejected, and kept but reported."""

    rejected: pd.DataFrame
    unreadable_profit: pd.DataFrame
    duplicates: pd.DataFrame


@st.cache_data(max_entries=8, show_spinner=False)
def _problems(digest: str, read: Read, mapping: Mapping_, parse: Parse, _data: bytes) -> Problems:
    parsed = _parsed(digest, read, mapping, parse, _data)
    return Problems(parsed.rejected, parsed.unreadable_profit, parsed.duplicates)


@dataclass(frozen=True)
class ParseSummary:
    """The row account and the value ranges of one parse, without the rows."""

    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejected_by_reason: dict[str, int]
    accepted_revenue: int
    rejected_revenue: int
    missing_profit: int
    unreadable_profit: int
    duplicates: int
    rounded_amounts: int
    has_profit: bool
    formats: dict[str, object]
    date_min: object
    date_max: object
    options: dict[str, list[str]]


@st.cache_data(max_entries=8, show_spinner=False)
def _summary(
    digest: str, read: Read, mapping: Mapping_, parse: Parse, _data: bytes
) -> ParseSummary:
    parsed = _parsed(digest, read, mapping, parse, _data)
    tx = parsed.transactions
    return ParseSummary(
        rows_read=parsed.rows_read,
        rows_accepted=parsed.rows_accepted,
        rows_rejected=parsed.rows_rejected,
        rejected_by_reason=parsed.rejected_by_reason,
        accepted_revenue=parsed.accepted_revenue,
        rejected_revenue=parsed.rejected_revenue,
        missing_profit=parsed.missing_profit,
        unreadable_profit=len(parsed.unreadable_profit),
        duplicates=len(parsed.duplicates),
        rounded_amounts=parsed.rounded_amounts,
        has_profit=parsed.has_profit,
        formats=dict(parsed.formats),
        date_min=tx["date"].min() if len(tx) else None,
        date_max=tx["date"].max() if len(tx) else None,
        options={f: filter_options(tx, f) for f in FILTER_FIELDS if f in tx.columns},
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _lines(
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    filters: str,
    _data: bytes,
    _s: Settings,
) -> pd.DataFrame:
    tx = _parsed(digest, read, mapping, parse, _data).transactions
    return filter_transactions(
        tx, date_from=_s.date_from, date_to=_s.date_to, include=_s.filter_map
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _ranked(
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    filters: str,
    basis: str,
    _data: bytes,
    _s: Settings,
) -> pd.DataFrame:
    lines = _lines(digest, read, mapping, parse, filters, _data, _s)
    return rank_customers(summarize_customers(lines), basis)


def _filters_key(settings: Settings) -> str:
    return repr((settings.date_from, settings.date_to, settings.filters))


@dataclass(frozen=True)
class View:
    """What a page works on: one source, how it is read and mapped, and the settings.

    Each method is a cached step and raises :class:`~kadash.errors.KadashError` when the data
    cannot be used (unreadable file, a required column not mapped, a decimal mark or date
    order the file does not decide).
    """

    source: Source
    settings: Settings

    @property
    def options(self) -> ReadOptions:
        return read_options(self.source.digest)

    @property
    def _read(self) -> Read:
        return self.options.read_key

    @property
    def _args(self) -> tuple[str, Read, Mapping_, Parse]:
        return self.source.digest, self._read, _key(self.mapping()), self.options.parse_key

    def header(self) -> tuple[str, ...]:
        return _header(self.source.digest, self._read, self.source.data)

    def facts(self) -> FileFacts:
        return _facts(self.source.digest, self._read, self.source.data)

    def shape(self) -> tuple[str, tuple[str, ...]]:
        """The file's format and, for a workbook, its sheets (even if one cannot be read)."""
        return _shape(self.source.digest, self.source.data)

    def guessed_mapping(self) -> dict[str, str]:
        return guess_mapping(self.header())

    def mapping_origin(self) -> str:
        """Where the mapping comes from: ``"chosen"`` for this file, ``"remembered"`` from an
        earlier file with the same columns, or ``"detected"`` from the header names."""
        if self.source.digest in st.session_state.get(_MAPPINGS, {}):
            return "chosen"
        if self.header() in st.session_state.get(_MAPPINGS_BY_HEADER, {}):
            return "remembered"
        return "detected"

    def chosen_mapping(self) -> dict[str, str]:
        """The user's mapping for this file, the one chosen for an earlier file with the same
        columns, or the guess; not yet checked."""
        origin = self.mapping_origin()
        if origin == "chosen":
            return dict(st.session_state[_MAPPINGS][self.source.digest])
        if origin == "remembered":
            return dict(st.session_state[_MAPPINGS_BY_HEADER][self.header()])
        return self.guessed_mapping()

    def mapping(self) -> dict[str, str]:
        """The mapping in use, checked against the header."""
        return check_mapping(self.chosen_mapping(), self.header())

    def summary(self) -> ParseSummary:
        return _summary(*self._args, self.source.data)

    def problems(self) -> Problems:
        return _problems(*self._args, self.source.data)

    def lines(self) -> pd.DataFrame:
        """Accepted lines inside the settings' date range and filters."""
        return _lines(*self._args, _filters_key(self.settings), self.source.data, self.settings)

    def ranked(self, basis: str | None = None) -> pd.DataFrame:
        """Customers of the filtered lines, ranked by ``basis`` (default: the settings')."""
        return _ranked(
            *self._args,
            _filters_key(self.settings),
            basis or self.settings.basis,
            self.source.data,
            self.settings,
        )
