"""Benchmark of the kadash pipeline against a naive pandas baseline and a pyarrow floor.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_pipeline.py --help``); see
``bench/README.md`` for what each row means.

1. A synthetic transactions CSV (default 1,000,000 lines, 20,000 customers) is generated once
   into ``bench/out/`` (git-ignored) and reused while its parameters stay the same.
2. Each measurement runs in a fresh child process (this script with ``--child``), so import
   and cache state never leak between runs. The child reports the wall time of its work
   (after its imports) and its peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``). An *idle*
   child of each kind does the same imports and no work; its peak RSS is subtracted to give
   the memory the work itself needed.
3. One markdown table goes to stdout (progress goes to stderr), ready for the README.

Only ratios measured in the same run mean anything across machines; absolute seconds do not.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"

DEFAULT_LINES = 1_000_000
DEFAULT_CUSTOMERS = 20_000
DEFAULT_RUNS = 3
DEFAULT_SEED = 20240101
# Bump when the generator changes, so an old file of the same size is not reused.
GENERATOR_VERSION = 1

HEADER = (
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

#: The kinds of child process, in table order.
KINDS: tuple[str, ...] = ("kadash", "pandas", "arrow")
LABELS: dict[str, str] = {
    "kadash": "kadash end to end (`python -m kadash report FILE --json`)",
    "pandas": "naive pandas (read_csv + groupby sum + sort + cumsum)",
    "arrow": "floor: bare `pyarrow.csv.read_csv`",
}

MB = 1_000_000


# -- synthetic data ------------------------------------------------------------------------


def data_path(lines: int, customers: int, seed: int) -> Path:
    """Where the file with these parameters lives (its name is its parameters)."""
    return OUT_DIR / f"transactions_{lines}x{customers}_seed{seed}_v{GENERATOR_VERSION}.csv"


def generate(path: Path, lines: int, customers: int, seed: int) -> None:
    """Write a synthetic transactions CSV: vectorised numpy + pyarrow's CSV writer.

    Customers have log-normal sizes (the top 20 % bring roughly three quarters of revenue);
    each gets at least one line and the rest are drawn in proportion to size. Dates are
    uniform over 2023-01-01..2025-12-31; lines of one customer on one day share an order id.
    About 0.5 % of lines are credit notes (negative revenue and profit).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    if customers < 1 or lines < customers:
        raise SystemExit(f"Need 1 <= customers <= lines; got {customers} customers, {lines} lines.")
    rng = np.random.default_rng(seed)

    # Customers: size, name, fixed attributes.
    size = rng.lognormal(mean=0.0, sigma=1.6, size=customers)
    first = np.array(
        ["Meridian", "Highland", "Northstar", "Atlas", "Harbor", "Summit", "Pioneer", "Crescent",
         "Granite", "Silverline", "Redwood", "Bluewater", "Ironbridge", "Lakeside", "Oakmont",
         "Keystone", "Vanguard", "Evergreen", "Falcon", "Sterling", "東海", "華南", "新光", "大同"]
    )  # fmt: skip
    second = np.array(
        ["Fabrication", "Construction", "Logistics", "Foods", "Plastics", "Energy", "Textiles",
         "Packaging", "Automation", "Mining", "Chemicals", "Pharma", "Retail", "Marine",
         "Electronics", "Paper"]
    )  # fmt: skip
    third = np.array(["Ltd.", "Inc.", "GmbH", "S.A.", "Co.", "Group", "AG", "BV"])
    cust_name = pc.binary_join_element_wise(
        first[rng.integers(0, len(first), customers)],
        second[rng.integers(0, len(second), customers)],
        third[rng.integers(0, len(third), customers)],
        " ",
    )
    regions = np.array(["North", "South", "East", "West", "Central"])
    industries = np.array(
        ["Machinery", "Construction", "Food", "Chemicals", "Automotive", "Electronics",
         "Retail", "Energy"]
    )  # fmt: skip
    reps = np.array([f"Rep {i:02d}" for i in range(1, 25)])
    cust_region = regions[rng.integers(0, len(regions), customers)]
    cust_industry = industries[rng.integers(0, len(industries), customers)]
    cust_rep = reps[rng.integers(0, len(reps), customers)]

    # Lines: every customer once, the rest in proportion to size^0.6 (big customers buy
    # more often *and* more per line).
    weight = size**0.6
    extra = rng.choice(customers, size=lines - customers, p=weight / weight.sum())
    cust = np.concatenate([np.arange(customers), extra])
    start = np.datetime64("2023-01-01")
    n_days = int((np.datetime64("2026-01-01") - start).astype(int))
    day = rng.integers(0, n_days, lines)
    order = np.lexsort((cust, day))  # the file is in date order, like an ERP export
    cust, day = cust[order], day[order]
    new_order = np.ones(lines, dtype=bool)
    new_order[1:] = (np.diff(day) != 0) | (np.diff(cust) != 0)
    order_no = np.cumsum(new_order)

    cents = np.round(size[cust] ** 0.4 * rng.lognormal(6.5, 0.9, lines) * 100).astype(np.int64)
    cents = np.maximum(cents, 1)
    margin = rng.uniform(0.08, 0.45, lines)
    profit = np.round(cents * margin).astype(np.int64)
    credit = rng.random(lines) < 0.005
    cents[credit] = -cents[credit]
    profit[credit] = -profit[credit]

    def pad(values: np.ndarray, width: int) -> pa.Array:
        return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")

    def money(c: np.ndarray) -> pa.Array:
        mag = np.abs(c)
        text = pc.binary_join_element_wise(
            pc.cast(pa.array(mag // 100), pa.string()), pad(mag % 100, 2), "."
        )
        return pc.if_else(pa.array(c < 0), pc.binary_join_element_wise("-", text, ""), text)

    cust_idx = pa.array(cust)
    product_lines = pa.array(["Motors", "Controls", "Bearings", "Valves", "Sensors", "Service"])
    table = pa.table(
        {
            "order_id": pc.binary_join_element_wise("SO-", pad(order_no, 8), ""),
            "order_date": pa.array(start + day.astype("timedelta64[D]"), type=pa.date32()),
            "customer_id": pc.take(
                pc.binary_join_element_wise("C", pad(np.arange(customers), 6), ""), cust_idx
            ),
            "customer_name": pc.take(cust_name, cust_idx),
            "region": pc.take(pa.array(cust_region), cust_idx),
            "industry": pc.take(pa.array(cust_industry), cust_idx),
            "sales_rep": pc.take(pa.array(cust_rep), cust_idx),
            "product_line": pc.take(product_lines, pa.array(rng.integers(0, 6, lines))),
            "revenue": money(cents),
            "gross_profit": money(profit),
        }
    )
    assert tuple(table.column_names) == HEADER
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")  # renamed at the end: a killed run never leaves half a file
    # No quoting at all: no value holds a comma, quote or line break (the writer checks).
    # pyarrow always quotes the header it writes, so the header line is written here.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none", batch_size=65536)
    with pa.OSFile(str(tmp), "wb") as sink:
        sink.write((",".join(HEADER) + "\n").encode())
        pa_csv.write_csv(table, sink, write_options=options)
    tmp.replace(path)


# -- children --------------------------------------------------------------------------------


def _peak_rss_bytes() -> int:
    """Peak resident memory of this process since it started (exec'd), in bytes.

    Linux keeps ``ru_maxrss`` across fork + exec, so a child would report at least the
    parent's RSS at the fork; ``VmHWM`` belongs to the process's own address space and starts
    afresh at exec. ``ru_maxrss`` is the fallback elsewhere (KiB on Linux, bytes on macOS).
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _child_imports(kind: str) -> Callable[[Path], object]:
    """Import what ``kind`` needs (the idle child stops here) and return its work."""
    sys.path.insert(0, str(ROOT))
    if kind == "kadash":
        from kadash.cli import main

        def work(path: Path) -> None:
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                status = main(["report", str(path), "--json"])
            if status != 0:
                raise SystemExit(f"kadash report exited with {status}")

        return work
    if kind == "pandas":
        import math

        import pandas as pd

        def work(path: Path) -> float:
            frame = pd.read_csv(path)
            by_customer = frame.groupby("customer_id")["revenue"].sum()
            ranked = by_customer.sort_values(ascending=False)
            cum = ranked.cumsum()
            top = math.ceil(0.2 * len(ranked))
            return float(cum.iloc[top - 1] / ranked.sum())  # the top-20 % share

        return work
    if kind == "arrow":
        import pyarrow.csv as pa_csv

        def work(path: Path) -> object:
            return pa_csv.read_csv(path)

        return work
    if kind == "steps":
        return _steps
    raise SystemExit(f"unknown child kind {kind!r}")


def _steps(path: Path) -> None:
    """The steps of ``python -m kadash report FILE --json``, timed one by one.

    Mirrors :func:`kadash.cli.main` and :func:`kadash.report.analyse` with default settings.
    """
    import numpy as np

    from kadash.columns import guess_mapping
    from kadash.concentration import concentration_summary, rank_customers
    from kadash.customers import filter_transactions, summarize_customers
    from kadash.i18n import translator
    from kadash.load import read_cells
    from kadash.parse import parse_transactions
    from kadash.report import Analysis, report_dict, tier_names_for
    from kadash.settings import Settings
    from kadash.tiers import assign_tiers, summarize_tiers

    steps: list[dict[str, Any]] = []
    t = translator("en")
    settings = Settings().validate()

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = fn()
        steps.append(
            {"step": name, "seconds": time.perf_counter() - start, "rss": _peak_rss_bytes()}
        )
        return result

    data = timed("read file bytes", path.read_bytes)
    raw = timed("read_cells", lambda: read_cells(data))
    parsed = timed("parse_transactions", lambda: parse_transactions(raw, guess_mapping(raw.header)))
    lines = timed(
        "filter_transactions (no filter)",
        lambda: filter_transactions(
            parsed.transactions,
            date_from=settings.date_from,
            date_to=settings.date_to,
            include=settings.filter_map,
        ),
    )
    customers = timed("summarize_customers", lambda: summarize_customers(lines))
    ranked = timed("rank_customers", lambda: rank_customers(customers, settings.basis))
    values = ranked[settings.basis].to_numpy(dtype=np.int64)
    conc = timed("concentration_summary", lambda: concentration_summary(values))

    def tiering() -> tuple[np.ndarray, Any]:
        tiers = assign_tiers(values, settings.cutoffs, settings.rule)
        names = tier_names_for(settings, t)
        return tiers, summarize_tiers(ranked, tiers, names, cutoffs=settings.cutoffs)

    tiers, summary = timed("assign_tiers + summarize_tiers", tiering)
    analysis = Analysis(
        settings=settings,
        raw=raw,
        parsed=parsed,
        lines=lines,
        ranked=ranked,
        concentration=conc,
        tiers=tiers,
        tier_summary=summary,
    )
    timed(
        "report_dict + JSON",
        lambda: json.dumps(report_dict(analysis), ensure_ascii=False, indent=2),
    )
    print(json.dumps({"steps": steps}))


def run_child(kind: str, path: Path, *, idle: bool) -> None:
    """Child process entry: imports, then (unless idle) the timed work; one JSON line out."""
    work = _child_imports(kind)
    if kind == "steps":
        work(path)
        return
    start = time.perf_counter()
    if not idle:
        work(path)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss": _peak_rss_bytes()}))


def spawn(kind: str, path: Path, *, idle: bool = False) -> dict[str, Any]:
    """Run one fresh child; return its report plus the whole process's wall time."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path)]
    if idle:
        cmd.append("--idle")
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"child {kind} failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["process"] = wall
    return report


# -- report ----------------------------------------------------------------------------------


def machine_line() -> str:
    import numpy
    import pandas
    import pyarrow

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"CPU {cpu}, {cores} cores; Python {platform.python_version()}, pandas "
        f"{pandas.__version__}, pyarrow {pyarrow.__version__}, numpy {numpy.__version__}"
    )


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = [False] + [True] * (len(header) - 1)

    def fmt(row: list[str]) -> str:
        cells = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)
        ]
        return "| " + " | ".join(cells) + " |"

    rule = ["-" * (w - 1) + ":" if r else "-" * w for w, r in zip(widths, right, strict=True)]
    return "\n".join([fmt(header), "| " + " | ".join(rule) + " |", *(fmt(r) for r in rows)])


