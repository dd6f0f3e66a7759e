"""Command line: ``python -m kadash report PATH [options] [--json]``,
``python -m kadash rfm PATH [--end DATE] --out summary.csv``, ``python -m kadash cluster PATH``
and ``python -m kadash migration PATH --from START:END --to START:END``.

Options live in parent parsers (reading the file: columns, encoding, filters; tiering: basis,
scheme, cut-offs, names), so each subcommand takes the ones it needs. Each subcommand is one
``_run_<name>(args, t)`` function set as its parser's ``run`` default; :func:`main` dispatches
to it. Unusable input exits with status 2 and one line on stderr saying what to fix; never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from kadash.amounts import DECIMAL_MARKS
from kadash.anonymise import anonymise
from kadash.clusters import (
    DEFAULT_FEATURES,
    FEATURES,
    cluster_profiles,
    compare_with_tiers,
    customer_features,
    eligible,
    fit_clusters,
    scan_k,
    suggested_k,
)
from kadash.columns import FIELDS, guess_mapping
from kadash.concentration import top_count
from kadash.customers import filter_transactions
from kadash.dates import DATE_ORDERS
from kadash.errors import KadashError
from kadash.exact import minor_to_decimal
from kadash.export import to_csv_bytes
from kadash.i18n import LANGUAGES, Translator, translator
from kadash.ingest import Loaded, load_transactions
from kadash.parse import ParseResult
from kadash.periods import (
    KINDS,
    LOST,
    NEW,
    Period,
    custom,
    migration,
    migration_by_name,
    migration_summary,
    tiers_by_period,
)
from kadash.report import Analysis, analyse, report_dict, tier_names_for
from kadash.rfm import clv_summary
from kadash.settings import BASES, Settings, as_number
from kadash.tiers import SCHEMES
from kadash.workbook import tier_workbook

__all__ = ["main"]

# Column flags: field → (flag, help). --customer/--date/--amount/--profit as promised.
_COLUMN_FLAGS: dict[str, tuple[str, str]] = {
    "customer_id": ("--customer", "customer id column"),
    "date": ("--date", "date column"),
    "revenue": ("--amount", "amount (revenue) column"),
    "profit": ("--profit", "gross profit column"),
    "order_id": ("--order", "order id column"),
    "customer_name": ("--customer-name", "customer name column"),
    "region": ("--region", "region column"),
    "industry": ("--industry", "industry column"),
    "sales_rep": ("--sales-rep", "sales rep column"),
    "product_line": ("--product-line", "product line column"),
}
assert set(_COLUMN_FLAGS) == set(FIELDS)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exits 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _add_column_options(parent: argparse.ArgumentParser) -> None:
    columns = parent.add_argument_group("columns (auto-detected from the header when omitted)")
    for field, (flag, help_text) in _COLUMN_FLAGS.items():
        columns.add_argument(flag, dest=f"col_{field}", metavar="COL", help=help_text)


def _add_data_options(parent: argparse.ArgumentParser) -> None:
    data = parent.add_argument_group("data")
    data.add_argument("--encoding", help="text encoding, e.g. utf-8, big5, gbk (default: detected)")
    data.add_argument(
        "--delimiter", help="field delimiter: comma, semicolon, tab or pipe (default: sniffed)"
    )
    data.add_argument("--sheet", help="workbook sheet to read (default: the first)")
    data.add_argument(
        "--decimal", choices=DECIMAL_MARKS, help="decimal mark where the file does not show it"
    )
    data.add_argument(
        "--date-order", choices=DATE_ORDERS, help="for NN/NN/YYYY dates the file does not decide"
    )
    data.add_argument("--since", help="first date to include (YYYY-MM-DD)")
    data.add_argument("--until", help="last date to include (YYYY-MM-DD)")
    data.add_argument(
        "--anonymise",
        action="store_true",
        help="show customers as codes by revenue rank (C-0001 the largest), never ids or names",
    )
    parent.add_argument("--lang", choices=tuple(LANGUAGES), default="en", help="output language")
    parent.add_argument("--json", action="store_true", help="print one JSON object")


def _input_options() -> argparse.ArgumentParser:
    """Reading the transactions file as ``report`` does (columns, encoding, filters), plus
    ``--lang`` and ``--json``: for subcommands that do not tier."""
    parent = argparse.ArgumentParser(add_help=False)
    _add_column_options(parent)
    _add_data_options(parent)
    return parent


def _common_options() -> argparse.ArgumentParser:
    """:func:`_input_options` plus the tier settings and the workbook export."""
    parent = argparse.ArgumentParser(add_help=False)
    _add_column_options(parent)
    tiers = parent.add_argument_group("tiers")
    tiers.add_argument("--basis", choices=BASES, help="rank and tier by revenue or gross profit")
    tiers.add_argument("--scheme", choices=tuple(SCHEMES), help="tier scheme (default abc)")
    tiers.add_argument("--cutoffs", help="increasing cumulative bounds, e.g. 0.8,0.95")
    tiers.add_argument(
        "--thresholds",
        help="absolute amounts for --scheme absolute, top tier first, e.g. 1000000,100000",
    )
    tiers.add_argument("--names", help="tier names, comma-separated, e.g. A,B,C")
    tiers.add_argument("--settings", type=Path, help="settings JSON file (flags override it)")
    _add_data_options(parent)
    parent.add_argument(
        "--export",
        type=Path,
        metavar="OUT.xlsx",
        help="also write the Excel workbook: customers with tiers, tier summary, policy, "
        "settings and rejected lines",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m kadash", description="Key-account analytics.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = commands.add_parser(
        "report",
        parents=[_common_options()],
        help="concentration and tiers of a transactions file",
        description="Read a transactions CSV and print concentration and tier figures.",
    )
    report.add_argument("path", type=Path, help="transactions CSV file")
    report.add_argument(
        "--html",
        type=Path,
        metavar="OUT.html",
        help="also write the executive report: one HTML file that opens offline in any browser "
        "(key figures, Pareto, tiers and policy, clusters, migration, at-risk accounts), in the "
        "--lang language",
    )
    report.set_defaults(run=_run_report)
    rfm = commands.add_parser(
        "rfm",
        parents=[_input_options()],
        help="the CLV-ready (buy till you die) summary of a transactions file, as CSV",
        description="Write per customer frequency (purchase days - 1), recency (days from the "
        "first to the last purchase day), T (days from the first purchase day to the end) and "
        "monetary_value (mean net revenue of the repeat purchase days; 0 for one-time buyers), "
        "as lifetimes and pymc-marketing take them.",
    )
    rfm.add_argument("path", type=Path, help="transactions CSV file")
    rfm.add_argument(
        "--end", help="end of the observation period, YYYY-MM-DD (default: the last date)"
    )
    rfm.add_argument(
        "--out", required=True, metavar="OUT.csv", help="CSV file to write; - for stdout"
    )
    rfm.set_defaults(run=_run_rfm)
    cluster = commands.add_parser(
        "cluster",
        parents=[_input_options()],
        help="k-means segments of the customers, compared with the ABC tiers",
        description="Cluster customers with k-means on the chosen features (log1p on the skewed "
        "ones, standardised) and print the clusters in value order, their mean features, the "
        "silhouette, the inertia and the adjusted Rand index against the default ABC tiers.",
    )
    cluster.add_argument("path", type=Path, help="transactions CSV file")
    size = cluster.add_mutually_exclusive_group()
    size.add_argument(
        "--k", type=_cluster_count, default=4, help="number of clusters, 2 to 10 (default 4)"
    )
    size.add_argument(
        "--auto", action="store_true", help="choose k by the highest silhouette over k = 2..10"
    )
    cluster.add_argument(
        "--features",
        default=",".join(DEFAULT_FEATURES),
        help=f"comma-separated, of: {', '.join(FEATURES)} (default %(default)s)",
    )
    cluster.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    cluster.set_defaults(run=_run_cluster)
    moved = commands.add_parser(
        "migration",
        parents=[_common_options()],
        help="how customers moved between the tiers of two periods",
        description="Tier the customers of each period on that period's lines alone (same "
        "scheme and cut-offs; both dates of a period included; the settings' filters apply, "
        "their dates do not) and print the from-tier × to-tier matrix: customers absent from "
        "the first period come from 'new', those absent from the second go to 'lost'. Then the "
        "upgraded / downgraded / new / lost / same-tier counts with their revenue (in the "
        "second period; for lost customers, in the first).",
    )
    moved.add_argument("path", type=Path, help="transactions CSV file")
    moved.add_argument(
        "--from",
        dest="period_from",
        required=True,
        metavar="START:END",
        help="first period, YYYY-MM-DD:YYYY-MM-DD, both dates included",
    )
    moved.add_argument(
        "--to",
        dest="period_to",
        required=True,
        metavar="START:END",
        help="second period, YYYY-MM-DD:YYYY-MM-DD, both dates included",
    )
    moved.set_defaults(run=_run_migration)
    return parser


def _cluster_count(text: str) -> int:
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 2 <= k <= 10:
        raise argparse.ArgumentTypeError(f"k must be 2 to 10; got {k}")
    return k


def _settings_from_args(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if args.settings is not None:
        settings = Settings.from_json(_readable(args.settings).read_bytes())
    if args.anonymise:
        settings = replace(settings, anonymise=True)
    thresholds = None
    if args.thresholds:
        parts = args.thresholds.split(",")
        if any(re.fullmatch(r"\s*0\d\d\s*", p) for p in parts[1:]):  # 1,000,000 or 2,050,000
            raise KadashError("error.thresholds_separator", value=args.thresholds)
        thresholds = tuple(as_number(c) for c in parts)
    if args.scheme:
        settings = settings.with_scheme(args.scheme, thresholds)
    elif thresholds is not None:
        settings = replace(settings, thresholds=thresholds)
    if thresholds is not None and settings.rule != "absolute":
        raise KadashError("error.thresholds_scheme")
    if args.cutoffs and settings.rule in ("absolute", "computed"):
        raise KadashError("error.cutoffs_scheme", scheme=settings.scheme)
    if args.basis:
        settings = replace(settings, basis=args.basis)
    if args.cutoffs:
        settings = replace(settings, cutoffs=tuple(as_number(c) for c in args.cutoffs.split(",")))
    if args.names:
        settings = replace(settings, names=tuple(n.strip() for n in args.names.split(",")))
    for attr, text in (("date_from", args.since), ("date_to", args.until)):
        if text:
            settings = replace(settings, **{attr: _date_arg(text)})
    return settings.validate()


def _date_arg(text: str) -> date:
    """A YYYY-MM-DD flag value as a date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KadashError("error.not_a_date", value=text) from None


