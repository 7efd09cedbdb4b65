"""Facets by extraction: the question's word n-grams matched against the lexicon, plus the general grammar.

Every word a facet, a date or a spelling correction consumes leaves the topic; so does every chatter word
and every word of a "rather than …" clause. What is left is the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..filters import YearRange
from ..glossary import Term
from ..query import Facet
from ..text import Word, fold_aligned, words
from . import grammar, priorities, roles
from .lexicon import Entry, Lexicon, phrase_key, plural_forms


@dataclass
class Reading:
    """Everything read off one question, before intent is decided."""

    text: str
    folded: str
    words: list[Word]
    english: bool = True
    facets: list[Facet] = field(default_factory=list)
    negated: list[Facet] = field(default_factory=list)  # facets inside "rather than …"
    included: list[Facet] = field(default_factory=list)  # facets inside "including …": neither filter nor topic
    consumed: dict[int, str] = field(default_factory=dict)  # word index -> what consumed it
    aside: set[int] = field(default_factory=set)
    inclusive: set[int] = field(default_factory=set)  # words of "including …" phrases
    population: list[str] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    unknown_at: list[int] = field(default_factory=list)  # where each unknown place starts
    unknown_topics: list[str] = field(default_factory=list)  # unknown names standing where a topic stands
    narrative_names: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    topic_at: list[int] = field(default_factory=list)  # the word each topic word comes from
    chatter: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    start: YearRange | None = None
    start_month: int | None = None
    end: YearRange | None = None
    years: list[int] = field(default_factory=list)
    date_at: list[int] = field(default_factory=list)  # where the date phrases and years start
    priority: int | None = None
    several: int | None = None
    unit: str | None = None
    mention: str | None = None
    quote_role: str | None = None
    wants_number: bool = False
    outcome: float | None = None  # "did it reach its million signatures?": the figure asked about
    counted: str | None = None  # the noun "how many …" counts, when it names one
    gloss: dict[int, str] = field(default_factory=dict)  # word index -> English, for questions in other languages
    focus: tuple[int, int] = (0, 0)  # character span of the sentence that asks (see `grammar.focus_span`)

    def in_focus(self, n: int) -> bool:
        return self.focus[0] <= self.words[n].start < self.focus[1]

    def shape(self) -> list[str]:
        """The question's words with each facet's words replaced by its kind ("how many <type> pledges")."""
        out: list[str] = []
        for n, w in enumerate(self.words):
            tag = self.consumed.get(n)
            if tag:
                if not out or out[-1] != f"<{tag}>":
                    out.append(f"<{tag}>")
                continue
            out += self.gloss.get(n, w.text).split()
        return out


def read(question: str, lex: Lexicon, language: str = "en") -> Reading:
    """Read facets, dates, spelling and the topic off `question` (already validated).

    Spelling is corrected against the report's English words only in English questions: "solicitantes" is
    Spanish, not a typo. Other languages are glossed word by word into English (`translations.yaml`), so the
    topic and the search are in the report's language."""
    english = language == "en"
    r = Reading(question, fold_aligned(question), roles.split_place_pairs(words(question), lex), english=english)
    r.focus = grammar.focus_span(question, lex.lead_in_subjects, lex.lead_in_openers, lex.request_openers)
    table = lex.translations.get(language, {}) if not english else {}
    r.gloss = {n: g for n, w in enumerate(r.words) if (g := _glossed(w.text, table, lex, w.raw))}
    _negated_participles(r, lex)
    aside = grammar.set_aside(r.folded)
    r.aside = {n for n, w in enumerate(r.words) if _within(w, aside)}
    inside = grammar.included(r.folded)
    r.inclusive = {n for n, w in enumerate(r.words) if _within(w, inside)}
    _read_grammar(r, lex)
    _read_phrases(r, lex)
    priorities.read_named_priority(r, lex)
    _cities_listed_with_kinds(r, lex)
    _examples_of_kinds(r)
    _set_aside_glosses(r)
    _drop_owners(r)
    _quote_added(r)
    r.terms = _terms(r, lex)
    _read_unknown_words(r, lex, english)
    _read_topic(r, lex, english)
    return r


