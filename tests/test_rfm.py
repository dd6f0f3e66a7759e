"""RFM scores and the CLV ("buy till you die") summary: hand-worked fixtures, a second
straightforward implementation, properties, and ``python -m kadash rfm``."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from kadash.cli import main
from kadash.customers import summarize_customers
from kadash.errors import KadashError
from kadash.exact import MONEY_SCALE
from kadash.ingest import load_transactions
from kadash.rfm import CLV_COLUMNS, clv_summary, recency_days, rfm_scores
from tests.conftest import SAMPLE

HEADER = b"\xef\xbb\xbfcustomer_id,frequency,recency,T,monetary_value\r\n"


def _customers(recency=None, frequency=None, monetary=None) -> pd.DataFrame:
    """A customer table with the three RFM inputs (each defaults to all zeros)."""
    n = len(next(v for v in (recency, frequency, monetary) if v is not None))
    return pd.DataFrame(
        {
            "customer_id": pd.array([f"c{i}" for i in range(n)], dtype="str"),
            "recency_days": np.array(recency or [0] * n, dtype=np.int64),
            "purchase_days": np.array(frequency or [0] * n, dtype=np.int64),
            "revenue": np.array(monetary or [0] * n, dtype=np.int64),
        }
    )


def _lines(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Transactions as :mod:`kadash.parse` gives them: (customer, date[ time], amount)."""
    ids, when, amounts = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "line": np.arange(2, len(rows) + 2, dtype=np.int64),
            "customer_id": pd.Series(ids, dtype="category"),
            "date": pd.to_datetime(list(when), format="ISO8601").to_numpy().astype("datetime64[s]"),
            "revenue": np.array([round(a * MONEY_SCALE) for a in amounts], dtype=np.int64),
        }
    )


def _summary(rows: list[tuple[str, int, int, int, float]]) -> pd.DataFrame:
    ids, frequency, recency, t, money = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="str"),
            "frequency": np.array(frequency, dtype=np.int64),
            "recency": np.array(recency, dtype=np.int64),
            "T": np.array(t, dtype=np.int64),
            "monetary_value": np.array(money, dtype=np.float64),
        }
    )


def reference_clv(lines: pd.DataFrame, end: date | None = None) -> pd.DataFrame:
    """The lifetimes / pymc-marketing recipe, spelled out with pandas groupbys: daily periods
    with summed values, the first period left out of the monetary mean, 0 without repeats."""
    frame = pd.DataFrame(
        {
            "customer_id": lines["customer_id"].astype(str).to_numpy(),
            "day": pd.to_datetime(lines["date"]).dt.floor("D").to_numpy(),
            "revenue": lines["revenue"].to_numpy(),
        }
    )
    end_ts = frame["day"].max() if end is None else pd.Timestamp(end)
    frame = frame[frame["day"] <= end_ts]
    daily = frame.groupby(["customer_id", "day"], as_index=False)["revenue"].sum()
    daily = daily.sort_values(["customer_id", "day"])
    rows = []
    for cid, days in daily.groupby("customer_id", sort=True):
        frequency = len(days) - 1
        repeat = int(days["revenue"].iloc[1:].sum())
        mean = round(Fraction(repeat, frequency)) if frequency else 0  # half to even
        rows.append(
            (
                cid,
                frequency,
                (days["day"].iloc[-1] - days["day"].iloc[0]).days,
                (end_ts - days["day"].iloc[0]).days,
                float(Fraction(mean, MONEY_SCALE)),
            )
        )
    if not rows:
        return clv_summary(lines.iloc[:0])
    return _summary(rows)


