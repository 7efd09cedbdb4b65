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
from .render import MAX_LISTED, citation_for, describe, join_names, plural, render_pledges, reply
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
    what = describe(q.filters) if not q.topic else f"{describe(q.filters)} about {' '.join(q.topic)}"
    what = _singular(what) if n == 1 else what
    split = _year_split(pledges)
    if q.intent is Intent.COUNT:
        lead = f"**{n}** {what}{split}."
    else:
        lead = f"{n} {what}{split}: {join_names([p.submitter for p in shown])}."
    notes = _notes(q, res, pledges, partners)
    footer = _footer(n, len(shown), partners)
    return reply(
        q,
        handler,
        reason,
        render_pledges(lead, citations, n, notes, footer),
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


def _footer(total: int, shown: int, partners: Sequence[Pledge]) -> str:
    noun = plural(total, "pledge")
    head = f"{total} {noun} {'matches' if total == 1 else 'match'}; " + (
        f"all {total} shown." if shown >= total else f"the first {shown} are shown."
    )
    if total == 1 and not partners:
        head = "1 pledge matches."
    if partners:
        who = join_names([p.submitter for p in partners])
        head += f" Also cited: {who}'s record of the same joint {plural(len(partners), 'pledge')} (not counted)."
    return head


def _year_split(pledges: Sequence[Pledge]) -> str:
    years = Counter(p.year for p in pledges)
    if len(years) < 2:
        return ""
    new, old = years.get(2023, 0), sum(v for y, v in years.items() if y != 2023)
    return f" ({new} from the 2023 submissions, {old} highlighted 2022 {plural(old, 'action')})"


def _singular(text: str) -> str:
    return re.sub(r"\b(pledges|actions)\b", lambda m: m.group(1)[:-1], text, count=1)


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
    what = describe(q.filters)
    lead = f"**{n}** {noun}: {join_names(values)} ({len(pledges)} {what})."
    if noun == "countries":
        lead += " Organizations that work globally or across a region are not counted as a country."
    text = render_pledges(lead, [c for c in citations if c.kind == "pledge"], len(pledges))
    if cited:
        text += f"\n\nThe report says so too: “{cited[0][1]}” [1]"
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
    n = len(names)
    who = join_names([f"{s} ({per[s]})" for s in names])
    lead = f"**{n}** {plural(n, 'submitter')} made {q.min_per_submitter} or more {describe(q.filters)}: {who}."
    if q.unit is Unit.PLEDGES:  # "how many pledges came from repeat submitters": the pledges are counted
        n = len(counted)
        lead = f"**{n}** {describe(q.filters)} came from submitters with {q.min_per_submitter} or more: {who}."
    if not names:
        lead = f"No submitter made {q.min_per_submitter} or more {describe(q.filters)}."
    return reply(
        q,
        "listing",
        f"{reason}; grouped by submitter",
        render_pledges(lead, citations, len(counted)),
        citations,
        abstained=not names,
        total=len(counted),
        number=n,
        intent="count",
    )


def _notes(q: Query, res: Resources, pledges: Sequence[Pledge], partners: Sequence[Pledge]) -> list[str]:
    notes = []
    if q.filters.pledge_types:
        types = Counter(p.pledge_type for p in res.pledges if p.pledge_type)
        for t in q.filters.pledge_types:
            said = _report_says(res, t)
            if said is not None and said != types[t]:
                notes.append(
                    f"Counted from each pledge's TYPE OF PLEDGE line: the submissions the report prints have {types[t]} "
                    f"{t} pledges; the report's own summary says {said}."
                )
        if any(p.year != 2023 for p in res.pledges) and q.filters.year is None:
            notes.append("Pledge types are given for the 2023 submissions only.")
    if q.filters.joint and (pairs := sum(bool(p.joint_with) for p in pledges)):
        notes.append(
            f"A joint 2023 pledge is printed once per partner, so {pairs} of these records are "
            f"{pairs // 2} {plural(pairs // 2, 'partnership')}."
        )
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
