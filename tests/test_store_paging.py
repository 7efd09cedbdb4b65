"""Chroma reads and writes in pages: an index larger than one page builds, opens, and reads as if unpaged.

Chroma refuses an `add` over its max batch size and SQLite a whole-collection `get` past its variable limit,
so the store adds and reads at most `store.PAGE` rows per call. Here PAGE is made smaller than the corpus,
so every collection takes several calls each way, and what comes back is checked row by row against the
records and against an index built and read in one call.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from chromadb.api.client import Client
from chromadb.api.models.Collection import Collection
from tiny import MultilingualFake

from pledgebot import chroma as store_module  # where the paging lives
from pledgebot.builds import open_store
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.store import _sentence_key, all_passages, all_sentences

ROOT = Path(__file__).resolve().parents[1]
WHOLE = 100_000  # a page larger than any collection here: one call each way, as before paging


@pytest.fixture(scope="module")
def records():
    folder = records_dir(ROOT / "corpus")
    pledges = read_pledges(folder / "pledges.jsonl")[:12]
    sections = read_sections(folder / "sections.jsonl")[:4]
    return pledges, sections, records_fingerprint(pledges, sections)


@pytest.fixture(scope="module")
def unpaged(tmp_path_factory, records):
    """The reference: the same records built and read with one call per collection."""
    pledges, sections, fp = records
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_module, "PAGE", WHOLE)
        store, _ = open_store(tmp_path_factory.mktemp("unpaged"), pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    return store


@pytest.fixture
def calls(monkeypatch):
    """Rows per Chroma `add` and `limit` per `get`, by collection name, as the store makes them."""
    seen: dict[str, list[tuple[str, int]]] = {}
    add, get = Collection.add, Collection.get

    def spy_add(self, ids, **kw):
        seen.setdefault(self.name, []).append(("add", len(ids)))
        return add(self, ids, **kw)

    def spy_get(self, *args, **kw):
        seen.setdefault(self.name, []).append(("get", kw.get("limit") or 0))
        return get(self, *args, **kw)

    monkeypatch.setattr(Collection, "add", spy_add)
    monkeypatch.setattr(Collection, "get", spy_get)
    return seen


def _page(spec: str, n_passages: int) -> int:
    """A page size from the table: a number, or one relative to the passage count (the boundaries)."""
    return {"passages": n_passages, "passages-1": n_passages - 1, "passages+1": n_passages + 1}.get(spec) or int(spec)


# (page used to build, page used to open): each smaller than the passages, at the boundaries, and mixed.
CASES = [
    ("1", "1"),
    ("7", "7"),
    ("7", "50"),
    ("passages-1", "passages-1"),
    ("passages", "passages"),  # a last page exactly full: one more, empty, page ends the read
    ("passages+1", "3"),
    (str(WHOLE), "5"),  # built in one call (as before paging), read in pages
    ("5", str(WHOLE)),  # built in pages, read in one call
]


@pytest.mark.parametrize(("build_page", "open_page"), CASES)
def test_paged_build_and_open_read_every_row_once_in_order(
    tmp_path, monkeypatch, records, unpaged, calls, build_page, open_page
):
    pledges, sections, fp = records
    passages = all_passages(pledges, sections, 3, 2)
    sents = sorted(all_sentences(pledges, sections), key=lambda s: _sentence_key(s[0]))
    monkeypatch.setattr(store_module, "PAGE", _page(build_page, len(passages)))
    built, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    assert rebuilt
    monkeypatch.setattr(store_module, "PAGE", _page(open_page, len(passages)))
    calls.clear()
    store, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    assert not rebuilt and store.path == built.path

    assert [p.id for p in store.passages] == [p.id for p in passages]  # each once, in the order built
    assert store.passages == passages  # texts, documents, kinds and positions too
    assert store.sentence_ids == [s[0] for s in sents]
    assert store.sentence_docs == [s[1] for s in sents] and store.sentence_texts == [s[2] for s in sents]
    assert store._ml_ids == [p.id for p in pledges]
    assert np.array_equal(store._passage_vectors, unpaged._passage_vectors)
    assert np.array_equal(store.sentence_vectors, unpaged.sentence_vectors)
    assert np.array_equal(store._ml_vectors, unpaged._ml_vectors)
    assert store.dense("housing for refugees", k=5) == unpaged.dense("housing for refugees", k=5)

    page = store_module.page_size(store._space.client)  # PAGE, or Chroma's own limit when that is lower
    rows = {"passages": len(passages), "sentences": len(sents), "pledges-multilingual": len(pledges)}
    for name, n in rows.items():
        gets = [limit for kind, limit in calls[name] if kind == "get"]
        assert gets and all(limit == page for limit in gets)
        assert len(gets) == n // page + 1  # pages until one comes back short (or empty)


@pytest.mark.parametrize("build_page", ["1", "7", "passages", str(WHOLE)])
def test_builds_add_in_batches_of_at_most_a_page(tmp_path, monkeypatch, records, calls, build_page):
    pledges, sections, fp = records
    n_passages = len(all_passages(pledges, sections, 3, 2))
    page = _page(build_page, n_passages)
    monkeypatch.setattr(store_module, "PAGE", page)
    open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    rows = {"passages": n_passages, "sentences": len(all_sentences(pledges, sections)), "pledges-multilingual": len(pledges)}
    for name, n in rows.items():
        adds = [size for kind, size in calls[name] if kind == "add"]
        assert sum(adds) == n and all(size <= page for size in adds)
        assert len(adds) == -(-n // page)  # as few batches as the page allows


def test_chromas_own_limit_caps_the_page(tmp_path, monkeypatch, records, calls):
    """A client allowing fewer rows per call than PAGE (Chroma's SQLite limit is 5,461) sets the page."""
    pledges, sections, fp = records
    monkeypatch.setattr(Client, "get_max_batch_size", lambda self: 9)
    store, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    assert len(store.passages) > 9 and store.manifest.passages == len(store.passages)
    sizes = [size for made in calls.values() for _, size in made]
    assert sizes and max(sizes) == 9


def test_a_large_index_is_searched_by_chroma_and_ranks_as_the_exact_search(tmp_path, monkeypatch, records, unpaged):
    """Past EXACT_PASSAGES the vectors stay in Chroma and its HNSW answers; here it is lowered below the corpus."""
    from pledgebot import store as store_mod

    pledges, sections, fp = records
    monkeypatch.setattr(store_mod, "EXACT_PASSAGES", 10)
    big, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    assert big._passage_vectors is None and unpaged._passage_vectors is not None
    for question in ("housing for refugees", "language classes", "jobs and training for migrants"):
        exact, hnsw = unpaged.dense(question, k=8), big.dense(question, k=8)
        assert [p for p, _ in hnsw] == [p for p, _ in exact]  # a small HNSW graph finds the exact neighbours
        assert np.allclose([s for _, s in hnsw], [s for _, s in exact], atol=1e-5)
    one = pledges[3].id
    only = big.dense("housing for refugees", k=50, docs={one})
    assert only and {big.by_id[p].doc_id for p, _ in only} == {one}  # a where clause, not a scan
    assert big.dense("housing", k=5, docs=set()) == []
