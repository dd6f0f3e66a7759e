"""The Excel workbook: one file an executive can open and present.

:func:`tier_workbook` puts one analysis in five sheets — customers with their tiers and key
figures, the tier summary, the tier policy, the settings used (with facts about the source)
and the rejected input lines. :func:`workbook_bytes` is the writer under it: any list of
:class:`Sheet` objects, written with XlsxWriter with formatted numbers, a frozen bold header
row with a filter, and column widths fitted to the content.

Text stays text. The workbook is written with XlsxWriter's ``strings_to_formulas``,
``strings_to_numbers`` and ``strings_to_urls`` off, and every text cell with ``write_string``:
a cell holding ``=1+2``, ``-5``, ``@SUM(A1)`` or ``00042`` is stored as that string (an
``.xlsx`` file says which cells are strings, so Excel never evaluates them and no ``'``
prefix is needed — unlike CSV, where :func:`kadash.export.to_csv_bytes` neutralises them).
"""

from __future__ import annotations

import io
import math
import numbers
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from kadash.concentration import positive_total
from kadash.export import customers_table, rejected_table, tiers_table
from kadash.i18n import Translator
from kadash.policy import PolicyRow, policy_for
from kadash.report import Analysis, tier_names_for
from kadash.settings import Settings
from kadash.tiers import tier_ids

__all__ = [
    "EXCEL_MAX_ROWS",
    "MAX_COLUMN_WIDTH",
    "Sheet",
    "excel_sheet_name",
    "policy_table",
    "settings_table",
    "tier_workbook",
    "workbook_bytes",
]

#: Rows in one Excel sheet, header included.
EXCEL_MAX_ROWS = 1_048_576
#: Widest a fitted column gets (in Excel's character units); longer text is cut off on screen.
MAX_COLUMN_WIDTH = 60
_MIN_COLUMN_WIDTH = 6
_FILTER_BUTTON = 3  # room for the autofilter arrow in a header cell
_SHEET_NAME_LIMIT = 31
_SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_HEADER_FILL = "#DDEBF7"

