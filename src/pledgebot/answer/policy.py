"""Abstention as one policy: every "the report has nothing" is said here, naming what was looked for and
where: the edition the records come from, or the corpus of several editions.

An abstention says what was looked for and why nothing answers: a place no record has, filters nothing
matches, a filter that rules out the place the question names, a topic no pledge answers, a figure the
report does not give. Handlers never word these themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..query import Query
from ..records import Answer, Decision
from .phrases import say
from .render import describe, join_names, reply
from .resources import Ctx


def said(q: Query, ctx: Ctx, key: str, **values: Any) -> str:
    """The phrase `key` naming what was searched: the one edition the records come from ("the 2023
    report"), or the corpus and its editions when it holds several. `{Source}` begins a sentence."""
    names = [e.name(q.language) for e in ctx.res.editions]
    source = names[0] if len(names) == 1 else say(q.language, "policy.corpus", editions=join_names(names, q.language))
    return say(q.language, key, source=source, Source=source[:1].upper() + source[1:], **values)


def assist(q: Query, ctx: Ctx) -> Answer:
    return reply(q, "policy", "a request outside the report", said(q, ctx, "policy.assist"), abstained=True)


def unknown_place(q: Query, ctx: Ctx, names: Sequence[str]) -> Answer:
    name = ", ".join(names)
    text = said(q, ctx, "policy.no_place", place=name)
    return reply(q, "policy", f"no record is from {name}", text, abstained=True)


def unknown_topic(q: Query, ctx: Ctx, names: Sequence[str]) -> Answer:
    name = ", ".join(names)
    text = said(q, ctx, "policy.no_mention", name=name)
    return reply(q, "policy", f"no record uses {name}", text, abstained=True)


def narrative_only(q: Query, ctx: Ctx, names: Sequence[str], where: Sequence[str]) -> Answer:
    """A name the narrative uses that has no pledge of its own ("What has Daejeon pledged?")."""
    name = ", ".join(names)
    text = said(q, ctx, "policy.no_place", place=name)
    if where:
        text += say(q.language, "policy.narrative_where", name=name, where="; ".join(where))
    return reply(q, "policy", f"{name} is named in the narrative but made no pledge", text, abstained=True)


def nothing_for(q: Query, ctx: Ctx, reason: str = "no record matches the filters") -> Answer:
    """No pledge passes the filters."""
    f, lang = q.filters, q.language
    if f.has_place():
        rest = f.without_place()
        if describe(rest) == "pledges":  # nothing but the place
            text = said(q, ctx, "policy.no_place", place=f.place_name())
        else:
            text = said(q, ctx, "policy.no_place_matching", place=f.place_name(), rest=describe(rest, lang=lang))
    else:
        text = said(q, ctx, "policy.none_of", what=describe(f, lang=lang))
    return reply(q, "policy", reason, text, abstained=True)


def conflict(q: Query, named: Sequence[str], explicit: str) -> Answer:
    """An explicit filter (set in the app or on the command line) rules out the place the question names."""
    text = say(q.language, "policy.conflict", explicit=explicit, who=", ".join(named))
    return reply(q, "policy", "an explicit filter excludes the place the question names", text, abstained=True)


def nothing_on(q: Query, ctx: Ctx, handler: str, reason: str, decisions: Sequence[Decision] = ()) -> Answer:
    if q.filters.has_place():
        text = said(q, ctx, "policy.nothing_on_from", place=q.filters.place_name())
    else:
        text = said(q, ctx, "policy.nothing_on")
    return reply(q, handler, reason, text, abstained=True, decisions=decisions)


def no_figure(q: Query, ctx: Ctx, decisions: Sequence[Decision] = ()) -> Answer:
    text = said(q, ctx, "policy.no_figure")
    return reply(q, "figures", "the closest sentences give no such figure", text, abstained=True, decisions=decisions)


def no_quote(q: Query, ctx: Ctx) -> Answer:
    text = said(q, ctx, "policy.no_quote")
    return reply(q, "quotes", "no printed quote is close enough", text, abstained=True)
