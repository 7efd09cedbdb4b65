"""Figures in text: which number in a sentence is the one a question asks for.

General grammar of how figures are said ("has grown to $8 million", "5,000 people", "1.2%"), never about
one question.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..text import fold, tokenize

NUMBER = re.compile(r"(?<![\w.,\-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*%|\s*(?:million|billion))?")
_CONTRAST = re.compile(r"\b(?:rather than|instead of|as opposed to|other than|excluding|except|not)\b([^,;.?!]*)", re.I)
# what something has become: its figure now ("how big is the fund at this point?")
GROWTH = re.compile(
    r"\b(grow|grown|grew|growth|increased?|risen|rose|expanded|become|now|current|currently|presently|"
    r"at this point|at the moment)\b",
    re.I,
)
_END_VERB = r"\b(?:become|became|grown to|grew to|risen to|rose to|increased to|reached|reaches|now)\b"
_END_STATE = re.compile(_END_VERB + r"[^.]*$", re.I)  # the text before a number ends "... has become an"
END_FIGURE = re.compile(_END_VERB + r"[^.\d]*\d", re.I)  # a sentence says what something became
# "how big does the council want the fund to become?": a goal, not what the fund has become so far
_TARGET = re.compile(
    r"\b(?:wants?|aims?|aiming|plans?|planning|goal|target|intends?|hopes?|ambition|trying to|tries to|seeks?|"
    r"seeking|meta|objetivo|objectif)\b",
    re.I,
)
# "how big is it now, and what is the goal?": the figure of today comes first
_NOW = re.compile(
    r"\b(?:now|current|currently|presently|at this point|at the moment|so far|today|at present|to date|ahora|"
    r"actualmente|maintenant|actuellement|agora)\b",
    re.I,
)
# the text before a number ends "... to reach $", "... bring the fund to US$": the figure something is to become
_TO_REACH = re.compile(r"\bto\s+(?:reach\s+|grow\s+to\s+|become\s+)?(?:an?\s+)?(?:US)?[$€£]?\s*$", re.I)
# "... the target was ", "... a goal of $": the figure named as the goal
_GOAL_IS = re.compile(r"\b(?:target|goal|aim|objective)\s+(?:was|is|of)\s+(?:an?\s+)?(?:US)?[$€£]?\s*$", re.I)
_MONEY = re.compile(
    r"\b(?:how much (?:money|funding|funds)|budget(?:s|ed|ing)?|funding|funds|cost|costs|costing|dollars|euros|spend|spending|spent|invest\w*|"
    r"dinero|argent|dinheiro|invierte|investit|investe)\b|\$",
    re.I,
)
# a part of a whole: "what share", "how much of the cost" (a price asked of a part is its share)
SHARE = re.compile(r"share|percent|per cent|%|proportion|fraction|how much of\b|porcentaje|pourcentage|porcentagem", re.I)
# "6 of the 7 official sessions", "90 of Barranquilla's employers": the number counts what follows
_PART_OF = re.compile(r"\s*(?:out\s+)?of\s+(?:the\s+|all\s+)?(?:\d[\d,.]*\s+|[^\s\d]+['’]s\s+)?")
_FUNCTION = frozenset(
    """a an the of are is was were be been do did does have has had in on at to by for with from this that these
    those their its our all any some more than over about around nearly almost up into per each will can could
    would should there ont sont est de del la las los el le les des du da do das dos en et un une una uno um
    uma""".split()  # noqa: SIM905
)
# "when did it open?" asks a date; "When I present this to our council, how many …?" says when the asker will
# use the answer: "when" before the asker as subject asks nothing
_WHEN = re.compile(
    r"\b(when(?!\s+(?:i|i'm|we|we're|you|you're|my|our)\b)|what year|which year|cu[aá]ndo|quand|quando)\b", re.I
)
# "children aged 0 to 6", "young people 15-24 years old": an age says who is served and counts nothing; it is the
# figure only when the question asks about age
_AGED = re.compile(r"\b(?:aged|ages)\s*(?:\d+\s*(?:to|and|-|–)\s*)?$", re.I)
_YEARS_OLD = re.compile(r"\s*(?:(?:to|and|-|–)\s*\d+\s*)?(?:years? old|-?year-olds?|years of age)\b", re.I)
_ASKS_AGE = re.compile(r"\b(?:age|ages|aged|old|how young|edad|[aâ]ge|idade)\b", re.I)


def contrast_words(question: str) -> set[str]:
    """Words a question sets aside ("from cities rather than networks"): matching them points the wrong way."""
    return {w for m in _CONTRAST.finditer(question) for w in tokenize(m.group(1))}


def is_year(value: float, suffix: str | None) -> bool:
    return suffix is None and value.is_integer() and 1900 <= value <= 2100


# "a 300-year-long history", "a five-year plan": a length said as a word's modifier describes, it counts nothing
_LENGTH_MODIFIER = re.compile(r"-(?:years?|months?|weeks?|days?|hours?)(?:-long|-old)?\b", re.I)
_ASKS_LENGTH = re.compile(r"\b(?:how long|duration|length|years?|months?|weeks?|days?|hours?)\b", re.I)


def is_length_modifier(text: str, m: re.Match[str]) -> bool:
    """Whether the number at `m` is a length joined by hyphens to the noun it describes ("300-year-long")."""
    return bool(_LENGTH_MODIFIER.match(text, m.end()))


def is_age(text: str, m: re.Match[str]) -> bool:
    """Whether the number at `m` is an age or an age range's bound ("aged 0 to 6", "15-24 years old")."""
    return bool(_AGED.search(text[max(0, m.start() - 20) : m.start()]) or _YEARS_OLD.match(text[m.end() : m.end() + 30]))


