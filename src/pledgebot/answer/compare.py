"""Comparisons: pledges of other submitters most like a named one, pulled toward the aspect asked about.

"Who could Kampala learn from on livelihoods?" names an anchor (Kampala's pledge) and an aspect
(livelihoods): similarity to the anchor is blended with similarity to the aspect, so the answer is about
livelihoods, not about whatever else resembles Kampala's pledge. The blend weight and how close to the best
a pledge must be are fitted (`compare` in the calibration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from ..query import Query
from ..records import Answer, Decision, Pledge
from ..relevance import zscores
from ..retrieval import DocScore
from ..text import tokenize
from . import policy
from .phrases import say
from .render import citation_for, reply
from .resources import Ctx, Resources
from .sentences import SentenceIndex
from .topical import TOPICAL_FEATURES, retrieve_features


@dataclass(frozen=True)
class Similar:
    """A pledge comparable to another: how similar, which priorities they share, and the closest sentences."""

    pledge: Pledge
    similarity: float
    shared_priorities: tuple[int, ...]
    sentence: str  # from the similar pledge
    anchor_sentence: str  # from the pledge compared with


def similar(res: Resources, pledge_id: str, k: int = 5) -> list[Similar]:
    """The pledges from other submitters most similar to `pledge_id` (mean sentence embeddings): the Compare
    tab's ranking, with no question to pull it toward an aspect."""
    anchor = res.records.get(pledge_id)
    if not isinstance(anchor, Pledge):
        msg = f"no pledge with id {pledge_id!r}"
        raise KeyError(msg)
    vectors = res.pledge_vectors
    sims = vectors @ vectors[res.pledge_row[pledge_id]]
    out = []
    for n in np.argsort(-sims, kind="stable"):
        other = res.pledges[int(n)]
        if other.submitter == anchor.submitter or other.id in (anchor.joint_with, pledge_id):
            continue
        a_sent, b_sent = closest_sentences(res, anchor.id, other.id)
        shared = tuple(sorted(set(anchor.priorities) & set(other.priorities)))
        out.append(Similar(other, float(sims[n]), shared, b_sent, a_sent))
        if len(out) >= k:
            break
    return out


def closest_sentences(res: Resources, a: str, b: str) -> tuple[str, str]:
    ra, rb = res.sentences.content_rows(a), res.sentences.content_rows(b)
    if not ra or not rb:
        return "", ""
    m = res.sentences.vectors_of(ra) @ res.sentences.vectors_of(rb).T
    i, j = np.unravel_index(int(np.argmax(m)), m.shape)
    return res.sentences.texts[ra[i]], res.sentences.texts[rb[j]]


def pledge_vectors(res_pledges: list[Pledge], sentences: SentenceIndex) -> np.ndarray:
    """Each pledge's mean content-sentence vector, unit length: what comparisons compare."""
    means = sentences.mean_vectors([p.id for p in res_pledges])
    dim = next((len(v) for v in means if v is not None), sentences.vectors_of([]).shape[1])
    rows = [np.zeros(dim) if v is None else v / (np.linalg.norm(v) or 1.0) for v in means]
    return np.asarray(rows, dtype=np.float32)


def _anchor(q: Query, ctx: Ctx) -> Pledge | None:
    """Among the anchor submitter's pledges, the one the question describes."""
    res = ctx.res
    own = [p for p in res.pledges if p.submitter == q.anchor]
    if len(own) <= 1:
        return own[0] if own else None
    hits = ctx.retrieve(q.search_text, k=len(own), allowed={p.id for p in own})
    w = res.calibration.param("compare", "anchor_lexical")
    best = max(hits, key=lambda h: h.mini + w * h.lexical, default=None)
    return res.records[best.doc_id] if best else own[0]


# A candidate's standing among all the candidates of the comparison: how far above the typical candidate it
# stands in meaning, sentences and words. One aspect ("on housing") makes every pledge score high, another low, so
# the distance from the median says more than a score alone. Added after cross-validation on the tuned sets only;
# the fit's held-out utility is in calibration.json (cross_validation.compare).
ABOVE_MEDIAN = (
    "dense",
    "sentence_max",
    "topic_sentence_max",
    "lexical",
    "coverage",
    "coverage_idf",
    "rarest_covered",
    "title_coverage",
    "term_coverage",
    "phrase_share",
)
COMPARE_FEATURES = (
    *TOPICAL_FEATURES,
    *(f"{name}_above_median" for name in ABOVE_MEDIAN),
    "anchor_sim",
    "anchor_gap",
    "anchor_z",
)


