"""Counts and lists computed from the records: by any field, per submitter, distinct countries or submitters.

Every counted pledge is cited. A pledge counts under its own submitter and each country its record names
(`filters.countries_of`); a list also cites the partner's record of a joint pledge, as context, without
counting it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..filters import countries_of
from ..places import fold
from ..query import Intent, Query, Unit
from ..records import Answer, Citation, Decision, Pledge
from ..reports import profile
from .phrases import say
from .render import MAX_LISTED, citation_for, describe, join_names, render_pledges, reply
from .resources import Ctx, Resources


def answer(
    q: Query,
    ctx: Ctx,
    pledges: Sequence[Pledge],
    reason: str,
    excerpts: dict[str, str] | None = None,
    handler: str = "listing",
    decisions: Sequence[Decision] = (),
) -> Answer:
    """Count or list `pledges` (already selected) as the query asks; a topical handler passes its own name,
    its decisions and the excerpts it chose."""
    res = ctx.res
    pledges = list(pledges) if excerpts else sorted(pledges, key=lambda p: (-p.year, fold(p.submitter)))
    if q.min_per_submitter:
        return _per_submitter(q, res, pledges, reason)
    if q.unit is Unit.COUNTRIES:
        return _distinct(q, res, pledges, reason, "countries", _countries(res, pledges))
    if q.unit is Unit.SUBMITTERS and q.intent is Intent.COUNT:
        return _distinct(q, res, pledges, reason, "submitters", list(dict.fromkeys(p.submitter for p in pledges)))
    n = len(pledges)
    shown = pledges[:MAX_LISTED]
    partners = [] if q.intent is Intent.COUNT else _partners(res, shown)
    citations = _cite(res, [*shown, *partners], excerpts)
    lang = q.language
    what = describe(q.filters, lang=lang, count=n)
    if q.topic:
        what = say(lang, "desc.about", what=what, topic=" ".join(q.topic))
    split = _year_split(pledges, lang)
    if q.intent is Intent.COUNT:
        lead = say(lang, "list.count", n=n, what=what, split=split)
    else:
        lead = say(lang, "list.lead", n=n, what=what, split=split, names=join_names([p.submitter for p in shown], lang))
    notes = _notes(q, res, pledges, partners)
    footer = _footer(n, len(shown), partners, lang)
    return reply(
        q,
        handler,
        reason,
        render_pledges(lead, citations, n, notes, footer, lang),
        citations,
        total=n,
        number=n,
        notes=notes,
        decisions=decisions,
        intent="count" if q.intent is Intent.COUNT else "list",
        more=[p.id for p in pledges[MAX_LISTED:]],
    )


def _cite(res: Resources, pledges: Sequence[Pledge], excerpts: dict[str, str] | None) -> list[Citation]:
    """Each pledge with its excerpt: given (a topical answer's), or what it commits to (its first sentence)."""
    out = []
    for n, p in enumerate(pledges, 1):
        text = (excerpts or {}).get(p.id) or res.sentences.first(p.id)
        out.append(citation_for(n, p, text))
    return out


def _partners(res: Resources, shown: Sequence[Pledge]) -> list[Pledge]:
    """The other partner's record of each joint pledge shown (one project, printed once per partner)."""
    ids = {p.id for p in shown}
    out = []
    for p in shown:
        partner = res.records.get(p.joint_with) if p.joint_with else None
        if isinstance(partner, Pledge) and partner.id not in ids and partner not in out:
            out.append(partner)
    return out


def _footer(total: int, shown: int, partners: Sequence[Pledge], lang: str) -> str:
    matches = say(lang, "count.matches", total, total=total)
    if total == 1 and not partners:
        return say(lang, "count.alone", matches=matches)
    rest = say(lang, "count.all_shown", total=total) if shown >= total else say(lang, "count.first_shown", shown=shown)
    head = say(lang, "count.then", matches=matches, shown=rest)
    if partners:
        head += say(lang, "count.also_cited", len(partners), who=join_names([p.submitter for p in partners], lang))
    return head


def _year_split(pledges: Sequence[Pledge], lang: str) -> str:
    """How the matches divide: by edition when they come from several, else, within an edition that prints
    submissions of one year beside highlighted actions of the year before, by year."""
    editions = Counter(p.report for p in pledges)
    if len(editions) > 1:
        parts = [say(lang, "list.from_edition", n, n=n, source=profile(r).short) for r, n in editions.most_common()]
        return " (" + ", ".join(parts) + ")"
    years = Counter(p.year for p in pledges)
    kept = profile(next(iter(editions), "")).years if pledges else ()
    if len(years) < 2 or len(kept) != 2 or not set(years) <= set(kept):
        return ""
    new, old = years.get(kept[1], 0), years.get(kept[0], 0)
    return say(lang, "list.year_split", old, new=new, old=old)


def _countries(res: Resources, pledges: Sequence[Pledge]) -> list[str]:
    """Distinct countries (not the pseudo-places of organisations that work worldwide or Europe-wide)."""
    gaz = res.gazetteer
    found = {c for p in pledges for c in countries_of(p) if c in gaz.countries and c not in gaz.regions}
    return sorted(found)


def _distinct(q: Query, res: Resources, pledges: Sequence[Pledge], reason: str, noun: str, values: list[str]) -> Answer:
    n = len(values)
    stated = _stated(res, n, noun)
    cited = [stated] if stated else []
    citations = [citation_for(1, res.records[s], sentence) for s, sentence in cited]
    citations += [
        citation_for(k, p, res.sentences.first(p.id)) for k, p in enumerate(pledges[:MAX_LISTED], 2 if cited else 1)
    ]
    lang = q.language
    what = describe(q.filters, lang=lang, count=len(pledges))  # "(1 pledge)", not "(1 pledges)"
    unit = say(lang, f"unit.{noun}", n)
    lead = say(lang, "list.distinct", n=n, unit=unit, values=join_names(values, lang), total=len(pledges), what=what)
    if noun == "countries":
        lead += say(lang, "list.not_a_country")
    text = render_pledges(lead, [c for c in citations if c.kind == "pledge"], len(pledges), lang=lang)
    if cited:
        text += "\n\n" + say(lang, "list.report_says_too", sentence=cited[0][1])
    return reply(
        q,
        "listing",
        f"{reason}; counted distinct {noun}",
        text,
        citations,
        total=len(pledges),
        number=n,
        intent="count",
    )


def _per_submitter(q: Query, res: Resources, pledges: Sequence[Pledge], reason: str) -> Answer:
    """ "Which cities made more than one pledge?": submitters with at least `min_per_submitter` records."""
    per = Counter(p.submitter for p in pledges)
    names = [s for s, k in sorted(per.items(), key=lambda kv: (-kv[1], fold(kv[0]))) if k >= q.min_per_submitter]
    counted = [p for p in pledges if p.submitter in names]
    citations = _cite(res, counted[:MAX_LISTED], None)
    n, lang, least = len(names), q.language, q.min_per_submitter
    who = join_names([f"{s} ({per[s]})" for s in names], lang)
    what = describe(q.filters, lang=lang)
    lead = say(lang, "list.repeat", n, n=n, min=least, what=what, who=who)
    if q.unit is Unit.PLEDGES:  # "how many pledges came from repeat submitters": the pledges are counted
        n = len(counted)
        lead = say(lang, "list.repeat_pledges", n=n, what=what, min=least, who=who)
    if not names:
        lead = say(lang, "list.repeat_none", min=least, what=what)
    return reply(
        q,
        "listing",
        f"{reason}; grouped by submitter",
        render_pledges(lead, citations, len(counted), lang=lang),
        citations,
        abstained=not names,
        total=len(counted),
        number=n,
        intent="count",
    )


def _notes(q: Query, res: Resources, pledges: Sequence[Pledge], partners: Sequence[Pledge]) -> list[str]:
    notes, lang = [], q.language
    if q.filters.pledge_types:
        types = Counter(p.pledge_type for p in res.pledges if p.pledge_type)
        for t in q.filters.pledge_types:
            said = _report_says(res, t)
            if said is not None and said != types[t]:
                notes.append(say(lang, "note.type_count", printed=types[t], type=t, said=said))
        if any(not p.pledge_type for p in res.pledges) and q.filters.year is None:  # the 2022 actions have none
            notes.append(say(lang, "note.types_2023"))
    if q.filters.joint and (pairs := sum(bool(p.joint_with) for p in pledges)):
        notes.append(say(lang, "note.joint_pairs", pairs // 2, pairs=pairs, partnerships=pairs // 2))
    return notes


def _report_says(res: Resources, pledge_type: str) -> int | None:
    """The count of a pledge type the narrative states ("15 GCR only pledges"), if it states one."""
    rx = re.compile(rf"\b(\d+)\s+{re.escape(fold(pledge_type))}\s+pledges?\b")
    for s in res.sections:
        if m := rx.search(fold(s.text)):
            return int(m.group(1))
    return None


def _stated(res: Resources, n: int, noun: str) -> tuple[str, str] | None:
    """(section id, sentence) where the narrative states the same count ("representing 27 countries")."""
    rx = re.compile(rf"\b{n}\s+{noun}\b")
    for s in res.sections:
        for sentence in res.sentences.texts_of(s.id):
            if rx.search(fold(sentence)):
                return s.id, sentence
    return None
