"""The Tier policy page in Streamlit's AppTest: the policy table, its edits in the settings and
the URL, the per-tier weights and the sales reps' capacity.

Expected numbers are computed here independently of :mod:`kadash`, with plain pandas and
Python integers on the sample CSV (tiers by the rule written out in :mod:`tests.test_pages`).
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache

import pandas as pd
from streamlit.testing.v1 import AppTest

from kadash.i18n import PSEUDO_OPEN
from kadash.policy import BLANK, PolicyRow
from tests import test_pages
from tests.conftest import SAMPLE
from tests.test_pages import UPLOAD, _app, _ok, _plain, _positive, _sample_values

PAGE = "pages/policy.py"
IBM_NAMES = ["Diamond", "Gold", "Silver", "Other"]
IBM_CUTOFFS = [50, 75, 95]
IBM_TABLE = [
    ["Diamond", "Group vice-president", "Personalised consulting and IT planning", "Monthly", ""],
    ["Gold", "Regional president", "Consulting", "Quarterly", ""],
    ["Silver", "Key account manager", "Standard solution", "Half-yearly", ""],
    ["Other", "To be decided", "Standard solution or product", "Yearly", ""],
]


# -- independent expectations -------------------------------------------------------------
@cache
def _tier_of(cutoffs_pct: tuple[int, ...]) -> dict[str, int]:
    """Customer id → tier: the first tier whose cut-off is above the cumulative share before
    the customer (negative values last)."""
    values = _sample_values()
    total, before, out = _positive(values), 0, {}
    for value, customer in values:
        out[customer] = len(cutoffs_pct)
        if value >= 0:
            out[customer] = next(
                (i for i, c in enumerate(cutoffs_pct) if Fraction(c, 100) * total > before),
                len(cutoffs_pct),
            )
        before += value
    return out


@cache
def _sample_lines(cutoffs_pct: tuple[int, ...] = tuple(IBM_CUTOFFS)) -> pd.DataFrame:
    df = pd.read_csv(SAMPLE, dtype={"customer_id": str})
    df["tier"] = df["customer_id"].map(_tier_of(cutoffs_pct))
    df["cents"] = (df["revenue"] * 100).round().astype("int64")
    df["profit_cents"] = (df["gross_profit"] * 100).round().astype("int64")
    return df


def _expected_capacity() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts (distinct customers) and revenue (cents) per rep × tier, by plain pandas."""
    df = _sample_lines()
    grouped = df.groupby(["sales_rep", "tier"])
    accounts = grouped["customer_id"].nunique().unstack(fill_value=0)
    cents = grouped["cents"].sum().unstack(fill_value=0)
    return accounts, cents


def _expected_over(limit: int, top: int) -> list[tuple[str, int]]:
    """Reps with more than ``limit`` accounts in the first ``top`` tiers, most first."""
    accounts, _ = _expected_capacity()
    held = accounts[list(range(top))].sum(axis=1)
    over = [(str(rep), int(n)) for rep, n in held.items() if n > limit]
    return sorted(over, key=lambda x: (-x[1], x[0]))


# -- helpers ------------------------------------------------------------------------------
def _policy(query: dict | None = None, lang: str | None = None) -> AppTest:
    at = _ok(_app(lang=lang, query=query))
    return _ok(at.switch_page(PAGE).run())


def _editor(at: AppTest):
    assert len(at.data_editor) == 1
    return at.data_editor[0]


