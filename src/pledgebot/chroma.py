"""Chroma, behind one small interface: where an index build's collections live, and paged reads and writes.

A build's collections live either in a Chroma folder of its own (`PersistentClient`, the default) or on a
Chroma server (`HttpClient`, `PLEDGEBOT_CHROMA_URL`; `chroma run` starts one) under names that begin with the
build's name, so builds beside each other and other users of the same server never meet. The store keeps
its build folders, manifest and `CURRENT` pointer locally either way; this module, store.py and builds.py are the
only ones that import chromadb.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import httpx
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from .embedding import Embedder
from .errors import StoreError

log = logging.getLogger(__name__)

# Rows per Chroma call, both ways. Chroma refuses an `add` over its max batch size (5,461 with SQLite: one
# collection passed it at about 940 pledges) and a whole-collection `get` binds more SQL variables than SQLite
# allows (at about 5,900 pledges), so builds add and opens read in pages of at most this many (and never more
# than the client's own limit). A module constant so tests can make it smaller than their corpus.
PAGE = 5000



class _NoEmbedder:
    """Stands in for an embedder Chroma rebuilt from its config; embedding with it is a usage error."""

    dim = 0

    def __init__(self, name: str) -> None:
        self.name = name

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        msg = f"open the PledgeBot index through pledgebot.store, which passes the {self.name} embedder"
        raise StoreError(msg)

    embed_query = embed_documents


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """Adapts an Embedder to Chroma, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's parameter name
        return list(self._embedder.embed_documents(list(input)))

    @staticmethod
    def name() -> str:
        return "pledgebot"

    def get_config(self) -> dict:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict) -> ChromaEmbedding:
        # Chroma round-trips the config when it creates a collection; the real embedder is always passed in.
        return ChromaEmbedding(_NoEmbedder(config.get("model", "unknown")))

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]


def page_size(client) -> int:
    """Rows per Chroma call: PAGE, or less when the client allows less."""
    return max(1, min(PAGE, client.get_max_batch_size()))


def read_all(client, collection, include: list[str]) -> dict[str, list]:
    """A whole collection, read page by page, in the order one unpaged `get` returns (insertion order).

    `offset` walks the order `get` itself uses, so the pages concatenate to the unpaged read: ids, fields
    and embeddings alike (checked against the real index when paging came in). Embeddings come back as one
    float32 matrix.
    """
    page = page_size(client)
    out: dict[str, list] = {"ids": [], **{field: [] for field in include}}
    offset = 0
    while True:
        got = collection.get(include=include, limit=page, offset=offset)
        out["ids"].extend(got["ids"])
        for field in include:
            rows = got[field] if got[field] is not None else []
            if field == "embeddings":  # one array per page, stacked once at the end rather than row by row
                out[field].append(np.asarray(rows, dtype=np.float32))
            else:
                out[field].extend(rows)
        if len(got["ids"]) < page:
            break
        offset += page
    if "embeddings" in include:
        pages = [m for m in out["embeddings"] if len(m)]
        out["embeddings"] = np.concatenate(pages) if pages else np.zeros((0, 1), dtype=np.float32)
    return out


def add_all(client, collection, ids: list[str], **fields: list) -> None:
    """`collection.add` in batches of at most `page_size` rows, in order, so Chroma keeps the insertion order."""
    page = page_size(client)
    for start in range(0, len(ids), page):
        end = start + page
        _add(collection, ids[start:end], {name: values[start:end] for name, values in fields.items()})


ADD_RETRIES = 2  # a batch a busy server did not acknowledge in time is sent again this many times, no more


def _add(collection, ids: list[str], batch: dict[str, list]) -> None:
    """One batch. A server loaded by other work can take longer than SERVER_TIMEOUT to index a large batch (an
    18,000-pledge build into a `chroma run` on a busy machine failed so); the request may still have landed,
    so it is sent again as an upsert (the same rows, stored once), a bounded number of times."""
    for attempt in range(ADD_RETRIES + 1):
        try:
            (collection.add if attempt == 0 else collection.upsert)(ids=ids, **batch)
            return
        except httpx.TimeoutException as exc:
            if attempt == ADD_RETRIES:
                raise StoreError(
                    f"the Chroma server did not store a batch of {len(ids)} rows of {collection.name} within "
                    f"{SERVER_TIMEOUT:.0f} s, {ADD_RETRIES + 1} times: is it overloaded? ({exc})"
                ) from exc
            log.warning("the Chroma server timed out storing %d rows of %s; sending them again", len(ids), collection.name)


SERVER_TIMEOUT = 30.0  # seconds any one request to a Chroma server may take: waits are bounded
NAMESPACE = "pledgebot-"  # every collection this tool puts on a shared server starts so


@dataclass(frozen=True)
class Space:
    """Where one build's collections live: `client` and the prefix of their names ("" in a folder of its own)."""

    client: Any
    prefix: str = ""

    def create(self, name: str, model: Embedder):
        return self.client.create_collection(
            self.prefix + name, embedding_function=ChromaEmbedding(model), metadata={"hnsw:space": "cosine"}
        )

    def get(self, name: str, model: Embedder | None = None):
        # never Chroma's default function, which downloads a model: without one given, embedding is an error
        ef = ChromaEmbedding(model if model is not None else _NoEmbedder("no model given"))
        return self.client.get_collection(self.prefix + name, embedding_function=ef)

    def names(self) -> list[str]:
        """This build's collection names, without the prefix."""
        return [c.name[len(self.prefix) :] for c in self.client.list_collections() if c.name.startswith(self.prefix)]

    def drop(self) -> None:
        """Delete this build's collections from the server (a folder's go with the folder)."""
        if self.prefix:
            for name in self.names():
                self.client.delete_collection(self.prefix + name)


def open_space(folder: Path, server: str = "") -> Space:
    """The collections of the build in `folder`: in the folder itself, or on the Chroma server at `server`
    under the build's name (a build keeps its name when its `.build-` folder becomes live)."""
    if not server:
        return Space(chromadb.PersistentClient(path=str(folder), settings=chromadb.Settings(anonymized_telemetry=False)))
    return Space(server_client(server), f"{NAMESPACE}{folder.name.removeprefix('.build-')}-")


def server_client(url: str):
    """A client of the Chroma server at `url`, checked to answer; a StoreError says which server did not."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"PLEDGEBOT_CHROMA_URL must look like http://host:port, not {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 8000)
    base = f"{parts.scheme}://{parts.hostname}:{port}"
    try:  # a short, bounded check first: the client itself would wait for ever on a silent server
        httpx.get(f"{base}/api/v2/heartbeat", timeout=5.0).raise_for_status()
        client = chromadb.HttpClient(
            host=parts.hostname, port=port, ssl=parts.scheme == "https", settings=chromadb.Settings(anonymized_telemetry=False)
        )
    except Exception as exc:  # noqa: BLE001 - httpx, chromadb and the OS each raise their own types
        raise StoreError(f"the Chroma server at {base} cannot be reached: {exc}") from exc
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):  # Chroma creates its session with no timeout at all
        session.timeout = httpx.Timeout(SERVER_TIMEOUT)
    return client
