"""The whole parse: the report text at a path -> Corpus (pledges, sections, priorities)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CorpusError
from ..places import Gazetteer, default_gazetteer
from ..records import Pledge, Section
from ..reports import ReportProfile, profile_for_file
from .parts import PRIORITY_HEADING, find_line, part_span, read_layout
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


def parse_report(path: Path, gazetteer: Gazetteer | None = None, edition: ReportProfile | None = None) -> Corpus:
    """Parse the report text at `path` into pledges and sections; CorpusError names file and line.
    `edition` is the report's profile (its layout, years, priorities): by default the one listing its file."""
    gaz = gazetteer or default_gazetteer()
    lines = read_report(path)
    edition = edition or profile_for_file(path)  # every record knows its edition: a corpus holds several
    layout = edition.layout
    if layout is None:
        raise CorpusError(f"the profile of {edition.id} in reports.yaml has no layout to read a report with", path=path)
    list2022, list2023, spans = read_layout(lines, path, layout)
    prio_part, sub_part = layout.part("priorities"), layout.part("submissions")

    pr_start, pr_end = part_span(spans, prio_part)
    first_priority = find_line(lines, PRIORITY_HEADING.pattern, path, pr_start)
    priorities, actions, priority_sections = parse_priorities(
        lines, first_priority, pr_end, path, prio_part, edition.priorities
    )

    sub_start, sub_end = part_span(spans, sub_part)
    first_title = find_line(lines, r"^TITLE:", path, sub_start)
    # the submissions start at the first submitter's heading, just above its first TITLE
    intro_end = first_title
    while intro_end > sub_start and not is_heading(lines[intro_end].strip()):
        intro_end -= 1
    # the submissions are the edition's latest year (2023's; the 2022 actions are highlighted ones)
    drafts, quotes = parse_submissions(lines, intro_end, sub_end, path, sub_part, max(edition.years))
    if not drafts:
        raise CorpusError(f"no pledges found in {sub_part}", path=path, line=sub_start + 1)

    # the priorities and the submissions are read as blocks above; only their introductions are narrative
    narrative = [
        (a, first_priority if n == prio_part else (intro_end if n == sub_part else e), n)
        for a, e, n in spans
    ]
    sections = parse_sections(lines, narrative)
    by_part = {s.heading[0]: k for k, s in enumerate(sections) if s.heading[0] == prio_part}
    insert_at = by_part.get(prio_part, len(sections)) + 1
    sections[insert_at:insert_at] = priority_sections

    pledges = build_pledges(drafts, actions, quotes, priorities, list2022, list2023, gaz, path)
    return Corpus(
        tuple(replace(p, report=edition.id) for p in pledges),
        tuple(replace(s, report=edition.id) for s in sections),
        tuple(priorities),
    )
