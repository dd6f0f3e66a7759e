"""The Profitability page in Streamlit's AppTest: runs clean, the readings and quadrant counts
are the right numbers, the splits move them, and no text escapes the translator.

Expected numbers are computed here independently of :mod:`kadash`, with plain pandas and
Python integers (cents, the sample's precision) on the same CSV.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import pandas as pd

from tests.conftest import SAMPLE
from tests.test_pages import UPLOAD, _app, _metric, _ok, _plain

PAGE = "pages/profitability.py"
NO_PROFIT = b"""\
Customer ID,Order Date,Net Sales,Region
00042,2024-01-05,500.00,North
A1,2024-03-01,50.00,South
"""


@cache
def _sample() -> pd.DataFrame:
    """Revenue and gross profit per customer, in cents."""
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
    cents = df[["revenue", "gross_profit"]].mul(100).round().astype("int64")
    return cents.groupby(df["customer_id"]).sum().rename(columns={"gross_profit": "profit"})


def _short(cents: int) -> str:
    """An amount as the page's headline numbers show it (12.3M, 456.7K)."""
    units = cents / 100
    for factor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(units) >= factor:
            return f"{units / factor:,.1f}{suffix}"
    return f"{units:,.0f}"


def _quadrant_counts(top_pct: int, margin: Fraction | None) -> dict[str, int]:
    """Customers per quadrant: large = revenue > 0 and ≥ the revenue of the customer at the top
    ``top_pct`` % boundary; profitable = margin ≥ split (default the overall margin), or
    profit > 0 where revenue ≤ 0."""
    df = _sample()
    revenues = sorted(df["revenue"], reverse=True)
    k = -(-top_pct * len(revenues) // 100)
    split = revenues[k - 1]
    if margin is None:
        margin = max(Fraction(int(df["profit"].sum()), int(df["revenue"].sum())), Fraction(0))
    counts = dict.fromkeys(["Large & profitable", "Large & thin-margin", "Small & profitable"], 0)
    counts["Small & thin-margin or loss-making"] = 0
    for revenue, profit in zip(df["revenue"], df["profit"], strict=True):
        large = revenue > 0 and revenue >= split
        good = Fraction(int(profit), int(revenue)) >= margin if revenue > 0 else profit > 0
        name = {
            (True, True): "Large & profitable",
            (True, False): "Large & thin-margin",
            (False, True): "Small & profitable",
            (False, False): "Small & thin-margin or loss-making",
        }[(large, good)]
        counts[name] += 1
    return counts


def _shown_counts(at) -> dict[str, int]:
    table = next(d.value for d in at.dataframe if "Quadrant" in d.value.columns)
    return dict(zip(table["Quadrant"], table["Customers"].astype(int), strict=True))


def _page(lang: str | None = None):
    return _ok(_app(lang).switch_page(PAGE).run())


class TestOnTheSample:
    def test_three_charts_on_the_sample(self):
        # (Every page's text is checked for hard-coded strings in tests/test_pages.py.)
        at = _ok(_app().switch_page(PAGE).run())
        assert len(at.get("plotly_chart")) == 3

    def test_headline_and_readings(self):
        at = _page()
        assert at.title[0].value == "Profitability"
        profit = _sample()["profit"]
        losing = profit[profit < 0]
        positive = profit[profit > 0]
        net = int(profit.sum())
        assert _metric(at, "Loss-making customers") == f"{len(losing):,}"
        assert _metric(at, "Given back by loss-makers") == _short(-int(losing.sum()))
        assert _metric(at, "Net gross profit") == _short(net)
        assert _metric(at, "Earned by profitable customers") == _short(int(positive.sum()))
        texts = [_plain(m.value) for m in at.markdown]
        whale = next(t for t in texts if "most profitable customers" in t)
        assert whale.startswith(
            f"The **{len(positive):,}** most profitable customers "
            f"({len(positive) / len(profit) * 100:.1f}% of all) earn "
            f"**{positive.sum() / net * 100:.1f}%** of the net gross profit"
        )
        assert (
            f"The **{len(losing):,}** loss-making customers give back "
            f"**{-losing.sum() / net * 100:.1f}%** ({_short(-int(losing.sum()))})"
        ) in whale
        assert f"{(profit == 0).sum()} customer breaks even" in whale
        costliest = losing.sort_values(kind="stable").index[0]
        names = pd.read_csv(SAMPLE, dtype={"customer_id": str}).groupby("customer_id").last()
        reading = next(t for t in texts if "customers lose money" in t)
        assert reading.startswith(
            f"**{len(losing)}** customers lose money: together they cost "
            f"**{_short(-int(losing.sum()))}** of gross profit"
        )
        assert f"The costliest, {names.loc[costliest, 'customer_name']}, loses" in reading
        losses = next(d.value for d in at.dataframe if "Gross margin" in d.value.columns
                      and "Customer id" in d.value.columns)  # fmt: skip
        assert list(losses["Customer id"]) == list(losing.sort_values(kind="stable").index)

    def test_default_quadrants(self):
        at = _page()
        assert _shown_counts(at) == _quadrant_counts(20, None)

    def test_split_sliders_move_the_quadrants(self):
        at = _page()
        at.slider(key="profitability.top").set_value(10)
        at.slider(key="profitability.margin").set_value(30.0)
        _ok(at.run())
        assert _shown_counts(at) == _quadrant_counts(10, Fraction(30, 100))
        assert _shown_counts(at) != _quadrant_counts(20, None)


class TestUploads:
    def test_a_file_without_gross_profit_is_explained(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("erp.csv", NO_PROFIT, "text/csv")
        _ok(at.run())
        _ok(at.switch_page(PAGE).run())
        assert any("no gross profit column" in i.value for i in at.info)
        assert any("Data page" in i.value and "“Gross profit”" in i.value for i in at.info)
        assert not at.get("plotly_chart")
        links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
        assert ("Map the gross profit column on the Data page", "data") in links

    def test_customers_without_any_profit_are_left_out_and_counted(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        _ok(at.switch_page(PAGE).run())
        # 00007's only line has a blank gross profit: unknown, not zero.
        assert any(c.value.startswith("1 customer has no gross profit") for c in at.caption)
        assert _metric(at, "Loss-making customers") == "2"  # A1 −10, D4 −5
        assert _metric(at, "Net gross profit") == "135"  # 100 + 50 − 10 − 5