def _negated_participles(r: Reading, lex: Lexicon) -> None:
    """"non accompagnés", "no acompañados", "não acompanhados": a negated participle glosses as its English
    negative when the records use one ("unaccompanied"); word by word it would read as its opposite."""
    for n, g in list(r.gloss.items()):
        if n and r.words[n - 1].text in lex.negations and g.endswith("ed") and f"un{g}" in lex.vocabulary:
            r.gloss[n] = f"un{g}"


# a French question inverts its subject onto the verb ("a-t-elle", "proposent-elles", "agit-il", "est-ce"):
# the verb is the word; the pronoun says nothing about the topic
_INVERTED = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles|ce|m[eê]mes?)$")


def _glossed(word: str, table: dict[str, str], lex: Lexicon, raw: str = "") -> str | None:
    """The English for `word` (folded; `raw` as typed: its accents pick "sûr" over "sur"): shorthand, then the
    language's table, then its singular, then its verb without an inverted pronoun; a verb that is itself chatter
    ("a-t-il") glosses as that chatter word."""
    if (typed := raw.lower()) != word and typed in table:
        return table[typed]
    if word in lex.shorthand or word in table:
        return lex.shorthand.get(word) or table[word]
    base = _INVERTED.sub("", word) if table else word
    if base == word:
        # a plural the table lacks reads as its singular ("guarderías" as "guardería"); short words are left
        # alone, where a letter less is another word ("mais" is not "mai")
        if table and len(word) >= 5 and word not in lex.chatter:
            return next((table[f] for f in plural_forms(word)[1:] if f in table), None)
        return None
    return table.get(base) or (base if base in lex.chatter else None)


# "(i.e. signed up to both)", "e.g. Greece": a full stop that ends an abbreviation ends no sentence
def _within(w: Word, spans: list[tuple[int, int]]) -> bool:
    return any(a <= w.start and w.end <= b for a, b in spans)


def _consume(r: Reading, spans: list[tuple[int, int]], tag: str) -> None:
    for n, w in enumerate(r.words):
        if n not in r.consumed and _within(w, spans):
            r.consumed[n] = tag


def _read_grammar(r: Reading, lex: Lexicon) -> None:
    r.mention, spans = grammar.mention(r.text)
    r.mention = grammar.without_scope(r.mention, lex.mention_scopes | lex.record_nouns) if r.mention else None
    if r.mention and all(w in lex.chatter for w in phrase_key(r.mention).split()):
        r.mention, spans = None, []  # "count and names please": a noun and a courtesy, no words to look for
    _consume(r, spans, "mention")
    found = grammar.dates(r.folded, lex.months)
    r.start, r.end = found.start, found.end
    r.start_month = lex.month_number.get(found.start_month or "")
    r.date_at += [a for a, _ in found.spans]
    _consume(r, list(found.spans), "date")
    _read_this_year(r, lex)
    for phrase in lex.reply_language:  # "responde en español": the answer's language, not Spain's pledges
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", r.folded):
            r.chatter += phrase.split()
            _consume(r, [m.span()], "chatter")
    years, spans = grammar.report_years(r.folded, list(found.spans), lex.report_years)
    # "… including 2022 ones", "2022 included": a year said to be included widens the answer, it filters nothing
    widening = grammar.included(r.folded)
    said = [(y, s) for y, s in zip(years, spans, strict=True) if not any(a <= s[0] and s[1] <= b for a, b in widening)]
    r.years += [y for y, _ in said]
    r.date_at += [s[0] for _, s in said]
    _consume(r, spans, "year")
    r.priority, spans = grammar.priority(r.folded)
    _consume(r, spans, "priority")
    r.several, spans = grammar.several_per_submitter(r.folded)
    _consume(r, spans, "several")
    r.quote_role, spans = grammar.quote_role(r.folded)
    if spans and _opens_a_name(r, lex, spans[0][0]):
        r.quote_role, spans = None, []  # a body whose name opens with a role word: its name, no role
    _consume(r, spans, "role")
    if r.quote_role is None:
        verbs = grammar.quote_verb(r.folded)
        r.chatter += [r.folded[a:b] for a, b in verbs]
        _consume(r, verbs, "chatter")
    r.unit = grammar.count_unit(r.folded, lex.count_units)
    r.wants_number = grammar.wants_number(r.folded)
    r.outcome = grammar.outcome_figure(r.folded) if r.english else None
    r.counted = grammar.counted_noun(r.folded) if r.english else None


