"""Every page in Streamlit's AppTest: runs clean, widgets change the numbers they should, and no
text of ours escapes the translator.

Expected numbers are computed here independently of :mod:`kadash`, with plain pandas and
Python integers on the same CSV.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from functools import cache

import pandas as pd
import pytest
import streamlit as st
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from kadash.i18n import PSEUDO_CLOSE, PSEUDO_OPEN, escape_markdown
from tests.conftest import ROOT, SAMPLE

PAGES = [
    "pages/overview.py",
    "pages/tiers.py",
    "pages/profitability.py",
    "pages/policy.py",
    "pages/clusters.py",
    "pages/trend.py",
    "pages/account.py",
    "pages/migration.py",
    "pages/at_risk.py",
    "pages/data.py",
]
TIMEOUT = 120  # a 2-core CI box runs several of these at once

UPLOAD = b"""\
Customer ID,Order Date,Net Sales,Gross Profit,Region
00042,2024-01-05,500.00,100.00,North
00042,2024-02-05,300.00,50.00,North
00007,2024-01-10,150.00,,South
A1,2024-03-01,50.00,-10.00,South
,2024-03-02,10,1,North
B2,2024-13-01,10,1,North
C3,2024-03-03,=1+2,1,South
D4,2024-03-04,-20.00,-5.00,East
"""


# -- independent expectations -------------------------------------------------------------
@cache
def _sample_values(basis: str = "revenue", region: str | None = None) -> list[tuple[int, str]]:
    """(value in cents, id) per customer, ranked: value descending, id ascending."""
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
    if region:
        df = df[df["region"] == region]
    column = {"revenue": "revenue", "profit": "gross_profit"}[basis]
    cents = (df[column] * 100).round().astype("int64")
    totals = cents.groupby(df["customer_id"]).sum()
    return sorted(((int(v), i) for i, v in totals.items()), key=lambda x: (-x[0], x[1]))


def _positive(values: list[tuple[int, str]]) -> int:
    return sum(v for v, _ in values if v > 0)


def _top_share(values: list[tuple[int, str]], pct: int) -> float:
    k = -(-pct * len(values) // 100)
    return sum(v for v, _ in values[:k]) / _positive(values)


def _tier_counts(values: list[tuple[int, str]], cutoffs_pct: list[int]) -> list[int]:
    """Customers per tier: first tier whose cut-off > cumulative share before the customer."""
    total, before = _positive(values), 0
    counts = [0] * (len(cutoffs_pct) + 1)
    for value, _ in values:
        tier = len(cutoffs_pct)
        if value >= 0:
            tier = next(
                (i for i, c in enumerate(cutoffs_pct) if Fraction(c, 100) * total > before),
                len(cutoffs_pct),
            )
        counts[tier] += 1
        before += value
    return counts


# -- helpers ------------------------------------------------------------------------------
def _app(lang: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if lang:
        at.session_state["kadash.lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return found[0]


def _table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table on the page that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _plain(markdown: str) -> str:
    """Markdown as read: backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _errors(at: AppTest) -> list[str]:
    return [_plain(e.value) for e in at.error]


def _pct(x: float) -> str:
    return f"{x * 100:,.1f}%"


# -- every page runs ----------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_sample(page):
    at = _ok(_app())
    _ok(at.switch_page(page).run())
    titles = {
        "Overview",
        "Tiers",
        "Profitability",
        "Tier policy",
        "Clusters",
        "Concentration trend",
        "Account",
        "Tier migration",
        "At-risk key accounts",
        "Data",
    }
    assert at.title[0].value in titles


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_upload(page):
    at = _app()
    at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
    _ok(at.run())
    _ok(at.switch_page(page).run())


