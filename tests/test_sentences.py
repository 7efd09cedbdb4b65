"""The sentence index (answer/sentences.py) with its vectors in memory and read on demand from Chroma.

A large index leaves its sentence vectors in Chroma (`Store.exact` false) and the sentence index reads the
records a question touches, keeping a bounded cache. Here a small real Chroma index is opened both ways (the
large-index path forced with `exact_passages=0`) and every method the answers use must return the same
sentences, vectors and scores; then the real bot answers the same with its sentences read on demand.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from tiny import CALIBRATION  # fitted for no embedder in particular: these bots are only assembled

from pledgebot.answer.compare import pledge_vectors
from pledgebot.answer.sentences import SentenceIndex, SentenceWeights
from pledgebot.builds import open_store
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.pipeline import PledgeBot
from pledgebot.store import Store

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = SentenceWeights(word_weight=0.3, figure_bonus=0.1, second_within=0.05)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """(the records, the index opened as a small one: vectors in memory, the same index opened as a large one)."""
    folder = records_dir(ROOT / "corpus")
    pledges = read_pledges(folder / "pledges.jsonl")[:12]
    sections = read_sections(folder / "sections.jsonl")[:4]
    memory, _ = open_store(
        tmp_path_factory.mktemp("index"), pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder()
    )
    lazy = Store(memory.path, memory.manifest, memory.embedder, None, exact_passages=0)
    return pledges, sections, memory, lazy


class Counting:
    """A vector source that counts what it is asked to read."""

    def __init__(self, store: Store) -> None:
        self.store, self.reads = store, []

    def sentence_vectors_of(self, doc_ids):
        self.reads.append(list(doc_ids))
        return self.store.sentence_vectors_of(doc_ids)


def _indexes(stores, cached: int) -> tuple[SentenceIndex, SentenceIndex]:
    _, _, memory, lazy = stores
    return (
        SentenceIndex(memory.sentence_docs, memory.sentence_texts, memory.sentence_vectors),
        SentenceIndex(lazy.sentence_docs, lazy.sentence_texts, lazy, cached_records=cached),
    )


@pytest.mark.parametrize("cached", [1, 3, 4096])
@pytest.mark.parametrize(
    "call",
    [
        ("content_rows", lambda s, d, q: s.content_rows(d)),
        ("max_similarity", lambda s, d, q: s.max_similarity(d, q)),
        ("best", lambda s, d, q: s.best(d, q, {"refugees", "housing"}, WEIGHTS)),
        ("best with figures", lambda s, d, q: s.best(d, q, {"migrants"}, WEIGHTS, numbers=True)),
        ("best without a vector", lambda s, d, q: s.best(d, None, {"city"}, WEIGHTS)),
        ("vectors of its rows", lambda s, d, q: s.vectors_of(s.content_rows(d)).tolist()),
        ("first", lambda s, d, q: s.first(d)),
        ("first_where", lambda s, d, q: s.first_where(d, lambda t: "the" in t)),
        ("texts_of", lambda s, d, q: s.texts_of(d)),
    ],
    ids=lambda c: c[0] if isinstance(c, tuple) else None,
)
def test_every_method_answers_alike_in_memory_and_on_demand(stores, cached, call):
    pledges, sections, memory_store, _ = stores
    memory, lazy = _indexes(stores, cached)
    qvec = memory_store.embedder.embed_query("housing and jobs for refugees in the city")
    _, method = call
    for rec in [*pledges, *sections, pledges[0]]:  # the first again: from the cache, or read again
        assert method(lazy, rec.id, qvec) == method(memory, rec.id, qvec)
    assert len(lazy.cached()) <= cached and memory.cached() == []


@pytest.mark.parametrize("cached", [1, 5, 4096])
def test_batches_and_means_are_the_same_in_memory_and_on_demand(stores, cached):
    pledges, sections, memory_store, _ = stores
    memory, lazy = _indexes(stores, cached)
    qvec = memory_store.embedder.embed_query("language courses")
    ids = [r.id for r in [*sections, *pledges]]
    assert lazy.max_similarities(ids, qvec) == memory.max_similarities(ids, qvec)
    rows = memory.content_rows(pledges[1].id)[:2] + memory.content_rows(sections[0].id)  # rows of two records
    assert np.array_equal(lazy.vectors_of(rows), memory.vectors_of(rows))
    assert np.array_equal(pledge_vectors(pledges, lazy), pledge_vectors(pledges, memory))
    assert len(lazy.cached()) <= cached


# (cache bound, records touched one question after another, records read per question, cached at the end)
CACHE_CASES = [
    (2, [["a"], ["b"], ["a"]], [["a"], ["b"], []], ["b", "a"]),  # a hit reads nothing and becomes the newest
    (2, [["a"], ["b"], ["c"], ["a"]], [["a"], ["b"], ["c"], ["a"]], ["c", "a"]),  # the oldest goes first
    (2, [["a", "b", "c"]], [["a", "b", "c"]], ["b", "c"]),  # more than the bound at once: read in one go
    (3, [["a", "b"], ["b", "c"], ["d"]], [["a", "b"], ["c"], ["d"]], ["b", "c", "d"]),
    (1, [["a"], ["a"], ["b"], ["b"]], [["a"], [], ["b"], []], ["b"]),
    (9, [["a", "zzz"], ["zzz"]], [["a"], []], ["a"]),  # a record with no sentence is neither read nor cached
]


@pytest.mark.parametrize(("bound", "questions", "reads", "cached"), CACHE_CASES)
def test_the_cache_is_bounded_and_reads_only_what_it_lacks(stores, bound, questions, reads, cached):
    pledges, sections, _, lazy = stores
    ids = {"a": pledges[0].id, "b": pledges[1].id, "c": sections[0].id, "d": pledges[2].id, "zzz": "no-such-record"}
    source = Counting(lazy)
    index = SentenceIndex(lazy.sentence_docs, lazy.sentence_texts, source, cached_records=bound)
    for touched in questions:
        index.warm(ids[x] for x in touched)
    assert source.reads == [[ids[x] for x in r] for r in reads if r]
    assert index.cached() == [ids[x] for x in cached]


def test_a_large_index_keeps_the_pledge_vectors_it_computed_at_the_first_start(stores):
    pledges, sections, memory_store, lazy = stores
    first = PledgeBot.from_parts(pledges, sections, lazy, calibration=CALIBRATION)
    saved = list(lazy.path.glob("pledge-vectors-*.npy"))
    assert len(saved) == 1
    in_memory = PledgeBot.from_parts(pledges, sections, memory_store, calibration=CALIBRATION)
    assert np.array_equal(first.res.pledge_vectors, in_memory.res.pledge_vectors)
    np.save(saved[0], np.asarray(first.res.pledge_vectors) * 2)  # what a second start reads, not recomputes
    again = PledgeBot.from_parts(pledges, sections, lazy, calibration=CALIBRATION)
    assert np.array_equal(again.res.pledge_vectors, first.res.pledge_vectors * 2)
    saved[0].unlink()


# one question of each kind the answers have, on the real corpus and model
QUESTIONS = [
    "Which pledges are about mental health care for refugees?",
    "Who helps migrants find a job?",
    "Show me the pledges from Italy",
    "How many pledges come from Europe?",
    "Is there a quote from a mayor about welcoming refugees?",
    "Which other cities run a welcoming plan like Lancaster's?",
    "¿Qué municipios dan empleo a los refugiados?",
    "How many cities signed the Call to Local Action?",
    "What does LRG stand for?",
    "Which pledges mention Kampala?",
]


def test_the_real_bot_answers_the_same_with_its_sentences_read_on_demand(bot):
    res = bot.res
    store = res.store
    lazy = SentenceIndex(store.sentence_docs, store.sentence_texts, store, cached_records=50)
    on_demand = PledgeBot(
        dataclasses.replace(res, sentences=lazy, pledge_vectors=pledge_vectors(res.pledges, lazy)),
        bot.understander,
        source_file=bot.source_file,
        reports=bot.reports,
    )
    assert np.array_equal(on_demand.res.pledge_vectors, res.pledge_vectors)
    for q in QUESTIONS:
        a, b = bot.ask(q), on_demand.ask(q)
        assert dataclasses.replace(b, timings_ms={}) == dataclasses.replace(a, timings_ms={}), q
    assert 0 < len(lazy.cached()) <= 50
