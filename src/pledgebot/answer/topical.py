"""Topical answers: the pledges that answer a question's topic, all of them, each cited.

Candidates are the pledges the filters let through, ranked by hybrid search; which of them answer is the
fitted `topical` decision (`relevance.py`) over features of each candidate: similarity in meaning (absolute,
relative to the best and within the question's candidates), word match (BM25), how much of the topic the
pledge's words and title cover, shared two-word phrases, and the multilingual model's view. Below the bar,
pledges that use the question's words are offered as the closest matches, labelled so; with nothing close,
the answer says the report has nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..query import Intent, Query
from ..records import Answer, Decision, Pledge
from ..relevance import log_scope, zscores
from ..retrieval import DocScore
from ..text import fold, tokenize
from . import listing, policy
from .phrases import say
from .render import citation_for, join_names, render_pledges, reply
from .resources import Ctx, Resources

TOPICAL_FEATURES = (
    "dense",
    "dense_gap",
    "dense_z",
    "sentence_max",
    "topic_sentence_max",
    "lexical",
    "fused_rel",
    "rank_inv",
    "coverage",
    "coverage_idf",
    "rarest_covered",
    "unused_share",
    "title_coverage",
    "term_coverage",
    "phrase_share",
    "phrase_best",
    "e5_gap",
    "e5_z",
    "scope",
)


@dataclass(frozen=True)
class Scored:
    """The candidates of one question, their features and their probability of answering it."""

    hits: list[DocScore]
    x: np.ndarray
    p: np.ndarray
    group: str  # "en" or "xx": which fitted model judged them


def model_group(q: Query) -> str:
    return "en" if q.language == "en" else "xx"


def score(q: Query, ctx: Ctx, candidates: Sequence[Pledge]) -> Scored:
    """Retrieve among `candidates` and judge each hit."""
    hits, x, e5_text = retrieve_features(q, ctx, candidates)
    group = model_group(q)
    p = ctx.res.calibration.model(f"topical_{group}", TOPICAL_FEATURES).probabilities(x) if len(hits) else np.zeros(0)
    return Scored(hits, x, p, group)


def retrieve_features(
    q: Query, ctx: Ctx, candidates: Sequence[Pledge], exhaustive: bool = False
) -> tuple[list[DocScore], np.ndarray, str | None]:
    """The hits among `candidates` for the query's search text, and their features."""
    res = ctx.res
    allowed = {p.id for p in candidates}
    e5_text = q.question if (res.multilingual and (q.language != "en" or res.english_e5)) else None
    k = len(allowed) if exhaustive else min(len(allowed), int(res.calibration.param("topical", "candidates")))
    hits = ctx.retrieve(q.search_text, k=k, allowed=allowed, e5_text=e5_text, exhaustive=exhaustive)
    return hits, features(q, ctx, hits, len(candidates), e5_text), e5_text


