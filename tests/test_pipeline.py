"""Retrieval and cited answers against the real model, the real Chroma index and the real records."""

from __future__ import annotations

import pytest

from pledgebot.answer import excerpt_is_verbatim
from pledgebot.errors import QuestionError
from pledgebot.filters import normalise
from pledgebot.glossary import acronyms, spell_out
from pledgebot.passages import sentences
from pledgebot.pipeline import _number_in
from pledgebot.records import Pledge


def submitters(answer):
    return {c.submitter for c in answer.citations}


def test_one_stop_shops_for_ofws(bot):
    a = bot.ask("Which cities run one-stop shops for Overseas Filipino Workers?")
    assert not a.abstained
    assert {"Laguna Province", "Quezon City"} <= submitters(a)
    assert {c.country for c in a.citations} == {"Philippines"}


def test_counts_come_from_the_records(bot):
    a = bot.ask("How many 2023 pledges are GCR only?")
    assert a.number == 14 and "**14**" in a.text
    assert len(a.citations) == 14 and all(c.pledge_type == "GCR only" for c in a.citations)
    assert "15 GCR only" in a.text  # the report's own summary disagrees, and the answer says so
    assert bot.ask("How many mirror pledges are there?").number == 34


def test_lists_are_complete(bot):
    a = bot.ask("List the pledges from Argentina")
    assert a.total_matches == 3 and submitters(a) == {"Buenos Aires", "Quilmes"}
    assert "all 3 shown" in a.text
    until = bot.ask("Which pledges run until 2027?")
    assert {c.submitter for c in until.citations} == {"Kampala", "Nairobi", "Quilmes", "Zürich"}
    orgs = bot.ask("Which pledges were submitted by organizations rather than cities?")
    assert orgs.citations and all(bot.records[c.id].submitter_kind != "city" for c in orgs.citations)


def test_unknown_place_abstains(bot):
    a = bot.ask("What did Oslo pledge?")
    assert a.abstained and not a.citations
    assert a.text == "No pledge from Oslo is in the 2023 report."
    norway = bot.ask("What has Norway pledged?")
    assert norway.abstained and "Norway" in norway.text


def test_off_topic_abstains(bot):
    for q in ("What is the weather in Paris tomorrow?", "Give me a recipe for paella"):
        a = bot.ask(q)
        assert a.abstained and not a.citations, q


def test_place_filters_are_inferred_and_reported(bot):
    a = bot.ask("What are Greek cities doing on integration?")
    assert a.filters["countries"] == ["Greece"]
    assert a.citations and {c.country for c in a.citations} == {"Greece"}
    east = bot.ask("Which pledges come from East Africa?")
    assert {c.country for c in east.citations} <= {"Kenya", "Uganda", "Rwanda", "Ethiopia", "Mozambique", "Somaliland"}
    assert {"Kampala", "Nairobi", "Nyamagabe"} <= submitters(east)


def test_typos_and_aliases(bot):
    a = bot.ask("What has Kampla pledged?")
    # Kampala's only pledge is joint with Nairobi: both records of the project are cited
    assert submitters(a) == {"Kampala", "Nairobi"} and any("Kampla" in n for n in a.notes)
    assert "Zürich" in submitters(bot.ask("What is Zurich doing?"))
    assert "eThekweni" in submitters(bot.ask("What did Durban commit to?"))


def test_explicit_filters_apply(bot):
    a = bot.ask("Which pledges support refugee children?", filters=normalise(country="Greece"))
    assert a.citations and all(c.country == "Greece" for c in a.citations)
    with pytest.raises(QuestionError, match="unknown country"):
        normalise(country="Atlantis")


def test_report_facts_come_from_sections(bot):
    a = bot.ask("What share of humanitarian aid went to local actors in 2022?")
    assert a.citations[0].kind == "section" and "1.2%" in a.citations[0].excerpt
    assert a.number == 1.2


def test_comparable_pledges(bot):
    a = bot.ask("Which cities are doing something comparable to Milan's early-childhood project?")
    others = [c.submitter for c in a.citations]
    assert "Milan" not in others and others[0] == "Montevideo"
    assert "First Steps in Milan" in a.text  # the anchor is named, not cited