def _opens_a_name(r: Reading, lex: Lexicon, at: int) -> bool:
    """Whether the words from offset `at` on begin a longer name the lexicon knows."""
    n = next((k for k, w in enumerate(r.words) if w.start == at), None)
    if n is None:
        return False
    return any(
        phrase_key(" ".join(w.text for w in r.words[n : n + size])) in lex.phrases
        for size in range(2, min(lex.max_words, len(r.words) - n) + 1)
    )


def _read_this_year(r: Reading, lex: Lexicon) -> None:
    """ "this year's pledges": the newest report's; "this year and last" (either order): it and the one before."""
    # regex alternations, in the lexicon's order (longest first)
    this, last, either = ("|".join(map(re.escape, ps)) for ps in (lex.this_year, lex.last_year, sorted(lex.coordinators)))
    if this and last and either:
        both = rf"(?:{this})(?:'s)?\s+(?:{either})\s+(?:{last})|(?:{last})\s+(?:{either})\s+(?:{this})"
        if m := re.search(rf"(?<!\w)(?:{both})(?:'s)?(?!\w)", r.folded):
            earlier = [y for y in lex.report_years if y < lex.latest_year]
            r.years += [lex.latest_year, *earlier[-1:]]
            _consume(r, [m.span()], "year")
            return
    if this and (m := re.search(rf"(?<!\w)(?:{this})(?:'s)?(?!\w)", r.folded)):
        r.years.append(lex.latest_year)
        _consume(r, [m.span()], "year")


def _read_phrases(r: Reading, lex: Lexicon) -> None:
    """Longest phrase first, left to right, over the words nothing has consumed yet."""
    n = 0
    while n < len(r.words):
        hit = _longest(r, lex, n)
        if hit is None and (elided := _elided(r, lex, n)) is not None:
            # "north or south america": the first place shares the second's head word; read it whole
            r.facets.append(Facet(elided.kind, elided.value, r.words[n].raw, at=r.words[n].start))
            r.consumed[n] = r.consumed[n + 1] = elided.kind
            n += 2
            continue
        if hit is None:
            n += 1
            continue
        size, entry = hit
        span = r.words[n : n + size]
        typed = r.text[span[0].start : span[-1].end]
        if entry.kind == "listed":  # a participant with no record: a place no pledge is from
            # typed in lower case it may be a word ("quito" is Spanish for removed); named in passing, not
            # where a place or a sentence's subject stands, it is context ("an approach like Strasbourg's")
            before = re.sub(r"[\s¿¡\"'“(]", "", r.text[: span[0].start])
            opens = not before or before[-1] in ".?!:"
            slot = grammar.place_slot(r.folded, span[0].start, span[-1].end) == "place"
            if not span[0].capitalised or not (opens or slot):
                n += size
                continue
            r.unknown_places.append(entry.value)
            r.unknown_at.append(span[0].start)
            _consume(r, [(span[0].start, span[-1].end)], "unknown")
            n += size
            continue
        facet = Facet(entry.kind, entry.value, typed, at=span[0].start)
        if entry.kind in ("country", "area") and roles.names_who_is_helped(r, lex, n, size, entry):
            r.population.append(entry.value)  # "Ukrainian refugees": the topic, not where the pledge is from
            for k in roles.population_lead(r, lex, n):
                if k not in r.consumed:
                    r.consumed[k] = "chatter"
                    r.chatter.append(r.words[k].text)
            n += size
            continue
        if entry.kind == "kind" and n > 0 and (r.words[n - 1].text in lex.helped_before or roles.partner(r, lex, n)):
            n += size  # "helping organisations become diverse", "with their national government": who is helped or
            # who works with them; the words stay in the topic
            continue
        if entry.kind == "kind" and n > 0 and r.words[n - 1].text in lex.askers_own:
            r.chatter += [w.text for w in span]  # "Our county is trying to …": who asks, not whose pledges answer
            _consume(r, [(span[0].start, span[-1].end)], "chatter")
            n += size
            continue
        if entry.kind in ("country", "subregion", "region") and roles.destination(r, lex, n):
            n += size  # "workers heading to the Gulf": where they go is the topic; the words stay in it
            continue
        if entry.kind in ("region", "subregion") and n + size < len(r.words) and r.words[n + size].text in lex.place_nouns:
            size += 1  # "the Asia-Pacific region": the noun is part of the place's name, not a topic
        target = r.negated if all(k in r.aside for k in range(n, n + size)) else r.facets
        if target is r.facets and all(k in r.inclusive for k in range(n, n + size)):
            target = r.included
        target.append(facet)
        for k in range(n, n + size):
            r.consumed[k] = entry.kind
        n += size


