"""Split records into sentence windows small enough for the 256-token embedder."""

from __future__ import annotations

import re

from .records import Passage, Pledge, Section

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


def pledge_header(p: Pledge) -> str:
    """Context put in front of every passage so a window knows whose pledge it is."""
    return f"{p.submitter} ({p.country}, {p.year}): {p.title}."


def windows(sents: list[str], size: int, stride: int) -> list[tuple[int, list[str]]]:
    if not sents:
        return []
    out = []
    for start in range(0, max(1, len(sents) - size + stride), stride):
        chunk = sents[start : start + size]
        if chunk:
            out.append((start, chunk))
        if start + size >= len(sents):
            break
    return out


def pledge_passages(p: Pledge, size: int = 3, stride: int = 2) -> list[Passage]:
    """Header + sentence windows of the description; the header alone is passage 0 (titles matter)."""
    head = pledge_header(p)
    out = [Passage(f"{p.id}#0", p.id, "pledge", head, 0)]
    for n, (_, chunk) in enumerate(windows(sentences(p.description), size, stride), 1):
        out.append(Passage(f"{p.id}#{n}", p.id, "pledge", head + " " + " ".join(chunk), n))
    return out


def section_passages(s: Section, size: int = 3, stride: int = 2) -> list[Passage]:
    """Sentence windows of a narrative section, each prefixed by its heading."""
    head = s.title + "."
    return [
        Passage(f"{s.id}#{n}", s.id, "section", head + " " + " ".join(chunk), n)
        for n, (_, chunk) in enumerate(windows(sentences(s.text), size, stride))
    ]