#: Fact keys shown in the settings sheet, and the messages that label them; any other key is
#: shown under its own name.
_FACT_LABELS: dict[str, str] = {
    "source": "workbook.fact.source",
    "format": "data.format",
    "sheet": "data.sheet",
    "encoding": "data.encoding",
    "decimal_mark": "data.choose_decimal",
    "date_order": "data.choose_date_order",
    "currency": "workbook.fact.currency",
    "rows_read": "data.rows_read",
    "rows_accepted": "data.rows_accepted",
    "rows_rejected": "data.rows_rejected",
    "version": "workbook.fact.version",
    "generated": "workbook.fact.generated",
}


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a table and how to format its columns.

    Attributes
    ----------
    name
        The sheet's name; made valid for Excel on writing (see :func:`excel_sheet_name`).
    frame
        The table; its column names are the header row.
    money, percent, integer
        Columns formatted ``#,##0.00``, ``0.0%`` (values are fractions: 0.8 shows 80.0%) and
        ``#,##0``.
    text
        Columns written as text whatever their values (ids: ``00042`` stays ``00042``), with
        Excel's text format so a typed-over cell stays text too.
    title
        A bold line above the header, or ``None`` for the header on the first row.
    """

    name: str
    frame: pd.DataFrame
    money: Sequence[str] = ()
    percent: Sequence[str] = ()
    integer: Sequence[str] = ()
    text: Sequence[str] = ()
    title: str | None = None


# -- sheet names --------------------------------------------------------------------------
def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    """The longest start of ``text`` within ``limit`` UTF-16 units (Excel counts those)."""
    out = text
    while _utf16_len(out) > limit:
        out = out[:-1]
    return out


def excel_sheet_name(name: str, taken: Collection[str] = ()) -> str:
    """A valid, unused Excel sheet name close to ``name``.

    Excel refuses names longer than 31 characters, holding any of ``[]:*?/\\``, starting or
    ending with ``'``, blank, or called ``History``; names are compared ignoring case. Each
    forbidden character becomes ``_``, the name is cut to 31 characters, and a name already in
    ``taken`` gets `` (2)``, `` (3)`` … (within the 31).

    Parameters
    ----------
    name
        The wanted name (often translated, or taken from data).
    taken
        Names already used in the workbook.

    Returns
    -------
    str
        The name to use.
    """
    clean = "".join("_" if ch in _SHEET_NAME_FORBIDDEN or ch < " " else ch for ch in name)
    clean = _cut(clean.strip().strip("'").strip(), _SHEET_NAME_LIMIT).strip().strip("'")
    if not clean or clean.casefold() == "history":
        clean = f"{clean}_" if clean else "Sheet"
    used = {n.casefold() for n in taken}
    out, n = clean, 1
    while out.casefold() in used:
        n += 1
        suffix = f" ({n})"
        out = _cut(clean, _SHEET_NAME_LIMIT - len(suffix)).rstrip().rstrip("'") + suffix
    return out


# -- tables -------------------------------------------------------------------------------
def _label(t: Translator, key: str, default: str) -> str:
    return t(key) if t.has(key) else default


def policy_table(rows: Sequence[PolicyRow], names: Sequence[str], *, t: Translator) -> pd.DataFrame:
    """The tier policy as a table with translated headers.

    Parameters
    ----------
    rows
        One :class:`~kadash.policy.PolicyRow` per tier, top tier first, every field filled
        (:func:`kadash.policy.policy_for`).
    names
        Tier display names, one per row.
    t
        Translator for the headers and the cadence names (``cadence.<key>``).

    Returns
    -------
    pandas.DataFrame
        Tier id, tier, relationship owner, service package, review cadence (translated) and
        notes.

    Raises
    ------
    ValueError
        If there are not as many names as rows.
    """
    if len(names) != len(rows):
        raise ValueError(
            f"The policy has {len(rows)} rows but {len(names)} tier names were given; "
            "give one name per row."
        )
    return pd.DataFrame(
        {
            t("col.tier_id"): pd.array(tier_ids(len(rows)), dtype="str"),
            t("col.tier"): pd.array(list(names), dtype="str"),
            t("policy.col_owner"): pd.array([r.owner for r in rows], dtype="str"),
            t("policy.col_service"): pd.array([r.service for r in rows], dtype="str"),
            t("policy.col_cadence"): pd.array(
                [t(f"cadence.{r.cadence}") if r.cadence else "" for r in rows], dtype="str"
            ),
            t("policy.col_notes"): pd.array([r.notes for r in rows], dtype="str"),
        }
    )


def _percent_text(cutoff: float | str) -> str:
    """A cut-off as a percent with the decimals it needs (0.8 → ``80%``, 0.975 → ``97.5%``)."""
    return f"{(Decimal(str(cutoff)) * 100).normalize():f}%"


def _amount_text(t: Translator, amount: float) -> str:
    return t.number(amount, 0 if float(amount).is_integer() else 2)


def _bounds_row(settings: Settings, t: Translator) -> tuple[str, str]:
    measure = t(f"measure.{settings.basis}")
    rule = settings.rule
    if rule == "absolute":
        label = t("workbook.setting.thresholds", value=measure)
        return label, " / ".join(_amount_text(t, x) for x in settings.thresholds)
    if rule == "count":
        label = t("workbook.setting.cutoffs_count")
    else:
        label = t("workbook.setting.cutoffs", value=measure)
    if rule == "computed":
        return label, t("workbook.value.computed")
    return label, " / ".join(_percent_text(c) for c in settings.cutoffs)


def _fact_value(t: Translator, key: str, value: object) -> object:
    """A fact as shown: a file format or an encoding in words, anything else as it is."""
    words = {
        "format": f"data.format_{value}",
        "encoding": f"encoding.{value}",
        "decimal_mark": f"data.decimal_short.{value}",
        "date_order": f"data.date_order_short.{value}",
    }.get(key)
    if isinstance(value, str) and words is not None and t.has(words):
        return t(words)
    return value


def settings_table(
    settings: Settings, *, t: Translator, facts: Mapping[str, object] | None = None
) -> pd.DataFrame:
    """The settings of an analysis as a readable two-column table (setting, value).

    Rows: the tier scheme, the measure, the cut-offs (as percents) or thresholds (as
    amounts), the tier names, the date range, the filters, the policy's limit of top-tier
    accounts per sales rep; then each of ``facts``, in their order.

    Parameters
    ----------
    settings
        The settings the analysis ran with.
    t
        Translator for labels and values.
    facts
        Facts about the source and the export, shown after the settings; ``None`` values are
        left out. Known keys get translated labels: ``source`` (file name), ``format``,
        ``sheet``, ``encoding``, ``rows_read``, ``rows_accepted``, ``rows_rejected``,
        ``version``, ``generated`` (the caller's timestamp: this function reads no clock).
        Other keys are shown under their own names.

    Returns
    -------
    pandas.DataFrame
        Columns *setting* and *value* (translated headers); values are text or numbers.
    """
    rows: list[tuple[str, object]] = [
        (t("tiers.scheme"), t(f"scheme.{settings.scheme}")),
        (t("basis.label"), t(f"basis.{settings.basis}")),
        _bounds_row(settings, t),
        (t("workbook.setting.tier_names"), " / ".join(tier_names_for(settings, t))),
    ]
    if settings.date_from is None and settings.date_to is None:
        dates = t("workbook.value.all_dates")
    else:
        start = settings.date_from.isoformat() if settings.date_from else "…"
        end = settings.date_to.isoformat() if settings.date_to else "…"
        dates = t("filters.range", start=start, end=end)
    rows.append((t("filters.dates"), dates))
    if settings.filters:
        for name, values in settings.filters:
            field = t(f"field.{name}")
            rows.append((t("workbook.setting.filter", field=field), ", ".join(values)))
    else:
        rows.append((t("filters.title"), t("workbook.value.no_filters")))
    rows.append((t("capacity.limit"), int(settings.top_accounts)))
    for key, value in (facts or {}).items():
        if value is not None:
            rows.append((_label(t, _FACT_LABELS.get(key, ""), key), _fact_value(t, key, value)))
    return pd.DataFrame(
        {
            t("workbook.col.setting"): pd.array([r[0] for r in rows], dtype="str"),
            t("workbook.col.value"): pd.array([r[1] for r in rows], dtype=object),
        }
    )


# -- the writer ---------------------------------------------------------------------------
def _cell_width(text: str) -> int:
    """Display width of text: wide (CJK, full-width) characters count double."""
    if text.isascii() and "\n" not in text:
        return len(text)
    longest = 0
    for line in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        longest = max(longest, width)
    return longest


def _number_width(low: float, high: float, kind: str | None) -> int:
    """Width of the widest of a column's numbers as shown (the extremes are the widest)."""

    def shown(x: float) -> str:
        if kind == "money":
            return f"{x:,.2f}"
        if kind == "percent":
            return f"{x * 100:.1f}%"
        if kind == "integer":
            return f"{x:,.0f}"
        return repr(int(x)) if x.is_integer() else repr(x)[:15]  # General shows ~11 digits

    return max(len(shown(low)), len(shown(high)))


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))  # NaN, and infinities Excel cannot store
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return False


