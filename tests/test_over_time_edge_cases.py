"""The over-time features against independent recomputations (migration matrix, at-risk rules,
last-12-months arithmetic, concentration per period) and edge cases found in review (at-risk
counted past the end of the data; pages on a single day, a single month, no gross profit)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from statistics import median

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kadash.concentration import customers_for_share, gini, hhi, top_share
from kadash.periods import (
    at_risk,
    custom,
    last_12_months,
    migration,
    migration_summary,
    shift_months,
    tiers_by_period,
)
from kadash.settings import Settings
from kadash.trend import concentration_trend
from tests.test_periods import UNIT, _tx

ABSOLUTE = Settings().with_scheme("absolute", (100, 10))
D0 = date(2024, 1, 1)

rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D", "E", "F"]),
        st.integers(0, 120),  # day offset: periods are days 0..59 and 60..119 (+ outside)
        st.integers(-20, 200),
    ),
    min_size=1,
    max_size=25,
)


def _plain_tier(units_minor: int) -> int:
    return 0 if units_minor >= 100 * UNIT else 1 if units_minor >= 10 * UNIT else 2


@given(rows_strategy)
@hsettings(max_examples=150, deadline=None)
def test_migration_matrix_matches_plain_pandas(rows):
    lines = _tx([(c, D0 + timedelta(days=d), u) for c, d, u in rows])
    p1 = custom(D0, D0 + timedelta(days=59))
    p2 = custom(D0 + timedelta(days=60), D0 + timedelta(days=119))
    first = tiers_by_period(lines, p1, ABSOLUTE)
    second = tiers_by_period(lines, p2, ABSOLUTE)
    m = migration(first, second, 3)
    df = pd.DataFrame(rows, columns=["c", "d", "u"])
    df["minor"] = df["u"] * UNIT
    s1 = df[(df.d >= 0) & (df.d <= 59)].groupby("c")["minor"].sum()
    s2 = df[(df.d >= 60) & (df.d <= 119)].groupby("c")["minor"].sum()
    counts = np.zeros((4, 4), dtype=np.int64)
    revenue = np.zeros((4, 4), dtype=np.int64)
    for c in sorted(set(s1.index) | set(s2.index)):
        f = _plain_tier(int(s1[c])) if c in s1.index else 3
        t = _plain_tier(int(s2[c])) if c in s2.index else 3
        counts[f, t] += 1
        revenue[f, t] += int(s1[c]) if t == 3 else int(s2[c])
    assert (m.counts.to_numpy() == counts).all()
    assert (m.revenue.to_numpy() == revenue).all()
    assert m.moves["customer_id"].is_unique
    summary = migration_summary(m)
    assert summary["new"]["customers"] == len(set(s2.index) - set(s1.index))
    assert summary["lost"]["customers"] == len(set(s1.index) - set(s2.index))


@pytest.mark.parametrize(
    ("last", "cur_start", "prev_start", "prev_end"),
    [
        (date(2025, 12, 31), date(2025, 1, 1), date(2024, 1, 1), date(2024, 12, 31)),
        (date(2024, 2, 29), date(2023, 3, 1), date(2022, 3, 1), date(2023, 2, 28)),
        (date(2025, 2, 28), date(2024, 3, 1), date(2023, 3, 1), date(2024, 2, 29)),
        (date(2024, 3, 15), date(2023, 3, 16), date(2022, 3, 16), date(2023, 3, 15)),
        (date(2025, 3, 1), date(2024, 3, 2), date(2023, 3, 2), date(2024, 3, 1)),
        (date(2024, 4, 30), date(2023, 5, 1), date(2022, 5, 1), date(2023, 4, 30)),
    ],
)
def test_last_12_months(last, cur_start, prev_start, prev_end):
    prev, cur = last_12_months(last)
    assert (cur.start, cur.end) == (cur_start, last)
    assert (prev.start, prev.end) == (prev_start, prev_end)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2200, 12, 31)))
def test_last_12_months_contiguous_and_about_a_year(last):
    prev, cur = last_12_months(last)
    assert prev.end + timedelta(days=1) == cur.start
    assert 365 <= cur.days <= 366 and 365 <= prev.days <= 366
    assert shift_months(last, -12) + timedelta(days=1) == cur.start


# -- at risk vs a plain recomputation ----------------------------------------------------------
risk_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.integers(0, 199),  # previous = days 0..99, current = days 100..199
        st.integers(-30, 300),
    ),
    min_size=1,
    max_size=30,
)


@given(risk_rows, st.sampled_from([0.0, 0.3, 0.5, 1.0]), st.sampled_from([1.0, 1.5, 2.0, 3.0]))
@hsettings(max_examples=150, deadline=None)
def test_at_risk_matches_plain_rules(rows, drop, multiple):
    lines = _tx([(c, D0 + timedelta(days=d), u) for c, d, u in rows])
    prev_p = custom(D0, D0 + timedelta(days=99))
    cur_p = custom(D0 + timedelta(days=100), D0 + timedelta(days=199))
    got = at_risk(lines, prev_p, cur_p, ABSOLUTE, drop=drop, gap_multiple=multiple)
    df = pd.DataFrame(rows, columns=["c", "d", "u"])
    prev = df[df.d <= 99].groupby("c")["u"].sum()
    cur = df[df.d >= 100].groupby("c")["u"].sum()
    expected = {}
    end = min(199, int(df.d.max()))  # counted to the period's end or the data's, if earlier
    for c, p in prev.items():
        if p < 100:  # top tier only
            continue
        reasons = []
        now = int(cur.get(c, 0))
        if p > 0 and (p - now) > drop * p + 1e-9 * 0 and (p - now) * 10 > round(drop * 10) * p:
            reasons.append("revenue_drop")
        days = sorted(set(df[(df.c == c) & (df.u > 0) & (df.d <= end)]["d"]))
        if len(days) >= 3:
            gap = median(b - a for a, b in itertools.pairwise(days))
            if end - days[-1] > multiple * gap:
                reasons.append("overdue")
        if reasons:
            expected[c] = "; ".join(reasons)
    assert dict(zip(got["customer_id"], got["reasons"], strict=True)) == expected


# -- concentration trend vs plain group-by --------------------------------------------------
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", "D", "E"]),
            st.integers(0, 800),
            st.integers(-50, 500),
        ),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["month", "quarter", "year"]),
)
@hsettings(max_examples=100, deadline=None)
def test_concentration_trend_matches_plain_groupby(rows, freq):
    lines = _tx([(c, D0 + timedelta(days=d), u) for c, d, u in rows])
    got = concentration_trend(lines, freq=freq)
    df = lines.assign(
        period=lines["date"].dt.to_period({"month": "M", "quarter": "Q", "year": "Y"}[freq])
    )
    for _, row in got.iterrows():
        part = df[(df["date"] >= row["start"]) & (df["date"] <= row["end"])]
        values = part.groupby("customer_id")["revenue"].sum().sort_values(ascending=False)
        v = values.to_numpy(dtype=np.int64)
        assert row["customers"] == len(v)
        assert row["revenue"] == int(v.sum())
        for name, fn in (("gini", gini), ("hhi", hhi)):
            exp = fn(v)
            assert (np.isnan(row[name]) and exp is None) or row[name] == pytest.approx(exp)
        exp = top_share(v, 0.2)
        assert (np.isnan(row["top_share"]) and exp is None) or row["top_share"] == pytest.approx(
            exp
        )
        exp = customers_for_share(v, 0.8)
        assert (pd.isna(row["customers_for_share"]) and exp is None) or row[
            "customers_for_share"
        ] == exp


# -- at risk: "days since last purchase" counted to a date beyond the data ------------------
def _monthly_upload() -> bytes:
    rows = ["Customer ID,Order Date,Net Sales"]
    for m in range(18):  # 2024-01 … 2025-06, every month on the 28th: data ends 2025-06-28
        y, mo = 2024 + m // 12, m % 12 + 1
        rows += [f"BIG,{y}-{mo:02d}-28,1000", f"SMALL,{y}-{mo:02d}-28,10"]
    return ("\n".join(rows) + "\n").encode()


def test_at_risk_page_calendar_preset_does_not_count_days_past_the_data():
    """BIG buys every month up to the last day of the data; on the calendar preset (2024 vs
    2025, a year the data covers only to June) it must not be 'overdue'. The page calls
    at_risk without as_of, so days are counted to 2025-12-31: 186 days > 2 × 31."""
    from tests.test_pages import _app, _ok

    at = _app()
    at.file_uploader(key="source.upload").upload("f.csv", _monthly_upload(), "text/csv")
    _ok(at.run())
    _ok(at.switch_page("pages/at_risk.py").run())
    at.selectbox(key="at_risk.preset").set_value("calendar").run()
    at.slider(key="at_risk.drop").set_value(100).run()  # isolate the overdue rule
    _ok(at)
    assert not at.error, [e.value for e in at.error]  # "1 key account at risk" (overdue)
