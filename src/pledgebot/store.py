"""The vector index as opened: passages, sentences and multilingual pledges, and their search. An index's
builds and their lifecycle (build beside, verify, atomic swap, lock) are builds.py; Chroma access is chroma.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chroma import open_space, page_size, read_all
from .embedding import Embedder
from .errors import StoreError
from .glossary import acronyms
from .passages import pledge_passages, section_passages, sentences
from .records import Passage, Pledge, Section

# Up to this many passages, search is exact cosine in numpy over vectors read at start (never varies; the
# 77-pledge corpus has 421); beyond, Chroma's HNSW searches them and their vectors stay out of memory (at
# 100,000 pledges exact search needs every vector in RAM; Chroma's top-80 took 3.2 ms embedded).
EXACT_PASSAGES = 20_000
PASSAGES = "passages"
PLEDGES_ML = "pledges-multilingual"
SENTENCES = "sentences"
INDEX_VERSION = 3
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Manifest:
    """What an index build contains; its fingerprint decides whether it is stale."""

    fingerprint: str
    records: str
    model: str
    multilingual_model: str | None
    passage_sentences: int
    passage_stride: int
    passages: int
    pledges: int
    built_at: str
    build_seconds: float
    embedding_key: str = ""  # builds with the same key embed a text alike: their vectors can be reused
    embedded: int = 0  # texts this build embedded
    reused: int = 0  # vectors it took from the build before (records unchanged since)


def fingerprint(records: str, model: str, multilingual: str | None, size: int, stride: int) -> str:
    """Hash of everything an index depends on: records, models, passage settings, index format."""
    key = json.dumps([INDEX_VERSION, records, model, multilingual, size, stride, acronyms()])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def embedding_key(model: str, multilingual: str | None) -> str:
    """What decides the vector of a given text: the models, the index format and the acronyms spelled out."""
    key = json.dumps([INDEX_VERSION, model, multilingual, acronyms()])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def all_passages(pledges: list[Pledge], sections: list[Section], size: int, stride: int) -> list[Passage]:
    out: list[Passage] = []
    for p in pledges:
        out.extend(pledge_passages(p, size, stride))
    for s in sections:
        out.extend(section_passages(s, size, stride))
    return out


def all_sentences(pledges: list[Pledge], sections: list[Section]) -> list[tuple[str, str, str]]:
    """(sentence id, doc id, sentence) for every description and section: the units quoted in answers."""
    out = []
    for rec in [*pledges, *sections]:
        text = rec.description if isinstance(rec, Pledge) else rec.text
        out.extend((f"{rec.id}@{n}", rec.id, s) for n, s in enumerate(sentences(text)))
    return out


def multilingual_text(p: Pledge) -> str:
    """The text embedded per pledge for non-English questions (e5 reads ~512 tokens)."""
    return f"{p.submitter} ({p.country}): {p.title}. {p.description}"


class Store:
    """An opened index: passages, their Chroma collection, and the optional multilingual collection."""

    def __init__(
        self,
        path: Path,
        manifest: Manifest,
        embedder: Embedder,
        ml_embedder: Embedder | None,
        server: str = "",
        exact_passages: int | None = None,
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.embedder = embedder
        self.ml_embedder = ml_embedder
        try:
            self._space = space = open_space(path, server)
            self._passages = space.get(PASSAGES, embedder)
            ml = space.get(PLEDGES_ML, ml_embedder) if ml_embedder is not None and manifest.multilingual_model else None
            # one vector per pledge: exact search in numpy, like the passages, without a count per query
            ml_got = read_all(space.client, ml, ["embeddings"]) if ml is not None else None
            # a large index is searched by Chroma itself: its passage vectors stay there, not in this process
            # (`exact_passages`: another threshold than EXACT_PASSAGES, read here rather than bound at import)
            self.exact = manifest.passages <= (EXACT_PASSAGES if exact_passages is None else exact_passages)
            fields = ["documents", "metadatas", "embeddings"] if self.exact else ["documents", "metadatas"]
            got = read_all(space.client, self._passages, fields)
        except StoreError:
            raise
        except Exception as exc:  # Chroma raises many types for a damaged folder
            msg = f"index at {path} is unreadable: {exc}"
            raise StoreError(msg) from exc
        if len(got["ids"]) != manifest.passages:
            msg = f"index at {path} holds {len(got['ids'])} passages, its manifest says {manifest.passages}"
            raise StoreError(msg)
        self.passages = [
            Passage(pid, meta["doc_id"], meta["kind"], doc, int(meta["position"]))
            for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        self.by_id = {p.id: p for p in self.passages}
        self._doc_passages: dict[str, list[str]] = {}  # record -> its passage ids, for searches of a few records
        for p in self.passages:
            self._doc_passages.setdefault(p.doc_id, []).append(p.id)
        # Exact search over a few hundred passages is faster than the approximate index and never varies.
        self._passage_vectors = _unit(got["embeddings"]) if self.exact else None  # unit length once, not per query
        self._ml_ids = list(ml_got["ids"]) if ml_got is not None else []
        self._ml_vectors = _unit(ml_got["embeddings"]) if ml_got is not None else None
        self._read_sentences()

    def _read_sentences(self) -> None:
        """Every sentence's id, record and text, in text order; their vectors too when the index is small. A
        large index (one Chroma searches, `exact` false) keeps its sentence vectors there, like its passage
        vectors: answers read the few records a question touches (`sentence_vectors_of`), so a start neither
        waits for nor holds every sentence vector (55,194 of them at 10,000 pledges)."""
        fields = ["documents", "metadatas", "embeddings"] if self.exact else ["documents", "metadatas"]
        try:
            self._sentences = self._space.get(SENTENCES, self.embedder)
            got = read_all(self._space.client, self._sentences, fields)
        except Exception as exc:
            msg = f"index at {self.path} is unreadable: {exc}"
            raise StoreError(msg) from exc
        order = sorted(range(len(got["ids"])), key=lambda n: _sentence_key(got["ids"][n]))
        self.sentence_ids = [got["ids"][n] for n in order]
        self.sentence_docs = [got["metadatas"][n]["doc_id"] for n in order]
        self.sentence_texts = [got["documents"][n] for n in order]
        self._sentence_rows: dict[str, list[int]] = {}  # record -> its rows, in text order
        for n, d in enumerate(self.sentence_docs):
            self._sentence_rows.setdefault(d, []).append(n)
        self.sentence_vectors: np.ndarray | None = None
        if self.exact:
            vectors = np.asarray(got["embeddings"], dtype=np.float32)
            self.sentence_vectors = vectors[order] if order else np.zeros((0, 1))

    def sentence_vectors_of(self, doc_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The sentence vectors of these records read from Chroma, each record's in text order (its rows in
        `sentence_ids`); a record with no sentence is left out. By id, a page of ids per `get` (one naming
        every id binds more SQL variables than SQLite allows): at 10,000 pledges a `get` of one record's ids
        took 4 ms, a `where` on its record 15 ms."""
        wanted = [d for d in dict.fromkeys(doc_ids) if d in self._sentence_rows]
        ids = [self.sentence_ids[n] for d in wanted for n in self._sentence_rows[d]]
        step = page_size(self._space.client)
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), step):
            try:
                got = self._sentences.get(ids=ids[start : start + step], include=["embeddings"])
            except Exception as exc:  # noqa: BLE001 - Chroma raises its own types; the caller gets one kind
                raise StoreError(f"the index at {self.path} could not be read: {exc}") from exc
            found |= dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        if len(found) < len(ids):
            missing = next(i for i in ids if i not in found)
            raise StoreError(f"the index at {self.path} has lost sentence {missing!r}")
        return {d: np.stack([found[self.sentence_ids[n]] for n in self._sentence_rows[d]]) for d in wanted}

    def dense(
        self, query: str | np.ndarray, k: int = 50, docs: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the k nearest passages (with `docs`: of those documents' only,
        when Chroma searches; the exact search scores every passage and leaves filtering to the caller)."""
        vec = np.asarray(self.embedder.embed_query(query) if isinstance(query, str) else query, dtype=np.float32)
        if self._passage_vectors is None:
            return self._dense_chroma(vec, k, docs)
        sims = (self._passage_vectors @ vec) / (np.linalg.norm(vec) or 1.0)
        top = np.argsort(-sims, kind="stable")[: min(k, len(self.passages))]
        return [(self.passages[n].id, float(sims[n])) for n in top]

    def _dense_chroma(self, vec: np.ndarray, k: int, docs: set[str] | None) -> list[tuple[str, float]]:
        """Chroma's HNSW search; for given documents, their passages' vectors read by id and scored exactly."""
        if docs is not None:
            return self._dense_of(vec, k, docs)
        try:
            got = self._passages.query(
                query_embeddings=[vec.tolist()], n_results=max(1, min(k, len(self.passages))), include=["distances"]
            )
        except Exception as exc:  # noqa: BLE001 - Chroma raises its own types; the caller gets one kind
            raise StoreError(f"the index at {self.path} could not be searched: {exc}") from exc
        return [(pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    def _dense_of(self, vec: np.ndarray, k: int, docs: set[str]) -> list[tuple[str, float]]:
        """The k passages of `docs` most similar to `vec`, every one of them scored: their vectors read by id, a
        page at a time. A `where` on the documents made HNSW search them (43 ms for a comparison's 300
        candidates at 10,000 pledges, and it missed one of their 1,033 passages); by id took 28 ms, all found."""
        ids = [pid for d in sorted(docs) for pid in self._doc_passages.get(d, [])]
        step = page_size(self._space.client)
        rows, vectors = [], []
        for start in range(0, len(ids), step):
            try:
                got = self._passages.get(ids=ids[start : start + step], include=["embeddings"])
            except Exception as exc:  # noqa: BLE001 - Chroma raises its own types; the caller gets one kind
                raise StoreError(f"the index at {self.path} could not be read: {exc}") from exc
            rows += got["ids"]
            vectors.append(_unit(got["embeddings"]))
        if not rows:
            return []
        sims = (np.concatenate(vectors) @ vec) / (np.linalg.norm(vec) or 1.0)
        top = np.argsort(-sims, kind="stable")[: min(k, len(rows))]
        return [(rows[n], float(sims[n])) for n in top]

    def dense_multilingual(self, query: str, k: int = 20) -> list[tuple[str, float]]:
        """(pledge id, similarity) from the multilingual collection; empty when it was not built."""
        if self._ml_vectors is None or self.ml_embedder is None:
            return []
        vec = np.asarray(self.ml_embedder.embed_query(query), dtype=np.float32)
        sims = (self._ml_vectors @ vec) / (np.linalg.norm(vec) or 1.0)
        top = np.argsort(-sims, kind="stable")[: min(k, len(self._ml_ids))]
        return [(self._ml_ids[n], float(sims[n])) for n in top]

    def vectors_for(self, texts: list[str], kind: str) -> np.ndarray:
        """`texts` embedded by the English model, kept in the build folder (written by the build, `derived.py`):
        texts that are not index documents (the printed quotes) cost an embedding run at every start otherwise
        (72 s at 100,000 pledges). Keyed by the model and the texts; a read-only folder just embeds them each time."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        key = "\n".join([self.embedder.name, *texts])
        return self.saved(
            kind, key, len(texts), lambda: np.asarray(self.embedder.embed_documents(texts), dtype=np.float32)
        )

    def saved(self, kind: str, key: str, rows: int, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """`compute()` (a matrix of `rows` rows), saved in the build folder under `kind` and a hash of `key` the
        first time and loaded from there after: for what a start would otherwise recompute from the whole index.
        A build folder never changes, so the key need only name what else the result depends on."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        saved = self.path / f"{kind}-{digest}.npy"
        try:
            vectors = np.load(saved, allow_pickle=False)
            if vectors.shape[0] == rows:
                return vectors
        except (OSError, ValueError, EOFError):  # an empty file (a write cut short) is an EOFError
            pass  # not saved yet, or damaged: compute again
        vectors = compute()
        tmp = saved.with_name(f".{saved.name}-{uuid.uuid4().hex[:8]}.npy")
        try:
            np.save(tmp, vectors, allow_pickle=False)
            os.replace(tmp, saved)
        except OSError:
            tmp.unlink(missing_ok=True)
        return vectors


def _unit(embeddings) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero), so a dot product is the cosine similarity."""
    vectors = np.asarray(embeddings, dtype=np.float32)
    if not len(vectors):
        return np.zeros((0, 1), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _sentence_key(sid: str) -> tuple[str, int]:
    doc, _, n = sid.rpartition("@")
    return doc, int(n)
