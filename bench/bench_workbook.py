"""Benchmark of the Excel workbook export against pandas' own ``to_excel`` in the same run.

The workbook (:func:`kadash.workbook.tier_workbook`: customers, tiers, policy, settings and
rejected lines, every text cell written as text, formats and fitted widths) is timed on the
customers of a benchmark file, beside ``DataFrame.to_excel(engine="xlsxwriter")`` of the same
customer table: the plain way to write the biggest sheet. Both write with XlsxWriter, which
costs most of the time; the ratio says what kadash adds. Medians of ``--runs`` runs, in this
process (the work is pure Python; nothing is cached between runs).

Run with ``.venv/bin/python bench/bench_workbook.py`` (``--size 10m`` for 200,000 customers).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_and_cores, markdown_table, median_seconds, sized_args, sized_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    args = sized_args(__doc__.splitlines()[0], argv)

    from kadash.export import customers_table
    from kadash.i18n import translator
    from kadash.ingest import load_transactions
    from kadash.report import analyse, tier_names_for
    from kadash.settings import Settings
    from kadash.workbook import tier_workbook

    path, _, _ = sized_file(args.size)
    t = translator()
    analysis = analyse(load_transactions(path), Settings(), t)
    names = tier_names_for(analysis.settings, t)
    table = customers_table(analysis.ranked, analysis.tiers, names, t=t, exact=False)
    cells = table.size

    def plain() -> None:
        table.to_excel(io.BytesIO(), engine="xlsxwriter", index=False)

    def ours() -> None:
        tier_workbook(analysis, t=t, generated="bench")

    print(
        f"workbook on {len(table):,} customers ({cells:,} cells in the customer sheet) …",
        file=sys.stderr,
    )
    baseline = median_seconds(plain, args.runs)
    kadash = median_seconds(ours, args.runs)
    rows = [
        ["pandas to_excel (customer sheet only)", f"{baseline:.2f}", "1.00",
         f"{baseline / cells * 1e6:.1f}"],
        ["kadash workbook (5 sheets, formats, widths)", f"{kadash:.2f}",
         f"{kadash / baseline:.2f}", f"{kadash / cells * 1e6:.1f}"],
    ]  # fmt: skip
    print(f"{cpu_and_cores()}; {len(table):,} customers; median of {args.runs} runs\n")
    print(markdown_table(["export", "seconds", "× pandas", "µs per customer cell"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
