"""Question understanding: validate the question, infer filters and intent, expand the report's terms.

Nothing here knows any particular question: places come from the gazetteer, terms from the glossary,
and "is this a name the report does not know?" from the report's own vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from .errors import QuestionError
from .filters import Filters
from .glossary import Term, load_glossary
from .places import Gazetteer, fold

MAX_CHARS = 2000

_LANG_WORDS = {
    "es": set(
        [
            "qué",
            "que",
            "cuántos",
            "cuántas",
            "cuáles",
            "cuál",
            "ciudades",
            "ciudad",
            "los",
            "las",
            "del",
            "para",
            "con",
            "por",
            "una",
            "sobre",
            "hay",
            "migrantes",
            "refugiados",
            "municipios",
            "promesas",
            "compromisos",
            "dónde",
            "cómo",
            "quién",
        ]
    ),
    "fr": set(
        [
            "quelles",
            "quels",
            "quelle",
            "quel",
            "combien",
            "villes",
            "ville",
            "les",
            "des",
            "pour",
            "avec",
            "sur",
            "une",
            "dans",
            "réfugiés",
            "migrants",
            "engagements",
            "promesses",
            "où",
            "comment",
            "qui",
            "est",
            "ont",
        ]
    ),
    "pt": set(
        [
            "quais",
            "qual",
            "quantos",
            "quantas",
            "cidades",
            "cidade",
            "os",
            "as",
            "do",
            "da",
            "dos",
            "das",
            "para",
            "com",
            "uma",
            "sobre",
            "há",
            "migrantes",
            "refugiados",
            "compromissos",
            "onde",
            "como",
            "quem",
            "são",
        ]
    ),
    "en": set(
        [
            "what",
            "which",
            "how",
            "many",
            "the",
            "of",
            "for",
            "with",
            "and",
            "is",
            "are",
            "did",
            "does",
            "do",
            "who",
            "where",
            "cities",
            "city",
            "pledges",
            "pledge",
            "migrants",
            "refugees",
        ]
    ),
}
_COUNT = re.compile(r"\b(how many|number of|count|cu[aá]nt[oa]s|combien|quant[oa]s|total)\b", re.I)
_LIST = re.compile(
    r"\b(list|which|what (?:cities|pledges|organi[sz]ations|governments|municipalities|places)|all (?:the )?pledges|"
    r"name (?:the|all)|show (?:me )?(?:all|the)|qu[eé] ciudades|quelles villes|quais cidades|cu[aá]les)\b",
    re.I,
)
# Comparison questions; they become "compare" only when they also name a submitter to compare with.
_COMPARE = re.compile(
    r"\b(similar|comparable|resembl\w*|like (?:the )?[\w\s]+?['’]s\b|something like|the way \w+ does|who else|"
    r"anyone else|anybody else|where else|(?:which|what|any) other \w+|other (?:cities|places|towns|local governments|"
    r"municipalit\w+|countries|networks|schemes|programmes|programs|projects|initiatives|efforts)|"
    r"learn from|peers? (?:of|for|to)|same kind|parecid[oa]s?|similares?|semblables?|semelhantes?|comme \w+)\b",
    re.I,
)
_REPORT = re.compile(
    r"\b(per ?cent|percent|%|share|proportion|how much|million|according to the report|the report (?:say|state)|"
    r"imrf|global refugee forum|grf|sdg summit|hlpf|lampedusa charter|marrakech|marrakesh|mayors mechanism|"
    r"trends?|lessons? (?:learned|learnt|from)|key lessons|by the numbers|foreword|who (?:prepared|wrote|designed)|how to join|why join|"
    r"priorities are|eight priorities|8 priorities)\b",
    re.I,
)
# A demonym before these words names who is helped or a language, not where the pledge is from.
_POPULATION_NOUN = (
    r"(?:refugees?|migrants?|workers?|children|families|nationals|diaspora|communit(?:y|ies)|asylum|"
    r"women|youth|students|people|newcomers|returnees|population|language|classes|courses|lessons|speakers|speaking|"
    r"dialect|culture)"
)
# ... and so does a demonym after these (Spanish, French, Portuguese word order, or "classes of X").
_POPULATION_NOUN_XX = (
    r"(?:trabajadores|trabajadoras|refugiados|refugiadas|migrantes|ni[nñ]os|familias|travailleurs|r[eé]fugi[eé]s|"
    r"enfants|familles|trabalhadores|crian[cç]as|fam[ií]lias|comunidad|comunidade|communaut[eé]|aulas de|clases de|"
    r"cursos de|cours de|cours d|lecciones de|idioma|l[ií]ngua|lengua|langue|in|speak|speaking|learn|learning|teach|teaching)"
)
_END_YEAR = re.compile(
    r"\b(?:until|till|through|to|by|ending(?: in)?|end(?:s|ing)? in|runs? to|finish(?:es|ing)?(?: in| by)?|"
    r"conclud(?:e|es|ing)(?: in)?|complet(?:e|ed|es)(?: in| by)?|due (?:to (?:finish|end|close) )?in|"
    r"wrap(?:s|ping)? up(?: in| by)?|expir(?:e|es|ing)(?: in)?|over by)\s+((?:19|20)\d\d)\b",
    re.I,
)
_START_YEAR = re.compile(
    r"\b(?:since|started(?: back)?(?: in)?|starting(?: in)?|start(?:s|ed)? in|began(?: back)?(?: in)?|launched(?: in)?|"
    r"(?:go(?:es)?|going|date[sd]?|dating) back to)\s+((?:19|20)\d\d)\b",
    re.I,
)
# "… back to 2019 or earlier", "started before 2022": a bound, not one year
_OR_EARLIER = re.compile(r"\b((?:19|20)\d\d) or (?:earlier|before)\b|\b(?:before|prior to) ((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"\b(2022|2023)\b")
# Phrases that make a question about the report's own narrative, even when it asks "how many".
_REPORT_FIRST = re.compile(
    r"\b(according to the report|the report'?s? (?:own )?(?:tally|count|summary|numbers)|by the numbers|"
    r"what does the report say|in the foreword|the report says|the call (?:to local action )?(?:has|have|had) "
    r"(?:mobili[sz]ed|delivered|collected|gathered)|(?:has|have|had|did) the call|joined the call|"
    r"international migration review forum|imrf|global refugee forum|sdg summit|hlpf|world congress)\b",
    re.I,
)
# The nouns a "how many" question counts when it counts pledge records.
_RECORD_NOUNS = re.compile(
    r"how many\s+(?:\S+\s+){0,4}?(pledges?|actions?|commitments?|submissions?|projects?|initiatives?|programmes?|"
    r"programs?|cities|municipalities|organi[sz]ations|governments|submitters|countries|ones)\b|"
    r"(?:number|count) of\s+(?:\S+\s+){0,3}?(pledges?|actions?|commitments?|submissions?)\b|"
    r"cu[aá]nt[oa]s\s+(?:\S+\s+){0,3}?(promesas|compromisos|acciones|ciudades)|combien\s+(?:de |d')\s*(?:\S+\s+){0,3}?"
    r"(engagements|promesses|actions|villes)|quant[oa]s\s+(?:\S+\s+){0,3}?(compromissos|promessas|a[cç][oõ]es|cidades)"
)


def _counts_records(folded: str) -> bool:
    """Whether a counting question counts pledges (or their submitters) rather than a figure in the report."""
    if _RECORD_NOUNS.search(folded):
        return True
    # "how many of the 2023 Latin American pledges are mirror pledges", "of the greek pledges, how many are …"
    m = re.search(r"\bhow many\s+(\w+)", folded)
    return bool(
        m
        and m.group(1) in ("of", "are", "were", "is", "have", "did", "do", "does", "among")
        and re.search(r"\b(pledges?|actions?|submissions?|commitments?|projects?)\b", folded)
    )


_JOINT = re.compile(
    r"\b(joint(?:ly)?[- ](?:pledges?|actions?|projects?|submissions?|submitted|made|pledged)|(?:made|pledged|submitted) "
    r"jointly|city[- ]to[- ]city|twin(?:ned|ning)? cities|(?:partnerships?|pairs?) (?:of|between) (?:two )?cities|"
    r"two cities (?:together|jointly)|cities (?:that )?(?:pledged|partnered|teamed up) together)"
    r"(?:\s+(?:by|between|of) (?:two|2) (?:cities|partners|places|local governments))?\b"
)
# "Which pledges don't have an end date?"
_OPEN_ENDED = re.compile(
    r"\b(?:(?:no|without an?|don'?t have an?|do not have an?|lack an?|missing an?) end(?:ing)? (?:date|year)|ongoing|open[- ]ended)\b"
)
_MAYORS = re.compile(
    r"\bmayors?\b(?=\s+(?:\w+\s+)?(?:doing|do|done|pledg\w*|commit\w*|promis\w*|working|plann\w*|offer\w*|help\w*|"
    r"support\w*|run\w*|provid\w*))",
    re.I,
)
_PRIORITY = re.compile(r"\bpriority\s*(?:#|no\.?|number)?\s*([1-8])\b", re.I)


@dataclass(frozen=True)
class Query:
    """A question as understood: its text for search, its filters, intent and anything to tell the user."""

    question: str
    search_text: str  # places and submitters taken out (they are filters), glossary expansions added
    filters: Filters
    intent: str = "search"  # search | count | list | compare | report
    language: str = "en"
    anchors: tuple[str, ...] = ()  # compare: the submitters the user wants comparisons with

    @property
    def anchor(self) -> str | None:
        return self.anchors[0] if self.anchors else None

    unknown_place: str | None = None
    start_year: int | None = None
    started_by: int | None = None  # started in this year or earlier ("go back to 2019 or earlier")
    end_year: int | None = None
    gcf_only: bool = False
    joint_only: bool = False  # pledges made together by two places ("city-to-city partnerships")
    open_ended: bool = False  # pledges with no end date ("ongoing")
    terms: tuple[str, ...] = ()
    full_text: str = ""  # the whole question with the expansions: report facts are about the names too
    topic: str = ""  # what is left of the question once filters and question words are taken out
    notes: tuple[str, ...] = field(default_factory=tuple)

    def inferred(self) -> dict:
        """The filters the question implied, for display."""
        out = self.filters.to_dict()
        if self.start_year:
            out["start_year"] = self.start_year
        if self.started_by:
            out["started_by"] = self.started_by
        if self.end_year:
            out["end_year"] = self.end_year
        if self.gcf_only:
            out["gcf_supported"] = True
        if self.joint_only:
            out["joint"] = True
        if self.open_ended:
            out["no_end_date"] = True
        return out


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


def detect_language(text: str) -> str:
    """en, es, fr or pt, by counting each language's common words (accents count toward es/pt/fr)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _LANG_WORDS.items()}
    if re.search(r"[¿¡ñ]", text):
        scores["es"] += 2
    if re.search(r"[ãõç]", text):
        scores["pt"] += 2
    if re.search(r"[èêàù]|\bqu'", text):
        scores["fr"] += 2
    best = max(scores, key=lambda k: (scores[k], k == "en"))
    return best if scores[best] > scores["en"] else "en"


