"""Pieces of the Migration and At-risk pages: the period picker, the cached tiers of each
period, and the tables they show.

Periods replace the settings' own date range, so the tiers of a period are computed from all
accepted lines under the field filters only (:func:`kadash.periods.tiers_by_period`), cached
per file, filters, tier scheme and period. Nothing is computed here beyond formatting.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from kadash.exact import MONEY_SCALE, minor_to_decimal
from kadash.i18n import Translator
from kadash.periods import (
    Migration,
    Period,
    at_risk,
    calendar_years,
    custom,
    fiscal_years,
    last_12_months,
    migration,
    overdue_as_of,
    quarters,
    tiers_by_period,
)
from kadash.policy import policy_for
from kadash.settings import Settings
from ui import state
from ui.data import View
from ui.widgets import filters_in_force, money_column, percent_column

__all__ = [
    "PRESETS",
    "at_risk_for",
    "at_risk_table",
    "counted_to",
    "matrix_table",
    "migration_for",
    "moves_table",
    "periods_line",
    "pick_periods",
    "table_config",
    "tiers_for",
]

#: The period presets, in the order the picker lists them.
PRESETS: tuple[str, ...] = ("last12", "calendar", "fiscal", "quarters", "custom")


# -- cached steps ----------------------------------------------------------------------------
def _data_key(view: View) -> tuple:
    # The period replaces the settings' date range: only the field filters matter here.
    return (*view._args, repr(view.settings.filters))


def _tier_key(s: Settings) -> tuple:
    return (s.basis, s.scheme, tuple(s.cutoffs), tuple(s.thresholds))


def _all_lines(view: View) -> pd.DataFrame:
    return view.loaded().parsed.transactions


@st.cache_data(max_entries=32, show_spinner=False)
def _tiers(
    data_key: tuple, tier_key: tuple, start: date, end: date, _lines: pd.DataFrame, _s: Settings
) -> pd.DataFrame:
    return tiers_by_period(_lines, custom(start, end), _s)


def tiers_for(view: View, period: Period) -> pd.DataFrame:
    """:func:`kadash.periods.tiers_by_period` of the view's data for ``period``, cached."""
    s = view.settings
    return _tiers(_data_key(view), _tier_key(s), period.start, period.end, _all_lines(view), s)


def migration_for(view: View, first: Period, second: Period) -> Migration:
    """The migration between two periods (the tiers of each cached; the matrix is cheap)."""
    return migration(tiers_for(view, first), tiers_for(view, second), view.settings.tier_count)


@st.cache_data(max_entries=32, show_spinner=False)
def _at_risk(
    data_key: tuple,
    tier_key: tuple,
    periods: tuple[date, date, date, date],
    rules: tuple[int, float, float],
    _lines: pd.DataFrame,
    _s: Settings,
    _before: pd.DataFrame,
) -> pd.DataFrame:
    top, drop, gap = rules
    previous, current = custom(*periods[:2]), custom(*periods[2:])
    return at_risk(
        _lines, previous, current, _s, top_tiers=top, drop=drop, gap_multiple=gap,
        previous_tiers=_before,
    )  # fmt: skip


def at_risk_for(
    view: View, previous: Period, current: Period, *, top_tiers: int, drop: float, gap: float
) -> pd.DataFrame:
    """:func:`kadash.periods.at_risk` of the view's data, cached per period and rule."""
    s = view.settings
    periods = (previous.start, previous.end, current.start, current.end)
    rules = (int(top_tiers), float(drop), float(gap))
    before = tiers_for(view, previous)  # cached: a rule's slider does not tier it again
    return _at_risk(_data_key(view), _tier_key(s), periods, rules, _all_lines(view), s, before)


def counted_to(view: View, current: Period) -> date:
    """The day the at-risk accounts of the view are counted to (as :func:`at_risk_for`)."""
    return overdue_as_of(_all_lines(view), current)


# -- the period picker -----------------------------------------------------------------------
def _day(value: object) -> date:
    return pd.Timestamp(value).date()


def _two_of(t: Translator, periods: tuple[Period, ...], prefix: str, back: int, cols) -> tuple:
    """Two periods picked from a list (default: ``back`` before the last, and the last)."""
    if len(periods) < 2:
        st.info(t("migration.too_short"), icon=":material/info:")
        st.stop()
    by_label = {p.label: p for p in periods}
    labels = list(by_label)
    name = lambda label: t("migration.period_name", label=t.period(label))  # noqa: E731
    first = cols[0].selectbox(
        t("migration.first"), labels, index=max(len(labels) - 1 - back, 0), format_func=name,
        key=f"{prefix}.first.{labels[0]}",
    )  # fmt: skip
    second = cols[1].selectbox(
        t("migration.second"), labels, index=len(labels) - 1, format_func=name,
        key=f"{prefix}.second.{labels[0]}",
    )  # fmt: skip
    return by_label[first], by_label[second]