class TestRfmScores:
    @pytest.mark.parametrize(
        "values,expected",
        [
            ([10, 20, 20, 30, 40], [1, 2, 2, 4, 5]),  # ranks 1,2,2,4,5 of n = 5
            ([1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 3, 3, 4, 5]),  # 1 + ⌊5(r−1)/7⌋
            ([7, 6, 5], [4, 2, 1]),  # n = 3: ranks 3,2,1 → 1 + ⌊10/3⌋, 1 + ⌊5/3⌋, 1
            ([40, 10, 40, 40, 10, 20], [3, 1, 3, 3, 1, 2]),  # ranks 4,1,4,4,1,3
            ([-50, 0, 100, 100], [1, 2, 3, 3]),  # negative revenue ranks lowest
            ([5, 5, 5, 5], [1, 1, 1, 1]),  # one tie: everybody takes rank 1
            ([99], [1]),
        ],
        ids=["ties", "n7", "n3", "big-tie", "negative", "all-equal", "one"],
    )
    def test_hand_worked_monetary_and_frequency(self, values, expected):
        out = rfm_scores(_customers(monetary=values, frequency=values))
        assert out["m_score"].tolist() == expected
        assert out["f_score"].tolist() == expected

    @pytest.mark.parametrize(
        "days,expected",
        [
            # descending days: 20 → r 1, 10 → 2, 5 → 3, the two 0s → 4 (lowest of the tie)
            ([0, 0, 5, 10, 20], [4, 4, 3, 2, 1]),
            ([3, 1, 2, 0, 4], [2, 4, 3, 5, 1]),
            ([0, 30, 30, 60, 90, 365, 365], [5, 3, 3, 3, 2, 1, 1]),
        ],
        ids=["tie-at-recent", "distinct", "n7-ties"],
    )
    def test_recency_reversed(self, days, expected):
        assert rfm_scores(_customers(recency=days))["r_score"].tolist() == expected

    def test_frame_out(self):
        customers = _customers(
            recency=[0, 10, 20, 30, 40], frequency=[1, 3, 3, 5, 9], monetary=[5, 4, 3, 2, 1]
        ).set_axis([10, 11, 12, 13, 14])
        before = customers.copy()
        out = rfm_scores(customers)
        assert_frame_equal(customers, before)  # the input is left alone
        assert list(out.columns) == [*customers.columns, "r_score", "f_score", "m_score", "rfm"]
        assert list(out.index) == [10, 11, 12, 13, 14]
        assert all(out[c].dtype == np.int8 for c in ("r_score", "f_score", "m_score"))
        assert out["rfm"].tolist() == ["515", "424", "323", "242", "151"]
        assert pd.api.types.is_string_dtype(out["rfm"])

    def test_column_names_are_parameters(self):
        customers = pd.DataFrame({"r": [3, 2, 1, 0, 0], "f": [1, 2, 3, 4, 5], "m": [1] * 5})
        out = rfm_scores(customers, recency="r", frequency="f", monetary="m")
        assert out["rfm"].tolist() == ["111", "221", "331", "441", "451"]

    def test_empty_table(self):
        out = rfm_scores(_customers(recency=[]))
        assert out.empty and {"r_score", "rfm"} <= set(out.columns)

    @pytest.mark.parametrize(
        "frame,match",
        [
            (pd.DataFrame({"purchase_days": [1], "revenue": [1]}), "'recency_days'"),
            (
                pd.DataFrame(
                    {"recency_days": [1.0, None], "purchase_days": [1, 2], "revenue": [1, 2]}
                ),
                "'recency_days' has missing values",
            ),
            (
                pd.DataFrame({"recency_days": [1], "purchase_days": ["x"], "revenue": [1]}),
                "'purchase_days' must be numeric",
            ),
        ],
        ids=["missing", "nan", "text"],
    )
    def test_bad_input(self, frame, match):
        with pytest.raises(ValueError, match=match):
            rfm_scores(frame)

    def test_on_the_customer_table(self):
        lines = _lines(
            [
                ("A", "2024-01-01", 100.0),
                ("A", "2024-01-09", 50.0),
                ("B", "2024-01-05", 500.0),
                ("C", "2024-01-10", 20.0),
            ]
        )
        customers = summarize_customers(lines)
        customers["recency_days"] = recency_days(customers)
        out = rfm_scores(customers).set_index("customer_id")
        assert out["recency_days"].to_dict() == {"A": 1, "B": 5, "C": 0}
        # n = 3: R on days 1, 5, 0 → ranks 2, 1, 3; F on 2, 1, 1 → 3, 1, 1; M on 150, 500, 20
        assert out["rfm"].to_dict() == {"A": "242", "B": "114", "C": "411"}


class TestRecencyDays:
    def test_default_and_given_end(self):
        customers = pd.DataFrame(
            {
                "last_date": pd.to_datetime(
                    ["2024-01-10", "2024-03-01", "2024-02-29 15:00"], format="ISO8601"
                )
            }
        )
        assert recency_days(customers).tolist() == [51, 0, 1]
        assert recency_days(customers, end=date(2024, 3, 31)).tolist() == [81, 30, 31]
        assert recency_days(customers, end=pd.Timestamp("2024-03-01 09:00")).tolist() == [
            51,
            0,
            1,
        ]
        assert recency_days(customers).dtype == np.int64

    def test_end_before_a_last_purchase(self):
        customers = pd.DataFrame({"last_date": pd.to_datetime(["2024-01-10", "2024-03-01"])})
        with pytest.raises(KadashError, match=r"2024-02-01 is before .* \(2024-03-01\)"):
            recency_days(customers, end=date(2024, 2, 1))


