"""Text primitives: folding, words with offsets, tokens, sentences."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from pledgebot.text import _SPELLING, _STOPWORDS, bigrams, fold, fold_aligned, sentences, tokenize, words

# -- `fold` and `tokenize` as they were written before the start-up work (one Python step per character): the
# fast versions must give exactly what these give. test_lexicon.py uses them too.


def old_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ı", "i").replace("ø", "o").replace("ß", "ss")
    text = re.sub(r"[–—‐-]", "-", text)
    text = re.sub(r"[’‘`´]", "'", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


def old_tokenize(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z0-9]+", old_fold(text)):
        if w in _STOPWORDS or len(w) < 2:
            continue
        w = _SPELLING.get(w, w)
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("São Paulo", "sao paulo"),
        ("Zürich", "zurich"),
        ("Brașov", "brasov"),
        ("  Galați – Romania ", "galati - romania"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


# Each case is one rule of `fold` the fast path must keep: ASCII (no decomposition), accents, the letters and
# marks it spells one way, every kind of whitespace, compatibility forms, and text with nothing to fold.
FOLD_CASES = [
    "",
    "   ",
    "plain ascii, nothing to do",
    "Tabs\tand\nnew  lines\r\n and \x0b\x0c\x1c\x1f separators ",
    'back`tick and ´acute and don’t ‘quote’ "straight"',
    "en–dash em—dash ‐hyphen - minus",
    "Iğdır ıi Øresund ø Straße ß",
    "e\u0301 a\u0308 combining marks apart, \u0301 alone",
    "ﬁve ½ ² ℃ Ⅻ ｆｕｌｌｗｉｄｔｈ",
    "no-break\u00a0space, ideographic\u3000space, line\u2028separator, thin\u2009space",
    "Σίσυφος ΣΑΣ ΐ",
    "Дмитрий Львів",
    "مرحبا بكم",
    "東京 한국어 emoji 🙂 ",
    "ǅ ǈ ǋ titlecase digraphs, İstanbul",
    "\u0301\u0301 leading marks",
]


@pytest.mark.parametrize("text", FOLD_CASES)
def test_fold_is_the_old_fold(text):
    assert fold(text) == old_fold(text)
    assert tokenize(text) == old_tokenize(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Centres' programmes: 2 houses, São Paulo's refugees; labour-market class & neighbours.",
        "a I 1 22 is glass buses bus classes the THE The",  # stopwords, one letter, -ss, short -s
        "neighbours neighbours neighbours programmes",  # a word's second use comes from the cache
        "PLEDGES pledged cities City organisations recognised",
    ],
)
def test_tokenize_is_the_old_tokenize(text):
    assert tokenize(text) == old_tokenize(text)


def test_fold_is_the_old_fold_for_every_character():
    """Every code point, in runs of consecutive ones: between spaces, and between ASCII letters."""
    points = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(points), 512):
        run = "".join(points[start : start + 512])
        for text in (" ".join(run), "a" + "b".join(run) + "`"):
            assert fold(text) == old_fold(text), f"code points from U+{ord(run[0]):04X}"


@pytest.mark.parametrize("raw", ["What did São Paulo’s mayor say?", "Zürich  —  and ﬁve\tmore", "Ærø and Øresund"])
def test_fold_aligned_keeps_every_offset(raw):
    assert len(fold_aligned(raw)) == len(raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Milan's early-childhood project", ["milan", "early-childhood", "project"]),
        ("villes d'Afrique du Nord", ["villes", "afrique", "du", "nord"]),
        ("l'accueil des réfugiés", ["accueil", "des", "refugies"]),
        ("doesn't have an end date", ["does", "not", "have", "an", "end", "date"]),
    ],
)
def test_words_split_possessives_and_elisions(text, expected):
    found = words(text)
    assert [w.text for w in found] == expected
    for w in found:
        assert text[w.start : w.end] == w.raw  # offsets point at the word as typed


def test_tokens_share_one_spelling_and_drop_plurals():
    assert tokenize("Programmes for the neighbourhood centres") == ["program", "neighborhood", "center"]
    assert ("language", "course") in bigrams("language courses for refugees")


def test_sentences_are_verbatim_and_split_list_items():
    text = "Trends. - 84% of actions were from LRGs (59 actions). The remaining 16% came from networks. - 20% did more."
    found = sentences(text)
    assert found == [
        "Trends.",
        "84% of actions were from LRGs (59 actions).",
        "The remaining 16% came from networks.",
        "20% did more.",
    ]
    assert all(s in text for s in found)
    assert sentences("Dr. Smith met e.g. the mayor. Then left.") == ["Dr. Smith met e.g. the mayor.", "Then left."]
