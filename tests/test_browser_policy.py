"""The Tier policy page in real headless Chromium: a policy cell edited by keyboard is stored in
the settings and the address, and a reload of that address shows it.

Setup (server, browser, skip rules) as in :mod:`tests.test_browser`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser import ARTIFACTS, page, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

OWNER = "Jane Doe, VP = 陳"


def _cell(grid, column: int, row: int):
    """A grid cell as glide-data-grid mirrors it in its accessible table (the canvas shows it)."""
    return grid.locator(f'[data-testid="glide-cell-{column}-{row}"]')


def _edit_gold_owner(tab, grid) -> None:
    from playwright.sync_api import expect

    box = grid.bounding_box()
    tab.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # header row, then the first row
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowRight")
    tab.keyboard.press("Enter")
    cell_editor = tab.locator("textarea.gdg-input")  # glide-data-grid's overlay editor
    expect(cell_editor).to_be_focused()
    expect(cell_editor).to_have_value("Regional president")
    tab.keyboard.press("ControlOrMeta+a")
    tab.keyboard.type(OWNER)
    expect(cell_editor).to_have_value(OWNER)
    tab.keyboard.press("Enter")


def test_policy_cell_edited_by_keyboard(server, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{server}/policy?scheme=ibm")
    grid = page.locator('[class*="st-key-policy-table"] [data-testid="stDataFrame"]')
    expect(_cell(grid, 0, 1)).to_have_text("Gold")
    expect(_cell(grid, 1, 1)).to_have_text("Regional president")
    # Wait for the run to finish (the last element drawn), or the grid may be drawn again
    # under the cell editor.
    expect(page.get_by_text("Download the capacity table (CSV)")).to_be_visible()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)

    # Keyboard: select the Diamond tier cell, move to Gold's owner, open the cell editor
    # (Enter), replace its text and commit (Enter). About once in twenty runs (once in CI) the
    # grid dropped the commit: the editor closed and the cell kept its old text. So the edit may
    # be tried twice; either way it must reach the URL and survive a reload.
    for attempt in range(2):
        _edit_gold_owner(page, grid)
        try:
            expect(page).to_have_url(re.compile(r"[?&]policy="), timeout=10_000)
            break
        except AssertionError:
            if attempt:
                raise
            expect(_cell(grid, 1, 1)).to_have_text("Regional president")  # dropped, not half-done

    expect(page).to_have_url(re.compile(r"[?&]policy="))
    expect(page.get_by_text("Edited from the default policy")).to_be_visible()
    rows = json.loads(parse_qs(urlparse(page.url).query)["policy"][0])
    assert rows[1][0] == OWNER  # Gold's owner; nothing else differs from the default
    assert [r for i, r in enumerate(rows) if i != 1] == [["", "", "", ""]] * 3
    expect(_cell(grid, 1, 1)).to_have_text(OWNER)

    # A new session from the address shows the edited policy.
    page.goto(page.url)
    expect(_cell(grid, 1, 1)).to_have_text(OWNER)
    expect(_cell(grid, 1, 0)).to_have_text("Group vice-president")
    page.screenshot(path=str(ARTIFACTS / "policy-after-edit.png"), full_page=True)
