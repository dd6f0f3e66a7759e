"""The executive report: one self-contained HTML file that opens offline in any browser.

:func:`executive_report` runs the same library calls as the app's pages — Overview (key figures,
Pareto and concentration), Tiers and Tier policy, Clusters (k-means with as many clusters as
tiers, the default features, seed 0), Tier migration and At-risk accounts (the last 12 months
against the 12 before, the At-risk page's default rules) — and writes them as one HTML
document in the translator's language: headings, a one-sentence reading per section, plain
HTML tables and interactive plotly charts.

Self-contained: plotly.js is inlined once, styles are inline, fonts are the system's; there is
no URL to fetch (no CDN, web font or MathJax), so the file works on a laptop without network
in a workshop. Every string that comes from the data or the user (customer and tier names,
policy owners, the source file's name, filter values) is HTML-escaped. A section that cannot
be computed for the data (no gross profit, less than two periods, too few customers to
cluster) says so in a sentence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from kadash.clusters import (
    DEFAULT_FEATURES,
    cluster_profiles,
    compare_with_tiers,
    customer_features,
    eligible,
    fit_clusters,
)
from kadash.concentration import (
    major_customers,
    pareto_curve,
    positive_total,
    rank_customers,
    top_count,
    top_n_share,
)
from kadash.customers import headline
from kadash.figures import crosstab_figure, migration_sankey, pareto_figure, tier_share_figure
from kadash.i18n import Translator
from kadash.ingest import Loaded
from kadash.periods import (
    Migration,
    Period,
    at_risk,
    last_12_months,
    migration,
    migration_summary,
    overdue_as_of,
    tiers_by_period,
)
from kadash.policy import policy_for
from kadash.report import Analysis, analyse, tier_names_for
from kadash.settings import Settings
from kadash.workbook import settings_table

__all__ = [
    "AT_RISK_DROP",
    "AT_RISK_GAP",
    "AT_RISK_ROWS",
    "AT_RISK_TOP_TIERS",
    "CLUSTER_SEED",
    "FIGURE_CONFIG",
    "SECTIONS",
    "executive_report",
    "html_table",
]

#: Section ids, in the order the report shows them (their headings are ``report.section.<id>``).
SECTIONS: tuple[str, ...] = (
    "kpis",
    "pareto",
    "tiers",
    "policy",
    "clusters",
    "migration",
    "at_risk",
    "about",
)
#: The At-risk page's default rules: revenue down more than 30%, or days since the last
#: purchase above 2 × the customer's median gap; the top tier only.
AT_RISK_DROP = 0.30
AT_RISK_GAP = 2.0
AT_RISK_TOP_TIERS = 1
#: At-risk accounts listed (most revenue at stake first).
AT_RISK_ROWS = 20
#: The Clusters page's default seed.
CLUSTER_SEED = 0
#: The readouts the Overview page opens with: the top 20% of customers, and 80% of the value
#: (as keys of :class:`~kadash.concentration.ConcentrationSummary`, and as shown).
_TOP, _NEEDED = ("0.2", "20%"), ("0.8", "80%")
#: plotly's own toolbar is in English and its logo links to plotly.com: left out.
FIGURE_CONFIG: dict[str, object] = {"displayModeBar": False, "responsive": True}

_FONTS = {
    # System fonts only (nothing to download); the script's own CJK face first.
    "zh-Hans": '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK TC", '
    '"Microsoft JhengHei", "PingFang TC"',
    "default": '"Noto Sans CJK TC", "Microsoft JhengHei", "PingFang TC", "Noto Sans CJK SC", '
    '"Microsoft YaHei", "PingFang SC"',
}
_LATIN = 'system-ui, -apple-system, "Segoe UI", "Noto Sans", Roboto, "Helvetica Neue", Arial'


def _font_stack(lang: str) -> str:
    cjk = _FONTS.get(lang, _FONTS["default"])
    return f"{_LATIN}, {cjk}, sans-serif"


def _e(text: object) -> str:
    """Text as HTML (quotes too: the same text may land in an attribute)."""
    return html.escape(str(text), quote=True)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(text: str) -> str:
    """A sentence as HTML: escaped, and ISO dates kept on one line (a browser would break
    2025-12-31 after a hyphen)."""
    return _DATE.sub(lambda m: f'<span class="nowrap">{m.group()}</span>', _e(text))


# -- building blocks ---------------------------------------------------------------------------
def html_table(
    frame: pd.DataFrame,
    *,
    numeric: Collection[str] = (),
    total: bool = False,
    css_class: str = "data",
) -> str:
    """A DataFrame of display strings as a plain HTML table (headers and cells escaped).

    Parameters
    ----------
    frame
        Cells already formatted for people; the column names are the (translated) headers.
    numeric
        Columns to right-align in tabular figures (numbers, amounts, percentages).
    total
        Whether the last row is a total (set apart in bold).
    css_class
        The table's class.
    """
    columns = [str(c) for c in frame.columns]
    right = {str(c) for c in numeric}
    cls = [' class="num"' if c in right else "" for c in columns]
    head = "".join(f'<th scope="col"{k}>{_e(c)}</th>' for c, k in zip(columns, cls, strict=True))
    body = []
    rows = frame.itertuples(index=False, name=None)
    for i, row in enumerate(rows):
        cells = "".join(f"<td{k}>{_e(v)}</td>" for v, k in zip(row, cls, strict=True))
        is_total = total and i == len(frame) - 1
        body.append(f'<tr class="total">{cells}</tr>' if is_total else f"<tr>{cells}</tr>")
    return (
        f'<div class="table-wrap"><table class="{_e(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _card(label: str, value: str, sub: str = "", *, wide: bool = False) -> str:
    # Always three rows (label, value, note): the cards of a row line them up (CSS subgrid).
    return (
        f'<div class="card{" wide" if wide else ""}"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div><div class="sub">{_text(sub)}</div></div>'
    )


def _cards(cards: Sequence[str], css_class: str = "cards") -> str:
    return f'<div class="{css_class}">{"".join(cards)}</div>'


def _reading(text: str) -> str:
    return f'<p class="reading">{_text(text)}</p>'


def _note(text: str) -> str:
    return f'<p class="note">{_text(text)}</p>'


def _unavailable(text: str) -> str:
    return f'<p class="unavailable">{_text(text)}</p>'


@dataclass
class _Charts:
    """Figures as HTML (plotly.js itself is inlined once, in the head), numbered in order so
    the same data gives the same file."""

    lang: str
    count: int = 0

    def add(self, fig: go.Figure, name: str) -> str:
        self.count += 1
        family = _font_stack(self.lang).replace('"', "")
        fig.update_layout(font_family=family, autosize=True)
        fig.update_traces(textfont_family=family, selector=dict(type="sankey"))
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            config=FIGURE_CONFIG,
            div_id=f"chart-{self.count}-{name}",
            default_width="100%",
        )
        return f'<figure class="chart">{div}</figure>'


def _section(t: Translator, key: str, body: str) -> str:
    return (
        f'<section id="{key}" class="section"><h2>{_e(t(f"report.section.{key}"))}</h2>'
        f"{body}</section>"
    )


# -- the sections ------------------------------------------------------------------------------
def _kpis(t: Translator, a: Analysis) -> str:
    h = headline(a.ranked)
    has_profit = a.parsed.has_profit
    basis = a.settings.basis
    value = t(f"measure.{basis}")
    conc = a.concentration
    n = conc.customers
    k = top_count(n, _TOP[0])
    share = conc.top_share[_TOP[0]]
    start, end = t.date(h.first_date), t.date(h.last_date)
    revenue_sub = [t.money(h.revenue)]
    if h.returns:
        revenue_sub.append(t("kpi.returns", returns=t.money_short(h.returns)))
    profit_sub = [t.money(h.profit), t("report.margin", margin=t.percent(h.margin))]
    cards = [
        _card(t("kpi.customers"), t.number(h.customers)),
        _card(t("kpi.revenue"), t.money_short(h.revenue), " · ".join(revenue_sub)),
        _card(t("kpi.profit"), t.money_short(h.profit), " · ".join(profit_sub))
        if has_profit
        else _card(t("kpi.profit"), "–", t("report.no_profit_short")),
        _card(t("kpi.period"), t.duration(h.days), t("kpi.period_value", start=start, end=end)),
        _card(
            t("overview.top_share_label", p=_TOP[1]),
            t.percent(share),
            t("report.top_share_sub", k=t.number(k), n=t.number(n), value=value),
        ),
    ]
    values = dict(
        customers=t.number(h.customers),
        revenue=t.money(h.revenue),
        start=start,
        end=end,
        k=t.number(k),
        share=t.percent(share),
        value=value,
    )
    if has_profit:
        values |= dict(profit=t.money(h.profit), margin=t.percent(h.margin))
    key = "report.read.kpis_profit" if has_profit else "report.read.kpis"
    text = t.plural(key, h.customers, **values)
    body = _reading(text) + _cards(cards, "cards kpis")
    if not has_profit:
        body += _note(t("report.no_profit"))
    return body


def _pareto(t: Translator, a: Analysis, charts: _Charts) -> str:
    basis = a.settings.basis
    value = t(f"measure.{basis}")
    values = a.ranked[basis].to_numpy(dtype=np.int64)
    conc = a.concentration
    n = len(values)
    if positive_total(values) == 0:
        return _unavailable(t("report.read.pareto_none", value=value))
    k_top = top_count(n, _TOP[0])
    share = conc.top_share[_TOP[0]]
    needed = conc.customers_for_share[_NEEDED[0]]
    marks = []  # as the Overview page draws its readouts
    if share is not None:
        label = t("pareto.mark_top", p=_TOP[1], k=t.number(k_top), share=t.percent(share))
        marks.append((k_top / n, share, label))
    if needed is not None:
        label = t("pareto.mark_needed", k=t.number(needed), x=t.percent(needed / n), q=_NEEDED[1])
        marks.append((needed / n, top_n_share(values, needed), label))
    figure = pareto_figure(
        pareto_curve(values, keep=(k_top, needed or 0)), t=t, basis=basis, marks=marks
    )
    gini = "–" if conc.gini is None else f"{conc.gini:.3f}"
    hhi = "–" if conc.hhi is None else t.number(conc.hhi * 10_000)
    effective = t.number(conc.effective_customers, 1)
    stats = [
        _card(
            t("overview.needed_label", q=_NEEDED[1]),
            t.number(needed),
            t("report.needed_sub", x=t.percent(needed / n)) if needed else "",
        ),
        _card(t("overview.gini"), gini),
        _card(t("overview.hhi"), hhi),
        _card(t("overview.effective"), effective),
    ]
    tops = conc.top_n_share  # top 1, 5 and 10 customers: one card, read across
    stats.append(
        _card(
            t("overview.top_n", n=" / ".join(tops)),
            " / ".join(t.percent(s) for s in tops.values()),
            wide=True,
        )
    )
    reading = t.plural(
        "report.read.pareto",
        needed or 0,
        k=t.number(needed),
        x=t.percent(needed / n if needed else None),
        value=value,
        gini=gini,
        hhi=hhi,
        effective=effective,
    )
    body = _reading(reading)
    body += f'<div class="split">{charts.add(figure, "pareto")}{_cards(stats, "stats")}</div>'
    majors = major_customers(rank_customers(a.ranked, "revenue"), "revenue")
    if len(majors):
        names = t("report.list_sep").join(
            t("report.read.major", name=r.label, share=t.percent(r.share))
            for r in majors.itertuples(index=False)
        )
        body += _note(t.plural("report.read.majors", len(majors), n=len(majors), names=names))
    if conc.negative_customers:
        m = conc.negative_customers
        body += _note(t.plural("overview.negatives_left_out", m, n=t.number(m)))
    return body


def _bound_text(t: Translator, row: Any) -> str:
    """A tier's cut-off as shown: an amount (absolute thresholds) or a cumulative share."""
    if not pd.isna(row.threshold):
        return t("tiers.at_least", x=t.money(row.threshold))
    return "–" if pd.isna(row.bound) else t.percent(row.bound, 1)


