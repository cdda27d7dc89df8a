"""Pure routing rules: point -> kelurahan, and (kategori, kelurahan) -> responsible unit (tupoksi).

No Django and no I/O here: :class:`KelurahanIndex` is built from ``(code, geometry)`` pairs (or
from a GeoJSON FeatureCollection *dict* the caller has already read), :class:`RuleBook` from
:class:`TupoksiRule` values. Refusals are :class:`~sigap.core.errors.DomainError` subclasses with an
Indonesian and an English message.

Locating a point
----------------
Boundaries are simplified polygons, so a point can be

* in exactly one polygon -> ``Location(code, "inside", 0.0)``;
* in several (small overlaps) -> ``"overlap"``: the polygon the point lies *deepest* in (largest
  distance in metres to that polygon's boundary) wins, ties (within a micrometre) go to the smallest
  code. The choice depends only on the geometries, never on the order they were given in;
* in none, but within ``max_snap_m`` metres of one (sliver gaps, a coarse coastline) ->
  ``"nearest"`` with the distance in metres; ties again go to the smallest code;
* farther away -> :class:`OutsideArea` carrying ``nearest_code`` and ``distance_m``.

"In" means *intersects*: a point exactly on a boundary belongs to that polygon.

Metres are measured in an equirectangular projection centred on the query point, using the WGS84
ellipsoid's radii of curvature at the point's latitude (exact to well under a millimetre at 100 m).

Speed, and no numpy in a web process: a uniform grid (cell ~ half the median area's size) lists, per cell, the
areas whose envelope overlaps it, and each area keeps its edges in latitude bands (``_Edges``); a single
``locate`` is one cell computation plus an even-odd test of the point against the few edges near it, in plain
Python. What that leaves open (a point within ``_EDGE_EPS`` of an edge, in two areas, or in none) and every
``locate_many`` go to the exact side (``sigap.routing.exact``: shapely's prepared polygons in an ``STRtree``,
built at the first such point), which holds the tie-breaking decisions; the tests check both sides agree.
"""

from __future__ import annotations

import math
import statistics
import threading
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sigap.core.errors import DomainError, NoTupoksi, OutsideArea

if TYPE_CHECKING:
    from .exact import ExactIndex

__all__ = [
    "KelurahanIndex",
    "Location",
    "RuleBook",
    "TupoksiRule",
]

# WGS84 ellipsoid.
_WGS84_A = 6378137.0
_WGS84_E2 = 6.69437999014e-3
_DEG = math.pi / 180.0

# Grid accelerator: cell side = median area size / _GRID_CELLS_PER_SIDE, grown when needed to stay
# within _GRID_MAX_CELLS cells and _GRID_MAX_PAIRS (cell, area) pairs.
_GRID_CELLS_PER_SIDE = 2
_GRID_MAX_CELLS = 1 << 21
_GRID_MAX_PAIRS = 1 << 23


# --------------------------------------------------------------------------- locating


@dataclass(frozen=True, slots=True)
class Location:
    """Where a point was placed.

    ``method`` is ``"inside"`` (exactly one polygon contains it), ``"overlap"`` (several do; the
    deterministic pick) or ``"nearest"`` (none does, snapped to the nearest within the tolerance).
    ``distance_m`` is 0.0 except for ``"nearest"``.
    """

    code: str
    method: str
    distance_m: float


def _metres_per_degree(lat: float) -> tuple[float, float]:
    """(metres per degree of longitude, metres per degree of latitude) at ``lat`` on WGS84."""
    phi = lat * _DEG
    s = math.sin(phi)
    w = 1.0 - _WGS84_E2 * s * s
    meridian = _WGS84_A * (1.0 - _WGS84_E2) / (w * math.sqrt(w))
    prime_vertical = _WGS84_A / math.sqrt(w)
    kx = prime_vertical * math.cos(phi) * _DEG
    ky = meridian * _DEG
    # cos(90 deg) is ~6e-17, not 0; keep kx strictly positive so divisions stay finite.
    return max(kx, 1e-9), ky


