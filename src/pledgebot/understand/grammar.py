"""General grammar: the few sentence shapes read by rule — dates, "rather than X", "how many X", "mention X".

Each rule is about how English (and Spanish, French, Portuguese) says a kind of thing, never about one
question. Everything a rule reads is returned with its character span, so the words leave the topic.
Rules work on the folded question (`text.fold`), whose offsets equal the typed question's for the Latin
scripts PledgeBot reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..filters import YearRange
from ..text import fold

Span = tuple[int, int]

_YEAR = r"((?:19|20)\d\d)"


def _month_names(months: frozenset[str]) -> str:
    return "|".join(map(re.escape, sorted(months, key=len, reverse=True)))


def _month(months: frozenset[str]) -> str:
    ordered = sorted(months, key=len, reverse=True)
    return r"(?:(?:" + "|".join(map(re.escape, ordered)) + r")\.?\s+)?"


# "from cities rather than networks": what follows is set aside, neither searched for nor filtered on, up to the
# clause's end: punctuation, a colon or a spaced dash ("Not counting cities - how many by networks?" asks about
# networks; the words after the dash are not set aside with the cities)
_SET_ASIDE = re.compile(
    r"(?:\b(?:rather than|instead of|as opposed to|other than|excluding|except(?: for)?|but not|apart from|aside from|"
    r"besides|leav(?:e|ing) out|leaving aside|setting aside|omit(?:ting)?|not counting|not including|without counting|"
    r"(?:do|does)\s*(?:not|n't|n’t)\s+(?:count|want|mean)|"
    r"no incluye|en lugar de|plut[oô]t que|au lieu de|em vez de|ao inv[eé]s de|aparte de|adem[aá]s de|excepto|"
    r"sauf|hormis|en dehors de|exceto|al[eé]m de)|(?:(?:,|\band|\bso|\s[-–—])\s+|\(\s*)not)\b(?!\s+(?:only|just|merely|simply|solely)\b)"
    r"(?:(?!\s[-–—]\s)[^,;:.?!()])*"
    # "Not arrivals - I mean people coming back": a sentence that opens by saying what is not meant, up to the dash
    r"|(?:^|(?<=[.?!]\s))not\s+(?!only\b|just\b|sure\b)[^,;.?!()–—-]*(?=\s[-–—]\s)"
)


# a clause that opens with one of these asks something
ASKS = re.compile(
    r"(?:who|whom|whose|what|which|where|when|why|how|is|are|was|were|do|does|did|can|could|has|have|any)\b",
    re.I,
)

# one more item of a list the clause names: ", region or national government" after "rather than a city"
_LIST_ITEM = re.compile(r",\s*([^,;:.?!()]*)")
_JOINED = re.compile(r"\b(?:or|and|nor)\b")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")


def set_aside(folded: str) -> list[Span]:
    """Spans of "rather than …" clauses, with the rest of a list they open ("rather than a city, region or
    national government"): items of a few words after a comma, up to the one joined by "or"/"and"."""
    spans = []
    for m in _SET_ASIDE.finditer(folded):
        end = m.end()
        while (item := _LIST_ITEM.match(folded, end)) is not None:
            words = item.group(1).split()
            if not words or len(words) > 5 or ASKS.match(item.group(1)):
                break
            joined = bool(_JOINED.search(item.group(1)))
            if not joined and not folded.startswith(",", item.end()):
                break
            end = item.end()
            if joined:
                break
        if paren := _PARENTHESIS.match(folded, end):
            end = paren.end()  # "rather than a government (city, regional or national)": what is set aside, spelt out
        spans.append((m.start(), end))
    return spans


# "GCR-only pledges - those that serve refugees alone -": a clause that says what the words before it mean
_GLOSS = re.compile(
    r"(?:\s[-–—]\s*|\(\s*|,\s*)(?:i\.?e\.?,?|that is,?|meaning|namely|(?:the ones?|those) (?:that|which|who|with))\s"
    r"(?:(?!\s[-–—]\s)[^;.?!()])*"
)


def glosses(folded: str) -> list[Span]:
    """Spans of clauses that explain the words before them ("… - the ones that …", "…, i.e. …")."""
    return [m.span() for m in _GLOSS.finditer(folded)]


# "from the US, organizations included", "including counties", "counting networks", "not just cities", "count
# organisations too": these are in the answer, not all of it; a place or kind named there widens nothing and
# narrows nothing (a topic word there stays a topic word). A short clause that ends "too" / "as well" adds to what the sentence before it asked
# ("How many from Kenya? Count networks too"); a longer one is a question of its own.
_INCLUDED = re.compile(
    r"\b(?:including|(?<!not )counting|inclusive of|incl\.?|incluyendo|incluindo|y compris|"
    r"not (?:only|just|merely|simply|solely))\s+[^,;.?!()]*|"
    r"(?<=[,;(])[^,;.?!()]*?\s(?:included|inclusive|incluidas|incluidos|incluídas|incluídos|inclus|incluses|comprises?)\b|"
    r"(?:(?<=[,;(])\s*|(?<=[.?!]\s))(?:[^\s,;.?!()]+\s+){0,2}[^\s,;.?!()]+\s+(?:too|as well|tambi[eé]n|aussi|tamb[eé]m)\b|"
    # a sentence or clause that tells what to include ("Include the national network.", "… - add the
    # counties", "… - count the national network too"), or that says something counts ("The national network
    # counts.")
    r"(?:^|(?<=[.?!:;]\s)|(?<=\s[-–—]\s))(?:please\s+|and\s+|also\s+)*"
    r"(?:(?:include|add)\s+[^,;.?!()]*|count\s+[^,;.?!()]*?\s(?:too|as well)\b)|"
    r"(?<=[.?!]\s)(?:[^\s,;.?!()]+\s+){0,3}counts(?=\s*(?:[.!]|$))"
)


def included(folded: str) -> list[Span]:
    """Spans of "including …" and "… included" phrases."""
    return [m.span() for m in _INCLUDED.finditer(folded)]


@dataclass(frozen=True)
class Dates:
    """What a question says about when pledges start and end, and the words that said it."""

    start: YearRange | None = None
    end: YearRange | None = None
    spans: tuple[Span, ...] = ()
    start_month: str | None = None  # the month word, when the start is said to the month


_END_CUE = (
    r"(?:until|till|til|through|thru|to|ending(?: in)?|end(?:s|ing)?(?: in)?|set to end(?: in)?|runs?(?: until| to)?|"
    r"finish(?:es|ing)?(?: in)?|conclud(?:e|es|ing)(?: in)?|complet(?:e|ed|es)(?: in)?|"
    r"due(?: to (?:finish|end|close|wrap up))?(?: in)?|wrap(?:s|ping)? up(?: in)?|expir(?:e|es|ing)(?: in)?|"
    r"over in|hasta|jusqu'en|jusqu'a|at[eé]|"
    # the date as a noun: "an end date of 2028", "completion year of 2026"
    r"(?:end(?:ing)?|completion|finish|closing)\s+(?:date|year)(?:\s+(?:in|of|is|set for|set to))?)"
)
_END_BY = r"(?:by|no later than|before the end of|antes de)"
_LASTING = (
    r"(?:run|runs|running|last|lasts|lasting|go on|continue|continues|continuing|end|ends|ending|planned|extend|"
    r"extends|(?:end|ending|completion|finish|closing)\s+(?:date|year))"
)
_START_CUE = (
    r"(?:since|started(?: back)?(?: in)?|starting(?: in)?|starts?(?: in)?|began(?: back)?(?: in)?|begin(?:s|ning)?(?: in)?|"
    r"launched(?: in)?|kick(?:ed|s)? off(?: in)?|(?:go(?:es)?|going|date[sd]?|dating) back to|running since|"
    r"desde|depuis|comenz[oó](?: en)?|commenc[eé](?: en)?|come[cç]ou(?: em)?|"
    r"(?:start(?:ing)?|launch|beginning)\s+(?:date|year)(?:\s+(?:in|of|is))?)"
)
# after a year, the bound left open: "2027 or later", "2024 onwards", "2019 or earlier"
_OPEN = r"(?:\s*,?\s*(?:or|and)\s+(later|after|beyond|afterwards|earlier|before|sooner)\b|\s+(onwards?)\b)?"


def _range(year: int, *open_words: str | None) -> YearRange:
    """The year alone, or the range its open bound says ("or later": from it on; "or earlier": up to it)."""
    word = next((w for w in open_words if w), None)
    if word is None:
        return YearRange(year, year)
    return YearRange(None, year) if word in ("earlier", "before", "sooner") else YearRange(year, None)


def dates(folded: str, months: frozenset[str]) -> Dates:
    """Start and end constraints ("started back in 2022", "ending by 2025", "2019 or earlier")."""
    month = _month(months)
    spans: list[Span] = []
    start = end = None
    bounds = re.compile(
        rf"\b{_START_CUE}\s+(?:in\s+)?{month}{_YEAR}\s+or\s+(earlier|before|later|after)\b|"
        rf"\b(?:started|starting|began|begun|start|running|operating|in place|underway|existed|existing)\s+"
        rf"(?:already\s+)?(before|after|prior to)\s+{month}{_YEAR}\b"
    )
    for m in bounds.finditer(folded):
        if m.group(1):
            year, word = int(m.group(1)), m.group(2)
            start = YearRange(None, year) if word in ("earlier", "before") else YearRange(year, None)
        else:
            year, word = int(m.group(4)), m.group(3)
            start = YearRange(year + 1, None) if word == "after" else YearRange(None, year - 1)
        spans.append(m.span())
    # "not starting until 2026 or later", "won't begin before 2025": starts in that year or later
    later = (
        rf"\b(?:do|does|did|will|wo|ca)\s*(?:not|n't|n’t)\s+(?:\w+ly\s+|even\s+)?(?:start|begin|kick off)\s+"
        rf"(?:until|before)\s+{month}{_YEAR}\b(?:\s+or\s+later)?"
    )  # an adverb may stand between: "won't really begin before 2026"
    for m in re.finditer(later, folded):
        start = YearRange(int(m.group(1)), None)
        spans.append(m.span())
    month_word = None
    for m in re.finditer(rf"\b{_START_CUE}\s+(?:in\s+)?({_month_names(months)})?\.?\s*{_YEAR}\b{_OPEN}", folded):
        if not _inside(m.span(), spans):
            start = start or _range(int(m.group(2)), m.group(3), m.group(4))
            month_word = month_word or m.group(1)
            spans.append(m.span())
    for m in re.finditer(rf"\b(?:{_END_BY})\s+(?:the end of\s+)?{month}{_YEAR}\b", folded):
        end = YearRange(None, int(m.group(1)))
        spans.append(m.span())
    for m in re.finditer(rf"\b{_LASTING}\s+(?:beyond|after|past|longer than|later than)\s+{month}{_YEAR}\b", folded):
        end = YearRange(int(m.group(1)) + 1, None)  # "run beyond 2027": ends in 2028 or later
        spans.append(m.span())
    for m in re.finditer(rf"\b{_END_CUE}\s+(?:the end of\s+)?{month}{_YEAR}\b{_OPEN}", folded):
        if not _inside(m.span(), spans):
            end = end or _range(int(m.group(1)), m.group(2), m.group(3))
            spans.append(m.span())
    # a month standing beside a year is part of a date, never a place ("in March 2024")
    spans += [m.span() for m in re.finditer(rf"\b{month}{_YEAR}\b", folded) if m.group(0)[:1].isalpha()]
    return Dates(start, end, tuple(spans), month_word)


def report_years(folded: str, taken: list[Span], years: tuple[int, ...]) -> tuple[list[int], list[Span]]:
    """Report years named outside any date phrase ("the 2022 actions", "in 2023")."""
    found, spans = [], []
    for m in re.finditer(r"\b(\d{4})\b", folded):
        if int(m.group(1)) in years and not _inside(m.span(), taken):
            found.append(int(m.group(1)))
            spans.append(m.span())
    return found, spans


_PRIORITY = re.compile(r"\bpriorit(?:y|ies|e|é|ad|idade)\s*(?:#|no\.?|number|n[°º]\.?)?\s*([1-8])\b")


def priority(folded: str) -> tuple[int | None, list[Span]]:
    m = _PRIORITY.search(folded)
    return (int(m.group(1)), [m.span()]) if m else (None, [])


_SEVERAL = re.compile(
    r"\b(?:more than (?:one|1)|several|multiple|two or more|2 or more|at least (two|three|2|3)|"
    r"m[aá]s de una?|plus d'une?|mais de uma?)\s+(?:\w+\s+)?"
    r"(?:pledges?|actions?|commitments?|submissions?|projects?|compromisos|engagements|compromissos)\b"
)


def several_per_submitter(folded: str) -> tuple[int | None, list[Span]]:
    """ "cities with more than one pledge": a threshold on pledges per submitter."""
    m = _SEVERAL.search(folded)
    if not m:
        return None, []
    n = {"three": 3, "3": 3}.get(m.group(1) or "", 2)
    return n, [m.span()]


_HOW_MANY = re.compile(
    r"\b(?:how many|number of|count of|cu[aá]nt[oa]s|combien(?: de| d')?|quant[oa]s|total(?: number)? of)\s+"
    r"(?:(?:different|distinct|separate|unique|individual|of the|diferentes|distintos|diff[eé]rents)\s+)?((?:\S+\s+){0,2}\S+)"
)


def count_unit(folded: str, units: dict[str, str]) -> str | None:
    """What a "how many …" counts, when it is not pledges ("how many countries …")."""
    m = _HOW_MANY.search(folded)
    if not m:
        return None
    head = m.group(1).split()
    for n in range(len(head), 0, -1):
        if (key := " ".join(head[:n]).strip("?.,!")) in units:
            return units[key]
    return None


def records_subject_at(folded: str, record_nouns: frozenset[str]) -> tuple[int, ...]:
    """Where the subject may start of a "how many <records> did <subject> …" question ("… distinct commitments
    has the Municipality of Quilmes lodged": at "Municipality" or at "Quilmes"): a count of the records someone
    made; () for other shapes ("… actions was the plan to include")."""
    nouns = "|".join(sorted(map(re.escape, record_nouns)))
    m = re.search(
        rf"\b(?:how many|number of)\s+(?:[\w-]+\s+){{0,3}}?(?:{nouns})\s+(?:did|does|do|has|have|had|will|would)\s+"
        r"(?:the\s+)?(?P<of>[a-z]+\s+of\s+(?:the\s+)?)?",
        folded,
    )
    if not m or not nouns:
        return ()
    return (m.start("of"), m.end()) if m.group("of") else (m.end(),)


_NUMBER_ASKED = re.compile(
    r"\b(how many|how much|what share|percentages?|proportions?|ratios?|what fraction|how large|how big|how long|rate|"
    r"number of|percent|per ?cent|target|goal|figure|amount|budget(?:s|ed|ing)?|cost|costs|costing|how expensive|population|size|"
    r"stats?|statistics?|(?:what|which) numbers?|death toll|cu[aá]nt[oa]s?|combien|"
    r"quant[oa]s?|porcentaje|pourcentage|porcentagem)\b|%"
)


def wants_number(folded: str) -> bool:
    return bool(_NUMBER_ASKED.search(folded))


# "how many signatures has …", "how many hours is the course": one noun, then the verb that asks about it
_COUNTED_NOUN = re.compile(
    r"\bhow many\s+(?:of\s+(?:the|these|those)\s+)?([a-z]+)\s+"
    r"(?:has|have|had|did|do|does|is|are|was|were|will|would|can|could)\b"
)


def counted_noun(folded: str) -> str | None:
    """The one noun a "how many …" question counts, when it names one ("how many signatures has …")."""
    m = _COUNTED_NOUN.search(folded)
    return m.group(1) if m else None


# "did the initiative reach its million signatures?", "has the fund hit $50M?": whether something happened
_OUTCOME = re.compile(
    r"\b(?:did|has|have|had)\b.{0,80}?\b(?:reach|reached|achieve|achieved|hit|meet|met|get|getting|got|gather|"
    r"gathered|collect|collected|obtain|obtained|end up|ended up|succeed|succeeded|manage|managed)\b"
)
_ASKED_FIGURE = re.compile(
    r"(?:\b(?:a|one|its|their|the)\s+|[$€£]\s?(?P<cur>\d[\d,.]*)\s*|\b(?P<num>\d[\d,.]*)\s*)(?P<scale>million|billion|thousand|m\b|k\b)?"
)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9}


