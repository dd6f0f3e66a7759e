"""Step 2 of loading: cells as text → typed transactions, plus every rejected line with its reason.

Amounts become exact integers in minor units (see :mod:`kadash.exact`); dates become
``datetime64[s]`` at midnight. A line is rejected for exactly one reason, the first that applies
in :data:`REJECT_REASONS`; nothing is dropped without being counted. A gross-profit cell never
rejects a line: blank or unreadable, the line keeps its revenue and counts as missing profit,
and the unreadable ones are listed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, DecimalException

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kadash.columns import FIELDS, check_mapping
from kadash.exact import MONEY_DECIMALS, MONEY_SCALE, check_sum_fits
from kadash.load import RawTable

__all__ = [
    "REJECT_REASONS",
    "ParseResult",
    "ParsedAmounts",
    "ParsedDates",
    "parse_amounts",
    "parse_dates",
    "parse_transactions",
]

#: Reasons a line is rejected, in the order they are tested (the first that applies wins).
#: ``too_many_fields`` (more non-empty cells than the header has columns) comes first: the
#: line's cells are probably shifted, so none of them can be trusted. An empty line in the
#: middle of a file has a blank customer id.
REJECT_REASONS: tuple[str, ...] = (
    "too_many_fields",
    "blank_customer_id",
    "unreadable_date",
    "unreadable_amount",
)

# Integer part: plain digits, or digits grouped by "," in threes ("1,234,567").
_AMOUNT = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?$")
# ASCII digits only, as in _AMOUNT (RE2's \d); Decimal would also read "١E+3".
_SCIENTIFIC = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$", re.ASCII)
_DATE = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
# 14 integer digits keep |amount| · 10^4 below 2^63 with room for sums.
_MAX_INT_DIGITS = 14
# The common shape, read exactly by Arrow's decimal cast: at most 14 integer digits and 4
# decimals, no grouping. Everything else takes the general path.
_PLAIN = r"^[+-]?(?:\d{1,14}(?:\.\d{0,4})?|\.\d{1,4})$"
_DECIMAL = pa.decimal128(18, MONEY_DECIMALS)


@dataclass(frozen=True)
class ParsedAmounts:
    """Result of :func:`parse_amounts` (arrays aligned with the input)."""

    minor: np.ndarray  # int64, 0 where not ok
    ok: np.ndarray  # bool
    blank: np.ndarray  # bool: empty or whitespace-only cell
    rounded: np.ndarray  # bool: had non-zero digits beyond the 4th decimal


@dataclass(frozen=True)
class ParsedDates:
    """Result of :func:`parse_dates`."""

    dates: np.ndarray  # datetime64[s], NaT where not ok
    ok: np.ndarray  # bool


def _as_arrow(values: pd.Series | list[str] | np.ndarray) -> pa.Array:
    """Cell texts as one Arrow string array, trimmed, nulls as ""."""
    arr = pa.array(values, type=pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.fill_null(pc.utf8_trim_whitespace(arr), "")


def _to_int(strings: pa.Array) -> np.ndarray:
    """Digit strings ("" counts as 0) → int64."""
    filled = pc.if_else(pc.equal(strings, ""), "0", strings)
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)


def _plain_minor(text: pa.Array) -> np.ndarray:
    """Minor units of plain decimal strings (see ``_PLAIN``), through Arrow's exact cast.

    A decimal128(18, 4) value is stored as its unscaled integer — exactly our minor units —
    in 16 little-endian bytes; as |value| < 10^18 it fits the low 8 (two's complement).
    """
    decimals = pc.cast(text, _DECIMAL)
    words = np.frombuffer(decimals.buffers()[1], dtype=np.int64)
    return words[2 * decimals.offset :: 2][: len(decimals)].copy()


def parse_amounts(values: pd.Series | list[str] | np.ndarray) -> ParsedAmounts:
    """Parse money cells exactly into minor units (0.0001).

    Accepted: an optional sign, digits with optional ``,`` thousands grouping in threes,
    an optional ``.`` decimal part, surrounding spaces, and scientific notation (``1.5E+3``).
    More than four decimals are rounded half away from zero, and flagged in ``rounded``.

    Parameters
    ----------
    values
        Cell texts.

    Returns
    -------
    ParsedAmounts
    """
    text = _as_arrow(values)
    n = len(text)
    plain = pc.match_substring_regex(text, _PLAIN).to_numpy(zero_copy_only=False)
    if plain.all():  # the usual case: one exact cast, no string surgery
        return ParsedAmounts(
            minor=_plain_minor(text),
            ok=np.ones(n, dtype=bool),
            blank=np.zeros(n, dtype=bool),
            rounded=np.zeros(n, dtype=bool),
        )
    if plain.any():
        rest = _parse_general(pc.filter(text, pa.array(~plain)))
        minor = np.zeros(n, dtype=np.int64)
        minor[plain] = _plain_minor(pc.filter(text, pa.array(plain)))
        out = {"ok": plain.copy(), "blank": np.zeros(n, dtype=bool), "rounded": np.zeros(n, bool)}
        for name, values_ in (("ok", rest.ok), ("blank", rest.blank), ("rounded", rest.rounded)):
            out[name][~plain] = values_
        minor[~plain] = rest.minor
        return ParsedAmounts(minor=minor, **out)
    return _parse_general(text)


def _parse_general(text: pa.Array) -> ParsedAmounts:
    """Every accepted shape (grouping, many decimals, scientific notation), by string surgery."""
    n = len(text)
    blank = pc.equal(text, "").to_numpy(zero_copy_only=False)
    parts = pc.extract_regex(text, _AMOUNT.pattern)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    parts = pc.fill_null(parts, pa.scalar({"sign": "", "int": "", "frac": ""}, parts.type))
    sign = pc.struct_field(parts, "sign")
    int_part = pc.replace_substring(pc.struct_field(parts, "int"), ",", "")
    frac = pc.struct_field(parts, "frac")
    int_len = pc.utf8_length(int_part).to_numpy(zero_copy_only=False)
    frac_len = pc.utf8_length(frac).to_numpy(zero_copy_only=False)
    ok = matched & ((int_len > 0) | (frac_len > 0)) & (int_len <= _MAX_INT_DIGITS)

    int_part = pc.if_else(pa.array(ok), int_part, "")
    frac = pc.if_else(pa.array(ok), frac, "")
    head = pc.utf8_rpad(pc.utf8_slice_codeunits(frac, 0, MONEY_DECIMALS), MONEY_DECIMALS, "0")
    tail = pc.utf8_slice_codeunits(frac, MONEY_DECIMALS)
    round_up = pc.greater_equal(pc.utf8_slice_codeunits(tail, 0, 1), "5").to_numpy(
        zero_copy_only=False
    )
    rounded = ok & pc.match_substring_regex(tail, "[1-9]").to_numpy(zero_copy_only=False)
    magnitude = _to_int(int_part) * MONEY_SCALE + _to_int(head) + round_up.astype(np.int64)
    negative = pc.equal(sign, "-").to_numpy(zero_copy_only=False)
    minor = np.where(negative, -magnitude, magnitude)

    # Rare shapes (scientific notation) go through Decimal one by one.
    for i in np.flatnonzero(~ok & ~blank & ~matched):
        cell = text[int(i)].as_py()
        if not _SCIENTIFIC.match(cell):
            continue
        try:
            exact = Decimal(cell)
            scaled = exact.scaleb(MONEY_DECIMALS).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        except DecimalException:  # e.g. Overflow for "1e999999999"
            continue
        if abs(scaled) < 10 ** (_MAX_INT_DIGITS + MONEY_DECIMALS):
            minor[i] = int(scaled)
            ok[i] = True
            rounded[i] = scaled != exact.scaleb(MONEY_DECIMALS)
    minor = np.where(ok, minor, 0).astype(np.int64)
    assert len(minor) == n
    return ParsedAmounts(minor=minor, ok=ok, blank=blank, rounded=rounded & ok)


def parse_dates(values: pd.Series | list[str] | np.ndarray) -> ParsedDates:
    """Parse date cells: ``YYYY-MM-DD``, ``YYYY/MM/DD`` or ``YYYY.MM.DD``, optionally followed
    by a time of day (which is ignored: a line belongs to its calendar day).

    Impossible dates (``2023-02-29``, month 13) are not ok.
    """
    text = _as_arrow(values)
    parts = pc.extract_regex(text, _DATE.pattern)
    matched = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    parts = pc.fill_null(parts, pa.scalar({"y": "1970", "m": "1", "d": "1"}, parts.type))
    year, month, day = (_to_int(pc.struct_field(parts, k)) for k in ("y", "m", "d"))
    month_ok = (month >= 1) & (month <= 12)
    months = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (np.clip(day, 1, 31) - 1)
    # day <= 31: the clip above would otherwise read "2024-01-32" as 31 January.
    ok = matched & month_ok & (day >= 1) & (day <= 31) & (days.astype("datetime64[M]") == months)
    dates = np.where(ok, days, np.datetime64("NaT")).astype("datetime64[s]")
    return ParsedDates(dates=dates, ok=ok)


@dataclass(frozen=True)
class ParseResult:
    """Typed transactions and the account of every line read.

    Attributes
    ----------
    transactions
        Accepted lines: ``line``, ``customer_id``, ``date``, ``revenue`` (int64 minor units),
        ``profit`` and ``profit_missing`` (blank or unreadable profit cell, counted as 0) when a
        profit column is mapped, and the mapped text
        fields (``order_id``, ``customer_name``, ``region``, ``industry``, ``sales_rep``,
        ``product_line``) with surrounding spaces removed.
    rejected
        Rejected lines: ``line``, ``reason`` (a key of :data:`REJECT_REASONS`), ``column`` and
        ``value`` (the cell at fault, where one is), then the line's original cells.
    mapping
        The column mapping used.
    rows_read
        Data rows in the file (accepted + rejected).
    rounded_amounts
        Accepted cells that had more than four decimals and were rounded.
    unreadable_profit
        Accepted lines whose gross-profit cell could not be read: ``line`` and ``value``.
    """

    transactions: pd.DataFrame
    rejected: pd.DataFrame
    mapping: dict[str, str]
    rows_read: int
    rounded_amounts: int = 0
    unreadable_profit: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"line": [], "value": []})
    )

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
    def rejected_by_reason(self) -> dict[str, int]:
        """Count per reason, every reason listed (zeros included), in test order."""
        counts = self.rejected["reason"].value_counts()
        return {reason: int(counts.get(reason, 0)) for reason in REJECT_REASONS}


def parse_transactions(raw: RawTable, mapping: Mapping[str, str | None]) -> ParseResult:
    """Turn cells into typed transactions and rejected lines.

    Parameters
    ----------
    raw
        Cells from :func:`kadash.load.read_cells`.
    mapping
        Field → column (see :mod:`kadash.columns`); ``customer_id``, ``date`` and ``revenue``
        are required.

    Returns
    -------
    ParseResult

    Raises
    ------
    ValueError
        If the mapping is invalid, or the amounts are too large to add up exactly.
    """
    mapping = check_mapping(mapping, raw.header)
    cells = raw.cells
    lines = cells.index.to_numpy(dtype=np.int64)
    stripped = {name: cells[column].str.strip() for name, column in mapping.items()}

    overflow = np.isin(lines, raw.overflow.index.to_numpy(dtype=np.int64))
    blank_id = (stripped["customer_id"] == "").to_numpy()
    dates = parse_dates(stripped["date"])
    revenue = parse_amounts(stripped["revenue"])
    checks: list[tuple[str, np.ndarray, str | None]] = [
        ("too_many_fields", overflow, None),
        ("blank_customer_id", blank_id, mapping["customer_id"]),
        ("unreadable_date", ~dates.ok, mapping["date"]),
        ("unreadable_amount", ~revenue.ok, mapping["revenue"]),
    ]
    assert tuple(key for key, _, _ in checks) == REJECT_REASONS
    profit = parse_amounts(stripped["profit"]) if "profit" in mapping else None

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
    unreadable_profit = pd.DataFrame({"line": np.array([], dtype=np.int64), "value": []})
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
    )


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
    value = [
        raw.overflow.get(line, "") if col == "" else cells.at[line, col]
        for line, col in zip(cells.index, column, strict=True)
    ]
    front = pd.DataFrame(
        {
            "line": cells.index.to_numpy(dtype=np.int64),
            "reason": pd.array(reason, dtype="str"),
            "column": pd.array(column, dtype="str"),
            "value": pd.array(value, dtype="str"),
        }
    )
    body = cells.reset_index(drop=True)
    # Original columns could be called "line", "reason"…; keep ours first and unambiguous.
    body.columns = [f"{c} " if c in front.columns else c for c in body.columns]
    return pd.concat([front, body], axis=1)
