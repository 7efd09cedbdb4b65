"""Question understanding: a question becomes a typed `Query` — facets by extraction, intent by one decision.

question ──validate──▶ text ──facets.read──▶ Reading (facets, dates, topic, spelling)
         ──intent model──▶ Intent ──▶ Query(filters, topic, search text, route notes) ──followup──▶ Query
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..errors import QuestionError
from ..filters import Filters
from ..glossary import Term
from ..places import Gazetteer
from ..query import Intent, Query, Unit
from . import grammar
from .facets import Reading, read
from .followup import follow_up
from .grammar import focus_span
from .intent import IntentModel, features
from .lexicon import PLACE_KINDS, Lexicon, lexicon_data, plural_forms

MAX_CHARS = 2000

__all__ = ["MAX_CHARS", "Understander", "detect_language", "validate"]


def validate(question: object) -> str:
    """The question, stripped; QuestionError if it is empty, too long or holds control characters."""
    if not isinstance(question, str):
        msg = f"the question must be text, got {type(question).__name__}"
        raise QuestionError(msg)
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > MAX_CHARS:
        msg = f"the question is {len(text)} characters long; the limit is {MAX_CHARS}"
        raise QuestionError(msg)
    bad = [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t"]
    if bad:
        msg = f"the question contains a control character ({bad[0]!r}) at position {text.index(bad[0]) + 1}"
        raise QuestionError(msg)
    return text


def detect_language(text: str, vocabularies: dict[str, list[str]] | None = None) -> str:
    """en, es, fr or pt, by counting each language's common words (accents count toward es/pt/fr)."""
    vocab = {k: set(v) for k, v in (vocabularies or lexicon_data()["languages"]).items()}
    found = re.findall(r"[^\W\d_]+", text.lower())
    scores = {lang: sum(w in words for w in found) for lang, words in vocab.items()}
    if re.search(r"[¿¡ñ]", text):
        scores["es"] = scores.get("es", 0) + 2
    if re.search(r"[ãõç]", text):
        scores["pt"] = scores.get("pt", 0) + 2
    if re.search(r"[èêàù]|\bqu'", text):
        scores["fr"] = scores.get("fr", 0) + 2
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    return best if scores[best] > scores.get("en", 0) else "en"


_PLACE_KINDS = ("submitter", "area", "country", "subregion", "region")


def _anchored(intent: Intent, filters: Filters) -> tuple[tuple[str, ...], Filters]:
    """A comparison's reference points and its filters: every submitter it names is one ("like Tyre and
    Zürich's"), not a filter."""
    if intent is not Intent.COMPARE or not filters.submitters:
        return (), filters
    return filters.submitters, Filters(**{**filters.__dict__, "submitters": (), "place_label": None})


def _asked_unknown(r: Reading, focus_filters: Filters, lex: Lexicon) -> list[str]:
    """The places no record has that the question asks about: those the sentence that asks names, and those the
    rest names when that sentence names no place of its own and points back at them ("The mayor of Oslo called.
    What was pledged there?"). Otherwise a name only in the rest is the asker's context ("I report from Puebla.
    What did Tlaxcala do …?", "We host HR people from employers. Which cities work with companies?", "… which
    pledges give shelter? Deadline is tonight.")."""
    pointers = lex.actor_pronouns | lex.place_pointers
    points_back = not focus_filters.has_place() and any(
        r.in_focus(n) and w.text in pointers and not grammar.existential(r.folded, w.start, w.end)
        for n, w in enumerate(r.words)
    )
    return [v for v, at in zip(r.unknown_places, r.unknown_at, strict=True) if points_back or r.focus[0] <= at < r.focus[1]]