def _as_datetime(value: object) -> datetime | date | None:
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return value
    return None


class _Writer:
    """Writes the columns of one workbook with shared formats, measuring their widths."""

    def __init__(self, book: Any) -> None:
        self.formats = {
            "money": book.add_format({"num_format": MONEY_FORMAT}),
            "percent": book.add_format({"num_format": PERCENT_FORMAT}),
            "integer": book.add_format({"num_format": INTEGER_FORMAT}),
            "text": book.add_format({"num_format": "@"}),
            "date": book.add_format({"num_format": DATE_FORMAT}),
            "datetime": book.add_format({"num_format": DATETIME_FORMAT}),
        }
        self.header = book.add_format(
            {"bold": True, "bg_color": _HEADER_FILL, "bottom": 1, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})

    def column(self, ws: Any, first: int, col: int, series: pd.Series, kind: str | None) -> int:
        """Write one column's values from row ``first`` down; return their widest width."""
        values = series.to_numpy()
        fmt = self.formats.get(kind) if kind else None
        if kind != "text" and values.dtype.kind in "iuf":  # plain numbers: the fast way
            floats = values.astype(np.float64)
            finite = np.isfinite(floats)
            if not finite.any():
                return 0
            rows = (np.flatnonzero(finite) + first).tolist()
            for row, number in zip(rows, values[finite].tolist(), strict=True):
                ws.write_number(row, col, number, fmt)
            return _number_width(floats[finite].min(), floats[finite].max(), kind)
        widest, low, high = 0, math.inf, -math.inf
        # pandas' own boxing: Timestamps, not numpy's nanosecond integers, for datetimes.
        for row, value in enumerate(series.to_numpy(dtype=object).tolist(), start=first):
            if _is_missing(value):
                continue
            if kind == "text" or isinstance(value, str):
                text = value if isinstance(value, str) else str(value)
                ws.write_string(row, col, text, fmt)
                widest = max(widest, _cell_width(text))
            elif isinstance(value, bool | np.bool_):
                ws.write_boolean(row, col, bool(value))
                widest = max(widest, 5)
            elif (when := _as_datetime(value)) is not None:
                timed = isinstance(when, datetime) and when.time() != time(0)
                ws.write_datetime(row, col, when, self.formats["datetime" if timed else "date"])
                widest = max(widest, 16 if timed else 10)
            elif isinstance(value, Decimal | numbers.Real):
                number = float(value)  # type: ignore[arg-type]
                if math.isfinite(number):
                    ws.write_number(row, col, number, fmt)
                    low, high = min(low, number), max(high, number)
            else:
                text = str(value)
                ws.write_string(row, col, text)
                widest = max(widest, _cell_width(text))
        if low <= high:
            widest = max(widest, _number_width(low, high, kind))
        return widest


