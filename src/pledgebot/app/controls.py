"""The filter controls: the values the dropdowns offer, the Filters they describe, filters put in words.

`answer_filters` is the one place the app reads an answer's filters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from ..errors import QuestionError
from ..filters import Filters, normalise
from ..places import fold
from ..records import PLEDGE_TYPES, REGIONS, Answer, Pledge, Section

ANY = "Any"
FILTER_LABELS = {
    "countries": "country",
    "regions": "region",
    "submitters": "submitter",
    "year": "year",
    "pledge_types": "pledge type",
    "kinds": "submitter kind",
    "priority": "priority",
    "start_year": "starting",
    "started_by": "started by",
    "start_from": "starting from",
    "start_to": "starting by",
    "end_year": "running until",
    "end_from": "ending from",
    "end_to": "ending by",
    "no_end_date": "no end date",
    "gcf_supported": "Global Cities Fund",
    "joint": "joint pledges",
    "quoted": "printed with a quote",
    "mentions": "naming",
}
_MACHINE_NOTE = re.compile(r"^[a-z][a-z-]*:")  # the pipeline's internal notes ("no-place:X") are not for users


@dataclass(frozen=True)
class Choices:
    """The values the filter dropdowns offer, taken from the records ("Any" first)."""

    years: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    pledge_types: tuple[str, ...]
    priorities: tuple[str, ...]


def priority_names(records: dict[str, Pledge | Section]) -> dict[int, str]:
    """The eight Call to Local Action priorities by number, read from the report's spotlight section."""
    names = {}
    for n in range(1, 9):
        section = records.get(f"section-priority-{n}")
        heading = section.heading[-1] if isinstance(section, Section) else ""
        names[n] = re.sub(r"^\s*\d+\.\s*", "", heading) or f"Priority {n}"
    return names


def filter_choices(pledges: Sequence[Pledge], names: dict[int, str]) -> Choices:
    """Dropdown values for year, region, country, pledge type and priority, in a sensible order."""
    regions = {p.region for p in pledges}
    # a pledge filed under a region ("Europe") names it as its country; the Region filter offers it already
    countries = {c for p in pledges for c in (p.countries or (p.country,))} - regions - {"Global", ""}
    types = {p.pledge_type for p in pledges if p.pledge_type}
    return Choices(
        years=(ANY, *[str(y) for y in sorted({p.year for p in pledges}, reverse=True)]),
        regions=(ANY, *[r for r in REGIONS if r in regions], *sorted(regions - set(REGIONS))),
        countries=(ANY, *sorted(countries, key=fold)),
        pledge_types=(ANY, *[t for t in PLEDGE_TYPES if t in types]),
        priorities=(ANY, *[f"{n}. {name}" for n, name in sorted(names.items())]),
    )


CONTROL_LABELS = ("Year", "Region", "Country", "Pledge type", "Priority")  # the dropdowns, in their order


def filter_chips(values: Sequence[Any]) -> tuple[str, list[str | None]]:
    """What the Ask tab shows of the filters in force: its accordion's label, and each dropdown's chip text
    ("✕ Country: Greece", a click removes it), None for one left at Any."""
    texts = [
        f"✕ {label}: {value}" if chosen(value) else None for label, value in zip(CONTROL_LABELS, values, strict=False)
    ]
    n = sum(t is not None for t in texts)
    return (f"Filters for the answer: {n} set" if n else "Filters for the answer (optional)"), texts


def chosen(value: Any) -> str | None:
    """A dropdown value, or None for "Any" / nothing."""
    if value is None:
        return None
    text = str(value).strip()
    return None if not text or text == ANY else text


def filters_from_controls(
    year: Any = None,
    region: Any = None,
    country: Any = None,
    pledge_type: Any = None,
    priority: Any = None,
) -> Filters:
    """The Filters the dropdowns describe; QuestionError names any value the library does not know."""
    year_text, priority_text = chosen(year), chosen(priority)
    year_value = None
    if year_text is not None:
        try:
            year_value = int(year_text)
        except ValueError:
            msg = f"year must be a year such as 2023, got {year_text!r}"
            raise QuestionError(msg) from None
    priority_value = None
    if priority_text is not None:
        m = re.match(r"\s*(\d+)", priority_text)
        if not m:
            msg = f"unknown priority {priority_text!r}; choose one of the eight listed"
            raise QuestionError(msg)
        priority_value = int(m.group(1))
    return normalise(
        country=chosen(country),
        region=chosen(region),
        year=year_value,
        pledge_type=chosen(pledge_type),
        priority=priority_value,
    )


def describe_filters(filters: dict[str, Any]) -> str:
    """Filters as a short readable phrase: "country Greece · year 2023"."""
    parts = []
    values = dict(filters)
    if label := values.pop("place_label", None):
        values.pop("countries", None)
        values.pop("regions", None)
        parts.append(f"place {label}")
    for key, value in values.items():
        if value in (None, (), [], ""):
            continue
        name = FILTER_LABELS.get(key, key.replace("_", " "))
        if value is True:
            parts.append(name)
            continue
        items = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        shown = ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")
        parts.append(f"{name} {shown}")
    return " · ".join(parts)


def answer_filters(answer: Answer) -> dict[str, Any]:
    """The filters an answer applied, as a dict: the one place the app reads `answer.filters`."""
    return answer.filters.to_dict() if answer.filters is not None else {}


def filters_line(answer: Answer, explicit: Filters) -> str:
    """Which filters the question itself implied, and which were set with the controls."""
    set_here = explicit.to_dict()
    implied = {k: v for k, v in answer_filters(answer).items() if set_here.get(k) != v}
    lines = [
        f"**Filters your question implied:** {describe_filters(implied)}"
        if describe_filters(implied)
        else "**Filters your question implied:** none"
    ]
    if set_here:
        lines.append(f"**Filters you set:** {describe_filters(set_here)}")
    notes = [n for n in answer.notes if not _MACHINE_NOTE.match(n) and n not in answer.text]
    lines += [f"*{n}*" for n in notes]
    if answer.route is not None:
        # what was read and which handler answered: a miss can be diagnosed from the page
        lines.append(
            f"<details><summary>How I read your question</summary>\n\n{escape(answer.route.summary())}\n\n</details>"
        )
    return "  \n".join(lines)
