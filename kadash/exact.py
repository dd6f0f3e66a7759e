"""Exact money and ratio arithmetic.

Money is held as ``int64`` counts of ``1 / MONEY_SCALE`` of a currency unit (0.0001), so
sums are exact and every share comparison can be done in integers. Ratios typed by people
(cut-offs such as 0.8, shares such as 0.07) are read as the decimal number they print as,
never as the nearest binary float: ``ceil(0.07 × 100)`` is 7, whereas with floats it is 8.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from kadash.errors import KadashError

__all__ = [
    "MONEY_DECIMALS",
    "MONEY_SCALE",
    "as_fraction",
    "ceil_fraction_times",
    "check_sum_fits",
    "minor_to_decimal",
    "ratio",
]

MONEY_DECIMALS = 4
MONEY_SCALE = 10**MONEY_DECIMALS
_INT64_MAX = np.iinfo(np.int64).max


def as_fraction(value: float | int | str | Fraction | Decimal) -> Fraction:
    """Read a typed ratio exactly.

    A float is read through its shortest decimal representation (``repr``), so ``0.07``
    becomes ``7/100`` rather than ``0.070000000000000006661...``.

    Parameters
    ----------
    value
        A float, int, decimal string, :class:`~fractions.Fraction` or :class:`~decimal.Decimal`.

    Returns
    -------
    Fraction
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, float):
        if not np.isfinite(value):
            raise KadashError("error.not_a_number", value=value)
        return Fraction(repr(value))
    if isinstance(value, int | Decimal):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise KadashError("error.not_a_number", value=value) from None
    raise ValueError(f"expected a number, got {value!r}")


def ceil_fraction_times(fraction: Fraction, n: int) -> int:
    """``ceil(fraction · n)`` computed exactly in integers."""
    return -((-fraction.numerator * int(n)) // fraction.denominator)


def ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator`` as a float, or ``None`` when the denominator is 0.

    Both arguments are exact integers; the result is rounded once, at the end.
    """
    if denominator == 0:
        return None
    return float(Fraction(int(numerator), int(denominator)))


def minor_to_decimal(value: int) -> Decimal:
    """Convert an amount in minor units (0.0001) to an exact :class:`~decimal.Decimal`."""
    return Decimal(int(value)).scaleb(-MONEY_DECIMALS)


def check_sum_fits(values: np.ndarray, what: str = "revenue") -> None:
    """Raise ``ValueError`` if summing ``values`` in int64 could overflow.

    The bound uses the sum of absolute values, so any partial or grouped sum fits too.
    """
    if len(values) == 0:
        return
    bound = float(np.abs(values.astype(np.float64)).sum())
    if bound >= _INT64_MAX / 2:
        raise KadashError(
            "error.amounts_too_large", what=what, limit=_INT64_MAX // 2 // MONEY_SCALE
        )
