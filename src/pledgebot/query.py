"""The typed query model: a question as understood, before any handler answers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .filters import Filters


class Intent(StrEnum):
    """What kind of answer the question wants; one scored decision picks it (`understand.intent`)."""

    COUNT = "count"  # a number of records: "how many mirror pledges?"
    FIND = "find"  # the pledges themselves: "who runs one-stop shops?", "pledges from Chile"
    REPORT = "report"  # a fact or figure the text states: "what share of aid went to local actors?"
    COMPARE = "compare"  # pledges like a named one: "anything like Milan's First Steps elsewhere?"
    QUOTE = "quote"  # printed quotes: "Ramallah's mayor, quoted", "who said …?"
    MENTION = "mention"  # the words themselves: "which pledges mention the private sector?"
    DEFINITION = "definition"  # what a term means: "what does GCM stand for?"
    ASSIST = "assist"  # a request for personal help or a task outside the report


class Unit(StrEnum):
    """What a count counts."""

    PLEDGES = "pledges"
    COUNTRIES = "countries"
    SUBMITTERS = "submitters"


@dataclass(frozen=True)
class Facet:
    """One thing the question names that constrains or steers the answer, and the words it was read from."""

    kind: str  # submitter, country, region, subregion, area, type, kind, year, start, end, flag, agency, term, …
    value: str
    words: str
    corrected_from: str | None = None
    at: int = -1  # where in the question the words start

    def to_dict(self) -> dict[str, str]:
        out = {"words": self.words, "kind": self.kind, "value": self.value}
        if self.corrected_from:
            out["typed"] = self.corrected_from
        return out


@dataclass(frozen=True)
class Query:
    """A question as understood: intent, filters, the topic left to search for, and how it was read."""

    question: str
    intent: Intent
    filters: Filters = field(default_factory=Filters)  # in force: implied by the question, then explicit ones
    implied: Filters = field(default_factory=Filters)  # what the question itself named
    topic: tuple[str, ...] = ()  # content words left once facets, chatter and set-aside clauses are taken out
    search_text: str = ""  # what retrieval searches: the question without its facet words, plus expansions
    full_text: str = ""  # the whole question (set-aside clauses removed) plus expansions: for the narrative
    focus_text: str = ""  # the sentence that asks, when the question opens with context; else the search text
    focus_topic: tuple[str, ...] = ()  # the topic words of that sentence
    focus_filters: Filters = field(default_factory=Filters)  # the facets that sentence names
    refers_back: bool = False  # that sentence points at its context ("… – which pledges include that?")
    language: str = "en"
    intent_scores: dict[str, float] = field(default_factory=dict)
    facets: tuple[Facet, ...] = ()
    terms: tuple[str, ...] = ()  # glossary terms named
    anchors: tuple[str, ...] = ()  # compare: the submitters to compare with
    unknown_places: tuple[str, ...] = ()  # names standing where a place stands that no record has
    unknown_topics: tuple[str, ...] = ()  # unknown names standing where a topic stands ("for LGBTQ migrants")
    narrative_names: tuple[str, ...] = ()  # names the report's narrative uses that have no pledge
    population: tuple[str, ...] = ()  # countries named as who is helped ("Ukrainian refugees")
    unit: Unit | None = None  # what "how many …" counts, when the question says
    min_per_submitter: int | None = None  # "cities with more than one pledge"
    mention: str | None = None  # MENTION: the phrase asked about
    mention_names: tuple[str, ...] = ()  # the names in that phrase, longest first ("UNHCR" of "UNHCR as a partner")
    quote_role: str | None = None  # "a quote from a mayor": whose quotes
    wants_number: bool = False  # a figure is asked for
    outcome: float | None = None  # "did it reach its million signatures?": whether that figure was reached
    # a count of one particular thing ("how many signatures"): that noun and the glossary's words for it; empty when
    # the question counts people in general or says no noun, which any figure of people may answer
    counted: tuple[str, ...] = ()
    # the words for people in general (the lexicon's): a count of people is answered by a figure of any of them
    # ("how many people are enrolled" → "215 local actors are learning"), and a search for "stateless people" by
    # any of them ("stateless persons")
    people_words: tuple[str, ...] = ()
    context: str = ""  # the sentences before the one that asks ("MMC aims for $50M. And by 2025?"): known, not asked
    leans_on_context: bool = False  # the part that asks points into its context ("what share did they make up?")
    chatter: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    unplaced: tuple[str, ...] = ()  # topic words no record uses
    set_aside: tuple[str, ...] = ()  # words of "rather than …" clauses
    followup: str = ""  # what was kept from the previous question
    notes: tuple[str, ...] = ()

    @property
    def anchor(self) -> str | None:
        return self.anchors[0] if self.anchors else None

    @property
    def has_topic(self) -> bool:
        return bool(self.topic)
