"""The phrase catalogue (`data/messages.yaml`): complete in every language, agreeing with numbers, and used by
answers to questions asked in Spanish and French while the quotes stay the report's English."""

from __future__ import annotations

import pytest

from pledgebot.answer import excerpt_is_verbatim
from pledgebot.answer.phrases import LANGUAGES, catalogue, load_catalogue, placeholders, plural_form, say
from pledgebot.answer.render import completeness, describe, join_names
from pledgebot.errors import PledgeBotError
from pledgebot.filters import Filters, YearRange
from pledgebot.records import Pledge

MESSAGES = catalogue().messages


def _forms(value: str | dict[str, str]) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_every_language(key):
    assert set(MESSAGES[key]) == set(LANGUAGES)
    assert all(form.strip() for lang in LANGUAGES for form in _forms(MESSAGES[key][lang]))


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_language_fills_the_same_placeholders(key):
    # {Source} is {source} at a sentence's start: which of the two a language needs is its own word order
    def names(form: str) -> set[str]:
        return {"source" if name == "Source" else name for name in placeholders(form)}

    english = {name for form in _forms(MESSAGES[key]["en"]) for name in names(form)}
    for lang in LANGUAGES:
        for form in _forms(MESSAGES[key][lang]):
            assert names(form) == english, (key, lang, form)


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 pledge matches"),
        ("en", 2, "2 pledges match"),
        ("en", 0, "0 pledges match"),
        ("es", 1, "1 compromiso coincide"),
        ("es", 2, "2 compromisos coinciden"),
        ("fr", 1, "1 engagement correspond"),
        ("fr", 2, "2 engagements correspondent"),
        ("fr", 0, "0 engagement correspond"),  # French counts zero as singular
        ("pt", 1, "1 compromisso corresponde"),
        ("pt", 2, "2 compromissos correspondem"),
    ],
)
def test_plural_forms_agree_with_the_number(lang, n, expected):
    assert say(lang, "count.matches", n, total=n) == expected


@pytest.mark.parametrize(
    ("key", "n", "values", "expected"),
    [
        ("unit.countries", 1, {}, "country"),
        ("unit.countries", 3, {}, "countries"),
        ("unit.submitters", 1, {}, "submitter"),
        ("quotes.listed", 1, {"number": 1, "who": "a quote", "names": "Accra"}, "1 pledge is printed with a quote: Accra."),
        ("quotes.listed", 2, {"number": 2, "who": "a quote", "names": "Accra and Lima"},
         "2 pledges are printed with a quote: Accra and Lima."),
        ("count.none", None, {}, "No pledge matches."),
    ],
)
def test_english_agrees_with_its_numbers_too(key, n, values, expected):
    assert say("en", key, n, **values) == expected


@pytest.mark.parametrize(
    ("lang", "n", "form"),
    [("en", 0, "other"), ("en", 1, "one"), ("fr", 0, "one"), ("pt", 0, "other"), ("es", 5, "other")],
)
def test_plural_rules(lang, n, form):
    assert plural_form(lang, n) == form


@pytest.mark.parametrize("lang", ["de", "zz", ""])
def test_an_unknown_language_falls_back_to_english(lang):
    assert say(lang, "policy.no_quote", source="the 2023 report") == "None of the quotes in the 2023 report says this."
    assert say(lang, "count.matches", 3, total=3) == "3 pledges match"


def test_a_phrase_that_agrees_needs_a_count():
    with pytest.raises(ValueError, match="count"):
        say("es", "count.matches", total=3)


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Oslo", "Le rapport de 2023 ne contient aucun engagement d’Oslo."),
        ("Bergen", "Le rapport de 2023 ne contient aucun engagement de Bergen."),
    ],
)
def test_french_elides_before_a_vowel(place, expected):
    assert say("fr", "policy.no_place", place=place, Source="Le rapport de 2023") == expected


@pytest.mark.parametrize(
    ("lang", "total", "shown", "expected"),
    [
        ("en", 7, 5, "7 pledges match; the 5 most relevant are shown."),
        ("en", 3, 3, "3 pledges match; all 3 shown."),
        ("en", 1, 1, "1 pledge matches."),
        ("es", 7, 5, "7 compromisos coinciden; se muestran los 5 más pertinentes."),
        ("es", 1, 1, "1 compromiso coincide."),
        ("fr", 3, 3, "3 engagements correspondent ; les 3 sont affichés."),
        ("pt", 7, 5, "7 compromissos correspondem; os 5 mais relevantes são mostrados."),
    ],
)
def test_completeness(lang, total, shown, expected):
    assert completeness(total, shown, lang) == expected


