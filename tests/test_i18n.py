"""Translations: every key the code uses exists, placeholders agree, formats are right."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import kadash.i18n
from kadash.columns import FIELDS
from kadash.errors import KadashError
from kadash.i18n import PSEUDO_CLOSE, PSEUDO_OPEN, Translator, translator
from kadash.locales import LANGUAGES, catalog
from kadash.parse import REJECT_REASONS
from kadash.settings import BASES
from kadash.tiers import SCHEMES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    ROOT / "app.py",
    *ROOT.glob("pages/*.py"),
    *ROOT.glob("ui/*.py"),
    *ROOT.glob("kadash/*.py"),
]
# Literal keys: t("a.b"), t(\n "a.b", ...), KadashError("error.x"), LoadError("error.x").
_LITERAL = re.compile(r'\b(?:t|self|KadashError|LoadError)\(\s*"([a-z_]+(?:\.[a-z_]+)+)"')


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _used_keys() -> set[str]:
    keys = set()
    for path in SOURCES:
        keys |= set(_LITERAL.findall(path.read_text(encoding="utf-8")))
    return keys


class TestCatalogue:
    def test_every_literal_key_exists(self):
        used = _used_keys()
        assert len(used) > 100  # the scan finds the keys (guards against a broken regex)
        assert sorted(used - set(catalog("en"))) == []

    @pytest.mark.parametrize(
        "prefix,names",
        [
            ("reason", REJECT_REASONS),
            ("fix", REJECT_REASONS),
            ("field", FIELDS),
            ("field_help", FIELDS),
            ("basis", BASES),
            ("measure", BASES),
            ("scheme", tuple(SCHEMES)),
        ],
    )
    def test_dynamic_keys_exist(self, prefix, names):
        assert [n for n in names if f"{prefix}.{n}" not in catalog("en")] == []

    def test_scheme_tier_names_exist(self):
        keys = [k for s in SCHEMES.values() for k in (s.name_keys or ())]
        assert [k for k in keys if k not in catalog("en")] == []

    @pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
    def test_translations_keep_placeholders(self, lang):
        en = catalog("en")
        for key, template in catalog(lang).items():
            assert key in en, f"{lang} has a key English lacks: {key}"
            assert _placeholders(template) == _placeholders(en[key]), key

    @pytest.mark.parametrize("lang", list(LANGUAGES))
    def test_templates_format(self, lang):
        for template in catalog(lang).values():
            dummy = dict.fromkeys(_placeholders(template), 1)
            template.format(**dummy)  # no stray braces

    def test_unknown_key_raises(self):
        with pytest.raises(KeyError, match=r"nope\.nothing"):
            translator("en")("nope.nothing")


class TestTranslator:
    def test_pseudo_wraps_formatted_text(self):
        assert translator("pseudo")("tier.generic", n=3) == f"{PSEUDO_OPEN}Tier 3{PSEUDO_CLOSE}"

    def test_fallback_to_english(self, monkeypatch):
        # Patched catalogues: the real Chinese ones leave no key untranslated to fall back from.
        fake = {"en": {"a.only_en": "English", "a.both": "Both"}, "zh-Hant": {"a.both": "兩者"}}
        monkeypatch.setattr(kadash.i18n, "catalog", fake.__getitem__)
        assert Translator("zh-Hant")("a.only_en") == "English"
        assert Translator("zh-Hant")("a.both") == "兩者"

    def test_chinese_messages(self):
        assert translator("zh-Hant")("tier.ibm.diamond") == "鑽石"

    def test_unknown_language(self):
        with pytest.raises(ValueError, match="Unknown language"):
            translator("fr")

    @pytest.mark.parametrize(
        ("method", "args", "expected"),
        [
            ("number", (1234567.891,), "1,234,568"),
            ("number", (1234.5, 1), "1,234.5"),
            ("number", (None,), "–"),
            ("percent", (0.7831,), "78.3%"),
            ("percent", (None,), "–"),
            ("money", (12_345_678_9012,), "12,345,679"),
            ("money", (-100, 2), "-0.01"),
            ("money_short", (2_497_075_229_100,), "249.7M"),
            ("money_short", (4_560_000,), "456"),
            ("money_short", (12_000_000_000_000,), "1.2B"),
        ],
    )
    def test_formats(self, method, args, expected):
        assert getattr(Translator("en"), method)(*args) == expected

    def test_error_messages_are_translated_by_key(self):
        err = KadashError("error.cutoff_count", low=1, high=5, got=0)
        assert str(err) == "Give 1 to 5 cut-offs; got 0."
        assert translator("pseudo").error(err) == f"{PSEUDO_OPEN}{err}{PSEUDO_CLOSE}"
        assert "boom" in translator("en").error(RuntimeError("boom"))


@pytest.mark.parametrize(
    ("days", "expected"),
    [(1, "1 day"), (61, "61 days"), (62, "2 months"), (365, "12 months"), (1095, "3.0 years")],
)
def test_duration(days, expected):
    assert Translator("en").duration(days) == expected


def test_plural_forms():
    en, zh = translator("en"), translator("zh-Hant")
    assert en.plural("data.download_rejected", 1, n="1") == "Download the rejected line (CSV)"
    assert en.plural("data.download_rejected", 2, n="2") == "Download the 2 rejected lines (CSV)"
    # A language without a "_one" form uses its general message (here English, as zh-Hant has
    # not translated it yet) rather than the English singular.
    assert zh.plural("unit.days", 1, n="1") == zh("unit.days", n="1")
