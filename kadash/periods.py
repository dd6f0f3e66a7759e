"""Periods, tier migration between two periods, and key accounts at risk.

Definitions (pinned by ``tests/test_periods.py``):

* A :class:`Period` includes both its start and its end date. A customer is *present* in a
  period when it has at least one accepted line dated inside it (after the settings' region /
  industry / … filters); the period's dates replace the settings' own date range.
* Month arithmetic (:func:`shift_months`): the same day of the month ``n`` months later,
  clamped to the length of the target month, and a month's last day goes to the target
  month's last day (end-of-month rule). So 2024-02-29 − 12 months is 2023-02-28 and
  2025-02-28 − 12 months is 2024-02-29.
* "The last 12 months" end on the last date in the data and start 12 months earlier plus one
  day: 2025-12-31 → 2025-01-01 … 2025-12-31; 2024-02-29 → 2023-03-01 … 2024-02-29; a data set
  ending on a month's last day gets 12 whole calendar months (2025-02-28 → 2024-03-01 …). The
  12 months before end the day before and start the same way.
* Calendar, fiscal, quarter and month periods are whole: the first and the last may reach
  outside the data. A fiscal year is named by the calendar year it ends in: with a start
  month of 7, FY2025 is 2024-07-01 … 2025-06-30.
* Tiers are computed in each period independently, with the same scheme and cut-offs
  (:func:`tiers_by_period`); tier 0 is the top tier.
* Migration (:func:`migration`): a customer absent from the first period comes from
  ``"new"``, one absent from the second goes to ``"lost"``. Its *revenue* in the matrix is
  its revenue in the **second** period when it lands in a tier, and in the **first** period
  when it is lost (the revenue that went away). Upgraded means a better tier (a smaller
  index).
* At risk (:func:`at_risk`): see that function.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kadash.concentration import rank_customers
from kadash.customers import filter_transactions, summarize_customers
from kadash.errors import KadashError
from kadash.exact import as_fraction
from kadash.report import tier_settings
from kadash.settings import Settings

__all__ = [
    "AT_RISK_COLUMNS",
    "KINDS",
    "LOST",
    "MOVE_COLUMNS",
    "NEW",
    "TIER_COLUMNS",
    "Migration",
    "Period",
    "at_risk",
    "calendar_years",
    "custom",
    "fiscal_years",
    "last_12_months",
    "migration",
    "migration_by_name",
    "migration_summary",
    "months",
    "overdue_as_of",
    "quarters",
    "shift_months",
    "tiers_by_period",
]

#: The state of a customer absent from the first period (a row of the matrix).
NEW = "new"
#: The state of a customer absent from the second period (a column of the matrix).
LOST = "lost"
#: Kinds of move, in the order summaries list them.
KINDS: tuple[str, ...] = ("upgraded", "downgraded", "new", "lost", "same")
#: Columns of :func:`tiers_by_period`.
TIER_COLUMNS: tuple[str, ...] = ("customer_id", "label", "revenue", "profit", "tier")
#: Columns of :attr:`Migration.moves`.
MOVE_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "label",
    "from_tier",
    "to_tier",
    "revenue_first",
    "revenue_second",
    "change",
    "kind",
)
#: Columns of :func:`at_risk`.
AT_RISK_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "label",
    "tier",
    "revenue_previous",
    "revenue_current",
    "change_share",
    "days_since_last",
    "median_gap",
    "reasons",
    "revenue_at_stake",
)
#: The reason keys of :func:`at_risk` (translated by the page).
_REVENUE_DROP, _OVERDUE = "revenue_drop", "overdue"
_ONE_DAY = timedelta(days=1)


# -- periods ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A span of days, both ends included.

    Attributes
    ----------
    start, end
        First and last day (``start <= end``).
    label
        A short language-neutral name: ``"2025"``, ``"FY2025"``, ``"2025 Q1"``, ``"2025-01"``
        or ``"2025-01-01 – 2025-12-31"``.
    """

    start: date
    end: date
    label: str

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise KadashError("error.period_order", start=self.start, end=self.end)

    @property
    def days(self) -> int:
        """Number of days in the period, both ends counted."""
        return (self.end - self.start).days + 1


