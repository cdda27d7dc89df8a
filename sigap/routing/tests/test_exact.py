"""The index's two sides agree: the plain-Python grid (``rules``) and the exact side (``exact``, shapely).

An index built from GeoJSON mappings (as the routing cache builds it) answers most points from the grid; every
answer it gives must be the one the exact side gives for the same point, at a hair from any boundary too.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path

import pytest

from sigap.core.errors import OutsideArea
from sigap.routing.rules import KelurahanIndex, Location

DATA = Path(__file__).resolve().parents[2] / "data" / "jakarta_kelurahan.geojson"


@pytest.fixture(scope="module")
def mapping_index() -> KelurahanIndex:
    collection = json.loads(DATA.read_text(encoding="utf-8"))
    return KelurahanIndex([(f["properties"]["kode_kelurahan"], f["geometry"]) for f in collection["features"]])


def _single(index: KelurahanIndex, lon: float, lat: float) -> Location | None:
    try:
        return index.locate(lon, lat)
    except OutsideArea:
        return None


def _vertices(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from itertools.pairwise(ring)


def test_grid_and_exact_side_agree_on_vertices_edges_and_a_hair_beside_them(mapping_index):
    collection = json.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(5)
    points = []
    for feature in collection["features"]:
        pairs = list(_vertices(feature["geometry"]))
        for (x1, y1), (x2, y2) in rng.sample(pairs, min(8, len(pairs))):
            for t in (0.0, 0.5, rng.random()):
                x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                for hair in (0.0, 1e-12, 1e-9, 3e-9, 1e-7, 1e-5):
                    angle = rng.uniform(0, 2 * math.pi)
                    points.append((x + hair * math.cos(angle), y + hair * math.sin(angle)))
    lons, lats = zip(*points)
    exact = mapping_index.locate_many(lons, lats)
    single = [_single(mapping_index, lon, lat) for lon, lat in points]
    assert single == exact
    # the points reach every kind of answer: inside, in two at once, snapped across a gap
    assert {loc.method for loc in exact if loc} == {"inside", "overlap", "nearest"}


def test_an_index_from_mappings_answers_like_one_from_shapely_geometries(mapping_index):
    from shapely.geometry import shape

    collection = json.loads(DATA.read_text(encoding="utf-8"))
    shapes = KelurahanIndex([(f["properties"]["kode_kelurahan"], shape(f["geometry"])) for f in collection["features"]])
    rng = random.Random(9)
    points = [(rng.uniform(106.68, 106.98), rng.uniform(-6.38, -6.08)) for _ in range(3000)]
    assert [_single(mapping_index, *p) for p in points] == [_single(shapes, *p) for p in points]


@pytest.mark.parametrize(
    "geometry, message",
    [
        ({"type": "Point", "coordinates": [106.8, -6.2]}, "expected \\(Multi\\)Polygon"),
        ({"type": "Polygon", "coordinates": []}, "no geometry"),
        ({"type": "Polygon", "coordinates": [[[106.8, -6.2], [106.9, -6.2]]]}, "fewer than three"),
        ({"type": "Polygon", "coordinates": [[[106.8, -6.2], [106.9, "x"], [106.9, -6.1]]]}, "positions"),
        ({"type": "Polygon", "coordinates": [[[106.8, -6.2], [106.9, float("nan")], [106.9, -6.1]]]}, "positions"),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "without rings"),
    ],
)
def test_an_index_from_mappings_refuses_what_is_not_a_polygon(geometry, message):
    with pytest.raises(ValueError, match=message):
        KelurahanIndex([("A", geometry)])


def test_a_ring_left_open_is_closed_and_holes_are_not_inside():
    square = [[0.0, 0.0], [0.01, 0.0], [0.01, 0.01], [0.0, 0.01]]  # not closed: GeoJSON asks for it, some omit it
    hole = [[0.004, 0.004], [0.006, 0.004], [0.006, 0.006], [0.004, 0.006], [0.004, 0.004]]
    index = KelurahanIndex([("A", {"type": "Polygon", "coordinates": [square, hole]})], max_snap_m=0)
    assert index.locate(0.002, 0.002) == Location("A", "inside", 0.0)
    assert index.locate(0.0099, 0.0099) == Location("A", "inside", 0.0)
    with pytest.raises(OutsideArea):
        index.locate(0.005, 0.005)  # in the hole, more than 0 m from the area
    assert index.locate(0.004, 0.005) == Location("A", "inside", 0.0)  # on the hole's edge: "in" is intersects


def test_an_index_takes_shapelys_own_mappings_whose_positions_are_tuples():
    from shapely.geometry import box, mapping

    index = KelurahanIndex([("A", mapping(box(0.0, 0.0, 0.01, 0.01))), ("B", mapping(box(0.01, 0.0, 0.02, 0.01)))])
    assert index.locate(0.005, 0.005) == Location("A", "inside", 0.0)
    assert index.locate(0.015, 0.005) == Location("B", "inside", 0.0)


def test_a_nearly_level_edge_is_judged_by_its_ends_not_by_a_division():
    """Found by a fuzz: an edge rising by a subnormal amount made the division's rounding error as large as 1e-4
    degree, and the grid called inside a point the exact side puts outside."""
    from shapely.geometry import Polygon, mapping

    area = Polygon([(0.0, 0.0), (10.3, 3e-320), (10.3, 1.0), (0.0, 1.0)])
    index = KelurahanIndex([("A", mapping(area))], max_snap_m=0.0)
    for lon, lat in ((4.227255869871578, 1.231e-320), (4.2, 2e-320), (11.0, 1e-320), (-1.0, 1e-320), (5.0, 0.5)):
        assert _single(index, lon, lat) == index.locate_many([lon], [lat])[0]


@pytest.mark.parametrize("lons, lats, field", [([10**400], [0.5], "lon"), (["x"], [100], "lat"), ([1e9], ["x"], "lat")])
def test_bulk_lookups_refuse_bad_coordinates_as_one_lookup_does(mapping_index, lons, lats, field):
    from sigap.core.errors import DomainError

    with pytest.raises(DomainError) as single:
        mapping_index.locate(lons[0], lats[0])
    with pytest.raises(DomainError) as bulk:
        mapping_index.locate_many(lons, lats)
    assert single.value.code == bulk.value.code == "invalid_coordinates"
    assert single.value.field == bulk.value.field == field
