"""Question understanding on a tiny made-up gazetteer, lexicon and glossary: no model, no index."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pledgebot.errors import QuestionError
from pledgebot.filters import Filters, YearRange
from pledgebot.glossary import Term
from pledgebot.places import Country, Gazetteer, Submitter
from pledgebot.query import Intent, Unit
from pledgebot.records import Pledge, Section, Source
from pledgebot.text import fold
from pledgebot.understand import Understander, detect_language, grammar, validate
from pledgebot.understand.facets import _glossed
from pledgebot.understand.lexicon import build_lexicon, gloss_table

GAZ = Gazetteer(
    regions=("Africa", "Europe", "Global"),
    countries={
        "Kenya": Country("Kenya", "Africa", "KEN", ("Kenyan", "Kenyans")),
        "Greece": Country("Greece", "Europe", "GRC", ("Greek", "Greeks", "Grèce", "griego", "grecque")),
        "Ukraine": Country("Ukraine", "Europe", "UKR", ("Ukrainian", "Ukrainians", "ukrainiens")),
        "Ghana": Country("Ghana", "Africa", "GHA"),
        "Switzerland": Country("Switzerland", "Europe", "CHE", ("Swiss",)),
        "Global": Country("Global", "Global"),
    },
    submitters={
        "Nairobi": Submitter("Nairobi", "city", "Kenya", aliases=("Nairobi City County",)),
        "Athens": Submitter("Athens", "city", "Greece"),
        "Kampala Hills": Submitter("Kampala Hills", "region", "Kenya"),
        "Helpers Network": Submitter("Helpers Network", "organization", "Global"),
        "Leaders Forum": Submitter("Leaders Forum", "organization", "Global"),
    },
    subregions={"East Africa": ("Kenya",), "West Africa": ("Ghana",), "Scandinavia": ()},
    region_aliases={"Europe": ("European",), "Africa": ("African",)},
    areas={"Attica": ("Athens",)},
    area_aliases={"Attica": ()},
    listed=("Bristol", "Medellín"),
)
DATA = {
    "chatter": "which what who how many are is the a of in for from pledges pledge cities city doing did do has have "
    "any anything and or rather than other refugees migrants people on about committed to there only that ending by "
    "started back pledged with whose an including included cidade too as well not just our counting count",
    "pledge_types": {"Mirror": ["mirror", "mirror pledges"], "GCR only": ["gcr only", "gcr-only"]},
    "submitter_kinds": {
        "organization": ["organizations", "networks", "city networks"],
        "region": ["counties", "provinces", "state governments"],
        "national government": ["national government", "federal government"],
    },
    "flags": {
        "gcf": ["global cities fund"],
        "joint": ["jointly", "joint pledges"],
        "open_ended": ["no end date", "not have an end date"],
        "quoted": ["quote"],
    },
    "agencies": {"UNHCR": ["unhcr", "un refugee agency"]},
    "population_nouns": ["refugees", "families", "asylum seekers"],
    "back_references": ["this", "that", "they", "same"],
    "back_reference_after": ["too"],
    "back_reference_nouns": ["thing", "kind", "of"],
    "lead_in_subjects": ["we", "some", "report"],
    "lead_in_openers": ["for a", "ahead of"],
    "request_openers": ["tell", "list"],
    "actor_pronouns": ["they", "their", "it"],
    "place_pointers": ["there", "here"],
    "first_person": ["we", "our"],
    "population_before": ["réfugiés"],
    "language_cues": ["in", "learn"],
    "population_origin": ["from", "fleeing"],
    "flight_verbs": ["fled", "fleeing"],
    "population_crises": {"crises": ["war"], "before_place": ["in", "from"]},
    "crisis_articles": ["the"],
    "count_units": {"countries": ["countries"], "submitters": ["cities"]},
    "followup_cues": ["and", "what about", "and in"],
    "months": {1: ["january"], 3: ["march"]},
    "city_words": ["cities", "city", "towns", "ciudades", "villes", "local governments"],
    "demonym_endings": {"o": ["a", "os", "as"], "e": ["es"]},
    "coordinators": ["and", "or"],
    "list_fillers": ["by", "the", "from"],
    "mention_scopes": ["text", "descriptions"],
    "record_nouns": ["pledges", "commitments"],
    "name_connectors": ["of", "the", "de", "la"],
    "place_openers": ["mayor"],
    "other_words": ["other", "else"],
    "more_words": ["what"],
    "shorthand": {"ppl": "people", "govts": "governments", "govt": "government"},
    "people_articles": ["les", "los"],
    "helped_before": ["helping", "train"],
    "askers_own": ["our"],
    "partner_before": ["with"],
    "partner_determiners": ["their"],
    "place_nouns": ["region"],
    "population_destination": ["going to"],
    "this_year": ["this year"],
    "last_year": ["last", "last year"],
    "reply_language": ["in greek"],
    "languages": {"en": ["what", "which", "the"], "fr": ["quelles", "villes", "des"]},
    "spelling": {"name_cutoff": 86, "same_start_cutoff": 80, "word_cutoff": 88},
}
GLOSSARY = (
    Term("IDP", ("IDPs", "internally displaced"), "internally displaced persons", "internally displaced persons IDPs"),
    Term("housing", ("shelter", "place to live"), "shelter and housing", "housing shelter accommodation"),
)
RECORDS = [
    Pledge(
        "2023-n",
        2023,
        "Nairobi",
        "city",
        "Kenya",
        "Africa",
        "Refugee inclusion",
        "Nairobi includes refugees in housing and integration plans.",
        Source("s", 1, 2),
    ),
    Pledge(
        "2022-a",
        2022,
        "Athens",
        "city",
        "Greece",
        "Europe",
        "Integration",
        "Athens supports integration and language courses.",
        Source("s", 3, 4),
    ),
]
SECTIONS = [
    Section("section-x", ("Foreword",), "Medellín used its grant. Daejeon hosted a meeting.", Source("s", 5, 6))
]
LEX = build_lexicon(
    GAZ, RECORDS, SECTIONS, GLOSSARY, DATA, english=frozenset({"officers", "weather", "never", "police", "warsaw"})
)
READER = Understander(LEX, GAZ, intent_model=None)


def understand(question: str, **kw):
    return READER.understand(question, **kw)


@pytest.mark.parametrize(
    ("question", "filters", "topic"),
    [
        ("What is Nairobi doing on housing?", Filters(submitters=("Nairobi",), place_label="Nairobi"), ("housing",)),
        ("pledges from East Africa", Filters(countries=("Kenya",), place_label="East Africa"), ()),
        (
            "which Greek cities offer integration?",
            Filters(countries=("Greece",), place_label="Greece"),
            ("offer", "integration"),
        ),
        ("What are cities in Attica doing?", Filters(submitters=("Athens",), place_label="Attica"), ()),
        ("European mirror pledges", Filters(regions=("Europe",), pledge_types=("Mirror",), place_label="Europe"), ()),
        ("GCR-only pledges with no end date", Filters(pledge_types=("GCR only",), open_ended=True), ()),
        ("pledges that the Global Cities Fund supported", Filters(gcf=True), ("supported",)),
        ("which pledges were made jointly", Filters(joint=True), ("were", "made")),
        ("projects with UNHCR", Filters(mentions=(("unhcr", "un refugee agency"),)), ("projects", "with")),
        ("pledges from organizations rather than counties", Filters(kinds=("organization",)), ()),
        # shorthand inside a phrase reads as the words it stands for
        ("pledges by state govts", Filters(kinds=("region",)), ()),
        ("Kenyan pledges from the federal govt", Filters(countries=("Kenya",), kinds=("national government",), place_label="Kenya"), ()),
        ("pledges rather than from networks", Filters(kinds=("city", "region", "national government")), ()),
        # a set-aside clause ends at a colon or a spaced dash: what follows is asked
        ("Leaving aside cities - which pledges are from networks?", Filters(kinds=("organization",)), ()),
        ("besides the cities: pledges by networks", Filters(kinds=("organization",)), ()),
        ("pledges for teens (not toddlers)", Filters(), ("teens",)),  # "(not" with no space after the bracket
        # a Spanish or French adjective agrees with the cities it follows: a place, not people helped
        ("ciudades griegas", Filters(countries=("Greece",), place_label="Greece"), ()),
        ("villes grecques", Filters(countries=("Greece",), place_label="Greece"), ()),
        ("help for Greeks", Filters(), ("help", "greeks")),
        # a demonym ending in a double s is no plural, so no people: "Swiss" cities are Switzerland's
        ("what are Swiss cities doing?", Filters(countries=("Switzerland",), place_label="Switzerland"), ()),
        # the answer's language, not the country whose adjective it is
        ("in Greek: which cities offer housing?", Filters(), ("offer", "housing")),
        # "city" inside another kind's name is not cities named beside it
        ("pledges by counties or city networks", Filters(kinds=("region", "organization")), ()),
        ("pledges by counties rather than cities", Filters(kinds=("region",)), ()),  # cities set aside add nothing
        # a slash joins as "or" does, and a word that is a city word with the kind's head noun shares it
        ("pledges by cities/counties", Filters(kinds=("region", "city")), ()),
        ("pledges by local or state governments", Filters(kinds=("region", "city")), ("local",)),  # not chatter here
        # the clause sets aside the whole list it opens, not its first item alone
        ("pledges by networks rather than a city, county or national government", Filters(kinds=("organization",)), ()),
        # a kind that is not the named submitter's is said of others ("which organisations back it")
        ("What has Athens pledged, and which organizations back it?", Filters(submitters=("Athens",), place_label="Athens"), ("it",)),
        # a kind named as included widens nothing and narrows nothing
        ("pledges from Kenya, organizations included", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("pledges from Kenya including counties", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        # a kind after "our" is who asks, not whose pledges answer
        ("Our counties want housing. Which cities build homes?", Filters(), ("want", "housing", "build", "homes")),
        # "not just X" includes X: it neither narrows to X nor sets X aside, and cities listed there are no kind
        ("pledges from Kenya, not just counties", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("How many from Kenya? Networks too, not just cities and counties", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("pledges from Kenya, not counties", Filters(countries=("Kenya",), kinds=("city", "organization", "national government"), place_label="Kenya"), ()),
        # "counting X" includes X, where "not counting X" sets it aside
        ("Counting networks, how many pledges are from Kenya?", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("Kenyan pledges - don't count networks", Filters(countries=("Kenya",), kinds=("city", "region", "national government"), place_label="Kenya"), ()),
        # a short clause ending "too" / "as well" adds to the sentence before it; it does not narrow to what it names
        ("How many pledges from Kenya? Networks too.", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("pledges from Kenya, organizations as well", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("How many pledges from Kenya - count the networks as well", Filters(countries=("Kenya",), place_label="Kenya"), ()),
        ("Count the pledges by networks.", Filters(kinds=("organization",)), ()),
        ("which Greek pledges included housing?", Filters(countries=("Greece",), place_label="Greece"), ("housing",)),
        # places side by side are either; a head word shared ("east or west africa") names both places
        ("pledges from east or west africa", Filters(countries=("Kenya", "Ghana"), place_label="East Africa or West Africa"), ()),
        (
            "pledges from Kenya or Europe",
            Filters(countries=("Kenya", "Greece", "Ukraine", "Switzerland"), place_label="Kenya or Europe"),
            (),
        ),
        ("pledges from Kenya and Greece", Filters(countries=("Kenya", "Greece"), place_label="Kenya or Greece"), ()),
        # nested places narrow: the first named is what the answer calls it
        ("Greek cities in Europe", Filters(countries=("Greece",), regions=("Europe",), place_label="Greece"), ()),
        # a submitter joined to its own country by "and" is one of the country's: the country's pledges answer
        ("pledges by Greek cities and Athens", Filters(countries=("Greece",), place_label="Greece"), ()),
        ("pledges by Athens or other Greek cities", Filters(countries=("Greece",), place_label="Athens"), ()),
        ("black and white cities", Filters(), ("black", "white")),
        (
            "What are Kenyan cities and counties doing?",
            Filters(countries=("Kenya",), kinds=("region", "city"), place_label="Kenya"),
            (),
        ),
    ],
)
def test_facets_are_read_from_data_and_leave_the_topic(question, filters, topic):
    q = understand(question)
    assert q.filters == filters
    assert tuple(
        w for w in q.topic if w not in ("supported", "by", "were", "made", "projects", "with", "offer")
    ) == tuple(w for w in topic if w not in ("supported", "by", "were", "made", "projects", "with", "offer"))


@pytest.mark.parametrize(
    ("question", "start", "end", "year"),
    [
        ("Which 2023 pledges start in 2024 only?", YearRange(2024, 2024), None, 2023),
        ("pledges that started back in 2019 or earlier", YearRange(None, 2019), None, None),
        ("pledges set to end in 2025", None, YearRange(2025, 2025), None),
        ("pledges ending by 2025", None, YearRange(None, 2025), None),
        ("pledges that started in March 2023", YearRange(2023, 2023), None, None),
        ("this year's pledges", None, None, 2023),
        # this year joined to the one before: both report years, so no year
        ("pledges of this year and last", None, None, None),
        ("last year and this year's pledges", None, None, None),
        # a bound left open after the year, for ends as for starts; the date as a noun
        ("pledges that end in 2026 or later", None, YearRange(2026, None), None),
        ("pledges ending in 2025 or earlier", None, YearRange(None, 2025), None),
        ("pledges with an end date in 2028 or after", None, YearRange(2028, None), None),
        ("pledges whose completion year is 2026", None, YearRange(2026, 2026), None),
        ("pledges with an end date later than 2025", None, YearRange(2026, None), None),
        ("pledges starting in 2024 onwards", YearRange(2024, None), None, None),
        ("pledges with a start date of 2021", YearRange(2021, 2021), None, None),
        # an adverb between the negation and the verb changes nothing
        ("pledges that won't really begin until 2025", YearRange(2025, None), None, None),
    ],
)
def test_dates_are_read_by_grammar(question, start, end, year):
    q = understand(question)
    assert (q.filters.start, q.filters.end, q.filters.year) == (start, end, year)
    assert not q.unknown_places and not q.topic  # a month is part of a date, never a place


def test_demonyms_name_who_is_helped_or_where_from():
    assert understand("What are Greek cities doing?").filters.countries == ("Greece",)
    helped = understand("Who helps Ukrainian refugees?")
    assert helped.filters.countries == () and helped.population == ("Ukraine",)
    assert understand("Who helps refugees from Ukraine?").population == ("Ukraine",)
    assert understand("Who helps asylum seekers from Ukraine?").population == ("Ukraine",)  # people in two words
    fled_from = understand("Greece: which pledges help those who fled Ukraine?")  # whoever fled
    assert fled_from.filters.countries == ("Greece",) and fled_from.population == ("Ukraine",)
    # after a noun a Romance plural adjective says where the noun is from; after an article it is the people
    assert understand("Quelles associations grecques ?").filters.countries == ("Greece",)
    assert understand("Quelles villes aident les grecques ?").population == ("Greece",)
    fled = understand("Which pledges help families escaping the war in Ukraine?")
    assert fled.population == ("Ukraine",) and fled.filters.countries == ()
    assert understand("Quelles communes accueillent des réfugiés ukrainiens ?").population == ("Ukraine",)
    named = understand("Athens welcome centre for Ukrainians")
    assert named.filters.submitters == ("Athens",) and named.population == ("Ukraine",)


def test_the_words_that_say_who_fled_are_how_the_people_are_named_not_the_topic():
    # a pledge for refugees from Ukraine need not say "fled" or "war"
    assert understand("Which pledges are for people that fled the war in Ukraine?").topic == ("ukraine",)
    assert understand("Which pledges are for people fleeing Ukraine?").topic == ("ukraine",)
    assert understand("Which pledges are for people that fled from the war in Ukraine?").topic == ("ukraine",)


@pytest.mark.parametrize(
    ("question", "submitters"),
    [
        ("What did the Athens-Nairobi partnership do?", ("Athens", "Nairobi")),
        ("the Nairobi–Athens exchange", ("Nairobi", "Athens")),
        ("Athens-based groups on housing", ()),  # a part that is no place keeps the word whole
    ],
)
def test_places_joined_by_a_hyphen_are_each_a_place(question, submitters):
    assert understand(question).filters.submitters == submitters


def test_typos_of_names_are_corrected_and_consumed():
    q = understand("What has Nairbi pledged?")
    assert q.filters.submitters == ("Nairobi",) and q.corrections == (("Nairbi", "Nairobi"),) and not q.topic
    count = understand("how many pledges from Keyna?")
    assert count.filters.countries == ("Kenya",) and not count.topic  # the misspelt word leaves the topic
    two = understand("kampala hils refugee plans")
    assert two.filters.submitters == ("Kampala Hills",)


def test_english_words_are_not_corrected_and_typos_of_report_words_are():
    assert "officers" in understand("pledges training police officers").topic
    q = understand("who works on integraton?")
    assert "integration" in q.topic and ("integraton", "integration") in q.corrections
    assert "integration" in q.full_text.split() and "integraton" not in q.full_text  # the narrative's words too
    assert "weather" in understand("What is the weather in Athens?").unplaced


def test_unknown_names_by_where_they_stand():
    assert understand("What did Oslo pledge?").unknown_places == ("Oslo",)
    assert understand("pledges from oslo").unknown_places == ("Oslo",)
    # a question's first word names a place only as an unknown word's possessive
    assert understand("Oslo's shelters made the news. What is in here?").unknown_places == ("Oslo",)
    assert understand("Nairobi's plan: what does it hold?").unknown_places == ()  # a place the records have
    assert understand("Integration's cost: who pays?").unknown_places == ()  # a word the report uses
    # a word list may hold a city's name: where only a place can stand, a word no record uses is that place
    assert understand("what is warsaw doing?").unknown_places == ("Warsaw",)
    lgbt = understand("any projects for LGBTQ refugees?")
    assert lgbt.unknown_topics == ("LGBTQ",) and not lgbt.unknown_places
    assert understand("What has Medellín done with its grant?").narrative_names == ("Medellín",)
    # a listed participant with no record is a place no pledge is from, wherever its name stands; one the
    # records' text names (Medellín, above) is that text's name
    assert understand("Bristol is on the list. What did it do?").unknown_places == ("Bristol",)
    assert understand("which pledges does bristol like?").unknown_places == ()  # lower case: maybe a word
    assert understand("Towns like Bristol, what do they do?").unknown_places == ()  # named in passing: context
    assert not understand("Daejeon hosted a meeting in Medellín. Who else hosts meetings?").narrative_names  # context
    assert not understand("who does anything for Greek speakers?").unknown_places
    # a name an ordinary noun opens is the name of a thing; one a word for cities or a role opens is a place
    assert not understand("Who runs the Language Courses of Xanadu?").unknown_places
    assert not understand("¿Quién habló en el Foro de Examen de la Integración?").unknown_places
    assert understand("What did the Mayor of Oslo pledge?").unknown_places == ("Oslo",)
    assert understand("What did the city of Oslo pledge?").unknown_places == ("Oslo",)
    assert understand("Did Oslo make a pledge?").unknown_places == ("Oslo",)  # a question's own word opens no name
    # a place no record has, named in a lead-in beside a question that names a place of its own, is where the
    # asker is; with no place of its own, the question may be about it
    assert understand("We write from Oslo. What did Athens pledge?").unknown_places == ()
    assert understand("We write from Oslo. What did Athens pledge?").filters.submitters == ("Athens",)
    assert understand("We write from Oslo. What is pledged there?").unknown_places == ("Oslo",)
    # one named only beside the sentence that asks, which does not point back at it, is the asker's context
    assert understand("I work in Oslo. Which cities run night shelters?").unknown_places == ()
    assert understand("Which pledges fund night shelters? Deadline is at six.").unknown_places == ()
    assert understand("The mayor of Oslo called. What was pledged there?").unknown_places == ("Oslo",)
    assert understand("We write from Oslo. Is there any pledge on housing?").unknown_places == ()  # points nowhere


def test_grammar_reads_units_thresholds_and_mentions():
    assert understand("how many countries do the pledges come from?").unit is Unit.COUNTRIES
    assert understand("which cities made more than one pledge?").min_per_submitter == 2
    q = understand("Which pledges from Kenya mention the private sector?")
    assert q.mention == "private sector" and q.filters.countries == ("Kenya",)
    assert understand("Which pledges from Kenya? Count and names only.").mention is None  # nothing to look for
    # after an article or a possessive, "name" and "mention" are nouns: nothing to look for
    assert understand("Who wrote it? I need a name for the byline").mention is None
    assert understand("Which pledges name the private sector?").mention == "private sector"
    # opening a sentence, "name" and "cite" ask for a list: no words to look for
    assert understand("Housing. Name the towns that offer shelter.").mention is None
    assert understand("Are there pledges that mention the private sector?").mention == "private sector"
    # the names in a mention phrase are kept, to look for when the whole phrase is in no record
    assert understand("Which of them are naming UNHCR among their partners?").mention_names == ("UNHCR",)
    assert understand("Which pledges mention the private sector?").mention_names == ()
    # "in their commitments" says where to look, not what for
    assert understand("Which cities mention language courses in their commitments?").mention == "language courses"
    assert understand("Do any mention housing in the text?").mention == "housing"
    assert understand("Which pledges mention refugees in Kenya?").mention == "refugees in Kenya"
    assert understand("pledges carrying a quote by the mayor").quote_role == "mayor"
    assert understand("In how many pledges are mayors quoted?").quote_role == "mayor"
    # a role followed by whose it is names the speaker by the body: the role itself narrows nothing
    assert understand("a quote by the head of the Helpers Network").quote_role is None
    # a role word that opens a body's name is the name ("quotes from the Leaders Forum")
    named = understand("quotes from the leaders forum about housing")
    assert named.quote_role is None and named.filters.submitters == ("Leaders Forum",)
    assert understand("quotes from leaders about housing").quote_role == "leader"
    assert understand("need a mayor quote on housing").quote_role == "mayor"


def test_the_sentence_that_asks_filters_when_it_names_facets_of_its_own():
    q = understand("I write about Global Cities Fund grantees. How many mirror pledges came from East Africa?")
    assert not q.filters.gcf and q.filters.pledge_types == ("Mirror",) and q.filters.countries == ("Kenya",)
    # a context with no facet in the asking sentence still says where to look
    assert understand("We're a Greek city. Which pledges deal with housing?").filters.countries == ("Greece",)


def test_a_clause_explaining_a_facet_is_no_topic_and_one_explaining_the_topic_is():
    q = understand("Count the mirror pledges (i.e. signed up to both compacts) from Greece")
    assert q.filters.pledge_types == ("Mirror",) and not {"signed", "both", "compacts"} & set(q.topic)
    q = understand("Which cities offer legal aid - the ones with lawyers - to refugees?")
    assert {"legal", "aid", "lawyers"} <= set(q.topic)


@pytest.mark.parametrize(
    ("question", "wants"),
    [
        ("how many people does the shelter house?", True),
        ("towns under what population count as small?", True),
        ("what stat does the foreword give on displacement?", True),
        ("how expensive was the pilot?", True),
        ("what is the literacy rate of newcomers?", True),
        ("did the grants pay off? is there a percentage?", True),  # the figure named, not asked with "what"
        ("the proportion of towns that joined", True),
        ("which towns run a shelter?", False),
        ("which number sums up the shelter's reach?", True),
        ("what was the death toll of the shipwreck?", True),
        ("what is the town budgeting for the shelter?", True),  # the verb of a budget asks an amount too
    ],
)
def test_a_figure_is_asked_for_by_what_it_measures(question, wants):
    assert understand(question).wants_number is wants


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many signatures has the campaign gathered?", ("signatures",)),
        ("how many of the stalls were opened by refugees?", ("stalls",)),
        ("How many people does the shelter house?", ()),  # people in general: any figure of people answers
        ("How many refugees did the city welcome?", ()),
        ("How many pledges from Kenya?", ()),  # no verb after one noun: a count of records, not of a thing
        ("¿Cuántas firmas tiene la iniciativa?", ()),  # English only
        ("How many integratons were planned?", ("integration",)),  # what is counted, its spelling corrected
    ],
)
def test_a_count_of_one_particular_thing_names_it(question, counted):
    assert understand(question).counted == counted


def test_a_destination_in_a_sentence_of_context_leaves_the_next_sentences_places_alone():
    assert understand("workers going to Kenya").filters.countries == ()  # where they go: the topic
    q = understand("Our delegation is going to Greece. Which pledges come from Kenya or Greece?")
    assert set(q.filters.countries) == {"Kenya", "Greece"}


@pytest.mark.parametrize(
    ("question", "context"),
    [
        ("Athens spends $3 million on housing. How much does Kenya spend?", "Athens spends $3 million on housing."),
        ("How much does Kenya spend on housing?", ""),  # one sentence: all of it asks
        ("Kenya spends 3%. Right? And Greece?", "Kenya spends 3%. Right?"),  # the last sentence that asks
        # a statement joined by a colon or dash to what asks is context too; a lead-in that asks is not
        ("We are a small council: how many are from Kenya?", "We are a small council:"),
        ("Some have not started yet — which ones start in 2024?", "Some have not started yet —"),
        ("Which cities run shelters — and where?", ""),
        ("cities in greece - athens and larissa?", ""),  # the rest opens with no question word: one question
        ("Language courses for refugees: which cities in Greece?", ""),  # no statement: the lead-in is the topic
        # the report as the one who says it makes the lead-in a statement
        ("The report says Kenya spends 3% - what does Greece spend?", "The report says Kenya spends 3% -"),
        # a lead-in that says what the answer is for is context: its words are no topic of the question
        ("For a housing exchange: how many are from Kenya?", "For a housing exchange:"),
        ("Ahead of our visit - which cities in Greece?", "Ahead of our visit -"),
    ],
)
def test_the_sentences_before_the_one_that_asks_are_its_context(question, context):
    assert understand(question).context == context


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        # no question mark: the sentence that opens with a request or a question word asks, the statement
        # after it says why
        ("Tell me about Kenya's pledges. Our exchange is on Europe.", ("Kenya",)),
        ("Which pledges come from Kenya. Our exchange is on Europe.", ("Kenya",)),
    ],
)
def test_a_request_without_a_question_mark_is_the_sentence_that_asks(question, countries):
    assert understand(question).filters.countries == countries


@pytest.mark.parametrize(
    ("question", "leans"),
    [
        ("The report says Kenya was underrepresented - what share did they make up?", True),
        ("We work on housing. Which cities do that?", True),
        ("The report says Kenya got a grant - what share of families found homes?", False),
        ("What share did they make up?", False),  # no context to lean on
    ],
)
def test_a_part_that_asks_with_a_pronoun_leans_on_its_context(question, leans):
    assert understand(question).leans_on_context is leans


@pytest.mark.parametrize(
    ("question", "submitters"),
    [
        # the sentence that asks speaks of the place its context names: that place is the question's
        ("Nairobi keeps busy. How many 2023 pledges did they submit?", ("Nairobi",)),
        ("Nairobi keeps busy. Which of their 2023 pledges are about housing?", ("Nairobi",)),
        # a context about the asker names no place the answer is about
        ("We work with Nairobi. What have they pledged in 2023?", ()),
        ("Nairobi keeps busy. Which 2023 pledges are about housing?", ()),  # no pronoun: the context is aside
    ],
)
def test_a_pronoun_in_the_asking_sentence_keeps_the_place_its_context_names(question, submitters):
    assert understand(question).filters.submitters == submitters


@pytest.mark.parametrize(
    ("question", "regions"),
    [
        # the sentence that asks names a year, and its place by pointing back at the context's
        ("Africa seems thin. Count the 2023 pledges of that region.", ("Africa",)),
        ("Africa seems thin. Count the 2023 pledges.", ()),  # no pointer: the context is aside
        ("Africa seems thin. Count the 2023 pledges of that region in Europe.", ("Europe",)),
    ],
)
def test_a_place_the_asking_sentence_points_back_at_is_the_questions(question, regions):
    assert understand(question).filters.regions == regions


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        # a statement after the question says why it is asked: the place the question names is the one asked
        ("Which pledges come from Kenya? I plan an East Africa exchange.", ("Kenya",)),
        ("Which pledges come from Kenya? Europe is next.", ("Kenya",)),
        ("Which pledges, Kenya or Europe? I plan an exchange.", ("Kenya", "Greece", "Ukraine", "Switzerland")),
    ],
)
def test_a_statement_after_the_question_names_no_place_to_filter_by(question, countries):
    assert understand(question).filters.countries == countries


def test_a_statement_after_the_question_still_narrows_by_what_else_it_sets():
    q = understand("Which pledges come from Kenya? Europe is next, and only networks count.")
    assert q.filters.countries == ("Kenya",) and q.filters.kinds == ("organization",)


def test_what_the_asking_sentence_names_wins_over_the_context_it_speaks_of():
    # "they" speaks of the context's pledges; of the types the context lists, the one asked is the filter
    q = understand("Pledges come as mirror or GCR-only ones. Which are GCR-only, and where are they from?")
    assert q.filters.pledge_types == ("GCR only",)
    assert understand("Mirror pledges are new. Are they from Kenya?").filters.pledge_types == ("Mirror",)


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        # "in" and "learn" say a language before a demonym ("classes in Greek"), never people: after them
        # "from" names where the pledges are from
        ("How many pledges came in from Greece?", ("Greece",)),
        ("which cities could learn from Greek towns?", ("Greece",)),
        ("which cities help refugees from Greece?", ()),  # people from a place: who is helped
        ("which cities help refugees learn Greek?", ()),  # a language
    ],
)
def test_a_word_for_a_language_is_no_word_for_people(question, countries):
    assert understand(question).filters.countries == countries


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("How many separate pledges did Nairobi make?", Intent.COUNT),  # the records of a place: counted
        ("How many pledges has Nairobi submitted in all?", Intent.COUNT),
        ("How many actions did Nairobi's plan include?", Intent.FIND),  # what the place's plan holds: no count
        ("How many actions are planned in Nairobi?", Intent.FIND),
    ],
)
def test_a_count_of_the_records_a_place_made_is_a_count(question, intent):
    assert understand(question).intent is intent  # no intent model here: FIND unless the count is read


def test_a_lead_in_of_the_same_sentence_still_filters_and_a_sentence_of_context_does_not():
    q = understand("Thinking of the 2022 actions — how many came from Greece?")
    assert q.filters.year == 2022 and q.filters.countries == ("Greece",)
    q = understand("We looked at the 2022 actions. How many came from Greece?")
    assert q.filters.year is None and q.filters.countries == ("Greece",)


@pytest.mark.parametrize(
    ("question", "start"),
    [
        # a date in the asker's own story says when they acted, not which pledges to look at
        ("We have hosted families since 2022. Which pledges offer housing?", None),
        ("Our pledges started in 2022. Do they offer housing?", YearRange(2022, 2022)),  # it points back
        ("Athens started in 2022. Which pledges offer housing?", YearRange(2022, 2022)),  # not the asker's
    ],
)
def test_a_date_in_the_askers_own_story_filters_nothing(question, start):
    assert understand(question).filters.start == start


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("Which pledges are about housing, including 2022 ones?", None),  # included: both years
        ("Which pledges are about housing, 2022 included?", None),
        ("Which 2022 pledges are about housing?", 2022),
    ],
)
def test_a_year_said_to_be_included_widens_the_answer(question, year):
    q = understand(question)
    assert q.filters.year == year and "2022" not in q.topic


def test_an_asking_sentence_that_points_back_at_its_context_refers_back():
    assert understand("We run night shelters. Which Greek cities do that?").refers_back
    assert understand("shelters for the homeless - any city doing this?").refers_back
    assert not understand("I work for a county. How many pledges are from Greece?").refers_back
    assert not understand("We are a small county. Which Greek pledges does this report list?").refers_back
    assert understand("We teach Greek. Which cities do that too?").refers_back
    # words for a thing after the pointer keep it one; a pronoun that is a verb's subject is none
    assert understand("We teach Greek. Which cities do the same thing?").refers_back
    assert not understand("We host Greek cities. Which ones are listed, and what are they doing?").refers_back


@pytest.mark.parametrize(
    "question",
    ["How many pledges came from networks (Helpers Network etc.)?", "pledges by networks such as Helpers Network"],
)
def test_names_given_as_examples_of_a_kind_illustrate_it(question):
    q = understand(question)
    assert q.filters.kinds == ("organization",) and not q.filters.submitters
    assert not {"helpers", "network", "etc", "such"} & set(q.topic)  # the examples are no topic either


def test_a_question_for_others_leaves_out_the_places_its_context_named():
    q = understand("Athens works on housing. Which other pledges from Kenya do that?")
    assert q.filters.exclude == ("Athens",) and q.filters.countries == ("Kenya",) and not q.filters.submitters
    assert understand("Athens works on housing. Which pledges from Kenya do that?").filters.exclude == ()
    assert understand("Which other pledges from Athens?").filters.submitters == ("Athens",)  # one sentence: its own
    # "what else" asks more about the place the context named, not for other places
    assert understand("Athens works on housing. What else is in the plan?").filters.submitters == ("Athens",)
    assert understand("Athens works on housing. Who else does that?").filters.exclude == ("Athens",)


def test_a_parenthesis_that_says_not_sets_aside_what_it_names():
    q = understand("Counting only cities (so not groups like Helpers Network), how many pledges from Kenya?")
    assert q.filters.countries == ("Kenya",) and q.filters.exclude == ("Helpers Network",) and not q.filters.submitters


def test_a_word_in_another_language_the_glossary_does_not_translate_is_no_records_word():
    assert "zzfaziam" in understand("Quelles villes grecques zzfaziam?").unplaced


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("guardería", "daycare"),
        ("guarderías", "daycare"),  # a plural the table lacks reads as its singular
        ("naciones", "nation"),  # "-es" taken off whole
        ("mais", None),  # too short: a letter less is another word
    ],
)
def test_a_plural_the_glossary_lacks_is_glossed_as_its_singular(word, english):
    table = {"guardería": "daycare", "nacion": "nation", "mai": "may"}
    assert _glossed(word, table, LEX) == english


@pytest.mark.parametrize(
    ("typed", "english"),
    [("sur", "about"), ("sûr", "safe"), ("e", "and"), ("é", "is"), ("ages", "ages"), ("âgés", "elderly")],
)
def test_an_accent_tells_apart_words_that_fold_together(typed, english):
    # accented spellings first: the plain spelling keeps its meaning whatever the table's order
    table = gloss_table({"sûr": "safe", "sur": "about", "é": "is", "e": "and", "âgés": "elderly", "ages": "ages"})
    assert _glossed(fold(typed), table, LEX, typed) == english


def test_a_word_the_language_glosses_is_not_a_misspelt_place():
    gaz = replace(GAZ, submitters=GAZ.submitters | {"Paris": Submitter("Paris", "city", "Greece")})
    lex = build_lexicon(gaz, RECORDS, SECTIONS, GLOSSARY, DATA, translations={"fr": gloss_table({"país": "country"})})
    reader = Understander(lex, gaz, intent_model=None)
    q = reader.understand("Quelles villes des país offrent des cours ?")
    assert q.language == "fr" and not q.filters.submitters


def test_a_place_name_that_is_also_a_word_is_not_glossed():
    # "são" is Portuguese for "are", and "São Leopoldo" is still São Leopoldo in the text the narrative is searched with
    gaz = replace(GAZ, submitters=GAZ.submitters | {"São Leopoldo": Submitter("São Leopoldo", "city", "Greece")})
    table = gloss_table({"são": "are", "quantas": "how many", "horas": "hours", "em": "in"})
    lex = build_lexicon(gaz, RECORDS, SECTIONS, GLOSSARY, DATA, translations={"pt": table})
    q = Understander(lex, gaz, intent_model=None).understand("Quantas horas tem o curso em São Leopoldo?")
    assert q.filters.submitters == ("São Leopoldo",) and "São Leopoldo" in q.full_text


def test_set_aside_clauses_are_neither_searched_nor_filtered():
    q = understand("pledges from Kenya, rather than Greece, about housing")
    assert q.filters.countries == ("Kenya",) and "greece" not in q.search_text.lower()
    assert "Greece" in q.set_aside and "housing" in q.topic


def test_terms_expand_the_search_but_stay_the_topic():
    q = understand("who provides a place to live?")
    assert q.terms == ("housing",) and "housing shelter accommodation" in q.search_text


def test_explicit_filters_win_and_the_question_keeps_what_it_named():
    q = understand("What is Athens doing?", explicit=Filters(countries=("Kenya",)))
    assert q.filters.countries == ("Kenya",) and q.implied.submitters == ("Athens",)


def test_chat_shorthand_is_read_as_the_words_it_stands_for():
    q = understand("how many ppl in Kenya got housing")
    assert "ppl" not in q.topic and "people" in q.search_text and "housing" in q.topic
    assert understand("which local govts in Kenya").topic == ("local", "governments")


def test_a_submitter_named_as_a_funds_owner_is_part_of_its_name():
    q = understand("How many pledges does the Helpers Network's Global Cities Fund back?")
    assert q.filters.gcf and not q.filters.submitters
    assert understand("Helpers Network pledges with the Global Cities Fund").filters.submitters == ("Helpers Network",)


def test_follow_ups_both_ways():
    first = understand("In Kenya, what is the Global Cities Fund funding?")
    facet_only = understand("and in Europe?", previous=first)
    assert facet_only.filters.gcf and facet_only.filters.regions == ("Europe",) and not facet_only.filters.countries
    assert facet_only.topic == first.topic and facet_only.followup

    housing = understand("Which Greek cities work on housing?")
    topic_only = understand("and what about integration?", previous=housing)
    assert topic_only.filters.countries == ("Greece",) and topic_only.topic == ("integration",)

    fresh = understand("Which Kenyan pledges are about integration?", previous=housing)
    assert fresh.filters.countries == ("Kenya",) and not fresh.followup


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Que municípios ajudam famílias refugiadas a encontrar casa?", "pt"),  # "que", "para": both; the rest not
        ("O que Lisboa fez pelos imigrantes?", "pt"),
        ("Que municipios ayudan a las familias refugiadas?", "es"),
        ("Qué hizo Madrid por los refugiados?", "es"),
        ("Mais quelles villes aident les migrants ?", "fr"),  # "mais" is French as well as Portuguese
        ("Which cities help refugee families find a home?", "en"),
    ],
)
def test_spanish_and_portuguese_are_told_apart_by_the_words_they_spell_differently(question, lang):
    assert detect_language(question) == lang


def test_validation_and_language():
    with pytest.raises(QuestionError, match="empty"):
        validate("  ")
    assert detect_language("Quelles villes accueillent des réfugiés ?") == "fr"
    assert detect_language("Which towns run one-stop shops?") == "en"
    assert understand("What is Athens doing?").intent is Intent.FIND  # no model: every question is a search


def test_an_ordinary_word_after_a_capitalised_one_is_part_of_a_name_not_a_place():
    # "Solidária" is a word the Portuguese table translates: with "Cidade" it names a network, not a town
    assert understand("Que cidades entram na Cidade Solidária do Zzyzx?").unknown_places == ("Zzyzx",)
    assert understand("Did Oslo make a pledge?").unknown_places == ("Oslo",)  # no word: still a place


def test_a_french_verb_with_its_subject_inverted_is_read_as_the_verb():
    q = understand("La ville a-t-elle des logements, et que propose-t-elle ?")
    assert not {"a-t-elle", "propose-t-elle"} & set(q.unplaced)


def test_a_kind_of_submitter_that_is_helped_is_no_filter_on_who_pledged():
    assert understand("who is helping networks grow?").filters.kinds == ()
    assert understand("which networks train staff?").filters.kinds == ("organization",)


def test_a_kind_of_submitter_worked_with_is_no_filter_on_who_pledged():
    q = understand("which cities work with their networks on housing?")
    assert q.filters.kinds == () and "networks" in q.topic
    assert understand("which networks work on housing?").filters.kinds == ("organization",)


def test_a_region_named_with_its_noun_and_cities_listed_with_kinds():
    q = understand("pledges from the East Africa region")
    assert q.filters.place_label == "East Africa" and q.topic == ()
    assert understand("how many pledges from cities and networks in Kenya?").filters.kinds == ("organization", "city")
    assert understand("which cities in Kenya are networks?").filters.kinds == ("organization",)  # not a list
    assert understand("how many pledges from networks rather than cities?").filters.kinds == ("organization",)
    # the words for a kind of government name submitters, not a topic; a list joins across "by", "from", "the"
    listed = understand("pledges from Kenya by the federal government or by cities")
    assert listed.filters.kinds == ("national government", "city") and listed.topic == ()
    assert understand("how many city or state governments?").filters.kinds == ("region", "city")
    assert understand("which networks, by the way, or cities?").filters.kinds == ("organization",)  # no list
    assert understand("pledges by cities, counties").filters.kinds == ("region", "city")  # a comma joins alone


@pytest.mark.parametrize(
    ("text", "aside"),
    [
        ("pledges by networks rather than a town, county or national government?", "rather than a town, county or national government"),
        ("pledges by networks rather than cities, counties, or states", "rather than cities, counties, or states"),
        # a clause after the comma that asks or says more is not an item of the list
        ("rather than cities, which countries lead?", "rather than cities"),
        ("rather than cities, i want the ones run by ngos and charities", "rather than cities"),
        ("housing rather than jobs, in greece", "rather than jobs"),
        # a parenthesis right after the clause spells out what it sets aside
        ("networks rather than governments (local or national), how many?", "rather than governments (local or national)"),
        # what the asker does not want counted
        ("cities or counties? we do not want networks.", "do not want networks"),
        # in Spanish, French and Portuguese too
        ("aparte de la red de nairobi, ¿qué otras ciudades?", "aparte de la red de nairobi"),
        ("sauf les réseaux, quelles villes ?", "sauf les réseaux"),
    ],
)
def test_set_aside_takes_the_list_it_opens(text: str, aside: str) -> None:
    assert [text[a:b] for a, b in grammar.set_aside(text)] == [aside]


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("did the petition end up with its million names?", 1e6),
        ("has the fund reached $8 million yet?", 8e6),
        ("did they reach 300 families?", 300),
        ("did it get 1.5 million euros?", 1.5e6),
        ("did it reach its goal in 2024?", None),  # a year is no figure
        ("how many families got homes?", None),  # asks a count, not whether one was reached
    ],
)
def test_an_outcome_question_names_the_figure_it_asks_about(question, figure):
    assert grammar.outcome_figure(question) == figure


@pytest.mark.parametrize(
    "phrase, names",
    [
        ("UNHCR as the lead partner on the ground", ["UNHCR"]),
        ("la iniciativa MigraCiudades de la OIM", ["MigraCiudades de la OIM", "MigraCiudades", "OIM"]),
        ("Welcoming Week events", ["Welcoming Week"]),
        ("cities working with IOM or UNHCR", ["UNHCR", "IOM"]),
        ("private sector", []),  # no name: nothing narrower to look for
        ("Global Cities Fund", []),  # the phrase is one name
    ],
)
def test_the_names_in_a_mention_phrase_longest_first(phrase, names):
    assert grammar.named_parts(phrase, frozenset({"of", "the", "de", "la"})) == names


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("Which pledges come with a quote?", True),
        ("pledges on housing that have a quote", True),
        # a quote asked for besides the pledges narrows nothing
        ("every pledge from Kenya, plus any quote from an official", False),
        ("Athens: all its pledges, and the mayor's quote", False),
        # "quote" as a verb on the text: every answer quotes the pledges' own words
        ("Who trains nurses? Quote their exact words.", False),
        ("which cities offer housing - quote the wording please", False),
        ("Who funds shelters for families? Please quote key passages.", False),
        ("Which pledges on housing? Quote the mayors.", True),
    ],
)
def test_a_printed_quote_filters_only_when_the_pledges_must_have_one(question, quoted):
    assert understand(question).filters.quoted is quoted


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        ("pledges for those displaced by the Ukrainian war", ()),  # the crisis's adjective: who is helped
        ("Ukrainian cities and housing", ("Ukraine",)),
    ],
)
def test_a_demonym_before_a_crisis_names_the_crisis_not_the_pledges(question, countries):
    assert understand(question).filters.countries == countries


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        # a sentence that tells what to include, or says something counts, widens nothing and narrows nothing
        ("How many pledges from Kenya? Include the city networks too.", ()),
        ("Kenya: how many pledges? Its city networks counts.", ()),
        ("How many pledges from Kenya - add the city networks", ()),
        ("How many pledges from city networks?", ("organization",)),
    ],
)
def test_a_sentence_that_tells_what_to_include_filters_nothing(question, kinds):
    assert understand(question).filters.kinds == kinds


def test_a_place_named_with_anyone_else_after_a_question_is_the_one_known():
    q = understand("Which Kenyan cities pledged? I know Nairobi did, anyone else?")
    assert q.filters.countries == ("Kenya",) and q.filters.exclude == ("Nairobi",)
