"""Split records into sentence windows small enough for the 256-token embedder."""

from __future__ import annotations

from .records import Passage, Pledge, Section
from .text import sentences

__all__ = ["pledge_header", "pledge_passages", "section_passages", "sentences", "windows"]


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
