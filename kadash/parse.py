"""Step 2 of loading: cells as text → typed transactions, plus every rejected line with its reason.

Amounts become exact integers in minor units (:mod:`kadash.amounts`); dates become
``datetime64[s]`` at midnight (:mod:`kadash.dates`). A line is rejected for exactly one
reason, the first that applies in :data:`REJECT_REASONS`; nothing is dropped without being
counted. Some lines are kept but reported: a gross-profit cell that is blank or unreadable (the
line keeps its revenue and counts as missing profit) and exact duplicates of an earlier line
(real repeat purchases, never de-duplicated).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kadash.amounts import ParsedAmounts, parse_amounts
from kadash.cells import arrow_text, flag
from kadash.columns import FIELDS, check_mapping, normalize_header
from kadash.dates import ParsedDates, parse_dates
from kadash.errors import KadashError
from kadash.exact import check_sum_fits
from kadash.load import RawTable

__all__ = ["REJECT_REASONS", "TOTAL_CELL", "ParseResult", "parse_transactions"]

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
    lines = cells.index.to_numpy(dtype=np.int64)
    stripped = {name: cells[column].str.strip() for name, column in mapping.items()}
    repeated, total = _repeated_header(stripped, mapping), _total_row(stripped, cells)
    # A repeated header or total line is not data: its cells must not sway the inference.
    data = ~(repeated | total)
    blank_id = (stripped["customer_id"] == "").to_numpy()
    dates = _parse_where(parse_dates, stripped["date"], data, lines, mapping["date"], date_order)
    revenue = _parse_where(
        parse_amounts, stripped["revenue"], data, lines, mapping["revenue"], decimal
    )
    checks: list[tuple[str, np.ndarray, str | None]] = [
        ("repeated_header_row", repeated, None),
        ("total_row", total, None),
        ("blank_customer_id", blank_id, mapping["customer_id"]),
        ("unreadable_date", ~dates.ok, mapping["date"]),
        ("unreadable_amount", ~revenue.ok, mapping["revenue"]),
        ("too_many_fields", np.isin(lines, raw.overflow.index.to_numpy(dtype=np.int64)), None),
    ]
    assert tuple(key for key, _, _ in checks) == REJECT_REASONS
    profit = None
    if "profit" in mapping:
        profit = _parse_where(
            parse_amounts, stripped["profit"], data, lines, mapping["profit"], decimal
        )

    # Reason codes: 0 = accepted, k = the k-th check (the first that applies wins).
    code = np.zeros(len(cells), dtype=np.int8)
    for k, (_, mask, _) in enumerate(checks, start=1):
        code[mask & (code == 0)] = k
    accepted = code == 0
    rejected_codes = code[~accepted] - 1
    reason = np.array([key for key, _, _ in checks], dtype=object)[rejected_codes]
    column_at_fault = np.array([col or "" for _, _, col in checks], dtype=object)[rejected_codes]
    rejected = _rejected_frame(raw, ~accepted, reason, column_at_fault)

    tx = pd.DataFrame(
        {
            "line": lines[accepted],
            "customer_id": _kept_rows(stripped["customer_id"], accepted),
            "date": dates.dates[accepted],
            "revenue": revenue.minor[accepted],
        }
    )
    rounded = int(revenue.rounded[accepted].sum())
    unreadable_profit = _empty_lines()
    if profit is not None:
        tx["profit"] = profit.minor[accepted]  # 0 where not ok
        tx["profit_missing"] = ~profit.ok[accepted]
        rounded += int(profit.rounded[accepted].sum())
        check_sum_fits(tx["profit"].to_numpy(), mapping["profit"])
        bad = accepted & ~profit.ok & ~profit.blank
        unreadable_profit = pd.DataFrame(
            {"line": lines[bad], "value": _kept_rows(stripped["profit"], bad)}
        )
    check_sum_fits(tx["revenue"].to_numpy(), mapping["revenue"])
    for name in FIELDS:
        if name in mapping and name not in ("customer_id", "date", "revenue", "profit"):
            tx[name] = _kept_rows(stripped[name], accepted)
    return ParseResult(
        transactions=tx,
        rejected=rejected,
        mapping=dict(mapping),
        rows_read=len(cells),
        rounded_amounts=rounded,
        unreadable_profit=unreadable_profit,
        duplicates=_duplicates(
            cells,
            accepted,
            (
                pd.factorize(stripped["customer_id"])[0],
                dates.dates.view(np.int64),
                revenue.minor,
            ),
        ),
        rejected_revenue=_rejected_revenue(revenue, stripped["revenue"], ~accepted, data),
        formats={
            "decimal_mark": revenue.decimal_mark,
            "profit_decimal_mark": None if profit is None else profit.decimal_mark,
            "date_order": dates.order,
            "currency": revenue.currency,
        },
    )


def _rejected_revenue(
    revenue: ParsedAmounts, cells: pd.Series, rejected: np.ndarray, data: np.ndarray
) -> int:
    """The amounts of the rejected lines that can be read — total and repeated header lines
    included (they were left out of parsing so as not to sway it), read with the decimal mark
    the column showed."""
    total = int(revenue.minor[rejected & data & revenue.ok].sum())
    others = ~data
    if others.any():
        try:
            extra = parse_amounts(_kept_rows(cells, others), decimal=revenue.decimal_mark)
        except KadashError:  # e.g. a total in another currency mark: not an amount of ours
            return total
        total += int(extra.minor[extra.ok].sum())
    return total


def _parse_where(
    parse: Any,
    values: pd.Series,
    where: np.ndarray,
    lines: np.ndarray,
    column: str,
    option: str | None,
) -> ParsedAmounts | ParsedDates:
    """Run a column parser on the rows ``where`` holds (the others come out not ok)."""
    keyword = "order" if parse is parse_dates else "decimal"
    if where.all():
        return parse(values, lines=lines, column=column, **{keyword: option})
    got = parse(_kept_rows(values, where), lines=lines[where], column=column, **{keyword: option})
    out = {}
    for name in ("ok", "blank", "rounded", "minor", "dates"):
        part = getattr(got, name, None)
        if part is None:
            continue
        full = np.zeros(len(values), dtype=part.dtype)
        if name == "dates":
            full[:] = np.datetime64("NaT")
        full[where] = part
        out[name] = full
    kept = {k: getattr(got, k) for k in ("decimal_mark", "currency", "order") if hasattr(got, k)}
    return type(got)(**out, **kept)


def _repeated_header(stripped: dict[str, pd.Series], mapping: Mapping[str, str]) -> np.ndarray:
    """Lines whose date, amount and customer cells repeat the header (files joined end to end).

    The date column goes first: almost no line survives it, so the others see few cells."""
    hit = np.ones(len(stripped["customer_id"]), dtype=bool)
    for name in ("date", "revenue", "customer_id"):
        rows = np.flatnonzero(hit)
        if not len(rows):
            break
        cells = stripped[name] if len(rows) == len(hit) else stripped[name].iloc[rows]
        target = normalize_header(mapping[name])
        # Cheap vectorised tests first: a name without digits rules out nearly every date and
        # amount; then the same letters in any case or spacing; the exact test last.
        text = arrow_text(cells)
        keep = np.ones(len(text), dtype=bool)
        if not any(ch.isdigit() for ch in target):
            keep = ~flag(pc.match_substring_regex(text, r"[0-9]"))
        if keep.any():
            some = np.flatnonzero(keep)
            folded = pc.utf8_lower(pc.take(text, pa.array(some)))
            bare = pc.replace_substring_regex(folded, r"[^\p{L}\p{N}]+", "")
            keep[some] = flag(pc.equal(bare, target))
            keep[keep] = [normalize_header(c) == target for c in cells[keep]]
        hit[rows] = keep
    return hit


def _is_total(series: pd.Series) -> np.ndarray:
    """Cells that say "Total" (合計…). Only short cells are looked at by the pattern."""
    short = (series.str.len() <= 16).to_numpy(dtype=bool, na_value=False)
    total = np.zeros(len(series), dtype=bool)
    if short.any():
        text = arrow_text(series[short])
        total[short] = flag(pc.match_substring_regex(text, TOTAL_CELL, ignore_case=True))
    return total


def _total_row(stripped: dict[str, pd.Series], cells: pd.DataFrame) -> np.ndarray:
    """Total lines: the customer id says "Total" (合計…), or another cell does on a line with
    no customer id or no date. (A customer merely named "Total" keeps its lines: they have an
    id and a date.)"""
    ids = stripped["customer_id"]
    total = _is_total(ids)
    blank = np.flatnonzero(((ids == "") | (stripped["date"] == "")).to_numpy())
    if len(blank):
        some = cells.iloc[blank]
        total[blank] = np.logical_or.reduce([_is_total(some[c]) for c in some.columns])
    return total


def _duplicates(
    cells: pd.DataFrame, accepted: np.ndarray, keys: tuple[np.ndarray, ...]
) -> pd.DataFrame:
    """Accepted lines whose every cell equals an earlier accepted line's: kept, reported.

    ``keys`` (customer, date and amount of every line, as numbers) find the candidates
    cheaply; only those have all their cells compared."""
    candidates = accepted.copy()
    candidates[accepted] = (
        pd.DataFrame({i: k[accepted] for i, k in enumerate(keys)}).duplicated(keep=False).to_numpy()
    )
    kept = cells[candidates]
    if kept.empty:
        return _empty_lines()
    # One text per line, then Arrow's hashing. Each cell is prefixed with its length in bytes
    # ("3:abc"), so no cell's content can pass for a boundary between cells.
    columns = []
    for c in kept.columns:
        text = arrow_text(kept[c])
        length = pc.cast(pc.binary_length(text), pa.string())
        columns.append(pc.binary_join_element_wise(length, text, ":"))
    joined = pc.binary_join_element_wise(*columns, "")
    codes = pc.dictionary_encode(joined).indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)  # first position of each distinct line
    first_of = np.empty(codes.max() + 1, dtype=np.int64)
    first_of[codes[first]] = first
    repeat = np.ones(len(codes), dtype=bool)
    repeat[first] = False
    lines = kept.index.to_numpy(dtype=np.int64)
    return pd.DataFrame({"line": lines[repeat], "value": lines[first_of[codes[repeat]]]})


def _kept_rows(series: pd.Series, mask: np.ndarray) -> pd.Series:
    """The rows of ``series`` where ``mask`` holds, re-indexed from 0.

    Boolean indexing keeps Arrow-backed strings as they are (no Python object per cell).
    """
    return (series if mask.all() else series[mask]).reset_index(drop=True)


def _rejected_frame(
    raw: RawTable, mask: np.ndarray, reason: np.ndarray, column: np.ndarray
) -> pd.DataFrame:
    """Rejected lines with their reason, the cell at fault and all original cells.

    ``reason`` and ``column`` are aligned with the rejected lines (``mask`` is true).
    """
    cells = raw.cells[mask]
    # The cell at fault, taken column by column (not one lookup per line).
    value = np.full(len(cells), "", dtype=object)
    for name in set(column) - {""}:
        where = column == name
        value[where] = cells[name].to_numpy(dtype=object)[where]
    extra = raw.overflow.reindex(cells.index).fillna("").to_numpy(dtype=object)
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
