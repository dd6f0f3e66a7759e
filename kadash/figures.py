"""Plotly figures. Each builder takes data and a translator and returns a ``go.Figure``.

Figures are drawn for a projector as much as for a laptop: large fonts, few colours, labels on
the marks rather than in a legend where possible. Every text on a figure comes through the
translator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from kadash.exact import MONEY_SCALE
from kadash.i18n import Translator, escape_html
from kadash.profitability import ProfitSummary, QuadrantSplits

if TYPE_CHECKING:  # scikit-learn is imported only where clusters are fitted
    from kadash.clusters import ClusterFit, Comparison
    from kadash.periods import Migration

__all__ = [
    "QUADRANT_COLORS",
    "TIER_COLORS",
    "account_figure",
    "cluster_color",
    "cluster_scatter_figure",
    "crosstab_figure",
    "elbow_figure",
    "migration_sankey",
    "pareto_figure",
    "pca_figure",
    "quadrant_figure",
    "scenario_figure",
    "tier_color",
    "tier_share_figure",
    "trend_figure",
    "whale_figure",
]

#: Tier colours, top tier first; the last tier of any scheme is drawn in grey.
TIER_COLORS: tuple[str, ...] = ("#0b3c6e", "#1f77b4", "#5aa9e6", "#9ccbf0", "#c9e2f7")
_LAST_TIER = "#b4bcc6"
_INK = "#1b2733"
_GRID = "#e3e8ee"
_FONT = dict(family="Noto Sans, Noto Sans CJK SC, Segoe UI, Helvetica, Arial, sans-serif")


def tier_color(index: int, count: int) -> str:
    """Colour of tier ``index`` (0 = top) in a scheme of ``count`` tiers."""
    return _LAST_TIER if index == count - 1 else TIER_COLORS[min(index, len(TIER_COLORS) - 1)]


def _layout(fig: go.Figure, *, title: str, height: int = 460) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=18, color=_INK)),
        template="plotly_white",
        font=dict(size=14, color=_INK, **_FONT),
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        # Below the plot: a legend of four or five tiers wraps, and at the top it would run
        # into the title.
        legend=dict(orientation="h", yanchor="top", y=-0.16, xanchor="left", x=0),
        hoverlabel=dict(font_size=14),
    )
    fig.update_xaxes(gridcolor=_GRID, zeroline=False)
    fig.update_yaxes(gridcolor=_GRID, zeroline=False)
    return fig


# -- axes of amounts and counts --------------------------------------------------------------
def _nice_ticks(low: float, high: float, target: int = 6) -> list[float]:
    """Round tick values from at or below ``low`` to at or above ``high``: steps of 1, 2 or 5
    times a power of ten, the smallest that makes at most ``target`` steps of the range."""
    if not high - low > 1e-9 * max(abs(low), abs(high)):  # one value: a range around it
        spread = abs(high) / 2 or 1.0
        low, high = low - spread, high + spread
    raw = (high - low) / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    digits = max(0, -math.floor(math.log10(step)))  # digits past the step's own: float noise
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    first -= round(first * step, digits) > low  # the tolerance for noise let an end through
    last += round(last * step, digits) < high
    return [float(round(k * step, digits)) or 0.0 for k in range(first, last + 1)]


def _log_ticks(low: float, high: float) -> list[float]:
    """Tick values for a log axis over ``low`` … ``high`` (both > 0): the powers of ten, or 1, 2
    and 5 times each where that leaves fewer than three in the range, with one tick past each
    end. A range too narrow for three of those gets even steps instead."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    for multiples in ((1,), (1, 2, 5)):
        ladder = [
            float(round(m * 10.0**e, max(0, -e))) for e in range(first, last + 1) for m in multiples
        ]
        inside = [v for v in ladder if low <= v <= high]
        if len(inside) >= 3:
            below, above = [v for v in ladder if v < low][-1:], [v for v in ladder if v > high][:1]
            return below + inside + above
    return [v for v in _nice_ticks(low, high) if v > 0]


def _tick_text(t: Translator, value: float, factor: float, key: str) -> str:
    """``value`` in the unit ``factor`` (``key`` in the catalogue; 1 and "" for none), with as
    few decimals as it needs (0.5億, 1億, 1.25億)."""
    x = value / factor
    decimals = next((d for d in range(5) if abs(round(x, d) - x) <= 1e-9 * max(1.0, abs(x))), 4)
    text = t.number(round(x, decimals) or 0.0, decimals)  # or 0.0: no "-0"
    return t(key, x=text) if key and x else text


def _short_ticks(t: Translator, low: float, high: float, *, log: bool = False) -> tuple[list, list]:
    """Tick values over ``low`` … ``high`` and their texts in this language's short units
    (``500萬``, ``1,000萬`` …). A linear axis writes every tick in one unit, the largest its
    biggest tick reaches (0, 0.5億, 1億, 1.5億); a log axis spans several, so each tick takes
    its own (1,000, 1萬, 10萬, 100萬)."""
    values = _log_ticks(low, high) if log else _nice_ticks(low, high)
    if log:
        return values, [_tick_text(t, v, *_unit_of(t, v)) for v in values]
    shared = _unit_of(t, max(abs(v) for v in values))
    return values, [_tick_text(t, v, *shared) for v in values]


def _unit_of(t: Translator, value: float) -> tuple[float, str]:
    """The largest short unit ``value`` reaches, as ``(factor, catalogue key)``; ``(1, "")``
    below the smallest."""
    return next(((f, k) for f, k, _ in t.number_units if abs(value) >= f), (1.0, ""))


def _short_axis(
    fig: go.Figure,
    t: Translator,
    axis: str,
    low: float,
    high: float,
    *,
    log: bool = False,
    **where: object,
) -> None:
    """Label an axis of amounts (currency units) or counts in this language's short units.

    English keeps plotly's own ticks (they follow zooming) with the suffixes k, M and B;
    ``exponentformat="B"`` because d3's SI format (``tickformat="~s"``) writes G for
    billions. Chinese counts in 萬 and 億 (万, 亿), which plotly cannot write, so the ticks are
    computed here from the data range ``low`` … ``high`` (every value the axis must show,
    0 included where the plot starts at 0) and given as values and texts. ``where`` selects
    the subplot (``row=1, col=1``).
    """
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    if t.number_style == "western" or not (math.isfinite(low) and math.isfinite(high)):
        update(exponentformat="B", **where)
        return
    if log and not low > 0:
        raise ValueError(f"A log axis needs values above 0; the lowest is {low}.")
    values, texts = _short_ticks(t, low, high, log=log)
    update(tickmode="array", tickvals=values, ticktext=texts, **where)


