"""Tiering within groups: the same standard applied inside each region, industry or sales rep.

A customer that is a C nationally can be an A in its own region; a region manager plans with
the regional tiers, the group with the global ones. Each customer belongs to the group of its
latest line that names one (the customer table's attribute); customers with no value form
their own group, shown as an empty name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kadash.tiers import Tiering, tier_customers

__all__ = ["GROUP_FIELDS", "compare_tierings", "group_differences", "tiers_within_groups"]

#: Customer attributes a tiering can be done within.
GROUP_FIELDS: tuple[str, ...] = ("region", "industry", "sales_rep")


def _groups(ranked: pd.DataFrame, group: str) -> tuple[np.ndarray, list[str]]:
    """Each customer's group as a code, and the groups' names (``""`` for no value).

    Factorised on the column itself — only the distinct values become text, not one string
    per customer (which cost tens of milliseconds per slider move at 200,000 customers)."""
    if group not in ranked.columns:
        raise ValueError(f"No column {group!r} in the customer table to tier within.")
    codes, uniques = pd.factorize(ranked[group], use_na_sentinel=False)
    names = ["" if pd.isna(u) else str(u) for u in uniques]
    # A missing value and a blank one are the same group "".
    by_name, merged = pd.factorize(pd.Series(names, dtype=object), sort=False)
    return by_name[codes].astype(np.int64), [str(n) for n in merged]


def tiers_within_groups(
    ranked: pd.DataFrame,
    group: str,
    *,
    value: str,
    rule: str,
    cutoffs: tuple[float, ...] = (),
    thresholds: tuple[float, ...] = (),
) -> np.ndarray:
    """Each customer's tier when the scheme is applied inside its own group.

    ``ranked`` is in global rank order (value descending, ties by id), so each group's rows
    keep that order and are tiered exactly as a file holding that group alone would be
    (shares divide by the group's own total). Under ``absolute`` the thresholds are the same
    in every group, so the tiers equal the global ones.

    Returns
    -------
    numpy.ndarray
        int8 tier index per row of ``ranked``.
    """
    values = ranked[value].to_numpy(dtype=np.int64)
    codes, _ = _groups(ranked, group)
    out = np.zeros(len(values), dtype=np.int8)
    order = np.argsort(codes, kind="stable")  # stable: rank order kept inside each group
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    for rows in np.split(order, starts[1:]) if len(order) else []:
        tiering: Tiering = tier_customers(
            values[rows], rule=rule, cutoffs=cutoffs, thresholds=thresholds
        )
        out[rows] = tiering.tiers
    return out


def compare_tierings(
    global_tiers: np.ndarray, group_tiers: np.ndarray, names: list[str]
) -> pd.DataFrame:
    """Customers by global tier (rows) × within-group tier (columns), tier names as labels,
    every tier present even when empty."""
    count = len(names)
    table = np.zeros((count, count), dtype=np.int64)
    np.add.at(table, (np.asarray(global_tiers, np.int64), np.asarray(group_tiers, np.int64)), 1)
    return pd.DataFrame(table, index=pd.Index(names), columns=pd.Index(names))


def group_differences(
    ranked: pd.DataFrame,
    group: str,
    global_tiers: np.ndarray,
    group_tiers: np.ndarray,
    *,
    value: str,
) -> pd.DataFrame:
    """Per group: customers, value, and how many customers rank higher or lower inside the
    group than globally.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``customers``, ``value`` (minor units), ``top_global`` / ``top_within``
        (customers in the top tier each way), ``higher`` (a better tier within the group
        than globally) and ``lower``, largest groups by value first.
    """
    codes, names = _groups(ranked, group)
    count = len(names)
    global_tiers, group_tiers = np.asarray(global_tiers), np.asarray(group_tiers)
    value_sums = np.zeros(count, dtype=np.int64)
    np.add.at(value_sums, codes, ranked[value].to_numpy(dtype=np.int64))  # exact

    def tally(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=mask, minlength=count).astype(np.int64)

    out = pd.DataFrame(
        {
            "group": names,
            "customers": np.bincount(codes, minlength=count).astype(np.int64),
            "value": value_sums,
            "top_global": tally(global_tiers == 0),
            "top_within": tally(group_tiers == 0),
            "higher": tally(group_tiers < global_tiers),
            "lower": tally(group_tiers > global_tiers),
        }
    )
    out = out.sort_values(["value", "group"], ascending=[False, True])
    return out.reset_index(drop=True)
