"""Abstention as one policy: every "the report has nothing" is said here, naming what was looked for.

An abstention says what was looked for and why nothing answers: a place no record has, filters nothing
matches, a filter that rules out the place the question names, a topic no pledge answers, a figure the
report does not give. Handlers never word these themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..query import Query
from ..records import Answer, Decision
from .phrases import say
from .render import describe, reply

REPORT = "the 2023 report"  # the edition the records come from (one edition today); the phrases spell it out


def assist(q: Query) -> Answer:
    return reply(q, "policy", "a request outside the report", say(q.language, "policy.assist"), abstained=True)


def unknown_place(q: Query, names: Sequence[str]) -> Answer:
    name = ", ".join(names)
    text = say(q.language, "policy.no_place", place=name)
    return reply(q, "policy", f"no record is from {name}", text, abstained=True)


def unknown_topic(q: Query, names: Sequence[str]) -> Answer:
    name = ", ".join(names)
    text = say(q.language, "policy.no_mention", name=name)
    return reply(q, "policy", f"no record uses {name}", text, abstained=True)


def narrative_only(q: Query, names: Sequence[str], where: Sequence[str]) -> Answer:
    """A name the narrative uses that has no pledge of its own ("What has Daejeon pledged?")."""
    name = ", ".join(names)
    text = say(q.language, "policy.no_place", place=name)
    if where:
        text += say(q.language, "policy.narrative_where", name=name, where="; ".join(where))
    return reply(q, "policy", f"{name} is named in the narrative but made no pledge", text, abstained=True)


def nothing_for(q: Query, reason: str = "no record matches the filters") -> Answer:
    """No pledge passes the filters."""
    f, lang = q.filters, q.language
    if f.has_place():
        rest = f.without_place()
        if describe(rest) == "pledges":  # nothing but the place
            text = say(lang, "policy.no_place", place=f.place_name())
        else:
            text = say(lang, "policy.no_place_matching", place=f.place_name(), rest=describe(rest, lang=lang))
    else:
        text = say(lang, "policy.none_of", what=describe(f, lang=lang))
    return reply(q, "policy", reason, text, abstained=True)


def conflict(q: Query, named: Sequence[str], explicit: str) -> Answer:
    """An explicit filter (set in the app or on the command line) rules out the place the question names."""
    text = say(q.language, "policy.conflict", explicit=explicit, who=", ".join(named))
    return reply(q, "policy", "an explicit filter excludes the place the question names", text, abstained=True)


def nothing_on(q: Query, handler: str, reason: str, decisions: Sequence[Decision] = ()) -> Answer:
    if q.filters.has_place():
        text = say(q.language, "policy.nothing_on_from", place=q.filters.place_name())
    else:
        text = say(q.language, "policy.nothing_on")
    return reply(q, handler, reason, text, abstained=True, decisions=decisions)


def no_figure(q: Query, decisions: Sequence[Decision] = ()) -> Answer:
    text = say(q.language, "policy.no_figure")
    return reply(q, "figures", "the closest sentences give no such figure", text, abstained=True, decisions=decisions)


def no_quote(q: Query) -> Answer:
    text = say(q.language, "policy.no_quote")
    return reply(q, "quotes", "no printed quote is close enough", text, abstained=True)
