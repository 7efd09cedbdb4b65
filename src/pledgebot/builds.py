"""An index's builds and their lifecycle: build beside the live one, verify, swap in atomically, lock; open
the live build or (re)build it. The opened index and its search are store.py; Chroma access is chroma.py.

Layout under the index folder:

    CURRENT              name of the live build (replaced atomically)
    <fingerprint>/       one Chroma PersistentClient folder per build, with manifest.json and what a start
                         derives from it (`derive`: quote and pledge vectors), written before it goes live
    .lock                held while building, so two processes never build at once

A build happens in a fresh folder beside the live one and becomes live only once it is complete and
verified; a stale, missing or corrupt index is rebuilt the same way, so a half-built index never serves.
An intact index on a read-only disk still serves (from a private copy, see `_servable`); a build that
cannot write (read-only or full disk) is a StoreError saying so, and the live index keeps serving.
"""

from __future__ import annotations

import atexit
import errno
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
from filelock import FileLock

from .chroma import Space, add_all, open_space, read_all
from .embedding import Embedder
from .errors import DISK_CAUSES, StoreError, describe_os_error
from .glossary import acronyms, spell_out
from .records import Passage, Pledge, Section
from .store import (
    PASSAGES,
    PLEDGES_ML,
    SENTENCES,
    Manifest,
    Store,
    all_passages,
    all_sentences,
    embedding_key,
    fingerprint,
    multilingual_text,
)

log = logging.getLogger(__name__)
Derive = Callable[[Store], object]  # writes into a verified build's folder what its starts read


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
    derive: Derive | None = None,
) -> Path:
    """Build a new index beside the live one, verify it, then make it live. Returns its folder.
    With `server` (a Chroma server's URL) the collections go there; the folder keeps the manifest.
    `derive` is called with the verified build before it goes live, to write into its folder what every start
    would otherwise compute from the whole index (`pledgebot.derived.derive`)."""
    with _lock(index_dir):
        return _build(index_dir, pledges, sections, records_fp, embedder, ml_embedder, size, stride, server, derive)


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
    derive: Derive | None = None,
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
        verified = Store(tmp, manifest, embedder, ml_embedder, server)  # it opens and is complete before it serves
        if derive is not None:  # into the folder not yet live: a build killed meanwhile leaves nothing a start reads
            derive(verified)
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
    derive: Derive | None = None,
) -> tuple[Store, bool]:
    """Open the live index if it matches the records and settings; else (re)build it. -> (store, rebuilt).
    With `server`, the collections are on that Chroma server; `derive`: see `build`."""
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
        path = _build(index_dir, pledges, sections, records_fp, embedder, ml_embedder, size, stride, server, derive)
        log.info("index ready")
        manifest = read_manifest(path)
        assert manifest is not None  # noqa: S101 - just written by build()
        return Store(path, manifest, embedder, ml_embedder, server), True
