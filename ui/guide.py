"""Collapsible explanatory notes: why key accounts matter, and how to read a page."""

from __future__ import annotations

import streamlit as st

from kadash.i18n import Translator

__all__ = ["notes"]


def notes(t: Translator, *topics: str) -> None:
    """One closed expander per topic (``guide.<topic>_title`` / ``guide.<topic>_body``), side
    by side: a newcomer opens them, a workshop leader projects them, nobody else pays a line."""
    for col, topic in zip(st.columns(len(topics)), topics, strict=True):
        with col.expander(t(f"guide.{topic}_title"), icon=":material/school:"):
            st.markdown(t(f"guide.{topic}_body"))
