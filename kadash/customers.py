"""Transactions (+ filters) → the one customer table every page and export reads.

A customer's value is the sum of all its lines, returns included; identical lines are real
repeat purchases and are never de-duplicated. Descriptive attributes (name, region, industry,
sales rep) are those of the customer's latest line that has them, so a renamed customer shows
its current name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kadash.columns import ATTRIBUTE_FIELDS
from kadash.errors import KadashError

__all__ = [
    "CUSTOMER_COLUMNS",
    "Headline",
    "filter_options",
    "filter_transactions",
    "headline",
    "revenue_by_month",
    "search_customers",
    "summarize_customers",
]

#: Columns of the customer table, in order (optional ones only when their source exists).
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "label",
    *ATTRIBUTE_FIELDS,
    "revenue",
    "gross_revenue",
    "returns",
    "profit",
    "profit_missing_lines",
    "lines",
    "orders",
    "purchase_days",
    "first_date",
    "last_date",
)


@dataclass(frozen=True)
class Headline:
    """The headline numbers of a customer table (money in int64 minor units)."""

    customers: int
    lines: int
    revenue: int
    profit: int
    gross_revenue: int  # the positive lines: what was sold
    returns: int  # the negative lines (returns, credit notes), as a negative number
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None

    @property
    def margin(self) -> float | None:
        """Gross profit / revenue, when revenue is not 0."""
        return self.profit / self.revenue if self.revenue else None

    @property
    def days(self) -> int:
        """Days from the first to the last line, both included (0 without lines)."""
        if self.first_date is None or self.last_date is None:
            return 0
        return int((self.last_date - self.first_date).days) + 1


def headline(customers: pd.DataFrame) -> Headline:
    """Totals and the period covered, from :func:`summarize_customers` output."""
    empty = customers.empty
    return Headline(
        customers=len(customers),
        lines=int(customers["lines"].sum()),
        revenue=int(customers["revenue"].sum()),
        profit=int(customers["profit"].sum()),
        gross_revenue=int(customers["gross_revenue"].sum()),
        returns=int(customers["returns"].sum()),
        first_date=None if empty else customers["first_date"].min(),
        last_date=None if empty else customers["last_date"].max(),
    )


def filter_transactions(
    tx: pd.DataFrame,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    include: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Keep the lines inside a date range (both ends inclusive) and matching the filters.

    Parameters
    ----------
    tx
        Transactions from :func:`kadash.parse.parse_transactions`.
    date_from, date_to
        Inclusive bounds; ``None`` leaves that side open.
    include
        Field → values to keep (e.g. ``{"region": ["North"]}``). An empty selection keeps all
        lines; a field the data does not have raises ``ValueError``.

    Returns
    -------
    pandas.DataFrame
        A new frame with the kept lines, in their original order.
    """
    keep = np.ones(len(tx), dtype=bool)
    dates = tx["date"].to_numpy()
    if date_from is not None:
        keep &= dates >= np.datetime64(date_from, "s")
    if date_to is not None:
        keep &= dates < np.datetime64(date_to, "D") + np.timedelta64(1, "D")
    for field, values in (include or {}).items():
        if not values:
            continue
        if field not in tx.columns:
            raise KadashError("error.settings_value", name="filter", value=field)
        keep &= tx[field].isin(list(values)).to_numpy()
    return tx.loc[keep].reset_index(drop=True)


def filter_options(tx: pd.DataFrame, field: str) -> list[str]:
    """Distinct values of a text field, sorted, for a filter widget."""
    if field not in tx.columns:
        return []
    return sorted(tx[field].dropna().unique().tolist())


def _latest_values(codes: np.ndarray, values: pd.Series, order: np.ndarray, n: int) -> np.ndarray:
    """Per customer code, the value on its latest line (``order``: lines by date, then line
    number) where the value is not blank; "" where it never is."""
    value_codes, uniques = pd.factorize(values)  # integers: no Python string per line
    uniques = np.append(np.asarray(uniques, dtype=object), "")  # code -1 (missing) → ""
    ordered = value_codes[order]
    present = uniques[ordered] != ""
    latest = np.full(n, -1, dtype=np.int64)
    latest[codes[order][present]] = ordered[present]  # later lines overwrite earlier ones
    return uniques[latest]