def _tiers(t: Translator, a: Analysis, charts: _Charts) -> str:
    summary = a.tier_summary
    has_profit = a.parsed.has_profit
    frame = pd.DataFrame(
        {
            t("col.tier"): summary["name"],
            t("col.cutoff"): [_bound_text(t, r) for r in summary.itertuples()],
            t("col.customers"): [t.number(v) for v in summary["customers"]],
            t("col.customer_share"): [t.percent(v) for v in summary["customer_share"]],
            t("col.revenue"): [t.money(v) for v in summary["revenue"]],
            t("col.revenue_share"): [t.percent(v) for v in summary["revenue_share"]],
        }
    )
    if has_profit:
        frame[t("col.profit")] = [t.money(v) for v in summary["profit"]]
        frame[t("col.profit_share")] = [t.percent(v) for v in summary["profit_share"]]
    # Shares are left blank on the total line: they divide by the positive totals, so with a
    # loss-making customer they do not add up to 100%.
    totals = [t("migration.total"), "", t.number(int(summary["customers"].sum())), ""]
    totals += [t.money(int(summary["revenue"].sum())), ""]
    if has_profit:
        totals += [t.money(int(summary["profit"].sum())), ""]
    frame.loc[len(frame)] = totals
    numeric = [c for c in frame.columns if c != t("col.tier")]
    top = summary.iloc[0]
    values = dict(
        tier=top["name"],
        customer_share=t.percent(top["customer_share"]),
        customers=t.number(int(top["customers"])),
        revenue_share=t.percent(top["revenue_share"]),
    )
    if has_profit:
        text = t("report.read.tiers_profit", profit_share=t.percent(top["profit_share"]), **values)
    else:
        text = t("report.read.tiers", **values)
    figure = tier_share_figure(summary, t=t, has_profit=has_profit)
    body = _reading(text) + html_table(frame, numeric=numeric, total=True)
    return body + charts.add(figure, "tier-shares")


