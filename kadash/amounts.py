"""Money cells → exact minor units, whatever the export looked like.

Accepted, after full-width characters are folded and spaces removed: a sign (leading, after a
currency mark, or trailing as SAP writes it: ``1.234,00-``), parentheses for negatives
(``(1,234.00)``), a currency mark before or after the number (``NT$``, ``US$``, ``HK$``,
``$``, ``¥``/``￥``, ``RMB``, ``元``, ``€``, …), thousands separators, a decimal mark and
scientific notation.

The decimal mark is decided per column from the evidence: ``1,234.50`` or ``1,234,567``
says ``.``, ``1.286,01`` or ``12,5`` says ``,``; ``1,234`` and ``1.234`` alone say nothing.
When the evidence is missing or conflicts, :func:`parse_amounts` raises a
:class:`~kadash.errors.KadashError` naming example lines, and the caller chooses (the app
asks, the CLI takes ``--decimal``). Two different currencies in one column are an error, never
a silent sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DecimalException

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kadash.cells import (
    as_arrow,
    digits_to_int,
    examples,
    flag,
    normalized,
    pick,
    string_buffers,
)
from kadash.errors import KadashError
from kadash.exact import MONEY_DECIMALS, MONEY_SCALE

__all__ = ["CURRENCIES", "DECIMAL_MARKS", "ParsedAmounts", "decimal_evidence", "parse_amounts"]

DECIMAL_MARKS: tuple[str, ...] = (".", ",")
#: Currency marks (upper case, after NFKC) → the currency they mean. "$", "¥" and "元" stay
#: themselves: the same mark serves several currencies, so only the mark can be compared.
CURRENCIES: dict[str, str] = {
    "NT$": "TWD", "NTD": "TWD", "TWD": "TWD", "新台幣": "TWD", "新臺幣": "TWD",
    "US$": "USD", "USD": "USD",
    "HK$": "HKD", "HKD": "HKD",
    "RMB": "CNY", "CNY": "CNY", "人民幣": "CNY", "人民币": "CNY",
    "€": "EUR", "EUR": "EUR",
    "£": "GBP", "GBP": "GBP",
    "$": "$", "¥": "¥", "元": "元",
}  # fmt: skip
# Longest first, so "NT$" is tried before "$".
_MARKS = "|".join(m.replace("$", r"\$") for m in sorted(CURRENCIES, key=len, reverse=True))
_SHAPE = (
    rf"^(?P<lp>\()?(?P<s1>[-+]?)(?P<c1>{_MARKS})?(?P<s2>[-+]?)"
    r"(?P<num>[0-9][0-9.,]*(?:E[-+]?[0-9]+)?|[.,][0-9]+(?:E[-+]?[0-9]+)?)"
    rf"(?P<c2>{_MARKS})?(?P<s3>-?)(?P<rp>\))?$"
)
# Valid numbers once the decimal mark is known (thousands groups of three, or none).
_VALID = {
    ".": r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?(?:E[-+]?[0-9]+)?$",
    ",": r"^(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]*)(?:,[0-9]*)?(?:E[-+]?[0-9]+)?$",
}
# The common shape, read exactly by Arrow's decimal cast: at most 14 integer digits and 4
# decimals, no grouping, "." as decimal mark.
_PLAIN = r"^[+-]?(?:\d{1,14}(?:\.\d{0,4})?|\.\d{1,4})$"
_DECIMAL = pa.decimal64(18, MONEY_DECIMALS)
_GROUP_LIKE_DOT = r"^[-+]?[1-9][0-9]{0,2}\.[0-9]{3}$"
# 14 integer digits keep |amount| · 10^4 below 2^63 with room for sums.
_MAX_INT_DIGITS = 14
_CANONICAL = r"^(?P<sign>[-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:E(?P<exp>[-+]?[0-9]+))?$"


@dataclass(frozen=True)
class ParsedAmounts:
    """Result of :func:`parse_amounts` (arrays aligned with the input)."""

    minor: np.ndarray  # int64, 0 where not ok
    ok: np.ndarray  # bool
    blank: np.ndarray  # bool: empty or whitespace-only cell
    rounded: np.ndarray  # bool: had non-zero digits beyond the 4th decimal
    decimal_mark: str | None = None  # "." or ","; None when no cell needed one
    currency: str | None = None  # the one currency mark seen, if any


def _plain_minor(text: pa.Array) -> np.ndarray:
    """Minor units of plain decimal strings (see ``_PLAIN``), through Arrow's exact cast."""
    return _unscaled(pc.cast(text, _DECIMAL)).copy()


