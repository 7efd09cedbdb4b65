"""Filters on pledge records: set explicitly (CLI flags, UI controls) or inferred from a question."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
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
class Filters:
    """Constraints on which pledges may answer. Empty tuples / None mean "any"."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    submitters: tuple[str, ...] = ()
    year: int | None = None
    pledge_types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    priority: int | None = None
    place_label: str | None = None  # what the user called the place ("East Africa", "Greek")

    def is_empty(self) -> bool:
        return self == Filters()

    def has_place(self) -> bool:
        return bool(self.countries or self.regions or self.submitters)

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v not in ((), None)}

    def merged(self, other: Filters) -> Filters:
        """`other`'s non-empty fields override this one's (explicit controls win over inferred ones)."""
        values = {f.name: getattr(other, f.name) or getattr(self, f.name) for f in fields(self)}
        return replace(self, **values)

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
    types: tuple[str, ...] = ()
    if pledge_type:
        t = _TYPE_WORDS.get(fold(pledge_type))
        if t is None:
            msg = f"unknown pledge type {pledge_type!r}; one of: {', '.join(PLEDGE_TYPES)}"
            raise QuestionError(msg)
        types = (t,)
    kinds: tuple[str, ...] = ()
    if kind:
        k = _KIND_WORDS.get(fold(kind))
        if k is None:
            msg = f"unknown submitter kind {kind!r}; one of: {', '.join(SUBMITTER_KINDS)}"
            raise QuestionError(msg)
        kinds = (k,)
    if year is not None and year not in (2022, 2023):
        msg = f"year must be 2022 or 2023, got {year}"
        raise QuestionError(msg)
    if priority is not None and not 1 <= int(priority) <= 8:
        msg = f"priority must be 1-8, got {priority}"
        raise QuestionError(msg)
    return Filters(countries, regions, (), year, types, kinds, int(priority) if priority else None)


def matches(p: Pledge, f: Filters) -> bool:
    """Whether pledge `p` satisfies every constraint in `f`."""
    if f.year is not None and p.year != f.year:
        return False
    pledge_countries = p.countries or (p.country,)
    if f.submitters and p.submitter not in f.submitters:
        return False
    if f.countries and not set(pledge_countries) & set(f.countries):
        return False
    if f.regions:
        gaz = default_gazetteer()
        pledge_regions = {gaz.region_of(c) for c in pledge_countries} | {p.region}
        if not pledge_regions & set(f.regions):
            return False
    if f.pledge_types and p.pledge_type not in f.pledge_types:
        return False
    if f.kinds and p.submitter_kind not in f.kinds:
        return False
    return not (f.priority is not None and f.priority not in p.priorities)


def apply_filters(pledges: list[Pledge], f: Filters) -> list[Pledge]:
    """The pledges that satisfy `f`, in their original order."""
    return [p for p in pledges if matches(p, f)]
