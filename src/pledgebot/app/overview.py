"""The Overview tab's content for a set of pledges: the world map's points, the count charts, the note."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from ..charts import MapPoint, count_bar, world_map, year_bar
from ..filters import regions_of
from ..places import Gazetteer, default_gazetteer
from ..records import PLEDGE_TYPES, REGIONS, Pledge

if TYPE_CHECKING:
    import plotly.graph_objects as go

NO_TYPE = "No type (2022 actions)"


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def map_points(pledges: Sequence[Pledge], gazetteer: Gazetteer | None = None) -> list[MapPoint]:
    """One point per submitter with coordinates, sized by its pledges, titles as hover text."""
    gaz = gazetteer or default_gazetteer()
    by_submitter: dict[str, list[Pledge]] = {}
    for p in pledges:
        by_submitter.setdefault(p.submitter, []).append(p)
    points = []
    for name, items in by_submitter.items():
        place = gaz.submitter(name)
        if place is None or place.lat is None or place.lon is None:
            continue
        titles = "<br>".join(escape(_short(p.title, 70)) for p in items)
        points.append(MapPoint(name, items[0].country, place.lat, place.lon, len(items), titles))
    return points


def overview_figures(
    pledges: Sequence[Pledge], names: dict[int, str], gazetteer: Gazetteer | None = None
) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure, go.Figure]:
    """(world map, by region, by pledge type, by priority, by year) for the given pledges."""
    # the counting rule the chat and Browse use: a pledge spanning two regions counts in each
    regions = Counter(r for p in pledges for r in regions_of(p))
    types = Counter(p.pledge_type or NO_TYPE for p in pledges)
    labels = {n: _short(f"{n}. {name}", 42) for n, name in names.items()}
    priorities = Counter(labels.get(n, str(n)) for p in pledges for n in p.priorities)
    years = Counter(p.year for p in pledges)
    return (
        world_map(map_points(pledges, gazetteer)),
        count_bar(dict(regions), "Pledges by region", order=[r for r in REGIONS if r in regions]),
        count_bar(dict(types), "Pledges by type", order=[*PLEDGE_TYPES, NO_TYPE]),
        count_bar(dict(priorities), "Pledges by priority", order=[labels[n] for n in sorted(labels)]),
        year_bar(dict(years)),
    )


def overview_note(pledges: Sequence[Pledge], total: int, gazetteer: Gazetteer | None = None) -> str:
    shown = len(pledges)
    scope = "all pledges" if shown == total else f"{shown} of {total} pledges (the Browse tab's filters)"
    inferred = sum(p.priorities_inferred for p in pledges)
    mapped = len(map_points(pledges, gazetteer))
    submitters = len({p.submitter for p in pledges})
    parts = [f"Showing **{scope}** from {submitters} submitters."]
    if mapped < submitters:
        parts.append(f"{submitters - mapped} submitters have no coordinates and are not on the map.")
    if inferred:
        parts.append(f"The priorities of {inferred} pledges are inferred from their text (the report lists none).")
    if spanning := sum(len(regions_of(p)) > 1 for p in pledges):
        spans = "pledge spans two regions and is" if spanning == 1 else "pledges span two regions and are"
        parts.append(f"{spanning} joint {spans} counted in each.")
    return " ".join(parts)
