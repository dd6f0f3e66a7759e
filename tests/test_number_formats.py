"""Large numbers the way each language counts them: K/M/B in English, 萬/億 (万/亿) in Chinese,
in text (:meth:`kadash.i18n.Translator.number_short`, ``money_short``) and on the money axes
of the figures (:mod:`kadash.figures`).

Expected strings and tick values are worked out by hand; the properties parse a short form back
with a hand-written table of units (not the catalogue) and compare it with the value.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.clusters import ClusterFit
from kadash.exact import MONEY_SCALE
from kadash.figures import (
    _short_ticks,
    account_figure,
    cluster_scatter_figure,
    quadrant_figure,
    whale_figure,
)
from kadash.i18n import NUMBER_STYLES, translator
from kadash.locales import LANGUAGES, catalog
from kadash.profitability import assign_quadrants, profit_summary, quadrant_splits, whale_curve

NAN = float("nan")
LANGS = ("en", "zh-Hant", "zh-Hans")
#: Units written after the number, and what they multiply by (hand-written, per language).
UNITS = {
    "en": {"K": 1e3, "M": 1e6, "B": 1e9},
    "zh-Hant": {"萬": 1e4, "億": 1e8},
    "zh-Hans": {"万": 1e4, "亿": 1e8},
}
#: Decimals shown with each unit ("" = no unit) and the unit's upper bound (the next unit).
DECIMALS = {"": 0, "K": 1, "M": 1, "B": 1, "萬": 1, "万": 1, "億": 2, "亿": 2}
NEXT = {"": {"en": 1e3, "zh-Hant": 1e4, "zh-Hans": 1e4}, "K": 1e3, "M": 1e3, "萬": 1e4, "万": 1e4}


def _parse(text: str, lang: str) -> tuple[float, str]:
    """``"-1,234.5萬"`` → (-1234.5, "萬")."""
    unit = text[-1] if text[-1] in UNITS[lang] else ""
    return float(text.removesuffix(unit).replace(",", "")), unit


# -- text ------------------------------------------------------------------------------------
# value in currency units, then English, Traditional and Simplified Chinese.
CASES = [
    (0, "0", "0", "0"),
    (999, "999", "999", "999"),
    (999.5, "1.0K", "1,000", "1,000"),  # rounds to 1,000: shown as the next unit up
    (1_000, "1.0K", "1,000", "1,000"),
    (9_999, "10.0K", "9,999", "9,999"),
    (9_999.4, "10.0K", "9,999", "9,999"),
    (9_999.5, "10.0K", "1.0萬", "1.0万"),  # 9,999.5 rounds to 10,000
    (10_000, "10.0K", "1.0萬", "1.0万"),
    (12_345, "12.3K", "1.2萬", "1.2万"),
    (999_950, "1.0M", "100.0萬", "100.0万"),  # not "1,000.0K"
    (12_345_678, "12.3M", "1,234.6萬", "1,234.6万"),
    (99_995_000, "100.0M", "9,999.5萬", "9,999.5万"),
    (99_999_999, "100.0M", "1.00億", "1.00亿"),  # not "10,000.0萬"
    (100_000_000, "100.0M", "1.00億", "1.00亿"),
    (123_456_789, "123.5M", "1.23億", "1.23亿"),
    (249_707_522.91, "249.7M", "2.50億", "2.50亿"),  # the sample's revenue
    (1_234_567_890, "1.2B", "12.35億", "12.35亿"),
    (-12_345, "-12.3K", "-1.2萬", "-1.2万"),
    (-99_999_999, "-100.0M", "-1.00億", "-1.00亿"),
    (-0.4, "0", "0", "0"),  # no "-0"
    (NAN, "–", "–", "–"),
    (None, "–", "–", "–"),
]


@pytest.mark.parametrize(
    ("value", "en", "zh_hant", "zh_hans"), CASES, ids=[repr(c[0]) for c in CASES]
)
def test_number_short(value, en, zh_hant, zh_hans):
    shown = [translator(lang).number_short(value) for lang in LANGS]
    assert shown == [en, zh_hant, zh_hans]


@pytest.mark.parametrize(
    ("minor", "lang", "expected"),
    [
        (2_497_075_229_100, "en", "249.7M"),
        (2_497_075_229_100, "zh-Hant", "2.50億"),
        (2_497_075_229_100, "zh-Hans", "2.50亿"),
        (123_450_000, "zh-Hant", "1.2萬"),  # 12,345.0000 units
        (99_990_000, "zh-Hant", "9,999"),
        (-1_234_567_800_000, "zh-Hans", "-1.23亿"),
        (0, "zh-Hant", "0"),
        (NAN, "zh-Hant", "–"),
        (None, "en", "–"),
        (np.int64(45_670_000_000), "en", "4.6M"),
    ],
)
def test_money_short_takes_minor_units(minor, lang, expected):
    assert MONEY_SCALE == 10_000  # the minor units above are written for 4 decimals
    assert translator(lang).money_short(minor) == expected


def test_full_amounts_keep_separators_in_every_language():
    assert {translator(lang).money(12_345_678_9012) for lang in LANGS} == {"12,345,679"}


def test_pseudo_wraps_the_unit_it_translates():
    assert translator("pseudo").number_short(12_345) == "⟦12.3K⟧"
    assert translator("pseudo").number_short(999) == "999"


class TestCatalogue:
    def test_every_language_has_every_number_key(self):
        keys = {lang: {k for k in catalog(lang) if k.startswith("number.")} for lang in LANGUAGES}
        names = ("unit_step", "thousand", "million", "billion", "ten_thousand", "hundred_million")
        assert keys["en"] == {f"number.{k}" for k in names}
        assert all(k == keys["en"] for k in keys.values())

    def test_styles(self):
        assert {lang: translator(lang).number_style for lang in LANGS} == {
            "en": "western",
            "zh-Hant": "myriad",
            "zh-Hans": "myriad",
        }
        for lang in LANGS:  # every unit key of the style is in the catalogue
            t = translator(lang)
            assert [k for _, k, _ in NUMBER_STYLES[t.number_style] if k not in catalog(lang)] == []


@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False))
def test_short_form_reads_back_within_half_its_last_digit(value):
    for lang in LANGS:
        text = translator(lang).number_short(value)
        mantissa, unit = _parse(text, lang)
        factor = UNITS[lang].get(unit, 1.0)
        half_digit = 0.5 * 10 ** -DECIMALS[unit] * factor
        assert abs(mantissa * factor - value) <= half_digit + 1e-9 * abs(value), (lang, text)
        # The unit is the right one: at least 1 of it, and less than the next unit up.
        if unit:
            assert abs(mantissa) >= 1, text
        if unit in NEXT:
            bound = NEXT[unit][lang] if unit == "" else NEXT[unit]
            assert abs(mantissa) < bound, text


# -- figures ---------------------------------------------------------------------------------
EN, HANT, HANS = (translator(lang) for lang in LANGS)
_SHORT_SUFFIX = re.compile(r"\d[kKMGB]\b")  # an English/SI short form: 12k, 3.4M, 1G, 2B


def _customers(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    """(id, revenue, profit) in currency units → a customer table in minor units."""
    return pd.DataFrame(
        {
            "customer_id": pd.array([r[0] for r in rows], dtype="str"),
            "label": pd.array([f"Name {r[0]}" for r in rows], dtype="str"),
            "revenue": np.array([round(r[1] * MONEY_SCALE) for r in rows], dtype=np.int64),
            "profit": np.array([round(r[2] * MONEY_SCALE) for r in rows], dtype=np.int64),
            "profit_missing_lines": np.zeros(len(rows), dtype=np.int64),
            "lines": np.ones(len(rows), dtype=np.int64),
        }
    )


def _ticks(axis) -> tuple[list[float], list[str]]:
    assert axis.tickmode == "array"
    return list(axis.tickvals), list(axis.ticktext)


def _texts(fig) -> list[str]:
    """Every text a reader sees on a figure or in its hovers, besides the data itself."""
    out = [a.text for a in fig.layout.annotations]
    for trace in fig.data:
        out.append(trace.hovertemplate or "")
        if trace.customdata is not None:
            out += [str(v) for v in np.asarray(trace.customdata, dtype=object).ravel()]
    return out


# Net −1.3億: the whale curve is drawn in amounts, 0 → 1.2億 → −1.3億.
WHALE = _customers([("A", 500_000_000, 120_000_000), ("B", 900_000_000, -250_000_000)])


class TestWhale:
    def test_chinese_axis_in_yi(self):
        fig = whale_figure(whale_curve(WHALE), profit_summary(WHALE), t=HANT)
        # Range −1.3億 … 1.2億: 2.5億 / 6 ≈ 4,170萬 → steps of 5,000萬.
        assert _ticks(fig.layout.yaxis) == (
            [-1.5e8, -1e8, -5e7, 0, 5e7, 1e8, 1.5e8],
            ["-1.5億", "-1億", "-0.5億", "0", "0.5億", "1億", "1.5億"],
        )

    def test_simplified_chinese_units(self):
        fig = whale_figure(whale_curve(WHALE), profit_summary(WHALE), t=HANS)
        assert _ticks(fig.layout.yaxis)[1] == ["-1.5亿", "-1亿", "-0.5亿", "0", "0.5亿", "1亿",
                                               "1.5亿"]  # fmt: skip

    def test_chinese_hover_and_labels_have_no_english_units(self):
        fig = whale_figure(whale_curve(WHALE), profit_summary(WHALE), t=HANT)
        assert [s for s in _texts(fig) if _SHORT_SUFFIX.search(s)] == []
        together = [row[3] for trace in fig.data[:2] for row in trace.customdata]
        assert together == ["0", "1.20億", "1.20億", "-1.30億"]
        assert "-1.30億" in " ".join(a.text for a in fig.layout.annotations)  # the net line

    def test_english_keeps_plotly_ticks_without_g(self):
        fig = whale_figure(whale_curve(WHALE), profit_summary(WHALE), t=EN)
        assert fig.layout.yaxis.exponentformat == "B"  # 1B, not d3's SI 1G
        assert fig.layout.yaxis.tickformat is None and fig.layout.yaxis.tickvals is None


class TestQuadrant:
    def test_linear_axis_in_wan(self):
        table = _customers([("A", 2_000_000, 500_000), ("B", 5_000_000, 400_000),
                            ("C", 9_000_000, -100_000)])  # fmt: skip
        splits = quadrant_splits(table)
        fig = quadrant_figure(assign_quadrants(table, splits), splits, t=HANT)
        assert fig.layout.xaxis.type == "linear"
        # 0 … 9,000,000 × 1.05 = 945萬: 945萬 / 6 ≈ 158萬 → steps of 200萬.
        assert _ticks(fig.layout.xaxis) == (
            [0, 2e6, 4e6, 6e6, 8e6, 1e7],
            ["0", "200萬", "400萬", "600萬", "800萬", "1,000萬"],
        )
        hover = [s for s in _texts(fig) if _SHORT_SUFFIX.search(s)]
        assert hover == []
        assert "9,000,000" in _texts(fig)  # hovers give full amounts with separators

    def test_log_axis_takes_a_unit_per_tick(self):
        table = _customers([("A", 1_000, 100), ("B", 20_000, 2_000), ("C", 300_000, 30_000),
                            ("D", 5_000_000, 500_000), ("E", 50_000_000, 5_000_000)])  # fmt: skip
        splits = quadrant_splits(table)
        fig = quadrant_figure(assign_quadrants(table, splits), splits, t=HANS)
        assert fig.layout.xaxis.type == "log"
        # Drawn from 1,000 / 2 to 5,000萬 × 2: the powers of ten, one below the range.
        assert _ticks(fig.layout.xaxis) == (
            [100, 1_000, 1e4, 1e5, 1e6, 1e7, 1e8],
            ["100", "1,000", "1万", "10万", "100万", "1,000万", "1亿"],
        )

    def test_english(self):
        table = _customers([("A", 1e9, 1e8), ("B", 3e9, 2e8)])
        splits = quadrant_splits(table)
        fig = quadrant_figure(assign_quadrants(table, splits), splits, t=EN)
        assert fig.layout.xaxis.exponentformat == "B"
        assert fig.layout.xaxis.tickvals is None


def _clusters() -> tuple[pd.DataFrame, ClusterFit]:
    features = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "frequency": [40.0, 12.0, 3.0, 1.0],
            "monetary": [300_000_000.0, 4_000_000.0, 300_000.0, 20_000.0],
            "profit": [2_000_000.0, 120_000.0, 10_000.0, -50_000.0],
            "margin": [0.1, 0.03, 0.03, -2.5],
        }
    )
    labels = np.array([0, 0, 1, 1])
    fit = ClusterFit(labels, np.ones(4, dtype=bool), 2, 0, NAN, NAN, None)
    return features, fit


class TestClusterScatter:
    def test_chinese_linear_and_log_axes(self):
        features, fit = _clusters()
        fig = cluster_scatter_figure(features, fit, ["1", "2"], t=HANS, x="profit", y="monetary")
        # Profit −5万 … 200万, linear: 205万 / 6 ≈ 34万 → steps of 50万.
        assert _ticks(fig.layout.xaxis) == (
            [-5e5, 0, 5e5, 1e6, 1.5e6, 2e6],
            ["-50万", "0", "50万", "100万", "150万", "200万"],
        )
        # Revenue 2万 … 3亿, log: 10⁴ … 10⁹, one tick past each end.
        assert fig.layout.yaxis.type == "log"
        assert _ticks(fig.layout.yaxis) == (
            [1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
            ["1万", "10万", "100万", "1,000万", "1亿", "10亿"],
        )

    def test_counts_and_shares(self):
        features, fit = _clusters()
        fig = cluster_scatter_figure(features, fit, ["1", "2"], t=HANT, x="frequency", y="margin")
        # Purchase days 1 … 40 on a log axis: 1, 2, 5, 10, 20, 50 (the powers of ten alone
        # would leave two ticks).
        assert _ticks(fig.layout.xaxis) == ([1, 2, 5, 10, 20, 50], ["1", "2", "5", "10", "20",
                                                                    "50"])  # fmt: skip
        assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.yaxis.tickvals is None

    def test_english(self):
        features, fit = _clusters()
        fig = cluster_scatter_figure(features, fit, ["1", "2"], t=EN, x="profit", y="monetary")
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.exponentformat == "B" and axis.tickformat is None


def _history(revenue: list[float], profit: list[float | None]) -> pd.DataFrame:
    months = pd.period_range("2024-01", periods=len(revenue), freq="M").strftime("%Y-%m")
    return pd.DataFrame(
        {
            "month": months,
            "revenue": np.array([round(v * MONEY_SCALE) for v in revenue], dtype=np.int64),
            "profit": pd.array(
                [None if p is None else round(p * MONEY_SCALE) for p in profit], dtype="Int64"
            ),
            "lines": np.ones(len(revenue), dtype=np.int64),
            "orders": np.ones(len(revenue), dtype=np.int64),
        }
    )


class TestAccount:
    def test_chinese_axis_covers_bars_and_profit(self):
        history = _history([3_000_000, 12_000_000, -1_000_000], [1_000_000, None, -500_000])
        fig = account_figure(history, t=HANT, has_profit=True)
        # −100萬 … 1,200萬: 1,300萬 / 6 ≈ 217萬 → steps of 500萬.
        assert _ticks(fig.layout.yaxis) == (
            [-5e6, 0, 5e6, 1e7, 1.5e7],
            ["-500萬", "0", "500萬", "1,000萬", "1,500萬"],
        )

    def test_small_amounts_stay_plain(self):
        fig = account_figure(_history([1_200, 3_400], [None, None]), t=HANT, has_profit=False)
        assert _ticks(fig.layout.yaxis) == ([0, 1_000, 2_000, 3_000, 4_000],
                                            ["0", "1,000", "2,000", "3,000", "4,000"])  # fmt: skip

    def test_english(self):
        fig = account_figure(_history([3e9, 4e9], [None, None]), t=EN, has_profit=False)
        assert fig.layout.yaxis.exponentformat == "B" and fig.layout.yaxis.tickformat is None


_UNIT_OF = {"萬": 1e4, "億": 1e8}
_amounts = st.integers(min_value=-(10**13), max_value=10**13).map(float)


def _check_reads_back(values: list[float], texts: list[str]) -> None:
    for value, text in zip(values, texts, strict=True):
        number, unit = _parse(text, "zh-Hant")
        assert math.isclose(number * _UNIT_OF.get(unit, 1.0), value, rel_tol=1e-9), (value, text)


# The axis helper itself (the figures above use it): many ranges, fast.
@given(st.lists(_amounts, min_size=1, max_size=24))
def test_chinese_linear_ticks_read_back_and_cover_the_data(amounts):
    low, high = min(0.0, *amounts), max(0.0, *amounts)
    values, texts = _short_ticks(HANT, low, high)
    assert values == sorted(values) and len(set(values)) == len(values)  # increasing
    assert values[0] <= low and values[-1] >= high  # the data lies within the ticks
    assert 3 <= len(values) <= 12
    units = {_parse(text, "zh-Hant")[1] for text in texts if text != "0"}
    assert len(units) == 1  # one unit on a linear axis ("" for plain numbers)
    if max(abs(v) for v in values) >= 1e4:
        assert units <= set(_UNIT_OF)  # 萬 or 億 once the ticks reach 10,000
    _check_reads_back(values, texts)


@given(st.floats(min_value=0.01, max_value=1e12), st.floats(min_value=1.0, max_value=1e6))
def test_chinese_log_ticks_read_back_and_cover_the_data(low, ratio):
    high = low * ratio
    values, texts = _short_ticks(HANT, low, high, log=True)
    assert values == sorted(values) and len(set(values)) == len(values) and values[0] > 0
    # At least two ticks where plotly draws the data (its range reaches a little past both
    # ends), and not a crowd.
    assert len([v for v in values if low / 1.5 <= v <= high * 1.5]) >= 2
    assert len(values) <= 14
    _check_reads_back(values, texts)
