"""The shared sidebar: data source and filters (every page).

Filters act on lines before customers are aggregated. Their widgets write the settings in
``on_change`` callbacks, so the settings are current before any page draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import streamlit as st

from kadash.columns import FILTER_FIELDS
from kadash.errors import KadashError
from kadash.files import list_data_files, resolve_data_file
from kadash.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from kadash.settings import Settings
from ui import state
from ui.data import SERVER_FILE, UPLOAD_KEY, ParseSummary, View, current_source, data_folder
from ui.progress import run_with_progress
from ui.report_widgets import report_download
from ui.widgets import download_button, file_size, show_error, source_name

__all__ = ["forget_data_widgets", "render_sidebar"]

_LAST_SOURCE = "kadash.last_source"
_SETTINGS_FILE = "settings.file"
_SETTINGS_ERROR = "kadash.settings_error"
_DATES = "filters.dates"
_SERVER_PICK = "source.server"
_SERVER_ERROR = "kadash.server_error"
_URL_FILE_READ = "kadash.url_file_read"
_LANGUAGE_PICK = "workshop.language"
_PRESENT_PICK = "workshop.present"
_ANONYMISE_PICK = "workshop.anonymise"
_SAMPLE_PICK = "source.sample"
_SETUP = "kadash-setup"  # the data source's container, hidden while presenting
# Presenting: key numbers large enough to read from the back of a room, and Streamlit's own
# toolbar out of the way. A constant (no data in it).
_PRESENT_CSS = """<style>
[data-testid="stMetricValue"] { font-size: 3.1rem; line-height: 1.15; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; }
[data-testid="stToolbar"] { display: none; }
.st-key-kadash-setup { display: none; }
</style>"""


def _to_date(value: object) -> date:
    return np.datetime64(value, "D").astype(object)


def _forget_widgets(*prefixes: str) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefixes)]:
        del st.session_state[key]


def _reset_filters() -> None:
    state.update_settings(date_from=None, date_to=None, filters=())
    _forget_widgets("filters.")


def forget_data_widgets() -> None:
    """The data or its column mapping changed: clear the filters, and let the widgets that
    show something of the old data (filters, mapping form, measure switches) start afresh."""
    _reset_filters()
    _forget_widgets("data.map.", "overview.basis", "tiers.basis")


def _on_dates(low: date, high: date) -> None:
    chosen = st.session_state.get(_DATES) or ()
    if len(chosen) != 2:  # the user has picked the first day of the range only
        return
    start, end = chosen
    state.update_settings(
        date_from=None if start <= low else start, date_to=None if end >= high else end
    )


def _on_filter(field: str) -> None:
    key = f"filters.{field}"
    if key not in st.session_state:  # a stale callback: a new file's rerun dropped the widget
        return
    state.set_settings(state.get_settings().with_filter(field, st.session_state[key]))


def _fit_settings(t: Translator, summary: ParseSummary) -> None:
    """Drop filters this data cannot match (e.g. from a link made for another file)."""
    low = None if summary.date_min is None else _to_date(summary.date_min)
    high = None if summary.date_max is None else _to_date(summary.date_max)
    fitted, dropped = state.get_settings().fit_to_data(summary.options, low, high)
    if dropped:
        state.set_settings(fitted)
        _forget_widgets("filters.")
        named = dict.fromkeys(t(f"field.{n}") if n in FILTER_FIELDS else t("filters.dates")
                              for n in dropped)  # fmt: skip
        st.warning(t("settings.dropped", names=", ".join(named)), icon=":material/link_off:")


def _filters(t: Translator, summary: ParseSummary) -> None:
    _fit_settings(t, summary)
    settings = state.get_settings()
    st.subheader(t("filters.title"), anchor=False)
    if summary.date_min is not None:
        low, high = _to_date(summary.date_min), _to_date(summary.date_max)
        shown = st.session_state.get(_DATES)
        if shown and any(not low <= d <= high for d in shown):
            del st.session_state[_DATES]  # drawn for other data
        start = min(max(settings.date_from or low, low), high)
        end = max(min(settings.date_to or high, high), start)
        state.seed(_DATES, (start, end))
        st.date_input(
            t("filters.dates"),
            min_value=low,
            max_value=high,
            key=_DATES,
            on_change=_on_dates,
            args=(low, high),
            help=t("filters.dates_help"),
            format="YYYY-MM-DD",
        )
    chosen = settings.filter_map
    for field in FILTER_FIELDS:
        options = summary.options.get(field)
        if not options:
            continue
        key = f"filters.{field}"
        if any(v not in options for v in st.session_state.get(key, ())):
            del st.session_state[key]  # drawn for other data
        state.seed(key, [v for v in chosen.get(field, ()) if v in options])
        st.multiselect(
            t(f"field.{field}"),
            options,
            key=key,
            on_change=_on_filter,
            args=(field,),
            placeholder=t("filters.all"),
            format_func=lambda v: v or t("filters.blank"),
        )
    if settings.filters or settings.date_from or settings.date_to:
        st.button(t("filters.reset"), on_click=_reset_filters, icon=":material/filter_alt_off:")


@st.cache_data(ttl=10, show_spinner=False)
def _data_files(folder: str) -> list[str]:
    return list_data_files(Path(folder))


def _open_server_file(name: str | None) -> None:
    """Use the file ``name`` of the data folder (``None``: none), or say why it cannot be;
    the address names it, so a link opens it again."""
    st.session_state[_SERVER_ERROR] = None
    st.session_state[SERVER_FILE] = None
    if name:
        try:
            st.session_state[SERVER_FILE] = (name, resolve_data_file(data_folder(), name))
        except KadashError as err:
            st.session_state[_SERVER_ERROR] = err
    state.set_url_file(name if st.session_state[SERVER_FILE] is not None else None)


def _on_server_pick() -> None:
    """Another file chosen: the filters of the last one rarely make sense for it."""
    _open_server_file(st.session_state.get(_SERVER_PICK))
    forget_data_widgets()


def _server_picker(t: Translator, *, uploaded: bool) -> None:
    """A file from the server's data folder, for exports too large to upload."""
    folder = data_folder()
    if not st.session_state.get(_URL_FILE_READ):  # a link naming a file: open it, once
        st.session_state[_URL_FILE_READ] = True
        if (named := state.url_file()) is not None:  # with the link's own filters
            st.session_state[_SERVER_PICK] = named
            _open_server_file(named)
    chosen = st.session_state.get(SERVER_FILE)
    with st.expander(t("source.server_title"), expanded=chosen is not None,
                     icon=":material/folder_open:"):  # fmt: skip
        st.selectbox(
            t("source.server_file"),
            _data_files(str(folder)),
            index=None,
            key=_SERVER_PICK,
            placeholder=t("source.server_placeholder"),
            accept_new_options=True,
            on_change=_on_server_pick,
            disabled=uploaded,
            help=t.md("source.server_help", folder=str(folder)),
        )
        if uploaded:
            st.caption(t("source.server_after_upload"))
        error = st.session_state.get(_SERVER_ERROR)
        if error is not None:
            show_error(t, error)


