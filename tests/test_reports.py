"""Editions: profiles as data, a gazetteer the records enrich, counts split by edition."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pledgebot.answer.listing import _year_split
from pledgebot.answer.render import describe
from pledgebot.filters import Filters, normalise
from pledgebot.places import default_gazetteer, with_records
from pledgebot.records import Pledge, Source
from pledgebot.reports import editions, profile, profile_for_file

LGC = "lgc-2023"


def pledge(year: int = 2023, report: str = LGC, submitter: str = "Amman", country: str = "Jordan") -> Pledge:
    return Pledge("p", year, submitter, "city", country, "Middle East and North Africa", "T", "D.", Source("", 1, 1), report=report)


@pytest.mark.parametrize(
    ("report_id", "short"),
    [(LGC, "the 2023 report"), ("", "the 2023 report"), ("made-up-2026", "made-up-2026")],
)
def test_an_edition_is_named_by_its_profile_or_its_id(report_id, short):
    assert profile(report_id).short == short


def test_a_report_file_finds_its_profile_and_an_unknown_one_is_named_after_it():
    assert profile_for_file(Path("/x/localizing-the-global-compacts-2023.txt")).id == LGC
    unlisted = profile_for_file(Path("/x/next-edition.txt"))
    assert (unlisted.id, unlisted.short, unlisted.file) == ("next-edition", "next-edition", "next-edition.txt")
    assert unlisted.layout == profile(LGC).layout and unlisted.years == (2022, 2023)  # read as the 2023 report is


@pytest.mark.parametrize(
    ("pledges", "split"),
    [
        ([pledge(2023), pledge(2023)], ""),
        ([pledge(2023), pledge(2022), pledge(2022)], " (1 from the 2023 submissions, 2 highlighted 2022 actions)"),
        ([pledge(2023), pledge(2026, "made-up-2026"), pledge(2026, "made-up-2026")], " (2 from made-up-2026, 1 from the 2023 report)"),
        ([pledge(2025, "other"), pledge(2026, "other")], ""),  # an edition without the 2023 report's layout
    ],
)
def test_counts_split_by_edition_then_by_the_editions_own_years(pledges, split):
    assert _year_split(pledges, "en") == split


def test_records_add_the_places_the_gazetteer_lacks():
    gaz = default_gazetteer()
    assert with_records(gaz, [pledge()]) is gaz  # nothing new: the same gazetteer
    new = [pledge(submitter="Lumenport", country="Portugal"), replace(pledge(submitter="Qasr", country="Atlantis"), region="Africa")]
    enriched = with_records(gaz, new)
    assert enriched.submitter("Lumenport").country == "Portugal" and enriched.submitter("lumenport") is not None
    assert enriched.country("Atlantis").region == "Africa" and enriched.submitter("Qasr").country == "Atlantis"
    assert gaz.submitter("Lumenport") is None  # the shared one is untouched


@pytest.mark.parametrize(
    ("ids", "lang", "names"),
    [
        ([LGC, LGC], "es", ["el informe de 2023"]),
        (["made-up-2026", LGC], "fr", ["le rapport de 2023", "made-up-2026"]),  # listed editions first
        ([], "en", ["the 2023 report"]),  # no records: the corpus the bot begins with
        (["", "b-ed", "a-ed"], "pt", ["o relatório de 2023", "a-ed", "b-ed"]),
    ],
)
def test_the_editions_of_a_corpus_are_named_in_the_answers_language(ids, lang, names):
    assert [e.name(lang) for e in editions(ids)] == names


def test_a_records_year_is_explained_by_its_own_edition():
    lgc = profile(LGC)
    assert lgc.year_label(2022) == "highlighted 2022 action" and lgc.year_label(2026) == ""
    assert profile("made-up-2026").year_label(2026) == "" and profile("made-up-2026").citation == "made-up-2026"
    assert lgc.citation == "Localizing the Global Compacts, 2023"


@pytest.mark.parametrize(
    ("filters", "words"),
    [(Filters(year=2022), "2022 actions"), (Filters(year=2026), "2026 pledges"), (Filters(year=2023), "2023 pledges")],
)
def test_any_editions_year_is_described(filters, words):
    assert describe(filters) == words
    assert normalise(year=2026).year == 2026  # a year of another edition is a valid filter


@pytest.mark.parametrize("missing", ["years", "priorities"])
def test_a_profile_with_a_layout_must_give_its_years_and_priorities(missing):
    from pledgebot.reports import _profile

    layout = {"lists": ["^A$", "^B$", "^C$"], "parts": [{"heading": "^P$", "name": "P", "role": "priorities"}]}
    entry = {"id": "next", "title": "Next", "short": "the next report", "years": [2024], "priorities": 8, "layout": layout}
    assert _profile(entry).years == (2024,)
    with pytest.raises(ValueError, match="next has a layout, so it needs its years and its number of priorities"):
        _profile({k: v for k, v in entry.items() if k != missing})
