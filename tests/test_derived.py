"""What a start derives from an index (derived.py) is computed by the build and read by the start.

A small real Chroma index is built with the `derive` hook, as a small index and with the large-index path forced
(`EXACT_PASSAGES` 0: sentence vectors stay in Chroma, pledge vectors are saved); a start then reads what the
build wrote (the model, Chroma and the tokenizer are made to fail if it computes anything) and gets what it would compute.
A build that dies while deriving leaves nothing behind, and a torn file in a live build is computed again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pledgebot import store as store_module
from pledgebot.builds import build, current_build, open_store, read_manifest
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.derived import derive, pledge_vectors_of, quote_vectors, sentence_index
from pledgebot.embedding import HashingEmbedder
from pledgebot.quotes import collect_quotes
from pledgebot.retrieval import HybridSearcher
from pledgebot.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records():
    folder = records_dir(ROOT / "corpus")
    pledges = [p for p in read_pledges(folder / "pledges.jsonl") if p.quotes][:6]
    pledges += [p for p in read_pledges(folder / "pledges.jsonl") if not p.quotes][:4]
    sections = read_sections(folder / "sections.jsonl")[:4]
    assert collect_quotes(pledges, sections)  # the records print quotes: there is something to derive
    return pledges, sections, records_fingerprint(pledges, sections)


class Refusing(HashingEmbedder):
    """The build's model for queries, but a start that embeds a document (the quotes) fails."""

    def embed_documents(self, texts):
        raise AssertionError(f"a start embedded {len(texts)} texts the build should have kept")


class NoSentenceReads:
    """A sentence-vector source that fails: a start that reads every sentence vector (pledge vectors) fails."""

    def sentence_vectors_of(self, doc_ids):
        raise AssertionError("a start read sentence vectors the build should have kept")


def _start(path: Path, exact: int | None) -> Store:
    """The live build opened as a start opens it, with the English model refusing to embed documents."""
    manifest = read_manifest(path)
    assert manifest is not None
    return Store(path, manifest, Refusing(), None, exact_passages=exact)


# (index size as the store sees it, derived files the build writes)
CASES = [
    ("small", None, {"quotes"}),  # pledge vectors are a few products over vectors in memory: not saved
    ("large", 0, {"quotes", "pledge-vectors"}),  # sentence vectors in Chroma: pledge vectors read them all
]


@pytest.mark.parametrize(("size", "exact", "written"), CASES, ids=[c[0] for c in CASES])
def test_a_start_reads_what_the_build_derived(tmp_path, records, monkeypatch, size, exact, written):
    pledges, sections, fp = records
    if exact is not None:
        monkeypatch.setattr(store_module, "EXACT_PASSAGES", exact)  # the build's own verifying open, too
    path = build(tmp_path, pledges, sections, fp, HashingEmbedder(), derive=lambda s: derive(s, pledges, sections))
    assert {f.name.rsplit("-", 1)[0] for f in path.glob("*.npy")} == written
    assert len(list(path.glob("bm25-*"))) == 1  # the passages' BM25 index, which a start loads
    started = _start(path, exact)
    assert started.exact is (exact is None)
    quotes = collect_quotes(pledges, sections)
    got = quote_vectors(started, quotes)
    assert np.array_equal(got, HashingEmbedder().embed_documents([q.text for q in quotes]))
    sentences = sentence_index(started)
    if not started.exact:
        sentences._source = NoSentenceReads()  # every pledge vector must come from the build's file
    memory = Store(path, read_manifest(path), HashingEmbedder(), None)  # the reference: every vector in memory
    expected = pledge_vectors_of(memory, pledges, sentence_index(memory))
    assert np.array_equal(pledge_vectors_of(started, pledges, sentences), expected)
    monkeypatch.setattr(HybridSearcher, "tokens", lambda self, text: pytest.fail("a start tokenised the passages"))
    assert HybridSearcher(started)._bm25.scores["num_docs"] == len(started.passages)


def test_open_store_builds_with_the_hook_and_a_reopen_finds_the_files(tmp_path, records, monkeypatch):
    pledges, sections, fp = records
    monkeypatch.setattr(store_module, "EXACT_PASSAGES", 0)
    calls = []

    def hook(s: Store) -> None:
        calls.append(s.path.name)
        derive(s, pledges, sections)

    store, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), derive=hook)
    assert rebuilt and calls and calls[0].startswith(".build-")  # derived before the folder went live
    again, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), derive=hook)
    assert not rebuilt and len(calls) == 1 and again.path == store.path
    assert len(list(again.path.glob("*.npy"))) == 2


def test_a_build_that_dies_while_deriving_leaves_the_live_build_as_it_was(tmp_path, records):
    pledges, sections, fp = records
    live = build(tmp_path, pledges[:5], sections, records_fingerprint(pledges[:5], sections), HashingEmbedder())

    def dies(s: Store) -> None:
        quote_vectors(s, collect_quotes(pledges, sections))  # one file written into the build's folder
        raise KeyboardInterrupt  # then the process is stopped

    with pytest.raises(KeyboardInterrupt):
        build(tmp_path, pledges, sections, fp, HashingEmbedder(), derive=dies)
    assert current_build(tmp_path) == live and not list(live.glob("*.npy"))
    assert {p.name for p in tmp_path.iterdir()} == {".lock", "CURRENT", live.name}  # no half-derived folder


@pytest.mark.parametrize("torn", ["empty", "magic only", "first half", "not numpy"])
def test_a_torn_derived_file_is_computed_again_not_trusted(tmp_path, records, torn):
    pledges, sections, fp = records
    path = build(tmp_path, pledges, sections, fp, HashingEmbedder(), derive=lambda s: derive(s, pledges, sections))
    (saved,) = path.glob("quotes-*.npy")
    whole = saved.read_bytes()
    cut = {"empty": b"", "magic only": b"\x93NUMPY", "first half": whole[: len(whole) // 2], "not numpy": b"abc"}
    saved.write_bytes(cut[torn])
    store = Store(path, read_manifest(path), HashingEmbedder(), None)
    quotes = collect_quotes(pledges, sections)
    assert np.array_equal(quote_vectors(store, quotes), HashingEmbedder().embed_documents([q.text for q in quotes]))