# Hand-worked: A buys twice on Jan 1 (one purchase day), once on Jan 5, returns on Jan 10;
# B buys twice on Jan 3 only; C buys Jan 2 and Jan 20 (the last date in the data);
# D's repeat days average 0.00015 (→ 0.0002, half to even).
HAND = [
    ("A", "2024-01-01 09:00", 100.0),
    ("A", "2024-01-01 17:30", 50.0),
    ("B", "2024-01-03", 10.0),
    ("C", "2024-01-02", 100.0),
    ("A", "2024-01-05", 200.0),
    ("B", "2024-01-03", 20.0),
    ("A", "2024-01-10", -30.0),
    ("C", "2024-01-20", 40.0),
    ("D", "2024-01-04", 10.0),
    ("D", "2024-01-06", 0.0003),
    ("D", "2024-01-07", 0.0),
]


class TestClvSummary:
    @pytest.mark.parametrize(
        "end,expected",
        [
            (
                None,  # the last date in the data: Jan 20
                [
                    ("A", 2, 9, 19, 85.0),  # repeat days 200 and −30
                    ("B", 0, 0, 17, 0.0),
                    ("C", 1, 18, 18, 40.0),
                    ("D", 2, 3, 16, 0.0002),
                ],
            ),
            (
                date(2024, 1, 10),  # C's Jan 20 line is after the end
                [
                    ("A", 2, 9, 9, 85.0),
                    ("B", 0, 0, 7, 0.0),
                    ("C", 0, 0, 8, 0.0),
                    ("D", 2, 3, 6, 0.0002),
                ],
            ),
            (
                pd.Timestamp("2024-01-02 08:00"),  # the time of day is ignored; B and D drop
                [("A", 0, 0, 1, 0.0), ("C", 0, 0, 0, 0.0)],
            ),
            (
                date(2024, 1, 31),
                [
                    ("A", 2, 9, 30, 85.0),
                    ("B", 0, 0, 28, 0.0),
                    ("C", 1, 18, 29, 40.0),
                    ("D", 2, 3, 27, 0.0002),
                ],
            ),
        ],
        ids=["default-end", "end-cuts-lines", "end-drops-customers", "end-after-data"],
    )
    def test_hand_worked(self, end, expected):
        lines = _lines(HAND)
        before = lines.copy()
        out = clv_summary(lines, end=end)
        assert_frame_equal(out, _summary(expected))
        assert_frame_equal(lines, before)

    def test_matches_the_reference_on_the_hand_fixture(self):
        for end in (None, date(2024, 1, 10), date(2024, 1, 2)):
            assert_frame_equal(clv_summary(_lines(HAND), end=end), reference_clv(_lines(HAND), end))

    def test_end_before_every_line(self):
        with pytest.raises(KadashError, match=r"2023-12-31 is before the first line .*2024-01-01"):
            clv_summary(_lines(HAND), end=date(2023, 12, 31))

    def test_ids_sorted_as_text_and_kept_verbatim(self):
        rows = [("A1", "2024-01-01", 1.0), ("007", "2024-01-02", 2.0), ("00042", "2024-01-02", 3.0)]
        lines = _lines(rows)
        out = clv_summary(lines)
        assert out["customer_id"].tolist() == ["00042", "007", "A1"]
        plain = lines.assign(customer_id=lines["customer_id"].astype(str))
        assert_frame_equal(clv_summary(plain), out)

    def test_column_names_are_parameters(self):
        lines = _lines(HAND).rename(columns={"customer_id": "who", "date": "at", "revenue": "v"})
        out = clv_summary(lines, customer="who", when="at", value="v")
        assert_frame_equal(out, clv_summary(_lines(HAND)))

    def test_no_lines(self):
        out = clv_summary(_lines(HAND).iloc[:0])
        assert list(out.columns) == list(CLV_COLUMNS) and out.empty

    @pytest.mark.parametrize(
        "change,match",
        [
            (lambda f: f.drop(columns="date"), "'date'"),
            (lambda f: f.assign(revenue=f["revenue"] / 1.0), "must hold int64 minor units"),
        ],
        ids=["missing-column", "float-money"],
    )
    def test_bad_input(self, change, match):
        with pytest.raises(ValueError, match=match):
            clv_summary(change(_lines(HAND)))

    def test_sample_matches_the_reference(self):
        lines = load_transactions(SAMPLE).parsed.transactions
        for end in (None, date(2024, 6, 30)):
            out = clv_summary(lines, end=end)
            assert_frame_equal(out, reference_clv(lines, end))
        assert len(clv_summary(lines)) == lines["customer_id"].nunique()