def outcome_figure(folded: str) -> float | None:
    """The figure a question asks whether something reached ("did it get its million signatures?" → 1,000,000);
    None when the question asks no such thing or names no figure (a year is no figure)."""
    m = _OUTCOME.search(folded)
    if not m:
        return None
    for f in _ASKED_FIGURE.finditer(folded[m.start() :]):
        digits = f.group("cur") or f.group("num")
        if digits is None and not f.group("scale"):
            continue  # "a", "one" with no scale after it is no figure
        value = float(digits.replace(",", "").rstrip(".")) if digits else 1.0
        if f.group("scale") is None and 1900 <= value <= 2100 and digits and "." not in digits:
            continue  # a year
        return value * _SCALE.get(f.group("scale") or "", 1.0)
    return None


_MENTION = re.compile(
    r"\b(?:(?:mentions?|mentioning|mentioned|refers? to|referring to|cites?|citing|names?|naming)"
    r"(?:\s+the)?(?:\s+(?:words?|phrases?|terms?|expression))?|"
    r"(?:uses?|using|contains?|containing|includes?|including|with)\s+the\s+(?:words?|phrases?|terms?|expression)|"
    r"mencionan?|mentionnent|mentionne|mencionam?)"
    r"\s+[\"“'‘]?(?:the |a |an )?(?P<phrase>[^?\"“”'‘’]{2,60}?)[\"”'’]?\s*(?:at all|anywhere)?\s*[?.!]*\s*$"
)


