"""What handlers answer from, built once (`Resources`), and per-question working state (`Ctx`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..filters import Filters
from ..glossary import Term, acronyms, spell_inline
from ..places import Gazetteer
from ..quotes import SpokenQuote
from ..records import Pledge, Section
from ..relevance import Calibration
from ..reports import ReportProfile, editions
from ..retrieval import DocScore, HybridSearcher
from ..store import Store
from ..text import tokenize
from .numbers import digits
from .phrases import catalogue
from .sentences import SentenceIndex, SentenceWeights

# a pledge's hubness is measured against at most this many others: enough to find its nearest, bounded in a
# corpus of thousands (a comparison measures up to its 300 candidates, each against these)
HUB_SAMPLE = 2000


@dataclass
class Resources:
    """Records, index, models and fitted parameters: shared by every question, never changed by one."""

    pledges: list[Pledge]
    sections: list[Section]
    gazetteer: Gazetteer
    glossary: tuple[Term, ...]
    store: Store
    searcher: HybridSearcher
    sentences: SentenceIndex
    quotes: list[SpokenQuote]
    quote_vectors: np.ndarray
    pledge_vectors: np.ndarray  # mean content-sentence vector of each pledge, unit length
    calibration: Calibration
    multilingual: bool = True  # multilingual-e5 for non-English questions
    english_e5: bool = False  # multilingual-e5 as a second dense signal for English questions too
    records: dict[str, Pledge | Section] = field(init=False)
    _headings: dict[str, np.ndarray] | None = field(default=None, init=False, repr=False)
    _hubness: dict[int, float] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        catalogue()  # the answers' phrases, read once at load: a broken catalogue fails here, not mid-answer
        self.records = {p.id: p for p in self.pledges} | {s.id: s for s in self.sections}
        self.pledge_row = {p.id: n for n, p in enumerate(self.pledges)}
        self._acronyms = acronyms(self.glossary)  # "LRG" -> "local and regional governments"
        self._spelled: dict[str, str] = {}
        # the editions the records come from: answers name them ("the 2023 report"), never a fixed one
        self.editions: tuple[ReportProfile, ...] = editions(p.report for p in self.pledges)
        # each pledge's words and two-word phrases, computed once: topical answers compare them with every question
        self._tokens = {p.id: tokenize(f"{p.title}. {p.description}") for p in self.pledges}
        self._title_tokens = {p.id: set(tokenize(p.title)) for p in self.pledges}
        self._token_sets = {k: set(v) for k, v in self._tokens.items()}
        df: dict[str, int] = {}
        for words in self._token_sets.values():
            for w in words:
                df[w] = df.get(w, 0) + 1
        n = len(self.pledges)
        # how much a word says about a pledge: rare words more; words no pledge uses most of all
        self._idf = {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items()}
        self._idf_unseen = math.log(n + 1) + 1

    def heading_similarity(self, doc_id: str, qvec: np.ndarray) -> float:
        """Cosine between a query vector and a record's heading (a section's own heading, a pledge's title).
        The headings are embedded together on first use (about a second), not at load."""
        if self._headings is None:
            ids = [s.id for s in self.sections] + [p.id for p in self.pledges]
            texts = [s.title[-1] if s.title else "" for s in self.sections] + [p.title for p in self.pledges]
            vectors = np.asarray(self.store.embedder.embed_documents(texts), dtype=np.float32)
            self._headings = dict(zip(ids, vectors, strict=True))
        vector = self._headings.get(doc_id)
        return float(vector @ qvec) if vector is not None else 0.0

    def spelled(self, sentence: str) -> str:
        """`sentence` with its acronyms spelled out where they stand and its figures said in words written as
        numbers ("three CBOs (community-based organizations)"): what its figures count (computed once)."""
        if sentence not in self._spelled:
            self._spelled[sentence] = spell_inline(digits(sentence), self._acronyms)
        return self._spelled[sentence]

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._idf_unseen)

    def used(self, word: str) -> bool:
        """Whether any pledge uses the word (as `text.tokenize` spells it)."""
        return word in self._idf

    def pledge_tokens(self, pledge_id: str) -> set[str]:
        return self._token_sets.get(pledge_id, set())

    def title_tokens(self, pledge_id: str) -> set[str]:
        return self._title_tokens.get(pledge_id, set())

    def pledge_bigrams(self, pledge_id: str) -> set[tuple[str, str]]:
        tokens = self._tokens.get(pledge_id, [])
        return set(zip(tokens, tokens[1:], strict=False))

    @cached_property
    def place_names(self) -> frozenset[str]:
        """Every folded place name and alias the gazetteer knows (regions, subregions, countries, areas)."""
        g = self.gazetteer
        return frozenset({*g.region_keys, *g.subregion_keys, *g.country_keys, *g.area_keys})

    def hubness(self, rows: Sequence[int]) -> np.ndarray:
        """Each pledge's mean cosine to its k nearest other pledges (k = compare.hub_k; CSLS's r): a pledge
        written in general terms is near every other, so it resembles any anchor, and a comparison discounts it.
        Measured on first use, against every pledge or an evenly spaced `HUB_SAMPLE` of a large corpus."""
        todo = [r for r in dict.fromkeys(rows) if r not in self._hubness]
        if todo:
            n, k = len(self.pledges), int(self.calibration.param("compare", "hub_k"))
            ref = np.unique(np.linspace(0, n - 1, min(n, HUB_SAMPLE)).astype(int))
            sims = self.pledge_vectors[todo] @ self.pledge_vectors[ref].T
            at = {int(r): j for j, r in enumerate(ref)}
            for i, r in enumerate(todo):
                if r in at:
                    sims[i, at[r]] = -np.inf  # not itself
            k = max(1, min(k, len(ref) - 1))
            top = np.partition(sims, -k, axis=1)[:, -k:] if len(ref) > 1 else np.zeros((len(todo), 1))
            self._hubness.update(zip(todo, top.mean(axis=1).tolist(), strict=True))
        return np.array([self._hubness[r] for r in rows], dtype=np.float32)

    def matching(self, f: Filters) -> list[Pledge]:
        """The pledges a filter lets through, in report order."""
        return [p for p in self.pledges if f.matches(p, self.gazetteer)]

    @property
    def sentence_weights(self) -> SentenceWeights:
        c = self.calibration
        return SentenceWeights(
            c.param("sentence", "word_weight"),
            c.param("sentence", "figure_bonus"),
            c.param("sentence", "second_within"),
        )


@dataclass
class Ctx:
    """One question's working state: embeddings computed once and reused by every step."""

    res: Resources
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    e5_scores: dict[str, dict[str, float]] = field(default_factory=dict)

    def vec(self, text: str) -> np.ndarray:
        if text not in self.vectors:
            self.vectors[text] = np.asarray(self.res.store.embedder.embed_query(text), dtype=np.float32)
        return self.vectors[text]

    def e5(self, text: str) -> dict[str, float]:
        """Pledge id -> multilingual-e5 similarity to `text` (empty without the multilingual model)."""
        if text not in self.e5_scores:
            self.e5_scores[text] = dict(self.res.store.dense_multilingual(text, k=len(self.res.pledges)))
        return self.e5_scores[text]

    def retrieve(
        self,
        text: str,
        k: int,
        allowed: set[str] | None,
        kinds: tuple[str, ...] = ("pledge",),
        e5_text: str | None = None,
        exhaustive: bool = False,
    ) -> list[DocScore]:
        """Hybrid search; with `e5_text`, multilingual-e5's ranking of the pledges joins the fusion;
        `exhaustive` scores every passage by meaning, not only the nearest."""
        extra = None
        if e5_text is not None and "pledge" in kinds:
            scores = self._e5_beside(e5_text, text)
            extra = {d: s for d, s in scores.items() if allowed is None or d in allowed} or None
        return self.res.searcher.search(
            text, k=k, allowed=allowed, kinds=kinds, extra=extra, vector=self.vec(text), exhaustive=exhaustive
        )

    def _e5_beside(self, e5_text: str, text: str) -> dict[str, float]:
        """`e5(e5_text)`, computed on a second thread while the English model embeds `text`: ONNX Runtime
        releases the GIL, so a non-English question's two models run on both cores instead of one after the other."""
        if e5_text in self.e5_scores or text in self.vectors:
            return self.e5(e5_text)
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self.e5, e5_text)
            self.vec(text)
            return pending.result()
