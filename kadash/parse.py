"""Step 2 of loading: cells as text → typed transactions, plus every rejected line with its reason.

Amounts become exact integers in minor units (:mod:`kadash.amounts`); dates become
``datetime64[s]`` at midnight (:mod:`kadash.dates`). A line is rejected for exactly one
reason, the first that applies in :data:`REJECT_REASONS`; nothing is dropped without being
counted. Some lines are kept but reported: a gross-profit cell that is blank or unreadable (the
line keeps its revenue and counts as missing profit) and exact duplicates of an earlier line
(real repeat purchases, never de-duplicated).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kadash.amounts import ParsedAmounts, parse_amounts
from kadash.cells import arrow_text, flag, trimmed
from kadash.columns import FIELDS, check_mapping, normalize_header
from kadash.dates import ParsedDates, parse_dates
from kadash.errors import KadashError
from kadash.exact import check_sum_fits
from kadash.load import RawTable

__all__ = [
    "REJECT_REASONS",
    "TOTAL_CELL",
    "Columns",
    "NotClean",
    "ParseResult",
    "parse_columns",
    "parse_transactions",
]

#: Reasons a line is rejected, in the order they are tested (the first that applies wins).
#: An empty line between rows has a blank customer id. ``too_many_fields`` comes last: a line
#: with more non-empty cells than the header has columns (a value holding an unquoted
#: delimiter, such as ``￥1,234.00``) may look readable, but its cells are shifted and its
#: amount cannot be trusted.
REJECT_REASONS: tuple[str, ...] = (
    "repeated_header_row",
    "total_row",
    "blank_customer_id",
    "unreadable_date",
    "unreadable_amount",
    "too_many_fields",
)
#: Text fields with about one value per line: kept as plain text, not as categories.
UNIQUE_TEXT_FIELDS = ("order_id",)
#: A cell that marks a total row: Total, Grand total, Subtotal, Sum, 合計, 總計, 总计, 小計…
TOTAL_CELL = (
    r"^[\s:：*]*(?:(?:grand|sub)[\s_-]*totals?|totals?|sum"
    r"|合計|合计|總計|总计|小計|小计|總和|总和|共計|共计)[\s:：*]*$"
)


def _empty_lines() -> pd.DataFrame:
    return pd.DataFrame({"line": np.array([], dtype=np.int64), "value": []})


@dataclass(frozen=True)
class ParseResult:
    """Typed transactions and the account of every line read.

    Attributes
    ----------
    transactions
        Accepted lines: ``line``, ``customer_id``, ``date``, ``revenue`` (int64 minor units),
        ``profit`` and ``profit_missing`` (blank or unreadable profit cell, counted as 0) when a
        profit column is mapped, and the mapped text fields (``order_id``, ``customer_name``,
        ``region``, ``industry``, ``sales_rep``, ``product_line``), trimmed.
    rejected
        Rejected lines: ``line``, ``reason`` (a key of :data:`REJECT_REASONS`), ``column`` and
        ``value`` (the cell at fault, where one is), ``extra`` (cells beyond the header's
        columns, if any), then the line's original cells.
    mapping
        The column mapping used.
    rows_read
        Data rows in the file (accepted + rejected).
    rounded_amounts
        Accepted cells that had more than four decimals and were rounded.
    unreadable_profit, duplicates
        Accepted lines kept but reported, each with ``line`` and ``value`` (the profit cell;
        the earlier line it repeats).
    rejected_revenue
        Revenue (minor units) of the rejected lines whose amount could be read.
    formats
        How the values were read: ``decimal_mark`` (of the amount column), ``profit_decimal_mark``,
        ``date_order`` and ``currency``; ``None`` where the file did not need one.
    """

    transactions: pd.DataFrame
    rejected: pd.DataFrame
    mapping: dict[str, str]
    rows_read: int
    rounded_amounts: int = 0
    unreadable_profit: pd.DataFrame = field(default_factory=_empty_lines)
    duplicates: pd.DataFrame = field(default_factory=_empty_lines)
    rejected_revenue: int = 0
    formats: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_accepted(self) -> int:
        return len(self.transactions)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    @property
    def has_profit(self) -> bool:
        return "profit" in self.transactions.columns

    @property
    def missing_profit(self) -> int:
        """Accepted lines whose profit cell was blank (counted as no profit)."""
        if not self.has_profit:
            return 0
        return int(self.transactions["profit_missing"].sum()) - len(self.unreadable_profit)

    @property
    def accepted_revenue(self) -> int:
        """Net revenue (minor units) of the accepted lines."""
        return int(self.transactions["revenue"].sum())

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        """Count per reason, every reason listed (zeros included), in test order."""
        counts = self.rejected["reason"].value_counts()
        return {reason: int(counts.get(reason, 0)) for reason in REJECT_REASONS}


class NotClean(Exception):
    """The typed reader met a line it cannot vouch for: read the file exactly instead."""


@dataclass(frozen=True)
class Columns:
    """The mapped columns of a table, and where to find its whole lines.

    Attributes
    ----------
    arrays
        Column name → its cells as Arrow text (string, or dictionary of strings), exactly as
        read (untrimmed); at least the mapped columns.
    lines
        The spreadsheet line of each row (int64).
    header
        Every column name of the file, in order.
    whole
        Rows (0-based positions, ascending) → all their original cells, indexed by line.
    overflow
        For lines with non-empty cells beyond the header's columns: those cells, by line.
    strict
        The typed reader's promise: a line that would be rejected raises :class:`NotClean`,
        so the caller reads the file exactly (and can then show every cell of it).
    consume
        :func:`parse_columns` may take each array out of ``arrays`` (then a ``dict``) once it
        has used it, so its memory goes back while the rest is parsed.
    """

    arrays: Mapping[str, pa.Array | pa.ChunkedArray]
    lines: np.ndarray
    header: tuple[str, ...]
    whole: Callable[[np.ndarray], pd.DataFrame]
    overflow: pd.Series = field(default_factory=lambda: pd.Series([], dtype="str"))
    strict: bool = False
    consume: bool = False


@dataclass(frozen=True)
class _Text:
    """A text column as codes into its distinct trimmed values (in order of first occurrence),
    so that checks and parsing look at each distinct value once."""

    codes: np.ndarray  # int32, one per row
    values: pa.Array  # distinct trimmed texts

    @classmethod
    def of(cls, column: pa.Array | pa.ChunkedArray) -> _Text:
        chunked = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
        if not pa.types.is_dictionary(chunked.type):
            # One array first: encoding chunk by chunk gives every chunk the dictionary so
            # far, and unifying those is quadratic.
            chunked = pa.chunked_array([pc.dictionary_encode(chunked.combine_chunks())])
        if chunked.num_chunks == 0:
            return cls(np.zeros(0, dtype=np.int32), pa.array([], pa.string()))
        chunked = chunked.unify_dictionaries()
        nulls = chunked.null_count > 0
        raw_codes = np.concatenate(
            [
                (pc.fill_null(c.indices, -1) if nulls else c.indices).to_numpy(zero_copy_only=False)
                for c in chunked.chunks
            ]
        )
        dictionary = pc.cast(chunked.chunks[0].dictionary, pa.string())
        if nulls:  # a missing cell is an empty one
            dictionary = pa.concat_arrays([dictionary, pa.array([""], pa.string())])
            raw_codes = np.where(raw_codes < 0, len(dictionary) - 1, raw_codes)
        # Trim the distinct values, then merge those that became equal.
        trimmed = pc.dictionary_encode(pc.utf8_trim_whitespace(dictionary))
        remap = trimmed.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        values = trimmed.dictionary
        same = len(values) == len(dictionary) and np.array_equal(remap, np.arange(len(remap)))
        codes = raw_codes.astype(np.int32, copy=False) if same else remap[raw_codes]
        # Dictionaries are built in reading order, so values come in order of first appearance
        # (merging keeps the earlier one's place); only a missing cell's "" may be out of turn.
        if nulls:
            first = pd.unique(codes)
            order = np.full(len(values), -1, dtype=np.int32)
            order[first] = np.arange(len(first), dtype=np.int32)
            codes, values = order[codes], pc.take(values, pa.array(first))
        return cls(codes, values)

    def at(self, value_mask: np.ndarray) -> np.ndarray:
        """Rows whose value is marked in ``value_mask`` (one flag per distinct value)."""
        return value_mask[self.codes] if len(self.codes) else np.zeros(0, dtype=bool)

    def texts(self) -> pa.Array:
        """Every row's trimmed text."""
        return pc.take(self.values, pa.array(self.codes))

    def first_rows(self) -> np.ndarray:
        """The first row holding each distinct value: where a code exceeds every code before
        it (values are in order of first appearance)."""
        if not len(self.codes):
            return np.zeros(0, dtype=np.int64)
        seen = np.maximum.accumulate(self.codes)
        return np.flatnonzero(np.concatenate([[True], self.codes[1:] > seen[:-1]]))

    def categorical(self, rows: np.ndarray, *, sort: bool = False) -> pd.Categorical:
        """The texts of ``rows`` (a boolean mask) as a categorical whose categories are the
        values they use: in order of first appearance, or in plain (code point) order."""
        everything = rows.all()  # then every value is used, in order of first appearance
        codes = self.codes if everything else self.codes[rows]
        index = np.arange(len(self.values)) if everything else pd.unique(codes).astype(np.int64)
        kept = self.values
        if sort or not np.array_equal(index, np.arange(len(self.values))):
            kept = pc.take(self.values, pa.array(index))
            if sort:
                order = pc.sort_indices(kept).to_numpy(zero_copy_only=False)
                index, kept = index[order], pc.take(kept, pa.array(order))
            new = np.full(len(self.values), -1, dtype=np.int32)
            new[index] = np.arange(len(index), dtype=np.int32)
            codes = new[codes]
        categories = pd.Index(pd.array(kept, dtype="str"))
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories))


