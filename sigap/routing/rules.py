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

Speed: geometries are prepared (``shapely.prepare``) and held in a shapely 2 ``STRtree``, which
answers ``locate_many`` (one bulk ``intersects`` query), ``dwithin`` snapping and nearest search.
A single ``locate`` would spend most of its time creating a Point and entering the tree, so the
index also keeps a uniform grid (cell ~ a quarter of the median area's size) listing, per cell, the
areas whose envelope overlaps it; a lookup is then one cell computation plus a prepared
``shapely.intersects_xy`` on one to a few candidates. Both paths end in the same tie-breaking code,
and the tests check they agree.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from sigap.core.errors import DomainError, NoTupoksi, OutsideArea

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

# Distances (metres) closer than this are treated as equal, so ties are decided by code and not by
# floating-point noise.
_TIE_M = 1e-6

# Grid accelerator: cell side = median area size / _GRID_CELLS_PER_SIDE, grown when needed to stay
# within _GRID_MAX_CELLS cells and _GRID_MAX_PAIRS (cell, area) pairs.
_GRID_CELLS_PER_SIDE = 4
_GRID_MAX_CELLS = 1 << 21
_GRID_MAX_PAIRS = 1 << 23

# When searching for the nearest polygon of a far-away point (only for the error message), do not
# widen the search by more than this many degrees beyond the plain-degree nearest polygon.
_FAR_SEARCH_SLACK_DEG = 0.5

_ORIGIN = Point(0.0, 0.0)


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

    ``areas`` are ``(code, geometry)`` pairs with distinct codes. ``names`` (optional, code -> name)
    only makes the "outside the area" message friendlier.
    """

    def __init__(
        self,
        areas: Iterable[tuple[str, BaseGeometry]],
        *,
        max_snap_m: float = 100.0,
        names: Mapping[str, str] | None = None,
    ) -> None:
        max_snap_m = float(max_snap_m)
        if not (math.isfinite(max_snap_m) and max_snap_m >= 0.0):
            raise ValueError(f"max_snap_m must be a finite number >= 0, got {max_snap_m!r}")
        codes: list[str] = []
        geoms: list[BaseGeometry] = []
        seen: set[str] = set()
        for code, geom in areas:
            if not isinstance(code, str) or not code:
                raise ValueError(f"area code must be a non-empty string, got {code!r}")
            if code in seen:
                raise ValueError(f"duplicate area code {code!r}")
            seen.add(code)
            if not isinstance(geom, BaseGeometry) or geom.is_empty:
                raise ValueError(f"area {code!r} has no geometry")
            if geom.geom_type not in ("Polygon", "MultiPolygon"):
                raise ValueError(f"area {code!r} is a {geom.geom_type}, expected (Multi)Polygon")
            if not geom.is_valid:
                raise ValueError(f"area {code!r} has an invalid geometry: {shapely.is_valid_reason(geom)}")
            codes.append(code)
            geoms.append(geom)
        if not codes:
            raise ValueError("a KelurahanIndex needs at least one area")

        self.max_snap_m = max_snap_m
        self._codes: tuple[str, ...] = tuple(codes)
        self._names: dict[str, str] = dict(names or {})
        self._geoms = np.empty(len(geoms), dtype=object)
        self._geoms[:] = geoms
        shapely.prepare(self._geoms)
        self._tree = shapely.STRtree(self._geoms)
        # One immutable answer per polygon for the common case.
        self._inside: list[Location] = [Location(k, "inside", 0.0) for k in codes]
        self._inside_arr = np.empty(len(codes), dtype=object)
        self._inside_arr[:] = self._inside
        self._build_grid()
        # GEOS builds the tree and each prepared polygon's point-in-area index lazily, on first use,
        # and that step is not thread-safe: do it here so concurrent lookups only ever read.
        b = shapely.bounds(self._geoms)
        shapely.intersects_xy(self._geoms, b[:, 0], b[:, 1])
        self._tree.query(shapely.points(b[:1, :2]), predicate="intersects")

    @classmethod
    def from_geojson(
        cls,
        feature_collection: dict,
        *,
        code_property: str = "kode_kelurahan",
        max_snap_m: float = 100.0,
        name_property: str | None = "nama_kelurahan",
    ) -> KelurahanIndex:
        """Build from an already-parsed GeoJSON FeatureCollection (a dict)."""
        if not isinstance(feature_collection, Mapping) or not isinstance(feature_collection.get("features"), list):
            raise ValueError("expected a GeoJSON FeatureCollection with a 'features' list")
        areas: list[tuple[str, BaseGeometry]] = []
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

    # ------------------------------------------------------------------ grid accelerator

    def _build_grid(self) -> None:
        """Uniform grid over all areas: for each cell, the areas whose envelope overlaps it.

        Single lookups then cost one cell computation plus a prepared ``intersects_xy`` on the
        (usually one to three) candidates, instead of a tree query on a new Point.
        """
        b = shapely.bounds(self._geoms)
        x0, y0 = float(b[:, 0].min()), float(b[:, 1].min())
        x1, y1 = float(b[:, 2].max()), float(b[:, 3].max())
        side = float(np.median(np.sqrt((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]))))
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
            i0 = np.clip(np.floor((b[:, 0] - eps - x0) / w), 0, nx - 1).astype(np.int64)
            i1 = np.clip(np.floor((b[:, 2] + eps - x0) / w), 0, nx - 1).astype(np.int64)
            j0 = np.clip(np.floor((b[:, 1] - eps - y0) / w), 0, ny - 1).astype(np.int64)
            j1 = np.clip(np.floor((b[:, 3] + eps - y0) / w), 0, ny - 1).astype(np.int64)
            ci = i1 - i0 + 1
            k = ci * (j1 - j0 + 1)
            total = int(k.sum())
            if nx * ny <= _GRID_MAX_CELLS and total <= _GRID_MAX_PAIRS:
                break
            w *= max(1.05, math.sqrt(max(nx * ny / _GRID_MAX_CELLS, total / _GRID_MAX_PAIRS)))
        ncells = nx * ny

        # (cell, area) pairs, enumerating each envelope's rectangle of cells.
        area = np.repeat(np.arange(len(b), dtype=np.int64), k)
        local = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(k) - k, k)
        ci_rep = ci[area]
        cell = (j0[area] + local // ci_rep) * nx + (i0[area] + local % ci_rep)
        del local, ci_rep
        order = np.argsort(cell, kind="stable")  # stable: candidates stay in area order
        cell, area = cell[order], area[order]
        offsets = np.zeros(ncells + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell, minlength=ncells), out=offsets[1:])

        self._gx0, self._gy0, self._gx1, self._gy1 = x0, y0, x1, y1
        self._gw, self._gnx, self._gny = w, nx, ny
        self._goff = array("q", offsets.tobytes())
        self._gcand = area.astype(np.intp)
        self._gcand_list = array("q", area.tobytes())
        self._gcand_geoms = self._geoms[self._gcand]
        self.grid_stats = {
            "cells": ncells,
            "cells_used": int(np.count_nonzero(np.diff(offsets))),
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
            a = self._goff[c]
            n = self._goff[c + 1] - a
            if n:
                # A slice of an object array is a view, and shapely's array path is about twice
                # as fast as its scalar path.
                mask = shapely.intersects_xy(self._gcand_geoms[a : a + n], lon, lat)
                if n == 1:
                    if mask[0]:
                        return self._inside[self._gcand_list[a]]
                else:
                    hits = self._gcand[a : a + n][mask]
                    if len(hits) == 1:
                        return self._inside[hits[0]]
                    if len(hits):
                        return self._pick_overlap(lon, lat, hits.tolist())
        # In no polygon: snap, or refuse.
        if self._could_snap(lon, lat):
            loc = self._pick_nearest(
                lon,
                lat,
                self._tree.query(Point(lon, lat), predicate="dwithin", distance=self._snap_radius_deg(lat)).tolist(),
            )
            if loc is not None:
                return loc
        raise self._outside_error(lon, lat)

    # ------------------------------------------------------------------ many points

    def locate_many(self, lons, lats) -> list[Location | None]:
        """``locate`` for many points at once (STRtree bulk query); ``None`` where outside.

        Invalid coordinates raise the same ``invalid_coordinates`` DomainError as :meth:`locate`
        (the message names the first bad position); ``lons``/``lats`` must have the same length.
        """
        try:
            ys = np.asarray(lats, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise _invalid_coordinate("lat") from None
        try:
            xs = np.asarray(lons, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise _invalid_coordinate("lon") from None
        if xs.shape != ys.shape:
            raise ValueError(f"lons and lats differ in length: {xs.size} != {ys.size}")
        n = xs.size
        if n == 0:
            return []
        for field, values, limit in (("lat", ys, 90.0), ("lon", xs, 180.0)):
            bad = ~((values >= -limit) & (values <= limit))
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                err = _invalid_coordinate(field)
                err.message_id += f" (titik ke-{first})"
                err.message_en += f" (point #{first})"
                err.index = first
                raise err

        points = shapely.points(xs, ys)
        q_pt, q_geom = self._tree.query(points, predicate="intersects")
        order = np.lexsort((q_geom, q_pt))
        q_pt, q_geom = q_pt[order], q_geom[order]
        counts = np.bincount(q_pt, minlength=n)

        result = np.full(n, None, dtype=object)
        one = counts[q_pt] == 1
        result[q_pt[one]] = self._inside_arr[q_geom[one]]

        several = np.flatnonzero(counts > 1)
        if several.size:
            starts = np.searchsorted(q_pt, several)
            for i, s in zip(several.tolist(), starts.tolist()):
                hits = q_geom[s : s + counts[i]].tolist()
                result[i] = self._pick_overlap(float(xs[i]), float(ys[i]), hits)

        none = np.flatnonzero(counts == 0)
        if none.size:
            radius = np.array([self._snap_radius_deg(float(y)) for y in ys[none]])
            s_pt, s_geom = self._tree.query(points[none], predicate="dwithin", distance=radius)
            order = np.lexsort((s_geom, s_pt))
            s_pt, s_geom = s_pt[order], s_geom[order]
            s_counts = np.bincount(s_pt, minlength=none.size)
            s_starts = np.concatenate(([0], np.cumsum(s_counts)[:-1]))
            for k in np.flatnonzero(s_counts).tolist():
                i = int(none[k])
                s = int(s_starts[k])
                cands = s_geom[s : s + s_counts[k]].tolist()
                result[i] = self._pick_nearest(float(xs[i]), float(ys[i]), cands)
        return result.tolist()

    # ------------------------------------------------------------------ shared decisions

    def _project(self, idx: list[int], lon: float, lat: float) -> np.ndarray:
        """The geometries ``idx`` in metres, equirectangular around (lon, lat) = origin."""
        kx, ky = _metres_per_degree(lat)
        origin = np.array([lon, lat])
        scale = np.array([kx, ky])
        return shapely.transform(self._geoms[idx], lambda c: (c - origin) * scale)

    def _best(self, idx: list[int], values: np.ndarray, *, largest: bool) -> tuple[int, float]:
        best = float(values.max() if largest else values.min())
        tied = [i for i, v in zip(idx, values.tolist()) if abs(v - best) <= _TIE_M]
        return min(tied, key=self._codes.__getitem__), best

    def _pick_overlap(self, lon: float, lat: float, hits: list[int]) -> Location:
        depth = shapely.distance(shapely.boundary(self._project(hits, lon, lat)), _ORIGIN)
        p, _ = self._best(hits, depth, largest=True)
        return Location(self._codes[p], "overlap", 0.0)

    def _snap_radius_deg(self, lat: float) -> float:
        """A degree radius certain to include every polygon within ``max_snap_m`` metres.

        In the local projection x = dlon*kx, y = dlat*ky, so metres >= min(kx, ky) * degrees.
        """
        kx, ky = _metres_per_degree(lat)
        return self.max_snap_m / min(kx, ky) * (1.0 + 1e-9) + 1e-12

    def _could_snap(self, lon: float, lat: float) -> bool:
        """False when even the bounding box of all areas is farther than ``max_snap_m``."""
        kx, ky = _metres_per_degree(lat)
        dx = max(self._gx0 - lon, 0.0, lon - self._gx1) * kx
        dy = max(self._gy0 - lat, 0.0, lat - self._gy1) * ky
        return math.hypot(dx, dy) <= self.max_snap_m

    def _pick_nearest(self, lon: float, lat: float, cands: list[int]) -> Location | None:
        if not cands:
            return None
        dist = shapely.distance(self._project(cands, lon, lat), _ORIGIN)
        near = dist <= self.max_snap_m
        if not near.any():
            return None
        cands = [c for c, ok in zip(cands, near.tolist()) if ok]
        p, d = self._best(cands, dist[near], largest=False)
        return Location(self._codes[p], "nearest", d)

    def nearest(self, lon: float, lat: float) -> tuple[str, float]:
        """(code, metres) of the nearest area, however far; 0.0 when the point is in one.

        Exact up to tens of kilometres; beyond that the search is bounded and the answer is an
        approximation (good enough for "about N km away").
        """
        lon, lat = _checked(lon, lat)
        pt = Point(lon, lat)
        idx, d = self._tree.query_nearest(pt, return_distance=True, all_matches=True)
        idx = idx.tolist()
        d_deg = float(d[0])
        dist = shapely.distance(self._project(idx, lon, lat), _ORIGIN)
        kx, ky = _metres_per_degree(lat)
        radius = min(float(dist.min()) / min(kx, ky) * (1.0 + 1e-9), d_deg + _FAR_SEARCH_SLACK_DEG)
        if radius > d_deg:
            more = self._tree.query(pt, predicate="dwithin", distance=radius).tolist()
            if len(more) > len(idx):
                idx = more
                dist = shapely.distance(self._project(idx, lon, lat), _ORIGIN)
        p, best = self._best(idx, dist, largest=False)
        return self._codes[p], best

    def _outside_error(self, lon: float, lat: float) -> OutsideArea:
        code, distance = self.nearest(lon, lat)
        name = self._names.get(code)
        label = f"{name} ({code})" if name else code
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