def _policy(t: Translator, a: Analysis, names: list[str]) -> str:
    settings = a.settings
    rows = policy_for(settings.policy, len(names), t)
    cadence = [t(f"cadence.{r.cadence}") if r.cadence else "" for r in rows]
    frame = pd.DataFrame(
        {
            t("col.tier"): names,
            t("policy.col_owner"): [r.owner for r in rows],
            t("policy.col_service"): [r.service for r in rows],
            t("policy.col_cadence"): cadence,
        }
    )
    if any(r.notes for r in rows):
        frame[t("policy.col_notes")] = [r.notes for r in rows]
    text = t(
        "report.read.policy",
        tier=names[0],
        owner=rows[0].owner,
        service=rows[0].service,
        cadence=cadence[0],
    )
    body = _reading(text) + html_table(frame, css_class="data policy")
    return body + _note(t("policy.is_edited" if settings.policy else "policy.is_default"))


def _clusters(t: Translator, a: Analysis, names: list[str], charts: _Charts) -> str:
    k = a.settings.tier_count
    by_revenue = a.ranked if a.settings.basis == "revenue" else rank_customers(a.ranked, "revenue")
    features = customer_features(by_revenue)  # as the Clusters page: customers by revenue
    chosen = DEFAULT_FEATURES
    reasons = eligible(features, chosen)
    kept = int((reasons == "").sum())
    need = max(k + 1, 3)  # the page's bounds: k ≤ customers − 1, at least three customers
    if kept < need:
        return _unavailable(t("report.read.clusters_too_few", n=t.number(kept), k=k, need=need))
    fit = fit_clusters(features, chosen, k, seed=CLUSTER_SEED, threads=1, score=False)
    by_id = pd.Series(a.tiers, index=a.ranked["customer_id"].to_numpy())
    tiers = by_id.reindex(features["customer_id"].to_numpy()).to_numpy()
    comparison = compare_with_tiers(fit, tiers, features["monetary"].to_numpy(), k)
    profiles = cluster_profiles(features, fit, chosen)
    cluster_names = [t("clusters.name_like", n=i + 1, tier=n) for i, n in enumerate(names)]
    crosstab = comparison.crosstab.to_numpy()
    sizes = np.maximum(crosstab.sum(axis=0), 1)
    frame = pd.DataFrame(
        {
            t("clusters.col_cluster"): cluster_names,
            t("col.customers"): [t.number(v) for v in profiles["customers"]],
            t("col.customer_share"): [t.percent(v) for v in profiles["customer_share"]],
            t("col.revenue_share"): [t.percent(v) for v in profiles["revenue_share"]],
            t("report.col.agree"): [
                t.percent(float(crosstab[i, i] / sizes[i]) if profiles["customers"][i] else None)
                for i in range(k)
            ],
        }
    )
    numeric = [c for c in frame.columns if c != t("clusters.col_cluster")]
    parts = [
        t(
            "report.read.clusters",
            k=k,
            seed=CLUSTER_SEED,
            share=t.percent(comparison.revenue_agreement),
        )
    ]
    if comparison.look_higher:
        tier, cluster, n = comparison.look_higher[0]
        parts.append(
            t.plural(
                "report.read.clusters_higher",
                n,
                n=t.number(n),
                tier=names[tier],
                like=names[cluster],
            )
        )
    else:
        parts.append(t("clusters.read_none_higher"))
    body = _reading(t("report.sentence_sep").join(parts))
    if kept < len(features):
        body += _note(
            t(
                "report.read.clusters_left",
                kept=t.number(kept),
                n=t.number(len(features)),
                left=t.number(len(features) - kept),
            )
        )
    short = [t("clusters.name", n=i + 1) for i in range(k)]
    figure = crosstab_figure(comparison, names, short, t=t)
    table = html_table(frame, numeric=numeric, css_class="data clusters")
    return body + f'<div class="pair">{table}{charts.add(figure, "crosstab")}</div>'