def parse_transactions(
    raw: RawTable,
    mapping: Mapping[str, str | None],
    *,
    decimal: str | None = None,
    date_order: str | None = None,
) -> ParseResult:
    """Turn cells into typed transactions and rejected lines.

    Parameters
    ----------
    raw
        Cells from :func:`kadash.load.read_cells`.
    mapping
        Field → column (see :mod:`kadash.columns`); ``customer_id``, ``date`` and ``revenue``
        are required.
    decimal, date_order
        Impose the decimal mark (``"."``/``","``) or the date order (``"dmy"``/``"mdy"``)
        where the file's own evidence does not decide.

    Returns
    -------
    ParseResult

    Raises
    ------
    KadashError
        If the mapping is invalid, the decimal mark or date order is needed and not given,
        a column mixes currencies, or the amounts are too large to add up exactly.
    """
    mapping = check_mapping(mapping, raw.header)
    cells = raw.cells
    columns = Columns(
        arrays={c: _arrow(cells[c]) for c in set(mapping.values())},
        lines=cells.index.to_numpy(dtype=np.int64),
        header=raw.header,
        whole=lambda rows: cells.iloc[rows],
        overflow=raw.overflow,
    )
    return parse_columns(columns, mapping, decimal=decimal, date_order=date_order)


def _arrow(series: pd.Series) -> pa.ChunkedArray:
    """A text column of the cells frame as Arrow (no copy for Arrow-backed strings)."""
    array = pa.array(series.array, type=pa.string(), from_pandas=True)
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def parse_columns(
    columns: Columns,
    mapping: Mapping[str, str],
    *,
    decimal: str | None = None,
    date_order: str | None = None,
) -> ParseResult:
    """:func:`parse_transactions` on columns from either reader (``mapping`` checked)."""
    strict = columns.strict
    lines = columns.lines
    left = Counter(mapping.values())

    def cells(name: str) -> pa.Array | pa.ChunkedArray:
        """The cells of field ``name``'s column, let go of after the column's last use."""
        column = mapping[name]
        array = columns.arrays[column]
        left[column] -= 1
        if columns.consume and not left[column]:
            del columns.arrays[column]  # type: ignore[attr-defined]
        return array

    ids = _Text.of(cells("customer_id"))
    days = _Text.of(cells("date"))
    revenue_cells = cells("revenue")
    blank_values = flag(pc.equal(ids.values, "")), flag(pc.equal(days.values, ""))
    blank_id, blank_date = ids.at(blank_values[0]), days.at(blank_values[1])
    if strict and (blank_id.any() or blank_date.any()):
        raise NotClean
    repeated = _repeated_header(ids, days, revenue_cells, mapping)
    total = _total_row(ids, blank_id | blank_date, columns)
    if strict and (repeated.any() or total.any()):
        raise NotClean
    # A repeated header or total line is not data: its cells must not sway the inference.
    data = ~(repeated | total)
    dates = _parse_dates(days, data, lines, mapping["date"], date_order)
    revenue = _parse_where(parse_amounts, revenue_cells, data, lines, mapping["revenue"], decimal)
    checks: list[tuple[str, np.ndarray, str | None]] = [
        ("repeated_header_row", repeated, None),
        ("total_row", total, None),
        ("blank_customer_id", blank_id, mapping["customer_id"]),
        ("unreadable_date", ~dates.ok, mapping["date"]),
        ("unreadable_amount", ~revenue.ok, mapping["revenue"]),
        ("too_many_fields", _overflowing(lines, columns.overflow), None),
    ]
    assert tuple(key for key, _, _ in checks) == REJECT_REASONS
    # Reason codes: 0 = accepted, k = the k-th check (the first that applies wins).
    code = np.zeros(len(lines), dtype=np.int8)
    for k, (_, mask, _) in enumerate(checks, start=1):
        code[mask & (code == 0)] = k
    accepted = code == 0
    if strict and not accepted.all():
        raise NotClean
    rejected_revenue = _rejected_revenue(revenue, revenue_cells, ~accepted, data)
    del revenue_cells
    profit, profit_cells = None, None
    if "profit" in mapping:
        profit_cells = cells("profit")
        profit = _parse_where(parse_amounts, profit_cells, data, lines, mapping["profit"], decimal)
    rejected_codes = code[~accepted] - 1
    reason = np.array([key for key, _, _ in checks], dtype=object)[rejected_codes]
    column_at_fault = np.array([col or "" for _, _, col in checks], dtype=object)[rejected_codes]
    rejected = _rejected_frame(columns, ~accepted, reason, column_at_fault)

    everything = accepted.all()
    tx = pd.DataFrame(
        {
            "line": lines if everything else lines[accepted],
            "customer_id": ids.categorical(accepted, sort=True),
            "date": dates.dates if everything else dates.dates[accepted],
            "revenue": revenue.minor if everything else revenue.minor[accepted],
        },
        copy=False,  # one block per column: no copy into a 2-D block
    )
    rounded = int(revenue.rounded[accepted].sum())
    unreadable_profit = _empty_lines()
    if profit is not None:
        tx["profit"] = profit.minor[accepted]  # 0 where not ok
        tx["profit_missing"] = ~profit.ok[accepted]
        rounded += int(profit.rounded[accepted].sum())
        check_sum_fits(tx["profit"].to_numpy(), mapping["profit"])
        bad = np.flatnonzero(accepted & ~profit.ok & ~profit.blank)
        bad_cells = pc.utf8_trim_whitespace(pc.take(profit_cells, pa.array(bad)))
        unreadable_profit = pd.DataFrame(
            {"line": lines[bad], "value": pd.array(bad_cells, dtype="str")}
        )
    del profit_cells
    check_sum_fits(tx["revenue"].to_numpy(), mapping["revenue"])
    # Each line's numbers mixed into one hash as they come, so each text column's codes can go.
    line_hash = _LineHash(len(lines))
    for key in (ids.codes, dates.dates.view(np.int64), revenue.minor):
        line_hash.add(key)
    if profit is not None:
        line_hash.add(profit.minor)
    for name in FIELDS:
        if name not in mapping or name in ("customer_id", "date", "revenue", "profit"):
            continue
        if name in UNIQUE_TEXT_FIELDS:  # as many values as lines: plain trimmed text
            text = trimmed(cells(name))
            tx[name] = pd.array(text if everything else text.filter(pa.array(accepted)),
                                dtype="str")  # fmt: skip
        else:
            values = _Text.of(cells(name))
            tx[name] = values.categorical(accepted)
            line_hash.add(values.codes)
            del values
    if columns.consume:
        # The cells are gone; Arrow's pool hands their memory back rather than keeping it.
        pa.default_memory_pool().release_unused()
    return ParseResult(
        transactions=tx,
        rejected=rejected,
        mapping=dict(mapping),
        rows_read=len(lines),
        rounded_amounts=rounded,
        unreadable_profit=unreadable_profit,
        duplicates=_duplicates(columns, accepted, line_hash.mixed),
        rejected_revenue=rejected_revenue,
        formats={
            "decimal_mark": revenue.decimal_mark,
            "profit_decimal_mark": None if profit is None else profit.decimal_mark,
            "date_order": dates.order,
            "currency": revenue.currency,
        },
    )