def summarize_customers(tx: pd.DataFrame) -> pd.DataFrame:
    """Aggregate lines to one row per customer.

    Parameters
    ----------
    tx
        Transactions (filtered or not) with at least ``customer_id``, ``date``, ``revenue``,
        ``line``; ``profit``/``profit_missing``, ``order_id`` and the attribute fields are used
        when present.

    Returns
    -------
    pandas.DataFrame
        One row per customer, sorted by ``customer_id``: ``customer_id``, ``label`` (the name,
        or the id where there is no name), attributes, ``revenue`` (net), ``gross_revenue``
        (its positive lines) and ``returns`` (its negative lines), ``profit`` (all money int64
        minor units; profit 0 without a profit column), ``profit_missing_lines``, ``lines``,
        ``orders`` (distinct order ids, or purchase days without an order column),
        ``purchase_days`` (distinct dates), ``first_date``, ``last_date``.
    """
    # Group on integer codes (ids sorted in plain string order): much faster than on strings.
    codes, ids = pd.factorize(tx["customer_id"], sort=True)
    n = len(ids)
    keyed = pd.DataFrame({"code": codes, "date": tx["date"].to_numpy()})
    for column in ("revenue", "profit", "profit_missing"):
        if column in tx.columns:
            keyed[column] = tx[column].to_numpy()
    revenue = tx["revenue"].to_numpy()
    keyed["gross"] = np.where(revenue > 0, revenue, 0)
    keyed["returns"] = np.where(revenue < 0, revenue, 0)
    if "order_id" in tx.columns:
        keyed["order"] = pd.factorize(tx["order_id"])[0]
    grouped = keyed.groupby("code", sort=True)
    lines = grouped.size().to_numpy(dtype=np.int64)
    has_profit = "profit" in tx.columns
    out = pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="str"),
            "revenue": grouped["revenue"].sum().to_numpy(dtype=np.int64),
            "gross_revenue": grouped["gross"].sum().to_numpy(dtype=np.int64),
            "returns": grouped["returns"].sum().to_numpy(dtype=np.int64),
            "profit": (
                grouped["profit"].sum().to_numpy(dtype=np.int64)
                if has_profit
                else np.zeros(n, dtype=np.int64)
            ),
            "profit_missing_lines": (
                grouped["profit_missing"].sum().to_numpy(dtype=np.int64) if has_profit else lines
            ),
            "lines": lines,
            "purchase_days": grouped["date"].nunique().to_numpy(dtype=np.int64),
            "first_date": grouped["date"].min().to_numpy(),
            "last_date": grouped["date"].max().to_numpy(),
        }
    )
    out["orders"] = (
        grouped["order"].nunique().to_numpy(dtype=np.int64)
        if "order" in keyed.columns
        else out["purchase_days"]
    )
    order = np.lexsort((tx["line"].to_numpy(), tx["date"].to_numpy()))
    for field in ATTRIBUTE_FIELDS:
        if field in tx.columns:
            out[field] = pd.array(_latest_values(codes, tx[field], order, n), dtype="str")
    if "customer_name" in out.columns:
        out["label"] = out["customer_name"].where(out["customer_name"] != "", out["customer_id"])
    else:
        out["label"] = out["customer_id"]
    return out[[c for c in CUSTOMER_COLUMNS if c in out.columns]]


def search_customers(
    customers: pd.DataFrame, query: str, columns: Sequence[str] = ("customer_id", "label")
) -> np.ndarray:
    """Rows whose id or label contains ``query`` (case-insensitive; blank matches all).

    Returns
    -------
    numpy.ndarray
        A boolean mask aligned with ``customers``.
    """
    needle = query.strip().casefold()
    if not needle:
        return np.ones(len(customers), dtype=bool)
    hit = np.zeros(len(customers), dtype=bool)
    for column in columns:
        if column in customers.columns:
            text = customers[column].astype("str").str.casefold()
            hit |= text.str.contains(needle, regex=False).to_numpy()
    return hit


def revenue_by_month(lines: pd.DataFrame) -> pd.Series:
    """Net revenue (int64 minor units) per calendar month, indexed by ``"YYYY-MM"``, in order.

    Grouped on the month as a number (exact integer sums), each month's label made once: at a
    million lines this is ~15x faster than grouping on formatted dates."""
    months = lines["date"].to_numpy().astype("datetime64[M]").view(np.int64)
    sums = pd.Series(lines["revenue"].to_numpy(dtype=np.int64)).groupby(months).sum()
    labels = [str(np.datetime64(int(m), "M")) for m in sums.index]
    return pd.Series(
        sums.to_numpy(dtype=np.int64), index=pd.Index(labels, name="month"), name="revenue"
    )
