"""Follow-ups, both ways: a follow-up naming only a facet keeps the previous topic; one naming only a topic
keeps the previous facets; a new question (or one naming both) replaces both.

A question is a follow-up when it opens with a follow-up cue ("and in Europe?", "what about climate?",
"¿y en Chile?"); the cues are data (`lexicon.yaml`).
"""

from __future__ import annotations

from dataclasses import fields, replace

from ..filters import Filters
from ..query import Intent, Query
from ..text import words
from .lexicon import Lexicon, phrase_key

# Facets that replace each other: a new place replaces the old place, a new year the old year.
_GROUPS = (
    ("countries", "regions", "submitters", "place_label"),
    ("year",),
    ("pledge_types",),
    ("kinds",),
    ("priority",),
    ("start", "end", "open_ended"),
)


def is_follow_up(question: str, lex: Lexicon) -> bool:
    """Whether the question opens with a follow-up cue."""
    key = phrase_key(question)
    head = " ".join(w.text for w in words(question)[:4])
    return any(key == cue or key.startswith(cue + " ") or head.startswith(cue + " ") for cue in lex.followup_cues)


def follow_up(query: Query, previous: Query, lex: Lexicon) -> Query:
    """`query` read in the light of `previous`."""
    if not is_follow_up(query.question, lex):
        return query
    named_facets = not query.implied.is_empty()
    if query.topic and named_facets:
        return query  # names both: a new question
    if named_facets:
        # "and in Europe?": the previous question's topic and intent, with this place
        return replace(
            query,
            intent=previous.intent if previous.intent is not Intent.COMPARE else Intent.FIND,
            filters=_carry(previous.filters, query.filters),
            topic=previous.topic,
            search_text=previous.search_text,
            full_text=f"{previous.full_text} {query.question}",
            terms=previous.terms,
            anchors=previous.anchors,
            followup="kept the topic of the previous question",
        )
    if query.topic:
        # "and what about climate?": this topic, with the previous question's place, dates and types
        keep_intent = previous.intent in (Intent.COUNT, Intent.FIND) and query.intent in (Intent.COUNT, Intent.FIND)
        return replace(
            query,
            intent=previous.intent if keep_intent else query.intent,
            filters=previous.filters.merged(query.filters),
            implied=previous.implied,
            followup="kept the filters of the previous question",
        )
    return query


def _carry(old: Filters, new: Filters) -> Filters:
    """The previous filters with every group the new question names replaced by the new values."""
    values = {f.name: getattr(old, f.name) for f in fields(Filters)}
    for group in _GROUPS:
        if any(getattr(new, name) not in ((), None, False) for name in group):
            values |= {name: getattr(new, name) for name in group}
    # flags and text predicates add up ("and the joint ones?")
    for name in ("gcf", "joint", "quoted"):
        values[name] = getattr(old, name) or getattr(new, name)
    values["mentions"] = tuple(dict.fromkeys([*old.mentions, *new.mentions]))
    return Filters(**values)
