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
        few = exhaustive or (allowed is not None and len(allowed) <= FEW_DOCS)
        docs = allowed if few and not exhaustive else None
        dense, lexical = self.passage_scores(text, vector, dense_k=len(self.passages) if few else 80, docs=docs)
        keep = np.array(
            [p.kind in kinds and (allowed is None or p.doc_id in allowed) for p in self.passages], dtype=bool
        )
        if not keep.any():
            return []
        top_lex = float(lexical[keep].max()) or 1.0
        fused = self._fuse(dense, lexical, keep, top_lex)
        docs: dict[str, list[int]] = {}
        for n in np.argsort(-fused):
            if not keep[n] or fused[n] <= 0:
                continue
            docs.setdefault(self.passages[n].doc_id, []).append(int(n))
        scored = []
        for doc_id, idx in docs.items():
            best = idx[0]
            # a document matching in several passages is a little more likely to be about the question
            score = float(fused[best]) + 0.1 * sum(float(fused[i]) for i in idx[1:3])
            scored.append(
                DocScore(
                    doc_id=doc_id,
                    kind=self.passages[best].kind,
                    score=score,
                    dense=float(dense[idx].max()),
                    lexical=float(lexical[idx].max()) / top_lex,
                    passages=tuple(self.passages[i].id for i in idx[:3]),
                    mini=float(dense[idx].max()),
                )
            )
        if extra:
            scored = _fuse_extra(scored, extra, self.rrf_k, allowed)
        scored.sort(key=lambda d: -d.score)
        return scored[:k]

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


def _fuse_extra(
    scored: list[DocScore], extra: dict[str, float], rrf_k: int, allowed: set[str] | None
) -> list[DocScore]:
    """Add a document-level ranking (RRF) to passage-level results."""
    ranked = sorted((d for d in extra if allowed is None or d in allowed), key=lambda d: -extra[d])
    bonus = {d: 1.0 / (rrf_k + r + 1) for r, d in enumerate(ranked)}
    by_id = {d.doc_id: d for d in scored}
    out = []
    # a fixed order (not a set's, which follows the process's hash seed): ties keep the same rank every run
    for doc_id in [*by_id, *(d for d in bonus if d not in by_id)]:
        base = by_id.get(doc_id)
        if base is None:
            base = DocScore(doc_id, "pledge", 0.0, extra[doc_id], 0.0, ())
        out.append(
            DocScore(
                base.doc_id,
                base.kind,
                base.score + bonus.get(doc_id, 0.0),
                max(base.dense, extra.get(doc_id, 0.0)),
                base.lexical,
                base.passages,
                base.mini,
            )
        )
    return out
