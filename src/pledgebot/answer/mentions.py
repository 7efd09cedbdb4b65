"""Mentions: "which pledges mention the private sector?" asks for the words themselves — an exact search of
every pledge the filters let through, citing the sentence that uses them."""

from __future__ import annotations

import re

from ..places import fold
from ..query import Intent, Query
from ..records import Answer, Pledge
from . import policy
from .phrases import say
from .render import MAX_LISTED, citation_for, join_names, render_pledges, reply
from .resources import Ctx


def answer(q: Query, ctx: Ctx) -> Answer:
    res = ctx.res
    phrase = re.sub(
        r"\s+(?:at all|anywhere|in (?:their|the) (?:text|description)s?)$", "", (q.mention or "").strip(" .!,;:")
    )
    words = [r"\W+".join(map(re.escape, fold(phrase).split()))] if phrase.strip() else []
    if not words:
        return policy.nothing_on(q, ctx, "mentions", "no words to look for")
    rx = re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?:e?s)?(?!\w)")
    found: list[tuple[Pledge, str]] = []
    for p in res.matching(q.filters):
        hit = res.sentences.first_where(p.id, lambda t: bool(rx.search(fold(t))))
        if hit is None and rx.search(fold(p.title)):
            hit = res.sentences.first(p.id)
        if hit is not None:
            found.append((p, hit))
    lang, place = q.language, q.filters.place_name() if q.filters.has_place() else None
    if not found:
        if place:
            text = say(lang, "mentions.none_from", place=place, phrase=phrase)
        else:
            text = say(lang, "mentions.none", phrase=phrase)
        return reply(q, "mentions", f"no record uses “{phrase}”", text, abstained=True)
    found.sort(key=lambda x: (-x[0].year, fold(x[0].submitter)))
    shown = found[:MAX_LISTED]
    citations = [citation_for(n, p, hit) for n, (p, hit) in enumerate(shown, 1)]
    n = len(found)
    counting = q.intent is Intent.COUNT or q.wants_number
    count = f"**{n}**" if counting else str(n)
    where = say(lang, "mentions.from", place=place) if place else ""
    names = join_names([p.submitter for p, _ in shown], lang)
    lead = say(lang, "mentions.lead", n, number=count, where=where, phrase=phrase, names=names)
    return reply(
        q,
        "mentions",
        f"an exact search for “{phrase}”",
        render_pledges(lead, citations, n, lang=lang),
        citations,
        total=n,
        number=n if counting else None,
    )