# -- overview -----------------------------------------------------------------------------
class TestOverview:
    def test_kpis_and_readouts_on_the_sample(self):
        at = _ok(_app())
        values = _sample_values()
        assert _metric(at, "Customers") == f"{len(values):,}"
        assert _metric(at, "Top 20% of customers bring") == _pct(_top_share(values, 20))
        positive, running = _positive(values), 0
        needed = next(
            k for k, (v, _) in enumerate(values, 1) if (running := running + v) * 5 >= 4 * positive
        )
        assert _metric(at, "Customers needed for 80%") == f"{needed:,}"

    def test_sliders_move_the_readouts(self):
        at = _ok(_app())
        at.slider(key="overview.p").set_value(10)
        at.slider(key="overview.q").set_value(50)
        _ok(at.run())
        values = _sample_values()
        assert _metric(at, "Top 10% of customers bring") == _pct(_top_share(values, 10))
        running, positive = 0, _positive(values)
        needed = next(
            k for k, (v, _) in enumerate(values, 1) if (running := running + v) * 2 >= positive
        )
        assert _metric(at, "Customers needed for 50%") == f"{needed:,}"

    def test_basis_switch_to_gross_profit(self):
        at = _ok(_app())
        at.button_group(key="overview.basis").set_value("profit")
        _ok(at.run())
        values = _sample_values("profit")
        assert _metric(at, "Top 20% of customers bring") == _pct(_top_share(values, 20))
        assert any(s.value == "Concentration of gross profit" for s in at.subheader)
        assert at.query_params.get("basis") == "profit"

    def test_region_filter_applies_before_aggregation(self):
        at = _ok(_app())
        at.multiselect(key="filters.region").set_value(["North"])
        _ok(at.run())
        values = _sample_values(region="North")
        assert _metric(at, "Customers") == f"{len(values):,}"
        assert _metric(at, "Top 20% of customers bring") == _pct(_top_share(values, 20))
        assert at.query_params.get("region") == "North"

    def test_date_range_is_inclusive(self):
        at = _ok(_app())
        at.date_input(key="filters.dates").set_value(
            (pd.Timestamp("2025-01-01").date(), pd.Timestamp("2025-12-31").date())
        )
        _ok(at.run())
        df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
        in_2025 = df[(df["order_date"] >= "2025-01-01") & (df["order_date"] <= "2025-12-31")]
        assert _metric(at, "Customers") == f"{in_2025['customer_id'].nunique():,}"
        assert (at.query_params.get("from"), at.query_params.get("to")) == ("2025-01-01", None)


# -- tiers --------------------------------------------------------------------------------
def _tier_cards(at: AppTest, names: list[str]) -> list[int]:
    return [int(_metric(at, name).replace(",", "")) for name in names]


