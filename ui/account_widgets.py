"""Pieces of the Account page: the customer picker (kept in the link as ``?customer=``), the
cached history and yearly tiers, the headline numbers and the tables.

The picker remembers its choice in the session (a widget's own state is forgotten when its
page is left) and mirrors it into the address; :data:`ui.state.PAGE_PARAMS` keeps it there
when the settings rewrite the address.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from kadash.account import AccountSummary, account_history, rank_by_year, tier_by_year
from kadash.customers import search_customers
from kadash.exact import MONEY_SCALE, minor_to_decimal
from kadash.i18n import Translator
from kadash.policy import PolicyRow
from kadash.settings import Settings
from ui.data import View, _filters_key
from ui.widgets import money_column

__all__ = [
    "PARAM",
    "PICK_LIMIT",
    "headline",
    "history_for",
    "history_table",
    "pick_customer",
    "year_table",
    "years_for",
]

PARAM = "customer"  # the URL parameter
PICK_LIMIT = 2_000  # customers listed in the picker at once; a search box finds the others
_PICK = "account.customer"  # the picker widget
_SEARCH = "account.search"
_CHOSEN = "kadash.account.customer"  # the choice, kept while other pages are visited


# -- cached steps ----------------------------------------------------------------------------
def _key(view: View) -> tuple:
    return (*view._args, _filters_key(view.settings))


@st.cache_data(max_entries=64, show_spinner=False)
def _history(key: tuple, customer_id: str, _lines: pd.DataFrame) -> pd.DataFrame:
    return account_history(_lines, customer_id)


@st.cache_resource(max_entries=8, show_spinner=False)
def _by_year(key: tuple, basis: str, _lines: pd.DataFrame) -> dict[int, pd.DataFrame]:
    return rank_by_year(_lines, basis)


def history_for(view: View, customer_id: str) -> pd.DataFrame:
    """:func:`kadash.account.account_history` of the view's lines, cached per customer."""
    return _history(_key(view), customer_id, view.lines())


def years_for(view: View, customer_id: str, settings: Settings) -> pd.DataFrame:
    """:func:`kadash.account.tier_by_year`; each year's ranking is cached for every customer."""
    lines = view.lines()
    ranked = _by_year(_key(view), settings.basis, lines)
    return tier_by_year(lines, customer_id, settings, ranked_by_year=ranked)


# -- the picker ------------------------------------------------------------------------------
def _on_pick() -> None:
    chosen = st.session_state.get(_PICK)
    if chosen is not None:
        st.session_state[_CHOSEN] = chosen
        st.query_params[PARAM] = chosen


def _in(ranked: pd.DataFrame, customer_id: str) -> bool:
    return bool((ranked["customer_id"] == customer_id).any())


def _in_whole_data(view: View, customer_id: str) -> bool:
    """Whether the customer has lines in the data with no filters applied."""
    whole = replace(view.settings, date_from=None, date_to=None, filters=())
    return _in(View(view.source, whole).ranked("revenue"), customer_id)


def _option(t: Translator, customer_id: str, label: str, rank: int) -> str:
    if label == customer_id:
        return t("account.option_id", id=customer_id, rank=t.number(rank))
    return t("account.option", id=customer_id, name=label, rank=t.number(rank))


def pick_customer(t: Translator, view: View, ranked: pd.DataFrame) -> str | None:
    """The customer to show, chosen from ``ranked`` (the view's customers by revenue): a link's
    ``?customer=`` when it first arrives, else the one chosen this session, else the top one.
    ``None`` (after saying why) when the chosen customer has no lines within the filters."""
    link, chosen = st.query_params.get(PARAM), st.session_state.get(_CHOSEN)
    if link is not None and link != chosen:  # a link just opened: it wins once
        if _in(ranked, link) or _in_whole_data(view, link):
            chosen = link
        else:
            # Anonymised, a link's id may be a real one: never put it on the screen.
            message = (
                t("account.unknown_link_anonymous")
                if view.anonymous
                else t.md("account.unknown_link", id=link)
            )
            st.warning(message, icon=":material/link_off:")
    if chosen is None or not (_in(ranked, chosen) or _in_whole_data(view, chosen)):
        chosen = str(ranked["customer_id"].iloc[0])  # first visit, or another file since
    st.session_state[_CHOSEN] = chosen
    if st.query_params.get(PARAM) != chosen:
        st.query_params[PARAM] = chosen
    hit = np.ones(len(ranked), dtype=bool)
    if len(ranked) > PICK_LIMIT:
        query = st.text_input(
            t("account.search"), key=_SEARCH, placeholder=t("account.search_placeholder")
        )
        hit = search_customers(ranked, query)
        if not hit.any():
            st.info(t.md("account.no_match", query=query), icon=":material/search_off:")
    rows = np.flatnonzero(hit)
    if len(rows) > PICK_LIMIT:
        st.caption(
            t(
                "account.search_shown",
                shown=t.number(PICK_LIMIT),
                total=t.number(len(rows)),
            )
        )
        rows = rows[:PICK_LIMIT]
    at = np.flatnonzero((ranked["customer_id"] == chosen).to_numpy())
    if len(at) and at[0] not in rows:  # the customer shown stays in the list
        rows = np.sort(np.append(rows, at[0]))
    listed = ranked.iloc[rows]
    labels = {
        cid: _option(t, cid, label, int(rank))
        for cid, label, rank in zip(
            listed["customer_id"], listed["label"], listed["rank"], strict=True
        )
    }
    st.session_state[_PICK] = chosen if chosen in labels else None
    st.selectbox(
        t("account.pick"),
        list(labels),
        format_func=labels.__getitem__,
        key=_PICK,
        on_change=_on_pick,
        placeholder=t("account.pick_placeholder"),
        help=t("account.pick_help"),
    )
    if not len(at):
        st.info(t.md("account.not_in_filters", id=chosen), icon=":material/filter_alt:")
        return None
    return chosen