_DAY0 = date(2024, 1, 1)
_random_lines = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "007", "0070", "Z", "中"]),
        st.integers(0, 40),  # day
        st.integers(0, 86_399),  # second of the day
        st.integers(-(10**8), 10**9),  # minor units
    ),
    min_size=1,
    max_size=60,
)


def _frame(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    ids, days, seconds, amounts = zip(*rows, strict=True)
    when = np.datetime64(_DAY0, "s") + np.array(days) * 86_400 + np.array(seconds)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype="category"),
            "date": when.astype("datetime64[s]"),
            "revenue": np.array(amounts, dtype=np.int64),
        }
    )


class TestClvProperties:
    @given(_random_lines, st.one_of(st.none(), st.integers(0, 50)))
    def test_matches_the_reference(self, rows, end_offset):
        lines = _frame(rows)
        first = min(day for _, day, _, _ in rows)
        end = None if end_offset is None else _DAY0 + timedelta(days=max(end_offset, first))
        assert_frame_equal(clv_summary(lines, end=end), reference_clv(lines, end))

    @given(_random_lines, st.randoms(use_true_random=False))
    def test_row_order_does_not_matter(self, rows, rnd):
        shuffled = list(rows)
        rnd.shuffle(shuffled)
        assert_frame_equal(clv_summary(_frame(rows)), clv_summary(_frame(shuffled)))

    @given(_random_lines)
    def test_invariants(self, rows):
        out = clv_summary(_frame(rows))
        assert (out["frequency"] >= 0).all() and (out["recency"] >= 0).all()
        assert (out["recency"] <= out["T"]).all()
        assert (out["frequency"] <= out["recency"]).all()  # distinct days within the span
        assert (out.loc[out["frequency"] == 0, ["recency", "monetary_value"]] == 0).all().all()


_values = st.lists(st.integers(-1000, 1000), min_size=1, max_size=40)