def _overflowing(lines: np.ndarray, overflow: pd.Series) -> np.ndarray:
    """Rows whose line has cells beyond the header's columns."""
    if not len(overflow):
        return np.zeros(len(lines), dtype=bool)
    return np.isin(lines, overflow.index.to_numpy(np.int64))


def _parse_dates(
    days: _Text, data: np.ndarray, lines: np.ndarray, column: str, order: str | None
) -> ParsedDates:
    """Dates of every row, each distinct text parsed once (those of data rows only: a total
    line's cell must not sway the day/month order)."""
    present = np.zeros(len(days.values), dtype=bool)
    present[days.codes[data]] = True
    wanted = np.flatnonzero(present)
    first_lines = lines[days.first_rows()[wanted]] if len(wanted) else lines[:0]
    got = parse_dates(
        pc.take(days.values, pa.array(wanted)), lines=first_lines, column=column, order=order
    )
    ok = np.zeros(len(days.values), dtype=bool)
    ok[wanted] = got.ok
    value_dates = np.full(len(days.values), np.datetime64("NaT"), dtype="datetime64[s]")
    value_dates[wanted] = got.dates
    row_ok = days.at(ok) & data
    row_dates = value_dates[days.codes] if len(days.codes) else value_dates[:0]
    if not row_ok.all():
        row_dates = np.where(row_ok, row_dates, np.datetime64("NaT"))
    return ParsedDates(dates=row_dates, ok=row_ok, order=got.order)


