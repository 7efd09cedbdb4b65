"""The router and its handlers on a tiny made-up corpus (hashing embedder, hand-set decisions)."""

from __future__ import annotations

import copy
from dataclasses import replace
from types import SimpleNamespace

import pytest
from tiny import tiny_bot

from pledgebot.answer import Ctx, answer, excerpt_is_verbatim
from pledgebot.filters import Filters
from pledgebot.query import Intent, Query
from pledgebot.records import Pledge
from pledgebot.reports import editions


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    b = tiny_bot(tmp_path_factory.mktemp("tiny-index"))
    b.understander.model = None  # intents are set by each test
    return b


def ask(bot, question: str, intent: Intent = Intent.FIND, explicit: Filters | None = None):
    ctx = Ctx(bot.res)
    q = replace(bot.understand(question, explicit, ctx=ctx), intent=intent)
    if intent is Intent.COMPARE:  # as the understander does for a comparison: the places named are anchors
        q = replace(q, anchors=q.filters.submitters, filters=replace(q.filters, submitters=(), place_label=None))
    return answer(q, ctx)


def ids(a) -> list[str]:
    return [c.id for c in a.citations]


def test_every_answer_has_a_route_and_verbatim_excerpts(bot):
    for question, intent in [
        ("How many pledges from Greece?", Intent.COUNT),
        ("Who offers housing for refugees?", Intent.FIND),
        ("What share of humanitarian funding reached local actors?", Intent.REPORT),
    ]:
        a = ask(bot, question, intent)
        assert a.route is not None and a.route.handler and a.route.reason
        for c in a.citations:
            rec = bot.records[c.id]
            assert excerpt_is_verbatim(c.excerpt, rec.description if isinstance(rec, Pledge) else rec.text)


@pytest.mark.parametrize(
    ("question", "intent", "handler"),
    [
        ("Can you help me with my visa?", Intent.ASSIST, "policy"),
        ("What did Oslo pledge?", Intent.FIND, "policy"),
        ("Which pledges mention the guide?", Intent.MENTION, "mentions"),
        ("Give me a quote from Athens", Intent.QUOTE, "quotes"),
        ("How many mayors are quoted?", Intent.REPORT, "quotes"),  # the printed quotes: the records' own count
        ("Who else does something like Larissa's language courses?", Intent.COMPARE, "compare"),
        ("What share of humanitarian funding reached local actors?", Intent.REPORT, "figures"),
        ("How many pledges from Greece?", Intent.COUNT, "listing"),
        ("Who offers housing for refugees?", Intent.FIND, "topical"),
        ("What does LRG stand for?", Intent.DEFINITION, "definition"),
    ],
)
def test_the_router_picks_one_handler(bot, question, intent, handler):
    assert ask(bot, question, intent).route.handler == handler


def test_a_count_of_the_people_quoted_is_answered_with_the_count(bot):
    assert ask(bot, "How many mayors are quoted?", Intent.REPORT).number == 1


def test_counts_cite_every_counted_pledge_and_lists_add_partners_uncounted(bot):
    count = ask(bot, "How many pledges from Kenya?", Intent.COUNT)
    assert count.number == 1 and ids(count) == ["2023-nairobi-joint"]
    listed = ask(bot, "What has Nairobi pledged?", Intent.FIND)
    assert listed.total_matches == 1 and ids(listed) == ["2023-nairobi-joint", "2023-kampala-joint"]
    assert "not counted" in listed.text


def test_aggregates(bot):
    per = ask(bot, "Which cities made more than one pledge?", Intent.FIND)
    assert (
        per.number == 1
        and "Larissa (2)" in per.text
        and set(ids(per)) == {"2023-larissa-language", "2023-larissa-jobs"}
    )
    countries = ask(bot, "How many countries do the pledges come from?", Intent.COUNT)
    assert countries.number == 4 and ids(countries)[0] == "section-numbers"  # the narrative says so too
    quoted = ask(bot, "How many pledges have a quote from a mayor?", Intent.COUNT)
    assert quoted.number == 1 and ids(quoted) == ["2023-athens-housing"]


