"""The whole parse: the report text at a path -> Corpus (pledges, sections, priorities)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CorpusError
from ..places import Gazetteer, default_gazetteer
from ..records import Pledge, Section
from ..reports import profile_for_file
from .parts import PRIORITIES_PART, PRIORITY_HEADING, SUBMISSIONS_PART, find_line, part_span, read_layout
from .pledges import build_pledges
from .priorities import Priority, parse_priorities
from .sections import parse_sections
from .submissions import parse_submissions
from .text import is_heading, read_report


@dataclass(frozen=True)
class Corpus:
    """Everything parsed from the report."""

    pledges: tuple[Pledge, ...]
    sections: tuple[Section, ...]
    priorities: tuple[Priority, ...]

    def pledge(self, pledge_id: str) -> Pledge:
        for p in self.pledges:
            if p.id == pledge_id:
                return p
        raise KeyError(pledge_id)


def parse_report(path: Path, gazetteer: Gazetteer | None = None) -> Corpus:
    """Parse the report text at `path` into pledges and sections; CorpusError names file and line."""
    gaz = gazetteer or default_gazetteer()
    lines = read_report(path)
    list2022, list2023, spans = read_layout(lines, path)

    pr_start, pr_end = part_span(spans, PRIORITIES_PART)
    first_priority = find_line(lines, PRIORITY_HEADING.pattern, path, pr_start)
    priorities, actions, priority_sections = parse_priorities(lines, first_priority, pr_end, path)

    sub_start, sub_end = part_span(spans, SUBMISSIONS_PART)
    first_title = find_line(lines, r"^TITLE:", path, sub_start)
    # the submissions start at the first submitter's heading, just above its first TITLE
    intro_end = first_title
    while intro_end > sub_start and not is_heading(lines[intro_end].strip()):
        intro_end -= 1
    drafts, quotes = parse_submissions(lines, intro_end, sub_end, path)
    if not drafts:
        raise CorpusError("no pledges found in the 2023 submissions", path=path, line=sub_start + 1)

    # the priorities and the submissions are read as blocks above; only their introductions are narrative
    narrative = [
        (a, first_priority if n == PRIORITIES_PART else (intro_end if n == SUBMISSIONS_PART else e), n)
        for a, e, n in spans
    ]
    sections = parse_sections(lines, narrative)
    by_part = {s.heading[0]: k for k, s in enumerate(sections) if s.heading[0] == PRIORITIES_PART}
    insert_at = by_part.get(PRIORITIES_PART, len(sections)) + 1
    sections[insert_at:insert_at] = priority_sections

    pledges = build_pledges(drafts, actions, quotes, priorities, list2022, list2023, gaz, path)
    edition = profile_for_file(path).id  # every record knows its edition: a corpus holds several
    return Corpus(
        tuple(replace(p, report=edition) for p in pledges),
        tuple(replace(s, report=edition) for s in sections),
        tuple(priorities),
    )
