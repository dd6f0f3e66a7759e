"""Concentration over time: Gini, HHI, the top-share and customers-for-share per calendar period.

Each period is measured on its own, with the definitions of :mod:`kadash.concentration`
(applied, not re-implemented): a period's customers are those with at least one line in it,
each valued at the sum of its lines in that period. Periods are calendar months, quarters or
years, both ends inclusive.

Every period from the one holding the first covered date to the one holding the last appears,
including periods without a line (``customers`` 0, value 0, measures missing), so the time axis
has no silent holes. A period the data covers only in part (the first and last ones, cut by
where the data starts and ends) is flagged ``partial``: its measures are those of fewer days
and are not compared with whole periods.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from kadash.concentration import customers_for_share, gini, hhi, top_count, top_share
from kadash.exact import MONEY_SCALE, as_fraction, minor_to_decimal
from kadash.i18n import Translator

__all__ = [
    "DEFAULT_SHARE",
    "DEFAULT_TOP",
    "FREQUENCIES",
    "MEASURES",
    "complete_ends",
    "concentration_trend",
    "trend_table",
]

#: Period lengths, in months.
FREQUENCIES: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
#: The measures of a trend, as its columns are named.
MEASURES: tuple[str, ...] = ("top_share", "customers_for_share", "gini", "hhi")
#: "The top 20% of customers" and "the customers who make 80% of the value".
DEFAULT_TOP = Fraction(1, 5)
DEFAULT_SHARE = Fraction(4, 5)

_Ratio = float | str | Fraction


def _day(value: date | np.datetime64 | pd.Timestamp) -> np.datetime64:
    return np.datetime64(pd.Timestamp(value).date(), "D")


def _label(code: int, freq: str) -> str:
    """``2025-03``, ``2025 Q1`` or ``2025`` for period ``code`` (months since 1970 / length)."""
    month = code * FREQUENCIES[freq]
    if freq == "month":
        return str(np.datetime64(month, "M"))
    year = 1970 + month // 12
    return str(year) if freq == "year" else f"{year} Q{code % 4 + 1}"


#: Largest (period × customer) grid summed densely, in cells (8 bytes each, twice).
_GRID_CELLS = 1 << 26
#: Integers up to this add exactly in float64 (with room to spare).
_EXACT_FLOAT = float(1 << 52)


def _pair_sums(slot: np.ndarray, values: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact int64 sums of ``values`` per ``slot`` (period × customer cell) that has a line:
    the slots, ascending, and their sums.

    On a grid of at most :data:`_GRID_CELLS` cells whose absolute values add up to less than
    2**52, ``np.bincount`` sums in float64, which is then exact (every partial sum is an
    integer below 2**53): at 10M lines, a third of the time of a hashed group-by, which is
    used otherwise."""
    if cells <= _GRID_CELLS and np.abs(values).sum(dtype=np.float64) < _EXACT_FLOAT:
        present = np.flatnonzero(np.bincount(slot, minlength=cells))
        sums = np.bincount(slot, weights=values.astype(np.float64), minlength=cells)
        return present, sums[present].astype(np.int64)
    summed = pd.Series(values, copy=False).groupby(slot).sum()
    return summed.index.to_numpy(dtype=np.int64), summed.to_numpy(dtype=np.int64)


