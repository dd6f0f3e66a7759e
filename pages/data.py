"""Data: where the numbers come from — the file, every line accounted for, the column mapping."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kadash.errors import KadashError
from kadash.export import rejected_table
from kadash.i18n import Translator, escape_markdown
from kadash.parse import REJECT_REASONS
from ui import state
from ui.data import ParseSummary, View
from ui.source_forms import QUESTIONS, mapping_form, open_questions, reading_form
from ui.widgets import LAZY_ROWS, download_csv, file_size, show_error, source_name, start_page

_FORMATS = {
    "csv": "data.format_csv",
    "excel": "data.format_excel",
    "parquet": "data.format_parquet",
}


def _file_facts(t: Translator, view: View) -> None:
    facts, source = view.facts(), view.source
    st.caption(t("data.file_line", name=source_name(t, source), digest=source.digest[:16]))
    cols = st.columns(4, border=True)
    cols[0].metric(t("data.size"), file_size(t, source.size))
    cols[1].metric(t("data.format"), t(_FORMATS[facts.format]))
    if facts.format == "csv":
        cols[2].metric(
            t("data.encoding"),
            t(f"encoding_short.{facts.encoding}"),
            help=t(f"encoding.{facts.encoding}"),
        )
    elif facts.format == "excel":
        cols[2].metric(t("data.sheet"), escape_markdown(facts.sheet or ""))
    cols[3].metric(t("data.columns"), t.number(len(facts.header)))


def _kept_lines(t: Translator, key: str, frame: pd.DataFrame, value_key: str) -> None:
    """Lines kept but reported: a note and their download."""
    count = len(frame)
    if not count:
        return
    st.info(t.plural(f"data.{key}", count, n=t.number(count)), icon=":material/info:")
    download_csv(
        t.plural("data.download_lines", count, n=t.number(count)),
        lambda: frame.set_axis([t("col.line"), t(value_key)], axis=1),
        file_name=f"kadash-{key.replace('_', '-')}.csv",
        key=f"data.download.{key}",
    )


def _row_account(t: Translator, view: View, summary: ParseSummary) -> None:
    st.subheader(t("data.account_title"), anchor=False)
    # Lines, then money: exact amounts to the cent need the width of half the page.
    cols = st.columns(3, border=True)
    cols[0].metric(t("data.rows_read"), t.number(summary.rows_read))
    cols[1].metric(t("data.rows_accepted"), t.number(summary.rows_accepted))
    cols[2].metric(t("data.rows_rejected"), t.number(summary.rows_rejected))
    cols = st.columns(2, border=True)
    cols[0].metric(t("data.revenue_accepted"), t.money(summary.accepted_revenue, 2))
    cols[1].metric(
        t("data.revenue_rejected"),
        t.money(summary.rejected_revenue, 2),
        help=t("data.revenue_rejected_help"),
    )
    problems = view.problems()
    if summary.missing_profit:
        n = summary.missing_profit
        st.info(t.plural("data.missing_profit", n, n=t.number(n)), icon=":material/info:")
    _kept_lines(t, "unreadable_profit", problems.unreadable_profit, "col.value")
    _kept_lines(t, "duplicates", problems.duplicates, "col.first_line")
    if summary.rounded_amounts:
        n = summary.rounded_amounts
        st.info(t.plural("data.rounded", n, n=t.number(n)), icon=":material/info:")
    if not summary.rows_read:
        st.warning(t("error.no_data_lines"), icon=":material/warning:")
        return
    if not summary.rows_rejected:
        st.success(t("data.all_accepted"), icon=":material/check_circle:")
        return
    counts = summary.rejected_by_reason
    reasons = [r for r in REJECT_REASONS if counts[r]]
    n = summary.rows_rejected
    st.warning(t.plural("data.some_rejected", n, n=t.number(n)), icon=":material/warning:")
    # A static table: the fixes are sentences and must wrap, not be cut off.
    st.table(
        pd.DataFrame(
            {
                t("col.reason"): [t(f"reason.{r}") for r in reasons],
                t("col.lines"): [t.number(counts[r]) for r in reasons],
                t("col.how_to_fix"): [t(f"fix.{r}") for r in reasons],
            }
        ),
        hide_index=True,
        border="horizontal",
    )
    table = rejected_table(problems.rejected, t=t)
    st.dataframe(table, hide_index=True, height=320 if n > 8 else "auto", lazy=n > LAZY_ROWS)
    download_csv(
        t.plural("data.download_rejected", n, n=t.number(n)),
        lambda: table,
        file_name="kadash-rejected-lines.csv",
        key="data.download_rejected",
    )


def render() -> None:
    view, t = start_page("data.title", "data.caption", show_filters=False)
    with st.expander(t("data.format_title"), icon=":material/help:"):
        st.markdown(t("data.format_body"))
    try:
        _file_facts(t, view)
    except KadashError as err:  # the file cannot be read at all
        show_error(t, err)
        with st.expander(t("data.reading_title"), expanded=True, icon=":material/tune:"):
            reading_form(t, view)
        st.stop()
    summary = None
    try:
        summary = view.summary()
    except KadashError as err:
        if err.key in QUESTIONS:  # the file leaves a choice to the user
            open_questions(t, view, err)
        else:  # mostly: a required column is not mapped
            show_error(t, err)
    if summary is not None:
        _row_account(t, view, summary)
    if state.presenting():  # set-up is hidden in a workshop
        st.caption(t("workshop.setup_hidden"))
        return
    with st.expander(t("data.reading_title"), icon=":material/tune:"):
        reading_form(t, view, summary)
    # Open when the columns need the user's attention; tucked away when they were recognised.
    with st.expander(t("data.mapping_title"), expanded=summary is None, icon=":material/edit:"):
        mapping_form(t, view)
    with st.expander(t("data.preview_title"), expanded=summary is None, icon=":material/table:"):
        if view.anonymous:  # the file's own cells would name the customers
            st.caption(t("workshop.preview_hidden"))
        else:
            st.dataframe(view.facts().preview.rename_axis(t("col.line")), height="auto")


if __name__ == "__main__":
    render()
