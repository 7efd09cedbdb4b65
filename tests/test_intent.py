"""The intent model's shortcut: the question is embedded only when the embedding could change the intent."""

from __future__ import annotations

import numpy as np
import pytest

from pledgebot.query import Intent
from pledgebot.understand.intent import IntentModel


def model(word_weight: float) -> IntentModel:
    """Two intents, one word feature favouring COUNT by `word_weight`, and a 2-d embedding whose columns are
    1 apart (so the embedding moves the logits' difference by at most 1)."""
    weights = np.array(
        [
            [word_weight, 0.0],  # "#how many"
            [0.5, 0.0],  # embedding, dimension 1
            [0.0, 0.5],  # embedding, dimension 2
            [0.0, 0.0],  # bias
        ]
    )
    return IntentModel((Intent.COUNT, Intent.FIND), {"#how many": 0}, weights, 2, "test", {})


@pytest.mark.parametrize(
    ("word_weight", "feats", "decided"),
    [
        (3.0, {"#how many": 1.0}, True),  # a lead of 3 beyond the embedding's reach of 0.71
        (0.5, {"#how many": 1.0}, False),  # a lead of 0.5 the embedding may overturn
        (3.0, {}, False),  # no word: a tie the embedding decides
    ],
)
def test_the_words_decide_when_their_lead_is_beyond_the_embeddings_reach(word_weight, feats, decided):
    m = model(word_weight)
    assert m.decided_without_vector(feats) is decided
    if decided:  # and then no unit vector changes the choice
        for angle in np.linspace(0, 2 * np.pi, 16):
            v = np.array([np.cos(angle), np.sin(angle)])
            scores = m.scores(feats, v)
            assert max(scores, key=scores.get) is Intent.COUNT


def test_the_understander_embeds_the_question_only_when_the_words_do_not_decide():
    from test_understand import GAZ, LEX

    from pledgebot.understand import Understander

    calls: list[str] = []

    def embed(text: str) -> np.ndarray:
        calls.append("embedded")
        return np.array([0.0, 1.0])

    # the vocabulary's feature is one the reader sets for every English question
    for word_weight, embedded in ((3.0, False), (0.2, True)):
        m = model(word_weight)
        m = IntentModel(m.labels, {"#lang:en": 0}, m.weights, m.dim, m.embedder, m.report)
        calls.clear()
        q = Understander(LEX, GAZ, intent_model=m).understand("how many pledges from Kenya?", vector=embed)
        assert bool(calls) is embedded
        assert q.intent is (Intent.COUNT if not embedded else Intent.FIND)
