"""Computed (data-driven) ABC limits, after Ultsch & Lötsch (2015).

Method: A. Ultsch and J. Lötsch, "Computed ABC Analysis for Rational Selection of Most
Informative Variables in Multivariate Data", PLoS ONE 10(6): e0129767 (2015). This is an own
implementation from the paper's definitions; it shares no code with the authors' R package.

Definitions (pinned by the tests):

* The input is ranked: values descending, ties already in id order (kept as given). Values
  below 0 are left out of the curve and always go to C; they are counted in ``negatives``.
  Zero values are part of the curve.
* With ``n`` curve items and their sum ``total``, the ABC curve has the points
  ``(i / n, cum_i / total)`` for ``i = 1 … n``. A limit is an item count ``k``: the first
  ``k`` ranked items are above it.
* Pareto point: the curve point nearest ``(0, 1)``. The origin is not a candidate.
* Break-even point: the last item whose value is at least the mean, ``value · n ≥ total``
  (where the curve's slope is 1).
* A|B limit: the smaller of the two. Submarginal point: with ``L`` the larger of the two, the
  curve point ``i ≥ L`` nearest ``(L / n, 1)``; it gives the B|C limit.
* Distances are compared exactly, ``d² · (n · total)² = ((i − i₀) · total)² +
  (n · (total − cum_i))²`` in Python integers; on an exact tie the smaller item count wins.
  Floats only screen the candidates (their error is far below ``_SCREEN_TOLERANCE``).
* A limit ``k`` inside a run of equal values (items ``k`` and ``k + 1`` equal; the run spans
  items ``s … e``) moves to the nearer end of the run, ``s − 1`` or ``e``; when both are
  equally near it moves to ``e``, so the tied items go to the better tier (A rather than B,
  B rather than C). The A|B limit never empties A: a run that starts at the top item always
  goes to A (this only matters when all values are equal, which puts them all in A).
* Without a positive total (no items, or all values ≤ 0) the limits are not ``defined``:
  A and B are empty and every item is in C.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import count as count_from

import numpy as np

from kadash.concentration import positive_total

__all__ = [
    "AbcLimits",
    "abc_tiers",
    "computed_abc",
    "cutoff_between",
    "limits_as_cutoffs",
]

#: Relative slack when screening squared distances in float64 before the exact comparison.
#: Each float distance is within about 1e-15 (relative) of the exact one, so every point that
#: could be exactly nearest is kept.
_SCREEN_TOLERANCE = 1e-12
_INT64_MAX = int(np.iinfo(np.int64).max)


@dataclass(frozen=True)
class AbcLimits:
    """The computed ABC split of a ranked value array.

    Attributes
    ----------
    a_count, b_count, c_count
        Items in A (the first ``a_count`` ranked items), in B (the next ``b_count``) and in C
        (the rest, negative values included).
    pareto, break_even, submarginal
        Item counts of the Pareto, break-even and submarginal points, before any move out of
        a run of equal values.
    a_share, ab_share
        Cumulative value share of A and of A + B (of the curve total).
    a_value, b_value
        Smallest value in A and in B (minor units); 0 for an empty tier.
    negatives
        Items left out of the curve because their value is negative (all in C).
    defined
        False when there is no positive total: then A and B are empty.
    """

    a_count: int
    b_count: int
    c_count: int
    pareto: int
    break_even: int
    submarginal: int
    a_share: Fraction
    ab_share: Fraction
    a_value: int
    b_value: int
    negatives: int
    defined: bool


def computed_abc(ranked_values: np.ndarray) -> AbcLimits:
    """Split ranked values into A, B and C at the computed ABC limits.

    Parameters
    ----------
    ranked_values
        Integer values (minor units) sorted descending, e.g. a ranked customer table's value
        column (see :func:`kadash.concentration.rank_customers`).

    Returns
    -------
    AbcLimits
        The tier sizes, the three curve points and the shares (see the module docstring for
        the exact definitions and tie rules).

    Raises
    ------
    ValueError
        If the values are not one-dimensional integers sorted descending, or if their sum
        does not fit in int64.

    Examples
    --------
    >>> limits = computed_abc(np.array([10, 10, 10, 5, 5, 5, 1, 1, 1]))
    >>> limits.a_count, limits.b_count, limits.c_count
    (3, 3, 3)
    """
    values = _check_ranked(ranked_values)
    n = int(np.count_nonzero(values >= 0))  # ranked descending: the negatives come last
    curve = values[:n]
    cum = np.cumsum(curve, dtype=np.int64)
    total = int(cum[-1]) if n else 0
    if total == 0:
        return _undefined(len(values), len(values) - n)
    pareto = _nearest(cum, total, first=1, origin=0)
    break_even = _break_even(curve, total)
    larger = max(pareto, break_even)
    submarginal = _nearest(cum, total, first=larger, origin=larger)
    a_count = _leave_run(curve, min(pareto, break_even), keep_top_run=True)
    ab_count = _leave_run(curve, submarginal, keep_top_run=False)
    return AbcLimits(
        a_count=a_count,
        b_count=ab_count - a_count,
        c_count=len(values) - ab_count,
        pareto=pareto,
        break_even=break_even,
        submarginal=submarginal,
        a_share=Fraction(_cum_at(cum, a_count), total),
        ab_share=Fraction(_cum_at(cum, ab_count), total),
        a_value=int(curve[a_count - 1]),
        b_value=int(curve[ab_count - 1]) if ab_count > a_count else 0,
        negatives=len(values) - n,
        defined=True,
    )


def abc_tiers(limits: AbcLimits, count: int) -> np.ndarray:
    """Tier index of each ranked item: 0 = A, 1 = B, 2 = C.

    Parameters
    ----------
    limits
        The result of :func:`computed_abc`.
    count
        Number of ranked items; must equal ``a_count + b_count + c_count``.

    Returns
    -------
    numpy.ndarray
        int8 tier indices in rank order.
    """
    expected = limits.a_count + limits.b_count + limits.c_count
    if count != expected:
        raise ValueError(
            f"The limits cover {expected} items but count is {count}; pass the length of the "
            "array the limits were computed from."
        )
    tiers = np.full(count, 2, dtype=np.int8)
    tiers[: limits.a_count] = 0
    tiers[limits.a_count : limits.a_count + limits.b_count] = 1
    return tiers


def cutoff_between(low: Fraction, high: Fraction) -> Fraction:
    """The decimal with the fewest digits after the point in ``(low, high]``.

    When several decimals have that fewest number of digits, the largest is returned: it is
    the nearest to ``high``, which :func:`limits_as_cutoffs` sets to the tier's own cumulative
    share, so the cut-off reads close to that share.

    Parameters
    ----------
    low
        Exclusive lower end, ``0 ≤ low`` (0 is allowed: the result is still positive).
    high
        Inclusive upper end, ``low < high ≤ 1``.

    Returns
    -------
    Fraction
        ``m / 10**d`` with ``d`` as small as possible.

    Raises
    ------
    ValueError
        Unless ``0 ≤ low < high ≤ 1``.

    Examples
    --------
    >>> str(cutoff_between(Fraction(0), Fraction(20, 31)))  # (0, 0.645…]
    '3/5'
    >>> str(cutoff_between(Fraction(4, 5), Fraction(811, 1000)))
    '81/100'
    """
    low, high = Fraction(low), Fraction(high)
    if not 0 <= low < high <= 1:
        raise ValueError(f"cutoff_between needs 0 ≤ low < high ≤ 1; got low={low}, high={high}.")
    return _shortest_decimal(low, high, include_high=True)


def limits_as_cutoffs(
    ranked_values: np.ndarray, limits: AbcLimits
) -> tuple[Fraction, Fraction] | None:
    """Two cumulative cut-offs that reproduce the computed tiers under the cumulative rule.

    A cut-off ``c`` puts the first ``k`` items in the upper tier exactly when
    ``cum_{k−1} / P < c ≤ cum_k / P`` (see :func:`kadash.tiers.assign_tiers`); each cut-off
    is the shortest decimal in its interval (:func:`cutoff_between`). An empty B is expressed
    by two cut-offs in A's interval.

    Parameters
    ----------
    ranked_values
        The ranked values the limits were computed from.
    limits
        The result of :func:`computed_abc` on ``ranked_values``.

    Returns
    -------
    tuple of Fraction or None
        ``(c1, c2)`` with ``assign_tiers(ranked_values, (c1, c2), "cumulative")`` equal to
        ``abc_tiers(limits, len(ranked_values))``; ``None`` when no such cut-offs exist: the
        limits are not defined, A is empty, or the last item of A or of a non-empty B has
        value 0 (its interval is empty).

    Raises
    ------
    ValueError
        If the values are not ranked integers or the limits cover a different number of items.
    """
    values = _check_ranked(ranked_values)
    a, b = limits.a_count, limits.b_count
    if a + b + limits.c_count != len(values):
        raise ValueError(
            f"The limits cover {a + b + limits.c_count} items but there are {len(values)} "
            "values; pass the values the limits were computed from."
        )
    if not limits.defined or a == 0 or a + b > np.count_nonzero(values >= 0):
        return None
    total = positive_total(values)
    cum = np.cumsum(values, dtype=np.int64)

    def interval(k: int) -> tuple[Fraction, Fraction]:
        return Fraction(_cum_at(cum, k - 1), total), Fraction(_cum_at(cum, k), total)

    if values[a - 1] <= 0:
        return None
    low, high = interval(a)
    if b == 0:
        # Both cut-offs inside A's interval leave no cumulative share for B.
        first = _shortest_decimal(low, high, include_high=False)
        return first, cutoff_between(first, high)
    if values[a + b - 1] <= 0:
        return None
    return cutoff_between(low, high), cutoff_between(*interval(a + b))


def _check_ranked(ranked_values: np.ndarray) -> np.ndarray:
    values = np.asarray(ranked_values)
    if values.ndim != 1:
        raise ValueError(f"Expected a one-dimensional array of values; got shape {values.shape}.")
    if len(values) == 0:
        return values.astype(np.int64)
    if values.dtype == np.bool_ or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(
            f"Expected integer values in minor units; got dtype {values.dtype}. Convert the "
            "amounts to int64 minor units first."
        )
    values = values.astype(np.int64, copy=False)
    if np.any(values[1:] > values[:-1]):
        at = int(np.flatnonzero(values[1:] > values[:-1])[0])
        raise ValueError(
            f"Values must be ranked descending; item {at + 2} ({values[at + 1]}) is larger "
            f"than item {at + 1} ({values[at]}). Rank them with rank_customers first."
        )
    # Guarded in float: an int64 sum would wrap around silently.
    if float(values[values > 0].sum(dtype=np.float64)) >= _INT64_MAX / 2:
        raise ValueError(
            f"The positive values add up to more than {_INT64_MAX // 2:,} minor units, too "
            "large to add up exactly in int64."
        )
    return values


def _undefined(size: int, negatives: int) -> AbcLimits:
    return AbcLimits(
        a_count=0,
        b_count=0,
        c_count=size,
        pareto=0,
        break_even=0,
        submarginal=0,
        a_share=Fraction(0),
        ab_share=Fraction(0),
        a_value=0,
        b_value=0,
        negatives=negatives,
        defined=False,
    )


def _cum_at(cum: np.ndarray, k: int) -> int:
    """Sum of the first ``k`` items (0 for none), as a Python int."""
    return int(cum[k - 1]) if k > 0 else 0


def _nearest(cum: np.ndarray, total: int, *, first: int, origin: int) -> int:
    """Item count ``i ≥ first`` of the curve point nearest ``(origin / n, 1)``.

    Floats pick the few candidates within ``_SCREEN_TOLERANCE`` of the smallest distance;
    those are compared exactly in Python integers, the smaller item count winning a tie.
    """
    n = len(cum)
    counts = np.arange(first, n + 1, dtype=np.int64)
    gap = total - cum[first - 1 :]  # exact int64, ≥ 0
    dx = (counts - origin).astype(np.float64) / n
    dy = gap.astype(np.float64) / total
    d2 = dx * dx + dy * dy
    candidates = np.flatnonzero(d2 <= d2.min() * (1 + _SCREEN_TOLERANCE))

    def exact(j: int) -> tuple[int, int]:
        i = first + j
        return ((i - origin) * total) ** 2 + (n * int(gap[j])) ** 2, i

    return min(exact(int(j)) for j in candidates)[1]


def _break_even(curve: np.ndarray, total: int) -> int:
    """Number of leading items with ``value · n ≥ total``.

    For an integer value that is ``value ≥ ceil(total / n)``, which cannot overflow.
    """
    threshold = -(-total // len(curve))
    return int(np.count_nonzero(curve >= threshold))


def _leave_run(curve: np.ndarray, k: int, *, keep_top_run: bool) -> int:
    """Move limit ``k`` out of a run of equal values to the run's nearer end.

    On a tie the run goes above the limit. With ``keep_top_run`` a run starting at the first
    item stays above the limit (so A is never emptied).
    """
    n = len(curve)
    if not 0 < k < n or curve[k - 1] != curve[k]:
        return k
    value = curve[k - 1]
    ascending = curve[::-1]
    before = n - int(np.searchsorted(ascending, value, side="right"))  # items above the run
    end = n - int(np.searchsorted(ascending, value, side="left"))  # last item of the run
    if (keep_top_run and before == 0) or end - k <= k - before:
        return end
    return before


def _shortest_decimal(low: Fraction, high: Fraction, *, include_high: bool) -> Fraction:
    """Largest of the decimals with the fewest digits in ``(low, high]`` (or ``(low, high)``).

    The interval must be non-empty; the loop then ends once ``10**-d`` is below its width.
    """
    for digits in count_from():
        scale = 10**digits
        if include_high:
            m = high.numerator * scale // high.denominator  # largest m with m / scale ≤ high
        else:
            m = -(-high.numerator * scale // high.denominator) - 1  # largest m / scale < high
        if m * low.denominator > low.numerator * scale:  # m / scale > low
            return Fraction(m, scale)
    raise AssertionError("unreachable")  # pragma: no cover
