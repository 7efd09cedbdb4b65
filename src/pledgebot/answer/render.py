"""Rendering, in one place: citations, the markdown of answers, and how filters are put in words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..filters import Filters, YearRange
from ..query import Query
from ..records import Answer, Citation, Decision, Pledge, Route, Section
from .phrases import say

MAX_LISTED = 60  # a list cites every match up to this many (the 2023 report has 77 records in all)


def citation_for(n: int, rec: Pledge | Section, excerpt: str) -> Citation:
    if isinstance(rec, Pledge):
        return Citation(
            n, rec.id, "pledge", rec.submitter, rec.country, rec.year, rec.title, excerpt, rec.source, rec.pledge_type
        )
    return Citation(n, rec.id, "section", None, None, None, rec.title, excerpt, rec.source)


def pledge_line(c: Citation, lang: str = "en") -> str:
    kind = c.pledge_type or (say(lang, "line.action_2022") if c.year == 2022 else "")
    meta = ", ".join(x for x in (c.country, str(c.year) if c.year else "", kind) if x)
    return f"**{c.submitter}** ({meta}) — *{c.title}*: “{c.excerpt}” [{c.n}]"


def join_names(names: Sequence[str], lang: str = "en") -> str:
    """ "A, B and C" in the answer's language."""
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + say(lang, "join.and") + names[-1]


def plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


def completeness(total: int, shown: int, lang: str = "en") -> str:
    """ "12 pledges match; the 5 most relevant are shown." """
    if total == 0:
        return say(lang, "count.none")
    matches = say(lang, "count.matches", total, total=total)
    if shown >= total:
        if total == 1:
            return say(lang, "count.alone", matches=matches)
        return say(lang, "count.then", matches=matches, shown=say(lang, "count.all_shown", total=total))
    return say(lang, "count.then", matches=matches, shown=say(lang, "count.most_relevant", shown=shown))


def render_pledges(
    lead: str,
    citations: Sequence[Citation],
    total: int,
    notes: Sequence[str] = (),
    footer: str | None = None,
    lang: str = "en",
) -> str:
    lines = [lead, ""]
    lines += [f"{c.n}. {pledge_line(c, lang)}" for c in citations]
    lines += ["", footer if footer is not None else completeness(total, len(citations), lang)]
    lines += [f"\n*{note}*" for note in notes]
    return "\n".join(lines).strip()


def render_sections(lead: str, citations: Sequence[Citation]) -> str:
    lines = [lead, ""] if lead else []
    lines += [f"> “{c.excerpt}” [{c.n}] — *{c.title}*" for c in citations]
    return "\n".join(lines)


def render_mixed(citations: Sequence[Citation], lang: str = "en") -> str:
    """The narrative's sentences first, then the pledges'."""
    sections = [c for c in citations if c.kind == "section"]
    pledges = [c for c in citations if c.kind == "pledge"]
    parts = []
    if sections:
        parts.append(render_sections(say(lang, "mixed.report_says"), sections))
    if pledges:
        lead = say(lang, "mixed.from_pledges", len(pledges))
        parts.append(render_pledges(lead, pledges, len(pledges), lang=lang))
    return "\n\n".join(parts)


def context(pledges: Sequence[Pledge], limit: int = 12, lang: str = "en") -> str:
    """Pledges named as context, not cited: an answer that says the report has nothing cites nothing."""
    lines = [f"- **{p.submitter}** ({p.country}, {p.year}) — *{p.title}*" for p in pledges[:limit]]
    if len(pledges) > limit:
        lines.append(say(lang, "context.more", n=len(pledges) - limit))
    return "\n".join(lines)


