"""Loading both ways — typed and exact — must give the same parse, to the line.

Test helpers call :func:`load_both` instead of the exact way alone, so every fixture of the
format and parse tests also checks the typed reader against the exact one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest

from kadash.errors import KadashError
from kadash.ingest import load_transactions
from kadash.load import RawTable, read_cells
from kadash.parse import ParseResult, parse_transactions


def assert_same_parse(got: ParseResult, want: ParseResult) -> None:
    """Two parses agree on every line and every count."""
    pd.testing.assert_frame_equal(got.transactions, want.transactions)
    pd.testing.assert_frame_equal(got.rejected, want.rejected)
    for name in ("unreadable_profit", "duplicates"):
        pd.testing.assert_frame_equal(
            getattr(got, name).reset_index(drop=True),
            getattr(want, name).reset_index(drop=True),
            check_dtype=False,  # an empty "value" column has no type to agree on
        )
    for name in ("mapping", "rows_read", "rounded_amounts", "rejected_revenue", "formats"):
        assert getattr(got, name) == getattr(want, name), name


def load_both(
    data: bytes | Path,
    mapping: Mapping[str, str | None] | None = None,
    *,
    decimal: str | None = None,
    date_order: str | None = None,
    **read: str,
) -> tuple[RawTable, ParseResult, str]:
    """The exact way's cells and parse, after checking :func:`load_transactions` agrees;
    and which way it took."""
    raw = read_cells(data if isinstance(data, bytes) else data.read_bytes(), **read)
    try:
        want = parse_transactions(
            raw, mapping if mapping is not None else _guess(raw), decimal=decimal,
            date_order=date_order,
        )  # fmt: skip
    except KadashError as err:
        with pytest.raises(KadashError) as info:
            load_transactions(data, mapping, decimal=decimal, date_order=date_order, **read)
        assert info.value.key == err.key and str(info.value) == str(err)
        raise
    loaded = load_transactions(data, mapping, decimal=decimal, date_order=date_order, **read)
    assert_same_parse(loaded.parsed, want)
    return raw, want, loaded.reader


def _guess(raw: RawTable) -> dict[str, str]:
    from kadash.columns import guess_mapping

    return guess_mapping(raw.header)
