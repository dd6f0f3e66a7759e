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


def _groups(ranked: pd.DataFrame, group: str) -> np.ndarray:
    if group not in ranked.columns:
        raise ValueError(f"No column {group!r} in the customer table to tier within.")
    return ranked[group].astype(object).where(ranked[group].notna(), "").astype(str).to_numpy()


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
    codes, _ = pd.factorize(_groups(ranked, group), sort=False)
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
    frame = pd.DataFrame(
        {
            "group": _groups(ranked, group),
            "value": ranked[value].to_numpy(dtype=np.int64),
            "top_global": np.asarray(global_tiers) == 0,
            "top_within": np.asarray(group_tiers) == 0,
            "higher": np.asarray(group_tiers) < np.asarray(global_tiers),
            "lower": np.asarray(group_tiers) > np.asarray(global_tiers),
        }
    )
    out = frame.groupby("group", sort=False).agg(
        customers=("value", "size"),
        value=("value", "sum"),
        top_global=("top_global", "sum"),
        top_within=("top_within", "sum"),
        higher=("higher", "sum"),
        lower=("lower", "sum"),
    )
    out = out.reset_index().sort_values(["value", "group"], ascending=[False, True])
    return out.astype({c: np.int64 for c in out.columns if c != "group"}).reset_index(drop=True)
