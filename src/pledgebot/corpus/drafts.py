"""A pledge while it is being read (from a submission or a priority action), and the record fields it yields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Quote
from .text import Para, clean

_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")


@dataclass
class Draft:
    """A pledge while it is being read: raw fields and the paragraphs of its description."""

    year: int
    submitter_heading: str
    country_line: str
    title: str
    title_line: int
    section: str
    mayor: str | None = None
    duration: str | None = None
    pledge_type: str | None = None
    body: list[Para] | None = None
    priorities: tuple[int, ...] = ()
    quotes: tuple[Quote, ...] = ()


def parse_duration(duration: str | None) -> tuple[int | None, int | None, bool]:
    """(start_year, end_year, ongoing) read from a DURATION line such as "Oct 2023 – Ongoing"."""
    if not duration:
        return None, None, False
    years = [int(y) for y in _YEAR.findall(duration)]
    ongoing = "ongoing" in duration.casefold()
    if not years:
        return None, None, ongoing
    start = years[0]
    end = None if ongoing else years[-1]
    return start, end, ongoing


def draft_fields(d: Draft) -> dict:
    """The record fields a draft settles by itself (who submitted it is resolved elsewhere)."""
    body = d.body or []
    description = "\n\n".join(c for c in (clean(p.text) for p in body) if c)
    start, end, ongoing = parse_duration(d.duration)
    last = max([p.end for p in body] + [d.title_line])
    gcf = bool(re.search(r"(supported by|support from|support of) the Global Cities Fund", description))
    return {
        "year": d.year,
        "title": d.title,
        "mayor": d.mayor,
        "duration": d.duration,
        "start_year": start,
        "end_year": end,
        "ongoing": ongoing,
        "pledge_type": d.pledge_type,
        "priorities": d.priorities,
        "priorities_inferred": False,
        "description": description,
        "quotes": (),
        "joint_with": None,
        "gcf_supported": gcf,
        "source": {
            # a submission is cited under its submitter's heading; a highlighted action under its own section
            "section": f"{d.section} › {d.submitter_heading.title()}" if d.submitter_heading else d.section,
            "line_start": d.title_line,
            "line_end": last,
        },
    }
