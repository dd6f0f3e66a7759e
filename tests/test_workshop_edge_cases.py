"""Edge cases of the languages, workshop mode and the executive report: bugs a fresh-eyes
review reproduced (each test failed before its fix), kept so they stay fixed.

Expected values are worked out by hand on tiny files or read from the sample with plain pandas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kadash.anonymise import anonymise
from kadash.cli import main
from kadash.export import rejected_table
from kadash.i18n import translator
from kadash.ingest import load_transactions
from tests.conftest import ROOT, SAMPLE
from tests.test_pages import UPLOAD, _app, _metric, _ok, _plain, _table_with

SAMPLE_ZH = ROOT / "data" / "sample" / "transactions_zh.csv"


def _customers(path: Path) -> str:
    """Distinct customers of a sample, as the Customers card shows them."""
    ids = pd.read_csv(path, dtype=str).iloc[:, 2]  # customer_id / 客戶編號
    return f"{ids.nunique():,}"


def _using(at) -> str:
    return " ".join(_plain(c.value) for c in at.sidebar.caption if "Using:" in _plain(c.value))


# -- present mode and the data source --------------------------------------------------------
class TestPresentKeepsTheData:
    def test_presenting_keeps_the_uploaded_file(self):
        """Turning "present" on hides the uploader; the uploaded file must stay in use (it is
        the client's data the workshop is about), also after the next interaction."""
        at = _app()
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        # UPLOAD's accepted customers: 00042, 00007, A1, D4
        assert _metric(at, "Customers") == "4"
        at.toggle(key="workshop.present").set_value(True)
        _ok(at.run())
        _ok(at.run())  # any later interaction (a slider, a page switch) reruns the script
        assert "erp.csv" in _using(at)
        assert _metric(at, "Customers") == "4"

    def test_a_presenting_link_opens_the_server_file_it_names(self, tmp_path, monkeypatch):
        """``?file=…&present=1``: the named server file is opened, as without ``present``."""
        root = tmp_path / "exports"
        (root / "2024").mkdir(parents=True)
        (root / "2024" / "big.csv").write_text(
            "客戶編號,日期,金額\nA,2024-01-05,100\nB,2024-01-06,300\nA,2024-02-01,50\n", "utf-8"
        )
        monkeypatch.setenv("KADASH_DATA_DIR", str(root))
        at = _ok(_app(query={"file": "2024/big.csv", "present": "1"}))
        assert at.toggle(key="workshop.present").value is True
        assert "2024/big.csv" in _using(at)
        assert _metric(at, "Customers") == "2"  # A and B


# -- links ----------------------------------------------------------------------------------
class TestLinkWithOneBadValue:
    """One invalid settings value in a link is dropped with a warning; the link's other
    parameters (present, sample) must survive that clean-up."""

    def test_present_survives(self):
        at = _ok(_app(query={"present": "1", "cutoffs": "0.9,0.8"}))
        assert at.toggle(key="workshop.present").value is True
        assert at.query_params.get("present") == "1"

    def test_the_chinese_sample_survives(self):
        at = _ok(_app(query={"sample": "zh", "top_accounts": "x"}))
        assert _metric(at, "Customers") == _customers(SAMPLE_ZH)

    def test_the_english_sample_in_a_chinese_session_survives(self):
        at = _ok(_app(query={"lang": "zh-Hant", "sample": "en", "top_accounts": "x"}))
        t = translator("zh-Hant")
        assert _metric(at, t("kpi.customers")) == _customers(SAMPLE)


# -- anonymised rejected lines ---------------------------------------------------------------
# UPLOAD's rejected lines: 6 (blank id), 7 (B2, unreadable date), 8 (C3, unreadable amount);
# B2 and C3 have no accepted line, so their id cells become "?".
_REJECTED_IDS = ["", "?", "?"]


class TestAnonymisedRejectedLines:
    def test_the_table_keeps_the_files_columns(self, tmp_path):
        """The rejected-lines table (Data page, its CSV, the workbook's sheet) has the same
        columns anonymised as not, the id column holding codes."""
        path = tmp_path / "erp.csv"
        path.write_bytes(UPLOAD)
        parsed = load_transactions(path).parsed
        t = translator("en")
        plain = rejected_table(parsed.rejected, t=t)
        coded = rejected_table(anonymise(parsed).rejected, t=t)
        assert list(coded.columns) == list(plain.columns)
        assert coded["Customer ID"].tolist() == _REJECTED_IDS
        assert coded["Order Date"].tolist() == ["2024-03-02", "2024-13-01", "2024-03-03"]

    def test_the_data_page_shows_the_id_column_coded(self):
        at = _app(query={"anon": "1"})
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        _ok(at.switch_page("pages/data.py").run())
        table = _table_with(at, "Reason")
        assert "extra" not in table.columns  # the file has no column called "extra"
        assert table["Customer ID"].tolist() == _REJECTED_IDS


# -- anonymise on the command line -----------------------------------------------------------
class TestAnonymisingSettingsFile:
    def test_the_report_of_an_anonymising_settings_file_names_no_customer(self, tmp_path):
        """A settings file saved while anonymised says ``"anonymise": true``; the executive
        report made with it shows codes, not the customers' ids and names."""
        data = tmp_path / "lines.csv"
        data.write_text(
            "customer_id,customer_name,date,revenue\n"
            "K-77,Secretcorp Holdings,2025-01-01,900\n"
            "K-88,Hushco Trading,2025-02-01,100\n",
            encoding="utf-8",
        )
        settings = tmp_path / "settings.json"
        settings.write_text('{"anonymise": true, "version": 2}', encoding="utf-8")
        out = tmp_path / "report.html"
        assert main(["report", str(data), "--settings", str(settings), "--html", str(out)]) == 0
        document = out.read_text(encoding="utf-8")
        for secret in ("Secretcorp", "Hushco", "K-77", "K-88"):
            assert secret not in document
        assert "C-0001" in document  # Secretcorp: the larger customer


class TestAnonymisedAccountLink:
    def test_a_link_naming_a_real_id_does_not_show_it(self):
        """``?anon=1&customer=<real id>`` (a bookmark from before the workshop): the page says
        the link was not used without writing the real id on the screen."""
        real = pd.read_csv(SAMPLE, dtype=str)["customer_id"].iloc[0]
        at = _ok(_app(query={"anon": "1", "customer": real}).switch_page("pages/account.py").run())
        assert at.selectbox(key="account.customer").value == "C-0001"
        shown = [_plain(e.value) for e in (*at.warning, *at.info, *at.markdown, *at.caption)]
        assert not [s for s in shown if real in s]


def test_the_anonymise_flag_codes_every_command(tmp_path, capsys):
    """``--anonymise`` on the command line: the report and the migration name codes only."""
    names = set(pd.read_csv(SAMPLE)["customer_name"]) | set(pd.read_csv(SAMPLE)["customer_id"])
    out = tmp_path / "r.html"
    assert main(["report", str(SAMPLE), "--anonymise", "--html", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert not [n for n in names if n in html]
    assert main(["migration", str(SAMPLE), "--from", "2024-01-01:2024-12-31",
                 "--to", "2025-01-01:2025-12-31", "--anonymise", "--json"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert not [n for n in names if n in printed]


def test_a_settings_file_does_not_turn_anonymity_off():
    """Loading a settings file without ``anonymise`` (a colleague's, an older one) keeps the
    session anonymous; its other settings apply."""
    at = _ok(_app(query={"anon": "1"}))
    settings = b'{"version": 2, "scheme": "ibm"}'
    at.file_uploader(key="settings.file").upload("s.json", settings, "application/json")
    _ok(at.run())
    assert at.query_params["scheme"] == "ibm"
    assert at.query_params["anon"] == "1"
    _ok(at.switch_page("pages/tiers.py").run())
    assert _table_with(at, "Last purchase")["Customer id"].str.fullmatch(r"C-\d{4}").all()