_CONTRAST = re.compile(r"(?:\b(?:rather than|instead of|as opposed to|other than)|(?:,|\band)\s+not)\b[^,;.?!]*", re.I)


def _alternation(keys) -> re.Pattern:
    """One regex matching any of `keys` as whole words, longest first (so "salt lake county" beats "salt lake")."""
    ordered = sorted(set(keys), key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ordered)) + r")(?![\w-])")


def _blank(text: str, m: re.Match) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]


class Understander:
    """Turns questions into Query objects using the gazetteer, the glossary and the corpus vocabulary."""

    def __init__(self, gazetteer: Gazetteer, vocabulary: set[str], glossary: tuple[Term, ...] | None = None) -> None:
        self.gaz = gazetteer
        self.vocabulary = vocabulary
        self.glossary = glossary if glossary is not None else load_glossary()
        self._submitter_rx = _alternation(k for k in gazetteer.submitter_keys if len(k) >= 3)
        self._subregion_rx = _alternation(gazetteer.subregion_keys)
        self._area_keys = gazetteer.area_keys
        self._area_rx = _alternation(self._area_keys)
        # "Global" and "Europe" name organizations' pseudo-places; in questions "global" is an adjective
        # ("Global Cities Fund"), so it is never read as a place.
        self._region_rx = _alternation(k for k in gazetteer.region_keys if k != "global")
        # the pseudo-country of worldwide organizations: "international", "worldwide" are not places in a question
        self._country_rx = _alternation(
            k for k, v in gazetteer.country_keys.items() if len(k) > 3 and v != "Global" and k != "global"
        )
        short = sorted({k.upper() for k in gazetteer.country_keys if len(k) <= 3}, key=len, reverse=True)
        self._country_short_rx = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, short)) + r")(?![\w-])")
        self._term_keys: dict[str, Term] = {}
        for t in self.glossary:
            for k in (t.term, *t.variants):
                self._term_keys.setdefault(fold(k).replace("-", " "), t)
        self._term_rx = _alternation(self._term_keys)
        # Typos are matched against names, not demonyms: "portugues" (the language) is not a misspelt place.
        self._fuzzy_names = {k: v for k, v in gazetteer.submitter_keys.items() if len(k) >= 5} | {
            fold(c.name): c.name for c in gazetteer.countries.values() if len(c.name) >= 5 and c.name != "Global"
        }

    def understand(self, question: str, explicit: Filters | None = None) -> Query:
        """Read filters, intent and terms from `question`; `explicit` filters win over inferred ones."""
        text = validate(question)
        folded = fold(text)
        language = detect_language(text)
        notes: list[str] = []

        intent = "search"
        if _COMPARE.search(text) and self._submitter_rx.search(folded):
            intent = "compare"
        elif _REPORT_FIRST.search(text):
            intent = "report"
        elif _COUNT.search(text):
            intent = "count" if _counts_records(folded) else "report"
            if intent == "report" and re.match(r"\s*(?:which|who)\b", folded):
                intent = "list"  # "which cities collect numbers on refugees - how many there are …" asks who
        elif _REPORT.search(text):
            intent = "report"
        elif _LIST.search(text):
            intent = "list"

        submitters: list[str] = []
        countries: list[str] = []
        regions: list[str] = []
        label = None
        # "from cities rather than networks": what is set aside is neither searched for nor filtered on
        masked = kept = _CONTRAST.sub(lambda m: " " * len(m.group(0)), folded)

        # Submitters named in the question (longest alias first).
        for m in list(self._submitter_rx.finditer(masked)):
            name = self.gaz.submitter_keys[m.group(1)]
            if name not in submitters:
                submitters.append(name)
                label = label or name
            masked = _blank(masked, m)

        # States and provinces ("cities in Texas"): the submitters inside them.
        for m in list(self._area_rx.finditer(masked)):
            area = self._area_keys[m.group(1)]
            submitters.extend(n for n in self.gaz.areas[area] if n not in submitters)
            label = label or area
            masked = _blank(masked, m)

        # Subregions, regions, countries and demonyms.
        empty_place = None
        for m in list(self._subregion_rx.finditer(masked)):
            name = self.gaz.subregion_keys[m.group(1)]
            countries.extend(c for c in self.gaz.subregions[name] if c not in countries)
            label = label or name
            if not self.gaz.subregions[name]:
                empty_place = empty_place or name  # "Scandinavia": a place the report has no country in
            masked = _blank(masked, m)
        for m in list(self._region_rx.finditer(masked)):
            regions.append(self.gaz.region_keys[m.group(1)])
            label = label or self.gaz.region_keys[m.group(1)]
            masked = _blank(masked, m)
        population: list[str] = []
        found = [(m, m.group(1)) for m in self._country_rx.finditer(masked)]
        found += [(m, fold(m.group(1))) for m in self._country_short_rx.finditer(text)]
        for m, key in found:
            name = self.gaz.country_keys[key]
            before = masked[max(0, m.start() - 25) : m.start()]
            after = masked[m.end() : m.end() + 30]
            demonym = fold(name) != key and not key.startswith("the ")
            plural = demonym and key.endswith("s") and not fold(name).endswith("s")
            origin = re.search(rf"\b{_POPULATION_NOUN}\s+(?:from|fleeing|de|du|des|da|do)\s+(?:the\s+)?$", before)
            if origin or (
                demonym
                and (
                    plural
                    or re.match(rf"\s+(?:\w+\s+)?{_POPULATION_NOUN}\b", after)
                    or re.search(rf"\b{_POPULATION_NOUN_XX}\s+$", before)
                )
            ):
                population.append(name)
                continue  # "Ukrainian refugees", "refugees from Ukraine": who is helped, not where the pledge is
            if name not in countries:
                countries.append(name)
                label = label or name
            if len(key) > 3:
                masked = _blank(masked, m)

        if submitters and countries:
            # "Brasov welcome centre for Ukrainians" names Brașov; a country that is not Brașov's is context.
            own = {c for s in submitters for c in self.gaz.submitters[s].countries}
            population += [c for c in countries if c not in own]
            countries = [c for c in countries if c in own]

        unknown = empty_place if not (submitters or countries or regions) else None
        if not (submitters or countries or regions or empty_place):
            unknown, typo = self._unknown_name(text)
            if typo:
                kind, name = typo
                (submitters if kind == "submitter" else countries).append(name)
                label = name
                notes.append(f"Read “{unknown}” as {name}.")
                unknown = None
        elif (countries or regions) and not submitters:
            # "is chisinau doing anything … moldova": the town asked about is not the country named with it
            name, typo = self._unknown_name(text)
            # words already read as the named place ("Afrique du Nord") are not another place
            taken = "".join(f if m == " " else " " for f, m in zip(folded, masked, strict=False))
            unknown = name if name and not typo and not set(fold(name).split()) & set(taken.split()) else None

        anchors: tuple[str, ...] = ()
        if intent == "compare" and submitters:
            # every submitter named is a reference point ("like Tyre and Zürich's"), not a filter
            anchors, submitters = tuple(submitters), []
            label = None

        year = None
        start_year = end_year = None
        if m := _END_YEAR.search(text):
            end_year = int(m.group(1))
        if m := _START_YEAR.search(text):
            start_year = int(m.group(1))
            if end_year == start_year:
                end_year = None  # "go back to 2019": the "to 2019" is where it began, not where it ends
        started_by = None
        if (m := _OR_EARLIER.search(text)) and (start_year or re.search(r"\b(?:start|began|begin|back)", text, re.I)):
            bound = int(m.group(1) or m.group(2))
            started_by = bound - (0 if m.group(1) else 1)
            start_year = None
        else:
            bound = None
        ys = [int(y) for y in _YEAR.findall(text) if int(y) not in (start_year, end_year, bound)]
        if re.search(r"\bthis year'?s?\b", folded) and not ys:
            ys = [2023]  # the report's year: "this year's pledges" are the 2023 submissions
        if len(set(ys)) == 1:
            year = ys[0]

        types: list[str] = []
        if re.search(r"\bmirror\b|\bespejo\b|\bmiroir\b|\bespelho\b", folded):
            types.append("Mirror")
        if re.search(r"\bgcm[- ]?only\b|\bonly (?:to )?(?:the )?gcm\b|\bsolo gcm\b", folded):
            types.append("GCM only")
        if re.search(r"\bgcr[- ]?only\b|\bonly (?:to )?(?:the )?gcr\b|\bsolo gcr\b", folded):
            types.append("GCR only")
        if re.search(r"\bidp[- ]?(?:only )?pledges?\b|\btype idp\b|\bidp type\b", folded):
            types.append("IDP")

        kinds: list[str] = []
        if re.search(r"\b(organi[sz]ations?|networks?|ngos?|city networks|organismos|organisations)\b", kept):
            kinds.append("organization")
        if re.search(
            r"\b(provinces?|counties|county governments|states and provinces|regional governments|districts)\b",
            kept,
        ):
            kinds.append("region")
        if re.search(r"\bnational governments?\b|\bstates? \(national\)|\bgovernments? of (?:a )?countr", kept):
            kinds.append("national government")
        if re.search(r"\brather than cities\b|\bnot cities\b|\bother than cities\b", folded) and not kinds:
            kinds = ["organization", "region", "national government"]
        elif re.search(
            r"\b(cities|municipalities|towns) (?:and|or|&) |\b(?:and|or|&) (?:cities|municipalities|towns)\b", kept
        ):
            kinds = []  # "cities and counties", "cities and associations": everyone

        priority = None
        if m := _PRIORITY.search(text):
            priority = int(m.group(1))

        gcf_only = bool(
            re.search(r"\b(gcf|global cities fund)\b", folded)
            and (
                re.search(
                    r"\b(support|supports|supported|fund|funds|funded|financ\w*|back|backs|backed|grants?|money)\b",
                    re.sub(r"global cities fund", "", folded),
                )
                # "Global Cities Fund projects", "GCF grantees": the pledges it funds
                or re.search(
                    r"\b(?:gcf|global cities fund)(?:['’]s)?\s+(?:projects?|pledges?|grantees?|actions?|cities)\b",
                    folded,
                )
            )
            and intent != "report"
        )
        open_ended = bool(_OPEN_ENDED.search(masked))
        masked = _OPEN_ENDED.sub(lambda m: " " * len(m.group(0)), masked)  # a filter, not a topic
        joint_only = bool(_JOINT.search(masked))
        masked = _JOINT.sub(lambda m: " " * len(m.group(0)), masked)  # a filter, like a place: not a topic

        # Glossary: expand the report's terms; a term may also set a filter.
        expansions: list[str] = []
        terms: list[str] = []
        for m in self._term_rx.finditer(folded.replace("-", " ")):
            t = self._term_keys[m.group(1)]
            if t.term not in terms:
                expansions.append(t.expand)
                terms.append(t.term)
        # With a place filter the place is handled by the filter; searching without it keeps the
        # similarity about the topic ("weather in Paris" must not match Paris' pledge by its name).
        base_text = re.sub(r"\s+", " ", masked).strip() if masked != folded else text
        expansions += [
            f"{c} {self.gaz.countries[c].aliases[0] if self.gaz.countries[c].aliases else ''}".strip()
            for c in population
        ]
        # "what are mayors doing for …" asks about cities; the English model reads "mayors" as the topic
        base_text = _MAYORS.sub(lambda m: "city" if m.group(0).lower() == "mayor" else "cities", base_text)
        search_text = base_text if not expansions else f"{base_text} ({'; '.join(expansions)})"
        kept_text = re.sub(r"\s+", " ", _CONTRAST.sub(" ", text)).strip()
        full_text = kept_text if not expansions else f"{kept_text} ({'; '.join(expansions)})"

        filters = Filters(
            countries=tuple(countries),
            regions=tuple(regions),
            submitters=tuple(submitters),
            year=year,
            pledge_types=tuple(dict.fromkeys(types)),
            kinds=tuple(dict.fromkeys(kinds)),
            priority=priority,
            place_label=label,
        )
        if explicit is not None and not explicit.is_empty():
            filters = filters.merged(explicit)
        topic = _topic(masked)
        return Query(
            question=text,
            search_text=search_text,
            filters=filters,
            intent=intent,
            language=language,
            anchors=anchors,
            unknown_place=unknown,
            start_year=start_year,
            started_by=started_by,
            end_year=end_year,
            gcf_only=gcf_only,
            joint_only=joint_only,
            open_ended=open_ended,
            terms=tuple(terms),
            full_text=full_text,
            topic=topic,
            notes=tuple(notes),
        )

    def _known(self, word: str) -> bool:
        """A word the report (or the glossary) uses, in every hyphen- or apostrophe-separated part."""
        parts = re.findall(r"\w+", fold(word))
        return bool(parts) and all(p in self.vocabulary or p in _QUESTION_WORDS or p in self._term_keys for p in parts)

    def _unknown_name(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        """A capitalised name the report never uses (-> unknown), or a near-miss spelling of a known one."""
        tokens = list(re.finditer(r"\b[A-ZÀ-Ý][\w'’\-]+(?:\s+[A-ZÀ-Ý][\w'’\-]+)*", text))
        for m in tokens:
            phrase = re.sub(r"['’]s$", "", m.group(0))
            words = phrase.split()
            at_start = not text[: m.start()].strip(" ¿¡\"'“(")
            cand = " ".join(w for w in words if fold(w) not in _QUESTION_WORDS) if at_start else phrase
            if fold(cand) in _QUESTION_WORDS:
                continue
            if not cand:
                continue
            key = fold(cand)
            if key in self.gaz.country_keys:
                continue  # "Syrian refugees": a demonym read as who is helped, not a misspelt "Syria"
            best = process.extractOne(key, list(self._fuzzy_names), scorer=fuzz.ratio, score_cutoff=84)
            if best and len(key) >= 4:
                name = self._fuzzy_names[best[0]]
                kind = "submitter" if name in self.gaz.submitters else "country"
                return cand, (kind, name)
            start = text.find(cand, m.start())
            if (
                all(not self._known(w) for w in cand.split())
                and len(key) >= 3
                and _place_cue(text, start, start + len(cand))
            ):
                return cand, None
            if len(key) >= 3 and key not in self._term_keys and _pledge_cue(text, start, start + len(cand)):
                return cand, None  # "What has Daejeon pledged?": named in the narrative, but no pledge of its own
        words = re.findall(r"[a-zà-ÿ][\w\-]*", fold(text))
        pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        for word in [*pairs, *(w for w in words if len(w) >= 5)]:
            if all(w in self.vocabulary or w in _QUESTION_WORDS for w in word.split()):
                continue
            best = process.extractOne(word, list(self._fuzzy_names), scorer=fuzz.ratio, score_cutoff=80)
            # 86 in general; down to 80 for a submitter whose start agrees ("maipo", "guayakil", "quilmez") —
            # not for countries, whose foreign demonyms come that close ("ukrainiens")
            close = best and best[0][:2] == word[:2] and self._fuzzy_names[best[0]] in self.gaz.submitters
            if best and (best[1] >= 86 or close):
                name = self._fuzzy_names[best[0]]
                return word, ("submitter" if name in self.gaz.submitters else "country", name)
        # Typed in lower case ("is chisinau doing anything?"), a name is known only by where it stands.
        for m in _LOWER_PLACE_SLOT.finditer(fold(text)):
            word = m.group("name") or m.group("name2")
            if len(word) >= 4 and not self._known(word) and word not in _NOT_PLACES:
                return word.title(), None
        return None, None


_QUESTION_WORDS = set(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "why",
        "how",
        "is",
        "are",
        "was",
        "were",
        "did",
        "does",
        "do",
        "can",
        "could",
        "should",
        "would",
        "will",
        "tell",
        "show",
        "list",
        "name",
        "give",
        "find",
        "any",
        "all",
        "the",
        "a",
        "an",
        "and",
        "or",
        "in",
        "on",
        "of",
        "for",
        "from",
        "to",
        "with",
        "about",
        "me",
        "please",
        "i",
        "we",
        "our",
        "my",
        "has",
        "have",
        "had",
        "pledge",
        "pledges",
        "pledged",
        "cities",
        "city",
        "town",
        "towns",
        "municipality",
        "municipalities",
        "mayor",
        "mayors",
        "report",
        "qué",
        "que",
        "cuáles",
        "cuál",
        "cuántos",
        "cuántas",
        "dónde",
        "quelles",
        "quels",
        "quelle",
        "quel",
        "combien",
        "où",
        "quais",
        "qual",
        "quantos",
        "quantas",
        "onde",
        "hay",
        "hello",
        "hi",
        "thanks",
        "thank",
        "ok",
        "okay",
    ]
)


