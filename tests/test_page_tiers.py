"""The Tiers page's standards beyond the presets: absolute thresholds, computed ABC and its
"apply" button, the number of tiers, tier names, boundary sensitivity and tiers within groups.

Expectations are computed here from the sample CSV with plain pandas and Python numbers.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from tests.conftest import SAMPLE
from tests.test_pages import _app, _ok, _sample_values, _tier_cards, _tier_counts

TIERS = "pages/tiers.py"


def _tiers_page(query: dict | None = None):
    return _ok(_app(query=query).switch_page(TIERS).run())


def _settings(at):
    return at.session_state["kadash.settings"]


def _reference_abc(values: list[int]) -> tuple[int, int]:
    """Computed ABC (Ultsch & Lötsch 2015) the plain way: (A count, A+B count), exact."""
    kept = [v for v in values if v >= 0]
    n, total = len(kept), sum(kept)
    cum = [0]
    for v in kept:
        cum.append(cum[-1] + v)

    def nearest(xs: range, x0: Fraction) -> int:
        return min(
            xs, key=lambda i: ((Fraction(i, n) - x0) ** 2 + (1 - Fraction(cum[i], total)) ** 2, i)
        )

    pareto = nearest(range(1, n + 1), Fraction(0))
    break_even = sum(1 for v in kept if v * n >= total)
    low, high = sorted((pareto, break_even))
    return low, nearest(range(high, n + 1), Fraction(high, n))


class TestAbsolute:
    def test_switching_starts_from_about_todays_tiers_and_counts_by_amount(self):
        at = _tiers_page()
        at.selectbox(key="tiers.scheme").set_value("absolute")
        _ok(at.run())
        thresholds = _settings(at).thresholds
        cents = [v for v, _ in _sample_values()]
        # Each suggested threshold is at or below the smallest value of the tier above it.
        abc = _tier_counts(_sample_values(), [80, 95])
        assert thresholds[0] * 100 <= cents[abc[0] - 1]
        expected = [
            sum(1 for v in cents if v >= thresholds[0] * 100),
            sum(1 for v in cents if thresholds[0] * 100 > v >= thresholds[1] * 100),
        ]
        expected.append(len(cents) - sum(expected))
        assert _tier_cards(at, ["Tier 1", "Tier 2", "Tier 3"]) == expected
        assert at.query_params["scheme"] == "absolute"

    def test_typing_a_threshold(self):
        at = _tiers_page({"scheme": "absolute", "thresholds": "1000000,100000"})
        at.number_input(key="tiers.threshold.0").set_value(500_000.0)
        _ok(at.run())
        cents = [v for v, _ in _sample_values()]
        top = sum(1 for v in cents if v >= 50_000_000)
        middle = sum(1 for v in cents if 50_000_000 > v >= 10_000_000)
        assert _tier_cards(at, ["Tier 1", "Tier 2", "Tier 3"]) == [
            top,
            middle,
            len(cents) - top - middle,
        ]
        assert at.query_params["thresholds"] == "500000.0,100000.0"

    def test_thresholds_out_of_order_are_explained(self):
        at = _tiers_page({"scheme": "absolute", "thresholds": "1000000,100000"})
        at.number_input(key="tiers.threshold.1").set_value(2_000_000.0)
        _ok(at.run())
        assert any("Thresholds must decrease" in e.value for e in at.error)
        assert _settings(at).thresholds == (1_000_000.0, 100_000.0)


class TestComputed:
    def test_computed_scheme_counts(self):
        at = _tiers_page({"scheme": "computed"})
        a, ab = _reference_abc([v for v, _ in _sample_values()])
        n = len(_sample_values())
        assert _tier_cards(at, ["A", "B", "C"]) == [a, ab - a, n - ab]
        assert at.number_input(key="tiers.count").disabled
        negative = sum(1 for v, _ in _sample_values() if v < 0)
        assert negative > 0
        note = f"{negative} customers with a negative value are left out of the curve"
        assert any(note in c.value for c in at.caption)
        assert not [b for b in at.button if b.label == "Use these limits"]  # in force

    def test_suggestion_is_applied_with_one_click(self):
        at = _tiers_page()
        a, ab = _reference_abc([v for v, _ in _sample_values()])
        assert any(f"{a:,} customers" in c.value for c in at.caption)
        next(b for b in at.button if b.label == "Use these limits").click()
        _ok(at.run())
        assert _settings(at).scheme == "abc"
        assert _tier_cards(at, ["A", "B", "C"]) == [a, ab - a, len(_sample_values()) - ab]
        assert not [b for b in at.button if b.label == "Use these limits"]  # already in force


class TestCountAndNames:
    def test_a_fourth_tier(self):
        at = _tiers_page()
        at.number_input(key="tiers.count").set_value(4)
        _ok(at.run())
        names = ["Tier 1", "Tier 2", "Tier 3", "Tier 4"]
        assert _tier_cards(at, names) == _tier_counts(_sample_values(), [80, 95, 97])
        assert at.query_params["cutoffs"] == "0.8,0.95,0.97"

    def test_renaming_a_tier(self):
        at = _tiers_page({"scheme": "ibm"})
        at.text_input(key="tiers.name.0").set_value("Strategic")
        _ok(at.run())
        counts = _tier_counts(_sample_values(), [50, 75, 95])
        assert _tier_cards(at, ["Strategic", "Gold", "Silver", "Other"]) == counts
        assert at.query_params["names"] == ["Strategic", "", "", ""]


class TestSensitivity:
    def test_moves_of_five_points(self):
        at = _tiers_page()
        table = next(d.value for d in at.dataframe if "Boundary" in d.value.columns)
        values = _sample_values()
        a = {pct: _tier_counts(values, [pct, 99])[0] for pct in (75, 80, 85)}
        ab = {pct: sum(_tier_counts(values, [50, pct])[:2]) for pct in (90, 95, 100)}
        drop = "Fall a tier"
        rise = "Rise a tier"
        assert list(table[drop]) == [a[80] - a[75], ab[95] - ab[90]]
        assert list(table[rise]) == [a[85] - a[80], ab[100] - ab[95]]
        assert list(table["Bound moved to (shrink · grow)"]) == ["75.0% · 85.0%", "90.0% · 100.0%"]


class TestWithinGroups:
    def test_differences_by_region(self):
        at = _tiers_page()
        df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
        region = df.groupby("customer_id")["region"].first()
        glob = _tier_of(_sample_values(), [80, 95])
        differ = 0
        for name in region.unique():
            members = {i for i, r in region.items() if r == name}
            inside = _tier_of([(v, i) for v, i in _sample_values() if i in members], [80, 95])
            differ += sum(1 for i in members if inside[i] != glob[i])
        caption = next(c.value for c in at.caption if "when tiered within their Region" in c.value)
        assert caption.startswith(f"{differ:,} of {len(region):,} customers")


def _tier_of(values: list[tuple[int, str]], cutoffs_pct: list[int]) -> dict[str, int]:
    total = sum(v for v, _ in values if v > 0)
    out, before = {}, 0
    for value, customer in values:
        tier = len(cutoffs_pct)
        if value >= 0:
            tier = next(
                (k for k, c in enumerate(cutoffs_pct) if Fraction(c, 100) * total > before),
                len(cutoffs_pct),
            )
        out[customer] = tier
        before += value
    return out


def test_computed_limits_with_an_empty_b_make_one_mark():
    from kadash.i18n import translator
    from kadash.settings import Settings
    from ui.tier_controls import computed_suggestion

    # 800, 150, 50: both limits fall after the first customer (see tests/test_cli.py).
    found = computed_suggestion(translator("en"), Settings(), np.array([800, 150, 50]))
    assert [m[2] for m in found.marks] == ["A|B = B|C: 1 customer, 80.0% (B is empty)"]
