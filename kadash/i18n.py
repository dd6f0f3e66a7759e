"""Translations: every user-facing string of ours goes through a :class:`Translator`.

Messages live in ``kadash/locales/<lang>.toml`` (nested tables flatten to dotted keys such as
``overview.title``). English is complete; another language falls back to English for a key it
lacks. The ``pseudo`` language, for tests only, wraps every message in ``⟦ ⟧`` so a test can
find any text on a page that did not come through the translator.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import cache
from typing import Any

import numpy as np

from kadash.exact import MONEY_SCALE
from kadash.locales import DEFAULT_LANGUAGE, LANGUAGES, catalog

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
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
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:")


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

    def money_short(self, minor: int | float | np.integer) -> str:
        """A compact amount for headline numbers: 12.3M, 456.7K (units translated)."""
        value = float(minor) / MONEY_SCALE
        for factor, key in ((1e9, "unit.billion"), (1e6, "unit.million"), (1e3, "unit.thousand")):
            if abs(value) >= factor:
                return self(key, x=f"{value / factor:,.1f}")
        return self.number(value)

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

    def error(self, err: Exception, *, markdown: bool = True) -> str:
        """The message of an error in this language, as the app shows it (a
        :class:`~kadash.errors.KadashError` is translated by its key, in its ``app_error``
        wording where there is one; anything else is shown as an unexpected problem). Values in
        it are escaped for Markdown unless ``markdown`` is false."""
        key, params = getattr(err, "key", None), getattr(err, "params", {})
        show = self.md if markdown else self
        if key is not None and self.has(app := key.replace("error.", "app_error.", 1)):
            return show(app, **params)  # the app's wording: no command-line flags
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
