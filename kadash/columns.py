"""Header detection and the column mapping.

A *mapping* says which column of the file holds each of our fields, e.g.
``{"customer_id": "客戶編號", "date": "Order Date", "revenue": "Amount"}``. The guess
matches header names against English, Traditional and Simplified Chinese synonyms after
normalising case, width and punctuation; the user can correct it in the app or with CLI flags.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from kadash.errors import KadashError

__all__ = [
    "ATTRIBUTE_FIELDS",
    "FIELDS",
    "FILTER_FIELDS",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "check_mapping",
    "find_header_row",
    "guess_mapping",
    "normalize_header",
    "recognised_fields",
]

REQUIRED_FIELDS: tuple[str, ...] = ("customer_id", "date", "revenue")
OPTIONAL_FIELDS: tuple[str, ...] = (
    "profit",
    "order_id",
    "customer_name",
    "region",
    "industry",
    "sales_rep",
    "product_line",
)
FIELDS: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS
#: Text fields that describe a customer (the latest line's value is the customer's).
ATTRIBUTE_FIELDS: tuple[str, ...] = ("customer_name", "region", "industry", "sales_rep")
#: Fields the sidebar can filter lines on.
FILTER_FIELDS: tuple[str, ...] = ("region", "industry", "sales_rep", "product_line")

# Synonyms per field. Order does not matter; matching is on normalised names.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer",
        "customer id",
        "customer no",
        "customer number",
        "customer code",
        "cust id",
        "cust no",
        "client",
        "client id",
        "client code",
        "account",
        "account id",
        "account no",
        "account number",
        "buyer",
        "sold to",
        "sold-to party",
        "客戶",
        "客户",
        "客戶編號",
        "客户编号",
        "客戶代號",
        "客户代号",
        "客戶代碼",
        "客户代码",
        "客戶編碼",
        "客户编码",
        "客戶號",
        "客户号",
        "客戶id",
        "客户id",
        "客戶號碼",
        "客户号码",
    ),
    "date": (
        "date",
        "order date",
        "invoice date",
        "transaction date",
        "posting date",
        "document date",
        "sales date",
        "ship date",
        "billing date",
        "日期",
        "交易日期",
        "訂單日期",
        "订单日期",
        "銷售日期",
        "销售日期",
        "發票日期",
        "发票日期",
        "出貨日期",
        "出货日期",
        "單據日期",
        "单据日期",
        "開票日期",
        "开票日期",
    ),
    "revenue": (
        "amount",
        "revenue",
        "sales",
        "net sales",
        "net revenue",
        "sales amount",
        "net amount",
        "turnover",
        "value",
        "sales value",
        "line amount",
        "invoice amount",
        "金額",
        "金额",
        "銷售額",
        "销售额",
        "銷售金額",
        "销售金额",
        "營收",
        "营收",
        "收入",
        "銷貨金額",
        "销货金额",
        "未稅金額",
        "未税金额",
        "營業額",
        "营业额",
    ),
    "profit": (
        "profit",
        "gross profit",
        "gp",
        "gross margin",
        "margin amount",
        "毛利",
        "利潤",
        "利润",
        "毛利額",
        "毛利额",
        "毛利潤",
        "毛利润",
        "毛利金額",
        "毛利金额",
    ),
    "order_id": (
        "order",
        "order id",
        "order no",
        "order number",
        "invoice",
        "invoice no",
        "invoice number",
        "document no",
        "document number",
        "so number",
        "sales order",
        "訂單",
        "订单",
        "訂單編號",
        "订单编号",
        "訂單號",
        "订单号",
        "單號",
        "单号",
        "發票號碼",
        "发票号码",
        "單據編號",
        "单据编号",
    ),
    "customer_name": (
        "customer name",
        "client name",
        "account name",
        "company",
        "company name",
        "客戶名稱",
        "客户名称",
        "客戶名",
        "客户名",
        "公司名稱",
        "公司名称",
        "客戶簡稱",
        "客户简称",
    ),
    "region": (
        "region",
        "area",
        "territory",
        "sales region",
        "sales area",
        "district",
        "區域",
        "区域",
        "地區",
        "地区",
        "銷售區域",
        "销售区域",
        "大區",
        "大区",
    ),
    "industry": (
        "industry",
        "sector",
        "segment",
        "vertical",
        "industry segment",
        "行業",
        "行业",
        "產業",
        "产业",
        "行業別",
        "行业别",
    ),
    "sales_rep": (
        "sales rep",
        "salesperson",
        "sales person",
        "sales representative",
        "sales rep name",
        "account manager",
        "rep",
        "salesman",
        "sales owner",
        "業務",
        "业务",
        "業務員",
        "业务员",
        "業務代表",
        "业务代表",
        "銷售員",
        "销售员",
        "負責業務",
        "负责业务",
        "客戶經理",
        "客户经理",
    ),
    "product_line": (
        "product line",
        "product category",
        "category",
        "product group",
        "product family",
        "產品線",
        "产品线",
        "產品類別",
        "产品类别",
        "品類",
        "品类",
        "產品別",
        "产品别",
    ),
}

# Characters dropped before comparing header names: spacing and punctuation people vary.
_DROP = set(" \t\r\n_-./()[]#:：（）【】・·'\"")


def normalize_header(name: str) -> str:
    """Normalise a header name for matching.

    NFKC folds full-width letters and digits to their usual forms, ``casefold`` ignores case,
    and spacing and punctuation are dropped, so ``" Customer_ID "``, ``"customer id"`` and
    ``"ＣＵＳＴＯＭＥＲ ＩＤ"`` compare equal. A byte-order mark stuck to the name is removed.
    """
    text = unicodedata.normalize("NFKC", str(name)).replace("\ufeff", "").casefold()
    return "".join(ch for ch in text if ch not in _DROP)


_NORMALISED: dict[str, frozenset[str]] = {
    field: frozenset(normalize_header(s) for s in names) for field, names in _SYNONYMS.items()
}


#: Per field, any synonym of two characters or more inside a normalised name.
_INSIDE: dict[str, re.Pattern[str]] = {
    field: re.compile("|".join(re.escape(s) for s in sorted(names) if len(s) >= 2))
    for field, names in _NORMALISED.items()
}


# A header like these names a rate, not an amount ("GP %", "Margin rate", "毛利率"): it is never
# guessed as money.
_RATE = re.compile(r"[%％率]|\b(?:percent|percentage|pct|ratio|rate)\b", re.IGNORECASE)
_MONEY_FIELDS = ("revenue", "profit")
_ID_LIKE = re.compile(r"(?:id|no|number|code|編號|编号|代號|代号|代碼|代码|編碼|编码|號|号)$")


def _score(field: str, column: str, norm: str) -> float:
    """2 for an exact synonym, 1 + a little per matched character for a synonym inside the
    name (longer synonyms are more specific), 0 for no match. ``norm``: the column's
    :func:`normalize_header`."""
    if not norm:
        return 0.0
    if field in _MONEY_FIELDS and _RATE.search(unicodedata.normalize("NFKC", str(column))):
        return 0.0
    if norm in _NORMALISED[field]:
        # Between "客戶" and "客戶編號" (or "Customer" and "Customer ID"), the id wins.
        return 2.01 if field == "customer_id" and _ID_LIKE.search(norm) else 2.0
    if not _INSIDE[field].search(norm):  # most cells (numbers, dates, names): one regex
        return 0.0
    inside = [s for s in _NORMALISED[field] if len(s) >= 2 and s in norm]
    return 1.0 + max(map(len, inside)) / 1000 if inside else 0.0


def guess_mapping(header: Sequence[str]) -> dict[str, str]:
    """Guess which column holds each field.

    Exact synonym matches win over partial ones (a name containing a synonym); each column is
    used at most once and each field gets at most one column. Where scores tie, fields are
    served in the order of :data:`FIELDS` and columns in file order.

    Parameters
    ----------
    header
        The column names as they appear in the file.

    Returns
    -------
    dict
        Field name → column name, for the fields that could be matched.
    """
    names = [normalize_header(column) for column in header]
    scored = [
        (-_score(field, column, norm), f_idx, c_idx, field, column)
        for f_idx, field in enumerate(FIELDS)
        for c_idx, (column, norm) in enumerate(zip(header, names, strict=True))
    ]
    candidates = [c for c in scored if c[0] < 0]
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _, _, _, field, column in sorted(candidates):
        if field not in mapping and column not in used:
            mapping[field] = column
            used.add(column)
    return {field: mapping[field] for field in FIELDS if field in mapping}


def recognised_fields(line: str) -> int:
    """How many of our fields a header line's names give, split by the likeliest delimiter
    (for telling which decoding of a line is the right one)."""
    best = 0
    for delimiter in (",", ";", "\t", "|"):
        names = [n.strip().strip('"') for n in line.strip().split(delimiter)]
        best = max(best, len(guess_mapping(names)))
    return best


def find_header_row(rows: Sequence[Sequence[str]], limit: int = 30) -> int:
    """The index of the header among the first ``limit`` rows: the first row naming the most of
    our fields (at least two), which skips a title block above it; 0 when none does."""
    scores = [len(guess_mapping([str(c) for c in row])) for row in rows[:limit]]
    best = max(scores, default=0)
    return scores.index(best) if best >= 2 else 0


def check_mapping(mapping: Mapping[str, str | None], header: Iterable[str]) -> dict[str, str]:
    """Validate a mapping against a header and return it cleaned (unset fields removed).

    Raises
    ------
    ValueError
        If a required field has no column, a field is unknown, a column is not in the file,
        or one column is given to two fields.
    """
    columns = list(header)
    clean = {field: column for field, column in mapping.items() if column not in (None, "")}
    unknown = sorted(set(clean) - set(FIELDS))
    if unknown:
        raise ValueError(f"Unknown field(s) {unknown}; the fields are {list(FIELDS)}.")
    listed = ", ".join(columns)
    missing = [field for field in REQUIRED_FIELDS if field not in clean]
    if missing:
        raise KadashError(
            "error.mapping_missing", fields=", ".join(missing), columns=listed, missing=missing
        )
    for field, column in clean.items():
        if column not in columns:
            raise KadashError("error.mapping_absent", field=field, column=column, columns=listed)
    seen: dict[str, str] = {}
    for field, column in clean.items():
        if column in seen:
            raise KadashError(
                "error.mapping_twice", column=column, first=seen[column], second=field
            )
        seen[column] = field
    return {field: clean[field] for field in FIELDS if field in clean}