def _rejected_revenue(
    revenue: ParsedAmounts, cells: pa.ChunkedArray, rejected: np.ndarray, data: np.ndarray
) -> int:
    """The amounts of the rejected lines that can be read — total and repeated header lines
    included (they were left out of parsing so as not to sway it), read with the decimal mark
    the column showed."""
    total = int(revenue.minor[rejected & data & revenue.ok].sum())
    others = np.flatnonzero(~data)
    if len(others):
        try:
            extra = parse_amounts(pc.take(cells, pa.array(others)), decimal=revenue.decimal_mark)
        except KadashError:  # e.g. a total in another currency mark: not an amount of ours
            return total
        total += int(extra.minor[extra.ok].sum())
    return total


def _parse_where(
    parse: Any,
    values: pa.ChunkedArray,
    where: np.ndarray,
    lines: np.ndarray,
    column: str,
    option: str | None,
) -> ParsedAmounts:
    """Run the amount parser on the rows ``where`` holds (the others come out not ok)."""
    if where.all():
        return parse(values, lines=lines, column=column, decimal=option)
    rows = np.flatnonzero(where)
    got = parse(pc.take(values, pa.array(rows)), lines=lines[rows], column=column, decimal=option)
    out = {}
    for name in ("ok", "blank", "rounded", "minor"):
        part = getattr(got, name)
        full = np.zeros(len(where), dtype=part.dtype)
        full[rows] = part
        out[name] = full
    return ParsedAmounts(**out, decimal_mark=got.decimal_mark, currency=got.currency)


