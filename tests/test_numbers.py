"""Which number in a sentence a question asks for (answer/numbers.py): made-up sentences, one rule each."""

from __future__ import annotations

import pytest

from pledgebot.answer.numbers import (
    asked_count,
    counted,
    counted_head,
    counted_match,
    covers_period,
    digits,
    has_figure,
    number_in,
    of_kind_asked,
    sentence_bonus,
)

# the share given, then after a dash the target: the target's words are nearer the question's last words
_AID = (
    "In 2021, only 3% of the total international assistance paid out that year was given to small local and "
    "national actors, including towns — the aim was 30%."
)


@pytest.mark.parametrize(
    ("sentence", "question", "figure"),
    [
        # what something became, for a growth question
        ("The fund has grown to $8 million from a $1 million seed.", "what size is the fund at present?", 8),
        # what is counted beats what something became
        ("The fund has become an $8 million fund with a pipeline of 28 partner towns.", "how many partner towns does its pipeline hold now?", 28),
        # a share takes the percentage
        ("Most actions are from Africa (36%), with 9 from Asia.", "what share of the actions is African, in percent?", 36),
        # a money question takes the amount, a people question the people
        ("It will serve 5,000 people with $2 million.", "how much money will it spend?", 2),
        ("It will serve 5,000 people with $2 million.", "how many people will it serve?", 5000),
        # years count only when the question asks when
        ("It will start in 2019 and serve 300 families.", "when does it start?", 2019),
        ("By 2019, it served 300 families.", "when we brief the board, how many families did it serve?", 300),
        ("It started in 2019 and serves 300 families.", "how many families does it serve?", 300),
        # a noun printed after a later number is that number's, not the first one's
        ("The fund has become a $8 million fund backed by 5 donors.", "how many donors back the fund?", 5),
        # a noun too common to search by still says what is counted
        ("Practices from 25 diverse cities and 100 local actors were shared.", "how many cities took part?", 25),
        # part of a whole counts what the whole counts
        ("Mayors spoke in 6 of the 7 official sessions.", "mayors spoke at how many sessions, counting official ones only?", 6),
        ("It links clients to over 90 of the town's employers.", "how many employers does it reach?", 90),
        # an age says who is served, not how many: the count or nothing; the age when the question asks it
        ("It serves 120 children aged 0 to 6 and their parents.", "how many children does it serve?", 120),
        ("Classes for youth aged 15-24 open in spring.", "how many young people are in the classes?", None),
        ("It trains 40 mentors for 14-year-olds.", "how many mentors does it train?", 40),
        # of two counts asked, the first
        ("From 40 countries, 74 councils have signed.", "how many councils signed, and from how many countries?", 74),
        # a goal is the figure something is to become, not what it has become
        ("Now a $8 million fund, it aims to reach $50 million.", "how big does the council want the fund to become?", 50),
        ("Now a $8 million fund, it aims to reach $50 million.", "how large has the fund grown?", 8),
        ("Now a $8 million fund, it aims to reach $50 million.", "what size is the fund today, against its goal?", 8),
        ("Now a $8 million fund, it seeks to reach $50 million.", "how big is the council trying to grow the fund?", 50),
        ("Classes for youth aged 15-24 open in spring.", "from what age can youth join?", 15),
        # the noun counted, not a word that qualifies it
        ("Of the town's 900 IDPs, the centre hosts 12 families.", "how many IDP families does the centre host?", 12),
        # of several kinds of figure asked, the one asked first
        ("Leaders spoke in 85% of sessions; 16 mayors had a seat.", "how many mayors held a seat, and what percentage of the sessions?", 16),
        ("The fund, now $8 million, has 5 donors.", "how big is the fund, and how many donors are there?", 8),
        ("Now a $8 million fund, it aims to reach $50 million.", "what is the fund's size at this point, not its goal?", 8),
        # money named is no money asked: the share is the figure
        ("It gave $2 million; 75% of towns raised more.", "did the grant money help towns raise more? what share did?", 75),
        # what has happened so far is no figure said as a condition or a goal
        ("If the petition gets 2 million signatures, the council must reply.", "how many signatures has the petition got so far?", None),
        # a day of a month is part of a date
        ("On 3 October the ferry sank with 368 migrants on board.", "how many were on board when the ferry sank?", 368),
        # a figure the text names as the target is not the share asked
        (_AID, "what percentage of assistance is given to local actors?", 3),
        # a goal asked second is not the first figure asked; a goal asked is the figure named as the goal
        (_AID, "what share of assistance was given to local actors, and what was the aim?", 3),
        (_AID, "what was the aim for assistance given to local actors?", 30),
    ],
)
def test_the_figure_asked_for(sentence, question, figure):
    assert number_in(sentence, question) == figure