def _range(t: Translator, col, label: str, default: Period, key: str) -> Period:
    picked = col.date_input(label, value=(default.start, default.end), key=key)
    if not isinstance(picked, tuple | list) or len(picked) != 2:
        st.info(t("migration.pick_both_ends"), icon=":material/date_range:")
        st.stop()
    return custom(picked[0], picked[1])


def pick_periods(t: Translator, view: View, prefix: str) -> tuple[Period, Period]:
    """The preset and the two periods to compare, as chosen on the page (earlier first)."""
    summary = view.summary()
    first_day, last_day = _day(summary.date_min), _day(summary.date_max)
    cols = st.columns([1.5, 1, 1, 1], gap="medium")
    preset = cols[0].selectbox(
        t("migration.preset_label"),
        PRESETS,
        format_func=lambda p: t(f"migration.preset.{p}"),
        key=f"{prefix}.preset",
        help=t("migration.preset_help"),
    )
    if preset == "last12":
        return last_12_months(last_day)
    if preset == "custom":
        previous, current = last_12_months(last_day)
        return (
            _range(t, cols[1], t("migration.first"), previous, f"{prefix}.custom_first"),
            _range(t, cols[2], t("migration.second"), current, f"{prefix}.custom_second"),
        )
    if preset == "calendar":
        return _two_of(t, calendar_years(first_day, last_day), prefix, 1, cols[1:])
    if preset == "quarters":
        # Default: the last quarter against the same quarter a year before (no seasonality).
        periods = quarters(first_day, last_day)
        return _two_of(t, periods, prefix, 4 if len(periods) > 4 else 1, cols[1:])
    # The fiscal year's first month is a setting (in the link and the settings file).
    key = f"{prefix}.fiscal_start"
    st.session_state[key] = state.get_settings().fiscal_start
    month = cols[3].selectbox(
        t("migration.fiscal_start"),
        range(1, 13),
        format_func=lambda m: t(f"migration.month.m{m}"),
        key=key,
        on_change=_on_fiscal_start,
        args=(key,),
    )
    return _two_of(t, fiscal_years(first_day, last_day, int(month)), prefix, 1, cols[1:])


def _on_fiscal_start(key: str) -> None:
    state.update_settings(fiscal_start=int(st.session_state[key]))


def periods_line(t: Translator, view: View, first: Period, second: Period) -> None:
    """Both periods' dates and customers in plain words, the filters that apply, and a
    warning when the periods overlap."""

    first_n, second_n = len(tiers_for(view, first)), len(tiers_for(view, second))
    st.markdown(
        t(
            "migration.dates",
            first_start=t.date(first.start),
            first_end=t.date(first.end),
            first_n=t.number(first_n),
            second_start=t.date(second.start),
            second_end=t.date(second.end),
            second_n=t.number(second_n),
        )
    )
    settings = view.settings
    if settings.filters:  # the periods replace the sidebar's dates; its other filters apply
        undated = replace(settings, date_from=None, date_to=None)
        st.caption(":material/filter_alt: " + filters_in_force(t, undated))
    if settings.date_from or settings.date_to:
        st.caption(t("migration.dates_ignored"))
    if second.start <= first.end and first.start <= second.end:
        st.warning(t("migration.overlap"), icon=":material/warning:")
    summary = view.summary()
    if summary.date_min is not None and summary.date_max is not None:
        data_start = pd.Timestamp(summary.date_min).date()
        data_end = pd.Timestamp(summary.date_max).date()
        cut = [p for p in (first, second) if p.start < data_start or p.end > data_end]
        if cut:  # a whole year or quarter the data covers only in part: not like for like
            st.info(
                t(
                    "migration.partial",
                    periods=", ".join(t.period(p.label) for p in cut),
                    start=t.date(data_start),
                    end=t.date(data_end),
                ),
                icon=":material/date_range:",
            )


# -- tables ----------------------------------------------------------------------------------
def _money(values: pd.Series, exact: bool) -> list:
    if exact:
        return [minor_to_decimal(v) for v in values]
    return (values.to_numpy(dtype=np.float64) / MONEY_SCALE).tolist()