def features(q: Query, ctx: Ctx, hits: list[DocScore], n_candidates: int, e5_text: str | None) -> np.ndarray:
    """One row per hit, in TOPICAL_FEATURES order."""
    res = ctx.res
    if not hits:
        return np.zeros((0, len(TOPICAL_FEATURES)))
    topic = set(tokenize(" ".join(q.topic)))
    weight = {w: res.idf(w) for w in topic}
    # the topic's most telling word that some pledge uses ("OFWs" in "one-stop shops for OFWs")
    # sorted: of two equally rare words the same one wins in every process, whatever the hash seed
    used = sorted(w for w in topic if res.used(w))
    rarest = max(used, key=lambda w: weight[w]) if used else None
    unused = sum(not res.used(w) for w in topic) / len(topic) if topic else 0.0
    expansions = {t for term in res.glossary if term.term in q.terms for t in tokenize(term.expand)}
    phrases = _bigrams(tokenize(" ".join(q.topic)))
    dense = np.array([h.mini for h in hits])
    fused = np.array([h.score for h in hits])
    e5_all = ctx.e5(e5_text) if e5_text else {}
    e5 = np.array([e5_all.get(h.doc_id, 0.0) for h in hits])
    # the best single sentence, for the whole question and for its topic words alone (a chatty question's
    # vector drifts; its topic words' does not)
    qvec = ctx.vec(q.search_text)
    tvec = ctx.vec(_topic_text(q, res)) if q.topic else qvec
    best = res.sentences.max_similarities([h.doc_id for h in hits], qvec)
    best_topic = res.sentences.max_similarities([h.doc_id for h in hits], tvec)
    shared = [len(phrases & res.pledge_bigrams(h.doc_id)) for h in hits]
    most = max(shared, default=0)
    forms = _name_forms(q, res)
    rows = []
    for i, h in enumerate(hits):
        words, title = _as_named(res.pledge_tokens(h.doc_id), forms), _as_named(res.title_tokens(h.doc_id), forms)
        rows.append(
            [
                dense[i],
                dense[i] - dense.max(),
                0.0,
                best[i],
                best_topic[i],
                h.lexical,
                fused[i] / (fused.max() or 1.0),
                1.0 / (1 + i),
                len(topic & words) / len(topic) if topic else 0.0,
                math.fsum(weight[w] for w in topic & words) / math.fsum(weight.values()) if topic else 0.0,
                float(rarest is not None and rarest in words),
                unused,
                len(topic & title) / len(topic) if topic else 0.0,
                len(expansions & words) / len(expansions) if expansions else 0.0,
                shared[i] / len(phrases) if phrases else 0.0,
                float(most > 0 and shared[i] == most),
                e5[i] - e5.max() if e5_all else 0.0,
                0.0,
                log_scope(n_candidates, len(res.pledges)),
            ]
        )
    x = np.array(rows)
    x[:, TOPICAL_FEATURES.index("dense_z")] = zscores(dense)
    if e5_all:
        x[:, TOPICAL_FEATURES.index("e5_z")] = zscores(e5)
    return x


def _name_forms(q: Query, res: Resources) -> dict[str, frozenset[str]]:
    """Each word of a name for a country the question names as who is helped -> all the words of its names: a
    pledge "for refugees from Ukraine" covers "Ukrainian refugees"."""
    out: dict[str, frozenset[str]] = {}
    for country in q.population:
        place = res.gazetteer.countries.get(country)
        # one-word names only: "West Bank" is a name of Palestine, "west" and "bank" are not
        names = [tokenize(name) for name in (country, *(place.aliases if place else ()))]
        forms = frozenset(t[0] for t in names if len(t) == 1)
        out |= dict.fromkeys(forms, forms)
    return out


def _as_named(words: set[str] | frozenset[str], forms: dict[str, frozenset[str]]) -> set[str] | frozenset[str]:
    """A record's words with every name of a country it uses: it then covers any of them."""
    if not forms or not (named := [f for w in words & forms.keys() for f in forms[w]]):
        return words
    return set(words) | set(named)


def _topic_text(q: Query, res: Resources) -> str:
    """The topic words and the meanings of the terms the question names: what the question is about."""
    meanings = [t.expand for t in res.glossary if t.term in q.terms]
    return " ".join([*q.topic, *meanings])


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False))


def answer(q: Query, ctx: Ctx, candidates: Sequence[Pledge]) -> Answer:
    res = ctx.res
    s = score(q, ctx, candidates)
    params = res.calibration.section(f"topical_{s.group}")
    order = np.argsort(-s.p, kind="stable")
    chosen = [int(i) for i in order if s.p[i] >= params["cite"]]
    decisions = [Decision(s.hits[i].doc_id, float(s.p[i]), int(i) in chosen) for i in order[:12]]
    if q.unplaced and {fold(w) for w in q.unplaced} >= set(q.topic) and not q.implied.is_empty():
        return _facet_only(q, ctx, candidates)  # no record uses the topic's words: they cannot narrow the facets
    if chosen:
        return _answered(q, ctx, s, chosen, decisions, int(params["max_cited"]))
    # the closest matches are offered only among pledges that use the question's words
    cov = s.x[:, TOPICAL_FEATURES.index("coverage_idf")] if len(s.hits) else np.zeros(0)
    near = [int(i) for i in order if cov[i] >= params["closest_coverage"]]
    if near and s.p[near[0]] >= params["closest"]:
        return _closest(q, ctx, s, near[: int(params["closest_k"])], decisions)
    best = float(s.p[order[0]]) if len(order) else 0.0
    return policy.nothing_on(q, ctx, "topical", f"no pledge is likely to answer (best p={best:.2f})", decisions)


