"""The whole pipeline on the real records, model and index: properties that hold for every record, not answers
to particular questions (those live in the evaluation sets)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pledgebot.answer import excerpt_is_verbatim
from pledgebot.corpus.text import clean
from pledgebot.errors import QuestionError
from pledgebot.filters import normalise, regions_of
from pledgebot.locate import REACH
from pledgebot.query import Intent
from pledgebot.records import Pledge
from pledgebot.understand.intent import IntentModel

REPORT = Path(__file__).resolve().parents[1] / "corpus" / "localizing-the-global-compacts-2023.txt"


def submitters(answer):
    return {c.submitter for c in answer.citations}


def _norm(text: str) -> str:
    return "".join(clean(text).split()).casefold()  # the report's words without its markup (links, emphasis)


def verbatim(bot, answer) -> bool:
    """Every excerpt is its record's words, and the lines its citation names hold every piece of it."""
    report = REPORT.read_text(encoding="utf-8").splitlines()
    for c in answer.citations:
        rec = bot.records[c.id]
        text = rec.description if isinstance(rec, Pledge) else rec.text
        if not (excerpt_is_verbatim(c.excerpt, text) or any(q.text == c.excerpt for q in getattr(rec, "quotes", ()))):
            return False
        if not rec.source.line_start <= c.source.line_start <= c.source.line_end <= rec.source.line_end + REACH:
            return False
        held = "".join(_norm(line) for line in report[c.source.line_start - 1 : c.source.line_end])
        if not all(_norm(piece) in held for piece in c.excerpt.split(" … ")):
            return False
    return True


def test_the_missions_example(bot):
    a = bot.ask("Who runs one-stop shops for OFWs?")
    assert not a.abstained and {"Laguna Province", "Quezon City"} <= {c.submitter for c in a.citations[:3]}


def test_every_submitter_is_found_and_quoted_verbatim(bot):
    for name in sorted({p.submitter for p in bot.pledges}):
        a = bot.ask(f"What has {name} pledged?")
        own = {p.id for p in bot.pledges if p.submitter == name}
        partners = {p.joint_with for p in bot.pledges if p.submitter == name and p.joint_with}
        cited = {c.id for c in a.citations}
        assert own <= cited <= own | partners, name
        assert a.total_matches == len(own) and verbatim(bot, a), name


@pytest.mark.parametrize("pledge_type", ["Mirror", "GCM only", "GCR only", "IDP"])
def test_counts_of_a_type_are_the_records(bot, pledge_type):
    a = bot.ask(f"How many {pledge_type} pledges are there?")
    expected = [p.id for p in bot.pledges if p.pledge_type == pledge_type]
    assert a.number == len(expected) and sorted(c.id for c in a.citations) == sorted(expected)


@pytest.mark.parametrize("template", ["How many pledges fall under priority {n}?", "Which pledges address priority {n}?"])
def test_words_linking_pledges_to_a_priority_are_not_a_topic(bot, template):
    # relational words (under, address, fall) sit in the shipped lexicon's chatter: the priority is the question
    for n in (2, 5):
        a = bot.ask(template.format(n=n))
        expected = sorted(p.id for p in bot.pledges if n in p.priorities)
        assert a.total_matches == len(expected) and not a.abstained, (n, a.route)



@pytest.mark.parametrize(
    "template",
    [
        "How many {t} pledges were filed?",
        "Which {t} pledges did local governments put forward?",
        "{t} pledges in this edition, according to the report",
        "I heard there are {t} pledges from LGUs. Which?",
    ],
)
def test_words_about_submitting_and_editions_are_not_a_topic(bot, template):
    # the verbs of filing a pledge, the edition and "LGUs" sit in the shipped lexicon's chatter: a leftover
    # word of them as a topic would filter the type's pledges down to those that happen to use it
    a = bot.ask(template.format(t="GCR only"))
    expected = sorted(p.id for p in bot.pledges if p.pledge_type == "GCR only")
    assert a.total_matches == len(expected) and not a.abstained, a.route

def test_matches_beyond_the_quoted_are_named_not_dropped(bot):
    a = bot.ask("pledges about employment")  # broad: many match, five are quoted
    cited = {c.id for c in a.citations}
    assert a.more and not cited & set(a.more)
    assert a.total_matches == len(a.citations) + len(a.more)