@pytest.mark.parametrize(
    ("filters", "lang", "count", "expected"),
    [
        (Filters(year=2023, pledge_types=("Mirror",)), "en", None, "Mirror 2023 pledges"),
        (Filters(year=2023, pledge_types=("Mirror",)), "es", None, "compromisos de 2023 de tipo Mirror"),
        (Filters(joint=True), "fr", 1, "engagement conjoint"),
        (Filters(year=2022, gcf=True), "pt", None, "ações de 2022 com apoio do Global Cities Fund"),
        (Filters(countries=("Greece",), start=YearRange(2024, None)), "en", None, "pledges from Greece starting in 2024 or later"),
        (Filters(countries=("Greece",), start=YearRange(2024, None)), "es", None, "compromisos de Greece que empiezan en 2024 o después"),
        (Filters(kinds=("city", "national government")), "fr", None, "engagements de villes ou gouvernements nationaux"),
    ],
)  # fmt: skip
def test_filters_in_words(filters, lang, count, expected):
    assert describe(filters, lang=lang, count=count) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "A, B and C"), ("es", "A, B y C"), ("fr", "A, B et C"), ("pt", "A, B e C")]
)
def test_names_are_joined_in_the_language(lang, expected):
    assert join_names(["A", "B", "C"], lang) == expected


def test_a_catalogue_without_english_is_refused(tmp_path):
    path = tmp_path / "messages.yaml"
    path.write_text("greeting:\n  es: hola\n", encoding="utf-8")
    with pytest.raises(PledgeBotError, match="no English"):
        load_catalogue(path)


def test_a_catalogue_from_a_path(tmp_path):
    path = tmp_path / "messages.yaml"
    path.write_text(
        "n.items:\n  en: {one: '{n} item', other: '{n} items'}\n  es: {one: '{n} cosa', other: '{n} cosas'}\n"
    )
    assert load_catalogue(path).say("es", "n.items", 3, n=3) == "3 cosas"
    assert load_catalogue(path).say("fr", "n.items", 1, n=1) == "1 item"


# -- through the pipeline -----------------------------------------------------------------------------------


def _quotes_are_english_and_verbatim(bot, answer) -> bool:
    for c in answer.citations:
        rec = bot.records[c.id]
        text = rec.description if isinstance(rec, Pledge) else rec.text
        if not (excerpt_is_verbatim(c.excerpt, text) or any(x.text == c.excerpt for x in getattr(rec, "quotes", ()))):
            return False
        if f"“{c.excerpt}” [{c.n}]" not in answer.text:
            return False
    return True


@pytest.mark.parametrize(
    ("question", "lang", "framing"),
    [
        ("¿Qué ciudades ofrecen ventanillas únicas para personas migrantes?", "es", "que responde"),
        ("Quelles villes proposent des logements aux réfugiés ?", "fr", "qui répond"),
    ],
)
def test_a_question_in_spanish_or_french_is_framed_in_it(bot, question, lang, framing):
    a = bot.ask(question)
    assert not a.abstained and a.citations
    first = a.text.splitlines()[0]
    assert framing in first and "answer" not in first
    note = say(lang, "note.report_in_english")
    assert a.text.endswith(f"*{note}*") and note in a.notes
    assert _quotes_are_english_and_verbatim(bot, a)
    assert "match" not in a.text.split("\n\n")[-2]  # the count under the list is in the language too


def test_an_english_answer_has_no_language_note(bot):
    a = bot.ask("Which cities offer housing to refugees?")
    assert not any(say(lang, "note.report_in_english") in a.text for lang in LANGUAGES)


def test_a_placeholder_named_like_a_parameter_of_say_is_refused(tmp_path):
    path = tmp_path / "messages.yaml"
    path.write_text("n.items:\n  en: '{count} items'\n", encoding="utf-8")
    with pytest.raises(PledgeBotError, match="reserved"):
        load_catalogue(path)