def _format_distance(metres: float, *, indonesian: bool) -> str:
    if metres < 1000.0:
        text = f"{metres:.0f} m"
    elif metres < 100_000.0:
        text = f"{metres / 1000.0:.1f} km"
    else:
        text = f"{metres / 1000.0:.0f} km"
    return text.replace(".", ",") if indonesian else text


def _invalid_coordinate(field: str) -> DomainError:
    if field == "lat":
        message_id = "Koordinat tidak valid: lintang (lat) harus berupa angka antara -90 dan 90."
        message_en = "Invalid coordinates: latitude (lat) must be a number between -90 and 90."
    else:
        message_id = "Koordinat tidak valid: bujur (lon) harus berupa angka antara -180 dan 180."
        message_en = "Invalid coordinates: longitude (lon) must be a number between -180 and 180."
    return DomainError(message_id, message_en, code="invalid_coordinates", status=422, field=field)


def _checked(lon, lat) -> tuple[float, float]:
    """Both coordinates as floats, or the ``invalid_coordinates`` DomainError (lat first)."""
    try:
        lat = float(lat)
    except (TypeError, ValueError, OverflowError):
        raise _invalid_coordinate("lat") from None
    if not -90.0 <= lat <= 90.0:  # also false for NaN
        raise _invalid_coordinate("lat")
    try:
        lon = float(lon)
    except (TypeError, ValueError, OverflowError):
        raise _invalid_coordinate("lon") from None
    if not -180.0 <= lon <= 180.0:
        raise _invalid_coordinate("lon")
    return lon, lat


