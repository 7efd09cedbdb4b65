"""The lexicon: every phrase a question can name, built from the data files and the records.

Places come from the gazetteer (`places.yaml`), pledge types, submitter kinds, flags, agencies and chatter
from `lexicon.yaml`, the report's terms from `glossary.yaml`, and what the report's own words are from the
records. Nothing here is about a particular question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from ..glossary import Term, load_glossary
from ..places import Gazetteer, ascii_form
from ..records import Pledge, Section
from ..reports import priority_heading
from ..text import fold, tokenize, words


def phrase_key(text: str) -> str:
    """The form phrases are matched in: folded words, a hyphen read as a space."""
    return " ".join(w.text.replace("-", " ") for w in words(text))


# the kinds of Entry that name a place (the rest name a type, a kind of submitter, a flag or an agency)
PLACE_KINDS = frozenset({"submitter", "area", "subregion", "region", "country"})


@dataclass(frozen=True)
class Entry:
    """What a phrase names."""

    kind: str  # submitter | area | subregion | region | country | type | kind | flag | agency
    value: str
    other_name: bool = False  # a country's other name or demonym ("Greek"): it may name who is helped
    upper_only: bool = False  # short codes ("US", "UK") count only when typed in capitals


@dataclass(frozen=True)
class Lexicon:
    """Lookup tables for question understanding."""

    phrases: dict[str, tuple[Entry, ...]]
    max_words: int
    chatter: frozenset[str]
    vocabulary: frozenset[str]  # words the records use
    proper_names: frozenset[str]  # words the report always capitalises (names of people, places, bodies)
    fuzzy_names: dict[str, Entry]  # names a typo may stand for (not demonyms)
    terms: dict[str, Term]  # glossary phrase -> term
    agencies: dict[str, tuple[str, ...]]  # agency -> its names
    population_nouns: frozenset[str]
    counted_in_general: frozenset[str]  # "how many people": a count any figure of people may answer
    population_before: frozenset[str]
    language_cues: frozenset[str]
    population_origin: frozenset[str]
    flight_verbs: frozenset[str]  # "people who fled Ukraine": where they fled from
    population_crises: tuple[frozenset[str], frozenset[str]]  # ("war", …), ("in", …): "the war in Ukraine"
    population_destination: tuple[str, ...]
    count_units: dict[str, str]
    followup_cues: tuple[str, ...]
    months: frozenset[str]
    month_number: dict[str, int]
    city_words: frozenset[str]
    coordinators: frozenset[str]
    name_connectors: frozenset[str]  # lower-case words inside a title-case name ("Foro de Examen de la …")
    place_openers: frozenset[str]  # nouns that open place names ("Mayor of Oslo", "Gobierno de Jalisco")
    other_words: frozenset[str]  # "which other …", "anyone else": not the places named before
    more_words: frozenset[str]  # "what else …": more of the same, not others
    people_articles: frozenset[str]  # "les Français", "los griegos": after these, a plural demonym is people
    this_year: tuple[str, ...]
    last_year: tuple[str, ...]  # "this year and last": joined to this_year by one of the coordinators
    reply_language: tuple[str, ...]  # "en español": chatter, not Spain
    report_years: tuple[int, ...]
    spelling: dict[str, float] = field(default_factory=dict)
    english: frozenset[str] = frozenset()  # English words beyond the report's: never "corrected"
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> word -> English
    shorthand: dict[str, str] = field(default_factory=dict)  # "ppl" -> "people": read as the words they stand for
    back_references: frozenset[str] = frozenset()  # "which pledges include that?": the context is the topic
    back_reference_after: frozenset[str] = frozenset()  # "do that too": still a back-reference
    back_reference_nouns: frozenset[str] = frozenset()  # "the same thing", "that kind of work": still one
    lead_in_subjects: frozenset[str] = frozenset()  # "We brief the council: how many …?": a lead-in that is a statement
    lead_in_openers: frozenset[str] = frozenset()  # "For a briefing: how many …?": a lead-in that says what it is for
    actor_pronouns: frozenset[str] = frozenset()  # "how many did they put in?": the context's submitter acts
    place_pointers: frozenset[str] = frozenset()  # "what is pledged there?": the context's place is asked about
    request_openers: frozenset[str] = frozenset()  # "Tell me about Nairobi.": a sentence that asks without "?"
    first_person: frozenset[str] = frozenset()  # "we are a city in Kenya": a context about the asker
    place_nouns: frozenset[str] = frozenset()  # "the Asia-Pacific region": part of a region's name
    helped_before: frozenset[str] = frozenset()  # "helping organisations": a kind after these is who is helped
    askers_own: frozenset[str] = frozenset()  # "our county": a kind after these is who asks
    partner_before: frozenset[str] = frozenset()  # "with (their) national government": a kind after these is a partner
    partner_determiners: frozenset[str] = frozenset()  # the words that may stand between
    record_nouns: frozenset[str] = frozenset()  # "us pledges": after a lower-case code, it names the place
    list_fillers: frozenset[str] = frozenset()  # "… or by cities": still one list of kinds
    mention_scopes: frozenset[str] = frozenset()  # "… in their text": where a mention is looked for
    crisis_articles: frozenset[str] = frozenset()  # "fled the war in": the article of the crisis
    negations: frozenset[str] = frozenset()  # "no acompañados": a participle after these is its negative
    priority_words: dict[str, tuple[int, ...]] = field(default_factory=dict)  # a heading word -> the priorities using it

    @property
    def latest_year(self) -> int:
        return max(self.report_years)

    def known(self, word: str) -> bool:
        """A word the report, the glossary or the lexicon uses."""
        parts = re.findall(r"[^\W_]+", word)
        return bool(parts) and all(any(f in self.vocabulary or f in self.chatter for f in plural_forms(p)) for p in parts)


def priority_words(sections: Iterable[Section]) -> dict[str, tuple[int, ...]]:
    """Each word of a priority's heading in its edition's priorities part ("2. Minimizing the drivers of forced
    displacement …") -> the priorities whose heading uses it: a question may name a priority by its words."""
    out: dict[str, set[int]] = {}
    for n, title in filter(None, (priority_heading(s.report, s.heading) for s in sections)):
        for token in tokenize(title):
            out.setdefault(token, set()).add(n)
    return {t: tuple(sorted(v)) for t, v in out.items()}


def plural_forms(word: str) -> tuple[str, ...]:
    """A word and its singular ("shops" is known when the report says "shop")."""
    if word.endswith("ies") and len(word) > 4:
        return (word, word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        return (word, word[:-1], word[:-2])
    if word.endswith("s") and len(word) > 3:
        return (word, word[:-1])
    return (word,)


@lru_cache(maxsize=1)
def lexicon_data() -> dict[str, Any]:
    """The packaged `lexicon.yaml`."""
    return yaml.safe_load(files("pledgebot.data").joinpath("lexicon.yaml").read_text(encoding="utf-8"))


_WORD_RUN = re.compile(r"[^\W_]+")  # the vocabulary's words: letters and digits, split at anything else


def _spelled_out(phrases: Iterable[str], glossary: tuple[Term, ...]) -> list[str]:
    """The phrases, and each again with its acronym in the glossary's other names for it: "gcr only" is also
    "global compact on refugees only"."""
    names = {t.term.lower(): [v.lower() for v in t.variants if " " in v] for t in glossary}
    out = list(phrases)
    for phrase in phrases:
        for acronym, variants in names.items():
            if re.search(rf"\b{re.escape(acronym)}\b", phrase):
                out += [re.sub(rf"\b{re.escape(acronym)}\b", v, phrase) for v in variants]
    return list(dict.fromkeys(out))


# the lists of lexicon.yaml read as they are, each into the Lexicon field of its name
_WORD_LISTS = ("coordinators", "name_connectors", "other_words", "more_words", "people_articles", "back_references",
               "back_reference_after", "back_reference_nouns", "lead_in_subjects", "lead_in_openers", "actor_pronouns",
               "first_person", "list_fillers", "mention_scopes", "crisis_articles", "language_cues", "partner_before",
               "partner_determiners", "place_pointers", "request_openers")  # fmt: skip


def build_lexicon(
    gazetteer: Gazetteer,
    pledges: Iterable[Pledge],
    sections: Iterable[Section],
    glossary: tuple[Term, ...] | None = None,
    data: dict[str, Any] | None = None,
    english: frozenset[str] = frozenset(),
    translations: dict[str, dict[str, str]] | None = None,
) -> Lexicon:
    """The lexicon for these records, places and vocabulary (`english`: a dictionary of English words)."""
    data = data if data is not None else lexicon_data()
    glossary = glossary if glossary is not None else load_glossary()
    pledges, sections = list(pledges), list(sections)
    table: dict[str, list[Entry]] = {}
    _add_places(table, gazetteer, data.get("demonym_endings") or {}, english)
    for kind, section in (("type", "pledge_types"), ("kind", "submitter_kinds"), ("flag", "flags")):
        for value, phrases in (data.get(section) or {}).items():
            for phrase in _spelled_out(phrases, glossary):
                _add(table, phrase, Entry(kind, value))
    for p in pledges:
        # "Nicușor Dan's city": a mayor named stands for the place they lead (the records carry the names)
        for mayor in re.split(r"\s*/\s*|\s*\(.*?\)", p.mayor or ""):
            name = re.sub(r"^(?:(?:H\.E\.|Dr\.|Mr\.|Ms\.|Mrs\.)\s+)+", "", mayor.strip())  # "H.E. Dr. …"
            if len(name.split()) >= 2:
                _add(table, name, Entry("submitter", p.submitter))
    agencies = {name: tuple(names) for name, names in (data.get("agencies") or {}).items()}
    month_number = {phrase_key(w): int(n) for n, ws in (data.get("months") or {}).items() for w in ws}
    for name, phrase in ((name, phrase) for name, names in agencies.items() for phrase in names):
        _add(table, phrase, Entry("agency", name))
    texts = [f"{p.submitter} {p.title} {p.description}" for p in pledges] + [f"{s.title} {s.text}" for s in sections]
    vocabulary: set[str] = set()
    for t in texts:
        vocabulary.update(_WORD_RUN.findall(fold(t)))
    terms = {phrase_key(k): t for t in glossary for k in (t.term, *t.variants)}
    vocabulary |= {w for k in terms for w in k.split()}
    for name in gazetteer.listed:  # a listed place the records never name: no record is from it
        if (key := phrase_key(name)) not in table and not all(w in vocabulary for w in key.split()):
            _add(table, name, Entry("listed", name))
    phrases = {k: _ranked(v) for k, v in table.items()}
    return Lexicon(
        phrases=phrases,
        max_words=max((len(k.split()) for k in phrases), default=1),
        chatter=frozenset(phrase_key(data.get("chatter", "")).split()),
        vocabulary=frozenset(vocabulary | {w for k in phrases for w in k.split()}),
        proper_names=frozenset(proper_names(texts)),
        fuzzy_names=_fuzzy_names(gazetteer),
        terms=terms,
        agencies=agencies,
        population_nouns=_keys(data.get("population_nouns")),
        counted_in_general=_keys(data.get("counted_in_general")),
        population_before=_keys(data.get("population_before")),
        population_origin=_keys(data.get("population_origin")),
        flight_verbs=_keys(data.get("flight_verbs")),
        helped_before=_keys(data.get("helped_before")),
        askers_own=_keys(data.get("askers_own")),
        record_nouns=_keys(data.get("record_nouns")),
        negations=_keys(data.get("negations")),
        place_nouns=_keys(data.get("place_nouns")),
        population_crises=(
            _keys((data.get("population_crises") or {}).get("crises")),
            _keys((data.get("population_crises") or {}).get("before_place")),
        ),
        population_destination=_longest_first(_keys(data.get("population_destination"))),
        count_units={phrase_key(w): unit for unit, ws in (data.get("count_units") or {}).items() for w in ws},
        followup_cues=_longest_first(_keys(data.get("followup_cues"))),
        months=frozenset(month_number),
        month_number=month_number,
        city_words=_keys(data.get("city_words")),
        place_openers=_keys(data.get("place_openers")) | _keys(data.get("city_words")),
        this_year=_longest_first(_keys(data.get("this_year"))),
        last_year=_longest_first(_keys(data.get("last_year"))),
        reply_language=_longest_first(_keys(data.get("reply_language"))),
        report_years=tuple(sorted({p.year for p in pledges})) or (2023,),
        spelling=dict(data.get("spelling") or {}),
        english=english,
        translations=translations if translations is not None else load_translations(),
        shorthand={phrase_key(k): str(v) for k, v in (data.get("shorthand") or {}).items()},
        **{name: _keys(data.get(name)) for name in _WORD_LISTS},
        priority_words=priority_words(sections),
    )


@lru_cache(maxsize=1)
def load_translations() -> dict[str, dict[str, str]]:
    """The packaged word gloss (`translations.yaml`): Spanish, French and Portuguese words in English."""
    data = yaml.safe_load(files("pledgebot.data").joinpath("translations.yaml").read_text(encoding="utf-8")) or {}
    return {lang: gloss_table(words or {}) for lang, words in data.items()}


def gloss_table(words: dict[str, object]) -> dict[str, str]:
    """Each word under its folded spelling, which is what a question's words are looked up by. Two spellings
    that fold together ("sur" about, "sûr" safe; "e" and, "é" is) must not let the accented one take the plain
    word's meaning: the spelling without accents keeps the folded slot, and an accented spelling is also kept as
    typed, looked up first when the question has the accent."""
    table: dict[str, str] = {}
    plain: dict[str, str] = {}
    for key, value in words.items():
        typed, folded = str(key).lower(), fold(str(key))
        if typed == folded:
            plain[folded] = str(value)
        else:
            table[typed] = str(value)
            table.setdefault(folded, str(value))
    return table | plain


def _keys(values: Iterable[str] | None) -> frozenset[str]:
    return frozenset(phrase_key(v) for v in values or ())


def _add(table: dict[str, list[Entry]], phrase: str, entry: Entry) -> None:
    key = phrase_key(phrase)
    if key and entry not in table.setdefault(key, []):
        table[key].append(entry)


# When one phrase names several things, the most specific reading wins ("Europe": the region, not
# Eurocities' pseudo-country; "Georgia": the country, as no state of that name is listed).
_ORDER = ("submitter", "area", "type", "kind", "flag", "agency", "subregion", "region", "country", "listed")


def _ranked(entries: list[Entry]) -> tuple[Entry, ...]:
    return tuple(sorted(entries, key=lambda e: _ORDER.index(e.kind)))


def _add_places(
    table: dict[str, list[Entry]], gaz: Gazetteer, endings: dict[str, list[str]], english: frozenset[str]
) -> None:
    for s in gaz.submitters.values():
        for name in (s.name, *s.aliases, ascii_form(s.name)):
            # two-letter codes ("BA") count only in capitals, like "US"
            if len(phrase_key(name)) >= 2:
                _add(table, name, Entry("submitter", s.name, upper_only=len(phrase_key(name)) <= 3))
    for area, names in gaz.area_aliases.items():
        for name in (area, *names, ascii_form(area)):
            other = phrase_key(name) not in (phrase_key(area), phrase_key(ascii_form(area)))
            _add(table, name, Entry("area", area, other_name=other, upper_only=len(phrase_key(name)) <= 2))
    for sub in gaz.subregions:
        _add(table, sub, Entry("subregion", sub, upper_only=len(phrase_key(sub)) <= 3))
    for key, region in gaz.region_keys.items():
        # "global" is an adjective in questions ("Global Cities Fund"), not the worldwide organizations' region
        if key != "global":
            _add(table, key, Entry("region", region, upper_only=len(key) <= 4 and key.isalpha() and key != "asia"))
    for c in gaz.countries.values():
        if c.name in ("Global",):
            continue
        for name in (c.name, *c.aliases, ascii_form(c.name)):
            key = phrase_key(name)
            other = key != phrase_key(c.name) and not key.startswith("the ")
            _add(table, name, Entry("country", c.name, other_name=other, upper_only=len(key) <= 3))
    # a demonym's other genders and numbers, where no place has that word already ("brasileiras")
    for c in gaz.countries.values():
        for alias in c.aliases:
            for form in inflections(phrase_key(alias), endings):
                if form not in table and form not in english:
                    _add(table, form, Entry("country", c.name, other_name=True))


def inflections(word: str, endings: dict[str, list[str]]) -> list[str]:
    """A demonym's other forms: the longest ending in `endings` of its last word ("sud africaine": the words
    of "sud-africaine") replaced by each listed one."""
    head, _, last = word.rpartition(" ")
    if len(last) < 4:
        return []
    ending = max((e for e in endings if last.endswith(e) and len(last) > len(e) + 2), key=len, default=None)
    if ending is None:
        return []
    return [f"{head} {last[: -len(ending)]}{other}".strip() for other in endings[ending]]


def _fuzzy_names(gaz: Gazetteer) -> dict[str, Entry]:
    """Names a misspelling may stand for: submitters (and their aliases) and countries, not demonyms."""
    out: dict[str, Entry] = {}
    for s in gaz.submitters.values():
        for name in (s.name, *s.aliases):
            if len(key := phrase_key(name)) >= 5:
                out.setdefault(key, Entry("submitter", s.name))
    for c in gaz.countries.values():
        if len(key := phrase_key(c.name)) >= 5 and c.name != "Global":
            out.setdefault(key, Entry("country", c.name))
    return out


# A word after a lower-case letter or a comma, a colon, a bracket or a quote and a space: mid-sentence.
_MID_SENTENCE = re.compile(r"(?<=[a-z,;:()’'\"“”] )[^\W\d_][\w’'\-]*")


def _longest_first(keys: Iterable[str]) -> tuple[str, ...]:
    """Phrases longest first, then alphabetical: the first match wins, and a set's order changes with the
    hash seed, so two processes would otherwise read the same question differently."""
    return tuple(sorted(keys, key=lambda k: (-len(k), k)))


def proper_names(texts: Iterable[str]) -> set[str]:
    """Words the report writes with a capital wherever they stand mid-sentence, and never without one."""
    seen: set[str] = set()
    for text in texts:
        seen.update(_MID_SENTENCE.findall(text))
    # each distinct spelling folded once: the records use a few thousand words a million times
    upper = {fold(w) for w in seen if w[0].isupper()}
    lower = {fold(w) for w in seen if not w[0].isupper()}
    return {w for w in upper - lower if len(w) >= 3}