class TestTiers:
    def test_abc_counts(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        assert _tier_cards(at, ["A", "B", "C"]) == _tier_counts(_sample_values(), [80, 95])

    def test_slider_moves_the_counts_and_the_url(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        at.slider(key="tiers.cutoff.0").set_value(70)
        _ok(at.run())
        assert _tier_cards(at, ["A", "B", "C"]) == _tier_counts(_sample_values(), [70, 95])
        assert at.query_params.get("cutoffs") == "0.7,0.95"

    def test_slider_pushes_its_neighbour_to_stay_increasing(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        at.slider(key="tiers.cutoff.0").set_value(97)
        _ok(at.run())
        assert at.slider(key="tiers.cutoff.1").value == 98
        assert _tier_cards(at, ["A", "B", "C"]) == _tier_counts(_sample_values(), [97, 98])

    def test_ibm_preset(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        at.selectbox(key="tiers.scheme").set_value("ibm")
        _ok(at.run())
        names = ["Diamond", "Gold", "Silver", "Other"]
        assert _tier_cards(at, names) == _tier_counts(_sample_values(), [50, 75, 95])
        assert [s.value for s in at.slider if s.key and s.key.startswith("tiers.cutoff")] == [
            50,
            75,
            95,
        ]

    def test_count_preset_on_profit(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        at.selectbox(key="tiers.scheme").set_value("count")
        at.button_group(key="tiers.basis").set_value("profit")
        _ok(at.run())
        n = len(_sample_values("profit"))
        top, middle = -(-20 * n // 100), -(-50 * n // 100)
        negative = sum(1 for v, _ in _sample_values("profit") if v < 0)
        # Negative-profit customers sit at the end of the ranking, inside "Rest".
        assert _tier_cards(at, ["Top", "Middle", "Rest"]) == [top, middle - top, n - middle]
        assert negative > 0

    def test_link_reproduces_the_view(self):
        at = _ok(_app(query={"scheme": "ibm", "cutoffs": "0.4,0.7,0.9"}))
        _ok(at.switch_page("pages/tiers.py").run())
        names = ["Diamond", "Gold", "Silver", "Other"]
        assert _tier_cards(at, names) == _tier_counts(_sample_values(), [40, 70, 90])

    def test_search_filters_the_customer_list(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        at.text_input(key="tiers.search").set_value("C0004")
        _ok(at.run())
        table = _table_with(at, "Last purchase")
        ids = [i for _, i in _sample_values() if "c0004" in i.casefold()]
        assert sorted(table["Customer id"]) == sorted(ids)


# -- uploads and the data page --------------------------------------------------------------
class TestUpload:
    def test_rejected_lines_are_counted_and_shown(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        assert any("5 lines used · 3 rejected" in c.value for c in at.sidebar.caption)
        assert _metric(at, "Customers") == "4"
        _ok(at.switch_page("pages/data.py").run())
        assert (_metric(at, "Lines read"), _metric(at, "Accepted"), _metric(at, "Rejected")) == (
            "8",
            "5",
            "3",
        )
        reasons = at.table[0].value
        assert reasons["Reason"].tolist() == [
            "Customer id is blank",
            "Date cannot be read",
            "Amount cannot be read",
        ]
        assert reasons["Lines"].tolist() == ["1", "1", "1"]
        lines = at.dataframe[0].value
        assert lines["Line"].tolist() == [6, 7, 8]
        assert lines["Cell"].tolist() == ["", "2024-13-01", "=1+2"]
        assert any("1 accepted line has no gross profit" in i.value for i in at.info)

    def test_mapping_form_changes_the_numbers(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        _ok(at.switch_page("pages/data.py").run())
        assert at.selectbox(key="data.map.revenue").value == "Net Sales"
        at.selectbox(key="data.map.revenue").set_value("Gross Profit")
        at.selectbox(key="data.map.profit").set_value("")
        at.button[0].click()  # Apply mapping (the form's submit button)
        _ok(at.run())
        # Now "Gross Profit" is the amount: its blank cell is unreadable, "=1+2" line is fine.
        assert (_metric(at, "Accepted"), _metric(at, "Rejected")) == ("5", "3")
        _ok(at.switch_page("pages/overview.py").run())
        assert _metric(at, "Gross profit") == "–"

    def test_unknown_headers_ask_for_a_mapping(self):
        at = _app()
        at.file_uploader(key="source.upload").upload(
            "x.csv", b"a,b,c\nx,2024-01-01,5\n", "text/csv"
        )
        _ok(at.run())
        message = "Choose a column for: Customer id, Date, Amount (revenue). The file's columns"
        assert any(message in e for e in _errors(at))  # named as the form names them
        assert any("choose them on the Data page" in w.value for w in at.sidebar.warning)
        _ok(at.switch_page("pages/data.py").run())
        for field, column in (("customer_id", "a"), ("date", "b"), ("revenue", "c")):
            at.selectbox(key=f"data.map.{field}").set_value(column)
        at.button[0].click()
        _ok(at.run())
        assert _metric(at, "Accepted") == "1"
        _ok(at.switch_page("pages/tiers.py").run())
        assert _tier_cards(at, ["A", "B", "C"]) == [1, 0, 0]

    def test_unreadable_file_is_explained(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("photo.csv", bytes(range(256)) * 8)
        _ok(at.run())
        assert any("not a text table" in e for e in _errors(at))
        _ok(at.switch_page("pages/data.py").run())
        assert any("not a text table" in e for e in _errors(at))

    def test_big5_file_with_chinese_headers(self):
        at = _app()
        data = '客戶編號,日期,金額\n00042,2024-01-05,"NT$1,234.50"\n'.encode("cp950")
        at.file_uploader(key="source.upload").upload("big5.csv", data, "text/csv")
        _ok(at.run())
        assert _metric(at, "Customers") == "1"
        _ok(at.switch_page("pages/data.py").run())
        assert _metric(at, "Encoding") == "Big5"


# -- the pseudo language finds text that bypassed the translator ---------------------------
_TEXT_KEYS = {"body", "label", "help", "placeholder", "content"}
# "empty": a placeholder left blank, e.g. where a progress bar was while a slow step ran.
_SKIP_TYPES = {
    "flex_container",
    "column",
    "form",
    "expander_block",
    "tab",
    "vertical_block",
    "empty",
}
_KNOWN_TYPES = {
    "table",
    "title",
    "header",
    "subheader",
    "caption",
    "markdown",
    "text",
    "metric",
    "button_group",
    "slider",
    "plotly_chart",
    "success",
    "info",
    "warning",
    "error",
    "file_uploader",
    "date_input",
    "multiselect",
    "selectbox",
    "dataframe",
    "download_button",
    "text_input",
    "expander",
    "button",
    "page_link",
    "form_submit_button",
    "number_input",
    "toggle",
    "progress",
    "tab",
    "tab_container",
    "data_editor",
    *_SKIP_TYPES,
}
# Widgets whose options are the user's data (header names, region values) or the names of
# the languages (each in its own language), not our text to translate.
_DATA_OPTIONS = re.compile(r"-(filters\.|data\.map\.|source\.server|workshop\.language)")
_PLACEHOLDER = re.compile(r"%\{[^}]*\}|<[^>]+>")


def _unwrapped(text: str) -> str:
    """What is left of a text after removing translated ⟦…⟧ parts (nested ones too)."""
    inner = re.compile(
        re.escape(PSEUDO_OPEN)
        + r"[^"
        + PSEUDO_OPEN
        + PSEUDO_CLOSE
        + r"]*"
        + re.escape(PSEUDO_CLOSE)
    )
    while True:
        stripped = inner.sub("", text)
        if stripped == text:
            return _PLACEHOLDER.sub("", stripped)
        text = stripped


def _has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in _unwrapped(text))


def _plotly_texts(spec: str) -> list[str]:
    fig = json.loads(spec)
    layout = fig.get("layout", {})
    texts = [layout.get("title", {}).get("text", "")]
    texts += [a.get("text", "") for a in layout.get("annotations", [])]
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            texts.append(axis.get("title", {}).get("text", ""))
            texts += [str(v) for v in axis.get("ticktext", [])]
    for trace in fig.get("data", []):
        texts += [trace.get("name", ""), trace.get("hovertemplate", "")]
        texts += [t for t in trace.get("text", []) if isinstance(t, str)]
        if trace.get("type") == "bar":  # categories are tier names, which are ours
            for axis in ("x", "y"):  # numbers come as typed-array dicts, categories as lists
                values = trace.get(axis, [])
                texts += (
                    [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
                )
    return texts


def our_texts(at: AppTest, data_words: set[str]) -> list[tuple[str, str]]:
    """(element type, text) for every text of ours on the page: labels, help, messages,
    options of our widgets, chart titles, axes and legends, table headers (not the user's
    data: cells of data tables, options that are data values, and ``data_words``)."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        kind = getattr(node, "type", None)
        proto = getattr(node, "proto", None)
        if (
            kind
            and proto is not None
            and kind not in ("root", "main", "sidebar", "event", "bottom")
        ):
            assert kind in _KNOWN_TYPES, f"teach the pseudo check about element type {kind!r}"
            data = MessageToDict(proto)
            texts = [v for k, v in data.items() if k in _TEXT_KEYS and isinstance(v, str)]
            texts += [o.get("content", "") for o in data.get("options", []) if isinstance(o, dict)]
            if kind in ("selectbox", "multiselect") and not _DATA_OPTIONS.search(
                data.get("id", "")
            ):
                texts += [o for o in data.get("options", []) if isinstance(o, str)]
            if kind == "plotly_chart":
                texts += _plotly_texts(data["spec"])
            if kind == "table":  # a small table of our own sentences: every cell is text
                frame = node.value
                texts += [str(c) for c in frame.columns]
                texts += [v for v in frame.to_numpy().ravel() if isinstance(v, str)]
            if kind == "dataframe":
                frame = node.value
                texts += [str(c) for c in frame.columns if str(c) not in data_words]
                texts += [str(n) for n in frame.index.names if n is not None]
            found.extend((kind, t) for t in texts if t and t not in data_words)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def _untranslated(at: AppTest, data_words: set[str]) -> list[str]:
    return [f"{kind}: {t!r}" for kind, t in our_texts(at, data_words) if _has_words(t)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("source", ["sample", "upload"])
def test_no_hard_coded_text(page, source):
    at = _app(lang="pseudo")
    data_words = set(pd.read_csv(SAMPLE, nrows=0).columns)
    if source == "upload":
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        data_words |= set(UPLOAD.decode().splitlines()[0].split(","))
        at.run()
    _ok(at.switch_page(page).run())
    assert at.title[0].value.startswith(PSEUDO_OPEN)
    assert _untranslated(at, data_words) == []


def test_pseudo_check_catches_plain_text():
    at = AppTest.from_string(
        'import streamlit as st\nst.caption("Hard-coded")\nst.caption("⟦ok⟧ 12%")'
    )
    at.run()
    assert _untranslated(at, set()) == ["caption: 'Hard-coded'"]


class TestSettingsFile:
    def test_loading_a_settings_file_applies_it(self):
        at = _ok(_app())
        settings = (
            b'{"version": 1, "scheme": "ibm", "cutoffs": [0.4, 0.7, 0.9], "basis": "revenue"}'
        )
        at.file_uploader(key="settings.file").upload("s.json", settings, "application/json")
        _ok(at.run())
        assert at.query_params.get("cutoffs") == "0.4,0.7,0.9"
        _ok(at.switch_page("pages/tiers.py").run())
        names = ["Diamond", "Gold", "Silver", "Other"]
        assert _tier_cards(at, names) == _tier_counts(_sample_values(), [40, 70, 90])

    def test_a_bad_settings_file_is_explained(self):
        at = _ok(_app())
        at.file_uploader(key="settings.file").upload("s.json", b'{"cutoffs": [0.9, 0.5]}', "x")
        _ok(at.run())
        assert any("Cut-offs must increase" in e for e in _errors(at))

    def test_an_invalid_link_warns_and_keeps_defaults(self):
        at = _ok(_app(query={"basis": "margin"}))
        assert any("'basis'" in w.value for w in at.warning)
        _ok(at.switch_page("pages/tiers.py").run())
        assert _tier_cards(at, ["A", "B", "C"]) == _tier_counts(_sample_values(), [80, 95])


# -- odd but plausible states must not crash ------------------------------------------------
TWO_DATES = b"""customer,order date,ship date,amount,industry
A,2024-01-05,2025-02-01,10,Energy
B,2024-02-05,2025-03-01,5,Food
"""


class TestOddStates:
    def test_link_with_a_100_percent_cutoff(self):
        at = _ok(_app(query={"cutoffs": "0.8,1"}).switch_page("pages/tiers.py").run())
        assert at.slider(key="tiers.cutoff.1").value == 100
        # A cut-off of 100 % leaves only zero and negative customers to the last tier.
        negative = sum(1 for v, _ in _sample_values() if v <= 0)
        assert _tier_cards(at, ["A", "B", "C"])[2] == negative

    def test_link_with_a_finer_cutoff_keeps_it_exact(self):
        at = _ok(_app(query={"cutoffs": "0.805,0.95"}).switch_page("pages/tiers.py").run())
        assert at.slider(key="tiers.cutoff.0").value == 80  # shown rounded
        at.slider(key="tiers.cutoff.1").set_value(90)
        _ok(at.run())
        assert at.query_params.get("cutoffs") == "0.805,0.9"  # the untouched one stays exact

    def test_tiny_cutoff_from_a_link(self):
        _ok(_app(query={"cutoffs": "0.001,0.5"}).switch_page("pages/tiers.py").run())

    def test_profit_basis_then_a_file_without_profit(self):
        at = _ok(_app())
        at.button_group(key="overview.basis").set_value("profit")
        _ok(at.run())
        at.file_uploader(key="source.upload").upload(
            "p.csv", b"customer,date,amount\nA,2024-01-01,5\n"
        )
        _ok(at.run())
        assert at.button_group(key="overview.basis").value == "revenue"
        _ok(at.switch_page("pages/tiers.py").run())

    def test_remapping_the_date_column_under_a_date_filter(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("d.csv", TWO_DATES, "text/csv")
        _ok(at.run())
        at.date_input(key="filters.dates").set_value(
            (pd.Timestamp("2024-01-05").date(), pd.Timestamp("2024-01-31").date())
        )
        _ok(at.run())
        assert _metric(at, "Customers") == "1"
        _ok(at.switch_page("pages/data.py").run())
        at.selectbox(key="data.map.date").set_value("ship date")
        at.button[0].click()
        _ok(at.run())
        _ok(at.switch_page("pages/overview.py").run())
        assert _metric(at, "Customers") == "2"  # the old filter went with the old column

    def test_unmapping_a_filtered_field(self):
        at = _ok(_app(query={"industry": "Energy"}))
        _ok(at.switch_page("pages/data.py").run())
        at.selectbox(key="data.map.industry").set_value("")
        at.button[0].click()
        _ok(at.run())
        _ok(at.switch_page("pages/overview.py").run())
        assert _metric(at, "Customers") == f"{len(_sample_values()):,}"

    def test_file_columns_named_like_ours(self):
        at = _app()
        data = b"Line,Reason,customer,date,amount\n1,x,,2024-01-01,5\n2,y,B,2024-01-02,6\n"
        at.file_uploader(key="source.upload").upload("c.csv", data, "text/csv")
        _ok(at.run())
        _ok(at.switch_page("pages/data.py").run())
        assert _metric(at, "Rejected") == "1"

    @pytest.mark.parametrize("text", [b'{"filters": ["region"]}', b'{"cutoffs": 0.8}', b"{nope"])
    def test_malformed_settings_file(self, text):
        at = _ok(_app())
        at.file_uploader(key="settings.file").upload("s.json", text, "application/json")
        _ok(at.run())
        assert at.error

    def test_link_with_values_the_data_lacks(self):
        at = _ok(_app(query={"region": "Nowhere", "from": "2030-01-01"}))
        # named as the sidebar names them: the filter and the date range
        assert any("left out: Region, Date range." in w.value for w in at.warning)
        assert _metric(at, "Customers") == f"{len(_sample_values()):,}"
        assert "region" not in at.query_params and "from" not in at.query_params

    def test_header_only_upload(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("h.csv", b"customer,date,amount\n")
        _ok(at.run())
        assert any("a header but no lines under it" in w.value for w in at.warning)
        _ok(at.switch_page("pages/tiers.py").run())
        assert any("a header but no lines under it" in w.value for w in at.warning)
        _ok(at.switch_page("pages/data.py").run())
        assert [m.value for m in at.metric][-5:-2] == ["0", "0", "0"]  # read, accepted, rejected
        assert any("a header but no lines under it" in w.value for w in at.warning)
        assert not at.success  # not "every line was accepted"

    def test_hostile_tier_names_stay_text(self):
        names = ["[x](http://evil)", "<b>B</b>", "C"]
        at = _ok(_app(query={"names": names}).switch_page("pages/tiers.py").run())
        labels = [m.label for m in at.metric]
        assert labels[:3] == [escape_markdown(n) for n in names]
        assert labels[0] == r"\[x\]\(http\://evil\)"  # shown as text, not as a link


def test_slider_moves_only_retier(monkeypatch):
    """A tier slider move re-tiers the cached ranking: it never re-reads or re-aggregates."""
    import ui.data

    calls = {"read": 0, "aggregate": 0}
    read, aggregate = ui.data.load_transactions, ui.data.summarize_customers

    def counting_read(*args, **kwargs):
        calls["read"] += 1
        return read(*args, **kwargs)

    def counting_aggregate(*args, **kwargs):
        calls["aggregate"] += 1
        return aggregate(*args, **kwargs)

    monkeypatch.setattr(ui.data, "load_transactions", counting_read)
    monkeypatch.setattr(ui.data, "summarize_customers", counting_aggregate)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _ok(_app().switch_page("pages/tiers.py").run())
    before = dict(calls)
    assert before["read"] == 1 and before["aggregate"] >= 1  # the counters do count
    for value in (60, 70, 75):
        at.slider(key="tiers.cutoff.0").set_value(value)
        _ok(at.run())
    assert _tier_cards(at, ["A", "B", "C"]) == _tier_counts(_sample_values(), [75, 95])
    assert calls == before


def test_invalid_link_values_leave_the_address_bar():
    at = _ok(_app(query={"cutoffs": "0.9,0.5", "scheme": "ibm"}))
    assert at.query_params == {"scheme": "ibm"}


def test_filters_in_force_are_named_on_the_page():
    at = _ok(_app(query={"region": "West", "from": "2024-01-01"}))
    assert any("Filtered: 2024-01-01" in c.value and "Region: West" in c.value for c in at.caption)
    _ok(at.switch_page("pages/tiers.py").run())
    assert any("Filtered:" in c.value for c in at.caption)


# -- real exports: questions the file leaves open, encodings, workbooks, saved mappings -------
def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="source.upload").upload(name, data)
    return _ok(at.run())


class TestRealExports:
    def test_decimal_mark_is_asked(self):
        at = _upload(
            _app(), "eu.csv", b"customer;date;amount\nA;2024-01-05;1.234\nB;2024-01-06;2.000\n"
        )
        assert any("answer it on the Data page" in w.value for w in at.sidebar.warning)
        _ok(at.switch_page("pages/data.py").run())
        at.radio(key="data.ask.decimal").set_value(",")
        _ok(at.run())
        assert _metric(at, "Revenue accepted") == "3,234.00"
        _ok(at.switch_page("pages/overview.py").run())
        assert _metric(at, "Customers") == "2"

    def test_decimal_mark_can_be_revised(self):
        at = _upload(
            _app(), "eu.csv", b"customer;date;amount\nA;2024-01-05;1.234\nB;2024-01-06;2.000\n"
        )
        _ok(at.switch_page("pages/data.py").run())
        question = next(w.value for w in at.warning if "Column 'amount'" in w.value)
        assert "Choose the decimal mark on the Data page" in question
        assert "--decimal" not in question  # command-line flags are for the CLI
        at.radio(key="data.ask.decimal").set_value(",")
        _ok(at.run())
        assert at.selectbox(key="data.decimal").value == ","  # the answer shows in the form
        at.selectbox(key="data.decimal").set_value(".")
        _ok(at.run())
        assert _metric(at, "Revenue accepted") == "3.23"  # 1.234 + 2.000, rounded to cents
        at.selectbox(key="data.decimal").set_value("")
        _ok(at.run())
        assert at.radio(key="data.ask.decimal").value is None  # asked again

    def test_detected_formats_are_named(self):
        data = '客戶編號,日期,金額\nA,05/01/2024,"NT$1,234.50"\nB,31/01/2024,2\n'
        at = _upload(_app(), "tw.csv", data.encode("cp950"))
        _ok(at.switch_page("pages/data.py").run())
        decimal, order = at.selectbox(key="data.decimal"), at.selectbox(key="data.date_order")
        assert (decimal.value, order.value) == ("", "")  # "" is: detect
        assert decimal.options[0] == "Detected: Point (1,234.50)"
        assert order.options[0] == "Detected: Day first (31/12)"
        assert any("Amounts are in TWD." in c.value for c in at.caption)
        order.set_value("mdy")  # 31/01 cannot be month first: that line is now rejected
        _ok(at.run())
        assert (_metric(at, "Accepted"), _metric(at, "Rejected")) == ("1", "1")

    def test_date_order_is_asked(self):
        at = _upload(_app(), "us.csv", b"customer,date,amount\nA,01/02/2024,1\nB,03/04/2024,2\n")
        _ok(at.switch_page("pages/data.py").run())
        assert at.radio(key="data.ask.date_order").value is None
        at.radio(key="data.ask.date_order").set_value("mdy")
        _ok(at.run())
        _ok(at.switch_page("pages/overview.py").run())
        period = next(m for m in at.metric if m.label == "Period covered")
        assert period.delta == "2024-01-02 → 2024-03-04"

    def test_encoding_can_be_changed(self):
        data = "客戶編號,日期,金額\nA,2024-01-05,5\n".encode("cp950")
        at = _upload(_app(), "tw.csv", data)
        _ok(at.switch_page("pages/data.py").run())
        assert _metric(at, "Encoding") == "Big5"
        at.selectbox(key="data.encoding").set_value("cp1252")
        _ok(at.run())
        # Read as Western text the header is no longer recognised: the mapping is asked for.
        assert _metric(at, "Encoding") == "Windows-1252"
        assert any("Choose a column for" in e for e in _errors(at))
        # Another file starts with its own choices, not the last file's.
        at = _upload(at, "cn.csv", "客户编号,日期,金额\nA,2024-01-05,5\n".encode("gb18030"))
        assert at.selectbox(key="data.encoding").value == ""
        assert _metric(at, "Encoding") == "GB18030"

    def test_workbook_with_two_sheets(self):
        import io

        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        notes = book.add_worksheet("Notes")
        notes.write(0, 0, "read me")
        sales = book.add_worksheet("Sales")
        sales.write(0, 0, "Sales report 2024")  # a title block above the header
        sales.write_row(2, 0, ["客戶編號", "日期", "金額"])
        sales.write_row(3, 0, ["00042", "2024-01-05", 1234.5])
        sales.write_row(4, 0, ["00043", "2024-01-06", 100])
        sales.write_row(5, 0, ["合計", "", 1334.5])
        book.close()
        at = _upload(_app(), "sales.xlsx", buffer.getvalue())
        _ok(at.switch_page("pages/data.py").run())
        assert at.selectbox(key="data.sheet").options == ["Notes", "Sales"]
        at.selectbox(key="data.sheet").set_value("Sales")
        _ok(at.run())
        assert (_metric(at, "Lines read"), _metric(at, "Accepted"), _metric(at, "Rejected")) == (
            "3",
            "2",
            "1",
        )
        assert _metric(at, "Revenue accepted") == "1,334.50"
        reasons = at.table[0].value
        assert reasons["Reason"].tolist() == ["A total line, not a customer's"]

    def test_saved_mapping_maps_next_month_in_one_click(self):
        data = b"a,b,c\nx,2024-01-01,5\ny,2024-01-02,7\n"
        at = _upload(_app(), "odd.csv", data)
        _ok(at.switch_page("pages/data.py").run())
        mapping = b'{"customer_id": "a", "date": "b", "revenue": "c"}'
        at.file_uploader(key="data.mapping_file").upload("m.json", mapping, "application/json")
        _ok(at.run())
        assert _metric(at, "Revenue accepted") == "12.00"

    def test_mapping_file_naming_other_columns_says_so(self):
        data = b"a,b,c,d\nx,2024-01-01,5,W\ny,2024-01-02,7,E\n"
        at = _upload(_app(), "odd.csv", data)
        _ok(at.switch_page("pages/data.py").run())
        mapping = b'{"customer_id": "a", "date": "b", "revenue": "c", "region": "Area", "x": "d"}'
        at.file_uploader(key="data.mapping_file").upload("m.json", mapping, "application/json")
        _ok(at.run())
        assert _metric(at, "Revenue accepted") == "12.00"  # the usable part is applied
        notice = next(w.value for w in at.warning if "Applied, except" in w.value)
        assert "Region → 'Area' (no such column here)" in notice
        assert "'x' (not a field kadash knows)" in notice

    def test_mapping_file_missing_a_required_column_is_refused(self):
        at = _upload(_app(), "odd.csv", b"a,b,c\nx,2024-01-01,5\n")
        _ok(at.switch_page("pages/data.py").run())
        mapping = b'{"customer_id": "a", "date": "b", "revenue": "Sales"}'
        at.file_uploader(key="data.mapping_file").upload("m.json", mapping, "application/json")
        _ok(at.run())
        assert any(
            "Column 'Sales' (for Amount (revenue)) is not in the file" in e for e in _errors(at)
        )

    def test_mapping_is_remembered_for_a_file_with_the_same_columns(self):
        at = _upload(_app(), "jan.csv", b"a,b,c\nx,2024-01-01,5\ny,2024-01-02,7\n")
        _ok(at.switch_page("pages/data.py").run())
        for field, column in {"customer_id": "a", "date": "b", "revenue": "c"}.items():
            at.selectbox(key=f"data.map.{field}").set_value(column)
        at.button(key="FormSubmitter:data.mapping-Apply mapping").click()
        _ok(at.run())
        assert _metric(at, "Revenue accepted") == "12.00"
        at = _upload(at, "feb.csv", b"a,b,c\nz,2024-02-01,30\n")  # next month's export
        assert _metric(at, "Revenue accepted") == "30.00"
        assert any("same columns as one mapped earlier" in i.value for i in at.info)


class TestServerFiles:
    """Files too large to upload are opened from the server's data folder, and only there."""

    @pytest.fixture
    def folder(self, tmp_path, monkeypatch):
        root = tmp_path / "exports"
        (root / "2024").mkdir(parents=True)
        (root / "2024" / "big.csv").write_text(
            "客戶編號,日期,金額\nA,2024-01-05,100\nB,2024-01-06,300\nA,2024-02-01,50\n", "utf-8"
        )
        (tmp_path / "secret.csv").write_text("customer,date,amount\nX,2024-01-01,1\n", "utf-8")
        monkeypatch.setenv("KADASH_DATA_DIR", str(root))
        return root

    def test_a_server_file_is_listed_and_opened(self, folder):
        at = _ok(_app())
        picker = at.selectbox(key="source.server")
        assert picker.options == ["2024/big.csv"]
        picker.set_value("2024/big.csv")
        _ok(at.run())
        assert any("Using: 2024/big.csv" in _plain(c.value) for c in at.sidebar.caption)
        assert _metric(at, "Customers") == "2"
        _ok(at.switch_page("pages/data.py").run())
        assert _metric(at, "Lines read") == "3"
        assert _metric(at, "Revenue accepted") == "450.00"  # 100 + 300 + 50

    def test_a_file_removed_after_it_was_chosen(self, folder):
        at = _ok(_app())
        at.selectbox(key="source.server").set_value("2024/big.csv")
        _ok(at.run())
        (folder / "2024" / "big.csv").unlink()
        _ok(at.run())  # no traceback: back to the sample
        assert any("Bundled sample" in c.value for c in at.sidebar.caption)

    def test_the_link_names_the_server_file(self, folder):
        """Opening a server file puts it in the address; the link opens it again; clearing it
        takes it out."""
        at = _ok(_app())
        at.selectbox(key="source.server").set_value("2024/big.csv")
        _ok(at.run())
        assert at.query_params.get("file") == "2024/big.csv"
        link = {k: at.query_params.get(k) for k in at.query_params}
        again = _ok(_app(query=link))  # a new session from the link
        assert any("Using: 2024/big.csv" in _plain(c.value) for c in again.sidebar.caption)
        assert _metric(again, "Customers") == "2"
        assert again.query_params.get("file") == "2024/big.csv"
        at.selectbox(key="source.server").set_value(None)
        _ok(at.run())
        assert "file" not in at.query_params
        assert any("Bundled sample" in c.value for c in at.sidebar.caption)

    def test_a_link_to_a_file_outside_the_folder_opens_nothing(self, folder):
        at = _ok(_app(query={"file": "../secret.csv"}))
        assert any("Bundled sample" in c.value for c in at.sidebar.caption)
        assert at.sidebar.error, "the refusal is said"
        assert "file" not in at.query_params  # and taken out of the address

    def test_a_link_keeps_its_filters_with_the_file(self, folder):
        """Opening the file a link names is not a new choice: the link's date range stays."""
        at = _ok(_app(query={"file": "2024/big.csv", "from": "2024-02-01"}))
        assert at.query_params.get("file") == "2024/big.csv"
        assert at.query_params.get("from") == "2024-02-01"
        assert _metric(at, "Customers") == "1"  # only A bought in February
