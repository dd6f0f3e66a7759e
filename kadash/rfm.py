"""RFM scores for the customer table, and the "buy till you die" summary for CLV models.

Two different things share the letters R, F and M:

* **RFM scores** (:func:`rfm_scores`) are the familiar marketing view: each customer gets a
  score from 1 to 5 for recency, frequency and monetary value, by rank among all customers.
  They describe; they are relative to the customers in the table.
* **The CLV summary** (:func:`clv_summary`) is the input of lifetime-value models (BG/NBD,
  Pareto/NBD, Gamma-Gamma in pymc-marketing or lifetimes): per customer, the number of *repeat*
  purchase days, the age of the customer at its last purchase, its age at the end of the
  observation period and the mean spend of a repeat purchase day. These are absolute counts of
  days and money, not ranks.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kadash.errors import KadashError
from kadash.exact import MONEY_SCALE, check_sum_fits

__all__ = [
    "CLV_COLUMNS",
    "SCORE_BINS",
    "clv_summary",
    "recency_days",
    "rfm_scores",
]

#: Number of score levels per dimension (scores run 1 … ``SCORE_BINS``).
SCORE_BINS = 5
#: Columns of :func:`clv_summary`, in order (the names lifetimes and pymc-marketing expect).
CLV_COLUMNS: tuple[str, ...] = ("customer_id", "frequency", "recency", "T", "monetary_value")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} needs the column(s) {', '.join(map(repr, missing))}; the frame has "
            f"{', '.join(map(repr, frame.columns))}. Pass the right names as keyword arguments."
        )


def _day(value: date | pd.Timestamp | np.datetime64) -> np.datetime64:
    """A date, datetime or timestamp as its calendar day (the time of day is dropped)."""
    return np.datetime64(pd.Timestamp(value).date(), "D")


def recency_days(
    customers: pd.DataFrame,
    *,
    end: date | pd.Timestamp | None = None,
    last: str = "last_date",
) -> pd.Series:
    """Days from each customer's last purchase day to the end of the data.

    Parameters
    ----------
    customers
        The customer table (:func:`kadash.customers.summarize_customers`).
    end
        The day the data ends; by default the latest ``last`` in the table. Times of day are
        ignored: both ends are calendar days.
    last
        Column with each customer's last purchase date.

    Returns
    -------
    pandas.Series
        ``int64`` days named ``recency_days``, aligned with ``customers``: 0 for a customer
        who bought on the last day.

    Raises
    ------
    ValueError
        When ``last`` is missing, or ``end`` is before some customer's last purchase.
    """
    _require(customers, (last,), "recency_days")
    days = customers[last].to_numpy().astype("datetime64[D]")
    if len(days) == 0:
        return pd.Series(np.zeros(0, dtype=np.int64), index=customers.index, name="recency_days")
    end_day = days.max() if end is None else _day(end)
    if days.max() > end_day:
        raise KadashError("error.rfm_end_before_last", end=str(end_day), last=str(days.max()))
    return pd.Series((end_day - days).astype(np.int64), index=customers.index, name="recency_days")


def _min_rank_scores(values: np.ndarray, *, descending: bool = False) -> np.ndarray:
    """``1 + floor(5·(r − 1) / n)`` in exact integer arithmetic, where r is 1 + the number of
    values ranked strictly before (below; above when ``descending``): the lowest rank of a
    tie, pandas' ``method="min"``."""
    n = len(values)
    ordered = np.sort(values, kind="stable")
    if descending:
        before = n - np.searchsorted(ordered, values, side="right")
    else:
        before = np.searchsorted(ordered, values, side="left")
    return (1 + SCORE_BINS * before // max(n, 1)).astype(np.int8)


def rfm_scores(
    customers: pd.DataFrame,
    *,
    recency: str = "recency_days",
    frequency: str = "purchase_days",
    monetary: str = "revenue",
) -> pd.DataFrame:
    """Score each customer 1–5 on recency, frequency and monetary value, by rank.

    For one dimension with values ``v`` over ``n`` customers, a customer's rank ``r`` is one
    plus the number of customers with a strictly smaller value (so the smallest value has rank
    1 and tied values all take the lowest rank of the tie, pandas' ``method="min"``), and its
    score is ``1 + floor(5·(r − 1)/n)``. Tied values therefore always share a score (a tie is
    never split across a boundary, it falls to the lower score), scores never decrease as the
    value grows, and when every value differs each score holds ``n/5`` customers (±1).

    Recency is reversed (ranked on days descending, i.e. on ``−recency``): ``r`` is one plus
    the number of customers with strictly *more* days since their last purchase, so the most
    recent customers score 5 and the longest-lapsed score 1; a tie again takes the lowest rank
    (the lower score). Frequency and monetary value are ranked as they are: more purchase
    days, more revenue, higher score.

    Parameters
    ----------
    customers
        The customer table, with a recency column (e.g. from :func:`recency_days`).
    recency
        Days since the customer's last purchase (smaller is better).
    frequency
        How often the customer buys (default: distinct purchase days).
    monetary
        The customer's value (default: net revenue, int64 minor units; negative is allowed).

    Returns
    -------
    pandas.DataFrame
        A copy of ``customers`` with ``r_score``, ``f_score``, ``m_score`` (``int8``, 1…5) and
        ``rfm`` (the three digits as text, e.g. ``"545"``) added. With fewer than five
        customers the top scores are not reached (one customer scores ``"111"``).

    Raises
    ------
    ValueError
        When a column is missing or holds a missing value.

    Examples
    --------
    Values 10, 20, 20, 30, 40 have ranks 1, 2, 2, 4, 5 and scores 1, 2, 2, 4, 5.
    """
    _require(customers, (recency, frequency, monetary), "rfm_scores")
    out = customers.copy()
    scores = {}
    # (score column, value column, ranked descending): recency is the reversed one.
    dimensions = (
        ("r_score", recency, True),
        ("f_score", frequency, False),
        ("m_score", monetary, False),
    )
    for name, column, descending in dimensions:
        values = customers[column]
        if values.isna().any():
            raise ValueError(
                f"rfm_scores: column {column!r} has missing values; fill or drop them."
            )
        numbers = values.to_numpy()
        if numbers.dtype == bool or not np.issubdtype(numbers.dtype, np.number):
            raise ValueError(f"rfm_scores: column {column!r} must be numeric, not {values.dtype}.")
        scores[name] = _min_rank_scores(numbers, descending=descending)
        out[name] = scores[name]
    digits = (
        scores["r_score"].astype(np.int64) * 100
        + scores["f_score"].astype(np.int64) * 10
        + scores["m_score"].astype(np.int64)
    )
    out["rfm"] = pd.array(digits.astype(str), dtype="str")
    return out


def _customer_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the customers and their ids, numbered in plain string order."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        names = column.cat.categories.to_numpy(dtype=object).astype(str)
    else:
        codes, uniques = pd.factorize(column)
        codes = codes.astype(np.int64)
        names = np.asarray(uniques, dtype=object).astype(str)
    if (codes < 0).any():
        raise ValueError("clv_summary: the customer column has missing ids; drop those lines.")
    order = np.argsort(names, kind="stable")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return position[codes], names[order]


def _round_half_even_div(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` rounded half to even, exactly, in int64 (denominator > 0)."""
    quotient, remainder = np.divmod(numerator, denominator)  # remainder ≥ 0
    twice = 2 * remainder
    up = (twice > denominator) | ((twice == denominator) & (quotient % 2 == 1))
    return quotient + up


def clv_summary(
    lines: pd.DataFrame,
    *,
    end: date | pd.Timestamp | None = None,
    customer: str = "customer_id",
    when: str = "date",
    value: str = "revenue",
) -> pd.DataFrame:
    """The "buy till you die" summary per customer, as lifetime-value models take it.

    A *purchase day* is a calendar day with at least one line of the customer; the day's
    amount is the net revenue of its lines (returns and credit notes included, so a day of
    returns only is a purchase day with a negative amount). Then, per customer:

    * ``frequency`` — distinct purchase days − 1 (the repeat purchase days);
    * ``recency`` — days from the first to the last purchase day (0 for a one-time buyer);
    * ``T`` — days from the first purchase day to ``end``: ``(end − first).days``;
    * ``monetary_value`` — mean net amount of the repeat purchase days (the first day is left
      out), in currency units; 0 for a one-time buyer.

    This is the definition of lifetimes' ``summary_data_from_transaction_data`` and
    pymc-marketing's ``rfm_summary`` with ``freq``/``time_unit="D"`` and a monetary column:
    lines are grouped into daily periods with their values summed, the first period is
    excluded from the monetary mean, and customers without repeats get 0. It is *not* the
    RFM of :func:`rfm_scores`: no ranks, recency counts from the first purchase (not back from
    the end), and the first purchase is left out of frequency and monetary value.

    Parameters
    ----------
    lines
        Transactions: one row per line.
    end
        Last day of the observation period; by default the last day with a line. Lines dated
        after ``end`` are left out, and so are customers whose first purchase is after it. A
        time of day is ignored: every line of the ``end`` day counts.
    customer, when, value
        Columns with the customer id, the date (datetime64) and the amount (int64 minor
        units, 1/:data:`~kadash.exact.MONEY_SCALE` of a currency unit).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``frequency``, ``recency``, ``T`` (``int64``) and
        ``monetary_value`` (``float64``: modelling libraries want floats; the exact mean in
        minor units rounded half to even to 4 decimals, then the nearest float), one row per
        customer, sorted by ``customer_id`` in plain string order.

    Raises
    ------
    ValueError
        When a column is missing, or ``end`` is before every line.
    """
    _require(lines, (customer, when, value), "clv_summary")
    amounts = lines[value].to_numpy()
    if not np.issubdtype(amounts.dtype, np.integer):
        raise ValueError(
            f"clv_summary: column {value!r} must hold int64 minor units, not {amounts.dtype}."
        )
    amounts = amounts.astype(np.int64)
    days = lines[when].to_numpy().astype("datetime64[D]")
    if len(days) == 0:
        return pd.DataFrame(
            {
                "customer_id": pd.array([], dtype="str"),
                **{c: np.zeros(0, dtype=np.int64) for c in CLV_COLUMNS[1:4]},
                "monetary_value": np.zeros(0, dtype=np.float64),
            }
        )
    end_day = days.max() if end is None else _day(end)
    if days.min() > end_day:
        raise KadashError("error.rfm_end_before_data", end=str(end_day), first=str(days.min()))
    codes, names = _customer_codes(lines[customer])
    kept = days <= end_day
    codes, days, amounts = codes[kept], days[kept], amounts[kept]
    check_sum_fits(amounts)
    # One key per (customer, day); sorted keys put each customer's days in order.
    first_day = days.min()
    day_index = (days - first_day).astype(np.int64)
    span = int(day_index.max()) + 1
    keys, which = np.unique(codes * span + day_index, return_inverse=True)
    day_amount = np.zeros(len(keys), dtype=np.int64)
    np.add.at(day_amount, which.ravel(), amounts)
    owner, day = keys // span, keys % span
    starts = np.flatnonzero(np.diff(owner, prepend=-1))  # each customer's first purchase day
    stops = np.append(starts[1:], len(keys)) - 1  # … and last
    purchase_days = stops - starts + 1
    repeat_total = np.add.reduceat(day_amount, starts) - day_amount[starts]
    frequency = purchase_days - 1
    mean_minor = _round_half_even_div(repeat_total, np.maximum(frequency, 1))
    return pd.DataFrame(
        {
            "customer_id": pd.array(names[owner[starts]], dtype="str"),
            "frequency": frequency.astype(np.int64),
            "recency": (day[stops] - day[starts]).astype(np.int64),
            "T": ((end_day - first_day).astype(np.int64) - day[starts]).astype(np.int64),
            "monetary_value": np.where(frequency > 0, mean_minor, 0) / MONEY_SCALE,
        }
    )
