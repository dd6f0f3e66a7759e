"""Account: one customer — revenue and gross profit by month, rank and share of revenue, its
tier now and in each year, and where it sits on the Pareto curve."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from kadash.account import AccountSummary, account_summary
from kadash.concentration import pareto_curve, positive_total
from kadash.figures import account_figure, pareto_figure
from kadash.i18n import Translator, escape_html
from kadash.policy import policy_for
from kadash.report import tier_names_for, tier_settings
from ui import state
from ui.account_widgets import (
    headline,
    history_config,
    history_for,
    history_table,
    pick_customer,
    year_table,
    years_for,
)
from ui.data import View
from ui.widgets import download_csv, require_customers, start_page

_SAFE = re.compile(r"[^\w.-]+")  # what a file name keeps of a customer id


def _tier_now(view: View, customer_id: str) -> int:
    """The customer's tier under the settings, over the filtered period."""
    settings = state.get_settings()
    ranked = view.ranked(settings.basis)
    tiers = tier_settings(settings, ranked[settings.basis].to_numpy(dtype=np.int64)).tiers
    return int(tiers[np.flatnonzero((ranked["customer_id"] == customer_id).to_numpy())[0]])


def _history(t: Translator, history: pd.DataFrame, customer_id: str, has_profit: bool) -> None:
    st.plotly_chart(account_figure(history, t=t, has_profit=has_profit), key="account.chart")
    with st.expander(t("account.months_title"), icon=":material/calendar_month:"):
        st.dataframe(
            history_table(history, t=t, has_profit=has_profit, exact=False),
            hide_index=True,
            column_config=history_config(t),
            key="account.months",
        )
    download_csv(
        t("account.download"),
        lambda: history_table(history, t=t, has_profit=has_profit),
        file_name=f"kadash-account-{_SAFE.sub('_', customer_id)}.csv",
        key="account.download",
    )


def _pareto(t: Translator, ranked: pd.DataFrame, account: AccountSummary) -> None:
    values = ranked["revenue"].to_numpy(dtype=np.int64)
    who = account.label
    marks = []
    if account.cum_share is not None:
        label = t(
            "account.mark_top" if account.rank == 1 else "account.mark",
            who=escape_html(account.customer_id),  # a name may not fit beside the curve
            rank=t.number(account.rank),
            cum=t.percent(account.cum_share),
        )
        marks.append((account.x, account.cum_share, label))
    st.plotly_chart(
        pareto_figure(
            pareto_curve(values, keep=(account.rank,)), t=t, basis="revenue", marks=marks
        ),
        key="account.pareto",
    )
    share = t.percent(account.share, 2)
    if account.rank == 1:
        st.markdown(t.md("account.pareto_reading_top", who=who, share=share))
    else:
        st.markdown(
            t.md(
                "account.pareto_reading",
                who=who,
                rank=t.number(account.rank),
                n=t.number(account.customers),
                above=t.number(account.rank - 1),
                cum=t.percent(account.cum_share),
                share=share,
            )
        )


def render() -> None:
    view, t = start_page("account.title", "account.caption")
    has_profit = require_customers(t, view).has_profit
    ranked = view.ranked("revenue")
    customer = pick_customer(t, view, ranked)
    if customer is None:
        st.stop()
    settings = state.get_settings()
    account = account_summary(ranked, customer)
    names = tier_names_for(settings, t)
    tier = _tier_now(view, customer)
    headline(
        t,
        account,
        has_profit=has_profit,
        total=positive_total(ranked["revenue"].to_numpy(dtype=np.int64)),
        tier=names[tier],
        basis=settings.basis,
        policy=policy_for(settings.policy, len(names), t)[tier],
    )
    _history(t, history_for(view, customer), customer, has_profit)
    left, right = st.columns([1, 1.3], gap="large")
    with left:
        st.subheader(t("account.years_title"), anchor=False)
        st.caption(t("account.years_caption", value=t(f"account.measure.{settings.basis}")))
        table, config = year_table(t, years_for(view, customer, settings), names, settings.basis)
        st.dataframe(table, hide_index=True, column_config=config, key="account.years")
    with right:
        st.subheader(t("account.pareto_title"), anchor=False)
        _pareto(t, ranked, account)


if __name__ == "__main__":
    render()
