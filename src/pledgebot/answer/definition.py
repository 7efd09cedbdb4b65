"""Definitions: "what does GCM stand for?" — the glossary's meaning, and the report's sentence that spells
the term out."""

from __future__ import annotations

import re

from ..query import Query
from ..records import Answer
from .phrases import say
from .render import citation_for, render_pledges, render_sections, reply
from .resources import Ctx


def acronym(q: Query, ctx: Ctx) -> str | None:
    """The one acronym of the glossary the question names, if it names exactly one."""
    found = [t for t in ctx.res.glossary if t.term in q.terms and re.fullmatch(r"[A-Z]{2,6}", t.term)]
    return found[0].term if len(found) == 1 else None


def answer(q: Query, ctx: Ctx) -> Answer | None:
    """The definition, or None when the report never spells the term out."""
    res = ctx.res
    name = acronym(q, ctx)
    term = next((t for t in res.glossary if t.term == name), None)
    if term is None:
        return None
    spelled = re.compile(rf"\(\s*{term.term}s?\s*\)")
    for rec in [*res.sections, *res.pledges]:
        if sentence := res.sentences.first_where(rec.id, spelled.search):
            citation = citation_for(1, rec, sentence)
            lead = say(q.language, "definition.lead", term=term.term, means=term.means)
            if citation.kind == "section":
                text = render_sections(lead, [citation])
            else:
                text = render_pledges(lead, [citation], 1, lang=q.language)
            return reply(
                q, "definition", f"the glossary's {term.term} and where the report spells it out", text, [citation]
            )
    return None
