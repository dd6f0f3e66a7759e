"""Shared test settings and fixtures.

Hypothesis runs under the ``dev`` profile by default and ``ci`` in CI (``.ci/run`` sets
``HYPOTHESIS_PROFILE=ci``): no deadline (a 2-core CI box is slow and noisy), derandomised so a
failure reproduces, and a bounded number of examples.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "data" / "sample" / "transactions.csv"

settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def customers_frame(
    values: dict[str, float], profit: dict[str, float] | None = None
) -> pd.DataFrame:
    """A minimal customer table: id → value in currency units (converted to minor units)."""
    ids = list(values)
    revenue = [round(values[i] * 10_000) for i in ids]
    profits = [round((profit or {}).get(i, 0) * 10_000) for i in ids]
    return pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="str"),
            "label": pd.array(ids, dtype="str"),
            "revenue": np.array(revenue, dtype=np.int64),
            "profit": np.array(profits, dtype=np.int64),
        }
    )


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(autouse=True)
def _navigation_mode(monkeypatch):
    """Keep AppTest in ``st.navigation`` mode on reruns, as the real server is.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run; seeing our ``pages/``
    folder, the flag turns True and every run after the first executes the page file alone,
    skipping ``app.py`` (and its sidebar). The server sets it False once ``st.navigation`` has
    run (streamlit/commands/navigation.py) and keeps it; this fixture does the same.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each test's outcome on its item, so fixtures can react to a failure."""
    report = yield
    if report.when == "call":
        item.report_call = report
    return report