@dataclass(frozen=True)
class _Periods:
    """The last 12 months of the data against the 12 before, tiered each on its own."""

    previous: Period
    current: Period
    first: pd.DataFrame  # tiers_by_period of the earlier period
    second: pd.DataFrame
    lines: pd.DataFrame  # all accepted lines (the periods replace the settings' dates)
    start: date
    end: date


def _periods(a: Analysis) -> _Periods:
    lines = a.parsed.transactions
    start = pd.Timestamp(lines["date"].min()).date()
    end = pd.Timestamp(lines["date"].max()).date()
    previous, current = last_12_months(end)
    return _Periods(
        previous,
        current,
        tiers_by_period(lines, previous, a.settings),
        tiers_by_period(lines, current, a.settings),
        lines,
        start,
        end,
    )


def _migration(t: Translator, a: Analysis, p: _Periods, names: list[str], charts: _Charts) -> str:
    if p.first.empty or p.second.empty:
        return _unavailable(
            t("report.read.migration_none", start=t.date(p.start), end=t.date(p.end))
        )
    m: Migration = migration(p.first, p.second, len(names))
    summary = migration_summary(m)
    kinds = ("upgraded", "downgraded", "new", "lost")
    cards = [
        _card(
            t(f"periods.kind.{kind}"),
            t.number(summary[kind]["customers"]),
            t(f"migration.card_{kind}", revenue=t.money_short(summary[kind]["revenue"])),
        )
        for kind in kinds
    ]
    text = t(
        "report.read.migration",
        up=t.number(summary["upgraded"]["customers"]),
        down=t.number(summary["downgraded"]["customers"]),
        new=t.number(summary["new"]["customers"]),
        new_revenue=t.money_short(summary["new"]["revenue"]),
        lost=t.number(summary["lost"]["customers"]),
        lost_revenue=t.money_short(summary["lost"]["revenue"]),
    )
    body = _reading(text)
    body += _note(
        t(
            "report.read.periods",
            first=p.previous.label,
            first_n=t.number(len(p.first)),
            second=p.current.label,
            second_n=t.number(len(p.second)),
        )
    )
    if a.settings.date_from or a.settings.date_to:  # the periods replace the settings' dates
        body += _note(t("report.dates_ignored"))
    if p.previous.start < p.start:  # the earlier 12 months are only partly in the data
        body += _note(
            t("migration.partial", periods=p.previous.label, start=t.date(p.start),
              end=t.date(p.end))
        )  # fmt: skip
    body += _cards(cards, "cards moves")
    figure = migration_sankey(
        m,
        names,
        t=t,
        first_label=t("migration.before", label=p.previous.label),
        second_label=t("migration.after", label=p.current.label),
    )
    return body + charts.add(figure, "sankey")


