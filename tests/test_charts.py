"""Charts: bundled world outlines, the offline world map, and the bar charts."""

import json
import re

import plotly.graph_objects as go
import pytest

from pledgebot.charts import (
    EMPTY_MESSAGE,
    MAP_TITLE,
    MapPoint,
    count_bar,
    world_map,
    world_outlines,
    world_source,
    year_bar,
)

POINTS = [
    MapPoint("Montréal", "Canada", 45.5, -73.57, 3, "Welcoming city<br>Newcomer office"),
    MapPoint("Kampala", "Uganda", 0.35, 32.58, 1),
]


def _annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _assert_offline(fig: go.Figure) -> None:
    """No geo/map subplot or trace, nothing that names a tile service, and no URL in the figure JSON."""
    text = fig.to_json()
    layout = json.loads(text)["layout"]
    assert not [k for k in layout if k.startswith(("geo", "mapbox", "map"))]
    assert {t.type for t in fig.data} <= {"scatter", "bar"}
    assert "mapbox" not in text
    assert '"geo"' not in text
    urls = set(re.findall(r"https?://[^\"\\\s]+", text))
    assert urls <= {"https://plot.ly/schema", "https://plotly.com/schema"}, urls


def test_world_data_loads_with_valid_coordinates():
    countries = world_outlines()
    assert len(countries) >= 170
    names = {c.name for c in countries}
    assert {"Canada", "Uganda", "Brazil", "Germany", "Japan"} <= names
    for c in countries:
        assert c.rings, c.name
        for ring in c.rings:
            assert len(ring) >= 4 and ring[0] == ring[-1], c.name
            for lon, lat in ring:
                assert -180 <= lon <= 180 and -90 <= lat <= 90, c.name
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                # rings are cut at the antimeridian: no edge spans the map (except along a pole)
                assert abs(x1 - x0) <= 180 or abs(y0) == abs(y1) == 90, c.name
    assert "Natural Earth" in world_source()


def test_world_map_has_outline_and_markers():
    fig = world_map(POINTS)
    outline, markers = fig.data
    assert outline.fill == "toself" and outline.hoverinfo == "skip"
    assert None in outline.x and len(outline.x) > 5000
    assert markers.mode == "markers"
    hover = list(markers.hovertext)
    assert len(hover) == 2
    assert hover[0].startswith("<b>Montréal</b> (Canada): 3 pledges<br>Welcoming city")
    assert hover[1] == "<b>Kampala</b> (Uganda): 1 pledge"
    assert list(markers.x) == [-73.57, 32.58] and list(markers.y) == [45.5, 0.35]
    assert markers.marker.size[0] > markers.marker.size[1]
    assert fig.layout.title.text == MAP_TITLE
    assert fig.layout.yaxis.scaleanchor == "x"
    assert tuple(fig.layout.xaxis.range) == (-180, 180) and tuple(fig.layout.yaxis.range) == (-60, 85)
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible
    assert _annotations(fig) == []
    _assert_offline(fig)


def test_world_map_escapes_names():
    fig = world_map([MapPoint("A & <B>", "C", 1.0, 2.0, 2)])
    assert fig.data[1].hovertext[0].startswith("<b>A &amp; &lt;B&gt;</b> (C)")


def test_world_map_empty():
    fig = world_map([])
    assert len(fig.data) == 1 and fig.data[0].fill == "toself"
    assert _annotations(fig) == [EMPTY_MESSAGE]
    _assert_offline(fig)


def test_count_bar_orders_and_labels():
    fig = count_bar({"city": 5, "region": 9, "country": 5}, "By kind")
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["region", "city", "country"] and list(bar.x) == [9, 5, 5]
    assert list(bar.text) == ["9", "5", "5"]
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.title.text == "By kind"
    _assert_offline(fig)

    fig = count_bar({"city": 5, "other": 1, "region": 9}, "By kind", order=["city", "country", "region"])
    assert list(fig.data[0].y) == ["city", "country", "region", "other"]
    assert list(fig.data[0].x) == [5, 0, 9, 1]


@pytest.mark.parametrize("counts", [{}, {"city": 0}])
def test_count_bar_empty(counts):
    fig = count_bar(counts, "By kind", order=["city"])
    assert len(fig.data) == 0
    assert _annotations(fig) == [EMPTY_MESSAGE]


def test_year_bar():
    fig = year_bar({2023: 4, 2019: 2})
    (bar,) = fig.data
    assert list(bar.x) == ["2019", "2023"] and list(bar.y) == [2, 4] and list(bar.text) == ["2", "4"]
    _assert_offline(fig)
    empty = year_bar({})
    assert len(empty.data) == 0 and _annotations(empty) == [EMPTY_MESSAGE]
