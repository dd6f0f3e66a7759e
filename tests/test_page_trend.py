"""The Concentration trend page in Streamlit's AppTest: runs clean, the table's numbers are the
right ones, the period switch changes the rows, and the reading compares whole periods.

Expected numbers are computed here from the CSV with plain pandas (cents, the sample's
precision; every measure is a ratio, so the unit does not matter) and the definitions of
:mod:`kadash.concentration` applied to each period's customers.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

from kadash.concentration import customers_for_share, gini, hhi, top_share
from tests.conftest import SAMPLE
from tests.test_pages import _app, _ok, _plain

PAGE = "pages/trend.py"


@cache
def _lines() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["order_date"])
    df["cents"] = (df["revenue"] * 100).round().astype("int64")
    df["profit_cents"] = (df["gross_profit"] * 100).round().astype("int64")
    return df


def _expected(start: str, end: str, column: str = "cents", region: str | None = None) -> dict:
    """One period's numbers: its lines (both ends inclusive), summed per customer."""
    df = _lines()
    if region:
        df = df[df["region"] == region]
    inside = df[(df["order_date"] >= start) & (df["order_date"] <= end)]
    values = np.sort(inside.groupby("customer_id")[column].sum().to_numpy())[::-1]
    return {
        "customers": len(values),
        "total": int(values.sum()) / 100,
        "top": top_share(values, "0.2") * 100,
        "needed": customers_for_share(values, "0.8"),
        "gini": gini(values),
        "hhi": hhi(values) * 10_000,
    }


def _table(at) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if "Period" in d.value.columns]
    assert len(found) == 1
    return found[0].set_index("Period")


def _reading(at) -> str:
    return next(_plain(m.value).replace("**", "") for m in at.markdown if "made" in m.value)


def _page(lang: str | None = None, **query):
    return _ok(_app(lang, query or None).switch_page(PAGE).run())


def _chart(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def _check(row: pd.Series, want: dict, money: str = "Revenue") -> None:
    assert row["Customers"] == want["customers"]
    assert row[money] == pytest.approx(want["total"], abs=0.005)
    assert row["Top 20% share"] == pytest.approx(want["top"], rel=1e-12)
    assert row["Customers for 80%"] == want["needed"]
    assert row["Gini"] == pytest.approx(want["gini"], rel=1e-9)
    assert row["HHI (points)"] == pytest.approx(want["hhi"], rel=1e-9)


class TestOnTheSample:
    def test_quarters_by_default(self):
        at = _page()
        table = _table(at)
        # The sample runs from 2023-01-02 to 2025-12-31: twelve quarters, the first cut short.
        assert table.index.tolist() == [
            f"{y} Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)
        ]
        assert table["Partial period"].tolist() == [True] + [False] * 11
        assert at.button_group(key="trend.freq").value == "quarter"

    @pytest.mark.parametrize(
        ("period", "start", "end"),
        [("2024 Q3", "2024-07-01", "2024-09-30"), ("2023 Q1", "2023-01-01", "2023-03-31")],
        ids=["whole-quarter", "partial-quarter"],
    )
    def test_one_quarter_matches_plain_pandas(self, period, start, end):
        _check(_table(_page()).loc[period], _expected(start, end))

    def test_reading_compares_the_first_and_last_complete_quarters(self):
        at = _page()
        first, last = _expected("2023-04-01", "2023-06-30"), _expected("2025-10-01", "2025-12-31")
        move = "up" if round(last["top"], 1) > round(first["top"], 1) else "down"
        reading = _reading(at)
        assert reading.startswith(
            f"The top 20% of customers brought {last['top']:.1f}% of revenue in 2025 Q4, "
            f"{move} from {first['top']:.1f}% in 2023 Q2; {last['needed']:,} customers made 80%"
        )
        assert "2023 Q1" not in reading  # partial: drawn, not compared
        assert any("2023 Q1, which the data covers only in part" in c.value for c in at.caption)

    def test_the_chart_marks_the_partial_quarter(self):
        spec = _chart(_page())
        hollow = [tr for tr in spec["data"] if tr.get("marker", {}).get("symbol") == "circle-open"]
        assert len(hollow) == 1 and hollow[0]["name"].startswith("Partial period")
        assert any(tr.get("line", {}).get("dash") == "dash" for tr in spec["data"])


class TestControls:
    def test_switching_to_years(self):
        at = _page()
        at.button_group(key="trend.freq").set_value("year")
        _ok(at.run())
        table = _table(at)
        assert table.index.tolist() == ["2023", "2024", "2025"]
        assert table["Partial period"].tolist() == [True, False, False]
        _check(table.loc["2024"], _expected("2024-01-01", "2024-12-31"))
        reading = _reading(at)
        assert "in 2025, " in reading and "in 2024" in reading and "2023" not in reading

    def test_switching_to_months(self):
        at = _page()
        at.button_group(key="trend.freq").set_value("month")
        _ok(at.run())
        table = _table(at)
        assert len(table) == 36 and table.index[0] == "2023-01" and table.index[-1] == "2025-12"
        _check(table.loc["2024-02"], _expected("2024-02-01", "2024-02-29"))

    def test_gross_profit_basis(self):
        at = _page()
        at.button_group(key="trend.basis").set_value("profit")
        _ok(at.run())
        row = _table(at).loc["2025 Q2"]
        _check(row, _expected("2025-04-01", "2025-06-30", "profit_cents"), money="Gross profit")
        assert "of gross profit in 2025 Q4" in _reading(at)

    def test_region_filter(self):
        at = _page(region="North")
        _check(_table(at).loc["2024 Q1"], _expected("2024-01-01", "2024-03-31", region="North"))

    def test_a_date_filter_sets_what_is_covered(self):
        # From 2024-02-15: 2024 Q1 is cut by the filter, not by the data.
        at = _page(**{"from": "2024-02-15"})
        table = _table(at)
        assert table.index[0] == "2024 Q1" and table["Partial period"].tolist()[:2] == [True, False]

    def test_measures_stack_in_panels_and_none_is_explained(self):
        at = _page()
        at.button_group(key="trend.measures").set_value(["top_share", "customers_for_share", "hhi"])
        _ok(at.run())
        spec = _chart(at)
        assert {"yaxis", "yaxis2", "yaxis3"} <= set(spec["layout"])
        at.button_group(key="trend.measures").set_value([])
        _ok(at.run())
        assert not at.get("plotly_chart")
        assert any("Choose at least one measure" in i.value for i in at.info)


def test_traditional_chinese():
    at = _page("zh-Hant")
    assert at.title[0].value == "集中度趨勢"
    assert "2025 年第 4 季，前 20% 的客戶帶來" in _plain(at.markdown[0].value).replace("**", "")
