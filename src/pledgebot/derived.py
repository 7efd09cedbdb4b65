"""What a start derives from an index build and keeps in the build's folder: the printed quotes' vectors,
each pledge's mean sentence vector (comparisons rank by it) and the BM25 index of the passages.

Each takes the whole index to compute (at 10,000 pledges: ~30 s embedding the quotes, ~2.7 s reading every
sentence vector, ~3 s tokenising every passage), so the build computes them (`derive`, passed to `builds.build` / `builds.open_store`) and
every start reads them (`quote_vectors`, `pledge_vectors_of`), the first start included. They go through
`Store.saved`, keyed by what they depend on: a start finds exactly what the build wrote for the same records
and model, and computes (and saves) them itself only when it does not, as a read-only or older build.
A build writes them into its own `.build-*` folder before it becomes live, so a killed build leaves nothing
a start would read.
"""

from __future__ import annotations

import numpy as np

from .answer.compare import pledge_vectors
from .answer.sentences import SentenceIndex
from .quotes import SpokenQuote, collect_quotes
from .records import Pledge, Section
from .retrieval import HybridSearcher
from .store import Store

__all__ = ["derive", "pledge_vectors_of", "quote_vectors", "sentence_index"]


def sentence_index(store: Store) -> SentenceIndex:
    """The sentences of every record with their vectors: in memory, or (a large index, whose sentence vectors
    stay in Chroma) read from the store per record."""
    vectors = store.sentence_vectors if store.sentence_vectors is not None else store
    return SentenceIndex(store.sentence_docs, store.sentence_texts, vectors)


def quote_vectors(store: Store, quotes: list[SpokenQuote]) -> np.ndarray:
    """The English model's vector of each printed quote (quotes are not index documents)."""
    return store.vectors_for([x.text for x in quotes], "quotes")


def pledge_vectors_of(store: Store, pledges: list[Pledge], sentences: SentenceIndex) -> np.ndarray:
    """Each pledge's mean content-sentence vector. From a large index they take a read of every sentence vector,
    so they are kept in the build folder; in memory they cost a few products and are not saved."""
    if store.sentence_vectors is not None:
        return pledge_vectors(pledges, sentences)
    key = "\n".join([store.embedder.name, *(f"{p.id} {sentences.content_rows(p.id)}" for p in pledges)])
    return store.saved("pledge-vectors", key, len(pledges), lambda: pledge_vectors(pledges, sentences))


def derive(store: Store, pledges: list[Pledge], sections: list[Section]) -> None:
    """Compute and save into `store`'s folder what a start would otherwise compute from the whole index."""
    quote_vectors(store, collect_quotes(pledges, sections))
    if store.sentence_vectors is None:  # in memory they are not saved: computing them here would be thrown away
        pledge_vectors_of(store, pledges, sentence_index(store))
    HybridSearcher(store)  # builds the BM25 index of the passages and saves it in the folder (the default tokens)