def _column_kinds(sheet: Sheet) -> list[str | None]:
    columns = [str(c) for c in sheet.frame.columns]
    kinds: dict[str, str] = {}
    for kind in ("money", "percent", "integer", "text"):
        chosen = getattr(sheet, kind)
        unknown = [c for c in chosen if c not in columns]
        if unknown:
            raise ValueError(
                f"Sheet {sheet.name!r} formats {kind} columns it does not have: "
                f"{', '.join(map(repr, unknown))}. Its columns are: {', '.join(columns)}."
            )
        for c in chosen:
            if c in kinds:
                raise ValueError(
                    f"Sheet {sheet.name!r} gives column {c!r} two formats: {kinds[c]} and {kind}."
                )
            kinds[c] = kind
    return [kinds.get(c) for c in columns]


def _check_sheet(sheet: Sheet) -> list[str | None]:
    """The format of each column; raise ``ValueError`` if the sheet cannot be written."""
    kinds = _column_kinds(sheet)
    room = EXCEL_MAX_ROWS - (2 if sheet.title else 1)
    if len(sheet.frame) > room:
        raise ValueError(
            f"Sheet {sheet.name!r} has {len(sheet.frame):,} rows; an Excel sheet holds at most "
            f"{room:,} under its header. Narrow the data first."
        )
    return kinds