class Understander:
    """Turns questions into `Query` objects from the lexicon and the fitted intent model."""

    def __init__(self, lexicon: Lexicon, gazetteer: Gazetteer, intent_model: IntentModel | None) -> None:
        self.lex = lexicon
        self.gaz = gazetteer
        self.model = intent_model

    def understand(
        self,
        question: str,
        explicit: Filters | None = None,
        previous: Query | None = None,
        vector: np.ndarray | Callable[[str], np.ndarray] | None = None,
    ) -> Query:
        """Read `question`; `explicit` filters win over inferred ones; `previous` makes it a follow-up.
        `vector`: the question's embedding, or a function that embeds a text, called only when the intent model
        needs it: with the question as typed in English, with its reading (`Query.full_text`) in Spanish, French
        and Portuguese, which the English model reads as English and the search embeds anyway."""
        text = validate(question)
        language = detect_language(text)
        r = read(text, self.lex, language)
        scores = self._intent_scores(r, language, vector)
        intent = self._intent(r, scores)
        if intent is Intent.COMPARE:
            # "Laguna runs a one-stop shop — which cities do likewise?": the lead-in is the project compared
            r.focus = focus_span(text)
        filters, population = self._filters(r, r.facets)
        focus_filters, _ = self._filters(r, [f for f in r.facets if r.focus[0] <= f.at < r.focus[1]])
        if not any(r.focus[0] <= at < r.focus[1] for at in r.date_at):
            focus_filters = replace(focus_filters, start=None, start_month=None, end=None, year=None)  # said of the context
        if intent is not Intent.COMPARE:
            filters = self._scoped_to_asking(r, filters, focus_filters)
        if intent is not Intent.COMPARE and (known := self._known_and_others_asked(r)):
            # "Which <country> cities pledged? I know <city> did, anyone else?": the question is the first
            # sentence's, and the place the second names is the one the asker knows already
            asked, _ = self._filters(r, [f for f in r.facets if not r.focus[0] <= f.at < r.focus[1]])
            filters = focus_filters = replace(asked, exclude=tuple(_unique([*asked.exclude, *known])))
        elif intent is not Intent.COMPARE and (named := self._others_asked(r)):
            # "Kampala and Nairobi pledged together. What other pairings are there?": the places of the
            # context are what the answer leaves out, not what it is about
            filters = replace(focus_filters, exclude=tuple(_unique([*focus_filters.exclude, *named])))
            focus_filters = filters
        anchors, filters = _anchored(intent, filters)
        implied = filters
        if explicit is not None and not explicit.is_empty():
            filters = filters.merged(explicit)
            focus_filters = focus_filters.merged(explicit)
        query = Query(
            question=text,
            intent=intent,
            filters=filters,
            implied=implied,
            topic=tuple(r.topic),
            search_text=self._search_text(r, population),
            full_text=self._full_text(r),
            focus_text=self._search_text(r, population, focus=True),
            focus_topic=tuple(w for w, n in zip(r.topic, r.topic_at, strict=True) if r.in_focus(n)),
            focus_filters=focus_filters,
            refers_back=self._refers_back(r),
            language=language,
            intent_scores={str(k): v for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:3]},
            facets=tuple(r.facets),
            terms=tuple(t.term for t in r.terms),
            anchors=anchors,
            unknown_places=tuple(_asked_unknown(r, focus_filters, self.lex)),
            unknown_topics=tuple(r.unknown_topics),
            narrative_names=tuple(r.narrative_names),
            population=tuple(population),
            unit=Unit(r.unit) if r.unit else None,
            min_per_submitter=r.several,
            mention=r.mention,
            mention_names=tuple(grammar.named_parts(r.mention, self.lex.name_connectors)) if r.mention else (),
            quote_role=r.quote_role,
            wants_number=r.wants_number,
            outcome=r.outcome,
            counted=self._counted(r),
            people_words=tuple(sorted(self.lex.counted_in_general)),
            context=r.text[: r.focus[0]].strip(),
            leans_on_context=bool(r.focus[0]) and self._uses_pronoun(r),
            chatter=tuple(r.chatter),
            corrections=tuple(r.corrections),
            unplaced=tuple(dict.fromkeys([*r.unplaced, *r.unknown_topics])),
            set_aside=tuple(r.words[n].raw for n in sorted(r.aside)),
            notes=tuple(f"Read “{typed}” as {name}." for typed, name in r.corrections),
        )
        return follow_up(query, previous, self.lex) if previous is not None else query

    # -- parts -----------------------------------------------------------------------------------

    def _intent(self, r: Reading, scores: dict[Intent, float]) -> Intent:
        """The likeliest intent, squared with what the grammar read."""
        intent = max(scores, key=scores.get) if scores else Intent.FIND
        if intent is Intent.MENTION and not r.mention and len(scores) > 1:
            # no words were read to look for ("I need a name for the byline"): the likeliest other reading
            intent = max((i for i in scores if i is not Intent.MENTION), key=scores.get)
        if intent in (Intent.REPORT, Intent.FIND) and self._counts_whose(r):
            # a tally of what one place filed ("… different commitments has Quilmes lodged?") is the records' own
            # to make, however the words around it lean
            intent = Intent.COUNT
        return intent

    def _intent_scores(
        self, r: Reading, language: str, vector: np.ndarray | Callable[[str], np.ndarray] | None
    ) -> dict[Intent, float]:
        if self.model is None:
            return {}
        feats = features(r, language)
        if callable(vector):
            # an embedding costs a model run (~30 ms); when the words decide, the scores are the words' alone.
            # A non-English question is embedded as read: the answer's search then finds that vector made
            text = r.text if language == "en" else self._full_text(r)
            vector = None if self.model.decided_without_vector(feats) else vector(text)
        return self.model.scores(feats, vector)

    def _filters(self, r: Reading, facets: list) -> tuple[Filters, list[str]]:
        """The facets as one Filters, and the countries named as who is helped."""
        by_kind: dict[str, list[str]] = {}
        for f in facets:
            by_kind.setdefault(f.kind, []).append(f.value)
        submitters = _unique(by_kind.get("submitter", []))
        for area in by_kind.get("area", []):
            submitters += [s for s in self.gaz.areas.get(area, ()) if s not in submitters]
        countries = _unique(by_kind.get("country", []))
        for sub in by_kind.get("subregion", []):
            countries += [c for c in self.gaz.subregions.get(sub, ()) if c not in countries]
        population = list(r.population)
        if submitters and countries:
            # "Kenyan towns and the Kenyan national government": a submitter joined by "and" or "or" to its own
            # country is one of that country's, not a narrower place; the country's pledges answer
            submitters = [s for s in submitters if not self._joined_to_its_country(r, facets, s)]
        if submitters and countries:
            # "Brasov welcome centre for Ukrainians" names Brașov; a country that is not Brașov's is context
            own = {c for s in submitters for c in self.gaz.submitters[s].countries}
            population += [c for c in countries if c not in own]
            countries = [c for c in countries if c in own]
        regions = _unique(by_kind.get("region", []))
        places = _unique([f.value for f in facets if f.kind in _PLACE_KINDS])
        side_by_side = len({f.kind for f in facets if f.kind in _PLACE_KINDS}) == 1
        if regions and countries and not any(getattr(self.gaz.countries.get(c), "region", None) in regions for c in countries):
            # places side by side ("north or south america", "Kenya or Europe") are either, not both: the
            # regions join the list as their countries
            countries += [c.name for c in self.gaz.countries.values() if c.region in regions and c.name not in countries]
            regions, side_by_side = [], True
        # what the answer calls the place: every place named side by side ("Kenya or Uganda"); of nested places
        # ("Athens, Greece") the first
        label = _either(places) if side_by_side else (places[0] if places else None)
        flags = set(by_kind.get("flag", []))
        return (
            Filters(
                countries=tuple(countries),
                regions=tuple(regions),
                submitters=tuple(submitters),
                year=r.years[0] if len(set(r.years)) == 1 else None,
                pledge_types=tuple(_unique(by_kind.get("type", []))),
                kinds=self._kinds(r, by_kind, submitters),
                priority=r.priority,
                place_label=label,
                start=r.start,
                start_month=r.start_month,
                end=r.end,
                open_ended="open_ended" in flags,
                gcf="gcf" in flags,
                joint="joint" in flags,
                quoted="quoted" in flags,
                mentions=tuple(self.lex.agencies.get(a, (a,)) for a in _unique(by_kind.get("agency", []))),
                exclude=self._excluded(r),
            ),
            population,
        )

    def _joined_to_its_country(self, r: Reading, facets: list, submitter: str) -> bool:
        """Whether `submitter` is named beside its own country, joined by a coordinator and nothing but city words,
        articles or "other" ("Greek cities and Athens", "Athens or other Greek cities"), not nested in it
        ("Athens, Greece", "Athens in Greece") nor in another clause of the sentence."""
        sub = self.gaz.submitters.get(submitter)
        own = {sub.country, *sub.countries} if sub else set()
        places = sorted((f for f in facets if f.kind in _PLACE_KINDS), key=lambda f: f.at)
        plain = self.lex.coordinators | self.lex.city_words | self.lex.name_connectors | self.lex.other_words
        for a, b in zip(places, places[1:], strict=False):
            pair = {(a.kind, a.value), (b.kind, b.value)}
            if not any(pair == {("submitter", submitter), ("country", c)} for c in own):
                continue
            between = [w.text for w in r.words if a.at + len(a.words) <= w.start < b.at]
            if any(w in self.lex.coordinators for w in between) and all(w in plain for w in between):
                return True
        return False

    def _refers_back(self, r: Reading) -> bool:
        """Whether the sentence that asks points at its context with a pronoun ("any city doing this?",
        "which cities do that too?", "anyone doing the same thing?": only words for a thing follow it to the
        clause's end); "this report" is no pointer."""
        for n, w in enumerate(r.words):
            if not r.in_focus(n) or w.text not in self.lex.back_references:
                continue
            k = n
            while k + 1 < len(r.words) and not re.search(r"[^\s'’-]", r.text[r.words[k].end : r.words[k + 1].start]):
                after = r.words[k + 1]
                if after.text in self.lex.back_reference_after:
                    return True
                if after.text not in self.lex.back_reference_nouns or k + 1 in r.consumed:
                    break
                k += 1
            else:
                return True
        return False

    def _scoped_to_asking(self, r: Reading, filters: Filters, focus_filters: Filters) -> Filters:
        """The filters of a question that opens with a sentence of context: when the sentence that asks names
        facets of its own, they are what to filter by ("I'm briefing a city network. How many mirror pledges
        came from Latin America?": the context says who asks); else the context still says where to look. A
        lead-in of the same sentence ("Looking back at 2022 — how many came from Africa?") still filters."""
        context, after = r.text[: r.focus[0]], r.text[r.focus[1] :]
        if not context.strip() and after.strip() and "?" not in after and focus_filters.has_place():
            # "<country>: its cities and their projects? A colleague plans a <region> exchange.": a statement
            # after the question says why it is asked; the place the question names is the one asked about (what
            # else the statement sets still narrows: "… Only cities, please.")
            return filters.with_place_of(focus_filters)
        opens_with_context = bool(context.strip()) and "?" not in context and not after.strip()
        own_sentence = bool(re.search(r"[.!]\s*$", context))
        if opens_with_context and own_sentence and not focus_filters.is_empty():
            if self._acts_in_context(r):
                # it speaks of what its context names ("<Mirror pledges> are new. Which of them …?"), and what it
                # names itself wins over the context's (a context listing three pledge types, a question naming one)
                return filters.merged(focus_filters)
            if focus_filters.has_place() or not self._points_at_place(r):
                return focus_filters
            # "<region> seems thin to me. <count> 2023 <records> <of that region>?": the sentence that asks names
            # a year, and its place by pointing back at the context's
            return focus_filters.with_place_of(filters)
        if opens_with_context and own_sentence and self._about_asker(r) and not self._uses_pronoun(r):
            # "We have hosted families since 2022. Which pledges …?": a date in the asker's own story says when
            # they acted, not which pledges to look at
            return replace(filters, start=None, start_month=None, end=None)
        return filters

    def _about_asker(self, r: Reading) -> bool:
        """Whether the context before the sentence that asks speaks of the asker ("I work in Kenya.")."""
        return any(not r.in_focus(n) and w.text in self.lex.first_person for n, w in enumerate(r.words))

    def _points_at_place(self, r: Reading) -> bool:
        """Whether the sentence that asks points back at a place ("that region", "those cities")."""
        places = self.lex.place_nouns | self.lex.city_words
        return any(
            r.in_focus(n) and w.text in self.lex.back_references and r.words[n + 1].text in places
            for n, w in enumerate(r.words[:-1])
        )

    def _counts_whose(self, r: Reading) -> bool:
        """Whether the question counts the records of a place it names as the subject ("how many pledges did
        Zürich submit?"), not of something it owns ("how many actions did São Paulo's plan include?")."""
        at = grammar.records_subject_at(r.folded, self.lex.record_nouns)
        return any(
            f.kind in PLACE_KINDS and f.at in at and not grammar.possessive_at(r.text, f.at + len(f.words))
            for f in r.facets
        )

    def _acts_in_context(self, r: Reading) -> bool:
        """Whether the sentence that asks speaks of someone its context names, by a pronoun ("Quilmes drew up a
        plan. Did their council adopt it?"): then the context's places are the question's. A context
        about the asker ("We are a Kenyan city. What are they doing?") is not."""
        words = [(n, w.text) for n, w in enumerate(r.words)]
        points = any(r.in_focus(n) and w in self.lex.actor_pronouns for n, w in words)
        return points and not self._about_asker(r)

    def _uses_pronoun(self, r: Reading) -> bool:
        """Whether the sentence that asks has a pronoun anywhere ("what share did they make up?"): it cannot
        be read without its context."""
        return any(r.in_focus(n) and w.text in self.lex.back_references for n, w in enumerate(r.words))

    def _others_asked(self, r: Reading) -> list[str]:
        """The submitters and places a context sentence names when the sentence that asks wants others
        ("other", "else"), and names none of them itself; [] otherwise."""
        if r.focus == (0, len(r.text)) or not self._others_asked_in_focus(r):
            return []
        inside = {f.value for f in r.facets if r.focus[0] <= f.at < r.focus[1]}
        return _unique([f.value for f in r.facets if f.kind in ("submitter", "country", "region") and f.value not in inside])

    def _known_and_others_asked(self, r: Reading) -> list[str]:
        """The places the sentence that asks names when it asks for others after a question of its own ("…?
        I know <city> did, who else?"); [] otherwise."""
        context = r.text[: r.focus[0]].rstrip()
        if not context.endswith("?") or not self._others_asked_in_focus(r):
            return []
        places = ("submitter", "country", "region")
        if not any(f.kind in places and f.at < r.focus[0] for f in r.facets):
            return []
        return _unique([f.value for f in r.facets if f.kind in places and r.focus[0] <= f.at < r.focus[1]])

    def _others_asked_in_focus(self, r: Reading) -> bool:
        return any(
            r.in_focus(n) and w.text in self.lex.other_words and not (w.text == "else" and n and r.words[n - 1].text in self.lex.more_words)
            for n, w in enumerate(r.words)
        )

    def _excluded(self, r: Reading) -> tuple[str, ...]:
        """Places named in a set-aside clause ("apart from the Philippine ones") are left out of the answer."""
        out: list[str] = []
        for f in r.negated:
            if f.kind in ("submitter", "country", "region"):
                out.append(f.value)
            elif f.kind == "subregion":
                out += list(self.gaz.subregions.get(f.value, ()))
            elif f.kind == "area":
                out += list(self.gaz.areas.get(f.value, ()))
        return tuple(_unique(out))

    def _kinds(self, r: Reading, by_kind: dict[str, list[str]], submitters: list[str]) -> tuple[str, ...]:
        kinds = _unique(by_kind.get("kind", []))
        if kinds and submitters and not {self.gaz.submitters[s].kind for s in submitters if s in self.gaz.submitters} & set(kinds):
            # "What has Athens pledged, and which networks fund it?": the kind is not the submitter's
            return ()
        if kinds and self._with_cities(r):
            kinds.append("city")  # "US cities and counties": both kinds, not counties alone
        negated = {f.value for f in r.negated if f.kind == "kind"}
        if not kinds and negated:
            # "rather than national governments": every other kind of submitter
            kinds = [k for k in ("city", "region", "organization", "national government") if k not in negated]
        return tuple(kinds)

    def _with_cities(self, r: Reading) -> bool:
        """Whether a kind of submitter is named together with cities ("cities and counties", "towns or NGOs")."""
        def city(i: int) -> bool:
            # a city word of its own, not part of another kind's name ("organisations or city networks")
            # and not set aside ("counties rather than cities")
            ok = 0 <= i < len(r.words) and i not in r.aside
            return ok and r.words[i].text in self.lex.city_words and r.consumed.get(i) != "kind"

        def local(i: int, head: str) -> bool:
            # a word that is a city word with the kind's head noun: "local" in "local or state governments"
            ok = 0 <= i < len(r.words) and i not in r.aside and i not in r.consumed
            return ok and any(f"{r.words[i].text} {h}" in self.lex.city_words for h in (head, f"{head}s"))

        def slash(i: int) -> bool:  # "cities/counties", "local/state govt": a slash joins words i and i + 1
            return 0 <= i < len(r.words) - 1 and "/" in r.text[r.words[i].end : r.words[i + 1].start]

        for n, tag in r.consumed.items():
            if tag != "kind" or n in r.aside:
                continue
            for i in range(max(0, n - 2), min(len(r.words) - 1, n + 3)):
                if r.words[i].text in self.lex.coordinators and (city(i - 1) or city(i + 1)):
                    return True
            if (slash(n - 1) and city(n - 1)) or (slash(n) and city(n + 1)):
                return True
            if r.consumed.get(n - 1) != "kind":  # the first word of a kind's name, joined to the word before it
                end = next(e for e in range(n, len(r.words)) if e + 1 == len(r.words) or r.consumed.get(e + 1) != "kind")
                head = self.lex.shorthand.get(r.words[end].text, r.words[end].text)
                before = n - 2 if n >= 2 and r.words[n - 1].text in self.lex.coordinators else n - 1 if slash(n - 1) else -1
                if local(before, head):
                    return True
        return False

    def _counted(self, r: Reading) -> tuple[str, ...]:
        """The particular thing a "how many" question counts and the glossary's words for it; nothing for people
        in general ("how many people", "how many refugees"), whom a figure of any group of people may answer."""
        noun = self.lex.shorthand.get(r.counted, r.counted) if r.counted else None
        noun = dict(r.corrections).get(noun, noun) if noun else None  # "how many famlies": families, misspelt
        general = self.lex.population_nouns | self.lex.counted_in_general | self.lex.chatter
        if noun is None or any(f in general for f in plural_forms(noun)):
            return ()
        words = {noun}
        for phrase, term in self.lex.terms.items():
            if noun in plural_forms(phrase) or phrase in plural_forms(noun):
                words |= {term.term.lower(), *term.expand.lower().split()}
        return tuple(sorted(words))

    def _search_text(self, r: Reading, population: list[str], focus: bool = False) -> str:
        """The question (or, with `focus`, the sentence that asks) without the words facets and set-aside
        clauses took, plus the terms' meanings."""
        kept = [
            r.gloss.get(n, w.raw)
            for n, w in enumerate(r.words)
            if n not in r.consumed and n not in r.aside and (not focus or r.in_focus(n))
        ]
        base = " ".join(kept) if kept else r.text
        return _with_expansions(base, r.terms, population, self.gaz)

    def _full_text(self, r: Reading) -> str:
        """The whole question but its set-aside clauses, spelling corrected, plus the terms' meanings: for the
        narrative ("how many familes" counts families)."""
        fixed = dict(r.corrections)
        # a place's name is no word to gloss: "São Leopoldo" is not "are Leopoldo"
        kept = [
            fixed.get(w.raw, w.raw) if r.consumed.get(n) in PLACE_KINDS else r.gloss.get(n, fixed.get(w.raw, w.raw))
            for n, w in enumerate(r.words)
            if n not in r.aside
        ]
        return _with_expansions(" ".join(kept), r.terms, [], self.gaz)


def _with_expansions(base: str, terms: list[Term], population: list[str], gaz: Gazetteer) -> str:
    extra = [t.expand for t in terms if t.expand]
    for c in population:
        aliases = gaz.countries[c].aliases if c in gaz.countries else ()
        extra.append(f"{c} {aliases[0] if aliases else ''}".strip())
    return base if not extra else f"{base} ({'; '.join(extra)})"


def _either(names: list[str]) -> str | None:
    if len(names) <= 1:
        return names[0] if names else None
    return ", ".join(names[:-1]) + " or " + names[-1]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
