"""The index's life cycle with a small fake embedder: build, reuse, stale, corrupt, failed builds."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from disks import fill, read_only_view, small_disk

from pledgebot import chroma
from pledgebot.builds import current_build, open_store
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.errors import StoreError
from pledgebot.store import Manifest, Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records():
    folder = records_dir(ROOT / "corpus")
    pledges = read_pledges(folder / "pledges.jsonl")[:8]
    sections = read_sections(folder / "sections.jsonl")[:3]
    return pledges, sections, records_fingerprint(pledges, sections)


def test_build_then_reuse(tmp_path, records):
    pledges, sections, fp = records
    store, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    assert rebuilt and store.manifest.pledges == 8 and len(store.passages) == store.manifest.passages
    again, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    assert not rebuilt and again.path == store.path
    hits = again.dense("one stop shop for migrants", k=3)
    assert len(hits) == 3 and all(-1.0 <= s <= 1.0001 for _, s in hits)


def test_stale_records_or_settings_rebuild(tmp_path, records):
    pledges, sections, fp = records
    first, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    fewer = pledges[:5]
    second, rebuilt = open_store(tmp_path, fewer, sections, records_fingerprint(fewer, sections), HashingEmbedder())
    assert rebuilt and second.manifest.pledges == 5 and second.path != first.path
    assert not first.path.exists()  # the old build is cleaned up once the new one is live
    third, rebuilt = open_store(
        tmp_path, fewer, sections, records_fingerprint(fewer, sections), HashingEmbedder(), size=2
    )
    assert rebuilt and third.manifest.passage_sentences == 2


def test_corrupt_index_is_rebuilt(tmp_path, records):
    pledges, sections, fp = records
    store, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    manifest = json.loads((store.path / "manifest.json").read_text())
    manifest["passages"] += 1  # a manifest that no longer matches what Chroma holds
    (store.path / "manifest.json").write_text(json.dumps(manifest))
    again, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    assert rebuilt and len(again.passages) == again.manifest.passages


def test_unreadable_index_is_rebuilt(tmp_path, records):
    pledges, sections, fp = records
    store, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    for f in store.path.glob("*.sqlite3"):
        f.write_bytes(b"this is not a database")
    again, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    assert rebuilt and len(again.passages) > 0


@pytest.mark.parametrize("pointer", [b"\xff\xfe\x00garbage", b"../elsewhere", b"", b"no-such-build"])
def test_a_bad_current_pointer_rebuilds(tmp_path, records, pointer):
    pledges, sections, fp = records
    open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    (tmp_path / "CURRENT").write_bytes(pointer)
    assert current_build(tmp_path) is None
    again, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    assert rebuilt and len(again.passages) > 0 and current_build(tmp_path) == again.path


class _Failing(HashingEmbedder):
    name = "hashing-test-failing"  # another model: nothing of the live build is reused, so it must embed

    def embed_documents(self, texts):
        if len(texts) > 1:
            raise RuntimeError("model crashed mid-build")
        return super().embed_documents(texts)


def test_failed_build_leaves_the_live_index_serving(tmp_path, records):
    pledges, sections, fp = records
    good, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    with pytest.raises(RuntimeError, match="mid-build"):
        open_store(tmp_path, pledges[:4], sections, records_fingerprint(pledges[:4], sections), _Failing())
    assert current_build(tmp_path) == good.path
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]  # no half-built folder left
    again, rebuilt = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    assert not rebuilt and again.path == good.path


def test_no_rebuild_mode_reports_a_missing_index(tmp_path, records):
    pledges, sections, fp = records
    with pytest.raises(StoreError, match="pledgebot index build"):
        open_store(tmp_path, pledges, sections, fp, HashingEmbedder(), rebuild=False)


def test_sentences_are_stored_in_text_order(tmp_path, records):
    pledges, sections, fp = records
    store, _ = open_store(tmp_path, pledges, sections, fp, HashingEmbedder())
    first = [t for d, t in zip(store.sentence_docs, store.sentence_texts, strict=True) if d == pledges[0].id]
    assert pledges[0].description.startswith(first[0])
    assert store.sentence_vectors.shape == (len(store.sentence_texts), HashingEmbedder().dim)
    assert np.allclose(np.linalg.norm(store.sentence_vectors[0]), 1.0, atol=1e-5)


def test_an_intact_index_on_a_read_only_disk_serves(tmp_path, records):
    pledges, sections, fp = records
    built, _ = open_store(tmp_path / "index", pledges, sections, fp, HashingEmbedder())
    before = sorted((f.relative_to(tmp_path), f.stat().st_mtime_ns) for f in (tmp_path / "index").rglob("*"))
    with read_only_view(tmp_path / "index", tmp_path / "ro") as ro:
        store, rebuilt = open_store(ro, pledges, sections, fp, HashingEmbedder())
        assert not rebuilt and store.dense("one stop shop", k=2)
        with pytest.raises(StoreError, match="read-only"):  # a build cannot happen there: said, not a traceback
            open_store(ro, pledges[:3], sections, records_fingerprint(pledges[:3], sections), HashingEmbedder())
    assert sorted((f.relative_to(tmp_path), f.stat().st_mtime_ns) for f in (tmp_path / "index").rglob("*")) == before


def test_a_full_disk_fails_the_build_with_a_message_and_the_old_index_serves(tmp_path, records):
    pledges, sections, fp = records
    with small_disk(tmp_path / "disk", "8m") as disk:
        good, _ = open_store(disk, pledges, sections, fp, HashingEmbedder())
        fill(disk)
        with pytest.raises(StoreError, match="disk is full"):
            open_store(disk, pledges[:3], sections, records_fingerprint(pledges[:3], sections), HashingEmbedder())
        (disk / "ballast").unlink()
        assert not [p for p in disk.iterdir() if p.name.startswith(".build-")]
        again, rebuilt = open_store(disk, pledges, sections, fp, HashingEmbedder())
        assert not rebuilt and again.path == good.path


BUILD_ALL = """
import sys
from pathlib import Path
from pledgebot import chroma
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.builds import build
folder = records_dir(Path(sys.argv[2]))
pledges, sections = read_pledges(folder / "pledges.jsonl"), read_sections(folder / "sections.jsonl")
print("building", flush=True)
build(Path(sys.argv[1]), pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder())
"""


@pytest.mark.slow
def test_killing_an_index_build_never_stops_the_index_serving(tmp_path, records):
    """kill -9 at several moments of a real build (Chroma, files, pointer swap): a whole build always serves."""
    pledges, sections, fp = records
    index = tmp_path / "index"
    open_store(index, pledges, sections, fp, HashingEmbedder())  # the live build the killed ones would replace
    script = tmp_path / "build_all.py"
    script.write_text(BUILD_ALL)
    cmd = [sys.executable, str(script), str(index), str(ROOT / "corpus")]
    everything = len(read_pledges(records_dir(ROOT / "corpus") / "pledges.jsonl"))
    kinds, torn = set(), 0
    for delay in (0.0, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3):  # after the imports; a build takes about 1.5 s
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout.readline().strip() == "building"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        torn += any(p.name.startswith(".build-") for p in index.iterdir())
        live = current_build(index)
        manifest = json.loads((live / "manifest.json").read_text())
        store = Store(live, Manifest(**manifest), HashingEmbedder(), None)  # opens whole, or raises
        assert len(store.passages) == manifest["passages"] and store.dense("housing", k=1)
        kinds.add(manifest["pledges"])
    assert torn >= 4  # most kills landed mid-build, leaving a dead run's folder behind
    assert kinds <= {len(pledges), everything}
    assert subprocess.run(cmd, capture_output=True, timeout=120, check=False).returncode == 0
    left = {p.name for p in index.iterdir()}
    # dead runs' folders and the old build are gone (not by sorted position: a build's name may start with a digit)
    assert {".lock", "CURRENT"} <= left and len(left) == 3 and current_build(index).name in left


# -- a large index: sentence vectors stay in Chroma and are read per record --------------------------------------


@pytest.fixture(scope="module")
def both(tmp_path_factory, records) -> tuple[Store, Store]:
    """One small index opened as it is (vectors in memory) and as a large one would be (`exact_passages=0`)."""
    pledges, sections, fp = records
    memory, _ = open_store(tmp_path_factory.mktemp("index"), pledges, sections, fp, HashingEmbedder())
    return memory, Store(memory.path, memory.manifest, memory.embedder, None, exact_passages=0)


def test_a_large_index_reads_no_sentence_vector_at_open(both):
    memory, lazy = both
    assert memory.exact and memory.sentence_vectors is not None
    assert not lazy.exact and lazy.sentence_vectors is None
    assert (lazy.sentence_ids, lazy.sentence_docs, lazy.sentence_texts) == (
        memory.sentence_ids, memory.sentence_docs, memory.sentence_texts
    )  # fmt: skip


def _some(pledges, sections) -> dict[str, list[str]]:
    return {
        "one pledge": [pledges[0].id],
        "a section": [sections[1].id],
        "several, out of order": [pledges[5].id, sections[0].id, pledges[2].id, pledges[5].id],
        "every record": [r.id for r in [*pledges, *sections]],
        "an unknown record": ["no-such-record", pledges[3].id],
        "none": [],
    }


@pytest.mark.parametrize("page", [1, 2, 7, 100_000])
@pytest.mark.parametrize("which", ["one pledge", "a section", "several, out of order", "every record", "an unknown record", "none"])
def test_the_store_reads_each_records_sentence_vectors_in_text_order(both, records, monkeypatch, page, which):
    pledges, sections, _ = records
    memory, lazy = both
    monkeypatch.setattr(chroma, "PAGE", page)  # smaller than the records asked for: several pages each way
    docs = _some(pledges, sections)[which]
    got = lazy.sentence_vectors_of(docs)
    known = {d for d in docs if d in memory.sentence_docs}
    assert set(got) == known
    for d in known:
        rows = [n for n, x in enumerate(memory.sentence_docs) if x == d]
        assert np.array_equal(got[d], memory.sentence_vectors[rows])
