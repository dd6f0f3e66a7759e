"""Tier policy: a standard of care per tier, and whether the sales reps can carry it."""

from __future__ import annotations

import streamlit as st

from kadash.i18n import Translator, escape_markdown
from kadash.policy import overloaded_reps
from kadash.report import tier_names_for
from kadash.tiers import summarize_tiers
from ui import state
from ui.data import View
from ui.policy_widgets import (
    LIMIT_KEY,
    TOP_KEY,
    capacity_csv,
    capacity_for,
    capacity_tables,
    over_message,
    policy_editor,
    tiering_for,
)
from ui.widgets import (
    current_view,
    download_csv,
    download_workbook,
    require_customers,
    start_page,
)


def _on_reset() -> None:
    state.update_settings(policy=())


def _summary(t: Translator, view: View, names: list[str], has_profit: bool) -> None:
    """What each tier weighs: % of customers beside % of revenue (and of gross profit)."""
    settings = state.get_settings()
    ranked, tiering = tiering_for(view, settings)
    summary = summarize_tiers(
        ranked, tiering.tiers, names, cutoffs=tiering.cutoffs, thresholds=tiering.thresholds
    )
    lines = []
    for row in summary.itertuples():
        line = t.plural(
            "policy.summary_line",
            row.customers,
            tier=escape_markdown(row.name),
            customers=t.number(row.customers),
            customer_share=t.percent(row.customer_share),
            revenue_share=t.percent(row.revenue_share),
        )
        if has_profit:
            line += " · " + t("policy.summary_profit", profit_share=t.percent(row.profit_share))
        lines.append(line)
    st.caption(t("policy.summary_title"))
    st.markdown("  \n".join(lines))


@st.fragment
def _policy(view: View, t: Translator, has_profit: bool) -> None:
    settings = state.get_settings()
    names = tier_names_for(settings, t)
    policy_editor(t, settings, names)
    settings = state.get_settings()  # the editor may have changed it
    note, button = st.columns([3, 1], vertical_alignment="center")
    note.caption(t("policy.is_edited" if settings.policy else "policy.is_default"))
    button.button(
        t("policy.reset"),
        on_click=_on_reset,
        disabled=not settings.policy,
        icon=":material/restart_alt:",
        key="policy.reset",
        width="stretch",
    )
    _summary(t, view, names, has_profit)
    download_workbook(t, current_view(), key="policy.workbook")


def _on_limit() -> None:
    state.update_settings(top_accounts=int(st.session_state[LIMIT_KEY]))


def _controls(t: Translator, names: list[str]) -> tuple[int, int]:
    """The limit (a setting) and how many tiers count as top (this page only)."""
    limit = state.get_settings().top_accounts
    if st.session_state.get(LIMIT_KEY) != limit:  # first draw, or a settings file since
        st.session_state[LIMIT_KEY] = limit
    options = list(range(1, len(names)))
    if st.session_state.get(TOP_KEY) not in options:  # first draw, or fewer tiers now
        st.session_state[TOP_KEY] = 1
    left, right = st.columns([1, 2], gap="large")
    left.number_input(
        t("capacity.limit"),
        min_value=0,
        step=1,
        key=LIMIT_KEY,
        on_change=_on_limit,
        help=t("capacity.limit_help"),
    )
    right.segmented_control(
        t("capacity.top"),
        options,
        format_func=lambda n: " + ".join(escape_markdown(x) for x in names[:n]),
        key=TOP_KEY,
        required=True,
        help=t("capacity.top_help"),
    )
    return limit, st.session_state[TOP_KEY]


@st.fragment
def _capacity(view: View, t: Translator) -> None:
    st.subheader(t("capacity.title"), anchor=False)
    st.caption(t("capacity.caption"))
    lines = view.lines()
    if "sales_rep" not in lines.columns or lines["sales_rep"].isna().all():
        st.info(t.md("capacity.no_rep_column", field=t("field.sales_rep")), icon=":material/badge:")
        st.page_link("pages/data.py", label=t("capacity.map_link"), icon=":material/build:")
        return
    settings = state.get_settings()
    names = tier_names_for(settings, t)
    key = "policy.capacity." + "|".join(names)  # new names, new column widths
    limit, top = _controls(t, names)
    capacity = capacity_for(view, state.get_settings())
    over = overloaded_reps(capacity, limit=limit, top=top)
    tiers = " + ".join(escape_markdown(n) for n in names[:top])
    if len(over):
        st.warning(over_message(t, over, limit, tiers), icon=":material/warning:")
    else:
        st.success(
            t("capacity.within", limit=t.number(limit), tiers=tiers), icon=":material/check:"
        )
    (accounts, a_config), (revenue, r_config) = capacity_tables(t, capacity, names, over, top)
    height = 35 * (min(len(revenue), 15) + 1) + 3  # every rep up to 15 (rows are 35 px)
    left, right = st.columns([1.1, 1], gap="medium")
    left.caption(t("capacity.accounts_title"))
    left.dataframe(accounts, hide_index=True, column_config=a_config, height=height, key=f"{key}.a")
    right.caption(t("capacity.revenue_title"))
    right.dataframe(revenue, hide_index=True, column_config=r_config, height=height, key=f"{key}.r")
    download_csv(
        t("capacity.download"),
        lambda: capacity_csv(t, capacity, names),
        file_name="kadash-capacity.csv",
        key="policy.download_capacity",
    )


def render() -> None:
    view, t = start_page("policy.title", "policy.caption")
    summary = require_customers(t, view)
    _policy(view, t, summary.has_profit)
    _capacity(view, t)


if __name__ == "__main__":
    render()