def _range_label(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def custom(start: date, end: date, label: str | None = None) -> Period:
    """A period from ``start`` to ``end``, both included.

    Raises
    ------
    KadashError
        When ``start`` is after ``end``.
    """
    return Period(start, end, label if label is not None else _range_label(start, end))


def shift_months(day: date, n: int) -> date:
    """The date ``n`` calendar months after ``day`` (before it when ``n < 0``).

    The day of the month is kept, clamped to the target month's length, and the last day of
    a month goes to the last day of the target month: 2024-02-29 − 12 → 2023-02-28,
    2025-02-28 − 12 → 2024-02-29, 2024-01-31 + 1 → 2024-02-29, 2024-04-30 + 1 → 2024-05-31.
    """
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    length = calendar.monthrange(year, month)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, length if month_end else min(day.day, length))


def _twelve_months_to(end: date) -> Period:
    start = shift_months(end, -12) + _ONE_DAY
    return Period(start, end, _range_label(start, end))


def last_12_months(last_day: date) -> tuple[Period, Period]:
    """The 12 months before them and the last 12 months of the data.

    Parameters
    ----------
    last_day
        The last date in the data.

    Returns
    -------
    tuple of Period
        ``(previous, current)``: ``current`` ends on ``last_day`` and starts 12 months earlier
        (:func:`shift_months`) plus one day; ``previous`` ends the day before ``current``
        starts and is built the same way. 2025-12-31 gives 2024-01-01 … 2024-12-31 and
        2025-01-01 … 2025-12-31.
    """
    current = _twelve_months_to(last_day)
    return _twelve_months_to(current.start - _ONE_DAY), current


def _check_span(first_day: date, last_day: date) -> None:
    if first_day > last_day:
        raise KadashError("error.period_order", start=first_day, end=last_day)


def calendar_years(first_day: date, last_day: date) -> tuple[Period, ...]:
    """Calendar years (1 January … 31 December, labelled ``"2025"``) from the one holding
    ``first_day`` to the one holding ``last_day``, oldest first."""
    _check_span(first_day, last_day)
    return tuple(
        Period(date(y, 1, 1), date(y, 12, 31), str(y))
        for y in range(first_day.year, last_day.year + 1)
    )


def fiscal_years(first_day: date, last_day: date, start_month: int) -> tuple[Period, ...]:
    """Fiscal years starting on the first day of ``start_month``, oldest first.

    A fiscal year is named by the calendar year it ends in: with ``start_month=7``, FY2025 is
    2024-07-01 … 2025-06-30 (labelled ``"FY2025"``). ``start_month=1`` gives calendar years
    labelled ``"FY2025"``.

    Raises
    ------
    KadashError
        When ``start_month`` is not a whole number from 1 to 12.
    """
    if isinstance(start_month, bool) or not isinstance(start_month, int | np.integer):
        raise KadashError("error.fiscal_start_month", value=start_month)
    if not 1 <= start_month <= 12:
        raise KadashError("error.fiscal_start_month", value=start_month)
    _check_span(first_day, last_day)

    def ends_in(day: date) -> int:
        return day.year + (1 if start_month > 1 and day.month >= start_month else 0)

    out = []
    for year in range(ends_in(first_day), ends_in(last_day) + 1):
        start = date(year - 1 if start_month > 1 else year, start_month, 1)
        end = shift_months(start, 12) - _ONE_DAY
        out.append(Period(start, end, f"FY{year}"))
    return tuple(out)


def _month_steps(first_day: date, last_day: date, step: int) -> list[date]:
    """First days of the ``step``-month spans (aligned on January) from the one holding
    ``first_day`` to the one holding ``last_day``."""
    _check_span(first_day, last_day)
    month = (first_day.month - 1) // step * step + 1
    start, starts = date(first_day.year, month, 1), []
    while start <= last_day:
        starts.append(start)
        start = shift_months(start, step)
    return starts


def quarters(first_day: date, last_day: date) -> tuple[Period, ...]:
    """Calendar quarters (labelled ``"2025 Q1"``) from the one holding ``first_day`` to the
    one holding ``last_day``, oldest first."""
    return tuple(
        Period(s, shift_months(s, 3) - _ONE_DAY, f"{s.year} Q{(s.month - 1) // 3 + 1}")
        for s in _month_steps(first_day, last_day, 3)
    )


