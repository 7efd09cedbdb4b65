"""The report handler's choice of sources for a figure: pure functions, no model or index."""

from types import SimpleNamespace

import pytest

from pledgebot.answer.figures import (
    Ranked,
    _asking_text,
    _counts_another,
    _figure_rows,
    _paragraph,
    _same_figure,
    figure_question,
    names_place,
)
from pledgebot.answer.numbers import counted
from pledgebot.query import Intent, Query


def ranked(doc_id: str, sentence: str) -> Ranked:
    return Ranked(doc_id, 1.0, "section", 0.5, sentence, 0.5)


@pytest.mark.parametrize(
    ("sentence", "same"),
    [
        # the narrative restating the pledge's figure is a second source for it
        ("The council pledged to grow the fund to $50 million by 2027.", True),
        # another figure of the same kind is not
        ("The fund has grown to $8 million.", False),
        # the same number counting something else is not the figure asked
        ("Around 50 cities took part in 2023.", False),
        ("No figure here.", False),
    ],
)
def test_a_second_record_is_cited_when_it_gives_the_same_figure(sentence, same):
    q = Query("How much money does the council want the fund to reach?", Intent.REPORT, wants_number=True)
    first = "The council pledges to bring the fund to $50 million."
    assert bool(_same_figure(q, [ranked("section-b", sentence)], first, 50)) is same


@pytest.mark.parametrize(
    ("counted", "sentence", "number", "another"),
    [
        # the figure counts something else, and the sentence never names what is asked: no answer
        (("signatures",), "The text was drafted by about 300 residents of the city.", 300, True),
        # the sentence names it, misspelt or not, in the question or the sentence
        (("signatures",), "It has gathered 300 signatures so far.", 300, False),
        (("familes",), "The project supports 500 families.", 500, False),
        # an amount or a share counts no noun
        (("euros",), "The budget is $300 million.", 300, False),
        # people in general (understanding leaves `counted` empty): any figure of people may answer
        ((), "The text was drafted by about 300 residents of the city.", 300, False),
    ],
)
def test_a_figure_of_another_thing_answers_no_count_of_one_thing(counted, sentence, number, another):
    q = Query("How many … ?", Intent.REPORT, wants_number=True, counted=counted)
    assert _counts_another(q, sentence, number) is another


@pytest.mark.parametrize(
    ("question", "context", "leans", "asking"),
    [
        # a sentence of restatement, then the sentence that asks
        ("The fund gave Lima a grant. How many families got homes?", "The fund gave Lima a grant.", False, "How many families got homes?"),
        # the restatement led in by a dash in the same sentence: understanding made it the context
        ("The report says Lima got a grant - what share found homes?", "The report says Lima got a grant -", False, "what share found homes?"),
        # the part that asks points back into the restatement ("they"): the restatement is what is asked about
        ("The report says Asia was underrepresented - what share did they make?", "The report says Asia was underrepresented -", True, ""),
        # nothing restated: the whole question asks
        ("What share of families found homes?", "", False, ""),
    ],
)
def test_the_part_that_asks_picks_the_sentence_to_quote(question, context, leans, asking):
    assert _asking_text(Query(question, Intent.REPORT, context=context, leans_on_context=leans)) == asking


def test_the_paragraph_of_a_sentence_is_between_blank_lines():
    text = "Intro line.\n\nLima got a grant. Most families found homes.\n\nQuito built a park."
    assert _paragraph(text, "Lima got a grant.") == "Lima got a grant. Most families found homes."
    assert _paragraph(text, "Quito built a park.") == "Quito built a park."
    assert _paragraph(text, "Not there.") == ""


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("Most actions are from Africa (36%), Europe (30%).", True),
        ("Asia and North Africa are underrepresented at just 9%.", False),  # only inside a longer place name
        ("South Africa and Africa's cities joined.", True),  # the longer name set aside, the place itself is left
        ("Nothing about places here.", False),
    ],
)
def test_a_sentence_names_the_place_itself_not_a_longer_one_containing_it(sentence, named):
    assert names_place(sentence, "africa", ["north africa", "south africa", "middle east and north africa"]) is named


def test_a_figure_said_in_words_is_the_same_figure():
    q = Query("How many women will the project place in jobs?", Intent.REPORT, wants_number=True)
    first = "The project expects to place 40 women in stable jobs."
    said = [ranked("section-b", "It expects forty women to find stable jobs in its first year.")]
    assert _same_figure(q, said, first, 40)
    assert not _same_figure(q, [ranked("section-c", "It expects many women to find stable jobs.")], first, 40)


@pytest.mark.parametrize(
    ("question", "language", "full_text", "counts"),
    [
        ("How many hours does the course last?", "en", "how many hours does the course last", {"hour"}),
        # what a figure counts is read in the report's language: the glossed question
        ("Quantas horas tem o curso?", "pt", "how many hours has o course", {"hour"}),
    ],
)
def test_a_figure_is_matched_in_the_reports_words(question, language, full_text, counts):
    q = Query(question, Intent.REPORT, wants_number=True, language=language, full_text=full_text)
    assert counted(figure_question(q)) == counts


def test_a_misspelt_counted_noun_is_matched_as_corrected():
    q = Query("how many familes does it house?", Intent.REPORT, wants_number=True, corrections=(("familes", "families"),))
    assert counted(figure_question(q)) == {"family"}


def _res(*texts: str) -> SimpleNamespace:
    return SimpleNamespace(spelled=lambda s: s, sentences=SimpleNamespace(texts=list(texts)))


@pytest.mark.parametrize(
    ("texts", "head", "what", "rows", "kept_head"),
    [
        # a count of people: the sentence that counts people, not one that counts organisations
        (("The hub works with 10 charities.", "It has about 500 beneficiaries.", "No figure."), "people",
         {"people", "beneficiary"}, [1], None),
        # the noun itself, not a word qualifying it
        (("It took in 5,000 IDPs.", "It houses 30 displaced families."), "family", {"idp", "family"}, [1], "family"),
        # nothing counts what is asked: every sentence with a figure may answer
        (("It opened in 2019 with 3 rooms.", "It grew fast."), "donor", {"donor"}, [0], None),
    ],
)
def test_a_figure_is_sought_in_the_sentences_that_count_what_is_asked(texts, head, what, rows, kept_head):
    assert _figure_rows(_res(*texts), list(range(len(texts))), head, what) == (rows, kept_head)