def _excerpts(q: Query, ctx: Ctx, pledges: Sequence[Pledge]) -> dict[str, str]:
    res = ctx.res
    qvec = ctx.vec(q.search_text)
    qtokens = set(tokenize(q.search_text)) | set(q.search_text.lower().split())
    res.sentences.warm(p.id for p in pledges)
    return {p.id: res.sentences.best(p.id, qvec, qtokens, res.sentence_weights).text for p in pledges}


def _answered(q: Query, ctx: Ctx, s: Scored, chosen: list[int], decisions: list[Decision], max_cited: int) -> Answer:
    res = ctx.res
    pledges = [res.records[s.hits[i].doc_id] for i in chosen]
    reason = f"{len(chosen)} of {len(s.hits)} candidates likely answer (p≥{res.calibration.section(f'topical_{s.group}')['cite']:.2f})"
    if q.intent is Intent.COUNT:
        return listing.answer(q, ctx, pledges, reason, _excerpts(q, ctx, pledges), "topical", decisions)
    shown = pledges[:max_cited]
    partners = listing._partners(res, shown)
    cited = _pair_partners(shown, partners)
    excerpts = _excerpts(q, ctx, cited)
    citations = [citation_for(n, p, excerpts[p.id]) for n, p in enumerate(cited, 1)]
    lang = q.language
    names = join_names([p.submitter for p in cited], lang)
    where = say(lang, "topical.filtered", place=q.filters.place_name()) if q.filters.has_place() else ""
    lead = say(lang, "topical.lead", len({p.submitter for p in cited}), names=names, where=where)
    total = len(pledges) + len(partners)
    return reply(
        q, "topical", reason, render_pledges(lead, citations, total, lang=lang), citations,
        total=total, decisions=decisions, intent="search", more=[p.id for p in pledges[max_cited:]],
    )  # fmt: skip


def _pair_partners(shown: Sequence[Pledge], partners: Sequence[Pledge]) -> list[Pledge]:
    """Each joint pledge followed by its partner's record of the same project."""
    by_partner = {p.joint_with: p for p in partners}
    out: list[Pledge] = []
    for p in shown:
        out.append(p)
        if p.id in by_partner:
            out.append(by_partner[p.id])
    return out


def _facet_only(q: Query, ctx: Ctx, candidates: Sequence[Pledge]) -> Answer:
    """A certain facet and words no record uses: the facet's pledges, saying which words could not be placed."""
    words = ", ".join(f"“{w}”" for w in q.unplaced)
    note = say(q.language, "topical.unused_words", words=words)
    a = listing.answer(replace(q, topic=()), ctx, candidates, "the topic's words are used by no record")
    return reply(
        q, "listing", f"answered the facets; no record uses {words}", f"{a.text}\n\n*{note}*", a.citations,
        total=a.total_matches, number=a.number, notes=[note], intent=a.intent,
    )  # fmt: skip


def _closest(q: Query, ctx: Ctx, s: Scored, picked: list[int], decisions: list[Decision]) -> Answer:
    """Nothing clearly answers, but some pledges come close: shown, and labelled as the closest matches."""
    res = ctx.res
    pledges = [res.records[s.hits[i].doc_id] for i in picked]
    excerpts = _excerpts(q, ctx, pledges)
    citations = [citation_for(n, p, excerpts[p.id]) for n, p in enumerate(pledges, 1)]
    lead = say(q.language, "topical.closest")
    footer = say(q.language, "topical.closest_shown", len(citations), n=len(citations))
    text = render_pledges(lead, citations, len(citations), (), footer, q.language)
    return reply(
        q, "topical", "closest matches: no candidate above the bar", text,
        citations, total=len(citations), decisions=decisions, intent="search",
    )  # fmt: skip


def supported(res: Resources) -> bool:
    """Whether this calibration has topical models (the fitting script writes them)."""
    return "topical_en" in res.calibration.values
