"""A priority named by its words ("the priority on <words of its heading>", "the <words> priority"), not its
number: the Call's priorities are the report's own headings, so their words are read from the records' sections
(`Lexicon.priority_words`), not listed here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import tokenize
from .lexicon import Lexicon

if TYPE_CHECKING:  # facets reads priorities with this, and imports it
    from .facets import Reading

# how far from the word "priority" its name may stand: a heading's words run to five or six before it
_REACH = 7


def read_named_priority(r: Reading, lex: Lexicon) -> None:
    """Set `r.priority` from the words beside "priority" that only one priority's heading uses; those words, the
    other words of that heading beside it and "priority" itself are consumed: they name a filter, not a topic."""
    if r.priority is not None or not r.english or not lex.priority_words:
        return
    for n, w in enumerate(r.words):
        if w.text not in ("priority", "priorities") or n in r.consumed:
            continue
        near = [k for k in range(max(0, n - _REACH), min(len(r.words), n + _REACH + 1)) if _open(r, lex, k, n)]
        votes: dict[int, int] = {}
        for k in near:
            for t in tokenize(r.words[k].text):
                if len(owners := lex.priority_words.get(t, ())) == 1:
                    votes[owners[0]] = votes.get(owners[0], 0) + 1
        best = sorted(votes.items(), key=lambda kv: -kv[1])
        if not best or (len(best) > 1 and best[1][1] == best[0][1]):
            continue  # no word of one priority's own, or as many of two: no priority named
        chosen = best[0][0]
        r.priority = chosen
        mine = [k for k in near if any(chosen in lex.priority_words.get(t, ()) for t in tokenize(r.words[k].text))]
        for k in [*mine, n]:
            r.consumed[k] = "priority"
        return


def _open(r: Reading, lex: Lexicon, k: int, at: int) -> bool:
    """Whether word `k` may name the priority beside word `at`: in the same sentence, read as nothing else, and
    not a word every question uses (chatter, cities, the records' own nouns)."""
    lo, hi = sorted((k, at))
    same_sentence = not any(c in r.text[r.words[lo].end : r.words[hi].start] for c in ".?!;")
    word = r.words[k].text
    plain = word in lex.chatter or word in lex.city_words or word in lex.record_nouns
    return k != at and same_sentence and k not in r.consumed and k not in r.aside and not plain