def _names(texts: pa.Array, column: str) -> np.ndarray:
    """Cells that repeat the column name ``column`` (in any case or spacing)."""
    target = normalize_header(column)
    keep = np.ones(len(texts), dtype=bool)
    # Cheap vectorised tests first: a name without digits rules out nearly every date and
    # amount; then the same letters in any case or spacing; the exact test last.
    if not any(ch.isdigit() for ch in target):
        keep = ~flag(pc.match_substring_regex(texts, r"[0-9]"))
    if keep.any():
        some = np.flatnonzero(keep)
        folded = pc.utf8_lower(pc.take(texts, pa.array(some)))
        bare = pc.replace_substring_regex(folded, r"[^\p{L}\p{N}]+", "")
        keep[some] = flag(pc.equal(bare, target))
        keep[keep] = [normalize_header(c) == target for c in pc.filter(texts, keep).to_pylist()]
    return keep


def _repeated_header(
    ids: _Text, days: _Text, revenue: pa.ChunkedArray, mapping: Mapping[str, str]
) -> np.ndarray:
    """Lines whose date, amount and customer cells repeat the header (files joined end to end).

    The date column goes first, one look per distinct date: almost no line survives it."""
    hit = days.at(_names(days.values, mapping["date"]))
    rows = np.flatnonzero(hit)
    if len(rows):
        amounts = pc.utf8_trim_whitespace(pc.take(revenue, pa.array(rows)))
        rows = rows[_names(amounts, mapping["revenue"])]
        rows = rows[_names(ids.values, mapping["customer_id"])[ids.codes[rows]]]
        hit[:] = False
        hit[rows] = True
    return hit


