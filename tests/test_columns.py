"""Header synonyms (English, Traditional and Simplified Chinese) and mapping validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.columns import FIELDS, REQUIRED_FIELDS, check_mapping, guess_mapping, normalize_header
from kadash.errors import KadashError

ENGLISH = [
    "Customer ID",
    "Order Date",
    "Amount",
    "Gross Profit",
    "Order ID",
    "Customer Name",
    "Region",
    "Industry",
    "Sales Rep",
    "Product Line",
]


class TestNormalizeHeader:
    @pytest.mark.parametrize(
        "name",
        [
            "Customer ID",
            "customer_id",
            " CUSTOMER  id ",
            "Customer-ID",
            "customer.id",
            "\ufeffCustomer ID",
            "ＣＵＳＴＯＭＥＲ　ＩＤ",
            "Customer (ID)",
        ],
        ids=["title", "snake", "spacing", "dash", "dot", "bom", "full-width", "brackets"],
    )
    def test_spellings_compare_equal(self, name: str) -> None:
        assert normalize_header(name) == "customerid"

    def test_chinese_unchanged(self) -> None:
        assert normalize_header(" 客戶 編號 ") == "客戶編號"


class TestGuessMapping:
    @pytest.mark.parametrize(
        "header",
        [
            ["Customer ID", "Date", "Amount"],
            ["customer_id", "date", "amount"],
            [" CUSTOMER  id ", "DATE", "AMOUNT"],
            ["ＣＵＳＴＯＭＥＲ ＩＤ", "Ｄａｔｅ", "ＡＭＯＵＮＴ"],
            ["\ufeffCustomer ID", "Date", "Amount"],
            ["客戶編號", "日期", "金額"],
            ["客户编号", "订单日期", "销售额"],
        ],
        ids=["english", "snake", "spacing-case", "full-width", "bom", "traditional", "simplified"],
    )
    def test_required_fields(self, header: list[str]) -> None:
        assert guess_mapping(header) == dict(zip(REQUIRED_FIELDS, header, strict=True))

    def test_english_all_fields(self) -> None:
        assert guess_mapping(ENGLISH) == {
            "customer_id": "Customer ID",
            "date": "Order Date",
            "revenue": "Amount",
            "profit": "Gross Profit",
            "order_id": "Order ID",
            "customer_name": "Customer Name",
            "region": "Region",
            "industry": "Industry",
            "sales_rep": "Sales Rep",
            "product_line": "Product Line",
        }

    def test_traditional_chinese(self) -> None:
        header = [
            "客戶編號",
            "日期",
            "金額",
            "毛利",
            "區域",
            "業務員",
            "產品線",
            "客戶名稱",
            "訂單編號",
        ]
        assert guess_mapping(header) == {
            "customer_id": "客戶編號",
            "date": "日期",
            "revenue": "金額",
            "profit": "毛利",
            "order_id": "訂單編號",
            "customer_name": "客戶名稱",
            "region": "區域",
            "sales_rep": "業務員",
            "product_line": "產品線",
        }

    def test_simplified_chinese(self) -> None:
        header = ["客户编号", "订单日期", "销售额", "利润", "区域", "业务员", "产品线", "客户名称"]
        assert guess_mapping(header) == {
            "customer_id": "客户编号",
            "date": "订单日期",
            "revenue": "销售额",
            "profit": "利润",
            "customer_name": "客户名称",
            "region": "区域",
            "sales_rep": "业务员",
            "product_line": "产品线",
        }

    def test_sample_file_header(self) -> None:
        header = [
            "order_id",
            "order_date",
            "customer_id",
            "customer_name",
            "region",
            "industry",
            "sales_rep",
            "product_line",
            "revenue",
            "gross_profit",
        ]
        assert guess_mapping(header) == {
            "customer_id": "customer_id",
            "date": "order_date",
            "revenue": "revenue",
            "profit": "gross_profit",
            "order_id": "order_id",
            "customer_name": "customer_name",
            "region": "region",
            "industry": "industry",
            "sales_rep": "sales_rep",
            "product_line": "product_line",
        }

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            (["Customer Name"], {"customer_name": "Customer Name"}),
            (["Order Date"], {"date": "Order Date"}),
            (["Sales Rep"], {"sales_rep": "Sales Rep"}),
            (["客戶名稱"], {"customer_name": "客戶名稱"}),
            (["订单日期"], {"date": "订单日期"}),
        ],
        ids=["customer-name", "order-date", "sales-rep", "客戶名稱", "订单日期"],
    )
    def test_longer_names_not_taken_by_a_shorter_field(self, header, expected) -> None:
        # "Customer Name" contains "customer" (customer_id), "Order Date" contains "order"
        # (order_id), "Sales Rep" contains "sales" (revenue): the exact synonym must win.
        assert guess_mapping(header) == expected

    def test_partial_match_used_when_no_exact_one(self) -> None:
        assert guess_mapping(["Customer Code (SAP)", "Invoice Date 2024", "Amount USD"]) == {
            "customer_id": "Customer Code (SAP)",
            "date": "Invoice Date 2024",
            "revenue": "Amount USD",
        }

    @pytest.mark.parametrize(
        "header",
        [["Foo", "Bar"], ["", "  "], ["備註", "Notes", "Qty"]],
        ids=["english", "blank", "notes"],
    )
    def test_unrecognised_left_unmapped(self, header: list[str]) -> None:
        assert guess_mapping(header) == {}

    def test_unrecognised_columns_skipped(self) -> None:
        header = ["Notes", "Customer ID", "Qty", "Date", "Amount", "備註"]
        assert guess_mapping(header) == {
            "customer_id": "Customer ID",
            "date": "Date",
            "revenue": "Amount",
        }

    def test_no_column_used_twice(self) -> None:
        # Both are exact customer_id synonyms: the id-like one wins, the other stays free;
        # so do the two amount synonyms (the first wins).
        assert guess_mapping(["Customer", "Customer ID", "Amount", "Revenue"]) == {
            "customer_id": "Customer ID",
            "revenue": "Amount",
        }
        assert guess_mapping(["客戶", "客戶編號", "日期", "金額"])["customer_id"] == "客戶編號"

    def test_result_in_fields_order(self) -> None:
        mapping = guess_mapping(list(reversed(ENGLISH)))
        assert list(mapping) == list(FIELDS)

    @given(st.permutations(ENGLISH))
    def test_does_not_depend_on_column_order(self, header: list[str]) -> None:
        assert guess_mapping(header) == guess_mapping(ENGLISH)

    @given(st.lists(st.text(max_size=12), max_size=8))
    def test_any_header_gives_a_valid_partial_mapping(self, header: list[str]) -> None:
        mapping = guess_mapping(header)
        assert set(mapping) <= set(FIELDS)
        assert set(mapping.values()) <= set(header)
        assert len(set(mapping.values())) == len(mapping)


class TestCheckMapping:
    HEADER = ("id", "when", "amt", "gp", "area")

    def test_returns_fields_order_without_unset(self) -> None:
        mapping = {
            "region": "area",
            "profit": "gp",
            "revenue": "amt",
            "sales_rep": None,
            "order_id": "",
            "date": "when",
            "customer_id": "id",
        }
        result = check_mapping(mapping, self.HEADER)
        assert result == {
            "customer_id": "id",
            "date": "when",
            "revenue": "amt",
            "profit": "gp",
            "region": "area",
        }
        assert list(result) == ["customer_id", "date", "revenue", "profit", "region"]

    @pytest.mark.parametrize(
        ("mapping", "key", "match"),
        [
            (
                {"customer_id": "id", "revenue": "amt"},
                "error.mapping_missing",
                "No column chosen for: date",
            ),
            (
                {"customer_id": None, "date": "", "revenue": "amt"},
                "error.mapping_missing",
                "No column chosen for: customer_id, date",
            ),
            (
                {"customer_id": "id", "date": "when", "revenue": "Amount"},
                "error.mapping_absent",
                "Column 'Amount' \\(for revenue\\) is not in the file",
            ),
            (
                {"customer_id": "id", "date": "when", "revenue": "amt", "profit": "amt"},
                "error.mapping_twice",
                "Column 'amt' is chosen for both revenue and profit",
            ),
        ],
        ids=["missing", "missing-unset", "absent", "twice"],
    )
    def test_problems(self, mapping, key: str, match: str) -> None:
        with pytest.raises(KadashError, match=match) as info:
            check_mapping(mapping, self.HEADER)
        assert info.value.key == key

    def test_missing_message_lists_the_columns(self) -> None:
        with pytest.raises(KadashError, match="The file's columns are: id, when, amt, gp, area"):
            check_mapping({}, self.HEADER)

    def test_unknown_field(self) -> None:
        with pytest.raises(ValueError, match="Unknown field"):
            check_mapping({"customer_id": "id", "date": "when", "revenue": "amt", "x": "gp"}, [])

    def test_guess_passes_check(self) -> None:
        mapping = guess_mapping(ENGLISH)
        assert check_mapping(mapping, ENGLISH) == mapping
