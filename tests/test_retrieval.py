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


# -- the search groups passages by document with array operations: the same hits as the loop it replaced -------


def _loop_search(searcher, text, k=10, allowed=None, kinds=("pledge", "section"), extra=None, exhaustive=False):
    """The search as a loop over every passage (the code before the grouping was vectorised): the reference."""
    from pledgebot.retrieval import DocScore

    few = exhaustive or (allowed is not None and len(allowed) <= 20)
    docs = allowed if few else None
    dense, lexical = searcher.passage_scores(text, None, dense_k=len(searcher.passages) if few else 80, docs=docs)
    keep = np.array([p.kind in kinds and (allowed is None or p.doc_id in allowed) for p in searcher.passages])
    if not keep.any():
        return []
    top_lex = float(lexical[keep].max()) or 1.0
    fused = searcher._fuse(dense, lexical, keep, top_lex)
    by_doc: dict[str, list[int]] = {}
    for n in np.argsort(-fused):
        if keep[n] and fused[n] > 0:
            by_doc.setdefault(searcher.passages[n].doc_id, []).append(int(n))
    scored = []
    for doc_id, idx in by_doc.items():
        score = float(fused[idx[0]]) + 0.1 * sum(float(fused[i]) for i in idx[1:3])
        best = float(dense[idx].max())
        lex = float(lexical[idx].max()) / top_lex
        ids = tuple(searcher.passages[i].id for i in idx[:3])
        scored.append(DocScore(doc_id, searcher.passages[idx[0]].kind, score, best, lex, ids, best))
    if extra:
        ranked = sorted((d for d in extra if allowed is None or d in allowed), key=lambda d: -extra[d])
        bonus = {d: 1.0 / (searcher.rrf_k + r + 1) for r, d in enumerate(ranked)}
        known = {d.doc_id: d for d in scored}
        out = []
        for doc_id in [*known, *(d for d in bonus if d not in known)]:
            b = known.get(doc_id) or DocScore(doc_id, "pledge", 0.0, extra[doc_id], 0.0, ())
            dense_ = max(b.dense, extra.get(doc_id, 0.0))
            out.append(DocScore(b.doc_id, b.kind, b.score + bonus.get(doc_id, 0.0), dense_, b.lexical, b.passages, b.mini))
        scored = out
    scored.sort(key=lambda d: -d.score)
    return scored[:k]


def _search_case(name: str, pledges, sections) -> dict:
    ids = [p.id for p in pledges]
    some_extra = {ids[n]: 0.9 - 0.05 * n for n in (3, 0, 7, 12, 14)} | {"no-such-pledge": 0.99}
    return {
        "everything": {},
        "pledges only, k=3": {"kinds": ("pledge",), "k": 3},
        "sections only": {"kinds": ("section",)},
        "a few allowed": {"allowed": {ids[1], ids[4], sections[0].id}},
        "many allowed": {"allowed": set(ids[:14]) | {"no-such-pledge"}},
        "none allowed": {"allowed": set()},
        "exhaustive over some": {"allowed": set(ids[2:12]), "exhaustive": True, "k": 100},
        "with a ranking beside": {"kinds": ("pledge",), "extra": some_extra, "k": 100},
        "a ranking beside, filtered": {"kinds": ("pledge",), "extra": some_extra, "allowed": set(ids[:8]), "k": 4},
        "tied ranking beside": {"kinds": ("pledge",), "extra": dict.fromkeys(ids, 0.5), "k": 100},
    }[name]


SEARCH_CASES = [
    "everything", "pledges only, k=3", "sections only", "a few allowed", "many allowed", "none allowed",
    "exhaustive over some", "with a ranking beside", "a ranking beside, filtered", "tied ranking beside",
]  # fmt: skip


