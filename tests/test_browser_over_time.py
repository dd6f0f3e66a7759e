"""The over-time pages in real headless Chromium: migration counts on the sample, and the
at-risk headline moving with its slider (see tests/test_browser.py for the server and browser)."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import ARTIFACTS, _card, page, server  # noqa: F401  (fixtures)
from tests.test_page_migration import _expected_moves, _library_at_risk

pytestmark = pytest.mark.browser


def test_migration_counts_and_at_risk_slider(server, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{server}/migration")
    moves = _expected_moves()
    for label, kind in (("Upgraded", "upgraded"), ("Downgraded", "downgraded")):
        expect(_card(page, label)).to_have_text(f"{moves[kind]:,}")
    expect(_card(page, "New")).to_have_text(f"{moves['new']:,}")
    expect(_card(page, "Lost")).to_have_text(f"{moves['lost']:,}")
    page.screenshot(path=str(ARTIFACTS / "migration.png"), full_page=True)

    page.goto(f"{server}/at-risk")
    headline = page.get_by_text(re.compile(r"key accounts? at risk"))
    expect(headline).to_contain_text(f"{_library_at_risk(0.30):,} key account")
    slider = page.locator("[data-testid=stSlider] input[type=range]").first
    slider.focus()
    for _ in range(4):  # steps of 5: 30 % → 50 %
        page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("50")
    expect(headline).to_contain_text(f"{_library_at_risk(0.50):,} key account")
