"""Sentences of every record, with their vectors: what answers quote, one verbatim sentence at a time."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..text import tokenize


@dataclass(frozen=True)
class SentenceWeights:
    """How a sentence is scored against a question: cosine + word_weight × share of the question's words
    (+ figure_bonus for a figure when one is asked); a second sentence is quoted within second_within."""

    word_weight: float
    figure_bonus: float
    second_within: float


@dataclass(frozen=True)
class Excerpt:
    """The sentences of one record chosen to quote, joined as they stand in the text."""

    text: str
    score: float


class SentenceIndex:
    """Sentence vectors of every description and section, to pick the sentences most relevant to a question."""

    def __init__(self, doc_ids: Sequence[str], texts: Sequence[str], vectors: np.ndarray) -> None:
        self.texts = list(texts)
        self.vectors = vectors
        self.rows: dict[str, list[int]] = {}
        for n, d in enumerate(doc_ids):
            self.rows.setdefault(d, []).append(n)
        # Sentences printed in three or more records ("This project is supported by the Global Cities Fund
        # for Migrants and Refugees.") say nothing about any one pledge: never the best excerpt.
        docs_per_text: dict[str, set[str]] = {}
        for n, d in enumerate(doc_ids):
            docs_per_text.setdefault(self.texts[n], set()).add(d)
        self.boilerplate = {t for t, docs in docs_per_text.items() if len(docs) >= 3}
        # each sentence's word set, computed once: answers compare them with every question. A text printed in
        # many records is tokenized once; each row still gets a set of its own, built from the tokens in order
        # as before (a set's iteration order, which sums of idf weights follow, depends on insertion order).
        tokens_of = {t: tokenize(t) for t in docs_per_text}
        self.tokens = [set(tokens_of[t]) for t in self.texts]
        df = Counter(chain.from_iterable(self.tokens))
        n = len(self.tokens)
        self._idf = {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items()}
        self._idf_unseen = math.log(n + 1) + 1

    def idf_share(self, row: int, words: set[str]) -> float:
        """How much of the question's words, weighted by how rare they are, sentence `row` uses."""
        if not words:
            return 0.0
        weights = {w: self._idf.get(w, self._idf_unseen) for w in words}
        return sum(weights[w] for w in words & self.tokens[row]) / sum(weights.values())

    def content_rows(self, doc_id: str) -> list[int]:
        """A record's sentence rows without boilerplate (all of them if nothing else is left)."""
        rows = self.rows.get(doc_id, [])
        # a two-word "sentence" ("Local Action.") is a heading's remnant, not something the report says
        return [r for r in rows if self.texts[r] not in self.boilerplate and len(self.texts[r].split()) > 3] or rows

    def first_where(self, doc_id: str, test: Callable[[str], bool]) -> str | None:
        """The record's first sentence that passes `test` (one naming a place, spelling out an acronym …)."""
        return next((self.texts[r] for r in self.rows.get(doc_id, []) if test(self.texts[r])), None)

    def max_similarity(self, doc_id: str, qvec: np.ndarray) -> float:
        """The cosine of the record's closest content sentence to a query vector."""
        rows = self.content_rows(doc_id)
        return float((self.vectors[rows] @ qvec).max()) if rows else 0.0

    def texts_of(self, doc_id: str) -> list[str]:
        """A record's sentences in text order."""
        return [self.texts[r] for r in self.rows.get(doc_id, [])]

    def first(self, doc_id: str) -> str:
        """The record's opening sentence: what a pledge commits to."""
        rows = self.rows.get(doc_id, [])
        return self.texts[rows[0]] if rows else ""

    def best(
        self,
        doc_id: str,
        qvec: np.ndarray | None,
        qtokens: set[str],
        weights: SentenceWeights,
        numbers: bool = False,
    ) -> Excerpt:
        """The sentence of `doc_id` that answers best, and the next best when it scores nearly as well, in text
        order (`numbers`: prefer sentences with figures)."""
        rows = self.content_rows(doc_id)
        if not rows:
            return Excerpt("", 0.0)
        sims = self.vectors[rows] @ qvec if qvec is not None else np.zeros(len(rows))
        scores = []
        for k, r in enumerate(rows):
            words = set(re.findall(r"\w+", self.texts[r].lower()))
            overlap = len(words & qtokens) / (len(qtokens) or 1)
            figure = weights.figure_bonus if numbers and re.search(r"\d", self.texts[r]) else 0.0
            scores.append(float(sims[k]) + weights.word_weight * overlap + figure)
        order = sorted(range(len(rows)), key=lambda k: -scores[k])
        top = order[0]
        picked = [top]
        if len(order) > 1 and scores[order[1]] >= scores[top] - weights.second_within:
            picked.append(order[1])
        picked.sort()
        return Excerpt(" … ".join(self.texts[rows[k]] for k in picked), scores[top])


def excerpt_is_verbatim(excerpt: str, text: str) -> bool:
    """Every piece of an excerpt (split on the ellipsis) is a substring of the record text."""
    return all(piece in text for piece in excerpt.split(" … "))
