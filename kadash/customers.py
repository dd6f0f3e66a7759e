"""Transactions (+ filters) → the one customer table every page and export reads.

A customer's value is the sum of all its lines, returns included; identical lines are real
repeat purchases and are never de-duplicated. Descriptive attributes (name, region, industry,
sales rep) are those of the customer's latest line that has them, so a renamed customer shows
its current name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from kadash.columns import ATTRIBUTE_FIELDS

__all__ = [
    "CUSTOMER_COLUMNS",
    "filter_options",
    "filter_transactions",
    "search_customers",
    "summarize_customers",
]

#: Columns of the customer table, in order (optional ones only when their source exists).
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "label",
    *ATTRIBUTE_FIELDS,
    "revenue",
    "profit",
    "profit_missing_lines",
    "lines",
    "orders",
    "purchase_days",
    "first_date",
    "last_date",
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
            raise ValueError(f"Cannot filter on {field!r}: the data has no such column.")
        keep &= tx[field].isin(list(values)).to_numpy()
    return tx.loc[keep].reset_index(drop=True)


def filter_options(tx: pd.DataFrame, field: str) -> list[str]:
    """Distinct values of a text field, sorted, for a filter widget."""
    if field not in tx.columns:
        return []
    return sorted(tx[field].dropna().unique().tolist())


def _latest_attribute(tx: pd.DataFrame, field: str) -> pd.Series:
    """Per customer, the value on its latest (date, then line) line where the field is set."""
    present = tx.loc[tx[field] != "", ["customer_id", "date", "line", field]]
    latest = present.sort_values(["date", "line"]).drop_duplicates("customer_id", keep="last")
    return latest.set_index("customer_id")[field]


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
        or the id where there is no name), attributes, ``revenue`` and ``profit`` (int64 minor
        units; profit 0 without a profit column), ``profit_missing_lines``, ``lines``,
        ``orders`` (distinct order ids, or purchase days without an order column),
        ``purchase_days`` (distinct dates), ``first_date``, ``last_date``.
    """
    has_profit = "profit" in tx.columns
    grouped = tx.groupby("customer_id", sort=True, observed=True)
    out = pd.DataFrame(
        {
            "revenue": grouped["revenue"].sum().astype(np.int64),
            "profit": (
                grouped["profit"].sum().astype(np.int64)
                if has_profit
                else pd.Series(0, index=grouped.size().index, dtype=np.int64)
            ),
            "profit_missing_lines": (
                grouped["profit_missing"].sum().astype(np.int64)
                if has_profit
                else grouped.size().astype(np.int64)
            ),
            "lines": grouped.size().astype(np.int64),
            "purchase_days": grouped["date"].nunique().astype(np.int64),
            "first_date": grouped["date"].min(),
            "last_date": grouped["date"].max(),
        }
    )
    out["orders"] = (
        grouped["order_id"].nunique().astype(np.int64)
        if "order_id" in tx.columns
        else out["purchase_days"]
    )
    out.index = out.index.astype("str")
    out.index.name = "customer_id"
    for field in ATTRIBUTE_FIELDS:
        if field in tx.columns:
            out[field] = _latest_attribute(tx, field).reindex(out.index).fillna("")
    out = out.reset_index()
    out["customer_id"] = out["customer_id"].astype("str")
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
