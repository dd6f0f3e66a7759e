"""Exact ratios and money."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from kadash.errors import KadashError
from kadash.exact import as_fraction, ceil_fraction_times, check_sum_fits, minor_to_decimal, ratio


class TestAsFraction:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.07, Fraction(7, 100)),
            (0.1, Fraction(1, 10)),
            ("0.95", Fraction(19, 20)),
            (" 0.5 ", Fraction(1, 2)),
            (1, Fraction(1)),
            (Decimal("0.125"), Fraction(1, 8)),
            (Fraction(2, 3), Fraction(2, 3)),
        ],
    )
    def test_reads_the_printed_decimal(self, value, expected):
        assert as_fraction(value) == expected

    def test_float_is_not_read_in_binary(self):
        assert as_fraction(0.07) != Fraction(0.07)

    @pytest.mark.parametrize("value", ["abc", "", float("nan"), float("inf"), True])
    def test_rejects(self, value):
        with pytest.raises((KadashError, ValueError)):
            as_fraction(value)


def test_ceil_fraction_times():
    assert ceil_fraction_times(Fraction(7, 100), 100) == 7
    assert ceil_fraction_times(Fraction(1, 5), 4) == 1
    assert ceil_fraction_times(Fraction(1, 2), 5) == 3
    assert ceil_fraction_times(Fraction(4, 5), 10**18 + 1) == 8 * 10**17 + 1


def test_ratio_and_money():
    assert ratio(1, 3) == 1 / 3
    assert ratio(5, 0) is None
    assert minor_to_decimal(-12_345) == Decimal("-1.2345")
    assert str(minor_to_decimal(10_000)) == "1.0000"


def test_check_sum_fits():
    check_sum_fits(np.array([10**14, -(10**14)], dtype=np.int64))
    with pytest.raises(KadashError, match="too large to add up exactly"):
        check_sum_fits(np.array([2**62, 2**62 - 1], dtype=np.int64))