def test_non_english_questions(bot):
    es = bot.ask("¿Qué ciudades tienen centros para trabajadores filipinos en el extranjero?")
    assert {"Laguna Province", "Quezon City"} <= submitters(es)
    pt = bot.ask("Quais cidades oferecem aulas de português para migrantes?")
    assert "São Leopoldo" in submitters(pt)
    fr = bot.ask("Quelles villes forment les enseignants contre le racisme ?")
    assert "Terrassa" in submitters(fr)


def test_every_excerpt_is_verbatim(bot):
    questions = [
        "Which cities run one-stop shops for Overseas Filipino Workers?",
        "Who trains teachers to fight racism?",
        "Which pledges deal with climate change?",
        "How many pledges are supported by the Global Cities Fund?",
        "What did Bogotá commit to in 2022?",
        "What is a mirror pledge?",
    ]
    for q in questions:
        for c in bot.ask(q).citations:
            rec = bot.records[c.id]
            text = rec.description if isinstance(rec, Pledge) else rec.text
            assert c.excerpt and excerpt_is_verbatim(c.excerpt, text), (q, c.id, c.excerpt)
            assert c.source == rec.source


def test_follow_up_keeps_the_topic(bot):
    first = "Which cities offer language courses for refugees?"
    a = bot.ask("and in Latin America?", history=[first])
    assert a.filters.get("place_label") == "Latin America"
    assert a.citations and all(bot.records[c.id].region == "Latin America and the Caribbean" for c in a.citations)


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n ", "empty"), ("x" * 2001, "2001 characters"), ("why\x00not", "control character")],
)
def test_bad_questions(bot, question, message):
    with pytest.raises(QuestionError, match=message):
        bot.ask(question)


def test_langchain_retriever(bot):
    docs = bot.retriever(k=3).invoke("one-stop shop for Overseas Filipino Workers")
    assert len(docs) == 3 and docs[0].metadata["kind"] == "pledge"
    assert {"Laguna Province", "Quezon City"} & {d.metadata.get("submitter") for d in docs}


def test_similar_excludes_own_submitter(bot):
    milan = next(p for p in bot.pledges if p.submitter == "Milan" and p.year == 2023)
    sims = bot.similar(milan.id, k=5)
    assert len(sims) == 5 and all(s.pledge.submitter != "Milan" for s in sims)
    assert sims[0].similarity >= sims[-1].similarity
    assert all(s.sentence and s.anchor_sentence for s in sims)


def test_list_items_are_sentences_of_their_own():
    text = "Trends. - 84% of actions were from LRGs (59 actions). The remaining 16% came from networks. - 20% did more."
    assert sentences(text) == [
        "Trends.",
        "84% of actions were from LRGs (59 actions).",
        "The remaining 16% came from networks.",
        "20% did more.",
    ]


def test_figures_answer_what_was_asked():
    text = "Created in 2021 with $1 million for 5 cities, in 3 years the fund has become an $8 million fund."
    assert _number_in(text, "How large has the fund grown since it was created in 2021?") == 8
    both = "84% of actions were from LRGs. The remaining 16% of actions were submitted by networks."
    assert _number_in(both, "What share of actions came from local governments rather than networks?") == 84


def test_acronyms_are_spelled_out_for_embedding_only():
    meanings = acronyms()
    assert meanings["LRG"] == "local and regional governments"
    assert spell_out("84% of actions were from LRGs.", meanings) == (
        "84% of actions were from LRGs. (LRG: local and regional governments)"
    )
    assert spell_out("No acronym here.", meanings) == "No acronym here."


def test_report_figures_from_the_narrative(bot):
    share = bot.ask("What share of the 2022 actions came directly from local and regional governments, not networks?")
    assert share.number == 84 and share.citations[0].kind == "section"
    grown = bot.ask("How big has the Global Cities Fund become since 2021?")
    assert grown.number == 8


def test_joint_pledges_are_a_filter(bot):
    listing = bot.ask("Which pledges were made jointly by two cities?")
    assert {c.submitter for c in listing.citations} == {"Kampala", "Nairobi", "Tyre", "Zürich", "Milan and Freetown"}
    assert listing.filters.get("joint") is True and "2 partnerships" in listing.text
    peers = bot.ask("Who has a city-to-city partnership like Tyre and Zürich's?")
    assert {c.submitter for c in peers.citations} == {"Milan and Freetown", "Kampala", "Nairobi"}


