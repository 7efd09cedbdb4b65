"""The editions a corpus can hold (`data/reports.yaml`): what is specific to one report, as data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Part:
    heading: str  # a regular expression for the line that opens the part
    name: str  # the part as citations name it
    role: str = ""  # "priorities" or "submissions": read as records; "" is narrative


@dataclass(frozen=True)
class Layout:
    """Where a report's parts are: what the parser needs to know about one edition's text."""

    lists: tuple[str, ...]  # headings of the participants lists, one per year, then of what ends the last
    parts: tuple[Part, ...]

    def part(self, role: str) -> str:
        """The name of the part with `role`."""
        return next(p.name for p in self.parts if p.role == role)


@dataclass(frozen=True)
class ReportProfile:
    id: str
    title: str
    short: str  # how an English answer names it: "the 2023 report"
    file: str = ""
    years: tuple[int, ...] = ()
    priorities: int = 0
    names: tuple[tuple[str, str], ...] = ()  # (language, name) for answers in other languages
    year_labels: tuple[tuple[int, str], ...] = ()  # what a record's year means in this edition
    cite: str = ""  # how a quote's attribution names it ("Localizing the Global Compacts, 2023")
    layout: Layout | None = None  # None: not a report text (a table of pledges), or the first profile's layout

    @property
    def citation(self) -> str:
        return self.cite or self.title

    def name(self, lang: str = "en") -> str:
        """The edition as an answer in `lang` names it, with its article ("el informe de 2023"); English,
        then the id, when the profile has no name in that language."""
        return dict(self.names).get(lang, self.short)

    def year_label(self, year: int) -> str:
        """What `year` means for a record of this edition ("highlighted 2022 action"), or ""."""
        return dict(self.year_labels).get(year, "")


def _profile(r: dict) -> ReportProfile:
    short = r["short"]
    names = short if isinstance(short, dict) else {"en": short}
    if r.get("layout") and not (r.get("years") and int(r.get("priorities", 0)) > 0):
        # the parser dates the submissions by the latest year and reads that many priorities
        msg = f"reports.yaml: {r['id']} has a layout, so it needs its years and its number of priorities"
        raise ValueError(msg)
    return ReportProfile(
        r["id"],
        r["title"],
        names["en"],
        r.get("file", ""),
        tuple(r.get("years") or ()),
        int(r.get("priorities", 0)),
        tuple(sorted(names.items())),
        tuple(sorted((int(y), str(label)) for y, label in (r.get("year_labels") or {}).items())),
        r.get("cite", ""),
        _layout(r["layout"]) if r.get("layout") else None,
    )


def _layout(data: dict) -> Layout:
    if len(data["lists"]) != 3:  # the parser reads two participants lists and the heading after them
        msg = f"reports.yaml: layout.lists needs 3 headings, got {len(data['lists'])}"
        raise ValueError(msg)
    parts = tuple(Part(p["heading"], p["name"], p.get("role", "")) for p in data["parts"])
    return Layout(tuple(data["lists"]), parts)


@lru_cache(maxsize=1)
def load_profiles() -> tuple[ReportProfile, ...]:
    """The shipped report profiles."""
    data = yaml.safe_load(files("pledgebot.data").joinpath("reports.yaml").read_text(encoding="utf-8"))
    return tuple(_profile(r) for r in data["reports"])


def editions(report_ids: Iterable[str], profiles: tuple[ReportProfile, ...] | None = None) -> tuple[ReportProfile, ...]:
    """The profiles of the editions `report_ids` name, each once, in the profiles' order (listed editions
    first, then unlisted ones by id); no records at all is the first profile's corpus."""
    listed = profiles or load_profiles()
    ids = {profile(i, listed).id for i in report_ids}
    if not ids:
        return listed[:1]
    known = [p for p in listed if p.id in ids]
    return (*known, *(profile(i, listed) for i in sorted(ids - {p.id for p in known})))


def profile_for_file(path: Path, profiles: tuple[ReportProfile, ...] | None = None) -> ReportProfile:
    """The profile whose report text is `path` (by file name); an unlisted file gets a profile named after
    it with the first profile's layout, years and priorities, so a new edition of the same layout parses
    before anyone writes its profile."""
    listed = profiles or load_profiles()
    for profile in listed:
        if profile.file == Path(path).name:
            return profile
    stem = Path(path).stem
    return replace(listed[0], id=stem, title=stem, short=stem, names=(), cite="", file=Path(path).name, year_labels=())


def profile(report_id: str, profiles: tuple[ReportProfile, ...] | None = None) -> ReportProfile:
    """The profile of `report_id`; an id without one is shown as itself. Records that name no edition ("")
    were parsed before records knew their report: the first profile's, the report the corpus began with."""
    listed = profiles or load_profiles()
    if not report_id:
        return listed[0]
    return next((p for p in listed if p.id == report_id), ReportProfile(report_id, report_id, report_id))


_NUMBERED = re.compile(r"^([1-9])\.\s+(.+)$")


def priority_heading(report_id: str, heading: tuple[str, ...]) -> tuple[int, str] | None:
    """The number and words of the priority a section presents ("7. Supporting reception …" -> 7, "Supporting
    reception …"): a heading numbered under its edition's priorities part; None for any other section."""
    layout = profile(report_id).layout or profile("").layout
    part = layout.part("priorities") if layout is not None else None
    m = _NUMBERED.match(heading[-1]) if part and heading and heading[0] == part else None
    return (int(m.group(1)), m.group(2)) if m else None
