"""Mentions: "which pledges mention the private sector?" asks for the words themselves — an exact search of
every pledge the filters let through, citing the sentence that uses them."""

from __future__ import annotations

import re

from ..places import fold
from ..query import Intent, Query
from ..records import Answer, Pledge
from ..text import fold_aligned
from . import policy
from .phrases import say
from .render import MAX_LISTED, citation_for, join_names, render_pledges, reply
from .resources import Ctx


def answer(q: Query, ctx: Ctx) -> Answer:
    phrase = (q.mention or "").strip(" .!,;:")
    if not phrase.strip():
        return policy.nothing_on(q, ctx, "mentions", "no words to look for")
    found, searched, notes = _search(ctx, q, phrase), phrase, []
    if not found and (found := _search(ctx, q, phrase, inflected=True, people=q.people_words)):
        # "mention preventing human trafficking": the pledges write "prevent human trafficking"; the words, not
        # their endings, are what was asked for, and the answer names the words as the pledges write them
        # every form written, in the order found ("stateless individuals", "stateless persons", "statelessness")
        forms = dict.fromkeys(fold(_as_written(f"{p.title}. {hit}", phrase, q.people_words)) for p, hit in found)
        searched = "”, “".join(list(forms)[:3])
        notes.append(say(q.language, "mentions.inflected", phrase=phrase, found=searched))
    # "name UNHCR as the partner that runs it": the phrase as typed is in no pledge; the name in it is
    for name in q.mention_names if not found else ():
        if found := _search(ctx, q, name):
            searched = name
            notes.append(say(q.language, "mentions.narrowed", phrase=phrase, name=name))
            break
    lang, place = q.language, q.filters.place_name() if q.filters.has_place() else None
    if not found:
        if place:
            text = say(lang, "mentions.none_from", place=place, phrase=phrase)
        else:
            text = say(lang, "mentions.none", phrase=phrase)
        return reply(q, "mentions", f"no record uses “{phrase}”{_or_names(q)}", text, abstained=True)
    found.sort(key=lambda x: (-x[0].year, fold(x[0].submitter)))
    shown = found[:MAX_LISTED]
    citations = [citation_for(n, p, hit) for n, (p, hit) in enumerate(shown, 1)]
    n = len(found)
    counting = q.intent is Intent.COUNT or q.wants_number
    count = f"**{n}**" if counting else str(n)
    where = say(lang, "mentions.from", place=place) if place else ""
    names = join_names([p.submitter for p, _ in shown], lang)
    lead = say(lang, "mentions.lead", n, number=count, where=where, phrase=searched, names=names)
    return reply(
        q,
        "mentions",
        f"an exact search for “{searched}”" + (f" (no record uses “{phrase}”)" if searched != phrase else ""),
        render_pledges(lead, citations, n, lang=lang),
        citations,
        total=n,
        number=n if counting else None,
        notes=notes,
    )


def _search(
    ctx: Ctx, q: Query, phrase: str, inflected: bool = False, people: tuple[str, ...] = ()
) -> list[tuple[Pledge, str]]:
    """The pledges the filters let through that use `phrase` (or its plural), each with the sentence using it;
    `inflected`: each word with any ending ("preventing" finds "prevent", "prevention"), and a word for people
    in general as any of `people` ("stateless people" finds "stateless persons")."""
    res = ctx.res
    rx = _pattern(phrase, inflected, people)
    found: list[tuple[Pledge, str]] = []
    for p in res.matching(q.filters):
        hit = res.sentences.first_where(p.id, lambda t: bool(rx.search(fold(t))))
        if hit is None and rx.search(fold(p.title)):
            hit = res.sentences.first(p.id)
        if hit is not None:
            found.append((p, hit))
    return found


_VERB_ENDINGS = ("ing", "ed")


def _pattern(phrase: str, inflected: bool, people: tuple[str, ...] = ()) -> re.Pattern[str]:
    words = fold(phrase).split()
    anyone = "(?:" + "|".join(re.escape(fold(w)) for w in sorted(people, key=len, reverse=True)) + ")"
    parts = [anyone if people and w in people else _inflected(w) if inflected else re.escape(w) for w in words]
    if len(words) > 1 and people and words[-1] in people:
        # "stateless people" are also what "statelessness" is about: the quality's noun names them
        parts[-2:] = [f"(?:{_inflected(words[-2])}\\W+{anyone}|{re.escape(words[-2])}ness)"]
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + ("" if inflected else r"(?:e?s)?") + r"(?!\w)")


def _inflected(word: str) -> str:
    """A verb form matches its stem with any ending ("preventing": "prevent", "prevention"); any other word its
    singular or plural only ("humans" does not find "humanitarian")."""
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return re.escape(word[: -len(ending)]) + r"\w*"
    base = word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word
    return re.escape(base) + r"(?:e?s)?"


def _as_written(sentence: str, phrase: str, people: tuple[str, ...] = ()) -> str:
    """The words of `phrase` as `sentence` writes them (folded text and the sentence align letter for letter)."""
    m = _pattern(phrase, True, people).search(fold_aligned(sentence))
    return sentence[m.start() : m.end()] if m else phrase


def _or_names(q: Query) -> str:
    return f" nor {' or '.join(f'“{n}”' for n in q.mention_names)}" if q.mention_names else ""
