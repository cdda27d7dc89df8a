"""The exact side of :class:`sigap.routing.rules.KelurahanIndex`: shapely's prepared polygons in an ``STRtree``.

A single lookup is answered by the index's own grid of edges in plain Python (``rules``); this module answers what
that grid leaves open, and is imported only then: a point on or within a hair of a boundary, in two polygons at
once (the deepest wins), or in none (snapped to the nearest within ``max_snap_m``, else refused), and every bulk
lookup (``locate_many``). Web processes that only ever place points inside one kelurahan never load numpy or
shapely (about 20 MB each).

Both paths end in the same decisions, and the tests check they agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry import Point

from sigap.core.errors import OutsideArea

from .rules import Location, _invalid_coordinate, _metres_per_degree  # rules imports this module only when needed

# Distances (metres) closer than this are treated as equal, so ties are decided by code and not by
# floating-point noise.
_TIE_M = 1e-6

# When searching for the nearest polygon of a far-away point (only for the error message), do not
# widen the search by more than this many degrees beyond the plain-degree nearest polygon.
_FAR_SEARCH_SLACK_DEG = 0.5

_ORIGIN = Point(0.0, 0.0)


class ExactIndex:
    """Prepared polygons in an STRtree, with the index's decisions for overlaps, gaps and far points.

    ``inside`` holds one ``Location(code, "inside", 0.0)`` per area (shared with the grid, so both paths return the
    same objects); ``bounds`` and ``outside_error`` are the index's.
    """

    def __init__(
        self,
        codes: Sequence[str],
        geoms: Sequence,
        *,
        inside: Sequence,
        bounds: tuple[float, float, float, float],
        max_snap_m: float,
        outside_error: Callable[[float, float], OutsideArea],
    ) -> None:
        self._codes = tuple(codes)
        self._geoms = np.empty(len(geoms), dtype=object)
        self._geoms[:] = list(geoms)
        shapely.prepare(self._geoms)
        self._tree = shapely.STRtree(self._geoms)
        self._inside_arr = np.empty(len(inside), dtype=object)
        self._inside_arr[:] = list(inside)
        self._bounds = bounds
        self.max_snap_m = max_snap_m
        self._outside_error = outside_error
        # GEOS builds the tree and each prepared polygon's point-in-area index lazily, on first use,
        # and that step is not thread-safe: do it here so concurrent lookups only ever read.
        b = shapely.bounds(self._geoms)
        shapely.intersects_xy(self._geoms, b[:, 0], b[:, 1])
        self._tree.query(shapely.points(b[:1, :2]), predicate="intersects")

    # ------------------------------------------------------------------ one point

    def locate(self, lon: float, lat: float):
        """The decision for one (already checked) point: inside one, overlap, snapped, or ``OutsideArea``."""
        hits = sorted(self._tree.query(Point(lon, lat), predicate="intersects").tolist())
        if len(hits) == 1:
            return self._inside_arr[hits[0]]
        if hits:
            return self._pick_overlap(lon, lat, hits)
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

    def locate_many(self, lons, lats) -> list:
        # checked as ``locate`` checks one point: the latitudes wholly first, then the longitudes
        ys = self._coordinates(lats, "lat", 90.0)
        xs = self._coordinates(lons, "lon", 180.0)
        if xs.shape != ys.shape:
            raise ValueError(f"lons and lats differ in length: {xs.size} != {ys.size}")
        n = xs.size
        if n == 0:
            return []

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

    def _coordinates(self, values, field: str, limit: float) -> np.ndarray:
        try:
            out = np.asarray(values, dtype=np.float64).ravel()
        except (TypeError, ValueError, OverflowError):  # not numbers, or an integer beyond any float
            raise _invalid_coordinate(field) from None
        bad = ~((out >= -limit) & (out <= limit))
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            err = _invalid_coordinate(field)
            err.message_id += f" (titik ke-{first})"
            err.message_en += f" (point #{first})"
            err.index = first
            raise err
        return out

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

    def _pick_overlap(self, lon: float, lat: float, hits: list[int]):
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
        x0, y0, x1, y1 = self._bounds
        dx = max(x0 - lon, 0.0, lon - x1) * kx
        dy = max(y0 - lat, 0.0, lat - y1) * ky
        return math.hypot(dx, dy) <= self.max_snap_m

    def _pick_nearest(self, lon: float, lat: float, cands: list[int]):
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
        """(code, metres) of the nearest area, however far; 0.0 when the point is in one."""
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