def _cities_listed_with_kinds(r: Reading, lex: Lexicon) -> None:
    """'count cities, counties and organisations': a word for cities listed with kinds of submitter is a kind
    too (alone it is chatter: "which cities …" asks about any submitter)."""
    kinds = [n for n in range(len(r.words)) if r.consumed.get(n) == "kind" and n not in r.aside]
    for n, w in enumerate(r.words):
        if n in r.consumed or n in r.aside or n in r.inclusive or w.text not in lex.city_words:
            continue  # in a clause that includes ("not just cities and counties") it narrows nothing, as kinds there
        for k in kinds:
            a, b = sorted((n, k))
            between = [r.words[j].text for j in range(a + 1, b) if r.consumed.get(j) != "kind"]
            # "cities, counties", "cities and counties", "the state or by cities": fillers only beside a coordinator
            joins = all(w in lex.coordinators or w in lex.list_fillers for w in between) and (
                any(w in lex.coordinators for w in between) or not any(w in lex.list_fillers for w in between)
            )
            if joins and all(re.fullmatch(r"[\s,;&/]*", r.text[r.words[j].end : r.words[j + 1].start]) for j in range(a, b)):
                r.facets.append(Facet("kind", "city", w.raw, at=w.start))
                r.consumed[n] = "kind"
                break


# "organisations (UCLG, Eurocities etc.)", "counties such as Salt Lake County": names given for a kind
_EXAMPLES = re.compile(r"\s*(?:\([^)]*\)|,?\s*(?:such as|e\.g\.|for example|for instance)\s+[^.;:?!()]*)")


def _examples_of_kinds(r: Reading) -> None:
    """Submitters named as examples right after a kind of submitter illustrate the kind: the kind filters,
    and the names neither filter nor become the topic."""
    if not any(f.kind == "kind" for f in r.facets):
        return
    for n, w in enumerate(r.words):
        if r.consumed.get(n) != "kind" or (n + 1 < len(r.words) and r.consumed.get(n + 1) == "kind"):
            continue
        if not (m := _EXAMPLES.match(r.text, w.end)):
            continue
        named = [f for f in r.facets if f.kind == "submitter" and m.start() <= f.at < m.end()]
        if not named:
            continue
        r.facets = [f for f in r.facets if f not in named]
        r.aside.update(k for k, x in enumerate(r.words) if m.start() <= x.start and x.end <= m.end())


def _set_aside_glosses(r: Reading) -> None:
    """A clause explaining a facet just named ("GCR-only pledges - those that serve refugees alone") says
    what the filter already does: its words are no topic to narrow the filter's pledges by. A clause explaining
    other words keeps them: they say what is searched for."""
    for start, end in grammar.glosses(r.folded):
        inside = [n for n, w in enumerate(r.words) if start <= w.start and w.end <= end]
        before = [n for n, w in enumerate(r.words) if w.end <= start][-1:]
        if inside and before and before[0] in r.consumed:
            r.aside.update(n for n in inside if n not in r.consumed)


