"""Errors a user can fix.

A :class:`KadashError` carries a message key and its values, so the app can show it in the
user's language (``Translator.error``) while ``str(err)`` is the English text, for the CLI and
logs. The English templates live in ``kadash/locales/en.toml`` under ``error``.
"""

from __future__ import annotations

from typing import Any

from kadash.locales import catalog

__all__ = ["Examples", "KadashError", "Term"]


class Term(str):
    """A word of ours inside an error's values (a delimiter's name, say), translated when the
    error is shown: ``str`` of it is the English text, :meth:`worded` the user's."""

    key: str

    def __new__(cls, key: str) -> Term:
        term = super().__new__(cls, catalog("en")[key])
        term.key = key
        return term

    def worded(self, t: Any) -> str:
        return t(self.key)


class Examples(str):
    """Cells quoted in an error with their line numbers — ``'1.234' (line 5), …`` — worded in
    the user's language when the error is shown (the cells themselves stay as they are)."""

    cells: tuple[tuple[str, int], ...]

    def __new__(cls, cells: Any) -> Examples:
        cells = tuple((str(text), int(line)) for text, line in cells)
        english = catalog("en")["error.example"]
        text = ", ".join(english.format(text=v, line=n) for v, n in cells)
        examples = super().__new__(cls, text)
        examples.cells = cells
        return examples

    def worded(self, t: Any) -> str:
        return t("error.examples_joiner").join(
            t("error.example", text=v, line=n) for v, n in self.cells
        )


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
