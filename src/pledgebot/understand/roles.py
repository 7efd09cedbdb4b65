"""What a place or a short code named in a question stands for when it is not where the pledges are from:
the people helped ("Ukrainian refugees"), where people go ("workers heading to the Gulf"), or, typed in lower
case, the pronoun "us" rather than the United States; and places joined by a hyphen ("Tyre-Zürich")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..text import Word, fold_aligned
from .lexicon import PLACE_KINDS

if TYPE_CHECKING:
    from .facets import Reading
    from .lexicon import Entry, Lexicon


def names_who_is_helped(r: Reading, lex: Lexicon, n: int, size: int, entry: Entry) -> bool:
    """A country named as who is helped: "Ukrainian refugees", "refugees from Ukraine", "réfugiés ukrainiens",
    "families escaping the conflict in Syria"."""
    after = " ".join(w.text for w in r.words[n + size : n + size + 2])
    before = [w.text for w in r.words[max(0, n - 3) : n]]
    typed = r.words[n + size - 1].text
    # "Greeks" are people, but a plural adjective after the cities it describes is where they are: Spanish,
    # French and Portuguese adjectives agree with their noun ("ciudades griegas", "cidades brasileiras")
    describes_cities = bool(before) and before[-1] in lex.city_words
    # in Spanish, French or Portuguese an adjective follows the noun it describes ("associations françaises");
    # after an article it is a noun, the people ("les Français", "los griegos")
    describes_cities |= (
        not r.english and bool(before) and before[-1] not in lex.people_articles and not _said_of_people(before[-1], lex)
    )
    # "Greeks", "Finns" are people; "Swiss" is an adjective too: no plural ends in a double s
    plural = typed.endswith("s") and not typed.endswith("ss")
    plural_demonym = entry.other_name and plural and not fold_aligned(entry.value).endswith("s") and not describes_cities
    noun_after = any(after == p or after.startswith(p + " ") for p in lex.population_nouns)
    # the people may be named in two words ("asylum seekers from Afghanistan")
    people = len(before) >= 2 and (is_population(before[-2], lex) or " ".join(before[-3:-1]) in lex.population_nouns)
    origin = people and before[-1] in lex.population_origin
    origin |= bool(before) and before[-1] in lex.flight_verbs
    crises, linking = lex.population_crises
    fled = len(before) >= 2 and before[-1] in linking and before[-2] in crises  # "fleeing the war in Ukraine"
    # "displaced by the Russian invasion", "the Syrian war": an adjective of the crisis, not of the pledges
    fled |= bool(entry.other_name) and bool(after) and after.split()[0] in crises
    noun_before = bool(before) and (
        _said_of_people(before[-1], lex) or _said_of_people(" ".join(before[-2:]), lex)
    )
    return origin or fled or (entry.other_name and (plural_demonym or noun_after or noun_before))


def population_lead(r: Reading, lex: Lexicon, n: int) -> list[int]:
    """The words before a country named as who is helped that only say so: "fled the war in" Ukraine, "escaping"
    Syria. They are how the people are named, as "refugees" is, and no topic: a pledge for Ukrainian refugees need
    not say "fled" or "war"."""
    crises, linking = lex.population_crises
    lead, k = [], n - 1
    if k >= 1 and r.words[k].text in linking and r.words[k - 1].text in crises:
        lead, k = [k, k - 1], k - 2
        if k >= 0 and r.words[k].text in lex.crisis_articles:
            lead, k = [*lead, k], k - 1
        if k >= 1 and r.words[k].text in linking and r.words[k - 1].text in lex.flight_verbs:
            lead, k = [*lead, k], k - 1  # "huyen de la guerra", "fled from the war"
    if k >= 0 and r.words[k].text in lex.flight_verbs:
        lead.append(k)
    return lead


def destination(r: Reading, lex: Lexicon, n: int) -> bool:
    """A place within a few words after "heading to", "working in" … (and the list that follows it), in the
    same sentence: "our team is heading to the Gulf. Which cities in Jordan …" names Jordan's pledges."""
    first = max(0, n - 9)
    for k in range(first, n):
        if re.search(r"[.?!]", r.text[r.words[k].end : r.words[k + 1].start]):
            first = k + 1
    before = " ".join(w.text for w in r.words[first:n])
    return any(f" {cue} " in f" {before} " for cue in lex.population_destination)


def partner(r: Reading, lex: Lexicon, n: int) -> bool:
    """A kind of submitter right after "with" (and a determiner): who the pledges work with ("cities working
    with their national government"), not who made them."""
    k = n - 1
    if k >= 0 and r.words[k].text in lex.partner_determiners:
        k -= 1
    return k >= 0 and r.words[k].text in lex.partner_before


def is_population(word: str, lex: Lexicon) -> bool:
    """A word for the people a pledge helps ("refugees", "réfugiés")."""
    return word in lex.population_nouns or word in lex.population_before


def _said_of_people(words: str, lex: Lexicon) -> bool:
    """Words after which a demonym names people or their language ("réfugiés ukrainiens", "classes in Greek")."""
    return words in lex.population_before or words in lex.language_cues


def code_in_lower_case(r: Reading, lex: Lexicon, n: int, size: int) -> bool:
    """Whether a short code typed in lower case ("us", "uk") names its place: after "the" ("pledges from the
    us"), or opening a sentence before a noun for pledges or submitters ("us cities on housing", "us counties?").
    Elsewhere "us" is the pronoun ("can you help us find …")."""
    if n > 0 and r.words[n - 1].text == "the":
        return True
    opens = n == 0 or bool(re.search(r"[.?!:;]\s*$", r.text[: r.words[n].start]))
    after = r.words[n + size].text if n + size < len(r.words) else ""
    kind = any(e.kind == "kind" for e in lex.phrases.get(after, ()))
    return opens and (after in lex.record_nouns or after in lex.city_words or kind)


def split_place_pairs(found: list[Word], lex: Lexicon) -> list[Word]:
    """ "the Tyre-Zürich partnership", "Kampala-Nairobi's pledge": places joined by a hyphen are each a place, as
    "Tyre and Zürich" are; a hyphenated word that is a phrase itself ("Asia-Pacific") or has any other part
    ("one-stop", "Zürich-based") stays whole."""
    out: list[Word] = []
    for w in found:
        parts = w.text.split("-")
        if len(parts) < 2 or " ".join(parts) in lex.phrases or not all(_names_place(p, lex) for p in parts):
            out.append(w)
            continue
        start = w.start
        for part, raw in zip(parts, w.raw.split("-"), strict=True):
            out.append(Word(part, start, start + len(raw), raw))
            start += len(raw) + 1
    return out


def _names_place(word: str, lex: Lexicon) -> bool:
    return any(e.kind in PLACE_KINDS and not e.upper_only for e in lex.phrases.get(word, ()))