def _drop_owners(r: Reading) -> None:
    """A submitter named as the owner of a flag's thing ("MMC's Global Cities Fund")
    says whose fund it is, not whose pledges are asked for: it is part of the flag's name."""
    flags = {f.at for f in r.facets if f.kind == "flag"}
    owners = []
    for f in r.facets:
        if f.kind != "submitter":
            continue
        end = f.at + len(f.words)
        after = re.match(r"[’']s\s+", r.text[end:])
        if after and end + after.end() in flags:
            owners.append(f)
    for f in owners:
        r.facets.remove(f)
        for n, w in enumerate(r.words):
            if f.at <= w.start < f.at + len(f.words):
                r.consumed[n] = "flag"


def _quote_added(r: Reading) -> None:
    """A printed quote asked for besides the pledges ("every pledge from <country>, plus any quote") narrows
    nothing: the pledges are asked for whether or not a quote is printed beside them."""
    for f in [f for f in r.facets if f.kind == "flag" and f.value == "quoted" and grammar.added(r.folded, f.at)]:
        r.facets.remove(f)
        r.chatter += f.words.split()
        _consume(r, [(f.at, f.at + len(f.words))], "chatter")


_JOINERS = {"and", "or", "&", "y", "o", "et", "ou", "e"}
_ELIDED_KINDS = ("region", "subregion", "country")


def _elided(r: Reading, lex: Lexicon, n: int) -> Entry | None:
    """The place a word names by sharing the next place's head ("east" in "east and west africa"), when
    "<word> <head>" is itself a place ("north or south america": a region and a subregion); None otherwise."""
    if n + 2 >= len(r.words) or r.words[n + 1].text not in _JOINERS or n in r.consumed:
        return None
    second = _longest(r, lex, n + 2)
    if second is None or second[0] < 2 or second[1].kind not in _ELIDED_KINDS:
        return None
    head = [w.text.replace("-", " ") for w in r.words[n + 3 : n + 2 + second[0]]]
    key = " ".join([r.words[n].text, *head])
    return next((e for e in lex.phrases.get(key, ()) if e.kind in _ELIDED_KINDS and not e.upper_only), None)


def _longest(r: Reading, lex: Lexicon, n: int) -> tuple[int, Entry] | None:
    for size in range(min(lex.max_words, len(r.words) - n), 0, -1):
        if any(k in r.consumed for k in range(n, n + size)):
            continue
        span = r.words[n : n + size]
        key = " ".join(w.text.replace("-", " ") for w in span)
        # shorthand inside a phrase reads as the words it stands for: "national govts", "intl orgs"
        spelled = " ".join(lex.shorthand.get(w.text, w.text).replace("-", " ") for w in span)
        for entry in (*lex.phrases.get(key, ()), *(lex.phrases.get(spelled, ()) if spelled != key else ())):
            if entry.upper_only and not r.words[n].raw.isupper() and not roles.code_in_lower_case(r, lex, n, size):
                continue
            return size, entry
    return None


def _terms(r: Reading, lex: Lexicon) -> list[Term]:
    """Glossary terms named: they add their meaning to the search and may be defined; they stay the topic."""
    keys = [w.text.replace("-", " ") for w in r.words]
    found: list[Term] = []
    for size in range(min(6, len(keys)), 0, -1):
        for n in range(len(keys) - size + 1):
            term = lex.terms.get(" ".join(keys[n : n + size]))
            if term is not None and term not in found:
                found.append(term)
    return found