# -- headline numbers ------------------------------------------------------------------------
def headline(
    t: Translator,
    account: AccountSummary,
    *,
    has_profit: bool,
    total: int,
    tier: str,
    basis: str,
    policy: PolicyRow,
) -> None:
    """Two rows of cards — money, share and rank; tier, owner and orders — and a line with the
    purchase days."""
    first = st.columns(4, border=True)
    # The owner is a phrase ("Group vice-president"): its card is twice as wide.
    second = st.columns([1, 2, 1], border=True)
    first[0].metric(
        t("account.revenue"),
        t.money(account.revenue),
        help=t("account.revenue_help", value=t.money(account.revenue, 2)),
    )
    margin = account.profit / account.revenue if account.revenue else None
    first[1].metric(
        t("account.profit"),
        t.money(account.profit) if has_profit else t.money(None),
        help=t("account.profit_help", margin=t.percent(margin))
        if has_profit
        else t("account.no_profit_help"),
    )
    first[2].metric(
        t("account.share"),
        t.percent(account.share, 2),
        help=t("account.share_help", total=t.money(total)),
    )
    rank, n = t.number(account.rank), t.number(account.customers)
    first[3].metric(
        t("account.rank"), t("account.rank_value", rank=rank, n=n), help=t("account.rank_help")
    )
    second[0].metric(
        t("account.tier"), tier, help=t("account.tier_help", value=t(f"account.measure.{basis}"))
    )
    second[1].metric(
        t("account.owner"),
        policy.owner,
        # The owner and service are the user's text: escaped for the Markdown tooltip.
        help=t.md(
            "account.owner_help", service=policy.service, cadence=t(f"cadence.{policy.cadence}")
        ),
    )
    second[2].metric(t("account.orders"), t.number(account.orders), help=t("account.orders_help"))
    st.caption(
        t.plural(
            "account.days",
            account.purchase_days,
            n=t.number(account.purchase_days),
            first=t.date(account.first_date),
            last=t.date(account.last_date),
        )
    )


# -- tables ----------------------------------------------------------------------------------
def history_table(
    history: pd.DataFrame, *, t: Translator, has_profit: bool, exact: bool = True
) -> pd.DataFrame:
    """The monthly history with translated headers; money as exact decimals (``exact``, for
    files) or floats (on screen). Gross profit is left empty in a month without figures."""

    def money(values: pd.Series) -> list:
        if exact:
            return [None if pd.isna(v) else minor_to_decimal(int(v)) for v in values]
        return [None if pd.isna(v) else int(v) / MONEY_SCALE for v in values]

    table = pd.DataFrame(
        {
            t("account.col_month"): history["month"].to_numpy(),
            t("account.col_revenue"): money(history["revenue"]),
        }
    )
    if has_profit:
        table[t("account.col_profit")] = money(history["profit"])
    table[t("account.col_lines")] = history["lines"].to_numpy()
    table[t("account.col_orders")] = history["orders"].to_numpy()
    return table


def history_config(t: Translator) -> dict:
    return {t(k): money_column(t(k), 0) for k in ("account.col_revenue", "account.col_profit")}


def year_table(
    t: Translator, years: pd.DataFrame, names: list[str], basis: str
) -> tuple[pd.DataFrame, dict]:
    """The tier in each year, for the screen: tier names, "rank of n", share, value."""
    value = t(f"account.measure.{basis}")
    present = years["tier"].notna().to_numpy()
    tiers = [
        names[int(i)] if ok else t("account.absent")
        for i, ok in zip(years["tier"], present, strict=True)
    ]
    ranks = [
        t("account.rank_in_year", rank=t.number(int(r)), n=t.number(int(n))) if ok else "–"
        for r, n, ok in zip(years["rank"], years["customers"], present, strict=True)
    ]
    share, amount = t("account.col_share", value=value), t(f"account.amount.{basis}")
    table = pd.DataFrame(
        {
            t("account.col_year"): years["year"].astype(str).to_numpy(),
            t("account.col_tier"): tiers,
            t("account.col_rank"): ranks,
            share: np.where(present, years["share"].to_numpy() * 100, np.nan),
            amount: np.where(present, years["value"].to_numpy() / MONEY_SCALE, np.nan),
        }
    )
    # Two decimals: most customers bring well under 1% each.
    config = {
        share: st.column_config.NumberColumn(format="%.2f%%"),
        amount: money_column(amount, 0),
    }
    rank = t("account.col_rank")
    config[rank] = st.column_config.TextColumn(alignment="right")
    return table, config
