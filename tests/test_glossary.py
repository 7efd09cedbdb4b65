"""Acronyms spelled out for the models and for figures."""

import pytest

from pledgebot.glossary import load_glossary, spell_inline, spell_out

MEANINGS = {"LRG": "local and regional governments", "GCF": "Global Cities Fund"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a plural acronym is what a figure counts: its meaning stands beside it
        ("Only 3 LRGs reported it.", "Only 3 LRGs (local and regional governments) reported it."),
        # a singular acronym is a name: left alone
        ("8 GCF cities", "8 GCF cities"),
        ("LRG leaders met", "LRG leaders met"),
    ],
)
def test_plural_acronyms_are_spelled_out_where_they_stand(text, expected):
    assert spell_inline(text, MEANINGS) == expected


def test_spell_out_appends_every_acronym_used():
    assert spell_out("84% of GCF grants went to LRGs", MEANINGS).endswith(
        "(LRG: local and regional governments; GCF: Global Cities Fund)"
    )


@pytest.mark.parametrize(
    ("words", "reports_words"),
    [
        # the pledges say "legal assistance" and "legal services"; users ask for lawyers and advice
        ("lawyers", "legal assistance"),
        ("legal advice", "legal assistance"),
        ("asesoría legal", "legal assistance"),
        ("aide juridique", "legal assistance"),
        ("interpreters", "interpretation"),
        ("multilingual", "language services"),
        ("identity papers", "documentation"),
        ("IDs", "identity documents"),
        ("toddlers", "early childhood"),
        ("crèche", "daycare"),
        ("right to vote", "participation"),
        ("consultation", "decision-making"),
    ],
)
def test_users_words_search_for_the_reports(words, reports_words):
    term = next(t for t in load_glossary() if words in t.variants)
    assert reports_words in term.expand


def test_no_variant_is_a_bare_word_that_other_phrases_contain():
    # "Id like a list …" is no question about identity documents; "without papers" is undocumented status only
    variants = [v.lower() for t in load_glossary() for v in t.variants]
    assert not {"id", "papers", "papeles", "documentos"} & set(variants)
