"""Small page helpers: the current view, error display, downloads and table formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from kadash.errors import KadashError
from kadash.export import to_csv_bytes
from kadash.i18n import Translator
from ui import state
from ui.data import View, current_source

__all__ = [
    "LAZY_ROWS",
    "current_view",
    "download_csv",
    "guard",
    "money_column",
    "page_header",
    "percent_column",
]

#: Tables longer than this are streamed to the browser in pages (sorted on the server).
LAZY_ROWS = 5_000


def current_view() -> View:
    """The view for this run, with the settings as the sidebar has just set them."""
    return View(current_source(), state.get_settings())


@contextmanager
def guard(t: Translator) -> Iterator[None]:
    """Show a data problem as a clear message with a link to fix it, then stop the page."""
    try:
        yield
    except KadashError as err:
        st.error(t.error(err), icon=":material/error:")
        st.page_link("pages/data.py", label=t("data.fix_link"), icon=":material/build:")
        st.stop()


def page_header(t: Translator, title_key: str, caption: str | None = None) -> None:
    """The page's title and caption; every page starts here (after checking ``app.py`` ran)."""
    st.title(t(title_key), anchor=False)
    if caption:
        st.caption(caption)


def download_csv(
    label: str, build: Callable[[], pd.DataFrame], *, file_name: str, key: str, help: str = ""
) -> None:
    """A CSV download built only when clicked, through the one safe CSV writer."""
    st.download_button(
        label,
        data=lambda: to_csv_bytes(build()),
        file_name=file_name,
        mime="text/csv",
        key=key,
        help=help or None,
        on_click="ignore",
        icon=":material/download:",
    )


def money_column(label: str, decimals: int = 2) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=f"%,.{decimals}f")


def percent_column(label: str) -> st.column_config.NumberColumn:
    """For shares in percent (see :func:`as_percent`): 25.04 → ``25.0%``."""
    return st.column_config.NumberColumn(label, format="%.1f%%")


def as_percent(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Shares (fractions) → percent numbers for display with :func:`percent_column`."""
    return table.assign(**{c: table[c] * 100 for c in columns if c in table.columns})