def describe(f: Filters, noun: str = "pledges", lang: str = "en", count: int | None = None) -> str:
    """The filters in words: "GCR only 2023 pledges from Europe with Global Cities Fund support".

    `count` makes the words agree with a number (1: "2023 pledge"); None is the plural."""
    n = 2 if count is None else count
    head = {
        "joint": say(lang, "desc.joint", n) if f.joint else "",
        "types": say(lang, "desc.types", types=say(lang, "join.or").join(f.pledge_types)) if f.pledge_types else "",
        "noun": _noun(f, noun, lang, n),
    }
    parts = [re.sub(r" {2,}", " ", say(lang, "desc.phrase", **head)).strip()]
    if f.kinds:
        kinds = [say(lang, "kind." + k.replace(" ", "_")) for k in f.kinds]
        parts.append(say(lang, "desc.by", kinds=say(lang, "join.or").join(kinds)))
    if f.has_place():
        parts.append(say(lang, "desc.from", place=f.place_name() or ""))
    if f.exclude:
        parts.append(say(lang, "desc.except", names=join_names(list(f.exclude), lang)))
    if f.start is not None:
        parts.append(say(lang, "desc.starting", n, when=_years(f.start, lang)))
    if f.end is not None:
        parts.append(say(lang, "desc.ending", n, when=_years(f.end, lang)))
    if f.open_ended:
        parts.append(say(lang, "desc.no_end"))
    if f.gcf:
        parts.append(say(lang, "desc.gcf"))
    if f.quoted:
        parts.append(say(lang, "desc.quoted"))
    if f.mentions:
        parts.append(say(lang, "desc.naming", n, names=join_names([g[0] for g in f.mentions], lang)))
    if f.priority:
        parts.append(say(lang, "desc.priority", priority=f.priority))
    return " ".join(parts)


def _noun(f: Filters, noun: str, lang: str, n: int) -> str:
    """What is counted: a year's records ("2022 actions") or pledges; another noun is printed as given."""
    if noun != "pledges":
        return noun
    if f.year is None:
        return say(lang, "desc.noun", n)
    # the 2023 report calls its 2022 records "actions"; any other year's records are pledges
    return say(lang, "desc.noun_2022", n) if f.year == 2022 else say(lang, "desc.noun_year", n, year=f.year)


def _years(r: YearRange, lang: str) -> str:
    """A range of years in words ("in 2024 or later"), as `YearRange.describe` says it in English."""
    if r.exact is not None:
        return say(lang, "years.exact", year=r.exact)
    if r.lo is None:
        return say(lang, "years.until", year=r.hi)
    if r.hi is None:
        return say(lang, "years.since", year=r.lo)
    return say(lang, "years.between", lo=r.lo, hi=r.hi)


def _framing_notes(q: Query) -> tuple[str, ...]:
    """The question's notes in its language: understanding words them in English, from its corrections."""
    if q.language == "en":
        return q.notes
    return tuple(say(q.language, "note.read_as", typed=typed, name=name) for typed, name in q.corrections)


def reply(
    q: Query,
    handler: str,
    reason: str,
    text: str,
    citations: Sequence[Citation] = (),
    abstained: bool = False,
    total: int | None = None,
    number: float | None = None,
    notes: Sequence[str] = (),
    decisions: Sequence[Decision] = (),
    intent: str | None = None,
    more: Sequence[str] = (),
) -> Answer:
    """An Answer with its route: every handler answers through this."""
    route = Route(
        handler=handler,
        reason=reason,
        intent=str(q.intent),
        intent_scores=dict(q.intent_scores),
        facets=tuple(f.to_dict() for f in q.facets),
        topic=q.topic,
        chatter=q.chatter,
        corrections=q.corrections,
        unplaced=q.unplaced,
        set_aside=q.set_aside,
        followup=q.followup,
        decisions=tuple(decisions),
    )
    notes = (*_framing_notes(q), *notes)
    if q.language != "en":
        # the framing is in the question's language, the quotes are not: say so, once, under the answer
        language_note = say(q.language, "note.report_in_english")
        text = f"{text}\n\n*{language_note}*"
        notes = (*notes, language_note)
    return Answer(
        question=q.question,
        text=text,
        citations=tuple(citations),
        abstained=abstained,
        filters=q.filters,
        intent=intent or str(q.intent),
        total_matches=total,
        number=number,
        notes=notes,
        route=route,
        more=tuple(more),
    )
