"""Which number in a sentence a question asks for (answer/numbers.py): made-up sentences, one rule each."""

from __future__ import annotations

import pytest

from pledgebot.answer.numbers import counted, has_figure, number_in


@pytest.mark.parametrize(
    ("sentence", "question", "figure"),
    [
        # what something became, for a growth question
        ("The fund has grown to $8 million from a $1 million seed.", "how big is the fund now?", 8),
        # what is counted beats what something became
        ("The fund has become an $8 million fund with a pipeline of 28 city grantees.", "how many city grantees are in its pipeline now?", 28),
        # a share takes the percentage
        ("Most actions are from Africa (36%), with 9 from Asia.", "what percentage of actions came from Africa?", 36),
        # a money question takes the amount, a people question the people
        ("It will serve 5,000 people with $2 million.", "how much money will it spend?", 2),
        ("It will serve 5,000 people with $2 million.", "how many people will it serve?", 5000),
        # years count only when the question asks when
        ("It will start in 2019 and serve 300 families.", "when does it start?", 2019),
        ("It started in 2019 and serves 300 families.", "how many families does it serve?", 300),
    ],
)
def test_the_figure_asked_for(sentence, question, figure):
    assert number_in(sentence, question) == figure


def test_no_figure_near_the_questions_words_is_no_answer():
    assert number_in("It has 3 offices and 40 staff.", "how many languages?") is None


def test_figures_and_what_is_counted():
    assert has_figure("a 1.2% share") and not has_figure("the 2022 IMRF and COVID-19")
    assert counted("How many of those actions came from Africa?") == {"action", "came"}
