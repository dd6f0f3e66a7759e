"""Streamlit glue shared by ``app.py`` and the pages: state, cached data, sidebar, helpers.

Computation lives in :mod:`kadash`; this package only wires widgets, caches and session state.
"""