def test_no_figure_near_the_questions_words_is_no_answer():
    assert number_in("It has 3 offices and 40 staff.", "how many languages?") is None


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("how much does the shelter cost?", None),  # a price asked: the families it houses are no answer
        ("what is the shelter's budget in pesos?", None),
        ("how many families does the funding reach?", 30),  # a count asked, though it names the funding
        ("how much of the cost is paid for 30 families?", 30),  # a part of the cost: its share, not a price
    ],
)
def test_a_money_question_takes_an_amount_or_nothing(question, figure):
    assert number_in("The funding houses 30 displaced families in a new shelter.", question) == figure


@pytest.mark.parametrize(
    ("sentence", "expanded", "figure"),
    [
        # the spelled-out body says who acted: its words do not pull the figure towards another count
        ("The practices by 25 diverse towns, the experiences of around 100 local actors including other "
         "associations and networks, were shared at the days.", "(Association of Towns and Networks ATN)", 25),
        # what is counted is the acronym: its spelling-out is what the figure's neighbours say
        ("The 12 towns met over three long days in the spring in the old market hall of the capital, and "
         "since then they have hosted 40 displaced persons.", "(internally displaced persons IDPs)", 40),
    ],
)
def test_a_glossary_spelling_out_counts_only_where_the_count_names_it(sentence, expanded, figure):
    question = "how many towns shared practices at the ATN days?" if "ATN" in expanded else "how many IDPs came?"
    assert number_in(sentence, question, f"{question} {expanded}") == figure


def test_figures_and_what_is_counted():
    assert has_figure("a 1.2% share") and not has_figure("the 2022 IMRF and COVID-19")
    assert counted("How many of those actions came from Africa?") == {"action", "came"}
    assert counted("how many of the round's kids projects?") == {"kid", "project"}  # what follows the round
    assert counted("how many of the report's 2023 pledges are mirror pledges?") == {"pledge"}
    # English names what it counts last, Spanish, French and Portuguese first; articles are not counted
    assert counted("how many partner towns are in the queue?") == {"partner", "town"}
    assert counted("how many de familles de la ville") == {"famille"}
    # two counts asked: the first is the one answered
    assert counted("how many councils are in, and from how many countries?") == {"council"}
    assert counted("how many towns and how many regions?") == {"town"}
    # three words at most: what follows is said of them
    assert counted("how many nurses/health workers got training?") == {"nurse", "worker"}
    assert counted("how many migrant and refugee pupils?") == {"migrant", "pupil"}
    assert counted("how many IDPs (internally displaced persons)") == {"idp"}
    # the head noun: last in English; first in Spanish, French and Portuguese, also when glossed word by word
    assert counted_head("how many IDP families?") == "family"
    assert counted_head("¿cuántas familias desplazadas hay?", "how many families displaced hay") == "family"


@pytest.mark.parametrize(
    ("question", "head"),
    [
        # "the number of …" asks a count as "how many …" does: the head noun is last in English
        ("what total number of resettled pupils does it give?", "pupil"),
        ("give me the number of host families", "family"),
        # first in Spanish, French and Portuguese
        ("¿el número de familias desplazadas?", "familia"),
        ("le nombre de villes partenaires", "ville"),
        # "a number of" is several, no count
        ("a number of towns train teachers", None),
    ],
)
def test_the_number_of_names_what_is_counted(question, head):
    assert counted_head(question) == head


@pytest.mark.parametrize(
    ("sentence", "question", "counts"),
    [
        ("It will serve 5,000 people.", "how many people will it serve?", True),
        # a percentage is a share of what follows it, not a count of it
        ("Mayors spoke in 85% of all sessions.", "how many sessions did mayors speak in?", False),
        # what the sentence says after the counted phrase is not counted
        ("In 3 years the fund grew.", "how many funds are there?", False),
        # a figure opening a bracket counts the noun before it; a percentage there is still a share
        ("Members take part by hosting events (670 in 2023).", "how many events took place?", True),
        ("Most members are in Africa (36%).", "how many members in africa?", False),
    ],
)
def test_what_a_number_counts(sentence, question, counts):
    assert counted_match(sentence, question) is counts


def test_a_distinctive_count_leaves_out_the_records_own_nouns():
    # "how many pledges …" is the records' count; the narrative's "100 local pledges" counts another set
    sentence = "Cities made more than 100 local pledges at the Forum."
    assert counted_match(sentence, "how many pledges are global?")
    assert not counted_match(sentence, "how many pledges are global?", distinctive=True)


@pytest.mark.parametrize(
    ("context", "figure"),
    [
        ("", 40),  # alone, the larger figure near the question's words
        ("The fund is meant to reach $40 million.", 15),  # stated before the question: known, not asked
        ("It opened 2 offices.", 40),  # a figure of context the sentence does not print changes nothing
    ],
)
def test_a_figure_the_context_states_is_not_the_one_asked(context, figure):
    sentence = "The fund will reach $40 million by 2030, with $15 million by 2026."
    assert number_in(sentence, "what is the fund's target in million?", context=context) == figure