def months(first_day: date, last_day: date) -> tuple[Period, ...]:
    """Calendar months (labelled ``"2025-01"``) from the one holding ``first_day`` to the one
    holding ``last_day``, oldest first."""
    return tuple(
        Period(s, shift_months(s, 1) - _ONE_DAY, f"{s.year:04d}-{s.month:02d}")
        for s in _month_steps(first_day, last_day, 1)
    )


# -- tiers per period ------------------------------------------------------------------------
def _period_lines(lines: pd.DataFrame, period: Period, settings: Settings) -> pd.DataFrame:
    """The lines of a period after the settings' field filters (not their date range)."""
    return filter_transactions(
        lines, date_from=period.start, date_to=period.end, include=settings.filter_map
    )


def tiers_by_period(lines: pd.DataFrame, period: Period, settings: Settings) -> pd.DataFrame:
    """Tier the customers present in one period, on that period's values alone.

    Parameters
    ----------
    lines
        All accepted transactions (``ParseResult.transactions``), not yet date-filtered: the
        period's dates replace ``settings.date_from`` / ``date_to``.
    period
        The period (both ends included).
    settings
        Basis, scheme, cut-offs or thresholds, and field filters (region, industry, …).

    Returns
    -------
    pandas.DataFrame
        One row per customer with at least one line in the period, ranked by the settings'
        basis (ties by ``customer_id``): ``customer_id``, ``label``, ``revenue``, ``profit``
        (int64 minor units) and ``tier`` (int64, 0 = top tier).

    Raises
    ------
    KadashError
        Invalid settings, a filter on a field the data lacks, or a profit basis without a
        profit column.
    """
    settings.validate()
    if settings.basis == "profit" and "profit" not in lines.columns:
        raise KadashError("error.no_profit_column")
    customers = summarize_customers(_period_lines(lines, period, settings))
    ranked = rank_customers(customers, settings.basis)
    tiering = tier_settings(settings, ranked[settings.basis].to_numpy(dtype=np.int64))
    out = ranked[list(TIER_COLUMNS[:-1])].copy()
    out["tier"] = tiering.tiers.astype(np.int64)
    return out


# -- migration -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Migration:
    """How customers moved between the tiers of two periods.

    Attributes
    ----------
    counts
        Customers per (from-state, to-state): rows ``0 … k-1`` and ``"new"``, columns
        ``0 … k-1`` and ``"lost"`` (``"new"`` → ``"lost"`` is always 0). Sums to the customers
        present in either period.
    revenue
        The same cells' revenue (int64 minor units): revenue in the second period for the
        tier columns, in the first period for ``"lost"``.
    moves
        One row per customer present in either period, by ``customer_id``: ``customer_id``,
        ``label`` (the second period's, else the first's), ``from_tier`` / ``to_tier``
        (nullable ``Int64``; ``<NA>`` when new / lost), ``revenue_first`` and
        ``revenue_second`` (0 when absent), ``change`` (second − first) and ``kind`` (one of
        :data:`KINDS`).
    tier_count
        ``k``, the number of tiers.
    """

    counts: pd.DataFrame
    revenue: pd.DataFrame
    moves: pd.DataFrame
    tier_count: int


def _check_tier_frame(frame: pd.DataFrame, name: str, tier_count: int) -> None:
    missing = [c for c in ("customer_id", "label", "revenue", "tier") if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The {name} period's table lacks the column(s) {', '.join(missing)}; pass the "
            "output of tiers_by_period."
        )
    if frame["customer_id"].duplicated().any():
        dup = frame.loc[frame["customer_id"].duplicated(), "customer_id"].iloc[0]
        raise ValueError(f"Customer {dup!r} appears twice in the {name} period's table.")
    tiers = frame["tier"].to_numpy()
    if len(tiers) and (tiers.min() < 0 or tiers.max() >= tier_count):
        raise ValueError(
            f"The {name} period's tiers run from {tiers.min()} to {tiers.max()}; with "
            f"tier_count={tier_count} they must be 0 to {tier_count - 1}."
        )


