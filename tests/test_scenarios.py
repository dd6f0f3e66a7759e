"""Two tiering standards side by side: breakdowns, the crosstab of tiers, labels, tables and the
figure. Expectations are worked by hand on tiny fixtures, or computed from the sample CSV with
plain pandas and Python integers."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.concentration import rank_customers
from kadash.figures import scenario_figure, tier_color
from kadash.i18n import translator
from kadash.ingest import load_transactions
from kadash.locales import LANGUAGES, catalog
from kadash.report import analyse
from kadash.scenarios import (
    CURRENT,
    DEFAULT_PAIR,
    PRESETS,
    SCENARIOS,
    compare_scenarios,
    comparison_table,
    customers_both,
    scenario,
    scenario_label,
    tier_crosstab,
)
from kadash.settings import Settings
from kadash.tiers import SCHEMES
from tests.conftest import SAMPLE, customers_frame
from tests.test_pages import _sample_values, _tier_counts

EN = translator("en")
# P = 100: cumulative before each customer 0, 50, 70, 80, 90, 95.
VALUES = {"a": 50, "b": 20, "c": 10, "d": 10, "e": 5, "f": 5}
PROFIT = {"a": 10, "b": 8, "c": 1, "d": 4, "e": -2, "f": 1}


def _ranked() -> pd.DataFrame:
    return rank_customers(customers_frame(VALUES, PROFIT))


def _compare(first: str, second: str, current: Settings | None = None, ranked=None):
    current = current or Settings()
    ranked = _ranked() if ranked is None else ranked
    return compare_scenarios(
        ranked, scenario(first, current), scenario(second, current), basis="revenue", t=EN
    )


class TestHandWorked:
    def test_abc_and_ibm_breakdowns(self):
        c = _compare("abc", "ibm")
        # ABC: before < 80 → A (a, b, c); before < 95 → B (d, e); f → C.
        first = c.first_summary
        assert list(first["name"]) == ["A", "B", "C"]
        assert list(first["customers"]) == [3, 2, 1]
        assert list(first["revenue"]) == [800_000, 150_000, 50_000]
        assert list(first["revenue_share"]) == [0.8, 0.15, 0.05]
        assert list(first["customer_share"]) == [3 / 6, 2 / 6, 1 / 6]
        # Gross profit: P = 10 + 8 + 1 + 4 + 1 = 24 (e's −2 is not in P).
        assert list(first["profit"]) == [190_000, 20_000, 10_000]
        assert list(first["profit_share"]) == [19 / 24, 2 / 24, 1 / 24]
        # IBM: before < 50 → Diamond (a); < 75 → Gold (b, c); < 95 → Silver (d, e); f → Other.
        second = c.second_summary
        assert list(second["name"]) == ["Diamond", "Gold", "Silver", "Other"]
        assert list(second["customers"]) == [1, 2, 2, 1]
        assert list(second["revenue"]) == [500_000, 300_000, 150_000, 50_000]

    def test_crosstab_of_tiers(self):
        c = _compare("abc", "ibm")
        expected = pd.DataFrame(
            [[1, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]],
            index=pd.Index(["A", "B", "C"]),
            columns=pd.Index(["Diamond", "Gold", "Silver", "Other"]),
        )
        pd.testing.assert_frame_equal(c.crosstab, expected)
        assert (c.top_first_only, c.top_second_only) == (2, 0)  # b and c are Gold under IBM
        assert not c.identical

    def test_count_rule_takes_shares_of_customers(self):
        c = _compare("ibm", "count")
        # n = 6: the top 20% is ceil(1.2) = 2 customers, the top 50% is 3.
        assert list(c.second_summary["customers"]) == [2, 1, 3]
        assert list(c.second_summary["name"]) == ["Top", "Middle", "Rest"]
        assert c.crosstab.to_numpy().tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 2], [0, 0, 1]]
        assert (c.top_first_only, c.top_second_only) == (0, 1)

    def test_current_settings_keep_their_bounds_and_names(self):
        current = Settings(cutoffs=(0.6, 0.9), names=("Key", "", "Rest"))
        c = _compare(CURRENT, "abc", current)
        # before < 60 → a, b (0, 50); before < 90 → c, d (70, 80); e, f.
        assert list(c.first_summary["name"]) == ["Key", "B", "Rest"]
        assert list(c.first_summary["customers"]) == [2, 2, 2]
        assert c.crosstab.to_numpy().tolist() == [[2, 0, 0], [1, 1, 0], [0, 1, 1]]

    def test_the_same_tiers_are_identical(self):
        c = _compare(CURRENT, "abc")  # the default settings are ABC 80/95
        assert c.identical
        assert c.crosstab.to_numpy().tolist() == [[3, 0, 0], [0, 2, 0], [0, 0, 1]]

    def test_presets_ignore_the_current_bounds_but_keep_the_basis(self):
        current = Settings(basis="profit", scheme="ibm", cutoffs=(0.3, 0.6, 0.9), names=("X",) * 4)
        abc = scenario("abc", current)
        assert (abc.settings.scheme, abc.settings.cutoffs) == ("abc", (0.8, 0.95))
        assert abc.settings.basis == "profit"
        assert abc.names(EN) == ["A", "B", "C"]
        assert scenario(CURRENT, current).settings is current

    def test_unknown_scenario(self):
        with pytest.raises(ValueError, match=r"Unknown scenario 'xyz'; use one of abc, ibm"):
            scenario("xyz", Settings())

    def test_unknown_basis(self):
        with pytest.raises(ValueError, match=r"No column 'margin'"):
            compare_scenarios(
                _ranked(),
                scenario("abc", Settings()),
                scenario("ibm", Settings()),
                basis="margin",
                t=EN,
            )

    def test_crosstab_needs_the_same_customers(self):
        with pytest.raises(ValueError, match=r"same customers: 2 and 3 rows"):
            tier_crosstab(np.array([0, 1]), np.array([0, 1, 1]), ["A", "B"], ["X", "Y"])

    def test_offered_scenarios(self):
        assert SCENARIOS == ("abc", "ibm", "count", "computed", "current")
        assert DEFAULT_PAIR == ("abc", "ibm")
        assert set(PRESETS) <= set(SCHEMES)


class TestLabels:
    @pytest.mark.parametrize(
        "key,settings,expected",
        [
            ("abc", Settings(), "ABC 80/15/5"),
            ("ibm", Settings(), "IBM 50/25/20/5"),
            ("count", Settings(), "Customer count 20/30/50"),
            ("computed", Settings(), "Computed ABC"),
            (CURRENT, Settings(cutoffs=(0.825, 0.95)), "Current settings: ABC 82.5/12.5/5"),
            (
                CURRENT,
                Settings(scheme="cumulative", cutoffs=(0.7, 0.9, 1.0)),
                "Current settings: Cumulative 70/20/10/0",
            ),
            (
                CURRENT,
                Settings().with_scheme("absolute", (1_000_000.0, 250_000.5)),
                "Current settings: Thresholds 1,000,000 / 250,000",
            ),
            (CURRENT, Settings().with_scheme("computed"), "Current settings: Computed ABC"),
        ],
        ids=["abc", "ibm", "count", "computed", "current", "to-100", "absolute", "cur-computed"],
    )
    def test_english(self, key, settings, expected):
        assert scenario_label(scenario(key, settings), EN) == expected

    def test_chinese(self):
        assert scenario_label(scenario("ibm", Settings()), translator("zh-Hant")) == (
            "IBM 式 50/25/20/5"
        )
        assert scenario_label(scenario("count", Settings()), translator("zh-Hans")) == (
            "按客户数 20/30/50"
        )

    def test_every_scheme_has_a_label_in_every_language(self):
        for lang in LANGUAGES:
            missing = [s for s in SCHEMES if f"scenarios.standard.{s}" not in catalog(lang)]
            assert missing == [], lang

    @pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
    def test_every_message_is_translated(self, lang):
        # English alone has the singular forms (``_one``); Chinese needs none.
        ours = {k for k in catalog("en") if k.startswith("scenarios.")}
        missing = [k for k in ours if not k.endswith("_one") and k not in catalog(lang)]
        assert missing == []
        assert all(catalog(lang)[k] != catalog("en")[k] for k in ours if "title" in k)


# -- the bundled sample, against plain pandas ----------------------------------------------
@cache
def _sample_ranked() -> pd.DataFrame:
    return analyse(load_transactions(SAMPLE), Settings(), EN).ranked


@cache
def _sample_profit() -> dict[str, int]:
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
    cents = (df["gross_profit"].fillna(0) * 100).round().astype("int64")
    return {k: int(v) for k, v in cents.groupby(df["customer_id"]).sum().items()}


def _count_tiers(n: int, cutoffs_pct: list[int], values: list[int]) -> list[int]:
    """Tier per ranked customer by share of customers: the first tier whose cut-off is above
    the share of customers before it; negative values last."""
    out = []
    for i, value in enumerate(values):
        tier = next(
            (k for k, c in enumerate(cutoffs_pct) if Fraction(c, 100) * n > i), len(cutoffs_pct)
        )
        out.append(len(cutoffs_pct) if value < 0 else tier)
    return out


def _cumulative_tiers(values: list[int], cutoffs_pct: list[int]) -> list[int]:
    total, before, out = sum(v for v in values if v > 0), 0, []
    for value in values:
        tier = next(
            (k for k, c in enumerate(cutoffs_pct) if Fraction(c, 100) * total > before),
            len(cutoffs_pct),
        )
        out.append(len(cutoffs_pct) if value < 0 else tier)
        before += value
    return out


class TestSample:
    def test_abc_against_ibm(self):
        values = [v for v, _ in _sample_values()]
        c = _compare("abc", "ibm", ranked=_sample_ranked())
        abc, ibm = (
            _tier_counts(_sample_values(), [80, 95]),
            _tier_counts(_sample_values(), [50, 75, 95]),
        )
        assert list(c.first_summary["customers"]) == abc
        assert list(c.second_summary["customers"]) == ibm
        # Revenue per tier: the ranked customers' cents, summed tier by tier (minor = cents·100).
        edges = np.cumsum([0, *abc])
        revenue = [sum(values[lo:hi]) * 100 for lo, hi in pairwise(edges)]
        assert list(c.first_summary["revenue"]) == revenue
        positive = sum(v for v in values if v > 0)
        assert list(c.first_summary["revenue_share"]) == pytest.approx(
            [r / 100 / positive for r in revenue], abs=1e-12
        )
        # Gross profit per IBM tier, from the CSV's gross profit column.
        ids = [i for _, i in _sample_values()]
        profit = _sample_profit()
        edges = np.cumsum([0, *ibm])
        expected = [sum(profit[i] for i in ids[lo:hi]) * 100 for lo, hi in pairwise(edges)]
        assert list(c.second_summary["profit"]) == expected
        # Crosstab from per-customer tiers computed here.
        first, second = _cumulative_tiers(values, [80, 95]), _cumulative_tiers(values, [50, 75, 95])
        cross = pd.crosstab(pd.Series(first), pd.Series(second)).reindex(
            index=range(3), columns=range(4), fill_value=0
        )
        assert c.crosstab.to_numpy().tolist() == cross.to_numpy().tolist()

    def test_by_customer_count(self):
        values = [v for v, _ in _sample_values()]
        c = _compare("count", "abc", ranked=_sample_ranked())
        tiers = _count_tiers(len(values), [20, 50], values)
        assert list(c.first_summary["customers"]) == [tiers.count(k) for k in range(3)]
        assert c.first_summary["customers"].iloc[0] == -(-20 * len(values) // 100)
        top = sum(v for v, k in zip(values, tiers, strict=True) if k == 0)
        assert c.first_summary["revenue"].iloc[0] == top * 100


# -- properties -----------------------------------------------------------------------------
@st.composite
def _customers(draw):
    amounts = draw(st.lists(st.integers(-500, 10_000), min_size=1, max_size=40))
    profits = draw(st.lists(st.integers(-300, 3_000), min_size=len(amounts), max_size=len(amounts)))
    frame = pd.DataFrame(
        {
            "customer_id": pd.array([f"c{i:03d}" for i in range(len(amounts))], dtype="str"),
            "label": pd.array([f"c{i:03d}" for i in range(len(amounts))], dtype="str"),
            "revenue": np.array(amounts, dtype=np.int64) * 100,
            "profit": np.array(profits, dtype=np.int64) * 100,
        }
    )
    return rank_customers(frame)


_CURRENT = st.sampled_from(
    [
        Settings(),
        Settings(scheme="cumulative", cutoffs=(0.3, 0.6, 0.9, 1.0)),
        Settings(scheme="count", cutoffs=(0.1, 0.5)),
        Settings().with_scheme("absolute", (50.0, 10.0, 0.0)),
        Settings().with_scheme("computed"),
    ]
)


@given(
    ranked=_customers(),
    first=st.sampled_from(SCENARIOS),
    second=st.sampled_from(SCENARIOS),
    current=_CURRENT,
)
def test_every_customer_and_amount_is_counted_once(ranked, first, second, current):
    c = _compare(first, second, current, ranked)
    n = len(ranked)
    for summary in (c.first_summary, c.second_summary):
        assert summary["customers"].sum() == n
        assert summary["revenue"].sum() == ranked["revenue"].sum()
        assert summary["profit"].sum() == ranked["profit"].sum()
        assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert c.crosstab.sum(axis=1).tolist() == c.first_summary["customers"].tolist()
    assert c.crosstab.sum(axis=0).tolist() == c.second_summary["customers"].tolist()
    assert c.top_first_only == int(c.crosstab.iloc[0, 1:].sum())
    assert c.top_second_only == int(c.crosstab.iloc[1:, 0].sum())


@given(ranked=_customers())
def test_order_of_the_pair_only_transposes(ranked):
    ab, ba = _compare("abc", "ibm", ranked=ranked), _compare("ibm", "abc", ranked=ranked)
    pd.testing.assert_frame_equal(ab.crosstab.T, ba.crosstab)
    pd.testing.assert_frame_equal(ab.first_summary, ba.second_summary)


# -- tables for files -------------------------------------------------------------------------
class TestTables:
    def test_comparison_table(self):
        table = comparison_table(_compare("abc", "ibm"), t=EN, has_profit=True)
        assert list(table["Standard"]) == ["ABC 80/15/5"] * 3 + ["IBM 50/25/20/5"] * 4
        assert list(table["Tier"]) == ["A", "B", "C", "Diamond", "Gold", "Silver", "Other"]
        assert list(table["Customers"]) == [3, 2, 1, 1, 2, 2, 1]
        assert [str(v) for v in table["Revenue"]] == [
            "80.0000",
            "15.0000",
            "5.0000",
            "50.0000",
            "30.0000",
            "15.0000",
            "5.0000",
        ]
        assert "% of gross profit" in table.columns

    def test_comparison_table_without_profit(self):
        table = comparison_table(_compare("abc", "ibm"), t=EN, has_profit=False)
        assert "Gross profit" not in table.columns
        assert "% of gross profit" not in table.columns

    def test_customers_under_both(self):
        c = _compare("abc", "ibm", ranked=_sample_ranked())
        table = customers_both(_sample_ranked(), c, t=EN)
        first, second = (
            "Tier, first standard (ABC 80/15/5)",
            "Tier, second standard (IBM 50/25/20/5)",
        )
        assert list(table.columns[:4]) == ["Rank", first, second, "Customer id"]
        values = [v for v, _ in _sample_values()]
        names = ["Diamond", "Gold", "Silver", "Other"]
        assert list(table[second]) == [names[k] for k in _cumulative_tiers(values, [50, 75, 95])]
        assert list(table["Customer id"]) == [i for _, i in _sample_values()]
        moved = table[(table[first] == "A") & (table[second] == "Gold")]
        assert len(moved) == c.crosstab.loc["A", "Gold"]


# -- the figure ------------------------------------------------------------------------------
class TestFigure:
    def test_two_stacked_bars_of_revenue_shares(self):
        c = _compare("abc", "ibm")
        fig = scenario_figure(
            [c.first_summary, c.second_summary], ["ABC 80/15/5", "IBM 50/25/20/5"], t=EN
        )
        assert fig.layout.barmode == "relative"
        assert [tr.y[0] for tr in fig.data] == [0, 0, 0, 1, 1, 1, 1]
        assert [tr.x[0] for tr in fig.data] == [0.8, 0.15, 0.05, 0.5, 0.3, 0.15, 0.05]
        assert [tr.name for tr in fig.data] == ["A", "B", "C", "Diamond", "Gold", "Silver", "Other"]
        colors = [tier_color(i, 3) for i in range(3)] + [tier_color(i, 4) for i in range(4)]
        assert [tr.marker.color for tr in fig.data] == colors
        assert fig.data[3].text[0] == "Diamond<br>50%"
        assert list(fig.layout.yaxis.ticktext) == ["ABC 80/15/5", "IBM 50/25/20/5"]
        assert fig.layout.title.text == "Share of revenue by tier under each standard"
        assert fig.layout.xaxis.title.text == "Share of revenue"
        assert fig.data[0].legendgrouptitle.text == "ABC 80/15/5"
        assert list(fig.data[0].customdata[0][2:]) == ["3", "50.0%"]
        assert "of revenue" in fig.data[0].hovertemplate

    def test_names_are_escaped(self):
        current = Settings(names=("<b>Key</b>", "", ""))
        c = _compare(CURRENT, "ibm", current)
        fig = scenario_figure([c.first_summary, c.second_summary], ["<i>mine</i>", "IBM"], t=EN)
        assert fig.data[0].name == "&lt;b&gt;Key&lt;/b&gt;"
        assert fig.layout.yaxis.ticktext[0] == "&lt;i&gt;mine&lt;/i&gt;"

    def test_one_label_per_standard(self):
        c = _compare("abc", "ibm")
        with pytest.raises(ValueError, match="one label per standard: 2 and 1"):
            scenario_figure([c.first_summary, c.second_summary], ["ABC"], t=EN)
