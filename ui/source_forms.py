"""The Data page's forms: how the file is read (encoding, delimiter, sheet), the questions the
file leaves open (decimal mark, date order), and the column mapping with its JSON file."""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kadash.amounts import DECIMAL_MARKS
from kadash.columns import FIELDS, REQUIRED_FIELDS, check_mapping
from kadash.dates import DATE_ORDERS
from kadash.encodings import ENCODINGS
from kadash.errors import KadashError
from kadash.i18n import Translator
from kadash.load import DELIMITERS
from ui import state
from ui.data import ParseSummary, View, read_options, set_mapping, set_read_options
from ui.sidebar import forget_data_widgets
from ui.widgets import show_error

__all__ = ["QUESTIONS", "mapping_form", "open_questions", "reading_form"]

#: Errors that are questions to the user rather than faults of the file.
QUESTIONS = {
    "error.decimal_unknown": "decimal",
    "error.decimal_conflict": "decimal",
    "error.date_order_unknown": "date_order",
    "error.date_order_conflict": "date_order",
}
_MAPPING_ERROR = "data.mapping_error"
_MAPPING_NOTICE = "data.mapping_notice"
_DELIMITER_KEYS = {",": "data.delim_comma", ";": "data.delim_semicolon", "\t": "data.delim_tab",
                   "|": "data.delim_pipe"}  # fmt: skip


_FORM_KEYS = ("data.sheet", "data.encoding", "data.delimiter", "data.decimal", "data.date_order")
_FORM_DIGEST = "data.form_digest"


def _change_option(digest: str, name: str, key: str) -> None:
    value = st.session_state[key] or None  # "" means: detect
    set_read_options(digest, replace(read_options(digest), **{name: value}))
    if name in ("decimal", "date_order"):  # answered in the question or in the form
        st.session_state[f"data.{name}"] = value or ""
    forget_data_widgets()  # another reading can give other columns and values


def _detected(t: Translator, label: str | None) -> str:
    return t("data.detected", what=label) if label else t("data.detect")


def _forget_other_file(digest: str) -> None:
    """The form shows one file's choices: start afresh when another file is open."""
    if st.session_state.get(_FORM_DIGEST) != digest:
        for key in _FORM_KEYS:
            st.session_state.pop(key, None)
        st.session_state[_FORM_DIGEST] = digest


def _choice(
    t: Translator, where: DeltaGenerator, name: str, choices: tuple[str, ...], found: object,
    digest: str, chosen: str | None, help_key: str,
) -> None:  # fmt: skip
    """A selectbox whose first option is "detect" (naming what was found)."""
    key = f"data.{name}"
    state.seed(key, chosen or "")
    short = f"data.{name}_short"
    where.selectbox(
        t(f"data.choose_{name}"),
        ["", *choices],
        key=key,
        format_func=lambda c: (
            t(f"{short}.{c}") if c else _detected(t, t(f"{short}.{found}") if found else None)
        ),
        on_change=_change_option,
        args=(digest, name, key),
        help=t(help_key),
    )


def reading_form(t: Translator, view: View, summary: ParseSummary | None = None) -> None:
    """How the file is read — encoding, delimiter or sheet, decimal mark and date order — as
    detected, and changeable (also when the file could not be read as it was detected: that is
    when they are needed)."""
    digest, chosen = view.source.digest, view.options
    _forget_other_file(digest)
    fmt, sheets = view.shape()
    try:
        facts = view.facts()
    except KadashError:
        facts = None
    cols = iter(st.columns(4))
    if fmt == "excel" and sheets:
        state.seed("data.sheet", chosen.sheet or (facts and facts.sheet) or sheets[0])
        next(cols).selectbox(
            t("data.sheet"),
            list(sheets),
            key="data.sheet",
            on_change=_change_option,
            args=(digest, "sheet", "data.sheet"),
            help=t("data.sheet_help"),
        )
    if fmt == "csv":
        found = facts and facts.encoding and t(f"encoding.{facts.encoding}")
        state.seed("data.encoding", chosen.encoding or "")
        next(cols).selectbox(
            t("data.encoding"),
            ["", *ENCODINGS],
            key="data.encoding",
            format_func=lambda e: t(f"encoding.{e}") if e else _detected(t, found),
            on_change=_change_option,
            args=(digest, "encoding", "data.encoding"),
            help=t("data.encoding_help"),
        )
        split = facts and facts.delimiter and t(_DELIMITER_KEYS[facts.delimiter])
        state.seed("data.delimiter", chosen.delimiter or "")
        next(cols).selectbox(
            t("data.delimiter"),
            ["", *DELIMITERS],
            key="data.delimiter",
            format_func=lambda d: t(_DELIMITER_KEYS[d]) if d else _detected(t, split),
            on_change=_change_option,
            args=(digest, "delimiter", "data.delimiter"),
        )
    if facts is not None:
        formats = summary.formats if summary is not None else {}
        _choice(t, next(cols), "decimal", DECIMAL_MARKS, formats.get("decimal_mark"), digest,
                chosen.decimal, "data.decimal_help")  # fmt: skip
        _choice(t, next(cols), "date_order", DATE_ORDERS, formats.get("date_order"), digest,
                chosen.date_order, "data.date_order_help")  # fmt: skip
        notes = [t("data.header_line", line=t.number(facts.header_line))]
        if formats.get("currency"):
            notes.append(t("data.currency_line", currency=formats["currency"]))
        st.caption(" ".join(notes))


