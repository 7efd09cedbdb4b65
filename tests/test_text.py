"""Text primitives: folding, words with offsets, tokens, sentences."""

from __future__ import annotations

import pytest

from pledgebot.text import bigrams, fold, fold_aligned, sentences, tokenize, words


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("São Paulo", "sao paulo"),
        ("Zürich", "zurich"),
        ("Brașov", "brasov"),
        ("  Galați – Romania ", "galati - romania"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize("raw", ["What did São Paulo’s mayor say?", "Zürich  —  and ﬁve\tmore", "Ærø and Øresund"])
def test_fold_aligned_keeps_every_offset(raw):
    assert len(fold_aligned(raw)) == len(raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Milan's early-childhood project", ["milan", "early-childhood", "project"]),
        ("villes d'Afrique du Nord", ["villes", "afrique", "du", "nord"]),
        ("l'accueil des réfugiés", ["accueil", "des", "refugies"]),
        ("doesn't have an end date", ["does", "not", "have", "an", "end", "date"]),
    ],
)
def test_words_split_possessives_and_elisions(text, expected):
    found = words(text)
    assert [w.text for w in found] == expected
    for w in found:
        assert text[w.start : w.end] == w.raw  # offsets point at the word as typed


def test_tokens_share_one_spelling_and_drop_plurals():
    assert tokenize("Programmes for the neighbourhood centres") == ["program", "neighborhood", "center"]
    assert ("language", "course") in bigrams("language courses for refugees")


def test_sentences_are_verbatim_and_split_list_items():
    text = "Trends. - 84% of actions were from LRGs (59 actions). The remaining 16% came from networks. - 20% did more."
    found = sentences(text)
    assert found == [
        "Trends.",
        "84% of actions were from LRGs (59 actions).",
        "The remaining 16% came from networks.",
        "20% did more.",
    ]
    assert all(s in text for s in found)
    assert sentences("Dr. Smith met e.g. the mayor. Then left.") == ["Dr. Smith met e.g. the mayor.", "Then left."]
