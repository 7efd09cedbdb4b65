"""The fitted decisions: the intent classifier and the relevance models fit, predict, save and load."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pledgebot.errors import StoreError
from pledgebot.query import Intent
from pledgebot.relevance import Calibration, LogisticModel, fit_logistic, load_calibration, log_scope, zscores
from pledgebot.understand.intent import IntentModel, fit


def test_intent_classifier_learns_cues_and_round_trips():
    rows = [
        ({"w:how": 1, "w:many": 1, "b:how many": 1}, Intent.COUNT),
        ({"w:how": 1, "w:many": 1, "b:how many": 1, "w:<type>": 1}, Intent.COUNT),
        ({"w:which": 1, "w:cities": 1, "#topic": 1}, Intent.FIND),
        ({"w:which": 1, "w:pledges": 1, "#topic": 1}, Intent.FIND),
        ({"w:quote": 1, "w:from": 1}, Intent.QUOTE),
        ({"w:quote": 1, "w:mayor": 1}, Intent.QUOTE),
    ]
    model = fit([f for f, _ in rows], None, [label for _, label in rows], l2=1e-3, min_count=1)
    scores = model.scores({"w:how": 1, "w:many": 1}, None)
    assert max(scores, key=scores.get) is Intent.COUNT and abs(sum(scores.values()) - 1) < 1e-6
    again = IntentModel.from_json(model.to_json())
    assert again.scores({"w:quote": 1}, None) == pytest.approx(model.scores({"w:quote": 1}, None), abs=1e-4)


def test_features_seen_once_are_dropped():
    rows = [{"w:a": 1, "w:once": 1}, {"w:a": 1}]
    model = fit(rows, None, [Intent.FIND, Intent.COUNT], min_count=2)
    assert "w:a" in model.vocabulary and "w:once" not in model.vocabulary


def test_logistic_relevance_separates_and_round_trips():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.2 * rng.normal(size=400) > 0).astype(float)
    model = fit_logistic(("signal", "noise"), x, y)
    p = model.probabilities(x)
    assert ((p >= 0.5) == (y == 1)).mean() > 0.9
    assert abs(model.weights[0]) > 5 * abs(model.weights[1])
    again = LogisticModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.allclose(again.probabilities(x), p, atol=1e-3)


def test_calibration_is_keyed_by_embedder(tmp_path):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"model-a": {"quotes": {"min_similarity": 0.4}}}))
    cal = load_calibration("model-a", path)
    assert cal.param("quotes", "min_similarity") == 0.4
    with pytest.raises(StoreError, match="no calibration for the embedding model 'model-b'"):
        load_calibration("model-b", path)
    with pytest.raises(StoreError, match="fit_relevance"):
        Calibration("model-a", {}).param("topical", "cite")


def test_a_model_fitted_on_other_features_is_refused_by_name():
    model = LogisticModel(("a", "b"), (1.0, 1.0, 0.0), (0.0, 0.0), (1.0, 1.0)).to_dict()
    cal = Calibration("model-a", {"topical_en": {"model": model}})
    assert cal.model("topical_en", ("a", "b")).features == ("a", "b")
    with pytest.raises(StoreError, match="topical_en on other features; run scripts/fit_relevance.py"):
        cal.model("topical_en", ("a", "b", "c"))


def test_scores_relative_to_the_question():
    assert np.allclose(zscores(np.array([1.0, 2.0, 3.0])), [-1.2247, 0.0, 1.2247], atol=1e-3)
    assert zscores(np.array([0.5])).tolist() == [0.0]
    assert log_scope(77, 77) == 0.0 and log_scope(1, 77) == 1.0