#: What the report needs besides the required fields: order ids, regions… are not read.
REPORT_FIELDS = ("profit", "customer_name")


def _progress_on_terminal(path: Path, t: Translator) -> Callable[[str], None] | None:
    """Each loading stage on its own line of stderr, when stderr is a terminal (never in a
    pipe or a log, where only the result or the error belongs)."""
    if not sys.stderr.isatty():
        return None
    try:
        size = f"{path.stat().st_size / 1_000_000:,.1f} MB"
    except OSError:
        size = "?"
    start = time.monotonic()

    def show(stage: str) -> None:
        text = t(f"progress.{stage}", size=size)
        print(f"kadash: {time.monotonic() - start:5.1f} s  {text}", file=sys.stderr, flush=True)

    return show


def _readable(path: Path) -> Path:
    """The path, once it is known to open (a clean CSV is then read without loading it whole)."""
    try:
        with path.open("rb"):
            return path
    except OSError as err:
        raise KadashError("error.cannot_read", path=str(path), detail=err.strerror) from None


def _mapping_from_args(args: argparse.Namespace, header: Sequence[str]) -> dict[str, str]:
    """The guess, overridden by explicit flags (a column named by a flag leaves the guess)."""
    chosen = {f: getattr(args, f"col_{f}") for f in FIELDS if getattr(args, f"col_{f}")}
    guessed = guess_mapping(header)
    return {f: c for f, c in guessed.items() if c not in chosen.values()} | chosen


