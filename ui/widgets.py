"""Small page helpers: page start, the basis switch, errors, downloads and table formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from kadash.errors import KadashError
from kadash.export import to_csv_bytes
from kadash.i18n import Translator, escape_markdown
from kadash.report import analyse
from kadash.settings import Settings
from kadash.workbook import tier_workbook
from ui import state
from ui.data import ParseSummary, Source, View, current_source

__all__ = [
    "LAZY_ROWS",
    "as_percent",
    "basis_picker",
    "current_view",
    "download_button",
    "download_csv",
    "download_workbook",
    "error_text",
    "file_size",
    "filters_in_force",
    "guard",
    "money_column",
    "percent_column",
    "require_customers",
    "show_error",
    "source_name",
    "start_page",
]

#: Tables longer than this are streamed to the browser in pages (sorted on the server).
LAZY_ROWS = 5_000


def current_view() -> View:
    """The view for this run, with the settings as the sidebar has just set them."""
    return View(current_source(), state.get_settings())


def start_page(
    title_key: str, caption_key: str, *, show_filters: bool = True
) -> tuple[View, Translator]:
    """Every page starts here: check the frame ran, draw the title (and the filters in force,
    so a screenshot never passes filtered numbers off as the whole business), return the view
    and the translator."""
    state.require_frame()
    t = state.get_translator()
    st.title(t(title_key), anchor=False)
    st.caption(t(caption_key))
    settings = state.get_settings()
    if show_filters and (settings.filters or settings.date_from or settings.date_to):
        st.caption(":material/filter_alt: " + filters_in_force(t, settings))
    return current_view(), t


def filters_in_force(t: Translator, settings: Settings) -> str:
    """One line naming every filter in force (values escaped: they come from the data)."""
    parts = []
    if settings.date_from or settings.date_to:
        parts.append(
            t("filters.range", start=t.date(settings.date_from), end=t.date(settings.date_to))
        )
    for field, values in settings.filters:
        shown = ", ".join(escape_markdown(v) or t("filters.blank") for v in values)
        parts.append(t("filters.one", field=t(f"field.{field}"), values=shown))
    return t("filters.in_force", filters=" · ".join(parts))


def error_text(t: Translator, err: Exception) -> str:
    """An error for the app: a missing column is named by its label, with the way to fix it
    here (the library's message speaks of command-line flags)."""
    key = getattr(err, "key", None)
    if key == "error.mapping_missing":
        labels = ", ".join(t(f"field.{f}") for f in err.params["missing"])
        return t.md("data.mapping_missing", fields=labels, columns=err.params["columns"])
    if key in ("error.mapping_absent", "error.mapping_twice"):  # fields by their labels
        named = {p: t(f"field.{err.params[p]}") for p in ("field", "first", "second")
                 if p in err.params}  # fmt: skip
        return t.error(KadashError(key, **{**err.params, **named}))
    return t.error(err)


def show_error(t: Translator, err: Exception) -> None:
    st.error(error_text(t, err), icon=":material/error:")


@contextmanager
def guard(t: Translator) -> Iterator[None]:
    """Show a data problem as a clear message with a link to fix it, then stop the page."""
    try:
        yield
    except KadashError as err:
        show_error(t, err)
        st.page_link("pages/data.py", label=t("data.fix_link"), icon=":material/build:")
        st.stop()


def require_customers(t: Translator, view: View) -> ParseSummary:
    """Stop the page with a clear message unless there are customers to show."""
    with guard(t):
        summary = view.summary()
        empty = view.ranked().empty
    if summary.rows_accepted == 0:
        read, rejected = t.number(summary.rows_read), t.number(summary.rows_rejected)
        message = t("data.no_lines", read=read, rejected=rejected) if summary.rows_read else None
        st.warning(message or t("error.no_data_lines"), icon=":material/warning:")
        st.page_link("pages/data.py", label=t("data.fix_link"), icon=":material/build:")
        st.stop()
    if empty:
        st.info(t("common.no_customers"), icon=":material/filter_alt:")
        st.stop()
    return summary


def _on_basis(key: str) -> None:
    if st.session_state.get(key) is not None:
        state.update_settings(basis=st.session_state[key])


def basis_picker(t: Translator, has_profit: bool, key: str) -> str:
    """The revenue / gross-profit switch (one setting, shown on several pages)."""
    options = ["revenue", "profit"] if has_profit else ["revenue"]
    basis = state.get_settings().basis
    if st.session_state.get(key) not in options:  # first draw, or a file without profit
        st.session_state[key] = basis if basis in options else "revenue"
    st.segmented_control(
        t("basis.label"),
        options,
        format_func=lambda b: t(f"basis.{b}"),
        key=key,
        required=True,
        on_change=_on_basis,
        args=(key,),
        help=t("basis.help"),
    )
    return st.session_state[key]


def source_name(t: Translator, source: Source) -> str:
    """The file in use, for a caption: the bundled sample by what it is, else its name
    (escaped: it comes from the user)."""
    if source.is_sample:
        return t(
            "workshop.sample_zh_name" if source.name.endswith("_zh.csv") else "source.sample_name"
        )
    return escape_markdown(source.name)


def file_size(t: Translator, n: int) -> str:
    """Bytes as B / KB / MB for people."""
    # Decimal units, as the upload widget shows them.
    for unit, factor in (("unit.mb", 1_000_000), ("unit.kb", 1_000)):
        if n >= factor:
            return t(unit, x=f"{n / factor:,.1f}")
    return t("unit.bytes", x=f"{n:,}")


def download_button(*args: Any, **kwargs: Any) -> None:
    """``st.download_button``, except while presenting: every download of ours goes through
    here, so workshop mode hides them all."""
    if not state.presenting():
        st.download_button(*args, **kwargs)


def download_csv(
    label: str, build: Callable[[], pd.DataFrame], *, file_name: str, key: str, help: str = ""
) -> None:
    """A CSV download built only when clicked, through the one safe CSV writer."""
    download_button(
        label,
        data=lambda: to_csv_bytes(build()),
        file_name=file_name,
        mime="text/csv",
        key=key,
        help=help or None,
        on_click="ignore",
        icon=":material/download:",
    )


def download_workbook(t: Translator, view: View, *, key: str) -> None:
    """The one Excel workbook (customers with tiers, tier summary, policy, settings, rejected
    lines), built only when clicked: the whole path is run again for the view's settings."""
    load, settings = view.loader(), view.settings

    def build() -> bytes:  # runs when clicked, outside the script run: nothing from st here
        analysis = analyse(load(), settings, t)
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        return tier_workbook(analysis, t=t, generated=stamp, facts={"source": view.source.name})

    download_button(
        t("workbook.download"),
        data=build,
        file_name="kadash-key-accounts.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
        help=t("workbook.download_help"),
        on_click="ignore",
        icon=":material/table_view:",
        type="primary",
    )


def money_column(label: str, decimals: int = 2) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=f"%,.{decimals}f")


def percent_column(label: str) -> st.column_config.NumberColumn:
    """For shares in percent (see :func:`as_percent`): 25.04 → ``25.0%``."""
    return st.column_config.NumberColumn(label, format="%.1f%%")


def as_percent(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Shares (fractions) → percent numbers for display with :func:`percent_column`."""
    return table.assign(**{c: table[c] * 100 for c in columns if c in table.columns})
