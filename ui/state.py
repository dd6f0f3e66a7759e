"""Session state: the one :class:`~kadash.settings.Settings`, the language and the URL.

The settings object is the single source of truth. Widgets are seeded from it when they first
render (Streamlit forgets a widget's state when its page is left), write back to it when they
change, and every change is mirrored into ``st.query_params`` so a link reproduces the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import streamlit as st

from kadash.i18n import DEFAULT_LANGUAGE, LANGUAGES, PSEUDO, Translator, translator
from kadash.settings import Settings

__all__ = [
    "PAGE_PARAMS",
    "SAMPLES",
    "get_settings",
    "get_translator",
    "ignored_query_params",
    "mark_frame",
    "presenting",
    "require_frame",
    "sample_choice",
    "seed",
    "set_language",
    "set_presenting",
    "set_sample_choice",
    "set_settings",
    "set_url_file",
    "settings_reader",
    "update_settings",
    "url_file",
]

_SETTINGS = "kadash.settings"
_IGNORED = "kadash.ignored_params"
_LANG = "kadash.lang"
_FRAME = "kadash.frame_ran"
_FILE = "kadash.url_file"
_PRESENT = "kadash.present"
_SAMPLE = "kadash.sample"
#: The bundled samples: English, and Chinese (Chinese headers and names) — the default when
#: the session starts in Chinese.
SAMPLES: tuple[str, ...] = ("en", "zh")
#: URL parameters owned by a page, not by the settings (the Account page's ``?customer=``):
#: rewriting the address for new settings keeps them.
PAGE_PARAMS: tuple[str, ...] = ("customer",)


def _query_lists() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def get_translator() -> Translator:
    """The session's translator: ``?lang=`` on first load, English by default."""
    if _LANG not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
        st.session_state[_LANG] = wanted if wanted in (*LANGUAGES, PSEUDO) else DEFAULT_LANGUAGE
    return translator(st.session_state[_LANG])


def set_language(lang: str) -> None:
    """Show the app in ``lang`` from now on, and say so in the address."""
    st.session_state[_LANG] = lang if lang in (*LANGUAGES, PSEUDO) else DEFAULT_LANGUAGE
    set_settings(get_settings())


def presenting() -> bool:
    """Workshop mode: set-up controls (data source, mapping, exports) are hidden and key
    numbers enlarged (``?present=1`` on first load)."""
    if _PRESENT not in st.session_state:
        st.session_state[_PRESENT] = st.query_params.get("present") == "1"
    return st.session_state[_PRESENT]


def set_presenting(on: bool) -> None:
    st.session_state[_PRESENT] = bool(on)
    set_settings(get_settings())


def _default_sample() -> str:
    return "zh" if get_translator().lang.startswith("zh") else "en"


def sample_choice() -> str:
    """Which bundled sample is used when no file is open: ``?sample=`` on first load, else
    the Chinese one for a session that starts in Chinese."""
    if _SAMPLE not in st.session_state:
        wanted = st.query_params.get("sample")
        st.session_state[_SAMPLE] = wanted if wanted in SAMPLES else _default_sample()
    return st.session_state[_SAMPLE]


def set_sample_choice(code: str) -> None:
    st.session_state[_SAMPLE] = code if code in SAMPLES else "en"
    set_settings(get_settings())


def get_settings() -> Settings:
    """The session's settings, read from the URL on the session's first run."""
    if _SETTINGS not in st.session_state:
        settings, ignored = Settings.from_query(_query_lists())
        st.session_state[_SETTINGS] = settings
        st.session_state[_IGNORED] = ignored
        if ignored:
            set_settings(settings)  # take the invalid values out of the address bar too
    return st.session_state[_SETTINGS]


def settings_reader() -> Callable[[], Settings]:
    """A function that returns this session's settings *when called*, even from outside a
    script run (a deferred download is built in the server's request thread, where
    ``st.session_state`` is not this session's): fragments change the settings without
    redrawing the sidebar, so a value captured when it was drawn could be stale."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    drawn = get_settings()
    if ctx is None:
        return lambda: drawn
    session = ctx.session_state  # thread-safe; has no .get

    def read() -> Settings:
        return session[_SETTINGS] if _SETTINGS in session else drawn  # noqa: SIM401

    return read


def url_file() -> str | None:
    """The server file the address names (``?file=``, read on the session's first run), or the
    one chosen since."""
    if _FILE not in st.session_state:
        st.session_state[_FILE] = st.query_params.get("file") or None
    return st.session_state[_FILE]


def set_url_file(name: str | None) -> None:
    """Name the server file in use in the address (``None``: none), beside the settings."""
    st.session_state[_FILE] = name
    set_settings(get_settings())


def ignored_query_params() -> list[str]:
    """Names of URL parameters that were invalid when the session started (once: they are
    forgotten when read)."""
    get_settings()
    return st.session_state.pop(_IGNORED, [])


def set_settings(settings: Settings) -> Settings:
    """Store new settings and mirror them into the URL (keeping ``lang``, ``present``,
    ``sample``, ``file`` and the :data:`PAGE_PARAMS`)."""
    settings = settings.validate()
    st.session_state[_SETTINGS] = settings
    wanted: dict[str, Any] = settings.to_query()
    lang = st.session_state.get(_LANG, DEFAULT_LANGUAGE)
    if lang != DEFAULT_LANGUAGE:
        wanted["lang"] = lang
    # Read through their accessors: on a session's first run they may not have been read
    # from the address yet, and rewriting it would drop them.
    if presenting():
        wanted["present"] = "1"
    if (sample := sample_choice()) != _default_sample():
        wanted["sample"] = sample
    if (name := url_file()) is not None:
        wanted["file"] = name
    wanted |= {p: st.query_params.get_all(p) for p in PAGE_PARAMS if p in st.query_params}
    normalised = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if normalised != _query_lists():
        st.query_params.from_dict(wanted)
    return settings


def update_settings(**changes: Any) -> Settings:
    """Change some fields of the settings (see :func:`set_settings`)."""
    return set_settings(replace(get_settings(), **changes))


def mark_frame() -> None:
    """Record that ``app.py`` (page config, sidebar, navigation) ran in this script run."""
    st.session_state[_FRAME] = True


def require_frame() -> None:
    """Make sure ``app.py`` ran before this page; if it did not, rerun so that it does.

    Streamlit treats a folder called ``pages/`` beside the entry script as an old-style
    multipage app until ``st.navigation`` has run once in the server process. So the first
    request after the server starts, if it is a deep link such as ``/tiers``, runs
    ``pages/tiers.py`` alone: no page config, no sidebar. Setting the flag that
    ``st.navigation`` sets and rerunning runs ``app.py`` for the same page.
    """
    if st.session_state.pop(_FRAME, False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def seed(key: str, value: Any | Callable[[], Any]) -> None:
    """Give a widget its value from the settings unless it already has one this session."""
    if key not in st.session_state:
        st.session_state[key] = value() if callable(value) else value