def _on_language() -> None:
    state.set_language(st.session_state[_LANGUAGE_PICK])


def _on_present() -> None:
    state.set_presenting(st.session_state[_PRESENT_PICK])


def _on_anonymise() -> None:
    if "customer" in st.query_params:  # an account named in the address: not while anonymous
        del st.query_params["customer"]
    state.update_settings(anonymise=st.session_state[_ANONYMISE_PICK])
    # Widgets holding customers of the other kind (a chosen account, a search) start afresh.
    _forget_widgets("account.", "tiers.search", "kadash.account.")


def _on_sample() -> None:
    if (code := st.session_state.get(_SAMPLE_PICK)) is not None:
        state.set_sample_choice(code)
        forget_data_widgets()


def _workshop(t: Translator) -> None:
    """Language, and the two workshop switches: present (set-up hidden, numbers large) and
    anonymise (customers by code on every page and in every download)."""
    lang = t.lang if t.lang in LANGUAGES else DEFAULT_LANGUAGE  # the test language: English
    st.session_state[_LANGUAGE_PICK] = lang
    st.selectbox(
        t("workshop.language"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=_LANGUAGE_PICK,
        on_change=_on_language,
    )
    st.session_state[_PRESENT_PICK] = state.presenting()
    st.session_state[_ANONYMISE_PICK] = state.get_settings().anonymise
    st.toggle(
        t("workshop.present"), key=_PRESENT_PICK, on_change=_on_present,
        help=t("workshop.present_help"),
    )  # fmt: skip
    st.toggle(
        t("workshop.anonymise"), key=_ANONYMISE_PICK, on_change=_on_anonymise,
        help=t("workshop.anonymise_help"),
    )  # fmt: skip
    if state.presenting():
        st.html(_PRESENT_CSS)


def _data_source(t: Translator) -> None:
    """The file in use: an upload, a server file, or one of the bundled samples."""
    st.subheader(t("source.title"), anchor=False)
    st.file_uploader(
        t("source.upload"),
        type=["csv", "txt", "tsv", "xlsx", "xls", "parquet"],
        key=UPLOAD_KEY,
        help=t("source.upload_help"),
    )
    _server_picker(t, uploaded=st.session_state.get(UPLOAD_KEY) is not None)
    if current_source().is_sample:
        st.session_state[_SAMPLE_PICK] = state.sample_choice()
        st.segmented_control(
            t("workshop.sample"),
            list(state.SAMPLES),
            format_func=lambda code: t(f"workshop.sample_{code}"),
            key=_SAMPLE_PICK,
            on_change=_on_sample,
            required=True,
            help=t("workshop.sample_help"),
        )


def render_sidebar(t: Translator) -> None:
    """Draw the language and workshop switches, the data source and the filters.

    Called by ``app.py`` before the page runs, so the settings are current before the page
    computes anything. While presenting, the data source and the settings file are hidden.
    """
    with st.sidebar:
        st.caption(t("app.tagline"))
        _workshop(t)
        presenting = state.presenting()
        # Drawn while presenting too, only hidden (_PRESENT_CSS): a widget that is not drawn
        # loses its state, and the uploaded file with it; a link's ?file= is opened here.
        with st.container(key=_SETUP):
            _data_source(t)
        source = current_source()
        if st.session_state.get(_LAST_SOURCE, source.digest) != source.digest:
            forget_data_widgets()  # filters of another file rarely make sense here
        st.session_state[_LAST_SOURCE] = source.digest
        st.caption(t("source.using", name=source_name(t, source), size=file_size(t, source.size)))
        view = View(source, state.get_settings())
        try:
            summary = run_with_progress(
                t, lambda stage: view.summary(progress=stage), size=file_size(t, source.size)
            )
        except KadashError as err:
            if err.key.startswith(("error.mapping", "error.decimal", "error.date_order")):
                # The Data page says which and how.
                needed = "mapping_needed" if err.key.startswith("error.mapping") else "question"
                st.warning(t(f"source.{needed}"), icon=":material/edit:")
                st.page_link("pages/data.py", label=t("data.fix_link"), icon=":material/build:")
            else:
                show_error(t, err)
            if not presenting:
                _settings_file(t)
            return
        st.caption(
            t(
                "source.status",
                lines=t.number(summary.rows_accepted),
                rejected=t.number(summary.rows_rejected),
            )
        )
        if not summary.has_profit and state.get_settings().basis == "profit":
            state.update_settings(basis="revenue")  # a file without gross profit
        if summary.rows_rejected and not presenting:
            st.page_link("pages/data.py", label=t("source.see_rejected"), icon=":material/rule:")
        if summary.rows_accepted:
            _filters(t, summary)
            settings = state.get_settings()
            if settings.filters or settings.date_from or settings.date_to:
                in_view = int(View(source, settings).ranked()["lines"].sum())
                st.caption(t("source.in_view", lines=t.number(in_view)))
        if not presenting:
            report_download(t, view, key="sidebar.report")
            _settings_file(t)


def _on_settings_file() -> None:
    uploaded = st.session_state.get(_SETTINGS_FILE)
    if uploaded is None:
        return
    try:
        loaded = Settings.from_json(uploaded.getvalue())
        # A settings file never turns anonymity off behind a presenter's back: only the switch
        # does (a colleague's file, loaded in a workshop, would put names on the screen).
        if state.get_settings().anonymise:
            loaded = replace(loaded, anonymise=True)
        state.set_settings(loaded)
        st.session_state[_SETTINGS_ERROR] = None
        # Widgets seeded from the old settings must be seeded again.
        _forget_widgets("filters.", "tiers.", "policy.", "overview.basis")
    except KadashError as err:
        st.session_state[_SETTINGS_ERROR] = err


def _settings_json(read: Callable[[], Settings]) -> Callable[[], str]:
    return lambda: read().to_json()


def _settings_file(t: Translator) -> None:
    """Save the settings as JSON, or load them from a file (a link does the same)."""
    for name in state.ignored_query_params():
        st.warning(t("settings.ignored_param", name=name), icon=":material/link_off:")
    with st.expander(t("settings.title"), icon=":material/tune:"):
        download_button(
            t("settings.download"),
            # Built when clicked: fragments (sliders, the policy table) change the settings
            # without a full rerun, so a value computed now could be stale by then.
            data=_settings_json(state.settings_reader()),
            file_name="kadash-settings.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
        )
        st.file_uploader(
            t("settings.upload"), type=["json"], key=_SETTINGS_FILE, on_change=_on_settings_file
        )
        error = st.session_state.get(_SETTINGS_ERROR)
        if error is not None:
            show_error(t, error)