def test_counts_by_region_agree_with_the_counting_rule(bot):
    by_region = Counter(r for p in bot.pledges for r in regions_of(p))
    for region in ("Africa", "Europe", "Latin America and the Caribbean", "North America"):
        assert bot.ask(f"How many pledges are from {region}?").number == by_region[region], region


def test_a_filter_excluding_the_named_place_is_reported_as_a_conflict(bot):
    a = bot.ask("What has Nairobi pledged?", filters=normalise(country="Greece"))
    assert a.abstained and "leaves out Nairobi" in a.text and not a.citations


def test_follow_ups_keep_the_facets_or_the_topic(bot):
    fund = "Which pledges get Global Cities Fund support?"
    europe = bot.ask("and in Europe?", history=[fund])
    assert europe.filters.gcf and europe.filters.regions == ("Europe",)
    assert all(bot.records[c.id].gcf_supported for c in europe.citations)
    greek = bot.ask("and what about language courses?", history=["What are Greek pledges about?"])
    assert greek.filters.countries == ("Greece",) and all(c.country == "Greece" for c in greek.citations)


def test_non_english_questions_are_read(bot):
    a = bot.ask("¿Cuántos compromisos vienen de Grecia?")
    assert a.number == sum(p.country == "Greece" for p in bot.pledges)


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n ", "empty"), ("x" * 2001, "2001 characters"), ("why\x00not", "control character")],
)
def test_bad_questions(bot, question, message):
    with pytest.raises(QuestionError, match=message):
        bot.ask(question)


def test_the_json_contract(bot):
    data = bot.ask("How many pledges are from Greece?").to_dict()
    assert {
        "question",
        "answer",
        "abstained",
        "citations",
        "filters",
        "intent",
        "total_matches",
        "number",
        "notes",
        "timings_ms",
        "route",
        "more",
    } <= set(data)
    assert data["filters"]["countries"] == ["Greece"] and data["route"]["handler"] == "listing"
    c = data["citations"][0]
    assert {"n", "id", "kind", "submitter", "country", "year", "title", "pledge_type", "excerpt", "source"} <= set(c)


def test_similar_excludes_own_submitter(bot):
    pledge = next(p for p in bot.pledges if p.year == 2023)
    sims = bot.similar(pledge.id, k=5)
    assert len(sims) == 5 and all(s.pledge.submitter != pledge.submitter for s in sims)
    assert all(s.sentence and s.anchor_sentence for s in sims)


def test_langchain_retriever(bot):
    # "answer" mode returns what ask cites (at most k); "search" mode always k ranked hits
    docs = bot.retriever(k=3).invoke("one-stop shop for Overseas Filipino Workers")
    assert 1 <= len(docs) <= 3 and {"Laguna Province", "Quezon City"} & {d.metadata.get("submitter") for d in docs}
    assert len(bot.retriever(k=3, mode="search").invoke("one-stop shop for Overseas Filipino Workers")) == 3


def test_a_follow_ups_earlier_turns_are_not_embedded_again(tmp_path, monkeypatch):
    from tiny import tiny_bot

    bot = tiny_bot(tmp_path)
    embedder = bot.res.store.embedder
    embedded: list[str] = []
    real = embedder.embed_query
    monkeypatch.setattr(embedder, "embed_query", lambda text: embedded.append(text) or real(text))
    # an intent model whose words never settle the intent: every question is embedded as typed
    dim = len(real("x"))
    weights = np.zeros((dim + 1, 2))
    weights[:dim, 0] = 1.0
    bot.understander.model = IntentModel((Intent.FIND, Intent.COUNT), {}, weights, dim, "test", {})
    bot.ask("Which pledges come from Greece?")
    assert embedded.count("Which pledges come from Greece?") == 1
    bot.ask("And from Kenya?", history=["Which pledges come from Greece?"])
    assert embedded.count("Which pledges come from Greece?") == 1 and "And from Kenya?" in embedded
    bot.ask("And from Kenya?")  # the question itself is always embedded afresh
    assert embedded.count("And from Kenya?") == 2
    # a question in Spanish is embedded as read, not as typed: the search then finds that vector made
    question = "¿Qué ciudades ofrecen vivienda a los refugiados?"
    reading = bot.understand(question).full_text
    embedded.clear()
    bot.ask(question)
    assert question not in embedded and embedded.count(reading) == 1
