"""Periods, tiers per period, tier migration and at-risk key accounts (kadash.periods)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.errors import KadashError
from kadash.ingest import load_transactions
from kadash.periods import (
    AT_RISK_COLUMNS,
    MOVE_COLUMNS,
    TIER_COLUMNS,
    Period,
    at_risk,
    calendar_years,
    custom,
    fiscal_years,
    last_12_months,
    migration,
    migration_by_name,
    migration_summary,
    months,
    quarters,
    shift_months,
    tiers_by_period,
)
from kadash.settings import Settings
from tests.conftest import SAMPLE

UNIT = 10_000  # minor units per currency unit
Y2024 = custom(date(2024, 1, 1), date(2024, 12, 31))
Y2025 = custom(date(2025, 1, 1), date(2025, 12, 31))
#: Tier by amount, so each expected tier is read off one number: ≥ 100 → 0, ≥ 10 → 1, else 2.
ABSOLUTE = Settings().with_scheme("absolute", (100, 10))


def _tx(rows: list[tuple]) -> pd.DataFrame:
    """(customer, day, amount in units[, region[, name]]) rows → transactions, lines 2, 3, …"""
    rows = [(*r, *("North", "")[len(r) - 3 :]) for r in rows]
    cid, day, units, region, name = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "line": np.arange(2, len(rows) + 2, dtype=np.int64),
            "customer_id": pd.array(cid, dtype="str"),
            "date": np.array(day, dtype="datetime64[s]"),
            "revenue": np.array([round(u * UNIT) for u in units], dtype=np.int64),
            "profit": np.array([round(u * UNIT) // 4 for u in units], dtype=np.int64),
            "profit_missing": np.zeros(len(rows), dtype=bool),
            "region": pd.array(region, dtype="str"),
            "customer_name": pd.array(name, dtype="str"),
        }
    )


def _frame(rows: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """id → (revenue in minor units, tier): a tiers_by_period-like table."""
    ids = list(rows)
    return pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="str"),
            "label": pd.array(ids, dtype="str"),
            "revenue": np.array([rows[i][0] for i in ids], dtype=np.int64),
            "profit": np.zeros(len(ids), dtype=np.int64),
            "tier": np.array([rows[i][1] for i in ids], dtype=np.int64),
        }
    )


# -- periods ----------------------------------------------------------------------------------
class TestShiftMonths:
    @pytest.mark.parametrize(
        "day,n,expected",
        [
            (date(2025, 12, 31), -12, date(2024, 12, 31)),
            (date(2024, 2, 29), -12, date(2023, 2, 28)),  # clamped
            (date(2025, 2, 28), -12, date(2024, 2, 29)),  # month end → month end
            (date(2024, 2, 28), -12, date(2023, 2, 28)),  # not a month end in 2024
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2023, 1, 31), 1, date(2023, 2, 28)),
            (date(2024, 4, 30), 1, date(2024, 5, 31)),
            (date(2024, 3, 30), -1, date(2024, 2, 29)),
            (date(2025, 1, 15), -13, date(2023, 12, 15)),
            (date(2025, 6, 1), 0, date(2025, 6, 1)),
        ],
        ids=str,
    )
    def test_examples(self, day, n, expected):
        assert shift_months(day, n) == expected


class TestLast12Months:
    @pytest.mark.parametrize(
        "last,current,previous",
        [
            ("2025-12-31", ("2025-01-01", "2025-12-31"), ("2024-01-01", "2024-12-31")),
            ("2024-02-29", ("2023-03-01", "2024-02-29"), ("2022-03-01", "2023-02-28")),
            # A month end in a common year after a leap year: still 12 whole months.
            ("2025-02-28", ("2024-03-01", "2025-02-28"), ("2023-03-01", "2024-02-29")),
            ("2024-02-28", ("2023-03-01", "2024-02-28"), ("2022-03-01", "2023-02-28")),
            ("2025-06-15", ("2024-06-16", "2025-06-15"), ("2023-06-16", "2024-06-15")),
            ("2025-04-30", ("2024-05-01", "2025-04-30"), ("2023-05-01", "2024-04-30")),
            ("2024-03-31", ("2023-04-01", "2024-03-31"), ("2022-04-01", "2023-03-31")),
        ],
        ids=lambda v: v if isinstance(v, str) else None,
    )
    def test_hand_worked(self, last, current, previous):
        prev, cur = last_12_months(date.fromisoformat(last))
        assert (cur.start.isoformat(), cur.end.isoformat()) == current
        assert (prev.start.isoformat(), prev.end.isoformat()) == previous

    @given(st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31)))
    def test_adjacent_years_ending_on_the_last_day(self, last):
        prev, cur = last_12_months(last)
        assert cur.end == last
        assert prev.end + timedelta(days=1) == cur.start
        assert {prev.days, cur.days} <= {365, 366}
        assert cur.start == shift_months(last, -12) + timedelta(days=1)
        if (last + timedelta(days=1)).day == 1:  # a month end: whole calendar months
            assert cur.start.day == 1 and prev.start.day == 1


class TestPeriodLists:
    def test_calendar_years(self):
        got = calendar_years(date(2023, 5, 2), date(2025, 1, 1))
        assert [(p.label, p.start, p.end) for p in got] == [
            ("2023", date(2023, 1, 1), date(2023, 12, 31)),
            ("2024", date(2024, 1, 1), date(2024, 12, 31)),
            ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ]

    def test_fiscal_years_are_named_by_the_year_they_end_in(self):
        got = fiscal_years(date(2024, 3, 15), date(2025, 8, 1), 7)
        assert [(p.label, p.start, p.end) for p in got] == [
            ("FY2024", date(2023, 7, 1), date(2024, 6, 30)),
            ("FY2025", date(2024, 7, 1), date(2025, 6, 30)),
            ("FY2026", date(2025, 7, 1), date(2026, 6, 30)),
        ]

    def test_fiscal_year_boundary_days(self):
        got = fiscal_years(date(2024, 6, 30), date(2024, 7, 1), 7)
        assert [p.label for p in got] == ["FY2024", "FY2025"]
        feb = fiscal_years(date(2024, 2, 29), date(2024, 2, 29), 3)
        assert [(p.label, p.start, p.end) for p in feb] == [
            ("FY2024", date(2023, 3, 1), date(2024, 2, 29))
        ]

    def test_fiscal_start_january_is_the_calendar_year(self):
        got = fiscal_years(date(2024, 1, 1), date(2024, 12, 31), 1)
        assert [(p.label, p.start, p.end) for p in got] == [
            ("FY2024", date(2024, 1, 1), date(2024, 12, 31))
        ]

    @pytest.mark.parametrize("month", [0, 13, 7.0, True, "7"], ids=repr)
    def test_fiscal_start_month_checked(self, month):
        with pytest.raises(KadashError, match="start month must be a whole number from 1 to 12"):
            fiscal_years(date(2024, 1, 1), date(2024, 12, 31), month)

    def test_quarters_and_months(self):
        q = quarters(date(2024, 11, 5), date(2025, 4, 1))
        assert [(p.label, p.start, p.end) for p in q] == [
            ("2024 Q4", date(2024, 10, 1), date(2024, 12, 31)),
            ("2025 Q1", date(2025, 1, 1), date(2025, 3, 31)),
            ("2025 Q2", date(2025, 4, 1), date(2025, 6, 30)),
        ]
        m = months(date(2024, 1, 31), date(2024, 3, 1))
        assert [(p.label, p.start, p.end) for p in m] == [
            ("2024-01", date(2024, 1, 1), date(2024, 1, 31)),
            ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
            ("2024-03", date(2024, 3, 1), date(2024, 3, 31)),
        ]

    @given(
        st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
        st.integers(min_value=0, max_value=800),
        st.sampled_from(["years", "quarters", "months", "fy4", "fy10"]),
    )
    def test_lists_tile_the_span(self, first, span, kind):
        last = first + timedelta(days=span)
        make = {
            "years": calendar_years,
            "quarters": quarters,
            "months": months,
            "fy4": lambda a, b: fiscal_years(a, b, 4),
            "fy10": lambda a, b: fiscal_years(a, b, 10),
        }[kind]
        got = make(first, last)
        assert got[0].start <= first <= got[0].end
        assert got[-1].start <= last <= got[-1].end
        for a, b in pairwise(got):
            assert a.end + timedelta(days=1) == b.start
        assert len({p.label for p in got}) == len(got)

    def test_custom_checks_the_order(self):
        one_day = custom(date(2025, 3, 1), date(2025, 3, 1))
        assert one_day.days == 1 and one_day.label == "2025-03-01 – 2025-03-01"
        with pytest.raises(KadashError, match="starts on 2025-03-02, after its end 2025-03-01"):
            custom(date(2025, 3, 2), date(2025, 3, 1))
        with pytest.raises(KadashError, match="after its end"):
            Period(date(2025, 3, 2), date(2025, 3, 1), "x")
        with pytest.raises(KadashError, match="after its end"):
            months(date(2025, 3, 2), date(2025, 3, 1))


# -- tiers per period -------------------------------------------------------------------------
class TestTiersByPeriod:
    def test_both_ends_are_inclusive(self):
        lines = _tx(
            [
                ("before", "2024-02-29", 50),
                ("first", "2024-03-01", 50),
                ("last", "2024-03-31T23:59:59", 50),
                ("after", "2024-04-01", 50),
            ]
        )
        march = custom(date(2024, 3, 1), date(2024, 3, 31))
        got = tiers_by_period(lines, march, ABSOLUTE)
        assert sorted(got["customer_id"]) == ["first", "last"]
        assert tuple(got.columns) == TIER_COLUMNS

    def test_same_scheme_tiered_independently(self):
        # ABC (80% / 95%): Y holds 30 in both years, but W's arrival pushes it to B.
        lines = _tx(
            [
                ("X", "2024-05-01", 60),
                ("Y", "2024-05-01", 30),
                ("Z", "2024-05-01", 10),
                ("X", "2025-05-01", 60),
                ("Y", "2025-05-01", 30),
                ("Z", "2025-05-01", 10),
                ("W", "2025-05-01", 300),
            ]
        )
        first = tiers_by_period(lines, Y2024, Settings())
        second = tiers_by_period(lines, Y2025, Settings())
        assert dict(zip(first["customer_id"], first["tier"], strict=True)) == {
            "X": 0,
            "Y": 0,
            "Z": 1,
        }
        assert dict(zip(second["customer_id"], second["tier"], strict=True)) == {
            "W": 0,
            "X": 0,
            "Y": 1,
            "Z": 2,
        }
        assert second["revenue"].tolist() == [300 * UNIT, 60 * UNIT, 30 * UNIT, 10 * UNIT]
        assert second["tier"].dtype == np.int64

    def test_field_filters_apply_but_not_the_settings_dates(self):
        lines = _tx(
            [
                ("N", "2024-06-01", 150, "North", ""),
                ("S", "2024-06-01", 150, "South", ""),
            ]
        )
        settings = replace(
            ABSOLUTE.with_filter("region", ["North"]),
            date_from=date(2025, 1, 1),
            date_to=date(2025, 12, 31),
        )
        got = tiers_by_period(lines, Y2024, settings)
        assert got["customer_id"].tolist() == ["N"] and got["tier"].tolist() == [0]

    def test_profit_basis_ranks_by_profit(self):
        lines = _tx([("A", "2024-01-02", 100), ("B", "2024-01-02", 40)])
        got = tiers_by_period(lines, Y2024, replace(Settings(), basis="profit"))
        assert got["customer_id"].tolist() == ["A", "B"]
        assert got["profit"].tolist() == [25 * UNIT, 10 * UNIT]
        with pytest.raises(KadashError, match="no gross profit column"):
            tiers_by_period(
                lines.drop(columns=["profit", "profit_missing"]),
                Y2024,
                replace(Settings(), basis="profit"),
            )

    def test_empty_period(self):
        got = tiers_by_period(_tx([("A", "2024-01-02", 100)]), Y2025, Settings())
        assert got.empty and tuple(got.columns) == TIER_COLUMNS


# -- migration --------------------------------------------------------------------------------
# Absolute thresholds 100 / 10. A: 0→0; B: 1→0 (up); C: 0→2 (down); D: 1→lost; E: new→1;
# F: 2→2; H: a line on the last day of 2024 (60 → 1) and on the first of 2025 (3 → 2): down.
# G buys only in 2023: in neither period.
MIGRATION_LINES = _tx(
    [
        ("G", "2023-12-31", 500),
        ("A", "2024-03-01", 150),
        ("B", "2024-03-01", 50),
        ("C", "2024-03-01", 120),
        ("D", "2024-03-01", 20),
        ("F", "2024-03-01", 5),
        ("H", "2024-12-31", 60),
        ("A", "2025-03-01", 200, "North", "A Corp"),
        ("B", "2025-03-01", 120),
        ("C", "2025-03-01", 5),
        ("E", "2025-03-01", 30),
        ("F", "2025-03-01", 8),
        ("H", "2025-01-01", 3),
        ("G", "2026-01-01", 500),
    ]
)


@pytest.fixture(scope="module")
def hand_migration():
    first = tiers_by_period(MIGRATION_LINES, Y2024, ABSOLUTE)
    second = tiers_by_period(MIGRATION_LINES, Y2025, ABSOLUTE)
    return migration(first, second, ABSOLUTE.tier_count)


class TestMigration:
    def test_counts_matrix(self, hand_migration):
        m = hand_migration
        assert list(m.counts.index) == [0, 1, 2, "new"]
        assert list(m.counts.columns) == [0, 1, 2, "lost"]
        assert m.counts.to_numpy().tolist() == [
            [1, 0, 1, 0],  # A stays; C falls to 2
            [1, 0, 1, 1],  # B up; H down; D lost
            [0, 0, 1, 0],  # F stays
            [0, 1, 0, 0],  # E new in tier 1
        ]

    def test_revenue_matrix_second_period_lost_first(self, hand_migration):
        expected = np.array(
            [
                [200, 0, 5, 0],
                [120, 0, 3, 20],  # D's 20 is its first-period revenue
                [0, 0, 8, 0],
                [0, 30, 0, 0],
            ]
        )
        assert (hand_migration.revenue.to_numpy() == expected * UNIT).all()

    def test_moves(self, hand_migration):
        moves = hand_migration.moves
        assert tuple(moves.columns) == MOVE_COLUMNS
        assert moves["customer_id"].tolist() == ["A", "B", "C", "D", "E", "F", "H"]
        assert moves["kind"].tolist() == [
            "same",
            "upgraded",
            "downgraded",
            "lost",
            "new",
            "same",
            "downgraded",
        ]
        assert moves["from_tier"].tolist() == [0, 1, 0, 1, pd.NA, 2, 1]
        assert moves["to_tier"].tolist() == [0, 0, 2, pd.NA, 1, 2, 2]
        assert moves["revenue_first"].tolist() == [x * UNIT for x in (150, 50, 120, 20, 0, 5, 60)]
        assert moves["revenue_second"].tolist() == [x * UNIT for x in (200, 120, 5, 0, 30, 8, 3)]
        assert moves["change"].tolist() == [x * UNIT for x in (50, 70, -115, -20, 30, 3, -57)]
        assert moves["label"].tolist()[0] == "A Corp"  # the second period's name

    def test_summary(self, hand_migration):
        assert migration_summary(hand_migration) == {
            "upgraded": {"customers": 1, "revenue": 120 * UNIT},
            "downgraded": {"customers": 2, "revenue": 8 * UNIT},
            "new": {"customers": 1, "revenue": 30 * UNIT},
            "lost": {"customers": 1, "revenue": 20 * UNIT},
            "same": {"customers": 2, "revenue": 208 * UNIT},
        }

    def test_by_name(self, hand_migration):
        assert migration_by_name(hand_migration, ["Big", "Mid", "Small"]) == {
            "Big": {"Big": 1, "Mid": 0, "Small": 1, "lost": 0},
            "Mid": {"Big": 1, "Mid": 0, "Small": 1, "lost": 1},
            "Small": {"Big": 0, "Mid": 0, "Small": 1, "lost": 0},
            "new": {"Big": 0, "Mid": 1, "Small": 0, "lost": 0},
        }

    @pytest.mark.parametrize(
        "names,match",
        [
            (["A", "A", "C"], "must differ"),
            (["A", "new", "C"], "must differ"),
            (["A", "B"], "2 tier names given for 3 tiers"),
        ],
        ids=["repeated", "reserved", "count"],
    )
    def test_by_name_rejects_ambiguous_names(self, hand_migration, names, match):
        with pytest.raises(KadashError, match=match):
            migration_by_name(hand_migration, names)

    def test_bad_inputs(self):
        ok = _frame({"a": (1, 0)})
        with pytest.raises(ValueError, match="Customer 'a' appears twice in the first"):
            migration(pd.concat([ok, ok]), ok, 3)
        with pytest.raises(ValueError, match="second period's tiers run from 3 to 3"):
            migration(ok, _frame({"a": (1, 3)}), 3)
        with pytest.raises(ValueError, match="lacks the column"):
            migration(ok.drop(columns="tier"), ok, 3)

    def test_both_empty(self):
        m = migration(_frame({}), _frame({}), 2)
        assert m.counts.to_numpy().sum() == 0 and m.moves.empty
        assert migration_summary(m)["new"] == {"customers": 0, "revenue": 0}


_side = st.dictionaries(
    st.sampled_from("abcdefghij"),
    st.tuples(st.integers(-(10**6), 10**9), st.integers(0, 3)),
    max_size=10,
)


class TestMigrationProperties:
    @given(_side, _side)
    def test_each_customer_once_and_matrix_sums(self, one, two):
        m = migration(_frame(one), _frame(two), 4)
        union = set(one) | set(two)
        assert sorted(m.moves["customer_id"]) == sorted(union)
        assert int(m.counts.to_numpy().sum()) == len(union)
        counts = m.counts.to_numpy()
        # Row sums are the first period's tiers (new: second only); columns the second's.
        first_tiers = np.bincount(np.array([t for _, t in one.values()], dtype=int), minlength=4)
        second_tiers = np.bincount(np.array([t for _, t in two.values()], dtype=int), minlength=4)
        assert counts[:4].sum(axis=1).tolist() == first_tiers.tolist()
        assert counts[:, :4].sum(axis=0).tolist() == second_tiers.tolist()
        assert counts[4].sum() == len(set(two) - set(one))
        assert counts[:, 4].sum() == len(set(one) - set(two))
        assert counts[4, 4] == 0
        lost = sum(one[c][0] for c in set(one) - set(two))
        assert int(m.revenue.to_numpy().sum()) == sum(r for r, _ in two.values()) + lost
        summary = migration_summary(m)
        assert sum(v["customers"] for v in summary.values()) == len(union)

    @given(_side)
    def test_a_period_with_itself_is_diagonal(self, one):
        m = migration(_frame(one), _frame(one), 4)
        counts = m.counts.to_numpy()
        assert (counts == np.diag(np.diag(counts))).all()
        assert set(m.moves["kind"]) <= {"same"}
        assert (m.moves["change"] == 0).all()

    @given(st.permutations(range(len(MIGRATION_LINES))))
    def test_line_order_does_not_matter(self, order):
        shuffled = MIGRATION_LINES.iloc[list(order)].reset_index(drop=True)
        first = tiers_by_period(shuffled, Y2024, ABSOLUTE)
        second = tiers_by_period(shuffled, Y2025, ABSOLUTE)
        m = migration(first, second, 3)
        first0 = tiers_by_period(MIGRATION_LINES, Y2024, ABSOLUTE)
        second0 = tiers_by_period(MIGRATION_LINES, Y2025, ABSOLUTE)
        pd.testing.assert_frame_equal(m.counts, migration(first0, second0, 3).counts)


# -- at risk ----------------------------------------------------------------------------------
class TestAtRisk:
    def _risk(self, rows, **kwargs) -> pd.DataFrame:
        return at_risk(_tx(rows), Y2024, Y2025, ABSOLUTE, **kwargs)

    def test_a_fall_of_exactly_drop_is_not_more_than_drop(self):
        got = self._risk(
            [
                ("exact", "2024-05-01", 100),
                ("exact", "2025-05-01", 70),  # −30%: not more than 30%
                ("more", "2024-05-01", 100),
                ("more", "2025-05-01", 69.99),  # −30.01%
            ]
        )
        assert got["customer_id"].tolist() == ["more"]
        row = got.iloc[0]
        assert row["reasons"] == "revenue_drop"
        assert row["change_share"] == pytest.approx(-0.3001)
        assert row["revenue_at_stake"] == row["revenue_previous"] == 100 * UNIT
        assert tuple(got.columns) == AT_RISK_COLUMNS

    def test_absent_in_the_current_period_fell_100_percent(self):
        got = self._risk([("gone", "2024-05-01", 200), ("gone", "2024-05-11", 0.5)])
        assert got["customer_id"].tolist() == ["gone"]
        assert got["revenue_current"].tolist() == [0]
        assert got["change_share"].tolist() == [-1.0]
        # Counted to the last date in the data (its last line), not past it to the period's end.
        assert got["days_since_last"].tolist() == [0]
        assert np.isnan(got["median_gap"].iloc[0])  # two purchase days: no median gap
        later = self._risk(
            [("gone", "2024-05-01", 200), ("gone", "2024-05-11", 0.5)], as_of=date(2025, 12, 31)
        )
        assert later["days_since_last"].tolist() == [(date(2025, 12, 31) - date(2024, 5, 11)).days]

    def test_overdue_is_more_than_the_multiple_of_the_median_gap(self):
        # Purchase days 2024-12-22, 2025-01-01, 2025-01-11: gaps 10 and 10; revenue steady.
        rows = [("k", "2024-12-22", 100), ("k", "2025-01-01", 50), ("k", "2025-01-11", 50)]
        assert self._risk(rows, as_of=date(2025, 1, 31)).empty  # 20 days = 2 × 10
        got = self._risk(rows, as_of=date(2025, 2, 1))  # 21 days
        assert got["reasons"].tolist() == ["overdue"]
        assert got["days_since_last"].tolist() == [21]
        assert got["median_gap"].tolist() == [10.0]
        assert got["change_share"].tolist() == [0.0]
        assert self._risk(rows, as_of=date(2025, 2, 1), gap_multiple=2.1).empty  # 21 = 2.1 × 10

    def test_median_of_an_even_number_of_gaps(self):
        # Gaps 4, 10, 20, 30: median 15. Revenue 400 in each year.
        days = ["2024-11-01", "2024-11-05", "2024-11-15", "2024-12-05", "2025-01-04"]
        rows = [("k", d, 100 if d < "2025" else 400) for d in days]
        got = self._risk(rows, as_of=date(2025, 2, 4))
        assert got["median_gap"].tolist() == [15.0]
        assert got["days_since_last"].tolist() == [31]
        assert got["reasons"].tolist() == ["overdue"]  # 31 > 30
        assert self._risk(rows, as_of=date(2025, 2, 3)).empty  # 30 = 2 × 15

    def test_fewer_than_three_purchase_days_are_never_overdue(self):
        rows = [("two", "2024-01-05", 100), ("two", "2025-01-05", 100)]  # 360 days since
        assert self._risk(rows).empty
        # A credit note is not a purchase day: two sales and a return are still two days (as
        # three, gaps 12 and 2 would make 362 days since far more than 2 × the median).
        rows = [("two", "2024-12-20", 100), ("two", "2025-01-01", 100)]
        assert self._risk([*rows, ("two", "2025-01-03", -1)]).empty

    def test_a_credit_note_does_not_reset_the_clock(self):
        rows = [
            ("k", "2024-12-01", 100),
            ("k", "2024-12-11", 50),
            ("k", "2024-12-21", 50),
            ("k", "2025-01-01", 200),
            ("k", "2025-03-01", -1),
        ]
        got = self._risk(rows, as_of=date(2025, 3, 1))
        assert got["days_since_last"].tolist() == [59]
        assert got["median_gap"].tolist() == [10.0]  # gaps 10, 10, 11; not 59 to the return
        assert got["reasons"].tolist() == ["overdue"]

    def test_only_top_tiers_of_the_previous_period(self):
        rows = [
            ("top", "2024-05-01", 300),
            ("top", "2025-05-01", 100),
            ("mid", "2024-05-01", 50),  # tier 1: not a key account at top_tiers=1
            ("late", "2025-05-01", 900),  # top only in the current period
        ]
        assert self._risk(rows)["customer_id"].tolist() == ["top"]
        got = self._risk(rows, top_tiers=2)
        assert got["customer_id"].tolist() == ["top", "mid"]  # by revenue at stake
        assert got["tier"].tolist() == [0, 1]
        assert got["reasons"].tolist() == ["revenue_drop", "revenue_drop"]

    def test_both_reasons_and_the_order(self):
        rows = [
            ("big", "2024-03-01", 400),
            ("big", "2024-03-11", 400),
            ("big", "2024-03-21", 400),
            ("small", "2024-05-01", 150),
        ]
        got = self._risk(rows)
        assert got["customer_id"].tolist() == ["big", "small"]
        assert got["reasons"].tolist() == ["revenue_drop; overdue", "revenue_drop"]
        assert got["revenue_at_stake"].tolist() == [1200 * UNIT, 150 * UNIT]

    def test_field_filters_apply(self):
        rows = [
            ("k", "2024-05-01", 200, "North", ""),
            ("k", "2025-05-01", 200, "South", ""),
        ]
        lines = _tx(rows)
        assert at_risk(lines, Y2024, Y2025, ABSOLUTE).empty
        north = ABSOLUTE.with_filter("region", ["North"])
        assert at_risk(lines, Y2024, Y2025, north)["customer_id"].tolist() == ["k"]

    @pytest.mark.parametrize(
        "kwargs,match",
        [
            ({"top_tiers": 0}, "top_tiers must be at least 1"),
            ({"top_tiers": 1.5}, "whole number"),
            ({"drop": 1.5}, "drop is a share of revenue from 0 to 1"),
            ({"drop": -0.1}, "drop is a share"),
            ({"gap_multiple": 0}, "gap_multiple must be above 0"),
        ],
        ids=str,
    )
    def test_arguments_checked(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            self._risk([("k", "2024-05-01", 200)], **kwargs)


# -- the sample -------------------------------------------------------------------------------
def test_sample_new_and_lost_last_12_months_against_plain_pandas():
    raw = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["order_date"])
    last = raw["order_date"].max().date()
    previous, current = last_12_months(last)
    assert (previous.start, current.end) == (date(2024, 1, 1), date(2025, 12, 31))

    def ids(p: Period) -> set[str]:
        day = raw["order_date"].dt.date
        return set(raw.loc[(day >= p.start) & (day <= p.end), "customer_id"])

    before, now = ids(previous), ids(current)
    lines = load_transactions(SAMPLE).parsed.transactions
    settings = Settings()
    m = migration(
        tiers_by_period(lines, previous, settings),
        tiers_by_period(lines, current, settings),
        settings.tier_count,
    )
    summary = migration_summary(m)
    assert summary["new"]["customers"] == len(now - before) > 0
    assert summary["lost"]["customers"] == len(before - now) > 0
    assert len(m.moves) == len(before | now)
    assert summary["upgraded"]["customers"] > 0 and summary["downgraded"]["customers"] > 0


def test_at_risk_takes_the_previous_tiers_it_would_compute():
    """Handing at_risk the previous period's tiers (the pages have them cached) changes
    nothing but the work."""
    lines = load_transactions(SAMPLE).parsed.transactions
    previous, current = calendar_years(date(2024, 1, 1), date(2025, 12, 31))
    settings = Settings(scheme="ibm", cutoffs=(0.5, 0.75, 0.95))
    tiers = tiers_by_period(lines, previous, settings)
    own = at_risk(lines, previous, current, settings, top_tiers=2, drop=0.25)
    given_tiers = at_risk(
        lines, previous, current, settings, top_tiers=2, drop=0.25, previous_tiers=tiers
    )
    pd.testing.assert_frame_equal(own, given_tiers)
    assert len(own) > 0
