"""Intent as one scored decision: a small softmax classifier over the question's words and its embedding.

The words are read after facets are found, so "how many mirror pledges from Kenya" and "how many GCR-only
pledges from Peru" are the same question to it: "how many <type> pledges from <country>". The classifier is
trained by `scripts/fit_intent.py` on the team's labelled questions and stored in `data/intent-model.json`
with its cross-validated accuracy; nothing here is tuned by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from ..query import Intent
from .facets import Reading

MODEL_FILE = "intent-model.json"


def features(r: Reading, language: str) -> dict[str, float]:
    """Sparse features of a reading: its shape's words and pairs, how it starts, and what was read."""
    shape = r.shape() or ["<empty>"]
    out: dict[str, float] = {}
    for tok in shape:
        out[f"w:{tok}"] = 1.0
    for a, b in zip(shape, shape[1:], strict=False):
        out[f"b:{a} {b}"] = 1.0
    out[f"first:{shape[0]}"] = 1.0
    out[f"first2:{' '.join(shape[:2])}"] = 1.0
    out[f"last:{shape[-1]}"] = 1.0
    flags = {
        "topic": bool(r.topic),
        "long_topic": len(r.topic) > 3,
        "number": r.wants_number,
        "mention": r.mention is not None,
        "several": r.several is not None,
        "unknown": bool(r.unknown_places or r.unknown_topics),
        "narrative_name": bool(r.narrative_names),
        "place": any(f.kind in ("submitter", "country", "region", "subregion", "area") for f in r.facets),
        "submitter": any(f.kind == "submitter" for f in r.facets),
        "term": bool(r.terms),
        "sentences>1": sum(r.text.count(c) for c in ".?!") > 1,
        f"lang:{language}": True,
        f"unit:{r.unit}": r.unit is not None,
    }
    out |= {f"#{k}": 1.0 for k, v in flags.items() if v}
    return out


@dataclass(frozen=True)
class IntentModel:
    """Weights of a softmax regression: sparse features, then the embedding, then a bias."""

    labels: tuple[Intent, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (len(vocabulary) + dim + 1, len(labels))
    dim: int
    embedder: str  # the embedding model the weights were fitted with
    report: dict  # cross-validated accuracy and the like, as written by the fitting script

    def row(self, feats: dict[str, float], vector: np.ndarray | None) -> np.ndarray:
        x = np.zeros(len(self.vocabulary) + self.dim + 1, dtype=np.float32)
        for name, value in feats.items():
            if (col := self.vocabulary.get(name)) is not None:
                x[col] = value
        if self.dim and vector is not None and len(vector) == self.dim:
            x[len(self.vocabulary) : len(self.vocabulary) + self.dim] = vector
        x[-1] = 1.0
        return x

    def decided_without_vector(self, feats: dict[str, float]) -> bool:
        """Whether the words alone settle the most likely intent, whatever the question's embedding: a
        unit-length vector v moves logit_i - logit_j by (w_i - w_j)·v, at most ||w_i - w_j||, so when the best
        intent leads every other by more than that, embedding the question cannot change the choice."""
        if not self.dim:
            return True
        logits = self.row(feats, None) @ self.weights
        best = int(logits.argmax())
        embedding = self.weights[len(self.vocabulary) : len(self.vocabulary) + self.dim]
        # embeddings are unit length to float precision: a thousandth more reach covers their rounding
        reach = 1.001 * np.linalg.norm(embedding - embedding[:, [best]], axis=0)
        lead = logits[best] - logits
        return bool(np.all((lead > reach)[np.arange(len(logits)) != best]))

    def scores(self, feats: dict[str, float], vector: np.ndarray | None) -> dict[Intent, float]:
        """Probability of each intent."""
        logits = self.row(feats, vector) @ self.weights
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return {label: float(v) for label, v in zip(self.labels, p, strict=True)}

    def to_json(self) -> str:
        return json.dumps(
            {
                "labels": [str(x) for x in self.labels],
                "vocabulary": self.vocabulary,
                "weights": np.round(self.weights, 5).tolist(),
                "dim": self.dim,
                "embedder": self.embedder,
                "report": self.report,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> IntentModel:
        data = json.loads(text)
        return cls(
            labels=tuple(Intent(x) for x in data["labels"]),
            vocabulary=dict(data["vocabulary"]),
            weights=np.asarray(data["weights"], dtype=np.float32),
            dim=int(data["dim"]),
            embedder=data["embedder"],
            report=dict(data.get("report") or {}),
        )


@lru_cache(maxsize=2)
def load_intent_model(path: Path | None = None) -> IntentModel | None:
    """The fitted model (the packaged one by default); None before `scripts/fit_intent.py` has run."""
    source = path if path is not None else files("pledgebot.data").joinpath(MODEL_FILE)
    try:
        return IntentModel.from_json(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def fit(
    rows: list[dict[str, float]],
    vectors: np.ndarray | None,
    labels: list[Intent],
    l2: float = 1e-2,
    steps: int = 400,
    min_count: int = 2,
    embedder: str = "",
) -> IntentModel:
    """Fit the softmax regression by full-batch gradient descent (Adam); features seen fewer than
    `min_count` times are dropped, so one question's words do not become a rule of their own."""
    counts: dict[str, int] = {}
    for feats in rows:
        for name in feats:
            counts[name] = counts.get(name, 0) + 1
    vocabulary = {name: n for n, name in enumerate(sorted(k for k, c in counts.items() if c >= min_count))}
    order = tuple(Intent)
    dim = 0 if vectors is None else vectors.shape[1]
    model = IntentModel(
        order, vocabulary, np.zeros((len(vocabulary) + dim + 1, len(order)), np.float32), dim, embedder, {}
    )
    x = np.stack([model.row(f, None if vectors is None else vectors[n]) for n, f in enumerate(rows)])
    y = np.zeros((len(rows), len(order)), dtype=np.float32)
    y[np.arange(len(rows)), [order.index(label) for label in labels]] = 1.0
    w = _adam(x, y, l2, steps)
    return IntentModel(order, vocabulary, w, dim, embedder, {})


def _adam(x: np.ndarray, y: np.ndarray, l2: float, steps: int, lr: float = 0.05) -> np.ndarray:
    w = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        logits = x @ w
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ (p - y) / len(x) + l2 * w
        grad[-1] -= l2 * w[-1]  # the bias is not shrunk
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w
