"""Vectorised helpers over a column of cell texts (Arrow string arrays)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_text", "as_arrow", "digits_to_int", "examples", "flag", "normalized", "pick"]


def arrow_text(values: pd.Series | list[str] | np.ndarray | pa.Array | pa.ChunkedArray) -> pa.Array:
    """Cell texts as one Arrow string array, exactly as they are (nulls as "")."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    elif isinstance(values, pd.Series):
        arr = pa.array(values.array, type=pa.string(), from_pandas=True)
    else:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.fill_null(arr, "")


def as_arrow(values: pd.Series | list[str] | np.ndarray | pa.Array) -> pa.Array:
    """Cell texts as one Arrow string array, trimmed, nulls as ""."""
    return pc.utf8_trim_whitespace(arrow_text(values))


def normalized(text: pa.Array) -> pa.Array:
    """NFKC (full-width digits, letters and ￥ become their usual forms; no-break and thin
    spaces become spaces), upper case, typographic minus signs as "-", and every space removed
    ("1 234,50" → "1234,50")."""
    folded = pc.utf8_upper(pc.utf8_normalize(text, form="NFKC"))
    minus = pc.replace_substring_regex(folded, "[\u2212\u2012\u2013\ufe63]", "-")
    return pc.replace_substring_regex(minus, r"\s+", "")


def examples(mask: np.ndarray, texts: pa.Array, lines: np.ndarray | None, limit: int = 2) -> str:
    """Up to ``limit`` cells where ``mask`` holds, quoted, with their line numbers (lines
    default to record index + 2, as below a one-line header)."""
    rows = np.flatnonzero(mask)[:limit]
    where = (lambda i: i + 2) if lines is None else (lambda i: int(lines[i]))
    return ", ".join(f"{texts[int(i)].as_py()!r} (line {where(int(i))})" for i in rows)


def digits_to_int(strings: pa.Array) -> np.ndarray:
    """Digit strings ("" counts as 0) → int64."""
    filled = pc.if_else(pc.equal(strings, ""), "0", strings)
    return pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)


def flag(array: pa.Array) -> np.ndarray:
    """A boolean Arrow array (nulls as False) → numpy."""
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def pick(parts: pa.StructArray, name: str) -> pa.Array:
    """One group of an ``extract_regex`` result, "" where the pattern did not match."""
    return pc.fill_null(pc.struct_field(parts, name), "")
