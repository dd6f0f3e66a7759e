"""Message catalogues: ``<lang>.toml`` per language, plus one file per page subject in
``<lang>/*.toml`` (e.g. ``en/policy.toml``) so no file grows fat. Nested tables flatten to
dotted keys; a key defined in two files of one language is an error.

Kept apart from :mod:`kadash.i18n` so that :mod:`kadash.errors` can read English messages
without importing the formatting code (and without an import cycle).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "catalog"]

#: Languages offered to users, code → name in that language.
LANGUAGES: dict[str, str] = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
DEFAULT_LANGUAGE = "en"
_HERE = Path(__file__).parent


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language (``en``, ``zh-Hant``, ``zh-Hans``), flattened."""
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    messages: dict[str, str] = {}
    for path in [_HERE / f"{lang}.toml", *sorted((_HERE / lang).glob("*.toml"))]:
        with open(path, "rb") as fh:
            more = _flatten(tomllib.load(fh))
        if twice := sorted(set(messages) & set(more)):
            raise ValueError(f"{path.name} defines keys already defined for {lang}: {twice[:5]}")
        messages.update(more)
    return messages
