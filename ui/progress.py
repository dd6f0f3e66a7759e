"""A long load with a progress bar that says which stage it is at.

The load runs in a worker thread (with this script run's context, so Streamlit's caches work
as usual) and reports its stage to a plain object; this script's thread draws the bar. No
Streamlit call is made inside a cached function, so a cache hit replays nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from kadash.i18n import Translator

__all__ = ["STAGES", "Stage", "run_showing_progress", "run_with_progress"]

T = TypeVar("T")

#: Stages of :func:`kadash.ingest.load_transactions`, and how far along the bar each starts.
STAGES: dict[str, float] = {"read": 0.05, "check": 0.5, "exact": 0.55}
#: Below this, a load finishes before any bar is drawn (a cached or small file).
QUIET_SECONDS = 0.3
_POLL_SECONDS = 0.25


class Stage:
    """The stage a load has reached: written by the worker, read by the script thread."""

    def __init__(self) -> None:
        self.name = "read"

    def __call__(self, name: str) -> None:
        self.name = name


def run_showing_progress(
    work: Callable[[], T], bar: Callable[[], tuple[float, str]], *, name: str = "kadash-work"
) -> T:
    """Run ``work()`` in a worker thread and return its result (or raise its error); while it
    runs past :data:`QUIET_SECONDS`, show a progress bar (in the current container) drawn
    from ``bar()`` — the fraction done and its text — every moment, by this script's thread."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # re-raised in the script thread
            outcome["error"] = err

    worker = threading.Thread(target=run, name=name, daemon=True)
    add_script_run_ctx(worker, get_script_run_ctx())
    worker.start()
    worker.join(QUIET_SECONDS)
    if worker.is_alive():
        box = st.empty()
        while worker.is_alive():
            done, text = bar()
            box.progress(done, text=text)
            worker.join(_POLL_SECONDS)
        box.empty()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def run_with_progress(t: Translator, work: Callable[[Stage], T], *, size: str) -> T:
    """Run ``work(stage)`` and return its result (or raise its error); while it runs past
    :data:`QUIET_SECONDS`, show a bar (in the current container) with the stage and the
    seconds spent. ``size`` is the file's size for people (``"97.8 MB"``)."""
    stage = Stage()
    start = time.monotonic()

    def bar() -> tuple[float, str]:
        text = t(f"progress.{stage.name}", size=size)
        seconds = f"{time.monotonic() - start:.0f}"
        return STAGES.get(stage.name, 0.5), t("progress.elapsed", text=text, seconds=seconds)

    return run_showing_progress(lambda: work(stage), bar, name="kadash-load")