_UNITS = ["two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUE = {w: n for n, w in enumerate(_UNITS, 2)} | {w: n for n, w in enumerate(_TEENS, 10)}
_WORD_VALUE |= {w: n for n, w in enumerate(_TENS, 2)} | {"one": 1}
# "three CBOs", "forty-five families": a figure said in words, before the word it counts. Not "one", which is as
# often a pronoun ("one of the cities") or a name ("one-stop shop"); not "hundreds", which counts nothing exact;
# not a span of time ("over the next five years"), which in words is how a plan is framed, not a figure it gives.
_SAID_IN_WORDS = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[-\s](" + "|".join(["one", *_UNITS]) + r"))?|(" + "|".join(_UNITS + _TEENS) + r"))"
    r"\b(?=\s+[A-Za-z])(?!\s+(?:years?|months?|weeks?|days?|hours?)\b)",
    re.I,
)


def digits(text: str) -> str:
    """`text` with the figures it says in words written as numbers ("three CBOs" → "3 CBOs"), for reading its
    figures; what is quoted stays as written."""

    def value(m: re.Match[str]) -> str:
        if m.group(3):
            return str(_WORD_VALUE[m.group(3).lower()])
        tens = 10 * _WORD_VALUE[m.group(1).lower()]
        return str(tens + (_WORD_VALUE[m.group(2).lower()] if m.group(2) else 0))

    return _SAID_IN_WORDS.sub(value, text)


def has_figure(text: str) -> bool:
    """A number that is a figure: not a year ("the 2022 IMRF") and not part of a name ("COVID-19")."""
    return any(m.group(2) or not is_year(_value(m), None) for m in NUMBER.finditer(text))


def _value(m: re.Match[str]) -> float:
    """The number a `NUMBER` match prints ("5,000" is 5000.0)."""
    return float(m.group(1).replace(",", ""))


