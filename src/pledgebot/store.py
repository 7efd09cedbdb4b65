"""The vector index: its builds, their lifecycle and search (Chroma access itself is in chroma.py).

Layout under the index folder:

    CURRENT              name of the live build (replaced atomically)
    <fingerprint>/       one Chroma PersistentClient folder per build, with manifest.json
    .lock                held while building, so two processes never build at once

A build happens in a fresh folder beside the live one and becomes live only once it is complete and
verified; a stale, missing or corrupt index is rebuilt the same way, so a half-built index never serves.
An intact index on a read-only disk still serves (from a private copy, see `_servable`); a build that
cannot write (read-only or full disk) is a StoreError saying so, and the live index keeps serving.
"""

from __future__ import annotations

import atexit
import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock

from .chroma import Space, add_all, open_space, page_size, read_all
from .embedding import Embedder
from .errors import DISK_CAUSES, StoreError, describe_os_error
from .glossary import acronyms, spell_out
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
        """Chroma's HNSW search, filtered by a `where` clause on the documents when given."""
        if docs is not None and not docs:
            return []
        where = {"doc_id": {"$in": sorted(docs)}} if docs is not None else None
        try:
            got = self._passages.query(
                query_embeddings=[vec.tolist()], n_results=max(1, min(k, len(self.passages))), where=where,
                include=["distances"],
            )
        except Exception as exc:  # noqa: BLE001 - Chroma raises its own types; the caller gets one kind
            raise StoreError(f"the index at {self.path} could not be searched: {exc}") from exc
        return [(pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    def dense_multilingual(self, query: str, k: int = 20) -> list[tuple[str, float]]:
        """(pledge id, similarity) from the multilingual collection; empty when it was not built."""
        if self._ml_vectors is None or self.ml_embedder is None:
            return []
        vec = np.asarray(self.ml_embedder.embed_query(query), dtype=np.float32)
        sims = (self._ml_vectors @ vec) / (np.linalg.norm(vec) or 1.0)
        top = np.argsort(-sims, kind="stable")[: min(k, len(self._ml_ids))]
        return [(self._ml_ids[n], float(sims[n])) for n in top]

    def vectors_for(self, texts: list[str], kind: str) -> np.ndarray:
        """`texts` embedded by the English model, kept in the build folder after the first start: texts that
        are not index documents (the printed quotes) cost an embedding run at every start otherwise (72 s at
        100,000 pledges). Keyed by the model and the texts; a read-only folder just embeds them each time."""
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
        except (OSError, ValueError):
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


@contextmanager
def _lock(index_dir: Path) -> Iterator[None]:
    """One build at a time across processes (filelock: portable, unlike fcntl)."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(index_dir / ".lock")
        lock.acquire()
    except OSError as exc:
        raise StoreError(cannot_write(index_dir, exc)) from exc
    try:
        yield
    finally:
        lock.release()


def cannot_write(index_dir: Path, exc: BaseException) -> str:
    """One line saying why the index could not be written, for a read-only or full disk above all."""
    text = str(exc).lower()
    if isinstance(exc, OSError):
        why = describe_os_error(exc)
    elif "readonly" in text or "read-only" in text:  # SQLite's words, through Chroma
        why = DISK_CAUSES[errno.EROFS]
    elif "disk is full" in text or "no space" in text:
        why = DISK_CAUSES[errno.ENOSPC]
    else:
        why = str(exc)
    return f"cannot build the index in {index_dir}: {why}; the index already there (if any) is unchanged"


def _servable(path: Path) -> Path:
    """The build folder, or a private copy of it when it cannot be written.

    Chroma opens its SQLite file read-write and refuses a read-only one ("attempt to write a readonly
    database"), yet an intact index on a read-only disk (a container image, a shared mount) must serve.
    A build is a few MB at the report's size, so a copy in the temp folder costs well under a second.
    """
    if os.access(path, os.W_OK) and all(os.access(f, os.W_OK) for f in path.glob("*.sqlite3")):
        return path
    copy = Path(tempfile.mkdtemp(prefix="pledgebot-index-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    shutil.copytree(path, copy, dirs_exist_ok=True)
    for folder, _, files in os.walk(copy):  # a read-only source gives read-only copies; Chroma must write
        os.chmod(folder, 0o700)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o600)
    log.info("the index at %s is read-only; serving a private copy", path)
    return copy


def read_manifest(path: Path) -> Manifest | None:
    """The manifest of the build at `path`, or None when it has none that reads."""
    try:
        return Manifest(**json.loads((path / "manifest.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


def current_build(index_dir: Path) -> Path | None:
    """The live build's folder, or None when there is none."""
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):  # missing, unreadable or garbage: no live build, so one is built
        return None
    if "/" in name or name.startswith("."):
        return None  # a pointer must name a build folder beside it, nothing else
    return index_dir / name if name and (index_dir / name).is_dir() else None


def build(
    index_dir: Path,
    pledges: list[Pledge],
    sections: list[Section],
    records_fp: str,
    embedder: Embedder,
    ml_embedder: Embedder | None = None,
    size: int = 3,
    stride: int = 2,
    server: str = "",
) -> Path:
    """Build a new index beside the live one, verify it, then make it live. Returns its folder.
    With `server` (a Chroma server's URL) the collections go there; the folder keeps the manifest."""
    with _lock(index_dir):
        return _build(index_dir, pledges, sections, records_fp, embedder, ml_embedder, size, stride, server)


def _build(
    index_dir: Path,
    pledges: list[Pledge],
    sections: list[Section],
    records_fp: str,
    embedder: Embedder,
    ml_embedder: Embedder | None,
    size: int,
    stride: int,
    server: str = "",
) -> Path:
    """`build`, with the lock held: any `.build-*` folder here is a dead run's (killed), so it goes first."""
    for dead in index_dir.glob(".build-*"):
        _remove(dead, server)
    fp = fingerprint(records_fp, embedder.name, ml_embedder.name if ml_embedder else None, size, stride)
    started = time.perf_counter()
    # Unique names: Chroma caches clients by path within a process, so a path is never reused.
    unique = f"{fp}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir / f".build-{unique}"
    passages = all_passages(pledges, sections, size, stride)
    key = embedding_key(embedder.name, ml_embedder.name if ml_embedder else None)
    try:
        previous = _previous_vectors(index_dir, key, server)
        tmp.mkdir(parents=True)  # first: a killed run leaves it behind, which is how its collections are found
        space = open_space(tmp, server)
        embedded, reused = _fill(space, passages, pledges, sections, embedder, ml_embedder, previous)
        del previous
        manifest = Manifest(
            fingerprint=fp,
            records=records_fp,
            model=embedder.name,
            multilingual_model=ml_embedder.name if ml_embedder else None,
            passage_sentences=size,
            passage_stride=stride,
            passages=len(passages),
            pledges=len(pledges),
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            build_seconds=round(time.perf_counter() - started, 2),
            embedding_key=key,
            embedded=embedded,
            reused=reused,
        )
        (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        del space
        Store(tmp, manifest, embedder, ml_embedder, server)  # verify it opens and is complete before it serves
        final = index_dir / unique
        os.replace(tmp, final)
        _set_current(index_dir, unique)
    except BaseException as exc:
        _remove(tmp, server)
        if _is_disk_error(exc):
            raise StoreError(cannot_write(index_dir, exc)) from exc
        raise
    for old in index_dir.iterdir():
        # dot-folders are not builds: ".models" holds the ONNX copy
        if old.is_dir() and old.name != unique and not old.name.startswith("."):
            _remove(old, server)
    return final


def _remove(folder: Path, server: str) -> None:
    """Delete a build: its folder, and its collections on the server when there is one."""
    if server:
        try:
            open_space(folder, server).drop()
        except Exception as exc:  # noqa: BLE001 - a server that fails now leaves collections, not a broken index
            log.warning("could not delete the collections of %s from %s: %s", folder.name, server, exc)
    shutil.rmtree(folder, ignore_errors=True)


def _fill(
    space: Space, passages: list[Passage], pledges: list[Pledge], sections: list[Section], embedder: Embedder,
    ml_embedder: Embedder | None, previous: dict[str, dict[str, np.ndarray]],
) -> tuple[int, int]:
    """Embed and add the three collections of a new build: passages, sentences, multilingual pledges.
    A text whose vector the previous build holds (`previous`: collection -> document -> vector) is not
    embedded again. Returns (texts embedded, vectors reused)."""
    counts = [0, 0]

    def add(name: str, model: Embedder, ids: list[str], docs: list[str], embed_texts: list[str], **extra) -> None:
        col = space.create(name, model)
        vectors, embedded = _embed_new(model, docs, embed_texts, previous.get(name, {}))
        counts[0] += embedded
        counts[1] += len(docs) - embedded
        add_all(space.client, col, ids=ids, embeddings=list(vectors), documents=docs, **extra)

    meta = [{"doc_id": p.doc_id, "kind": p.kind, "position": p.position} for p in passages]
    texts = [p.text for p in passages]
    add(PASSAGES, embedder, [p.id for p in passages], texts, texts, metadatas=meta)
    sents = all_sentences(pledges, sections)
    # Sentences answer report questions one fact at a time, often in the report's acronyms.
    meanings = acronyms()
    docs = [s[2] for s in sents]
    spelled = [spell_out(d, meanings) for d in docs]
    add(SENTENCES, embedder, [s[0] for s in sents], docs, spelled, metadatas=[{"doc_id": s[1]} for s in sents])
    if ml_embedder is not None:
        texts = [multilingual_text(p) for p in pledges]
        add(PLEDGES_ML, ml_embedder, [p.id for p in pledges], texts, texts)
    return counts[0], counts[1]


def _embed_new(
    model: Embedder, docs: list[str], texts: list[str], known: dict[str, np.ndarray]
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` (stored as `docs`), taking those `known` has by document. -> (vectors, embedded)."""
    missing = [n for n, d in enumerate(docs) if d not in known]
    if len(missing) == len(docs):  # nothing to reuse: one call, exactly as a first build embeds
        return np.asarray(model.embed_documents(texts), dtype=np.float32), len(docs)
    fresh = np.asarray(model.embed_documents([texts[n] for n in missing]), dtype=np.float32) if missing else None
    rows = [known[d] for d in docs if d in known]
    dim = fresh.shape[1] if fresh is not None else len(rows[0])
    out = np.zeros((len(docs), dim), dtype=np.float32)
    if fresh is not None:
        out[missing] = fresh
    out[[n for n, d in enumerate(docs) if d in known]] = rows
    return out, len(missing)


def _previous_vectors(index_dir: Path, key: str, server: str) -> dict[str, dict[str, np.ndarray]]:
    """The live build's vectors by collection and document, when it embedded texts as this build will
    (same `embedding_key`); empty otherwise or when it cannot be read (everything is embedded then)."""
    live = current_build(index_dir)
    manifest = read_manifest(live) if live is not None else None
    if live is None or manifest is None or manifest.embedding_key != key:
        return {}
    try:
        space = open_space(live, server)
        out = {}
        for name in space.names():
            got = read_all(space.client, space.get(name), ["documents", "embeddings"])
            out[name] = dict(zip(got["documents"], got["embeddings"], strict=True))
        return out
    except Exception as exc:  # noqa: BLE001 - any damage only costs the reuse
        log.warning("the previous index cannot be reused (%s); embedding everything", exc)
        return {}


def _is_disk_error(exc: BaseException) -> bool:
    """Whether a failed build could not write (Chroma reports SQLite's errors as its own types)."""
    if isinstance(exc, OSError):
        return True
    text = str(exc).lower()
    return any(w in text for w in ("readonly database", "disk is full", "no space left", "read-only file system"))


def _set_current(index_dir: Path, name: str) -> None:
    tmp = index_dir / f".CURRENT.{os.getpid()}"
    tmp.write_text(name + "\n")
    os.replace(tmp, index_dir / "CURRENT")


def open_store(
    index_dir: Path,
    pledges: list[Pledge],
    sections: list[Section],
    records_fp: str,
    embedder: Embedder,
    ml_embedder: Embedder | None = None,
    size: int = 3,
    stride: int = 2,
    rebuild: bool = True,
    server: str = "",
) -> tuple[Store, bool]:
    """Open the live index if it matches the records and settings; else (re)build it. -> (store, rebuilt).
    With `server`, the collections are on that Chroma server (see `build`)."""
    fp = fingerprint(records_fp, embedder.name, ml_embedder.name if ml_embedder else None, size, stride)
    live = current_build(index_dir)
    if live is not None and (manifest := read_manifest(live)) and manifest.fingerprint == fp:
        try:
            # on a server only the manifest is read here: no private copy is needed on a read-only disk
            return Store(live if server else _servable(live), manifest, embedder, ml_embedder, server), False
        except (StoreError, OSError):
            if not rebuild:
                raise
    elif not rebuild:
        msg = f"no index matching the records at {index_dir}; run `pledgebot index build`"
        raise StoreError(msg)
    with _lock(index_dir):
        live = current_build(index_dir)  # another process may have built it while we waited
        if live is not None and (manifest := read_manifest(live)) and manifest.fingerprint == fp:
            try:
                return Store(live, manifest, embedder, ml_embedder, server), False
            except StoreError:
                pass
        # measured: 0.6-0.7 s a pledge on two cores (benchmarks/results/scale.md); reused texts cost nothing
        log.info(
            "building the index of %d pledges in %s: texts the live build embedded are reused, each new pledge "
            "takes about a second on two CPU cores",
            len(pledges),
            index_dir,
        )
        path = _build(index_dir, pledges, sections, records_fp, embedder, ml_embedder, size, stride, server)
        log.info("index ready")
        manifest = read_manifest(path)
        assert manifest is not None  # noqa: S101 - just written by build()
        return Store(path, manifest, embedder, ml_embedder, server), True
