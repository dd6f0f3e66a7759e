"""Rule-based customer tiers: cumulative or count cut-offs, absolute thresholds, computed ABC.

A scheme has ``k`` tiers (2 to 6, stable ids ``t1`` … ``tk``; names are for display) and one of
four rules:

* ``cumulative`` — ``k − 1`` strictly increasing cut-offs in (0, 1] on the cumulative share of
  the value (revenue or gross profit);
* ``count`` — the same on the share of customers (top x % by count);
* ``absolute`` — ``k − 1`` strictly decreasing thresholds in currency units: a customer is in
  the first tier whose threshold its value reaches (value ≥ threshold);
* ``computed`` — three tiers A/B/C whose limits are found in the data
  (:mod:`kadash.computed_abc`, after Ultsch & Lötsch 2015).

Under the share rules customers are taken in rank order (value descending, ties by id); a customer
belongs to the first tier whose cut-off is greater than the cumulative share *before* adding
it — so the customer that crosses 80 % is still an A. Under the ``count`` rule the share is of
customers instead of value. Customers with a negative value are always in the last tier.

All boundary tests are exact integer comparisons: ``cum_before < c · P`` is evaluated as
``cum_before < ceil(c · P)`` with ``c`` read as the decimal number it prints as.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from kadash.computed_abc import AbcLimits, abc_tiers, computed_abc
from kadash.concentration import positive_total
from kadash.errors import KadashError
from kadash.exact import MONEY_SCALE, as_fraction, ceil_fraction_times, ratio

__all__ = [
    "MAX_AMOUNT",
    "MAX_TIERS",
    "MIN_TIERS",
    "RULES",
    "SCHEMES",
    "SHARE_RULES",
    "Scheme",
    "Tiering",
    "assign_tiers",
    "check_cutoffs",
    "check_thresholds",
    "default_tier_names",
    "enforce_increasing",
    "spread_cutoffs",
    "suggest_thresholds",
    "summarize_tiers",
    "threshold_tiers",
    "tier_boundaries",
    "tier_customers",
    "tier_ids",
]

#: Rules :func:`assign_tiers` applies (cut-offs are shares), and every rule a scheme can have.
SHARE_RULES: tuple[str, ...] = ("cumulative", "count")
RULES: tuple[str, ...] = (*SHARE_RULES, "absolute", "computed")
MIN_TIERS, MAX_TIERS = 2, 6
#: The largest threshold (currency units): its minor units must fit an int64 with room to add.
MAX_AMOUNT = int(np.iinfo(np.int64).max // 2 // MONEY_SCALE)


@dataclass(frozen=True)
class Scheme:
    """A named tiering standard: its rule, default cut-offs and tier-name translation keys."""

    key: str
    rule: str
    cutoffs: tuple[str, ...]
    name_keys: tuple[str, ...] | None = None  # None: generic "Tier n" names


SCHEMES: dict[str, Scheme] = {
    "abc": Scheme("abc", "cumulative", ("0.8", "0.95"), ("tier.abc.a", "tier.abc.b", "tier.abc.c")),
    "ibm": Scheme(
        "ibm",
        "cumulative",
        ("0.5", "0.75", "0.95"),
        ("tier.ibm.diamond", "tier.ibm.gold", "tier.ibm.silver", "tier.ibm.other"),
    ),
    "count": Scheme(
        "count", "count", ("0.2", "0.5"), ("tier.count.top", "tier.count.middle", "tier.count.rest")
    ),
    "cumulative": Scheme("cumulative", "cumulative", ("0.8", "0.95")),
    "absolute": Scheme("absolute", "absolute", ()),
    "computed": Scheme("computed", "computed", (), ("tier.abc.a", "tier.abc.b", "tier.abc.c")),
}


def check_cutoffs(cutoffs: Sequence[float | str | Fraction]) -> tuple[Fraction, ...]:
    """Validate cut-offs and return them as exact fractions.

    Raises
    ------
    ValueError
        Unless there are 1 to 5 cut-offs, each in (0, 1], strictly increasing.
    """
    fracs = tuple(as_fraction(c) for c in cutoffs)
    if not MIN_TIERS - 1 <= len(fracs) <= MAX_TIERS - 1:
        raise KadashError(
            "error.cutoff_count", low=MIN_TIERS - 1, high=MAX_TIERS - 1, got=len(fracs)
        )
    for c, raw in zip(fracs, cutoffs, strict=True):
        if not 0 < c <= 1:
            raise KadashError("error.cutoff_range", value=raw)
    for i in range(1, len(fracs)):
        if not fracs[i - 1] < fracs[i]:
            raise KadashError("error.cutoff_order", first=cutoffs[i - 1], second=cutoffs[i])
    return fracs


def assign_tiers(
    ranked_values: np.ndarray,
    cutoffs: Sequence[float | str | Fraction],
    rule: str = "cumulative",
) -> np.ndarray:
    """Tier index (0 = top tier) of each ranked customer.

    Parameters
    ----------
    ranked_values
        Customer values (int64) in rank order (see :func:`kadash.concentration.rank_customers`).
    cutoffs
        Increasing cumulative bounds, e.g. ``(0.8, 0.95)`` for ABC.
    rule
        ``"cumulative"`` (share of the positive total ``P``) or ``"count"`` (share of customers).

    Returns
    -------
    numpy.ndarray
        int8 tier indices, aligned with ``ranked_values``.
    """
    if rule not in SHARE_RULES:
        raise ValueError(f"Unknown tier rule {rule!r}; use one of {', '.join(SHARE_RULES)}.")
    fracs = check_cutoffs(cutoffs)
    values = np.asarray(ranked_values, dtype=np.int64)
    n = len(values)
    if rule == "cumulative":
        before = np.cumsum(values, dtype=np.int64) - values
        base = positive_total(values)
    else:
        before = np.arange(n, dtype=np.int64)
        base = n
    # cum_before < c·base  ⇔  cum_before < ceil(c·base): thresholds are exact integers.
    thresholds = np.array([ceil_fraction_times(c, base) for c in fracs], dtype=np.int64)
    tiers = np.searchsorted(thresholds, before, side="right").astype(np.int8)
    tiers[values < 0] = len(fracs)
    return tiers


def check_thresholds(thresholds: Sequence[float | str | Fraction]) -> tuple[Fraction, ...]:
    """Validate absolute thresholds (currency units) and return them as exact fractions.

    Raises
    ------
    KadashError
        Unless there are 1 to 5 thresholds, each from 0 up to the largest amount kadash can
        add up exactly, strictly decreasing (the top tier's first).
    """
    fracs = tuple(as_fraction(c) for c in thresholds)
    if not MIN_TIERS - 1 <= len(fracs) <= MAX_TIERS - 1:
        raise KadashError(
            "error.threshold_count", low=MIN_TIERS - 1, high=MAX_TIERS - 1, got=len(fracs)
        )
    for fraction, raw in zip(fracs, thresholds, strict=True):
        # Negative customers are always in the last tier, so a threshold below 0 means nothing;
        # one above the amount limit would not fit in minor units.
        if not 0 <= fraction <= MAX_AMOUNT:
            raise KadashError("error.threshold_range", value=raw, limit=MAX_AMOUNT)
    for i in range(1, len(fracs)):
        if not fracs[i - 1] > fracs[i]:
            raise KadashError(
                "error.threshold_order", first=thresholds[i - 1], second=thresholds[i]
            )
    return fracs


def threshold_tiers(values: np.ndarray, thresholds: Sequence[float | str | Fraction]) -> np.ndarray:
    """Tier index of each customer under absolute thresholds (currency units, decreasing).

    A customer is in the first tier whose threshold its value reaches (``value ≥ T``, compared
    exactly in minor units); customers with a negative value are in the last tier, as under
    every rule. Works in any order (rank order gives non-decreasing tiers).
    """
    fracs = check_thresholds(thresholds)
    values = np.asarray(values, dtype=np.int64)
    # value ≥ T ⇔ value ≥ ceil(T · scale) for an integer value in minor units.
    ascending = np.array(
        [ceil_fraction_times(f, MONEY_SCALE) for f in reversed(fracs)], dtype=np.int64
    )
    # The number of thresholds above the value is the tier index.
    tiers = (len(fracs) - np.searchsorted(ascending, values, side="right")).astype(np.int8)
    tiers[values < 0] = len(fracs)
    return tiers


@dataclass(frozen=True)
class Tiering:
    """Customers' tiers under one scheme, and the bounds that produced them.

    Attributes
    ----------
    tiers
        int8 tier index per ranked customer (0 = top tier).
    cutoffs
        The cumulative cut-offs in force (for ``computed``: the shares the limits fall at; for
        ``absolute``: empty).
    thresholds
        Absolute thresholds in minor units (``absolute`` only; else empty).
    limits
        The computed ABC limits (``computed`` only).
    """

    tiers: np.ndarray
    cutoffs: tuple[Fraction, ...] = ()
    thresholds: tuple[int, ...] = ()
    limits: AbcLimits | None = None

    @property
    def count(self) -> int:
        return 3 if self.limits is not None else max(len(self.cutoffs), len(self.thresholds)) + 1


def tier_customers(
    ranked_values: np.ndarray,
    *,
    rule: str,
    cutoffs: Sequence[float | str | Fraction] = (),
    thresholds: Sequence[float | str | Fraction] = (),
) -> Tiering:
    """Tier ranked customers under any rule (see the module docstring).

    Parameters
    ----------
    ranked_values
        Customer values (int64 minor units) in rank order.
    rule
        One of :data:`RULES`.
    cutoffs, thresholds
        Shares for the share rules; currency amounts for ``absolute``; neither for
        ``computed``.
    """
    values = np.asarray(ranked_values, dtype=np.int64)
    if rule in SHARE_RULES:
        return Tiering(assign_tiers(values, cutoffs, rule), cutoffs=check_cutoffs(cutoffs))
    if rule == "absolute":
        minor = tuple(ceil_fraction_times(f, MONEY_SCALE) for f in check_thresholds(thresholds))
        return Tiering(threshold_tiers(values, thresholds), thresholds=minor)
    if rule == "computed":
        limits = computed_abc(values)
        shown = tuple(s for s in (limits.a_share, limits.ab_share) if limits.defined)
        return Tiering(abc_tiers(limits, len(values)), cutoffs=shown, limits=limits)
    raise ValueError(f"Unknown tier rule {rule!r}; use one of {', '.join(RULES)}.")


def _between(low: float, high: float) -> float:
    """The shortest decimal strictly between ``low`` and ``high``, near their middle."""
    middle = (low + high) / 2
    for digits in range(2, 10):
        if low < (rounded := round(middle, digits)) < high:
            return rounded
    return middle


def spread_cutoffs(cutoffs: Sequence[float], count: int) -> tuple[float, ...]:
    """Cut-offs for ``count`` tiers, keeping the existing ones: a tier is added below the last
    cut-off (halfway to 100 %) — or, when the last is 100 %, in the widest gap — and tiers are
    removed from the bottom.

    Raises
    ------
    KadashError
        If ``count`` is not 2 to 6.
    """
    if not MIN_TIERS <= count <= MAX_TIERS:
        raise KadashError("error.tier_count", low=MIN_TIERS, high=MAX_TIERS, got=count)
    out = [float(c) for c in cutoffs][: count - 1]
    while len(out) < count - 1:
        edges = [0.0, *out, 1.0]
        gap = len(out)  # the gap below the last cut-off, while there is room in it
        if edges[-1] - edges[-2] < 0.001:
            gap = max(range(len(edges) - 1), key=lambda i: (edges[i + 1] - edges[i], i))
        out.insert(gap, _between(edges[gap], edges[gap + 1]))
    return tuple(out)


def _round_down(amount: float) -> float:
    """Down to two significant figures (173,600.76 → 170,000), for thresholds people read."""
    if amount <= 0:
        return 0.0
    unit = 10 ** (len(str(int(amount))) - 2) if amount >= 10 else 1
    return float(int(amount // unit) * unit)


def suggest_thresholds(
    ranked_values: np.ndarray, tiers: np.ndarray, count: int
) -> tuple[float, ...]:
    """Absolute thresholds (currency units) close to a tiering: for each boundary, the smallest
    value of the tier above it, rounded down to two significant figures (so switching from
    shares to amounts starts from about the same tiers). Always strictly decreasing and
    positive: a boundary that would not be is halved from the one above."""
    values = np.asarray(ranked_values, dtype=np.int64)
    tiers = np.asarray(tiers)
    out: list[float] = []
    for i in range(count - 1):
        upper = values[(tiers <= i) & (values > 0)]
        amount = _round_down(float(upper.min()) / MONEY_SCALE) if len(upper) else 0.0
        if out and not 0 < amount < out[-1]:
            amount = _round_down(out[-1] / 2) or out[-1] / 2
        if not out and amount <= 0:
            amount = 1.0
        out.append(amount)
    return tuple(out)


def tier_ids(count: int) -> list[str]:
    """Stable tier ids ``t1`` … ``tk`` (names are for display only)."""
    return [f"t{i}" for i in range(1, count + 1)]


def tier_boundaries(tiers: np.ndarray) -> tuple[int, ...]:
    """Customer counts after which the tier changes (for drawing tier edges exactly)."""
    return tuple(int(k) for k in np.flatnonzero(np.diff(np.asarray(tiers))) + 1)


def default_tier_names(scheme: str, count: int, t: Callable[..., str]) -> list[str]:
    """Display names of a scheme's tiers in the translator's language.

    A preset with exactly its own number of tiers uses its names (A/B/C, Diamond/Gold/…);
    otherwise tiers are called "Tier 1", "Tier 2", …
    """
    keys = SCHEMES[scheme].name_keys if scheme in SCHEMES else None
    if keys is not None and len(keys) == count:
        return [t(key) for key in keys]
    return [t("tier.generic", n=i) for i in range(1, count + 1)]


def summarize_tiers(
    ranked: pd.DataFrame,
    tiers: np.ndarray,
    names: Sequence[str],
    *,
    cutoffs: Sequence[float | str | Fraction] = (),
    thresholds: Sequence[int] = (),
) -> pd.DataFrame:
    """The tier breakdown: one row per tier, top tier first, empty tiers included.

    Shares divide by the positive totals over all customers (``P`` of revenue, of profit and
    the customer count), so every tier's % of customers sits beside its % of revenue and of
    profit on the same footing.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``bound`` (the tier's cumulative cut-off as a float, NaN for the last
        tier or under thresholds), ``threshold`` (the tier's absolute threshold in minor units,
        NaN for the last tier or under cut-offs), ``customers``, ``customer_share``,
        ``revenue``, ``revenue_share``, ``profit``,
        ``profit_share`` (money in int64 minor units) and ``revenue_per_customer`` (minor units,
        NaN for an empty tier).
    """
    count = len(names)
    tiers = np.asarray(tiers)
    revenue = ranked["revenue"].to_numpy(dtype=np.int64)
    profit = ranked["profit"].to_numpy(dtype=np.int64)
    p_rev, p_profit, n = positive_total(revenue), positive_total(profit), len(ranked)
    members_of, revenue_of, profit_of = _per_tier(tiers, count, revenue, profit)
    rows = []
    for i, tier_id in enumerate(tier_ids(count)):
        members, rev, pro = int(members_of[i]), int(revenue_of[i]), int(profit_of[i])
        rows.append(
            {
                "id": tier_id,
                "name": names[i],
                "bound": float(as_fraction(cutoffs[i])) if i < len(cutoffs) else np.nan,
                "threshold": float(thresholds[i]) if i < len(thresholds) else np.nan,
                "customers": members,
                "customer_share": ratio(members, n),
                "revenue": rev,
                "revenue_share": ratio(rev, p_rev),
                "profit": pro,
                "profit_share": ratio(pro, p_profit),
                "revenue_per_customer": rev / members if members else np.nan,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("customer_share", "revenue_share", "profit_share"):
        frame[column] = frame[column].astype(np.float64)
    return frame


def _per_tier(tiers: np.ndarray, count: int, *values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Customers per tier, then each of ``values`` summed per tier (exact int64).

    Ranked customers' tiers never decrease down the ranking (the cumulative and count rules,
    negatives last): each tier is then one run of rows, summed from running totals — a
    re-tier at 200,000 customers stays well under 5 ms. Other orders are summed per tier."""
    codes = tiers.astype(np.int64)
    members = np.bincount(codes, minlength=count)[:count]
    if len(codes) and not np.all(codes[1:] >= codes[:-1]):
        sums = [np.zeros(count, dtype=np.int64) for _ in values]
        for out, value in zip(sums, values, strict=True):
            np.add.at(out, codes, value)
        return (members, *sums)
    edges = np.searchsorted(codes, np.arange(count + 1), side="left")
    sums = []
    for value in values:
        running = np.zeros(len(value) + 1, dtype=np.int64)
        np.cumsum(value, out=running[1:])
        sums.append(running[edges[1:]] - running[edges[:-1]])
    return (members, *sums)


def enforce_increasing(
    values: Sequence[int], changed: int, *, gap: int = 1, low: int = 1, high: int = 100
) -> tuple[int, ...]:
    """Keep integer slider values strictly increasing after slider ``changed`` moved.

    The moved value wins: neighbours are pushed up or down (keeping ``gap`` between them)
    within ``[low, high]``; if there is no room, the moved value itself is clamped.
    """
    out = list(values)
    k = len(out)
    # Room for the others: the moved value may not squeeze its neighbours out of range.
    out[changed] = min(max(out[changed], low + gap * changed), high - gap * (k - 1 - changed))
    for j in range(changed + 1, k):
        out[j] = max(out[j], out[j - 1] + gap)
    for j in range(changed - 1, -1, -1):
        out[j] = min(out[j], out[j + 1] - gap)
    return tuple(out)