def open_questions(t: Translator, view: View, err: KadashError) -> None:
    """Ask what the file leaves open (decimal mark, date order), with its own examples."""
    name = QUESTIONS[err.key]
    st.warning(t.error(err), icon=":material/help:")
    key = f"data.ask.{name}"
    choices = DECIMAL_MARKS if name == "decimal" else DATE_ORDERS
    st.radio(
        t(f"data.ask_{name}"),
        choices,
        index=None,
        key=key,
        format_func=lambda c: t(f"data.{name}.{c}"),
        horizontal=True,
        on_change=_change_option,
        args=(view.source.digest, name, key),
    )


def _apply_mapping(digest: str, header: tuple[str, ...]) -> None:
    chosen = {f: st.session_state.get(f"data.map.{f}") or None for f in FIELDS}
    try:
        set_mapping(digest, header, check_mapping(chosen, header))
    except KadashError as err:
        st.session_state[_MAPPING_ERROR] = err
        return
    st.session_state[_MAPPING_ERROR] = st.session_state[_MAPPING_NOTICE] = None
    forget_data_widgets()  # filters were on the old columns


def _reset_mapping(digest: str, header: tuple[str, ...]) -> None:
    set_mapping(digest, header, None)
    st.session_state[_MAPPING_ERROR] = st.session_state[_MAPPING_NOTICE] = None
    forget_data_widgets()


def _load_mapping(digest: str, header: tuple[str, ...]) -> None:
    uploaded = st.session_state.get("data.mapping_file")
    if uploaded is None:
        return
    try:
        data = json.loads(uploaded.getvalue())
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as err:
        st.session_state[_MAPPING_ERROR] = KadashError("error.mapping_json", detail=str(err))
        return
    known = {f: c for f, c in data.items() if f in FIELDS and c in header}
    # Entries this file cannot take: named, never dropped silently.
    absent = {f: c for f, c in data.items() if f in FIELDS and c and c not in header}
    unknown = [f for f in data if f not in FIELDS]
    st.session_state[_MAPPING_NOTICE] = None
    try:
        for field, column in absent.items():
            if field in REQUIRED_FIELDS:
                raise KadashError(
                    "error.mapping_absent", column=column, field=field, columns=", ".join(header)
                )
        set_mapping(digest, header, check_mapping(known, header))
    except KadashError as err:
        st.session_state[_MAPPING_ERROR] = err
        return
    st.session_state[_MAPPING_ERROR] = None
    if absent or unknown:
        st.session_state[_MAPPING_NOTICE] = (digest, absent, unknown)
    forget_data_widgets()


def _mapping_notice(t: Translator, digest: str) -> None:
    """What a loaded mapping file held that this file cannot use."""
    notice = st.session_state.get(_MAPPING_NOTICE)
    if not notice or notice[0] != digest:
        return
    _, absent, unknown = notice
    parts = [t.md("data.mapping_ignored_column", field=t(f"field.{f}"), column=c)
             for f, c in absent.items()]  # fmt: skip
    parts += [t.md("data.mapping_ignored_field", field=f) for f in unknown]
    st.warning(t("data.mapping_ignored", items="; ".join(parts)), icon=":material/warning:")


def mapping_form(t: Translator, view: View) -> None:
    """Which column holds what: a form seeded with the guess, and a JSON file for next month."""
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
    if view.mapping_origin() == "remembered":
        st.info(t("data.mapping_remembered"), icon=":material/history:")
    error = st.session_state.get(_MAPPING_ERROR)
    if error is not None:
        show_error(t, error)
    _mapping_notice(t, view.source.digest)
    left, middle, right = st.columns([1, 1, 1.4], vertical_alignment="bottom")
    left.button(
        t("data.reset_mapping"),
        on_click=_reset_mapping,
        args=(view.source.digest, header),
        icon=":material/restart_alt:",
    )
    middle.download_button(
        t("data.download_mapping"),
        data=json.dumps(current, ensure_ascii=False, indent=2),
        file_name="kadash-mapping.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
    )
    right.file_uploader(
        t("data.upload_mapping"),
        type=["json"],
        key="data.mapping_file",
        on_change=_load_mapping,
        args=(view.source.digest, header),
        help=t("data.upload_mapping_help"),
    )