@dataclass(frozen=True)
class Compared:
    """The candidates of a comparison, their features and their probability of being comparable."""

    anchor: Pledge
    hits: list[DocScore]
    x: np.ndarray
    p: np.ndarray
    narrowed: bool  # a filter beyond the anchor picked the candidates ("in Greece", "joint pledges")
    by_anchor: bool = False  # no aspect asked ("like Milan's First Steps"): closest to the anchor first
    cosine: np.ndarray = field(default_factory=lambda: np.zeros(0))  # each candidate's cosine to the anchor, as shown


def score(q: Query, ctx: Ctx) -> Compared | None:
    """Every other submitter's pledge that passes the filters, judged as comparable to the anchor and to the
    aspect the question asks about: the topical features of the question plus similarity to the anchor."""
    res = ctx.res
    anchor = _anchor(q, ctx)
    if anchor is None:
        return None
    # what the asking sentence names constrains the answer; a sentence describing the anchor does not
    others = replace(q.focus_filters, submitters=())
    fits = [
        p
        for p in res.pledges
        if others.matches(p, res.gazetteer) and p.submitter not in q.anchors and p.id != anchor.joint_with
    ]
    if not fits:
        return Compared(anchor, [], np.zeros((0, len(COMPARE_FEATURES))), np.zeros(0), False)
    asking = _aspect(q, anchor)
    fits = _nearest(ctx, anchor, asking, fits, int(res.calibration.param("compare", "candidates")))
    hits, x, _ = retrieve_features(asking, ctx, fits, exhaustive=True)
    rows = [res.pledge_row[h.doc_id] for h in hits]
    cosine = res.pledge_vectors[rows] @ res.pledge_vectors[res.pledge_row[anchor.id]] if hits else np.zeros(0)
    # similarity to the anchor less each side's hubness (CSLS): a pledge near every other is not thereby like this one
    a = 2 * cosine - res.hubness(rows) - res.hubness([res.pledge_row[anchor.id]])
    if len(hits):
        own = x[:, [TOPICAL_FEATURES.index(name) for name in ABOVE_MEDIAN]]
        x = np.hstack([x, own - np.median(own, axis=0), a[:, None], (a - a.max())[:, None], zscores(a)[:, None]])
    p = res.calibration.model("compare", COMPARE_FEATURES).probabilities(x) if len(hits) else np.zeros(0)
    narrowed = not replace(others, place_label=None).is_empty()
    return Compared(anchor, hits, x, p, narrowed, by_anchor=asking.search_text == anchor.title, cosine=cosine)


