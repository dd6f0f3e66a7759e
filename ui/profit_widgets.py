"""Pieces of the Profitability page: headline numbers, readings in words and the tables.

They draw what :mod:`kadash.profitability` computes; nothing is computed here beyond
formatting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kadash.exact import MONEY_SCALE
from kadash.i18n import Translator, escape_markdown
from kadash.profitability import ProfitSummary, QuadrantSplits, profitability_table
from ui.widgets import LAZY_ROWS, as_percent, money_column, percent_column

__all__ = ["headline", "loss_table", "quadrant_reading", "quadrant_table", "whale_reading"]


def _of_net(t: Translator, share: float | None) -> str | None:
    return None if share is None else t("profitability.of_net", share=t.percent(share))


def headline(t: Translator, s: ProfitSummary) -> None:
    """Net gross profit, what the profitable customers earn and what the loss-makers give back."""
    cols = st.columns(4, border=True)
    flat = dict(delta_color="off", delta_arrow="off")
    cols[0].metric(
        t("profitability.net"),
        t.money_short(s.net_total),
        help=t("profitability.net_help", value=t.money(s.net_total, 2), n=t.number(s.customers)),
    )
    cols[1].metric(
        t("profitability.earned"),
        t.money_short(s.peak),
        delta=_of_net(t, s.peak_share),
        help=t("profitability.earned_help", k=t.number(s.peak_rank), value=t.money(s.peak, 2)),
        **flat,
    )
    cols[2].metric(
        t("profitability.loss_makers"),
        t.number(s.loss_makers),
        delta=t("profitability.of_customers", share=t.percent(s.loss_makers / s.customers)),
        help=t("profitability.loss_makers_help"),
        **flat,
    )
    cols[3].metric(
        t("profitability.given_back"),
        t.money_short(-s.loss_total),
        delta=_of_net(t, s.loss_share),
        help=t("profitability.given_back_help", value=t.money(-s.loss_total, 2)),
        **flat,
    )


def whale_reading(t: Translator, s: ProfitSummary) -> str:
    """The whale curve in words, with its numbers."""
    k, m, z = s.peak_rank, s.loss_makers, s.zero_profit
    counts = dict(k=t.number(k), x=t.percent(k / s.customers), m=t.number(m), z=t.number(z))
    amounts = dict(peak=t.money_short(s.peak), loss=t.money_short(-s.loss_total))
    if s.net_total > 0:
        shares = dict(peak_share=t.percent(s.peak_share), loss_share=t.percent(s.loss_share))
        parts = [t.plural("whale.read_earn", k, **counts, **amounts, **shares)] if k else []
        if m:
            parts.append(t.plural("whale.read_loss", m, **counts, **amounts, **shares))
    else:
        parts = [t("whale.read_net", net=t.money_short(s.net_total), **counts, **amounts)]
    if not m:
        parts.append(t("whale.read_no_loss"))
    if z:
        parts.append(t.plural("whale.read_zero", z, z=t.number(z)))
    return " ".join(parts)


def quadrant_reading(t: Translator, summary: pd.DataFrame, splits: QuadrantSplits) -> str:
    """The quadrant chart in words: the large thin-margin customers and where the loss-makers
    sit."""
    rows = summary.set_index("quadrant")
    parts = []
    thin = rows.loc["large_thin"]
    if n := int(thin["customers"]):
        parts.append(
            t.plural(
                "quadrant.read_thin",
                n,
                n=t.number(n),
                margin=t.percent(float(splits.margin)),
                revenue=t.percent(thin["revenue_share"]),
                profit=t.percent(thin["profit_share"]),
            )
        )
    large = rows.loc[["large_profitable", "large_thin"]].sum()
    small = rows.loc[["small_profitable", "small_thin"]].sum()
    if large["loss_makers"] + small["loss_makers"]:
        parts.append(
            t(
                "quadrant.read_losses",
                large=t.number(int(large["loss_makers"])),
                large_loss=t.money_short(-int(large["loss"])),
                small=t.number(int(small["loss_makers"])),
                small_loss=t.money_short(-int(small["loss"])),
            )
        )
    return " ".join(parts)


def quadrant_table(t: Translator, summary: pd.DataFrame) -> None:
    """The quadrant summary: each count and amount beside its share."""
    shares = [t("col.customer_share"), t("col.revenue_share"), t("col.profit_share")]
    shares.append(t("quadrant.margin"))
    money = [t("col.revenue"), t("col.profit"), t("quadrant.loss")]
    # The three shares side by side, so nobody reads a share of revenue as one of customers.
    table = pd.DataFrame(
        {
            t("quadrant.column"): [t(f"quadrant.{q}") for q in summary["quadrant"]],
            t("col.customers"): summary["customers"],
            money[0]: summary["revenue"] / MONEY_SCALE,
            money[1]: summary["profit"] / MONEY_SCALE,
            shares[0]: summary["customer_share"],
            shares[1]: summary["revenue_share"],
            shares[2]: summary["profit_share"],
            shares[3]: summary["margin"],
            t("quadrant.loss_makers_col"): summary["loss_makers"],
            money[2]: -summary["loss"] / MONEY_SCALE,
        }
    )
    config = {c: percent_column(c) for c in shares} | {c: money_column(c, 0) for c in money}
    st.dataframe(as_percent(table, shares), hide_index=True, column_config=config)


def loss_table(t: Translator, losing: pd.DataFrame, s: ProfitSummary) -> None:
    """The loss-makers in words (count, what they cost, the costliest), then as a table."""
    worst = losing.iloc[0]
    values = dict(
        m=t.number(s.loss_makers),
        loss=t.money_short(-s.loss_total),
        share=t.percent(s.loss_share),
        name=escape_markdown(str(worst["label"])),
        worst=t.money_short(-int(worst["profit"])),
        revenue=t.money_short(int(worst["revenue"])),
    )
    key = "loss_makers.reading" if s.loss_share is not None else "loss_makers.reading_amount"
    st.markdown(t.plural(key, s.loss_makers, **values))
    table = profitability_table(losing, t=t, exact=False)
    margin = t("quadrant.margin")
    money = [t("col.revenue"), t("col.profit")]
    st.dataframe(
        as_percent(table, [margin]),
        hide_index=True,
        height=420 if len(table) > 10 else "auto",
        lazy=len(table) > LAZY_ROWS,
        column_config={margin: percent_column(margin)} | {c: money_column(c, 0) for c in money},
        key="profitability.losses",
    )