def test_everyday_wording(bot):
    housing = bot.ask("who helps people fleeing war find a place to live?")
    assert all(c.kind == "pledge" for c in housing.citations) and {"Dunaivtsi", "eThekweni"} & submitters(housing)
    back = bot.ask("What are mayors doing for people who have come back from working abroad?")
    assert "Dhankuta" in submitters(back) and "Mayors Migration Council" not in submitters(back)
    lessons = bot.ask("which places give newcomers free lessons in the local tongue?")
    assert lessons.intent != "report" and "São Leopoldo" in submitters(lessons)


def test_a_demonym_is_who_is_helped_and_an_unknown_topic_is_named(bot):
    syrians = bot.ask("Is there anything about Syrian refugees?")
    assert not syrians.abstained and "Gaziantep" in submitters(syrians)
    assert bot.ask("any projects for LGBTQ migrants?").text == "No pledge in the 2023 report mentions LGBTQ."


def test_the_bar_is_set_by_pledges_that_use_the_questions_words(bot):
    a = bot.ask("What are cities doing about xenophobia?")
    assert "Carmen de la Legua" in submitters(a) and "Eurocities" not in submitters(a)


def test_who_said_finds_the_printed_quote(bot):
    a = bot.ask("who said cities are at the helm?")
    assert "Filippo Grandi" in a.text and a.citations[0].kind == "section"
    assert excerpt_is_verbatim(a.citations[0].excerpt, bot.records[a.citations[0].id].text)
    assert bot.ask("who said the moon is made of cheese?").abstained
    sao_paulo = bot.ask("Give me a quote from São Paulo")
    assert "Marta Suplicy" in sao_paulo.text


def test_mentions_are_an_exact_search(bot):
    a = bot.ask("Which pledges mention the private sector?")
    assert submitters(a) == {"Bucharest", "Dhankuta", "Bogotá"}
    assert all("private sector" in c.excerpt for c in a.citations)
    europe = bot.ask("How many pledges from Europe mention Ukraine?")
    assert europe.number == len(europe.citations) and "countries" not in europe.filters
    assert bot.ask("Which pledges mention the word 'Rohingya'?").abstained


def test_what_an_acronym_stands_for(bot):
    a = bot.ask("What do IDPs stand for?")
    assert a.text.startswith("**IDP** stands for internally displaced persons")
    assert "(IDPs)" in a.citations[0].excerpt


def test_report_figures_found_by_the_whole_question(bot):
    assert bot.ask("how many people did Beirut's mobile clinic vaccinate?").number == 3500  # not COVID-19
    assert bot.ask("how many mayors and local leaders got formal access to the 2022 IMRF?").number == 16
    charter = bot.ask("what is the Lampedusa Charter and when was it launched?")
    assert not charter.abstained and "Lampedusa Charter" in charter.citations[0].excerpt


def test_which_other_places_is_a_comparison(bot):
    a = bot.ask(
        "Lancaster PA is turning its welcoming plan into policy. which other places have a plan for immigrants?"
    )
    assert a.intent == "compare" and "Lancaster" not in submitters(a)
    none = bot.ask("I need a quote from Montevideo's mayor about the new childcare centre")
    assert none.abstained and none.text.startswith("The report prints no quote from Montevideo")


def test_states_and_provinces_name_the_submitters_in_them(bot):
    texas = bot.ask("what are cities in Texas doing for asylum seekers and immigrants?")
    assert submitters(texas) == {"San Antonio", "Dallas"} and texas.filters["place_label"] == "Texas"
    assert bot.ask("What are cities in California doing?").abstained
    us = bot.ask("¿Qué ciudades de EE.UU. apoyan a los solicitantes de asilo?")
    assert us.filters["countries"] == ["United States"] and submitters(us) <= {"San Antonio", "Dallas", "Boston"}


def test_unknown_towns_typed_in_lower_case_or_named_with_their_country(bot):
    assert bot.ask("pledges from oslo").text == "No pledge from Oslo is in the 2023 report."
    chisinau = bot.ask("is chisinau doing anything for ukrainian refugees? writing a piece on moldova")
    assert chisinau.abstained and chisinau.text.startswith(
        "No pledge from Chisinau is in the 2023 report. From Moldova:"
    )
    assert "Straseni" in submitters(chisinau)  # the country's pledge, shown as context
    assert not bot.ask("is everyone doing something on housing?").abstained