def matrix_table(m: Migration, names: list[str], t: Translator, measure: str) -> pd.DataFrame:
    """The from-tier × to-tier matrix with tier names, counts or revenue, with totals."""
    source = m.counts if measure == "customers" else m.revenue
    values = source.to_numpy()
    if measure != "customers":
        values = values / MONEY_SCALE
    rows = [*names, t("periods.new")]
    columns = [*names, t("periods.lost")]
    table = pd.DataFrame(values, index=rows, columns=columns)
    table[t("migration.total")] = table.sum(axis=1)
    table.index.name = t("migration.matrix_corner")
    return table


_KIND_ORDER = {
    "upgraded": ("revenue_second", False),
    "new": ("revenue_second", False),
    "downgraded": ("change", True),
    "lost": ("revenue_first", False),
}


def moves_table(
    moves: pd.DataFrame, kind: str, names: list[str], t: Translator, *, exact: bool = False
) -> pd.DataFrame:
    """The customers of one kind of move: tiers and revenue before and after, and the change."""
    rows = moves[moves["kind"] == kind]
    by, ascending = _KIND_ORDER[kind]
    rows = rows.sort_values([by, "customer_id"], ascending=[ascending, True], kind="stable")

    def tier(values: pd.Series) -> list[str]:
        return [names[int(v)] if not pd.isna(v) else "–" for v in values]

    first, second = rows["revenue_first"].to_numpy(), rows["revenue_second"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(first > 0, (second - first) / np.where(first > 0, first, 1), np.nan)
    return pd.DataFrame(
        {
            t("col.customer_id"): rows["customer_id"].astype(str).to_numpy(),
            t("col.customer"): rows["label"].astype(str).to_numpy(),
            t("migration.tier_before"): tier(rows["from_tier"]),
            t("migration.tier_after"): tier(rows["to_tier"]),
            t("migration.revenue_before"): _money(rows["revenue_first"], exact),
            t("migration.revenue_after"): _money(rows["revenue_second"], exact),
            t("migration.change"): _money(rows["change"], exact),
            t("migration.change_share"): share * (1 if exact else 100),
        }
    )


def at_risk_table(
    risk: pd.DataFrame, names: list[str], t: Translator, *, exact: bool = False
) -> pd.DataFrame:
    """The at-risk accounts with their reasons in words and their relationship owner."""
    settings = state.get_settings()
    owners = [row.owner for row in policy_for(settings.policy, len(names), t)]
    reasons = [
        " · ".join(t(f"periods.reason.{r}") for r in str(keys).split("; ") if r)
        for keys in risk["reasons"]
    ]
    return pd.DataFrame(
        {
            t("col.customer_id"): risk["customer_id"].astype(str).to_numpy(),
            t("col.customer"): risk["label"].astype(str).to_numpy(),
            t("col.tier"): [names[int(i)] for i in risk["tier"]],
            t("at_risk.revenue_at_stake"): _money(risk["revenue_at_stake"], exact),
            t("at_risk.reason"): reasons,
            # Revenue at stake is the earlier period's revenue: no column "before" beside it.
            t("migration.change_share"): risk["change_share"].to_numpy() * (1 if exact else 100),
            t("migration.revenue_after"): _money(risk["revenue_current"], exact),
            t("at_risk.days_since"): risk["days_since_last"]
            .astype("Float64")
            .to_numpy(dtype=np.float64, na_value=np.nan),
            t("at_risk.median_gap"): risk["median_gap"].to_numpy(dtype=np.float64),
            t("at_risk.owner"): [owners[int(i)] for i in risk["tier"]],
        }
    )


def table_config(t: Translator) -> dict:
    """Column formats shared by the move and at-risk tables (on screen)."""
    money = ("migration.revenue_before", "migration.revenue_after", "migration.change")
    config = {t(k): money_column(t(k), 0) for k in (*money, "at_risk.revenue_at_stake")}
    config[t("migration.change_share")] = percent_column(t("migration.change_share"))
    for key in ("col.tier", "migration.tier_before", "migration.tier_after"):
        config[t(key)] = st.column_config.TextColumn(t(key), width="small")
    days, gap = t("at_risk.days_since"), t("at_risk.median_gap")
    config[days] = st.column_config.NumberColumn(days, format="%,.0f")
    config[gap] = st.column_config.NumberColumn(gap, format="%,.1f")
    return config
