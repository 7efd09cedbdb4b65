"""HTML for the app's panels: source cards with the quote highlighted, pledge cards, comparison cards.

Pure functions over records; every value from the report is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from ..records import Answer, Citation, Pledge, Quote, Section
from ..reports import profile

if TYPE_CHECKING:
    from ..pipeline import Similar

EMPTY_SOURCES = "Sources for the answer appear here"
EMPTY_CARD = "Select a row in the table to read the whole pledge here."


def join_values(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


def empty_html(message: str) -> str:
    return f"<div class='pb-empty'>{escape(message)}</div>"


def highlight(text: str, excerpt: str) -> str:
    """`text` as escaped HTML with each piece of `excerpt` (pieces joined by " … ") wrapped in <mark>.

    Pieces are verbatim substrings of the text; if one is not found exactly (whitespace differs), a
    whitespace-tolerant match is tried, and a piece that still is not found is simply not marked.
    """
    spans: list[tuple[int, int]] = []
    for piece in (p.strip() for p in excerpt.split(" … ")):
        if not piece:
            continue
        start = text.find(piece)
        if start >= 0:
            spans.append((start, start + len(piece)))
            continue
        pattern = r"\s+".join(re.escape(w) for w in piece.split())
        if m := re.search(pattern, text):
            spans.append(m.span())
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:  # overlapping pieces: the first one already covers this
            continue
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _record_text(record: Pledge | Section | None) -> str:
    if isinstance(record, Pledge):
        return record.description
    if isinstance(record, Section):
        return record.text
    return ""


def _lines(source: Any) -> str:
    return str(source)


def _priority_text(numbers: Sequence[int], names: dict[int, str]) -> str:
    return "; ".join(f"{n}. {names.get(n, '')}".strip() for n in numbers)


# -- ask: the sources panel ---------------------------------------------------------------------------


def speaker_of(c: Citation, record: Pledge | Section | None) -> Quote | None:
    """The person who said the excerpt, when it is one of the quotes printed with the pledge."""
    if not isinstance(record, Pledge):
        return None
    pieces = [" ".join(p.split()) for p in c.excerpt.split(" … ") if p.strip()]
    for q in record.quotes:
        said = " ".join(q.text.split())
        if pieces and all(p in said for p in pieces):
            return q
    return None


def quote_for_copy(c: Citation, record: Pledge | Section | None = None) -> str:
    """The excerpt with its attribution, ready to paste into an article or a briefing: a printed quote names
    its speaker ("Issa Kasis, Mayor of Ramallah"), a pledge its submitter and title."""
    who = f"{c.submitter}, “{c.title}”" if c.submitter else f"“{c.title}”"
    if q := speaker_of(c, record):
        who = f"{q.speaker}, {q.role}" if q.role else q.speaker
    edition = profile(record.report if record is not None else "")
    return f"“{c.excerpt}” — {who} ({edition.citation}; {c.source.lines()})"


def citation_card(c: Citation, record: Pledge | Section | None) -> str:
    """One source card: who, where, the excerpt highlighted inside the full text, its place in the report."""
    if c.kind == "pledge":
        kind = c.pledge_type or ("2022 action" if c.year == 2022 else "")
        meta = " · ".join(escape(str(x)) for x in (c.country, c.year, kind) if x)
        head = f"<strong>{escape(c.submitter or '')}</strong><span class='pb-meta'>{meta}</span>"
    else:
        head = "<strong>From the report</strong><span class='pb-meta'>narrative section</span>"
    text = _record_text(record)
    body = highlight(text, c.excerpt) if text else f"<mark>{escape(c.excerpt)}</mark>"
    if q := speaker_of(c, record):  # a printed quote stands apart from the description: shown with its speaker
        role = f", {escape(q.role)}" if q.role else ""
        body = f"<mark>{escape(c.excerpt)}</mark>\n<span class='pb-who'>— {escape(q.speaker)}{role}</span>"
    return (
        f"<div class='pb-card' id='pb-source-{c.n}'>"
        f"<div class='pb-head'><span class='pb-n'>{c.n}</span>{head}</div>"
        f"<div class='pb-title'>{escape(c.title)}</div>"
        f"<div class='pb-text' tabindex='0' aria-label='Text of source {c.n}'>{body}</div>"
        f"<div class='pb-foot'><span>{escape(_lines(c.source))}</span>"
        f"<button type='button' class='pb-copy' data-quote='{escape(quote_for_copy(c, record), quote=True)}'>Copy quote</button>"
        "</div></div>"
    )


def sources_html(answer: Answer | None, records: dict[str, Pledge | Section]) -> str:
    """The sources panel for an answer: one card per citation, or the empty state."""
    if answer is None or not answer.citations:
        if answer is not None and answer.abstained:
            return empty_html("No source answers this question, so none is shown.")
        return empty_html(EMPTY_SOURCES)
    cards = [citation_card(c, records.get(c.id)) for c in answer.citations]
    return "<div class='pb-sources'>" + "".join(cards) + "</div>"


# -- browse: the pledge card ------------------------------------------------------------------------------


def pledge_card(p: Pledge, names: dict[int, str]) -> str:
    """Every field of a pledge as HTML (all text escaped): facts, full description, quotes, source lines."""
    priorities = "; ".join(f"{n}. {names.get(n, '')}".strip() for n in p.priorities)
    edition = profile(p.report)
    if priorities and p.priorities_inferred:
        priorities += " (inferred from the text; the report does not list them)"
    years = ""
    if p.start_year or p.end_year or p.ongoing:
        years = f"{p.start_year or '?'}–{'ongoing' if p.ongoing else p.end_year or '?'}"
    fields = [
        ("Submitter", f"{p.submitter} ({p.submitter_kind})"),
        ("Country", join_values(p.countries or (p.country,))),
        ("Region", p.region),
        ("Edition", edition.title),
        ("Year", f"{p.year} ({label})" if (label := edition.year_label(p.year)) else str(p.year)),
        ("Pledge type", p.pledge_type or ""),
        ("Mayor", p.mayor or ""),
        ("Also known as", join_values(p.aliases)),
        ("Duration", p.duration or ""),
        ("Years", years),
        ("Priorities", priorities),
        ("GCM objectives", join_values(p.gcm_objectives)),
        ("GCR focus areas", join_values(p.gcr_focus_areas)),
        ("SDGs", join_values(p.sdgs)),
        ("Joint with", p.joint_with or ""),
        ("Global Cities Fund", "supported" if p.gcf_supported else ""),
        ("Record id", p.id),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in fields if v)
    quotes = "".join(
        f"<blockquote class='pb-quote'>“{escape(q.text)}”<br><span class='pb-meta'>— {escape(q.speaker)}"
        f"{', ' + escape(q.role) if q.role else ''}</span></blockquote>"
        for q in p.quotes
    )
    return (
        f"<div class='pb-card'><h3 style='margin:0.2em 0'>{escape(p.title)}</h3>"
        f"<dl class='pb-fields'>{rows}</dl>"
        f"<div class='pb-text pb-full' tabindex='0'>{escape(p.description)}</div>{quotes}"
        f"<div class='pb-foot'><span>In the report: {escape(_lines(p.source))}</span></div></div>"
    )


# -- compare: the anchor and its comparable pledges ---------------------------------------------------------


def similar_html(anchor: Pledge, similar: Sequence[Similar], names: dict[int, str]) -> str:
    """The anchor pledge and the comparable ones, each with similarity, shared priorities and sentence pair."""
    head = (
        f"<div class='pb-card'><div class='pb-head'><strong>{escape(anchor.submitter)}</strong>"
        f"<span class='pb-meta'>{escape(anchor.country)} · {anchor.year} · {escape(anchor.pledge_type or '2022 action')}"
        f"</span></div><div class='pb-title'>{escape(anchor.title)}</div>"
        f"<div class='pb-meta'>Priorities: {escape(_priority_text(anchor.priorities, names) or 'none listed')}</div>"
        "</div>"
    )
    if not similar:
        return head + empty_html("No comparable pledge from another submitter was found.")
    cards = []
    for n, s in enumerate(similar, 1):
        p = s.pledge
        shared = _priority_text(s.shared_priorities, names) or "none"
        width = max(4, round(80 * max(0.0, min(1.0, s.similarity))))
        pair = ""
        if s.sentence or s.anchor_sentence:
            pair = (
                "<div class='pb-pair'>"
                f"<blockquote><span class='pb-who'>{escape(anchor.submitter)}</span>{escape(s.anchor_sentence)}</blockquote>"
                f"<blockquote><span class='pb-who'>{escape(p.submitter)}</span>{escape(s.sentence)}</blockquote>"
                "</div>"
            )
        cards.append(
            f"<div class='pb-card'><div class='pb-head'><span class='pb-n'>{n}</span>"
            f"<strong>{escape(p.submitter)}</strong><span class='pb-meta'>{escape(join_values(p.countries or (p.country,)))}"
            f" · {p.year} · {escape(p.pledge_type or '2022 action')}</span></div>"
            f"<div class='pb-title'>{escape(p.title)}</div>"
            f"<div class='pb-meta'>Similarity {s.similarity:.2f}<span class='pb-bar' style='width:{width}px'></span>"
            f" · Shared priorities: {escape(shared)}</div>{pair}"
            f"<div class='pb-foot'><span>{escape(_lines(p.source))}</span></div></div>"
        )
    intro = (
        f"<p class='pb-meta'>The {len(similar)} pledges from other submitters closest in meaning, with the pair of "
        "sentences that are most alike.</p>"
    )
    return head + intro + "".join(cards)
