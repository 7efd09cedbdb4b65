"""Charts for the Overview tab: pledge counts as bar charts and a world map of submitters.

Everything is plain 2-D plotly (`go.Scatter`, `go.Bar`). The world map is not a plotly geo or map
subplot, because those fetch country outlines or tiles from the internet when they render; instead the
country outlines ship with the package (`data/world-110m.json`, Natural Earth 1:110m, public domain) and
are drawn on equirectangular lon/lat axes with a fixed 1:1 aspect ratio.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib.resources import files
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

EMPTY_MESSAGE = "No pledges match"
MAP_TITLE = "Where the pledging governments are"

_LAND = "#e3e3e3"
_BORDER = "#b5b5b5"
_OCEAN = "#f3f7fa"
_ACCENT = "#1f6f8b"


@dataclass(frozen=True)
class MapPoint:
    """One submitter on the map; `label` is extra hover text (plotly markup, e.g. titles joined by <br>)."""

    name: str
    country: str
    lat: float
    lon: float
    count: int
    label: str = ""


@dataclass(frozen=True)
class CountryOutline:
    """A country's outline: closed rings of (lon, lat) points, outer rings and holes alike."""

    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@lru_cache(maxsize=1)
def _world_doc() -> dict[str, Any]:
    return json.loads(files("pledgebot.data").joinpath("world-110m.json").read_text(encoding="utf-8"))


def world_source() -> str:
    """Where the bundled country outlines come from, and their licence (for attribution)."""
    return str(_world_doc()["source"])


@lru_cache(maxsize=1)
def world_outlines() -> tuple[CountryOutline, ...]:
    """The bundled Natural Earth 1:110m country outlines (loaded once)."""
    return tuple(
        CountryOutline(
            name=c["name"],
            rings=tuple(tuple((float(lon), float(lat)) for lon, lat in ring) for ring in c["rings"]),
        )
        for c in _world_doc()["countries"]
    )


@lru_cache(maxsize=1)
def _outline_xy() -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """All rings as one x/y sequence, rings separated by None (one trace, `fill="toself"` per ring)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for country in world_outlines():
        for ring in country.rings:
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
            xs.append(None)
            ys.append(None)
    return tuple(xs), tuple(ys)


@lru_cache(maxsize=1)
def _template() -> go.layout.Template:
    """plotly_white's layout without the geo/3-D defaults, so figure JSON mentions no geo subplot at all."""
    layout = pio.templates["plotly_white"].layout.to_plotly_json()
    for key in ("geo", "polar", "ternary", "scene", "mapbox", "map"):
        layout.pop(key, None)
    return go.layout.Template(layout=layout)


def _new_figure(title: str, height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        template=_template(),
        title={"text": title, "x": 0.02, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        showlegend=False,
        # upright at the right edge: lying along the top it covered the title on a phone-width chart
        modebar={"orientation": "v"},
    )
    return fig


def _add_empty_note(fig: go.Figure, hide_axes: bool = True) -> go.Figure:
    fig.add_annotation(
        text=EMPTY_MESSAGE,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 16, "color": "#666"},
    )
    if hide_axes:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return fig


def _pledges(n: int) -> str:
    return f"{n} pledge" if n == 1 else f"{n} pledges"


def world_map(points: list[MapPoint]) -> go.Figure:
    """Country outlines with one marker per submitter, sized by its pledge count."""
    fig = _new_figure(MAP_TITLE, height=450)
    xs, ys = _outline_xy()
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=_LAND,
            line={"color": _BORDER, "width": 0.5},
            hoverinfo="skip",
            name="countries",
        )
    )
    shown = [p for p in points if math.isfinite(p.lat) and math.isfinite(p.lon)]
    shown.sort(key=lambda p: -p.count)  # big markers first, so small ones stay on top and hoverable
    if shown:
        top = max(max(p.count for p in shown), 1)
        fig.add_trace(
            go.Scatter(
                x=[p.lon for p in shown],
                y=[p.lat for p in shown],
                mode="markers",
                marker={
                    "size": [7 + 18 * math.sqrt(max(p.count, 0) / top) for p in shown],
                    "color": _ACCENT,
                    "opacity": 0.75,
                    "line": {"color": "white", "width": 1},
                },
                hovertext=[_hover(p) for p in shown],
                hoverinfo="text",
                name="submitters",
            )
        )
    axis = {"visible": False, "showgrid": False, "zeroline": False, "constrain": "domain"}
    fig.update_xaxes(range=[-180, 180], **axis)
    fig.update_yaxes(range=[-60, 85], scaleanchor="x", scaleratio=1, **axis)
    fig.update_layout(plot_bgcolor=_OCEAN, hovermode="closest")
    if not shown:
        _add_empty_note(fig, hide_axes=False)
    return fig


def _hover(p: MapPoint) -> str:
    text = f"<b>{escape(p.name)}</b> ({escape(p.country)}): {_pledges(p.count)}"
    return f"{text}<br>{p.label}" if p.label else text


def count_bar(counts: dict[str, int], title: str, order: list[str] | None = None) -> go.Figure:
    """Horizontal bars, first category on top, with the counts as labels.

    Without `order` the bars run from the largest count down (ties by name). With `order`, its
    categories come first in that order (zero if absent from `counts`), then any others by count.
    """
    fig = _new_figure(title, height=300)
    if not any(counts.values()):
        return _add_empty_note(fig)
    listed = list(dict.fromkeys(order or []))
    rest = sorted(set(counts) - set(listed), key=lambda k: (-counts[k], k))
    cats = listed + rest
    values = [counts.get(k, 0) for k in cats]
    fig.add_trace(
        go.Bar(
            x=values,
            y=cats,
            orientation="h",
            text=values,
            textposition="outside",
            cliponaxis=False,
            marker={"color": _ACCENT},
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(rangemode="tozero", showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(height=max(220, 110 + 28 * len(cats)), margin={"r": 40}, bargap=0.3)
    return fig


def year_bar(counts: dict[int, int], title: str = "Pledges by year") -> go.Figure:
    """Vertical bars of pledges per year, years in order, with the counts as labels."""
    fig = _new_figure(title, height=300)
    if not any(counts.values()):
        return _add_empty_note(fig)
    years = sorted(counts)
    values = [counts[y] for y in years]
    fig.add_trace(
        go.Bar(
            x=[str(y) for y in years],
            y=values,
            text=values,
            textposition="outside",
            cliponaxis=False,
            marker={"color": _ACCENT},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(margin={"t": 60}, bargap=0.3)
    return fig
