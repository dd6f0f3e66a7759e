"""The Tiers page's "Compare standards" tab in AppTest: two standards side by side, the
crosstab of their tiers, the sentence, and no text that bypasses the translator.

Expectations are computed here from the sample CSV with plain pandas and Python numbers.
"""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import pandas as pd
import pytest

from kadash.i18n import PSEUDO_OPEN
from tests.conftest import SAMPLE
from tests.test_pages import _app, _ok, _plain, _sample_values, _untranslated

TIERS = "pages/tiers.py"
COLUMNS = [
    "Tier",
    "Customers",
    "% of customers",
    "Revenue",
    "% of revenue",
    "Gross profit",
    "% of gross profit",
]


def _tiers_page(query: dict | None = None, lang: str | None = None):
    return _ok(_app(lang=lang, query=query).switch_page(TIERS).run())


def _tiers(rule: str, cutoffs_pct: list[int]) -> list[int]:
    """Tier per ranked sample customer: the first tier whose cut-off is above the share before
    it (of revenue, or of customers under ``count``); negative values in the last tier."""
    values = [v for v, _ in _sample_values()]
    total, n, before, out = sum(v for v in values if v > 0), len(values), 0, []
    for i, value in enumerate(values):
        done, base = (i, n) if rule == "count" else (before, total)
        tier = next(
            (k for k, c in enumerate(cutoffs_pct) if Fraction(c, 100) * base > done),
            len(cutoffs_pct),
        )
        out.append(len(cutoffs_pct) if value < 0 else tier)
        before += value
    return out


def _expected(rule: str, cutoffs_pct: list[int]) -> pd.DataFrame:
    """Customers, revenue (currency units) and shares per tier, computed from the CSV."""
    values = [v for v, _ in _sample_values()]
    tiers = _tiers(rule, cutoffs_pct)
    positive, n = sum(v for v in values if v > 0), len(values)
    rows = []
    for k in range(len(cutoffs_pct) + 1):
        cents = sum(v for v, t in zip(values, tiers, strict=True) if t == k)
        members = tiers.count(k)
        rows.append((members, members / n * 100, cents / 100, cents / positive * 100))
    return pd.DataFrame(rows, columns=COLUMNS[1:5])


def _compact_tables(at) -> list[pd.DataFrame]:
    """The two tables of the tab, first standard first (the only tables with these columns)."""
    found = [d.value for d in at.dataframe if list(d.value.columns) == COLUMNS]
    assert len(found) == 2, [list(d.value.columns) for d in at.dataframe]
    return found


def _check(table: pd.DataFrame, names: list[str], rule: str, cutoffs_pct: list[int]) -> None:
    assert list(table["Tier"]) == names
    expected = _expected(rule, cutoffs_pct)
    assert list(table["Customers"]) == list(expected["Customers"])
    for column in ("% of customers", "Revenue", "% of revenue"):
        assert list(table[column]) == [pytest.approx(v, abs=1e-9) for v in expected[column]], column


def _crosstab(at) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if "Total" in d.value.columns]
    assert len(found) == 1
    return found[0]


def _sentence(at) -> str:
    found = [_plain(m.value) for m in at.markdown if m.value.startswith("Under ")]
    assert len(found) == 1, [m.value for m in at.markdown]
    return found[0]


def _pct(x: float) -> str:
    return f"{x:,.1f}%"


