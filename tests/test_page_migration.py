"""The Tier migration and At-risk key accounts pages in AppTest.

Migration counts are computed here independently of :mod:`kadash`, with plain pandas and
Python integers on the sample CSV (last date 2025-12-31, so the default comparison is 2024
against 2025); the at-risk counts are checked against :func:`kadash.periods.at_risk` on the
same lines.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from functools import cache

import pandas as pd
import pytest

from kadash.figures import migration_sankey
from kadash.i18n import translator
from kadash.ingest import load_transactions
from kadash.periods import at_risk, custom, migration
from kadash.settings import Settings
from tests.conftest import SAMPLE
from tests.test_pages import _app, _metric, _ok

MIGRATION, AT_RISK = "pages/migration.py", "pages/at_risk.py"
PREVIOUS = custom(date(2024, 1, 1), date(2024, 12, 31))
CURRENT = custom(date(2025, 1, 1), date(2025, 12, 31))


# -- independent expectations -------------------------------------------------------------
def _tiers_in(df: pd.DataFrame, cutoffs_pct: list[int]) -> dict[str, int]:
    """Tier per customer: first tier whose cut-off > the cumulative share before it."""
    cents = (df["revenue"] * 100).round().astype("int64").groupby(df["customer_id"]).sum()
    ranked = sorted(((int(v), i) for i, v in cents.items()), key=lambda x: (-x[0], x[1]))
    total, before, out = sum(v for v, _ in ranked if v > 0), 0, {}
    for value, customer in ranked:
        tier = len(cutoffs_pct)
        if value >= 0:
            tier = next(
                (k for k, c in enumerate(cutoffs_pct) if Fraction(c, 100) * total > before),
                len(cutoffs_pct),
            )
        out[customer] = tier
        before += value
    return out


@cache
def _expected_moves() -> dict[str, int]:
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["order_date"])
    year = df["order_date"].dt.year
    first = _tiers_in(df[year == 2024], [80, 95])
    second = _tiers_in(df[year == 2025], [80, 95])
    out = dict.fromkeys(["upgraded", "downgraded", "new", "lost"], 0)
    for customer in first.keys() | second.keys():
        a, b = first.get(customer), second.get(customer)
        kind = (
            "new" if a is None else "lost" if b is None
            else "upgraded" if b < a else "downgraded" if b > a else None
        )  # fmt: skip
        if kind:
            out[kind] += 1
    return out


@cache
def _library_at_risk(drop: float) -> int:
    lines = load_transactions(SAMPLE).parsed.transactions
    return len(at_risk(lines, PREVIOUS, CURRENT, Settings(), drop=drop))


def _headline_count(at) -> int:
    shown = [e.value for e in at.error] + [s.value for s in at.success]
    assert len(shown) == 1, shown
    match = re.match(r"\*\*(\d[\d,]*|1) key accounts? at risk\*\*", shown[0])
    assert match, shown[0]
    return int(match.group(1).replace(",", ""))


def _page(page: str):
    at = _ok(_app())
    return _ok(at.switch_page(page).run())


# -- Tier migration -----------------------------------------------------------------------
class TestMigrationPage:
    def test_default_counts_match_plain_pandas(self):
        at = _page(MIGRATION)
        for kind, n in _expected_moves().items():
            assert _metric(at, kind.capitalize()) == f"{n:,}", kind
        assert "2024-01-01 to 2024-12-31" in at.markdown[0].value
        assert "2025-01-01 to 2025-12-31" in at.markdown[0].value
        assert len(at.get("plotly_chart")) == 1

    def test_lists_hold_the_counted_customers(self):
        at = _page(MIGRATION)
        sizes = [len(d.value) for d in at.dataframe][1:]  # the matrix first, then the lists
        expected = _expected_moves()
        assert sizes == [expected[k] for k in ("upgraded", "downgraded", "new", "lost")]
        matrix = at.dataframe[0].value
        assert int(matrix.iloc[:, :-1].to_numpy().sum()) == sum(expected.values()) + int(
            sum(matrix.to_numpy().diagonal()[:3])
        )

    def test_calendar_years_default_to_the_last_two(self):
        at = _page(MIGRATION)
        at.selectbox(key="migration.preset").set_value("calendar").run()
        _ok(at)
        for kind, n in _expected_moves().items():
            assert _metric(at, kind.capitalize()) == f"{n:,}", kind

    def test_revenue_switch_shows_money(self):
        at = _page(MIGRATION)
        at.button_group(key="migration.measure").set_value("revenue").run()
        _ok(at)
        matrix = at.dataframe[0].value
        df = pd.read_csv(SAMPLE, parse_dates=["order_date"])
        revenue_2025 = df.loc[df["order_date"].dt.year == 2025, "revenue"].sum()
        # Every cell but the "lost" column holds the later period's revenue.
        assert matrix.iloc[:, :-2].to_numpy().sum() == pytest.approx(revenue_2025, rel=1e-9)


# -- At-risk key accounts ------------------------------------------------------------------
class TestAtRiskPage:
    def test_default_count_matches_the_library(self):
        at = _page(AT_RISK)
        expected = _library_at_risk(0.3)
        assert _headline_count(at) == expected
        if expected:
            assert len(at.dataframe[0].value) == expected

    @pytest.mark.parametrize("percent", [50, 90], ids=["half", "ninety"])
    def test_drop_slider_changes_the_count_as_the_library_says(self, percent):
        at = _page(AT_RISK)
        at.slider(key="at_risk.drop").set_value(percent).run()
        _ok(at)
        assert _headline_count(at) == _library_at_risk(percent / 100)


@pytest.mark.parametrize("preset", ["fiscal", "quarters", "custom"])
def test_other_presets_run(preset):
    at = _page(MIGRATION)
    at.selectbox(key="migration.preset").set_value(preset).run()
    _ok(at)
    assert len(at.metric) == 4
    if preset == "custom":  # defaults to the last 12 months and the 12 before
        for kind, n in _expected_moves().items():
            assert _metric(at, kind.capitalize()) == f"{n:,}", kind


# -- the Sankey figure --------------------------------------------------------------------
class TestMigrationSankey:
    def test_links_carry_the_matrix(self):
        first = pd.DataFrame(
            {"customer_id": ["a", "b", "c"], "label": ["a", "b", "c"],
             "revenue": [50, 30, 20], "tier": [0, 1, 1]}
        )  # fmt: skip
        second = pd.DataFrame(
            {"customer_id": ["b", "c", "d"], "label": ["b", "c", "d"],
             "revenue": [60, 10, 5], "tier": [0, 1, 1]}
        )  # fmt: skip
        m = migration(first, second, 2)
        fig = migration_sankey(m, ["Key", "Rest"], t=translator("en"), first_label="2024")
        trace = fig.data[0]
        links = sorted(zip(trace.link.source, trace.link.target, trace.link.value, strict=True))
        # Nodes 0-2: Key, Rest, New; 3-5: Key, Rest, Lost.
        assert links == [(0, 5, 1), (1, 3, 1), (1, 4, 1), (2, 4, 1)]
        assert list(trace.node.label) == [
            "Key · 1", "Rest · 2", "New · 1", "Key · 1", "Rest · 2", "Lost · 1"
        ]  # fmt: skip

    def test_names_must_match_the_tiers(self):
        empty = pd.DataFrame(columns=["customer_id", "label", "revenue", "tier"])
        m = migration(empty, empty, 3)
        with pytest.raises(ValueError, match="one name per tier"):
            migration_sankey(m, ["A", "B"], t=translator("en"))


def test_fiscal_start_month_is_a_setting():
    from tests.test_pages import _app, _ok

    at = _ok(_app(query={"fiscal_start": "7"}).switch_page("pages/migration.py").run())
    preset = next(s for s in at.selectbox if s.key and s.key.endswith(".preset"))
    preset.set_value("fiscal")
    _ok(at.run())
    month = next(s for s in at.selectbox if s.key and s.key.endswith(".fiscal_start"))
    assert month.value == 7
    month.set_value(4)
    _ok(at.run())
    assert at.session_state["kadash.settings"].fiscal_start == 4
    assert at.query_params["fiscal_start"] == "4"


def test_a_period_the_data_covers_in_part_is_said():
    from tests.test_pages import _app, _ok

    # Quarters: the sample starts on 2023-01-02, so 2023 Q1 is covered in part.
    at = _ok(_app().switch_page("pages/migration.py").run())
    assert not [i for i in at.info if "covers only part of" in i.value]
    preset = next(s for s in at.selectbox if s.key and s.key.endswith(".preset"))
    preset.set_value("calendar")
    _ok(at.run())
    first = next(s for s in at.selectbox if s.key and ".first." in s.key)
    first.set_value(first.options[0])
    _ok(at.run())
    assert [i for i in at.info if "covers only part of 2023" in i.value]
