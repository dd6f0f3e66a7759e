"""Pieces of the Concentration trend page: the cached trend, its reading in words, the notes
under the chart and the table.

They draw what :mod:`kadash.trend` computes; nothing is computed here beyond formatting."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kadash.i18n import Translator
from kadash.trend import DEFAULT_SHARE, DEFAULT_TOP, complete_ends, concentration_trend, trend_table
from ui.data import View, _filters_key
from ui.widgets import as_percent, download_csv, money_column, percent_column

__all__ = ["cached_trend", "period_notes", "reading", "trend_table_section"]

P, Q = float(DEFAULT_TOP), float(DEFAULT_SHARE)


@st.cache_data(max_entries=32, show_spinner=False)
def _trend(
    args: tuple,
    filters: str,
    freq: str,
    value: str,
    start: date | None,
    end: date | None,
    _lines: pd.DataFrame,
) -> pd.DataFrame:
    # Keyed like ui.data's steps: the file and how it is read, the filters, then the trend's
    # own choices; the lines themselves (a cached, shared frame) are not hashed.
    return concentration_trend(_lines, freq=freq, value=value, start=start, end=end)


def _day(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def covered(view: View) -> tuple[date | None, date | None]:
    """The dates the filtered lines stand for: the date filter where set, within the file's
    first and last dates (a region filter does not shorten what the file covers)."""
    summary = view.summary()
    s = view.settings
    first, last = _day(summary.date_min), _day(summary.date_max)
    start = max(d for d in (s.date_from, first) if d) if (s.date_from or first) else None
    end = min(d for d in (s.date_to, last) if d) if (s.date_to or last) else None
    return start, end


def cached_trend(view: View, freq: str, value: str) -> pd.DataFrame:
    """The trend of the view's lines, cached per file, filters, period and basis."""
    start, end = covered(view)
    if start and end and start > end:  # a date filter outside the data: nothing to cover
        start = end = None
    lines = view.lines()
    return _trend(view._args, _filters_key(view.settings), freq, value, start, end, lines)


def _change(t: Translator, kind: str, first: str, last: str, up: bool, period: str) -> str:
    if first == last:
        return t(f"trend.{kind}_same", first=first, first_period=period)
    return t(f"trend.{kind}_{'up' if up else 'down'}", first=first, first_period=period)


def reading(t: Translator, trend: pd.DataFrame, value: str) -> str:
    """The first and the last complete period compared, in words, with their numbers."""
    named = t(f"measure.{value}")
    ends = complete_ends(trend)
    if ends is None:
        return t("trend.read_none", value=named)
    first, last = ends
    s_first, s_last = t.percent(first["top_share"]), t.percent(last["top_share"])
    k_first, k_last = int(first["customers_for_share"]), int(last["customers_for_share"])
    up = last["top_share"] > first["top_share"]
    sentence = t.plural(
        "trend.read",
        k_last,
        p=t.percent(P, 0),
        q=t.percent(Q, 0),
        value=named,
        share_last=s_last,
        last_period=t.period(last["period"]),
        share_change=_change(t, "share", s_first, s_last, up, t.period(first["period"])),
        k_last=t.number(k_last),
        k_change=_change(
            t, "k", t.number(k_first), t.number(k_last), k_last > k_first, t.period(first["period"])
        ),
    )
    indices = t(
        "trend.read_indices",
        gini_first=f"{first['gini']:.3f}",
        gini_last=f"{last['gini']:.3f}",
        hhi_first=t.number(first["hhi"] * 10_000),
        hhi_last=t.number(last["hhi"] * 10_000),
    )
    return f"{sentence} {indices}"


def period_notes(t: Translator, trend: pd.DataFrame, view: View) -> list[str]:
    """Captions for the partial periods (hollow markers) and the periods without lines."""
    notes = []
    partial = [t.period(p) for p in trend.loc[trend["partial"], "period"]]
    if partial:
        start, end = covered(view)
        dates = dict(start=t.date(start), end=t.date(end))
        notes.append(t("trend.partial_note", periods=", ".join(partial), **dates))
    empty = [
        t.period(p) for p in trend.loc[(trend["customers"] == 0) & ~trend["partial"], "period"]
    ]
    if empty:
        notes.append(t("trend.empty_note", periods=", ".join(empty)))
    return notes


def trend_table_section(t: Translator, trend: pd.DataFrame, value: str, freq: str) -> None:
    """The per-period table (percent, counts, points) and its CSV download."""
    st.subheader(t("trend.table_title"), anchor=False)
    shown = trend_table(trend, t=t, value=value, exact=False)
    share = t("trend.top_share", p=t.percent(P, 0))
    st.dataframe(
        as_percent(shown, [share]),
        hide_index=True,
        height="content" if len(shown) <= 16 else 600,
        column_config={
            share: percent_column(share),
            t(f"col.{value}"): money_column(t(f"col.{value}"), 0),
            t("trend.gini"): st.column_config.NumberColumn(t("trend.gini"), format="%.3f"),
            t("trend.hhi"): st.column_config.NumberColumn(t("trend.hhi"), format="%,.0f"),
            t("trend.col_partial"): st.column_config.CheckboxColumn(t("trend.col_partial")),
        },
    )
    download_csv(
        t("trend.download"),
        lambda: trend_table(trend, t=t, value=value),
        file_name=f"kadash-concentration-trend-{freq}.csv",
        key="trend.download",
        help=t("trend.download_help"),
    )
