"""What the benchmark scripts share: the machine line, markdown tables readable as text, a
median timer, and the generated benchmark files by size with the options that pick one."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def cpu_and_cores() -> str:
    """``"CPU <model>, <n> cores"``: the model from ``/proc/cpuinfo`` where there is one, and
    the cores this process may use."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"CPU {cpu}, {cores} cores"


def markdown_table(header: list[str], rows: list[list[str]], text_columns: int = 1) -> str:
    """A markdown table padded for reading as text; the first ``text_columns`` are left-aligned,
    the rest (numbers) right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = [False] * text_columns + [True] * (len(header) - text_columns)

    def fmt(row: list[str]) -> str:
        cells = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)
        ]
        return "| " + " | ".join(cells) + " |"

    rule = ["-" * (w - 1) + ":" if r else "-" * w for w, r in zip(widths, right, strict=True)]
    return "\n".join([fmt(header), "| " + " | ".join(rule) + " |", *(fmt(r) for r in rows)])


def median_seconds(work: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls of ``work``, in this process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sized_file(size: str) -> tuple[Path, int, int]:
    """The clean benchmark file of ``size`` (``"1m"``: 1,000,000 lines and 20,000 customers;
    ``"10m"``: 10,000,000 and 200,000), generated the first time: its path, lines, customers."""
    from datagen import DEFAULT_SEED, DataFile, generate

    lines, customers = (1_000_000, 20_000) if size == "1m" else (10_000_000, 200_000)
    data = DataFile(size, lines, customers, messy=False)
    path = data.path(DEFAULT_SEED)
    if not path.exists():
        print(f"generating {path.name} …", file=sys.stderr)
        generate(data, DEFAULT_SEED)
    return path, lines, customers


def sized_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    """The options of a benchmark over one :func:`sized_file`: ``--size`` and ``--runs``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", choices=("1m", "10m"), default="1m", help="benchmark file")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    return parser.parse_args(argv)
