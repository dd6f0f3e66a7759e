"""Anonymous customers for workshops and screenshots: ids and names become stable codes.

A consultant projecting a client's data, or a manager sharing a screenshot, should not show
who the customers are. :func:`anonymise` replaces every customer id and name in a parse —
accepted lines and rejected lines alike — with a code given by the customer's rank by net
revenue over the whole file (``C-0001`` is the largest customer). The codes depend on the
file only: filters, tiers, pages and languages never change them, so "C-0007" is the same
account on every page, in every download and in a link.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from kadash.parse import ParseResult

__all__ = ["CODE_PREFIX", "anonymise", "customer_codes"]

CODE_PREFIX = "C-"
_MIN_DIGITS = 4


def customer_codes(
    transactions: pd.DataFrame, *, customer: str = "customer_id", value: str = "revenue"
) -> pd.Series:
    """The code of each customer: ``C-`` and the rank by total ``value`` (largest first; ties
    by id), zero-padded to the same width (at least four digits) so codes sort by rank.

    Parameters
    ----------
    transactions
        Accepted lines with ``customer`` ids and ``value`` amounts.

    Returns
    -------
    pandas.Series
        Codes (str) indexed by customer id, in rank order.
    """
    column = transactions[customer]
    if isinstance(column.dtype, pd.CategoricalDtype):  # sum on the codes: no string per line
        sums = transactions[value].groupby(column.cat.codes.to_numpy()).sum()
        sums = sums[sums.index >= 0]
        ids = column.cat.categories.astype(str).to_numpy(dtype=object)[sums.index.to_numpy()]
        totals = pd.Series(sums.to_numpy(), index=ids)
    else:
        totals = transactions[value].groupby(column.astype(str), sort=True).sum()
    ids = totals.index.to_numpy(dtype=object)
    order = np.lexsort((ids, -totals.to_numpy(dtype=np.float64)))  # value down, then id
    width = max(_MIN_DIGITS, len(str(len(ids))))
    codes = [f"{CODE_PREFIX}{rank:0{width}d}" for rank in range(1, len(ids) + 1)]
    return pd.Series(codes, index=pd.Index(ids[order], dtype=object, name=customer), dtype=object)


def _recode(column: pd.Series, codes: pd.Series) -> pd.Series:
    """Ids (categorical or text) → codes, keeping a categorical a categorical (sorted)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories.astype(str)
        renamed = pd.Index(codes.reindex(categories).to_numpy(dtype=object))
        recoded = column.cat.rename_categories(renamed)
        return recoded.cat.reorder_categories(sorted(renamed))
    return column.astype(str).map(codes)


def _recode_cells(cells: pd.Series, codes: pd.Series) -> pd.Series:
    """Raw cells of an id column: a known id → its code, a blank stays blank (it is the
    reason the line was rejected), anything else → ``?`` (it names no accepted customer)."""
    text = cells.astype(object).where(cells.notna(), "")
    stripped = text.map(lambda v: str(v).strip())
    coded = stripped.map(codes)
    return coded.where(coded.notna(), np.where(stripped == "", "", "?")).astype(object)


def _coded_rejected(
    rejected: pd.DataFrame, mapping: dict[str, str], codes: pd.Series
) -> pd.DataFrame:
    """Rejected lines with their id (and name) cells coded, and without the cells of columns
    that are not mapped (a "contact" or "address" column would name the customer)."""
    mapped = {column: field for field, column in mapping.items()}
    # The account columns first, as ParseResult.rejected has them (exports take the file's
    # cells after them by position), then the mapped cells in the file's order.
    kept = [c for c in ("line", "reason", "column", "value", "extra") if c in rejected.columns]
    kept += [c for c in rejected.columns if c in mapped and c not in kept]
    out = rejected[kept].copy()
    if "extra" in out.columns:  # cells beyond the header: shown as "?" when there were any
        extra = out["extra"].astype(object)
        out["extra"] = extra.where(extra.isna() | (extra.astype(str) == ""), "?")
    id_column = mapping.get("customer_id")
    if id_column not in out.columns:
        return out
    id_codes = _recode_cells(out[id_column], codes)
    for column in (c for c in out.columns if mapped.get(c) in ("customer_id", "customer_name")):
        if "value" in out.columns and "column" in out.columns:
            at_fault = out["column"] == column
            out["value"] = out["value"].astype(object).where(~at_fault, id_codes)
        out[column] = id_codes
    return out


def anonymise(parsed: ParseResult) -> ParseResult:
    """The same parse with every customer id and name replaced by its code
    (:func:`customer_codes`).

    The name becomes the code too (a name is as telling as an id). Rejected lines keep their
    line numbers and reasons; their id and name cells are coded the same way (a blank stays
    blank, an id no accepted line has becomes ``?``), and so is the faulty value when it is
    one of those cells; cells of columns that are not mapped are left out (they could name
    the customer). Amounts, dates and the other fields are unchanged.
    """
    tx = parsed.transactions
    codes = customer_codes(tx)
    coded = tx.assign(customer_id=_recode(tx["customer_id"], codes))
    if "customer_name" in tx.columns:
        coded["customer_name"] = coded["customer_id"].astype(
            "category" if isinstance(tx["customer_name"].dtype, pd.CategoricalDtype) else object
        )
    rejected = _coded_rejected(parsed.rejected, parsed.mapping, codes)
    return replace(parsed, transactions=coded, rejected=rejected)
