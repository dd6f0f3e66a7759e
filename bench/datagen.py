"""Synthetic transaction files for the benchmarks (seeded, vectorised, written in chunks).

Used by ``bench_pipeline.py`` and ``bench_browser.py``; see ``bench/README.md``. Each file is
written once into ``bench/out/`` (git-ignored) and reused while its parameters (lines,
customers, seed, flavour, generator version) stay the same: they are its name.

* **clean**: UTF-8, the sample's English header, ISO dates, plain amounts ``1234.50``.
* **messy**: Big5 (cp950), Chinese header, dates ``2024/01/05``, amounts ``"NT$1,234.50"``
  (quoted: they hold commas), negatives ``"(NT$1,234.50)"`` or ``"-NT$1,234.50"``, Chinese
  regions, industries, sales reps and product lines, and a few Traditional-Chinese customer
  names. Same seed and size, same lines as the clean file: only the way they are written
  differs.

Memory stays bounded at any size: lines are made and written a block of days (about
``CHUNK_LINES`` lines) at a time; only per-customer and per-day arrays span the whole file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

__all__ = ["DEFAULT_SEED", "HEADER", "MESSY_HEADER", "OUT_DIR", "DataFile", "generate"]

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_SEED = 20240101
# Bump when the generator changes, so an old file of the same size is not reused.
# v2: lines made in chunks of days (bounded memory); the messy Big5 flavour.
GENERATOR_VERSION = 2
#: Lines per generated block (a whole number of days holds about this many).
CHUNK_LINES = 1_000_000
#: Share of customers with a full Traditional-Chinese name in the messy file.
ZH_NAME_SHARE = 0.05

START = np.datetime64("2023-01-01")
END = np.datetime64("2026-01-01")  # exclusive

HEADER: tuple[str, ...] = (
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
)
MESSY_HEADER: tuple[str, ...] = (
    "客戶編號",
    "客戶名稱",
    "交易日期",
    "區域",
    "產業",
    "業務員",
    "產品線",
    "訂單編號",
    "金額",
    "毛利",
)

NAME_PARTS: tuple[tuple[str, ...], ...] = (
    ("Meridian", "Highland", "Northstar", "Atlas", "Harbor", "Summit", "Pioneer", "Crescent",
     "Granite", "Silverline", "Redwood", "Bluewater", "Ironbridge", "Lakeside", "Oakmont",
     "Keystone", "Vanguard", "Evergreen", "Falcon", "Sterling", "東海", "華南", "新光", "大同"),
    ("Fabrication", "Construction", "Logistics", "Foods", "Plastics", "Energy", "Textiles",
     "Packaging", "Automation", "Mining", "Chemicals", "Pharma", "Retail", "Marine",
     "Electronics", "Paper"),
    ("Ltd.", "Inc.", "GmbH", "S.A.", "Co.", "Group", "AG", "BV"),
)  # fmt: skip
NAME_PARTS_ZH: tuple[tuple[str, ...], ...] = (
    ("台灣", "大同", "東海", "華南", "新光", "永豐", "長榮", "中興", "統一", "國泰"),
    ("精密", "機械", "電子", "化學", "食品", "塑膠", "紡織", "能源", "物流", "包裝"),
    ("股份有限公司", "有限公司", "企業社", "工業"),
)
REGIONS = ("North", "South", "East", "West", "Central")
REGIONS_ZH = ("北區", "南區", "東區", "西區", "中區")
INDUSTRIES = (
    "Machinery", "Construction", "Food", "Chemicals", "Automotive", "Electronics", "Retail",
    "Energy",
)  # fmt: skip
INDUSTRIES_ZH = ("機械", "營建", "食品", "化工", "汽車", "電子", "零售", "能源")
REPS = tuple(f"Rep {i:02d}" for i in range(1, 25))
REPS_ZH = tuple(f"業務{i:02d}" for i in range(1, 25))
PRODUCTS = ("Motors", "Controls", "Bearings", "Valves", "Sensors", "Service")
PRODUCTS_ZH = ("馬達", "控制器", "軸承", "閥門", "感測器", "服務")


@dataclass(frozen=True)
class DataFile:
    """One benchmark file: its size and flavour (clean UTF-8 or messy Big5)."""

    key: str
    lines: int
    customers: int
    messy: bool

    @property
    def label(self) -> str:
        """Short name for the table, e.g. ``clean 1M`` or ``messy 1M (Big5)``."""
        size = (
            f"{self.lines / 1_000_000:g}M" if self.lines >= 1_000_000 else f"{self.lines / 1000:g}k"
        )
        return f"messy {size} (Big5)" if self.messy else f"clean {size}"

    def path(self, seed: int) -> Path:
        """Where the file lives; its name is its parameters, so it is reused while they match."""
        stem = f"transactions_{self.lines}x{self.customers}_seed{seed}_v{GENERATOR_VERSION}"
        return OUT_DIR / (f"{stem}_big5.csv" if self.messy else f"{stem}.csv")


def _customers(rng: np.random.Generator, customers: int) -> dict[str, Any]:
    """Per-customer draws: size, name parts and fixed attributes (as indexes)."""
    size = rng.lognormal(mean=0.0, sigma=1.6, size=customers)
    return {
        "size": size,
        "name": [rng.integers(0, len(NAME_PARTS[i]), customers) for i in range(3)],
        "name_zh": [rng.integers(0, len(NAME_PARTS_ZH[i]), customers) for i in range(3)],
        "is_zh": rng.random(customers) < ZH_NAME_SHARE,
        "region": rng.integers(0, len(REGIONS), customers),
        "industry": rng.integers(0, len(INDUSTRIES), customers),
        "rep": rng.integers(0, len(REPS), customers),
    }


def _chunks(lines: int, customers: int, seed: int) -> Iterator[dict[str, np.ndarray]]:
    """The file's lines, in date order, a block of days (about ``CHUNK_LINES`` lines) at a time.

    Every customer has one line on a random day; the other lines are spread uniformly over the
    days and drawn in proportion to customer size^0.6 (big customers buy more often *and* more
    per line). Dates cover 2023-01-01..2025-12-31; lines of one customer on one day share an
    order id. About 0.5 % of lines are credit notes (negative revenue and profit).
    """
    rng = np.random.default_rng(seed)
    cust_draws = _customers(rng, customers)
    weight = cust_draws["size"] ** 0.6
    p = weight / weight.sum()
    n_days = int((END - START).astype(int))
    first_day = rng.integers(0, n_days, customers)  # each customer's guaranteed line
    per_day = rng.multinomial(lines - customers, np.full(n_days, 1 / n_days))
    days_per_chunk = max(1, n_days * CHUNK_LINES // lines)
    orders_before = 0
    for index, d0 in enumerate(range(0, n_days, days_per_chunk)):
        d1 = min(d0 + days_per_chunk, n_days)
        crng = np.random.default_rng([seed, index])
        fixed = np.flatnonzero((first_day >= d0) & (first_day < d1))
        cust = np.concatenate([fixed, crng.choice(customers, int(per_day[d0:d1].sum()), p=p)])
        day = np.concatenate([first_day[fixed], np.repeat(np.arange(d0, d1), per_day[d0:d1])])
        order = np.lexsort((cust, day))  # the file is in date order, like an ERP export
        cust, day = cust[order], day[order]
        n = len(cust)
        new_order = np.ones(n, dtype=bool)
        new_order[1:] = (np.diff(day) != 0) | (np.diff(cust) != 0)
        order_no = orders_before + np.cumsum(new_order)
        orders_before = int(order_no[-1]) if n else orders_before
        cents = np.round(
            cust_draws["size"][cust] ** 0.4 * crng.lognormal(6.5, 0.9, n) * 100
        ).astype(np.int64)
        cents = np.maximum(cents, 1)
        profit = np.round(cents * crng.uniform(0.08, 0.45, n)).astype(np.int64)
        credit = crng.random(n) < 0.005
        cents[credit] = -cents[credit]
        profit[credit] = -profit[credit]
        yield {
            "cust": cust,
            "day": day,
            "order_no": order_no,
            "cents": cents,
            "profit": profit,
            "product": crng.integers(0, len(PRODUCTS), n),
            "paren": crng.random(n) < 0.5,  # messy file: this negative as (NT$…), else -NT$…
            "draws": cust_draws,  # the same object for every chunk
        }


def _pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def _customer_ids(customers: int) -> pa.Array:
    return pc.binary_join_element_wise("C", _pad(np.arange(customers), 6), "")


def _names(draws: dict[str, Any], zh: bool) -> list[str]:
    parts = [np.asarray(NAME_PARTS[i])[draws["name"][i]] for i in range(3)]
    names = [" ".join(p) for p in zip(*parts, strict=True)]
    if zh:  # a few customers with a full Traditional-Chinese company name
        zh_parts = [np.asarray(NAME_PARTS_ZH[i])[draws["name_zh"][i]] for i in range(3)]
        for i in np.flatnonzero(draws["is_zh"]):
            names[i] = "".join(p[i] for p in zh_parts)
    return names


def _plain_money(c: np.ndarray) -> pa.Array:
    """``1234.50`` / ``-1234.50``."""
    mag = np.abs(c)
    text = pc.binary_join_element_wise(
        pc.cast(pa.array(mag // 100), pa.string()), _pad(mag % 100, 2), "."
    )
    return pc.if_else(pa.array(c < 0), pc.binary_join_element_wise("-", text, ""), text)


def _taiwan_money(c: np.ndarray, paren: np.ndarray) -> pa.Array:
    """``NT$1,234.50``, negatives ``(NT$1,234.50)`` or ``-NT$1,234.50``; quoted when they hold
    a comma (as a spreadsheet writes them)."""
    mag = np.abs(c)
    if mag.size and mag.max() >= 10**14:
        raise SystemExit("amount too large for the thousands formatter")
    # Thousands separators, vectorised: zero-pad to 12 digits, cut in groups of three,
    # join with commas, strip the leading zeros and commas.
    digits = _pad(mag // 100, 12)
    grouped = pc.binary_join_element_wise(
        *[pc.utf8_slice_codeunits(digits, i, i + 3) for i in (0, 3, 6, 9)], ","
    )
    units = pc.utf8_ltrim(grouped, characters="0,")
    units = pc.if_else(pc.equal(units, ""), "0", units)
    text = pc.binary_join_element_wise("NT$", units, ".", _pad(mag % 100, 2), "")
    negative = c < 0
    text = pc.if_else(
        pa.array(negative & paren), pc.binary_join_element_wise("(", text, ")", ""), text
    )
    text = pc.if_else(pa.array(negative & ~paren), pc.binary_join_element_wise("-", text, ""), text)
    return pc.if_else(
        pc.match_substring(text, ","), pc.binary_join_element_wise('"', text, '"', ""), text
    )


def _clean_table(chunk: dict[str, Any], ids: pa.Array, names: pa.Array) -> pa.Table:
    draws = chunk["draws"]
    cust_idx = pa.array(chunk["cust"])
    table = pa.table(
        {
            "order_id": pc.binary_join_element_wise("SO-", _pad(chunk["order_no"], 8), ""),
            "order_date": pa.array(START + chunk["day"].astype("timedelta64[D]"), pa.date32()),
            "customer_id": pc.take(ids, cust_idx),
            "customer_name": pc.take(names, cust_idx),
            "region": pc.take(pa.array(np.asarray(REGIONS)[draws["region"]]), cust_idx),
            "industry": pc.take(pa.array(np.asarray(INDUSTRIES)[draws["industry"]]), cust_idx),
            "sales_rep": pc.take(pa.array(np.asarray(REPS)[draws["rep"]]), cust_idx),
            "product_line": pc.take(pa.array(PRODUCTS), pa.array(chunk["product"])),
            "revenue": _plain_money(chunk["cents"]),
            "gross_profit": _plain_money(chunk["profit"]),
        }
    )
    assert tuple(table.column_names) == HEADER
    return table


def _cp950(values: Sequence[str]) -> pa.Array:
    return pa.array([v.encode("cp950") for v in values], pa.binary())


def _messy_lines(chunk: dict[str, Any], ids: pa.Array, names: pa.Array) -> pa.Array:
    """The chunk as Big5 (cp950) bytes, one element per line (ending in a line feed).

    Joined as bytes: the Chinese texts are encoded once per distinct value, the rest is ASCII.
    """
    draws = chunk["draws"]
    cust_idx = pa.array(chunk["cust"])
    by_customer = {
        "region": _cp950(np.asarray(REGIONS_ZH)[draws["region"]]),
        "industry": _cp950(np.asarray(INDUSTRIES_ZH)[draws["industry"]]),
        "rep": _cp950(np.asarray(REPS_ZH)[draws["rep"]]),
    }

    def ascii_(values: pa.Array) -> pa.Array:
        return pc.cast(values, pa.binary())

    date = pc.replace_substring(
        pc.cast(pa.array(START + chunk["day"].astype("timedelta64[D]"), pa.date32()), pa.string()),
        "-",
        "/",
    )
    columns = {  # in MESSY_HEADER order
        "客戶編號": ascii_(pc.take(ids, cust_idx)),
        "客戶名稱": pc.take(names, cust_idx),
        "交易日期": ascii_(date),
        "區域": pc.take(by_customer["region"], cust_idx),
        "產業": pc.take(by_customer["industry"], cust_idx),
        "業務員": pc.take(by_customer["rep"], cust_idx),
        "產品線": pc.take(_cp950(PRODUCTS_ZH), pa.array(chunk["product"])),
        "訂單編號": ascii_(pc.binary_join_element_wise("SO-", _pad(chunk["order_no"], 8), "")),
        "金額": ascii_(_taiwan_money(chunk["cents"], chunk["paren"])),
        "毛利": ascii_(_taiwan_money(chunk["profit"], chunk["paren"])),
    }
    assert tuple(columns) == MESSY_HEADER
    comma, newline, nothing = (pa.scalar(b, pa.binary()) for b in (b",", b"\n", b""))
    line = pc.binary_join_element_wise(*columns.values(), comma)
    return pc.binary_join_element_wise(line, newline, nothing)


def _write_bytes(sink: Any, lines: pa.Array) -> None:
    """Write a binary array's elements back to back (its data buffer, no copy per line)."""
    if not len(lines):
        return
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    first, last = offsets[lines.offset], offsets[lines.offset + len(lines)]
    sink.write(memoryview(lines.buffers()[2])[first:last])


