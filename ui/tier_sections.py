"""The Tiers page's lower sections: boundary sensitivity and tiering within groups.

Both only read what :mod:`kadash.sensitivity` and :mod:`kadash.groups` compute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from kadash.exact import MONEY_SCALE
from kadash.groups import GROUP_FIELDS, compare_tierings, group_differences, tiers_within_groups
from kadash.i18n import Translator, escape_markdown
from kadash.sensitivity import boundary_sensitivity, closest_to_boundaries
from kadash.settings import Settings
from kadash.tiers import Tiering, tier_ids
from ui.widgets import download_csv, money_column, percent_column

__all__ = ["sensitivity_section", "within_groups_section"]


def _bound_text(t: Translator, rule: str, bound: float) -> str:
    return t.money(bound) if rule == "absolute" else t.percent(bound, 1)


def _boundaries(frame: pd.DataFrame, names: list[str]) -> list[str]:
    """ "Upper | Lower" by tier name, for rows holding the tier ids ``upper`` and ``lower``."""
    name_of = dict(zip(tier_ids(len(names)), names, strict=True))
    return [
        f"{name_of[u]} | {name_of[lo]}"
        for u, lo in zip(frame["upper"], frame["lower"], strict=True)
    ]


def sensitivity_section(
    t: Translator,
    settings: Settings,
    ranked: pd.DataFrame,
    tiering: Tiering,
    names: list[str],
) -> None:
    """Customers that change tier if each bound moves ±5, and those closest to each bound."""
    rule, basis = settings.rule, settings.basis
    values = ranked[basis].to_numpy(dtype=np.int64)
    table = boundary_sensitivity(values, tiering, rule=rule)
    if table.empty:
        st.info(t("sensitivity.none"), icon=":material/info:")
        return
    step = t("sensitivity.step_money") if rule == "absolute" else t("sensitivity.step_share")
    st.caption(t("sensitivity.caption", step=step))
    shown = pd.DataFrame(
        {
            t("sensitivity.boundary"): _boundaries(table, names),
            t("sensitivity.bound"): [_bound_text(t, rule, b) for b in table["bound"]],
            t("sensitivity.moved"): [
                f"{_bound_text(t, rule, a)} · {_bound_text(t, rule, b)}"
                for a, b in zip(table["bound_shrink"], table["bound_grow"], strict=True)
            ],
            t("sensitivity.drop"): table["drop"],
            t("sensitivity.value_drop"): table["value_drop"] / MONEY_SCALE,
            t("sensitivity.rise"): table["rise"],
            t("sensitivity.value_rise"): table["value_rise"] / MONEY_SCALE,
        }
    )
    money = [t("sensitivity.value_drop"), t("sensitivity.value_rise")]
    st.dataframe(
        shown,
        hide_index=True,
        column_config={c: money_column(c, 0) for c in money},
        key="tiers.sensitivity",
    )
    closest = closest_to_boundaries(ranked, tiering, rule=rule, value=basis)
    st.markdown("**" + t("sensitivity.closest_title") + "**")
    st.caption(
        t("sensitivity.closest_money") if rule == "absolute" else t("sensitivity.closest_share")
    )
    near = pd.DataFrame(
        {
            t("sensitivity.boundary"): _boundaries(closest, names),
            t("col.tier"): [names[i] for i in closest["tier"]],
            t("col.rank"): closest["rank"],
            t("col.customer_id"): closest["customer_id"],
            t("col.customer"): closest["label"],
            t(f"col.{basis}"): closest["value"] / MONEY_SCALE,
            t("sensitivity.distance"): closest["distance"] / MONEY_SCALE
            if rule == "absolute"
            else closest["distance"] * 100,
        }
    )
    distance = t("sensitivity.distance")
    config = {t(f"col.{basis}"): money_column(t(f"col.{basis}"), 0)}
    config[distance] = money_column(distance, 0) if rule == "absolute" else percent_column(distance)
    st.dataframe(near, hide_index=True, column_config=config, key="tiers.closest")
    download_csv(
        t("sensitivity.download"),
        lambda: near,
        file_name="kadash-closest-to-boundaries.csv",
        key="tiers.download_closest",
    )


def within_groups_section(
    t: Translator,
    settings: Settings,
    ranked: pd.DataFrame,
    tiering: Tiering,
    names: list[str],
) -> None:
    """Tiers inside each region / industry / sales rep, beside the global ones."""
    fields = [f for f in GROUP_FIELDS if f in ranked.columns]
    if not fields:
        st.info(t("groups.no_fields"), icon=":material/info:")
        st.page_link("pages/data.py", label=t("data.fix_link"), icon=":material/build:")
        return
    field = st.selectbox(
        t("groups.by"),
        fields,
        format_func=lambda f: t(f"field.{f}"),
        key="tiers.group_by",
        help=t("groups.by_help"),
    )
    within = tiers_within_groups(
        ranked,
        field,
        value=settings.basis,
        rule=settings.rule,
        cutoffs=settings.cutoffs,
        thresholds=settings.thresholds,
    )
    differ = within != tiering.tiers
    group = t(f"field.{field}")
    st.caption(
        t(
            "groups.summary",
            differ=t.number(int(differ.sum())),
            total=t.number(len(ranked)),
            share=t.percent(float(differ.mean()) if len(ranked) else None),
            group=group,
        )
    )
    if settings.rule == "absolute":
        st.caption(t("groups.absolute_same"))
    left, _ = st.columns([1, 1], gap="large")  # a small table: not stretched across
    with left:
        st.markdown("**" + t("groups.crosstab_title", group=escape_markdown(group)) + "**")
        cross = compare_tierings(tiering.tiers, within, names)
        cross.index = [f"{t('groups.global')}: {n}" for n in cross.index]
        st.dataframe(cross, key="tiers.crosstab")
    diffs = group_differences(ranked, field, tiering.tiers, within, value=settings.basis)
    shown = diffs.rename(
        columns={
            "group": group,
            "customers": t("col.customers"),
            "value": t(f"col.{settings.basis}"),
            "top_global": t("groups.top_global", tier=names[0]),
            "top_within": t("groups.top_within", tier=names[0]),
            "higher": t("groups.higher"),
            "lower": t("groups.lower"),
        }
    )
    value_col = t(f"col.{settings.basis}")
    shown[value_col] = shown[value_col] / MONEY_SCALE
    st.dataframe(
        shown,
        hide_index=True,
        column_config={value_col: money_column(value_col, 0)},
        key="tiers.groups",
    )

    def moved() -> pd.DataFrame:
        rows = np.flatnonzero(differ)
        return pd.DataFrame(
            {
                t("col.customer_id"): ranked["customer_id"].to_numpy()[rows],
                t("col.customer"): ranked["label"].to_numpy()[rows],
                group: ranked[field].to_numpy()[rows],
                t("groups.global_tier"): [names[i] for i in tiering.tiers[rows]],
                t("groups.within_tier"): [names[i] for i in within[rows]],
            }
        )

    download_csv(
        t.plural("groups.download", int(differ.sum()), n=t.number(int(differ.sum()))),
        moved,
        file_name=f"kadash-tiers-within-{field}.csv",
        key="tiers.download_groups",
    )
