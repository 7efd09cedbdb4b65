"""The router: one handler per query, chosen from what the query holds; no handler re-reads the question.

ASSIST                          → policy (decline); quotes when whose printed quote is named
a name no record has            → policy (unknown place or topic), or the country's pledges as context
MENTION + words                 → mentions
QUOTE                           → quotes;  COUNT/FIND (REPORT with whose) + "printed with a quote" → quotes.listed
"did it reach <a figure>?"      → figures.outcome, when the report gives that figure only as a goal
DEFINITION                      → definition, else figures
COMPARE + an anchor             → compare, else as FIND
REPORT, or a narrative name     → figures
COUNT/FIND: nothing passes      → policy (conflict with an explicit filter, work done in a country, none)
            a topic             → (COUNT: the narrative's own count) → topical
            no topic            → listing
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..filters import Filters
from ..places import fold
from ..query import Intent, Query
from ..records import Answer
from . import compare, definition, figures, listing, mentions, policy, quotes, topical
from .phrases import say
from .render import MAX_LISTED, citation_for, context, join_names, render_pledges, render_sections, reply
from .resources import Ctx


def answer(q: Query, ctx: Ctx) -> Answer:
    """Route `q` to its handler and return the handler's answer."""
    if q.intent is Intent.ASSIST:
        if q.filters.quoted and quotes.names_speaker(q, ctx):
            return quotes.answer(q, ctx)  # "pull <speaker>'s exact quote": a printed quote is the report's own
        return policy.assist(q, ctx)
    if q.unknown_places:
        return _unknown_place(q, ctx)
    if q.intent is Intent.MENTION and q.mention:
        return mentions.answer(q, ctx)
    if q.intent is Intent.QUOTE:
        return quotes.answer(q, ctx)
    if (
        q.filters.quoted
        and (q.intent in (Intent.COUNT, Intent.FIND) or (q.intent is Intent.REPORT and q.quote_role))
        and not (set(q.focus_topic) - set(q.unplaced) and q.intent in (Intent.COUNT, Intent.FIND))
    ):
        # "how many mayors are quoted?": the printed quotes are the records' own; when the sentence that asks
        # has a topic ("… about housing with a quote") the topic judges the pledges printed with one, as any
        # filter's
        return quotes.listed(q, ctx)
    if q.outcome is not None and (told := figures.outcome(q, ctx)) is not None:
        return told  # "did it reach its million signatures?" of a figure the report gives only as a goal
    if q.intent is Intent.DEFINITION:
        if (defined := definition.answer(q, ctx)) is not None:
            return defined
        if not q.filters.submitters:
            return figures.answer(q, ctx)
        q = replace(q, intent=Intent.FIND)
    if q.intent is Intent.COMPARE:
        if q.anchors:
            return compare.answer(q, ctx)
        q = replace(q, intent=Intent.FIND)
    if q.intent is Intent.REPORT:
        told = figures.answer(q, ctx)
        if _unsure(told) and q.wants_number:
            # "which pledge serves <group>, and how many of them?": the figure is a pledge's, and the pledges
            # the topic finds are where to look for it; only a figure of the kind asked answers (a count of a
            # city's residents is not "the two cities")
            return _figure_in_pledges(q, ctx) or told
        return told
    if q.narrative_names and not q.implied.has_place():
        return _narrative_name(q, ctx)
    if q.unknown_topics and not set(q.topic) - {fold(w) for w in q.unknown_topics}:
        return policy.unknown_topic(q, ctx, q.unknown_topics)
    return _records(q, ctx)


def _unsure(told: Answer) -> bool:
    """Whether the report's answer abstained because no sentence seemed to answer (not for want of a figure)."""
    return told.abstained and bool(told.route.decisions) and not any(d.kept for d in told.route.decisions)


def _figure_in_pledges(q: Query, ctx: Ctx) -> Answer | None:
    """The figure asked, of the kind asked, in the likeliest of the pledges the topic finds; None when the topic
    finds none or that pledge gives no such figure."""
    candidates = ctx.res.matching(q.filters)
    if not q.topic or not candidates:
        return None
    found = topical.answer(replace(q, intent=Intent.FIND), ctx, candidates)
    return None if found.abstained else figures.in_found(q, ctx, found, strict=True)


def _records(q: Query, ctx: Ctx) -> Answer:
    """COUNT and FIND: the pledges the filters let through, listed, or judged against the topic."""
    res = ctx.res
    if q.focus_text != q.search_text and not (q.focus_topic or q.refers_back) and not q.focus_filters.is_empty():
        # "A delegation visits us next month. Which Greek cities have pledges?", "I work for a county. How many
        # pledges are from provinces?": the sentence that asks names facets and nothing else; the context's
        # words are no topic to narrow them by
        q = replace(q, topic=(), search_text=q.focus_text)
    candidates = res.matching(q.filters)
    if not candidates:
        return _nothing_passes(q, ctx)
    if q.topic:
        if (
            q.intent is Intent.COUNT
            and replace(q.filters, year=None).is_empty()
            and (stated := figures.answer(q, ctx, sections_only=True)) is not None
        ):
            # "how many actions are for kids?": the report counts by theme; no field does. A count the
            # filters narrow ("… got Global Cities Fund money", "mirror pledges") is the records' own: the
            # narrative's figures count other sets ("an $8 million fund")
            return stated
        found = topical.answer(q, ctx, candidates)
        if q.intent is Intent.FIND and not found.abstained:
            # "which city pays for care without insurance, and how much is it putting in?": a figure asked of
            # the pledges found is the likeliest one's
            return figures.in_found(q, ctx, found) or found
        return found
    what = "the filters" if not q.filters.is_empty() else "every pledge"
    return listing.answer(q, ctx, candidates, f"no topic: listed {what}")


