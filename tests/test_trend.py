"""Concentration per period, against hand-made lines and a plain pandas aggregation.

The expectations aggregate with ``pandas.Period`` (a second, straightforward way of putting a
date in its month / quarter / year) and apply the functions of :mod:`kadash.concentration` to
each period's customers, ranked by :func:`~kadash.concentration.rank_customers`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.concentration import customers_for_share, gini, hhi, rank_customers, top_share
from kadash.figures import trend_figure
from kadash.i18n import Translator
from kadash.trend import complete_ends, concentration_trend, trend_table

UNIT = 10_000  # minor units per currency unit


def lines_frame(rows: list[tuple[str, str, float]], *, categorical: bool = False) -> pd.DataFrame:
    """Lines from ``(customer, "YYYY-MM-DD", amount)``, amounts in currency units."""
    ids = [r[0] for r in rows]
    return pd.DataFrame(
        {
            "customer_id": pd.Categorical(ids) if categorical else pd.array(ids, dtype="str"),
            "date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[s]"),
            "revenue": np.array([round(r[2] * UNIT) for r in rows], dtype=np.int64),
            "profit": np.array([round(r[2] * UNIT) // 4 for r in rows], dtype=np.int64),
        }
    )


# Across every boundary: the last day of 2023 and of 2024 Q1 (and of March), the first day of
# 2024, of Q2 and of April; May 2024 has no line; returns and a customer netting to 0.
LINES = lines_frame(
    [
        ("A", "2023-11-15", 500),
        ("B", "2023-12-31", 300),
        ("A", "2024-01-01", 200),
        ("C", "2024-01-20", 100),
        ("B", "2024-03-31", 50),
        ("A", "2024-03-31", 400),
        ("C", "2024-04-01", 70),
        ("D", "2024-04-01", 30),
        ("D", "2024-04-15", -30),  # D nets to 0 in April and in Q2
        ("B", "2024-06-30", 20),
        ("A", "2024-06-02", -10),  # a return: A is negative in June
        ("E", "2024-07-03", 90),
    ]
)


def expected_trend(
    lines: pd.DataFrame, freq: str, value: str = "revenue", top="0.2", share="0.8"
) -> pd.DataFrame:
    """Plain pandas: each line's ``Period``, sums per (period, customer), every period from the
    first to the last, the concentration functions on each period's ranked customers."""
    code = {"month": "M", "quarter": "Q", "year": "Y"}[freq]
    periods = lines["date"].dt.to_period(code)
    sums = lines.groupby([periods, lines["customer_id"].astype(str)])[value].sum()
    rows = []
    for period in pd.period_range(periods.min(), periods.max(), freq=code):
        if period in sums.index.get_level_values(0):
            customers = sums.loc[period].rename_axis("customer_id").reset_index()
        else:
            customers = pd.DataFrame({"customer_id": [], value: []})
        ranked = rank_customers(customers.astype({value: "int64"}), value)
        values = ranked[value].to_numpy(dtype=np.int64)
        label = {
            "month": f"{period.year}-{period.month:02d}",
            "quarter": f"{period.year} Q{period.quarter}",
            "year": str(period.year),
        }[freq]
        rows.append(
            {
                "period": label,
                "start": period.start_time.normalize(),
                "end": period.end_time.normalize(),
                "customers": len(values),
                value: int(values.sum()),
                "gini": gini(values),
                "hhi": hhi(values),
                "top_share": top_share(values, top) if len(values) else None,
                "customers_for_share": customers_for_share(values, share),
            }
        )
    out = pd.DataFrame(rows)
    for name in ("gini", "hhi", "top_share"):
        out[name] = out[name].astype("float64")
    out["customers_for_share"] = out["customers_for_share"].astype("Int64")
    return out


