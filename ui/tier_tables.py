"""The Tiers page's tables: the tier cards, the tier breakdown with its downloads, and the
searchable customer list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from kadash.customers import search_customers
from kadash.export import customers_table, tiers_table
from kadash.i18n import Translator, escape_markdown
from ui.widgets import (
    LAZY_ROWS,
    as_percent,
    current_view,
    download_csv,
    download_workbook,
    money_column,
    percent_column,
)

__all__ = ["customer_list", "tier_breakdown", "tier_cards"]


def tier_cards(t: Translator, summary: pd.DataFrame, has_profit: bool) -> None:
    for col, row in zip(st.columns(len(summary), border=True), summary.itertuples(), strict=True):
        col.metric(escape_markdown(row.name), t.number(row.customers), help=t("tiers.card_help"))
        shares = t(
            "tiers.card_shares",
            customers=t.percent(row.customer_share),
            revenue=t.percent(row.revenue_share),
        )
        if has_profit:
            shares += " · " + t("tiers.card_profit", profit=t.percent(row.profit_share))
        col.caption(shares)


def tier_breakdown(t: Translator, summary: pd.DataFrame, has_profit: bool, key: str) -> None:
    shares = [t(k) for k in ("col.cutoff", "col.customer_share", "col.revenue_share")]
    shares += [t("col.profit_share")]
    money = [t(k) for k in ("col.revenue", "col.profit", "col.revenue_per_customer")]
    table = as_percent(tiers_table(summary, t=t, exact=False), shares)
    table = table.drop(columns=[t("col.tier_id")])  # the id is for files and scripts
    if not has_profit:
        table = table.drop(columns=[t("col.profit"), t("col.profit_share")])
    # Cells that can be empty (the last tier has no bound, an empty tier no average) are shown
    # as text, so they read "–" rather than "None".
    cutoff, average = t("col.cutoff"), t("col.revenue_per_customer")
    if summary["threshold"].notna().any():
        table[cutoff] = [t("tiers.at_least", x=t.money(v)) for v in summary["threshold"]]
    else:
        table[cutoff] = [t.percent(b / 100, 1) for b in table[cutoff]]
    table[average] = [t.number(a) for a in table[average]]
    config = {c: percent_column(c) for c in shares if c != cutoff}
    config |= {c: money_column(c, 0) for c in money if c != average}
    config |= {c: st.column_config.TextColumn(alignment="right") for c in (cutoff, average)}
    config[t("col.customers")] = st.column_config.NumberColumn(format="%,d")
    # Keyed by scheme and names: the grid keeps column widths per key.
    st.dataframe(table, hide_index=True, column_config=config, key=f"tiers.breakdown.{key}")
    csv, workbook = st.columns([1, 1.6])
    with csv:
        download_csv(
            t("tiers.download_breakdown"),
            lambda: tiers_table(summary, t=t),
            file_name="kadash-tiers.csv",
            key="tiers.download_breakdown",
        )
    with workbook:
        download_workbook(t, current_view(), key="tiers.workbook")


def customer_list(t: Translator, ranked: pd.DataFrame, tiers: np.ndarray, names: list[str]) -> None:
    query = st.text_input(
        t("tiers.search"), key="tiers.search", placeholder=t("tiers.search_placeholder")
    )
    hit = search_customers(ranked, query)
    shown = int(hit.sum())
    if not shown:
        st.info(t("tiers.no_match", query=escape_markdown(query)), icon=":material/search_off:")
        return
    table = customers_table(ranked[hit], tiers[hit], names, t=t, exact=False)
    st.caption(t("tiers.customers_count", shown=t.number(shown), total=t.number(len(ranked))))
    st.dataframe(
        table,
        hide_index=True,
        height=420 if shown > 10 else "auto",
        lazy=len(table) > LAZY_ROWS,
        column_config={t(k): money_column(t(k)) for k in ("col.revenue", "col.profit")},
        key="tiers.customers." + "|".join(names),  # new names, new column widths
    )
    download_csv(
        t.plural("tiers.download_customers", shown, n=t.number(shown)),
        lambda: customers_table(ranked[hit], tiers[hit], names, t=t),
        file_name="kadash-customers.csv",
        key="tiers.download_customers",
    )