def _at_risk(t: Translator, a: Analysis, p: _Periods, names: list[str]) -> str:
    if p.first.empty or p.second.empty:
        return _unavailable(t("report.read.at_risk_none", start=t.date(p.start), end=t.date(p.end)))
    risk = at_risk(
        p.lines,
        p.previous,
        p.current,
        a.settings,
        top_tiers=AT_RISK_TOP_TIERS,
        drop=AT_RISK_DROP,
        gap_multiple=AT_RISK_GAP,
        previous_tiers=p.first,
    )
    n = len(risk)
    stake = int(risk["revenue_at_stake"].sum())
    total = int(p.first["revenue"].clip(lower=0).sum())
    share = t.percent(stake / total) if total > 0 else "–"
    if n:
        text = t.plural(
            "report.read.at_risk", n, n=t.number(n), revenue=t.money(stake), share=share
        )
    else:
        text = t("report.read.at_risk_zero")
    rules = t(
        "at_risk.rules",
        tiers=", ".join(names[:AT_RISK_TOP_TIERS]),
        drop=t.percent(AT_RISK_DROP, 0),
        gap=t.number(AT_RISK_GAP, 1),
        as_of=t.date(overdue_as_of(p.lines, p.current)),
    )
    body = _reading(text) + _note(rules)
    if not n:
        return body
    owners = [row.owner for row in policy_for(a.settings.policy, len(names), t)]
    shown = risk.head(AT_RISK_ROWS)
    frame = pd.DataFrame(
        {
            t("col.customer"): shown["label"].astype(str).to_numpy(),
            t("col.tier"): [names[int(i)] for i in shown["tier"]],
            t("migration.revenue_before"): [t.money(v) for v in shown["revenue_previous"]],
            t("migration.revenue_after"): [t.money(v) for v in shown["revenue_current"]],
            t("migration.change_share"): [t.percent(v) for v in shown["change_share"]],
            t("at_risk.reason"): [
                " · ".join(t(f"periods.reason.{r}") for r in str(keys).split("; ") if r)
                for keys in shown["reasons"]
            ],
            t("at_risk.owner"): [owners[int(i)] for i in shown["tier"]],
        }
    )
    money = ("migration.revenue_before", "migration.revenue_after", "migration.change_share")
    body += html_table(frame, numeric=[t(k) for k in money], css_class="data risk")
    if n > len(shown):
        body += _note(t("report.read.at_risk_more", shown=t.number(len(shown)), n=t.number(n)))
    return body


