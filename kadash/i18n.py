"""Translations: every user-facing string of ours goes through a :class:`Translator`.

Messages live in ``kadash/locales/<lang>.toml`` (nested tables flatten to dotted keys such as
``overview.title``). English is complete; another language falls back to English for a key it
lacks. The ``pseudo`` language, for tests only, wraps every message in ``⟦ ⟧`` so a test can
find any text on a page that did not come through the translator.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import cache
from typing import Any

import numpy as np

from kadash.errors import Examples, Term
from kadash.exact import MONEY_SCALE
from kadash.locales import DEFAULT_LANGUAGE, LANGUAGES, catalog

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "NUMBER_STYLES",
    "PSEUDO",
    "PSEUDO_CLOSE",
    "PSEUDO_OPEN",
    "Translator",
    "catalog",
    "escape_html",
    "escape_markdown",
    "translator",
]

PSEUDO = "pseudo"
_QUARTER = re.compile(r"(\d{4}) Q([1-4])")
_FISCAL_YEAR = re.compile(r"FY(\d{4})")
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")

#: How each number style shortens large numbers: ``(factor, catalogue key, decimals)``, largest
#: unit first. A language picks its style with the key ``number.unit_step`` in
#: ``<lang>/units.toml``: the factor between its units, ``"1000"`` (western) or ``"10000"``
#: (myriad; a number rather than a name, so the Chinese catalogues hold no English word).
#: Decimals: K/M/B keep one (249.7M, 456.7K, as before). 萬 keeps one (1,234.5萬: up to five
#: significant digits, as Chinese finance writes it); 億 keeps two (2.50億 rather than 2.5億, so a
#: headline total of one to a few hundred 億 keeps three or more significant digits, as 249.7M
#: does in English).
NUMBER_STYLES: dict[str, tuple[tuple[float, str, int], ...]] = {
    "western": (
        (1e9, "number.billion", 1),
        (1e6, "number.million", 1),
        (1e3, "number.thousand", 1),
    ),
    "myriad": (
        (1e8, "number.hundred_million", 2),
        (1e4, "number.ten_thousand", 1),
    ),
}
_UNIT_STEPS = {"1000": "western", "10000": "myriad"}


def escape_markdown(text: str) -> str:
    """Text from users or files, made inert for Markdown (Streamlit labels, captions, alerts):
    every character Markdown or Streamlit's directives give a meaning is backslash-escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))


