"""The whole path for one settings object: cells → transactions → customers → Pareto → tiers.

Used by the command line and the benchmark; the app runs the same steps one by one so it can
cache each. :func:`analyse` takes a file loaded by :func:`kadash.ingest.load_transactions` and
returns the intermediate tables, :func:`report_dict` the JSON-able summary whose keys the CLI
promises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kadash.computed_abc import AbcLimits
from kadash.concentration import (
    ConcentrationSummary,
    concentration_summary,
    major_customers,
    rank_customers,
)
from kadash.customers import filter_transactions, headline, revenue_by_month, summarize_customers
from kadash.errors import KadashError
from kadash.exact import minor_to_decimal
from kadash.i18n import Translator, translator
from kadash.ingest import FileFacts, Loaded
from kadash.parse import ParseResult
from kadash.settings import Settings
from kadash.tiers import Tiering, default_tier_names, summarize_tiers, tier_customers

__all__ = ["Analysis", "analyse", "report_dict", "tier_names_for", "tier_settings"]


@dataclass(frozen=True)
class Analysis:
    """Every intermediate result of one run."""

    settings: Settings
    facts: FileFacts  # how the file was read
    parsed: ParseResult
    lines: pd.DataFrame  # accepted lines after the settings' filters
    ranked: pd.DataFrame  # customers ranked by the basis
    concentration: ConcentrationSummary
    tiering: Tiering  # tier per ranked customer, and the bounds in force
    tier_summary: pd.DataFrame

    @property
    def tiers(self) -> np.ndarray:
        """Tier index per ranked customer (0 = top tier)."""
        return self.tiering.tiers


def tier_names_for(settings: Settings, t: Translator) -> list[str]:
    """The settings' own tier names, or the scheme's in the translator's language (an empty
    name is the default name of that tier)."""
    defaults = default_tier_names(settings.scheme, settings.tier_count, t)
    if settings.names:
        return [
            own.strip() or default for own, default in zip(settings.names, defaults, strict=True)
        ]
    return defaults


def tier_settings(settings: Settings, ranked_values: np.ndarray) -> Tiering:
    """Tier ranked customers under the settings' scheme."""
    return tier_customers(
        ranked_values, rule=settings.rule, cutoffs=settings.cutoffs, thresholds=settings.thresholds
    )


def analyse(loaded: Loaded, settings: Settings, t: Translator | None = None) -> Analysis:
    """Run the rest of the path — filters, customers, ranking, concentration, tiers — on a file
    read by :func:`kadash.ingest.load_transactions`."""
    t = t or translator()
    settings.validate()
    parsed = loaded.parsed
    if settings.basis == "profit" and not parsed.has_profit:
        raise KadashError("error.no_profit_column")
    lines = filter_transactions(
        parsed.transactions,
        date_from=settings.date_from,
        date_to=settings.date_to,
        include=settings.filter_map,
    )
    ranked = rank_customers(summarize_customers(lines), settings.basis)
    values = ranked[settings.basis].to_numpy(dtype=np.int64)
    tiering = tier_settings(settings, values)
    summary = summarize_tiers(
        ranked,
        tiering.tiers,
        tier_names_for(settings, t),
        cutoffs=tiering.cutoffs,
        thresholds=tiering.thresholds,
    )
    return Analysis(
        settings=settings,
        facts=loaded.facts,
        parsed=parsed,
        lines=lines,
        ranked=ranked,
        concentration=concentration_summary(values),
        tiering=tiering,
        tier_summary=summary,
    )


def _money(minor: int | None) -> float | None:
    return None if minor is None else float(minor_to_decimal(minor))


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(np.datetime64(value, "D"))


def _share(value: float | None) -> float | None:
    """A share for JSON: ``None`` (null) where it is undefined (P = 0, no customers)."""
    return None if value is None or math.isnan(value) else float(value)


