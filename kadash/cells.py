"""Vectorised helpers over a column of cell texts (Arrow string arrays)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kadash.errors import Examples

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


def examples(
    mask: np.ndarray, texts: pa.Array, lines: np.ndarray | None, limit: int = 2
) -> Examples:
    """Up to ``limit`` cells where ``mask`` holds, quoted, with their line numbers (lines
    default to record index + 2, as below a one-line header)."""
    rows = np.flatnonzero(mask)[:limit]
    where = (lambda i: i + 2) if lines is None else (lambda i: int(lines[i]))
    return Examples((texts[int(i)].as_py(), where(int(i))) for i in rows)


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


def string_buffers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets and the bytes of a string or binary array (``large_*`` too)."""
    wide = pa.types.is_large_string(text.type) or pa.types.is_large_binary(text.type)
    offsets_type = np.int64 if wide else np.int32
    offsets = np.frombuffer(text.buffers()[1], dtype=offsets_type)[
        text.offset : text.offset + len(text) + 1
    ]
    data_buffer = text.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(
        0, dtype=np.uint8)  # fmt: skip
    return offsets.astype(np.int64), data


# Bytes that may begin or end a whitespace character in UTF-8 (ASCII spaces and controls, the
# lead bytes of U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000, and any continuation byte).
_MAY_OPEN_SPACE = np.zeros(256, dtype=bool)
_MAY_OPEN_SPACE[[*range(9, 14), *range(28, 33), 0xC2, 0xE1, 0xE2, 0xE3]] = True
_MAY_CLOSE_SPACE = np.zeros(256, dtype=bool)
_MAY_CLOSE_SPACE[[*range(9, 14), *range(28, 33), *range(0x80, 0xC0)]] = True


def trimmed(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``utf8_trim_whitespace``, or ``text`` itself (no copy) when no cell's first or last byte
    can be part of a space: the usual case for ids and codes."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    for chunk in chunks:
        if chunk.null_count or not pa.types.is_string(chunk.type):
            return pc.utf8_trim_whitespace(text)
        offsets, data = string_buffers(chunk)
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if (
            _MAY_OPEN_SPACE[data[starts[filled]]].any()
            or _MAY_CLOSE_SPACE[data[ends[filled] - 1]].any()
        ):
            return pc.utf8_trim_whitespace(text)
    return text