class KelurahanIndex:
    """Point -> kelurahan code over a set of (Multi)Polygons in lon/lat (RFC 7946 order).

    ``areas`` are ``(code, geometry)`` pairs with distinct codes; a geometry is a shapely (Multi)Polygon or a
    GeoJSON geometry mapping. With shapely geometries the exact side (``sigap.routing.exact``) is built at once and
    every geometry is checked for validity; with mappings (the routing cache's, read from the database, where the
    loaders and the admin have checked them) only their structure is checked, and the exact side is built at the
    first point the grid leaves open. ``names`` (optional, code -> name) only makes the "outside the area" message
    friendlier.
    """

    def __init__(
        self,
        areas: Iterable[tuple[str, object]],
        *,
        max_snap_m: float = 100.0,
        names: Mapping[str, str] | None = None,
    ) -> None:
        max_snap_m = float(max_snap_m)
        if not (math.isfinite(max_snap_m) and max_snap_m >= 0.0):
            raise ValueError(f"max_snap_m must be a finite number >= 0, got {max_snap_m!r}")
        codes: list[str] = []
        geoms: list[object] = []
        rings: list[list[array]] = []
        seen: set[str] = set()
        eager = False
        for code, geom in areas:
            if not isinstance(code, str) or not code:
                raise ValueError(f"area code must be a non-empty string, got {code!r}")
            if code in seen:
                raise ValueError(f"duplicate area code {code!r}")
            seen.add(code)
            if isinstance(geom, Mapping):
                rings.append(_mapping_rings(code, geom))
            else:
                rings.append(_shapely_rings(code, geom))
                eager = True
            codes.append(code)
            geoms.append(geom)
        if not codes:
            raise ValueError("a KelurahanIndex needs at least one area")

        self.max_snap_m = max_snap_m
        self._codes: tuple[str, ...] = tuple(codes)
        self._names: dict[str, str] = dict(names or {})
        self._source = geoms
        # One immutable answer per polygon for the common case.
        self._inside: list[Location] = [Location(k, "inside", 0.0) for k in codes]
        self._edges = [_Edges(parts) for parts in rings]
        self._build_grid([e.bounds for e in self._edges])
        self._exact_index: ExactIndex | None = None
        self._exact_lock = threading.Lock()
        if eager:
            self._exact()

    @classmethod
    def from_geojson(
        cls,
        feature_collection: dict,
        *,
        code_property: str = "kode_kelurahan",
        max_snap_m: float = 100.0,
        name_property: str | None = "nama_kelurahan",
    ) -> KelurahanIndex:
        """Build from an already-parsed GeoJSON FeatureCollection (a dict); every geometry is checked for
        validity."""
        from shapely.geometry import shape

        if not isinstance(feature_collection, Mapping) or not isinstance(feature_collection.get("features"), list):
            raise ValueError("expected a GeoJSON FeatureCollection with a 'features' list")
        areas: list[tuple[str, object]] = []
        names: dict[str, str] = {}
        for n, feature in enumerate(feature_collection["features"]):
            props = feature.get("properties") or {}
            code = props.get(code_property)
            if code is None or code == "":
                raise ValueError(f"feature #{n} has no {code_property!r} property")
            code = str(code)
            if not feature.get("geometry"):
                raise ValueError(f"feature #{n} ({code}) has no geometry")
            areas.append((code, shape(feature["geometry"])))
            if name_property and props.get(name_property):
                names[code] = str(props[name_property])
        return cls(areas, max_snap_m=max_snap_m, names=names)

    def __len__(self) -> int:
        return len(self._codes)

    @property
    def codes(self) -> tuple[str, ...]:
        """The area codes, in the order given."""
        return self._codes

    def __repr__(self) -> str:
        return f"<KelurahanIndex {len(self)} areas, max_snap_m={self.max_snap_m:g}>"

    # ------------------------------------------------------------------ the exact side, built when first needed

    def _exact(self) -> ExactIndex:
        exact = self._exact_index
        if exact is not None:
            return exact
        with self._exact_lock:
            if self._exact_index is None:
                from shapely.geometry import shape

                from .exact import ExactIndex

                self._exact_index = ExactIndex(
                    self._codes,
                    [g if not isinstance(g, Mapping) else shape(g) for g in self._source],
                    inside=self._inside,
                    bounds=(self._gx0, self._gy0, self._gx1, self._gy1),
                    max_snap_m=self.max_snap_m,
                    outside_error=self._outside_error,
                )
            return self._exact_index

    # ------------------------------------------------------------------ grid accelerator

    def _build_grid(self, bounds: list[tuple[float, float, float, float]]) -> None:
        """Uniform grid over all areas: for each cell, the areas whose envelope overlaps it.

        A single lookup then costs one cell computation plus an even-odd test of the point against the edges of
        the (usually one to three) candidates near its latitude (:class:`_Edges`).
        """
        x0 = min(b[0] for b in bounds)
        y0 = min(b[1] for b in bounds)
        x1 = max(b[2] for b in bounds)
        y1 = max(b[3] for b in bounds)
        side = statistics.median(math.sqrt((b[2] - b[0]) * (b[3] - b[1])) for b in bounds)
        span = max(x1 - x0, y1 - y0)
        if not side > 0.0:
            side = span if span > 0.0 else 1.0
        w = side / _GRID_CELLS_PER_SIDE
        while True:
            nx = max(1, math.ceil((x1 - x0) / w))
            ny = max(1, math.ceil((y1 - y0) / w))
            # Envelopes are padded so a point whose cell index is off by float rounding is still
            # covered: the candidates of a cell are a superset of the areas touching it.
            eps = w * 1e-6
            spans = []
            total = 0
            for bx0, by0, bx1, by1 in bounds:
                i0 = min(max(math.floor((bx0 - eps - x0) / w), 0), nx - 1)
                i1 = min(max(math.floor((bx1 + eps - x0) / w), 0), nx - 1)
                j0 = min(max(math.floor((by0 - eps - y0) / w), 0), ny - 1)
                j1 = min(max(math.floor((by1 + eps - y0) / w), 0), ny - 1)
                spans.append((i0, i1, j0, j1))
                total += (i1 - i0 + 1) * (j1 - j0 + 1)
            if nx * ny <= _GRID_MAX_CELLS and total <= _GRID_MAX_PAIRS:
                break
            w *= max(1.05, math.sqrt(max(nx * ny / _GRID_MAX_CELLS, total / _GRID_MAX_PAIRS)))
        ncells = nx * ny

        # Compressed rows: the candidates of cell c are cand[off[c]:off[c + 1]], in area order.
        count = array("q", bytes(8 * (ncells + 1)))
        for i0, i1, j0, j1 in spans:
            for j in range(j0, j1 + 1):
                row = j * nx
                for i in range(row + i0 + 1, row + i1 + 2):
                    count[i] += 1
        for c in range(ncells):
            count[c + 1] += count[c]
        fill = array("q", count)
        cand = array("q", bytes(8 * total))
        for area, (i0, i1, j0, j1) in enumerate(spans):
            for j in range(j0, j1 + 1):
                row = j * nx
                for c in range(row + i0, row + i1 + 1):
                    cand[fill[c]] = area
                    fill[c] += 1

        self._gx0, self._gy0, self._gx1, self._gy1 = x0, y0, x1, y1
        self._gw, self._gnx, self._gny = w, nx, ny
        self._goff = count
        self._gcand = cand
        self.grid_stats = {
            "cells": ncells,
            "cells_used": sum(1 for c in range(ncells) if count[c + 1] != count[c]),
            "pairs": total,
            "cell_deg": w,
        }

    # ------------------------------------------------------------------ single point

    def locate(self, lon: float, lat: float) -> Location:
        """The kelurahan of one point (lon/lat in degrees).

        Raises :class:`OutsideArea` when no polygon is within ``max_snap_m`` metres, and a
        ``DomainError(code="invalid_coordinates", status=422)`` with ``field`` ``"lat"`` or
        ``"lon"`` for non-numbers, NaN, infinities and out-of-range values.
        """
        lon, lat = _checked(lon, lat)
        x0 = self._gx0
        y0 = self._gy0
        if x0 <= lon <= self._gx1 and y0 <= lat <= self._gy1:
            w = self._gw
            nx = self._gnx
            i = int((lon - x0) / w)
            if i >= nx:
                i = nx - 1
            j = int((lat - y0) / w)
            if j >= self._gny:
                j = self._gny - 1
            c = j * nx + i
            found = -1
            edges = self._edges
            cand = self._gcand
            for k in range(self._goff[c], self._goff[c + 1]):
                area = cand[k]
                where = edges[area].where(lon, lat)
                if where == _OUT:
                    continue
                if where == _EDGE or found >= 0:
                    found = -2  # on a boundary, or in two areas: the exact side decides
                    break
                found = area
            if found >= 0:
                return self._inside[found]
        # In no polygon, in several, or on an edge: the exact side (overlap, snapping, refusal).
        return self._exact().locate(lon, lat)

    # ------------------------------------------------------------------ many points

    def locate_many(self, lons, lats) -> list[Location | None]:
        """``locate`` for many points at once (STRtree bulk query); ``None`` where outside.

        Invalid coordinates raise the same ``invalid_coordinates`` DomainError as :meth:`locate`
        (the message names the first bad position); ``lons``/``lats`` must have the same length.
        """
        return self._exact().locate_many(lons, lats)

    def nearest(self, lon: float, lat: float) -> tuple[str, float]:
        """(code, metres) of the nearest area, however far; 0.0 when the point is in one.

        Exact up to tens of kilometres; beyond that the search is bounded and the answer is an
        approximation (good enough for "about N km away").
        """
        lon, lat = _checked(lon, lat)
        return self._exact().nearest(lon, lat)

    def _outside_error(self, lon: float, lat: float) -> OutsideArea:
        code, distance = self.nearest(lon, lat)
        name = self._names.get(code)
        label = name or code  # the name a resident knows (the code is kept on the error as ``nearest_code``)
        err = OutsideArea(
            "Lokasi berada di luar wilayah layanan: kelurahan terdekat, "
            f"{label}, berjarak sekitar {_format_distance(distance, indonesian=True)}. "
            "Periksa kembali titik lokasi laporan.",
            "The location is outside the service area: the nearest kelurahan, "
            f"{label}, is about {_format_distance(distance, indonesian=False)} away. "
            "Please check the report's location.",
        )
        err.nearest_code = code
        err.distance_m = distance
        return err


