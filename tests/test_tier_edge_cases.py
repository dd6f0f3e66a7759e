"""Edge cases of the tier standards found in review: huge and negative thresholds, hostile
links and settings files, bounds kept across schemes and tier counts, and the computed-ABC
"apply" button on very large totals. Each test failed before its fix."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from kadash.errors import KadashError
from kadash.i18n import translator
from kadash.settings import Settings
from kadash.tiers import tier_customers
from tests.conftest import ROOT
from tests.test_pages import _app, _ok

TIERS = "pages/tiers.py"


# -- 1. absolute thresholds above ~9.2e14 overflow int64 --------------------------------------
class TestHugeThresholds:
    def test_tiering_does_not_overflow(self):
        # 1e15 currency units = 1e19 minor units > int64: OverflowError, not a tiering.
        values = np.array([10**10, 5], dtype=np.int64)
        try:
            tiers = tier_customers(values, rule="absolute", thresholds=(1e15, 1.0)).tiers
        except KadashError:
            return  # refusing it with a clear message is a fix too
        assert list(tiers) == [1, 1]  # nobody reaches 1e15

    def test_cli_says_one_line(self, tmp_path):
        csv = tmp_path / "one.csv"
        csv.write_text("customer_id,date,revenue\nA,2024-01-01,100\n")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kadash",
                "report",
                str(csv),
                "--scheme",
                "absolute",
                "--thresholds",
                "1e15,1",
                "--json",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert "Traceback" not in done.stderr, done.stderr[-300:]
        assert done.returncode in (0, 2)

    def test_a_link_does_not_break_the_page(self):
        at = _app(query={"scheme": "absolute", "thresholds": "1e15,1"}).switch_page(TIERS).run()
        assert not at.exception, [e.value for e in at.exception]


# -- 2. hostile links and settings files ------------------------------------------------------
class TestHostileSettings:
    def test_deeply_nested_policy_in_a_link_is_ignored(self):
        settings, ignored = Settings.from_query({"policy": "[" * 3000})  # RecursionError
        assert settings == Settings() and ignored == ["policy"]

    def test_deeply_nested_settings_file_is_a_kadash_error(self):
        text = '{"names":' + "[" * 3000 + "]" * 3000 + "}"
        with pytest.raises(KadashError):
            Settings.from_json(text)  # RecursionError today (pre-existing path)


# -- 3. a reachable settings state that the link does not reproduce ---------------------------
def test_thresholds_survive_the_link_after_leaving_absolute():
    # Absolute with the user's amounts, then ABC: the JSON file keeps the amounts, the URL drops
    # them; opening the link and going back to absolute gives suggested amounts instead.
    settings = Settings().with_scheme("absolute", (1_000_000.0, 100_000.0)).with_scheme("abc")
    assert Settings.from_json(settings.to_json()) == settings
    assert Settings.from_query(settings.to_query())[0] == settings


# -- 4. "Use these limits" -----------------------------------------------------------------
def test_applied_limits_are_valid_cutoffs_for_large_totals():
    # Two customers, 8.9 and 3.8 trillion (e.g. IDR): B is empty; the exact cut-offs are 0.7 and
    # 0.7000000000000000003, both 0.7 as floats -> the apply button raises KadashError.
    from ui.tier_controls import computed_suggestion

    values = np.array([88568061200167875, 37957740514357660], dtype=np.int64)
    found = computed_suggestion(translator("en"), Settings(), values)
    assert found is not None
    if found.cutoffs is not None:
        replace(Settings(), cutoffs=found.cutoffs).validate()


class TestTierControls:
    def test_apply_computed_keeps_the_users_tier_names(self):
        at = _ok(_app().switch_page(TIERS).run())
        for i, name in enumerate(["Key", "Core", "Tail"]):
            at.text_input(key=f"tiers.name.{i}").input(name)
        _ok(at.run())
        [button] = [b for b in at.button if b.label == "Use these limits"]
        button.click()
        _ok(at.run())
        assert at.session_state["kadash.settings"].names == ("Key", "Core", "Tail")

    def test_a_refused_threshold_does_not_stay_on_screen(self):
        at = _ok(
            _app(query={"scheme": "absolute", "thresholds": "1000000,100000"})
            .switch_page(TIERS)
            .run()
        )
        at.number_input(key="tiers.threshold.1").set_value(2_000_000.0)
        _ok(at.run())
        at.text_input(key="tiers.search").input("zzz")  # any other rerun: the error is gone
        _ok(at.run())
        shown = at.number_input(key="tiers.threshold.1").value
        in_force = at.session_state["kadash.settings"].thresholds[1]
        assert shown == in_force or at.error, (shown, in_force)

    def test_adding_a_tier_below_a_zero_threshold(self):
        # (1000, 0) -> 4 tiers gives (1000, 0, -1): below the input's min 0, so Streamlit shows
        # 0.0, and the next edit of any threshold is refused ("0.0 is followed by 0.0").
        at = _ok(
            _app(query={"scheme": "absolute", "thresholds": "1000,0"}).switch_page(TIERS).run()
        )
        at.number_input(key="tiers.count").set_value(4)
        _ok(at.run())
        settings = at.session_state["kadash.settings"]
        shown = [at.number_input(key=f"tiers.threshold.{i}").value for i in range(3)]
        assert list(settings.thresholds) == shown
        at.number_input(key="tiers.threshold.0").set_value(2000.0)
        _ok(at.run())
        assert at.session_state["kadash.settings"].thresholds[0] == 2000.0
        assert not at.error


def test_adding_a_tier_keeps_the_users_cutoffs():
    # with_tier_count promises to keep the bounds of the tiers that remain; with the last
    # cut-off at 99 % or 100 % (both reachable with the slider) every cut-off is replaced by an
    # even spread.
    settings = replace(Settings(scheme="cumulative"), cutoffs=(0.3, 0.99))
    assert settings.with_tier_count(4).cutoffs[:2] == (0.3, 0.99)