def _write_sheet(writer: _Writer, ws: Any, sheet: Sheet, kinds: list[str | None]) -> None:
    frame = sheet.frame
    header_row = 0
    if sheet.title:
        ws.write_string(0, 0, sheet.title, writer.title)
        ws.set_row(0, 22)
        header_row = 1
    rows, cols = frame.shape
    for j in range(cols):
        name = str(frame.columns[j])
        ws.write_string(header_row, j, name, writer.header)
        width = max(
            _cell_width(name) + _FILTER_BUTTON,
            writer.column(ws, header_row + 1, j, frame.iloc[:, j], kinds[j]),
        )
        width = min(max(width + 1, _MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
        ws.set_column(j, j, width, writer.formats["text"] if kinds[j] == "text" else None)
    if cols:
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, header_row + rows, cols - 1)
        ws.repeat_rows(header_row)  # printed: the header on every page
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed: as wide as one page, as long as it takes


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Write sheets as one ``.xlsx`` workbook, ready to present.

    Each sheet gets a bold, filled header row that stays in view (frozen) with a filter on it,
    columns as wide as their content (wide CJK characters count double; at most
    :data:`MAX_COLUMN_WIDTH`), and its columns' formats: money ``#,##0.00``, percent
    ``0.0%``, integers ``#,##0``. Values are written by type: :class:`~decimal.Decimal` and
    other numbers as numbers, dates as dates, ``None``/NaN as empty cells, and every ``str``
    with ``write_string`` — so ``=1+2``, ``-5``, ``+1``, ``@x``, a leading tab or ``00042``
    stay exactly that text. Unlike CSV, no ``'`` prefix is needed: an ``.xlsx`` file marks each
    cell's type and Excel never reads a string cell as a formula, number or link (the CSV
    writer, :func:`kadash.export.to_csv_bytes`, keeps its own neutralising). Sheet names are
    made valid for Excel (:func:`excel_sheet_name`).

    Parameters
    ----------
    sheets
        The sheets, in order.

    Returns
    -------
    bytes
        The workbook file.

    Raises
    ------
    ValueError
        If there is no sheet, a sheet formats a column it does not have (or one column two
        ways), or a table has more rows than an Excel sheet holds.
    """
    if not sheets:
        raise ValueError("A workbook needs at least one sheet.")
    kinds = [_check_sheet(sheet) for sheet in sheets]  # every error before any writing
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        writer = _Writer(book)
        taken: list[str] = []
        for sheet, sheet_kinds in zip(sheets, kinds, strict=True):
            name = excel_sheet_name(sheet.name, taken)
            taken.append(name)
            _write_sheet(writer, book.add_worksheet(name), sheet, sheet_kinds)
    finally:
        book.close()
    return buffer.getvalue()


# -- the analysis workbook ----------------------------------------------------------------
def _present(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c in frame.columns]


def _customers_sheet(analysis: Analysis, names: list[str], t: Translator) -> Sheet:
    ranked, basis = analysis.ranked, analysis.settings.basis
    frame = customers_table(ranked, analysis.tiers, names, t=t, exact=True)
    # Dates as dates (sortable, filterable in Excel), not the table's ISO text.
    frame[t("col.last_date")] = pd.Series(
        [None if pd.isna(v) else pd.Timestamp(v).date() for v in ranked["last_date"]],
        dtype=object,
    ).to_numpy()
    # Each customer's share and the running share of the measure, the Pareto reading.
    values = ranked[basis].to_numpy(dtype=np.int64)
    cum = ranked["cum"].to_numpy(dtype=np.int64)
    base = positive_total(values)
    measure = t(f"measure.{basis}")
    share_col, cum_col = t("col.share", value=measure), t("pareto.y", value=measure)
    at = frame.columns.get_loc(t("col.orders"))
    frame.insert(at, share_col, values / base if base else np.full(len(values), np.nan))
    frame.insert(at + 1, cum_col, cum / base if base else np.full(len(values), np.nan))
    texts = [t("col.tier"), t("col.customer_id")]
    texts += [t(f"field.{f}") for f in ("customer_name", "region", "industry", "sales_rep")]
    return Sheet(
        t("workbook.sheet.customers"),
        frame,
        money=_present(frame, [t("col.revenue"), t("col.profit")]),
        percent=[share_col, cum_col],
        integer=_present(frame, [t("col.rank"), t("col.profit_missing_lines"), t("col.orders")]),
        text=_present(frame, texts),
    )


def _tiers_sheet(analysis: Analysis, t: Translator) -> Sheet:
    summary = analysis.tier_summary
    frame = tiers_table(summary, t=t, exact=True)
    if frame[t("col.cutoff")].isna().all():
        frame = frame.drop(columns=t("col.cutoff"))  # thresholds: no cut-offs
    money = [t("col.revenue"), t("col.profit"), t("col.revenue_per_customer")]
    if "threshold" in summary.columns and summary["threshold"].notna().any():
        at = frame.columns.get_loc(t("col.tier")) + 1
        thresholds = pd.Series(
            [None if pd.isna(v) else Decimal(int(v)).scaleb(-4) for v in summary["threshold"]],
            dtype=object,
        )
        frame.insert(at, t("workbook.col.threshold"), thresholds.to_numpy())
        money.append(t("workbook.col.threshold"))
    if not analysis.parsed.has_profit:  # no profit column in the file: not zeros, nothing
        frame = frame.drop(columns=[t("col.profit"), t("col.profit_share")])
    percents = [t("col.cutoff"), t("col.customer_share"), t("col.revenue_share")]
    return Sheet(
        t("workbook.sheet.tiers"),
        frame,
        money=_present(frame, money),
        percent=_present(frame, [*percents, t("col.profit_share")]),
        integer=[t("col.customers")],
        text=[t("col.tier_id"), t("col.tier")],
    )


def tier_workbook(
    analysis: Analysis,
    *,
    t: Translator,
    policy: Sequence[PolicyRow] = (),
    rejected: pd.DataFrame | None = None,
    generated: str | None = None,
    facts: Mapping[str, object] | None = None,
) -> bytes:
    """The analysis as one workbook to present.

    Sheets (names translated): *Customers* — every customer in rank order with tier, id,
    name and the other mapped text fields, revenue and gross profit as exact amounts, share
    and cumulative share of the measure, orders and last purchase date; *Tiers* — the tier
    breakdown (cut-offs and shares as percents; no profit columns when the file has none);
    *Policy* — the policy in force per tier; *Settings* — :func:`settings_table` with the
    source facts; *Rejected lines* — every rejected line with its line number, reason and
    original cells (the header only when none were rejected; the Settings sheet then says 0).

    Parameters
    ----------
    analysis
        The result of :func:`kadash.report.analyse`.
    t
        Translator for sheet names, headers and values.
    policy
        The tier policy when the settings hold none (the settings' own policy wins); empty
        fields follow the defaults (:func:`kadash.policy.policy_for`).
    rejected
        Rejected lines in the shape of :attr:`kadash.parse.ParseResult.rejected`, instead of
        the analysis' own.
    generated
        When the workbook was made, as the caller wants it shown (this function reads no
        clock); left out when ``None``.
    facts
        More facts for the Settings sheet, shown first (e.g. ``{"source": "sales.csv"}``); see
        :func:`settings_table`.

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    settings = analysis.settings
    names = tier_names_for(settings, t)
    lines = analysis.parsed.rejected if rejected is None else rejected
    source = analysis.facts
    derived: dict[str, object] = {
        "format": source.format,
        "sheet": source.sheet,
        "encoding": source.encoding,
        # How the values were read: what the user answered or what the file showed.
        "decimal_mark": analysis.parsed.formats.get("decimal_mark"),
        "date_order": analysis.parsed.formats.get("date_order"),
        "currency": analysis.parsed.formats.get("currency"),
        "rows_read": analysis.parsed.rows_read,
        "rows_accepted": analysis.parsed.rows_accepted,
        "rows_rejected": len(lines),
    }
    shown = dict(facts or {})
    for key, value in derived.items():
        shown.setdefault(key, value)
    if generated is not None:
        shown["generated"] = generated
    in_force = policy_for(settings.policy or policy, len(names), t)
    policy_frame = policy_table(in_force, names, t=t)
    settings_frame = settings_table(settings, t=t, facts=shown)
    rejected_frame = rejected_table(lines, t=t)
    texts = [c for c in map(str, rejected_frame.columns) if c != t("col.line")]
    return workbook_bytes(
        [
            _customers_sheet(analysis, names, t),
            _tiers_sheet(analysis, t),
            Sheet(t("workbook.sheet.policy"), policy_frame, text=list(policy_frame.columns)),
            Sheet(t("workbook.sheet.settings"), settings_frame, text=[t("workbook.col.setting")]),
            Sheet(
                t("workbook.sheet.rejected"),
                rejected_frame,
                integer=[t("col.line")],
                text=texts,
            ),
        ]
    )
