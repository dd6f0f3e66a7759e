"""Progress while loading: the stages the loader reports, the app's bar, the CLI's lines."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import streamlit as st
import xlsxwriter
from streamlit.testing.v1 import AppTest

from kadash.cli import main
from kadash.ingest import load_transactions

HEADER = b"customer_id,date,revenue\n"
CLEAN = HEADER + b"C1,2024-01-05,10.00\nC2,2024-01-06,20.50\n"
# A line the typed way cannot vouch for: the exact way reads the file again.
NEEDS_EXACT = HEADER + b"C1,2024-01-05,10.00\nC2,not a date,20.50\n"


def _workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for row, values in enumerate([("customer_id", "date", "revenue"), ("C1", "2024-01-05", 10)]):
        sheet.write_row(row, 0, values)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reader", "stages", "rows"),
    [
        (CLEAN, "typed", ["read", "check"], 2),
        (NEEDS_EXACT, "exact", ["read", "check", "exact"], 2),
        (_workbook(), "exact", ["read", "check"], 1),
    ],
    ids=["clean-csv", "csv-needing-the-exact-way", "workbook"],
)
def test_loader_reports_each_stage_once_in_order(data, reader, stages, rows):
    heard: list[str] = []
    loaded = load_transactions(data, progress=heard.append)
    assert (loaded.reader, heard, loaded.parsed.rows_read) == (reader, stages, rows)


def test_cli_prints_stages_only_on_a_terminal(tmp_path: Path, capsys, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_bytes(CLEAN)
    assert main(["report", str(path), "--json"]) == 0
    assert capsys.readouterr().err == ""  # a pipe or a log: nothing but the result
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["report", str(path), "--json"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" s  ", 1)[1] for line in lines] == [
        "Reading the file (0.0 MB)…",  # 68 bytes
        "Checking every value…",
    ]
    assert all(line.startswith("kadash: ") for line in lines)


def _slow_page() -> None:
    """A page whose cached load takes long enough for the bar, then fails or not."""
    import time

    import streamlit as st

    from kadash.errors import KadashError
    from kadash.i18n import translator
    from ui.progress import run_with_progress

    @st.cache_resource(show_spinner=False)
    def load(fail: bool, _stage) -> int:
        _stage("check")
        time.sleep(0.7)
        if fail:
            raise KadashError("error.empty_file")
        return 42

    fail = st.checkbox("fail")
    try:
        value = run_with_progress(translator("en"), lambda s: load(fail, s), size="1 MB")
    except KadashError as err:
        st.error(err.key)
    else:
        st.write(f"value {value}")


def test_bar_runs_the_work_and_a_cache_hit_replays_nothing():
    st.cache_resource.clear()  # the slow page's load, cached by another test
    at = AppTest.from_function(_slow_page, default_timeout=30)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["value 42"]
    at.run()  # a cache hit: the work's stage calls are not replayed into a closed bar
    assert not at.exception
    assert [m.value for m in at.markdown] == ["value 42"]
    assert not at.get("progress")  # the bar is gone once the work is done
    at.checkbox[0].check().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["error.empty_file"]


def test_bar_shows_the_stage_and_the_seconds(monkeypatch):
    """While the work runs, the bar says the stage it has reached, with the seconds spent."""
    from streamlit.delta_generator import DeltaGenerator

    drawn: list[tuple[float, str]] = []
    original = DeltaGenerator.progress

    def spy(self, value, text=None, **kwargs):
        drawn.append((value, text))
        return original(self, value, text=text, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "progress", spy)
    st.cache_resource.clear()  # the slow page's load, cached by another test
    at = AppTest.from_function(_slow_page, default_timeout=30)
    at.run()
    assert not at.exception
    assert drawn, "no bar was drawn for a load of 0.7 s"
    assert {value for value, _ in drawn} == {0.5}  # the "check" stage
    assert all(text.startswith("Checking every value… ") and text.endswith(" s")
               for _, text in drawn)  # fmt: skip