def _nothing_passes(q: Query, ctx: Ctx) -> Answer:
    res = ctx.res
    explicit_place = q.implied.has_place() and _place(q.filters) != _place(q.implied)
    if explicit_place and res.matching(q.implied):
        named = [*q.implied.submitters, *q.implied.countries, *q.implied.regions]
        # the filter as the user set it: the merged filters also hold the place the question named
        place = _place(q.filters)
        chosen = [n for n in (*place.submitters, *place.countries, *place.regions) if n not in named]
        return policy.conflict(q, named, ", ".join(chosen) or place.place_name() or "")
    if (worked := _work_in_country(q, ctx)) is not None:
        return worked
    return policy.nothing_for(q, ctx)


def _place(f: Filters) -> Filters:
    return Filters(countries=f.countries, regions=f.regions, submitters=f.submitters)


def _unknown_place(q: Query, ctx: Ctx) -> Answer:
    """A place no record has. Named with its country ("chisinau … moldova"), the country's pledges follow as
    context, named but not cited: the answer is still that the report has nothing from that place."""
    names = ", ".join(q.unknown_places)
    if not q.implied.has_place():
        return policy.unknown_place(q, ctx, q.unknown_places)
    around = ctx.res.matching(q.implied)
    text = policy.said(q, ctx, "policy.no_place", place=names)
    if around:
        lead = say(q.language, "router.for_context", place=q.implied.place_name())
        text += f"{lead}\n\n{context(around, lang=q.language)}"
    reason = f"no record is from {names}; the pledges of {q.implied.place_name()} named as context"
    return reply(q, "policy", reason, text, abstained=True)


def _narrative_name(q: Query, ctx: Ctx) -> Answer:
    """A name the narrative uses that has no pledge: asked what it pledged, the answer says it has none;
    asked about something ("what became of Medellín's grant?"), the narrative answers."""
    names = {fold(n) for n in q.narrative_names}
    if set(q.topic) - names:
        return figures.answer(q, ctx)
    where = [s.title for s in ctx.res.sections if any(n in fold(s.text) for n in names)]
    return policy.narrative_only(q, ctx, q.narrative_names, where[:3])


def _work_in_country(q: Query, ctx: Ctx) -> Answer | None:
    """Countries with no pledge of their own that other pledges work in ("any work in Guatemala?", "anyone
    working in Venezuela or Syria?")."""
    res, f = ctx.res, q.implied
    if not f.countries or f.submitters or f.regions or not f.without_place().is_empty():
        return None
    gaz = res.gazetteer
    names = [n for c in f.countries for n in (c, *(gaz.countries[c].aliases if c in gaz.countries else ()))]
    country = join_names(list(f.countries))
    # only "work in Guatemala": work done there, not "Australian cities"' own pledges
    alternation = "|".join(re.escape(fold(n)) for n in names)
    if not re.search(rf"\b(?:in|into|across|inside)\s+(?:the\s+)?(?:{alternation})\b", fold(q.question)):
        return None
    rx = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names if len(n) > 3) + r")\b")
    found = [(p, hit) for p in res.pledges if (hit := res.sentences.first_where(p.id, rx.search))]
    if not found:
        return None
    citations = [citation_for(n, p, hit) for n, (p, hit) in enumerate(found[:MAX_LISTED], 1)]
    who = list(dict.fromkeys(p.submitter for p, _ in found))
    lang = q.language
    place, names = join_names(list(f.countries), lang), join_names(who, lang)
    lead = say(lang, "router.work_there", len(who), place=place, who=names)
    text = render_pledges(lead, citations, len(found), lang=lang)
    # the narrative's own examples from there ("the municipality of San Marcos (Guatemala)") are work there too
    told = [(s, hit) for s in res.sections if (hit := res.sentences.first_where(s.id, rx.search))]
    if told:
        notes = [citation_for(n, s, hit) for n, (s, hit) in enumerate(told[:MAX_LISTED], len(citations) + 1)]
        where = say(lang, "policy.narrative_where", name=place, where="; ".join(c.title for c in notes))
        text += "\n\n" + render_sections(where.strip(), notes)
        citations += notes
    return reply(
        q, "listing", f"no pledge from {country}; pledges that work there", text, citations, total=len(found),
    )  # fmt: skip