def possessive_at(text: str, end: int) -> bool:
    """Whether the word ending at `end` is followed by a possessive "'s" ("São Paulo's plan")."""
    return re.match(r"['’]s\b", text[end:]) is not None


_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|his|her|their|its|my|our|your)\s+$")  # not "that": "pledges that mention"


def mention(text: str) -> tuple[str | None, list[Span]]:
    """ "Which pledges mention the private sector?": the words asked about, as typed."""
    m = _MENTION.search(text.lower())
    if not m or _DETERMINER_BEFORE.search(text.lower()[: m.start()]):
        return None, []  # "need a name for the credit line": after an article, "name" is a noun
    if re.match(r"(?:names?|cites?)\b", m.group()) and re.search(r"(?:^|[.?!:;]\s*)(?:please\s+)?$", text.lower()[: m.start()]):
        return None, []  # "Name the donors behind the fund.": an imperative that asks for a list, not for words
    phrase = text[m.start("phrase") : m.end("phrase")].strip(" .!,;:")
    return phrase, [m.span()]


def without_scope(phrase: str, scopes: frozenset[str]) -> str:
    """The mention phrase without a closing "in their commitments", "in the text": where to look, not what for."""
    words = phrase.split()
    for n in range(len(words) - 2, 0, -1):
        after = [w.lower().strip(".,;:") for w in words[n + 1 :]]
        if words[n].lower() in ("in", "within") and after[-1] in scopes and set(after[:-1]) <= _SCOPE_DETERMINERS:
            return " ".join(words[:n])
    return phrase


