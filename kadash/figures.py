"""Plotly figures. Each builder takes data and a translator and returns a ``go.Figure``.

Figures are drawn for a projector as much as for a laptop: large fonts, few colours, labels on
the marks rather than in a legend where possible. Every text on a figure comes through the
translator.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kadash.i18n import Translator, escape_html

__all__ = ["TIER_COLORS", "pareto_figure", "tier_color", "tier_share_figure"]

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
