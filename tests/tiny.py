"""A tiny made-up corpus, gazetteer and calibration for unit tests of the handlers (no real model needed)."""

from __future__ import annotations

from pathlib import Path

from pledgebot.answer.compare import COMPARE_FEATURES
from pledgebot.answer.figures import REPORT_FEATURES
from pledgebot.answer.topical import TOPICAL_FEATURES
from pledgebot.builds import open_store
from pledgebot.corpus import records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.places import Country, Gazetteer, Submitter
from pledgebot.records import Pledge, Quote, Section, Source
from pledgebot.relevance import Calibration, LogisticModel

GAZ = Gazetteer(
    regions=("Africa", "Europe", "Global"),
    countries={
        "Kenya": Country("Kenya", "Africa", "KEN", ("Kenyan",)),
        "Uganda": Country("Uganda", "Africa", "UGA", ("Ugandan",)),
        "Greece": Country("Greece", "Europe", "GRC", ("Greek",)),
        "Moldova": Country("Moldova", "Europe", "MDA", ("Moldovan",)),
        "Ukraine": Country("Ukraine", "Europe", "UKR", ("Ukrainian", "Ukrainians")),
        "Guatemala": Country("Guatemala", "Europe", "GTM", ()),
        "Global": Country("Global", "Global"),
    },
    submitters={
        "Nairobi": Submitter("Nairobi", "city", "Kenya"),
        "Kampala": Submitter("Kampala", "city", "Uganda"),
        "Athens": Submitter("Athens", "city", "Greece"),
        "Larissa": Submitter("Larissa", "city", "Greece"),
        "Straseni": Submitter("Straseni", "city", "Moldova"),
        "Helpers Network": Submitter("Helpers Network", "organization", "Global"),
    },
)


class MultilingualFake(HashingEmbedder):
    """A second fake embedder, so the multilingual collection is built and read too."""

    name = "hashing-test-ml"


def _p(pid: str, submitter: str, country: str, region: str, title: str, text: str, **kw) -> Pledge:
    kind = "organization" if submitter == "Helpers Network" else "city"
    fields = {
        "countries": (country,),
        "start_year": 2023,
        "end_year": 2024,
        "duration": "2023 – 2024",
        "pledge_type": "Mirror",
    }
    return Pledge(
        pid, int(pid[:4]), submitter, kind, country, region, title, text, Source("Submissions", 1, 9), **(fields | kw)
    )


PLEDGES = [
    _p("2023-nairobi-joint", "Nairobi", "Kenya", "Africa", "Innovation hubs with Kampala",
       "Nairobi and Kampala commit to build innovation hubs for refugee entrepreneurs. The hubs train job seekers.",
       joint_with="2023-kampala-joint", pledge_type="GCR only", end_year=2027),
    _p("2023-kampala-joint", "Kampala", "Uganda", "Africa", "Innovation hubs with Nairobi",
       "Kampala and Nairobi commit to build innovation hubs for refugee entrepreneurs. The hubs train job seekers.",
       joint_with="2023-nairobi-joint", end_year=2027),
    _p("2023-athens-housing", "Athens", "Greece", "Europe", "Housing for refugees",
       "Athens commits to provide housing and shelter to 300 refugee families. The city works with UNHCR.",
       gcf_supported=True, quotes=(Quote("Every family deserves a home.", "Ana Mayor", "Mayor of Athens"),)),
    _p("2023-larissa-language", "Larissa", "Greece", "Europe", "Greek language courses",
       "Larissa commits to offer Greek language courses to newcomers. Teachers are trained in 2024.",
       start_year=2022, end_year=None, duration="2022 – Ongoing", ongoing=True),
    _p("2023-larissa-jobs", "Larissa", "Greece", "Europe", "Vocational training for young refugees",
       "Larissa commits to vocational training and jobs for young refugees.", pledge_type="GCR only"),
    _p("2023-straseni-rights", "Straseni", "Moldova", "Europe", "Rights awareness campaign",
       "Straseni commits to a campaign so refugees from Ukraine know their rights."),
    _p("2023-network-guide", "Helpers Network", "Global", "Global", "A guide for cities",
       "The Helpers Network commits to publish a guide of good practices, including projects in Guatemala."),
]  # fmt: skip
SECTIONS = [
    Section("section-foreword", ("Foreword",), "In 2022, 1.2% of humanitarian funding reached local actors. "
            "Local and regional governments (LRGs) lead the way. Medellín used its grant for housing. "
            "San Marcos (Guatemala) wrote its first migration policy.", Source("Foreword", 1, 3)),
    Section("section-numbers", ("By the numbers",), "The pledges come from 4 countries.", Source("Numbers", 4, 5)),
    Section("section-fund", ("The fund's grants",), "Quito used its fund grant to shelter 300 families at risk. "
            "With this help, 75% of the families found homes of their own.\n\nLima hired 12 staff.",
            Source("Fund", 8, 10)),
    Section("section-priority-3", ("Spotlight: Call to Local Action's 8 Priorities", "3. Including refugees in work"),
            "GCM Objectives: 6, 18. Type of Actions: vocational training.", Source("Priorities", 6, 7)),
]  # fmt: skip


def _flat(names: tuple[str, ...], weights: dict[str, float], bias: float) -> dict:
    return LogisticModel(
        names, tuple(weights.get(n, 0.0) for n in names) + (bias,), (0.0,) * len(names), (1.0,) * len(names)
    ).to_dict()


# Decisions set by hand for the tiny corpus: a pledge answers when it covers the topic's words.
CALIBRATION = Calibration(
    "hashing-test",
    {
        "sentence": {"word_weight": 0.3, "figure_bonus": 0.1, "second_within": 0.08},
        "report": {
            "word_weight": 0.3, "figure": 0.1, "counted": 0.2, "share": 0.2, "growth": 0.2, "pledge_margin": 0.1,
            "second_within": 0.03, "answer": 0.5, "model": _flat(REPORT_FEATURES, {"word_share": 12.0}, -4.0),
        },
        "topical": {"candidates": 30},
        "topical_en": {"model": _flat(TOPICAL_FEATURES, {"coverage_idf": 12.0}, -6.0), "cite": 0.5, "closest": 0.2, "closest_coverage": 0.3, "closest_k": 2, "max_cited": 8},
        "topical_xx": {"model": _flat(TOPICAL_FEATURES, {"coverage_idf": 12.0}, -6.0), "cite": 0.5, "closest": 0.2, "closest_coverage": 0.3, "closest_k": 2, "max_cited": 8},
        "compare": {"model": _flat(COMPARE_FEATURES, {"anchor_sim": 10.0}, -5.0), "cite": 0.5, "closest_k": 1, "max_shown": 3, "anchor_lexical": 0.5, "candidates": 300, "hub_k": 2},
        "quotes": {"min_similarity": 0.2, "word_weight": 0.3, "second_within": 0.03},
    },
)  # fmt: skip


def tiny_bot(folder: Path):
    """A PledgeBot over the tiny corpus, with the hashing embedder and no intent model."""
    from pledgebot.pipeline import PledgeBot

    store, _ = open_store(folder, PLEDGES, SECTIONS, records_fingerprint(PLEDGES, SECTIONS), HashingEmbedder(), None)
    return PledgeBot.from_parts(PLEDGES, SECTIONS, store, GAZ, CALIBRATION, intent_model=None)