_SCOPE_DETERMINERS = frozenset({"the", "their", "its", "any", "a", "his", "her", "these", "those"})


def named_parts(phrase: str, connectors: frozenset[str]) -> list[str]:
    """The names in a mention phrase, longest first: runs of capitalised words ("UNHCR", "Welcoming Week",
    "MigraCiudades de la OIM", joined by connectors), then each acronym or camel-case word of a longer run. Empty
    when the phrase is one name or has none: "UNHCR as the lead partner" names UNHCR; "private sector" nothing."""
    words = [w.strip(".,;:!?()") for w in phrase.split()]
    capital = [any(c.isupper() for c in w) for w in words]
    runs: list[list[str]] = [[]]
    for n, w in enumerate(words):
        later = next((capital[k] for k in range(n + 1, len(words)) if words[k].lower() not in connectors), False)
        if capital[n] or (runs[-1] and w.lower() in connectors and later):
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    names = [" ".join(r) for r in runs if r]
    # a single word of a longer name only when it names on its own: "OIM", "MigraCiudades", not "Fund"
    names += [w for r in runs if len(r) > 1 for w in r if sum(c.isupper() for c in w) > 1]
    return [n for n in dict.fromkeys(sorted(names, key=len, reverse=True)) if len(n) >= 2 and n != phrase.strip()]


