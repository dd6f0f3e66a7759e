"""Data: where the numbers come from — the file, the column mapping and every rejected line."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kadash.columns import FIELDS, REQUIRED_FIELDS, check_mapping
from kadash.errors import KadashError
from kadash.export import rejected_table
from kadash.i18n import Translator
from kadash.parse import REJECT_REASONS
from ui import state
from ui.data import View, set_mapping
from ui.sidebar import file_size
from ui.widgets import LAZY_ROWS, current_view, download_csv, page_header

_DELIMITERS = {
    ",": "data.delim_comma",
    ";": "data.delim_semicolon",
    "\t": "data.delim_tab",
    "|": "data.delim_pipe",
}


def _file_facts(t: Translator, view: View) -> None:
    raw = view.raw()
    source = view.source
    name = t("source.sample_name") if source.is_sample else source.name
    st.caption(t("data.file_line", name=name, digest=source.digest[:16]))
    cols = st.columns(4, border=True)
    cols[0].metric(t("data.size"), file_size(t, source.size))
    cols[1].metric(t("data.encoding"), t(f"encoding.{raw.encoding}"))
    cols[2].metric(t("data.delimiter"), t(_DELIMITERS[raw.delimiter]))
    cols[3].metric(t("data.columns"), t.number(len(raw.header)))


def _apply_mapping(digest: str, header: tuple[str, ...]) -> None:
    chosen = {f: st.session_state.get(f"data.map.{f}") or None for f in FIELDS}
    try:
        set_mapping(digest, check_mapping(chosen, header))
        st.session_state["data.mapping_error"] = None
    except KadashError as err:
        st.session_state["data.mapping_error"] = err


def _reset_mapping(digest: str) -> None:
    set_mapping(digest, None)
    st.session_state["data.mapping_error"] = None
    for field in FIELDS:
        st.session_state.pop(f"data.map.{field}", None)


def _mapping_form(t: Translator, view: View) -> None:
    header = view.header()
    current = view.chosen_mapping()
    st.caption(t("data.mapping_caption"))
    options = ["", *header]
    with st.form("data.mapping", border=True):
        cols = st.columns(5)
        for i, field in enumerate(FIELDS):
            key = f"data.map.{field}"
            state.seed(key, current.get(field, ""))
            if st.session_state[key] not in options:
                st.session_state[key] = ""
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
    error = st.session_state.get("data.mapping_error")
    if error is not None:
        st.error(t.error(error), icon=":material/error:")
    st.button(
        t("data.reset_mapping"),
        on_click=_reset_mapping,
        args=(view.source.digest,),
        icon=":material/restart_alt:",
    )


def _row_account(t: Translator, view: View) -> None:
    parsed = view.parsed()
    st.subheader(t("data.account_title"), anchor=False)
    cols = st.columns(3, border=True)
    cols[0].metric(t("data.rows_read"), t.number(parsed.rows_read))
    cols[1].metric(t("data.rows_accepted"), t.number(parsed.rows_accepted))
    cols[2].metric(t("data.rows_rejected"), t.number(parsed.rows_rejected))
    if parsed.has_profit and parsed.missing_profit:
        st.info(t("data.missing_profit", n=t.number(parsed.missing_profit)), icon=":material/info:")
    if parsed.rounded_amounts:
        st.info(t("data.rounded", n=t.number(parsed.rounded_amounts)), icon=":material/info:")
    if not parsed.rows_rejected:
        st.success(t("data.all_accepted"), icon=":material/check_circle:")
        return
    counts = parsed.rejected_by_reason
    st.warning(t("data.some_rejected", n=t.number(parsed.rows_rejected)), icon=":material/warning:")
    st.dataframe(
        pd.DataFrame(
            {
                t("col.reason"): [t(f"reason.{r}") for r in REJECT_REASONS if counts[r]],
                t("col.lines"): [counts[r] for r in REJECT_REASONS if counts[r]],
                t("col.how_to_fix"): [t(f"fix.{r}") for r in REJECT_REASONS if counts[r]],
            }
        ),
        hide_index=True,
    )
    table = rejected_table(parsed.rejected, t=t)
    st.dataframe(table, hide_index=True, height=320, lazy=len(table) > LAZY_ROWS)
    download_csv(
        t("data.download_rejected", n=t.number(parsed.rows_rejected)),
        lambda: rejected_table(parsed.rejected, t=t),
        file_name="kadash-rejected-lines.csv",
        key="data.download_rejected",
    )


def render() -> None:
    state.require_frame()
    view = current_view()
    t = state.get_translator()
    page_header(t, "data.title", t("data.caption"))
    with st.expander(t("data.format_title"), icon=":material/help:"):
        st.markdown(t("data.format_body"))
    try:
        _file_facts(t, view)
    except KadashError as err:
        st.error(t.error(err), icon=":material/error:")
        st.stop()
    try:
        view.mapping()
        mapping_ok = True
    except KadashError as err:
        mapping_ok = False
        st.error(t.error(err), icon=":material/error:")
    if mapping_ok:
        try:
            _row_account(t, view)
        except KadashError as err:
            st.error(t.error(err), icon=":material/error:")
    # Open when the columns need the user's attention; tucked away when they were recognised.
    with st.expander(t("data.mapping_title"), expanded=not mapping_ok, icon=":material/edit:"):
        _mapping_form(t, view)
    with st.expander(t("data.preview_title"), icon=":material/table:"):
        st.dataframe(view.raw().cells.head(100).rename_axis(t("col.line")), height=300)


if __name__ == "__main__":
    render()