def _is_total(texts: pa.Array) -> np.ndarray:
    """Cells that say "Total" (合計…). Only short cells are looked at by the pattern."""
    texts = pc.fill_null(texts, "")
    short = flag(pc.less_equal(pc.utf8_length(texts), 16))
    total = np.zeros(len(texts), dtype=bool)
    if short.any():
        some = pc.filter(texts, pa.array(short))
        total[short] = flag(pc.match_substring_regex(some, TOTAL_CELL, ignore_case=True))
    return total


def _total_row(ids: _Text, blank: np.ndarray, columns: Columns) -> np.ndarray:
    """Total lines: the customer id says "Total" (合計…), or another cell does on a line with
    no customer id or no date. (A customer merely named "Total" keeps its lines: they have an
    id and a date.)"""
    total = ids.at(_is_total(ids.values))
    rows = np.flatnonzero(blank)
    if len(rows):
        some = columns.whole(rows)
        total[rows] = np.logical_or.reduce(
            [_is_total(pa.array(some[c].array, pa.string(), from_pandas=True)) for c in some]
        )
    return total


class _LineHash:
    """A 64-bit hash per line, of every mapped column as numbers, mixed in a column at a time."""

    def __init__(self, n: int) -> None:
        self.mixed = np.zeros(n, dtype=np.uint64)

    def add(self, key: np.ndarray) -> None:
        """Mix in one number per line (in place: at a million lines each new array costs its
        page faults)."""
        part = np.empty(len(self.mixed), dtype=np.uint64)
        # Signed to unsigned as two's complement, as int64 → uint64 would.
        np.copyto(part, key, casting="unsafe")
        with np.errstate(over="ignore"):
            np.bitwise_xor(self.mixed, part, out=self.mixed)
            np.multiply(self.mixed, np.uint64(0x9E3779B97F4A7C15), out=self.mixed)
            np.right_shift(self.mixed, np.uint64(29), out=part)
            np.bitwise_xor(self.mixed, part, out=self.mixed)