@pytest.mark.parametrize(
    ("question", "narrative"),
    [
        ("How many pledges are about housing?", True),
        ("How many 2023 pledges are about housing?", True),
        # a facet narrows the count to records the narrative does not count: the records answer
        ("How many Global Cities Fund pledges are about housing?", False),
        ("How many pledges from Greece are about housing?", False),
    ],
)
def test_a_count_tries_the_narrative_only_when_no_facet_narrows_it(bot, monkeypatch, question, narrative):
    stated = copy.copy(ask(bot, "Who offers housing and shelter?"))
    monkeypatch.setattr("pledgebot.answer.router.figures.answer", lambda q, ctx, sections_only=False: stated)
    assert (ask(bot, question, Intent.COUNT) is stated) is narrative


def test_topical_answers_cite_what_covers_the_topic(bot):
    a = ask(bot, "Who offers housing and shelter?", Intent.FIND)
    assert ids(a) == ["2023-athens-housing"] and not a.abstained
    assert a.route.decisions and a.route.decisions[0].kept


def test_a_pledge_covers_any_name_of_the_country_its_people_come_from(bot):
    # "Ukrainian refugees" is answered by "refugees from Ukraine"
    a = ask(bot, "Which pledges help Ukrainian refugees?", Intent.FIND)
    assert a.route.topic == ("ukrainian",) and ids(a) == ["2023-straseni-rights"]


def test_topical_count_counts_the_relevant(bot):
    a = ask(bot, "How many pledges are about innovation hubs?", Intent.COUNT)
    assert a.number == 2 and set(ids(a)) == {"2023-nairobi-joint", "2023-kampala-joint"}


def test_nothing_on_the_topic_abstains_without_citations(bot):
    a = ask(bot, "Who runs football tournaments?", Intent.FIND)
    assert a.abstained and not a.citations


def test_a_facet_with_words_no_record_uses_answers_the_facet(bot):
    a = ask(bot, "What is Larissa doing about zorblax?", Intent.FIND)
    assert not a.abstained and set(ids(a)) == {"2023-larissa-language", "2023-larissa-jobs"}
    assert "zorblax" in a.text


def test_unknown_places_abstain_and_context_is_not_cited(bot):
    oslo = ask(bot, "What did Oslo pledge?")
    assert oslo.abstained and not oslo.citations and "Oslo" in oslo.text
    town = ask(bot, "is chisinau doing anything? writing about Moldova")
    assert town.abstained and not town.citations and "Straseni" in town.text


def test_a_filter_that_excludes_the_named_place_is_a_conflict(bot):
    a = ask(bot, "What is Athens doing?", Intent.FIND, explicit=Filters(countries=("Kenya",)))
    assert a.abstained and "leaves out Athens" in a.text and "No pledge from" not in a.text
    assert "Athens" not in a.text.split("leaves out")[0]  # the filter named is the one set, not the question's place


def test_work_done_in_a_country_without_pledges(bot):
    a = ask(bot, "any work in Guatemala?", Intent.FIND)
    # the pledges that work there, then the narrative's own example from there
    assert ids(a) == ["2023-network-guide", "section-foreword"] and not a.abstained
    assert "San Marcos (Guatemala)" in a.citations[1].excerpt


def test_mentions_are_exact(bot):
    found = ask(bot, "Which pledges mention UNHCR?", Intent.MENTION)
    assert ids(found) == ["2023-athens-housing"]
    assert ask(bot, "Which pledges mention Rohingya?", Intent.MENTION).abstained
    # the whole phrase is in no pledge, the name in it is: the pledges naming it, and a note saying so
    named = ask(bot, "Which pledges name UNHCR as the partner that runs the work?", Intent.MENTION)
    assert ids(named) == ["2023-athens-housing"] and any("whole phrase" in n for n in named.notes)
    assert "no record uses" in named.route.reason
    assert ask(bot, "Which pledges mention Rohingya as their partner?", Intent.MENTION).abstained
    # the words with other endings: found, and the answer names the words as the pledge writes them
    inflected = ask(bot, "Which pledges mention publishing a guide?", Intent.MENTION)
    assert ids(inflected) == ["2023-network-guide"] and "“publish a guide”" in inflected.text
    assert any("word for word" in n for n in inflected.notes)
    # a bare word finds itself and its plural only, not a longer word that starts with it
    assert ask(bot, "Which pledges mention hub?", Intent.MENTION).citations
    assert ask(bot, "Which pledges mention guides?", Intent.MENTION).citations
    assert ask(bot, "Which pledges mention gui?", Intent.MENTION).abstained


