"""The executive HTML report: its numbers against plain pandas, its languages, and that it is
self-contained and safe (every data string escaped, nothing fetched from the network)."""

from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from fractions import Fraction
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from kadash.cli import main
from kadash.html_report import SECTIONS, executive_report, html_table
from kadash.i18n import LANGUAGES, translator
from kadash.ingest import Loaded, load_transactions
from kadash.policy import PolicyRow
from kadash.settings import Settings
from tests.conftest import SAMPLE

EN = translator("en")
STAMP = "2026-01-05T10:00:00+08:00"
HOSTILE = "<script>alert(1)</script>"
LIMA = '"Lima ""Quoted"""'  # Lima "Quoted", as CSV writes it

# Five customers over 2024 and 2025, worked by hand (amounts in currency units):
#   C1 (a hostile name): 300 + 300 in 2024, 100 in 2025 -> top tier in 2024, revenue -83.3%
#   C2: 200 in 2024, 500 in 2025 (the last day of the data)
#   C3: 100 in 2024, 300 in 2025 -> B to A (upgraded)
#   C4: 100 on 2024-01-01 only -> lost;  C5: 100 in 2025 only -> new
# Whole period: 2,000 revenue, 200 gross profit (10%). ABC (80% / 95%): C1 0% and C2 35%
# before them -> A, C3 70% -> A, C4 90% -> B, C5 95% -> C. Top 20% = 1 customer = 35.0%;
# 80% takes 3 customers (1,400 < 1,600 <= 1,800).
# 2024 tiers: C1 A (0), C2 A (60%), C3 B (80%), C4 B (90%). 2025: C2 A, C3 A (50%), C1 B (80%),
# C5 B (90%). Moves: C3 up, C1 down, C5 new (100), C4 lost (100); C2 stays.
# At risk (A in 2024: C1, C2): C1 fell 600 -> 100 (more than 30%); its purchase days 2024-01-10,
# 2024-06-10, 2025-01-10 have a median gap of 183 days and 355 days since the last are within
# 2 x 183, so its only reason is the fall. 600 at stake of 1,000 = 60.0%.
TINY = f"""\
customer_id,customer_name,date,revenue,gross_profit
C1,"{HOSTILE}",2024-01-10,300.00,30.00
C1,"{HOSTILE}",2024-06-10,300.00,30.00
C2,Kappa & Co,2024-03-01,200.00,20.00
C3,{LIMA},2024-04-01,100.00,10.00
C4,Mike,2024-01-01,100.00,10.00
C1,"{HOSTILE}",2025-01-10,100.00,10.00
C3,{LIMA},2025-05-01,300.00,30.00
C5,Nova,2025-06-01,100.00,10.00
C2,Kappa & Co,2025-12-31,500.00,50.00
"""
# Three customers in three months: one period only, and too few customers for 3 clusters.
SHORT = """\
customer_id,date,revenue
A,2025-10-01,500
B,2025-11-15,300
C,2025-12-31,200
"""


def _load(tmp_path: Path, text: str, name: str = "lines.csv") -> Loaded:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_transactions(path)


def _report(loaded: Loaded, lang: str = "en", settings: Settings | None = None, **kw) -> str:
    kw.setdefault("source_name", "lines.csv")
    return executive_report(loaded, settings or Settings(), translator(lang), generated=STAMP, **kw)


@cache
def _sample_report(lang: str) -> str:
    return executive_report(
        load_transactions(SAMPLE),
        Settings(),
        translator(lang),
        generated=STAMP,
        source_name=SAMPLE.name,
    )


