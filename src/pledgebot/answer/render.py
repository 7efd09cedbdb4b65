"""Rendering, in one place: citations, the markdown of answers, and how filters are put in words."""

from __future__ import annotations

from collections.abc import Sequence

from ..filters import Filters
from ..query import Query
from ..records import Answer, Citation, Decision, Pledge, Route, Section

MAX_LISTED = 60  # a list cites every match up to this many (the 2023 report has 77 records in all)


def citation_for(n: int, rec: Pledge | Section, excerpt: str) -> Citation:
    if isinstance(rec, Pledge):
        return Citation(
            n, rec.id, "pledge", rec.submitter, rec.country, rec.year, rec.title, excerpt, rec.source, rec.pledge_type
        )
    return Citation(n, rec.id, "section", None, None, None, rec.title, excerpt, rec.source)


def pledge_line(c: Citation) -> str:
    kind = c.pledge_type or ("2022 action" if c.year == 2022 else "")
    meta = ", ".join(x for x in (c.country, str(c.year) if c.year else "", kind) if x)
    return f"**{c.submitter}** ({meta}) — *{c.title}*: “{c.excerpt}” [{c.n}]"


def join_names(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


def completeness(total: int, shown: int, noun: str = "pledge") -> str:
    nouns = plural(total, noun)
    verb = "matches" if total == 1 else "match"
    if shown >= total:
        return f"{total} {nouns} {verb}; all {total} shown." if total > 1 else f"1 {nouns} {verb}."
    return f"{total} {nouns} {verb}; the {shown} most relevant are shown."


def render_pledges(
    lead: str, citations: Sequence[Citation], total: int, notes: Sequence[str] = (), footer: str | None = None
) -> str:
    lines = [lead, ""]
    lines += [f"{c.n}. {pledge_line(c)}" for c in citations]
    lines += ["", footer if footer is not None else completeness(total, len(citations))]
    lines += [f"\n*{note}*" for note in notes]
    return "\n".join(lines).strip()


def render_sections(lead: str, citations: Sequence[Citation]) -> str:
    lines = [lead, ""] if lead else []
    lines += [f"> “{c.excerpt}” [{c.n}] — *{c.title}*" for c in citations]
    return "\n".join(lines)


def render_mixed(citations: Sequence[Citation]) -> str:
    """The narrative's sentences first, then the pledges'."""
    sections = [c for c in citations if c.kind == "section"]
    pledges = [c for c in citations if c.kind == "pledge"]
    parts = []
    if sections:
        parts.append(render_sections("The report says:", sections))
    if pledges:
        parts.append(
            render_pledges("From the pledges:" if len(pledges) > 1 else "From the pledge:", pledges, len(pledges))
        )
    return "\n\n".join(parts)


def context(pledges: Sequence[Pledge], limit: int = 12) -> str:
    """Pledges named as context, not cited: an answer that says the report has nothing cites nothing."""
    lines = [f"- **{p.submitter}** ({p.country}, {p.year}) — *{p.title}*" for p in pledges[:limit]]
    if len(pledges) > limit:
        lines.append(f"- … and {len(pledges) - limit} more")
    return "\n".join(lines)


def describe(f: Filters, noun: str = "pledges") -> str:
    """The filters in words: "GCR only 2023 pledges from Europe supported by the Global Cities Fund"."""
    parts = []
    if f.joint:
        parts.append("joint")
    if f.pledge_types:
        parts.append(" or ".join(f.pledge_types))
    parts.append({2022: "2022 actions", 2023: "2023 pledges"}.get(f.year, noun) if noun == "pledges" else noun)
    if f.kinds:
        kinds = [k if k.endswith("government") else ("cities" if k == "city" else k + "s") for k in f.kinds]
        parts.append("by " + " or ".join(kinds).replace("national government", "national governments"))
    if f.has_place():
        parts.append("from " + (f.place_name() or ""))
    if f.exclude:
        parts.append("except those from " + join_names(list(f.exclude)))
    if f.start is not None:
        parts.append(f"starting {f.start.describe()}")
    if f.end is not None:
        parts.append(f"ending {f.end.describe()}")
    if f.open_ended:
        parts.append("with no end date")
    if f.gcf:
        parts.append("supported by the Global Cities Fund")
    if f.quoted:
        parts.append("printed with a quote")
    if f.mentions:
        parts.append("naming " + join_names([g[0] for g in f.mentions]))
    if f.priority:
        parts.append(f"under priority {f.priority}")
    return " ".join(parts)


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
    return Answer(
        question=q.question,
        text=text,
        citations=tuple(citations),
        abstained=abstained,
        filters=q.filters,
        intent=intent or str(q.intent),
        total_matches=total,
        number=number,
        notes=(*q.notes, *notes),
        route=route,
        more=tuple(more),
    )