# --------------------------------------------------------------------------- point in polygon, in plain Python

# A point closer than this (degrees, about 0.1 mm) to an edge is left to the exact side, which decides what
# lies on a boundary ("in" means intersects). Float error in the test below is ~1e-13 degree, far below it (an
# edge rising less than this is judged by its ends, not by a division).
_EDGE_EPS = 1e-9
_OUT, _IN, _EDGE = 0, 1, 2
# Edges are kept in horizontal bands of about this many edges each, so a test reads only those near its latitude.
_EDGES_PER_BAND = 12
_MAX_BANDS = 256


class _Edges:
    """One area's edges (every ring of every part), banded by latitude, for an even-odd point test."""

    __slots__ = ("_bands", "_h", "_n", "_x0", "_x1", "_y0", "bounds")

    def __init__(self, rings: list[array]) -> None:
        xs = [v for ring in rings for v in ring[0::2]]
        ys = [v for ring in rings for v in ring[1::2]]
        self.bounds = (min(xs), min(ys), max(xs), max(ys))
        edges = []
        for ring in rings:
            for k in range(0, len(ring) - 2, 2):
                x1, y1, x2, y2 = ring[k], ring[k + 1], ring[k + 2], ring[k + 3]
                if x1 != x2 or y1 != y2:
                    edges.append((x1, y1, x2, y2))
        y0, y1 = self.bounds[1], self.bounds[3]
        n = max(1, min(_MAX_BANDS, len(edges) // _EDGES_PER_BAND))
        h = (y1 - y0) / n
        if not h > 0.0:
            n, h = 1, 1.0
        bands = [array("d") for _ in range(n)]
        for e in edges:
            lo = min(e[1], e[3]) - _EDGE_EPS
            hi = max(e[1], e[3]) + _EDGE_EPS
            b0 = min(max(int((lo - y0) / h), 0), n - 1)
            b1 = min(max(int((hi - y0) / h), 0), n - 1)
            for b in range(b0, b1 + 1):
                bands[b].extend(e)
        self._y0, self._h, self._n, self._bands = y0, h, n, bands
        self._x0 = self.bounds[0] - _EDGE_EPS
        self._x1 = self.bounds[2] + _EDGE_EPS

    def where(self, px: float, py: float) -> int:
        """``_IN``, ``_OUT``, or ``_EDGE`` when the point is within ``_EDGE_EPS`` of an edge."""
        if px < self._x0 or px > self._x1:
            return _OUT
        b = int((py - self._y0) / self._h)
        if b < 0 or b >= self._n:
            # Outside the area's latitudes; a point a hair beyond them is the exact side's to judge.
            if py < self._y0 - _EDGE_EPS or py > self._y0 + self._n * self._h + _EDGE_EPS:
                return _OUT
            return _EDGE
        e = self._bands[b]
        inside = False
        eps = _EDGE_EPS
        for k in range(0, len(e), 4):
            y1 = e[k + 1]
            y2 = e[k + 3]
            if (y1 > py) != (y2 > py):
                x1 = e[k]
                x2 = e[k + 2]
                if y2 - y1 > eps or y1 - y2 > eps:
                    d = x1 + (py - y1) * (x2 - x1) / (y2 - y1) - px
                # A (nearly) level edge: the division would magnify rounding (tiny or subnormal rises, found by a
                # fuzz); which side of it the point is on follows from its ends alone.
                elif px < x1 - eps and px < x2 - eps:
                    d = 1.0
                elif px > x1 + eps and px > x2 + eps:
                    d = -1.0
                else:
                    return _EDGE
                if d > eps:
                    inside = not inside
                elif d >= -eps:
                    return _EDGE
            elif (
                # level with an end of the edge (or a level edge): close to it only if within eps
                (y1 - py <= eps and py - y1 <= eps) or (y2 - py <= eps and py - y2 <= eps)
            ) and _near_segment(px, py, e[k], y1, e[k + 2], y2):
                return _EDGE
        return _IN if inside else _OUT


def _near_segment(px: float, py: float, x1: float, y1: float, x2: float, y2: float) -> bool:
    dx, dy = x2 - x1, y2 - y1
    t = ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)
    t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
    ex, ey = x1 + t * dx - px, y1 + t * dy - py
    return ex * ex + ey * ey <= _EDGE_EPS * _EDGE_EPS * 4


def _ring(code: str, coords) -> array:
    """One ring as a flat, closed array of x, y; ``ValueError`` unless it is a list of >= 3 finite positions."""
    flat = array("d")
    try:
        for position in coords:
            x, y = float(position[0]), float(position[1])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError
            flat.append(x)
            flat.append(y)
    except (TypeError, ValueError, IndexError, KeyError):
        raise ValueError(f"area {code!r} has a ring that is not a list of [lon, lat] positions") from None
    if len(flat) < 6:
        raise ValueError(f"area {code!r} has a ring of fewer than three positions")
    if flat[0] != flat[-2] or flat[1] != flat[-1]:
        flat.extend(flat[:2])
    return flat


def _mapping_rings(code: str, geom: Mapping) -> list[array]:
    kind = geom.get("type")
    coordinates = geom.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"area {code!r} is a {kind}, expected (Multi)Polygon")
    if not isinstance(coordinates, (list, tuple)) or not coordinates:  # JSON's lists, or shapely's mapping()
        raise ValueError(f"area {code!r} has no geometry")
    polygons = coordinates if kind == "MultiPolygon" else [coordinates]
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, (list, tuple)) or not polygon:
            raise ValueError(f"area {code!r} has a polygon without rings")
        rings.extend(_ring(code, ring) for ring in polygon)
    return rings


