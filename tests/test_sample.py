"""Tests for the bundled sample datasets in ``data/sample/``.

There are two samples: ``transactions.csv`` (English) and ``transactions_zh.csv``
(Traditional Chinese headers and values, amounts in whole NT$). Most tests run on both.
Every expectation is computed here with plain pandas, independently of kadash and of the
generator's internals, so these tests pin down what the samples promise to the pages: their
shape, their statistics, that kadash reads them with no mapping and agrees with pandas, and
that each committed file is exactly what the committed script produces.
"""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kadash.concentration import rank_customers, top_share
from kadash.customers import headline, summarize_customers
from kadash.exact import MONEY_SCALE
from kadash.ingest import Loaded, load_transactions

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
CSV_PATH = SAMPLE_DIR / "transactions.csv"
ZH_CSV_PATH = SAMPLE_DIR / "transactions_zh.csv"
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
ZH_COLUMNS = [
    "單據編號",
    "單據日期",
    "客戶編號",
    "客戶名稱",
    "區域",
    "產業",
    "業務員",
    "產品線",
    "銷貨金額",
    "毛利",
]
#: The kadash field each column should be guessed as (same order as the columns).
FIELDS = [
    "order_id",
    "date",
    "customer_id",
    "customer_name",
    "region",
    "industry",
    "sales_rep",
    "product_line",
    "revenue",
    "profit",
]
FIRST_DAY = pd.Timestamp("2023-01-01")
LAST_DAY = pd.Timestamp("2025-12-31")
N_KEY_ACCOUNTS = 100


@dataclass(frozen=True)
class Sample:
    """What one bundled file promises."""

    lang: str
    path: Path
    header: list[str]
    date_format: str
    date_pattern: str
    amount_pattern: str
    sale_prefix: str
    credit_prefix: str
    customers: tuple[int, int]
    lines: tuple[int, int]
    max_bytes: int
    regions: set[str]
    industries: set[str]
    product_lines: set[str]


SAMPLES = {
    "en": Sample(
        lang="en",
        path=CSV_PATH,
        header=COLUMNS,
        date_format="%Y-%m-%d",
        date_pattern=r"\d{4}-\d{2}-\d{2}",
        amount_pattern=r"-?\d+\.\d{2}",
        sale_prefix="SO-",
        credit_prefix="CN-",
        customers=(1_000, 2_000),
        lines=(20_000, 45_000),
        max_bytes=4_000_000,
        regions={"North", "South", "East", "West", "Central"},
        industries={
            "Automotive",
            "Electronics",
            "Food & Beverage",
            "Chemicals",
            "Construction",
            "Machinery",
            "Medical Devices",
            "Energy",
        },
        product_lines={"Bearings", "Motors", "Sensors", "Pneumatics", "Controls", "Field Services"},
    ),
    "zh": Sample(
        lang="zh",
        path=ZH_CSV_PATH,
        header=ZH_COLUMNS,
        date_format="%Y/%m/%d",
        date_pattern=r"\d{4}/\d{2}/\d{2}",
        amount_pattern=r"-?\d+",  # whole NT$
        sale_prefix="SA-",
        credit_prefix="SR-",
        customers=(700, 900),
        lines=(12_000, 25_000),
        max_bytes=2_000_000,
        regions={"北區", "中區", "南區", "東區", "離島"},
        industries={"汽機車零件", "電子", "食品", "化工", "營建", "機械", "醫療器材", "能源"},
        product_lines={"軸承", "馬達", "感測器", "氣壓元件", "控制系統", "技術服務"},
    ),
}


def _run_generator(out: Path, *extra: str) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), *extra],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module", params=sorted(SAMPLES), ids=str)
def sample(request: pytest.FixtureRequest) -> Sample:
    return SAMPLES[request.param]