def _summary_text(analysis: Analysis, source: str, t: Translator) -> str:
    """A readable summary for a terminal."""
    data = report_dict(analysis)
    s, conc = analysis.settings, analysis.concentration
    value = t(f"measure.{s.basis}")
    rejected = ", ".join(f"{k} {v:,}" for k, v in data["rejected_by_reason"].items() if v)
    money = lambda x: "–" if x is None else f"{x:,.2f}"  # noqa: E731
    lines = [
        t("cli.title", source=source),
        t(
            "cli.rows",
            read=t.number(data["rows_read"]),
            accepted=t.number(data["rows_accepted"]),
            rejected=t.number(data["rows_rejected"]),
        )
        + (f" ({rejected})" if rejected else ""),
        t(
            "cli.period",
            start=data["date_min"] or "–",
            end=data["date_max"] or "–",
            customers=t.number(data["customers"]),
        ),
        t("cli.totals", revenue=money(data["total_revenue"]), profit=money(data["total_profit"])),
        "",
        t("cli.concentration", value=value),
        "  "
        + t(
            "overview.top_share_readout",
            p="20%",
            k=t.number(top_count(conc.customers, "0.2")),
            n=t.number(conc.customers),
            share=t.percent(conc.top_share["0.2"]),
            value=value,
        ),
    ]
    k80 = conc.customers_for_share["0.8"]
    if k80 is not None:
        lines.append(
            "  "
            + t.plural(
                "overview.needed_readout",
                k80,
                k=t.number(k80),
                x=t.percent(k80 / conc.customers),
                q="80%",
                value=value,
            )
        )
    lines.append(
        "  "
        + t(
            "cli.indices",
            gini="–" if conc.gini is None else f"{conc.gini:.3f}",
            hhi="–" if conc.hhi is None else f"{conc.hhi * 10_000:,.0f}",
            effective="–"
            if conc.effective_customers is None
            else f"{conc.effective_customers:,.1f}",
        )
    )
    lines.append(
        "  " + t("cli.top_n", shares=" / ".join(t.percent(v) for v in conc.top_n_share.values()))
    )
    lines += [
        "",
        t(
            "cli.tiers",
            scheme=t(f"scheme.{s.scheme}"),
            cutoffs=_bounds_text(analysis, t),
        ),
    ]
    header = (
        t("col.tier"),
        t("col.customers"),
        t("col.customer_share"),
        t("col.revenue"),
        t("col.revenue_share"),
        t("col.profit"),
        t("col.profit_share"),
    )
    rows = [header] + [
        (
            row.name,
            t.number(row.customers),
            t.percent(row.customer_share),
            t.money(row.revenue),
            t.percent(row.revenue_share),
            t.money(row.profit) if analysis.parsed.has_profit else "–",
            t.percent(row.profit_share) if analysis.parsed.has_profit else "–",
        )
        for row in analysis.tier_summary.itertuples(index=False)
    ]
    lines += _aligned(rows)
    return "\n".join(lines)