def pareto_figure(
    curve: pd.DataFrame,
    *,
    t: Translator,
    basis: str,
    marks: Sequence[tuple[float, float, str]] = (),
    tier_of_rank: np.ndarray | None = None,
    tier_names: Sequence[str] = (),
) -> go.Figure:
    """The Pareto curve: cumulative share of value against share of customers.

    Parameters
    ----------
    curve
        Points from :func:`kadash.concentration.pareto_curve` (``k``, ``x``, ``y``).
    t
        Translator.
    basis
        ``"revenue"`` or ``"profit"`` (names the axis).
    marks
        Readouts as ``(x, y, label)``: points on the curve (share of customers, cumulative
        share), each with guide lines to the axes and a label.
    tier_of_rank
        Tier index of each ranked customer; when given, the area under the curve is coloured
        by tier and ``tier_names`` label the legend.
    """
    value = t(f"measure.{basis}")
    fig = go.Figure()
    hover = t("pareto.hover", value=value) + "<extra></extra>"
    custom = np.column_stack([curve["k"].to_numpy()])
    if tier_of_rank is not None and len(tier_of_rank) and tier_names:
        count = len(tier_names)
        # Point k closes the step of the customer ranked k; point 0 belongs to the top tier.
        ks = curve["k"].to_numpy()
        point_tier = np.asarray(tier_of_rank)[np.clip(ks - 1, 0, None)]
        for i, name in enumerate(tier_names):
            members = np.flatnonzero(point_tier == i)
            if not len(members):
                continue
            # Start one point earlier so the segments join without a gap.
            idx = np.arange(max(members[0] - 1, 0), members[-1] + 1)
            seg = curve.iloc[idx]
            fig.add_trace(
                go.Scatter(
                    x=seg["x"],
                    y=seg["y"],
                    customdata=custom[idx],
                    mode="lines",
                    line=dict(color=tier_color(i, count), width=3),
                    fill="tozeroy",
                    fillcolor=tier_color(i, count),
                    opacity=0.9,
                    name=escape_html(name),  # tier names can come from a link
                    hovertemplate=f"<b>%{{fullData.name}}</b><br>{hover}",
                )
            )
    else:
        fig.add_trace(
            go.Scatter(
                x=curve["x"],
                y=curve["y"],
                customdata=custom,
                mode="lines",
                line=dict(color=TIER_COLORS[0], width=3),
                fill="tozeroy",
                fillcolor="rgba(31,119,180,0.12)",
                name=t("pareto.curve", value=value),
                hovertemplate=hover,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line=dict(color="#8a96a3", dash="dot", width=1.5),
            name=t("pareto.equality"),
            hoverinfo="skip",
        )
    )
    # Labels stack in the empty area under the curve, the highest point's label on top, so
    # their leader lines never cross.
    for i, (x, y, text) in enumerate(sorted(marks, key=lambda m: -m[1])):
        _mark(fig, x, y, text, label_at=(0.72, 0.36 - 0.14 * i))
    ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
    fig.update_xaxes(
        title=t("pareto.x", value=value), tickformat=".0%", range=[0, 1.03], tickvals=ticks
    )
    fig.update_yaxes(title=t("pareto.y", value=value), tickformat=".0%", rangemode="tozero")
    return _layout(fig, title=t("pareto.title", value=value), height=500)