@pytest.fixture(scope="module")
def raw(sample: Sample) -> pd.DataFrame:
    """The committed CSV exactly as text, columns named as in the English file; blanks stay
    '' rather than NaN."""
    table = pd.read_csv(sample.path, dtype=str, keep_default_na=False)
    return table.rename(columns=dict(zip(sample.header, COLUMNS, strict=True)))


@pytest.fixture(scope="module")
def loaded(sample: Sample) -> Loaded:
    """The sample as kadash reads it, with the mapping it guesses."""
    return load_transactions(sample.path)


@pytest.fixture(scope="module")
def lines(raw: pd.DataFrame, sample: Sample) -> pd.DataFrame:
    """The committed CSV with typed dates and amounts (ids stay text)."""
    typed = raw.copy()
    typed["order_date"] = pd.to_datetime(typed["order_date"], format=sample.date_format)
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


def _headline(
    raw: pd.DataFrame, lines: pd.DataFrame, customers: pd.DataFrame, sample: Sample
) -> dict[str, str]:
    """The README's headline table, formatted as the README writes it."""
    n = len(customers)
    top_share = customers["revenue"].head(math.ceil(0.2 * n)).sum() / customers["revenue"].sum()
    n_loss = int((customers["gross_profit"] < 0).sum())
    n_returns = int((lines["revenue"] < 0).sum())
    dynamics = _key_account_dynamics(lines, customers)
    first = lines["order_date"].min().date().isoformat()
    last = lines["order_date"].max().date().isoformat()
    total = sum(map(Decimal, raw["revenue"]))  # exact, from the cells' text
    return {
        "Customers": f"{n:,}",
        "Order lines": f"{len(lines):,}",
        "Date span": f"{first} to {last}",
        "Net revenue": f"NT$ {total:,}" if sample.lang == "zh" else f"{total:,}",
        "Top 20% of customers' share of net revenue": f"{top_share:.1%}",
        "Loss-making customers (negative total gross profit)": f"{n_loss} ({n_loss / n:.1%})",
        "Credit-note lines (negative revenue)": f"{n_returns:,} ({n_returns / len(lines):.1%})",
        "Customers with negative net revenue": str(int((customers["revenue"] < 0).sum())),
        "Key accounts growing >= 30%": str(dynamics["growing"]),
        "Key accounts shrinking >= 30%": str(dynamics["shrinking"]),
        "Key accounts churned": str(dynamics["churned"]),
        "Key accounts new since 2024": str(dynamics["new"]),
        "File size": f"{sample.path.stat().st_size / 1e6:.1f} MB",
    }


class TestReproducibility:
    @pytest.mark.parametrize(
        ("options", "path"),
        [((), CSV_PATH), (("--lang", "zh"), ZH_CSV_PATH)],
        ids=["en-by-default", "zh"],
    )
    def test_regenerating_gives_the_committed_bytes(
        self, tmp_path: Path, options: tuple[str, ...], path: Path
    ) -> None:
        out = tmp_path / path.name
        _run_generator(out, *options)
        assert out.read_bytes() == path.read_bytes(), (
            f"data/sample/{path.name} differs from the generator's output; "
            f"run `{' '.join(['python data/sample/generate.py', *options])}` and commit both"
        )

    def test_seed_option_is_honoured(self, tmp_path: Path) -> None:
        out = tmp_path / "other.csv"
        _run_generator(out, "--lang", "zh", "--seed", "7")
        data = out.read_bytes()
        assert data != ZH_CSV_PATH.read_bytes()
        assert data.split(b"\n", 1)[0] == ",".join(ZH_COLUMNS).encode("utf-8")


class TestFileFormat:
    def test_utf8_without_bom_with_lf_line_endings(self, sample: Sample) -> None:
        data = sample.path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        assert data.endswith(b"\n")
        data.decode("utf-8")

    def test_header_is_exact(self, sample: Sample) -> None:
        first_line = sample.path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first_line == ",".join(sample.header)
        assert list(pd.read_csv(sample.path, nrows=0).columns) == sample.header

    def test_no_blank_cells(self, raw: pd.DataFrame) -> None:
        assert not (raw.apply(lambda col: col.str.strip()) == "").any().any()

    def test_file_size(self, sample: Sample) -> None:
        assert sample.path.stat().st_size <= sample.max_bytes

    def test_amount_format(self, raw: pd.DataFrame, sample: Sample) -> None:
        assert raw["revenue"].str.fullmatch(sample.amount_pattern).all()
        assert raw["gross_profit"].str.fullmatch(sample.amount_pattern).all()


