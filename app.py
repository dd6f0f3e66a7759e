"""kadash — key-account analytics dashboard.

The frame only: page config, the shared sidebar (data source and filters, :mod:`ui.sidebar`)
and navigation. Each page lives in ``pages/`` and draws what :mod:`kadash` computes. The
sidebar is drawn here, once, so its widgets keep their state across pages (Streamlit gives a
widget drawn by a page a different identity on every page). Start with ``make run``.
"""

from pathlib import Path

import streamlit as st

from ui import state
from ui.sidebar import render_sidebar

st.set_page_config(
    page_title="kadash",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),  # local: works offline
    layout="wide",
    initial_sidebar_state="expanded",
)

state.mark_frame()
t = state.get_translator()
state.get_settings()  # read the URL once, on the session's first run

# Grouped: what the business looks like now, how it moves over time, and the data itself.
navigation = st.navigation(
    {
        t("nav.section_now"): [
            st.Page(
                "pages/overview.py",
                title=t("nav.overview"),
                icon=":material/insights:",
                url_path="overview",
                default=True,
            ),
            st.Page(
                "pages/tiers.py", title=t("nav.tiers"), icon=":material/stacks:", url_path="tiers"
            ),
            st.Page(
                "pages/profitability.py",
                title=t("nav.profitability"),
                icon=":material/monitoring:",
                url_path="profitability",
            ),
            st.Page(
                "pages/policy.py",
                title=t("nav.policy"),
                icon=":material/assignment_ind:",
                url_path="policy",
            ),
            st.Page(
                "pages/clusters.py",
                title=t("nav.clusters"),
                icon=":material/scatter_plot:",
                url_path="clusters",
            ),
        ],
        t("nav.section_time"): [
            st.Page(
                "pages/migration.py",
                title=t("nav.migration"),
                icon=":material/swap_vert:",
                url_path="migration",
            ),
            st.Page(
                "pages/at_risk.py",
                title=t("nav.at_risk"),
                icon=":material/warning:",
                url_path="at-risk",
            ),
            st.Page(
                "pages/trend.py",
                title=t("nav.trend"),
                icon=":material/trending_up:",
                url_path="trend",
            ),
            st.Page(
                "pages/account.py",
                title=t("nav.account"),
                icon=":material/person_search:",
                url_path="account",
            ),
        ],
        t("nav.section_data"): [
            st.Page(
                "pages/data.py", title=t("nav.data"), icon=":material/dataset:", url_path="data"
            ),
        ],
    }
)
render_sidebar(t)
navigation.run()