def _shapely_rings(code: str, geom) -> list[array]:
    geom_type = getattr(geom, "geom_type", None)
    if geom_type is None or geom.is_empty:
        raise ValueError(f"area {code!r} has no geometry")
    if geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"area {code!r} is a {geom_type}, expected (Multi)Polygon")
    import shapely

    if not geom.is_valid:
        raise ValueError(f"area {code!r} has an invalid geometry: {shapely.is_valid_reason(geom)}")
    rings = []
    for polygon in geom.geoms if geom_type == "MultiPolygon" else [geom]:
        for ring in (polygon.exterior, *polygon.interiors):
            rings.append(_ring(code, ring.coords))
    return rings


# --------------------------------------------------------------------------- tupoksi


@dataclass(frozen=True, slots=True)
class TupoksiRule:
    """``unit`` is responsible for ``category`` in the wilayah whose code starts with ``wilayah``.

    ``wilayah`` is a dotted code prefix ("31", "31.75", "31.75.02", "31.75.02.1001") or "" for
    everywhere. ``kelurahan_verifies``: the kelurahan checks on site before the unit acts.
    """

    category: str
    wilayah: str
    unit: str
    kelurahan_verifies: bool


def _wilayah_prefixes(kelurahan: str) -> list[str]:
    """Every wilayah code covering ``kelurahan``, most specific first, ending with ""."""
    parts = kelurahan.split(".") if kelurahan else []
    return [".".join(parts[:k]) for k in range(len(parts), 0, -1)] + [""]