def _nearest(ctx: Ctx, anchor: Pledge, asking: Query, fits: list[Pledge], cap: int) -> list[Pledge]:
    """At most `cap` candidates: those closest to the anchor and those the search for the aspect ranks first,
    half each. Every candidate is judged on features that cost a sentence search each, so a corpus of
    thousands is narrowed first by what costs one product per pledge; a corpus smaller than `cap` is not."""
    if len(fits) <= cap:
        return fits
    res = ctx.res
    rows = np.array([res.pledge_row[p.id] for p in fits])
    sims = res.pledge_vectors[rows] @ res.pledge_vectors[res.pledge_row[anchor.id]]
    keep = {fits[int(i)].id for i in np.argsort(-sims, kind="stable")[: (cap + 1) // 2]}
    hits = ctx.retrieve(asking.search_text, k=cap - len(keep), allowed={p.id for p in fits} - keep)
    keep |= {h.doc_id for h in hits}
    return [p for p in fits if p.id in keep]


def _aspect(q: Query, anchor: Pledge) -> Query:
    """The query for the aspect asked about. A project named by its capitalised title ("like Milan's First
    Steps") is the anchor, not an aspect: when the topic is only that name, the aspect is the anchor's title
    and the answer is ordered by closeness to the anchor. Lower-case words that happen to be in the title
    ("a rights-awareness campaign") still describe what to look for."""
    # a sentence that asks with no word a record uses ("Comparable efforts elsewhere?") leaves the aspect to the
    # sentence before it, which says what the anchor does
    asked = [w for w in q.focus_topic if w not in q.unplaced]
    topic = tuple(asked) if asked else q.topic
    named = set(tokenize(anchor.title)) & set(tokenize(" ".join(_capitalised(q.question))))
    if topic and all(set(tokenize(t)) <= named for t in topic):
        return replace(q, search_text=anchor.title, topic=tuple(tokenize(anchor.title)))
    return replace(q, search_text=(q.focus_text if asked else "") or q.search_text, topic=topic)


def _capitalised(question: str) -> list[str]:
    """Words written with a capital inside the question: names, not the sentence's first word."""
    return [w for w in re.findall(r"(?<=[\s“\"'(])[^\W\d_][\w'’-]*", question) if w[0].isupper()]


def answer(q: Query, ctx: Ctx) -> Answer:
    res = ctx.res
    c = score(q, ctx)
    if c is None:
        return policy.unknown_place(q, ctx, q.anchors)
    if not c.hits:
        return policy.nothing_for(q, ctx, "no other submitter's pledge passes the filters")
    params = res.calibration.section("compare")
    rank_by = c.x[:, COMPARE_FEATURES.index("anchor_sim")] if c.by_anchor else c.p
    order = [int(i) for i in np.argsort(-rank_by, kind="stable")]
    if _facet_is_the_aspect(q, c):
        chosen = order[: int(params["max_shown"])]  # "which other city pairings?": every other joint pledge
    else:
        chosen = [i for i in order if c.p[i] >= params["cite"]][: int(params["max_shown"])]
    closest = not chosen
    if closest:
        chosen = order[: int(params["closest_k"])]
    chosen = _with_partners(res, c, chosen)
    decisions = [Decision(c.hits[i].doc_id, float(c.p[i]), i in chosen) for i in order[:12]]
    shown = []
    for i in chosen:
        other = res.records[c.hits[i].doc_id]
        anchor_sentence, sentence = closest_sentences(res, c.anchor.id, other.id)
        shared = tuple(sorted(set(c.anchor.priorities) & set(other.priorities)))
        shown.append(
            Similar(other, float(c.cosine[i]), shared, sentence, anchor_sentence)
        )
    return _render(q, c.anchor, shown, closest, decisions)


def _facet_is_the_aspect(q: Query, c: Compared) -> bool:
    """A question that names a kind of pledge a flag picks ("other city pairings", "other GCF projects") and no
    topic asks for that kind, not for what is like the anchor: every other pledge of the kind answers."""
    f = q.focus_filters
    return bool((f.joint or f.gcf) and not (q.focus_topic or q.topic) and not c.by_anchor)


def _with_partners(res: Resources, c: Compared, chosen: list[int]) -> list[int]:
    """Each chosen joint pledge followed by its partner's record of the same project, when that record is a
    candidate too: one project, one record per partner, both or neither."""
    row = {h.doc_id: i for i, h in enumerate(c.hits)}
    out: list[int] = []
    for i in chosen:
        out.append(i)
        partner = res.records[c.hits[i].doc_id].joint_with
        if partner in row and row[partner] not in chosen and row[partner] not in out:
            out.append(row[partner])
    return out


def _render(q: Query, anchor: Pledge, shown: list[Similar], closest: bool, decisions: list[Decision]) -> Answer:
    citations = [citation_for(n, s.pledge, s.sentence) for n, s in enumerate(shown, 1)]
    lang = q.language
    head = say(
        lang, "compare.lead_closest" if closest else "compare.lead", submitter=anchor.submitter, title=anchor.title
    )
    lines = [head, ""]
    for c, s in zip(citations, shown, strict=True):
        shared = (
            say(lang, "compare.shared", priorities=", ".join(map(str, s.shared_priorities)))
            if s.shared_priorities
            else ""
        )
        similarity = say(lang, "compare.similarity", similarity=f"{s.similarity:.2f}")
        lines.append(
            f"{c.n}. **{c.submitter}** ({c.country}, {c.year}) — *{c.title}* "
            f"({similarity}{shared}): “{c.excerpt}” [{c.n}]"
        )
    lines += ["", say(lang, "compare.shown", len(shown), n=len(shown))]
    reason = f"compared with {anchor.submitter}'s pledge and the aspect asked about" + (
        " (closest only)" if closest else ""
    )
    return reply(q, "compare", reason, "\n".join(lines), citations, total=len(shown), decisions=decisions)