class _Tables(HTMLParser):
    """The text of every table cell, by table, and the text of headings and readings."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.headings: list[str] = []
        self.readings: list[str] = []
        self._cell: list[str] | None = None
        self._text: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h1", "h2") or (tag == "p" and ("class", "reading") in attrs):
            self._text = (tag, [])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif self._text is not None and tag == self._text[0]:
            text = "".join(self._text[1])
            (self.readings if tag == "p" else self.headings).append(text)
            self._text = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text[1].append(data)


def _parse(doc: str) -> _Tables:
    parser = _Tables()
    parser.feed(doc)
    return parser


def _section(doc: str, key: str) -> str:
    match = re.search(rf'<section id="{key}" class="section">(.*?)</section>', doc, re.S)
    assert match, key
    return match.group(1)


def _plain(doc: str) -> str:
    """The text of some HTML, without its tags."""
    return html.unescape(re.sub("<[^>]+>", "", doc))


def _table(doc: str, key: str, index: int = 0) -> list[list[str]]:
    return _parse(_section(doc, key)).tables[index]


# -- independent arithmetic (plain pandas and integers) ----------------------------------------
def _customer_cents(frame: pd.DataFrame, column: str = "revenue") -> dict[str, int]:
    cents = (frame[column] * 100).round().astype("int64")
    return {str(k): int(v) for k, v in cents.groupby(frame["customer_id"]).sum().items()}


def _ranked(values: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))


def _abc(values: dict[str, int], cutoffs=(Fraction(4, 5), Fraction(19, 20))) -> dict[str, int]:
    """Tier per customer: the first whose cut-off is above the share accumulated before it."""
    ranked = _ranked(values)
    total = sum(v for _, v in ranked if v > 0)
    tiers, before = {}, 0
    for cid, value in ranked:
        tier = len(cutoffs)
        if value >= 0:
            tier = next((i for i, c in enumerate(cutoffs) if c * total > before), len(cutoffs))
        tiers[cid] = tier
        before += value
    return tiers


def _money(cents: int) -> str:
    return f"{round(Decimal(cents) / 100):,}"


class TestNumbers:
    def test_sample_key_figures_match_plain_pandas(self):
        df = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["order_date"])
        values = _customer_cents(df)
        n = len(values)
        revenue = sum(values.values())
        profit = sum(_customer_cents(df, "gross_profit").values())
        ranked = [v for _, v in _ranked(values)]
        k = math.ceil(n / 5)
        share = sum(ranked[:k]) / sum(v for v in ranked if v > 0)
        start = df["order_date"].min().date().isoformat()
        end = df["order_date"].max().date().isoformat()

        doc = _sample_report("en")
        reading = _parse(_section(doc, "kpis")).readings[0]
        assert reading == (
            f"{n:,} customers brought {_money(revenue)} of revenue and {_money(profit)} of gross "
            f"profit ({profit / revenue:.1%} margin) from {start} to {end}; the top 20% of them "
            f"({k:,}) brought {share:.1%} of revenue."
        )
        assert f'<div class="label">Customers</div><div class="value">{n:,}</div>' in doc

    def test_sample_tier_table_matches_plain_pandas(self):
        df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
        values = _customer_cents(df)
        tiers = _abc(values)
        rows = _table(_sample_report("en"), "tiers")
        header, body, total = rows[0], rows[1:-1], rows[-1]
        assert header[:6] == ["Tier", "Cumulative cut-off", "Customers", "% of customers",
                              "Revenue", "% of revenue"]  # fmt: skip
        assert [r[0] for r in body] == ["A", "B", "C"]
        counts = [sum(1 for t in tiers.values() if t == i) for i in range(3)]
        assert [int(r[2].replace(",", "")) for r in body] == counts
        per_tier = [sum(v for c, v in values.items() if tiers[c] == i) for i in range(3)]
        assert [r[4] for r in body] == [_money(c) for c in per_tier]
        assert total[0] == "Total"
        assert total[2] == f"{len(values):,}" and total[4] == _money(sum(values.values()))

    def test_sample_migration_counts_match_plain_pandas(self):
        df = pd.read_csv(SAMPLE, dtype={"customer_id": str}, parse_dates=["order_date"])
        end = df["order_date"].max()
        current = df[df["order_date"] > end - pd.DateOffset(years=1)]
        previous = df[
            (df["order_date"] > end - pd.DateOffset(years=2))
            & (df["order_date"] <= end - pd.DateOffset(years=1))
        ]
        before, after = _abc(_customer_cents(previous)), _abc(_customer_cents(current))
        expected = {
            "Upgraded": sum(1 for c in before if c in after and after[c] < before[c]),
            "Downgraded": sum(1 for c in before if c in after and after[c] > before[c]),
            "New": sum(1 for c in after if c not in before),
            "Lost": sum(1 for c in before if c not in after),
        }
        section = _section(_sample_report("en"), "migration")
        for kind, count in expected.items():
            assert f'<div class="label">{kind}</div><div class="value">{count:,}</div>' in section

    def test_tiny_file_worked_by_hand(self, tmp_path):
        doc = _report(_load(tmp_path, TINY))
        readings = _parse(doc).readings
        assert readings[0] == (
            "5 customers brought 2,000 of revenue and 200 of gross profit (10.0% margin) from "
            "2024-01-01 to 2025-12-31; the top 20% of them (1) brought 35.0% of revenue."
        )
        assert readings[1].startswith("3 customers (60.0% of all) make 80% of revenue;")
        tiers = _table(doc, "tiers")
        assert [r[:3] for r in tiers[1:-1]] == [["A", "80.0%", "3"], ["B", "95.0%", "1"],
                                                ["C", "–", "1"]]  # fmt: skip
        assert readings[2] == (
            "The top tier, A, is 60.0% of customers (3) and brings 90.0% of revenue and 90.0% "
            "of gross profit."
        )
        migration = _section(doc, "migration")
        for kind, count in (("Upgraded", 1), ("Downgraded", 1), ("New", 1), ("Lost", 1)):
            assert f'<div class="label">{kind}</div><div class="value">{count}</div>' in migration
        moved = "1 up a tier, 1 down a tier; new customers (1) brought 100, and lost ones (1) had"
        assert _plain(migration).count(f"the 12 before: {moved} brought 100.") == 1
        assert _table(doc, "at_risk")[1:] == [
            [HOSTILE, "A", "600", "100", "-83.3%", "Revenue fell", "Group vice-president"]
        ]
        assert "1 key account is at risk, with 600 of revenue at stake (60.0% of the earlier" in doc
        # three customers bring 10% or more each: named, the hostile one as text
        assert "3 customers bring 10% or more of revenue each: " in doc
        assert f"{html.escape(HOSTILE)} (35.0%), Kappa &amp; Co (35.0%), " in doc

    def test_profit_basis(self, tmp_path):
        doc = _report(_load(tmp_path, TINY), settings=Settings(basis="profit"))
        readings = _parse(doc).readings
        assert readings[0].endswith("the top 20% of them (1) brought 35.0% of gross profit.")
        assert readings[1].startswith("3 customers (60.0% of all) make 80% of gross profit;")

    def test_date_range_filters_the_key_figures_not_the_periods(self, tmp_path):
        from datetime import date

        settings = Settings(date_from=date(2025, 1, 1))
        doc = _report(_load(tmp_path, TINY), settings=settings)
        readings = _parse(doc).readings
        assert readings[0].startswith("4 customers brought 1,000 of revenue and 100 of gross")
        note = "The date range in the settings does not apply here: tier migration and at-risk"
        assert note in _section(doc, "migration")
        moves = _section(doc, "migration")  # the same moves as without the date range
        assert '<div class="label">Lost</div><div class="value">1</div>' in moves

    def test_the_same_input_gives_the_same_file(self, tmp_path):
        loaded = _load(tmp_path, TINY)
        assert _report(loaded) == _report(loaded)


class TestLanguages:
    @pytest.mark.parametrize("lang", list(LANGUAGES))
    def test_every_section_heading(self, lang):
        t = translator(lang)
        doc = _sample_report(lang)
        assert f'<html lang="{lang}">' in doc
        assert f"<h1>{html.escape(t('report.title'))}</h1>" in doc
        for key in SECTIONS:
            assert f"<h2>{html.escape(t(f'report.section.{key}'))}</h2>" in doc, key
        assert _parse(doc).headings == [t("report.title")] + [
            t(f"report.section.{key}") for key in SECTIONS
        ]

    @pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
    def test_chinese_report_has_no_english_heading(self, lang):
        english = {EN("report.title")} | {EN(f"report.section.{k}") for k in SECTIONS}
        parsed = _parse(_sample_report(lang))
        assert len(parsed.headings) == len(SECTIONS) + 1
        for heading in parsed.headings:
            assert heading not in english
            assert not re.search("[A-Za-z]", heading), heading
            assert re.search("[\u4e00-\u9fff]", heading), heading
        for reading in parsed.readings:  # the sentences are Chinese too
            assert re.search("[\u4e00-\u9fff]", reading), reading

    def test_simplified_and_traditional_differ(self):
        zh = {lang: _parse(_sample_report(lang)).headings for lang in ("zh-Hant", "zh-Hans")}
        assert zh["zh-Hant"][0] == "重點客戶經營報告"
        assert zh["zh-Hans"][0] == "重点客户经营报告"


class TestSelfContained:
    def test_plotly_js_inlined_once_and_nothing_remote(self):
        doc = _sample_report("en")
        bundle = get_plotlyjs()
        assert doc.count(bundle) == 1
        assert doc.count(bundle[:200]) == 1  # no second copy of plotly.js, whole or in part
        rest = doc.replace(bundle, "")
        assert "http://" not in rest and "https://" not in rest
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", rest)
        assert "<link" not in rest and "@import" not in rest and "url(" not in rest
        assert "<script src" not in rest and "mathjax" not in rest.lower()
        # four charts: Pareto, tier shares, tiers × clusters, the migration Sankey
        assert rest.count("Plotly.newPlot(") == 4
        assert '<meta charset="utf-8">' in doc

    def test_document_is_well_formed(self):
        doc = _sample_report("zh-Hant")
        assert doc.startswith("<!DOCTYPE html>\n<html")
        assert doc.rstrip().endswith("</html>")
        assert doc.count("<section ") == doc.count("</section>") == len(SECTIONS)
        body = _section(doc, "about")
        assert "transactions.csv" in body and STAMP in body


class TestEscaping:
    def test_hostile_customer_name_is_text(self, tmp_path):
        doc = _report(_load(tmp_path, TINY))
        assert HOSTILE not in doc
        assert html.escape(HOSTILE) in doc
        assert "Lima &quot;Quoted&quot; (20.0%)" in doc

    def test_hostile_settings_and_source_are_text(self, tmp_path):
        owner = '<img src=x onerror="alert(2)">'
        settings = Settings(
            names=("<i>Top</i>", "B", "C"),
            policy=(PolicyRow(owner, "", ""), PolicyRow("", "", ""), PolicyRow("", "", "")),
        )
        doc = _report(_load(tmp_path, TINY), settings=settings, source_name="<b>sales</b>.csv")
        for raw in (owner, "<i>Top</i>", "<b>sales</b>"):
            assert raw not in doc
        assert html.escape(owner) in doc
        assert "&lt;i&gt;Top&lt;/i&gt;" in doc
        assert "<title>Key-account executive report · &lt;b&gt;sales&lt;/b&gt;.csv</title>" in doc

    def test_html_table_escapes_and_aligns(self):
        frame = pd.DataFrame({"<Name>": ["a & b", "<x>"], "Amount": ["1,000", "-5"]})
        out = html_table(frame, numeric=["Amount"], total=True)
        assert '<th scope="col">&lt;Name&gt;</th>' in out
        assert '<th scope="col" class="num">Amount</th>' in out
        assert '<td>a &amp; b</td><td class="num">1,000</td>' in out
        assert '<tr class="total"><td>&lt;x&gt;</td>' in out


class TestWhatCannotBeComputed:
    def test_no_profit_column(self, tmp_path):
        text = "\n".join(line.rsplit(",", 1)[0] for line in TINY.splitlines()) + "\n"
        doc = _report(_load(tmp_path, text))
        assert "The file has no gross profit column, so this report leaves gross profit out." in doc
        assert '<div class="label">Gross profit</div><div class="value">–</div>' in doc
        assert "Gross profit" not in _table(doc, "tiers")[0]
        assert _parse(doc).readings[0].startswith("5 customers brought 2,000 of revenue from")

    def test_three_months_only(self, tmp_path):
        doc = _report(_load(tmp_path, SHORT))
        span = "the data runs from 2025-10-01 to 2025-12-31, and comparing the last 12 months"
        assert f"Tier migration cannot be computed: {span}" in _plain(doc)
        assert f"At-risk accounts cannot be computed: {span}" in _plain(doc)
        assert (
            "Clusters cannot be computed: 3 clusters need at least 4 customers with a positive "
            "net revenue, and there are 3."
        ) in doc
        assert doc.count("Plotly.newPlot(") == 2  # Pareto and tier shares only
        assert '<div class="label">Customers</div><div class="value">3</div>' in doc

    @pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
    def test_three_months_only_in_chinese(self, tmp_path, lang):
        t = translator(lang)
        doc = _report(_load(tmp_path, SHORT), lang)
        values = dict(start="2025-10-01", end="2025-12-31")
        for key in ("report.read.migration_none", "report.read.at_risk_none"):
            assert _plain(doc).count(t(key, **values)) == 1

    def test_no_customer_in_the_date_range(self, tmp_path):
        from datetime import date

        settings = Settings(date_from=date(2030, 1, 1))
        doc = _report(_load(tmp_path, TINY), settings=settings)
        assert "No customer has a line under these settings" in doc
        assert "Plotly.newPlot(" not in doc
        assert doc.count("<section ") == 2  # the sentence, and the settings


class TestCommandLine:
    def test_writes_the_report_in_the_language_asked(self, tmp_path, capsys):
        source = tmp_path / "lines.csv"
        source.write_text(TINY, encoding="utf-8")
        out = tmp_path / "report.html"
        assert main(["report", str(source), "--html", str(out), "--lang", "zh-Hant"]) == 0
        printed = capsys.readouterr().out
        assert f"報告已寫入：{out}" in printed
        doc = out.read_text(encoding="utf-8")
        assert '<html lang="zh-Hant">' in doc and "<h1>重點客戶經營報告</h1>" in doc
        assert "lines.csv" in doc
        assert html.escape(HOSTILE) in doc and HOSTILE not in doc

    def test_json_names_the_file(self, tmp_path, capsys):
        import json

        source = tmp_path / "lines.csv"
        source.write_text(SHORT, encoding="utf-8")
        out = tmp_path / "r.html"
        assert main(["report", str(source), "--html", str(out), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["html"] == str(out) and data["customers"] == 3
        assert '<html lang="en">' in out.read_text(encoding="utf-8")

    def test_wrong_suffix_is_one_line(self, tmp_path, capsys):
        source = tmp_path / "lines.csv"
        source.write_text(SHORT, encoding="utf-8")
        assert main(["report", str(source), "--html", str(tmp_path / "r.pdf")]) == 2
        err = capsys.readouterr().err
        assert err.strip().endswith(
            "The report must be an .html file; got " + str(tmp_path / "r.pdf") + "."
        )
        assert not (tmp_path / "r.pdf").exists()
