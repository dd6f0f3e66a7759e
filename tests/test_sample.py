"""Tests for the bundled sample dataset in ``data/sample/``.

Every expectation is computed here with plain pandas, independently of
kadash and of the generator's internals, so these tests pin down what the
sample promises to the pages: its shape, its statistics, and that the
committed file is exactly what the committed script produces.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
CSV_PATH = SAMPLE_DIR / "transactions.csv"
SCRIPT = SAMPLE_DIR / "generate.py"
README = SAMPLE_DIR / "README.md"

COLUMNS = [
    "order_id",
    "order_date",
    "customer_id",
    "customer_name",
    "region",
    "industry",
    "sales_rep",
    "product_line",
    "revenue",
    "gross_profit",
]
FIRST_DAY = pd.Timestamp("2023-01-01")
LAST_DAY = pd.Timestamp("2025-12-31")
MAX_BYTES = 4_000_000
N_KEY_ACCOUNTS = 100


def _run_generator(out: Path, *extra: str) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), *extra],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The committed CSV exactly as text; blanks stay '' rather than NaN."""
    return pd.read_csv(CSV_PATH, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def lines(raw: pd.DataFrame) -> pd.DataFrame:
    """The committed CSV with typed dates and amounts (ids stay text)."""
    typed = raw.copy()
    typed["order_date"] = pd.to_datetime(typed["order_date"], format="%Y-%m-%d")
    typed["revenue"] = pd.to_numeric(typed["revenue"])
    typed["gross_profit"] = pd.to_numeric(typed["gross_profit"])
    return typed


@pytest.fixture(scope="module")
def customers(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per customer, largest net revenue first."""
    table = lines.groupby("customer_id").agg(
        revenue=("revenue", "sum"),
        gross_profit=("gross_profit", "sum"),
        first=("order_date", "min"),
        last=("order_date", "max"),
    )
    return table.sort_values("revenue", ascending=False)


def _key_account_dynamics(lines: pd.DataFrame, customers: pd.DataFrame) -> dict[str, int]:
    """Classify the key accounts the way the README defines it."""
    top = customers.head(N_KEY_ACCOUNTS)
    year_ago = LAST_DAY - pd.DateOffset(years=1)
    two_years_ago = LAST_DAY - pd.DateOffset(years=2)
    in_top = lines[lines["customer_id"].isin(top.index)]
    last_12 = in_top[in_top["order_date"] > year_ago].groupby("customer_id")["revenue"].sum()
    prior = in_top[(in_top["order_date"] > two_years_ago) & (in_top["order_date"] <= year_ago)]
    prior_12 = prior.groupby("customer_id")["revenue"].sum()
    last_12 = last_12.reindex(top.index, fill_value=0.0)
    prior_12 = prior_12.reindex(top.index, fill_value=0.0)

    churned = top["last"] <= LAST_DAY - pd.DateOffset(months=6)
    new = top["first"] >= pd.Timestamp("2024-01-01")
    steady = ~churned & ~new & (prior_12 > 0)
    return {
        "growing": int((steady & (last_12 >= 1.3 * prior_12)).sum()),
        "shrinking": int((steady & (last_12 <= 0.7 * prior_12)).sum()),
        "churned": int(churned.sum()),
        "new": int(new.sum()),
    }


def _headline(lines: pd.DataFrame, customers: pd.DataFrame) -> dict[str, str]:
    """The README's headline table, formatted as the README writes it."""
    n = len(customers)
    top_share = customers["revenue"].head(math.ceil(0.2 * n)).sum() / customers["revenue"].sum()
    n_loss = int((customers["gross_profit"] < 0).sum())
    n_returns = int((lines["revenue"] < 0).sum())
    dynamics = _key_account_dynamics(lines, customers)
    first = lines["order_date"].min().date().isoformat()
    last = lines["order_date"].max().date().isoformat()
    return {
        "Customers": f"{n:,}",
        "Order lines": f"{len(lines):,}",
        "Date span": f"{first} to {last}",
        "Top 20% of customers' share of net revenue": f"{top_share:.1%}",
        "Loss-making customers (negative total gross profit)": f"{n_loss} ({n_loss / n:.1%})",
        "Credit-note lines (negative revenue)": f"{n_returns:,} ({n_returns / len(lines):.1%})",
        "Customers with negative net revenue": str(int((customers["revenue"] < 0).sum())),
        "Key accounts growing >= 30%": str(dynamics["growing"]),
        "Key accounts shrinking >= 30%": str(dynamics["shrinking"]),
        "Key accounts churned": str(dynamics["churned"]),
        "Key accounts new since 2024": str(dynamics["new"]),
    }


class TestReproducibility:
    def test_regenerating_gives_the_committed_bytes(self, tmp_path: Path) -> None:
        out = tmp_path / "transactions.csv"
        _run_generator(out)
        assert out.read_bytes() == CSV_PATH.read_bytes(), (
            "data/sample/transactions.csv differs from the generator's output; "
            "run `python data/sample/generate.py` and commit both"
        )

    def test_seed_option_is_honoured(self, tmp_path: Path) -> None:
        out = tmp_path / "other.csv"
        _run_generator(out, "--seed", "7")
        assert out.read_bytes() != CSV_PATH.read_bytes()


class TestFileFormat:
    def test_utf8_without_bom_with_lf_line_endings(self) -> None:
        data = CSV_PATH.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        assert data.endswith(b"\n")
        data.decode("utf-8")

    def test_header_is_exact(self, raw: pd.DataFrame) -> None:
        first_line = CSV_PATH.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first_line == ",".join(COLUMNS)
        assert list(raw.columns) == COLUMNS

    def test_no_blank_cells(self, raw: pd.DataFrame) -> None:
        assert not (raw.apply(lambda col: col.str.strip()) == "").any().any()

    def test_file_size_at_most_4_mb(self) -> None:
        assert CSV_PATH.stat().st_size <= MAX_BYTES

    def test_amounts_have_two_decimals(self, raw: pd.DataFrame) -> None:
        amount = r"-?\d+\.\d{2}"
        assert raw["revenue"].str.fullmatch(amount).all()
        assert raw["gross_profit"].str.fullmatch(amount).all()


class TestShape:
    def test_customer_count(self, customers: pd.DataFrame) -> None:
        assert 1_000 <= len(customers) <= 2_000

    def test_line_count(self, lines: pd.DataFrame) -> None:
        assert 20_000 <= len(lines) <= 45_000

    def test_dates_are_iso_and_in_range(self, raw: pd.DataFrame, lines: pd.DataFrame) -> None:
        assert raw["order_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
        assert lines["order_date"].min() >= FIRST_DAY
        assert lines["order_date"].max() <= LAST_DAY

    def test_customer_ids_stay_text(self, raw: pd.DataFrame) -> None:
        ids = pd.Series(raw["customer_id"].unique())
        assert ids.str.fullmatch(r"C\d{5}|\d{6}").all()
        # Read as numbers these would lose their zeros and collide with nothing
        # to warn you; the loader must keep them as text.
        assert ids.str.fullmatch(r"0\d{5}").sum() >= 10

    @pytest.mark.parametrize(
        ("column", "expected"),
        [
            ("region", {"North", "South", "East", "West", "Central"}),
            (
                "industry",
                {
                    "Automotive",
                    "Electronics",
                    "Food & Beverage",
                    "Chemicals",
                    "Construction",
                    "Machinery",
                    "Medical Devices",
                    "Energy",
                },
            ),
            (
                "product_line",
                {"Bearings", "Motors", "Sensors", "Pneumatics", "Controls", "Field Services"},
            ),
        ],
        ids=["region", "industry", "product_line"],
    )
    def test_category_values(self, raw: pd.DataFrame, column: str, expected: set[str]) -> None:
        assert set(raw[column]) == expected

    def test_each_rep_covers_one_region(self, raw: pd.DataFrame) -> None:
        regions_per_rep = raw.groupby("sales_rep")["region"].nunique()
        assert 10 <= len(regions_per_rep) <= 14
        assert (regions_per_rep == 1).all()

    def test_orders_are_consistent(self, raw: pd.DataFrame) -> None:
        orders = raw[raw["order_id"].str.startswith("SO-")].groupby("order_id")
        per_order = orders.agg(
            lines=("product_line", "size"),
            products=("product_line", "nunique"),
            dates=("order_date", "nunique"),
            customers=("customer_id", "nunique"),
        )
        assert per_order["lines"].between(1, 5).all()
        assert (per_order["products"] == per_order["lines"]).all()
        assert (per_order["dates"] == 1).all()
        assert (per_order["customers"] == 1).all()


class TestStatistics:
    def test_top_20_percent_share(self, customers: pd.DataFrame) -> None:
        k = math.ceil(0.2 * len(customers))
        share = customers["revenue"].head(k).sum() / customers["revenue"].sum()
        assert 0.75 <= share <= 0.80

    def test_loss_making_customer_share(self, customers: pd.DataFrame) -> None:
        share = (customers["gross_profit"] < 0).mean()
        assert 0.01 <= share <= 0.03

    def test_negative_revenue_line_share(self, lines: pd.DataFrame) -> None:
        returns = lines[lines["revenue"] < 0]
        assert 0.01 <= len(returns) / len(lines) <= 0.02
        assert (returns["gross_profit"] < 0).all()

    def test_at_most_three_customers_with_negative_net_revenue(
        self, customers: pd.DataFrame
    ) -> None:
        assert (customers["revenue"] < 0).sum() <= 3

    def test_key_accounts_grow_shrink_churn_and_start(
        self, lines: pd.DataFrame, customers: pd.DataFrame
    ) -> None:
        dynamics = _key_account_dynamics(lines, customers)
        assert dynamics["growing"] >= 3
        assert dynamics["shrinking"] >= 3
        assert dynamics["churned"] >= 2
        assert dynamics["new"] >= 1
        all_new = (customers["first"] >= pd.Timestamp("2024-01-01")).sum()
        assert all_new >= 10

    def test_a_handful_of_names_and_reps_change(self, raw: pd.DataFrame) -> None:
        by_customer = raw.groupby("customer_id")
        assert 3 <= (by_customer["customer_name"].nunique() > 1).sum() <= 5
        assert 3 <= (by_customer["sales_rep"].nunique() > 1).sum() <= 6
        # A name never points at two customers, so the id is the only key.
        assert (raw.groupby("customer_name")["customer_id"].nunique() == 1).all()


def test_readme_headline_statistics_are_current(
    lines: pd.DataFrame, customers: pd.DataFrame
) -> None:
    table = {}
    for row in README.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if row.startswith("|") and len(cells) == 2:
            table[cells[0]] = cells[1]
    expected = _headline(lines, customers)
    assert {key: table.get(key) for key in expected} == expected


def test_readme_column_list_matches_header() -> None:
    text = README.read_text(encoding="utf-8")
    documented = re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE)
    assert documented == COLUMNS