def _singular(word: str) -> str:
    """A counted noun's singular ("cities" → "city", "families" → "family"): not the search tokenizer, which
    drops words too common to rank by ("cities") that still say what a figure counts."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def counted(question: str) -> set[str]:
    """What a "how many …" question counts: the first and last word of the phrase after it, up to a function
    word ("how many city grantees are …" → city, grantee; "how many of the plenary sessions did …" →
    plenary, session). English puts the counted noun last and Spanish, French and Portuguese first; the
    words in between qualify it, and a number before any of them counts something else. Of two counts asked
    ("how many councils signed up, and in how many countries?") the answer gives the first."""
    phrase = _counted_phrase(question)
    return {phrase[0], phrase[-1]} if phrase else set()


def counted_head(question: str, read: str = "") -> str | None:
    """The noun a "how many …" question counts, of the words of the phrase in `read` (the question as read:
    corrected or glossed; the question itself when ""): the last when the question as typed asks in English
    ("how many IDP families" counts families, not IDPs), the first after "cuántos", "combien de", "quantos",
    whose word order a word-by-word gloss keeps."""
    m = _HOW_MANY.search(question)
    phrase = _counted_phrase(read or question)
    if m is None or not phrase:
        return None
    return phrase[0] if m.group("first") else phrase[-1]


# "the number of …" asks a count as "how many …" does, as the question's reading has it (grammar.py); "a number
# of cities" is several, no count
_HOW_MANY = re.compile(
    r"\b(?:how many|(?:total\s+)?(?<![Aa] )number of"
    # Spanish, French and Portuguese put the counted noun first ("cuántas familias desplazadas")
    r"|(?P<first>cu[aá]nt[oa]s|combien de|combien d'|quant[oa]s|n[uú]mero de|le nombre de))"
    r"\s+(?:of\s+)?(?:(?:the|these|those|this|its|their)\s+)?"
    # "how many of the round's actions", "… of the report's 2023 pledges": what is counted comes after
    r"(?:(?:year|round|report|edition|call)(?:['’]s)?\s+)?(?:\d{4}(?:['’]s)?\s+)?",
    re.I,
)
# a question word ends the counted phrase ("how many towns and how many regions"), as a function word does
_ASKING = frozenset("how what which who when where why".split())  # noqa: SIM905


def _counted_phrase(question: str) -> list[str]:
    """The phrase a "how many" counts, singular: up to three words, "and"/"or" joining them ("how many migrant
    and refugee pupils"), ending at a function or question word; the fourth word on is what is said of it
    ("how many nurses/health workers got training" counts nurses and workers, not "got")."""
    m = _HOW_MANY.search(question)
    if m is None:
        return []
    # up to punctuation: the glossary's expansions follow the question in brackets
    rest = re.split(r"[(),.;:?!]", question[m.end() :], maxsplit=1)[0]
    words = re.findall(r"[a-z]+", fold(rest))
    while words and words[0] in _FUNCTION:
        words.pop(0)
    phrase: list[str] = []
    for word in words:
        if word in ("and", "or"):
            continue
        if word in _FUNCTION or word in _ASKING or len(phrase) == 3:
            break
        phrase.append(_singular(word))
    return phrase


_EXPANSIONS = re.compile(r"\(([^()]*)\)\s*$")


def _asked_text(question: str, expanded: str) -> str:
    """The question as read, for the words a figure's neighbours should share: the glossary's spelling-out of
    an acronym (bracketed after the question) only where what is counted names it, a word's synonyms always.
    "how many IDPs" counts "internally displaced persons"; in "how many cities shared practices at UCLG's days"
    the spelled-out body ("United Cities and Local Governments") says who acted, and its words would pull the
    figure towards another count ("100 local actors including local and regional governments", not "25
    diverse cities")."""
    m = _EXPANSIONS.search(expanded) if expanded else None
    if m is None:
        return expanded or question
    counted_words = set(_counted_phrase(question))
    kept = []
    for group in m.group(1).split(";"):
        acronyms = re.findall(r"\b[A-Z]{2,}s?\b", group)  # a glossary word's synonyms ("women gender …") stay
        if not acronyms or any(_singular(fold(w).lower()) in counted_words for w in acronyms):
            kept.append(group.strip())
    return expanded[: m.start()] + (f" ({'; '.join(kept)})" if kept else "")


def with_people(what: set[str], people: Collection[str]) -> set[str]:
    """What is counted, and, when it is people in general ("how many people"), every word for people: a figure
    of any of them answers ("215 local actors")."""
    general = {_singular(fold(w)) for w in people}
    return what | general if what & general else what


def asked_count(question: str, people: Collection[str] = ()) -> set[str]:
    """What a question counts (`counted`, with every word for people when it counts people in general), when a
    count is the figure it asks first; empty when it asks a share, a size, an amount or a year first."""
    return with_people(counted(question), people) if first_asked(question) in (None, "count") else set()


def counted_match(text: str, question: str, distinctive: bool = False) -> bool:
    """Whether `text` prints a number right before what the question counts ("5,000 people", "10 local actions").
    `distinctive`: only by a word the search ranks by, not the records' own nouns ("pledges", "cities"), which
    the narrative counts for other sets than the question's ("more than 100 local pledges" at the Forum)."""
    what = counted(question)
    if distinctive:
        what = {w for w in what if tokenize(w)}
    return counts(text, what)


def counts(text: str, what: set[str]) -> bool:
    """Whether `text` prints a number right before one of the words `what` ("30 internally displaced families")."""
    return bool(what) and any(counts_it(text, m, what) for m in NUMBER.finditer(text))


def counts_it(text: str, m: re.Match, what: set[str]) -> bool:
    """Whether the number matched at `m` counts what is asked: printed right before it ("5000 people", "25
    diverse cities", "6 of the 7 official sessions"). A percentage is a share of what follows it, not a count;
    a noun after a later number is that number's ("an $8 million fund supported by 5 donors")."""
    if m.group(2) and "%" in m.group(2):
        return False
    # a figure opening a bracket counts the noun the bracket follows ("hosting events (670 in 2023)")
    before = _BRACKETED.search(text[max(0, m.start() - 40) : m.start()])
    if before and _singular(fold(before.group(1))) in what:
        return True
    after = text[m.end() : m.end() + 60]
    if part := _PART_OF.match(after):
        after = after[part.end() :]
    if nxt := re.search(r"\d", after):
        after = after[: nxt.start()]
    return bool(what & set(_noun_phrase(after)))


_BRACKETED = re.compile(r"([^\W\d_]+)\s*\(\s*$")


def _noun_phrase(text: str) -> list[str]:
    """The words of the phrase `text` opens, up to a function word ("diverse cities", "migrant and refugee
    families"): what a number printed before it counts, not what the sentence says after ("3 years the GCF")."""
    out: list[str] = []
    for word in re.findall(r"[a-z]+", fold(text)):
        if word in ("and", "or"):
            continue
        if word in _FUNCTION or len(out) == 3:
            break
        out.append(_singular(word))
    return out


def _said_as_goal(text: str, m: re.Match[str]) -> bool:
    """Whether the number at `m` is said as what something is to reach ("to reach $50 million")."""
    return bool(_TO_REACH.search(text[max(0, m.start() - 30) : m.start()]))


# "If this proposal receives 1 million signatures, …", "aims to reach $50 million", "commits to house 300 families":
# a figure to be reached (a pledge is a commitment: what it promises is not yet done)
_CONDITION = re.compile(
    r"\b(?:if|once|unless|whether|aims?|aiming|goal|target|targets|seeks?|seeking|hopes?|hoping|plans?|planning|"
    r"intends?|would|will|needs?|requires?|required|commits?|committed|pledges?|pledged)\b[^.;:]*$",
    re.I,
)
_SCALE = {"million": 1e6, "billion": 1e9}


def amount(m: re.Match[str]) -> float:
    """The value a `NUMBER` match prints with its scale word ("1 million" is 1,000,000)."""
    scale = (m.group(2) or "").strip().lower()
    return _value(m) * _SCALE.get(scale, 1.0)


def stated_as_goal(text: str, m: re.Match[str]) -> bool:
    """Whether the figure at `m` is said as something to reach or a condition, not as what happened."""
    return _said_as_goal(text, m) or bool(_CONDITION.search(text[max(0, m.start() - 100) : m.start()]))


def _still_to_happen(text: str, m: re.Match[str]) -> bool:
    """Whether the figure at `m` is said as a goal or a condition and not as what something has become ("has
    grown to $8 million" is now; "to reach $50 million" and "if it gets 1 million signatures" are not)."""
    return stated_as_goal(text, m) and not _END_STATE.search(text[max(0, m.start() - 30) : m.start()])


def wants_goal(question: str) -> bool:
    """Whether a question asks for a goal ("how big does the council want the fund to become?"), not for
    what something is now. Of a question that asks several figures, the first one asked decides: "<share>? and
    <goal>?" asks the share first."""
    return bool(_TARGET.search(_first_asked(question))) and not _NOW.search(question)


def wants_now(question: str) -> bool:
    """Whether the first figure a question asks is what something is now ("what size has it reached so
    far?"), not a goal; of several figures asked, the first decides, as for `wants_goal` (which a "now" in the
    question rules out)."""
    return bool(_NOW.search(_first_asked(question)))


def _first_asked(question: str) -> str:
    parts, asks = _figure_asks(question)
    return parts[asks[0]] if asks else question


# where a question's next question begins: "…?", "…; …", "…, and what …"
_ASKING_PARTS = re.compile(
    r"[?;]|,\s+(?:and|or|also)\s+|\s+(?:and|or|also)\s+(?=(?:what|how|which|who|when|where|is|are|was|were)\b)", re.I
)
_ASKS_A_FIGURE = re.compile(
    r"\b(?:how (?:many|much|big|large)|what|which|percentage|share|figure|number|stat\w*|target|goal)\b", re.I
)


def _figure_asks(question: str) -> tuple[list[str], list[int]]:
    """The parts of a question (its questions) and which of them ask a figure."""
    parts = [c for c in _ASKING_PARTS.split(question) if c]
    return parts, [n for n, c in enumerate(parts) if _ASKS_A_FIGURE.search(c)]


def _asked_later(question: str) -> set[str]:
    """The words only a later question of several asks ("<share>? and <goal>?": the goal's words), which say
    what the later figure is, not the first one asked."""
    parts, asks = _figure_asks(question)
    if len(asks) < 2:
        return set()
    first = {w for n, c in enumerate(parts) if n <= asks[0] for w in tokenize(c)}
    return {w for c in parts[asks[1] :] for w in tokenize(c)} - first


def number_in(
    text: str, question: str, expanded: str = "", context: str = "", people: Collection[str] = ()
) -> float | None:
    """The figure a question asks for: the number whose neighbouring words best match the question.

    A share question takes a percentage and a money question an amount when the sentence has one; years
    count only when the question asks when; a growth question takes the figure something became. A figure
    the question's `context` states (the sentences before the one that asks) is what the asker knows already:
    another figure of the sentence is the one asked for. `people`: the words for people in general, any of
    which a count of people counts."""
    first = first_asked(question)
    wants_share = bool(SHARE.search(question)) and first in (None, "share")
    wants_year = bool(_WHEN.search(question))
    wants_target = wants_goal(question)
    wants_growth = bool(GROWTH.search(question)) and not wants_target
    wants_money = bool(_MONEY.search(question)) and first in (None, "money")
    wants_size = bool(_ASKS["size"].search(question)) and first in (None, "size")  # a fund's size is an amount
    qwords = set(tokenize(_asked_text(question, expanded))) - contrast_words(question) - _asked_later(question)
    # "how big is the fund, and how many donors?": the count is asked second, and answered after
    what = with_people(counted(expanded or question), people) if first in (None, "count") else set()
    head = counted_head(question, expanded) if what else None
    specific = what - {_singular(fold(w)) for w in people}  # the words of the count beyond any word for people
    found: list[tuple[float, float, bool, bool]] = []  # (score, value, is a percentage, is an amount)
    # "how many city grantees … now": the number of grantees, though the sentence also says what the fund became
    names_unit = counts(text, what)
    wants_age = bool(_ASKS_AGE.search(question))
    # "how many signatures so far?": a count said as a goal or a condition is not what has happened (an amount
    # asked now is told by what something has become: "has grown to $8 million")
    wants_now = bool(_NOW.search(question)) and not wants_target and bool(what)
    for m in NUMBER.finditer(text):
        value = _value(m)
        if is_year(value, m.group(2)) and not wants_year:
            continue
        if not wants_age and is_age(text, m):
            continue
        if is_length_modifier(text, m) and not _ASKS_LENGTH.search(question):
            continue
        if is_day(text, m) or (wants_now and _still_to_happen(text, m)):
            continue
        is_pct = bool(m.group(2) and "%" in m.group(2))
        is_amount = is_money(text, m)
        window = text[max(0, m.start() - 80) : m.end() + 80]
        score = len(qwords & set(tokenize(window))) + (0.5 if m.group(2) else 0)
        if wants_growth and not names_unit and _END_STATE.search(text[max(0, m.start() - 30) : m.start()]):
            score += 3  # "has grown to / become / reached $8 million": the figure now, not the starting one
        if wants_target and _said_as_goal(text, m):
            score += 3  # "to reach $50 million": the goal asked for, not the figure on the way
        elif not wants_target and _GOAL_IS.search(text[max(0, m.start() - 30) : m.start()]):
            # "the target was 25%", asked no goal: the figure named the target is not what happened. A pledge's
            # "to bring the fund to $50 million" is what it commits to, often what is asked: not held against it
            score -= 3
        if counts_it(text, m, what):
            score += 3.5 if head and counts_it(text, m, {head}) else 3  # "30 families", not "5,000 IDPs"
            if specific and counts_it(text, m, specific):
                score += 0.5  # "displaced people": "5,000 IDPs (internally displaced persons)", not "15,243 residents"
        found.append((score, value, is_pct, is_amount))
    if wants_share and any(f[2] for f in found):
        found = [f for f in found if f[2]]
    if what and not wants_share and any(not f[2] for f in found):
        found = [f for f in found if not f[2]]  # "how many sessions …" asks a count, not "85% of all sessions"
    if (wants_money or wants_size) and any(f[3] for f in found):
        found = [f for f in found if f[3]]  # "how much money …": an amount, not the people it serves
    elif wants_money and not what and not wants_share:
        return None  # "how much does it cost?" of a sentence with no amount: 30 families is no price
    given = {_value(m) for m in NUMBER.finditer(context)}
    if any(f[1] not in given for f in found):
        found = [f for f in found if f[1] not in given]
    if not found:
        return None
    best = max(found, key=lambda f: f[0])  # the first of equals: the report states the main figure first
    if best[0] == 0 and len(found) > 1:
        return None  # no figure near the question's words: not the number that was asked for
    return int(best[1]) if best[1].is_integer() else best[1]


# which figure a question asks first, when it asks several kinds: "how many nurses …, and what percentage of
# clinics?" wants the count; "how large is the budget today, and how many staff …?" the budget. By the words
# that ask for each kind: "has the fund's money helped? is there a percentage?" asks a share, not an amount
_ASKS = {
    "count": _HOW_MANY,
    "share": SHARE,
    "size": re.compile(r"\bhow (?:big|large)\b", re.I),
    "money": re.compile(r"\bhow much\b(?!\s+of\b)|\b(?:budget|cost|costs|cu[aá]nto|combien co[uû]te|quanto)\b", re.I),
    "year": _WHEN,
}


def first_asked(question: str) -> str | None:
    """The kind of figure asked first (count, share, size, money or year), when a question asks more than
    one kind; None when it asks one kind or none."""
    at = _kinds_asked(question)
    return min(at, key=lambda k: at[k]) if len(at) > 1 else None


def _kinds_asked(question: str) -> dict[str, int]:
    """Each kind of figure the question asks, with where it first asks it."""
    return {kind: m.start() for kind, rx in _ASKS.items() if (m := rx.search(question))}


_CURRENCY_AFTER = re.compile(r"\s*(?:million|billion)?\s*(?:dollars|euros|francs|Swiss francs|USD|EUR)\b")


def is_money(text: str, m: re.Match[str]) -> bool:
    """Whether the number at `m` is an amount of money ("$4.5 million", "4.5 million Swiss francs")."""
    return bool(_currency_before(text, m) or _CURRENCY_AFTER.match(text[m.end() :]))


def of_kind_asked(text: str, number: float, question: str, people: Collection[str] = (), also: Collection[str] = ()) -> bool:
    """Whether `number`, as `text` prints it, is the kind of figure the question asks first: a count printed
    before what is counted ("around 100 unaccompanied children"), an amount of money, a percentage; any figure
    when the question names no kind ("what's the stat behind it?"). A figure found in a record the question
    did not name must pass this: a count of a city's residents is not answered by "the two cities".
    `also`: more words for what is counted (the glossary's: "kids" are "children")."""
    at = _kinds_asked(question)
    kind = min(at, key=lambda k: at[k]) if at else None
    for m in NUMBER.finditer(text):
        if _value(m) != number:
            continue
        if kind == "count":
            what = asked_count(question, people) or counted(question)
            return counts_it(text, m, what | {_singular(fold(w)) for w in also})
        if kind in ("money", "size"):
            return is_money(text, m)
        if kind == "share":
            return bool(m.group(2) and "%" in m.group(2))
        return kind != "year"
    return False


_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY_BEFORE = re.compile(rf"\s+{_MONTHS}\b", re.I)
_DAY_AFTER = re.compile(rf"\b{_MONTHS}\s+$", re.I)


def is_day(text: str, m: re.Match[str]) -> bool:
    """Whether the number at `m` is a day of a month ("On 3 October 2013", "October 3"): part of a date, never
    a figure. The report is in English, so its dates are written with English month names."""
    if m.group(2) or _value(m) > 31:
        return False
    return bool(_DAY_BEFORE.match(text, m.end()) or _DAY_AFTER.search(text[max(0, m.start() - 12) : m.start()]))


def _currency_before(text: str, m: re.Match[str]) -> str:
    """The currency sign printed right before the number matched at `m` ("$" of "$50"), or ""."""
    sign = re.search(r"(?:\$|€|£|CHF)\s*$", text[max(0, m.start() - 4) : m.start()])
    return sign.group(0).strip() if sign else ""


def _figure(text: str, value: float) -> re.Match[str] | None:
    """Where `text` prints the figure `value` first."""
    return next((m for m in NUMBER.finditer(text) if _value(m) == value), None)


def figure_as_printed(text: str, value: float) -> str | None:
    """How `text` prints the figure `value`: its currency, scale or percent sign and the first word of what it
    counts ("$50 million", "124 local", "36 %"); None when it does not print it."""
    if (m := _figure(text, value)) is None:
        return None
    unit = (m.group(2) or "").strip()
    return " ".join(filter(None, [_currency_before(text, m), m.group(1), unit, *what_it_counts(text, value)[:1]]))


def what_it_counts(text: str, value: float) -> list[str]:
    """The words of the noun phrase right after the figure `value` in `text` ("300 residents" → resident): what
    it counts; empty for an amount, a percentage, or a number that stands alone."""
    m = _figure(text, value)
    if m is None or m.group(2) or _currency_before(text, m):
        return []
    return _noun_phrase(text[m.end() : m.end() + 60])


# a year, or a span of years ("2022–2023", "2022 to 2023")
_YEARS = re.compile(r"\b((?:19|20)\d\d)(?:\s*(?:–|—|-|to|through)\s*((?:19|20)\d\d))?\b")
# a total over every year there is ("in both years", "in total"); not "so far" or "to date", which ask what
# something is now ("what is the fund worth so far?")
_ALL_YEARS = re.compile(
    r"\b(?:both (?:years|editions|reports|rounds)|in total|altogether|all together|combined|cumulative(?:ly)?|"
    r"since (?:the )?(?:start|launch|beginning))\b",
    re.I,
)
# ... which a sentence gives when it spans years, or says it is the total until now
_UNTIL_NOW = re.compile(r"\b(?:to date|so far|since)\b", re.I)


def years_covered(text: str) -> set[int]:
    """The years a text names, a span counting each year in it."""
    out: set[int] = set()
    for m in _YEARS.finditer(text):
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        out |= set(range(first, last + 1)) if first <= last else {first, last}
    return out


def covers_period(text: str, question: str) -> bool:
    """Whether a sentence gives its figure for the whole period a question asks about: all the years it names
    ("across 2022 and 2023" → "Over 2022–2023, … 124 actions", not "70 actions in 2022"), or, for a total over
    every year ("in both years", "in total"), more than one year or the total until now ("to date")."""
    asked, said = years_covered(question), years_covered(text)
    if len(asked) >= 2:
        return asked <= said
    return not asked and bool(_ALL_YEARS.search(question)) and (len(said) >= 2 or bool(_UNTIL_NOW.search(text)))


def sentence_bonus(
    text: str, question: str, weights: dict[str, float], head: str | None = None, people: Collection[str] = ()
) -> float:
    """How much better a sentence answers a figure question for the figure it gives: one at all, one of what
    is counted ("how many people" → "5,000 people"; of its `head` noun when the record counts it: "how many
    IDP families" → "30 families", not "5,000 IDPs"), a percentage for a share, an end value for growth (and
    less for a figure still to be reached when asked what something is now), one for the whole period asked
    about."""
    if not has_figure(text):
        return 0.0
    bonus = weights["figure"]
    what = with_people({head} if head else counted(question), people)
    if counts(text, what):
        bonus += weights["counted"]
    if SHARE.search(question) and "%" in text:
        bonus += weights["share"]
    if wants_goal(question):
        if any(_said_as_goal(text, m) for m in NUMBER.finditer(text)):
            bonus += weights["growth"]  # a goal: the sentence that says what something is to become
    else:
        if GROWTH.search(question) and END_FIGURE.search(text):
            bonus += weights["growth"]
        if wants_now(question) and any(_said_as_goal(text, m) for m in NUMBER.finditer(text)):
            bonus -= weights["growth"]  # asked what it is now: a figure it is to reach is not that
    if covers_period(text, question):
        bonus += weights["period"]
    return bonus