def test_whether_a_goal_was_reached_is_not_said_by_the_pledge_that_sets_it(bot):
    # the pledge commits to 300 families: the report does not say whether they were housed
    a = ask(bot, "Did Athens reach 300 refugee families?", Intent.REPORT)
    assert a.abstained and not a.citations and "300" in a.text and "goal" in a.route.reason
    # the narrative says Quito sheltered 300 families: answered as any figure is
    assert not ask(bot, "Did Quito reach 300 families with its grant?", Intent.REPORT).abstained


def test_figures_and_definitions(bot):
    share = ask(bot, "What share of humanitarian funding reached local actors?", Intent.REPORT)
    assert share.number == 1.2 and ids(share) == ["section-foreword"]
    lrg = ask(bot, "What does LRG stand for?", Intent.DEFINITION)
    assert lrg.text.startswith("**LRG** stands for") and "(LRGs)" in lrg.citations[0].excerpt


def test_a_question_opening_with_context_is_judged_by_the_sentence_that_asks(bot):
    context = "I am preparing a long briefing for my council on budgets, parks, roads, schools, libraries, water, parking and buses. "
    a = ask(bot, context + "What share of humanitarian funding reached local actors?", Intent.REPORT)
    assert a.number == 1.2 and ids(a) == ["section-foreword"]


def test_a_question_naming_only_a_place_after_context_lists_the_place(bot):
    a = ask(bot, "Our hubs train job seekers. Which pledges come from Greece?", Intent.FIND)
    assert a.route.handler == "listing" and set(ids(a)) == {"2023-athens-housing", "2023-larissa-language", "2023-larissa-jobs"}


def test_facets_alone_in_the_sentence_that_asks_set_the_contexts_words_aside(bot):
    # any facet, not only a place: the context says who asks, not what the answer is about
    a = ask(bot, "Our hubs train job seekers. Which pledges start in 2022?", Intent.FIND)
    assert a.route.handler == "listing" and ids(a) == ["2023-larissa-language"]
    # unless the sentence that asks points back at the context: then the context is the topic
    a = ask(bot, "We run innovation hubs for entrepreneurs. Which pledges from Kenya do that?", Intent.FIND)
    assert a.route.handler != "listing"


def test_a_priority_named_is_answered_from_its_own_section(bot):
    a = ask(bot, "which GCM objectives does priority 3 serve?", Intent.REPORT)
    assert ids(a) == ["section-priority-3"] and not a.abstained and "section the question names" in a.route.reason


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("what does the foreword say about money for local actors?", "section-foreword"),
        ("in the foreword's words, who leads the way?", "section-foreword"),
        ("what did the fund's grants pay for?", "section-fund"),  # every word of a longer heading
    ],
)
def test_a_section_named_by_its_heading_answers_from_that_section(bot, question, section):
    a = ask(bot, question, Intent.REPORT)
    assert ids(a)[0] == section and not a.abstained and "section the question names" in a.route.reason


def test_a_one_word_heading_is_named_only_as_that_heading():
    from pledgebot.answer.figures import named_sections

    res = SimpleNamespace(sections=[SimpleNamespace(id="s-about", heading=("About",), report="")])
    assert named_sections(Query("what is the report about?", Intent.REPORT), res) == []


def test_comparisons_leave_out_the_anchor_and_its_partner(bot):
    a = ask(bot, "Who else does something like Nairobi's innovation hubs?", Intent.COMPARE)
    assert a.route.handler == "compare"
    assert not {"2023-nairobi-joint", "2023-kampala-joint"} & set(ids(a))


def test_quotes_of_a_place_and_none_for_a_place_without(bot):
    athens = ask(bot, "Give me a quote from Athens", Intent.QUOTE)
    assert "Every family deserves a home." in athens.text and ids(athens) == ["2023-athens-housing"]
    none = ask(bot, "Give me a quote from Larissa", Intent.QUOTE)
    assert none.abstained and not none.citations


def test_the_json_form_carries_the_route(bot):
    data = ask(bot, "How many pledges from Greece?", Intent.COUNT).to_dict()
    assert data["route"]["handler"] == "listing" and data["filters"] == {
        "countries": ["Greece"],
        "place_label": "Greece",
    }
    assert {f["kind"] for f in data["route"]["facets"]} == {"country"}


def test_a_plain_query_without_understanding(bot):
    q = Query("housing", Intent.FIND, topic=("housing",), search_text="housing", full_text="housing")
    assert answer(q, Ctx(bot.res)).route.handler == "topical"