# whose quotes, by role; "the head of UNHCR" names whose by the body, and the role says no more
_QUOTE_ROLE = re.compile(
    r"\b(?:quotes?|quoted|quotations?)\s+(?:from|by)\s+(?:a|an|the|any)?\s*(mayors?|heads?|leaders?)\b(?!\s+of\b)|"
    r"\b(mayors?|heads?|leaders?)\s+(?:(?:are|is|were|was|get|gets|got|being)\s+)?quoted\b|"  # "mayors are quoted"
    r"\b(mayors?|heads?|leaders?)\s+quot(?:e|es|ation|ations)\b"  # "a mayor quote"
)


def quote_role(folded: str) -> tuple[str | None, list[Span]]:
    """ "quoted by a mayor": whose quotes."""
    m = _QUOTE_ROLE.search(folded)
    if not m:
        return None, []
    n = next(k for k in (1, 2, 3) if m.group(k))
    return m.group(n).rstrip("s"), [m.span(n)]


# "quote" as a verb whose object is the text ("quote their wording", "quote it", and a clause that opens with it:
# "Cite the key passages."): every answer quotes the pledges' own words, so this asks for no printed quote of a
# person (the `quoted` flag); "quote the mayor" names a person and is left to the flag and the role.
_QUOTE_VERB = re.compile(
    r"\b(?:quote|cite)\s+(?:their|its|it|them|this|that|these|those|"
    r"the\s+(?:text|texts|wording|words|language|lines?|passages?|sentences?|commitments?|pledges?))\b|"
    r"(?:^|(?<=[.?!:;,]\s)|(?<=\s[-–—]\s)|(?<=\bplease\s)|(?<=\band\s))(?:quote|cite)\s+"
    r"(?!(?:(?:a|an|the|any|their|its|some)\s+)?(?:mayors?|heads?|leaders?|officials?|people|person)\b)\w"
)