def _read_unknown_words(r: Reading, lex: Lexicon, english: bool) -> None:
    """Misspelt names become the facet they stand for; unknown names in a place's slot are unknown places.

    A near miss that starts like the name ("Keyna", "Maipo") is accepted in English questions only: in other
    languages a country's own adjective ("ukrainiens") comes that close."""
    cutoff = lex.spelling.get("name_cutoff", 86)
    same_start = lex.spelling.get("same_start_cutoff", 80) if english else cutoff
    # where only a place can stand ("what is warsaw doing"), an English word the records never use is a name
    slots = [s for _, s in grammar.lower_case_places(r.folded)]
    n = 0
    while n < len(r.words):
        w = r.words[n]
        # a word the question's language glosses is a word of that language ("país"), not a misspelt "Paris"
        ordinary = w.text in lex.chatter or lex.known(w.text) or w.text.isdigit() or n in r.gloss
        word = _english(w.text, lex) and not w.capitalised and not any(a <= w.start < b for a, b in slots)
        if n in r.consumed or n in r.aside or ordinary or word:
            n += 1
            continue
        if _completes_name(r, lex, n, cutoff):
            n += 1
            continue
        first, size, entry = _closest_name(r, lex, n, cutoff, same_start)
        if entry is not None:
            typed = r.text[r.words[first].start : r.words[first + size - 1].end]
            r.facets.append(Facet(entry.kind, entry.value, typed, corrected_from=typed, at=r.words[first].start))
            r.corrections.append((typed, entry.value))
            for k in range(first, first + size):
                r.consumed[k] = entry.kind
            n = first + size
            continue
        n += _unknown_name(r, lex, n)


def _completes_name(r: Reading, lex: Lexicon, n: int, cutoff: float) -> bool:
    """A misspelt last word of a name whose first word was read ("laguna provence" is Laguna Province)."""
    before = r.consumed.get(n - 1)
    facet = next((f for f in reversed(r.facets) if f.kind == before), None)
    if facet is None or before not in ("submitter", "country"):
        return False
    typed = f"{r.words[n - 1].text} {r.words[n].text}"
    best = process.extractOne(typed, list(lex.fuzzy_names), scorer=fuzz.ratio, score_cutoff=cutoff)
    if best is None or lex.fuzzy_names[best[0]].value != facet.value:
        return False
    r.consumed[n] = before
    r.corrections.append((r.text[r.words[n - 1].start : r.words[n].end], facet.value))
    return True


def _closest_name(r: Reading, lex: Lexicon, n: int, cutoff: float, same_start: float) -> tuple[int, int, Entry | None]:
    """The submitter or country a misspelling at word `n` stands for, as (first word, words, entry); two-word
    names are tried first, with the word before or after ("san antonia", "laguna provence")."""
    names = list(lex.fuzzy_names)
    for first, size in ((n - 1, 2), (n, 2), (n, 1)):
        span = r.words[max(first, 0) : first + size]
        if first < 0 or len(span) < size or any(k in r.consumed or k in r.aside for k in range(first, first + size)):
            continue
        typed = " ".join(w.text for w in span)
        if len(typed) < 4 or (size == 2 and any(w.text in lex.chatter for w in span)):
            continue
        best = process.extractOne(typed, names, scorer=fuzz.ratio, score_cutoff=same_start)
        if best is None:
            continue
        entry = lex.fuzzy_names[best[0]]
        # a close spelling is a name when very close, or when it starts like the name
        if best[1] >= cutoff or best[0][:2] == typed[:2]:
            return first, size, entry
    return n, 1, None


def _in_title(r: Reading, lex: Lexicon, n: int) -> bool:
    """Whether word `n` continues a title-case name that an ordinary noun opens ("Foro de Examen", "Review
    Forum"): the capitalised word before it (across connectors) is a known word, and not a place, a kind of
    submitter or a word that opens place names ("Municipio de Tlaxcala", "City of Oslo", "Mayor of Oslo")."""
    k = n - 1
    while k >= 0 and r.words[k].text in lex.name_connectors and not r.words[k].capitalised:
        k -= 1
    if k < 0 or not r.words[k].capitalised or r.consumed.get(k) not in (None, "agency", "flag"):
        return False
    word = r.words[k].text
    # an ordinary word right after another capitalised one names a thing, not a place ("Cidade Solidária",
    # "City Card"), even after a word that opens place names or a question's own word
    ordinary = n == k + 1 and (n in r.gloss or lex.known(r.words[n].text))
    if word in lex.chatter and not ordinary:  # "Did Toronto …", "Has Oslo …": a question's own words open no name
        return False
    opens_places = {word, r.gloss.get(k, word)} & lex.place_openers
    kinds = any(e.kind == "kind" for e in lex.phrases.get(word, ()))
    return (lex.known(word) or k in r.gloss) and not kinds and (not opens_places or ordinary)