@pytest.mark.parametrize(
    ("sentence", "question", "covers"),
    [
        ("Over 2020–2021, the network delivered 90 actions.", "how many actions across 2020 and 2021?", True),
        ("In 2020 the network delivered 40 actions.", "how many actions across 2020 and 2021?", False),
        ("From 2019 to 2022 it housed 300 families.", "families housed in 2020 and 2021?", True),
        # a total over every year: a sentence that spans years, or says it is the total to date
        ("Over 2020–2021, the network delivered 90 actions.", "how many actions in both years?", True),
        ("To date, the network has delivered 90 actions.", "how many actions in total?", True),
        ("In 2020 the network delivered 40 actions.", "how many actions in total?", False),
        # "so far" asks what something is now, not a total over years
        ("Over 2020–2021 the fund grew from $1 million to $5 million.", "what is the fund worth so far?", False),
        # one year asked: no period to cover
        ("Over 2020–2021, the network delivered 90 actions.", "how many actions in 2021?", False),
    ],
)
def test_a_figure_for_the_whole_period_asked(sentence, question, covers):
    assert covers_period(sentence, question) is covers


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("funding has supported three CBOs so far", "funding has supported 3 CBOs so far"),
        ("forty-five families and twenty five people", "45 families and 25 people"),
        ("one of the three", "one of the three"),  # "one" is a pronoun; a number word before no word counts nothing
        ("hundreds of families", "hundreds of families"),  # no exact figure
        ("over the next five years", "over the next five years"),  # a span of time frames a plan
    ],
)
def test_a_figure_said_in_words_is_read_as_a_number(text, read):
    assert digits(text) == read
    assert has_figure(digits(text)) == (text != read)


def test_a_count_of_people_is_answered_by_a_figure_of_any_people():
    assert "beneficiary" in asked_count("how many people use the hub?", ["beneficiaries", "people"])
    assert asked_count("how many rooms does it have?", ["beneficiaries", "people"]) == {"room"}
    # a count asked after a size is not what the figure is chosen by
    assert asked_count("how large is it, and how many staff?", ["staff"]) == set()


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # of two figures of people, the one whose noun says what the count says beyond "people"
        ("how many uprooted people has the village hosted?", 900),
        ("how many people reside in the village?", 4200),
    ],
)
def test_a_count_of_some_people_takes_the_figure_that_says_which(question, figure):
    sentence = "The village - home to 4,200 residents - has hosted 900 newcomers (uprooted people) since 2022."
    assert number_in(sentence, question, people=["people", "residents"]) == figure


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        # a length joined by hyphens to the noun it describes counts nothing, unless a length is asked
        ("what's the stat behind the claim?", 20),
        ("how long is that history?", 300),
    ],
)
def test_a_length_said_as_a_modifier_is_no_figure(question, figure):
    sentence = "A 300-year-long history of welcome, with 20 times more newcomers per head than elsewhere."
    assert number_in(sentence, question) == figure


@pytest.mark.parametrize(
    ("sentence", "number", "question", "kind_asked"),
    [
        ("Around 100 young newcomers live in two shelters.", 100, "how many newcomers will it reach?", True),
        ("The two cities will share 2 hubs.", 2, "how many newcomers live there?", False),  # a count of something else
        ("It puts 4.5 million Swiss francs into care.", 4.5, "how much money does it put in?", True),
        ("It serves 40 children.", 40, "how big was the grant?", False),  # a size of money: no amount
        ("It reached 75% of families.", 75, "what share found homes?", True),
        ("It reached 300 families.", 300, "what share found homes?", False),
        ("It has 20 times more newcomers.", 20, "what's the stat?", True),  # no kind asked: any figure
    ],
)
def test_a_figure_of_the_kind_asked(sentence, number, question, kind_asked):
    assert of_kind_asked(sentence, number, question, ("people",)) is kind_asked


def test_more_words_for_what_is_counted():
    sentence = "It trains around 100 children."
    assert not of_kind_asked(sentence, 100, "how many kids?")
    assert of_kind_asked(sentence, 100, "how many kids?", also=("children",))


_WEIGHTS = {"figure": 0.1, "counted": 0.2, "share": 0.2, "growth": 0.2, "period": 0.2}
_TO_REACH = "The council pledged to bring the fund to reach $40 million by 2027."


@pytest.mark.parametrize(
    ("question", "weaker"),
    [
        # asked what it is now: a figure it is to reach answers it less than a question with no time in it
        ("how large is the fund at the moment, in dollars?", True),
        ("what's the fund worth today?", True),
        ("how big is it so far?", True),
        # the goal asked: no less
        ("what total is the council aiming for with the fund?", False),
        ("how large is the fund?", False),
        # the first figure asked decides: here the promise, before the size
        ("what did the council promise to raise? and its worth today?", False),
    ],
)
def test_a_figure_asked_as_of_now_is_not_one_to_be_reached(question, weaker):
    plain = sentence_bonus(_TO_REACH, "how large is the fund?", _WEIGHTS)
    assert (sentence_bonus(_TO_REACH, question, _WEIGHTS) < plain) is weaker
