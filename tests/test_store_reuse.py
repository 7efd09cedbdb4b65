"""Incremental builds: a text whose vector the live build holds is not embedded again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pledgebot.builds import build, read_manifest
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.store import Store

ROOT = Path(__file__).resolve().parents[1]


class Counting(HashingEmbedder):
    """The hashing fake, counting the texts it is asked to embed."""

    def __init__(self, name: str = "hashing-test") -> None:
        super().__init__()
        self.name = name
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return super().embed_documents(texts)


@pytest.fixture(scope="module")
def records():
    folder = records_dir(ROOT / "corpus")
    return read_pledges(folder / "pledges.jsonl")[:10], read_sections(folder / "sections.jsonl")[:3]


def built(index: Path, pledges, sections, english: Counting, ml: Counting) -> Store:
    path = build(index, pledges, sections, records_fingerprint(pledges, sections), english, ml)
    manifest = read_manifest(path)
    assert manifest is not None
    return Store(path, manifest, english, ml)


def vectors(store: Store) -> dict[str, np.ndarray]:
    out = {p.id: store._passage_vectors[n] for n, p in enumerate(store.passages)}
    return out | dict(zip(store.sentence_ids, store.sentence_vectors, strict=True))


def test_adding_two_pledges_embeds_only_their_texts(tmp_path, records):
    pledges, sections = records
    english, ml = Counting(), Counting("hashing-test-ml")
    first = built(tmp_path, pledges[:8], sections, english, ml)
    assert first.manifest.reused == 0 and first.manifest.embedded == english.texts + ml.texts

    english.texts = ml.texts = 0
    second = built(tmp_path, pledges, sections, english, ml)
    new = [p for p in pledges[8:]]
    new_passages = [p for p in second.passages if p.doc_id in {x.id for x in new}]
    new_sentences = [s for s in second.sentence_docs if s in {x.id for x in new}]
    assert ml.texts == 2  # one multilingual text per new pledge
    assert english.texts == len(new_passages) + len(new_sentences)
    assert second.manifest.embedded == english.texts + ml.texts and second.manifest.reused > english.texts

    # and the result is the index a build from nothing makes
    scratch = built(tmp_path / "scratch", pledges, sections, Counting(), Counting("hashing-test-ml"))
    mine, theirs = vectors(second), vectors(scratch)
    assert mine.keys() == theirs.keys() and all(np.allclose(mine[k], theirs[k]) for k in mine)


def test_the_same_records_again_embed_nothing_and_other_models_reuse_nothing(tmp_path, records):
    pledges, sections = records
    built(tmp_path, pledges, sections, Counting(), Counting("hashing-test-ml"))
    english, ml = Counting(), Counting("hashing-test-ml")
    again = built(tmp_path, pledges, sections, english, ml)  # a forced rebuild
    assert english.texts == ml.texts == 0 and again.manifest.embedded == 0

    changed = [replace(pledges[0], description=pledges[0].description + " It adds one sentence."), *pledges[1:]]
    other = built(tmp_path, changed, sections, Counting("hashing-other"), Counting("hashing-test-ml"))
    assert other.manifest.reused == 0  # vectors of another model are never mixed in
