"""``python -m kadash report``: the numbers the definitions say, and clean failures."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kadash.cli import main
from kadash.i18n import translator
from kadash.ingest import load_transactions
from kadash.report import analyse, report_dict
from kadash.settings import Settings
from tests.conftest import ROOT, SAMPLE

# Chinese headers (auto-detected); three bad lines; a blank profit; a negative customer.
FIXTURE = """\
客戶編號,日期,金額,毛利
00042,2024-01-05,500.00,100.00
00042,2024-02-05,300.00,50.00
00007,2024-01-10,150.00,
A1,2024-03-01,50.00,-10.00
,2024-03-02,10,1
B2,2024-13-01,10,1
C3,2024-03-03,abc,1
D4,2024-03-04,-20.00,-5.00
"""


@pytest.fixture
def fixture_csv(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def _json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0

    def strict(constant: str) -> None:
        raise AssertionError(f"{constant} is not valid JSON")

    return json.loads(capsys.readouterr().out, parse_constant=strict)


class TestReportJson:
    def test_hand_worked_numbers(self, capsys, fixture_csv):
        out = _json(capsys, "report", str(fixture_csv))
        assert out["basis"] == "revenue"
        assert out["mapping"] == {
            "customer_id": "客戶編號",
            "date": "日期",
            "revenue": "金額",
            "profit": "毛利",
        }
        assert (out["rows_read"], out["rows_accepted"], out["rows_rejected"]) == (8, 5, 3)
        assert out["rejected_by_reason"] == {
            "repeated_header_row": 0,
            "total_row": 0,
            "blank_customer_id": 1,
            "unreadable_date": 1,
            "unreadable_amount": 1,
            "too_many_fields": 0,
        }
        assert out["unreadable_profit"] == 0
        # How the file was read, and the money on either side of the line.
        assert (out["encoding"], out["delimiter"], out["decimal_mark"]) == ("utf-8", ",", ".")
        assert out["date_order"] is None
        assert out["revenue_accepted"] == 980.0
        assert out["revenue_rejected"] == 20.0  # blank id (10) + bad date (10); "abc" unknown
        assert (out["gross_sales"], out["returns"]) == (1000.0, -20.0)
        assert out["revenue_by_month"] == {"2024-01": 650.0, "2024-02": 300.0, "2024-03": 30.0}
        assert out["missing_profit"] == 1
        assert out["customers"] == 4
        assert out["total_revenue"] == 980.0
        assert out["total_profit"] == 135.0
        assert (out["date_min"], out["date_max"]) == ("2024-01-05", "2024-03-04")
        # P = 1000 (positive customers); the top ceil(p·4) = 1 customer for every p ≤ 0.25.
        assert out["top_share"] == {"0.01": 0.8, "0.05": 0.8, "0.1": 0.8, "0.2": 0.8}
        assert out["top_n_share"] == {"1": 0.8, "5": None, "10": None}  # only 4 customers
        assert out["customers_for_share"] == {"0.5": 1, "0.8": 1, "0.95": 2}
        assert out["gini"] == pytest.approx(0.5)  # over 50, 150, 800
        assert out["hhi"] == pytest.approx(0.64 + 0.0225 + 0.0025)
        assert out["negative_customers"] == 1
        assert [m["customer_id"] for m in out["major_customers"]] == ["00042", "00007"]
        assert out["tiers"] == [
            {
                "id": "t1",
                "name": "A",
                "customers": 1,
                "customer_share": 0.25,
                "revenue": 800.0,
                "revenue_share": 0.8,
                "profit": 150.0,
                "profit_share": 1.0,
            },
            {
                "id": "t2",
                "name": "B",
                "customers": 1,
                "customer_share": 0.25,
                "revenue": 150.0,
                "revenue_share": 0.15,
                "profit": 0.0,
                "profit_share": 0.0,
            },
            {
                "id": "t3",
                "name": "C",
                "customers": 2,
                "customer_share": 0.5,
                "revenue": 30.0,
                "revenue_share": 0.03,
                "profit": -15.0,
                "profit_share": -0.1,
            },
        ]
        assert out["settings"]["scheme"] == "abc"

    def test_count_scheme(self, capsys, fixture_csv):
        out = _json(capsys, "report", str(fixture_csv), "--scheme", "count")
        # ceil(0.2·4) = 1 and ceil(0.5·4) = 2 customers.
        assert [t["customers"] for t in out["tiers"]] == [1, 1, 2]
        assert [t["name"] for t in out["tiers"]] == ["Top", "Middle", "Rest"]

    def test_custom_cutoffs_and_names(self, capsys, fixture_csv):
        out = _json(
            capsys,
            "report",
            str(fixture_csv),
            "--scheme",
            "cumulative",
            "--cutoffs",
            "0.7",
            "--names",
            "Key,Rest",
        )
        assert [(t["name"], t["customers"]) for t in out["tiers"]] == [("Key", 1), ("Rest", 3)]
        assert out["settings"]["cutoffs"] == [0.7]

    def test_absolute_thresholds(self, capsys, fixture_csv):
        out = _json(
            capsys, "report", str(fixture_csv), "--scheme", "absolute", "--thresholds", "500,100"
        )
        # Customers worth 800, 150, 50 and −20: ≥ 500 → t1, ≥ 100 → t2, the rest → t3.
        assert [t["customers"] for t in out["tiers"]] == [1, 1, 2]
        assert [t.get("threshold") for t in out["tiers"]] == [500.0, 100.0, None]
        assert out["settings"]["thresholds"] == [500.0, 100.0]
        assert out["computed_limits"] is None

    def test_computed_limits_in_the_json(self, capsys, fixture_csv):
        out = _json(capsys, "report", str(fixture_csv), "--scheme", "computed")
        # Curve over 800, 150, 50 (−20 left out, in C): Pareto point and break-even are both
        # the first customer; beyond it the point nearest (1/3, 1) is that customer again, so
        # B is empty.
        limits = out["computed_limits"]
        assert (limits["a_customers"], limits["b_customers"], limits["c_customers"]) == (1, 0, 3)
        assert (limits["pareto_point"], limits["break_even_point"]) == (1, 1)
        assert limits["a_share"] == 0.8 and limits["a_min_value"] == 800.0
        assert limits["negative_customers"] == 1
        assert [t["name"] for t in out["tiers"]] == ["A", "B", "C"]
        assert [t["customers"] for t in out["tiers"]] == [1, 0, 3]

    def test_computed_on_the_sample(self, capsys):
        out = _json(capsys, "report", str(SAMPLE), "--scheme", "computed")
        limits = out["computed_limits"]
        assert limits["defined"] and 0 < limits["a_share"] < limits["ab_share"] <= 1
        counts = [t["customers"] for t in out["tiers"]]
        assert counts == [limits["a_customers"], limits["b_customers"], limits["c_customers"]]

    def test_profit_basis(self, capsys, fixture_csv):
        out = _json(capsys, "report", str(fixture_csv), "--basis", "profit")
        # Profits 150, 0, −5, −10: P = 150 and the customer with 150 is the whole top.
        assert out["basis"] == "profit"
        assert out["top_n_share"]["1"] == 1.0
        assert out["negative_customers"] == 2
        assert out["tiers"][0]["customers"] == 1

    def test_explicit_columns_and_dates(self, capsys, tmp_path):
        path = tmp_path / "odd.csv"
        path.write_text("who,when,how much\nx,2024-01-01,1\ny,2024-06-01,3\n", encoding="utf-8")
        out = _json(
            capsys,
            "report",
            str(path),
            "--customer",
            "who",
            "--date",
            "when",
            "--amount",
            "how much",
            "--since",
            "2024-02-01",
        )
        assert out["customers"] == 1
        assert out["total_revenue"] == 3.0
        assert out["total_profit"] is None
        assert out["tiers"][0]["profit"] is None

    def test_chinese_tier_names(self, capsys, fixture_csv):
        out = _json(capsys, "report", str(fixture_csv), "--scheme", "ibm", "--lang", "zh-Hant")
        assert [t["name"] for t in out["tiers"]] == ["鑽石", "黃金", "白銀", "其他"]

    def test_sample_top_tier_matches_customers_needed(self, capsys):
        out = _json(capsys, "report", str(SAMPLE))
        assert out["rows_rejected"] == 0
        assert out["tiers"][0]["customers"] == out["customers_for_share"]["0.8"]


class TestReportText:
    def test_readable_summary(self, capsys, fixture_csv):
        assert main(["report", str(fixture_csv)]) == 0
        text = capsys.readouterr().out
        assert "8 read, 5 accepted, 3 rejected" in text
        assert "The top 20% of customers (1 of 4) bring 80.0% of revenue." in text
        assert "1 customer (25.0% of all) makes 80% of revenue." in text


class TestFailures:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--cutoffs", "0.9,0.5"], "Cut-offs must increase"),
            (["--cutoffs", "x"], "'x' is not a number"),
            (["--names", "A,B"], "2 tier names given for 3 tiers"),
            (["--customer", "nope"], "Column 'nope' (for customer_id) is not in the file"),
            (["--since", "2024-99-01"], "is not a date"),
            (["--cutoffs", "0.8,nan"], "'nan' is not a number"),
            (["--cutoffs", "0.8,inf"], "'inf' is not a number"),
            (["--settings", "/nonexistent/settings.json"], "Cannot read /nonexistent"),
            (["--scheme", "absolute"], "needs thresholds"),
            (["--scheme", "absolute", "--thresholds", "1,2"], "Thresholds must decrease"),
            (["--scheme", "absolute", "--thresholds", "1,x"], "'x' is not a number"),
            (["--scheme", "absolute", "--thresholds", "1,000,000"], "without thousands separators"),
            (
                ["--scheme", "absolute", "--thresholds", "1e15,1"],
                "Each threshold must be an amount",
            ),
            (["--scheme", "absolute", "--thresholds", "10,-5"], "Each threshold must be an amount"),
            (["--thresholds", "500,100"], "--thresholds applies to --scheme absolute only"),
            (["--scheme", "computed", "--cutoffs", "0.7,0.9"], "--cutoffs does not apply"),
        ],
    )
    def test_bad_options_exit_2_with_one_line(self, capsys, fixture_csv, args, message):
        assert main(["report", str(fixture_csv), *args]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert err.count("\n") == 1 and err.startswith("kadash: error: ")

    def test_missing_file(self, capsys, tmp_path):
        assert main(["report", str(tmp_path / "none.csv")]) == 2
        assert "Cannot read" in capsys.readouterr().err

    def test_unrecognised_columns(self, capsys, tmp_path):
        path = tmp_path / "x.csv"
        path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
        assert main(["report", str(path)]) == 2
        assert "No column chosen for: customer_id, date, revenue" in capsys.readouterr().err

    def test_profit_basis_without_profit_column(self, capsys, tmp_path):
        path = tmp_path / "x.csv"
        path.write_text("customer,date,amount\nx,2024-01-01,1\n", encoding="utf-8")
        assert main(["report", str(path), "--basis", "profit"]) == 2
        assert "no gross profit column" in capsys.readouterr().err

    def test_wrong_encoding_forced(self, capsys, tmp_path):
        path = tmp_path / "big5.csv"
        path.write_bytes("客戶,日期,金額\nA,2024-01-01,1\n".encode("big5"))
        assert main(["report", str(path), "--encoding", "utf-8"]) == 2
        assert "not UTF-8 text (line 1" in capsys.readouterr().err

    def test_module_entry_point_no_traceback(self, tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "kadash", "report", str(tmp_path / "none.csv"), "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        assert proc.stderr.count("\n") == 1

    def test_usage_error_is_one_line(self):
        proc = subprocess.run(
            [sys.executable, "-m", "kadash", "report", "x.csv", "--scheme", "pareto"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1
        assert "invalid choice: 'pareto'" in proc.stderr


class TestOddFiles:
    def test_header_only_exits_2(self, capsys, tmp_path):
        path = tmp_path / "empty.csv"
        path.write_text("customer,date,amount\n", encoding="utf-8")
        assert main(["report", str(path), "--json"]) == 2
        assert "a header but no lines under it" in capsys.readouterr().err

    def test_all_rejected_exits_2(self, capsys, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_text(
            "customer,date,amount\nx,yesterday,1\ny,2024-01-02,?\nz,someday,2\n", "utf-8"
        )
        assert main(["report", str(path)]) == 2
        err = capsys.readouterr().err
        assert "all 3 were rejected, most as 'Date cannot be read' (first at line 2)" in err

    def test_all_negative_gives_null_shares_not_nan(self, capsys, tmp_path):
        path = tmp_path / "returns.csv"
        path.write_text("customer,date,amount\nx,2024-01-01,-5\ny,2024-01-02,-1\n", "utf-8")
        out = _json(capsys, "report", str(path))  # _json fails on NaN
        assert out["top_share"]["0.2"] is None and out["gini"] is None
        assert [t["revenue_share"] for t in out["tiers"]] == [None, None, None]
        assert [t["customers"] for t in out["tiers"]] == [0, 0, 2]

    @pytest.mark.parametrize(
        "text",
        ['{"filters": ["region"]}', '{"cutoffs": 0.8}', '{"cutoffs": [0.8, NaN]}', "nope"],
    )
    def test_bad_settings_file(self, capsys, fixture_csv, tmp_path, text):
        path = tmp_path / "s.json"
        path.write_text(text, encoding="utf-8")
        assert main(["report", str(fixture_csv), "--settings", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("kadash: error: ") and err.count("\n") == 1

    def test_flag_takes_a_column_from_the_guess(self, capsys, tmp_path):
        path = tmp_path / "names.csv"
        path.write_text(
            "Customer,Customer Name,Date,Sales\nA1,Acme,2024-01-01,5\n", encoding="utf-8"
        )
        out = _json(capsys, "report", str(path), "--customer", "Customer Name")
        assert out["mapping"] == {
            "customer_id": "Customer Name",
            "date": "Date",
            "revenue": "Sales",
        }
        assert out["major_customers"][0]["customer_id"] == "Acme"


class TestFormatFlags:
    def test_decimal_mark_asked_then_given(self, capsys, tmp_path):
        path = tmp_path / "eu.csv"
        path.write_text("customer;date;amount\nA;2024-01-05;1.234\nB;2024-01-06;2.000\n", "utf-8")
        assert main(["report", str(path)]) == 2
        err = capsys.readouterr().err
        assert "Give the decimal mark with --decimal" in err and err.count("\n") == 1
        assert _json(capsys, "report", str(path), "--decimal", ",")["total_revenue"] == 3234.0
        assert _json(capsys, "report", str(path), "--decimal", ".")["total_revenue"] == 3.234

    def test_date_order_asked_then_given(self, capsys, tmp_path):
        path = tmp_path / "us.csv"
        path.write_text("customer,date,amount\nA,01/02/2024,1\nB,03/04/2024,2\n", "utf-8")
        assert main(["report", str(path)]) == 2
        assert "--date-order" in capsys.readouterr().err
        dmy = _json(capsys, "report", str(path), "--date-order", "dmy")
        mdy = _json(capsys, "report", str(path), "--date-order", "mdy")
        assert dmy["revenue_by_month"] == {"2024-02": 1.0, "2024-04": 2.0}
        assert mdy["revenue_by_month"] == {"2024-01": 1.0, "2024-03": 2.0}
        assert (dmy["date_order"], mdy["date_order"]) == ("dmy", "mdy")

    def test_encoding_flag_and_detection(self, capsys, tmp_path):
        path = tmp_path / "gbk.csv"
        path.write_bytes('客户编号,日期,金额\nA,2024-01-05,"￥1,234.50"\n'.encode("gbk"))
        out = _json(capsys, "report", str(path))
        assert (out["encoding"], out["total_revenue"], out["currency"]) == ("gb18030", 1234.5, "¥")

    def test_encoding_and_delimiter_by_name(self, capsys, tmp_path):
        path = tmp_path / "big5.csv"
        path.write_bytes("客戶編號;日期;金額\nA;2024-01-05;12,5\n".encode("big5"))
        out = _json(capsys, "report", str(path), "--encoding", "Big5", "--delimiter", "semicolon")
        assert (out["encoding"], out["delimiter"], out["total_revenue"]) == ("cp950", ";", 12.5)

    def test_unknown_encoding_exits_2(self, capsys, tmp_path):
        path = tmp_path / "x.csv"
        path.write_text("customer,date,amount\nx,2024-01-01,1\n", encoding="utf-8")
        assert main(["report", str(path), "--encoding", "klingon"]) == 2
        assert "Unknown encoding 'klingon'" in capsys.readouterr().err


class TestBadFiles:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "The file is empty"),
            (bytes(range(256)) * 4, "not a text table"),
            (b"just one column\nx\ny\n", "Only one column was found"),
            (b"PK\x03\x04garbage", "cannot be read as a table"),
            (b"customer,date,amount\n", "a header but no lines under it"),
        ],
        ids=["empty", "binary", "single-column", "broken-zip", "header-only"],
    )
    def test_one_line_and_exit_2(self, capsys, tmp_path, data, message):
        path = tmp_path / "bad.csv"
        path.write_bytes(data)
        assert main(["report", str(path), "--json"]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err

    def test_password_protected_workbook(self, capsys, tmp_path):
        import io

        import xlsxwriter
        from msoffcrypto.format.ooxml import OOXMLFile

        plain = io.BytesIO()
        book = xlsxwriter.Workbook(plain, {"in_memory": True})
        book.add_worksheet().write_row(0, 0, ["customer", "date", "amount"])
        book.close()
        locked = io.BytesIO()
        OOXMLFile(io.BytesIO(plain.getvalue())).encrypt("secret", locked)
        path = tmp_path / "locked.xlsx"
        path.write_bytes(locked.getvalue())
        assert main(["report", str(path)]) == 2
        assert "protected by a password" in capsys.readouterr().err


# Order ids, regions and products the report does not read; two lines that repeat another
# in every cell but the region (not duplicates), one true duplicate, one bad line.
WIDE = """\
order_id,date,customer_id,customer_name,region,product_line,revenue,gross_profit
SO-1,2024-01-05,C1,Acme,North,Valves,100.00,20.00
SO-1,2024-01-05,C1,Acme,South,Valves,100.00,20.00
SO-2,2024-01-06,C2,Beta,East,Pumps,50.00,5.00
SO-2,2024-01-06,C2,Beta,East,Pumps,50.00,5.00
SO-3,2024-01-06,C2,Beta,West,Pumps,50.00,5.00
SO-4,not a date,C3,Gamma,East,Pumps,10.00,1.00
"""


@pytest.mark.parametrize("bad_line", [False, True], ids=["typed way", "exact way"])
def test_report_reads_fewer_columns_with_the_same_numbers(tmp_path, capsys, bad_line):
    """The command line reads only what its report needs; every number equals the report of
    the file read whole, duplicates (checked on every cell) included."""
    text = WIDE if bad_line else WIDE.replace("not a date", "2024-01-07")
    path = tmp_path / "wide.csv"
    path.write_text(text, encoding="utf-8")
    whole = load_transactions(path)
    assert whole.reader == ("exact" if bad_line else "typed")
    assert {"order_id", "region", "product_line"} <= set(whole.parsed.transactions.columns)
    expected = report_dict(analyse(whole, Settings().validate(), translator("en")))
    got = _json(capsys, "report", str(path))
    assert got == json.loads(json.dumps(expected))
    assert got["duplicate_lines"] == 1
    assert got["mapping"]["region"] == "region"  # listed, though not read


class TestExport:
    def test_workbook_is_written_and_reads_back(self, capsys, fixture_csv, tmp_path):
        openpyxl = pytest.importorskip("openpyxl")
        out = tmp_path / "tiers.xlsx"
        data = _json(capsys, "report", str(fixture_csv), "--export", str(out))
        assert data["export"] == str(out)
        book = openpyxl.load_workbook(out)
        assert book.sheetnames == ["Customers", "Tiers", "Policy", "Settings", "Rejected lines"]
        sheet = book["Customers"]
        header = [c.value for c in sheet[1]]
        ids = [
            row[header.index("Customer id")] for row in sheet.iter_rows(min_row=2, values_only=True)
        ]
        assert ids == ["00042", "00007", "A1", "D4"]  # ranked, text with its zeros
        rejected = book["Rejected lines"]
        assert rejected.max_row == 1 + data["rows_rejected"]

    def test_text_mode_names_the_file(self, capsys, fixture_csv, tmp_path):
        out = tmp_path / "tiers.xlsx"
        assert main(["report", str(fixture_csv), "--export", str(out)]) == 0
        assert f"Workbook written: {out}" in capsys.readouterr().out
        assert out.stat().st_size > 0

    @pytest.mark.parametrize(
        "name,message",
        [("tiers.csv", "must be an .xlsx file"), ("missing/tiers.xlsx", "Cannot write")],
        ids=["suffix", "folder"],
    )
    def test_unwritable_export_exits_2(self, capsys, fixture_csv, tmp_path, name, message):
        assert main(["report", str(fixture_csv), "--export", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
