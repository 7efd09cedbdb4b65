"""Quotes: the printed quotes of a place or person, the quotes closest to some words, pledges printed with one."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..places import fold
from ..query import Intent, Query
from ..quotes import SpokenQuote
from ..records import Answer, Section
from ..text import tokenize
from . import policy
from .phrases import say
from .render import citation_for, context, join_names, render_pledges, reply
from .resources import Ctx, Resources


def answer(q: Query, ctx: Ctx) -> Answer:
    res = ctx.res
    places = [*q.filters.submitters, *q.anchors]
    if places:
        return _of_places(q, ctx, places)
    if speakers := _speakers(q, res):
        return _render(q, res, speakers, "quotes by the person named")
    return _closest(q, ctx)


def names_speaker(q: Query, ctx: Ctx) -> bool:
    """Whether the question names whose printed quote it wants: a place with pledges, or a person quoted."""
    return bool(q.filters.submitters or q.anchors or _speakers(q, ctx.res))


def listed(q: Query, ctx: Ctx) -> Answer:
    """Pledges printed with a speaker's quote (a mayor's, when the question says whose)."""
    res = ctx.res
    ids = {p.id for p in res.matching(q.filters)}
    role = q.quote_role
    quotes = [x for x in res.quotes if x.doc_id in ids and _has_role(x, role)]
    if not quotes:
        return policy.nothing_for(q, ctx, "no pledge passing the filters is printed with such a quote")
    citations = [citation_for(n, res.records[x.doc_id], x.text) for n, x in enumerate(quotes, 1)]
    n, lang = len(quotes), q.language
    counting = q.intent is Intent.COUNT or q.wants_number  # "how many mayors are quoted?" asks the count too
    who = say(lang, "quotes.role_quote", role=_role(lang, role)) if role else say(lang, "quotes.a_quote")
    count = f"**{n}**" if counting else str(n)
    names = join_names([f"{x.attribution} ({res.records[x.doc_id].submitter})" for x in quotes], lang)
    lead = say(lang, "quotes.listed", n, number=count, who=who, names=names)
    return reply(
        q,
        "quotes",
        "pledges printed with a quote",
        render_pledges(lead, citations, n, lang=lang),
        citations,
        total=n,
        number=n if counting else None,
        intent="count" if counting else "list",
    )


def _of_places(q: Query, ctx: Ctx, places: list[str]) -> Answer:
    """The quotes beside a place's pledges, and in the narrative those whose speaker speaks for the place."""
    res = ctx.res
    ids = {p.id for p in res.pledges if p.submitter in places}
    names = {fold(n) for sub in places for n in (sub, *res.gazetteer.submitters[sub].aliases)}
    quotes = [x for x in res.quotes if x.doc_id in ids or any(n in fold(x.role) for n in names if len(n) > 3)]
    if quotes:
        return _render(q, res, quotes, f"the quotes printed for {join_names(places)}")
    pledges = [p for p in res.pledges if p.submitter in places]
    lead = say(q.language, "quotes.none_from", names=join_names(places, q.language))
    text = f"{lead}\n\n{context(pledges, lang=q.language)}"
    return reply(q, "quotes", f"{join_names(places)} has no printed quote", text, abstained=True)


def _role(lang: str, role: str) -> str:
    """Whose quotes, in the answer's language (a role the catalogue lacks is printed as read)."""
    try:
        return say(lang, f"role.{role}")
    except KeyError:
        return role


def _speakers(q: Query, res: Resources) -> list[SpokenQuote]:
    """Quotes by a person the question names ("What did Filippo Grandi say?")."""
    named = {fold(n) for n in q.narrative_names} | {fold(w) for w in q.topic if len(w) > 3}
    return [x for x in res.quotes if named & set(fold(x.speaker).split())]


def _closest(q: Query, ctx: Ctx) -> Answer:
    """ "Who said cities are at the helm?": the printed quotes closest to the words."""
    res = ctx.res
    if not res.quotes:
        return policy.no_quote(q, ctx)
    allowed = _allowed(q, res)
    if not any(allowed):
        return policy.no_quote(q, ctx)
    sims = res.quote_vectors @ ctx.vec(q.search_text)
    qtokens = set(tokenize(" ".join(q.topic)))
    w = res.calibration.param("quotes", "word_weight")
    scores = np.array(
        [
            float(s) + w * len(qtokens & set(tokenize(x.text))) / (len(qtokens) or 1) if ok else -np.inf
            for s, x, ok in zip(sims, res.quotes, allowed, strict=True)
        ]
    )
    order = np.argsort(-scores, kind="stable")
    top = int(order[0])
    words_match = bool(qtokens) and qtokens <= set(tokenize(res.quotes[top].text))
    if float(sims[top]) < res.calibration.param("quotes", "min_similarity") and not words_match:
        return policy.no_quote(q, ctx)
    within = res.calibration.param("quotes", "second_within")
    best = [res.quotes[int(n)] for n in order[:3] if scores[n] >= scores[top] - within]
    return _render(q, res, best, "the printed quotes closest to the question")


def _allowed(q: Query, res: Resources) -> list[bool]:
    """Which printed quotes the question lets answer: by whose role it names ("a quote from a mayor"), and of
    those printed beside a pledge, when the question narrows the pledges ("… about the Global Cities Fund"), those
    beside one it lets through. The narrative's quotes are no pledge's: a filter of pledges leaves them be."""
    narrowed = not replace(q.filters, quoted=False).is_empty()
    ids = {p.id for p in res.matching(q.filters)} if narrowed else None
    role = q.quote_role
    return [
        _has_role(x, role) and (ids is None or x.doc_id in ids or isinstance(res.records[x.doc_id], Section))
        for x in res.quotes
    ]


def _has_role(x: SpokenQuote, role: str | None) -> bool:
    """Whether the speaker holds `role` (any when None): the word itself, not inside a name ("Executive Director,
    Mayors Migration Council" is no mayor)."""
    return not role or re.search(rf"\b{re.escape(role)}\b", x.role.lower()) is not None


def _render(q: Query, res: Resources, quotes: list[SpokenQuote], reason: str) -> Answer:
    citations = [citation_for(n, res.records[x.doc_id], x.text) for n, x in enumerate(quotes, 1)]
    lines = []
    for c, x in zip(citations, quotes, strict=True):
        where = say(q.language, "quotes.beside" if c.kind == "pledge" else "quotes.in_section", title=c.title)
        lines.append(f"> “{c.excerpt}” [{c.n}]\n>\n> — {x.attribution}, {where}")
    return reply(q, "quotes", reason, "\n\n".join(lines), citations, total=len(citations), intent="quote")