def test_counts_by_theme_and_amounts(bot):
    kids = bot.ask("how many of the 2023 actions are for kids and young people?")
    assert kids.number == 10 and kids.citations[0].id == "section-call-to-local-action-2023-by-the-numbers"
    money = bot.ask(
        "How much money have the local governments in the Call put up so far, and how many people do they serve?"
    )
    assert money.number == 23


def test_start_and_end_years_read_the_way_people_say_them(bot):
    assert bot.ask("How many of the 2023 pledges actually started back in 2022?").number == 9
    early = bot.ask("which of the 2023 submissions go back to 2019 or earlier?")
    assert early.filters.get("started_by") == 2019 and "end_year" not in early.filters
    assert submitters(early) == {"Eurocities", "Laguna Province", "Terrassa"}
    assert bot.ask("Which of this year's pledges are set to end in 2025?").filters["year"] == 2023


def test_subregions_in_other_languages_and_personal_requests(bot):
    north = bot.ask("Y a-t-il des engagements de villes d'Afrique du Nord ?")
    assert submitters(north) == {"Nador"} and not north.abstained
    personal = bot.ask("can you help me fill in my asylum application for Canada?")
    assert personal.abstained and not personal.citations and "individual application" in personal.text


def test_a_place_the_narrative_names_has_no_pledge_of_its_own(bot):
    assert bot.ask("What has Daejeon pledged for migrants?").text == "No pledge from Daejeon is in the 2023 report."
    assert bot.ask("How many GCM-only pledges were submitted in 2023?").number == 5  # GCM is no place


def test_a_figure_is_the_one_said_of_what_was_asked(bot):
    assert bot.ask("How many emergencies did UNHCR declare in the last year, and in how many countries?").number == 46
    ramallah = bot.ask("How much money did the Global Cities Fund give Ramallah for the Qaddura camp project?")
    assert ramallah.abstained  # the report gives no amount for Ramallah; the Fund's $50 million is not it
    assert bot.ask("How many local actors are taking UCLG's online course on localizing the compacts?").number == 215


def test_quotes_countries_and_work_in_a_country_without_pledges(bot):
    mayors = bot.ask("how many of the pledges come with a quote from a mayor? which mayors?")
    assert mayors.number == 4 and "Issa Kasis" in mayors.text
    assert bot.ask("How many countries are the 2023 pledges from?").number == 27  # as the report says
    guatemala = bot.ask("any work in Guatemala? municipalities there")
    assert not guatemala.abstained and submitters(guatemala) == {"Cities Alliance"}
    assert bot.ask("what are australian cities doing for refugees?").abstained


def test_lower_case_typos_of_city_names(bot):
    for question, city in [
        ("san antonia migrant resource center asylum", "San Antonio"),
        ("maipo immigration office one stop shop", "Maipú"),
        ("guayakil center at the bus terminal for migrants", "Guayaquil"),
    ]:
        assert submitters(bot.ask(question)) == {city}, question
    assert "countries" not in bot.ask("Quelles villes accueillent des réfugiés ukrainiens ?").filters


def test_figures_asked_in_other_languages(bot):
    assert bot.ask("¿Cuánto dinero invierte Zúrich en atención médica para personas sin seguro de salud?").number == 4.5
    assert bot.ask("Quantas pessoas de origem estrangeira vivem em Quilmes?").number == 54000


def test_fund_projects_open_ended_pledges_and_wrapping_up(bot):
    assert bot.ask("how many Global Cities Fund projects are in Europe?").number == 2
    open_ended = bot.ask("Which GCR-only pledges don't have an end date?")
    assert submitters(open_ended) == {"Amman", "Nairobi", "Ramallah"}
    assert bot.ask("of this year's Global Cities Fund projects, how many are supposed to wrap up in 2024?").number == 5


def test_projects_with_a_named_agency_are_the_pledges_that_name_it(bot):
    unhcr = bot.ask("Which city projects are run together with UNHCR?")
    assert submitters(unhcr) == {"Buenos Aires", "Nyamagabe"}
    assert all("UNHCR" in c.excerpt or "Refugee Agency" in c.excerpt for c in unhcr.citations)
