"""The app in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Skipped, with the reason, where Chromium is absent (a newcomer's laptop); ``.ci/run`` sets
``KADASH_REQUIRE_BROWSER=1`` so that CI fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_pages import UPLOAD, _sample_values, _tier_counts

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if reason:
        if os.environ.get("KADASH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here, but {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    _require_browser()
    port = _free_port()
    log = open(ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the Streamlit server did not start; see test-artifacts/streamlit.log")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def page(server, request):
    from playwright.sync_api import expect, sync_playwright

    # A fresh server's first page (frontend boot, then the sample) can take several seconds on
    # a busy 2-core box: assertions wait as long as actions do.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:  # what the browser showed, for the log
            tab.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"))
        browser.close()


def _card(tab, name: str):
    """The value element of a tier card (an st.metric whose label is ``name``)."""
    return (
        tab.locator('[data-testid="stMetric"]')
        .filter(has=tab.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{name}$")))
        .locator('[data-testid="stMetricValue"]')
    )


def test_slider_moves_tier_counts(server, page):
    from playwright.sync_api import expect

    # The first request to a fresh server is a deep link: the frame (sidebar) must still run,
    # although Streamlit would otherwise treat the pages/ folder as an old-style app.
    page.goto(f"{server}/tiers")
    expect(page.locator(".st-key-source-upload")).to_be_visible()
    a_card = _card(page, "A")
    expected = _tier_counts(_sample_values(), [80, 95])
    expect(a_card).to_have_text(f"{expected[0]:,}")

    # Keyboard only: focus the A | B slider and step it down 10 times (80 % → 70 %).
    slider = page.locator(".st-key-tiers-cutoff-0 input[type=range]")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_value("70")

    moved = _tier_counts(_sample_values(), [70, 95])
    assert moved != expected
    # Old elements stay on screen while the rerun streams in: wait for the final numbers.
    for name, count in zip(["A", "B", "C"], moved, strict=True):
        expect(_card(page, name)).to_have_text(f"{count:,}")
    expect(page).to_have_url(re.compile(r"cutoffs=0\.7%2C0\.95|cutoffs=0\.7,0\.95"))
    page.screenshot(path=str(ARTIFACTS / "tiers-after-slider.png"), full_page=True)


def test_upload_with_bad_lines(server, page, tmp_path):
    from playwright.sync_api import expect

    path = tmp_path / "erp export.csv"
    path.write_bytes(UPLOAD)
    page.goto(server)
    expect(page.get_by_text("Overview").first).to_be_visible()
    page.locator(".st-key-source-upload input[type=file]").set_input_files(str(path))
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("5 lines used · 3 rejected")).to_be_visible()
    expect(_card(page, "Customers")).to_have_text("4")
    # The sidebar links to the rejected lines; the upload survives the page switch.
    sidebar.get_by_text("See rejected lines").click()
    expect(_card(page, "Rejected")).to_have_text("3")
    # (Tables are drawn on a canvas; their contents are checked in the AppTest page tests.)
    expect(page.get_by_text("Download the 3 rejected lines (CSV)")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "data-rejected-lines.png"), full_page=True)
