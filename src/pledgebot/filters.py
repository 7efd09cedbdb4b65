"""Filters: every constraint on which pledges may answer, with one `matches()`, and where a pledge counts.

A filter is set explicitly (CLI flags, app controls) or read from a question; either way it is this one
type. The counting rule lives here too, so chat, Browse and Overview count alike: a pledge counts under
its own submitter and under each country its record names (a joint pledge printed once per partner is
one record per partner, each under its own submitter and country; "Milan and Freetown" is one record
naming Italy and Sierra Leone).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import QuestionError
from .places import Gazetteer, default_gazetteer, fold
from .records import PLEDGE_TYPES, REGIONS, SUBMITTER_KINDS, Pledge

_TYPE_WORDS = {
    "mirror": "Mirror",
    "mirror pledge": "Mirror",
    "gcm": "GCM only",
    "gcm only": "GCM only",
    "gcm-only": "GCM only",
    "gcr": "GCR only",
    "gcr only": "GCR only",
    "gcr-only": "GCR only",
    "idp": "IDP",
    "idps": "IDP",
}
_KIND_WORDS = {
    "city": "city",
    "cities": "city",
    "municipality": "city",
    "region": "region",
    "province": "region",
    "state": "region",
    "county": "region",
    "organization": "organization",
    "organisation": "organization",
    "network": "organization",
    "national government": "national government",
    "government": "national government",
}


@dataclass(frozen=True)
class YearRange:
    """An inclusive range of years; an open end is None ("2019 or earlier" is YearRange(None, 2019))."""

    lo: int | None = None
    hi: int | None = None

    def contains(self, year: int | None) -> bool:
        if year is None:
            return False
        return (self.lo is None or year >= self.lo) and (self.hi is None or year <= self.hi)

    @property
    def exact(self) -> int | None:
        return self.lo if self.lo is not None and self.lo == self.hi else None

    def describe(self) -> str:
        if self.exact is not None:
            return f"in {self.exact}"
        if self.lo is None:
            return f"in {self.hi} or earlier"
        if self.hi is None:
            return f"in {self.lo} or later"
        return f"between {self.lo} and {self.hi}"


@dataclass(frozen=True)
class Filters:
    """Constraints on which pledges may answer. Empty tuples, None and False mean "any"."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    submitters: tuple[str, ...] = ()
    year: int | None = None  # the report year: 2023 submissions or 2022 actions
    pledge_types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    priority: int | None = None
    place_label: str | None = None  # what the user called the place ("East Africa", "Greek")
    start: YearRange | None = None  # when the pledge's work starts
    start_month: int | None = None  # and in which month ("kicked off in October 2023")
    end: YearRange | None = None  # when it ends
    open_ended: bool = False  # no end date
    gcf: bool = False  # a Global Cities Fund grant supports it
    joint: bool = False  # made together by two places
    quoted: bool = False  # printed with a speaker's quote
    # Text predicates: each group lists other names of one thing (an agency); the pledge must name one of them
    # ("projects with UN-Habitat or UNDP", "… with UNHCR and IOM": users who name two want either).
    mentions: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[str, ...] = ()  # places set aside ("apart from the Philippine ones"): submitters, countries, regions

    def is_empty(self) -> bool:
        return replace(self, place_label=None) == Filters()

    def has_place(self) -> bool:
        return bool(self.countries or self.regions or self.submitters)

    def without_place(self) -> Filters:
        return replace(self, countries=(), regions=(), submitters=(), place_label=None)

    def with_place_of(self, other: Filters) -> Filters:
        """These filters with `other`'s place (its countries, regions, submitters and what the user called it)."""
        return replace(
            self, countries=other.countries, regions=other.regions, submitters=other.submitters, place_label=other.place_label
        )

    def place_name(self) -> str | None:
        """How to name the place filter to the user."""
        if self.place_label:
            return self.place_label
        names = [*self.submitters, *self.countries, *self.regions]
        return ", ".join(names) if names else None

    def matches(self, p: Pledge, gazetteer: Gazetteer | None = None) -> bool:
        """Whether pledge `p` satisfies every constraint."""
        if self.year is not None and p.year != self.year:
            return False
        if self.submitters and p.submitter not in self.submitters:
            return False
        if self.countries and not set(countries_of(p)) & set(self.countries):
            return False
        if self.regions and not set(regions_of(p, gazetteer)) & set(self.regions):
            return False
        if self.pledge_types and p.pledge_type not in self.pledge_types:
            return False
        if self.kinds and p.submitter_kind not in self.kinds:
            return False
        if self.priority is not None and self.priority not in p.priorities:
            return False
        if self.exclude and {p.submitter, *countries_of(p), *regions_of(p, gazetteer)} & set(self.exclude):
            return False
        return self._matches_dates(p) and self._matches_flags(p)

    def _matches_dates(self, p: Pledge) -> bool:
        if self.start is not None and not self.start.contains(p.start_year):
            return False
        if self.start_month is not None and start_month(p) != self.start_month:
            return False
        if self.end is not None and not self.end.contains(p.end_year):
            return False
        # a pledge printed without a duration (the 2022 actions) says nothing about its end
        return not (self.open_ended and (p.end_year is not None or p.duration is None))

    def _matches_flags(self, p: Pledge) -> bool:
        if self.gcf and not p.gcf_supported:
            return False
        if self.joint and not is_joint(p):
            return False
        if self.quoted and not p.quotes:
            return False
        if self.mentions:
            text = fold(f"{p.title} {p.description}")
            return any(_names(text, fold(name)) for group in self.mentions for name in group)
        return True

    def merged(self, other: Filters) -> Filters:
        """`other`'s set fields override this one's (explicit controls win over inferred ones)."""
        values = {f.name: getattr(other, f.name) or getattr(self, f.name) for f in fields(self)}
        return replace(self, **values)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (`ask --json`): only what is set; dates as the years people say."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            special = ("start", "end", "start_month", "gcf", "joint", "open_ended", "mentions", "exclude")
            if value in ((), None, False) or f.name in special:
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        out |= _range_dict("start", self.start) | _range_dict("end", self.end)
        if self.start_month:
            out["start_month"] = self.start_month
        if self.open_ended:
            out["no_end_date"] = True
        if self.gcf:
            out["gcf_supported"] = True
        if self.joint:
            out["joint"] = True
        if self.mentions:
            out["mentions"] = [group[0] for group in self.mentions]
        if self.exclude:
            out["excluding"] = list(self.exclude)
        return out

    @classmethod
    def from_flags(cls, args: Any, gazetteer: Gazetteer | None = None) -> Filters:
        """Normalise explicit filter values (CLI flags or UI controls); unknown values are errors."""
        return normalise(
            country=getattr(args, "country", None),
            region=getattr(args, "region", None),
            year=getattr(args, "year", None),
            pledge_type=getattr(args, "pledge_type", None),
            kind=getattr(args, "kind", None),
            priority=getattr(args, "priority", None),
            gazetteer=gazetteer,
        )