def build_report(
    path: Path,
    lines: int,
    customers: int,
    runs: int,
    work: dict[str, list[dict[str, Any]]],
    idle: dict[str, list[dict[str, Any]]],
    steps: list[dict[str, Any]],
) -> str:
    size = path.stat().st_size
    med = {k: statistics.median(r["seconds"] for r in work[k]) for k in KINDS}
    rss = {k: statistics.median(r["rss"] for r in work[k]) for k in KINDS}
    idle_rss = {k: statistics.median(r["rss"] for r in idle[k]) for k in KINDS}
    base = med["pandas"]

    def row(label: str, seconds: float, peak: float, idle_peak: float) -> list[str]:
        return [
            label,
            f"{seconds:.2f}",
            f"{seconds / base:.2f}×",
            f"{peak / MB:,.0f}",
            f"{(peak - idle_peak) / size:.1f}×",
        ]

    rows = [row(LABELS[k], med[k], rss[k], idle_rss[k]) for k in KINDS]
    total = 0.0
    for s in steps:
        total += s["seconds"]
        rows.append(row(f"↳ {s['step']}", s["seconds"], s["rss"], idle_rss["kadash"]))
    rows.append(["↳ sum of the steps", f"{total:.2f}", f"{total / base:.2f}×", "", ""])
    header = [
        "what",
        "median time (s)",
        "× naive pandas",
        "peak RSS (MB)",
        "peak RSS increase / file size",
    ]
    idle_text = ", ".join(
        f"{k} {statistics.median(r['process'] for r in idle[k]):.2f} s / {idle_rss[k] / MB:,.0f} MB"
        for k in KINDS
    )
    range_text = ", ".join(
        f"{k} {min(r['seconds'] for r in work[k]):.2f}–{max(r['seconds'] for r in work[k]):.2f} s"
        for k in KINDS
    )
    process_text = ", ".join(
        f"{k} {statistics.median(r['process'] for r in work[k]):.2f} s" for k in KINDS
    )
    return "\n".join(
        [
            f"Machine: {machine_line()}",
            f"File: {path.name}, {lines:,} lines, {customers:,} customers, "
            f"{size / MB:,.1f} MB; medians of {runs} run{'s' if runs > 1 else ''}, "
            "each in a fresh process.",
            "",
            markdown_table(header, rows),
            "",
            "Times exclude interpreter start and imports. Step rows (↳) are one in-process run "
            "of the same work; their RSS is the process peak so far. RSS increase = peak minus "
            "an idle child with the same imports.",
            f"Run-to-run range of the work time: {range_text}.",
            f"Idle children (start + imports, peak RSS): {idle_text}.",
            f"Whole child process, median wall time incl. start and imports: {process_text}.",
        ]
    )


