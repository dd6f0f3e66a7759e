"""The Account page in Streamlit's AppTest: the picker and its link, the numbers of one customer
against plain pandas on the sample CSV, and the messages for customers it cannot show.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pandas as pd
import pytest

from kadash.account import account_history
from kadash.i18n import translator
from tests.conftest import SAMPLE
from tests.test_account import TX
from tests.test_pages import _app, _metric, _ok, _plain, _sample_values, _table_with
from ui.account_widgets import history_table

PAGE = "pages/account.py"
PICK = "account.customer"


@cache
def _lines() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
    df["cents"] = (df["revenue"] * 100).round().astype("int64")
    return df


def _rank_of(customer: str) -> int:
    return [i for _, i in _sample_values()].index(customer) + 1


def _money(cents: int) -> str:
    return f"{cents / 100:,.0f}"


def _shows(at, customer: str) -> None:
    """The page shows ``customer``: picker, revenue and rank as plain pandas has them."""
    values = _sample_values()
    cents = {i: v for v, i in values}[customer]
    assert at.selectbox(key=PICK).value == customer
    assert _metric(at, "Revenue") == _money(cents)
    assert _metric(at, "Rank by revenue") == f"{_rank_of(customer):,} of {len(values):,}"
    positive = sum(v for v, _ in values if v > 0)
    assert _metric(at, "Share of revenue") == f"{cents / positive * 100:,.2f}%"
    assert at.query_params["customer"] == customer


def _account(query: dict | None = None):
    return _ok(_app(query=query).switch_page(PAGE).run())


def test_opens_on_the_top_customer():
    at = _account()
    top = _sample_values()[0][1]
    _shows(at, top)
    first = at.selectbox(key=PICK).options[0]
    name = _lines().loc[_lines()["customer_id"] == top, "customer_name"].iloc[-1]
    assert first == f"{top} · {name} (rank 1)"


def test_choosing_a_customer_shows_its_numbers():
    at = _account()
    chosen = _sample_values()[36][1]  # rank 37
    _ok(at.selectbox(key=PICK).select(chosen).run())
    _shows(at, chosen)
    assert at.title[0].value == "Account"


def test_monthly_history_adds_up_to_the_customers_total():
    chosen = _sample_values()[9][1]
    at = _account({"customer": chosen})
    months = _table_with(at, "Month")
    own = _lines()[_lines()["customer_id"] == chosen]
    assert round(months["Revenue"].sum() * 100) == own["cents"].sum()
    assert months["Lines"].sum() == len(own)
    # Every month from the customer's first to the data's last, none skipped.
    first, last = own["order_date"].min()[:7], _lines()["order_date"].max()[:7]
    span = pd.period_range(first, last, freq="M").strftime("%Y-%m").tolist()
    assert months["Month"].tolist() == span
    by_month = own.groupby(own["order_date"].str[:7])["cents"].sum()
    got = months.set_index("Month")["Revenue"]
    assert all(round(got[m] * 100) == c for m, c in by_month.items())


def test_tier_in_each_year_by_hand():
    """ABC in each calendar year: the first tier whose cut-off is above the cumulative share
    before the customer, among that year's customers only."""
    chosen = _sample_values()[200][1]
    at = _account({"customer": chosen})
    years = _table_with(at, "Year")
    df = _lines()
    for year, row in years.set_index("Year").iterrows():
        totals = df[df["order_date"].str[:4] == year].groupby("customer_id")["cents"].sum()
        ranked = sorted(((int(v), i) for i, v in totals.items()), key=lambda x: (-x[0], x[1]))
        ids = [i for _, i in ranked]
        if chosen not in ids:
            assert row["Tier"] == "No purchases"
            continue
        k = ids.index(chosen)
        before, positive = sum(v for v, _ in ranked[:k]), sum(v for v, _ in ranked if v > 0)
        tier = (
            "C"
            if ranked[k][0] < 0
            else next((n for n, c in (("A", 80), ("B", 95)) if c * positive > 100 * before), "C")
        )
        assert row["Tier"] == tier
        assert row["Rank"] == f"{k + 1:,} of {len(ids):,}"


def test_a_link_opens_that_customer():
    chosen = _sample_values()[499][1]
    _shows(_account({"customer": chosen}), chosen)


def test_an_unknown_customer_in_the_link_is_ignored_with_a_warning():
    at = _account({"customer": "NOPE-1"})
    assert any("NOPE-1" in _plain(w.value) for w in at.warning)
    _shows(at, _sample_values()[0][1])


def test_a_customer_outside_the_filters_is_explained():
    df = _lines()
    chosen = _sample_values()[0][1]
    other = sorted(set(df["region"]) - set(df.loc[df["customer_id"] == chosen, "region"]))[0]
    at = _account({"customer": chosen, "region": other})
    assert any(chosen in _plain(i.value) and "current filters" in i.value for i in at.info)
    assert at.selectbox(key=PICK).value is None
    assert not at.metric  # nothing shown for a customer the filters leave out
    # Choosing one inside the filters shows it.
    inside = df.loc[df["region"] == other, "customer_id"].iloc[0]
    _ok(at.selectbox(key=PICK).select(inside).run())
    assert at.query_params["customer"] == inside
    assert _metric(at, "Revenue")


def test_the_customer_stays_in_the_link_when_the_settings_change():
    chosen = _sample_values()[3][1]
    at = _account({"customer": chosen})
    region = _lines().loc[_lines()["customer_id"] == chosen, "region"].iloc[0]
    _ok(at.multiselect(key="filters.region").select(region).run())
    assert at.query_params["customer"] == chosen
    assert at.query_params["region"] == region
    assert at.selectbox(key=PICK).value == chosen


def test_many_customers_get_a_search_box(monkeypatch):
    monkeypatch.setattr("ui.account_widgets.PICK_LIMIT", 100)
    at = _account()
    assert len(at.selectbox(key=PICK).options) == 100
    wanted = _sample_values()[700][1]
    _ok(at.text_input(key="account.search").input(wanted).run())
    assert at.selectbox(key=PICK).options[-1].startswith(wanted)
    _ok(at.selectbox(key=PICK).select(wanted).run())
    _shows(at, wanted)


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_chinese(lang):
    at = _ok(_app(lang=lang).switch_page(PAGE).run())
    assert at.title[0].value == {"zh-Hant": "客戶", "zh-Hans": "客户"}[lang]


def test_the_downloaded_history_is_exact():
    table = history_table(account_history(TX, "A"), t=translator("en"), has_profit=True)
    assert list(table.columns) == ["Month", "Revenue", "Gross profit", "Lines", "Orders"]
    first = table.iloc[0]
    assert (first["Month"], first["Revenue"], first["Gross profit"]) == (
        "2023-01",
        Decimal("0.1500"),
        Decimal("0.0400"),
    )
    assert table.set_index("Month").loc["2024-02", "Gross profit"] is None  # no figure
    without = history_table(account_history(TX, "A"), t=translator("en"), has_profit=False)
    assert "Gross profit" not in without.columns