def _mark(fig: go.Figure, x: float, y: float, text: str, *, label_at: tuple[float, float]) -> None:
    """A readout: guide lines to both axes, a dot, and a label at ``label_at`` (data
    coordinates, inside the plot) with a leader line to the dot."""
    fig.add_trace(
        go.Scatter(
            x=[x],
            y=[y],
            mode="markers",
            marker=dict(color=_INK, size=9),
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=y, line=dict(color=_INK, dash="dash", width=1))
    fig.add_shape(type="line", x0=0, x1=x, y0=y, y1=y, line=dict(color=_INK, dash="dash", width=1))
    fig.add_annotation(
        x=x,
        y=y,
        text=text,
        showarrow=True,
        arrowhead=0,
        arrowcolor=_INK,
        axref="x",
        ayref="y",
        ax=label_at[0],
        ay=label_at[1],
        bgcolor="rgba(255,255,255,0.9)",
        bordercolor=_INK,
        borderwidth=1,
        font=dict(size=14),
        align="left",
    )


def tier_share_figure(summary: pd.DataFrame, *, t: Translator, has_profit: bool) -> go.Figure:
    """Each tier's share of customers beside its share of revenue (and of gross profit).

    Parameters
    ----------
    summary
        Output of :func:`kadash.tiers.summarize_tiers`.
    """
    # Measure colours stay clear of the tier blues and greys used in the Pareto chart beside it.
    measures = [
        ("customer_share", t("tiers.share_customers"), "#8c6bb1"),
        ("revenue_share", t("tiers.share_revenue"), "#e07b39"),
    ]
    if has_profit:
        measures.append(("profit_share", t("tiers.share_profit"), "#2a9d8f"))
    fig = go.Figure()
    # Horizontal bars, top tier at the top: the percentage labels have room at the bar ends
    # whatever the number of tiers. On the reversed axis each group reads top-down in the
    # order customers, revenue, profit.
    low, high = 0.0, 0.0
    for column, label, color in measures:
        shares = summary[column].to_numpy(dtype=float)
        low = min(low, float(np.nanmin(shares, initial=0.0)))
        high = max(high, float(np.nanmax(shares, initial=0.0)))
        fig.add_trace(
            go.Bar(
                y=[escape_html(name) for name in summary["name"]],
                x=shares,
                orientation="h",
                name=label,
                marker_color=color,
                text=[t.percent(s, 0) for s in shares],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{y}}<br>{label}: %{{x:.1%}}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        bargap=0.3,
        bargroupgap=0.05,
        uniformtext=dict(minsize=12, mode="show"),
    )
    _layout(fig, title=t("tiers.share_title"), height=500)
    # Room at both ends for the labels of the longest bars (a loss-making tier goes left).
    span = (high - low) or 1.0
    fig.update_xaxes(
        title=t("tiers.share_axis"),
        tickformat=".0%",
        range=[low - 0.15 * span if low < 0 else 0, high + 0.15 * span],
        zeroline=True,
        zerolinecolor="#8a96a3",
    )
    fig.update_yaxes(title=None, type="category", autorange="reversed")
    return fig


# -- profitability --------------------------------------------------------------------------
_LOSS = "#c62828"
_LOSS_FILL = "rgba(198,40,40,0.08)"
#: Quadrant colours (ids of :data:`kadash.profitability.QUADRANTS`); loss-makers are drawn red
#: over them.
QUADRANT_COLORS: dict[str, str] = {
    "large_profitable": "#0b3c6e",
    "large_thin": "#e07b39",
    "small_profitable": "#5aa9e6",
    "small_thin": "#8a96a3",
}


def _who(label: object, customer_id: object) -> str:
    """A customer for a hover label: name and id (escaped: both come from the file)."""
    label, customer_id = str(label), str(customer_id)
    return escape_html(label if label == customer_id else f"{label} ({customer_id})")


def whale_figure(curve: pd.DataFrame, summary: ProfitSummary, *, t: Translator) -> go.Figure:
    """The whale curve: cumulative gross profit over customers, most profitable first.

    Shares of the net total when it is positive (the curve rises above 100 % and falls back
    through the loss-makers to 100 %), amounts otherwise.

    Parameters
    ----------
    curve
        Points from :func:`kadash.profitability.whale_curve`.
    summary
        :func:`kadash.profitability.profit_summary` of the same customers.
    t
        Translator.
    """
    as_share = summary.net_total > 0
    y = curve["share"] if as_share else curve["cum_profit"] / MONEY_SCALE
    end = 1.0 if as_share else summary.net_total / MONEY_SCALE
    peak_y = summary.peak_share if as_share else summary.peak / MONEY_SCALE
    together = [
        t.percent(s) if as_share else t.money_short(c)
        for s, c in zip(curve["share"], curve["cum_profit"], strict=True)
    ]
    who = [
        "–",
        *(_who(n, i) for n, i in zip(curve["label"][1:], curve["customer_id"][1:], strict=True)),
    ]
    custom = np.column_stack([curve["rank"], who, [t.money(p) for p in curve["profit"]], together])
    net = t.money_short(summary.net_total)
    hover = t("whale.hover" if as_share else "whale.hover_amount", net=net) + "<extra></extra>"
    fig = go.Figure()
    n, m = summary.customers, summary.loss_makers
    # Up to the last customer who does not lose money in green; the fall back through the
    # loss-makers in red (the segments share the point where they meet).
    ranks = curve["rank"].to_numpy()
    parts = [(ranks <= n - m, "whale.curve", "#2a7a4b", "rgba(42,122,75,0.12)")]
    if m:
        parts.append((ranks >= n - m, "whale.curve_loss", _LOSS, _LOSS_FILL))
    for pick, key, color, fill in parts:
        fig.add_trace(
            go.Scatter(
                x=curve["x"][pick],
                y=y[pick],
                customdata=custom[pick],
                mode="lines",
                line=dict(color=color, width=3),
                fill="tozeroy",
                fillcolor=fill,
                name=t(key),
                hovertemplate=hover,
            )
        )
    fig.add_hline(y=end, line=dict(color="#8a96a3", dash="dot", width=1.5))
    fig.add_annotation(
        x=0.02,
        y=end,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        text=t("whale.net_line" if as_share else "whale.net_line_amount", net=net),
        font=dict(size=13, color="#5b6773"),
    )
    # Labels go at fixed heights between the lowest and highest point of the curve.
    top, low = max(peak_y or 0.0, end, 0.0), min(end, 0.0)
    span = top - low
    if summary.peak_rank:
        peak = t.percent(peak_y) if as_share else t.money_short(summary.peak)
        label = t.plural("whale.mark_peak", summary.peak_rank, k=t.number(summary.peak_rank),
                         peak=peak)  # fmt: skip
        # A dot and a drop line only: a guide to the y axis would run along the 100 % line.
        x = summary.peak_rank / n
        fig.add_trace(go.Scatter(x=[x], y=[peak_y], mode="markers", hoverinfo="skip",
                                 marker=dict(color=_INK, size=9), showlegend=False))  # fmt: skip
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=peak_y,
                      line=dict(color=_INK, dash="dash", width=1))  # fmt: skip
        fig.add_annotation(x=x, y=peak_y, text=label, showarrow=True, arrowhead=0,
                           arrowcolor=_INK, axref="x", ayref="y", ax=min(max(x * 0.55, 0.3), 0.45),
                           ay=low + 0.55 * span, bgcolor="rgba(255,255,255,0.9)", bordercolor=_INK,
                           borderwidth=1, font=dict(size=14), align="left")  # fmt: skip
    if m:
        given = t.percent(summary.loss_share) if as_share else t.money_short(-summary.loss_total)
        fig.add_annotation(
            x=1,
            y=end,
            text=t.plural("whale.mark_loss", m, m=t.number(m), loss=given),
            showarrow=True,
            arrowhead=0,
            arrowcolor=_LOSS,
            axref="x",
            ayref="y",
            ax=0.8,
            ay=0.35 * end if as_share else low + 0.4 * span,
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor=_LOSS,
            borderwidth=1,
            font=dict(size=14, color=_LOSS),
            align="left",
        )
    ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
    fig.update_xaxes(title=t("whale.x"), tickformat=".0%", range=[0, 1.03], tickvals=ticks)
    if as_share:
        fig.update_yaxes(title=t("whale.y"), tickformat=".0%", range=[0, top * 1.1 or 1])
    else:
        fig.update_yaxes(title=t("whale.y_amount"))
        amounts = y.to_numpy(dtype=np.float64)
        lowest, highest = min(low, float(amounts.min(initial=0))), max(top, amounts.max(initial=0))
        _short_axis(fig, t, "y", lowest, float(highest))
    # A legend, as the Pareto curve drawn beside it has: the two plots then line up.
    fig.update_layout(showlegend=True)
    return _layout(fig, title=t("whale.title"), height=500)


