"""Figures in text: which number in a sentence is the one a question asks for.

General grammar of how figures are said ("has grown to $8 million", "5,000 people", "1.2%"), never about
one question.
"""

from __future__ import annotations

import re

from ..text import tokenize

NUMBER = re.compile(r"(?<![\w.,\-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*%|\s*(?:million|billion))?")
_CONTRAST = re.compile(r"\b(?:rather than|instead of|as opposed to|other than|excluding|except|not)\b([^,;.?!]*)", re.I)
GROWTH = re.compile(r"\b(grow|grown|grew|growth|increased?|risen|rose|expanded|become|now)\b", re.I)
_END_VERB = r"\b(?:become|became|grown to|grew to|risen to|rose to|increased to|reached|reaches|now)\b"
_END_STATE = re.compile(_END_VERB + r"[^.]*$", re.I)  # the text before a number ends "... has become an"
END_FIGURE = re.compile(_END_VERB + r"[^.\d]*\d", re.I)  # a sentence says what something became
_MONEY = re.compile(
    r"\b(?:how much (?:money|funding|funds)|budget|funding|funds|cost|costs|dollars|euros|spend|spent|invest\w*|"
    r"dinero|argent|dinheiro|invierte|investit|investe)\b|\$",
    re.I,
)
SHARE = re.compile(r"share|percent|per cent|%|proportion|fraction|porcentaje|pourcentage|porcentagem", re.I)
_WHEN = re.compile(r"\b(when|what year|which year|cu[aá]ndo|quand|quando)\b", re.I)


def contrast_words(question: str) -> set[str]:
    """Words a question sets aside ("from cities rather than networks"): matching them points the wrong way."""
    return {w for m in _CONTRAST.finditer(question) for w in tokenize(m.group(1))}


def is_year(value: float, suffix: str | None) -> bool:
    return suffix is None and value.is_integer() and 1900 <= value <= 2100


def has_figure(text: str) -> bool:
    """A number that is a figure: not a year ("the 2022 IMRF") and not part of a name ("COVID-19")."""
    return any(m.group(2) or not is_year(float(m.group(1).replace(",", "")), None) for m in NUMBER.finditer(text))


def counted(question: str) -> set[str]:
    """What a "how many …" question counts ("emergencies", "people"; "how many of those actions …" → actions)."""
    pattern = (
        r"\b(?:how many|cu[aá]nt[oa]s|combien de|combien d'|quant[oa]s)\s+(?:of\s+)?(?:the\s+|these\s+|those\s+)?"
        r"(?:\d{4}\s+)?(\w+(?:\s+\w+)?)"
    )
    return {w for m in re.finditer(pattern, question, re.I) for w in tokenize(m.group(1))}


def counted_match(text: str, question: str) -> bool:
    """Whether `text` prints a number right before what the question counts ("5,000 people", "10 local actions")."""
    what = counted(question)
    return bool(what) and any(counts_it(text, m, what) for m in NUMBER.finditer(text))


def counts_it(text: str, m: re.Match, what: set[str]) -> bool:
    """Whether the number matched at `m` is printed right before what is counted ("5000 people", "10 local
    actions")."""
    return bool(what & set(tokenize(text[m.end() : m.end() + 40])[:3]))


def number_in(text: str, question: str, expanded: str = "") -> float | None:
    """The figure a question asks for: the number whose neighbouring words best match the question.

    A share question takes a percentage and a money question an amount when the sentence has one; years
    count only when the question asks when; a growth question takes the figure something became."""
    wants_share = bool(SHARE.search(question))
    wants_year = bool(_WHEN.search(question))
    wants_growth = bool(GROWTH.search(question))
    wants_money = bool(_MONEY.search(question))
    qwords = set(tokenize(expanded or question)) - contrast_words(question)
    what = counted(expanded or question)
    found: list[tuple[float, float, bool, bool]] = []  # (score, value, is a percentage, is an amount)
    # "how many city grantees … now": the number of grantees, though the sentence also says what the fund became
    names_unit = any(counts_it(text, m, what) for m in NUMBER.finditer(text))
    for m in NUMBER.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if is_year(value, m.group(2)) and not wants_year:
            continue
        is_pct = bool(m.group(2) and "%" in m.group(2))
        is_amount = bool(
            re.search(r"(?:\$|€|£|CHF)\s*$", text[max(0, m.start() - 4) : m.start()])
            or re.match(r"\s*(?:million|billion)?\s*(?:dollars|euros|francs|Swiss francs|USD|EUR)\b", text[m.end() :])
        )
        window = text[max(0, m.start() - 80) : m.end() + 80]
        score = len(qwords & set(tokenize(window))) + (0.5 if m.group(2) else 0)
        if wants_growth and not names_unit and _END_STATE.search(text[max(0, m.start() - 30) : m.start()]):
            score += 3  # "has grown to / become / reached $8 million": the figure now, not the starting one
        if counts_it(text, m, what):
            score += 3
        found.append((score, value, is_pct, is_amount))
    if wants_share and any(f[2] for f in found):
        found = [f for f in found if f[2]]
    if wants_money and any(f[3] for f in found):
        found = [f for f in found if f[3]]  # "how much money …": an amount, not the people it serves
    if not found:
        return None
    best = max(found, key=lambda f: f[0])  # the first of equals: the report states the main figure first
    if best[0] == 0 and len(found) > 1:
        return None  # no figure near the question's words: not the number that was asked for
    return int(best[1]) if best[1].is_integer() else best[1]


def sentence_bonus(text: str, question: str, weights: dict[str, float]) -> float:
    """How much better a sentence answers a figure question for the figure it gives: one at all, one of what
    is counted ("how many people" → "5,000 people"), a percentage for a share, an end value for growth."""
    if not has_figure(text):
        return 0.0
    bonus = weights["figure"]
    what = counted(question)
    if what and any(counts_it(text, m, what) for m in NUMBER.finditer(text)):
        bonus += weights["counted"]
    if SHARE.search(question) and "%" in text:
        bonus += weights["share"]
    if GROWTH.search(question) and END_FIGURE.search(text):
        bonus += weights["growth"]
    return bonus
