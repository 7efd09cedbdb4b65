"""The packaged MiniLM gives sentence-transformers' vectors through both of our runtimes."""

from __future__ import annotations

import numpy as np
import pytest

from pledgebot.embedding import HashingEmbedder, MiniLM, MiniLMTorch, _model_path

TEXTS = [
    "Who runs one-stop shops for OFWs?",
    "São Paulo opens a second CRAI in the eastern region.",
    "word " * 400,  # longer than the 256-token limit: truncated the same way everywhere
]


@pytest.fixture(scope="module")
def reference():
    sentence_transformers = pytest.importorskip("sentence_transformers")
    model = sentence_transformers.SentenceTransformer(str(_model_path()), device="cpu")
    return model.encode(TEXTS, normalize_embeddings=True)


def test_torch_runtime_matches_sentence_transformers(reference):
    assert np.abs(MiniLMTorch().embed_documents(TEXTS) - reference).max() < 1e-5


def test_onnx_runtime_matches_and_is_cached(tmp_path, reference):
    first = MiniLM(tmp_path)
    assert np.abs(first.embed_documents(TEXTS) - reference).max() < 1e-5
    exported = list(tmp_path.glob("*.onnx"))
    assert len(exported) == 1
    stamp = exported[0].stat().st_mtime_ns
    second = MiniLM(tmp_path)  # reuses the export
    assert exported[0].stat().st_mtime_ns == stamp
    assert np.allclose(second.embed_query(TEXTS[0]), first.embed_query(TEXTS[0]))
    assert second.embed_documents([]).shape == (0, 384)


def test_hashing_embedder_is_unit_length():
    vecs = HashingEmbedder().embed_documents(["a b c", ""])
    assert np.isclose(np.linalg.norm(vecs[0]), 1.0) and not vecs[1].any()
