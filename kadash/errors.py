"""Errors a user can fix.

A :class:`KadashError` carries a message key and its values, so the app can show it in the
user's language (``Translator.error``) while ``str(err)`` is the English text, for the CLI and
logs. The English templates live in ``kadash/locales/en.toml`` under ``error``.
"""

from __future__ import annotations

from typing import Any

from kadash.locales import catalog

__all__ = ["KadashError"]


class KadashError(ValueError):
    """A problem with the user's input; the message says what is wrong and how to fix it.

    Parameters
    ----------
    key
        Message key, e.g. ``"error.not_utf8"``.
    **params
        Values for the message template (numbers, column names, example cells).
    """

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        template = catalog("en").get(key, key)
        super().__init__(template.format(**params) if params else template)
