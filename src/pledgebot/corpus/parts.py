"""Pass 2 landmarks: where the report's parts begin, and the participants lists of its front matter."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CorpusError
from ..reports import Layout

# The part headings are an edition's own: they come from its profile (data/reports.yaml, `layout`).

# First lines that open a structured block; a quote or a description never runs into one.
PRIORITY_HEADING = re.compile(r"^([1-8])\. ([A-Z][A-Z ,\-–&]+)$")
ACTION_HEADING = re.compile(r"^(\d{4}) Action\s*[–—-]\s*(.+)$")  # any edition's year
FIELD = re.compile(r"^(TITLE|DURATION|TYPE OF PLEDGE|PROJECT DESCRIPTION|Mayor)\s*:\s*(.*)$")

Listed = tuple[str, str, int]  # (name, country, line) of a participants-list entry
Span = tuple[int, int, str]  # (first line index, end line index, part name)


def find_line(lines: list[str], pattern: str, path: Path, start: int = 0) -> int:
    """Index of the first line from `start` matching `pattern`; a missing heading is a CorpusError."""
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i].strip()):
            return i
    # the search may start past the last line (the file ends at a heading): name the last line then
    line = min(start + 1, len(lines))
    raise CorpusError(f"expected a heading matching {pattern!r} from line {start + 1} on", path=path, line=line)


def participants(lines: list[str], start: int, end: int) -> list[Listed]:
    """(name, country, line) from a front-matter list such as "Arua, Uganda (2)" or "- Amman**, Jordan"."""
    out = []
    for i in range(start, end):
        m = re.match(r"^-?\s*(.+?)\**,\s*(.+?)(?:\s*\((\d+)\))?$", lines[i].strip())
        if m:
            out.append((m.group(1).strip("* "), m.group(2).strip(), i + 1))
        elif lines[i].strip().startswith("Mayors Mechanism - "):
            out.append((lines[i].split("-", 1)[1].strip(), lines[i].split("-", 1)[1].strip(), i + 1))
    return out


def read_layout(lines: list[str], path: Path, layout: Layout) -> tuple[list[Listed], list[Listed], list[Span]]:
    """The participants lists (2022 and 2023 in the 2023 report), and each part's span of lines."""
    list_heading, next_heading, contents_heading = layout.lists
    i2022 = find_line(lines, list_heading, path)
    i2023 = find_line(lines, next_heading, path, i2022)
    icontent = find_line(lines, contents_heading, path, i2023)
    anchors = []
    pos = icontent
    for part in layout.parts:
        idx = find_line(lines, part.heading, path, pos)
        anchors.append((idx, part.name))
        pos = idx + 1
    spans = [
        (a, (anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)), name) for k, (a, name) in enumerate(anchors)
    ]

    list2022 = participants(lines, i2022 + 1, i2023)
    list2023 = participants(lines, i2023 + 1, icontent)
    if not list2022 or not list2023:
        raise CorpusError("the participants lists are empty", path=path, line=i2022 + 1)
    return list2022, list2023, spans


def part_span(spans: list[Span], part: str) -> tuple[int, int]:
    """(start, end) line indices of the named part."""
    start = next(a for a, _, n in spans if n == part)
    end = next(e for _, e, n in spans if n == part)
    return start, end
