"""The editions a corpus can hold (`data/reports.yaml`): what is specific to one report, as data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import yaml


@dataclass(frozen=True)
class ReportProfile:
    id: str
    title: str
    short: str
    file: str = ""
    years: tuple[int, ...] = ()
    priorities: int = 0


@lru_cache(maxsize=1)
def load_profiles() -> tuple[ReportProfile, ...]:
    """The shipped report profiles."""
    data = yaml.safe_load(files("pledgebot.data").joinpath("reports.yaml").read_text(encoding="utf-8"))
    return tuple(
        ReportProfile(
            r["id"], r["title"], r["short"], r.get("file", ""), tuple(r.get("years") or ()), int(r.get("priorities", 0))
        )
        for r in data["reports"]
    )


def profile_for_file(path: Path, profiles: tuple[ReportProfile, ...] | None = None) -> ReportProfile:
    """The profile whose report text is `path` (by file name); an unlisted file gets a profile named after
    it, so a new edition of the same layout parses before anyone writes its profile."""
    for profile in profiles or load_profiles():
        if profile.file == Path(path).name:
            return profile
    stem = Path(path).stem
    return ReportProfile(stem, stem, stem)


def profile(report_id: str, profiles: tuple[ReportProfile, ...] | None = None) -> ReportProfile:
    """The profile of `report_id`; an id without one is shown as itself. Records that name no edition ("")
    were parsed before records knew their report: the first profile's, the report the corpus began with."""
    listed = profiles or load_profiles()
    if not report_id:
        return listed[0]
    return next((p for p in listed if p.id == report_id), ReportProfile(report_id, report_id, report_id))