def _unscaled(decimals: pa.Array) -> np.ndarray:
    """The unscaled integers of a decimal64(18, 4) array — exactly our minor units — as a view
    of its buffer (one little-endian int64 per value)."""
    words = np.frombuffer(decimals.buffers()[1], dtype=np.int64)
    return words[decimals.offset : decimals.offset + len(decimals)]


def decimal_evidence(numbers: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For number texts (digits, ``.`` and ``,`` only), which cells show ``.`` as the decimal
    mark, which show ``,``, and which could be either (``1,234``, ``1.234``).

    Returns
    -------
    tuple of numpy.ndarray
        Boolean masks ``(dot, comma, ambiguous)``.
    """
    unsigned = pc.replace_substring_regex(numbers, r"^[-+]", "")
    mantissa = pc.replace_substring_regex(unsigned, r"E[-+]?[0-9]+$", "")
    dots = pc.count_substring(mantissa, ".").to_numpy(zero_copy_only=False)
    commas = pc.count_substring(mantissa, ",").to_numpy(zero_copy_only=False)
    tail = pc.extract_regex(
        mantissa, r"^(?P<head>[0-9]*)[.,][0-9.,]*?(?P<last>[.,])?(?P<digits>[0-9]*)$"
    )
    last_sep = pc.extract_regex(mantissa, r"(?P<sep>[.,])[0-9]*$")
    sep = pick(last_sep, "sep")
    tail_len = pc.utf8_length(pick(tail, "digits")).to_numpy(zero_copy_only=False)
    head = pick(tail, "head")
    # "0,123" cannot be a thousands group, nor can a group after four or more digits.
    group_like = flag(pc.match_substring_regex(head, r"^[1-9][0-9]{0,2}$")) & (tail_len == 3)
    single_dot = (dots == 1) & (commas == 0)
    single_comma = (commas == 1) & (dots == 0)
    both = (dots > 0) & (commas > 0)
    last_is_dot = flag(pc.equal(sep, "."))
    dot = (both & last_is_dot) | ((commas >= 2) & (dots == 0)) | (single_dot & ~group_like)
    comma = (both & ~last_is_dot) | ((dots >= 2) & (commas == 0)) | (single_comma & ~group_like)
    ambiguous = (single_dot | single_comma) & group_like
    return dot, comma, ambiguous


#: What a mark that several currencies use can mean: "$" beside "NT$" is NT$, "¥" beside
#: "RMB" is RMB, "元" is RMB or NT$.
_MAY_MEAN: dict[str, frozenset[str]] = {
    "$": frozenset({"$", "TWD", "USD", "HKD"}),
    "¥": frozenset({"¥", "CNY", "JPY", "元"}),
    "元": frozenset({"元", "CNY", "TWD", "¥"}),
}


def _one_currency(
    marks: np.ndarray, shaped: np.ndarray, lines: np.ndarray | None, column: str
) -> str | None:
    """The column's currency (its most specific mark), or an error naming two that differ.

    ``marks`` are the cells' currency marks ("" for none); ``lines`` the line of each cell
    (default: its index + 2)."""
    where = (lambda j: j + 2) if lines is None else (lambda j: int(lines[j]))
    candidates = np.flatnonzero(shaped & (marks != ""))
    found, at = np.unique(marks[candidates].astype(str), return_index=True)
    first = {str(mark): int(candidates[i]) for mark, i in zip(found, at, strict=True)}
    keys = {mark: CURRENCIES[mark] for mark in first}
    specific = {k for k in keys.values() if k not in _MAY_MEAN}
    for a, b in [(a, b) for a in keys for b in keys if a < b]:
        ka, kb = keys[a], keys[b]
        fits = ka == kb or kb in _MAY_MEAN.get(ka, ()) or ka in _MAY_MEAN.get(kb, ())
        if not fits or len(specific) > 1:
            ia, ib = sorted((first[a], first[b]))
            raise KadashError(
                "error.mixed_currencies",
                column=column,
                first=marks[ia],
                first_line=where(ia),
                second=marks[ib],
                second_line=where(ib),
            )
    if not keys:
        return None
    return next(iter(specific)) if specific else next(iter(keys.values()))


def parse_amounts(
    values: pd.Series | Sequence[str] | np.ndarray,
    *,
    decimal: str | None = None,
    lines: np.ndarray | None = None,
    column: str = "",
) -> ParsedAmounts:
    """Parse money cells exactly into minor units (0.0001).

    More than four decimals are rounded half away from zero, and flagged in ``rounded``.

    Parameters
    ----------
    values
        Cell texts.
    decimal
        ``"."`` or ``","`` to impose the decimal mark; ``None`` infers it from the column.
    lines, column
        Line numbers and the column's name, for messages.

    Returns
    -------
    ParsedAmounts

    Raises
    ------
    KadashError
        ``error.decimal_unknown`` / ``error.decimal_conflict`` when the decimal mark cannot be
        inferred, ``error.mixed_currencies`` for two currencies in the column.
    """
    if decimal not in (None, *DECIMAL_MARKS):
        raise KadashError("error.settings_value", name="decimal", value=decimal)
    if decimal != ",":
        plain = _all_plain(values, decimal)
        if plain is not None:
            return plain
    text = as_arrow(values)
    n = len(text)
    plain = flag(pc.match_substring_regex(text, _PLAIN))
    if plain.all() and decimal != ",":
        # The usual case: plain numbers. One exact cast, unless "1.234" might mean 1234 (a
        # point with three digits after one to three, the only shape that says nothing).
        dotted = flag(pc.match_substring(text, "."))
        ambiguous = flag(pc.match_substring_regex(text, _GROUP_LIKE_DOT))
        dot = dotted & ~ambiguous
        if decimal == "." or dot.any() or not ambiguous.any():
            mark = "." if (dot.any() or decimal == ".") else None
            return ParsedAmounts(
                minor=_plain_minor(text),
                ok=np.ones(n, dtype=bool),
                blank=np.zeros(n, dtype=bool),
                rounded=np.zeros(n, dtype=bool),
                decimal_mark=mark,
            )
    return _parse_any(text, decimal=decimal, lines=lines, column=column)


def _all_plain(values: object, decimal: str | None) -> ParsedAmounts | None:
    """The usual case at its cheapest: every cell a plain decimal number (no space, sign at
    most in front, no exponent) that Arrow's exact decimal cast takes whole; ``None``
    otherwise, or when "1.234" might mean 1234 (then the general path decides).

    Chunk by chunk, as the reader gave them: no copy of the texts."""
    if not isinstance(values, (pa.Array, pa.ChunkedArray)):
        return None
    column = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    if column.null_count or not len(column) or not pa.types.is_string(column.type):
        return None
    n = len(column)
    sample = column.slice(0, 256)
    plain_or_blank = pc.or_(pc.match_substring_regex(sample, _PLAIN), pc.equal(sample, ""))
    if not flag(plain_or_blank).all():
        return None  # a failed cast of the whole column costs as much as a success
    blank = pc.binary_length(column).to_numpy() == 0
    filled = np.flatnonzero(~blank) if blank.any() else None
    text = column if filled is None else pc.take(column, pa.array(filled))
    try:
        decimals = pc.cast(text, _DECIMAL)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # The cast took each cell, so each holds digits, at most one point and a sign in front —
    # or an exponent, which the general path reads.
    points, three = 0, []
    start = 0
    for chunk in text.chunks:
        offsets, data = string_buffers(chunk)
        used = data[offsets[0] : offsets[-1]]
        if np.any((used | 0x20) == ord("e")):  # e or E (a regex scan is 10x slower)
            return None
        points += int(np.count_nonzero(used == ord(".")))
        # A point with three digits after it ("1.234") may be a thousands mark.
        ends = offsets[1:]
        long = np.flatnonzero(ends - offsets[:-1] >= 4)
        at = long[data[ends[long] - 4] == ord(".")]
        three.append(at + start)
        start += len(chunk)
    three_rows = np.concatenate(three) if three else np.zeros(0, dtype=np.int64)
    ambiguous = 0
    if len(three_rows):
        some = pc.take(text, pa.array(three_rows))
        ambiguous = int(np.count_nonzero(flag(pc.match_substring_regex(some, _GROUP_LIKE_DOT))))
    dot = points > ambiguous  # some point that can only be a decimal mark
    if not (decimal == "." or dot or not ambiguous):
        return None
    minor = np.concatenate([_unscaled(c) for c in decimals.chunks]) if decimals.num_chunks else (
        np.zeros(0, dtype=np.int64))  # fmt: skip
    if filled is not None:
        minor, part = np.zeros(n, dtype=np.int64), minor
        minor[filled] = part
    return ParsedAmounts(
        minor=minor,
        ok=~blank,
        blank=blank,
        rounded=np.zeros(n, dtype=bool),
        decimal_mark="." if (dot or decimal == ".") else None,
    )


def _from_bytes(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    """A string array from offsets (from 0) and bytes."""
    # py_buffer keeps the numpy arrays alive and copies nothing.
    return pa.StringArray.from_buffers(
        len(offsets) - 1,
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(np.ascontiguousarray(data, dtype=np.uint8)),
    )


_DIGIT_TO_NINE = np.arange(256, dtype=np.uint8)
_DIGIT_TO_NINE[ord("1") : ord("9") + 1] = ord("9")
_IS_LOWER = np.zeros(256, dtype=bool)
_IS_LOWER[ord("a") : ord("z") + 1] = True
_IS_SPACE = np.zeros(256, dtype=bool)
_IS_SPACE[[9, 10, 11, 12, 13, 32]] = True
#: Per decimal mark, the bytes a number keeps: digits and the mark.
_KEEPS = {mark: np.zeros(256, dtype=bool) for mark in ".,"}
for _mark, _keep in _KEEPS.items():
    _keep[ord("0") : ord("9") + 1] = True
    _keep[ord(_mark)] = True


def _fold(text: pa.Array) -> pa.Array:
    """:func:`kadash.cells.normalized`, at a fraction of the cost for plain ASCII text."""
    if not flag(pc.string_is_ascii(text)).all():
        return normalized(text)
    offsets, data = string_buffers(text)
    used = data[offsets[0] : offsets[-1]]
    # Upper case only if there is a lower-case letter ("nt$"); "NT$1,234.50" is left as is.
    folded = pc.ascii_upper(text) if _IS_LOWER[used].any() else text
    if _IS_SPACE[used].any():
        folded = pc.replace_substring_regex(folded, r"\s+", "")
    return folded


def _parse_any(
    text: pa.Array, *, decimal: str | None, lines: np.ndarray | None, column: str
) -> ParsedAmounts:
    """Every accepted shape, judged once per *signature* — the cell with its digits 1–9 written
    as 9 (``NT$1,234.50`` → ``NT$9,999.90``): shape, sign, currency mark and decimal-mark
    evidence depend on nothing else, and a column has a few dozen signatures, not a million.
    The values then come from one pass over the bytes and Arrow's exact decimal cast."""
    n = len(text)
    blank = flag(pc.equal(text, ""))
    folded = pc.cast(_fold(text), pa.string())
    offsets, data = string_buffers(folded)
    start = offsets[0]
    coded = pc.dictionary_encode(
        _from_bytes(offsets - start, _DIGIT_TO_NINE[data[start : offsets[-1]]])
    )
    codes = coded.indices.to_numpy(zero_copy_only=False)
    sigs = coded.dictionary
    if flag(pc.match_substring(sigs, "E")).any():
        return _parse_any_slow(text, decimal=decimal, lines=lines, column=column)
    parts = pc.extract_regex(sigs, _SHAPE)
    shaped_sig = flag(pc.is_valid(parts))
    lp, rp = flag(pc.equal(pick(parts, "lp"), "(")), flag(pc.equal(pick(parts, "rp"), ")"))
    minus = [flag(pc.equal(pick(parts, s), "-")) for s in ("s1", "s2", "s3")]
    signs = sum(flag(pc.not_equal(pick(parts, s), "")).astype(int) for s in ("s1", "s2", "s3"))
    negative_sig = lp | minus[0] | minus[1] | minus[2]
    shaped_sig &= (lp == rp) & (signs + lp.astype(int) <= 1)
    num = pick(parts, "num")
    marks_sig = pc.if_else(
        pc.not_equal(pick(parts, "c1"), ""), pick(parts, "c1"), pick(parts, "c2")
    ).to_numpy(zero_copy_only=False)
    dot_sig, comma_sig, ambiguous_sig = decimal_evidence(num)
    valid_dot_sig = flag(pc.match_substring_regex(num, _VALID["."]))
    valid_comma_sig = flag(pc.match_substring_regex(num, _VALID[","]))

    # Back to the cells.
    shaped = shaped_sig[codes]
    first_row = np.full(len(sigs), n, dtype=np.int64)  # the first cell of each signature
    np.minimum.at(first_row, codes, np.arange(n, dtype=np.int64))
    sig_lines = first_row + 2 if lines is None else lines[first_row]
    currency = _one_currency(marks_sig, shaped_sig, sig_lines, column)
    dot = (dot_sig & shaped_sig & valid_dot_sig)[codes]
    comma = (comma_sig & shaped_sig & valid_comma_sig)[codes]
    ambiguous = (ambiguous_sig & shaped_sig)[codes]
    mark = _decimal_mark(decimal, dot, comma, ambiguous, text, lines, column)
    valid = shaped & (valid_comma_sig if mark == "," else valid_dot_sig)[codes] & ~blank

    # The number: its digits and decimal mark, nothing else, in one pass over the bytes. How
    # many bytes each cell keeps is its signature's count.
    body = data[start : offsets[-1]]
    kept_mark = "," if mark == "," else "."
    keep = _KEEPS[kept_mark][body]
    digits = body[keep]
    if kept_mark == ",":
        digits[digits == ord(",")] = ord(".")
    sig_kept = pc.utf8_length(pc.replace_substring_regex(sigs, rf"[^0-9{kept_mark}]", ""))
    kept = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sig_kept.to_numpy(zero_copy_only=False)[codes], out=kept[1:])
    number = _from_bytes(kept, digits)
    rows = np.flatnonzero(valid)
    minor = np.zeros(n, dtype=np.int64)
    try:
        values = pc.cast(number if len(rows) == n else pc.take(number, pa.array(rows)), _DECIMAL)
    except pa.ArrowInvalid:  # more than four decimals (rounded) or too many digits
        return _parse_any_slow(text, decimal=decimal, lines=lines, column=column)
    minor[rows] = _unscaled(values)
    np.negative(minor, out=minor, where=negative_sig[codes])
    return ParsedAmounts(
        minor=minor,
        ok=valid,
        blank=blank,
        rounded=np.zeros(n, dtype=bool),
        decimal_mark=mark if (dot | comma | ambiguous).any() else None,
        currency=currency,
    )