def _unknown_name(r: Reading, lex: Lexicon, n: int) -> int:
    """Record a name no record has: capitalised (or in a lower-case place's slot). Returns words used."""
    if r.words[n].capitalised and _in_title(r, lex, n):
        return 1  # part of the name of a thing: its words stay in the topic
    span = [r.words[n]]
    while (
        n + len(span) < len(r.words)
        and r.words[n + len(span)].capitalised
        and not lex.known(r.words[n + len(span)].text)
        and n + len(span) not in r.consumed
    ):
        span.append(r.words[n + len(span)])
    name = r.text[span[0].start : span[-1].end]
    # a question's first word is capitalised whatever it is; it opens a name only as one's possessive ("Toronto's
    # shelters …") when neither the report nor the lexicon knows it
    possessive = grammar.possessive_at(r.text, span[-1].end)
    first_word = not r.text[: span[0].start].strip(" ¿¡\"'“(") and not (possessive and not lex.known(span[0].text))
    slot = grammar.place_slot(r.folded, span[0].start, span[-1].end)
    after = n + len(span)
    if re.match(r"\s*,", r.text[span[-1].end :]) and r.consumed.get(after) in ("country", "area", "subregion"):
        slot, first_word = "place", False  # "Esteban Echeverría, Argentina": a town named with its country
    lower_slot = any(s[0] <= span[0].start < s[1] for _, s in grammar.lower_case_places(r.folded))
    if (span[0].capitalised and slot and not first_word) or lower_slot:
        if slot == "about" and not lower_slot:
            r.unknown_topics.append(name if span[0].capitalised else name.title())
        else:
            r.unknown_places.append(name if span[0].capitalised else name.title())
            r.unknown_at.append(span[0].start)
        for k in range(n, n + len(span)):
            r.consumed[k] = "unknown"
    return len(span)


def _read_topic(r: Reading, lex: Lexicon, english: bool) -> None:
    term_words = {x for t in r.terms for k in (t.term, *t.variants) for x in k.lower().split()}
    for n, w in enumerate(r.words):
        if n in r.consumed or n in r.aside or w.text.isdigit():
            continue
        if n in r.gloss:
            glossed = [x for x in r.gloss[n].split() if x not in lex.chatter]
            r.topic += glossed
            r.topic_at += [n] * len(glossed)
            r.chatter += [w.text] if not glossed else []
            continue
        word = _corrected(r, lex, w) if english else w.text
        if word in lex.chatter:
            r.chatter.append(word)
            continue
        # a name the narrative uses that no facet read: a person, a body, a place without a pledge
        # a name the narrative uses, standing where a place or body stands ("what did Medellín do …")
        names = w.capitalised and n > 0 and w.text in lex.proper_names and w.text not in lex.phrases
        # only in the sentence that asks: a name in a sentence of context describes, it is not asked about
        if names and r.in_focus(n) and w.text not in term_words and grammar.place_slot(r.folded, w.start, w.end) == "place":
            r.narrative_names.append(w.raw)
        r.topic.append(word)
        r.topic_at.append(n)
        # in another language, a word the glossary does not translate is no English word a record could use
        if not lex.known(word):
            r.unplaced.append(w.raw)


def _english(word: str, lex: Lexicon) -> bool:
    """A real English word, even one the report never uses ("officers", "detention")."""
    return any(f in lex.english for f in (word, word[:-1] if word.endswith("s") else word))


def _corrected(r: Reading, lex: Lexicon, w: Word) -> str:
    """A misspelt everyday word read as the report's word ("integraton" -> "integration")."""
    if lex.known(w.text) or len(w.text) < 5 or not w.text.isalpha() or _english(w.text, lex):
        return w.text
    # a typo keeps the word's first letters: "integraton" is "integration", "reintegrate" is not "integrate"
    same_start = [v for v in lex.vocabulary if v[:2] == w.text[:2]]
    best = process.extractOne(w.text, same_start, scorer=fuzz.ratio, score_cutoff=lex.spelling.get("word_cutoff", 88))
    if best is None:
        return w.text
    r.corrections.append((w.raw, best[0]))
    return best[0]
