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
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from kadash.anonymise import anonymise
from kadash.columns import FILTER_FIELDS, check_mapping, guess_mapping
from kadash.concentration import rank_customers
from kadash.customers import filter_options, filter_transactions, summarize_customers
from kadash.ingest import FileFacts, Loaded, file_facts, load_transactions
from kadash.load import file_format
from kadash.parse import ParseResult
from kadash.settings import Settings
from kadash.sheets import sheet_names
from ui import state

__all__ = [
    "SAMPLE_PATH",
    "SAMPLE_PATHS",
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
#: The bundled samples by :data:`ui.state.SAMPLES` code.
SAMPLE_PATHS: dict[str, Path] = {
    "en": SAMPLE_PATH,
    "zh": SAMPLE_PATH.with_name("transactions_zh.csv"),
}
UPLOAD_KEY = "source.upload"
SERVER_FILE = "kadash.server_file"  # (name, resolved path) of the file chosen on the server
_DIGESTS = "kadash.digests"
_MAPPINGS = "kadash.mappings"
_MAPPINGS_BY_HEADER = "kadash.mappings_by_header"
_OPTIONS = "kadash.read_options"


@dataclass(frozen=True)
class Source:
    """One data file: the bundled sample, an upload, or a file in the server's data folder."""

    name: str
    digest: str
    size: int
    kind: str  # "sample", "upload" or "server"
    data: bytes | None = field(default=None, repr=False, compare=False)
    path: Path | None = None

    @property
    def is_sample(self) -> bool:
        return self.kind == "sample"

    @property
    def payload(self) -> bytes | Path:
        """What the loader reads: the bytes of an upload, the path of a file on disk (a clean
        CSV on disk is then never held in memory whole)."""
        return self.path if self.path is not None else self.data or b""


def data_folder() -> Path:
    """The server folder users may open files from (``KADASH_DATA_DIR``, else ``data/``)."""
    return Path(os.environ.get("KADASH_DATA_DIR") or SAMPLE_PATH.parent.parent)


def _file_digest(path: Path) -> str:
    """A file on disk is known by its path, size and modification time (not hashed whole:
    that would read a large file once more)."""
    stat = path.stat()
    return hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()


@st.cache_resource(show_spinner=False)
def _sample(path: str, mtime: float) -> Source:
    # Not user data: the bundled file, shared read-only by every session.
    data = Path(path).read_bytes()
    return Source(Path(path).name, hashlib.sha256(data).hexdigest(), len(data), "sample",
                  path=Path(path))  # fmt: skip


def current_source() -> Source:
    """The uploaded file if there is one, else the server file chosen, else the sample."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None:
        data = uploaded.getvalue()
        digests = st.session_state.setdefault(_DIGESTS, {})
        if uploaded.file_id not in digests:
            digests[uploaded.file_id] = hashlib.sha256(data).hexdigest()
        return Source(uploaded.name, digests[uploaded.file_id], len(data), "upload", data)
    chosen = st.session_state.get(SERVER_FILE)
    if chosen is not None:
        name, path = chosen
        try:
            return Source(name, _file_digest(path), path.stat().st_size, "server", path=path)
        except OSError:  # removed since it was chosen
            st.session_state[SERVER_FILE] = None
    path = SAMPLE_PATHS[state.sample_choice()]
    return _sample(str(path), path.stat().st_mtime)


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


Payload = bytes | Path


@st.cache_data(max_entries=16, show_spinner=False)
def _facts(digest: str, read: Read, _payload: Payload) -> FileFacts:
    encoding, delimiter, sheet = read
    return file_facts(_payload, encoding=encoding, delimiter=delimiter, sheet=sheet)


# The loaded file and the tables made from it are shared, not copied on every use (as
# st.cache_data would): nothing here is mutated after it is returned.
Progress = Callable[[str], None] | None


# ``_progress`` (not hashed) hears the stages of a load; it must not draw anything itself
# (see ui.progress): a cached function's Streamlit calls are replayed on every cache hit.
@st.cache_resource(max_entries=4, show_spinner=False)
def _loaded(
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    _payload: Payload,
    _progress: Progress = None,
) -> Loaded:
    encoding, delimiter, sheet = read
    decimal, date_order = parse
    return load_transactions(
        _payload,
        dict(mapping),
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        decimal=decimal,
        date_order=date_order,
        progress=_progress,
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def _anonymised(
    digest: str, read: Read, mapping: Mapping_, parse: Parse, _payload: Payload
) -> ParseResult:
    return anonymise(_loaded(digest, read, mapping, parse, _payload).parsed)


def _parsed(
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    anon: bool,
    _payload: Payload,
    _progress: Progress = None,
) -> ParseResult:
    """The parse, with customers coded when the settings say to anonymise (see
    :mod:`kadash.anonymise`): every later step starts here, so no view can show a name."""
    parsed = _loaded(digest, read, mapping, parse, _payload, _progress).parsed
    return _anonymised(digest, read, mapping, parse, _payload) if anon else parsed


@st.cache_data(max_entries=8, show_spinner=False)
def _shape(digest: str, _payload: Payload) -> tuple[str, tuple[str, ...]]:
    head = _payload.open("rb").read(8) if isinstance(_payload, Path) else _payload[:8]
    fmt = file_format(head)
    if fmt != "excel":
        return fmt, ()
    data = _payload.read_bytes() if isinstance(_payload, Path) else _payload
    return fmt, tuple(sheet_names(data))


@dataclass(frozen=True)
class Problems:
    """The lines to show on the Data page: rejected, and kept but reported."""

    rejected: pd.DataFrame
    unreadable_profit: pd.DataFrame
    duplicates: pd.DataFrame


@st.cache_data(max_entries=8, show_spinner=False)
def _problems(
    digest: str, read: Read, mapping: Mapping_, parse: Parse, anon: bool, _payload: Payload
) -> Problems:
    parsed = _parsed(digest, read, mapping, parse, anon, _payload)
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
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    anon: bool,
    _payload: Payload,
    _progress: Progress = None,
) -> ParseSummary:
    parsed = _parsed(digest, read, mapping, parse, anon, _payload, _progress)
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


@st.cache_resource(max_entries=16, show_spinner=False)
def _lines(
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    anon: bool,
    filters: str,
    _payload: Payload,
    _s: Settings,
) -> pd.DataFrame:
    tx = _parsed(digest, read, mapping, parse, anon, _payload).transactions
    return filter_transactions(
        tx, date_from=_s.date_from, date_to=_s.date_to, include=_s.filter_map
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _ranked(
    digest: str,
    read: Read,
    mapping: Mapping_,
    parse: Parse,
    anon: bool,
    filters: str,
    basis: str,
    _payload: Payload,
    _s: Settings,
) -> pd.DataFrame:
    lines = _lines(digest, read, mapping, parse, anon, filters, _payload, _s)
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
    def _args(self) -> tuple[str, Read, Mapping_, Parse, bool]:
        mapping = _key(self.mapping())
        return self.source.digest, self._read, mapping, self.options.parse_key, self.anonymous

    @property
    def anonymous(self) -> bool:
        """Customers are shown by code (:mod:`kadash.anonymise`)."""
        return self.settings.anonymise

    def header(self) -> tuple[str, ...]:
        return self.facts().header

    def facts(self) -> FileFacts:
        """How the file reads (from its first bytes for text), and its first rows."""
        return _facts(self.source.digest, self._read, self.source.payload)

    def shape(self) -> tuple[str, tuple[str, ...]]:
        """The file's format and, for a workbook, its sheets (even if one cannot be read)."""
        return _shape(self.source.digest, self.source.payload)

    def loaded(self) -> Loaded:
        """The whole file read and parsed with the mapping in use (customers coded when
        anonymised)."""
        return self.loader()()

    def loader(self) -> Callable[[], Loaded]:
        """:meth:`loaded` for later, with the read options and mapping fixed now: a deferred
        download is built outside the script run, where this session's state is not at hand."""
        *args, anon = self._args
        payload = self.source.payload

        def load() -> Loaded:
            loaded = _loaded(*args, payload)
            if not anon:
                return loaded
            return replace(loaded, parsed=_anonymised(*args, payload))

        return load

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

    def summary(self, progress: Progress = None) -> ParseSummary:
        """The row account; ``progress`` hears the stages if the file is read now."""
        return _summary(*self._args, self.source.payload, progress)

    def problems(self) -> Problems:
        return _problems(*self._args, self.source.payload)

    def lines(self) -> pd.DataFrame:
        """Accepted lines inside the settings' date range and filters."""
        return _lines(*self._args, _filters_key(self.settings), self.source.payload, self.settings)

    def ranked(self, basis: str | None = None) -> pd.DataFrame:
        """Customers of the filtered lines, ranked by ``basis`` (default: the settings')."""
        return _ranked(
            *self._args,
            _filters_key(self.settings),
            basis or self.settings.basis,
            self.source.payload,
            self.settings,
        )
