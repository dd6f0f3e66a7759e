"""The Clusters page in real headless Chromium: k moved with the keyboard redraws the clusters,
and the customers download holds cluster, tier and RFM scores (see tests/test_browser.py for how
the server and browser are started)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.test_browser import ARTIFACTS, _card, page, server  # noqa: F401  (fixtures)
from tests.test_page_clusters import _net_revenue

pytestmark = pytest.mark.browser


def test_k_by_keyboard_then_the_customers_csv(server, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    net = _net_revenue()
    kept = int((net > 0).sum())
    page.goto(f"{server}/clusters")
    # ABC has three tiers, so the page starts with three clusters named after them.
    expect(page.get_by_text(f"3 clusters of {kept:,} customers")).to_be_visible()
    expect(_card(page, "Customers clustered")).to_have_text(f"{kept:,}")

    # Keyboard only: focus the k slider and step it up once (3 → 4).
    slider = page.locator(".st-key-clusters-k input[type=range]")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("4")
    # Tables are drawn on a canvas: wait for the caption and the reading drawn beside them.
    expect(page.get_by_text(f"4 clusters of {kept:,} customers")).to_be_visible()
    expect(page.get_by_text("agreement by number is not defined")).to_be_visible()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "clusters-k4.png"), full_page=True)

    label = f"Download the {len(net):,} customers with cluster, tier and RFM scores (CSV)"
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    assert info.value.suggested_filename == "kadash-clusters.csv"
    info.value.save_as(tmp_path / "clusters.csv")
    data = (tmp_path / "clusters.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the safe writer: UTF-8 with BOM
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    header = list(rows[0])
    assert header[:4] == ["Rank", "Tier", "Cluster", "Customer id"]
    assert header[-5:] == ["R", "F", "M", "RFM", "Days since last purchase"]
    assert len(rows) == len(net)
    shown = {r["Cluster"] for r in rows}
    assert shown == {f"Cluster {i}" for i in range(1, 5)} | {"Left out: net revenue ≤ 0"}
    assert sum(r["Cluster"].startswith("Left out") for r in rows) == int((net <= 0).sum())

    # The CLV-ready summary, in its tab: the columns lifetime-value libraries expect.
    page.get_by_role("tab", name="CLV-ready export").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the CLV summary (CSV)").click()
    info.value.save_as(tmp_path / "clv.csv")
    lines = (tmp_path / "clv.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "customer_id,frequency,recency,T,monetary_value"
    assert len(lines) == 1 + len(net)
