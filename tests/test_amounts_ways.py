"""The signature path of amount parsing against the cell-by-cell path, on random exports.

:func:`kadash.amounts._parse_any` judges each distinct *signature* (digits 1-9 written as 9)
once and reads the values from the bytes; :func:`kadash.amounts._parse_any_slow` looks at
every cell with regular expressions. They must agree on every cell, and raise the same error.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kadash.amounts import _parse_any, _parse_any_slow
from kadash.cells import as_arrow
from kadash.errors import KadashError

_MARKS = ["", "", "", "NT$", "US$", "$", "¥", "￥", "RMB", "元", "€", "HK$", "nt$"]


@st.composite
def cells(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 19)) == 0:  # now and then, anything at all
        return draw(st.text(alphabet=st.sampled_from(list("0123456789.,-+()$ 元E e１２")),
                            max_size=12))  # fmt: skip
    whole = draw(st.integers(0, 10**9))
    group = draw(st.sampled_from(["", ",", ".", " "]))
    point = draw(st.sampled_from([".", ","]))
    text = f"{whole:,}".replace(",", "\0")
    text = text.replace("\0", group)
    decimals = draw(st.sampled_from(["", "5", "50", "05", "123", "1234", "12345"]))
    if decimals or draw(st.booleans()):
        text += point + decimals
    if draw(st.integers(0, 9)) == 0:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    mark = draw(st.sampled_from(_MARKS))
    text = draw(st.sampled_from([mark + text, text + mark, mark + " " + text]))
    sign = draw(st.sampled_from(["", "", "", "-", "+", "()", "trailing"]))
    if sign == "()":
        text = f"({text})"
    elif sign == "trailing":
        text += "-"
    else:
        text = sign + text
    pad = draw(st.sampled_from(["", "", " ", "\u3000"]))
    return pad + text + pad


def _run(fn, text, decimal):
    try:
        return fn(text, decimal=decimal, lines=None, column="amount")
    except KadashError as err:
        return (err.key, str(err))


@settings(max_examples=300, deadline=None)
@given(st.lists(cells(), min_size=1, max_size=30), st.sampled_from([None, ".", ","]))
def test_signature_path_agrees_with_cell_by_cell(values, decimal):
    text = as_arrow(pa.array(values, pa.string()))
    fast, slow = _run(_parse_any, text, decimal), _run(_parse_any_slow, text, decimal)
    if isinstance(slow, tuple) or isinstance(fast, tuple):
        assert fast == slow
        return
    for name in ("minor", "ok", "blank", "rounded"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)
    assert (fast.decimal_mark, fast.currency) == (slow.decimal_mark, slow.currency)
