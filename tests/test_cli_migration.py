"""``python -m kadash migration``: the matrix by tier name, the summary, clean failures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kadash.cli import main
from kadash.ingest import load_transactions
from kadash.periods import custom, migration, migration_by_name, tiers_by_period
from kadash.settings import Settings

# Thresholds 100 / 10 (Big / Mid / Small). A: Big → Big; B: Mid → Big; C: Big → Small;
# D: Mid → lost; E: new → Mid; F: Small → Small; H: its lines sit on the last day of 2024 (60:
# Mid) and the first of 2025 (3: Small). G buys only outside both years; S only in the South.
CSV = """customer_id,customer_name,order_date,region,revenue
G,Gee,2023-12-31,North,500
A,Ay,2024-03-01,North,150
B,Bee,2024-03-01,North,50
C,Cee,2024-03-01,North,120
D,Dee,2024-03-01,North,20
F,Eff,2024-03-01,North,5
H,Aitch,2024-12-31,North,60
S,Ess,2024-05-01,South,150
A,Ay,2025-03-01,North,200
B,Bee,2025-03-01,North,120
C,Cee,2025-03-01,North,5
E,Ee,2025-03-01,North,30
F,Eff,2025-03-01,North,8
H,Aitch,2025-01-01,North,3
G,Gee,2026-01-01,North,500
"""
YEARS = ["--from", "2024-01-01:2024-12-31", "--to", "2025-01-01:2025-12-31"]
ABSOLUTE = ["--scheme", "absolute", "--thresholds", "100,10", "--names", "Big,Mid,Small"]


@pytest.fixture
def csv_path(tmp_path) -> Path:
    path = tmp_path / "tx.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture
def north(tmp_path) -> Path:
    path = tmp_path / "north.json"
    path.write_text(json.dumps({"filters": {"region": ["North"]}}), encoding="utf-8")
    return path


def _json(capsys, *argv: str) -> dict:
    assert main(["migration", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _exit_code(argv: list[str]) -> int:
    """The exit status, whether argparse exits (usage errors) or main returns it."""
    try:
        return main(argv)
    except SystemExit as done:
        return int(done.code)


class TestMigrationJson:
    def test_hand_worked(self, capsys, csv_path, north):
        out = _json(capsys, str(csv_path), *YEARS, *ABSOLUTE, "--settings", str(north))
        assert out["tiers"] == ["Big", "Mid", "Small"]
        assert out["matrix"] == {
            "Big": {"Big": 1, "Mid": 0, "Small": 1, "lost": 0},
            "Mid": {"Big": 1, "Mid": 0, "Small": 1, "lost": 1},
            "Small": {"Big": 0, "Mid": 0, "Small": 1, "lost": 0},
            "new": {"Big": 0, "Mid": 1, "Small": 0, "lost": 0},
        }
        assert out["summary"] == {
            "upgraded": {"customers": 1, "revenue": 120.0},  # B, in 2025
            "downgraded": {"customers": 2, "revenue": 8.0},  # C 5 + H 3
            "new": {"customers": 1, "revenue": 30.0},  # E
            "lost": {"customers": 1, "revenue": 20.0},  # D, in 2024
            "same": {"customers": 2, "revenue": 208.0},  # A 200 + F 8
        }
        assert out["from"] == {
            "start": "2024-01-01",
            "end": "2024-12-31",
            "label": "2024-01-01 – 2024-12-31",
            "customers": 6,
            "revenue": 405.0,
        }
        assert (out["to"]["customers"], out["to"]["revenue"]) == (6, 366.0)
        assert out["revenue_matrix"]["Mid"] == {
            "Big": 120.0,
            "Mid": 0.0,
            "Small": 3.0,
            "lost": 20.0,
        }
        assert out["settings"]["filters"] == {"region": ["North"]}

    def test_without_the_filter_the_south_customer_is_lost(self, capsys, csv_path):
        out = _json(capsys, str(csv_path), *YEARS, *ABSOLUTE)
        assert out["matrix"]["Big"]["lost"] == 1  # S: 150 in 2024, nothing in 2025
        assert out["summary"]["lost"] == {"customers": 2, "revenue": 170.0}

    def test_default_abc_matches_the_library(self, capsys, csv_path):
        out = _json(capsys, str(csv_path), *YEARS)
        lines = load_transactions(csv_path).parsed.transactions
        settings = Settings()
        first = tiers_by_period(lines, custom(date(2024, 1, 1), date(2024, 12, 31)), settings)
        second = tiers_by_period(lines, custom(date(2025, 1, 1), date(2025, 12, 31)), settings)
        expected = migration_by_name(migration(first, second, 3), ["A", "B", "C"])
        assert out["matrix"] == expected
        assert out["tiers"] == ["A", "B", "C"]
        # Hand check of the 2025 tiers: A 200, B 120, E 30 … of 366: A and B reach 80%.
        assert out["matrix"]["new"] == {"A": 0, "B": 1, "C": 0, "lost": 0}


class TestMigrationText:
    def test_matrix_and_moves(self, capsys, csv_path, north):
        args = [str(csv_path), *YEARS, *ABSOLUTE, "--settings", str(north)]
        assert main(["migration", *args]) == 0
        text = capsys.readouterr().out.splitlines()
        assert text[0] == "kadash migration — tx.csv"
        assert text[1].startswith(
            "From 2024-01-01 – 2024-12-31 (6 customers) to 2025-01-01 – 2025-12-31 (6 customers)"
        )
        start = text.index(
            "Customers by tier (rows: tier in the first period; columns: tier in the second):"
        )
        assert text[start + 1 : start + 6] == [
            "         Big  Mid  Small  Lost",
            "  Big      1    0      1     0",
            "  Mid      1    0      1     1",
            "  Small    0    0      1     0",
            "  New      0    1      0     0",
        ]
        start = text.index(
            "Moves (revenue in the second period; for lost customers, in the first):"
        )
        assert text[start + 1 :] == [
            "              Customers  Revenue",
            "  Upgraded            1   120.00",
            "  Downgraded          2     8.00",
            "  New                 1    30.00",
            "  Lost                1    20.00",
            "  Same tier           2   208.00",
        ]

    def test_translated(self, capsys, csv_path):
        assert main(["migration", str(csv_path), *YEARS, *ABSOLUTE, "--lang", "zh-Hant"]) == 0
        text = capsys.readouterr().out
        assert "新客戶" in text and "流失" in text and "升級" in text


class TestMigrationFailures:
    @pytest.mark.parametrize(
        "args,message",
        [
            (["--from", "2024-01-01", "--to", YEARS[3]], "'2024-01-01' is not a period"),
            (["--from", "2024-02-30:2024-12-31", "--to", YEARS[3]], "is not a period"),
            (["--from", "2024-12-31:2024-01-01", "--to", YEARS[3]], "after its end 2024-01-01"),
            ([*YEARS, "--names", "A,lost,C"], "must differ from one another"),
            ([*YEARS, "--since", "2024-01-01"], "--since and --until do not apply"),
            ([*YEARS, "--export", "out.xlsx"], "--export applies to report only"),
            (
                ["--from", "2020-01-01:2020-12-31", "--to", "2021-01-01:2021-12-31"],
                "Neither period has a line",
            ),
            (["--from", YEARS[1]], "the following arguments are required: --to"),
        ],
        ids=[
            "one-date",
            "bad-date",
            "reversed",
            "reserved-name",
            "since",
            "export",
            "empty",
            "no-to",
        ],
    )
    def test_exit_2_with_one_line(self, capsys, csv_path, args, message):
        assert _exit_code(["migration", str(csv_path), *args]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