def quote_verb(folded: str) -> list[Span]:
    """Spans of "quote" used as a verb on the text itself ("Quote their wording")."""
    return [(m.start(), m.start() + len(m.group().split()[0])) for m in _QUOTE_VERB.finditer(folded)]


# "…, plus any quote from an official", "…, and the mayor's quote": what is added to the answer, not a filter
_ADDED = re.compile(r"(?:\bplus|\bas well as|\balong with|\btogether with|,\s*and(?: also)?)\s+(?:[\w'’]+\s+){0,3}$")


def added(folded: str, at: int) -> bool:
    """Whether the words starting at `at` are asked for besides the rest ("…, plus any quote")."""
    return _ADDED.search(folded[max(0, at - 40) : at]) is not None


# Where only a place can stand: "from Oslo", "Oslo's", "did Oslo pledge", "the mayor of Oslo".
_PLACE_BEFORE = re.compile(
    r"\b(from|in|of|by|at|did|does|do|has|have|had|is|city of|town of|municipality of|mayor of|de|du|en|em|da|do)\s+$"
)
_ABOUT_BEFORE = re.compile(r"\b(about|for|on|with|regarding|concerning)\s+$")
_PLACE_AFTER = re.compile(
    r"^(?:'s\b|\s+(?:pledg\w*|commit\w*|do\b|doing|done|promis\w*|plan\w*|city\b|council|municipality|submitted|"
    r"made|make|offer\w*|has|have|is))"
)
# Typed in lower case, a name is a place only where nothing else can stand.
_LOWER_SLOT = re.compile(
    r"(?:^|[.?!]\s*)(?:what|how)?\s*(?:is|has|have|did|does|are)\s+(?P<name>[a-z][a-z\-]+)\s+"
    r"(?:doing|done|pledg\w*|commit\w*|promis\w*|plann\w*|work\w*)\b|"
    r"\b(?:pledges?|actions?|projects?|anything|something|commitments?)\s+(?:from|in|by)\s+(?P<name2>[a-z][a-z\-]+)\s*[?.!]*\s*$"
)


def place_slot(folded: str, start: int, end: int) -> str | None:
    """ "place" where a name stands where a place stands, "about" where it names a topic, else None."""
    if _PLACE_BEFORE.search(folded[:start]) or _PLACE_AFTER.search(folded[end:]):
        return "place"
    if _ABOUT_BEFORE.search(folded[:start]):
        return "about"
    return None


