"""Places: the gazetteer of submitters, countries, regions and subregions, and tolerant name matching.

The gazetteer (`data/places.yaml`) is reference data: canonical spellings, kinds, coordinates and the
other names people use. Matching folds case and accents and tolerates small typos (rapidfuzz).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rapidfuzz import fuzz, process

from .errors import CorpusError
from .text import ascii_form, fold

if TYPE_CHECKING:
    from .records import Pledge

__all__ = ["Country", "Gazetteer", "Submitter", "ascii_form", "default_gazetteer", "fold", "load_gazetteer", "with_records"]


@dataclass(frozen=True)
class Country:
    name: str
    region: str
    iso3: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submitter:
    name: str
    kind: str
    country: str
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass
class Gazetteer:
    """Lookup tables built from the places file."""

    regions: tuple[str, ...]
    countries: dict[str, Country]
    submitters: dict[str, Submitter]
    subregions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    region_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    areas: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "Texas" -> its submitters
    area_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # places a report lists among its participants but gives no record of ("Bristol, UK" in the 2022 list)
    listed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._country_keys: dict[str, str] = {}
        for c in self.countries.values():
            for name in (c.name, *c.aliases, ascii_form(c.name)):
                self._country_keys.setdefault(fold(name), c.name)
        self._submitter_keys: dict[str, str] = {}
        for s in self.submitters.values():
            for name in (s.name, *s.aliases, ascii_form(s.name)):
                self._submitter_keys.setdefault(fold(name), s.name)
        self._region_keys = {fold(r): r for r in self.regions}
        for region, aliases in self.region_aliases.items():
            for alias in aliases:
                self._region_keys.setdefault(fold(alias), region)
        self._subregion_keys = {fold(r): r for r in self.subregions}

    # -- exact (folded) lookups -------------------------------------------------------------
    def country(self, name: str) -> Country | None:
        """The country called `name` (any alias, any case or accents), or None."""
        key = self._country_keys.get(fold(name))
        return self.countries[key] if key else None

    def submitter(self, name: str) -> Submitter | None:
        """The submitter called `name` (any alias), or None."""
        key = self._submitter_keys.get(fold(name))
        return self.submitters[key] if key else None

    def region_of(self, country: str) -> str:
        c = self.country(country)
        return c.region if c else "Global"

    # -- tolerant lookups ------------------------------------------------------------------
    def match_country(self, name: str, cutoff: float = 88) -> Country | None:
        """Exact match first, then the closest spelling above `cutoff` (0-100)."""
        if found := self.country(name):
            return found
        best = process.extractOne(fold(name), list(self._country_keys), scorer=fuzz.ratio, score_cutoff=cutoff)
        return self.countries[self._country_keys[best[0]]] if best else None

    def match_submitter(self, name: str, country: str | None = None, cutoff: float = 85) -> Submitter | None:
        """Exact alias match, then a fuzzy one (restricted to `country` when given)."""
        if found := self.submitter(name):
            return found
        keys = [k for k, v in self._submitter_keys.items() if country is None or self.submitters[v].country == country]
        best = process.extractOne(fold(name), keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        return self.submitters[self._submitter_keys[best[0]]] if best else None

    def find_submitters_in(self, text: str) -> list[Submitter]:
        """Submitters named in free text, longest name first, in order of first mention."""
        folded = fold(text)
        found: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []
        for key in sorted(self._submitter_keys, key=len, reverse=True):
            if len(key) < 3:
                continue
            for m in re.finditer(rf"(?<![\w]){re.escape(key)}(?![\w])", folded):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                found.append((m.start(), -len(key), self._submitter_keys[key]))
        seen: list[str] = []
        for _, _, name in sorted(found):
            if name not in seen:
                seen.append(name)
        return [self.submitters[n] for n in seen]

    @property
    def region_keys(self) -> dict[str, str]:
        return self._region_keys

    @property
    def area_keys(self) -> dict[str, str]:
        """Folded area name or alias -> area ("tx" -> "Texas")."""
        keys = {}
        for area in self.areas:
            for name in (area, *self.area_aliases.get(area, ()), ascii_form(area)):
                keys[fold(name)] = area
        return keys

    @property
    def subregion_keys(self) -> dict[str, str]:
        return self._subregion_keys

    @property
    def country_keys(self) -> dict[str, str]:
        return self._country_keys

    @property
    def submitter_keys(self) -> dict[str, str]:
        return self._submitter_keys


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Read the places file (the packaged one by default); errors name the file and the bad entry."""
    source = path or files("pledgebot.data").joinpath("places.yaml")
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"cannot read the places file: {exc}", path=str(source)) from exc
    try:
        regions = tuple(data["regions"])
        countries = {
            c["name"]: Country(c["name"], c["region"], c.get("iso3"), tuple(c.get("aliases") or ()))
            for c in data["countries"]
        }
        submitters = {
            s["name"]: Submitter(
                s["name"],
                s["kind"],
                s["country"],
                s.get("lat"),
                s.get("lon"),
                tuple(s.get("aliases") or ()),
                tuple(s.get("countries") or (s["country"],)),
            )
            for s in data["submitters"]
        }
        subregions = {k: tuple(v or ()) for k, v in (data.get("subregions") or {}).items()}
        region_aliases = {k: tuple(v or ()) for k, v in (data.get("region_aliases") or {}).items()}
        raw_areas = data.get("areas") or {}
        areas = {k: tuple(v["submitters"]) for k, v in raw_areas.items()}
        area_aliases = {k: tuple(v.get("aliases") or ()) for k, v in raw_areas.items()}
    except (KeyError, TypeError) as exc:
        raise CorpusError(f"malformed places file, missing {exc}", path=str(source)) from exc
    for s in submitters.values():
        if s.country not in countries:
            raise CorpusError(f"submitter {s.name!r} has unknown country {s.country!r}", path=str(source))
    unknown = set(region_aliases) - set(regions)
    if unknown:
        raise CorpusError(f"region_aliases name unknown regions: {sorted(unknown)}", path=str(source))
    for area, names in areas.items():
        if missing := [n for n in names if n not in submitters]:
            raise CorpusError(f"area {area!r} names unknown submitters: {missing}", path=str(source))
    listed = tuple(data.get("listed") or ())
    return Gazetteer(regions, countries, submitters, subregions, region_aliases, areas, area_aliases, listed)


def with_records(gaz: Gazetteer, pledges: Iterable[Pledge]) -> Gazetteer:
    """`gaz` plus the submitters and countries of records it does not list (pledges ingested from a new
    source): the gazetteer enriches the records, it does not decide which exist. Returns `gaz` itself when
    it lists them all."""
    countries, submitters = dict(gaz.countries), dict(gaz.submitters)
    for p in pledges:
        if gaz.country(p.country) is None and p.country not in countries:
            countries[p.country] = Country(p.country, p.region)
        if gaz.submitter(p.submitter) is None and p.submitter not in submitters:
            country = (gaz.country(p.country) or countries[p.country]).name
            submitters[p.submitter] = Submitter(p.submitter, p.submitter_kind, country, countries=(country,))
    if len(countries) == len(gaz.countries) and len(submitters) == len(gaz.submitters):
        return gaz
    return replace(gaz, countries=countries, submitters=submitters)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, read once per process."""
    return load_gazetteer()
