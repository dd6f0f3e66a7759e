"""The language switch and the workshop switches, in AppTest: a link opens in its language, a
Chinese session starts on the Chinese sample, presenting hides set-up and downloads, and
anonymising codes every customer on every page.

Expected numbers come from plain pandas on the sample files.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kadash.i18n import translator
from tests.conftest import ROOT
from tests.test_pages import UPLOAD, _app, _metric, _ok, _sample_values, _table_with

SAMPLE_ZH = ROOT / "data" / "sample" / "transactions_zh.csv"
CODE = re.compile(r"^C-\d{4}$")


def _zh_customers() -> int:
    return pd.read_csv(SAMPLE_ZH, dtype={"客戶編號": str})["客戶編號"].nunique()


def _downloads(at) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


class TestLanguage:
    def test_switch_in_the_sidebar_translates_and_goes_in_the_link(self):
        at = _ok(_app())
        assert at.title[0].value == "Overview"
        at.selectbox(key="workshop.language").set_value("zh-Hant")
        _ok(at.run())
        assert at.title[0].value == translator("zh-Hant")("overview.title")
        assert at.query_params["lang"] == "zh-Hant"
        # the data stays what it was: switching language does not swap the sample
        assert _metric(at, translator("zh-Hant")("kpi.customers")) == f"{len(_sample_values()):,}"
        assert at.query_params["sample"] == "en"

    @pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
    def test_a_chinese_link_opens_on_the_chinese_sample(self, lang):
        at = _ok(_app(query={"lang": lang}))
        t = translator(lang)
        assert at.title[0].value == t("overview.title")
        assert at.selectbox(key="workshop.language").value == lang
        assert _metric(at, t("kpi.customers")) == f"{_zh_customers():,}"
        assert any(t("workshop.sample_zh_name") in c.value for c in at.sidebar.caption)

    def test_the_sample_choice(self):
        at = _ok(_app(query={"lang": "zh-Hant"}))
        at.button_group(key="source.sample").set_value("en")  # the sidebar's sample switch
        _ok(at.run())
        t = translator("zh-Hant")
        assert _metric(at, t("kpi.customers")) == f"{len(_sample_values()):,}"
        assert at.query_params["sample"] == "en"

    def test_an_unknown_language_falls_back_to_english(self):
        at = _ok(_app(query={"lang": "fr"}))
        assert at.title[0].value == "Overview"


class TestPresent:
    def test_hides_set_up_and_downloads_but_keeps_the_sliders(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        assert at.file_uploader and _downloads(at)
        at.toggle(key="workshop.present").set_value(True)
        _ok(at.run())
        assert at.query_params["present"] == "1"
        # The data source stays drawn (so an upload survives) inside a container the
        # presenting style hides; the settings file is not drawn at all.
        assert [f.key for f in at.file_uploader] == ["source.upload"]
        styles = " ".join(h.proto.body for h in at.get("html"))
        assert ".st-key-kadash-setup { display: none; }" in styles
        assert _downloads(at) == []
        assert at.slider  # the tier sliders stay
        assert "stMetricValue" in styles

    def test_a_link_opens_presenting_and_the_data_page_hides_the_mapping(self):
        at = _ok(_app(query={"present": "1"}).switch_page("pages/data.py").run())
        assert at.toggle(key="workshop.present").value is True
        assert not at.expander or all("mapping" not in e.label.lower() for e in at.expander)
        assert any("Presenting" in c.value for c in at.caption)
        assert _downloads(at) == []


class TestAnonymise:
    def test_every_customer_becomes_a_code_by_revenue_rank(self):
        at = _ok(_app().switch_page("pages/tiers.py").run())
        at.toggle(key="workshop.anonymise").set_value(True)
        _ok(at.run())
        assert at.query_params["anon"] == "1"
        table = _table_with(at, "Last purchase")
        assert table["Customer id"].map(CODE.match).all()
        assert (table["Customer name"] == table["Customer id"]).all()
        # the first row is the largest customer, and it is C-0001
        assert table["Customer id"].iloc[0] == "C-0001"
        values = _sample_values()
        assert len(table) == len(values)
        real = set(pd.read_csv(ROOT / "data/sample/transactions.csv")["customer_name"])
        assert not real & set(table["Customer name"])

    def test_search_finds_codes_not_names(self):
        at = _ok(_app(query={"anon": "1"}).switch_page("pages/tiers.py").run())
        at.text_input(key="tiers.search").set_value("C-0001")
        _ok(at.run())
        assert _table_with(at, "Last purchase")["Customer id"].tolist() == ["C-0001"]
        name = pd.read_csv(ROOT / "data/sample/transactions.csv")["customer_name"].iloc[0]
        at.text_input(key="tiers.search").set_value(name)
        _ok(at.run())
        assert any("No customer" in i.value for i in at.info)

    def test_codes_do_not_change_with_filters(self):
        at = _ok(_app(query={"anon": "1"}).switch_page("pages/tiers.py").run())
        whole = _table_with(at, "Last purchase").set_index("Customer id")
        at.multiselect(key="filters.region").set_value(["North"])
        _ok(at.run())
        north = _table_with(at, "Last purchase").set_index("Customer id")
        assert 0 < len(north) < len(whole)
        # a customer keeps its code: same region and last purchase as in the whole table
        assert (north["Region"] == whole.loc[north.index, "Region"]).all()
        assert set(north["Region"]) == {"North"}

    def test_the_account_page_and_rejected_lines_are_coded(self):
        at = _app(query={"anon": "1"})
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        _ok(at.switch_page("pages/data.py").run())
        rejected = _table_with(at, "Reason")
        cells = set(rejected.astype(str).to_numpy().ravel())
        assert not {"00042", "00007", "A1", "B2", "C3", "D4"} & cells
        assert any("anonymised" in c.value for c in at.caption)  # no raw preview
        _ok(at.switch_page("pages/account.py").run())
        options = at.selectbox(key="account.customer").options
        assert options and all(re.search(r"\bC-\d{4}\b", o) for o in options)
        assert not any(i in o for o in options for i in ("00042", "00007"))
