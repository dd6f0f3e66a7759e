"""Widgets of the Tier policy page: the policy editor and the capacity table.

The policy editor is an ``st.data_editor`` whose session state holds the user's *edits*
(``edited_rows``: row position → column → value), not the table. Those edits are re-applied
on every run to whatever table the editor is given, so the editor's key must change whenever
the table changes under it for another reason than its own edits — a new scheme, tier count
or names, another language, a reset, a settings file — or stale edits would land on the
wrong rows. Its own edits are stored in the settings at once, and re-applying them to the
table made from those settings changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit.errors import StreamlitAPIException

from kadash.exact import MONEY_SCALE, minor_to_decimal
from kadash.i18n import Translator, escape_markdown
from kadash.policy import (
    CADENCES,
    PolicyRow,
    capacity_by_rep,
    edited_policy,
    policy_for,
)
from kadash.settings import Settings
from kadash.tiers import Tiering, tier_customers
from ui import state
from ui.data import View
from ui.widgets import money_column

__all__ = [
    "LIMIT_KEY",
    "TOP_KEY",
    "capacity_csv",
    "capacity_for",
    "capacity_tables",
    "editor_key",
    "over_message",
    "policy_editor",
    "tiering_for",
]

LIMIT_KEY = "policy.top_accounts"
TOP_KEY = "policy.top_tiers"
_SYNCED = "policy.editor_synced"  # (base key, policy) the editor's table was last made from
_GENERATION = "policy.editor_generation"
_FIELDS = ("owner", "service", "cadence", "notes")
_FLAG = "background-color: rgba(255, 189, 69, 0.22)"  # the warning colour, light
_MAX_CHARS = {"owner": 120, "service": 160, "cadence": None, "notes": 500}


def tiering_for(view: View, settings: Settings) -> tuple[pd.DataFrame, Tiering]:
    """The ranked customers and their tiers under the settings (re-tiering is cheap: the
    ranking is cached)."""
    ranked = view.ranked(settings.basis)
    values = ranked[settings.basis].to_numpy(dtype=np.int64)
    tiering = tier_customers(
        values, rule=settings.rule, cutoffs=settings.cutoffs, thresholds=settings.thresholds
    )
    return ranked, tiering


# -- the policy editor ----------------------------------------------------------------------
def editor_key(names: Sequence[str], lang: str) -> str:
    """The editor's key before its generation: tier count, names and language (labels of the
    cadence column and the defaults differ by language)."""
    digest = hashlib.sha256("\x1f".join([lang, *names]).encode()).hexdigest()[:10]
    return f"policy.table.{len(names)}.{digest}"


def _columns(t: Translator) -> list[str]:
    return [t("col.tier"), *(t(f"policy.col_{f}") for f in _FIELDS)]


def _frame(rows: Sequence[PolicyRow], names: Sequence[str], t: Translator) -> pd.DataFrame:
    values = [
        [name, r.owner, r.service, t(f"cadence.{r.cadence}"), r.notes]
        for name, r in zip(names, rows, strict=True)
    ]
    return pd.DataFrame(values, columns=_columns(t), dtype="str")


def _text(value: object) -> str:
    """A cell as text: a cleared cell (None / NaN) is empty."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _rows(frame: pd.DataFrame, t: Translator) -> tuple[PolicyRow, ...]:
    """Policy rows from the edited table (columns by position; cadence labels → keys)."""
    cadence_of = {t(f"cadence.{c}"): c for c in CADENCES}
    return tuple(
        PolicyRow(
            _text(owner).strip(),
            _text(service).strip(),
            cadence_of.get(_text(cadence), ""),
            _text(notes).strip(),
        )
        for _, owner, service, cadence, notes in frame.itertuples(index=False, name=None)
    )


def _key(base: str, policy: tuple[PolicyRow, ...]) -> str:
    """The editor's key: a new generation whenever the policy changed other than by it."""
    if st.session_state.get(_SYNCED) != (base, policy):
        st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
        st.session_state[_SYNCED] = (base, policy)
    return f"{base}.{st.session_state[_GENERATION]}"


def _redraw() -> None:
    """Draw the editor again from the settings (the rerun of the fragment it is in)."""
    st.session_state[_GENERATION] += 1
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # a full run (first draw, tests): rerun it all
        st.rerun()


def policy_editor(t: Translator, settings: Settings, names: list[str]) -> None:
    """The policy table; an edit is stored in the settings (and so in the URL) at once."""
    count = len(names)
    base = editor_key(names, t.lang)
    in_force = policy_for(settings.policy, count, t)
    tier, owner, service, cadence, notes = _columns(t)
    config = {
        tier: st.column_config.TextColumn(disabled=True, help=t("policy.tier_help")),
        cadence: st.column_config.SelectboxColumn(
            options=[t(f"cadence.{c}") for c in CADENCES],
            required=True,
            help=t("policy.cadence_help"),
            width=130,
        ),
    }
    widths = {"owner": 220, "service": 320, "notes": "large"}  # all five fit without a scroll
    for field, label in zip(("owner", "service", "notes"), (owner, service, notes), strict=True):
        config[label] = st.column_config.TextColumn(
            max_chars=_MAX_CHARS[field], help=t(f"policy.{field}_help"), width=widths[field]
        )
    edited = st.data_editor(
        _frame(in_force, names, t),
        key=_key(base, settings.policy),
        num_rows="fixed",
        hide_index=True,
        column_config=config,
        width="stretch",
    )
    rows = _rows(edited, t)
    policy = edited_policy(rows, count, t)
    if policy != settings.policy:
        state.update_settings(policy=policy)
        st.session_state[_SYNCED] = (base, policy)
    if rows != policy_for(policy, count, t):
        _redraw()  # a cleared cell (back to its default) or trimmed spaces: show what holds


