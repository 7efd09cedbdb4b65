"""The words start-up reads from the records (the lexicon's vocabulary and proper names, the sentence index's
word sets): the fast path gives exactly what the old one, a Python step per word or per character, gave."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from test_text import old_fold, old_tokenize

from pledgebot.answer.sentences import SentenceIndex
from pledgebot.corpus import read_pledges, read_sections, records_dir
from pledgebot.glossary import Term
from pledgebot.places import default_gazetteer, with_records
from pledgebot.text import sentences
from pledgebot.understand import Understander
from pledgebot.understand.lexicon import _spelled_out, build_lexicon, inflections, lexicon_data, proper_names

ROOT = Path(__file__).resolve().parents[1]


# -- the old code, as it was written --------------------------------------------------------------------------


def old_proper_names(texts: list[str]) -> set[str]:
    upper: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        for m in re.finditer(r"(?<=[a-z,;:()’'\"“”] )[^\W\d_][\w’'\-]*", text):
            word = m.group(0)
            (upper if word[0].isupper() else lower).add(old_fold(word))
    return {w for w in upper - lower if len(w) >= 3}


def old_vocabulary(texts: list[str]) -> set[str]:
    return {w for t in texts for w in re.findall(r"[^\W_]+", old_fold(t))}


def old_sentence_words(texts: list[str]) -> tuple[list[set[str]], dict[str, float]]:
    tokens = [set(old_tokenize(t)) for t in texts]
    df: dict[str, int] = {}
    for words in tokens:
        for w in words:
            df[w] = df.get(w, 0) + 1
    n = len(tokens)
    return tokens, {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items()}


# -- tiny inputs ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "names"),
    [
        ([], set()),
        # the first word of a text is not mid-sentence; "Lancaster." ends at its full stop
        (["Lancaster works with Lancaster University and the city of Lancaster."], {"lancaster", "university"}),
        # once without a capital is enough to be an ordinary word
        (["based in Lancaster", "the lancaster bombers"], set()),
        # spellings that fold alike are one word: "São" and "Sao", and "são" makes it ordinary
        (["the mayor of São Paulo met the mayor of Sao Paulo"], {"sao", "paulo"}),
        (["visit São Paulo", "visit são paulo"], set()),
        # mid-sentence: after a lower-case letter, a comma, a quote … and a space; not after a digit or a stop, nor
        # straight after a bracket
        (["he said ” Berlin works", "in 2023 Athens", "Done. Nairobi", "cities (Dakar, Accra)"], {"berlin", "accra"}),
        # hyphens and apostrophes stay in the word; two letters are too short
        (["the UN and the EU-funded Côte d’Ivoire team"], {"eu-funded", "cote"}),
    ],
)  # fmt: skip
def test_proper_names_are_the_old_ones(texts, names):
    assert proper_names(texts) == old_proper_names(texts) == names


def test_sentence_words_are_the_old_ones_and_repeated_texts_keep_their_own_sets():
    texts = ["Same words here.", "Same words here.", "Same words here.", "Other neighbours' centres."]
    index = SentenceIndex(["a", "b", "c", "a"], texts, np.zeros((4, 2), dtype=np.float32))
    tokens, idf = old_sentence_words(texts)
    assert index.tokens == tokens and index._idf == idf
    assert index.tokens[0] is not index.tokens[1]  # one row's set is never another's
    assert index.boilerplate == {"Same words here."}


# -- the committed records -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records():
    folder = records_dir(ROOT / "corpus")
    return read_pledges(folder / "pledges.jsonl"), read_sections(folder / "sections.jsonl")


def test_the_lexicon_of_the_committed_records_has_the_old_words(records):
    pledges, sections = records
    lex = build_lexicon(with_records(default_gazetteer(), pledges), pledges, sections, english=frozenset())
    texts = [f"{p.submitter} {p.title} {p.description}" for p in pledges] + [f"{s.title} {s.text}" for s in sections]
    assert lex.proper_names == old_proper_names(texts)
    named = {w for k in (*lex.terms, *lex.phrases) for w in k.split()}  # glossary terms and phrases join them
    assert lex.vocabulary == old_vocabulary(texts) | named


def test_the_sentence_index_of_the_committed_records_has_the_old_words(records):
    pledges, sections = records
    rows = [(p.id, s) for p in pledges for s in sentences(p.description)]
    rows += [(x.id, s) for x in sections for s in sentences(x.text)]
    texts = [s for _, s in rows]
    index = SentenceIndex([d for d, _ in rows], texts, np.zeros((len(rows), 2), dtype=np.float32))
    tokens, idf = old_sentence_words(texts)
    assert index.tokens == tokens and index._idf == idf
    # the same order too: sums of idf weights follow the sets' order, and float sums depend on it
    assert [list(t) for t in index.tokens] == [list(t) for t in tokens] and list(index._idf) == list(idf)


ENDINGS = {"o": ["a", "os", "as"], "a": ["o", "os", "as"], "e": ["es"], "es": ["esa", "eses", "esas"], "c": ["cs", "cque", "cques"]}


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("brasileiro", ["brasileira", "brasileiros", "brasileiras"]),
        ("libanes", ["libanesa", "libaneses", "libanesas"]),  # the longest ending: "es", not "e"
        ("grec", ["grecs", "grecque", "grecques"]),
        ("brasil", []),  # no ending listed
        ("rio", []),  # too short to inflect
        ("sud africaine", ["sud africaines"]),  # a hyphenated one: its last word
        ("costa rica", ["costa rico", "costa ricos", "costa ricas"]),
    ],
)
def test_a_demonym_is_read_in_its_other_genders_and_numbers(word, forms):
    assert inflections(word, ENDINGS) == forms


@pytest.mark.parametrize(
    ("phrase", "also"),
    [
        ("gcm only", {"global compact for migration only", "migration compact only"}),
        ("gcm pledges", {"global compact for migration pledges", "migration compact pledges"}),
        ("mirror", set()),  # no acronym, nothing added
        ("gcmx only", set()),  # an acronym only as a whole word
    ],
)
def test_a_facets_acronym_is_also_read_spelled_out(phrase, also):
    glossary = (Term("GCM", ("global compact for migration", "migration compact", "GCMs"), "", ""),)
    assert set(_spelled_out([phrase], glossary)) == {phrase} | also


@pytest.mark.parametrize(
    "forms",
    [
        ("get", "gets", "getting", "got"),
        ("give", "gives", "giving", "given"),
        ("make", "makes", "making", "made"),
        ("try", "tries", "trying", "tried"),
        ("help", "helps", "helping", "helped"),
    ],
)
def test_a_chatter_verb_is_chatter_in_each_of_its_forms(forms):
    # "which cities are getting newcomers into work": the -ing form says no more about the topic than "get"
    chatter = set(lexicon_data()["chatter"].split())
    assert set(forms) <= chatter


@pytest.mark.parametrize("phrase", ["city partnerships", "sister cities", "partner cities", "city pairings"])
def test_a_partnership_of_cities_names_joint_pledges(phrase):
    # "what other city partnerships are there?": the pledges two cities made together, not a topic word
    assert phrase in lexicon_data()["flags"]["joint"]


@pytest.fixture(scope="module")
def reader(records):
    """The packaged lexicon over the committed records, read without an intent model."""
    pledges, sections = records
    gaz = with_records(default_gazetteer(), pledges)
    return Understander(build_lexicon(gaz, pledges, sections), gaz, intent_model=None)


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("Which pledges did Milan make this time around?", 2023),  # the newest edition said as a round or a time
        ("Which cities pledged in the latest round?", 2023),
        ("Milan's pledges this time and last", None),  # both editions
    ],
)
def test_the_newest_edition_said_in_other_words_is_its_year(reader, question, year):
    q = reader.understand(question)
    assert q.filters.year == year and not q.topic


@pytest.mark.parametrize(
    ("question", "kinds", "pledge_type"),
    [
        # the words for a kind of government are submitters, and a word for cities listed with one adds cities
        ("what have state governments pledged?", ("region",), None),
        ("pledges from Brazil by the federal government or by cities", ("national government", "city"), None),
        # a pledge is made under a compact: "only under" names the type as "only" does
        ("list the ones submitted only under the GCM", (), "GCM only"),
        ("which fall under the Global Compact on Refugees alone?", (), "GCR only"),
    ],
)
def test_the_packaged_words_for_kinds_and_types(reader, question, kinds, pledge_type):
    q = reader.understand(question)
    assert q.filters.kinds == kinds and q.filters.pledge_types == ((pledge_type,) if pledge_type else ()) and not q.topic


def test_a_kind_after_a_first_person_possessive_is_who_asks(reader):
    q = reader.understand("Our county lacks interpreters. Which local governments train them?")
    assert q.filters.kinds == ()
    assert reader.understand("What are counties doing?").filters.kinds == ("region",)


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        ("us cities on housing", ("United States",)),  # a code opening the sentence before a noun for submitters
        ("How many came from the us?", ("United States",)),  # after "the"
        ("can you help us find housing pledges?", ()),  # the pronoun
        ("Tell us: which cities run shelters?", ()),
    ],
)
def test_a_short_code_in_lower_case_names_its_place_only_where_a_pronoun_cannot_stand(reader, question, countries):
    assert reader.understand(question).filters.countries == countries


@pytest.mark.parametrize(
    "question", ["¿Hay programas para menores no acompañados?", "des programmes pour mineurs non accompagnés ?"]
)
def test_a_negated_participle_glosses_as_its_english_negative(reader, question):
    # word by word it would be "minors accompanied": the opposite of what is asked
    q = reader.understand(question)
    assert "unaccompanied" in q.topic and "accompanied" not in q.topic


@pytest.mark.parametrize(
    ("question", "priority"),
    [
        # a priority named by words only its own heading uses, before or after the word "priority"
        ("2022 ones under the priority on climate and drivers of displacement: how many?", 2),
        ("pledges under the anti-discrimination priority", 6),
        ("the multilateral partnerships priority - which pledges?", 8),
        ("which pledges are under priority 5?", 5),  # by number, as before
        ("Is housing a priority for Greek cities?", None),  # no word of a priority's heading: a priority in general
        ("which priority covers displacement?", None),  # a word two headings use names neither
    ],
)
def test_a_priority_named_by_the_words_of_its_heading(reader, question, priority):
    q = reader.understand(question)
    assert q.filters.priority == priority
    if priority is not None:
        assert "priority" not in q.topic
