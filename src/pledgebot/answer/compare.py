"""Comparisons: pledges of other submitters most like a named one, pulled toward the aspect asked about.

"Who could Kampala learn from on livelihoods?" names an anchor (Kampala's pledge) and an aspect
(livelihoods): similarity to the anchor is blended with similarity to the aspect, so the answer is about
livelihoods, not about whatever else resembles Kampala's pledge. The blend weight and how close to the best
a pledge must be are fitted (`compare` in the calibration).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..filters import is_joint
from ..query import Query
from ..records import Answer, Pledge
from ..text import tokenize
from . import policy
from .render import citation_for, reply
from .resources import Ctx, Resources


@dataclass(frozen=True)
class Similar:
    """A pledge comparable to another: how similar, which priorities they share, and the closest sentences."""

    pledge: Pledge
    similarity: float
    shared_priorities: tuple[int, ...]
    sentence: str  # from the similar pledge
    anchor_sentence: str  # from the pledge compared with


def similar(res: Resources, pledge_id: str, k: int = 5, topical: dict[str, float] | None = None) -> list[Similar]:
    """The pledges from other submitters most similar to `pledge_id` (mean sentence embeddings).

    `topical` (pledge id -> similarity to a question's aspect) pulls the comparison toward that aspect."""
    anchor = res.records.get(pledge_id)
    if not isinstance(anchor, Pledge):
        msg = f"no pledge with id {pledge_id!r}"
        raise KeyError(msg)
    vectors = res.pledge_vectors
    sims = vectors @ vectors[res.pledge_row[pledge_id]]
    if topical is not None:
        w = res.calibration.param("compare", "aspect_weight")
        sims = (1 - w) * sims + w * np.array([topical.get(p.id, 0.0) for p in res.pledges])
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
    m = res.sentences.vectors[ra] @ res.sentences.vectors[rb].T
    i, j = np.unravel_index(int(np.argmax(m)), m.shape)
    return res.sentences.texts[ra[i]], res.sentences.texts[rb[j]]


def pledge_vectors(res_pledges: list[Pledge], sentences) -> np.ndarray:
    """Each pledge's mean content-sentence vector, unit length: what comparisons compare."""
    rows = []
    for p in res_pledges:
        sel = sentences.content_rows(p.id)
        v = sentences.vectors[sel].mean(axis=0) if sel else np.zeros(sentences.vectors.shape[1])
        rows.append(v / (np.linalg.norm(v) or 1.0))
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


def answer(q: Query, ctx: Ctx) -> Answer:
    res = ctx.res
    anchor = _anchor(q, ctx)
    if anchor is None:
        return policy.unknown_place(q, q.anchors)
    others = replace(q.filters, submitters=(), place_label=None if not q.filters.has_place() else q.filters.place_label)
    fits = {p.id for p in res.pledges if others.matches(p, res.gazetteer) and (not q.filters.joint or is_joint(p))}
    topical = None
    aspect = set(tokenize(" ".join(q.topic))) - set(tokenize(anchor.title)) - set(tokenize(anchor.submitter))
    if aspect:
        qvec = ctx.vec(q.search_text)
        topical = {}
        for p in res.pledges:
            rows = res.sentences.content_rows(p.id)
            if p.submitter not in q.anchors and rows and p.id in fits:
                topical[p.id] = float((res.sentences.vectors[rows] @ qvec).max())
    ranked = [s for s in similar(res, anchor.id, k=len(res.pledges), topical=topical) if s.pledge.id in fits]
    ranked = [s for s in ranked if s.pledge.submitter not in q.anchors and s.pledge.id != anchor.joint_with]
    if not ranked:
        return policy.nothing_for(q, "no other submitter's pledge passes the filters")
    # a constraint the user set ("in Greece", "joint pledges") already picked the candidates: rank them all
    narrowed = not replace(others, place_label=None).is_empty()
    margin = 1.0 if narrowed else res.calibration.param("compare", "margin")
    limit = int(res.calibration.param("compare", "max_shown"))
    shown = [s for s in ranked if s.similarity >= ranked[0].similarity - margin][:limit]
    return _render(q, anchor, shown, narrowed, margin, limit, bool(aspect))


def _render(q: Query, anchor: Pledge, shown: list[Similar], narrowed: bool, margin: float, limit: int, aspect: bool) -> Answer:
    citations = [citation_for(n, s.pledge, s.sentence) for n, s in enumerate(shown, 1)]
    lines = [f"Pledges from other submitters comparable to {anchor.submitter}'s *{anchor.title}*:", ""]
    for c, s in zip(citations, shown, strict=True):
        shared = f"; shared priorities {', '.join(map(str, s.shared_priorities))}" if s.shared_priorities else ""
        lines.append(
            f"{c.n}. **{c.submitter}** ({c.country}, {c.year}) — *{c.title}* "
            f"(similarity {s.similarity:.2f}{shared}): “{c.excerpt}” [{c.n}]"
        )
    which = "all that match" if narrowed else f"those within {margin:.2f} of the closest"
    lines += ["", f"{len(shown)} comparable pledges shown ({which}, {limit} at most)."]
    reason = f"compared with {anchor.submitter}'s pledge" + (" and the aspect asked about" if aspect else "")
    return reply(q, "compare", reason, "\n".join(lines), citations, total=len(shown))
