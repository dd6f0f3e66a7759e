"""Benchmark of the kadash pipeline against a naive pandas baseline and a pyarrow floor.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_pipeline.py --help``); see
``bench/README.md`` for what each row means.

1. Synthetic transaction files (by default a clean UTF-8 file and a messy Big5 one, 1,000,000
   lines and 20,000 customers each; ``--size 10m`` adds a 10,000,000-line file) are generated
   once into ``bench/out/`` (git-ignored, see ``datagen.py``) and reused while their
   parameters stay the same.
2. Each measurement runs in a fresh child process (this script with ``--child``), so import
   and cache state never leak between runs. The child reports the wall time of its work
   (after its imports) and its peak RSS (``VmHWM``). An *idle* child of each kind does the
   same imports and no work; its peak RSS is subtracted to give the memory the work needed.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_and_cores, markdown_table

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_LINES = 1_000_000
DEFAULT_CUSTOMERS = 20_000
BIG_LINES = 10_000_000
BIG_CUSTOMERS = 200_000
DEFAULT_RUNS = 3
RETIER_REPEATS = 50
DEFAULT_FILES = ("clean", "messy")
FILE_KEYS = ("clean", "messy", "10m")

#: The kinds of child process, in table order.
KINDS: tuple[str, ...] = ("kadash", "pandas", "arrow")
LABELS: dict[str, str] = {
    "kadash": "kadash end to end",
    "pandas": "naive pandas",
    "arrow": "floor: bare pyarrow",
}
#: Column names of the messy (Big5) file the naive pandas child groups on.
MESSY_CUSTOMER, MESSY_REVENUE = "客戶編號", "金額"

MB = 1_000_000


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


def _child_imports(kind: str, messy: bool) -> Callable[[Path], object]:
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

        def top_share(by_customer: pd.Series) -> float:
            ranked = by_customer.sort_values(ascending=False)
            cum = ranked.cumsum()
            top = math.ceil(0.2 * len(ranked))
            return float(cum.iloc[top - 1] / ranked.sum())  # the top-20 % share

        def work(path: Path) -> float:
            frame = pd.read_csv(path)
            return top_share(frame.groupby("customer_id")["revenue"].sum())

        def work_messy(path: Path) -> float:
            # The simplest conversion that reads every amount of the messy file:
            # "NT$1,234.50", "(NT$1,234.50)", "-NT$1,234.50" -> -1234.50 as a float.
            frame = pd.read_csv(path, encoding="cp950")
            revenue = (
                frame[MESSY_REVENUE]
                .str.replace(r"[NT$,)]", "", regex=True)
                .str.replace("(", "-", regex=False)
                .astype(float)
            )
            return top_share(revenue.groupby(frame[MESSY_CUSTOMER]).sum())

        return work_messy if messy else work
    if kind == "arrow":
        import pyarrow.csv as pa_csv

        options = pa_csv.ReadOptions(encoding="cp950") if messy else None

        def work(path: Path) -> object:
            return pa_csv.read_csv(path, read_options=options)

        return work
    if kind == "steps":
        return _steps
    raise SystemExit(f"unknown child kind {kind!r}")


def _steps(path: Path) -> None:
    """The steps of ``python -m kadash report FILE --json``, timed one by one.

    Mirrors :func:`kadash.cli.main` and :func:`kadash.report.analyse` with default settings.
    """
    import numpy as np

    from kadash.cli import REPORT_FIELDS
    from kadash.columns import REQUIRED_FIELDS, guess_mapping
    from kadash.concentration import concentration_summary, rank_customers
    from kadash.customers import filter_transactions, summarize_customers
    from kadash.i18n import translator
    from kadash.ingest import _FEW_VALUES, file_facts
    from kadash.load import layout_of, read_cells, read_columns, read_rows
    from kadash.parse import Columns, NotClean, parse_columns, parse_transactions
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

    facts = timed("file_facts (first bytes)", lambda: file_facts(path))
    # The fields the report reads (kadash.cli passes them to load_transactions).
    mapping = {
        f: c
        for f, c in guess_mapping(facts.header).items()
        if f in REQUIRED_FIELDS or f in REPORT_FIELDS
    }
    layout = layout_of(path)
    parsed = None
    if layout is not None:  # the typed way, as kadash.ingest takes it
        columns = list(dict.fromkeys(mapping.values()))
        few = [mapping[f] for f in _FEW_VALUES if f in mapping]
        table = timed(
            "read_columns (typed)", lambda: read_columns(path, layout, columns, dictionary=few)
        )
        if table is not None:
            first = layout.header_lines + 1
            typed = Columns(
                arrays={c: table[c] for c in columns},
                lines=np.arange(first, first + table.num_rows, dtype=np.int64),
                header=layout.header,
                whole=lambda rows: read_rows(path, layout, rows),
                strict=True,
            )
            try:
                parsed = timed("parse_columns (typed)", lambda: parse_columns(typed, mapping))
            except NotClean:
                parsed = None
    if parsed is None:  # the exact way
        data = timed("read file bytes", path.read_bytes)
        raw = timed("read_cells (exact)", lambda: read_cells(data))
        parsed = timed("parse_transactions (exact)", lambda: parse_transactions(raw, mapping))
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
    # What a tier slider runs, timed alone: the median of many (one run is a few ms).
    repeats = []
    for _ in range(RETIER_REPEATS):
        start = time.perf_counter()
        tiering()
        repeats.append(time.perf_counter() - start)
    retier = {"median_ms": statistics.median(repeats) * 1000, "customers": len(ranked)}
    analysis = Analysis(
        settings=settings,
        facts=facts,
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
    print(json.dumps({"steps": steps, "retier": retier}))


def run_child(kind: str, path: Path, *, messy: bool, idle: bool) -> None:
    """Child process entry: imports, then (unless idle) the timed work; one JSON line out."""
    work = _child_imports(kind, messy)
    if kind == "steps":
        work(path)
        return
    start = time.perf_counter()
    if not idle:
        work(path)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rss": _peak_rss_bytes()}))


class ChildFailed(Exception):
    """A child process exited with an error (its stderr is the message)."""


def spawn(kind: str, path: Path, *, messy: bool = False, idle: bool = False) -> dict[str, Any]:
    """Run one fresh child; return its report plus the whole process's wall time."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path)]
    if messy:
        cmd.append("--messy")
    if idle:
        cmd.append("--idle")
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise ChildFailed(f"child {kind} on {path.name} failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["process"] = wall
    return report


# -- report ----------------------------------------------------------------------------------


def machine_line() -> str:
    import numpy
    import pandas
    import pyarrow

    return (
        f"{cpu_and_cores()}; Python {platform.python_version()}, pandas "
        f"{pandas.__version__}, pyarrow {pyarrow.__version__}, numpy {numpy.__version__}"
    )


def _ratio(value: float, base: float | None) -> str:
    return "" if base is None or base <= 0 else f"{value / base:.2f}×"


def _row(
    file: str,
    what: str,
    seconds: float,
    base: float,
    ref_seconds: float | None,
    increase: float,
    peak: float,
    size: int,
) -> list[str]:
    return [
        file,
        what,
        f"{seconds:.2f}",
        _ratio(seconds, base),
        _ratio(seconds, ref_seconds),
        f"{peak / MB:,.0f}",
        f"{increase / size:.1f}×",
    ]


def build_report(
    files: list[Any],
    seed: int,
    runs: int,
    work: dict[str, dict[str, list[dict[str, Any]]]],
    idle: dict[str, list[dict[str, Any]]],
    steps: dict[str, list[dict[str, Any]] | str],
) -> str:
    """The markdown table and the notes under it.

    ``work[file key][kind]`` and ``idle[kind]`` are lists of child reports; ``steps[file key]``
    is the steps child's list, or the reason it failed.
    """
    idle_rss = {k: statistics.median(r["rss"] for r in idle[k]) for k in KINDS}
    med = {
        f.key: {k: statistics.median(r["seconds"] for r in work[f.key][k]) for k in KINDS}
        for f in files
    }
    ref = next((f for f in files if f.key == "clean"), None)
    ref_steps = steps.get("clean") if ref is not None else None
    ref_step_seconds = (
        {s["step"]: s["seconds"] for s in ref_steps} if isinstance(ref_steps, list) else {}
    )
    rows: list[list[str]] = []
    notes: list[str] = []
    for f in files:
        size = f.path(seed).stat().st_size
        base = med[f.key]["pandas"]
        compare = ref is not None and f.key != ref.key
        for k in KINDS:
            peak = statistics.median(r["rss"] for r in work[f.key][k])
            ref_s = med[ref.key][k] if compare else None
            rows.append(
                _row(f.label, LABELS[k], med[f.key][k], base, ref_s, peak - idle_rss[k], peak, size)
            )
        file_steps = steps.get(f.key)
        if isinstance(file_steps, list):
            total = 0.0
            for s in file_steps:
                total += s["seconds"]
                ref_s = ref_step_seconds.get(s["step"]) if compare else None
                label = f"↳ {s['step']}"
                increase = s["rss"] - idle_rss["kadash"]
                rows.append(
                    _row(f.label, label, s["seconds"], base, ref_s, increase, s["rss"], size)
                )
            ref_total = sum(ref_step_seconds.values()) if compare and ref_step_seconds else None
            rows.append(
                [f.label, "↳ sum of the steps", f"{total:.2f}", _ratio(total, base),
                 _ratio(total, ref_total), "", ""]
            )  # fmt: skip
        elif isinstance(file_steps, str):
            notes.append(f"Steps of {f.label} not measured: {file_steps}")
    ref_label = ref.label if ref is not None else "clean file"
    header = [
        "file",
        "what",
        "median time (s)",
        "× naive pandas",
        f"× same row, {ref_label}",
        "peak RSS (MB)",
        "peak RSS increase / file size",
    ]
    file_lines = [
        f"- {f.label}: `{f.path(seed).name}`, {f.lines:,} lines, {f.customers:,} customers, "
        f"{f.path(seed).stat().st_size / MB:,.1f} MB"
        for f in files
    ]
    for f in files:
        if f.messy and ref is not None and f.lines == ref.lines:
            ratio = med[f.key]["kadash"] / med[ref.key]["kadash"]
            verdict = "met" if ratio <= 2 else "NOT met"
            notes.append(
                f"**Messy path vs clean path** (kadash end to end, {f.label} / {ref.label}): "
                f"{med[f.key]['kadash']:.2f} s / {med[ref.key]['kadash']:.2f} s = "
                f"**{ratio:.2f}×** (target ≤ 2×: {verdict})."
            )
    range_text = "; ".join(
        f"{f.label}: "
        + ", ".join(
            f"{k} {min(r['seconds'] for r in work[f.key][k]):.2f}–"
            f"{max(r['seconds'] for r in work[f.key][k]):.2f} s"
            for k in KINDS
        )
        for f in files
    )
    idle_text = ", ".join(
        f"{k} {statistics.median(r['process'] for r in idle[k]):.2f} s / {idle_rss[k] / MB:,.0f} MB"
        for k in KINDS
    )
    process_text = "; ".join(
        f"{f.label}: "
        + ", ".join(
            f"{k} {statistics.median(r['process'] for r in work[f.key][k]):.2f} s" for k in KINDS
        )
        for f in files
    )
    return "\n".join(
        [
            "### Pipeline (`bench/bench_pipeline.py`)",
            "",
            f"Machine: {machine_line()}",
            f"Medians of {runs} run{'s' if runs > 1 else ''}, each in a fresh process. Files:",
            *file_lines,
            "",
            markdown_table(header, rows, text_columns=2),
            "",
            *(n + "\n" for n in notes),
            "Times exclude interpreter start and imports. × naive pandas divides by naive pandas "
            f"on the same file; × same row divides by the same row on {ref_label}. Step rows (↳) "
            "are one in-process run of the same work; their RSS is the process peak so far. "
            "RSS increase = peak minus an idle child with the same imports.",
            f"Run-to-run range of the work time: {range_text}.",
            f"Idle children (start + imports, peak RSS): {idle_text}.",
            f"Whole child process, median wall time incl. start and imports: {process_text}.",
        ]
    )


def targets_report(
    files: list[Any],
    seed: int,
    work: dict[str, dict[str, list[dict[str, Any]]]],
    idle: dict[str, list[dict[str, Any]]],
    retier: dict[str, dict[str, float]],
) -> str:
    """Issue 4's pipeline targets, each with its measured value (the files measured only)."""
    med = {
        f.key: {k: statistics.median(r["seconds"] for r in work[f.key][k]) for k in KINDS}
        for f in files
    }
    peak = {
        f.key: {k: statistics.median(r["rss"] for r in work[f.key][k]) for k in KINDS}
        for f in files
    }
    idle_kadash = statistics.median(r["rss"] for r in idle["kadash"])
    labels = {f.key: f.label for f in files}
    rows: list[list[str]] = []

    def add(target: str, measured: str, met: bool) -> None:
        rows.append([target, measured, "met" if met else "NOT met"])

    for key, limit in (("clean", 1.0), ("10m", 0.7)):
        if key in med:
            ratio = med[key]["kadash"] / med[key]["pandas"]
            add(
                f"end to end ≤ {limit:.1f}× naive pandas, {labels[key]}",
                f"{ratio:.2f}× ({med[key]['kadash']:.2f} s vs {med[key]['pandas']:.2f} s)",
                ratio <= limit,
            )
    if "clean" in med and "messy" in med:
        ratio = med["messy"]["kadash"] / med["clean"]["kadash"]
        add(f"{labels['messy']} ≤ 2× {labels['clean']}", f"{ratio:.2f}×", ratio <= 2)
    if "clean" in med:
        size = next(f for f in files if f.key == "clean").path(seed).stat().st_size
        ratio = (peak["clean"]["kadash"] - idle_kadash) / size
        add(f"peak memory increase ≤ 3× the file, {labels['clean']}", f"{ratio:.1f}×", ratio <= 3)
    if "10m" in med:
        mb = peak["10m"]["kadash"] / MB
        add(
            f"peak memory ≤ 1 GB, {labels['10m']}",
            f"{mb:,.0f} MB (naive pandas {peak['10m']['pandas'] / MB:,.0f} MB)",
            mb <= 1000,
        )
    big = max(retier.values(), key=lambda r: r["customers"], default=None)
    if big is not None:
        add(
            f"re-tier step < 5 ms at {int(big['customers']):,} customers",
            f"{big['median_ms']:.1f} ms (median of {RETIER_REPEATS})",
            big["median_ms"] < 5,
        )
    return "\n".join(
        [
            "### Targets of issue 4 (pipeline; the browser's are in its table)",
            "",
            markdown_table(["target", "measured", ""], rows, text_columns=3),
        ]
    )


# -- command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark kadash against naive pandas and bare pyarrow on synthetic files."
    )
    parser.add_argument(
        "--files",
        default=",".join(DEFAULT_FILES),
        help="comma-separated files to measure, of: clean (UTF-8), messy (Big5), "
        f"10m (clean, {BIG_LINES:,} lines, {BIG_CUSTOMERS:,} customers); default %(default)s",
    )
    parser.add_argument(
        "--size",
        choices=("1m", "10m"),
        default="1m",
        help="10m: also measure the 10,000,000-line file (same as adding 10m to --files)",
    )
    parser.add_argument(
        "--lines", type=int, default=DEFAULT_LINES, help="data lines of the clean and messy files"
    )
    parser.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help="customers of those files"
    )
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per measurement")
    parser.add_argument("--seed", type=int, default=None, help="generator seed")
    parser.add_argument("--no-steps", action="store_true", help="skip the per-step rows")
    parser.add_argument(
        "--regenerate", action="store_true", help="rewrite the data files even if they exist"
    )
    parser.add_argument("--child", choices=(*KINDS, "steps"), help=argparse.SUPPRESS)
    parser.add_argument("--messy", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--idle", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    keys = [k.strip() for k in args.files.split(",") if k.strip()]
    if args.size == "10m":
        keys.append("10m")
    unknown = sorted(set(keys) - set(FILE_KEYS))
    if unknown or not keys:
        parser.error(f"--files takes {', '.join(FILE_KEYS)}; got {args.files!r}")
    args.file_keys = [k for k in FILE_KEYS if k in keys]  # table order
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        run_child(args.child, args.path, messy=args.messy, idle=args.idle)
        return 0

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from datagen import DEFAULT_SEED, DataFile, generate

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    seed = DEFAULT_SEED if args.seed is None else args.seed
    catalogue = {
        "clean": DataFile("clean", args.lines, args.customers, messy=False),
        "messy": DataFile("messy", args.lines, args.customers, messy=True),
        "10m": DataFile("10m", BIG_LINES, BIG_CUSTOMERS, messy=False),
    }
    files = [catalogue[k] for k in args.file_keys]
    for f in files:
        path = f.path(seed)
        if args.regenerate or not path.exists():
            say(f"generating {path.relative_to(ROOT)} …")
            start = time.perf_counter()
            generate(f, seed)
            say(f"  done in {time.perf_counter() - start:.1f} s")
        else:
            say(f"reusing {path.relative_to(ROOT)}")

    work: dict[str, dict[str, list[dict[str, Any]]]] = {
        f.key: {k: [] for k in KINDS} for f in files
    }
    idle: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    for run in range(1, args.runs + 1):
        for kind in KINDS:
            idle[kind].append(spawn(kind, files[0].path(seed), idle=True))
        # Interleaved, so a slow spell of the machine hits every file and kind.
        for f in files:
            for kind in KINDS:
                work[f.key][kind].append(spawn(kind, f.path(seed), messy=f.messy))
                seconds = work[f.key][kind][-1]["seconds"]
                say(f"run {run}/{args.runs} {f.label} {kind}: {seconds:.2f} s")
    steps: dict[str, list[dict[str, Any]] | str] = {}
    retier: dict[str, dict[str, float]] = {}
    if not args.no_steps:
        for f in files:
            say(f"steps of kadash on {f.label}, one run …")
            try:
                report = spawn("steps", f.path(seed), messy=f.messy)
                steps[f.key], retier[f.key] = report["steps"], report["retier"]
            except ChildFailed as err:  # e.g. a step function changed its signature
                last = str(err).strip().splitlines()[-1]
                say(str(err))
                steps[f.key] = f"the steps child failed ({last})"
    print(build_report(files, seed, args.runs, work, idle, steps))
    print()
    print(targets_report(files, seed, work, idle, retier))
    return 0


if __name__ == "__main__":
    sys.exit(main())
