"""How fragile a tiering is: customers that change tier when a bound moves, and the customers
sitting closest to each bound.

A tier boundary is the bound between tier ``i`` and ``i + 1``. Under the share rules a bound
is a cumulative cut-off and is moved by ``step`` percentage points (default 5); under
``absolute`` it is a threshold and is moved by ``step`` of its own value (default 5 %). A bound
moved onto or past its neighbour stops there (that tier is then empty). Moving one bound moves
customers only between the two tiers it separates, so the customers that change tier are
exactly the difference in how many customers sit above that bound.

Every count is exact: the share tests are the integer tests of :mod:`kadash.tiers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from kadash.concentration import positive_total
from kadash.exact import as_fraction, ceil_fraction_times
from kadash.tiers import SHARE_RULES, Tiering, tier_ids

__all__ = ["DEFAULT_STEP", "boundary_sensitivity", "closest_to_boundaries"]

#: ±5 percentage points (share rules) or ±5 % of the threshold (absolute).
DEFAULT_STEP = Fraction(5, 100)


def _above_share(values: np.ndarray, rule: str, cutoff: Fraction) -> int:
    """Customers above one cumulative / count cut-off (in a tier before the bound)."""
    non_negative = int((values >= 0).sum())  # negatives are always last, and ranked last
    if rule == "count":
        return min(ceil_fraction_times(cutoff, len(values)), non_negative)
    before = np.cumsum(values[:non_negative], dtype=np.int64) - values[:non_negative]
    threshold = ceil_fraction_times(cutoff, positive_total(values))
    return int(np.searchsorted(before, threshold, side="left"))


def _above_threshold(values: np.ndarray, minor: int) -> int:
    """Customers whose value reaches a threshold (minor units)."""
    return int(((values >= minor) & (values >= 0)).sum())


def boundary_sensitivity(
    ranked_values: np.ndarray,
    tiering: Tiering,
    *,
    rule: str,
    step: Fraction = DEFAULT_STEP,
) -> pd.DataFrame:
    """Customers that change tier if each bound moves by ``step`` either way.

    Parameters
    ----------
    ranked_values
        Customer values (int64 minor units) in rank order.
    tiering
        The tiering in force (:func:`kadash.tiers.tier_customers`); ``computed`` limits are
        moved as the cumulative cut-offs they fall at.
    rule
        The settings' rule (``cumulative``, ``count``, ``absolute`` or ``computed``).
    step
        Percentage points for cut-offs, a relative change for thresholds.

    Returns
    -------
    pandas.DataFrame
        One row per boundary: ``upper`` and ``lower`` tier ids; ``bound`` (a share, or a
        threshold in minor units); ``bound_shrink`` / ``bound_grow``, the bound moved so that
        the upper tier shrinks (a cut-off lowered, a threshold raised) or grows; ``drop``, the
        customers that fall to the lower tier when it shrinks, and ``rise``, those that rise
        when it grows; ``value_drop`` / ``value_rise``, their summed value (minor units).
    """
    values = np.asarray(ranked_values, dtype=np.int64)
    absolute = rule == "absolute"
    bounds: Sequence[Fraction | int] = tiering.thresholds if absolute else tiering.cutoffs
    if not absolute and rule not in (*SHARE_RULES, "computed"):
        raise ValueError(f"Unknown tier rule {rule!r}.")
    share_rule = "count" if rule == "count" else "cumulative"
    ids = tier_ids(len(bounds) + 1)
    rows = []
    for i, bound in enumerate(bounds):
        if absolute:
            # A higher threshold shrinks the tier above it; the neighbours are its limits.
            high = tiering.thresholds[i - 1] if i > 0 else None
            low = tiering.thresholds[i + 1] if i + 1 < len(bounds) else None
            shrink = ceil_fraction_times(1 + step, int(bound))
            grow = ceil_fraction_times(1 - step, int(bound))
            shrink = min(shrink, high) if high is not None else shrink
            grow = max(grow, low) if low is not None else grow
            count = lambda b: _above_threshold(values, int(b))  # noqa: E731
        else:
            cut = as_fraction(bound)
            low = as_fraction(bounds[i - 1]) if i > 0 else Fraction(0)
            high = as_fraction(bounds[i + 1]) if i + 1 < len(bounds) else Fraction(1)
            shrink, grow = max(cut - step, low), min(cut + step, high)
            count = lambda b: _above_share(values, share_rule, b)  # noqa: E731
        now, fewer, more = count(bound), count(shrink), count(grow)
        rows.append(
            {
                "upper": ids[i],
                "lower": ids[i + 1],
                "bound": float(bound),
                "bound_shrink": float(shrink),
                "bound_grow": float(grow),
                "drop": now - fewer,
                "rise": more - now,
                "value_drop": int(values[fewer:now].sum()),
                "value_rise": int(values[now:more].sum()),
            }
        )
    columns = ["upper", "lower", "bound", "bound_shrink", "bound_grow", "drop", "rise"]
    return pd.DataFrame(rows, columns=[*columns, "value_drop", "value_rise"])


def closest_to_boundaries(
    ranked: pd.DataFrame,
    tiering: Tiering,
    *,
    rule: str,
    value: str = "revenue",
    per_side: int = 5,
) -> pd.DataFrame:
    """The customers sitting closest to each bound, ``per_side`` on each side.

    The distance says how far the bound would have to move for the customer to change tier:
    under the share rules in percentage points of the cumulative share (of value, or of
    customers for ``count``), under ``absolute`` in money (how much value the customer would
    have to lose, or gain).

    Returns
    -------
    pandas.DataFrame
        ``upper``, ``lower`` (tier ids of the boundary), ``side`` (``"above"``: the last
        customers of the upper tier; ``"below"``: the first of the lower), ``rank``,
        ``customer_id``, ``label``, ``value`` (minor units), ``tier`` (index) and
        ``distance`` (a share for the share rules, minor units for ``absolute``), closest
        first within each side.
    """
    values = ranked[value].to_numpy(dtype=np.int64)
    tiers = np.asarray(tiering.tiers)
    n = len(values)
    non_negative = int((values >= 0).sum())
    before = np.cumsum(values, dtype=np.int64) - values
    total = positive_total(values)
    absolute = rule == "absolute"
    bounds = tiering.thresholds if absolute else tiering.cutoffs
    ids = tier_ids(len(bounds) + 1)
    rows, uppers, lowers, sides, distances = [], [], [], [], []
    for i, bound in enumerate(bounds):
        edge = int(np.searchsorted(tiers[:non_negative], i, side="right"))  # first below
        above = np.arange(max(edge - per_side, 0), edge)[::-1]
        below = np.arange(edge, min(edge + per_side, non_negative))
        for side, picked in (("above", above), ("below", below)):
            if absolute:
                distance = np.abs(values[picked] - int(bound)).astype(np.float64)
            elif rule == "count":
                distance = np.abs(picked / n - float(bound)) if n else picked * 0.0
            else:
                distance = np.abs(before[picked] / total - float(bound)) if total else picked * 0.0
            rows.append(picked)
            distances.append(distance)
            uppers += [ids[i]] * len(picked)
            lowers += [ids[i + 1]] * len(picked)
            sides += [side] * len(picked)
    # The customers' own columns are taken once, for the few rows shown (not per boundary:
    # copying 200,000 ids out of the frame each time cost 0.1 s on every slider move).
    at = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    return pd.DataFrame(
        {
            "upper": uppers,
            "lower": lowers,
            "side": sides,
            "rank": ranked["rank"].iloc[at].to_numpy(),
            "customer_id": ranked["customer_id"].iloc[at].to_numpy(),
            "label": ranked["label"].iloc[at].to_numpy(),
            "value": values[at],
            "tier": tiers[at].astype(np.int64),
            "distance": np.concatenate(distances) if distances else np.zeros(0),
        }
    )