def _about(
    t: Translator, a: Analysis, *, generated: str, source_name: str
) -> str:  # the footer's facts
    facts = {
        "source": source_name,
        "generated": generated,
        "rows_read": a.parsed.rows_read,
        "rows_accepted": a.parsed.rows_accepted,
        "rows_rejected": a.parsed.rows_rejected,
    }
    table = settings_table(a.settings, t=t, facts=facts)
    table = table.map(lambda v: t.number(v) if isinstance(v, int | np.integer) else str(v))
    reading = t(
        "report.read.about",
        source=source_name,
        read=t.number(a.parsed.rows_read),
        rejected=t.number(a.parsed.rows_rejected),
    )
    body = _reading(reading) + html_table(table, css_class="data settings")
    body += (
        f'<details class="settings-json"><summary>{_e(t("report.settings_json"))}</summary>'
        f"<pre>{_e(a.settings.to_json())}</pre></details>"
    )
    return body


# -- the document ------------------------------------------------------------------------------
def executive_report(
    loaded: Loaded, settings: Settings, t: Translator, *, generated: str, source_name: str
) -> str:
    """The executive report of a file under some settings, as one HTML document.

    Parameters
    ----------
    loaded
        The file, read by :func:`kadash.ingest.load_transactions`.
    settings
        Basis, tier scheme and cut-offs, names, filters and tier policy (as the app holds them).
    t
        Translator: the report's language (``<html lang>``), words and number formats.
    generated
        When the report is made, as it should be shown (this function reads no clock).
    source_name
        The source file's name, shown in the title block and the footer.

    Returns
    -------
    str
        A complete HTML document with plotly.js inlined once and no external reference.

    Raises
    ------
    KadashError
        As :func:`kadash.report.analyse` (invalid settings, a profit basis without a profit
        column).
    """
    a = analyse(loaded, settings, t)
    names = tier_names_for(settings, t)
    charts = _Charts(t.lang)
    blocks: list[tuple[str, str]] = []
    if a.ranked.empty:
        blocks.append(("kpis", _unavailable(t("report.empty"))))
    else:
        p = _periods(a)
        blocks += [
            ("kpis", _kpis(t, a)),
            ("pareto", _pareto(t, a, charts)),
            ("tiers", _tiers(t, a, charts)),
            ("policy", _policy(t, a, names)),
            ("clusters", _clusters(t, a, names, charts)),
            ("migration", _migration(t, a, p, names, charts)),
            ("at_risk", _at_risk(t, a, p, names)),
        ]
    blocks.append(("about", _about(t, a, generated=generated, source_name=source_name)))
    h = headline(a.ranked)
    title = t("report.title")
    lead = t("report.lead", source=source_name, start=t.date(h.first_date), end=t.date(h.last_date))
    toc = "".join(f'<a href="#{key}">{_e(t(f"report.section.{key}"))}</a>' for key, _ in blocks)
    sections = "".join(_section(t, key, body) for key, body in blocks)
    footer = t("report.footer", source=source_name, generated=generated)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(t.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="kadash">\n'
        f"<title>{_e(title)} · {_e(source_name)}</title>\n"
        f"<style>{_css(t.lang)}</style>\n"
        f"<script>{get_plotlyjs()}</script>\n"
        "</head>\n<body>\n"
        f'<header class="masthead"><div class="inner"><h1>{_e(title)}</h1>'
        f'<p class="lead">{_e(lead)}</p>'
        f'<nav class="toc" aria-label="{_e(t("report.contents"))}">{toc}</nav></div></header>\n'
        f"<main>{sections}</main>\n"
        f'<footer class="colophon"><p>{_e(footer)}</p></footer>\n'
        f"<script>{_PRINT_SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )


# Charts are drawn for the screen's width. On paper they are scaled down to the printable
# width (A4 less the margins, about 700 CSS pixels) as pictures: redrawing them at that width
# would animate (the Sankey), and the page is printed before an animation ends.
_PRINT_SCRIPT = """
(function () {
  var PAPER = 700;
  function plots() { return document.querySelectorAll('figure.chart'); }
  window.addEventListener('beforeprint', function () {
    plots().forEach(function (el) {
      var width = el.getBoundingClientRect().width;
      if (width > PAPER) { el.style.zoom = (PAPER / width).toFixed(3); }
    });
  });
  window.addEventListener('afterprint', function () {
    plots().forEach(function (el) { el.style.zoom = ''; });
  });
})();
"""


def _css(lang: str) -> str:
    return _STYLE.replace("FONT_STACK", _font_stack(lang))


_STYLE = """
:root { --ink: #1b2733; --muted: #52606d; --line: #e3e8ee; --accent: #0b3c6e;
  --accent-soft: #e8f0f8; --paper: #ffffff; --ground: #f4f6f9; --warn: #8a5a00;
  --warn-soft: #fff6e0; }
* { box-sizing: border-box; }
html { font-family: FONT_STACK; color: var(--ink); background: var(--ground);
  -webkit-text-size-adjust: 100%; }
body { margin: 0; font-size: 16px; line-height: 1.55; }
h1, h2 { line-height: 1.25; text-wrap: balance; }
.masthead { background: var(--accent); color: #fff; padding: 36px 0 22px; }
.masthead .inner, main, .colophon { max-width: 1240px; margin: 0 auto; padding: 0 28px; }
.masthead h1 { margin: 0 0 6px; font-size: 32px; font-weight: 700; letter-spacing: 0.01em; }
.masthead .lead { margin: 0 0 18px; font-size: 17px; opacity: 0.9; }
.toc { display: flex; flex-wrap: wrap; gap: 8px; }
.toc a { color: #fff; text-decoration: none; font-size: 14px; padding: 4px 12px;
  border: 1px solid rgba(255,255,255,0.45); border-radius: 999px; white-space: nowrap; }
.toc a:hover { background: rgba(255,255,255,0.15); }
main { padding-top: 24px; padding-bottom: 8px; }
.section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 22px 26px 24px; margin: 0 0 22px; }
.section h2 { margin: 0 0 10px; font-size: 23px; color: var(--accent);
  padding-bottom: 8px; border-bottom: 2px solid var(--accent-soft); }
.reading { font-size: 18px; margin: 0 0 14px; max-width: 72em; }
.note { color: var(--muted); font-size: 14.5px; margin: 10px 0; }
.unavailable { background: var(--warn-soft); color: var(--warn); border-left: 4px solid #e0a100;
  padding: 12px 16px; border-radius: 4px; margin: 4px 0; }
.cards { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr));
  margin: 6px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
  background: #fbfcfd; min-width: 0; display: grid; grid-row: span 3;
  grid-template-rows: subgrid; row-gap: 2px; }
.card .label { font-size: 14px; color: var(--muted); align-self: end; }
.nowrap { white-space: nowrap; }
.card .value { font-size: 27px; font-weight: 650; font-variant-numeric: tabular-nums;
  line-height: 1.25; margin: 2px 0; overflow-wrap: anywhere; }
.card .sub { font-size: 13.5px; color: var(--muted); }
.card.wide { grid-column: 1 / -1; }
.kpis .card .value { white-space: nowrap; }
.split { display: grid; grid-template-columns: minmax(0, 2.1fr) minmax(230px, 1fr); gap: 18px;
  align-items: start; }
.pair { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); gap: 22px;
  align-items: start; }
.pair table.data th, .pair table.data td { padding: 8px 9px; }
.pair .chart { margin-top: 0; }
.stats { display: grid; gap: 10px; grid-template-columns: 1fr 1fr; align-content: start; }
.stats .card .value { font-size: 22px; }
.chart { margin: 10px 0 0; min-width: 0; break-inside: avoid; page-break-inside: avoid; }
.table-wrap { overflow-x: auto; margin: 8px 0 6px; }
table.data { border-collapse: collapse; width: 100%; font-size: 15px; }
table.data th, table.data td { padding: 8px 12px; border-bottom: 1px solid var(--line);
  text-align: left; vertical-align: top; }
table.data th { font-weight: 600; color: var(--muted); font-size: 13.5px;
  border-bottom: 2px solid #c9d3dd; background: #f7f9fb; vertical-align: bottom; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td.num { white-space: nowrap; }
table.data tbody tr:nth-child(even) td { background: #fbfcfd; }
table.data tr.total td { font-weight: 650; border-top: 2px solid #c9d3dd; background: #f7f9fb; }
table.settings { max-width: 820px; }
table.clusters td:first-child, table.risk td:nth-child(n+6) { white-space: nowrap; }
table.settings td:first-child { color: var(--muted); width: 38%; }
.settings-json { margin-top: 12px; font-size: 14px; color: var(--muted); }
.settings-json pre { background: #f7f9fb; border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 12px; overflow-x: auto; font-size: 12.5px; color: var(--ink); }
.colophon { color: var(--muted); font-size: 13.5px; padding-bottom: 36px; }
@media (max-width: 900px) {
  .split, .pair { grid-template-columns: 1fr; }
  .stats { grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html, body { background: #fff; font-size: 12.5px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .masthead { padding: 16px 0 12px; }
  .masthead .inner { max-width: none; padding: 0 16px; }
  main, .colophon { max-width: none; padding: 0; }
  .cards.kpis { grid-template-columns: repeat(5, 1fr); }
  .card .value, .stats .card .value { font-size: 19px; }
  .toc { display: none; }
  .section { border: none; padding: 0; margin: 0 0 18px; }
  .split, .pair { grid-template-columns: 1fr; }
  .stats { grid-template-columns: repeat(4, 1fr); }
  .table-wrap { overflow: visible; }
  table.data tr, .card { break-inside: avoid; page-break-inside: avoid; }
  table.data { font-size: 11.5px; }
  table.data th, table.data td { padding: 5px 7px; }
  table.risk td:nth-child(n+6) { white-space: normal; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .settings-json { display: none; }
}
"""