def escape_html(text: str) -> str:
    """Text from users, made inert for plotly labels (which read a few HTML tags)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Translator:
    """Look up messages and format numbers for one language.

    Call it with a key and named values:
    ``t("overview.top_share_readout", p="20%", share="78.1%", value="revenue")``.
    """

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang

    @property
    def is_pseudo(self) -> bool:
        return self.lang == PSEUDO

    def has(self, key: str) -> bool:
        return key in catalog(DEFAULT_LANGUAGE)

    def __call__(self, key: str, /, **values: Any) -> str:
        base = catalog(DEFAULT_LANGUAGE)
        own = base if self.lang in (DEFAULT_LANGUAGE, PSEUDO) else catalog(self.lang)
        template = own.get(key, base.get(key))
        if template is None:
            raise KeyError(f"No message {key!r} in kadash/locales/en.toml.")
        text = template.format(**values) if values else template
        return f"{PSEUDO_OPEN}{text}{PSEUDO_CLOSE}" if self.is_pseudo else text

    # Numbers are formatted here so a language can change separators and units in one place.
    def number(self, value: float | int | None, decimals: int = 0) -> str:
        """Thousands-separated number; an en dash for a missing value."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return f"{value:,.{decimals}f}"

    def percent(self, share: float | None, decimals: int = 1) -> str:
        """A fraction as a percentage (0.783 → ``78.3%``)."""
        if share is None or (isinstance(share, float) and math.isnan(share)):
            return "–"
        return f"{share * 100:,.{decimals}f}%"

    def money(self, minor: int | float | np.integer | None, decimals: int = 0) -> str:
        """An amount in minor units (0.0001) as currency units with separators."""
        if minor is None or (isinstance(minor, float) and math.isnan(minor)):
            return "–"
        return self.number(float(minor) / MONEY_SCALE, decimals)

    @property
    def number_style(self) -> str:
        """How this language shortens large numbers: ``"western"`` (K, M, B: steps of a
        thousand) or ``"myriad"`` (萬/万 and 億/亿: steps of ten thousand), from the catalogue
        key ``number.unit_step`` (``"1000"`` or ``"10000"``)."""
        own = catalog(self.lang) if self.lang in LANGUAGES else catalog(DEFAULT_LANGUAGE)
        step = own.get("number.unit_step", catalog(DEFAULT_LANGUAGE)["number.unit_step"])
        if step not in _UNIT_STEPS:
            raise ValueError(
                f"number.unit_step of {self.lang!r} is {step!r}; use one of "
                f"{', '.join(_UNIT_STEPS)} (kadash/locales/{self.lang}/units.toml)."
            )
        return _UNIT_STEPS[step]

    @property
    def number_units(self) -> tuple[tuple[float, str, int], ...]:
        """The short-form units of this language, largest first, as ``(factor, catalogue key,
        decimals)``: ``t(key, x="1.5")`` writes 1.5 of that unit (``1.5M``, ``1.5萬``)."""
        return NUMBER_STYLES[self.number_style]

    def number_short(self, value: float | int | np.integer | np.floating | None) -> str:
        """A compact number for headlines and chart labels, the way this language counts.

        English: ``456.7K``, ``12.3M``, ``1.2B`` (one decimal), plain below 1,000. Chinese:
        ``1.2萬`` from 10,000, ``1,234.5萬`` (one decimal), ``12.35億`` from 100,000,000 (two
        decimals), plain below 10,000 (``9,999``); Simplified Chinese writes 万 and 亿. Negative
        numbers keep their sign; a missing value is an en dash. A value that rounds up to the
        next unit is written in it (99,999,999 → ``1.00億``, not ``10,000.0萬``).
        """
        if value is None:
            return "–"
        value = float(value)
        if math.isnan(value):
            return "–"
        steps = (*self.number_units, (1.0, "", 0))
        size = abs(value)
        i = next(i for i, (factor, _, _) in enumerate(steps) if size >= factor or factor == 1.0)
        while i > 0 and round(size / steps[i][0], steps[i][2]) * steps[i][0] >= steps[i - 1][0]:
            i -= 1
        factor, key, decimals = steps[i]
        text = f"{size / factor:,.{decimals}f}"
        if value < 0 and text.strip("0.,"):  # no "-0" for a small negative number
            text = f"-{text}"
        return self(key, x=text) if key else text

    def money_short(self, minor: int | float | np.integer | None) -> str:
        """A compact amount (minor units in, currency units out) for headline numbers: 12.3M,
        456.7K in English, 1,234.5萬 and 12.35億 in Chinese (see :meth:`number_short`)."""
        if minor is None or (isinstance(minor, float) and math.isnan(minor)):
            return "–"
        return self.number_short(float(minor) / MONEY_SCALE)

    def plural(self, key: str, count: int, /, **values: Any) -> str:
        """The message for ``count`` things: ``<key>_one`` when count is 1 and this language
        has that form (English does; Chinese needs none), else ``<key>``."""
        own = catalog(self.lang) if self.lang in LANGUAGES else catalog(DEFAULT_LANGUAGE)
        one = f"{key}_one"
        return self(one if count == 1 and one in own else key, **values)

    def md(self, key: str, /, **values: Any) -> str:
        """Like calling the translator, for Markdown: text values (often from the user's file
        or link) are escaped first."""
        return self(key, **{k: _escape_value(v) for k, v in values.items()})

    def error(self, err: Exception, *, markdown: bool = True, app: bool = True) -> str:
        """The message of an error in this language, as the app shows it (a
        :class:`~kadash.errors.KadashError` is translated by its key, in its ``app_error``
        wording where there is one unless ``app`` is false, as on the command line; anything
        else is shown as an unexpected problem). Values in it are escaped for Markdown unless
        ``markdown`` is false."""
        key, params = getattr(err, "key", None), getattr(err, "params", {})
        # Words of ours among the values (kadash.errors.Term, Examples), in this language.
        params = {k: v.worded(self) if isinstance(v, Examples | Term) else v
                  for k, v in params.items()}  # fmt: skip
        show = self.md if markdown else self
        in_app = key.replace("error.", "app_error.", 1) if key is not None else None
        if app and in_app is not None and self.has(in_app):
            return show(in_app, **params)  # the app's wording: no command-line flags
        if key is not None and self.has(key):
            return show(key, **params)
        return show("error.unexpected", detail=str(err))

    def duration(self, days: int) -> str:
        """A span of days for people: days up to two months, then months, then years."""
        if days < 62:
            return self.plural("unit.days", days, n=self.number(days))
        if days < 730:
            return self("unit.months", n=self.number(days / 30.4375))
        return self("unit.years", x=self.number(days / 365.25, 1))

    def period(self, label: object) -> str:
        """A period's language-neutral label (:mod:`kadash.periods`, :mod:`kadash.trend`:
        ``"2025 Q1"``, ``"FY2025"``, ``"2025"``, ``"2025-03"``, a date range) as this
        language writes it (``2025 年第 1 季``)."""
        text = str(label)
        if match := _QUARTER.fullmatch(text):
            return self("period.quarter", year=match[1], q=match[2])
        if match := _FISCAL_YEAR.fullmatch(text):
            return self("period.fiscal_year", year=match[1])
        return text

    def date(self, value: date | datetime | np.datetime64 | None) -> str:
        """ISO date (``2024-01-05``)."""
        if value is None:
            return "–"
        return str(np.datetime64(value, "D"))


def _escape_value(value: Any) -> Any:
    return escape_markdown(value) if isinstance(value, str) else value


@cache
def translator(lang: str = DEFAULT_LANGUAGE) -> Translator:
    """The translator for ``lang`` (one per language; translators hold no mutable state)."""
    if lang != PSEUDO and lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    return Translator(lang)