class TestChineseText:
    """What makes the Chinese sample Chinese: headers and values in Traditional Chinese."""

    @staticmethod
    def _han(text: str) -> int:
        return sum("\u4e00" <= ch <= "\u9fff" for ch in text)

    def test_headers_are_chinese(self) -> None:
        header = ZH_CSV_PATH.read_bytes().split(b"\n", 1)[0].decode("utf-8").split(",")
        assert header == ZH_COLUMNS
        assert all(self._han(name) == len(name) for name in header)

    def test_text_values_are_chinese(self) -> None:
        raw = pd.read_csv(ZH_CSV_PATH, dtype=str, keep_default_na=False)
        for column in ("客戶名稱", "區域", "產業", "業務員", "產品線"):
            values = pd.Series(raw[column].unique())
            assert values.map(lambda v: self._han(v) == len(v)).all(), column
        names = pd.Series(raw["客戶名稱"].unique())
        # Taiwanese company names end in 有限公司 (股份有限公司, 實業有限公司 ...).
        assert names.str.endswith("有限公司").all()
        # Reps are personal names of three characters.
        assert raw["業務員"].str.len().eq(3).all()

    def test_amounts_are_nt_dollars_in_the_hundred_millions(self) -> None:
        raw = pd.read_csv(ZH_CSV_PATH, dtype={"客戶編號": str})
        assert raw["銷貨金額"].dtype == np.int64  # whole dollars
        sales = raw.loc[raw["銷貨金額"] > 0, "銷貨金額"]
        # Typical invoice lines of NT$ 10,000-500,000 ...
        assert 10_000 <= sales.median() <= 500_000
        assert sales.between(10_000, 500_000).mean() >= 0.75
        # ... so that totals reach 億 (10^8): the whole file, and the largest customers.
        assert raw["銷貨金額"].sum() >= 10 * 10**8
        assert (raw.groupby("客戶編號")["銷貨金額"].sum() >= 10**8).sum() >= 3


class TestReadByKadash:
    """kadash reads each sample with the guessed mapping and agrees with plain pandas."""

    def test_every_field_guessed_and_no_line_rejected(
        self, loaded: Loaded, sample: Sample, raw: pd.DataFrame
    ) -> None:
        expected = dict(zip(FIELDS, sample.header, strict=True))
        assert loaded.parsed.mapping == expected
        assert len(loaded.parsed.rejected) == 0
        assert len(loaded.parsed.transactions) == len(raw)

    def test_customers_revenue_and_top_share_match_pandas(
        self, loaded: Loaded, raw: pd.DataFrame
    ) -> None:
        # Exact minor units from the text of each cell, without floats.
        minor = raw["revenue"].map(lambda s: int(Decimal(s) * MONEY_SCALE))
        per_customer = minor.groupby(raw["customer_id"]).sum().sort_values(ascending=False)
        k = math.ceil(0.2 * len(per_customer))
        positive = int(per_customer[per_customer > 0].sum())
        expected_share = int(per_customer.head(k).sum()) / positive

        table = summarize_customers(loaded.parsed.transactions)
        head = headline(table)
        ranked = rank_customers(table)
        assert head.customers == raw["customer_id"].nunique() == len(per_customer)
        assert head.lines == len(raw)
        assert head.revenue == int(minor.sum())
        assert top_share(ranked["revenue"].to_numpy(dtype=np.int64), "0.2") == expected_share
        kadash_revenue = table.set_index(table["customer_id"].astype(str))["revenue"]
        assert kadash_revenue.sort_index().to_dict() == per_customer.sort_index().to_dict()

    def test_latest_name_is_the_customers(self, loaded: Loaded, raw: pd.DataFrame) -> None:
        table = summarize_customers(loaded.parsed.transactions)
        ordered = raw.assign(_row=range(len(raw))).sort_values(["order_date", "_row"])
        latest = ordered.groupby("customer_id")["customer_name"].last()
        kadash_names = table.set_index(table["customer_id"].astype(str))["customer_name"]
        assert kadash_names.astype(str).sort_index().to_dict() == latest.sort_index().to_dict()


