"""One customer's account: its history by month, where it sits among all customers, and its
tier in each calendar year.

Definitions (pinned by the tests):

* A month runs over calendar days; the history covers every month from the customer's first
  line to the last month of the data it is given, months without lines included (as zeros).
* Money is summed exactly (int64 minor units), returns included, as in
  :func:`kadash.customers.summarize_customers`; orders are distinct order ids, or purchase
  days when the data has no order ids.
* Shares divide by ``P``, the sum of the positive customer values, as in
  :mod:`kadash.concentration`; the customer's point on the Pareto curve is
  ``(rank / N, cumulative share after it)``.
* The tier in a year comes from tiering that year's customers alone, with the settings' scheme
  and bounds (as the whole period is tiered); a customer without lines that year has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kadash.concentration import positive_total, rank_customers
from kadash.customers import summarize_customers
from kadash.exact import ratio
from kadash.report import tier_settings
from kadash.settings import Settings

__all__ = [
    "HISTORY_COLUMNS",
    "YEAR_COLUMNS",
    "AccountSummary",
    "account_history",
    "account_summary",
    "rank_by_year",
    "tier_by_year",
]

#: Columns of :func:`account_history`, in order.
HISTORY_COLUMNS: tuple[str, ...] = ("month", "revenue", "profit", "lines", "orders")
#: Columns of :func:`tier_by_year`, in order.
YEAR_COLUMNS: tuple[str, ...] = ("year", "customers", "value", "rank", "share", "tier")
#: What :func:`rank_by_year` needs of the lines (the attributes would only cost time).
_RANK_FIELDS: tuple[str, ...] = (
    "line",
    "customer_id",
    "date",
    "revenue",
    "profit",
    "profit_missing",
)


def _customer_lines(lines: pd.DataFrame, customer_id: str, id_column: str) -> pd.DataFrame:
    own = lines.loc[(lines[id_column] == customer_id).to_numpy()]
    if own.empty:
        raise ValueError(
            f"No lines for customer {customer_id!r}; pass one of the ids in the "
            f"{id_column!r} column of the lines."
        )
    return own


def _months(dates: pd.Series) -> np.ndarray:
    """Months since 1970-01 of each date (int64)."""
    return dates.to_numpy().astype("datetime64[M]").view(np.int64)


def account_history(
    lines: pd.DataFrame,
    customer_id: str,
    *,
    id_column: str = "customer_id",
    date_column: str = "date",
    order_column: str = "order_id",
) -> pd.DataFrame:
    """One customer's revenue, gross profit, lines and orders per calendar month.

    Parameters
    ----------
    lines
        Transactions (filtered or not) with ``customer_id``, ``date`` and ``revenue``;
        ``profit`` / ``profit_missing`` and ``order_id`` are used when present.
    customer_id
        The customer.
    id_column, date_column, order_column
        Names of the customer id, date and order id columns.

    Returns
    -------
    pandas.DataFrame
        One row per month from the customer's first month to the last month of ``lines``:
        ``month`` (``"YYYY-MM"``), ``revenue`` (int64 minor units, net of returns), ``profit``
        (nullable Int64: missing throughout without a profit column, and for a month whose
        lines all lack their profit figure; 0 in a month without lines), ``lines`` and
        ``orders`` (distinct order ids, or purchase days without an order id column).

    Raises
    ------
    ValueError
        When the customer has no lines.
    """
    own = _customer_lines(lines, customer_id, id_column)
    month = _months(own[date_column])
    first, last = int(month.min()), int(_months(lines[date_column]).max())
    span = np.arange(first, last + 1, dtype=np.int64)
    at = month - first
    n = len(span)
    revenue = np.zeros(n, dtype=np.int64)
    np.add.at(revenue, at, own["revenue"].to_numpy(dtype=np.int64))
    count = np.bincount(at, minlength=n).astype(np.int64)
    if order_column in own.columns:
        keys = own[order_column]
    else:  # no order ids: a purchase day is an order
        keys = own[date_column].to_numpy().astype("datetime64[D]")
    orders = pd.Series(keys).groupby(at).nunique(dropna=False)
    order_count = np.zeros(n, dtype=np.int64)
    order_count[orders.index.to_numpy()] = orders.to_numpy()
    if "profit" in own.columns:
        sums = np.zeros(n, dtype=np.int64)
        np.add.at(sums, at, own["profit"].to_numpy(dtype=np.int64))
        if "profit_missing" in own.columns:
            known = np.bincount(at, weights=~own["profit_missing"].to_numpy(), minlength=n)
        else:
            known = count
        profit = pd.array(sums, dtype="Int64")
        profit[(count > 0) & (known == 0)] = pd.NA
    else:
        profit = pd.array([pd.NA] * n, dtype="Int64")
    return pd.DataFrame(
        {
            "month": pd.array([str(np.datetime64(int(m), "M")) for m in span], dtype="str"),
            "revenue": revenue,
            "profit": profit,
            "lines": count,
            "orders": order_count,
        }
    )


@dataclass(frozen=True)
class AccountSummary:
    """Where one customer stands among all customers ranked by one value (money in int64
    minor units).

    ``share`` and ``cum_share`` divide by ``P`` (the sum of the positive values) and are
    ``None`` when ``P`` is 0; ``x`` is ``rank / customers``, the customer's place along the
    Pareto curve (whose height there is ``cum_share``).
    """

    customer_id: str
    label: str
    rank: int
    customers: int
    value: int
    revenue: int
    profit: int
    share: float | None
    cum_share: float | None
    x: float
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    purchase_days: int
    orders: int


def account_summary(
    ranked: pd.DataFrame, customer_id: str, *, value: str = "revenue"
) -> AccountSummary:
    """The customer's rank, value, share of the total and point on the Pareto curve.

    Parameters
    ----------
    ranked
        Customers from :func:`kadash.concentration.rank_customers` ranked by ``value``.
    customer_id
        The customer.
    value
        The column the customers are ranked by (``"revenue"`` or ``"profit"``).

    Raises
    ------
    ValueError
        When the customer is not in ``ranked``, or ``ranked`` lacks the ``value`` or ``rank``
        column.
    """
    for column in (value, "rank", "cum"):
        if column not in ranked.columns:
            raise ValueError(
                f"No column {column!r} in the ranked customers; rank them with "
                f"rank_customers(customers, {value!r}) first."
            )
    where = np.flatnonzero((ranked["customer_id"] == customer_id).to_numpy())
    if not len(where):
        raise ValueError(
            f"No customer {customer_id!r} among the {len(ranked):,} ranked customers; "
            "pass one of their customer_id values."
        )
    row = ranked.iloc[int(where[0])]
    total = positive_total(ranked[value].to_numpy(dtype=np.int64))
    n, rank = len(ranked), int(row["rank"])
    return AccountSummary(
        customer_id=str(row["customer_id"]),
        label=str(row["label"]) if "label" in ranked.columns else str(row["customer_id"]),
        rank=rank,
        customers=n,
        value=int(row[value]),
        revenue=int(row["revenue"]),
        profit=int(row["profit"]) if "profit" in ranked.columns else 0,
        share=ratio(int(row[value]), total),
        cum_share=ratio(int(row["cum"]), total),
        x=rank / n,
        first_date=row["first_date"],
        last_date=row["last_date"],
        purchase_days=int(row["purchase_days"]),
        orders=int(row["orders"]),
    )


def rank_by_year(lines: pd.DataFrame, basis: str = "revenue") -> dict[int, pd.DataFrame]:
    """Each calendar year's customers, ranked by ``basis`` (see
    :func:`kadash.concentration.rank_customers`), for the years that have lines.

    The expensive part of :func:`tier_by_year`, the same for every customer: a page computes
    it once and passes it on.
    """
    years = lines["date"].to_numpy().astype("datetime64[Y]").view(np.int64) + 1970
    kept = [c for c in lines.columns if c in _RANK_FIELDS]
    out: dict[int, pd.DataFrame] = {}
    for year in np.unique(years):
        year_lines = lines.loc[years == year, kept]
        out[int(year)] = rank_customers(summarize_customers(year_lines), basis)
    return out


def tier_by_year(
    lines: pd.DataFrame,
    customer_id: str,
    settings: Settings,
    *,
    ranked_by_year: dict[int, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The customer's tier, rank and share in each calendar year of the data.

    Each year's customers are tiered on their own (``summarize_customers`` of the year's
    lines, ranked by the settings' basis, tiered by :func:`kadash.report.tier_settings`), so a
    tier says where the customer stood among that year's customers.

    Parameters
    ----------
    lines
        Transactions, as for :func:`kadash.customers.summarize_customers`.
    customer_id
        The customer.
    settings
        Basis, scheme and bounds.
    ranked_by_year
        :func:`rank_by_year` of the same lines and basis, when already at hand.

    Returns
    -------
    pandas.DataFrame
        One row per year with lines, in order: ``year``, ``customers`` (that year), ``value``
        (the customer's, by the basis; 0 when absent), and ``rank``, ``share`` (of that year's
        ``P``) and ``tier`` (index, 0 = top) — missing (``<NA>`` / NaN) when the customer has no
        lines that year or, for ``share``, when ``P`` is 0.
    """
    basis = settings.basis
    if ranked_by_year is None:
        ranked_by_year = rank_by_year(lines, basis)
    rows = []
    for year, ranked in sorted(ranked_by_year.items()):
        values = ranked[basis].to_numpy(dtype=np.int64)
        where = np.flatnonzero((ranked["customer_id"] == customer_id).to_numpy())
        row: dict[str, object] = {"year": year, "customers": len(ranked), "value": 0}
        row |= {"rank": pd.NA, "share": np.nan, "tier": pd.NA}
        if len(where):
            i = int(where[0])
            share = ratio(int(values[i]), positive_total(values))
            row |= {
                "value": int(values[i]),
                "rank": i + 1,
                "share": np.nan if share is None else share,
                "tier": int(tier_settings(settings, values).tiers[i]),
            }
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(YEAR_COLUMNS))
    return out.astype(
        {
            "year": "int64",
            "customers": "int64",
            "value": "int64",
            "rank": "Int64",
            "share": "float64",
            "tier": "Int64",
        }
    )
