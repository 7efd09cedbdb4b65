"""Narrative sections: the report's prose under its ALL-CAPS headings, quotes inlined with their speaker."""

from __future__ import annotations

import re
from collections import Counter

from ..places import fold
from ..records import Section, Source
from .parts import Span
from .quotes import take_quote
from .text import clean, is_english, is_heading, is_quote, text_paragraphs

_SMALL = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with", "from", "since", "into"}
_ACRONYMS = {
    "uclg",
    "mmc",
    "iom",
    "unhcr",
    "imrf",
    "lrg",
    "lrgs",
    "gcm",
    "gcr",
    "sdg",
    "sdgs",
    "gcf",
    "un",
    "hlpf",
    "gfmd",
    "idp",
    "idps",
    "c40",
    "eu",
}


def parse_sections(lines: list[str], spans: list[Span]) -> list[Section]:
    """Narrative sections: each ALL-CAPS heading starts one, under the report part it belongs to."""
    sections: list[Section] = []
    seen: Counter[str] = Counter()
    for start, end, part in spans:
        paras = text_paragraphs(lines, start, end)
        heading = part
        body: list[str] = []
        first_line = last_line = start + 1

        i = 0
        while i < len(paras):
            p = paras[i]
            if is_heading(p.text) and not is_quote(p.text):
                _add_section(sections, seen, part, heading, body, first_line, last_line)
                heading, body, first_line = _title_case(p.text), [], p.start
                last_line = p.end
                i += 1
                continue
            if is_quote(p.text):
                quote, i, last = take_quote(paras, i)
                who = ", ".join(x for x in (quote.speaker, quote.role) if x)
                body.append(f"“{quote.text}” — {who}" if who else f"“{quote.text}”")
                last_line = last
                continue
            if not is_english(p.text):
                i += 1
                continue
            words = p.text.split()
            if len(words) < 4 and not p.text.rstrip("*").endswith((".", ":")):
                i += 1  # a chart or graphic label
                continue
            body.append(clean(p.text))
            last_line = p.end
            i += 1
        _add_section(sections, seen, part, heading, body, first_line, last_line)
    return sections


def _add_section(
    sections: list[Section], seen: Counter[str], part: str, heading: str, body: list[str], first: int, last: int
) -> None:
    """Append a narrative section unless it is empty or only graphic labels (they never end a sentence)."""
    text = "\n\n".join(body).strip()
    has_sentence = any(re.search(r"[.!?”]\**$", b) for b in body)
    if len(text.split()) < 12 or not has_sentence:
        return
    key = re.sub(r"[^a-z0-9]+", "-", fold(heading)).strip("-")[:60]
    seen[key] += 1
    sid = f"section-{key}" + (f"-{seen[key]}" if seen[key] > 1 else "")
    path = (part,) if fold(heading) == fold(part) else (part, heading)
    sections.append(Section(sid, path, text, Source(part, first, last)))


def _title_case(text: str) -> str:
    """A report heading in ALL CAPS, as a person would write it."""
    out = []
    for n, w in enumerate(clean(text).split()):
        lw = w.lower()
        core = re.sub(r"\W", "", lw)
        if core in _ACRONYMS:
            out.append(w.upper())
        elif n and lw in _SMALL:
            out.append(lw)
        else:
            out.append(re.sub(r"^(\W*)(\w)", lambda m: m.group(1) + m.group(2).upper(), lw))
    return " ".join(out)
