"""Relevance and abstention, fitted rather than hand-set.

Which retrieved pledges answer a topical question, whether the narrative's best sentence answers a report
question, how close a comparable pledge must be: each is a decision over a few features, fitted by
`scripts/fit_relevance.py` to the graded gold of the team's tuned question sets (cross-validated across
sets) and stored in `data/calibration.json`, keyed by the embedding model whose scores it was fitted on.
No threshold is typed into code; a missing calibration is an error that says how to make one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from .errors import StoreError

CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class LogisticModel:
    """P(relevant | features): a logistic regression over named, standardised features."""

    features: tuple[str, ...]
    weights: tuple[float, ...]  # one per feature, then the bias
    means: tuple[float, ...]
    scales: tuple[float, ...]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """`x`: rows of raw feature values in `features` order."""
        if len(x) == 0:
            return np.zeros(0)
        z = (np.asarray(x, dtype=np.float64) - np.asarray(self.means)) / np.asarray(self.scales)
        logits = z @ np.asarray(self.weights[:-1]) + self.weights[-1]
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(w, 5) for w in self.weights],
            "means": [round(m, 5) for m in self.means],
            "scales": [round(s, 5) for s in self.scales],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LogisticModel:
        return cls(tuple(d["features"]), tuple(d["weights"]), tuple(d["means"]), tuple(d["scales"]))


def fit_logistic(
    names: tuple[str, ...], x: np.ndarray, y: np.ndarray, l2: float = 0.1, sample_weight: np.ndarray | None = None
) -> LogisticModel:
    """Fit by Newton's method (a few features, a few thousand rows): exact and deterministic."""
    x = np.asarray(x, dtype=np.float64)
    means = x.mean(axis=0)
    scales = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    z = np.hstack([(x - means) / scales, np.ones((len(x), 1))])
    sw = np.ones(len(x)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (sw * (p - y)) + penalty * w * sw.sum() / len(sw)
        hess = (z * (sw * p * (1 - p))[:, None]).T @ z + np.diag(penalty * sw.sum() / len(sw)) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LogisticModel(
        names, tuple(float(v) for v in w), tuple(float(v) for v in means), tuple(float(v) for v in scales)
    )


@dataclass(frozen=True)
class Calibration:
    """Every fitted parameter of answering, for one embedding model."""

    embedder: str
    values: dict[str, Any]

    def model(self, name: str, features: tuple[str, ...]) -> LogisticModel:
        """The fitted model `name`, which must take `features` (the code's columns, in order): a calibration
        fitted before a feature was added would otherwise fail on a matrix shape, far from the cause."""
        model = LogisticModel.from_dict(self.values[name]["model"])
        if model.features != tuple(features):
            msg = f"the calibration for {self.embedder} fitted {name} on other features; run scripts/fit_relevance.py"
            raise StoreError(msg)
        return model

    def param(self, section: str, name: str) -> float:
        try:
            return float(self.values[section][name])
        except KeyError:
            msg = f"the calibration for {self.embedder} has no {section}.{name}; run scripts/fit_relevance.py"
            raise StoreError(msg) from None

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.values.get(name, {}))


def load_calibration(embedder: str, path: Path | None = None) -> Calibration:
    """The calibration fitted for `embedder` (from the packaged file unless `path` is given)."""
    data = _read(str(path) if path else None)
    if embedder not in data:
        known = ", ".join(sorted(data)) or "none"
        msg = f"no calibration for the embedding model {embedder!r} (fitted: {known}); run scripts/fit_relevance.py"
        raise StoreError(msg)
    return Calibration(embedder, data[embedder])


@lru_cache(maxsize=4)
def _read(path: str | None) -> dict[str, Any]:
    source = Path(path) if path else files("pledgebot.data").joinpath(CALIBRATION_FILE)
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def zscores(values: np.ndarray) -> np.ndarray:
    """Scores relative to the other candidates of the same question."""
    if len(values) < 2:
        return np.zeros(len(values))
    sd = float(values.std())
    return (values - values.mean()) / (sd if sd > 1e-6 else 1.0)


def log_scope(n: int, total: int) -> float:
    """How far the filters narrowed the candidates: 0 for all records, 1 for one."""
    return 1.0 - math.log(max(n, 1)) / math.log(max(total, 2))
