"""Two tiering standards side by side on the same customers: what each tier gets under each,
and which customers land in which tier under both.

A :class:`Scenario` is a standard to compare — one of the presets (ABC 80/95, IBM-style
50/75/95, top customers by count 20/50, computed ABC) or the user's current settings. Each is
tiered with exactly the code the Tiers page uses (:func:`kadash.report.tier_settings` and
:func:`kadash.tiers.summarize_tiers`), so a preset's numbers here are the page's numbers for
that preset.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import numpy as np
import pandas as pd

from kadash.exact import as_fraction
from kadash.export import customers_table, tiers_table
from kadash.i18n import Translator
from kadash.report import tier_names_for, tier_settings
from kadash.settings import Settings
from kadash.tiers import Tiering, summarize_tiers

__all__ = [
    "CURRENT",
    "DEFAULT_PAIR",
    "PRESETS",
    "SCENARIOS",
    "Scenario",
    "ScenarioComparison",
    "compare_scenarios",
    "comparison_table",
    "customers_both",
    "scenario",
    "scenario_label",
    "tier_crosstab",
]

#: Presets offered for comparison (keys of :data:`kadash.tiers.SCHEMES`), and every scenario.
PRESETS: tuple[str, ...] = ("abc", "ibm", "count", "computed")
CURRENT = "current"
SCENARIOS: tuple[str, ...] = (*PRESETS, CURRENT)
#: What is compared before the user picks: the two standards people ask about most.
DEFAULT_PAIR: tuple[str, str] = ("abc", "ibm")


@dataclass(frozen=True)
class Scenario:
    """A standard to compare: which one (``key``, one of :data:`SCENARIOS`) and the settings
    that tier by it (scheme, cut-offs or thresholds, tier names)."""

    key: str
    settings: Settings

    @property
    def rule(self) -> str:
        return self.settings.rule

    def tiering(self, ranked_values: np.ndarray) -> Tiering:
        """Tier ranked customers (int64 values in rank order) as the Tiers page does."""
        return tier_settings(self.settings, ranked_values)

    def names(self, t: Translator) -> list[str]:
        """Tier names, top tier first, in the translator's language (or the user's own)."""
        return tier_names_for(self.settings, t)


def scenario(key: str, current: Settings) -> Scenario:
    """The scenario ``key``: a preset with its own cut-offs and names, or ``"current"`` (the
    settings in force, with the user's bounds and names).

    Parameters
    ----------
    key
        One of :data:`SCENARIOS`.
    current
        The settings in force; presets take only its basis.

    Raises
    ------
    ValueError
        If ``key`` is not one of :data:`SCENARIOS`.
    """
    if key == CURRENT:
        return Scenario(CURRENT, current)
    if key not in PRESETS:
        raise ValueError(f"Unknown scenario {key!r}; use one of {', '.join(SCENARIOS)}.")
    return Scenario(key, Settings(basis=current.basis).with_scheme(key))


def _percent_text(share: Fraction) -> str:
    """A share as a short percentage number: 4/5 → "80", 33/400 → "8.25"."""
    text = f"{float(share * 100):.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _widths(cutoffs: tuple[float, ...]) -> str:
    """Each tier's width in percent: cut-offs 0.8, 0.95 → "80/15/5"."""
    edges = [Fraction(0), *(as_fraction(c) for c in cutoffs), Fraction(1)]
    return "/".join(_percent_text(high - low) for low, high in pairwise(edges))


def scenario_label(item: Scenario, t: Translator) -> str:
    """The scenario's name for a picker or a table: "ABC 80/15/5", "IBM 50/25/20/5", "By
    customer count 20/30/50", "Computed ABC", "Current settings: ABC 70/25/5"."""
    settings = item.settings
    if settings.rule == "computed":
        standard = t("scenarios.standard.computed")
    elif settings.rule == "absolute":
        amounts = " / ".join(t.number(float(a)) for a in settings.thresholds)
        standard = t("scenarios.standard.absolute", amounts=amounts)
    else:
        standard = t(f"scenarios.standard.{settings.scheme}", widths=_widths(settings.cutoffs))
    return t("scenarios.current", standard=standard) if item.key == CURRENT else standard


def tier_crosstab(
    first_tiers: np.ndarray,
    second_tiers: np.ndarray,
    first_names: list[str],
    second_names: list[str],
) -> pd.DataFrame:
    """Customers by tier under the first standard (rows) × tier under the second (columns),
    every tier present even when empty, tier names as labels.

    Raises
    ------
    ValueError
        If the two tierings are not of the same customers (lengths differ).
    """
    first = np.asarray(first_tiers, dtype=np.int64)
    second = np.asarray(second_tiers, dtype=np.int64)
    if len(first) != len(second):
        raise ValueError(
            f"Both tierings must cover the same customers: {len(first)} and {len(second)} rows."
        )
    table = np.zeros((len(first_names), len(second_names)), dtype=np.int64)
    np.add.at(table, (first, second), 1)
    return pd.DataFrame(table, index=pd.Index(first_names), columns=pd.Index(second_names))


@dataclass(frozen=True)
class ScenarioComparison:
    """Two standards applied to the same ranked customers.

    Attributes
    ----------
    first, second
        The scenarios compared.
    first_summary, second_summary
        Their tier breakdowns (:func:`kadash.tiers.summarize_tiers`: ``name``, ``customers``,
        ``customer_share``, ``revenue``, ``revenue_share``, ``profit``, ``profit_share``, …).
    first_tiers, second_tiers
        Tier index of each ranked customer under each (0 = top tier).
    crosstab
        Customer counts, tier under ``first`` (rows) × tier under ``second`` (columns).
    """

    first: Scenario
    second: Scenario
    first_summary: pd.DataFrame
    second_summary: pd.DataFrame
    first_tiers: np.ndarray
    second_tiers: np.ndarray
    crosstab: pd.DataFrame

    @property
    def top_first_only(self) -> int:
        """Customers in the top tier under the first standard but not under the second."""
        return int(np.count_nonzero((self.first_tiers == 0) & (self.second_tiers != 0)))

    @property
    def top_second_only(self) -> int:
        """Customers in the top tier under the second standard but not under the first."""
        return int(np.count_nonzero((self.second_tiers == 0) & (self.first_tiers != 0)))

    @property
    def identical(self) -> bool:
        """Whether both standards put every customer in the same tier (same tier count)."""
        return len(self.first_summary) == len(self.second_summary) and bool(
            np.array_equal(self.first_tiers, self.second_tiers)
        )


def compare_scenarios(
    ranked: pd.DataFrame,
    first: Scenario,
    second: Scenario,
    *,
    basis: str,
    t: Translator,
) -> ScenarioComparison:
    """Tier the same customers by two standards and cross their tiers.

    Parameters
    ----------
    ranked
        Customers ranked by ``basis`` (:func:`kadash.concentration.rank_customers`), with
        int64 ``revenue`` and ``profit`` columns.
    first, second
        The standards (see :func:`scenario`).
    basis
        ``"revenue"`` or ``"profit"``: the value both standards tier by.
    t
        Translator, for the tier names.

    Returns
    -------
    ScenarioComparison
        Each standard's tier breakdown (top tier first; shares of customers, revenue and
        gross profit divide by the positive totals, as on the Tiers page) and the crosstab.

    Raises
    ------
    ValueError
        If ``ranked`` has no column ``basis``.
    """
    if basis not in ranked.columns:
        raise ValueError(f"No column {basis!r} in the customer table to tier by.")
    values = ranked[basis].to_numpy(dtype=np.int64)
    parts = []
    for item in (first, second):
        tiering, names = item.tiering(values), item.names(t)
        summary = summarize_tiers(
            ranked, tiering.tiers, names, cutoffs=tiering.cutoffs, thresholds=tiering.thresholds
        )
        parts.append((np.asarray(tiering.tiers), names, summary))
    (first_tiers, first_names, first_summary), (second_tiers, second_names, second_summary) = parts
    return ScenarioComparison(
        first=first,
        second=second,
        first_summary=first_summary,
        second_summary=second_summary,
        first_tiers=first_tiers,
        second_tiers=second_tiers,
        crosstab=tier_crosstab(first_tiers, second_tiers, first_names, second_names),
    )


def comparison_table(
    comparison: ScenarioComparison,
    *,
    t: Translator,
    has_profit: bool,
    exact: bool = True,
) -> pd.DataFrame:
    """Both breakdowns in one table for a file: a "Standard" column, then the Tiers page's
    tier table (:func:`kadash.export.tiers_table`), first standard's tiers first; without
    gross profit in the file its columns are left out."""
    frames = []
    for item, summary in (
        (comparison.first, comparison.first_summary),
        (comparison.second, comparison.second_summary),
    ):
        table = tiers_table(summary, t=t, exact=exact)
        table.insert(0, t("scenarios.col.standard"), scenario_label(item, t))
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    if not has_profit:
        out = out.drop(columns=[t("col.profit"), t("col.profit_share")])
    return out


def customers_both(
    ranked: pd.DataFrame,
    comparison: ScenarioComparison,
    *,
    t: Translator,
    exact: bool = True,
) -> pd.DataFrame:
    """The customer list of the Tiers page (:func:`kadash.export.customers_table`) with each
    customer's tier under both standards, side by side: who would move where."""
    first_names = list(comparison.crosstab.index)
    second_names = list(comparison.crosstab.columns)
    table = customers_table(ranked, comparison.first_tiers, first_names, t=t, exact=exact)
    first = t("scenarios.col.first_tier", standard=scenario_label(comparison.first, t))
    second = t("scenarios.col.second_tier", standard=scenario_label(comparison.second, t))
    table = table.rename(columns={t("col.tier"): first})
    table.insert(
        table.columns.get_loc(first) + 1,
        second,
        [second_names[i] for i in comparison.second_tiers],
    )
    return table
