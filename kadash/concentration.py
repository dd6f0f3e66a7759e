"""Pareto (Lorenz) curve and concentration measures over customer values.

Definitions (pinned by the tests):

* Customers are ranked by value descending, ties by customer id in plain string order.
* ``N`` counts all customers; ``P`` is the sum of the positive customer values, and shares
  divide by ``P`` (equal to the net total when no customer is negative). When ``P`` is 0,
  shares, Gini and HHI are ``None``.
* Share of the top ``p`` of customers = value of the top ``ceil(p · N)`` customers / ``P``.
* Customers needed for ``q`` = the smallest ``k`` whose top-``k`` cumulative value ≥ ``q · P``.
* Gini and HHI are taken over customers with value ≥ 0 (negative ones are left out and
  counted).

Counts and boundary tests are exact (integers and fractions); Gini and HHI are summary
statistics and use floating point.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from kadash.exact import as_fraction, ceil_fraction_times, ratio

__all__ = [
    "MAJOR_CUSTOMER_SHARE",
    "ConcentrationSummary",
    "concentration_summary",
    "customers_for_share",
    "gini",
    "hhi",
    "major_customers",
    "pareto_curve",
    "positive_total",
    "rank_customers",
    "top_count",
    "top_n_share",
    "top_share",
]

#: A customer with at least this share of revenue is usually disclosed as a major customer.
MAJOR_CUSTOMER_SHARE = Fraction(1, 10)


def rank_customers(customers: pd.DataFrame, value: str = "revenue") -> pd.DataFrame:
    """Sort customers by ``value`` descending, ties by ``customer_id`` ascending.

    Adds ``rank`` (1-based), ``cum_before`` (sum of the values ranked above) and ``cum``
    (including this customer), all int64, computed on ``value``.

    Returns
    -------
    pandas.DataFrame
        A new frame with a fresh 0..N-1 index.
    """
    if value not in customers.columns:
        raise ValueError(f"No column {value!r} to rank customers by.")
    ranked = customers.sort_values(
        [value, "customer_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    values = ranked[value].to_numpy(dtype=np.int64)
    cum = np.cumsum(values, dtype=np.int64)
    ranked["rank"] = np.arange(1, len(ranked) + 1, dtype=np.int64)
    ranked["cum"] = cum
    ranked["cum_before"] = cum - values
    return ranked


def positive_total(values: np.ndarray) -> int:
    """``P``: the sum of the positive values, as an exact Python int."""
    values = np.asarray(values, dtype=np.int64)
    return int(values[values > 0].sum(dtype=np.int64))


def _cum(ranked_values: np.ndarray) -> np.ndarray:
    return np.cumsum(np.asarray(ranked_values, dtype=np.int64), dtype=np.int64)


def top_count(n: int, p: float | str | Fraction) -> int:
    """How many customers "the top p" is: ``ceil(p · n)``, exactly (p read as a decimal)."""
    frac = as_fraction(p)
    if not 0 < frac <= 1:
        raise ValueError(f"The share of customers must be in (0, 1]; got {p}.")
    return ceil_fraction_times(frac, n)


def top_share(ranked_values: np.ndarray, p: float | str | Fraction) -> float | None:
    """Share of ``P`` brought by the top ``ceil(p · N)`` customers.

    Parameters
    ----------
    ranked_values
        Customer values (int64) sorted as by :func:`rank_customers`.
    p
        Fraction of customers, 0 < p ≤ 1, read exactly (0.07 is 7/100).
    """
    n = len(ranked_values)
    k = top_count(n, p)
    total = positive_total(ranked_values)
    if n == 0 or total == 0:
        return None
    return ratio(int(_cum(ranked_values)[k - 1]), total)


def top_n_share(ranked_values: np.ndarray, n: int) -> float | None:
    """Share of ``P`` brought by the top ``n`` customers; ``None`` when there are fewer than
    ``n`` customers (or ``P`` is 0)."""
    total = positive_total(ranked_values)
    if not 1 <= n <= len(ranked_values) or total == 0:
        return None
    return ratio(int(_cum(ranked_values)[int(n) - 1]), total)


def customers_for_share(ranked_values: np.ndarray, q: float | str | Fraction) -> int | None:
    """Smallest ``k`` such that the top ``k`` customers bring at least ``q · P``.

    Exact: with integer values, ``cum ≥ q·P`` is the same as ``cum ≥ ceil(q·P)``.
    """
    frac = as_fraction(q)
    if not 0 < frac <= 1:
        raise ValueError(f"The share of value must be in (0, 1]; got {q}.")
    total = positive_total(ranked_values)
    if total == 0:
        return None
    threshold = ceil_fraction_times(frac, total)
    cum = _cum(ranked_values)
    # Over the positive values (ranked first) the cumulative sum rises, so the first k is
    # found by bisection within them.
    positives = int((np.asarray(ranked_values) > 0).sum())
    return int(np.searchsorted(cum[:positives], threshold, side="left")) + 1


def _non_negative(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    return values[values >= 0]


def gini(values: np.ndarray) -> float | None:
    """Population Gini coefficient over the customers with value ≥ 0.

    ``G = 2 · Σ i · x_i / (n · Σ x) − (n + 1) / n`` with ``x`` ascending and ``i`` from 1.
    0 when all are equal; approaches 1 when one customer has everything.
    """
    x = np.sort(_non_negative(values)).astype(np.float64)
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return None
    i = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * np.dot(i, x) / (n * total) - (n + 1) / n)


def hhi(values: np.ndarray) -> float | None:
    """Herfindahl–Hirschman index, ``Σ share²`` with shares as fractions (1/N … 1).

    Over the customers with value ≥ 0; multiply by 10,000 for the points scale and take
    ``1 / hhi`` for the effective number of customers.
    """
    x = _non_negative(values).astype(np.float64)
    total = x.sum()
    if len(x) == 0 or total == 0:
        return None
    shares = x / total
    return float(np.dot(shares, shares))


def major_customers(
    ranked: pd.DataFrame, value: str = "revenue", threshold: Fraction = MAJOR_CUSTOMER_SHARE
) -> pd.DataFrame:
    """Customers whose value is at least ``threshold`` of ``P`` (exact test), with ``share``."""
    values = ranked[value].to_numpy(dtype=np.int64)
    total = positive_total(values)
    if total == 0:
        return ranked.iloc[0:0].assign(share=pd.Series(dtype=float))
    # value / P ≥ a / b  ⇔  value · b ≥ a · P  (Python ints: no overflow)
    a, b = threshold.numerator, threshold.denominator
    hit = [int(v) * b >= a * total for v in values[values > 0]]
    major = ranked.iloc[: len(hit)].loc[hit].copy()
    major["share"] = [ratio(int(v), total) for v in major[value]]
    return major.reset_index(drop=True)


def pareto_curve(
    ranked_values: np.ndarray, *, max_points: int = 2000, keep: tuple[int, ...] = ()
) -> pd.DataFrame:
    """Points of the Pareto (cumulative share) curve, thinned for drawing.

    ``x`` is the share of customers (k / N) and ``y`` the cumulative share of ``P`` after the
    top ``k`` customers, for k = 0…N. With more than ``max_points`` customers the curve keeps
    evenly spaced points plus the first, the last and any ``k`` in ``keep`` (so readouts sit
    exactly on the drawn curve).

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``x``, ``y`` (``y`` is NaN when ``P`` is 0).
    """
    n = len(ranked_values)
    cum = np.concatenate([[0], _cum(ranked_values)])
    if n + 1 > max_points:
        ks = np.unique(
            np.concatenate(
                [
                    np.linspace(0, n, max_points, dtype=np.int64),
                    np.clip(np.asarray(keep, dtype=np.int64), 0, n),
                ]
            )
        )
    else:
        ks = np.arange(n + 1)
    total = positive_total(ranked_values)
    y = cum[ks] / total if total else np.full(len(ks), np.nan)
    return pd.DataFrame({"k": ks, "x": ks / max(n, 1), "y": y})


@dataclass(frozen=True)
class ConcentrationSummary:
    """The concentration readouts of one basis (revenue or gross profit)."""

    customers: int
    positive_total: int
    net_total: int
    negative_customers: int
    top_share: dict[str, float | None]
    top_n_share: dict[str, float | None]
    customers_for_share: dict[str, int | None]
    gini: float | None
    hhi: float | None

    @property
    def effective_customers(self) -> float | None:
        """``1 / HHI``: how many equal customers would give the same concentration."""
        return None if not self.hhi else 1.0 / self.hhi


def concentration_summary(
    ranked_values: np.ndarray,
    *,
    top_shares: tuple[str, ...] = ("0.01", "0.05", "0.1", "0.2"),
    top_ns: tuple[int, ...] = (1, 5, 10),
    shares_needed: tuple[str, ...] = ("0.5", "0.8", "0.95"),
) -> ConcentrationSummary:
    """All readouts for ranked customer values (see the module docstring for definitions)."""
    values = np.asarray(ranked_values, dtype=np.int64)
    return ConcentrationSummary(
        customers=len(values),
        positive_total=positive_total(values),
        net_total=int(values.sum(dtype=np.int64)),
        negative_customers=int((values < 0).sum()),
        top_share={p: top_share(values, p) if len(values) else None for p in top_shares},
        top_n_share={str(n): top_n_share(values, n) for n in top_ns},
        customers_for_share={q: customers_for_share(values, q) for q in shares_needed},
        gini=gini(values),
        hhi=hhi(values),
    )
