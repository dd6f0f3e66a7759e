"""Tier policy: defaults for every tier count, edits kept as differences, the settings round
trips, and the sales reps' capacity worked out by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from kadash.i18n import translator
from kadash.locales import LANGUAGES, catalog
from kadash.policy import (
    BLANK,
    CADENCES,
    DEFAULT_ROWS,
    PolicyRow,
    capacity_by_rep,
    default_policy,
    edited_policy,
    overloaded_reps,
    policy_for,
    resize_policy,
)
from kadash.settings import Settings

EN = translator("en")
IBM = (
    PolicyRow("Group vice-president", "Personalised consulting and IT planning", "monthly"),
    PolicyRow("Regional president", "Consulting", "quarterly"),
    PolicyRow("Key account manager", "Standard solution", "half_yearly"),
    PolicyRow("To be decided", "Standard solution or product", "yearly"),
)


class TestDefaults:
    @pytest.mark.parametrize(
        "count,template",
        [
            (2, [1, 4]),
            (3, [1, 2, 4]),
            (4, [1, 2, 3, 4]),
            (5, [1, 2, 2, 3, 4]),
            (6, [1, 2, 2, 3, 3, 4]),
        ],
        ids=lambda x: f"{x}" if isinstance(x, int) else None,
    )
    def test_rows_per_tier_count(self, count, template):
        assert default_policy(count, EN) == tuple(IBM[i - 1] for i in template)

    def test_the_ibm_example_in_english(self):
        assert default_policy(4, EN) == IBM
        assert all(row.notes == "" for row in IBM)

    @pytest.mark.parametrize(
        "lang,owners,services",
        [
            (
                "zh-Hant",
                ["集團副總裁", "區域總裁", "大客戶經理", "待定"],
                ["個性化諮詢與IT規劃", "諮詢", "標準解決方案", "標準解決方案或產品"],
            ),
            (
                "zh-Hans",
                ["集团副总裁", "区域总裁", "大客户经理", "待定"],
                ["个性化咨询与IT规划", "咨询", "标准解决方案", "标准解决方案或产品"],
            ),
        ],
        ids=["zh-Hant", "zh-Hans"],
    )
    def test_the_ibm_example_in_chinese(self, lang, owners, services):
        rows = default_policy(4, translator(lang))
        assert [r.owner for r in rows] == owners
        assert [r.service for r in rows] == services

    @pytest.mark.parametrize("lang", list(LANGUAGES))
    def test_every_policy_text_is_translated(self, lang):
        keys = [k for row in DEFAULT_ROWS for k in row[:2]]
        keys += [f"cadence.{c}" for c in CADENCES]
        keys += [f"policy.col_{f}" for f in ("owner", "service", "cadence", "notes")]
        keys += [f"policy.{f}_help" for f in ("tier", "owner", "service", "cadence", "notes")]
        assert [k for k in keys if k not in catalog(lang)] == []

    def test_default_cadences_are_known(self):
        assert {cadence for _, _, cadence in DEFAULT_ROWS} <= set(CADENCES)


class TestEdits:
    OWN = (BLANK, PolicyRow("Anna Li", "", "weekly", "Visit twice a year"), BLANK, BLANK)

    def test_empty_policy_is_the_default(self):
        assert policy_for((), 4, EN) == IBM

    def test_empty_fields_take_the_default(self):
        shown = policy_for(self.OWN, 4, EN)
        assert shown[1] == PolicyRow("Anna Li", "Consulting", "weekly", "Visit twice a year")
        assert shown[0] == IBM[0] and shown[2:] == IBM[2:]

    def test_round_trip_keeps_only_the_changes(self):
        assert edited_policy(policy_for(self.OWN, 4, EN), 4, EN) == self.OWN

    def test_the_default_policy_is_stored_as_nothing(self):
        assert edited_policy(IBM, 4, EN) == ()

    def test_typing_the_default_back_clears_the_change(self):
        rows = list(policy_for(self.OWN, 4, EN))
        rows[1] = replace(rows[1], owner="Regional president", cadence="quarterly", notes="")
        assert edited_policy(rows, 4, EN) == ()

    def test_spaces_are_trimmed(self):
        rows = list(IBM)
        rows[3] = replace(rows[3], owner="  Bo Chen ", notes=" call first ")
        assert edited_policy(rows, 4, EN)[3] == PolicyRow("Bo Chen", "", "", "call first")

    def test_a_policy_written_in_english_stays_default_in_chinese(self):
        # Nothing of the user's is stored, so the defaults follow the reader's language.
        zh = translator("zh-Hant")
        assert policy_for(edited_policy(IBM, 4, EN), 4, zh) == default_policy(4, zh)

    def test_rows_must_match_the_tier_count(self):
        with pytest.raises(ValueError):
            edited_policy(IBM[:3], 4, EN)


class TestResize:
    OWN = (PolicyRow("A", "", "", ""), BLANK, PolicyRow("", "", "", "third"))

    def test_grow_keeps_rows_and_adds_defaults(self):
        assert resize_policy(self.OWN, 5) == (*self.OWN, BLANK, BLANK)

    def test_shrink_keeps_the_top_rows(self):
        assert resize_policy(self.OWN, 2) == self.OWN[:2]

    def test_nothing_of_the_users_left_is_the_default(self):
        assert resize_policy((BLANK, BLANK, PolicyRow("", "", "", "x")), 2) == ()
        assert resize_policy((), 4) == ()


def _lines(**extra) -> pd.DataFrame:
    """Customer A is served by Ann and Bob; C has a line without a rep; E has no tier."""
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "C", "C", "D", "E"],
            "revenue": np.array([100, 50, 30, 200, 70, 5, 10, 999], dtype=np.int64),
            "sales_rep": pd.Categorical(["Ann", "Bob", "Ann", "Ann", "Bob", None, None, "Ann"]),
            **extra,
        }
    )


TIERS = pd.DataFrame({"customer_id": ["A", "B", "C", "D"], "tier": [0, 0, 1, 2]})
# By hand: Ann has A (100 + 30) and B (200) in t1; Bob has A (50) in t1 and C (70) in t2;
# no rep: C (5) in t2 and D (10) in t3. E has no tier and is left out.
CAPACITY = pd.DataFrame(
    {
        "sales_rep": ["", "", "Ann", "Bob", "Bob"],
        "tier": np.array([1, 2, 0, 0, 1], dtype=np.int64),
        "tier_id": ["t2", "t3", "t1", "t1", "t2"],
        "accounts": np.array([1, 1, 2, 1, 1], dtype=np.int64),
        "revenue": np.array([5, 10, 330, 50, 70], dtype=np.int64),
    }
)


class TestCapacity:
    def test_by_hand(self):
        assert_frame_equal(capacity_by_rep(_lines(), TIERS), CAPACITY, check_dtype=False)

    def test_input_is_not_changed(self):
        lines = _lines()
        before = lines.copy()
        capacity_by_rep(lines, TIERS)
        assert_frame_equal(lines, before)

    def test_row_order_does_not_matter(self):
        shuffled = _lines().iloc[::-1].reset_index(drop=True)
        assert_frame_equal(capacity_by_rep(shuffled, TIERS), CAPACITY, check_dtype=False)

    def test_other_column_names(self):
        lines = _lines().rename(columns={"sales_rep": "rep", "customer_id": "c", "revenue": "r"})
        tiers = TIERS.rename(columns={"customer_id": "c"})
        got = capacity_by_rep(lines, tiers, rep="rep", customer="c", revenue="r")
        assert_frame_equal(got, CAPACITY, check_dtype=False)

    def test_lines_without_a_rep_column(self):
        with pytest.raises(ValueError, match="No column 'sales_rep'"):
            capacity_by_rep(_lines().drop(columns="sales_rep"), TIERS)

    def test_no_lines(self):
        got = capacity_by_rep(_lines().iloc[:0], TIERS)
        assert got.empty and list(got.columns) == list(CAPACITY.columns)
        assert overloaded_reps(got, limit=0).empty

    @given(
        st.lists(
            st.tuples(
                st.sampled_from("ABCD"),
                st.integers(-(10**9), 10**9),
                st.sampled_from(["Ann", "Bob", None]),
            ),
            max_size=30,
        )
    )
    def test_revenue_and_accounts_add_up(self, rows):
        lines = pd.DataFrame(rows, columns=["customer_id", "revenue", "sales_rep"])
        lines["revenue"] = lines["revenue"].astype(np.int64)
        got = capacity_by_rep(lines, TIERS)
        assert got["revenue"].sum() == lines["revenue"].sum()
        pairs = lines.assign(sales_rep=lines["sales_rep"].fillna(""))
        assert got["accounts"].sum() == len(pairs[["customer_id", "sales_rep"]].drop_duplicates())


class TestOverloaded:
    @pytest.mark.parametrize(
        "limit,top,expected",
        [
            (1, 1, [("Ann", 2, 330, 1)]),
            (2, 1, []),  # exactly at the limit is within it
            (0, 1, [("Ann", 2, 330, 2), ("Bob", 1, 50, 1)]),
            (1, 2, [("Ann", 2, 330, 1), ("Bob", 2, 120, 1)]),
            (2, 2, []),
            (0, 3, [("Ann", 2, 330, 2), ("Bob", 2, 120, 2)]),  # lines without a rep: nobody's
        ],
        ids=["over", "at-limit", "zero", "two-tiers", "two-tiers-at-limit", "no-rep-ignored"],
    )
    def test_limits(self, limit, top, expected):
        got = overloaded_reps(CAPACITY, limit=limit, top=top)
        assert list(got.columns) == ["sales_rep", "top_accounts", "top_revenue", "over"]
        assert list(got.itertuples(index=False, name=None)) == expected

    @pytest.mark.parametrize("limit,top", [(-1, 1), (3, 0)], ids=["negative-limit", "no-top"])
    def test_bad_arguments(self, limit, top):
        with pytest.raises(ValueError, match="limit must be 0 or more"):
            overloaded_reps(CAPACITY, limit=limit, top=top)


class TestSettings:
    POLICY = (
        PolicyRow("王大明, 集團副總裁", "", "weekly", 'Says "hi"; a=b & c=d, 100%'),
        BLANK,
        PolicyRow("", "標準解決方案", "", "line one\nline two"),
        PolicyRow("", "", "yearly", "?policy=[] #frag"),
    )

    def _settings(self) -> Settings:
        return replace(Settings().with_scheme("ibm"), policy=self.POLICY, top_accounts=3)

    def test_json_round_trip(self):
        settings = self._settings()
        text = settings.to_json()
        assert "王大明" in text  # readable, not \\u-escaped
        assert Settings.from_json(text) == settings

    def test_query_round_trip(self):
        settings = self._settings()
        params = settings.to_query()
        assert json.loads(params["policy"])[0][0] == "王大明, 集團副總裁"
        assert params["top_accounts"] == "3"
        assert Settings.from_query(params) == (settings, [])

    def test_through_a_real_address(self):
        settings = self._settings()
        query = urlencode(settings.to_query(), doseq=True)
        parsed = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query).items()}
        assert Settings.from_query(parsed) == (settings, [])

    def test_default_policy_is_not_in_the_address(self):
        assert "policy" not in Settings().with_scheme("ibm").to_query()
        assert "top_accounts" not in Settings().to_query()

    def test_a_policy_for_another_tier_count_is_ignored(self):
        params = {"scheme": "ibm", "policy": json.dumps([["a", "", "", ""]] * 3)}
        settings, ignored = Settings.from_query(params)
        assert settings.policy == () and ignored == ["policy"]

    def test_an_unknown_cadence_is_ignored(self):
        params = {"scheme": "ibm", "policy": json.dumps([["", "", "daily", ""]] * 4)}
        assert Settings.from_query(params)[1] == ["policy"]

    def test_a_scheme_change_keeps_the_rows_of_tiers_that_remain(self):
        settings = self._settings().with_scheme("abc")
        assert settings.policy == self.POLICY[:3]