def migration(first: pd.DataFrame, second: pd.DataFrame, tier_count: int) -> Migration:
    """The from-tier × to-tier matrix between two periods, and each customer's move.

    Parameters
    ----------
    first, second
        :func:`tiers_by_period` of the earlier and the later period.
    tier_count
        Number of tiers ``k`` of the scheme (``Settings.tier_count``).

    Returns
    -------
    Migration
        Counts and revenue matrices and the moves (see :class:`Migration`). Revenue of a
        cell is the second period's revenue for customers landing in a tier and the first
        period's for lost ones.
    """
    if tier_count < 1:
        raise ValueError(f"tier_count must be at least 1; got {tier_count}.")
    _check_tier_frame(first, "first", tier_count)
    _check_tier_frame(second, "second", tier_count)
    keep = ["customer_id", "label", "revenue", "tier"]

    def side(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[keep].copy()
        # Nullable ints survive the outer join exactly (int64 would turn float with gaps).
        out["revenue"] = out["revenue"].astype("Int64")
        out["tier"] = out["tier"].astype("Int64")
        return out

    both = pd.merge(
        side(first), side(second), on="customer_id", how="outer", suffixes=("_1", "_2"), sort=True
    )
    from_tier, to_tier = both["tier_1"], both["tier_2"]
    revenue_first = both["revenue_1"].fillna(0).to_numpy(dtype=np.int64)
    revenue_second = both["revenue_2"].fillna(0).to_numpy(dtype=np.int64)
    is_new, is_lost = from_tier.isna().to_numpy(), to_tier.isna().to_numpy()
    k = int(tier_count)
    f = from_tier.fillna(k).to_numpy(dtype=np.int64)  # row k is "new"
    t = to_tier.fillna(k).to_numpy(dtype=np.int64)  # column k is "lost"
    kind = np.select(
        [is_new, is_lost, t < f, t > f],
        ["new", "lost", "upgraded", "downgraded"],
        default="same",
    )
    moves = pd.DataFrame(
        {
            "customer_id": both["customer_id"],
            "label": both["label_2"].fillna(both["label_1"]),
            "from_tier": from_tier,
            "to_tier": to_tier,
            "revenue_first": revenue_first,
            "revenue_second": revenue_second,
            "change": revenue_second - revenue_first,
            "kind": pd.array(kind, dtype="str"),
        }
    ).reset_index(drop=True)
    counts = np.zeros((k + 1, k + 1), dtype=np.int64)
    revenue = np.zeros((k + 1, k + 1), dtype=np.int64)
    np.add.at(counts, (f, t), 1)
    np.add.at(revenue, (f, t), np.where(is_lost, revenue_first, revenue_second))
    rows = pd.Index([*range(k), NEW], dtype=object, name="from")
    columns = pd.Index([*range(k), LOST], dtype=object, name="to")
    return Migration(
        counts=pd.DataFrame(counts, index=rows, columns=columns),
        revenue=pd.DataFrame(revenue, index=rows, columns=columns),
        moves=moves,
        tier_count=k,
    )


def migration_summary(m: Migration) -> dict[str, dict[str, int]]:
    """Customers and revenue per kind of move.

    Returns
    -------
    dict
        ``{kind: {"customers": n, "revenue": minor units}}`` for each of :data:`KINDS`. The
        revenue is the second period's, except for ``"lost"``: the first period's (as in the
        matrix).
    """
    moves = m.moves
    value = np.where(moves["kind"] == LOST, moves["revenue_first"], moves["revenue_second"])
    out = {}
    for kind in KINDS:
        hit = (moves["kind"] == kind).to_numpy()
        out[kind] = {"customers": int(hit.sum()), "revenue": int(value[hit].sum())}
    return out


def migration_by_name(
    m: Migration, names: list[str] | tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """The counts matrix keyed by tier name: from-tier → to-tier → customers.

    Rows are the tier names and ``"new"``; columns the tier names and ``"lost"``.

    Raises
    ------
    KadashError
        When the names are not one per tier, repeat, or are ``"new"`` / ``"lost"``.
    """
    names = [str(n) for n in names]
    if len(names) != m.tier_count:
        raise KadashError("error.names_count", names=len(names), tiers=m.tier_count)
    if len(set(names)) != len(names) or {NEW, LOST} & set(names):
        raise KadashError("error.migration_names", names=", ".join(names))
    rows, columns = [*names, NEW], [*names, LOST]
    counts = m.counts.to_numpy()
    return {r: {c: int(counts[i, j]) for j, c in enumerate(columns)} for i, r in enumerate(rows)}


# -- at-risk key accounts --------------------------------------------------------------------
def _exceeds(numerator: np.ndarray, bound: float, denominator: np.ndarray) -> np.ndarray:
    """``numerator > bound · denominator`` exactly, elementwise (``bound`` read as the decimal
    it prints as; Python integers, so nothing overflows)."""
    frac = as_fraction(bound)
    lhs = np.asarray(numerator, dtype=object) * frac.denominator
    rhs = np.asarray(denominator, dtype=object) * frac.numerator
    return np.asarray(lhs > rhs, dtype=bool)


def _purchase_gaps(lines: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Per customer of ``ids``: purchase days (days with a line of positive revenue), the
    last one (as days since the epoch) and the median gap between consecutive ones."""
    sold = lines[(lines["revenue"].to_numpy() > 0) & lines["customer_id"].isin(ids).to_numpy()]
    day = sold["date"].to_numpy().astype("datetime64[D]").view(np.int64)
    days = pd.DataFrame({"customer_id": sold["customer_id"].to_numpy(dtype=object), "day": day})
    days = days.drop_duplicates().sort_values(["customer_id", "day"], kind="stable")
    days["gap"] = days.groupby("customer_id")["day"].diff()
    stats = days.groupby("customer_id").agg(
        purchase_days=("day", "size"), last=("day", "max"), median_gap=("gap", "median")
    )
    return stats.reindex(ids.to_numpy(dtype=object))


def overdue_as_of(lines: pd.DataFrame, current: Period, *, when: str = "date") -> date:
    """The day :func:`at_risk` counts "days since the last purchase" to by default: the end of
    ``current``, or the last date in ``lines`` if that is earlier (a whole year or quarter can
    end after the data does, and days the data does not cover are not days without
    purchases)."""
    if not len(lines):
        return current.end
    return min(current.end, pd.Timestamp(lines[when].max()).date())


def at_risk(
    lines: pd.DataFrame,
    previous: Period,
    current: Period,
    settings: Settings,
    *,
    top_tiers: int = 1,
    drop: float = 0.30,
    gap_multiple: float = 2.0,
    as_of: date | None = None,
    previous_tiers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Key accounts slipping away: a large fall in revenue, or an order long overdue.

    Candidates are the customers in the top ``top_tiers`` tiers of the **previous** period
    (tiered by :func:`tiers_by_period`). One is at risk for either reason:

    * ``"revenue_drop"``: its revenue fell by *more than* ``drop`` from the previous period
      to the current one: ``(previous − current) / previous > drop``, with previous > 0 (a
      customer absent from the current period has fallen 100%; exactly ``drop`` is not
      enough).
    * ``"overdue"``: it has at least 3 purchase days up to ``as_of`` and the days from its
      last purchase day to ``as_of`` *exceed* ``gap_multiple`` × the median of the gaps
      between its consecutive purchase days. A purchase day is a day with a line of positive
      revenue (a credit note is not a purchase), over all the data up to ``as_of`` under the
      settings' field filters.

    Parameters
    ----------
    lines
        All accepted transactions, as for :func:`tiers_by_period`.
    previous, current
        The period the tiers and the baseline revenue come from, and the one compared.
    settings
        Basis, scheme, cut-offs and field filters.
    top_tiers
        How many tiers from the top count as key accounts (1: the top tier only).
    drop
        Fall in revenue, as a share of the previous period's, that a customer must exceed
        (0 to 1; read exactly, so 0.3 is 3/10).
    gap_multiple
        Multiple of a customer's own median gap that the days since its last purchase must
        exceed (above 0).
    as_of
        The day "days since the last purchase" are counted to; default
        :func:`overdue_as_of`. Lines after it are not used for the purchase days.
    previous_tiers
        ``tiers_by_period(lines, previous, settings)`` when the caller already has it (the
        pages and the report tier both periods anyway); computed here otherwise.

    Returns
    -------
    pandas.DataFrame
        One row per customer at risk, by ``revenue_at_stake`` descending (ties by
        ``customer_id``): ``customer_id``, ``label``, ``tier`` (index in the previous period,
        for the tier policy's owner), ``revenue_previous``, ``revenue_current`` (minor units),
        ``change_share`` ((current − previous) / previous; NaN when previous ≤ 0),
        ``days_since_last`` (``Int64``; ``<NA>`` without a purchase day), ``median_gap``
        (days; NaN with fewer than 3 purchase days), ``reasons`` (``"; "``-joined keys
        ``revenue_drop`` / ``overdue``) and ``revenue_at_stake`` (= ``revenue_previous``: the
        revenue the account brought in the period it was a key account).
    """
    if isinstance(top_tiers, bool) or not isinstance(top_tiers, int | np.integer):
        raise ValueError(f"top_tiers must be a whole number of tiers; got {top_tiers!r}.")
    if top_tiers < 1:
        raise ValueError(f"top_tiers must be at least 1; got {top_tiers}.")
    if not 0 <= as_fraction(drop) <= 1:
        raise ValueError(f"drop is a share of revenue from 0 to 1; got {drop}.")
    if not as_fraction(gap_multiple) > 0:
        raise ValueError(f"gap_multiple must be above 0; got {gap_multiple}.")
    as_of = overdue_as_of(lines, current) if as_of is None else as_of
    before = (
        tiers_by_period(lines, previous, settings) if previous_tiers is None else previous_tiers
    )
    key = before[before["tier"] < top_tiers].reset_index(drop=True)
    now = summarize_customers(_period_lines(lines, current, settings)).set_index("customer_id")
    ids = key["customer_id"]
    prev = key["revenue"].to_numpy(dtype=np.int64)
    cur = now["revenue"].reindex(ids.to_numpy(dtype=object)).fillna(0).to_numpy(dtype=np.int64)
    label = now["label"].reindex(ids.to_numpy(dtype=object)).to_numpy(dtype=object)
    label = np.where(pd.isna(label), key["label"].to_numpy(dtype=object), label)
    positive = prev > 0
    fell = positive & _exceeds(prev - cur, drop, prev)
    with np.errstate(divide="ignore", invalid="ignore"):
        change_share = np.where(positive, (cur - prev) / np.where(positive, prev, 1), np.nan)

    history = filter_transactions(lines, date_to=as_of, include=settings.filter_map)
    gaps = _purchase_gaps(history, ids)
    as_of_day = np.datetime64(as_of, "D").astype(np.int64)
    last = gaps["last"].to_numpy(dtype=np.float64)
    since = np.where(np.isnan(last), np.nan, as_of_day - last)
    enough = (gaps["purchase_days"].fillna(0).to_numpy(dtype=np.int64) >= 3) & ~np.isnan(since)
    median_gap = np.where(enough, gaps["median_gap"].to_numpy(dtype=np.float64), np.nan)
    # A median of whole days is a whole or half day, so twice it is an exact integer.
    overdue = np.zeros(len(key), dtype=bool)
    if enough.any():
        overdue[enough] = _exceeds(
            since[enough].astype(np.int64) * 2,
            gap_multiple,
            np.rint(median_gap[enough] * 2).astype(np.int64),
        )
    reasons = np.array(
        [
            "; ".join(r for r, hit in ((_REVENUE_DROP, a), (_OVERDUE, b)) if hit)
            for a, b in zip(fell, overdue, strict=True)
        ],
        dtype=object,
    )
    out = pd.DataFrame(
        {
            "customer_id": ids.to_numpy(dtype=object),
            "label": label,
            "tier": key["tier"].to_numpy(dtype=np.int64),
            "revenue_previous": prev,
            "revenue_current": cur,
            "change_share": change_share.astype(np.float64),
            "days_since_last": pd.array(since, dtype="Float64").astype("Int64"),
            "median_gap": median_gap,
            "reasons": reasons,
            "revenue_at_stake": prev,
        }
    )
    out = out[fell | overdue]
    out = out.sort_values(
        ["revenue_at_stake", "customer_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    for column in ("customer_id", "label", "reasons"):
        out[column] = out[column].astype("str")
    return out[list(AT_RISK_COLUMNS)]