def _duplicates(columns: Columns, accepted: np.ndarray, hashes: np.ndarray) -> pd.DataFrame:
    """Accepted lines whose every cell equals an earlier accepted line's: kept, reported.

    ``hashes`` (of every mapped column, one per line: :class:`_LineHash`) find the candidates
    cheaply; only those have all their original cells compared."""
    rows = np.flatnonzero(accepted)
    if len(rows) < 2:
        return _empty_lines()
    mixed = hashes if len(rows) == len(accepted) else hashes[rows]
    shared = _sharing_buckets(mixed)
    repeats = pd.Series(mixed[shared]).duplicated(keep=False).to_numpy()
    candidates = rows[shared[repeats]]
    if not len(candidates):
        return _empty_lines()
    kept = columns.whole(candidates)
    # One text per line, then Arrow's hashing. Each cell is prefixed with its length in bytes
    # ("3:abc"), so no cell's content can pass for a boundary between cells.
    parts = []
    for c in kept.columns:
        text = arrow_text(kept[c])
        length = pc.cast(pc.binary_length(text), pa.string())
        parts.append(pc.binary_join_element_wise(length, text, ":"))
    joined = pc.binary_join_element_wise(*parts, "")
    codes = pc.dictionary_encode(joined).indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)  # first position of each distinct line
    first_of = np.empty(codes.max() + 1, dtype=np.int64)
    first_of[codes[first]] = first
    repeat = np.ones(len(codes), dtype=bool)
    repeat[first] = False
    lines = kept.index.to_numpy(dtype=np.int64)
    return pd.DataFrame({"line": lines[repeat], "value": lines[first_of[codes[repeat]]]})


def _sharing_buckets(hashes: np.ndarray) -> np.ndarray:
    """Positions of the hashes that may equal another: equal hashes share every bucket, so a
    hash alone in its bucket of some of the bits is unique. Two rounds on different bits,
    counting buckets (cheap, a few MB), leave few positions for exact hashing (a hash table of
    all ten million lines would take a third of a gigabyte)."""
    left: np.ndarray | None = None  # None: all of them
    for shift in (40, 16):  # bits 40–63, then 16–39
        n = len(hashes) if left is None else len(left)
        if n < 2:
            break
        bits = int(min(24, max(10, np.ceil(np.log2(n)) + 1)))  # ≤ 16M buckets
        bucket = np.right_shift(hashes if left is None else hashes[left], np.uint64(shift))
        np.bitwise_and(bucket, np.uint64((1 << bits) - 1), out=bucket)
        bucket = bucket.view(np.int64)  # < 2^24: the same numbers
        crowded = np.bincount(bucket, minlength=1 << bits) > 1
        keep = crowded[bucket]
        left = np.flatnonzero(keep) if left is None else left[keep]
    return np.arange(len(hashes)) if left is None else left


def _rejected_frame(
    columns: Columns, mask: np.ndarray, reason: np.ndarray, column: np.ndarray
) -> pd.DataFrame:
    """Rejected lines with their reason, the cell at fault and all original cells.

    ``reason`` and ``column`` are aligned with the rejected lines (``mask`` is true).
    """
    rows = np.flatnonzero(mask)
    cells = (
        columns.whole(rows)
        if len(rows)
        else pd.DataFrame(
            {c: pd.array([], dtype="str") for c in columns.header},
            index=pd.Index(np.array([], dtype=np.int64), name="line"),
        )
    )
    # The cell at fault, taken column by column (not one lookup per line).
    value = np.full(len(cells), "", dtype=object)
    for name in set(column) - {""}:
        where = column == name
        value[where] = cells[name].to_numpy(dtype=object)[where]
    extra = np.full(len(cells), "", dtype=object)
    if len(columns.overflow):
        extra = columns.overflow.reindex(cells.index).fillna("").to_numpy(dtype=object)
    front = pd.DataFrame(
        {
            "line": cells.index.to_numpy(dtype=np.int64),
            "reason": pd.array(reason, dtype="str"),
            "column": pd.array(column, dtype="str"),
            "value": pd.array(value, dtype="str"),
            "extra": pd.array(extra, dtype="str"),
        }
    )
    body = cells.reset_index(drop=True)
    # Original columns could be called "line", "reason"…; keep ours first and unambiguous.
    body.columns = [f"{c} " if c in front.columns else c for c in body.columns]
    return pd.concat([front, body], axis=1)