def generate(data: DataFile, seed: int) -> None:
    """Write the file: seeded, vectorised numpy + pyarrow, a block of days at a time.

    The clean and messy files of one size and seed hold the same lines (same customers,
    dates and amounts), so kadash must find the same totals and tiers in both.
    """
    if data.customers < 1 or data.lines < data.customers:
        raise SystemExit(
            f"Need 1 <= customers <= lines; got {data.customers} customers, {data.lines} lines."
        )
    path = data.path(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")  # renamed at the end: a killed run never leaves half a file
    ids = _customer_ids(data.customers)
    names: pa.Array | None = None
    # No quoting in the clean file: no value holds a comma, quote or line break (the writer
    # checks). pyarrow always quotes the header it writes, so the header line is written here.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none", batch_size=65536)
    with pa.OSFile(str(tmp), "wb") as sink:
        header = MESSY_HEADER if data.messy else HEADER
        sink.write((",".join(header) + "\n").encode("cp950" if data.messy else "utf-8"))
        for chunk in _chunks(data.lines, data.customers, seed):
            if names is None:
                text = _names(chunk["draws"], zh=data.messy)
                names = _cp950(text) if data.messy else pa.array(text, pa.string())
            if data.messy:
                _write_bytes(sink, _messy_lines(chunk, ids, names))
            else:
                pa_csv.write_csv(_clean_table(chunk, ids, names), sink, write_options=options)
    tmp.replace(path)
