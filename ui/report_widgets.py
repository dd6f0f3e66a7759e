"""The executive report download: one offline HTML file built when the button is clicked."""

from __future__ import annotations

from datetime import datetime

from kadash.html_report import executive_report
from kadash.i18n import Translator
from ui import state
from ui.data import View
from ui.widgets import download_button

__all__ = ["report_download"]


def report_download(t: Translator, view: View, *, key: str) -> None:
    """A download button for the executive report in the session's language.

    Like :func:`ui.widgets.download_workbook`, the file is built only when clicked, outside the
    script run: from the view's loader (read options and mapping fixed now) and the session's
    settings as they are *then* (:func:`ui.state.settings_reader`), so a cut-off moved in a
    fragment since this button was drawn is in the report.
    """
    load, settings, source = view.loader(), state.settings_reader(), view.source.name

    def build() -> bytes:  # runs when clicked: nothing from st here
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        document = executive_report(load(), settings(), t, generated=stamp, source_name=source)
        return document.encode("utf-8")

    download_button(
        t("report.download"),
        data=build,
        file_name=f"kadash-report-{t.lang}.html",
        mime="text/html",
        key=key,
        help=t("report.download_help"),
        on_click="ignore",
        icon=":material/summarize:",
    )
