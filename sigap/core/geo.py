"""Small geodesy helpers shared by routing, duplicates, photos and the portal. Pure (shapely geometry passed in)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius


def on_earth(lat: float, lon: float) -> bool:
    """Two finite numbers that are a latitude and a longitude (NaN, infinities and values past the poles are not)."""
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


HOME_MARGIN_WRITTEN_M = 150  # a position written from memory gives a home only this far from any other kelurahan
HOME_MARGIN_SURVEYED_M = 30  # a surveyed one (an OpenStreetMap point): a building's point against a border
METRES_PER_DEGREE = 111_000  # near the equator, both ways (Jakarta: 6° south)


def point_home(tree, codes: list[str], point, margin_m: float) -> str:
    """The kelurahan a place at ``point`` stands in (``tree``: a shapely STRtree of kelurahan polygons, ``codes``
    their codes), or "" when no single one holds it or another lies within ``margin_m``: a position that close
    to a border cannot tell the side, and a wrong home is a misroute where no home is a question."""
    hits = {codes[i] for i in tree.query(point, predicate="intersects")}
    if len(hits) != 1:
        return ""
    near = {codes[i] for i in tree.query(point, predicate="dwithin", distance=margin_m / METRES_PER_DEGREE)}
    return "" if near - hits else next(iter(hits))
