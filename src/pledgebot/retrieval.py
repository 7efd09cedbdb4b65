"""Hybrid retrieval: dense (Chroma) + BM25 (bm25s) over passages, fused, aggregated per pledge or section.

The LangChain wrapper is in `retriever.py` (importing LangChain costs start-up time the CLI does not need).
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np

from .store import Store
from .text import tokenize, tokenizer_signature

log = logging.getLogger(__name__)

FUSIONS = ("rrf", "weighted", "dense", "bm25")


@dataclass(frozen=True)
class DocScore:
    """One pledge or section as retrieved: fused score and the evidence behind it."""

    doc_id: str
    kind: str
    score: float
    dense: float  # best passage cosine similarity (0 when dense search is off)
    lexical: float  # best passage BM25 score, divided by the best BM25 score for this query
    passages: tuple[str, ...] = field(default_factory=tuple)  # passage ids, best first
    mini: float = 0.0  # best passage cosine from the English model alone (dense may include another model)


FEW_DOCS = 20


class HybridSearcher:
    """Searches the store's passages by meaning and by words, and fuses the two rankings."""

    def __init__(
        self, store: Store, fusion: str = "rrf", rrf_k: int = 60, weight: float = 0.6, stem: bool = False
    ) -> None:
        if fusion not in FUSIONS:
            msg = f"unknown fusion {fusion!r}; one of {', '.join(FUSIONS)}"
            raise ValueError(msg)
        self.store = store
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.weight = weight
        self.passages = store.passages
        # Snowball stems ("housing" and "houses" meet at "hous"); off by default, an evaluation configuration
        self._stemmer = _stemmer() if stem else None
        # the index build's folder keeps the BM25 index (built once, on first open): at 10,000 pledges
        # re-tokenising every passage at each start took seconds
        folder = getattr(store, "path", None) if not stem else None
        self._bm25 = _lexical_index(folder, self.passages, self.tokens)
        self._index = {p.id: n for n, p in enumerate(self.passages)}
        # each passage's document number and each kind's passages, once: a question groups and filters passages
        # with array operations instead of a Python loop over every passage (35,000 at 10,000 pledges)
        self._doc_number: dict[str, int] = {}
        for p in self.passages:
            self._doc_number.setdefault(p.doc_id, len(self._doc_number))
        self._doc_ids = list(self._doc_number)
        self._doc_row = np.array([self._doc_number[p.doc_id] for p in self.passages], dtype=np.int64)
        kinds = np.array([p.kind for p in self.passages])
        self._kind_mask = {name: kinds == name for name in dict.fromkeys(p.kind for p in self.passages)}

    def tokens(self, text: str) -> list[str]:
        """The BM25 tokens of `text`: folded words without stopwords, stemmed when stemming is on."""
        words = tokenize(text)
        return self._stemmer.stemWords(words) if self._stemmer is not None else words

    def passage_scores(
        self, text: str, vector: np.ndarray | None = None, dense_k: int = 80, docs: set[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(dense cosine, BM25) for every passage; dense is 0 outside the k nearest (of `docs`' passages)."""
        dense = np.zeros(len(self.passages), dtype=np.float32)
        if self.fusion != "bm25":
            for pid, sim in self.store.dense(text if vector is None else vector, k=dense_k, docs=docs):
                dense[self._index[pid]] = sim
        lexical = np.zeros(len(self.passages), dtype=np.float32)
        if self.fusion != "dense":
            tokens = self.tokens(text)
            if tokens:
                lexical = np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
        return dense, lexical

    def search(
        self,
        text: str,
        k: int = 10,
        allowed: set[str] | None = None,
        kinds: tuple[str, ...] = ("pledge", "section"),
        extra: dict[str, float] | None = None,
        vector: np.ndarray | None = None,
        exhaustive: bool = False,
    ) -> list[DocScore]:
        """The k best documents for `text`, restricted to `allowed` ids and `kinds`.

        `extra` adds a third ranking (doc id -> similarity), e.g. from the multilingual model.
        """
        # Filtered to a few documents ("cities in Texas"), their passages may all lie outside the nearest 80:
        # score every passage then, or a place's only pledges would have no similarity at all.
        # A store Chroma searches scores the allowed documents' passages alone then (every one of a comparison's
        # 300 candidates' passages, not all 35,000 at 10,000 pledges); one in memory scores every passage anyway.
        few = exhaustive or (allowed is not None and len(allowed) <= FEW_DOCS)
        docs = allowed if few else None
        dense, lexical = self.passage_scores(text, vector, dense_k=len(self.passages) if few else 80, docs=docs)
        keep = self._keep(kinds, allowed)
        if not keep.any():
            return []
        top_lex = float(lexical[keep].max()) or 1.0
        fused = self._fuse(dense, lexical, keep, top_lex)
        order = np.argsort(-fused)
        g = _group(order[keep[order] & (fused[order] > 0)], self._doc_row, fused, dense, lexical, top_lex)
        ids = [self._doc_ids[d] for d in g.docs]
        score, best_dense = g.score, g.dense.astype(np.float64)
        kind = [self.passages[b].kind for b in g.best]
        n_passages = len(ids)
        if extra:
            ids, score, best_dense, kind = _fuse_extra(ids, score, best_dense, kind, extra, self.rrf_k, allowed)
        top = np.argsort(-score, kind="stable")[:k]  # stable: ties keep the order the passages ranked them in
        # a hit the words found beyond the nearest passages has no similarity yet: scored exactly, or it would
        # read as 0 and look unrelated in meaning to whatever judges the hits
        unscored = [ids[int(n)] for n in top if int(n) < n_passages and g.dense[int(n)] == 0]
        exact = self._exact_dense(text if vector is None else vector, set(unscored)) if unscored and not few else {}
        out = []
        for n in top:
            n = int(n)
            own = n < n_passages  # a document ranked by `extra` alone has no passage of its own
            out.append(
                DocScore(
                    doc_id=ids[n],
                    kind=kind[n],
                    score=float(score[n]),
                    dense=max(float(best_dense[n]), exact.get(ids[n], 0.0)),
                    lexical=float(g.lexical[n]) if own else 0.0,
                    passages=tuple(self.passages[i].id for i in g.top3[n] if i >= 0) if own else (),
                    mini=exact.get(ids[n], float(g.dense[n])) if own else 0.0,
                )
            )
        return out

    def _exact_dense(self, query: str | np.ndarray, docs: set[str]) -> dict[str, float]:
        """Each of `docs`' best passage cosine, every one of their passages scored."""
        if self.fusion == "bm25":
            return {}
        best: dict[str, float] = {}
        for pid, sim in self.store.dense(query, k=len(self.passages), docs=docs):
            doc = self.passages[self._index[pid]].doc_id
            if doc in docs and sim > best.get(doc, -1.0):
                best[doc] = sim
        return best

    def _keep(self, kinds: tuple[str, ...], allowed: set[str] | None) -> np.ndarray:
        """Which passages may be ranked: of these kinds, and of the allowed documents (masks, not a loop over
        every passage: at 10,000 pledges the loop took 15-20 ms a question)."""
        keep = np.zeros(len(self.passages), dtype=bool)
        for name in kinds:
            if name in self._kind_mask:
                keep |= self._kind_mask[name]
        if allowed is not None:
            ok = np.zeros(len(self._doc_ids), dtype=bool)
            ok[[self._doc_number[d] for d in allowed if d in self._doc_number]] = True
            keep &= ok[self._doc_row]
        return keep

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, keep: np.ndarray, top_lex: float) -> np.ndarray:
        if self.fusion == "dense":
            return np.where(keep, np.maximum(dense, 0), 0)
        if self.fusion == "bm25":
            return np.where(keep, lexical / top_lex, 0)
        if self.fusion == "weighted":
            return np.where(keep, self.weight * np.maximum(dense, 0) + (1 - self.weight) * lexical / top_lex, 0)
        fused = np.zeros_like(dense)
        for scores in (dense, lexical):
            masked = np.where(keep & (scores > 0), scores, -np.inf)
            order = np.argsort(-masked)
            ranks = np.empty_like(order)
            ranks[order] = np.arange(len(order))
            fused += np.where(np.isfinite(masked), 1.0 / (self.rrf_k + ranks + 1), 0)
        return fused


def _lexical_index(folder: Path | None, passages: list, tokens) -> bm25s.BM25:
    """The BM25 index of `passages`: loaded from `folder` when saved there for this tokenizer, else built
    and saved there (atomically; a read-only folder just means it is built again next time)."""
    saved = folder / f"bm25-{tokenizer_signature()}" if folder is not None else None
    if saved is not None and saved.is_dir():
        try:
            index = bm25s.BM25.load(saved, show_progress=False)
            if int(index.scores["num_docs"]) == len(passages):
                return index
        except (OSError, ValueError, KeyError) as exc:
            log.warning("the saved BM25 index in %s cannot be read (%s); building it", saved, exc)
    index = bm25s.BM25()
    index.index([tokens(p.text) or ["_"] for p in passages], show_progress=False)
    if saved is not None:
        tmp = saved.with_name(f".{saved.name}-{uuid.uuid4().hex[:8]}")
        try:
            index.save(tmp, show_progress=False)
            os.replace(tmp, saved)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    return index


def _stemmer():
    import Stemmer  # PyStemmer: only needed by the stemming configuration

    return Stemmer.Stemmer("english")


@dataclass(frozen=True)
class _Groups:
    """A search's passages grouped by document, documents in the order of their best passage: for each, its
    number, best passage, best three passages (-1 past its last), score, best cosine and best BM25 share."""

    docs: np.ndarray
    best: np.ndarray
    top3: np.ndarray
    score: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray


def _group(ranked: np.ndarray, doc_row: np.ndarray, fused: np.ndarray, dense: np.ndarray, lexical: np.ndarray,
           top_lex: float) -> _Groups:  # fmt: skip
    """Passages (`ranked`, best first) grouped by document. A document scores its best passage's fused score
    plus a tenth of its next two (one matching in several passages is a little more likely to be about the
    question), each added in float64 in the order a loop over the passages added them."""
    docs_seq = doc_row[ranked]
    by_doc = np.argsort(docs_seq, kind="stable")  # a document's passages together, still best first
    rows = ranked[by_doc]
    sorted_docs = docs_seq[by_doc]
    starts = np.flatnonzero(np.r_[True, sorted_docs[1:] != sorted_docs[:-1]]) if len(rows) else np.zeros(0, int)
    counts = np.diff(np.r_[starts, len(rows)])
    top3 = np.full((len(starts), 3), -1, dtype=np.int64)
    for j in range(3):
        has = counts > j
        top3[has, j] = rows[starts[has] + j]
    f64 = np.r_[fused.astype(np.float64), 0.0]  # index -1 (no such passage) reads 0.0
    rest = f64[top3[:, 1]] + f64[top3[:, 2]]  # 0 + a + b as a loop sums them: the same float64
    score = f64[top3[:, 0]] + 0.1 * rest
    best_dense = np.maximum.reduceat(dense[rows], starts) if len(rows) else np.zeros(0, np.float32)
    best_lex = np.maximum.reduceat(lexical[rows], starts).astype(np.float64) / top_lex if len(rows) else np.zeros(0)
    first = np.argsort(by_doc[starts], kind="stable") if len(rows) else np.zeros(0, int)  # by best passage
    return _Groups(sorted_docs[starts][first], top3[first, 0], top3[first], score[first], best_dense[first],
                   best_lex[first])  # fmt: skip


def _fuse_extra(
    ids: list[str], score: np.ndarray, dense: np.ndarray, kind: list[str], extra: dict[str, float], rrf_k: int,
    allowed: set[str] | None,
) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Add a document-level ranking (RRF) to the passage-level one: every document it ranks gains 1/(k + rank),
    and one it alone ranks joins after the others with that score. -> (ids, score, dense, kind)."""
    ranked = sorted((d for d in extra if allowed is None or d in allowed), key=lambda d: -extra[d])
    bonus = {d: 1.0 / (rrf_k + r + 1) for r, d in enumerate(ranked)}
    seen = set(ids)
    # a fixed order (not a set's, which follows the process's hash seed): ties keep the same rank every run
    alone = [d for d in bonus if d not in seen]
    score = np.r_[score + np.array([bonus.get(d, 0.0) for d in ids]), [0.0 + bonus[d] for d in alone]]
    dense = np.r_[np.maximum(dense, [extra.get(d, 0.0) for d in ids]), [extra[d] for d in alone]]
    return [*ids, *alone], score, dense, [*kind, *(["pledge"] * len(alone))]
