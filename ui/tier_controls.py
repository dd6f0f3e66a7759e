"""The Tiers page's controls: standard, number of tiers, cut-off sliders or thresholds, tier
names, and the computed ABC suggestion with its "apply" button.

Every control is seeded from the one :class:`~kadash.settings.Settings` and writes back to it
in its callback (so the URL follows); the cut-off sliders keep their exact value from a link
until moved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from kadash.computed_abc import AbcLimits, abc_tiers, computed_abc, limits_as_cutoffs
from kadash.errors import KadashError
from kadash.i18n import Translator
from kadash.settings import Settings
from kadash.tiers import (
    MAX_TIERS,
    MIN_TIERS,
    SCHEMES,
    Tiering,
    assign_tiers,
    enforce_increasing,
    suggest_thresholds,
)
from ui import state
from ui.widgets import basis_picker, show_error

__all__ = ["Suggestion", "apply_computed", "computed_suggestion", "tier_controls"]

_SLIDER = "tiers.cutoff.{}"
_THRESHOLD = "tiers.threshold.{}"
_NAME = "tiers.name.{}"
_COUNT = "tiers.count"


def _keys(pattern: str, count: int = MAX_TIERS) -> list[str]:
    return [pattern.format(i) for i in range(count)]


def _forget_widgets() -> None:
    """Drop the bound widgets' own state so they are seeded again from the settings."""
    for key in [*_keys(_SLIDER), *_keys(_THRESHOLD), *_keys(_NAME), _COUNT]:
        st.session_state.pop(key, None)


def _as_slider(cutoff: float) -> int:
    """A cut-off on the 1–100 % slider (a finer one, from a link or a file, is rounded for
    display only)."""
    return min(max(round(cutoff * 100), 1), 100)


def _on_scheme(ranked_values: np.ndarray, tiers: np.ndarray) -> None:
    scheme = st.session_state["tiers.scheme"]
    settings = state.get_settings()
    thresholds = None
    if SCHEMES[scheme].rule == "absolute" and not settings.thresholds:
        # Start from amounts that give about today's tiers.
        thresholds = suggest_thresholds(ranked_values, tiers, settings.tier_count)
    state.set_settings(settings.with_scheme(scheme, thresholds))
    _forget_widgets()


def _on_reset() -> None:
    """Back to the preset's own cut-offs (the user's tier names stay)."""
    settings = state.get_settings()
    state.set_settings(replace(settings.with_scheme(settings.scheme), names=settings.names))
    _forget_widgets()


def _on_count() -> None:
    state.set_settings(state.get_settings().with_tier_count(int(st.session_state[_COUNT])))
    st.session_state["tiers.scheme"] = state.get_settings().scheme
    _forget_widgets()


def _on_cutoff(changed: int, count: int) -> None:
    """Keep the cut-offs increasing; only the moved slider, and any it pushed, change value
    (the others keep their exact setting, e.g. 0.825 from a link)."""
    keys = _keys(_SLIDER, count)
    moved = [st.session_state[k] for k in keys]
    values = enforce_increasing(moved, changed, low=1, high=100)
    exact = list(state.get_settings().cutoffs)
    for j, (key, value) in enumerate(zip(keys, values, strict=True)):
        if value != moved[j]:
            # Only a slider pushed or clamped is set: setting one sends its value back to the
            # browser, where it would undo key presses made since (a fast run of ArrowLeft).
            st.session_state[key] = value
        if j == changed or value != moved[j]:
            exact[j] = value / 100
    try:
        state.update_settings(cutoffs=tuple(exact))
    except KadashError:  # a kept exact value collides with a moved one: all from the sliders
        state.update_settings(cutoffs=tuple(v / 100 for v in values))


def _on_threshold(count: int) -> None:
    values = tuple(float(st.session_state[k]) for k in _keys(_THRESHOLD, count))
    try:
        state.update_settings(thresholds=values)
    except KadashError as err:  # say why, and show the thresholds still in force
        st.session_state["tiers.threshold_error"] = err
        kept_now = state.get_settings().thresholds
        for key, kept in zip(_keys(_THRESHOLD, count), kept_now, strict=True):
            st.session_state[key] = float(kept)


def _on_name(count: int) -> None:
    names = tuple(st.session_state[k].strip() for k in _keys(_NAME, count))
    state.update_settings(names=names if any(names) else ())


def apply_computed(cutoffs: tuple[float, float]) -> None:
    """Take the computed ABC limits as the cut-offs of the ABC standard (three tiers: the
    user's own tier names stay)."""
    settings = state.get_settings()
    names = settings.names if settings.tier_count == 3 else ()
    state.set_settings(replace(settings.with_scheme("abc"), cutoffs=cutoffs, names=names))
    st.session_state["tiers.scheme"] = "abc"
    _forget_widgets()


def _sliders(t: Translator, settings: Settings, names: list[str]) -> None:
    rule = settings.rule
    unit = t("tiers.of_customers") if rule == "count" else t(f"measure.{settings.basis}")
    count = len(settings.cutoffs)
    for i, (col, key) in enumerate(zip(st.columns(count), _keys(_SLIDER, count), strict=True)):
        state.seed(key, _as_slider(settings.cutoffs[i]))
        col.slider(
            t.md("tiers.cutoff_label", upper=names[i], lower=names[i + 1]),
            min_value=1,
            max_value=100,
            format="%d%%",
            key=key,
            on_change=_on_cutoff,
            args=(i, count),
            help=t("tiers.cutoff_help", unit=unit),
        )
    preset = tuple(float(c) for c in SCHEMES[settings.scheme].cutoffs)
    if not preset:
        return
    shown = " / ".join(t.percent(c, 0) for c in preset)
    if settings.cutoffs == preset:
        st.caption(t("tiers.preset_cutoffs", cutoffs=shown))
    else:
        note, button = st.columns([3, 1], vertical_alignment="center")
        note.caption(t("tiers.changed_cutoffs", cutoffs=shown))
        button.button(
            t("tiers.reset_cutoffs"),
            on_click=_on_reset,
            icon=":material/restart_alt:",
        )


