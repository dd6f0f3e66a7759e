"""Profitability per customer: the whale curve, margins, the revenue × margin quadrants and the
loss-making customers.

Definitions (pinned by the tests):

* Only customers with gross profit data count here. A customer none of whose lines carries a
  gross profit (``profit_missing_lines == lines``) has an *unknown* profit, not a profit of 0:
  it is left out of every profit view and counted (``ProfitSummary.no_profit_data``).
* The **whale curve** takes customers by gross profit descending (ties by customer id in plain
  string order) and accumulates their profit. It rises through the profitable customers to its
  peak (the sum of the positive profits), stays flat through the break-even ones and falls back
  through the loss-makers to the net total. Shares divide by the net total, so the peak is
  usually above 100 %; when the net total is ≤ 0 a share means nothing and is left out (NaN).
  After Kaplan & Cooper, *Cost & Effect* (1998), ch. 10.
* **Margin** = gross profit / revenue. It is undefined (NaN) when net revenue is ≤ 0 (returns
  cancelled the sales): such a customer is never *large*, and it sits on the profitable side
  of the margin split exactly when its gross profit is > 0 — a customer that gave back more
  sales than profit still earned money, one that lost profit on net returns still cost money.
* **Quadrants**: a customer is *large* when its revenue is > 0 and ≥ the revenue split, and
  *profitable* when its margin is ≥ the margin split. The default revenue split is the revenue
  of the customer at the top-20 %-of-customers boundary (``ceil(0.2 · N)``-th by revenue;
  customers tied with it are large too); the default margin split is the overall margin (total
  gross profit / total revenue), but never below 0, so a loss-maker is never "profitable".
* A **loss-maker** has gross profit < 0; the costliest comes first.

Money is int64 minor units (:data:`kadash.exact.MONEY_SCALE`); sums and margin comparisons are
exact (a margin equal to the split is decided in integers, not floats).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from kadash.concentration import top_count
from kadash.exact import MONEY_SCALE, as_fraction, minor_to_decimal, ratio
from kadash.i18n import Translator

__all__ = [
    "DEFAULT_TOP",
    "QUADRANTS",
    "ProfitSummary",
    "QuadrantSplits",
    "assign_quadrants",
    "loss_makers",
    "margins",
    "profit_customers",
    "profit_summary",
    "profitability_table",
    "quadrant_splits",
    "summarize_quadrants",
    "whale_curve",
]

#: Share of customers (by revenue) that counts as large by default.
DEFAULT_TOP = Fraction(1, 5)

#: Quadrant ids, in display order: large & profitable, large & thin margin, small &
#: profitable, small & thin margin (where the loss-makers are).
QUADRANTS: tuple[str, ...] = ("large_profitable", "large_thin", "small_profitable", "small_thin")


def _ranked_by(customers: pd.DataFrame, value: str, id_column: str) -> pd.DataFrame:
    """Customers by ``value`` descending, ties by id; a table already in that order (as the
    app's cached ranking is) is only checked, not sorted again (sorting ids is the slow part)."""
    values = customers[value].to_numpy()
    tied = np.flatnonzero(values[1:] == values[:-1])
    ids = customers[id_column].to_numpy(dtype=object)
    if np.all(values[1:] <= values[:-1]) and all(ids[i] < ids[i + 1] for i in tied):
        return customers.reset_index(drop=True)
    return customers.sort_values(
        [value, id_column], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def profit_customers(
    customers: pd.DataFrame,
    *,
    missing: str = "profit_missing_lines",
    lines: str = "lines",
) -> pd.DataFrame:
    """The customers that have gross profit data (at least one line with a gross profit).

    Parameters
    ----------
    customers
        The customer table (:func:`kadash.customers.summarize_customers`), in any order.
    missing, lines
        Columns counting a customer's lines without gross profit, and all its lines.

    Returns
    -------
    pandas.DataFrame
        A new frame with the same columns and order, fresh 0..n-1 index.
    """
    for column in (missing, lines):
        if column not in customers.columns:
            raise ValueError(f"No column {column!r} in the customer table.")
    known = customers[missing].to_numpy() < customers[lines].to_numpy()
    return customers.loc[known].reset_index(drop=True)


def margins(
    customers: pd.DataFrame, *, revenue: str = "revenue", profit: str = "profit"
) -> pd.Series:
    """Gross margin of each customer, ``profit / revenue``; NaN where revenue is ≤ 0.

    Returns
    -------
    pandas.Series
        float64, aligned with ``customers``.
    """
    rev = customers[revenue].to_numpy(dtype=np.int64)
    pro = customers[profit].to_numpy(dtype=np.int64)
    out = np.full(len(rev), np.nan)
    positive = rev > 0
    out[positive] = pro[positive] / rev[positive]
    return pd.Series(out, index=customers.index, name="margin")


def whale_curve(
    customers: pd.DataFrame,
    *,
    profit: str = "profit",
    id_column: str = "customer_id",
    label: str = "label",
    max_points: int = 2000,
    keep: tuple[int, ...] = (),
) -> pd.DataFrame:
    """Points of the whale curve, thinned for drawing.

    Parameters
    ----------
    customers
        Customers with gross profit data (:func:`profit_customers`), in any order.
    max_points
        With more customers than this, evenly spaced points are kept, plus the first, the last,
        the peak, the start of the loss-makers and any rank in ``keep`` (so a readout sits
        exactly on the drawn curve).

    Returns
    -------
    pandas.DataFrame
        One row per kept rank ``k`` = 0…N: ``rank``, ``x`` (k / N), ``cum_profit`` (int64, the
        profit of the top ``k`` customers), ``share`` (``cum_profit`` / net total; NaN when the
        net total is ≤ 0), and the customer ranked ``k``: ``customer_id``, ``label``,
        ``profit`` (empty text and 0 at k = 0).
    """
    ranked = _ranked_by(customers, profit, id_column)
    values = ranked[profit].to_numpy(dtype=np.int64)
    n = len(values)
    cum = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    positives, losers = int((values > 0).sum()), int((values < 0).sum())
    if n + 1 > max_points:
        marks = [0, n, positives, n - losers, *keep]
        ks = np.unique(
            np.concatenate(
                [
                    np.linspace(0, n, max_points, dtype=np.int64),
                    np.clip(np.asarray(marks, dtype=np.int64), 0, n),
                ]
            )
        )
    else:
        ks = np.arange(n + 1)
    net = int(cum[-1])
    before = np.clip(ks - 1, 0, None)
    first = ks == 0
    ids = ranked[id_column].to_numpy(dtype=object)[before] if n else np.array([], dtype=object)
    names = ranked[label].to_numpy(dtype=object)[before] if n else np.array([], dtype=object)
    return pd.DataFrame(
        {
            "rank": ks.astype(np.int64),
            "x": ks / max(n, 1),
            "cum_profit": cum[ks],
            "share": cum[ks] / net if net > 0 else np.full(len(ks), np.nan),
            "customer_id": np.where(first, "", ids) if n else [""],
            "label": np.where(first, "", names) if n else [""],
            "profit": np.where(first, 0, values[before]) if n else [0],
        }
    )


@dataclass(frozen=True)
class ProfitSummary:
    """The readouts of the whale curve (money in int64 minor units).

    Attributes
    ----------
    customers
        Customers with gross profit data (those on the curve).
    no_profit_data
        Customers left out because none of their lines carries a gross profit.
    net_total
        Sum of all their profits: where the curve ends.
    peak
        Sum of the positive profits: the top of the curve (0 without a profitable customer).
    peak_rank
        Customers it takes to reach the peak: the number of profitable customers.
    loss_makers
        Customers with gross profit < 0.
    loss_total
        Sum of their profits (≤ 0): what the loss-makers give back.
    zero_profit
        Customers whose gross profit is exactly 0 (with profit data).
    """

    customers: int
    no_profit_data: int
    net_total: int
    peak: int
    peak_rank: int
    loss_makers: int
    loss_total: int
    zero_profit: int

    @property
    def peak_share(self) -> float | None:
        """Peak / net total; ``None`` when the net total is ≤ 0."""
        return ratio(self.peak, self.net_total) if self.net_total > 0 else None

    @property
    def loss_share(self) -> float | None:
        """What the loss-makers give back, as a share of the net total (positive); ``None``
        when the net total is ≤ 0."""
        return ratio(-self.loss_total, self.net_total) if self.net_total > 0 else None


def profit_summary(
    customers: pd.DataFrame,
    *,
    profit: str = "profit",
    missing: str = "profit_missing_lines",
    lines: str = "lines",
) -> ProfitSummary:
    """Summarise the whale curve of the whole customer table.

    Parameters
    ----------
    customers
        The customer table, *including* customers without gross profit data (they are counted
        in ``no_profit_data`` and left out of everything else).
    """
    known = profit_customers(customers, missing=missing, lines=lines)
    values = known[profit].to_numpy(dtype=np.int64)
    return ProfitSummary(
        customers=len(values),
        no_profit_data=len(customers) - len(known),
        net_total=int(values.sum(dtype=np.int64)),
        peak=int(values[values > 0].sum(dtype=np.int64)),
        peak_rank=int((values > 0).sum()),
        loss_makers=int((values < 0).sum()),
        loss_total=int(values[values < 0].sum(dtype=np.int64)),
        zero_profit=int((values == 0).sum()),
    )


@dataclass(frozen=True)
class QuadrantSplits:
    """Where the quadrants divide.

    Attributes
    ----------
    revenue
        Revenue split in minor units: large customers have revenue ≥ this (and > 0).
    margin
        Margin split, exact: profitable customers have a margin ≥ this.
    large_share
        The share of customers the revenue split was read at (``None`` when given as an
        amount).
    overall_margin
        Total gross profit / total revenue of the customers (``None`` when revenue ≤ 0).
    """

    revenue: int
    margin: Fraction
    large_share: Fraction | None
    overall_margin: Fraction | None


def quadrant_splits(
    customers: pd.DataFrame,
    *,
    top: float | str | Fraction | None = DEFAULT_TOP,
    revenue_split: int | None = None,
    margin_split: float | str | Fraction | None = None,
    revenue: str = "revenue",
    profit: str = "profit",
) -> QuadrantSplits:
    """The revenue and margin splits, from defaults or given values.

    Parameters
    ----------
    customers
        Customers with gross profit data (:func:`profit_customers`).
    top
        Share of customers, 0 < top ≤ 1, read exactly: the revenue split is the revenue of the
        ``ceil(top · N)``-th customer by revenue. Ignored when ``revenue_split`` is given.
    revenue_split
        The revenue split as an amount in minor units.
    margin_split
        The margin split (0.25 for 25 %), read exactly; default: the overall margin, or 0 when
        that is negative or undefined. Must be ≥ 0.
    """
    rev = customers[revenue].to_numpy(dtype=np.int64)
    total_revenue = int(rev.sum(dtype=np.int64))
    total_profit = int(customers[profit].to_numpy(dtype=np.int64).sum(dtype=np.int64))
    overall = Fraction(total_profit, total_revenue) if total_revenue > 0 else None
    share: Fraction | None = None
    if revenue_split is None:
        if top is None:
            raise ValueError("Give the revenue split as a share of customers (top) or amount.")
        share = as_fraction(top)
        k = top_count(len(rev), share)  # checks 0 < top ≤ 1
        revenue_split = int(-np.partition(-rev, k - 1)[k - 1]) if len(rev) else 0
    if margin_split is None:
        margin = max(overall or Fraction(0), Fraction(0))
    else:
        margin = as_fraction(margin_split)
        if margin < 0:
            raise ValueError(
                f"The margin split must be 0 or more (got {float(margin):.2%}), so that no "
                "loss-making customer counts as profitable."
            )
    return QuadrantSplits(int(revenue_split), margin, share, overall)


def _margin_at_least(profit: np.ndarray, revenue: np.ndarray, split: Fraction) -> np.ndarray:
    """``profit / revenue ≥ split`` exactly; by the sign of profit where revenue ≤ 0."""
    out = profit > 0
    defined = revenue > 0
    pro, rev = profit[defined], revenue[defined]
    approx = pro / rev
    hit = approx >= float(split)
    # Floats decide all but the near-ties; those are settled in Python integers.
    near = np.flatnonzero(np.abs(approx - float(split)) <= 1e-9 * max(1.0, abs(float(split))))
    num, den = split.numerator, split.denominator
    for i in near:
        hit[i] = int(pro[i]) * den >= num * int(rev[i])
    out[defined] = hit
    return out


def assign_quadrants(
    customers: pd.DataFrame,
    splits: QuadrantSplits,
    *,
    revenue: str = "revenue",
    profit: str = "profit",
) -> pd.DataFrame:
    """Put each customer in a quadrant.

    Parameters
    ----------
    customers
        Customers with gross profit data (:func:`profit_customers`).
    splits
        From :func:`quadrant_splits`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``customers`` with ``margin`` (:func:`margins`) and ``quadrant`` (an id of
        :data:`QUADRANTS`).
    """
    rev = customers[revenue].to_numpy(dtype=np.int64)
    pro = customers[profit].to_numpy(dtype=np.int64)
    large = (rev > 0) & (rev >= splits.revenue)
    profitable = _margin_at_least(pro, rev, splits.margin)
    index = np.where(large, 0, 2) + np.where(profitable, 0, 1)
    return customers.assign(
        margin=margins(customers, revenue=revenue, profit=profit).to_numpy(),
        quadrant=np.asarray(QUADRANTS, dtype=object)[index],
    )


def summarize_quadrants(
    assigned: pd.DataFrame, *, revenue: str = "revenue", profit: str = "profit"
) -> pd.DataFrame:
    """Customers, revenue and gross profit per quadrant, each beside its share.

    Parameters
    ----------
    assigned
        Output of :func:`assign_quadrants`.

    Returns
    -------
    pandas.DataFrame
        One row per quadrant in :data:`QUADRANTS` order (empty ones included): ``quadrant``,
        ``customers``, ``customer_share``, ``revenue``, ``revenue_share``, ``profit``,
        ``profit_share``, ``margin`` (profit / revenue), ``loss_makers``, ``loss`` (their
        profit, ≤ 0). Shares divide by the net totals (a profit share can be negative, or above
        1); shares and margins are NaN where the denominator is ≤ 0.
    """
    rev = assigned[revenue].to_numpy(dtype=np.int64)
    pro = assigned[profit].to_numpy(dtype=np.int64)
    total_rev, total_pro = int(rev.sum(dtype=np.int64)), int(pro.sum(dtype=np.int64))
    n = len(assigned)
    rows = []
    for quadrant in QUADRANTS:
        mask = (assigned["quadrant"] == quadrant).to_numpy()
        q_rev, q_pro = int(rev[mask].sum(dtype=np.int64)), int(pro[mask].sum(dtype=np.int64))
        losing = mask & (pro < 0)
        rows.append(
            {
                "quadrant": quadrant,
                "customers": int(mask.sum()),
                "customer_share": ratio(int(mask.sum()), n) if n else np.nan,
                "revenue": q_rev,
                "revenue_share": ratio(q_rev, total_rev) if total_rev > 0 else np.nan,
                "profit": q_pro,
                "profit_share": ratio(q_pro, total_pro) if total_pro > 0 else np.nan,
                "margin": ratio(q_pro, q_rev) if q_rev > 0 else np.nan,
                "loss_makers": int(losing.sum()),
                "loss": int(pro[losing].sum(dtype=np.int64)),
            }
        )
    out = pd.DataFrame(rows)
    for column in ("customers", "revenue", "profit", "loss_makers", "loss"):
        out[column] = out[column].astype(np.int64)
    for column in ("customer_share", "revenue_share", "profit_share", "margin"):
        out[column] = out[column].astype(np.float64)
    return out


def loss_makers(
    customers: pd.DataFrame,
    *,
    revenue: str = "revenue",
    profit: str = "profit",
    id_column: str = "customer_id",
) -> pd.DataFrame:
    """The customers with gross profit < 0, the costliest first (ties by id).

    Returns
    -------
    pandas.DataFrame
        A new frame of those rows with ``margin`` added (NaN where revenue ≤ 0), fresh index.
    """
    losing = customers.loc[customers[profit].to_numpy() < 0]
    losing = losing.sort_values([profit, id_column], kind="stable").reset_index(drop=True)
    return losing.assign(margin=margins(losing, revenue=revenue, profit=profit).to_numpy())


def _money(values: pd.Series, exact: bool) -> np.ndarray:
    minor = values.to_numpy(dtype=np.int64)
    if exact:
        return np.array([minor_to_decimal(int(v)) for v in minor], dtype=object)
    return minor / MONEY_SCALE


def profitability_table(
    customers: pd.DataFrame, *, t: Translator, exact: bool = True
) -> pd.DataFrame:
    """Customers with their margin (and quadrant, when assigned) as shown and downloaded:
    translated headers; money as exact decimals (``exact``, for files) or floats (on screen);
    margin as a fraction, empty where it is undefined.

    Parameters
    ----------
    customers
        Output of :func:`loss_makers` or :func:`assign_quadrants`.
    """
    table = pd.DataFrame({t("col.customer_id"): customers["customer_id"].to_numpy()})
    for field in ("customer_name", "region", "industry", "sales_rep"):
        if field in customers.columns:
            table[t(f"field.{field}")] = customers[field].to_numpy()
    if "quadrant" in customers.columns:
        table[t("quadrant.column")] = [t(f"quadrant.{q}") for q in customers["quadrant"]]
    table[t("col.revenue")] = _money(customers["revenue"], exact)
    table[t("col.profit")] = _money(customers["profit"], exact)
    margin = customers["margin"].to_numpy(dtype=np.float64)
    table[t("quadrant.margin")] = np.where(np.isnan(margin), None, margin) if exact else margin
    return table