@pytest.mark.parametrize(
    ("reports", "lang", "expected"),
    [
        (("lgc-2023",), "en", "No pledge from Oslo is in the 2023 report."),
        (("lgc-2023",), "fr", "Le rapport de 2023 ne contient aucun engagement d’Oslo."),
        (("lgc-2023", "made-up-2026"), "en", "No pledge from Oslo is in the corpus (the 2023 report and made-up-2026)."),
        (("lgc-2023", "made-up-2026"), "pt", "O corpus (o relatório de 2023 e made-up-2026) não tem nenhum compromisso de Oslo."),
        (("made-up-2026",), "es", "No hay ningún compromiso de Oslo en made-up-2026."),
    ],
)
def test_an_abstention_names_the_editions_it_searched(bot, reports, lang, expected):
    res = copy.copy(bot.res)
    res.editions = editions(reports)
    ctx = Ctx(res)
    q = replace(bot.understand("What did Oslo pledge?", ctx=ctx), language=lang)
    assert answer(q, ctx).text.split("\n")[0] == expected


def test_a_share_asked_takes_the_percentage_of_the_same_paragraph(bot):
    # the sentence that matches best gives a count; the share is the next sentence's, not Lima's paragraph
    a = ask(bot, "Quito used its fund grant to shelter 300 families at risk, so what share found homes?", Intent.REPORT)
    assert a.number == 75 and ids(a) == ["section-fund"]


def test_a_printed_quote_asked_for_as_a_task_is_fetched_when_its_speaker_is_named(bot):
    fetched = ask(bot, "Could you pull Athens's exact quote for me?", Intent.ASSIST)
    assert fetched.route.handler == "quotes" and ids(fetched) == ["2023-athens-housing"]
    # no speaker named: writing a quote is a task outside the report
    assert ask(bot, "Could you write me a quote on welcome for our poster?", Intent.ASSIST).route.handler == "policy"


def test_a_mention_of_people_by_a_quality_finds_any_word_for_them():
    from pledgebot.answer.mentions import _pattern

    rx = _pattern("stateless people", True, ("people", "persons"))
    assert rx.search("stateless persons") and rx.search("preventing statelessness") and not rx.search("stateless")


def test_a_figure_asked_of_the_pledges_found_is_the_likeliest_ones(bot):
    a = ask(bot, "Who offers housing to refugee families, and how many families?", Intent.FIND)
    assert a.number == 300 and ids(a)[0] == "2023-athens-housing" and "300" in a.citations[0].excerpt
    # a report question whose figure no record gives stays unanswered: a pledge found by its words must give
    # a figure of the kind asked
    assert ask(bot, "So what is the number of refugees residing in Kampala today?", Intent.REPORT).abstained


def test_the_closest_quote_is_one_the_question_lets_answer(bot):
    assert ids(ask(bot, "Who said that every family deserves a home?", Intent.QUOTE)) == ["2023-athens-housing"]
    # the filters narrow the pledges to Kenya's: the Athens mayor's words are not a Kenyan pledge's quote
    narrowed = ask(bot, "Who said that every family deserves a home?", Intent.QUOTE, Filters(countries=("Kenya",)))
    assert narrowed.abstained and not narrowed.citations


@pytest.mark.parametrize(
    ("role", "held"),
    [("Mayor of Athens", True), ("Executive Director, Mayors Migration Council", False), ("Deputy Mayor", True)],
)
def test_a_role_is_held_by_its_word_not_by_a_name_containing_it(role, held):
    from pledgebot.answer.quotes import _has_role
    from pledgebot.quotes import SpokenQuote

    assert _has_role(SpokenQuote("d", "words", "A. Speaker", role), "mayor") is held


def test_a_topic_judges_the_pledges_printed_with_a_quote(bot):
    # the printed quote is beside the housing pledge; a question on jobs with a quote finds no such pledge
    housing = ask(bot, "Which pledges on housing come with a quote?", Intent.FIND)
    assert housing.route.handler == "topical" and ids(housing) == ["2023-athens-housing"]
    jobs = ask(bot, "Which pledges on vocational training come with a quote?", Intent.FIND)
    assert "2023-athens-housing" not in ids(jobs)
    listed = ask(bot, "Which pledges come with a quote?", Intent.FIND)
    assert listed.route.handler == "quotes" and ids(listed) == ["2023-athens-housing"]