def concentration_trend(
    lines: pd.DataFrame,
    *,
    freq: str = "quarter",
    value: str = "revenue",
    top: _Ratio = DEFAULT_TOP,
    share: _Ratio = DEFAULT_SHARE,
    start: date | None = None,
    end: date | None = None,
    customer: str = "customer_id",
    when: str = "date",
) -> pd.DataFrame:
    """Concentration measures per calendar period.

    Parameters
    ----------
    lines
        Transactions (filtered or not) with ``customer``, ``when`` and ``value`` columns;
        ``value`` in int64 minor units.
    freq
        ``"month"``, ``"quarter"`` or ``"year"``.
    value
        The column to measure (``"revenue"`` or ``"profit"``).
    top
        The top share of customers for ``top_share`` (0 < top ≤ 1, read exactly), as
        :func:`kadash.concentration.top_share`.
    share
        The share of value for ``customers_for_share`` (0 < share ≤ 1, read exactly), as
        :func:`kadash.concentration.customers_for_share`.
    start, end
        The dates the data covers, both included (default: the first and last line's dates).
        A period reaching outside them is ``partial``. Pass the date range the lines were
        filtered to, so that a period is not called partial because nobody bought on its first
        day.
    customer, when
        Column names of the customer id and the line's date.

    Returns
    -------
    pandas.DataFrame
        One row per period, in order: ``period`` (label: ``2025-03``, ``2025 Q1``, ``2025``),
        ``start`` and ``end`` (datetime64, both inclusive), ``customers`` (with a line in the
        period), ``<value>`` (net total, int64 minor units), ``gini``, ``hhi``, ``top_share``
        (float, NaN where undefined: no customers, or no positive value), ``customers_for_share``
        (nullable Int64), ``partial`` (bool). No lines and no ``start``/``end``: no rows.

    Raises
    ------
    ValueError
        For an unknown ``freq``, a missing column, a ratio outside (0, 1], or lines outside
        ``start``…``end``.
    """
    if freq not in FREQUENCIES:
        raise ValueError(f"Unknown period {freq!r}; use one of {', '.join(FREQUENCIES)}.")
    for column in (customer, when, value):
        if column not in lines.columns:
            raise ValueError(f"The lines have no column {column!r}.")
    top_count(0, top)  # check both ratios before any work
    customers_for_share(np.zeros(0, dtype=np.int64), share)

    days = lines[when].to_numpy().astype("datetime64[D]")
    first = _day(start) if start is not None else (days.min() if len(days) else None)
    last = _day(end) if end is not None else (days.max() if len(days) else None)
    if first is None or last is None:
        return _frame([], value)
    if first > last:
        raise ValueError(f"The covered dates run backwards: start {first} is after end {last}.")
    if len(days) and (days.min() < first or days.max() > last):
        raise ValueError(
            f"Lines from {days.min()} to {days.max()} fall outside the covered dates "
            f"{first}…{last}; filter the lines to those dates or widen start/end."
        )

    length = FREQUENCIES[freq]
    months = days.astype("datetime64[M]").view(np.int64)
    period_of = months // length  # floor: right for dates before 1970 as well
    p0 = int(first.astype("datetime64[M]").view(np.int64)) // length
    p1 = int(last.astype("datetime64[M]").view(np.int64)) // length
    n_periods = p1 - p0 + 1

    # One exact int64 sum per (period, customer) pair that has a line; customer ids never
    # handled as text (a categorical's codes are used as they are).
    ids = lines[customer]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes, n_ids = ids.cat.codes.to_numpy().astype(np.int64), len(ids.cat.categories)
    else:
        codes, uniques = pd.factorize(ids)
        codes, n_ids = codes.astype(np.int64), len(uniques)
    if len(codes) and codes.min() < 0:
        raise ValueError(f"Some lines have no {customer!r}; drop or fill them first.")
    slot = (period_of - p0) * max(n_ids, 1) + codes
    pair_period, pair_value = _pair_sums(
        slot, lines[value].to_numpy(dtype=np.int64), n_periods * max(n_ids, 1)
    )
    pair_period = pair_period // max(n_ids, 1)
    bounds = np.searchsorted(pair_period, np.arange(n_periods + 1))

    rows = []
    for i in range(n_periods):
        # Values descending: the order kadash.concentration.rank_customers gives (ties are
        # equal values, so their order does not change any measure).
        values = np.sort(pair_value[bounds[i] : bounds[i + 1]])[::-1]
        code = p0 + i
        period_start = np.datetime64(code * length, "M").astype("datetime64[D]")
        period_end = np.datetime64((code + 1) * length, "M").astype("datetime64[D]") - 1
        rows.append(
            {
                "period": _label(code, freq),
                "start": period_start,
                "end": period_end,
                "customers": len(values),
                value: int(values.sum(dtype=np.int64)),
                "gini": gini(values),
                "hhi": hhi(values),
                "top_share": top_share(values, top),
                "customers_for_share": customers_for_share(values, share),
                "partial": bool(period_start < first or period_end > last),
            }
        )
    return _frame(rows, value)


def _frame(rows: list[dict], value: str) -> pd.DataFrame:
    def column(name: str) -> list:
        return [row[name] for row in rows]

    def measure(name: str) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in column(name)], dtype=np.float64)

    return pd.DataFrame(
        {
            "period": pd.array(column("period"), dtype="str"),
            "start": np.array(column("start"), dtype="datetime64[D]").astype("datetime64[s]"),
            "end": np.array(column("end"), dtype="datetime64[D]").astype("datetime64[s]"),
            "customers": np.array(column("customers"), dtype=np.int64),
            value: np.array(column(value), dtype=np.int64),
            "gini": measure("gini"),
            "hhi": measure("hhi"),
            "top_share": measure("top_share"),
            "customers_for_share": pd.array(column("customers_for_share"), dtype="Int64"),
            "partial": np.array(column("partial"), dtype=bool),
        }
    )


def complete_ends(trend: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The first and the last complete period whose measures are defined (it has customers
    and a positive total), as rows of ``trend``; ``None`` with fewer than two such periods."""
    complete = trend[~trend["partial"] & trend["top_share"].notna()]
    if len(complete) < 2:
        return None
    return complete.iloc[0], complete.iloc[-1]


def trend_table(
    trend: pd.DataFrame,
    *,
    t: Translator,
    value: str = "revenue",
    top: _Ratio = DEFAULT_TOP,
    share: _Ratio = DEFAULT_SHARE,
    exact: bool = True,
) -> pd.DataFrame:
    """A trend as shown and downloaded: translated headers, dates as dates, money in currency
    units (exact decimals for files when ``exact``, floats on screen), shares as fractions, HHI
    in points (0–10,000), empty cells where a measure is undefined."""
    p, q = (t.percent(float(as_fraction(x)), 0) for x in (top, share))
    totals = trend[value].to_numpy(dtype=np.int64)
    money = [minor_to_decimal(int(v)) for v in totals] if exact else totals / MONEY_SCALE

    def floats(values: pd.Series, scale: float = 1.0) -> object:
        out = values.to_numpy(dtype=np.float64) * scale
        return np.where(np.isnan(out), None, out) if exact else out

    return pd.DataFrame(
        {
            t("trend.col_period"): [t.period(p) for p in trend["period"]],
            t("trend.col_start"): [d.date() for d in trend["start"]],
            t("trend.col_end"): [d.date() for d in trend["end"]],
            t("trend.col_partial"): trend["partial"].to_numpy(),
            t("trend.col_customers"): trend["customers"].to_numpy(),
            t(f"col.{value}"): money,
            t("trend.top_share", p=p): floats(trend["top_share"]),
            t("trend.customers_for_share", q=q): trend["customers_for_share"].array,
            t("trend.gini"): floats(trend["gini"]),
            t("trend.hhi"): floats(trend["hhi"], 10_000),
        }
    )