class TestScoreProperties:
    @given(_values)
    def test_scores_follow_the_formula(self, values):
        n = len(values)
        rank = pd.Series(values).rank(method="min").astype(int)
        out = rfm_scores(_customers(recency=values, monetary=values))
        assert out["m_score"].tolist() == [1 + 5 * (r - 1) // n for r in rank]
        reversed_rank = pd.Series(values).rank(method="min", ascending=False).astype(int)
        assert out["r_score"].tolist() == [1 + 5 * (r - 1) // n for r in reversed_rank]

    @given(_values)
    def test_range_monotone_and_ties(self, values):
        out = rfm_scores(_customers(recency=values, frequency=values, monetary=values))
        for column, sign in (("r_score", -1), ("f_score", 1), ("m_score", 1)):
            scores = out[column].to_numpy()
            assert ((scores >= 1) & (scores <= 5)).all()
            for i, vi in enumerate(values):
                for j, vj in enumerate(values):
                    if vi == vj:
                        assert scores[i] == scores[j]
                    elif sign * vi < sign * vj:
                        assert scores[i] <= scores[j]

    @given(_values, st.randoms(use_true_random=False))
    def test_row_order_does_not_matter(self, values, rnd):
        customers = _customers(recency=values, frequency=values[::-1], monetary=values)
        order = list(range(len(values)))
        rnd.shuffle(order)
        shuffled = rfm_scores(customers.iloc[order])
        assert_frame_equal(shuffled.sort_index(), rfm_scores(customers))

    @given(st.lists(st.integers(0, 10**6), min_size=5, max_size=40, unique=True))
    def test_distinct_values_fill_every_score(self, values):
        counts = rfm_scores(_customers(monetary=values))["m_score"].value_counts()
        assert sorted(counts.index) == [1, 2, 3, 4, 5]
        assert counts.max() - counts.min() <= 1


# ``python -m kadash rfm``: leading zeros in ids, several lines a day, a return.
CSV = """\
客戶編號,日期,金額
00042,2024-01-05,500.00
00042,2024-01-05,100.00
00042,2024-02-05,300.00
007,2024-01-10,150.00
00042,2024-03-01,-50.00
A1,2024-03-01,50.00
"""


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


class TestCli:
    def test_writes_the_summary(self, capsys, csv_path, tmp_path):
        out = tmp_path / "summary.csv"
        assert main(["rfm", str(csv_path), "--out", str(out)]) == 0
        assert capsys.readouterr().out == f"Wrote 3 customers to {out}\n"
        assert out.read_bytes() == HEADER + (
            b"00042,2,56,56,125.0\r\n"  # Jan 5 (600), Feb 5 (300), Mar 1 (−50): (300 − 50)/2
            b"007,0,0,51,0.0\r\n"
            b"A1,0,0,0,0.0\r\n"
        )

    def test_end_and_json(self, capsys, csv_path, tmp_path):
        out = tmp_path / "summary.csv"
        assert main(["rfm", str(csv_path), "--end", "2024-02-29", "--out", str(out), "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == {"customers": 2, "out": str(out)}
        assert out.read_bytes() == HEADER + b"00042,1,31,55,300.0\r\n007,0,0,50,0.0\r\n"

    def test_since_and_until_filter_lines(self, capsys, csv_path, tmp_path):
        out = tmp_path / "summary.csv"
        argv = ["rfm", str(csv_path), "--since", "2024-01-06", "--until", "2024-02-29"]
        assert main([*argv, "--out", str(out)]) == 0
        assert out.read_bytes() == HEADER + b"00042,0,0,0,0.0\r\n007,0,0,26,0.0\r\n"

    def test_out_dash_writes_stdout(self, capsys, csv_path):
        assert main(["rfm", str(csv_path), "--out", "-"]) == 0
        captured = capsys.readouterr()
        assert captured.out.encode("utf-8") == HEADER + (
            b"00042,2,56,56,125.0\r\n007,0,0,51,0.0\r\nA1,0,0,0,0.0\r\n"
        )
        assert captured.err == "Wrote 3 customers to -\n"  # stdout carries the CSV only

    def test_read_back_with_pandas(self, capsys, csv_path, tmp_path):
        out = tmp_path / "summary.csv"
        assert main(["rfm", str(csv_path), "--out", str(out)]) == 0
        back = pd.read_csv(out, encoding="utf-8-sig", dtype={"customer_id": str})
        assert back["customer_id"].tolist() == ["00042", "007", "A1"]
        assert list(back.columns) == list(CLV_COLUMNS)

    @pytest.mark.parametrize(
        "extra,message",
        [
            (["--end", "2024-13-01"], "kadash: error: '2024-13-01' is not a date"),
            (["--end", "2023-12-31"], "kadash: error: The end date 2023-12-31 is before"),
            (["--since", "soon"], "kadash: error: 'soon' is not a date"),
        ],
        ids=["bad-end", "end-before-data", "bad-since"],
    )
    def test_unusable_input_exits_2_with_one_line(self, capsys, csv_path, tmp_path, extra, message):
        out = tmp_path / "summary.csv"
        assert main(["rfm", str(csv_path), *extra, "--out", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith(message) and captured.err.count("\n") == 1
        assert not out.exists()

    def test_unwritable_out(self, capsys, csv_path, tmp_path):
        out = tmp_path / "missing-dir" / "summary.csv"
        assert main(["rfm", str(csv_path), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("kadash: error: Cannot write") and err.count("\n") == 1

    def test_out_is_required(self, capsys, csv_path):
        with pytest.raises(SystemExit) as exit_:
            main(["rfm", str(csv_path)])
        assert exit_.value.code == 2
        assert "--out" in capsys.readouterr().err

    def test_sample_file(self, capsys, tmp_path):
        out = tmp_path / "summary.csv"
        assert main(["rfm", str(SAMPLE), "--end", "2025-12-31", "--out", str(out)]) == 0
        lines = load_transactions(SAMPLE).parsed.transactions
        expected = reference_clv(lines, date(2025, 12, 31))
        assert capsys.readouterr().out == f"Wrote {len(expected):,} customers to {out}\n"
        back = pd.read_csv(
            io.BytesIO(out.read_bytes()), encoding="utf-8-sig", dtype={"customer_id": str}
        )
        back["customer_id"] = back["customer_id"].astype("str")
        assert_frame_equal(back, expected, check_dtype=False)
        assert out.read_bytes().startswith(HEADER)