_EXISTENTIAL = re.compile(r"\b(?:is|are|was|were|any)\s+$")
_EXISTENTIAL_AFTER = re.compile(r"^(?:'s|\s+(?:is|are|was|were|any)\b)")


def existential(folded: str, start: int, end: int) -> bool:
    """Whether the word at `start`-`end` is the "there" of "is there …" / "there are …": it points at no place."""
    return folded[start:end] == "there" and bool(_EXISTENTIAL.search(folded[:start]) or _EXISTENTIAL_AFTER.search(folded[end:]))


def lower_case_places(folded: str) -> list[tuple[str, Span]]:
    """Lower-case words standing where only a place can ("is chisinau doing anything")."""
    out = []
    for m in _LOWER_SLOT.finditer(folded):
        group = "name" if m.group("name") else "name2"
        out.append((m.group(group), m.span(group)))
    return out


def _inside(span: Span, spans: list[Span]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


_ABBREVIATED = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx)\.\s+$", re.I)


def focus_span(
    text: str,
    subjects: frozenset[str] = frozenset(),
    openers: frozenset[str] = frozenset(),
    requests: frozenset[str] = frozenset(),
) -> tuple[int, int]:
    """The sentence that asks, when a question opens with context ("Dallas recruits ambassadors. Who else …?"):
    the last sentence with a question mark, else the last that opens with a question word or one of the
    `requests` ("Tell me about Nairobi. I plan an exchange there."), else the last sentence; the whole text
    when it is one sentence. Given the `subjects` that make a lead-in a statement and the `openers` that make
    it a purpose ("for a briefing"), one that opens the sentence before a colon or dash is context too."""

    def split(text: str, span: tuple[int, int]) -> tuple[int, int]:
        return _after_lead_in(text, span, subjects, openers) if subjects or openers else span

    ends = [m.end() for m in re.finditer(r"[.?!]+\s+(?=\S)", text) if not _ABBREVIATED.search(text[: m.end()])]
    bounds = [0, *ends, len(text)]
    spans = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]
    if len(spans) < 2:
        return split(text, (0, len(text)))
    asking = [s for s in spans if "?" in text[s[0] : s[1]]] or [s for s in spans if _requests(text[s[0] : s[1]], requests)]
    return split(text, (asking or spans)[-1])


def _requests(sentence: str, requests: frozenset[str]) -> bool:
    """Whether a sentence without a question mark asks: it opens with a question word or a request ("list …")."""
    words = re.findall(r"[\w']+", fold(sentence).lower())
    return bool(words) and bool(requests) and (words[0] in requests or bool(ASKS.fullmatch(words[0])))


# "Briefing the council tomorrow: how many …?", "Some have not started — which ones …?": a statement
# joined to the question by a colon or a dash is context, like a sentence of its own
_LEAD_IN = re.compile(r"\s*:\s+|\s+[\u2014\u2013-]+\s+|\s*[\u2014]\s*")


def _after_lead_in(
    text: str, span: tuple[int, int], subjects: frozenset[str], openers: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """The part of the sentence `span` after a lead-in statement, when the rest opens with a question word
    and the lead-in asks nothing itself; else `span` unchanged ("cities in turkey - nilufer and gaziantep?"
    is one question). A statement says something of someone (one of `subjects`: "I need the number", "some
    have not started") or says what the answer is for (it opens with one of `openers`: "for a regional
    exchange"); a lead-in without either is a topic ("Language courses for refugees: which Greek cities?")."""
    a, b = span
    sentence = text[a:b]
    if "?" not in sentence or ASKS.match(sentence.lstrip()):
        return span
    for m in _LEAD_IN.finditer(sentence):
        lead, rest = sentence[: m.start()], sentence[m.end() :]
        if "?" in lead or not rest.strip() or not lead.strip():
            break
        words = re.findall(r"[\w']+", fold(lead).replace("’", "'"))
        purpose = any(" ".join(words[: len(o.split())]) == o for o in openers)
        if ASKS.match(rest) and (purpose or any(w in subjects for w in words)):
            return (a + m.end(), b)
    return span