_CUE_BEFORE = re.compile(
    r"\b(from|in|of|by|at|for|did|does|do|has|have|had|is|about|city of|town of|municipality of|mayor of|de|du|en|em|da|do)\s+$",
    re.I,
)
_CUE_AFTER = re.compile(
    r"^(['’]s\b|\s+(pledge\w*|commit\w*|do\b|doing|promis\w*|plan\w*|city\b|council|municipality))", re.I
)


# Where a lower-case word can only be a place: "is X doing", "what has X pledged", "pledges from X", "X's pledges".
_LOWER_PLACE_SLOT = re.compile(
    r"(?:^|[.?!]\s*)(?:what|how)?\s*(?:is|has|have|did|does|are)\s+(?P<name>[a-z][a-z\-]+)\s+"
    r"(?:doing|done|pledg\w*|commit\w*|promis\w*|plann\w*|work\w*)\b|"
    r"\b(?:pledges?|actions?|projects?|anything|something|commitments?)\s+(?:from|in|by)\s+(?P<name2>[a-z][a-z\-]+)\s*[?.!]*\s*$"
)
_NOT_PLACES = {
    "everyone",
    "everybody",
    "anyone",
    "anybody",
    "someone",
    "somebody",
    "nobody",
    "there",
    "here",
    "that",
    "this",
}


