"""Benchmark of the workshop features against loading the same file, in the same run.

Anonymising (:func:`kadash.anonymise.anonymise`: every customer id and name of the parse
coded by revenue rank) runs once per file when the switch is on; the executive report
(:func:`kadash.html_report.executive_report`: KPIs, Pareto, tiers, a k-means fit, migration
and at-risk accounts, plotly.js inlined) runs once per click. Both are set against the load
of the file (:func:`kadash.ingest.load_transactions`), which the user has already waited for:
the ratios say how much longer the switch or the click takes. Medians of ``--runs`` runs in
this process.

Run with ``.venv/bin/python bench/bench_workshop.py`` (``--size 10m`` for 200,000 customers).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_and_cores, markdown_table, median_seconds, sized_args, sized_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    args = sized_args(__doc__.splitlines()[0], argv)

    from kadash.anonymise import anonymise
    from kadash.html_report import executive_report
    from kadash.i18n import translator
    from kadash.ingest import load_transactions
    from kadash.settings import Settings

    path, lines, customers = sized_file(args.size)
    print(f"workshop features on {lines:,} lines, {customers:,} customers …", file=sys.stderr)
    loaded = load_transactions(path)
    load = median_seconds(lambda: load_transactions(path), args.runs)
    coded = median_seconds(lambda: anonymise(loaded.parsed), args.runs)
    size = 0

    def report() -> None:
        nonlocal size
        html = executive_report(
            loaded, Settings(), translator("zh-Hant"), generated="bench", source_name=path.name
        )
        size = len(html.encode("utf-8"))

    made = median_seconds(report, args.runs)
    rows = [
        ["load the file (baseline)", f"{load:.2f}", "1.00"],
        ["anonymise the parse", f"{coded:.2f}", f"{coded / load:.2f}"],
        [f"executive report, zh-Hant ({size / 1e6:.1f} MB)", f"{made:.2f}", f"{made / load:.2f}"],
    ]
    print(f"{cpu_and_cores()}; {lines:,} lines; median of {args.runs} runs\n")
    print(markdown_table(["step", "seconds", "× load"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
