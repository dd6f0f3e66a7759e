"""Tier migration: how customers moved between the tiers of two periods — who climbed, who
slipped, who is new and who was lost."""

from __future__ import annotations

import streamlit as st

from kadash.figures import migration_sankey
from kadash.i18n import Translator
from kadash.periods import Migration, migration_summary
from kadash.report import tier_names_for
from ui.migration_widgets import (
    matrix_table,
    migration_for,
    moves_table,
    periods_line,
    pick_periods,
    table_config,
)
from ui.widgets import download_csv, guard, money_column, require_customers, start_page

_KINDS = ("upgraded", "downgraded", "new", "lost")


def _cards(t: Translator, m: Migration) -> None:
    summary = migration_summary(m)
    for col, kind in zip(st.columns(len(_KINDS), border=True), _KINDS, strict=True):
        row = summary[kind]
        col.metric(t(f"periods.kind.{kind}"), t.number(row["customers"]))
        col.caption(t(f"migration.card_{kind}", revenue=t.money_short(row["revenue"])))


def _matrix(t: Translator, m: Migration, names: list[str]) -> None:
    st.subheader(t("migration.matrix_title"), anchor=False)
    measure = st.segmented_control(
        t("migration.matrix_measure"),
        ["customers", "revenue"],
        default="customers",
        format_func=lambda x: t(f"migration.measure.{x}"),
        required=True,
        key="migration.measure",
    )
    table = matrix_table(m, names, t, measure)
    if measure == "customers":
        config = {c: st.column_config.NumberColumn(c, format="%,d") for c in table.columns}
    else:
        config = {c: money_column(c, 0) for c in table.columns}
    st.dataframe(table, column_config=config, key=f"migration.matrix.{measure}")
    st.caption(t("migration.matrix_caption"))


def _lists(t: Translator, m: Migration, names: list[str]) -> None:
    st.subheader(t("migration.lists_title"), anchor=False)
    counts = migration_summary(m)
    tabs = st.tabs(
        [
            t("migration.tab", kind=t(f"periods.kind.{k}"), n=t.number(counts[k]["customers"]))
            for k in _KINDS
        ]
    )
    config = table_config(t)
    for tab, kind in zip(tabs, _KINDS, strict=True):
        with tab:
            table = moves_table(m.moves, kind, names, t)
            if table.empty:
                st.info(t("migration.none"), icon=":material/info:")
                continue
            st.dataframe(
                table,
                hide_index=True,
                column_config=config,
                height=420 if len(table) > 10 else "auto",
                key=f"migration.list.{kind}",
            )
            download_csv(
                t("migration.download", kind=t(f"periods.kind.{kind}")),
                lambda kind=kind: moves_table(m.moves, kind, names, t, exact=True),
                file_name=f"kadash-migration-{kind}.csv",
                key=f"migration.download.{kind}",
            )


def render() -> None:
    view, t = start_page("migration.title", "migration.caption", show_filters=False)
    require_customers(t, view)
    first, second = pick_periods(t, view, "migration")
    names = tier_names_for(view.settings, t)
    with guard(t):
        m = migration_for(view, first, second)
    periods_line(t, view, first, second)
    if not len(m.moves):
        st.info(t("migration.empty"), icon=":material/info:")
        st.stop()
    _cards(t, m)
    chart = migration_sankey(
        m,
        names,
        t=t,
        first_label=t("migration.before", label=t.period(first.label)),
        second_label=t("migration.after", label=t.period(second.label)),
    )
    st.plotly_chart(chart, key="migration.sankey")
    _matrix(t, m, names)
    _lists(t, m, names)


if __name__ == "__main__":
    render()