# -- the capacity check -----------------------------------------------------------------
@st.cache_data(max_entries=8, show_spinner=False)
def _capacity(key: tuple, _lines: pd.DataFrame, _customer_tiers: pd.DataFrame) -> pd.DataFrame:
    return capacity_by_rep(_lines, _customer_tiers)


def capacity_for(view: View, settings: Settings) -> pd.DataFrame:
    """Accounts and revenue per rep and tier (see :func:`kadash.policy.capacity_by_rep`),
    cached on what it depends on, so moving the limit does not regroup the lines."""
    ranked, tiering = tiering_for(view, settings)
    key = (
        view.source.digest,
        tuple(sorted(view.mapping().items())),
        view.options,
        repr((settings.date_from, settings.date_to, settings.filters)),
        settings.basis,
        settings.rule,
        settings.cutoffs,
        settings.thresholds,
    )
    tiers = pd.DataFrame({"customer_id": ranked["customer_id"], "tier": tiering.tiers})
    return _capacity(key, view.lines(), tiers)


def _rep_name(t: Translator, rep: str) -> str:
    return rep or t("capacity.no_rep")


def _unique(names: list[str]) -> list[str]:
    """Tier names as column headers: a repeated name gets its tier number."""
    return [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


def capacity_tables(
    t: Translator, capacity: pd.DataFrame, names: list[str], over: pd.DataFrame, top: int
) -> tuple[tuple[Styler, dict], tuple[pd.DataFrame, dict]]:
    """Reps × tiers, one row per rep, most top-tier accounts first (lines without a rep
    last): the accounts (flagged reps highlighted, with how far over the limit they are) and
    the revenue (currency units); each with its column configuration."""
    rep, top_col, over_col = t("capacity.col_rep"), t("capacity.col_top"), t("capacity.col_over")
    per_tier = {
        what: capacity.pivot_table(
            index="sales_rep", columns="tier", values=what, aggfunc="sum", fill_value=0
        ).reindex(columns=range(len(names)), fill_value=0)
        for what in ("accounts", "revenue")
    }
    reps = per_tier["accounts"].index.to_list()
    top_accounts = per_tier["accounts"].iloc[:, :top].sum(axis=1).to_numpy()
    by = dict(zip(over["sales_rep"], over["over"], strict=True))
    columns = _unique(names)
    accounts = pd.DataFrame({rep: [_rep_name(t, r) for r in reps]})
    if top > 1:  # with one top tier, that tier's column says it
        accounts[top_col] = top_accounts
    accounts[columns] = per_tier["accounts"].to_numpy()
    # Text, so a rep within the limit shows an empty cell rather than "None".
    accounts[over_col] = [f"+{by[r]:,}" if r in by else "" for r in reps]
    revenue = pd.DataFrame({rep: accounts[rep]})
    revenue[columns] = per_tier["revenue"].to_numpy() / MONEY_SCALE
    order = pd.DataFrame({"none": [r == "" for r in reps], "top": top_accounts, "rep": reps})
    order = order.sort_values(["none", "top", "rep"], ascending=[True, False, True]).index
    accounts, revenue = (f.loc[order].reset_index(drop=True) for f in (accounts, revenue))
    flagged = [r in by for r in np.asarray(reps, dtype=object)[order]]
    pinned = {rep: st.column_config.TextColumn(pinned=True, width=140)}
    counts = {c: st.column_config.NumberColumn(format="%,d") for c in [top_col, *columns]}
    counts[over_col] = st.column_config.TextColumn(alignment="right", width=90)
    styled = accounts.style.apply(
        lambda row: [_FLAG if flagged[row.name] else ""] * len(row), axis=1
    )
    money = {c: money_column(c, 0) for c in columns}
    return (styled, pinned | counts), (revenue, pinned | money)


def capacity_csv(t: Translator, capacity: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The capacity for a file: one row per rep and tier, revenue exact."""
    return pd.DataFrame(
        {
            t("capacity.col_rep"): [_rep_name(t, r) for r in capacity["sales_rep"]],
            t("col.tier_id"): capacity["tier_id"].to_numpy(),
            t("col.tier"): [names[i] for i in capacity["tier"]],
            t("capacity.col_accounts_plain"): capacity["accounts"].to_numpy(),
            t("col.revenue"): [minor_to_decimal(v) for v in capacity["revenue"]],
        }
    )


def over_message(t: Translator, over: pd.DataFrame, limit: int, tiers: str) -> str:
    """Who is over the limit, with their counts (at most ten named)."""
    named = [
        t("capacity.over_rep", rep=escape_markdown(r), accounts=t.number(a))
        for r, a in zip(over["sales_rep"][:10], over["top_accounts"][:10], strict=True)
    ]
    if len(over) > 10:
        named.append(t("capacity.more", n=t.number(len(over) - 10)))
    return t.plural(
        "capacity.over",
        len(over),
        n=t.number(len(over)),
        limit=t.number(limit),
        tiers=tiers,
        reps=", ".join(named),
    )