def _thresholds(t: Translator, settings: Settings, names: list[str]) -> None:
    count = len(settings.thresholds)
    measure = t(f"measure.{settings.basis}")
    for i, (col, key) in enumerate(zip(st.columns(count), _keys(_THRESHOLD, count), strict=True)):
        state.seed(key, float(settings.thresholds[i]))
        col.number_input(
            t.md("tiers.threshold_label", upper=names[i], lower=names[i + 1]),
            min_value=0.0,
            step=1000.0,
            format="%.2f",
            key=key,
            on_change=_on_threshold,
            args=(count,),
            help=t("tiers.threshold_help", unit=measure),
        )
    if (err := st.session_state.pop("tiers.threshold_error", None)) is not None:
        show_error(t, err)


def _names(t: Translator, settings: Settings, names: list[str]) -> None:
    with st.expander(t("tiers.names_title"), icon=":material/edit:"):
        st.caption(t("tiers.names_help"))
        count = settings.tier_count
        for i, (col, key) in enumerate(zip(st.columns(count), _keys(_NAME, count), strict=True)):
            state.seed(key, settings.names[i] if settings.names else "")
            col.text_input(
                t("tiers.name_label", id=f"t{i + 1}"),
                key=key,
                placeholder=names[i],
                max_chars=40,
                on_change=_on_name,
                args=(count,),
            )


def tier_controls(
    t: Translator,
    settings: Settings,
    names: list[str],
    has_profit: bool,
    ranked_values: np.ndarray,
    tiering: Tiering,
) -> None:
    """Draw the standard, basis, tier count, bounds and names controls."""
    scheme_col, count_col, basis_col = st.columns([1.6, 0.8, 1.2], gap="medium")
    state.seed("tiers.scheme", settings.scheme)
    scheme_col.selectbox(
        t("tiers.scheme"),
        list(SCHEMES),
        format_func=lambda s: t(f"scheme.{s}"),
        key="tiers.scheme",
        on_change=_on_scheme,
        args=(ranked_values, tiering.tiers),
        help=t("tiers.scheme_help"),
    )
    state.seed(_COUNT, settings.tier_count)
    count_col.number_input(
        t("tiers.count"),
        min_value=MIN_TIERS,
        max_value=MAX_TIERS,
        step=1,
        key=_COUNT,
        on_change=_on_count,
        disabled=settings.rule == "computed",
        help=t("tiers.count_help"),
    )
    with basis_col:
        basis_picker(t, has_profit, "tiers.basis")
    if settings.rule == "absolute":
        _thresholds(t, settings, names)
    elif settings.rule == "computed":
        st.caption(t("tiers.computed_note"))
    else:
        _sliders(t, settings, names)
    _names(t, settings, names)


def _reproduces(values: np.ndarray, cutoffs: tuple[float, float], limits: AbcLimits) -> bool:
    """Whether the cut-offs, as the floats the settings hold, give the computed tiers."""
    if not cutoffs[0] < cutoffs[1]:
        return False
    tiers = assign_tiers(values, cutoffs, "cumulative")
    return bool(np.array_equal(tiers, abc_tiers(limits, len(values))))


@dataclass(frozen=True)
class Suggestion:
    """The computed ABC limits for the data in view: marks for the Pareto chart, a sentence,
    and the cut-offs that apply them (``None`` when they cannot be applied as cumulative
    cut-offs, are in force already, or the computed scheme is in use)."""

    marks: list[tuple[float, float, str]]
    text: str
    cutoffs: tuple[float, float] | None


def computed_suggestion(
    t: Translator, settings: Settings, ranked_values: np.ndarray
) -> Suggestion | None:
    """The computed ABC limits to show beside the user's bounds (not under absolute amounts or
    shares of customers, whose axes they are not on)."""
    if settings.rule in ("absolute", "count") or not len(ranked_values):
        return None
    limits = computed_abc(ranked_values)
    if not limits.defined:
        return None
    n = len(ranked_values)
    bounds = [
        ("tiers.computed_ab", limits.a_count, limits.a_share),
        ("tiers.computed_bc", limits.a_count + limits.b_count, limits.ab_share),
    ]
    if not limits.b_count:  # both limits at one point: one mark, saying B is empty
        bounds = [("tiers.computed_b_empty", limits.a_count, limits.a_share)]
    marks = [
        (k / n, float(share), t.plural(key, k, k=t.number(k), share=t.percent(float(share))))
        for key, k, share in bounds
    ]
    text = t("tiers.computed_suggests", marks=" · ".join(m[2] for m in marks))
    if limits.negatives:  # left out of the curve and placed in C: say so
        text += " " + t("tiers.computed_negatives", n=t.number(limits.negatives))
    found = limits_as_cutoffs(ranked_values, limits)
    cutoffs = None if found is None else (float(found[0]), float(found[1]))
    if cutoffs is not None and not _reproduces(ranked_values, cutoffs, limits):
        cutoffs = None  # exact cut-offs that a float cannot tell apart (totals ≥ 10¹² units)
    in_force = settings.rule == "cumulative" and settings.cutoffs == cutoffs
    return Suggestion(marks, text, None if settings.rule == "computed" or in_force else cutoffs)