class TestCompareStandards:
    def test_abc_against_ibm_by_default(self):
        at = _tiers_page()
        assert "Compare standards" in [tab.label for tab in at.tabs]
        assert at.selectbox(key="tiers.scenario_a").value == "abc"
        assert at.selectbox(key="tiers.scenario_b").value == "ibm"
        first, second = _compact_tables(at)
        _check(first, ["A", "B", "C"], "cumulative", [80, 95])
        _check(second, ["Diamond", "Gold", "Silver", "Other"], "cumulative", [50, 75, 95])
        # Customers by tier under both, with totals.
        abc, ibm = _tiers("cumulative", [80, 95]), _tiers("cumulative", [50, 75, 95])
        cross = _crosstab(at)
        assert list(cross.columns) == ["Diamond", "Gold", "Silver", "Other", "Total"]
        assert list(cross.index) == ["A", "B", "C", "Total"]
        for i, row in enumerate(["A", "B", "C"]):
            for j, col in enumerate(["Diamond", "Gold", "Silver", "Other"]):
                pairs = sum(1 for a, b in zip(abc, ibm, strict=True) if (a, b) == (i, j))
                assert cross.loc[row, col] == pairs, (row, col)
        assert cross.loc["Total", "Total"] == len(abc)
        assert list(cross["Total"][:3]) == [abc.count(k) for k in range(3)]
        # The sentence, with the numbers computed here.
        a, d = (
            _expected("cumulative", [80, 95]).iloc[0],
            _expected("cumulative", [50, 75, 95]).iloc[0],
        )
        top_only = sum(1 for x, y in zip(abc, ibm, strict=True) if x == 0 and y != 0)
        assert _sentence(at) == (
            f"Under ABC 80/15/5, A holds {int(a['Customers']):,} customers "
            f"({_pct(a['% of customers'])}) and {_pct(a['% of revenue'])} of revenue; "
            f"under IBM 50/25/20/5, Diamond holds {int(d['Customers']):,} "
            f"({_pct(d['% of customers'])}) and {_pct(d['% of revenue'])}. "
            f"In the top tier under one standard only: {top_only:,} customers under ABC 80/15/5, "
            "0 under IBM 50/25/20/5."
        )
        labels = [b.label for b in at.get("download_button")]
        assert "Download the comparison (CSV)" in labels

    def test_picking_by_customer_count_changes_the_numbers(self):
        at = _tiers_page()
        at.selectbox(key="tiers.scenario_b").set_value("count")
        _ok(at.run())
        first, second = _compact_tables(at)
        _check(first, ["A", "B", "C"], "cumulative", [80, 95])
        _check(second, ["Top", "Middle", "Rest"], "count", [20, 50])
        n = len(_sample_values())
        assert second["Customers"].iloc[0] == -(-20 * n // 100)  # the top 20% of customers
        top = _expected("count", [20, 50]).iloc[0]
        assert (
            f"under Customer count 20/30/50, Top holds {int(top['Customers']):,} "
            f"({_pct(top['% of customers'])}) and {_pct(top['% of revenue'])}."
        ) in _sentence(at)
        cross = _crosstab(at)
        assert list(cross.columns) == ["Top", "Middle", "Rest", "Total"]
        assert list(cross.loc["Total"][:3]) == list(second["Customers"])

    def test_current_settings_follow_the_sliders(self):
        at = _tiers_page()
        at.slider(key="tiers.cutoff.0").set_value(70)
        _ok(at.run())
        at.selectbox(key="tiers.scenario_a").set_value("current")
        _ok(at.run())
        first, _ = _compact_tables(at)
        _check(first, ["A", "B", "C"], "cumulative", [70, 95])
        assert _sentence(at).startswith("Under Current settings: ABC 70/25/5, A holds ")

    def test_no_hard_coded_text_in_the_tab(self):
        at = _tiers_page(lang="pseudo")
        at.selectbox(key="tiers.scenario_b").set_value("count")
        _ok(at.run())
        tab = next(tab for tab in at.tabs if "Compare standards" in tab.label)
        assert tab.label.startswith(PSEUDO_OPEN)
        assert len(tab.get("dataframe")) == 3  # the two standards and the crosstab
        data_words = set(pd.read_csv(SAMPLE, nrows=0).columns)
        assert _untranslated(SimpleNamespace(_tree=tab), data_words) == []


SMALL = b"""\
Customer ID,Order Date,Net Sales
a,2024-01-05,50
b,2024-01-06,20
c,2024-01-07,10
d,2024-01-08,10
e,2024-01-09,5
f,2024-01-10,5
"""


def test_a_file_without_gross_profit():
    at = _app()
    at.file_uploader(key="source.upload").upload("erp.csv", SMALL, "text/csv")
    _ok(at.run())
    _ok(at.switch_page(TIERS).run())
    shown = COLUMNS[:5]
    first, second = (d.value for d in at.dataframe if list(d.value.columns) == shown)
    # P = 100; cumulative before each customer 0, 50, 70, 80, 90, 95.
    assert list(first["Customers"]) == [3, 2, 1]
    assert list(first["Revenue"]) == [80.0, 15.0, 5.0]
    assert list(second["Customers"]) == [1, 2, 2, 1]
    assert list(second["% of revenue"]) == [50.0, 30.0, 15.0, 5.0]
    cross = _crosstab(at)
    assert cross.to_numpy().tolist() == [
        [1, 2, 0, 0, 3],
        [0, 0, 2, 0, 2],
        [0, 0, 0, 1, 1],
        [1, 2, 2, 1, 6],
    ]
    assert "2 customers under ABC 80/15/5, 0 under IBM 50/25/20/5." in _sentence(at)


def test_the_picks_survive_a_visit_to_another_page():
    at = _ok(_app().switch_page(TIERS).run())
    at.selectbox(key="tiers.scenario_b").set_value("count")
    _ok(at.run())
    _ok(at.switch_page("pages/overview.py").run())
    _ok(at.switch_page(TIERS).run())
    assert at.selectbox(key="tiers.scenario_b").value == "count"
