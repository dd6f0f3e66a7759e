"""Three languages, complete: every message exists in English, 繁體中文 and 简体中文, and every
page, opened in each language through its link, shows no text of ours from another language.

The pseudo-language check (``tests/test_pages.py``) finds text that bypasses the translator;
these tests find messages that were never translated, or translated into the wrong language.
The user's own data (customer names, regions, header names) is out of scope: a Chinese page
shows English names when the file has them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from kadash.errors import Examples, KadashError, Term
from kadash.i18n import LANGUAGES, translator
from kadash.locales import catalog
from tests.conftest import ROOT, SAMPLE
from tests.test_pages import PAGES, _app, _ok, our_texts

SAMPLE_ZH = ROOT / "data" / "sample" / "transactions_zh.csv"
CHINESE = ("zh-Hant", "zh-Hans")

#: Latin words a Chinese text may keep: names of standards, formats, measures and methods
#: that Chinese business users read in Latin letters, and units of bytes.
_ALLOWED = """
A B C ABC IBM RFM R F M T CSV Excel JSON URL HTML UTF UTF-8 UTF-16 BOM Big5 Big5-HKSCS GB18030
GBK Windows-1252 Gini HHI ARI NMI PCA CLV BTYD k-means KMeans k K ID KB MB XlsxWriter Parquet
parquet xlsx xls csv tsv txt json Streamlit kadash Pareto Sankey scikit-learn pymc-marketing
lifetimes Ultsch Lötsch B2B IT SHA-256 Tab Enter Esc Shift Ctrl
"""
ALLOWED_LATIN = frozenset(_ALLOWED.split())
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9]*(?:-[A-Za-zÀ-ÖØ-öø-ÿ0-9]+)*")
# Not words of a language: placeholders (of ours and of plotly templates), HTML tags and
# entities, Material icon codes, code spans (column names, values), links' targets, command
# lines (``kadash report``, ``--encoding big5``), stable tier ids (t1), date patterns and
# the anonymous customer codes.
_NOT_WORDS = re.compile(
    r"%\{[^}]*\}|<[^>]+>|&[a-z]+;|:material/[a-z_]+:|`[^`]*`|\]\([^)]*\)|https?://\S+"
    r"|\{[a-z_]+(?::[^}]*)?\}|--[a-z-]+(?: [a-z0-9]+\b)?|\bkadash [a-z]+|\bt\d\b"
    r"|\b[A-Z]{1,3}-\d{3,}\b|\bC-\d+\b|[A-Za-z_-]*\.(?:csv|json|xlsx|xls|html|parquet)\b"
    r"|\bYYYY\b|\bMM\b|\bDD\b|\bNN\b|[a-z]+_[a-z_]+|(?:/[\w.-]+)+|\b[0-9a-f]{8,}\b"
)


def foreign_words(text: str, lang: str, data_tokens: frozenset[str] = frozenset()) -> list[str]:
    """The parts of ``text`` that belong to another language than ``lang``: Latin words (other
    than :data:`ALLOWED_LATIN` and the data's own) in Chinese, Chinese characters in English."""
    text = _NOT_WORDS.sub(" ", text)
    if lang == "en":
        return _CJK.findall(text)
    return [w for w in _LATIN.findall(text) if w not in ALLOWED_LATIN and w not in data_tokens]


@cache
def _data(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Every cell and header of a sample (skipped as the user's data), and the Latin words in
    them (allowed inside our sentences, which quote customer names and ids)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    cells = set(frame.columns) | set(pd.unique(frame.drop(columns=["revenue"], errors="ignore")
                                               .to_numpy().ravel()))  # fmt: skip
    tokens = {w for cell in cells for w in _LATIN.findall(str(cell))}
    return frozenset(cells), frozenset(tokens)


class TestCatalogues:
    @pytest.mark.parametrize("lang", CHINESE)
    def test_every_message_is_translated(self, lang):
        """No key falls back to English (plural ``_one`` forms are English-only)."""
        english = {k for k in catalog("en") if not k.endswith("_one")}
        assert sorted(english - set(catalog(lang))) == []
        assert sorted(set(catalog(lang)) - set(catalog("en"))) == []

    @pytest.mark.parametrize("lang", CHINESE)
    def test_no_english_left_in_chinese(self, lang):
        left = {k: v for k, v in catalog(lang).items() if foreign_words(v, lang)}
        assert left == {}

    def test_no_chinese_in_english(self):
        assert {k: v for k, v in catalog("en").items() if foreign_words(v, "en")} == {}

    def test_the_checks_can_fail(self):
        assert foreign_words("客戶 Revenue 占比", "zh-Hant") == ["Revenue"]
        assert foreign_words("ABC 分級（`customer_id`）:material/edit:", "zh-Hant") == []
        assert foreign_words("Revenue share 營收", "en") == ["營", "收"]
        assert foreign_words("Top C-0012 share", "en") == []


def _expected_title(lang: str, page: str) -> str:
    return translator(lang)(f"{Path(page).stem}.title")  # pages/at_risk.py → at_risk.title


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("page", PAGES)
def test_page_shows_one_language(page, lang):
    """Opened by a link with ``?lang=``, each page speaks that language only. A Chinese
    session starts on the Chinese sample; an English one on the English sample."""
    at = _app(query={"lang": lang})
    _ok(at.switch_page(page).run())
    assert at.title[0].value == _expected_title(lang, page)
    cells, tokens = _data(SAMPLE_ZH if lang in CHINESE else SAMPLE)
    leftovers = [
        f"{kind}: {text!r} → {words}"
        for kind, text in our_texts(at, set(cells))
        if (words := foreign_words(text, lang, tokens))
    ]
    assert leftovers == []


class TestWordsInsideErrors:
    """Values of an error that are words of ours are worded in the user's language."""

    def test_a_delimiter_name(self):
        err = KadashError(
            "error.single_column", column="a;b", delimiter=Term("error.delimiter_semicolon")
        )
        assert "than semicolon" in str(err)
        shown = translator("zh-Hant").error(err, markdown=False)
        assert "分號" in shown and "semicolon" not in shown

    def test_quoted_cells_with_their_lines(self):
        cells = Examples([("1.234", 5), ("2,5", 9)])
        assert str(cells) == "'1.234' (line 5), '2,5' (line 9)"
        err = KadashError("error.decimal_unknown", column="Amount", examples=cells)
        shown = translator("zh-Hans").error(err, markdown=False)
        assert "“1.234”（第 5 行）、“2,5”（第 9 行）" in shown
        assert "line" not in shown


def test_command_line_errors_speak_the_chosen_language(tmp_path, capsys):
    from kadash.cli import main

    path = tmp_path / "semi.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    assert main(["report", str(path), "--delimiter", "comma", "--lang", "zh-Hant"]) == 2
    err = capsys.readouterr().err
    assert "逗號" in err and "--delimiter" in err  # the command line's wording, in Chinese
    assert main(["report", str(path), "--delimiter", "comma"]) == 2
    assert "another delimiter than comma, give it with --delimiter" in capsys.readouterr().err
