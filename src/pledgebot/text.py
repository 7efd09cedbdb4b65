"""Text primitives every layer uses: folding for matching, word tokens, sentences. A leaf: imports nothing here."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


class _FoldTable(dict):
    """`fold`'s `str.translate` table for non-ASCII text already NFKD-decomposed: combining marks dropped;
    "ı", "ø", "ß", the dashes and the curly quotes spelled one way; every other character kept. Each character
    is looked up in `unicodedata` the first time it is seen, then remembered."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        out = None if unicodedata.combining(ch) else ch
        self[code] = out
        return out


# One table for what were three passes (letters, then dashes, then quotes): no replacement's output is another's
# input, so one pass gives the same text. The backtick, the one ASCII character replaced, is `fold`'s own step.
_FOLD = _FoldTable(
    {ord("ı"): "i", ord("ø"): "o", ord("ß"): "ss"} | {ord(ch): "-" for ch in "–—‐"} | {ord(ch): "'" for ch in "’‘´"}
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD)


def fold(text: str) -> str:
    """Lower-case, strip accents, unify dashes/quotes and collapse spaces: the key for name matching."""
    # Whole-text C calls instead of a Python step per character (most of start-up at 10,000 pledges); the
    # same result, character for character: ASCII is its own NFKD form and holds no combining mark, so only
    # the runs of other characters go through the table; `split` and `strip` know the same whitespace as `\s`.
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_run, unicodedata.normalize("NFKD", text))
    return " ".join(text.replace("`", "'").split()).casefold()


def fold_aligned(text: str) -> str:
    """`fold` character by character, keeping every offset: question understanding reads spans of the folded
    text and maps them back to the words as typed ("São" -> "sao", "’" -> "'", any space -> " ")."""
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
            continue
        d = "".join(x for x in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(x)).lower()
        d = {"ı": "i", "ø": "o", "–": "-", "—": "-", "‐": "-", "’": "'", "‘": "'", "`": "'", "´": "'"}.get(d, d)
        out.append(d if len(d) == 1 else (d[:1] or " "))
    return "".join(out)


def ascii_form(text: str) -> str:
    """The plain-ASCII spelling of a name, keeping its case ("São Paulo" -> "Sao Paulo")."""
    text = unicodedata.normalize("NFKD", text.replace("–", "-").replace("—", "-"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


@dataclass(frozen=True)
class Word:
    """One word of a text: its folded form and where it stands in the original (character offsets)."""

    text: str  # folded
    start: int
    end: int
    raw: str  # as typed

    @property
    def capitalised(self) -> bool:
        return self.raw[:1].isupper()


# Words keep inner hyphens and apostrophes ("one-stop", "don't"); a trailing possessive is split off below.
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


# French and Italian elision: "d'Afrique" is "Afrique", "l'accueil" is "accueil".
_ELIDED = re.compile(r"^(?:[dlnjsc]|qu|dell|nell|all|sull)['’](?=[^\W\d_]{2})", re.I)


_POSSESSIVE = re.compile(r"['’]s$")
_NOT = re.compile(r"n['’]t$", re.I)
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}  # the rest keep their stem: "does" in "doesn't"


def words(text: str) -> list[Word]:
    """The words of `text` with their offsets; "Milan's" is the word "milan" (the possessive is grammar) and
    "d'Afrique" the word "afrique"."""
    out = []
    for m in _WORD.finditer(text):
        raw, start, end = m.group(0), m.start(), m.end()
        if _POSSESSIVE.search(raw) and len(raw) > 3:
            raw, end = raw[:-2], end - 2
        if elided := _ELIDED.match(raw):
            raw, start = raw[elided.end() :], start + elided.end()
        if (neg := _NOT.search(raw)) and len(raw) > 3:
            # "don't" is "do not", "can't" is "can not": one grammar for the negation however it is typed
            cut = start + neg.start()
            stem = _CONTRACTED.get(raw[: neg.start()].lower(), raw[: neg.start()])
            out += [Word(fold(stem), start, cut, raw[: neg.start()]), Word("not", cut, end, raw[neg.start() :])]
            continue
        out.append(Word(fold(raw), start, end, raw))
    return out


_STOPWORDS = frozenset(
    """a an and are as at be by for from has have how in is it its of on or that the their them they this to was
    were what which who will with does did do can any all about into than then there these those our we you your
    i me my pledge pledges pledged city cities commit commits committed""".split()  # noqa: SIM905 - reads as prose
)

# British spellings users type and the report's American ones (and back): one token for both.
_SPELLING = {
    "centre": "center", "centres": "centers", "programme": "program", "programmes": "programs",
    "organisation": "organization", "organisations": "organizations", "labour": "labor",
    "neighbour": "neighbor", "neighbours": "neighbors", "neighbourhood": "neighborhood",
    "neighbourhoods": "neighborhoods", "behaviour": "behavior", "favour": "favor", "harbour": "harbor",
    "recognise": "recognize", "recognised": "recognized", "mobilise": "mobilize", "mobilised": "mobilized",
    "prioritise": "prioritize", "institutionalise": "institutionalize", "defence": "defense",
    "licence": "license", "licences": "licenses", "travelling": "traveling", "enrol": "enroll",
}  # fmt: skip


_TOKEN_WORD = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """Folded word tokens without stopwords, one spelling for British/American variants, plural -s dropped."""
    return list(filter(None, map(_token, _TOKEN_WORD.findall(fold(text)))))


@lru_cache(maxsize=1 << 16)  # a word's token is worked out once, not at each of its uses in the records
def _token(word: str) -> str:
    """The token of one folded word, or "" for none (a stopword, a single character)."""
    if word in _STOPWORDS or len(word) < 2:
        return ""
    word = _SPELLING.get(word, word)
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def tokenizer_signature() -> str:
    """A short hash of what `tokenize` does (its word lists, and its tokens for a probe covering its rules):
    a saved BM25 index is valid only for the tokenizer that made it."""
    probe = "The Centres' programmes: 2 houses, São Paulo's refugees; labour-market class & neighbours."
    data = json.dumps([sorted(_STOPWORDS), sorted(_SPELLING.items()), tokenize(probe)])
    return hashlib.sha256(data.encode()).hexdigest()[:12]


def bigrams(text: str) -> set[tuple[str, str]]:
    """Adjacent token pairs: "language courses", "refugee camp", "innovation centre" as phrases."""
    tokens = tokenize(text)
    return set(zip(tokens, tokens[1:], strict=False))


# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|etc|No|Dr|Mr|Mrs|Ms|H\.E|Hon|St|vs|Art|U\.S|Ma)\.|\b[A-Z]\.)$")
# The corpus joins a list's items with " - ": after a full stop that dash starts a new item (a sentence).
_BOUNDARY = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?:- )?(?=[“\"(]?[A-Z0-9ÁÉÍÓÚÜÑÇ])|\n\n+(?:- )?")


def sentences(text: str) -> list[str]:
    """Sentences of `text`, each a verbatim substring of it."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        piece = text[start : m.start()].rstrip()
        if "\n" not in m.group(0) and _ABBREV.search(piece):
            continue
        if piece.strip():
            out.append(piece.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
