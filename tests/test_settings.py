"""The settings object and its URL / JSON round trips."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kadash.errors import KadashError
from kadash.policy import PolicyRow
from kadash.settings import SETTINGS_VERSION, Settings

CUSTOM = Settings(
    basis="profit",
    scheme="ibm",
    cutoffs=(0.5, 0.7, 0.9),
    names=("鑽石", "Gold", "Silver, Bronze", "Other"),
    date_from=date(2024, 1, 1),
    date_to=date(2024, 12, 31),
    filters=(("region", ("North", "South & East")), ("sales_rep", ("Ana",))),
)


class TestRoundTrips:
    def test_defaults_make_an_empty_query(self):
        assert Settings().to_query() == {}

    def test_query_round_trip(self):
        query = CUSTOM.to_query()
        assert query["cutoffs"] == "0.5,0.7,0.9"
        assert query["region"] == ["North", "South & East"]
        back, ignored = Settings.from_query(query)
        assert (back, ignored) == (CUSTOM, [])

    def test_json_round_trip(self):
        text = CUSTOM.to_json()
        assert json.loads(text)["version"] == SETTINGS_VERSION
        assert Settings.from_json(text) == CUSTOM

    def test_preset_cutoffs_are_not_written(self):
        assert Settings().with_scheme("ibm").to_query() == {"scheme": "ibm"}

    @given(
        st.lists(st.integers(1, 100), min_size=1, max_size=5, unique=True),
        st.sampled_from(["abc", "ibm", "count", "cumulative"]),
        st.sampled_from(["revenue", "profit"]),
    )
    def test_any_valid_settings_round_trip(self, pcts, scheme, basis):
        settings = replace(
            Settings().with_scheme(scheme),
            basis=basis,
            cutoffs=tuple(p / 100 for p in sorted(pcts)),
        )
        assert Settings.from_query(settings.to_query())[0] == settings
        assert Settings.from_json(settings.to_json()) == settings


class TestLenientQuery:
    def test_bad_values_are_ignored_and_reported(self):
        settings, ignored = Settings.from_query(
            {"basis": "margin", "cutoffs": "0.9,0.5", "from": "yesterday", "scheme": "ibm"}
        )
        assert settings == Settings().with_scheme("ibm")
        assert ignored == ["basis", "cutoffs", "from"]

    def test_names_must_match_tiers(self):
        _, ignored = Settings.from_query({"names": ["A", "B"]})
        assert ignored == ["names"]

    def test_single_strings_and_lists(self):
        settings, _ = Settings.from_query({"region": "North", "industry": ["A", "B"]})
        assert settings.filter_map == {"region": ("North",), "industry": ("A", "B")}


class TestStrictJson:
    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ('{"version": 99}', "error.settings_version"),
            ('{"colour": "red"}', "error.settings_unknown"),
            ('{"cutoffs": [0.9, 0.5]}', "error.cutoff_order"),
            ("[1, 2]", "error.settings_json"),
            ("{not json", "error.settings_json"),
            ('{"filters": {"planet": ["Mars"]}}', "error.settings_value"),
            ('{"date_from": "2024-05-01", "date_to": "2024-01-01"}', "error.date_order"),
        ],
    )
    def test_rejects_with_a_clear_key(self, text, key):
        with pytest.raises(KadashError) as err:
            Settings.from_json(text)
        assert err.value.key == key

    def test_scheme_alone_takes_its_cutoffs(self):
        assert Settings.from_json('{"scheme": "ibm"}').cutoffs == (0.5, 0.75, 0.95)


class TestDerived:
    def test_rule_and_fractions(self):
        settings = Settings().with_scheme("count")
        assert settings.rule == "count"
        assert settings.tier_count == 3
        assert [str(f) for f in settings.cutoff_fractions] == ["1/5", "1/2"]

    def test_with_filter(self):
        settings = Settings().with_filter("sales_rep", ["Ana"]).with_filter("region", ["N"])
        assert settings.filters == (("region", ("N",)), ("sales_rep", ("Ana",)))
        assert settings.with_filter("region", []).filters == (("sales_rep", ("Ana",)),)


OPTIONS = {"region": ["North", "South"], "industry": ["Energy"]}


class TestFitToData:
    def test_keeps_what_the_data_has(self):
        settings = Settings().with_filter("region", ["North"])
        assert settings.fit_to_data(OPTIONS, date(2024, 1, 1), date(2024, 12, 31)) == (
            settings,
            [],
        )

    def test_drops_unknown_values_and_fields(self):
        settings = (
            Settings().with_filter("region", ["North", "Nowhere"]).with_filter("sales_rep", ["Ana"])
        )
        fitted, dropped = settings.fit_to_data(OPTIONS, date(2024, 1, 1), date(2024, 12, 31))
        assert fitted.filters == (("region", ("North",)),)
        assert dropped == ["region", "sales_rep"]

    @pytest.mark.parametrize(
        ("start", "end", "dropped"),
        [
            (date(2030, 1, 1), None, ["from"]),
            (None, date(2020, 1, 1), ["to"]),
            (date(2023, 6, 1), date(2024, 3, 1), []),  # overlaps: kept as it is
        ],
    )
    def test_date_range_wholly_outside_is_dropped(self, start, end, dropped):
        settings = replace(Settings(), date_from=start, date_to=end)
        fitted, got = settings.fit_to_data({}, date(2024, 1, 1), date(2024, 12, 31))
        assert got == dropped
        assert (fitted.date_from, fitted.date_to) == ((None, None) if dropped else (start, end))


# -- version 2: thresholds, the tier policy, the capacity limit -----------------------------
POLICY = (
    PolicyRow("集團副總裁", "", "monthly", 'Quarterly review, "QBR"; CEO joins'),
    PolicyRow("", "Consulting, workshops", "", '=HYPERLINK("x")'),
    PolicyRow("", "", "", ""),
)
ABSOLUTE = replace(
    Settings().with_scheme("absolute", (1_000_000.0, 250_000.5)),
    names=("Strategic", "", "Rest"),
    policy=POLICY,
    top_accounts=4,
)


class TestVersion2:
    def test_absolute_round_trips_through_url_and_json(self):
        query = ABSOLUTE.to_query()
        assert query["scheme"] == "absolute"
        assert query["thresholds"] == "1000000.0,250000.5"
        assert "cutoffs" not in query
        assert Settings.from_query(query) == (ABSOLUTE, [])
        assert Settings.from_json(ABSOLUTE.to_json()) == ABSOLUTE

    def test_policy_in_the_url_is_compact_json(self):
        rows = json.loads(ABSOLUTE.to_query()["policy"])
        assert rows[0] == ["集團副總裁", "", "monthly", 'Quarterly review, "QBR"; CEO joins']

    def test_computed_has_three_tiers_and_writes_no_bounds(self):
        computed = Settings().with_scheme("computed")
        assert computed.tier_count == 3
        assert computed.to_query() == {"scheme": "computed"}
        assert Settings.from_query({"scheme": "computed"})[0] == computed

    def test_version_1_file_is_read(self):
        old = {"version": 1, "scheme": "ibm", "cutoffs": [0.5, 0.75, 0.95], "names": []}
        settings = Settings.from_dict(old)
        assert (settings.scheme, settings.policy, settings.top_accounts) == ("ibm", (), 10)

    @pytest.mark.parametrize(
        "change,key",
        [
            ({"scheme": "absolute"}, "error.no_thresholds"),
            ({"thresholds": (10.0, 20.0)}, "error.threshold_order"),
            ({"policy": POLICY[:2]}, "error.policy_rows"),
            ({"policy": (PolicyRow("", "", "daily", ""),) * 3}, "error.settings_value"),
            ({"top_accounts": -1}, "error.settings_value"),
        ],
        ids=["absolute-without", "increasing", "rows", "cadence", "negative-limit"],
    )
    def test_invalid_combinations_are_refused(self, change, key):
        with pytest.raises(KadashError) as err:
            replace(Settings(), **change).validate()
        assert err.value.key == key

    def test_a_bad_policy_in_a_link_is_ignored(self):
        settings, ignored = Settings.from_query({"policy": "[[1,2]]", "scheme": "ibm"})
        assert (settings.policy, ignored) == ((), ["policy"])

    def test_tier_count_keeps_bounds_names_and_policy(self):
        four = replace(Settings().with_scheme("ibm"), names=("D", "G", "S", "O"))
        four = replace(
            four, policy=(PolicyRow("x", "", "", ""),) + (PolicyRow("", "", "", ""),) * 3
        )
        three = four.with_tier_count(3)
        assert (three.scheme, three.cutoffs, three.names) == (
            "cumulative",
            (0.5, 0.75),
            ("D", "G", "S"),
        )
        assert three.policy[0].owner == "x" and len(three.policy) == 3
        five = four.with_tier_count(5)
        assert five.cutoffs == (0.5, 0.75, 0.95, 0.97) and five.names[-1] == ""
        counted = Settings().with_scheme("count").with_tier_count(4)
        assert (counted.scheme, counted.cutoffs) == ("count", (0.2, 0.5, 0.75))

    def test_tier_count_on_thresholds_halves_the_last(self):
        settings = Settings().with_scheme("absolute", (1000.0,)).with_tier_count(3)
        assert settings.thresholds == (1000.0, 500.0)

    def test_tier_count_out_of_range(self):
        with pytest.raises(KadashError):
            Settings().with_tier_count(7)
        with pytest.raises(KadashError):
            Settings().with_scheme("computed").with_tier_count(4)


class TestFiscalStart:
    def test_round_trips_and_defaults(self):
        july = replace(Settings(), fiscal_start=7)
        assert july.to_query() == {"fiscal_start": "7"}
        assert Settings.from_query(july.to_query()) == (july, [])
        assert Settings.from_json(july.to_json()) == july
        assert Settings().fiscal_start == 1 and "fiscal_start" not in Settings().to_query()

    @pytest.mark.parametrize("month", ["0", "13", "x"])
    def test_a_bad_month_in_a_link_is_ignored(self, month):
        assert Settings.from_query({"fiscal_start": month}) == (Settings(), ["fiscal_start"])