def _compare(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.drop(columns="partial").assign(period=lambda f: f["period"].astype(str))
    want = want.assign(
        start=want["start"].astype("datetime64[s]"), end=want["end"].astype("datetime64[s]")
    )
    pd.testing.assert_frame_equal(
        got, want, check_dtype=False, check_exact=False, rtol=1e-12, atol=1e-15
    )


class TestPeriods:
    def test_quarter_boundaries_are_inclusive(self):
        trend = concentration_trend(LINES, freq="quarter")
        assert trend["period"].tolist() == ["2023 Q4", "2024 Q1", "2024 Q2", "2024 Q3"]
        q1 = trend.set_index("period").loc["2024 Q1"]
        # A: 200 + 400 (its 2024-03-31 line is in Q1), B: 50, C: 100 → 750.
        assert (q1["customers"], q1["revenue"]) == (3, 750 * UNIT)
        assert (q1["start"], q1["end"]) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31"))
        q2 = trend.set_index("period").loc["2024 Q2"]
        # C 70 and D 30 - 30 (on 2024-04-01), B 20, A -10 → four customers, net 80.
        assert (q2["customers"], q2["revenue"]) == (4, 80 * UNIT)

    def test_year_boundary(self):
        trend = concentration_trend(LINES, freq="year")
        assert trend["period"].tolist() == ["2023", "2024"]
        assert trend["revenue"].tolist() == [800 * UNIT, 920 * UNIT]
        assert trend["end"].tolist() == [pd.Timestamp("2023-12-31"), pd.Timestamp("2024-12-31")]

    def test_month_labels_and_ends(self):
        trend = concentration_trend(LINES, freq="month")
        assert trend["period"].tolist()[:5] == [
            "2023-11",
            "2023-12",
            "2024-01",
            "2024-02",
            "2024-03",
        ]
        assert trend.loc[trend["period"] == "2024-02", "end"].item() == pd.Timestamp("2024-02-29")

    def test_leap_day_and_year_end_dates(self):
        lines = lines_frame([("A", "2024-02-29", 1), ("A", "2024-12-31", 1)])
        trend = concentration_trend(lines, freq="month")
        assert trend[["period", "customers"]].iloc[[0, -1]].values.tolist() == [
            ["2024-02", 1],
            ["2024-12", 1],
        ]

    @pytest.mark.parametrize("freq", ["month", "quarter", "year"])
    def test_against_plain_pandas(self, freq):
        _compare(concentration_trend(LINES, freq=freq), expected_trend(LINES, freq))

    @pytest.mark.parametrize(
        ("top", "share"), [("0.5", "0.5"), (0.07, 0.95), ("1", "1")], ids=["half", "odd", "all"]
    )
    def test_other_shares(self, top, share):
        got = concentration_trend(LINES, freq="quarter", top=top, share=share)
        _compare(got, expected_trend(LINES, "quarter", top=top, share=share))

    def test_gross_profit_names_its_column(self):
        got = concentration_trend(LINES, freq="quarter", value="profit")
        assert "profit" in got.columns and "revenue" not in got.columns
        _compare(got, expected_trend(LINES, "quarter", value="profit"))

    def test_categorical_ids_give_the_same_trend(self):
        rows = [
            (str(c), str(d.date()), v / UNIT)
            for c, d, v in LINES[["customer_id", "date", "revenue"]].itertuples(index=False)
        ]
        as_category = lines_frame(rows, categorical=True)
        pd.testing.assert_frame_equal(
            concentration_trend(as_category, freq="month"), concentration_trend(LINES, freq="month")
        )


class TestEmptyAndUndefined:
    def test_a_month_without_lines_is_a_row_with_no_measures(self):
        may = concentration_trend(LINES, freq="month").set_index("period").loc["2024-05"]
        assert (may["customers"], may["revenue"], may["partial"]) == (0, 0, False)
        assert np.isnan([may["gini"], may["hhi"], may["top_share"]]).all()
        assert may["customers_for_share"] is pd.NA

    def test_a_period_netting_to_zero_has_no_shares(self):
        lines = lines_frame(
            [("A", "2024-01-05", 10), ("A", "2024-02-05", -10), ("B", "2024-04-01", 5)]
        )
        q1 = concentration_trend(lines, freq="quarter").iloc[0]
        assert (q1["customers"], q1["revenue"]) == (1, 0)
        assert np.isnan(q1["top_share"]) and q1["customers_for_share"] is pd.NA

    def test_negative_customers_count_but_gini_leaves_them_out(self):
        june = concentration_trend(LINES, freq="month").set_index("period").loc["2024-06"]
        # B 20, A -10: two customers; the top 20% is ceil(0.4) = 1 customer = all of P.
        assert june["customers"] == 2
        assert (june["top_share"], june["customers_for_share"]) == (1.0, 1)
        assert june["gini"] == 0.0 and june["hhi"] == 1.0  # B alone among values ≥ 0

    def test_no_lines(self):
        trend = concentration_trend(LINES.iloc[0:0])
        assert trend.empty
        assert list(trend.columns) == list(concentration_trend(LINES).columns)

    def test_no_lines_with_covered_dates_gives_empty_periods(self):
        trend = concentration_trend(
            LINES.iloc[0:0], freq="quarter", start=date(2024, 1, 1), end=date(2024, 6, 30)
        )
        assert trend["period"].tolist() == ["2024 Q1", "2024 Q2"]
        assert trend["customers"].tolist() == [0, 0]


class TestPartial:
    def test_first_and_last_periods_cut_by_the_data(self):
        # Data from 2023-11-15 to 2024-07-03.
        trend = concentration_trend(LINES, freq="quarter")
        assert trend["partial"].tolist() == [True, False, False, True]
        assert concentration_trend(LINES, freq="year")["partial"].tolist() == [True, True]
        months = concentration_trend(LINES, freq="month")
        assert months.loc[months["partial"], "period"].tolist() == ["2023-11", "2024-07"]

    def test_data_ending_on_a_period_end_is_complete(self):
        lines = lines_frame([("A", "2024-01-01", 1), ("B", "2024-06-30", 1)])
        assert not concentration_trend(lines, freq="quarter")["partial"].any()

    def test_covered_dates_decide(self):
        # Nobody bought on 2024-01-01 or after 2024-07-03, but the export covers all 2024.
        trend = concentration_trend(
            LINES.iloc[2:], freq="quarter", start=date(2024, 1, 1), end=date(2024, 12, 31)
        )
        assert trend["period"].tolist() == ["2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4"]
        assert not trend["partial"].any()
        assert trend["customers"].tolist()[-1] == 0

    def test_complete_ends(self):
        first, last = complete_ends(concentration_trend(LINES, freq="month"))
        assert (first["period"], last["period"]) == ("2023-12", "2024-06")
        assert complete_ends(concentration_trend(LINES, freq="year")) is None


class TestErrors:
    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            (dict(freq="week"), "Unknown period 'week'"),
            (dict(value="margin"), "no column 'margin'"),
            (dict(top=0), "share of customers must be in"),
            (dict(share=1.5), "share of value must be in"),
            (dict(start=date(2024, 1, 1)), "outside the covered dates"),
            (dict(start=date(2025, 1, 1), end=date(2024, 1, 1)), "run backwards"),
        ],
        ids=["freq", "column", "top", "share", "outside", "backwards"],
    )
    def test_precise_messages(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            concentration_trend(LINES, **kwargs)

    def test_blank_customer(self):
        lines = LINES.assign(customer_id=LINES["customer_id"].astype(object))
        lines.loc[0, "customer_id"] = None
        with pytest.raises(ValueError, match="no 'customer_id'"):
            concentration_trend(lines)

    def test_does_not_mutate_input(self):
        before = LINES.copy()
        concentration_trend(LINES, freq="month")
        pd.testing.assert_frame_equal(LINES, before)


class TestSumsStayExact:
    """Sums are dense float sums only where those are exact; else a hashed group-by."""

    def test_amounts_too_large_for_float_sums(self):
        # 2**53 + 1 cannot be held by a float64; the group-by keeps it.
        lines = LINES.assign(revenue=LINES["revenue"] + (1 << 53))
        trend = concentration_trend(lines, freq="year")
        by_year = lines.groupby(lines["date"].dt.year)["revenue"].sum().tolist()
        assert trend["revenue"].tolist() == by_year
        _compare(trend, expected_trend(lines, "year"))

    def test_grid_too_large(self, monkeypatch):
        dense = concentration_trend(LINES, freq="month")
        monkeypatch.setattr("kadash.trend._GRID_CELLS", 0)
        pd.testing.assert_frame_equal(concentration_trend(LINES, freq="month"), dense)

    def test_still_exact_after_many_lines(self):
        # Amounts just under the float limit in total: exact to the last minor unit.
        n = 4_000
        lines = pd.DataFrame(
            {
                "customer_id": pd.array([f"C{i % 7}" for i in range(n)], dtype="str"),
                "date": pd.to_datetime(["2024-01-01"] * n).astype("datetime64[s]"),
                "revenue": np.full(n, (1 << 52) // n - 3, dtype=np.int64),
            }
        )
        assert concentration_trend(lines, freq="year")["revenue"].item() == n * ((1 << 52) // n - 3)


class TestTable:
    def test_headers_units_and_blanks(self):
        t = Translator("en")
        table = trend_table(concentration_trend(LINES, freq="month"), t=t)
        assert list(table.columns) == [
            "Period",
            "Start",
            "End",
            "Partial period",
            "Customers",
            "Revenue",
            "Top 20% share",
            "Customers for 80%",
            "Gini",
            "HHI (points)",
        ]
        june = table.set_index("Period").loc["2024-06"]
        assert june["Start"] == date(2024, 6, 1)
        assert june["Revenue"] == Decimal("10.0000")
        assert june["HHI (points)"] == 10_000
        may = table.set_index("Period").loc["2024-05"]
        assert may["Gini"] is None and may["Top 20% share"] is None


_LINE = st.tuples(
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.dates(min_value=date(2023, 12, 20), max_value=date(2024, 4, 10)),
    st.integers(-500, 5_000),
)


@given(rows=st.lists(_LINE, min_size=1, max_size=40), rnd=st.randoms())
@pytest.mark.parametrize("freq", ["month", "quarter"])
def test_row_order_does_not_matter(freq, rows, rnd):
    lines = lines_frame([(c, d.isoformat(), v) for c, d, v in rows])
    shuffled = lines.sample(frac=1, random_state=rnd.randint(0, 2**32 - 1)).reset_index(drop=True)
    first, again = concentration_trend(lines, freq=freq), concentration_trend(shuffled, freq=freq)
    pd.testing.assert_frame_equal(first, again)
    assert first["revenue"].sum() == lines["revenue"].sum()
    _compare(first, expected_trend(lines, freq))


class TestFigure:
    def test_partial_periods_are_hollow_and_dashed(self):
        trend = concentration_trend(LINES, freq="quarter")
        fig = trend_figure(trend, t=Translator("en"), measure="top_share")
        hollow = [tr for tr in fig.data if tr.marker.symbol == "circle-open"]
        assert len(hollow) == 1 and hollow[0].name.startswith("Partial period")
        shown = [v for v in hollow[0].y if v == v]  # the two partial quarters only
        assert shown == trend.loc[trend["partial"], "top_share"].tolist()
        dashed = next(tr for tr in fig.data if tr.line.dash == "dash")
        assert sum(v == v for v in dashed.y) == 4  # both ends and their neighbours
        assert fig.layout.yaxis.tickformat == ".0%"

    def test_one_panel_per_measure_and_gaps_for_empty_periods(self):
        trend = concentration_trend(LINES, freq="month")
        fig = trend_figure(trend, t=Translator("en"), measure=["hhi", "customers_for_share"])
        assert fig.layout.yaxis2.domain is not None
        solid = [tr for tr in fig.data if tr.name == "HHI (points)"]
        may = trend["period"].tolist().index("2024-05")
        assert solid[0].y[may] != solid[0].y[may]  # NaN: a gap, not a zero
        june = trend["period"].tolist().index("2024-06")
        assert solid[0].y[june] == 10_000

    def test_unknown_measure(self):
        with pytest.raises(ValueError, match="Unknown trend measure 'mean'"):
            trend_figure(concentration_trend(LINES), t=Translator("en"), measure="mean")