def _edit(at: AppTest, rows: dict[int, dict[int, object]]) -> AppTest:
    """Edit cells as the browser does: the editor's state is its edits, by row and column."""
    editor = _editor(at)
    columns = list(editor.value.columns)
    edited = {r: {columns[c]: v for c, v in cells.items()} for r, cells in rows.items()}
    at.session_state[editor.key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    return _ok(at.run())


def _capacity_tables(at: AppTest) -> tuple[pd.DataFrame, pd.DataFrame]:
    accounts, revenue = (d.value for d in at.dataframe if d.value.columns[0] == "Sales rep")
    return accounts.set_index("Sales rep"), revenue.set_index("Sales rep")


def _settings(at: AppTest):
    return at.session_state["kadash.settings"]


# -- the policy table ---------------------------------------------------------------------
class TestPolicyTable:
    def test_runs_on_the_sample_with_the_abc_defaults(self):
        at = _policy()
        assert at.title[0].value == "Tier policy"
        table = _editor(at).value
        assert table.iloc[:, 0].tolist() == ["A", "B", "C"]
        assert table.iloc[:, 1].tolist() == [
            "Group vice-president",
            "Regional president",
            "To be decided",
        ]
        assert _editor(at).editing_mode == "fixed"

    def test_ibm_scheme_shows_the_ibm_example(self):
        at = _policy({"scheme": "ibm"})
        table = _editor(at).value
        assert list(table.columns) == [
            "Tier",
            "Relationship owner",
            "Service package",
            "Review cadence",
            "Notes",
        ]
        assert table.fillna("").to_numpy().tolist() == IBM_TABLE
        assert any("the default policy" in c.value for c in at.caption)

    def test_an_edit_goes_into_the_settings_and_the_url(self):
        at = _policy({"scheme": "ibm"})
        key = _editor(at).key
        owner = 'Jane Doe, "VP" = 陳'
        _edit(at, {1: {1: owner, 3: "Weekly"}, 3: {4: "Call first"}})
        want = (
            BLANK,
            PolicyRow(owner, "", "weekly", ""),
            BLANK,
            PolicyRow("", "", "", "Call first"),
        )
        assert _settings(at).policy == want
        assert json.loads(at.query_params["policy"]) == [
            ["", "", "", ""],
            [owner, "", "weekly", ""],
            ["", "", "", ""],
            ["", "", "", "Call first"],
        ]
        _ok(at.run())  # the table is now made from the settings, under the same key
        assert _editor(at).key == key
        assert _editor(at).value.iloc[1].tolist() == ["Gold", owner, "Consulting", "Weekly", ""]
        assert any("Edited from the default policy" in c.value for c in at.caption)

    def test_a_cleared_cell_goes_back_to_its_default(self):
        at = _policy({"scheme": "ibm", "policy": json.dumps([["X", "", "", ""]] + [[""] * 4] * 3)})
        assert _editor(at).value.iloc[0, 1] == "X"
        key = _editor(at).key
        _edit(at, {0: {1: None}})
        assert _settings(at).policy == ()
        assert "policy" not in at.query_params
        assert _editor(at).key != key  # drawn again from the settings
        assert _editor(at).value.fillna("").to_numpy().tolist() == IBM_TABLE

    def test_reset_to_the_default_policy(self):
        at = _policy({"scheme": "ibm"})
        assert at.button(key="policy.reset").disabled
        _edit(at, {2: {2: "Bespoke"}})
        assert not at.button(key="policy.reset").disabled
        key = _editor(at).key
        _ok(at.button(key="policy.reset").click().run())
        assert _settings(at).policy == () and "policy" not in at.query_params
        assert _editor(at).key != key  # fresh edits for the fresh table
        assert _editor(at).value.fillna("").to_numpy().tolist() == IBM_TABLE

    def test_a_new_scheme_keys_a_new_table_and_keeps_remaining_rows(self):
        at = _policy({"scheme": "ibm"})
        key = _editor(at).key
        _edit(at, {1: {1: "Anna"}})
        _ok(at.switch_page("pages/tiers.py").run())
        at.selectbox(key="tiers.scheme").set_value("abc")
        _ok(at.run())
        _ok(at.switch_page(PAGE).run())
        assert _editor(at).key != key
        assert _editor(at).value.iloc[:, 1].tolist() == [
            "Group vice-president",
            "Anna",
            "To be decided",
        ]

    def test_chinese_defaults(self):
        at = _policy({"scheme": "ibm"}, lang="zh-Hant")
        table = _editor(at).value
        assert table.iloc[:, 1].tolist() == ["集團副總裁", "區域總裁", "大客戶經理", "待定"]
        assert table.iloc[0, 2] == "個性化諮詢與IT規劃"

    def test_every_tier_shows_its_weights(self):
        at = _policy({"scheme": "ibm"})
        df = _sample_lines()
        per_customer = df.groupby("customer_id")[["cents", "profit_cents"]].sum()
        per_customer["tier"] = per_customer.index.map(_tier_of(tuple(IBM_CUTOFFS)))
        n = len(per_customer)
        rev_total = per_customer["cents"].clip(lower=0).sum()
        profit_total = per_customer["profit_cents"].clip(lower=0).sum()
        shown = _plain(next(m.value for m in at.markdown if "of customers" in m.value))
        for tier, name in enumerate(IBM_NAMES):
            members = per_customer[per_customer["tier"] == tier]
            line = (
                f"**{name}**: {len(members):,} customers · {len(members) / n * 100:.1f}% of "
                f"customers · {members['cents'].sum() / rev_total * 100:.1f}% of revenue · "
                f"{members['profit_cents'].sum() / profit_total * 100:.1f}% of gross profit"
            )
            assert line in shown.split("  \n")


# -- the capacity check -------------------------------------------------------------------
class TestCapacity:
    def test_counts_and_revenue_match_plain_pandas(self):
        at = _policy({"scheme": "ibm"})
        accounts, revenue = _capacity_tables(at)
        want_accounts, want_cents = _expected_capacity()
        assert sorted(accounts.index) == sorted(want_accounts.index)
        for tier, name in enumerate(IBM_NAMES):
            got = accounts[name].to_dict()
            assert got == {rep: int(want_accounts.loc[rep, tier]) for rep in want_accounts.index}
            cents = (revenue[name] * 100).round().astype("int64").to_dict()
            assert cents == {rep: int(want_cents.loc[rep, tier]) for rep in want_cents.index}
        # Most Diamond accounts first.
        assert accounts["Diamond"].tolist() == sorted(accounts["Diamond"], reverse=True)

    def test_default_limit_flags_the_reps_over_it(self):
        at = _policy({"scheme": "ibm"})
        over = _expected_over(10, 1)
        assert over  # the sample has reps over the default limit of 10
        self._check_flags(at, 10, "Diamond", over)

    def test_lowering_the_limit_flags_more_reps(self):
        at = _policy({"scheme": "ibm"})
        at.number_input(key="policy.top_accounts").set_value(5)
        _ok(at.run())
        assert _settings(at).top_accounts == 5
        assert at.query_params["top_accounts"] == "5"
        over = _expected_over(5, 1)
        assert len(over) > len(_expected_over(10, 1))
        self._check_flags(at, 5, "Diamond", over)

    def test_two_top_tiers(self):
        at = _policy({"scheme": "ibm", "top_accounts": "25"})
        assert at.number_input(key="policy.top_accounts").value == 25
        at.button_group(key="policy.top_tiers").set_value(2)
        _ok(at.run())
        over = _expected_over(25, 2)
        assert over and over != _expected_over(25, 1)
        self._check_flags(at, 25, "Diamond + Gold", over)
        accounts, _ = _capacity_tables(at)
        assert accounts["Top-tier accounts"].to_dict() == {
            rep: int(a + b)
            for rep, a, b in zip(accounts.index, accounts["Diamond"], accounts["Gold"], strict=True)
        }

    def test_a_high_limit_flags_nobody(self):
        at = _policy({"scheme": "ibm", "top_accounts": "1000"})
        assert not at.warning
        assert "No rep holds more than 1,000 top-tier accounts (Diamond)." in [
            _plain(s.value) for s in at.success
        ]
        accounts, _ = _capacity_tables(at)
        assert set(accounts["Over limit"]) == {""}

    @staticmethod
    def _check_flags(at: AppTest, limit: int, tiers: str, over: list[tuple[str, int]]) -> None:
        named = ", ".join(f"{rep} ({n:,})" for rep, n in over[:10])
        count = f"{len(over)} reps hold" if len(over) > 1 else "1 rep holds"
        message = f"{count} more than {limit:,} top-tier accounts ({tiers}): {named}"
        assert [_plain(w.value) for w in at.warning] == [
            message + (f", and {len(over) - 10} more." if len(over) > 10 else ".")
        ]
        accounts, _ = _capacity_tables(at)
        flags = {rep: f"+{n - limit:,}" for rep, n in over}
        assert accounts["Over limit"].to_dict() == {r: flags.get(r, "") for r in accounts.index}

    def test_without_a_sales_rep_column(self):
        at = _app()
        at.file_uploader(key="source.upload").upload("erp.csv", UPLOAD, "text/csv")
        _ok(at.run())
        _ok(at.switch_page(PAGE).run())
        assert any("Sales rep" in _plain(i.value) for i in at.info)
        assert [link.proto.page for link in at.main.get("page_link")] == ["data"]
        assert len(at.data_editor) == 1  # the policy itself needs no rep


# -- no text of ours escapes the translator -------------------------------------------------
def test_no_hard_coded_text_in_the_ibm_policy():
    # Every page is checked on the default (ABC) view in tests/test_pages.py; the IBM policy
    # rows and four-tier capacity columns are checked here.
    at = _app(lang="pseudo", query={"scheme": "ibm"})
    _ok(at.switch_page(PAGE).run())
    assert at.title[0].value.startswith(PSEUDO_OPEN)
    data_words = set(pd.read_csv(SAMPLE, nrows=0).columns)
    assert test_pages._untranslated(at, data_words) == []
