"""Downloads: one safe CSV writer, and the tables the pages offer for download.

Every CSV is UTF-8 with a byte-order mark (so Excel shows Chinese correctly) and has text
cells that a spreadsheet would run as a formula neutralised (OWASP "CSV injection": text
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``).
Numbers are never touched: money is written as exact decimals, not as text.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from kadash.exact import MONEY_SCALE, minor_to_decimal
from kadash.i18n import Translator

__all__ = [
    "FORMULA_PREFIXES",
    "customers_table",
    "neutralize_formula",
    "rejected_table",
    "tiers_table",
    "to_csv_bytes",
]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would treat as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _is_text_column(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series) or series.dtype == object


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Write a frame as CSV bytes for download (UTF-8 with BOM, formulas neutralised).

    Only ``str`` cells and column names are neutralised (a header can come from the user's
    file): numeric columns and :class:`~decimal.Decimal` money cells are written as they are.
    """
    out = frame.copy()
    out.columns = [neutralize_formula(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if _is_text_column(series):
            out[column] = series.map(
                lambda v: neutralize_formula(v) if isinstance(v, str) else v,
                na_action="ignore",
            )
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _money(values: pd.Series, exact: bool = True) -> pd.Series:
    """int64 minor units (or float, for averages) → currency units: exact Decimals for files,
    floats for on-screen tables."""
    if not exact:
        return values.astype(np.float64) / MONEY_SCALE

    def convert(v: object) -> Decimal | None:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float | np.floating):
            return minor_to_decimal(round(float(v)))
        return minor_to_decimal(int(v))  # type: ignore[arg-type]

    return pd.Series([convert(v) for v in values], index=values.index, dtype=object)


def customers_table(
    ranked: pd.DataFrame,
    tiers: np.ndarray,
    names: list[str],
    *,
    t: Translator,
    exact: bool = True,
) -> pd.DataFrame:
    """The customer list with tiers as shown and downloaded: translated headers; money as exact
    decimals (``exact``, for files) or floats (for on-screen tables). Without any gross profit
    in the data there is no gross-profit column.

    Parameters
    ----------
    ranked
        Customers in rank order (:func:`kadash.concentration.rank_customers`).
    tiers
        Tier index per ranked customer (:func:`kadash.tiers.assign_tiers`).
    names
        Tier display names.
    """
    table = pd.DataFrame(
        {
            t("col.rank"): ranked["rank"].to_numpy(),
            t("col.tier"): [names[i] for i in tiers],
            t("col.customer_id"): ranked["customer_id"].to_numpy(),
        }
    )
    for field in ("customer_name", "region", "industry", "sales_rep"):
        if field in ranked.columns:
            table[t(f"field.{field}")] = ranked[field].to_numpy()
    table[t("col.revenue")] = _money(ranked["revenue"], exact).to_numpy()
    # Gross profit is left empty for a customer none of whose lines has one (not shown as 0),
    # and a column counts the lines without it where some have none.
    missing = ranked["profit_missing_lines"].to_numpy()
    lines = ranked["lines"].to_numpy()
    if not (missing == lines).all():
        profit = _money(ranked["profit"], exact).to_numpy()
        table[t("col.profit")] = np.where(missing == lines, None, profit)
        if missing.any():
            table[t("col.profit_missing_lines")] = missing
    table[t("col.orders")] = ranked["orders"].to_numpy()
    table[t("col.last_date")] = ranked["last_date"].dt.strftime("%Y-%m-%d").to_numpy()
    return table


def tiers_table(summary: pd.DataFrame, *, t: Translator, exact: bool = True) -> pd.DataFrame:
    """The tier breakdown with translated headers (shares as fractions); money as in
    :func:`customers_table`."""
    return pd.DataFrame(
        {
            t("col.tier_id"): summary["id"],
            t("col.tier"): summary["name"],
            t("col.cutoff"): summary["bound"],
            t("col.customers"): summary["customers"],
            t("col.customer_share"): summary["customer_share"],
            t("col.revenue"): _money(summary["revenue"], exact),
            t("col.revenue_share"): summary["revenue_share"],
            t("col.profit"): _money(summary["profit"], exact),
            t("col.profit_share"): summary["profit_share"],
            t("col.revenue_per_customer"): _money(summary["revenue_per_customer"], exact),
        }
    )


def rejected_table(rejected: pd.DataFrame, *, t: Translator) -> pd.DataFrame:
    """Rejected lines with the reason explained in words, then the original cells."""
    explained = rejected["reason"].map(lambda key: t(f"reason.{key}"))
    front = pd.DataFrame(
        {
            t("col.line"): rejected["line"],
            t("col.reason"): explained,
            t("col.reason_key"): rejected["reason"],
            t("col.column"): rejected["column"],
            t("col.value"): rejected["value"],
            t("col.extra_cells"): rejected["extra"],
        }
    )
    cells = rejected.iloc[:, 5:]
    # The file's own columns follow ours; one called "Line" or "Reason" gets a suffix.
    taken = set(front.columns)
    names = []
    for name in map(str, cells.columns):
        while name in taken:
            name += " ·"
        taken.add(name)
        names.append(name)
    return pd.concat([front, cells.set_axis(names, axis=1)], axis=1)