_PLEDGE_BEFORE = re.compile(r"\b(?:pledges?|commitments?|actions?|submissions?) (?:from|by|of)\s+(?:the )?$", re.I)
_PLEDGE_AFTER = re.compile(
    r"^(?:['’]s (?:pledges?|commitments?)\b|\s+(?:(?:has|have|had) )?(?:pledged|committed|promised|submitted)\b)", re.I
)


def _pledge_cue(text: str, start: int, end: int) -> bool:
    """Whether a name stands where only a submitter can ("did Daejeon pledge", "pledges from Daejeon")."""
    did = re.search(r"\b(?:did|does|do|will)\s+$", text[:start], re.I) and re.match(
        r"\s+(?:pledge|commit|promise|submit)\b", text[end:], re.I
    )
    return bool(_PLEDGE_BEFORE.search(text[:start]) or _PLEDGE_AFTER.search(text[end:]) or did)


def _place_cue(text: str, start: int, end: int) -> bool:
    """Whether an unknown capitalised name stands where a place stands ("from Oslo", "Oslo's", "did Oslo
    pledge"), so a sentence-initial "According" or "Tell" is not taken for a place."""
    return bool(_CUE_BEFORE.search(text[:start]) or _CUE_AFTER.search(text[end:]))


def _topic(masked: str) -> str:
    words = [w for w in re.findall(r"[\w\-]+", masked) if w not in _QUESTION_WORDS and not w.isdigit()]
    return " ".join(words)


def with_history(query: Query, previous: Query | None) -> Query:
    """A follow-up ("and in Latin America?") keeps the previous topic and intent, changing what it names."""
    if previous is None:
        return query
    short = len(query.topic.split()) <= 2 and re.match(r"^\s*(and|what about|how about|y|et|e)\b", query.question, re.I)
    if not short:
        return query
    filters = query.filters if query.filters.has_place() or query.filters.year else previous.filters
    if query.filters.has_place():
        filters = replace(
            previous.filters,
            countries=query.filters.countries,
            regions=query.filters.regions,
            submitters=query.filters.submitters,
            place_label=query.filters.place_label,
        )
    if query.filters.year:
        filters = replace(filters, year=query.filters.year)
    return replace(
        query,
        search_text=f"{previous.search_text} {query.question}",
        filters=filters,
        intent=previous.intent if previous.intent != "compare" else "search",
        topic=previous.topic,
        terms=previous.terms,
    )