def _decimal_mark(
    decimal: str | None,
    dot: np.ndarray,
    comma: np.ndarray,
    ambiguous: np.ndarray,
    text: pa.Array,
    lines: np.ndarray | None,
    column: str,
) -> str | None:
    """The column's decimal mark: the one imposed, else the one its cells show (``dot``,
    ``comma``: cells that can only be read that way); ``None`` when no cell needs one.

    Raises
    ------
    KadashError
        ``error.decimal_conflict`` when cells show both, ``error.decimal_unknown`` when the
        only evidence is ambiguous ("1.234").
    """
    if decimal is not None:
        return decimal
    if dot.any() and comma.any():
        raise KadashError(
            "error.decimal_conflict",
            column=column,
            dot=examples(dot, text, lines),
            comma=examples(comma, text, lines),
        )
    if dot.any() or comma.any():
        return "." if dot.any() else ","
    if ambiguous.any():
        raise KadashError(
            "error.decimal_unknown", column=column, examples=examples(ambiguous, text, lines, 3)
        )
    return None


def _parse_any_slow(
    text: pa.Array, *, decimal: str | None, lines: np.ndarray | None, column: str
) -> ParsedAmounts:
    """Every accepted shape: currency marks, parentheses, separators, scientific notation —
    cell by cell (for what :func:`_parse_any` leaves: exponents, more than four decimals)."""
    blank = flag(pc.equal(text, ""))
    folded = normalized(text)
    parts = pc.extract_regex(folded, _SHAPE)
    shaped = flag(pc.is_valid(parts))
    num = pick(parts, "num")
    lp, rp = flag(pc.equal(pick(parts, "lp"), "(")), flag(pc.equal(pick(parts, "rp"), ")"))
    minus = [flag(pc.equal(pick(parts, s), "-")) for s in ("s1", "s2", "s3")]
    signs = sum(flag(pc.not_equal(pick(parts, s), "")).astype(int) for s in ("s1", "s2", "s3"))
    negative = lp | minus[0] | minus[1] | minus[2]
    shaped &= (lp == rp) & (signs + lp.astype(int) <= 1)

    # One currency per column.
    marks = pc.if_else(pc.not_equal(pick(parts, "c1"), ""), pick(parts, "c1"), pick(parts, "c2"))
    mark_values = marks.to_numpy(zero_copy_only=False)
    currency = _one_currency(mark_values, shaped, lines, column)

    # The decimal mark: imposed, or inferred from the column's evidence. A cell is evidence
    # only if it is a valid number read that way ("12,34,567" says nothing).
    dot, comma, ambiguous = decimal_evidence(num)
    valid_dot = flag(pc.match_substring_regex(num, _VALID["."]))
    valid_comma = flag(pc.match_substring_regex(num, _VALID[","]))
    dot, comma = dot & shaped & valid_dot, comma & shaped & valid_comma
    ambiguous &= shaped
    mark = _decimal_mark(decimal, dot, comma, ambiguous, text, lines, column)
    valid = shaped & (valid_comma if mark == "," else valid_dot)
    if mark == ",":
        canonical = pc.replace_substring(pc.replace_substring(num, ".", ""), ",", ".")
    else:
        canonical = pc.replace_substring(num, ",", "")
    canonical = pc.if_else(
        pa.array(negative), pc.binary_join_element_wise("-", canonical, ""), canonical
    )
    canonical = pc.if_else(pa.array(valid), canonical, "")
    minor, ok, rounded = _canonical_minor(canonical)
    ok &= valid & ~blank
    return ParsedAmounts(
        minor=np.where(ok, minor, 0).astype(np.int64),
        ok=ok,
        blank=blank,
        rounded=rounded & ok,
        decimal_mark=mark if (dot | comma | ambiguous).any() else None,
        currency=currency,
    )


