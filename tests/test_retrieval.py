"""The BM25 index is saved beside the vectors once and loaded after: same scores, no re-tokenising."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pledgebot.builds import open_store
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.retrieval import HybridSearcher
from pledgebot.text import tokenizer_signature

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ("housing for refugees", "language classes for migrant children", "one-stop shop", "zzz")


@pytest.fixture
def store(tmp_path):
    folder = records_dir(ROOT / "corpus")
    pledges, sections = read_pledges(folder / "pledges.jsonl")[:15], read_sections(folder / "sections.jsonl")[:3]
    opened, _ = open_store(tmp_path, pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder())
    return opened


def scores(searcher: HybridSearcher) -> list[np.ndarray]:
    return [searcher.passage_scores(q)[1] for q in QUESTIONS]


def test_the_first_open_saves_bm25_and_the_next_loads_the_same_index(store, monkeypatch):
    saved = store.path / f"bm25-{tokenizer_signature()}"
    first = HybridSearcher(store)
    assert saved.is_dir()
    tokenised = []
    monkeypatch.setattr(HybridSearcher, "tokens", lambda self, text: tokenised.append(text) or text.split())
    second = HybridSearcher(store)
    assert tokenised == []  # loaded: no passage tokenised again
    monkeypatch.undo()
    assert all(np.array_equal(a, b) for a, b in zip(scores(first), scores(second), strict=True))


def test_a_saved_index_of_other_passages_is_rebuilt(store):
    HybridSearcher(store)
    store.passages = store.passages[:-3]  # as if the saved index belonged to other passages
    assert HybridSearcher(store)._bm25.scores["num_docs"] == len(store.passages)


def test_stemming_never_uses_the_saved_index(store):
    HybridSearcher(store)
    stemmed = HybridSearcher(store, stem=True)
    assert stemmed.tokens("housing") != ["housing"] and scores(stemmed)[0].any()


def test_a_search_filtered_to_a_few_documents_asks_chroma_for_theirs_alone(tmp_path, monkeypatch):
    from pledgebot import store as store_mod

    monkeypatch.setattr(store_mod, "EXACT_PASSAGES", 10)
    folder = records_dir(ROOT / "corpus")
    pledges, sections = read_pledges(folder / "pledges.jsonl")[:15], read_sections(folder / "sections.jsonl")[:3]
    big, _ = open_store(tmp_path, pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder())
    allowed = {pledges[2].id, pledges[9].id}
    found = HybridSearcher(big).search("refugees and migrants in the city", allowed=allowed)
    assert {d.doc_id for d in found} == allowed and all(d.dense > 0 for d in found)


def test_texts_outside_the_index_are_embedded_once_and_kept_with_the_build(store, monkeypatch):
    texts = ["We welcome everyone.", "Water is life."]
    first = store.vectors_for(texts, "quotes")
    embedded = []
    monkeypatch.setattr(store.embedder, "embed_documents", lambda t: embedded.append(t) or np.zeros((len(t), 64)))
    assert np.array_equal(store.vectors_for(texts, "quotes"), first) and embedded == []  # read back, not embedded
    store.vectors_for([*texts, "A third quote."], "quotes")  # other texts: embedded, saved beside the first
    assert len(embedded) == 1 and len(list(store.path.glob("quotes-*.npy"))) == 2
    next(store.path.glob("quotes-*.npy")).write_bytes(b"damaged")
    store.vectors_for(texts, "quotes")
    store.vectors_for([*texts, "A third quote."], "quotes")
    assert len(embedded) == 2  # the damaged one embedded again; the other still read
    assert store.vectors_for([], "quotes").shape == (0, 1)
