"""Data: where the numbers come from — the file, every line accounted for, the column mapping."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kadash.columns import FIELDS, REQUIRED_FIELDS, check_mapping
from kadash.errors import KadashError
from kadash.export import rejected_table
from kadash.i18n import Translator, escape_markdown
from kadash.parse import REJECT_REASONS
from ui import state
from ui.data import ParseSummary, View, set_mapping
from ui.sidebar import forget_data_widgets
from ui.widgets import LAZY_ROWS, download_csv, file_size, show_error, start_page

_DELIMITERS = {
    ",": "data.delim_comma",
    ";": "data.delim_semicolon",
    "\t": "data.delim_tab",
    "|": "data.delim_pipe",
}
_MAPPING_ERROR = "data.mapping_error"


def _file_facts(t: Translator, view: View) -> None:
    facts, source = view.facts(), view.source
    name = t("source.sample_name") if source.is_sample else escape_markdown(source.name)
    st.caption(t("data.file_line", name=name, digest=source.digest[:16]))
    cols = st.columns(4, border=True)
    cols[0].metric(t("data.size"), file_size(t, source.size))
    cols[1].metric(t("data.encoding"), t(f"encoding.{facts.encoding}"))
    cols[2].metric(t("data.delimiter"), t(_DELIMITERS[facts.delimiter]))
    cols[3].metric(t("data.columns"), t.number(facts.columns))


def _apply_mapping(digest: str, header: tuple[str, ...]) -> None:
    chosen = {f: st.session_state.get(f"data.map.{f}") or None for f in FIELDS}
    try:
        set_mapping(digest, check_mapping(chosen, header))
    except KadashError as err:
        st.session_state[_MAPPING_ERROR] = err
        return
    st.session_state[_MAPPING_ERROR] = None
    forget_data_widgets()  # filters were on the old columns


def _reset_mapping(digest: str) -> None:
    set_mapping(digest, None)
    st.session_state[_MAPPING_ERROR] = None
    forget_data_widgets()


def _mapping_form(t: Translator, view: View) -> None:
    header = view.header()
    current = view.chosen_mapping()
    st.caption(t("data.mapping_caption"))
    options = ["", *header]
    with st.form("data.mapping", border=True):
        cols = st.columns(5)
        for i, field in enumerate(FIELDS):
            key = f"data.map.{field}"
            if st.session_state.get(key) not in (None, *options):
                del st.session_state[key]  # drawn for another file
            state.seed(key, current.get(field, ""))
            label = t(f"field.{field}") + (" *" if field in REQUIRED_FIELDS else "")
            cols[i % 5].selectbox(
                label,
                options,
                key=key,
                format_func=lambda c: c or t("data.not_used"),
                help=t(f"field_help.{field}"),
            )
        st.form_submit_button(
            t("data.apply_mapping"),
            type="primary",
            on_click=_apply_mapping,
            args=(view.source.digest, header),
        )
    error = st.session_state.get(_MAPPING_ERROR)
    if error is not None:
        show_error(t, error)
    st.button(
        t("data.reset_mapping"),
        on_click=_reset_mapping,
        args=(view.source.digest,),
        icon=":material/restart_alt:",
    )


def _row_account(t: Translator, view: View, summary: ParseSummary) -> None:
    st.subheader(t("data.account_title"), anchor=False)
    cols = st.columns(3, border=True)
    cols[0].metric(t("data.rows_read"), t.number(summary.rows_read))
    cols[1].metric(t("data.rows_accepted"), t.number(summary.rows_accepted))
    cols[2].metric(t("data.rows_rejected"), t.number(summary.rows_rejected))
    rejected, unreadable_profit = view.problems()
    if summary.missing_profit:
        st.info(
            t.plural(
                "data.missing_profit", summary.missing_profit, n=t.number(summary.missing_profit)
            ),
            icon=":material/info:",
        )
    if summary.unreadable_profit:
        count, n = summary.unreadable_profit, t.number(summary.unreadable_profit)
        st.warning(t.plural("data.unreadable_profit", count, n=n), icon=":material/warning:")
        download_csv(
            t.plural("data.download_unreadable_profit", count, n=n),
            lambda: unreadable_profit.set_axis([t("col.line"), t("col.value")], axis=1),
            file_name="kadash-unreadable-profit.csv",
            key="data.download_unreadable_profit",
        )
    if summary.rounded_amounts:
        st.info(
            t.plural("data.rounded", summary.rounded_amounts, n=t.number(summary.rounded_amounts)),
            icon=":material/info:",
        )
    if not summary.rows_rejected:
        st.success(t("data.all_accepted"), icon=":material/check_circle:")
        return
    counts = summary.rejected_by_reason
    reasons = [r for r in REJECT_REASONS if counts[r]]
    n = t.number(summary.rows_rejected)
    st.warning(
        t.plural("data.some_rejected", summary.rows_rejected, n=n), icon=":material/warning:"
    )
    st.dataframe(
        pd.DataFrame(
            {
                t("col.reason"): [t(f"reason.{r}") for r in reasons],
                t("col.lines"): [counts[r] for r in reasons],
                t("col.how_to_fix"): [t(f"fix.{r}") for r in reasons],
            }
        ),
        hide_index=True,
    )
    table = rejected_table(rejected, t=t)
    st.dataframe(table, hide_index=True, height=320, lazy=len(table) > LAZY_ROWS)
    download_csv(
        t.plural("data.download_rejected", summary.rows_rejected, n=n),
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
        st.stop()
    try:
        summary = view.summary()
    except KadashError as err:  # mostly: a required column is not mapped
        show_error(t, err)
        summary = None
    if summary is not None:
        _row_account(t, view, summary)
    # Open when the columns need the user's attention; tucked away when they were recognised.
    with st.expander(t("data.mapping_title"), expanded=summary is None, icon=":material/edit:"):
        _mapping_form(t, view)
    with st.expander(t("data.preview_title"), expanded=summary is None, icon=":material/table:"):
        st.dataframe(view.facts().preview.rename_axis(t("col.line")), height=300)


if __name__ == "__main__":
    render()