def _bounds_text(analysis: Analysis, t: Translator) -> str:
    """The bounds in force: cut-offs as percents, or thresholds as amounts."""
    tiering = analysis.tiering
    if tiering.thresholds:
        return ", ".join(t("tiers.at_least", x=t.money(v)) for v in tiering.thresholds)
    return ", ".join(t.percent(float(c), 1) for c in tiering.cutoffs) or "–"


def _width(text: str) -> int:
    """Terminal width of text (CJK characters take two columns)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _no_lines(parsed: ParseResult, t: Translator) -> KadashError:
    """The error for a file with no usable line, naming what went wrong most often."""
    if parsed.rows_read == 0:
        return KadashError("error.no_data_lines")
    counts = parsed.rejected["reason"].value_counts()
    reason = str(counts.index[0])
    example = parsed.rejected.loc[parsed.rejected["reason"] == reason].iloc[0]
    return KadashError(
        "error.no_lines_reason",
        read=parsed.rows_read,
        reason=t(f"reason.{reason}"),
        line=int(example["line"]),
        fix=t(f"fix.{reason}"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args, translator(args.lang))
    except (KadashError, ValueError) as err:
        # A KadashError says what to fix; any other ValueError also gets one line, not a
        # traceback: the input is what went wrong.
        # In the output language: the error's English text is str(err).
        shown = (
            translator(args.lang).error(err, markdown=False, app=False)
            if isinstance(err, KadashError)
            else err
        )
        print(f"kadash: error: {shown}", file=sys.stderr)
        return 2


def _load(
    args: argparse.Namespace,
    t: Translator,
    fields: Sequence[str] | None,
    *,
    anonymous: bool = False,
) -> Loaded:
    """Read the file named on the command line with the column and format flags; customers
    coded (:mod:`kadash.anonymise`) with ``--anonymise`` or settings that say so."""
    loaded = load_transactions(
        _readable(args.path),
        lambda header: _mapping_from_args(args, header),
        encoding=args.encoding,
        delimiter=args.delimiter,
        sheet=args.sheet,
        decimal=args.decimal,
        date_order=args.date_order,
        progress=_progress_on_terminal(args.path, t),
        fields=fields,
    )
    if anonymous or args.anonymise:
        return replace(loaded, parsed=anonymise(loaded.parsed))
    return loaded


def _run_report(args: argparse.Namespace, t: Translator) -> int:
    """``report``: concentration and tiers, as text or JSON (and the workbook)."""
    settings = _settings_from_args(args)
    # The workbook lists every attribute of a customer; the report needs only these.
    fields = None if args.export else REPORT_FIELDS + tuple(settings.filter_map)
    loaded = _load(args, t, fields, anonymous=settings.anonymise)
    analysis = analyse(loaded, settings, t)
    if analysis.parsed.rows_accepted == 0:
        raise _no_lines(analysis.parsed, t)
    if args.export:
        _write_workbook(args.export, analysis, t)
    if args.html:
        _write_html(args.html, loaded, settings, t, source=args.path.name)
    if args.json:
        data = report_dict(analysis) | ({"export": str(args.export)} if args.export else {})
        data |= {"html": str(args.html)} if args.html else {}
        print(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(_summary_text(analysis, args.path.name, t))
        if args.export:
            print(t("cli.exported", path=str(args.export)))
        if args.html:
            print(t("report.cli_written", path=str(args.html)))
    return 0


def _run_rfm(args: argparse.Namespace, t: Translator) -> int:
    """``rfm``: the CLV summary as CSV. With ``--out -`` the CSV is all stdout carries; the
    confirmation line then goes to stderr."""
    end = _date_arg(args.end) if args.end else None
    since = _date_arg(args.since) if args.since else None
    until = _date_arg(args.until) if args.until else None
    parsed = _load(args, t, ()).parsed  # the required fields are all the summary reads
    if parsed.rows_accepted == 0:
        raise _no_lines(parsed, t)
    lines = filter_transactions(parsed.transactions, date_from=since, date_to=until)
    summary = clv_summary(lines, end=end)
    data = to_csv_bytes(summary)
    to_stdout = args.out == "-"
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            Path(args.out).write_bytes(data)
        except OSError as err:
            raise KadashError("error.cannot_write", path=args.out, detail=err.strerror) from None
    n = len(summary)
    if args.json:
        message = json.dumps({"customers": n, "out": args.out}, ensure_ascii=False)
    else:
        message = t.plural("cli.rfm_wrote", n, n=t.number(n), path=args.out)
    print(message, file=sys.stderr if to_stdout else sys.stdout)
    return 0


def _run_cluster(args: argparse.Namespace, t: Translator) -> int:
    """``cluster``: k-means segments in value order, against the default ABC tiers."""
    chosen = tuple(f.strip() for f in args.features.split(",") if f.strip())
    since = _date_arg(args.since) if args.since else None
    until = _date_arg(args.until) if args.until else None
    settings = Settings(date_from=since, date_to=until)  # the default ABC tiers
    fields = ("profit",) if {"profit", "margin"} & set(chosen) else ()
    loaded = _load(args, t, fields)
    analysis = analyse(loaded, settings, t)
    if analysis.parsed.rows_accepted == 0:
        raise _no_lines(analysis.parsed, t)
    if {"profit", "margin"} & set(chosen) and not analysis.parsed.has_profit:
        raise KadashError("error.no_profit_column")
    features = customer_features(analysis.ranked)
    scan, k = None, args.k
    if args.auto:
        scan = scan_k(features, chosen, seed=args.seed, threads=1)
        found = suggested_k(scan)
        if found is None:
            kept = int((eligible(features, chosen) == "").sum())
            raise KadashError("error.cluster_auto_none", n=kept)
        k = found
    fit = fit_clusters(features, chosen, k, seed=args.seed)
    if scan is not None:  # the scan scored this k already
        fit = replace(fit, silhouette=float(scan.loc[scan["k"] == k, "silhouette"].iloc[0]))
    revenue = analysis.ranked["revenue"].to_numpy()
    comparison = compare_with_tiers(fit, analysis.tiers, revenue, analysis.settings.tier_count)
    profiles = cluster_profiles(features, fit, chosen)
    reasons = eligible(features, chosen)
    data = {
        "k": k,
        "features": list(chosen),
        "seed": args.seed,
        "customers": len(features),
        "clustered": int(fit.kept.sum()),
        "left_out": {r: int((reasons == r).sum()) for r in ("no_revenue", "missing")},
        "clusters": [
            {
                "cluster": int(row["cluster"]),
                "customers": int(row["customers"]),
                "customer_share": _finite(row["customer_share"]),
                "revenue_share": _finite(row["revenue_share"]),
                "means": {f: _finite(row[f"{f}_mean"]) for f in chosen},
            }
            for _, row in profiles.iterrows()
        ],
        "silhouette": None if np.isnan(fit.silhouette) else fit.silhouette,
        "inertia": fit.inertia,
        "ari_abc": comparison.ari,
        "suggested_k": k if args.auto else None,
        "scan": None
        if scan is None
        else [
            {"k": int(r.k), "inertia": float(r.inertia), "silhouette": _finite(r.silhouette)}
            for r in scan.itertuples()
        ],
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(_cluster_text(data, args.path.name, t))
    return 0


def _finite(value: float) -> float | None:
    """A number for JSON: ``None`` (null) for NaN, e.g. the means of an empty cluster."""
    return None if np.isnan(value) else float(value)


def _cluster_text(data: dict, source: str, t: Translator) -> str:
    """The cluster report for a terminal."""
    left = data["left_out"]
    lines = [
        t("cli.cluster_title", source=source),
        t(
            "cli.cluster_kept",
            clustered=t.number(data["clustered"]),
            customers=t.number(data["customers"]),
            no_revenue=t.number(left["no_revenue"]),
            missing=t.number(left["missing"]),
        ),
        t(
            "cli.cluster_fit",
            k=data["k"],
            features=", ".join(data["features"]),
            silhouette=t.number(data["silhouette"], 3),
            inertia=t.number(data["inertia"], 1),
            ari=t.number(data["ari_abc"], 3),
        ),
    ]
    if data["scan"] is not None:
        scores = ", ".join(f"{r['k']}: {t.number(r['silhouette'], 3)}" for r in data["scan"])
        lines.append(t("cli.cluster_auto", k=data["k"], scores=scores))
    header = [t("cli.cluster_col"), t("col.customers"), t("col.customer_share")]
    header += [t("col.revenue_share"), *data["features"]]
    rows = [header] + [
        [
            str(c["cluster"]),
            t.number(c["customers"]),
            t.percent(c["customer_share"]),
            t.percent(c["revenue_share"]),
            *(t.number(v, 1) for v in c["means"].values()),
        ]
        for c in data["clusters"]
    ]
    lines += _aligned(rows)
    return "\n".join(lines)


def _write_workbook(path: Path, analysis: Analysis, t: Translator) -> None:
    """Write the Excel workbook, or say in one line why it cannot be written."""
    if path.suffix.lower() != ".xlsx":
        raise KadashError("error.export_suffix", path=str(path))
    data = tier_workbook(
        analysis, t=t, generated=datetime.now().astimezone().isoformat(timespec="seconds")
    )
    try:
        path.write_bytes(data)
    except OSError as err:
        raise KadashError("error.cannot_write", path=str(path), detail=err.strerror) from None


def _write_html(
    path: Path, loaded: Loaded, settings: Settings, t: Translator, *, source: str
) -> None:
    """Write the executive report, or say in one line why it cannot be written."""
    if path.suffix.lower() not in (".html", ".htm"):
        raise KadashError("report.error_suffix", path=str(path))
    # Imported here: plotly (and plotly.js) is loaded only by the command that draws.
    from kadash.html_report import executive_report

    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    document = executive_report(loaded, settings, t, generated=stamp, source_name=source)
    try:
        path.write_text(document, encoding="utf-8")
    except OSError as err:
        raise KadashError("error.cannot_write", path=str(path), detail=err.strerror) from None


def _period_arg(text: str) -> Period:
    """A ``START:END`` flag value (two YYYY-MM-DD dates) as a period."""
    parts = text.split(":")
    if len(parts) != 2:
        raise KadashError("error.period_range", value=text)
    try:
        start, end = (date.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise KadashError("error.period_range", value=text) from None
    return custom(start, end)


def _period_dict(period: Period, tiers: pd.DataFrame) -> dict:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": period.label,
        "customers": len(tiers),
        "revenue": float(minor_to_decimal(int(tiers["revenue"].sum()))),
    }


def _run_migration(args: argparse.Namespace, t: Translator) -> int:
    """``migration``: the from-tier × to-tier matrix between two periods, as text or JSON."""
    if args.export:
        raise KadashError("error.migration_export")
    if args.since or args.until:
        raise KadashError("error.migration_dates")
    first_period, second_period = _period_arg(args.period_from), _period_arg(args.period_to)
    settings = _settings_from_args(args)
    names = tier_names_for(settings, t)
    fields = REPORT_FIELDS + tuple(settings.filter_map)
    parsed = _load(args, t, fields, anonymous=settings.anonymise).parsed
    if parsed.rows_accepted == 0:
        raise _no_lines(parsed, t)
    lines = parsed.transactions
    first = tiers_by_period(lines, first_period, settings)
    second = tiers_by_period(lines, second_period, settings)
    if first.empty and second.empty:
        days = lines["date"]
        raise KadashError(
            "error.periods_empty",
            first=first_period.label,
            second=second_period.label,
            start=t.date(days.min()),
            end=t.date(days.max()),
        )
    moves = migration(first, second, settings.tier_count)
    matrix = migration_by_name(moves, names)  # checks the names key the matrix uniquely
    summary = migration_summary(moves)
    money = lambda minor: float(minor_to_decimal(int(minor)))  # noqa: E731
    if args.json:
        revenue = moves.revenue.to_numpy()
        rows, columns = list(matrix), list(next(iter(matrix.values())))
        data = {
            "settings": settings.to_dict(),
            "basis": settings.basis,
            "tiers": names,
            "from": _period_dict(first_period, first),
            "to": _period_dict(second_period, second),
            "matrix": matrix,
            "revenue_matrix": {
                r: {c: money(revenue[i, j]) for j, c in enumerate(columns)}
                for i, r in enumerate(rows)
            },
            "summary": {
                kind: {"customers": v["customers"], "revenue": money(v["revenue"])}
                for kind, v in summary.items()
            },
        }
        print(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
        return 0
    shown = {NEW: t("periods.new"), LOST: t("periods.lost")}
    header = ["", *(shown.get(c, c) for c in next(iter(matrix.values())))]
    table = [header] + [
        [shown.get(r, r), *(t.number(n) for n in row.values())] for r, row in matrix.items()
    ]
    kinds = [["", t("cli.migration_customers"), t("cli.migration_revenue")]] + [
        [
            t(f"periods.kind.{kind}"),
            t.number(summary[kind]["customers"]),
            t.money(summary[kind]["revenue"], 2),
        ]
        for kind in KINDS
    ]
    lines_out = [
        t("cli.migration_title", source=args.path.name),
        t(
            "cli.migration_periods",
            first=first_period.label,
            first_customers=t.number(len(first)),
            second=second_period.label,
            second_customers=t.number(len(second)),
            scheme=t(f"scheme.{settings.scheme}"),
        ),
        "",
        t("cli.migration_matrix"),
        *_aligned(table),
        "",
        t("cli.migration_moves"),
        *_aligned(kinds),
    ]
    print("\n".join(lines_out))
    return 0


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as indented lines: the first column left-aligned, the others right."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [r[0] + " " * (widths[0] - _width(r[0]))]
        cells += [" " * (widths[i] - _width(r[i])) + r[i] for i in range(1, len(r))]
        out.append(("  " + "  ".join(cells)).rstrip())
    return out