def _canonical_minor(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``-1234.5678`` / ``1.5E3`` (ASCII digits, "." decimal) → (minor, ok, rounded)."""
    n = len(text)
    parts = pc.extract_regex(text, _CANONICAL)
    matched = flag(pc.is_valid(parts))
    int_part, frac, exp = pick(parts, "int"), pick(parts, "frac"), pick(parts, "exp")
    int_len = pc.utf8_length(int_part).to_numpy(zero_copy_only=False)
    frac_len = pc.utf8_length(frac).to_numpy(zero_copy_only=False)
    has_exp = flag(pc.not_equal(exp, ""))
    ok = matched & ((int_len > 0) | (frac_len > 0)) & (int_len <= _MAX_INT_DIGITS) & ~has_exp
    int_part = pc.if_else(pa.array(ok), int_part, "")
    frac = pc.if_else(pa.array(ok), frac, "")
    head = pc.utf8_rpad(pc.utf8_slice_codeunits(frac, 0, MONEY_DECIMALS), MONEY_DECIMALS, "0")
    tail = pc.utf8_slice_codeunits(frac, MONEY_DECIMALS)
    round_up = flag(pc.greater_equal(pc.utf8_slice_codeunits(tail, 0, 1), "5"))
    rounded = ok & flag(pc.match_substring_regex(tail, "[1-9]"))
    magnitude = (
        digits_to_int(int_part) * MONEY_SCALE + digits_to_int(head) + round_up.astype(np.int64)
    )
    negative = flag(pc.equal(pick(parts, "sign"), "-"))
    minor = np.where(negative, -magnitude, magnitude)
    # Scientific notation is rare: exact, one cell at a time.
    for i in np.flatnonzero(matched & has_exp):
        try:
            exact = Decimal(text[int(i)].as_py())
            scaled = exact.scaleb(MONEY_DECIMALS).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        except DecimalException:  # e.g. Overflow for "1E999999999"
            continue
        if abs(scaled) < 10 ** (_MAX_INT_DIGITS + MONEY_DECIMALS):
            minor[i] = int(scaled)
            ok[i] = True
            rounded[i] = scaled != exact.scaleb(MONEY_DECIMALS)
    assert len(minor) == n
    return minor, ok, rounded