class TestShape:
    def test_customer_count(self, customers: pd.DataFrame, sample: Sample) -> None:
        low, high = sample.customers
        assert low <= len(customers) <= high

    def test_line_count(self, lines: pd.DataFrame, sample: Sample) -> None:
        low, high = sample.lines
        assert low <= len(lines) <= high

    def test_dates_are_in_range(
        self, raw: pd.DataFrame, lines: pd.DataFrame, sample: Sample
    ) -> None:
        assert raw["order_date"].str.fullmatch(sample.date_pattern).all()
        assert lines["order_date"].min() >= FIRST_DAY
        assert lines["order_date"].max() <= LAST_DAY

    def test_customer_ids_stay_text(self, raw: pd.DataFrame) -> None:
        ids = pd.Series(raw["customer_id"].unique())
        assert ids.str.fullmatch(r"C\d{5}|\d{6}").all()
        # Read as numbers these would lose their zeros and collide with nothing
        # to warn you; the loader must keep them as text.
        assert ids.str.fullmatch(r"0\d{5}").sum() >= 10

    @pytest.mark.parametrize("column", ["region", "industry", "product_line"])
    def test_category_values(self, raw: pd.DataFrame, sample: Sample, column: str) -> None:
        expected = {
            "region": sample.regions,
            "industry": sample.industries,
            "product_line": sample.product_lines,
        }[column]
        assert set(raw[column]) == expected

    def test_each_rep_covers_one_region(self, raw: pd.DataFrame) -> None:
        regions_per_rep = raw.groupby("sales_rep")["region"].nunique()
        assert 10 <= len(regions_per_rep) <= 14
        assert (regions_per_rep == 1).all()

    def test_orders_are_consistent(self, raw: pd.DataFrame, sample: Sample) -> None:
        assert raw["order_id"].str.startswith((sample.sale_prefix, sample.credit_prefix)).all()
        orders = raw[raw["order_id"].str.startswith(sample.sale_prefix)].groupby("order_id")
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
    def test_heavy_tail(self, customers: pd.DataFrame) -> None:
        k = math.ceil(0.2 * len(customers))
        share = customers["revenue"].head(k).sum() / customers["revenue"].sum()
        assert share >= 0.60
        # As tuned in the generator.
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


def _readme_tables() -> list[list[list[str]]]:
    """Every Markdown table of the README as rows of stripped cells (separator rows left
    out)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for row in [*README.read_text(encoding="utf-8").splitlines(), ""]:
        if row.startswith("|"):
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            if not all(set(c) <= set("-:") for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_readme_headline_statistics_are_current(
    raw: pd.DataFrame, lines: pd.DataFrame, customers: pd.DataFrame, sample: Sample
) -> None:
    (stats,) = [t for t in _readme_tables() if t[0][0] == "statistic"]
    column = stats[0].index(f"`{sample.path.name}`")
    table = {row[0]: row[column] for row in stats[1:]}
    expected = _headline(raw, lines, customers, sample)
    assert {key: table.get(key) for key in expected} == expected


def test_readme_column_list_matches_both_headers() -> None:
    (columns,) = [t for t in _readme_tables() if t[0][0] == "column"]
    documented = [(row[0].strip("`"), row[1].strip("`")) for row in columns[1:]]
    assert documented == list(zip(COLUMNS, ZH_COLUMNS, strict=True))
