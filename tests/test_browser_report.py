"""The executive report opened from disk in real headless Chromium with the network off: every
chart draws, nothing is fetched, no JavaScript error (see tests/test_browser.py for the browser;
no app server is needed: the report is a file)."""

from __future__ import annotations

import pytest

from kadash.html_report import executive_report
from kadash.i18n import translator
from kadash.ingest import load_transactions
from kadash.settings import Settings
from tests.conftest import SAMPLE
from tests.test_browser import ARTIFACTS, CHROMIUM, FLAGS, TIMEOUT_MS, _require_browser

pytestmark = pytest.mark.browser
#: Pareto, tier shares, tiers × clusters, the migration Sankey.
CHARTS = 4


def test_chinese_report_draws_offline(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _require_browser()
    t = translator("zh-Hant")
    document = executive_report(
        load_transactions(SAMPLE),
        Settings(),
        t,
        generated="2026-01-05T10:00:00+08:00",
        source_name=SAMPLE.name,
    )
    path = tmp_path / "kadash-report-zh-Hant.html"
    path.write_text(document, encoding="utf-8")

    expect.set_options(timeout=TIMEOUT_MS)
    aborted, requested, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, offline=True)

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                aborted.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("request", lambda request: requested.append(request.url))
        try:
            page.goto(path.as_uri())
            expect(page.locator("h1")).to_have_text(t("report.title"))
            expect(page.locator("h1")).to_have_text("重點客戶經營報告")
            charts = page.locator(".js-plotly-plot")
            expect(charts).to_have_count(CHARTS)
            for i in range(CHARTS):
                expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
            # The Sankey's nodes and the tier bars are drawn, not just their frames.
            expect(page.locator(".sankey-node").first).to_be_visible()
            expect(page.locator("#tiers .bars path").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "report-zh-Hant.png"), full_page=True)
        finally:
            browser.close()
    assert aborted == []
    assert [url for url in requested if not url.startswith("file://")] == []
    assert errors == []
