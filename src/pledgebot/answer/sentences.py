"""Sentences of every record, with their vectors: what answers quote, one verbatim sentence at a time."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Protocol

import numpy as np

from ..text import tokenize

# Records whose sentence vectors stay cached when they are read on demand (a large index). A question touches a
# few hundred records at most (a comparison judges up to 300 candidates, a topical answer its hits), so this
# keeps the records of the last several questions: about 35 MB of vectors at 384 dimensions.
CACHED_RECORDS = 4096


class SentenceVectors(Protocol):
    """Where sentence vectors are read on demand (the store, for an index too large to hold them all)."""

    def sentence_vectors_of(self, doc_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Each record's sentence vectors in text order; a record with no sentence may be left out."""
        ...


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
    """Sentences of every description and section with their vectors, to pick the sentences most relevant to a
    question. The vectors are a matrix in memory, or (a large index) read per record from a `SentenceVectors`
    source when a question needs them and kept in a bounded cache; the methods answer alike either way."""

    def __init__(
        self,
        doc_ids: Sequence[str],
        texts: Sequence[str],
        vectors: np.ndarray | SentenceVectors,
        cached_records: int = CACHED_RECORDS,
    ) -> None:
        self.texts = list(texts)
        self._matrix = vectors if isinstance(vectors, np.ndarray) else None
        self._source = None if isinstance(vectors, np.ndarray) else vectors
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # record -> its vectors, least recent first
        self._cached_records = max(1, cached_records)
        self._lock = threading.Lock()  # questions are answered on several threads
        self.rows: dict[str, list[int]] = {}
        self._doc_of: list[str] = list(doc_ids)
        self._position: list[int] = []  # a row's place among its record's rows: its row in the record's vectors
        for n, d in enumerate(doc_ids):
            self._position.append(len(self.rows.setdefault(d, [])))
            self.rows[d].append(n)
        # Sentences printed in three or more records (the line every pledge the GCF backs carries, naming
        # the fund) say nothing about any one pledge: never the best excerpt.
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

    def vectors_of(self, rows: Sequence[int]) -> np.ndarray:
        """The vectors of sentence rows, one row each in the order given."""
        if self._matrix is not None:
            return self._matrix[list(rows)]
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        by_doc = self._read(self._doc_of[r] for r in rows)
        docs = {self._doc_of[r] for r in rows}
        if len(docs) == 1:  # one record's rows (nearly always): one indexing, as the matrix gives them
            return by_doc[docs.pop()][[self._position[r] for r in rows]]
        return np.stack([by_doc[self._doc_of[r]][self._position[r]] for r in rows])

    def warm(self, doc_ids: Iterable[str]) -> None:
        """Have the vectors of records about to be scored at hand: those not cached are read together, in one
        go rather than one record at a time (nothing to do when every vector is in memory)."""
        if self._matrix is None:
            self._read(doc_ids)

    def _read(self, doc_ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The sentence vectors of these records (those with sentences) from the cache, and those it lacks read
        in one call and cached, the least recently used pushed out past the bound."""
        wanted = [d for d in dict.fromkeys(doc_ids) if d in self.rows]
        with self._lock:
            found = {d: self._cache[d] for d in wanted if d in self._cache}
            for d in found:
                self._cache.move_to_end(d)
        missing = [d for d in wanted if d not in found]
        if missing:  # read outside the lock: a slow read does not hold up other questions' cached records
            assert self._source is not None  # noqa: S101 - set whenever the matrix is not
            read = self._source.sentence_vectors_of(missing)
            found |= read
            with self._lock:
                self._cache.update(read)
                while len(self._cache) > self._cached_records:
                    self._cache.popitem(last=False)
        return found

    def cached(self) -> list[str]:
        """The records whose vectors are cached, least recently used first (empty in memory)."""
        with self._lock:
            return list(self._cache)

    def mean_vectors(self, doc_ids: Sequence[str]) -> list[np.ndarray | None]:
        """Each record's mean content-sentence vector (None for a record with no sentence). Read a page of
        records at a time and not cached: every pledge's is needed once at start, and reading them all through
        the cache would only empty it."""
        out: list[np.ndarray | None] = []
        step = self._cached_records if self._matrix is None else max(1, len(doc_ids))
        for start in range(0, len(doc_ids), step):
            chunk = doc_ids[start : start + step]
            read = self._source.sentence_vectors_of(chunk) if self._source is not None else {}
            for d in chunk:
                rows = self.content_rows(d)
                if not rows:
                    out.append(None)
                elif self._matrix is not None:
                    out.append(self._matrix[rows].mean(axis=0))
                else:
                    out.append(read[d][[self._position[r] for r in rows]].mean(axis=0))
        return out

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
        return float((self.vectors_of(rows) @ qvec).max()) if rows else 0.0

    def max_similarities(self, doc_ids: Sequence[str], qvec: np.ndarray) -> list[float]:
        """`max_similarity` of each record, their vectors read together when they are not in memory."""
        self.warm(doc_ids)
        return [self.max_similarity(d, qvec) for d in doc_ids]

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
        sims = self.vectors_of(rows) @ qvec if qvec is not None else np.zeros(len(rows))
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
