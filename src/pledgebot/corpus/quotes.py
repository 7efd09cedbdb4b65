"""Quotes printed in the report's blocks: the quoted text and the attribution lines under it.

(pledgebot.quotes, outside this package, collects quotes from the finished records.)
"""

from __future__ import annotations

import re

from ..records import Quote
from .parts import ACTION_HEADING, FIELD, PRIORITY_HEADING
from .text import Para, clean, is_caption, is_heading, is_quote


def take_quote(paras: list[Para], i: int) -> tuple[Quote, int, int]:
    """Read the quote at paras[i] and its attribution; returns (quote, next index, last line)."""
    text = paras[i].text
    j = i
    # a quote cut by a page break goes on in the next paragraph, but never for long
    while not re.search(r"[”\"]", text[1:]) and j + 1 < len(paras) and j - i < 3 and not looks_structural(paras[j + 1]):
        j += 1
        text += " " + paras[j].text
    attribution: list[str] = []
    end = paras[j].end
    k = j + 1
    while k < len(paras) and len(attribution) < 4:
        p = paras[k]
        short_lines = all(len(line) < 70 and not line.endswith(".") for line in p.text.split("\n"))
        if not short_lines or looks_structural(p) or is_caption(p.text) or is_quote(p.text) or is_heading(p.text):
            break
        attribution.extend(line.strip().rstrip(",") for line in p.text.split("\n"))
        end = p.end
        k += 1
        if len(attribution) >= 2:
            break
    body = clean(text).strip('“”" ')
    speaker = attribution[0] if attribution else ""
    role = " ".join(attribution[1:])
    return Quote(body, clean(speaker), clean(role)), k, end


def looks_structural(p: Para) -> bool:
    """Whether the paragraph opens a field, an action or a priority (so it ends any quote before it)."""
    first = p.first
    return bool(FIELD.match(first) or ACTION_HEADING.match(first) or PRIORITY_HEADING.match(first))