class RuleBook:
    """Which unit is responsible (tupoksi) for a category in a kelurahan.

    The most specific covering ``wilayah`` wins; among rules for the same wilayah the smallest unit
    code wins. ``category_group`` maps category -> group, used to order :meth:`suggestions`.
    """

    def __init__(
        self,
        rules: Iterable[TupoksiRule],
        *,
        category_group: Mapping[str, str] | None = None,
    ) -> None:
        # kategori -> wilayah -> the winning rule for exactly that wilayah.
        self._index: dict[str, dict[str, TupoksiRule]] = {}
        seen: dict[tuple[str, str, str], TupoksiRule] = {}
        for rule in rules:
            if not isinstance(rule, TupoksiRule):
                raise TypeError(f"expected TupoksiRule, got {type(rule).__name__}")
            if not rule.category or not rule.unit:
                raise ValueError(f"rule needs a kategori and a unit: {rule!r}")
            if rule.wilayah and (
                any(not part for part in rule.wilayah.split(".")) or rule.wilayah != rule.wilayah.strip()
            ):
                raise ValueError(f"malformed wilayah code {rule.wilayah!r} in {rule!r}")
            key = (rule.category, rule.wilayah, rule.unit)
            if key in seen and seen[key] != rule:
                raise ValueError(f"contradictory rules: {seen[key]!r} and {rule!r}")
            seen[key] = rule
            by_wilayah = self._index.setdefault(rule.category, {})
            current = by_wilayah.get(rule.wilayah)
            if current is None or rule.unit < current.unit:
                by_wilayah[rule.wilayah] = rule
        self._group: dict[str, str] = dict(category_group or {})
        self._sorted_categories: list[str] = sorted(self._index)

    def categories(self) -> set[str]:
        """Categories that have at least one rule."""
        return set(self._index)

    def _find(self, category: str, kelurahan: str) -> TupoksiRule | None:
        by_wilayah = self._index.get(category)
        if not by_wilayah:
            return None
        for wilayah in _wilayah_prefixes(kelurahan):
            rule = by_wilayah.get(wilayah)
            if rule is not None:
                return rule
        return None

    def responsible(self, *, category: str, kelurahan: str) -> TupoksiRule:
        """The rule deciding who handles ``category`` in ``kelurahan``; else :class:`NoTupoksi`."""
        rule = self._find(category, kelurahan)
        if rule is None:
            err = NoTupoksi(
                f"Belum ada unit kerja yang bertugas (tupoksi) menangani kategori '{category}' "
                f"di kelurahan {kelurahan}.",
                f"No unit is responsible (tupoksi) for category '{category}' in kelurahan {kelurahan}.",
            )
            err.category = category
            err.kelurahan = kelurahan
            raise err
        return rule

    def suggestions(
        self,
        *,
        category: str,
        kelurahan: str,
        exclude_unit: str | None = None,
        limit: int = 5,
    ) -> list[str]:
        """Units to offer when a unit answers "bukan tupoksi" (not our responsibility).

        Order: the responsible unit for this category here; then the responsible units here of the
        other categories in the same group (by category code). Deduplicated, without ``exclude_unit``, at
        most ``limit``. Never padded with the units of unrelated categories: a short list is an honest one,
        and the unit search finds any other unit.
        """
        if limit <= 0:
            return []
        group = self._group.get(category)
        same = [
            k for k in self._sorted_categories if k != category and group is not None and self._group.get(k) == group
        ]
        out: list[str] = []
        for k in [category, *same]:
            rule = self._find(k, kelurahan)
            if rule is None or rule.unit == exclude_unit or rule.unit in out:
                continue
            out.append(rule.unit)
            if len(out) >= limit:
                break
        return out