def report_dict(analysis: Analysis) -> dict[str, Any]:
    """The JSON report (keys are a promise: later versions add keys, never rename them)."""
    a, parsed = analysis, analysis.parsed
    has_profit = parsed.has_profit
    conc = a.concentration
    tiers = [
        {
            "id": row.id,
            "name": row.name,
            "customers": int(row.customers),
            "customer_share": _share(row.customer_share),
            "revenue": _money(int(row.revenue)),
            "revenue_share": _share(row.revenue_share),
            "profit": _money(int(row.profit)) if has_profit else None,
            "profit_share": _share(row.profit_share) if has_profit else None,
        }
        for row in a.tier_summary.itertuples(index=False)
    ]
    for tier, threshold in zip(tiers, a.tiering.thresholds, strict=False):
        tier["threshold"] = _money(threshold)
    # The disclosure line is about revenue, whatever the ranking basis.
    majors = major_customers(rank_customers(a.ranked, "revenue"), "revenue")
    raw, formats = a.facts, parsed.formats
    totals = headline(a.ranked)
    return {
        "settings": a.settings.to_dict(),
        "basis": a.settings.basis,
        "mapping": parsed.mapping,
        "source": {
            "format": raw.format,
            "sheet": raw.sheet,
            "header_line": raw.header_line,
        },
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "decimal_mark": formats.get("decimal_mark"),
        "date_order": formats.get("date_order"),
        "currency": formats.get("currency"),
        "rows_read": parsed.rows_read,
        "rows_accepted": parsed.rows_accepted,
        "rows_rejected": parsed.rows_rejected,
        "rejected_by_reason": parsed.rejected_by_reason,
        "revenue_accepted": _money(parsed.accepted_revenue),
        "revenue_rejected": _money(parsed.rejected_revenue),
        "duplicate_lines": len(parsed.duplicates),
        "missing_profit": parsed.missing_profit if has_profit else None,
        "unreadable_profit": len(parsed.unreadable_profit) if has_profit else None,
        "rounded_amounts": parsed.rounded_amounts,
        "lines_in_view": len(a.lines),
        "customers": conc.customers,
        "total_revenue": _money(totals.revenue),
        "gross_sales": _money(totals.gross_revenue),
        "returns": _money(totals.returns),
        "revenue_by_month": {m: _money(int(v)) for m, v in revenue_by_month(a.lines).items()},
        "total_profit": _money(totals.profit) if has_profit else None,
        "date_min": _day(totals.first_date),
        "date_max": _day(totals.last_date),
        "negative_customers": conc.negative_customers,
        "top_share": conc.top_share,
        "top_n_share": conc.top_n_share,
        "customers_for_share": conc.customers_for_share,
        "gini": conc.gini,
        "hhi": conc.hhi,
        "effective_customers": conc.effective_customers,
        "major_customers": [
            {"customer_id": r.customer_id, "label": r.label, "share": r.share}
            for r in majors.itertuples(index=False)
        ],
        "tiers": tiers,
        "computed_limits": _limits_dict(a.tiering.limits),
    }


def _limits_dict(limits: AbcLimits | None) -> dict[str, Any] | None:
    """The computed ABC limits found (``--scheme computed``): as counts of customers, as
    cumulative shares of the value and as values (the smallest customer value in A and B)."""
    if limits is None:
        return None
    defined = limits.defined
    return {
        "defined": defined,
        "a_customers": limits.a_count,
        "b_customers": limits.b_count,
        "c_customers": limits.c_count,
        "a_share": float(limits.a_share) if defined else None,
        "ab_share": float(limits.ab_share) if defined else None,
        "a_min_value": _money(limits.a_value) if limits.a_count else None,
        "b_min_value": _money(limits.b_value) if limits.b_count else None,
        "pareto_point": limits.pareto,
        "break_even_point": limits.break_even,
        "submarginal_point": limits.submarginal,
        "negative_customers": limits.negatives,
    }