@pytest.mark.parametrize("large", [False, True], ids=["in memory", "chroma searches"])
@pytest.mark.parametrize("case", SEARCH_CASES)
def test_grouped_search_finds_what_the_passage_loop_found(tmp_path, monkeypatch, large, case):
    from pledgebot import store as store_mod

    if large:
        monkeypatch.setattr(store_mod, "EXACT_PASSAGES", 10)
    folder = records_dir(ROOT / "corpus")
    pledges, sections = read_pledges(folder / "pledges.jsonl")[:15], read_sections(folder / "sections.jsonl")[:3]
    opened, _ = open_store(tmp_path, pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder())
    assert opened.exact is not large
    searcher = HybridSearcher(opened)
    options = _search_case(case, pledges, sections)
    for question in (*QUESTIONS, "refugees refugees migrants"):  # the last: many equal BM25 scores, ties
        got = searcher.search(question, **options)
        assert got == _loop_search(searcher, question, **options), question


@pytest.mark.parametrize("large", [False, True], ids=["in memory", "chroma searches"])
@pytest.mark.parametrize("fusion", ["dense"])
@pytest.mark.parametrize("case", ["everything", "pledges only, k=3", "many allowed", "tied ranking beside"])
def test_ties_keep_the_order_the_passage_loop_gave_them(tmp_path, monkeypatch, large, fusion, case):
    """One dimension: every passage has the same vector, so every cosine ties and documents differ only in how
    many passages they have; the order among equals must be the loop's."""
    from pledgebot import store as store_mod

    if large:
        monkeypatch.setattr(store_mod, "EXACT_PASSAGES", 10)
    folder = records_dir(ROOT / "corpus")
    pledges, sections = read_pledges(folder / "pledges.jsonl")[:15], read_sections(folder / "sections.jsonl")[:3]
    fp = records_fingerprint(pledges, sections)
    opened, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(dim=1))
    searcher = HybridSearcher(opened, fusion=fusion)
    options = _search_case(case, pledges, sections) | {"k": 100}
    for question in ("refugees", "housing for refugees"):
        got = searcher.search(question, **options)
        assert "extra" in options or len({d.score for d in got}) < len(got)  # ties to order (a ranking beside breaks them)
        assert got == _loop_search(searcher, question, **options), question


@pytest.mark.parametrize("case", ["a few allowed", "exhaustive over some", "none allowed"])
def test_a_store_chroma_searches_scores_a_few_documents_as_the_store_in_memory_does(tmp_path, monkeypatch, case):
    """Filtered to a few documents, or exhaustive over a comparison's candidates, a large store reads their
    passages' vectors by id and scores every one: the same hits as every vector in memory, never HNSW's."""
    from pledgebot import store as store_mod
    from pledgebot.store import Store

    folder = records_dir(ROOT / "corpus")
    pledges, sections = read_pledges(folder / "pledges.jsonl")[:15], read_sections(folder / "sections.jsonl")[:3]
    memory, _ = open_store(tmp_path, pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder())
    large = Store(memory.path, memory.manifest, memory.embedder, None, exact_passages=0)
    queried = []
    monkeypatch.setattr(large._passages, "query", lambda *a, **kw: queried.append(kw) or {})
    options = _search_case(case, pledges, sections)
    for question in QUESTIONS:
        got = HybridSearcher(large).search(question, **options)
        assert got == HybridSearcher(memory).search(question, **options), question
    assert queried == [] and store_mod.EXACT_PASSAGES > len(memory.passages)


def test_a_hit_only_the_words_found_gets_its_similarity_in_meaning(store):
    searcher = HybridSearcher(store)
    vector = store.embedder.embed_query("housing for refugees")
    # the nearest passage alone gets a dense score in the first pass: every other hit is found by its words
    searcher.store.dense = _limited(store.dense, 1)
    hits = searcher.search("housing for refugees", k=10, kinds=("pledge",), vector=np.asarray(vector))
    assert len(hits) > 1
    passages = {p.id: p for p in store.passages}
    for hit in hits:
        exact = max(
            float(np.dot(store.embedder.embed_query(passages[pid].text), vector))
            / (np.linalg.norm(store.embedder.embed_query(passages[pid].text)) * np.linalg.norm(vector))
            for pid in passages if passages[pid].doc_id == hit.doc_id
        )
        assert hit.mini == pytest.approx(exact, abs=1e-4), hit.doc_id


def _limited(dense, first_k):
    """The store's search, its first call cut to `first_k` passages (as the nearest 80 are at scale)."""
    calls = []

    def search(query, k=50, docs=None):
        calls.append(k)
        return dense(query, k=first_k if len(calls) == 1 else k, docs=docs)

    return search
