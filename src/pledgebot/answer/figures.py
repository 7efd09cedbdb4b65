"""Report facts and figures: the narrative's best sentences (and a named submitter's pledge text).

Sections and pledges are ranked alike, by their best sentence: a report fact sits in one sentence, which a
window of three dilutes. Whether the best sentence answers at all is the fitted `report` decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from ..places import fold
from ..query import Query
from ..records import Answer, Decision, Pledge, Section
from ..relevance import zscores
from ..reports import priority_heading
from ..text import sentences, tokenize
from . import policy
from .numbers import (
    NUMBER,
    SHARE,
    amount,
    asked_count,
    contrast_words,
    counted_head,
    counted_match,
    counts,
    digits,
    figure_as_printed,
    has_figure,
    number_in,
    of_kind_asked,
    sentence_bonus,
    stated_as_goal,
    what_it_counts,
)
from .render import citation_for, render_mixed, reply
from .resources import Ctx, Resources

REPORT_FEATURES = (
    "cosine",
    "score",
    "word_share",
    "idf_share",
    "score_z",
    "gap",
    "figure",
    "number_found",
    "counted_match",
    "wants_number",
    "own",
    "english",
    "section",
    "heading",
)


@dataclass(frozen=True)
class Ranked:
    """A record by its best sentence for a question."""

    doc_id: str
    score: float  # cosine + word share (+ bonuses for the figure asked)
    kind: str
    cosine: float
    sentence: str
    word_share: float
    idf_share: float = 0.0
    heading: float = 0.0  # the record's heading against the question ("Who supports the Call to Local Action")
    spelled: str = ""  # the sentence with its acronyms spelled out where they stand: what its figures count
    preference: float = 0.0  # added to the score to order records, not to decide whether one answers

    @property
    def counted_text(self) -> str:
        return self.spelled or self.sentence


def rank_sentences(q: Query, ctx: Ctx, doc_ids: list[str], text: str, within: str = "") -> list[Ranked]:
    """Records by their best sentence for `text`, best first; with `within`, only its sentences count."""
    res = ctx.res
    qvec = ctx.vec(text)
    qtokens = set(tokenize(text)) - contrast_words(q.question)
    weights = res.calibration.section("report")
    places = _places_asked(q, res) if q.wants_number else {}
    asked = figure_question(q)
    head, what = counted_head(q.question, asked), asked_count(asked, q.people_words)
    out = []
    res.sentences.warm(doc_ids)
    for doc in dict.fromkeys(doc_ids):
        rows = [r for r in res.sentences.content_rows(doc) if not within or res.sentences.texts[r] in within]
        if not rows:
            continue
        doc_head = None
        if q.wants_number:
            rows, doc_head = _figure_rows(res, rows, head, what)
            if not rows:
                continue
        sims = res.sentences.vectors_of(rows) @ qvec
        # a report is organised under headings that say what each part answers; rare words tell more than
        # common ones ("prepared" in "who prepared the report?", not "report")
        heading = res.heading_similarity(doc, qvec)
        best: Ranked | None = None
        for r, sim in zip(rows, sims, strict=True):
            sentence = res.sentences.texts[r]
            share = len(res.sentences.tokens[r] & qtokens) / (len(qtokens) or 1)
            idf_share = res.sentences.idf_share(r, qtokens)
            value = float(sim) + weights["word_weight"] * idf_share + weights.get("heading_weight", 0.0) * heading
            if q.wants_number:
                value += sentence_bonus(res.spelled(sentence), asked, weights, doc_head, q.people_words)
            # "from Africa (36%)", not "… and North Africa … 9%": it orders, it is no evidence of an answer
            named = any(names_place(sentence, name, longer) for name, longer in places.items())
            preference = weights["place"] if named else 0.0
            if best is None or value + preference > best.score + best.preference:
                kind = "pledge" if isinstance(res.records[doc], Pledge) else "section"
                spelled = res.spelled(sentence)
                best = Ranked(doc, value, kind, float(sim), sentence, share, idf_share, heading, spelled, preference)
        if best is not None:
            out.append(best)
    out.sort(key=lambda r: -(r.score + r.preference))
    return out


def _figure_rows(res: Resources, rows: list[int], head: str | None, what: set[str]) -> tuple[list[int], str | None]:
    """The sentences of a record that may give the figure asked: those that give one; of those, when some count
    what is asked, only those ("how many people use the hub": "around 500 beneficiaries", not "10
    associations"), and of those, when some count the noun itself, only those ("how many IDP families": "30
    displaced families", not "5,000 IDPs"); with the counted noun when the record counts it."""
    texts = {r: res.spelled(res.sentences.texts[r]) for r in rows}
    rows = [r for r in rows if has_figure(texts[r])]
    if counting := [r for r in rows if counts(texts[r], what)]:
        rows = counting
    if head and (counting := [r for r in rows if counts(texts[r], {head})]):
        return counting, head
    return rows, None


def figure_question(q: Query) -> str:
    """The question a figure is matched against: in English as typed, spelling corrected ("how many familes"
    counts families), glossed in other languages, since what a figure counts is read in the report's words
    ("quantas horas" counts the hours a sentence gives)."""
    if q.language != "en":
        return q.full_text or q.question
    text = q.question
    for typed, meant in q.corrections:
        text = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", meant, text)
    return text


def _places_asked(q: Query, res: Resources) -> dict[str, list[str]]:
    """The places a figure question names (folded), each with the longer place names that contain it
    ("africa": "north africa", "south africa", …)."""
    f = q.filters
    label = f.place_label if not f.submitters else None  # a submitter's name is no place a sentence names
    names = {fold(n) for n in (*f.regions, *(f.countries if len(f.countries) <= 3 else ()), label or "") if n}
    return {
        n: [k for k in res.place_names if k != n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", k)] for n in names
    }


def names_place(sentence: str, name: str, longer: list[str]) -> bool:
    """Whether `sentence` names the place `name` itself, not only inside a longer place name: "Asia and the
    Middle East and North Africa" does not name Africa."""
    text = fold(sentence)
    if name not in text:
        return False
    for other in sorted(longer, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(other)}(?!\w)", " ", text)
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def candidates(q: Query, ctx: Ctx) -> tuple[list[Ranked], bool]:
    """The ranked records a report answer may cite, and whether the question is about a named submitter."""
    res = ctx.res
    text = q.full_text or q.question
    own = [p.id for p in res.pledges if p.submitter in q.filters.submitters]
    names = _names(q, res)
    sections = [s.id for s in res.sections]
    if names:
        # a question about one place or body: only the narrative that names it can answer for it
        sections = [s.id for s in res.sections if any(n in fold(s.text) for n in names)]
    if (spotlit := named_sections(q, res)) and not names:
        # "which GCM objectives does priority 3 serve?", "what does the foreword say …": that section
        sections = spotlit
    ranked = rank_sentences(q, ctx, sections + own, text)
    if own and q.wants_number:
        # a figure about one submitter must be said of it: in its pledge, or in a sentence of the narrative
        # that (or whose preceding sentence) names it
        ranked = [r for r in ranked if r.doc_id in own or _names_nearby(res, r, names)]
    if not own and not spotlit:
        hits = ctx.retrieve(q.search_text or text, k=3, allowed=None, kinds=("pledge",))
        pledges = rank_sentences(q, ctx, [h.doc_id for h in hits], text)
        top_section = next((r for r in ranked if r.kind == "section"), None)
        margin = res.calibration.param("report", "pledge_margin")
        if pledges and (top_section is None or pledges[0].score >= top_section.score + margin):
            ranked = [pledges[0], *ranked]
    return _asked_sentences(q, ctx, ranked), bool(own)


def _asked_sentences(q: Query, ctx: Ctx, ranked: list[Ranked]) -> list[Ranked]:
    """With a sentence of context before the question, the whole text finds the record, and the sentences
    that ask pick what to quote from it: a user restates what they know ("Medellín used its grant for
    shelter.") and asks what they do not ("What share found permanent housing?"), and the sentence that
    matches the restatement best is the one they already know. The restatement may share the sentence, led
    in by a dash or a colon ("The report says Medellín used its grant for shelter - what share …?"): then it is
    the query's context."""
    text = _asking_text(q)
    if not ranked or not text:
        return ranked
    # the restatement found the place; the part that asks picks the figure there, in the same paragraph
    return [_resentenced(q, ctx, r, text, _paragraph_of(ctx, r)) for r in ranked[:3]] + ranked[3:]


def _share_nearby(q: Query, ctx: Ctx, r: Ranked) -> Ranked:
    """A share asked, and the best sentence gives none ("Medellín's grant sheltered 300 families"): the sentence
    of the same paragraph that gives a percentage and best matches the question ("more than 75% of the
    families found permanent housing"); `r` itself when there is none."""
    if "%" in r.sentence:
        return r
    with_share = " ".join(s for s in sentences(_paragraph_of(ctx, r)) if "%" in s)
    return _resentenced(q, ctx, r, q.full_text or q.question, with_share) if with_share else r


def _resentenced(q: Query, ctx: Ctx, r: Ranked, text: str, within: str) -> Ranked:
    """`r` with its sentence chosen again, for `text`, among those of `within` (all its own when "")."""
    best = rank_sentences(q, ctx, [r.doc_id], text, within)
    return replace(r, sentence=best[0].sentence, spelled=best[0].spelled) if best else r


def _paragraph_of(ctx: Ctx, r: Ranked) -> str:
    """The paragraph of its record that holds `r`'s sentence ("" for a record without paragraphs)."""
    return _paragraph(getattr(ctx.res.records[r.doc_id], "text", ""), r.sentence)


def _paragraph(text: str, sentence: str) -> str:
    """The paragraph (between blank lines) of `text` that holds `sentence`; "" when it is not found."""
    i = text.find(sentence) if sentence else -1
    if i < 0:
        return ""
    start, end = text.rfind("\n\n", 0, i), text.find("\n\n", i)
    return text[start + 2 if start >= 0 else 0 : end if end >= 0 else len(text)]


def _asking_text(q: Query) -> str:
    """The part of the question that asks, when the rest restates what the user knows; else "". A part that
    points back with a pronoun ("what share did they make up?") asks about the restatement itself."""
    if q.leans_on_context:
        return ""
    parts = sentences(q.question)
    asking = [s for s in parts if "?" in s]
    if asking and len(asking) < len(parts):
        return " ".join(asking)
    if q.context and q.question.startswith(q.context):
        return q.question[len(q.context) :].strip()
    return ""


def features(q: Query, ranked: list[Ranked], own: bool) -> np.ndarray:
    """The report decision's features for the best-ranked record."""
    top = ranked[0]
    gap = top.score - ranked[1].score if len(ranked) > 1 else 1.0
    scores = np.array([r.score for r in ranked])
    z = float(zscores(scores)[0]) if len(ranked) > 1 else 0.0
    figure = float(q.wants_number and any(ch.isdigit() for ch in top.sentence))
    found = float(q.wants_number and number_in(top.sentence, q.question, q.full_text, q.context) is not None)
    what = float(q.wants_number and counted_match(top.counted_text, q.full_text or q.question))
    english, section = float(q.language == "en"), float(top.kind == "section")
    return np.array(
        [
            [
                top.cosine,
                top.score,
                top.word_share,
                top.idf_share,
                z,
                gap,
                figure,
                found,
                what,
                float(q.wants_number),
                float(own),
                english,
                section,
                top.heading,
            ]
        ]
    )


def answer(q: Query, ctx: Ctx, sections_only: bool = False) -> Answer | None:
    """The report's answer; with `sections_only`, the narrative's figure or None (a count's first try)."""
    res = ctx.res
    ranked, own = candidates(q, ctx)
    if sections_only:
        # a count the records cannot make ("actions for kids") is the narrative's only when it prints that count
        text = q.full_text or q.question
        ranked = [r for r in ranked if r.kind == "section"][:1]
        ranked = [r for r in ranked if counted_match(r.counted_text, text, distinctive=True)]
    if not ranked:
        return None if sections_only else policy.nothing_on(q, ctx, "figures", "no sentence of the report is about this")
    p = float(res.calibration.model("report", REPORT_FEATURES).probabilities(features(q, ranked, own))[0])
    # the section presenting the priority the question names, or titled as the question names it, is about it
    # for certain: no decision to make
    certain = ranked[0].doc_id in named_sections(q, res)
    bar = res.calibration.param("report", "answer")
    if not (certain or p >= bar or sections_only) and (part := _best_part(q, ctx, p)) is not None:
        ranked, own, p = part  # "We're a town thinking of joining. Who is eligible?": one sentence asks
    decision = Decision(ranked[0].doc_id, p, certain or p >= bar)
    if not decision.kept:
        if sections_only:
            return None
        return policy.nothing_on(q, ctx, "figures", f"the closest sentence is unlikely to answer (p={p:.2f})", [decision])
    within = res.calibration.param("report", "second_within")
    keep = [r for r in ranked[:3] if r.score >= ranked[0].score - within][:2]
    if q.wants_number and SHARE.search(q.question):
        keep[0] = _share_nearby(q, ctx, keep[0])
    said = digits(keep[0].sentence)  # "three CBOs": a figure said in words is read as one
    # the figure is chosen by what it counts as spelled out ("5,000 IDPs (internally displaced persons)" for
    # "how many displaced people"), not only by the acronym
    number = (
        number_in(keep[0].counted_text, q.question, q.full_text, q.context, q.people_words) if q.wants_number else None
    )
    if q.wants_number and (number is None or _counts_another(q, said, number)):
        return None if sections_only else policy.no_figure(q, ctx, [decision])
    if number is not None and len(keep) == 1:
        keep += _same_figure(q, ranked[1:4], said, number)[:1]
    keep.sort(key=lambda r: r.kind != "section")  # numbered in the order shown: the narrative first
    citations = [citation_for(n, res.records[r.doc_id], r.sentence) for n, r in enumerate(keep, 1)]
    pledges = sum(c.kind == "pledge" for c in citations)
    return reply(
        q,
        "figures",
        ("the section the question names" if certain else f"the best sentence answers (p={p:.2f})")
        + (f"; the figure asked is {number}" if number is not None else ""),
        render_mixed(citations, q.language),
        citations,
        total=pledges or None,
        number=number,
        decisions=[decision],
        intent="count" if sections_only else "report",
    )


def in_found(q: Query, ctx: Ctx, found: Answer, strict: bool = False) -> Answer | None:
    """A figure asked of the pledges a topic found ("which pledge serves lone children, and how many would it
    reach?"): the sentence of the likeliest one that gives it, cited first, the others found after it. None
    when that pledge gives no such figure: the found pledges answer alone. `strict`: only a figure of the kind
    asked (`of_kind_asked`), for a question whose figure the report itself was not found to give."""
    res = ctx.res
    pledges = [c for c in found.citations if c.kind == "pledge"]
    if not q.wants_number or not pledges:
        return None
    record = res.records[pledges[0].id]
    # of its sentences, those that give a figure: the best of them for the question ("around 100 unaccompanied
    # children"), not its best sentence overall, which may give none
    own = (res.sentences.texts[n] for n in res.sentences.rows.get(record.id, []))
    with_figures = " ".join(t for t in own if has_figure(digits(t)))
    best = rank_sentences(q, ctx, [record.id], q.full_text or q.question, with_figures) if with_figures else []
    said = digits(best[0].sentence) if best else ""
    number = number_in(best[0].counted_text, q.question, q.full_text, q.context, q.people_words) if said else None
    if number is None or _counts_another(q, said, number):
        return None
    also = [w for t in q.terms for w in tokenize(t)]
    if strict and not of_kind_asked(said, number, q.full_text or q.question, q.people_words, also):
        return None
    first = citation_for(1, record, best[0].sentence)
    # the rest of the answer as found, the narrative's sentences included
    others = [c for c in found.citations if c.id != record.id]
    citations = [first, *(replace(c, n=n) for n, c in enumerate(others, 2))]
    reason = f"{found.route.reason}; the figure asked is {number}, from the likeliest pledge"
    text = render_mixed(citations, q.language)
    total = sum(c.kind == "pledge" for c in citations)
    return reply(q, "figures", reason, text, citations, total=total, number=number, intent="report")


def outcome(q: Query, ctx: Ctx) -> Answer | None:
    """ "Did the initiative reach its million signatures?": when the record that gives that figure gives it only
    as a goal or a condition ("If this proposal receives 1 million signatures, …"), the report does not say
    whether it was reached, and the answer says so. None when no record gives the figure, or one gives it as
    what happened: the question is then answered as any other."""
    res = ctx.res
    ranked, _ = candidates(q, ctx)
    for r in ranked[:3]:
        # figures said in words are read as numbers ("three CBOs"); the sentence is quoted as the report writes it
        read = [(t, digits(t)) for t in (res.sentences.texts[n] for n in res.sentences.rows.get(r.doc_id, []))]
        found = [(t, d, m) for t, d in read for m in NUMBER.finditer(d) if amount(m) == q.outcome]
        if not found:
            continue
        if not all(stated_as_goal(said, m) for _, said, m in found):
            return None
        text, said, m = found[0]
        rec = res.records[r.doc_id]
        name = rec.submitter if isinstance(rec, Pledge) else rec.title
        start = m.start() - 1 if m.start() and said[m.start() - 1] in "$€£" else m.start()
        message = policy.said(q, ctx, "policy.goal_only", figure=said[start : m.end()], name=name, sentence=text)
        reason = f"{name} gives {q.outcome:,.0f} only as a goal or a condition"
        return reply(q, "figures", reason, message, abstained=True)
    return None


def _counts_another(q: Query, sentence: str, number: float) -> bool:
    """Whether the figure counts something other than the one thing asked: "300 residents" answers no "how many
    signatures" (nor does a sentence that never names signatures); "300 people" may answer "how many refugees"."""
    if not q.counted:
        return False
    # a word of the sentence that begins like the one asked is it, misspelt or inflected ("familes", "families")
    stems = {t[: max(4, len(t) - 3)] for w in q.counted for t in tokenize(w)}
    if any(word.startswith(stem) for word in tokenize(sentence) for stem in stems):
        return False
    return bool(what_it_counts(sentence, number))


def _same_figure(q: Query, ranked: list[Ranked], first: str, number: float) -> list[Ranked]:
    """The other records whose best sentence gives the figure `first` gives, printed alike: a pledge and the
    narrative that presents it ("$50 million" in the MMC's pledge and in its section) both state it, and both are
    sources; "50 cities" beside "$50 million" is another figure."""
    printed = figure_as_printed(first, number)
    return [
        r
        for r in ranked
        if number_in(digits(r.sentence), q.question, q.full_text, q.context, q.people_words) == number
        and figure_as_printed(digits(r.sentence), number) == printed
    ]


def _best_part(q: Query, ctx: Ctx, p: float) -> tuple[list[Ranked], bool, float] | None:
    """A question of several sentences judged by each sentence that asks: the one whose best answer is likelier
    than the whole question's (p), with its ranking; None when none is, or there is one sentence."""
    parts = sentences(q.question)
    if len(parts) < 2:
        return None
    parts = [s for s in parts if "?" in s] or parts  # the sentences that ask, not those that give context
    best = None
    for part in parts:
        asked = replace(q, full_text=part, search_text=part)
        ranked, own = candidates(asked, ctx)
        if ranked:
            p_part = float(ctx.res.calibration.model("report", REPORT_FEATURES).probabilities(features(asked, ranked, own))[0])
            if p_part > (best[2] if best else p):
                best = (ranked, own, p_part)
    return best


def named_sections(q: Query, res: Resources) -> list[str]:
    """The sections the question names: the priority it names by number, or sections it names by their own
    heading."""
    return _priority_sections(q, res) or _titled_sections(q, res)


# words a heading may lose when a question names it ("IOM: Local Migration Governance Indicators")
_HEADING_FILLERS = frozenset(["the", "a", "an", "of", "and", "or", "for", "to", "in", "on", "at", "by", "with", "its"])


def _titled_sections(q: Query, res: Resources) -> list[str]:
    """The sections whose own heading the question names, every word of it ("what do IOM's Local Migration
    Governance Indicators measure?", "who can join?"); a heading of one word only as "the foreword" or
    "the foreword's", since alone such a word ("background", "about") is any question's."""
    asked = fold(q.question)
    words = set(re.findall(r"\w+", asked))
    out = []
    for s in res.sections:
        own = [w for w in re.findall(r"\w+", fold(s.heading[-1])) if w not in _HEADING_FILLERS] if s.heading else []
        whole = len(own) > 1 and set(own) <= words
        if whole or (len(own) == 1 and re.search(rf"\bthe {own[0]}\b|\b{own[0]}[’']s\b", asked)):
            out.append(s.id)
    return out


def _priority_sections(q: Query, res: Resources) -> list[str]:
    """The sections that present the priority the question names: in its edition's priorities part, under a
    heading numbered as it is ("7. Supporting reception …")."""
    n = q.filters.priority
    if n is None:
        return []
    return [s.id for s in res.sections if (p := priority_heading(s.report, s.heading)) is not None and p[0] == n]


def _names(q: Query, res: Resources) -> set[str]:
    """The names the question's submitters go by, and the narrative names it uses."""
    out = {fold(n) for sub in q.filters.submitters for n in (sub, *res.gazetteer.submitters[sub].aliases)}
    return out | {fold(n) for n in q.narrative_names}


def _names_nearby(res: Resources, r: Ranked, names: set[str]) -> bool:
    rec = res.records[r.doc_id]
    if isinstance(rec, Section) and any(n in fold(rec.title) for n in names):
        return True  # the section is about it ("UCLG: Enhancing Local Capacities …")
    texts = [res.sentences.texts[n] for n in res.sentences.rows.get(r.doc_id, [])]
    at = texts.index(r.sentence) if r.sentence in texts else -1
    nearby = " ".join(texts[max(0, at - 1) : at + 1]) if at >= 0 else r.sentence
    return any(n in fold(nearby) for n in names)
