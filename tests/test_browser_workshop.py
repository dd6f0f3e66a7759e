"""Languages and workshop mode in real headless Chromium: a Chinese link renders Chinese (with
a CJK font), the language switch is keyboard-operable and goes into the address, presenting
hides the data source and enlarges the key numbers.

Setup (server, browser, skip rules) as in :mod:`tests.test_browser`.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kadash.i18n import translator
from tests.conftest import ROOT
from tests.test_browser import ARTIFACTS, _card, page, server  # noqa: F401  (fixtures)
from tests.test_pages import _sample_values

pytestmark = pytest.mark.browser

SAMPLE_ZH = ROOT / "data" / "sample" / "transactions_zh.csv"


def _font_px(locator) -> float:
    return float(locator.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))


def test_a_chinese_link_presenting(server, page):  # noqa: F811
    from playwright.sync_api import expect

    t = translator("zh-Hant")
    page.goto(f"{server}/?lang=zh-Hant&present=1")
    expect(page.get_by_role("heading", name=t("overview.title"))).to_be_visible()
    customers = pd.read_csv(SAMPLE_ZH, dtype=str)["客戶編號"].nunique()
    card = _card(page, t("kpi.customers"))
    expect(card).to_have_text(f"{customers:,}")  # a Chinese session opens the Chinese sample
    # Set-up is hidden: no uploader, no settings file, no downloads.
    expect(page.locator(".st-key-source-upload")).to_be_hidden()
    expect(page.locator('[data-testid="stDownloadButton"]')).to_have_count(0)
    assert _font_px(card) >= 45  # numbers to read from the back of the room
    # The page's Chinese text is drawn with a CJK font, not as empty boxes: a CJK glyph is
    # about as wide as it is tall, a missing one (tofu) is narrow or absent.
    width = page.evaluate(
        """() => { const c = document.createElement('canvas').getContext('2d');
                   c.font = '32px "Noto Sans CJK TC", sans-serif';
                   return c.measureText('總覽').width; }"""
    )
    assert width > 50
    page.screenshot(path=str(ARTIFACTS / "overview-zh-Hant-present.png"), full_page=True)


def test_language_switch_by_keyboard(server, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{server}/tiers")
    expect(_card(page, "A")).to_be_visible()
    picker = page.locator(".st-key-workshop-language input")
    picker.click()
    page.keyboard.type("简体")
    page.keyboard.press("Enter")
    t = translator("zh-Hans")
    expect(page.get_by_role("heading", name=t("tiers.title"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"lang=zh-Hans"))
    # The data stays the English sample; the tier cards keep their numbers.
    counts = [347, 421, 732]
    assert counts == _sample_values_counts()
    expect(_card(page, "A")).to_have_text(f"{counts[0]:,}")
    page.screenshot(path=str(ARTIFACTS / "tiers-zh-Hans.png"), full_page=True)


def _sample_values_counts() -> list[int]:
    from tests.test_pages import _tier_counts

    return _tier_counts(_sample_values(), [80, 95])


def test_report_downloaded_from_the_app_opens_offline(server, page, tmp_path):  # noqa: F811
    """One click in the sidebar, in 简体中文 with customers anonymised: the file opens from disk
    with the network off, draws its charts, speaks Simplified Chinese and names no customer."""
    from playwright.sync_api import expect

    t = translator("zh-Hans")
    page.goto(f"{server}/?lang=zh-Hans&sample=en&anon=1")
    expect(page.get_by_role("heading", name=t("overview.title"))).to_be_visible()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)  # the run is done
    sidebar = page.locator('[data-testid="stSidebar"]')
    button = sidebar.get_by_role("button", name=t("report.download"))
    with page.expect_download() as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "kadash-report-zh-Hans.html"
    html = path.read_text(encoding="utf-8")
    names = set(pd.read_csv(ROOT / "data/sample/transactions.csv")["customer_name"])
    assert not [n for n in names if n in html]  # anonymised in the export too
    assert re.search(r"C-\d{4}", html)  # the at-risk table names accounts by code

    offline = page.context.browser.new_context(offline=True)
    remote: list[str] = []
    offline.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file://")
            else (remote.append(route.request.url), route.abort())
        ),
    )
    report = offline.new_page()
    errors: list[str] = []
    report.on("pageerror", lambda err: errors.append(str(err)))
    report.goto(path.as_uri())
    expect(report.locator("h1")).to_have_text(t("report.title"))
    charts = report.locator(".js-plotly-plot")
    expect(charts.first.locator(".main-svg").first).to_be_visible()
    assert charts.count() >= 3
    for i in range(charts.count()):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
    report.screenshot(path=str(ARTIFACTS / "report-zh-Hans-anonymised.png"), full_page=True)
    offline.close()
    assert remote == [] and errors == []
