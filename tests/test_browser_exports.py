"""Downloads and settings files in real headless Chromium: the Excel workbook, a CSV through
the safe writer, and the settings JSON saved and loaded again (see tests/test_browser.py for
how the server and browser are started)."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_browser import ARTIFACTS, _card, page, server  # noqa: F401  (fixtures)
from tests.test_pages import _sample_values, _tier_counts

pytestmark = pytest.mark.browser
IBM = ["Diamond", "Gold", "Silver", "Other"]


def test_workbook_download_holds_the_tiers_on_screen(server, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    openpyxl = pytest.importorskip("openpyxl")
    page.goto(f"{server}/tiers?scheme=ibm")
    expected = _tier_counts(_sample_values(), [50, 75, 95])
    expect(_card(page, "Diamond")).to_have_text(f"{expected[0]:,}")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the workbook (Excel)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "kadash-key-accounts.xlsx"
    book = openpyxl.load_workbook(path)
    tiers = book["Tiers"]
    header = [c.value for c in tiers[1]]
    rows = list(tiers.iter_rows(min_row=2, values_only=True))
    assert [r[header.index("Tier")] for r in rows] == IBM
    assert [r[header.index("Customers")] for r in rows] == expected
    customers = book["Customers"]
    assert customers.max_row == 1 + len(_sample_values())
    policy = [r[1:3] for r in book["Policy"].iter_rows(min_row=2, values_only=True)]
    assert policy[0] == ("Diamond", "Group vice-president")


def test_breakdown_csv_goes_through_the_safe_writer(server, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{server}/tiers")
    expect(_card(page, "A")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download tier breakdown (CSV)").click()
    info.value.save_as(tmp_path / "tiers.csv")
    data = (tmp_path / "tiers.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tier id,Tier,")
    counts = [int(line.split(",")[3]) for line in lines[1:]]
    assert counts == _tier_counts(_sample_values(), [80, 95])


def test_settings_file_round_trip(server, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{server}/tiers?scheme=absolute&thresholds=1000000,100000")
    cents = [v for v, _ in _sample_values()]
    top = sum(1 for v in cents if v >= 100_000_000)
    expect(_card(page, "Tier 1")).to_have_text(f"{top:,}")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Save or load settings").click()
    with page.expect_download() as info:
        sidebar.get_by_role("button", name="Download settings (JSON)").click()
    saved = tmp_path / "settings.json"
    info.value.save_as(saved)
    settings = json.loads(saved.read_text(encoding="utf-8"))
    assert (settings["scheme"], settings["thresholds"]) == ("absolute", [1000000.0, 100000.0])

    # Load the same file into a fresh session on the default view: the tiers come back.
    page.goto(f"{server}/tiers")
    expect(_card(page, "A")).to_be_visible()
    sidebar.get_by_text("Save or load settings").click()
    sidebar.locator("input[type=file]").last.set_input_files(str(saved))
    expect(_card(page, "Tier 1")).to_have_text(f"{top:,}")
    page.screenshot(path=str(ARTIFACTS / "tiers-from-settings-file.png"), full_page=True)


def test_settings_download_follows_a_slider_moved_since(server, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    # The slider reruns only its fragment, not the sidebar that holds the download button.
    page.goto(f"{server}/tiers")
    slider = page.locator(".st-key-tiers-cutoff-0 input[type=range]")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_value("75")
    expect(page).to_have_url(re.compile(r"cutoffs=0\.75"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Save or load settings").click()
    with page.expect_download() as info:
        sidebar.get_by_role("button", name="Download settings (JSON)").click()
    info.value.save_as(tmp_path / "settings.json")
    assert json.loads((tmp_path / "settings.json").read_text())["cutoffs"] == [0.75, 0.95]