def _thin_customers(frame: pd.DataFrame, max_points: int) -> pd.DataFrame:
    """At most ``max_points`` customers to draw: the costliest loss-makers and the largest by
    revenue (a quarter of the points each, at most), then an even spread of the rest by
    revenue."""
    if len(frame) <= max_points:
        return frame
    by_revenue = frame.sort_values("revenue", ascending=False, kind="stable")
    losing = frame[frame["profit"] < 0].nsmallest(max_points // 4, "profit").index
    chosen = losing.union(by_revenue.index[: max_points // 4])
    rest = by_revenue.index.difference(chosen, sort=False)
    room = max_points - len(chosen)
    spread = rest[np.linspace(0, len(rest) - 1, room, dtype=np.int64)] if room > 0 else rest[:0]
    return frame.loc[chosen.union(spread)]


def quadrant_figure(
    assigned: pd.DataFrame,
    splits: QuadrantSplits,
    *,
    t: Translator,
    max_points: int = 4000,
) -> go.Figure:
    """Revenue × gross margin per customer, split in four quadrants; loss-makers in red.

    Customers with revenue ≤ 0 have no margin and are not drawn (a note says how many);
    margins beyond ±100 % are drawn at the edge as triangles (the hover shows the true value).
    Revenue is on a log axis when it spans two orders of magnitude or more.

    Parameters
    ----------
    assigned
        Output of :func:`kadash.profitability.assign_quadrants`.
    splits
        The splits it was assigned with (drawn as lines).
    max_points
        At most this many customers are drawn (see :func:`_thin_customers`); a note says so.
    """
    drawn = assigned[assigned["revenue"].to_numpy() > 0]
    shown = _thin_customers(drawn, max_points)
    revenue = shown["revenue"].to_numpy(dtype=np.float64) / MONEY_SCALE
    margin = shown["margin"].to_numpy(dtype=np.float64)
    low, high = (float(revenue.min()), float(revenue.max())) if len(revenue) else (1.0, 1.0)
    split_x = splits.revenue / MONEY_SCALE
    log = low > 0 and high / low >= 100 and split_x > 0
    y = np.clip(margin, -1, 1)
    symbol = np.where(margin < -1, "triangle-down", np.where(margin > 1, "triangle-up", "circle"))
    custom = np.column_stack(
        [
            [_who(n, i) for n, i in zip(shown["label"], shown["customer_id"], strict=True)],
            [t.money(v) for v in shown["revenue"]],
            [t.money(v) for v in shown["profit"]],
            [t.percent(v) for v in margin],
        ]
    )
    hover = t(
        "quadrant.hover",
        revenue=t("col.revenue"),
        profit=t("col.profit"),
        margin=t("quadrant.margin"),
    )
    fig = go.Figure()
    losing = shown["profit"].to_numpy() < 0
    quadrant = shown["quadrant"].to_numpy()
    counts = assigned["quadrant"].value_counts()
    for q, color in QUADRANT_COLORS.items():
        pick = (quadrant == q) & ~losing
        fig.add_trace(_dots(revenue, y, custom, symbol, pick, t(f"quadrant.{q}"), color, hover))
    m = int((assigned["profit"].to_numpy() < 0).sum())
    name = t.plural("quadrant.loss_makers", m, m=t.number(m))
    fig.add_trace(_dots(revenue, y, custom, symbol, losing, name, _LOSS, hover, size=9))
    # The split lines as traces, not shapes: shapes and annotations take log10 positions on a
    # log axis, traces take data values on any axis.
    x_ends = [low / 2, high * 2] if log else [min(low, 0), high * 1.05]
    y_ends = [min(float(y.min(initial=0)), 0) - 0.05, max(float(y.max(initial=0)), 0) + 0.05]
    margin_split = float(splits.margin)
    for xs, ys in (([split_x] * 2, y_ends), (x_ends, [margin_split] * 2)):
        line = dict(color=_INK, dash="dash", width=1.5)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=line, hoverinfo="skip",
                                 showlegend=False))  # fmt: skip
    to_x = np.log10 if log else (lambda v: v)
    fig.add_annotation(
        x=float(to_x(split_x)),
        y=1,
        yref="y domain",
        yanchor="bottom",
        xanchor="left",
        showarrow=False,
        text=t("quadrant.revenue_line", amount=t.money_short(splits.revenue)),
        font=dict(size=13),
        bgcolor="rgba(255,255,255,0.8)",
    )
    fig.add_annotation(
        x=1,
        xref="x domain",
        y=margin_split,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        text=t("quadrant.margin_line", margin=t.percent(margin_split)),
        font=dict(size=13),
        bgcolor="rgba(255,255,255,0.8)",
    )
    corners = {"large_profitable": (1, 1), "large_thin": (1, 0),
               "small_profitable": (0, 1), "small_thin": (0, 0)}  # fmt: skip
    for q, (cx, cy) in corners.items():
        n = int(counts.get(q, 0))
        fig.add_annotation(
            x=cx,
            y=cy,
            xref="x domain",
            yref="y domain",
            xanchor="right" if cx else "left",
            yanchor="top" if cy else "bottom",
            showarrow=False,
            text=f"<b>{t(f'quadrant.{q}')}</b><br>{t.plural('quadrant.count', n, n=t.number(n))}",
            font=dict(size=13, color=QUADRANT_COLORS[q]),
            bgcolor="rgba(255,255,255,0.85)",
            align="right" if cx else "left",
        )
    notes = []
    if len(shown) < len(drawn):
        notes.append(t("quadrant.thinned", shown=t.number(len(shown)), n=t.number(len(drawn))))
    if hidden := len(assigned) - len(drawn):
        notes.append(t.plural("quadrant.not_drawn", hidden, n=t.number(hidden)))
    _layout(fig, title=t("quadrant.title"), height=600)
    if notes:  # under the title, clear of the split labels
        subtitle = dict(text=" · ".join(notes), font=dict(size=13, color="#5b6773"))
        fig.update_layout(title_subtitle=subtitle, margin=dict(t=110))
    fig.update_xaxes(
        title=t("quadrant.x_log" if log else "quadrant.x"), type="log" if log else "linear"
    )
    _short_axis(fig, t, "x", *x_ends, log=log)
    fig.update_yaxes(title=t("quadrant.y"), tickformat=".0%", range=y_ends)
    return fig


def _dots(
    x: np.ndarray,
    y: np.ndarray,
    custom: np.ndarray,
    symbol: np.ndarray,
    pick: np.ndarray,
    name: str,
    color: str,
    hover: str,
    size: int = 7,
) -> go.Scatter:
    return go.Scatter(
        x=x[pick],
        y=y[pick],
        customdata=custom[pick],
        mode="markers",
        marker=dict(color=color, size=size, opacity=0.75, symbol=symbol[pick],
                    line=dict(width=0.5, color="white")),
        name=name,
        hovertemplate=hover + "<extra></extra>",
    )  # fmt: skip


# -- clusters -------------------------------------------------------------------------------
#: Features shown as amounts of money (currency units) and as shares, for hover labels.
_MONEY_FEATURES = ("monetary", "aov", "profit")
_SHARE_FEATURES = ("margin",)
_SUGGESTED = "#e07b39"


def cluster_color(index: int, count: int) -> str:
    """Colour of cluster ``index`` (0 = most valuable) of ``count``: the tier colours while
    they last, then an even ramp from the darkest to the lightest tier blue; the last cluster
    is grey, as the last tier is."""
    if count <= len(TIER_COLORS) + 1:
        return tier_color(index, count)
    if index == count - 1:
        return _LAST_TIER
    scale = [[0.0, TIER_COLORS[0]], [1.0, TIER_COLORS[-1]]]
    return sample_colorscale(scale, [index / (count - 2)])[0]


def _feature_text(t: Translator, feature: str, values: np.ndarray) -> list[str]:
    if feature in _SHARE_FEATURES:
        return [t.percent(float(v)) for v in values]
    decimals = 0 if feature in _MONEY_FEATURES or np.all(values == np.round(values)) else 1
    return [t.number(float(v), decimals) for v in values]


def _thin_clusters(labels: np.ndarray, value: np.ndarray, max_points: int) -> np.ndarray:
    """Positions of at most ``max_points`` points to draw, the same on every call: each cluster
    keeps a floor of points (all of a small one), the rest of the room is shared in proportion
    to size, and each cluster's points are an even spread of its members by ``value``."""
    n = len(labels)
    if n <= max_points:
        return np.arange(n)
    k = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=k)
    quota = np.minimum(sizes, max_points // (4 * k))
    rest = sizes - quota
    quota += (rest * (max_points - quota.sum())) // max(rest.sum(), 1)
    picked = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        members = members[np.argsort(value[members], kind="stable")]
        if quota[c]:
            picked.append(members[np.linspace(0, len(members) - 1, quota[c]).astype(np.int64)])
    return np.sort(np.concatenate(picked)) if picked else np.arange(0)


def _customer_texts(
    index: pd.Index, features: pd.DataFrame, customers: pd.DataFrame | None
) -> np.ndarray:
    """``name (id)`` per row of ``index`` (escaped: both come from the file)."""
    ids = features.loc[index, "customer_id"].to_numpy()
    if customers is None or "label" not in customers.columns:
        return np.array([escape_html(str(i)) for i in ids], dtype=object)
    names = customers.loc[index, "label"].to_numpy()
    return np.array([_who(n, i) for n, i in zip(names, ids, strict=True)], dtype=object)


def _cluster_points(
    fig: go.Figure,
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    custom: np.ndarray,
    names: Sequence[str],
    hover: str,
) -> None:
    """One trace per cluster, the least valuable drawn first so the few valuable customers lie
    on top; the legend still reads from cluster 1."""
    k = len(names)
    for c in reversed(range(k)):
        pick = labels == c
        fig.add_trace(
            go.Scatter(
                x=x[pick],
                y=y[pick],
                customdata=custom[pick],
                mode="markers",
                marker=dict(
                    color=cluster_color(c, k),
                    size=7,
                    opacity=0.8,
                    line=dict(width=0.5, color="rgba(27,39,51,0.35)"),
                ),
                name=escape_html(names[c]),
                legendrank=c + 1,
                hovertemplate=hover + "<extra>%{fullData.name}</extra>",
            )
        )


def cluster_scatter_figure(
    features: pd.DataFrame,
    fit: ClusterFit,
    names: Sequence[str],
    *,
    t: Translator,
    x: str = "frequency",
    y: str = "monetary",
    customers: pd.DataFrame | None = None,
    max_points: int = 5000,
) -> go.Figure:
    """Two features of the clustered customers against each other, coloured by cluster.

    Parameters
    ----------
    features
        :func:`kadash.clusters.customer_features` (original units) the fit was made on.
    fit
        The clustering (:func:`kadash.clusters.fit_clusters`).
    names
        Display name of each cluster, cluster 1 first.
    x, y
        Feature columns for the axes; an axis is logarithmic when every value drawn on it is
        above 0 (customers' values are skewed), linear otherwise.
    customers
        The customer table on the same index (``label`` names the customer in the hover).
    max_points
        At most about this many customers are drawn (:func:`_thin_clusters`); a note says so.
    """
    kept = features.loc[fit.kept]
    pick = _thin_clusters(fit.labels, kept["monetary"].to_numpy(), max_points)
    shown = kept.iloc[pick]
    xs, ys = shown[x].to_numpy(dtype=np.float64), shown[y].to_numpy(dtype=np.float64)
    custom = np.column_stack(
        [
            _customer_texts(shown.index, features, customers),
            _feature_text(t, x, xs),
            _feature_text(t, y, ys),
        ]
    )
    x_title, y_title = t(f"clusters.feature.{x}"), t(f"clusters.feature.{y}")
    hover = t("clusters.hover_point", x=x_title, y=y_title)
    fig = go.Figure()
    _cluster_points(fig, xs, ys, fit.labels[pick], custom, names, hover)
    short = {axis: t(f"clusters.short.{f}") for axis, f in (("x", x), ("y", y))}
    _layout(fig, title=t("clusters.scatter_title", **short), height=560)
    if len(shown) < len(kept):
        note = t("clusters.thinned", shown=t.number(len(shown)), n=t.number(len(kept)))
        fig.update_layout(
            title_subtitle=dict(text=note, font=dict(size=13, color="#5b6773")),
            margin=dict(t=100),
        )
    for axis, values, title, update in (
        ("x", xs, x_title, fig.update_xaxes),
        ("y", ys, y_title, fig.update_yaxes),
    ):
        log = len(values) > 0 and bool(np.all(values > 0))
        share = (x if axis == "x" else y) in _SHARE_FEATURES
        update(
            title=t("clusters.log_axis", axis=title) if log else title,
            type="log" if log else "linear",
            tickformat=".0%" if share else None,
        )
        if not share and len(values):
            _short_axis(fig, t, axis, float(values.min()), float(values.max()), log=log)
    return fig


def pca_figure(
    projection: pd.DataFrame,
    fit: ClusterFit,
    names: Sequence[str],
    *,
    t: Translator,
    features: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    max_points: int = 5000,
) -> go.Figure:
    """The clustered customers on the first two principal components of all chosen features
    (scaled as the model saw them), coloured by cluster.

    Parameters
    ----------
    projection
        :func:`kadash.clusters.pca_projection` of the fit (its ``attrs["explained"]`` names
        the axes).
    features, customers
        The feature and customer tables the fit was made on, to name the customer in the
        hover (``customer_id`` and ``label``); without them the hover shows the point only.
    """
    value = (
        features.loc[projection.index, "monetary"].to_numpy()
        if features is not None
        else np.zeros(len(projection))
    )
    pick = _thin_clusters(fit.labels, value, max_points)
    shown = projection.iloc[pick]
    who = (
        _customer_texts(shown.index, features, customers)
        if features is not None
        else np.full(len(shown), "", dtype=object)
    )
    custom = np.column_stack([who])
    fig = go.Figure()
    hover = "<b>%{customdata[0]}</b>"  # the customer; the cluster is named beside it
    xs, ys = shown["pc1"].to_numpy(), shown["pc2"].to_numpy()
    _cluster_points(fig, xs, ys, fit.labels[pick], custom, names, hover)
    _layout(fig, title=t("clusters.pca_title"), height=560)
    explained = [*projection.attrs.get("explained", []), None, None]
    if len(shown) < len(projection):
        note = t("clusters.thinned", shown=t.number(len(shown)), n=t.number(len(projection)))
        fig.update_layout(
            title_subtitle=dict(text=note, font=dict(size=13, color="#5b6773")),
            margin=dict(t=100),
        )
    fig.update_xaxes(title=t("clusters.pca_axis", n=1, share=t.percent(explained[0], 0)))
    fig.update_yaxes(title=t("clusters.pca_axis", n=2, share=t.percent(explained[1], 0)))
    return fig


def elbow_figure(
    scan: pd.DataFrame, suggested: int | None, *, t: Translator, current: int | None = None
) -> go.Figure:
    """Choosing k: the elbow curve (inertia) beside the silhouette score for each k, the
    suggested k (highest silhouette) marked, and the k in use drawn as a dotted line.

    Parameters
    ----------
    scan
        :func:`kadash.clusters.scan_k` (``k``, ``inertia``, ``silhouette``).
    suggested
        :func:`kadash.clusters.suggested_k` (``None``: no mark).
    current
        The k shown on the page.
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[t("clusters.elbow_inertia"), t("clusters.elbow_silhouette")],
        horizontal_spacing=0.1,
    )
    ks = scan["k"].to_numpy()
    hover = {
        col: t("clusters.hover_k", measure=t(f"clusters.{measure}"), format=fmt) + "<extra></extra>"
        for col, measure, fmt in ((1, "inertia", ",.0f"), (2, "silhouette", ".3f"))
    }
    for col, column in ((1, "inertia"), (2, "silhouette")):
        fig.add_trace(
            go.Scatter(
                x=ks,
                y=scan[column],
                mode="lines+markers",
                line=dict(color=TIER_COLORS[1], width=3),
                marker=dict(size=8, color=TIER_COLORS[1]),
                name=t(f"clusters.elbow_{column}"),
                hovertemplate=hover[col],
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    if current is not None and current in set(ks.tolist()):
        line = dict(color=_INK, dash="dot", width=1.5)
        for col in (1, 2):
            fig.add_vline(x=current, line=line, row=1, col=col)
        # A legend entry for the line (vlines have none).
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line=line,
                name=t("clusters.current_mark", k=current),
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
    if suggested is not None and suggested in set(ks.tolist()):
        best = scan.loc[scan["k"] == suggested]
        for col, column in ((1, "inertia"), (2, "silhouette")):
            fig.add_trace(
                go.Scatter(
                    x=best["k"],
                    y=best[column],
                    mode="markers",
                    marker=dict(size=15, color=_SUGGESTED, line=dict(width=2, color="white")),
                    name=t("clusters.suggested_mark", k=suggested),
                    hovertemplate=hover[col],
                    showlegend=col == 2,
                ),
                row=1,
                col=col,
            )
    _layout(fig, title=t("clusters.elbow_title"), height=400)
    # Below the axis titles (the layout's default sits on them in a plot this low).
    fig.update_layout(showlegend=True, legend=dict(y=-0.3))
    fig.update_annotations(font=dict(size=14, color="#5b6773"))  # the panel titles
    fig.update_xaxes(title=t("clusters.k_axis"), tickmode="linear", dtick=1)
    inertia = scan["inertia"].to_numpy(dtype=np.float64)
    _short_axis(fig, t, "y", 0.0, float(np.nanmax(inertia, initial=0.0)), row=1, col=1)
    fig.update_yaxes(tickformat=".2f", row=1, col=2)
    return fig


def crosstab_figure(
    comparison: Comparison,
    tier_names: Sequence[str],
    cluster_names: Sequence[str],
    *,
    t: Translator,
) -> go.Figure:
    """Rule tiers (rows, top tier first) × clusters (columns, most valuable first): the number
    of customers written in each cell; where there are as many clusters as tiers, the cells
    where tier and cluster agree are outlined.

    Parameters
    ----------
    comparison
        :func:`kadash.clusters.compare_with_tiers`.
    tier_names, cluster_names
        Display names (escaped here: tier names can come from a link).
    """
    table = comparison.crosstab.to_numpy()
    rows = np.maximum(table.sum(axis=1, keepdims=True), 1)
    cells = [
        [
            t.plural(
                "clusters.crosstab_cell",
                int(n),
                tier=escape_html(tier),
                cluster=escape_html(cluster),
                n=t.number(int(n)),
                share=t.percent(float(n / total)),
            )
            for cluster, n in zip(cluster_names, row, strict=True)
        ]
        for tier, row, total in zip(tier_names, table, rows[:, 0], strict=True)
    ]
    # Numbered axes with the names as tick labels: two tiers may share a name.
    ys, xs = np.arange(len(tier_names)), np.arange(len(cluster_names))
    fig = go.Figure(
        go.Heatmap(
            z=table,
            x=xs,
            y=ys,
            text=[[t.number(int(v)) for v in row] for row in table],
            texttemplate="%{text}",
            textfont=dict(size=15),
            customdata=cells,
            colorscale=[[0.0, "#f4f7fa"], [0.35, TIER_COLORS[3]], [1.0, TIER_COLORS[0]]],
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    if len(tier_names) == len(cluster_names):
        for i in range(len(tier_names)):
            fig.add_shape(
                type="rect",
                x0=i - 0.5,
                x1=i + 0.5,
                y0=i - 0.5,
                y1=i + 0.5,
                line=dict(color=_SUGGESTED, width=3),
            )
    _layout(fig, title=t("clusters.crosstab_title"), height=160 + 60 * len(tier_names))
    fig.update_xaxes(
        title=t("clusters.crosstab_x"),
        tickvals=xs,
        ticktext=[escape_html(n) for n in cluster_names],
        showgrid=False,
    )
    fig.update_yaxes(
        title=t("clusters.crosstab_y"),
        tickvals=ys,
        ticktext=[escape_html(n) for n in tier_names],
        autorange="reversed",
        showgrid=False,
    )
    return fig


# -- one account ----------------------------------------------------------------------------
_PROFIT = "#2a9d8f"


def account_figure(history: pd.DataFrame, *, t: Translator, has_profit: bool) -> go.Figure:
    """One customer's revenue per month as bars (months of net returns in red), with gross
    profit as a line over them.

    Parameters
    ----------
    history
        Output of :func:`kadash.account.account_history` (``month``, ``revenue``,
        ``profit`` …; money in minor units).
    t
        Translator.
    has_profit
        Whether the data has gross profit (else only the bars are drawn).
    """
    # First days of the months as ISO text, on a date axis: the axis spaces its own ticks.
    months = (history["month"].astype(str) + "-01").tolist()
    revenue = history["revenue"].to_numpy(dtype=np.int64)
    label = t("account.chart_revenue")
    custom = np.column_stack(
        [history["month"].astype(str), [t.money(v) for v in revenue], history["orders"]]
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=months,
            y=revenue / MONEY_SCALE,
            name=label,
            marker_color=np.where(revenue < 0, _LOSS, TIER_COLORS[1]).tolist(),
            customdata=custom,
            hovertemplate=t("account.chart_hover", value=label) + "<extra></extra>",
            xperiod="M1",
            xperiodalignment="middle",
        )
    )
    if has_profit:
        profit = history["profit"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        shown = [t.money(p) if not np.isnan(p) else "–" for p in profit]
        name = t("account.chart_profit")
        fig.add_trace(
            go.Scatter(
                x=months,
                y=profit / MONEY_SCALE,
                name=name,
                mode="lines+markers",
                line=dict(color=_PROFIT, width=3),
                marker=dict(size=7),
                connectgaps=False,  # a month without profit figures stays a gap
                customdata=np.column_stack([history["month"].astype(str), shown]),
                hovertemplate=t("account.chart_profit_hover", value=name) + "<extra></extra>",
                xperiod="M1",
                xperiodalignment="middle",
            )
        )
    title = t("account.chart_title" if has_profit else "account.chart_title_revenue")
    _layout(fig, title=title, height=440)
    fig.update_layout(bargap=0.25, showlegend=True, hovermode="x unified")
    fig.update_xaxes(type="date", tickformat="%Y-%m", ticklabelmode="period", showgrid=False)
    fig.update_yaxes(title=t("account.chart_y"), zeroline=True, zerolinecolor="#8a96a3")
    amounts = [0.0, *(revenue / MONEY_SCALE)]
    if has_profit:
        amounts += [v / MONEY_SCALE for v in profit if not np.isnan(v)]
    _short_axis(fig, t, "y", min(amounts), max(amounts))
    return fig


#: Colour of each trend measure (one per panel).
_TREND_COLORS = {
    "top_share": TIER_COLORS[0],
    "customers_for_share": "#c2571a",
    "gini": "#2a7a4b",
    "hhi": "#6b4c9a",
}
#: Periods up to which every point carries its value as a label.
_TREND_LABELS_UP_TO = 16


def _trend_measure(
    trend: pd.DataFrame, measure: str, t: Translator, top: float, share: float
) -> tuple[np.ndarray, str, str, str, list[str]]:
    """A measure's points, name, axis tick format, hover format and point labels."""
    p, q = t.percent(top, 0), t.percent(share, 0)
    if measure == "top_share":
        y = trend["top_share"].to_numpy(dtype=np.float64)
        return y, t("trend.top_share", p=p), ".0%", ".1%", [t.percent(v) for v in y]
    if measure == "customers_for_share":
        y = trend["customers_for_share"].astype("Float64").to_numpy(np.float64, na_value=np.nan)
        return y, t("trend.customers_for_share", q=q), ",d", ",.0f", [t.number(v) for v in y]
    if measure == "gini":
        y = trend["gini"].to_numpy(dtype=np.float64)
        labels = ["–" if np.isnan(v) else f"{v:.3f}" for v in y]
        return y, t("trend.gini"), ".2f", ".3f", labels
    if measure == "hhi":
        y = trend["hhi"].to_numpy(dtype=np.float64) * 10_000
        return y, t("trend.hhi"), ",.0f", ",.0f", [t.number(v) for v in y]
    raise ValueError(f"Unknown trend measure {measure!r}; use top_share, customers_for_share, "
                     "gini or hhi.")  # fmt: skip


def trend_figure(
    trend: pd.DataFrame,
    *,
    t: Translator,
    measure: str | Sequence[str],
    value: str = "revenue",
    freq: str = "quarter",
    top: float = 0.2,
    share: float = 0.8,
) -> go.Figure:
    """Concentration over periods: one panel per measure, sharing the time axis.

    Whole periods are joined by a solid line with filled markers; a period the data covers only
    in part has a hollow marker, joined by a dashed segment (and named in the legend). A period
    without lines is a gap.

    Parameters
    ----------
    trend
        Output of :func:`kadash.trend.concentration_trend`.
    t
        Translator.
    measure
        One or more of ``"top_share"``, ``"customers_for_share"``, ``"gini"``, ``"hhi"`` (drawn
        in points, 0–10,000).
    value, freq
        The basis (``"revenue"`` or ``"profit"``) and period (``"month"``, ``"quarter"``,
        ``"year"``) the trend was computed on, for the title and axis.
    top, share
        The ``top`` and ``share`` the trend was computed with, for the measures' names.
    """
    measures = [measure] if isinstance(measure, str) else list(measure)
    if not measures:
        raise ValueError("Choose at least one measure to draw.")
    rows = len(measures)
    x = [t.period(p) for p in trend["period"].astype(str)]
    partial = trend["partial"].to_numpy(dtype=bool)
    # A dashed segment joins a partial period to its neighbour.
    near = partial | np.append(partial[1:], False) | np.insert(partial[:-1], 0, False)
    note = [t("trend.partial_hover") if p else "" for p in partial]
    named = [_trend_measure(trend, m, t, top, share) for m in measures]
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1 if rows > 1 else 0,
        subplot_titles=[n[1] for n in named] if rows > 1 else None,
    )
    labelled = len(x) <= _TREND_LABELS_UP_TO
    for row, (m, (y, name, tick, hover_fmt, labels)) in enumerate(
        zip(measures, named, strict=True), start=1
    ):
        color = _TREND_COLORS[m]
        hover = (
            "<b>%{x}</b>%{customdata}<br>"
            + t("trend.hover", measure=name, value=f"%{{y:{hover_fmt}}}")
            + "<extra></extra>"
        )
        whole = np.where(partial, np.nan, y)
        # A label above a point higher than its neighbours, below one lower: off the line.
        padded = np.concatenate([[np.nan], y, [np.nan]])
        around = np.stack([padded[:-2], padded[2:]])
        known = np.isfinite(around).sum(axis=0)
        total = np.where(np.isfinite(around), around, 0.0).sum(axis=0)
        middle = np.where(known > 0, total / np.maximum(known, 1), y)
        where = np.where(y < middle, "bottom center", "top center").tolist()
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.where(near, y, np.nan),
                mode="lines",
                line=dict(color=color, width=3, dash="dash"),
                hoverinfo="skip",
                showlegend=False,
                connectgaps=False,
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=whole,
                mode="lines+markers+text" if labelled else "lines+markers",
                text=[lab if not p else "" for lab, p in zip(labels, partial, strict=True)],
                textposition=where,
                textfont=dict(size=14, color=color),
                line=dict(color=color, width=3),
                marker=dict(color=color, size=10),
                name=name,
                customdata=note,
                hovertemplate=hover,
                connectgaps=False,
                cliponaxis=False,
            ),
            row=row,
            col=1,
        )
        if partial.any():
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=np.where(partial, y, np.nan),
                    mode="markers+text" if labelled else "markers",
                    text=[lab if p else "" for lab, p in zip(labels, partial, strict=True)],
                    textposition=where,
                    textfont=dict(size=13, color="#5b6773"),
                    marker=dict(symbol="circle-open", color=color, size=12, line=dict(width=2.5)),
                    name=t("trend.partial_legend"),
                    legendgroup="partial",
                    showlegend=row == 1,
                    customdata=note,
                    hovertemplate=hover,
                    cliponaxis=False,
                ),
                row=row,
                col=1,
            )
        # Room for the labels, and a span of at least 15% of the largest value: a wobble of a
        # point or two should look like one, not like a collapse.
        finite = y[np.isfinite(y)]
        top_y = float(finite.max()) if len(finite) else 1.0
        low_y = float(finite.min()) if len(finite) else 0.0
        widen = max(0.15 * abs(top_y) - (top_y - low_y), 0.0) / 2
        top_y, low_y = top_y + widen, low_y - widen
        pad = (top_y - low_y) * 0.2 or 1.0
        fig.update_yaxes(tickformat=tick, range=[low_y - pad, top_y + pad], row=row, col=1)
        if rows == 1:
            fig.update_yaxes(title=name, row=row, col=1)
    # Months: every few labels only, upright (slanted ones run into the legend).
    step = -(-len(x) // _TREND_LABELS_UP_TO)
    fig.update_xaxes(type="category", showgrid=False, tickangle=0, tickvals=x[::step])
    fig.update_xaxes(title=t(f"trend.freq.{freq}"), row=rows, col=1)
    _layout(
        fig,
        title=t(f"trend.chart_title.{freq}", value=t(f"measure.{value}")),
        height=460 if rows == 1 else 90 + 270 * rows,
    )
    fig.update_layout(showlegend=True, hovermode="closest")
    fig.update_annotations(font=dict(size=15, color=_INK), x=0, xanchor="left")
    return fig


# -- tier migration --------------------------------------------------------------------------
_NEW_COLOR = "#2a9d8f"
_LOST_COLOR = "#c62828"


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _column_y(sizes: np.ndarray, pad: float = 0.04) -> list[float]:
    """Node centres (0 = top) for one column of the Sankey, in the given order, each node as
    tall as its share of the column, ``pad`` between them. Empty nodes get a sliver."""
    share = np.maximum(sizes, 0) / max(float(np.maximum(sizes, 0).sum()), 1.0)
    room = 1.0 - pad * (len(sizes) - 1)
    out, top = [], 0.0
    for s in share:
        height = s * room
        out.append(min(max(top + height / 2, 0.001), 0.999))
        top += height + pad
    return out


def migration_sankey(
    m: Migration,
    tier_names: Sequence[str],
    *,
    t: Translator,
    first_label: str = "",
    second_label: str = "",
) -> go.Figure:
    """Customers flowing from the first period's tiers (and New) to the second's (and Lost).

    Parameters
    ----------
    m
        Output of :func:`kadash.periods.migration`.
    tier_names
        One name per tier, top tier first.
    t
        Translator.
    first_label, second_label
        The periods, written above the two columns of nodes.

    Returns
    -------
    plotly.graph_objects.Figure
        Link widths are customer counts; the hover adds the link's revenue (second period's,
        the first's for lost customers, as in :class:`~kadash.periods.Migration`).
    """
    k = m.tier_count
    if len(tier_names) != k:
        raise ValueError(f"Give one name per tier: {k} tiers, {len(tier_names)} names.")
    counts, revenue = m.counts.to_numpy(), m.revenue.to_numpy()
    names = [escape_html(n) for n in tier_names]
    colors = [tier_color(i, k) for i in range(k)]
    # Nodes 0 … k: the first period's tiers, then New; k+1 … 2k+1: the second's, then Lost.
    left = [*names, t("periods.new")]
    right = [*names, t("periods.lost")]
    left_colors, right_colors = [*colors, _NEW_COLOR], [*colors, _LOST_COLOR]
    out_sizes, in_sizes = counts.sum(axis=1), counts.sum(axis=0)
    labels = [
        t("migration.node", name=n, n=t.number(int(c)))
        for n, c in zip([*left, *right], [*out_sizes, *in_sizes], strict=True)
    ]
    source, target, value, link_colors, custom = [], [], [], [], []
    for i in range(k + 1):
        for j in range(k + 1):
            if counts[i, j] <= 0:
                continue
            source.append(i)
            target.append(k + 1 + j)
            value.append(int(counts[i, j]))
            # A link takes the colour of where it goes: a move down reads as grey or red.
            base = _NEW_COLOR if i == k else left_colors[i]
            base = _LOST_COLOR if j == k else base
            link_colors.append(_rgba(base, 0.38))
            custom.append((left[i], right[j], t.money_short(int(revenue[i, j]))))
    hover = t(
        "migration.link_hover",
        source="%{customdata[0]}",
        target="%{customdata[1]}",
        n="%{value:,}",
        revenue="%{customdata[2]}",
    )
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",d",
            node=dict(
                label=labels,
                color=[*left_colors, *right_colors],
                x=[0.001] * (k + 1) + [0.999] * (k + 1),
                y=_column_y(out_sizes) + _column_y(in_sizes),
                pad=18,
                thickness=22,
                line=dict(color="white", width=1),
                hovertemplate=t("migration.node_hover") + "<extra></extra>",
            ),
            link=dict(
                source=source,
                target=target,
                value=value,
                color=link_colors,
                customdata=custom,
                hovertemplate=hover + "<extra></extra>",
            ),
            textfont=dict(size=15, color=_INK, **_FONT),
        )
    )
    _layout(fig, title=t("migration.sankey_title"), height=560)
    fig.update_layout(margin=dict(l=10, r=10, t=90, b=10))
    for x, anchor, text in ((0, "left", first_label), (1, "right", second_label)):
        if text:
            fig.add_annotation(
                x=x,
                y=1.0,
                xref="paper",
                yref="paper",
                yanchor="bottom",
                xanchor=anchor,
                text=f"<b>{escape_html(text)}</b>",
                showarrow=False,
                font=dict(size=15, color="#52606d"),
            )
    return fig


