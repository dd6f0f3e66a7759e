"""Date cells → calendar days, in the formats ERPs and spreadsheets write.

Read in one column, each cell by its own shape: ISO ``2024-01-05`` (also ``/`` or ``.``, with
an optional time of day, which is ignored), ``2024年1月5日``, the Taiwan ROC calendar
(``113/01/05``, ``民國113年1月5日``: a three-digit year or 民國 means ROC, year + 1911),
``05.01.2024`` (day first, as in Germany), Excel serial day numbers (``45296``), and
``NN/NN/YYYY`` or ``NN-NN-YYYY``, whose order the column decides: a first field over 12
anywhere means day first, a second over 12 means month first; both seen is an error naming
lines, and neither leaves the choice to the user (``order``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kadash.cells import as_arrow, digits_to_int, examples, flag, pick
from kadash.errors import KadashError

__all__ = ["DATE_ORDERS", "ParsedDates", "parse_dates"]

DATE_ORDERS: tuple[str, ...] = ("dmy", "mdy")
# An optional time of day after any date (ignored: a line belongs to its calendar day), as
# exports write it: "13:45", "T08:00:00Z", "12:00:00 AM", "上午 10:00:00".
_TIME = (
    r"(?:(?:[ T]|\s*(?:上午|下午|AM|PM)\s*)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*(?:AM|PM|[AaPp]\.?[Mm]\.?))?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_ROC = "(?:民國|民国)"
# (pattern, kind): kind says how the groups y / m / d (or a / b, or n) are read.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$", "ymd"),
    (rf"^(?P<y>\d{{4}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日{_TIME}$", "ymd"),
    (rf"^{_ROC}(?P<y>\d{{1,3}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日{_TIME}$", "roc"),
    (rf"^{_ROC}?(?P<y>\d{{3}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$", "roc"),
    (rf"^{_ROC}(?P<y>\d{{1,3}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$", "roc"),
    (rf"^(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_TIME}$", "ymd"),
    (rf"^(?P<a>\d{{1,2}})[-/](?P<b>\d{{1,2}})[-/](?P<y>\d{{4}}){_TIME}$", "ab"),
    (r"^(?P<n>\d{5})(?:\.\d+)?$", "serial"),
)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # Excel's day 0 (after its 1900 leap bug)
_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 … 2119-01-10: plausible dates, not amounts


@dataclass(frozen=True)
class ParsedDates:
    """Result of :func:`parse_dates`."""

    dates: np.ndarray  # datetime64[s] at midnight, NaT where not ok
    ok: np.ndarray  # bool
    order: str | None = None  # "dmy" / "mdy" used for NN/NN/YYYY cells; None if there were none


def _to_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar days from parts, and which parts make a real date (no 30 February)."""
    month_ok = (month >= 1) & (month <= 12) & (year >= 1) & (year <= 9999)
    months = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (np.clip(day, 1, 31) - 1)
    # day <= 31: the clip above would otherwise read "2024-01-32" as 31 January.
    ok = month_ok & (day >= 1) & (day <= 31) & (days.astype("datetime64[M]") == months)
    return days, ok


def parse_dates(
    values: pd.Series | Sequence[str] | np.ndarray,
    *,
    order: str | None = None,
    lines: np.ndarray | None = None,
    column: str = "",
) -> ParsedDates:
    """Parse date cells (see the module docstring for the shapes read).

    Parameters
    ----------
    values
        Cell texts.
    order
        ``"dmy"`` or ``"mdy"`` for ``NN/NN/YYYY`` cells; ``None`` decides from the column.
    lines, column
        Line numbers and the column's name, for messages.

    Raises
    ------
    KadashError
        ``error.date_order_conflict`` when the column has both a first and a second field over
        12, ``error.date_order_unknown`` when it has ``NN/NN/YYYY`` cells but no evidence and
        no ``order`` was given.
    """
    if order not in (None, *DATE_ORDERS):
        raise KadashError("error.settings_value", name="date order", value=order)
    text = as_arrow(values)
    if not flag(pc.string_is_ascii(text)).all():  # full-width digits, 年月日 …
        text = pc.utf8_normalize(text, form="NFKC")
    n = len(text)
    days = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = np.zeros(n, dtype=bool)
    todo = np.ones(n, dtype=bool)
    used_order: str | None = None
    for pattern, kind in _PATTERNS:
        if not todo.any():
            break
        rows = np.flatnonzero(todo)
        subset = text if len(rows) == n else pc.take(text, pa.array(rows))
        parts = pc.extract_regex(subset, pattern)
        hit = flag(pc.is_valid(parts))
        if not hit.any():
            continue
        rows, parts = rows[hit], pc.filter(parts, pa.array(hit))
        if kind == "serial":
            serial = digits_to_int(pick(parts, "n"))
            inside = (serial >= _SERIAL_RANGE[0]) & (serial <= _SERIAL_RANGE[1])
            rows, got = rows[inside], _EXCEL_EPOCH + serial[inside]
            good = np.ones(len(rows), dtype=bool)
        else:
            year = digits_to_int(pick(parts, "y"))
            if kind == "ab":
                first, second = digits_to_int(pick(parts, "a")), digits_to_int(pick(parts, "b"))
                used_order = _decide_order(first, second, order, text, rows, lines, column)
                day, month = (first, second) if used_order == "dmy" else (second, first)
            else:
                month, day = digits_to_int(pick(parts, "m")), digits_to_int(pick(parts, "d"))
                if kind == "roc":
                    year = year + 1911
            got, good = _to_days(year, month, day)
        days[rows] = got
        ok[rows] = good
        todo[rows] = False
    dates = np.where(ok, days, np.datetime64("NaT")).astype("datetime64[s]")
    return ParsedDates(dates=dates, ok=ok, order=used_order)


def _decide_order(
    first: np.ndarray,
    second: np.ndarray,
    order: str | None,
    text: pa.Array,
    rows: np.ndarray,
    lines: np.ndarray | None,
    column: str,
) -> str:
    """The column's day/month order for NN/NN/YYYY cells (``rows`` of ``text``)."""
    if order is not None:
        return order
    day_first, month_first = first > 12, second > 12
    picked_lines = None if lines is None else lines[rows]
    subset = pc.take(text, pa.array(rows))
    if day_first.any() and month_first.any():
        raise KadashError(
            "error.date_order_conflict",
            column=column,
            day_first=examples(day_first, subset, picked_lines),
            month_first=examples(month_first, subset, picked_lines),
        )
    if day_first.any():
        return "dmy"
    if month_first.any():
        return "mdy"
    raise KadashError(
        "error.date_order_unknown",
        column=column,
        examples=examples(np.ones(len(rows), dtype=bool), subset, picked_lines),
    )