# -- command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark kadash against naive pandas and bare pyarrow on a synthetic CSV."
    )
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES, help="data lines in the file")
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS, help="customers")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--regenerate", action="store_true", help="rewrite the data file even if it exists"
    )
    parser.add_argument("--child", choices=(*KINDS, "steps"), help=argparse.SUPPRESS)
    parser.add_argument("--idle", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        run_child(args.child, args.path, idle=args.idle)
        return 0

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    path = data_path(args.lines, args.customers, args.seed)
    if args.regenerate or not path.exists():
        say(f"generating {path.relative_to(ROOT)} …")
        start = time.perf_counter()
        generate(path, args.lines, args.customers, args.seed)
        say(f"  done in {time.perf_counter() - start:.1f} s")
    else:
        say(f"reusing {path.relative_to(ROOT)}")

    work: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    idle: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    for run in range(1, args.runs + 1):
        for kind in KINDS:  # interleaved, so a slow spell of the machine hits every kind
            idle[kind].append(spawn(kind, path, idle=True))
            work[kind].append(spawn(kind, path))
            say(f"run {run}/{args.runs} {kind}: {work[kind][-1]['seconds']:.2f} s")
    say("steps of kadash, one run …")
    steps = spawn("steps", path)["steps"]
    print(build_report(path, args.lines, args.customers, args.runs, work, idle, steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