# -- two standards side by side ----------------------------------------------------------------
def scenario_figure(
    summaries: Sequence[pd.DataFrame],
    labels: Sequence[str],
    *,
    t: Translator,
) -> go.Figure:
    """Each standard's share of revenue by tier as one horizontal 100 % stacked bar, the
    standards one above the other, each segment labelled with its tier and share.

    Parameters
    ----------
    summaries
        One tier breakdown per standard (:func:`kadash.tiers.summarize_tiers`), top tier
        first.
    labels
        The standards' names, one per summary (escaped here, as are the tier names: both can
        come from a link).
    t
        Translator.
    """
    if len(summaries) != len(labels):
        raise ValueError(f"Give one label per standard: {len(summaries)} and {len(labels)}.")
    hover = t(
        "scenarios.figure_hover",
        standard="%{customdata[0]}",
        tier="%{customdata[1]}",
        share="%{x:.1%}",
        customers="%{customdata[2]}",
        customer_share="%{customdata[3]}",
    )
    fig = go.Figure()
    # Numbered rows with the names as tick labels: the same standard may be picked twice.
    for row, (summary, label) in enumerate(zip(summaries, labels, strict=True)):
        count, standard = len(summary), escape_html(label)
        for i, tier in enumerate(summary.itertuples(index=False)):
            share = float(tier.revenue_share)
            name = escape_html(tier.name)
            light = i >= 2 or i == count - 1  # dark ink on the pale blues and the grey
            fig.add_trace(
                go.Bar(
                    y=[row],
                    x=[None if np.isnan(share) else share],
                    orientation="h",
                    name=name,
                    legendgroup=f"standard{row}",
                    legendgrouptitle_text=standard if i == 0 else None,
                    marker=dict(color=tier_color(i, count), line=dict(color="white", width=1)),
                    text=[f"{name}<br>{t.percent(share, 0)}"],
                    textposition="inside",
                    insidetextanchor="middle",
                    textfont=dict(color=_INK if light else "white"),
                    customdata=[
                        [
                            standard,
                            name,
                            t.number(int(tier.customers)),
                            t.percent(float(tier.customer_share)),
                        ]
                    ],
                    hovertemplate=hover + "<extra></extra>",
                )
            )
    rows = list(range(len(labels)))
    fig.update_layout(
        barmode="relative",  # a loss-making tier (net returns) goes left of 0
        bargap=0.35,
        uniformtext=dict(minsize=11, mode="hide"),
    )
    _layout(fig, title=t("scenarios.figure_title"), height=200 + 90 * len(labels))
    # Below the axis title: the group titles (the standards' names) can be long.
    fig.update_layout(legend=dict(groupclick="toggleitem", y=-0.32))
    fig.update_xaxes(title=t("scenarios.figure_axis"), tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(
        title=None,
        tickvals=rows,
        ticktext=[escape_html(label) for label in labels],
        autorange="reversed",
        showgrid=False,
    )
    return fig
