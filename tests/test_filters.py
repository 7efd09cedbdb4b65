"""Filters: one matches() for every predicate, the JSON form, and where a pledge counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pledgebot.errors import QuestionError
from pledgebot.filters import Filters, YearRange, countries_of, is_joint, normalise, regions_of
from pledgebot.records import Pledge, Quote, Source

BASE = Pledge(
    id="2023-a",
    year=2023,
    submitter="Alpha",
    submitter_kind="city",
    country="Kenya",
    region="Africa",
    title="A welcome centre",
    description="Alpha works with UNHCR on a welcome centre.",
    source=Source("Submissions", 1, 5),
    countries=("Kenya",),
    duration="Jan 2023 – Dec 2025",
    start_year=2023,
    end_year=2025,
    pledge_type="Mirror",
    priorities=(4,),
)
OPEN = replace(BASE, id="2023-b", duration="2021 – Ongoing", start_year=2021, end_year=None, ongoing=True)
OLD = replace(BASE, id="2022-c", year=2022, duration=None, start_year=None, end_year=None, pledge_type=None)
PAIR = replace(
    OLD,
    id="2022-d",
    submitter="Milan and Freetown",
    country="Italy",
    region="Europe",
    countries=("Italy", "Sierra Leone"),
)
QUOTED = replace(
    BASE, id="2023-e", gcf_supported=True, joint_with="2023-f", quotes=(Quote("We welcome all.", "A. Mayor", "Mayor"),)
)


@pytest.mark.parametrize(
    ("filters", "matching"),
    [
        (Filters(), {"2023-a", "2023-b", "2022-c", "2022-d", "2023-e"}),
        (Filters(year=2022), {"2022-c", "2022-d"}),
        (Filters(countries=("Sierra Leone",)), {"2022-d"}),  # a record naming two countries counts under both
        (Filters(regions=("Africa",)), {"2023-a", "2023-b", "2022-c", "2022-d", "2023-e"}),
        (Filters(regions=("Europe",)), {"2022-d"}),
        (Filters(start=YearRange(None, 2021)), {"2023-b"}),
        (Filters(end=YearRange(2025, 2025)), {"2023-a", "2023-e"}),
        (Filters(open_ended=True), {"2023-b"}),  # a 2022 action without a duration is not open-ended
        (Filters(gcf=True), {"2023-e"}),
        (Filters(joint=True), {"2022-d", "2023-e"}),
        (Filters(quoted=True), {"2023-e"}),
        (Filters(mentions=(("UNHCR", "UN Refugee Agency"),)), {"2023-a", "2023-b", "2022-c", "2022-d", "2023-e"}),
        (Filters(mentions=(("IOM",),)), set()),
        (Filters(pledge_types=("Mirror",), priority=4, kinds=("city",)), {"2023-a", "2023-b", "2023-e"}),
    ],
)
def test_one_matches_for_every_predicate(filters, matching):
    pledges = [BASE, OPEN, OLD, PAIR, QUOTED]
    assert {p.id for p in pledges if filters.matches(p)} == matching


def test_where_a_pledge_counts():
    assert countries_of(PAIR) == ("Italy", "Sierra Leone")
    assert set(regions_of(PAIR)) == {"Europe", "Africa"}
    assert regions_of(BASE) == ("Africa",)
    assert is_joint(PAIR) and is_joint(QUOTED) and not is_joint(BASE)


def test_the_json_form_keeps_the_contract_names():
    f = Filters(
        countries=("Kenya",), year=2023, start=YearRange(None, 2019), end=YearRange(2027, 2027), gcf=True, joint=True
    )
    assert f.to_dict() == {
        "countries": ["Kenya"],
        "year": 2023,
        "started_by": 2019,
        "end_year": 2027,
        "gcf_supported": True,
        "joint": True,
    }
    assert Filters(open_ended=True).to_dict() == {"no_end_date": True}


def test_explicit_filters_win_and_empty_means_any():
    inferred = Filters(countries=("Kenya",), year=2023)
    explicit = Filters(countries=("Greece",))
    assert inferred.merged(explicit) == Filters(countries=("Greece",), year=2023)
    assert Filters(place_label="nowhere").is_empty()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "Atlantis"}, "unknown country"),
        ({"year": 20230}, "a year such as 2023"),
        ({"priority": 9}, "1-8"),
        ({"pledge_type": "x"}, "pledge type"),
    ],
)
def test_explicit_values_are_checked(kwargs, message):
    with pytest.raises(QuestionError, match=message):
        normalise(**kwargs)


def test_explicit_values_accept_any_spelling():
    assert normalise(country="Turkey").countries == ("Türkiye",)
    assert normalise(pledge_type="gcr-only").pledge_types == ("GCR only",)


def test_the_place_of_other_filters_replaces_only_the_place():
    asked = Filters(countries=("Kenya",), place_label="Kenya", kinds=("city",), year=2023)
    context = Filters(regions=("Europe",), place_label="Europe", pledge_types=("Mirror",))
    assert asked.with_place_of(context) == Filters(
        regions=("Europe",), place_label="Europe", kinds=("city",), year=2023
    )
