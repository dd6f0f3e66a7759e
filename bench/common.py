"""What both benchmark scripts print: the machine, and markdown tables readable as text."""

from __future__ import annotations

import contextlib
import os
import platform
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