def _range_dict(name: str, r: YearRange | None) -> dict[str, int]:
    if r is None:
        return {}
    if r.exact is not None:
        return {f"{name}_year": r.exact}
    if name == "start" and r.lo is None and r.hi is not None:
        return {"started_by": r.hi}  # the name `ask --json` has always used for "started in X or earlier"
    return {k: v for k, v in ((f"{name}_from", r.lo), (f"{name}_to", r.hi)) if v is not None}


_MONTHS = {m.lower(): n for n, m in enumerate(calendar.month_name) if m} | {
    m.lower(): n for n, m in enumerate(calendar.month_abbr) if m
} | {"sept": 9}


def start_month(p: Pledge) -> int | None:
    """The month a pledge's duration starts in ("Oct 2023 – Sept 2024" -> 10), when it names one."""
    m = re.match(r"\s*([A-Za-z]+)\.?\s+\d{4}", p.duration or "")
    return _MONTHS.get(m.group(1).lower()) if m else None


def _names(text: str, name: str) -> bool:
    """Whether folded `text` names `name` as a whole word or phrase (an optional plural -s)."""
    return re.search(rf"(?<![\w-]){re.escape(name)}s?(?![\w-])", text) is not None


def countries_of(p: Pledge) -> tuple[str, ...]:
    """The countries a pledge counts under: each its record names."""
    return p.countries or (p.country,)


def regions_of(p: Pledge, gazetteer: Gazetteer | None = None) -> tuple[str, ...]:
    """The regions a pledge counts under: its own, and those of the other countries its record names."""
    gaz = gazetteer or default_gazetteer()
    extra = [gaz.region_of(c) for c in countries_of(p) if c != p.country]
    return tuple(dict.fromkeys([p.region, *extra]))


def is_joint(p: Pledge) -> bool:
    """Made together by two places: printed once per partner, or one record naming both countries."""
    return bool(p.joint_with) or len(p.countries) > 1


def normalise(
    country: str | None = None,
    region: str | None = None,
    year: int | None = None,
    pledge_type: str | None = None,
    kind: str | None = None,
    priority: int | None = None,
    gazetteer: Gazetteer | None = None,
) -> Filters:
    """Explicit filter values -> Filters, accepting any spelling the gazetteer knows."""
    gaz = gazetteer or default_gazetteer()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    if country:
        c = gaz.match_country(country)
        if c is None:
            msg = f"unknown country {country!r}"
            raise QuestionError(msg)
        countries = (c.name,)
    if region:
        key = fold(region)
        if key in gaz.region_keys:
            regions = (gaz.region_keys[key],)
        elif key in gaz.subregion_keys:
            countries = countries or gaz.subregions[gaz.subregion_keys[key]]
        else:
            msg = f"unknown region {region!r}; one of: {', '.join(REGIONS)}"
            raise QuestionError(msg)
    return Filters(
        countries,
        regions,
        (),
        _year(year),
        _one_of(pledge_type, _TYPE_WORDS, "pledge type", PLEDGE_TYPES),
        _one_of(kind, _KIND_WORDS, "submitter kind", SUBMITTER_KINDS),
        _priority(priority),
    )


def _one_of(value: str | None, words: dict[str, str], what: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        return ()
    found = words.get(fold(value))
    if found is None:
        msg = f"unknown {what} {value!r}; one of: {', '.join(allowed)}"
        raise QuestionError(msg)
    return (found,)


def _year(year: int | None) -> int | None:
    # any edition's year: a corpus holds several, and a year no record has simply matches nothing
    if year is not None and not 1900 <= year <= 2100:
        msg = f"year must be a year such as 2023, got {year}"
        raise QuestionError(msg)
    return year


def _priority(priority: int | str | None) -> int | None:
    if priority is None or priority == "":
        return None
    if not 1 <= int(priority) <= 8:
        msg = f"priority must be 1-8, got {priority}"
        raise QuestionError(msg)
    return int(priority)


def matches(p: Pledge, f: Filters) -> bool:
    """Whether pledge `p` satisfies every constraint in `f` (the same as `f.matches(p)`)."""
    return f.matches(p)


def apply_filters(pledges: list[Pledge], f: Filters) -> list[Pledge]:
    """The pledges that satisfy `f`, in their original order."""
    return [p for p in pledges if f.matches(p)]
