"""What each audience may see of a report: the one rule behind every public and semi-public surface.

Pure (no Django, no database): a caller passes a report's values (``Facts``, or ``facts_of(report)``) and an
``Audience`` and gets back a ``Shown``: whether the report may appear on its own (with its number), whether it
may only be counted, which point at which precision, whether the address text, the category, the description
and the handling unit may be shown. The portal's public pages and map, "similar reports", Open311 and the
supervisor dashboard all ask this module; none decides on its own.

Audiences and what their duty needs:

* ``PUBLIC`` (anyone: the portal's public pages and map, Open311 without the filing client's key): Publik
  reports of non-sensitive categories only; number, category, status, redacted description, handling unit,
  the kelurahan; the point **snapped to a fixed ~220 m grid** (``PUBLIC_GRID_DEG``); never the address text
  and never the notes written to the reporter (a question, an answer, a dispute reason).
  A Privat or Anonim report, or one of a sensitive category, does not exist for the public (statistics per
  kota and kelurahan still count it).
* ``NEIGHBOUR`` (a resident about to file, asking "is this already reported?"): Publik reports as the public
  sees them; a Privat or Anonim report is only **counted** by its grid cell, never with its number, a
  distance, its text or its handling unit, and only from the day after it was filed (``similar_reports_near``);
  sensitive categories are neither shown nor counted.
* ``REPORTER`` (the holder of the tracking code, or the Open311 client app that filed the report): their own
  report with its redacted address text and the notes written to them, on the same public grid; for a
  sensitive category the kelurahan only (a leaked tracking code or client key must not place a labour or
  misconduct complaint).
* ``HANDLER`` (staff who may open the report: its units, their supervisors, a validator for what it
  validates): the point to ~10 m on overview maps (the report page has the exact point) and every detail.
* ``MERGED_REPORTER`` (the reporter of a duplicate that was merged into this report: another person, who
  keeps following through it): the status only; the number, category and handling unit only when the public
  may see them too (a Publik report of a non-sensitive category); never the notes written to this report's
  own reporter (a question, a dispute reason), its address or its point. Someone who files a look-alike of a
  complaint must not learn through the merge what the public may not.
* ``OVERSIGHT`` (a validator or the Biro's leadership on the city map, for reports they may not open): only
  counted in a ~1.1 km grid cell (``OVERSIGHT_GRID_DEG``) with its status; no number, category, unit or
  point. (Their dashboard's tables still name overdue reports by number, category and unit, without a
  place: chasing late units is that duty.)

Why a grid and not a random offset: a random offset averages away over repeated requests, and a radius
around the caller's point can be walked to trilaterate. A fixed grid gives every request the same cell, and
neighbourhoods are computed between cells (``cells_near``), never from the exact point, so moving the
question around a report learns at most which cell it is in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PUBLIC_GRID_DEG = 0.002  # ≈ 220 m at Jakarta's latitude
OVERSIGHT_GRID_DEG = 0.01  # ≈ 1.1 km
HANDLER_DECIMALS = 4  # ≈ 11 m: an overview map; the report page has the exact point
AREA_DECIMALS = 3  # a kelurahan's inner point is public reference data

PUBLIC = "public"  # values of reports.models.Privacy (kept as text: this module imports no models)

# The queryset filter for "the public may see this report at all", for callers that read the database.
PUBLIC_FILTER = {"privacy": PUBLIC, "category__sensitive": False}


class Audience(StrEnum):
    PUBLIC = "public"
    NEIGHBOUR = "neighbour"
    REPORTER = "reporter"
    HANDLER = "handler"
    OVERSIGHT = "oversight"
    MERGED_REPORTER = "merged_reporter"


class Precision(StrEnum):
    NONE = "none"  # no point at all
    AREA = "area"  # the kelurahan's inner point
    PUBLIC_CELL = "public_cell"  # centre of a PUBLIC_GRID_DEG cell
    OVERSIGHT_CELL = "oversight_cell"  # centre of an OVERSIGHT_GRID_DEG cell
    FINE = "fine"  # HANDLER_DECIMALS


@dataclass(frozen=True)
class Facts:
    """The values of a report the rule looks at."""

    privacy: str
    sensitive: bool
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    area_name: str = ""  # the kelurahan's name
    area_lat: float | None = None  # the kelurahan's inner point
    area_lon: float | None = None


@dataclass(frozen=True)
class Shown:
    """What one audience may see of one report. ``listed``: it may appear on its own, with its number;
    ``counted``: it may only add to a count (of ``cell``); neither: as if it did not exist."""

    listed: bool = False
    counted: bool = False
    category: bool = False
    description: bool = False
    handling_unit: bool = False
    notes: bool = False  # the public note of each status change (written to the reporter)
    area: str = ""
    address: str | None = None
    point: tuple[float, float] | None = None  # (lat, lon)
    precision: Precision = Precision.NONE
    cell: tuple[int, int] | None = None  # grid cell (of ``precision``'s grid) for counting

    @property
    def number(self) -> bool:
        return self.listed


NOTHING = Shown()


def facts_of(report: Any) -> Facts:
    """``Facts`` from a report row (any object with the ``Report`` attributes; ``category`` and ``kelurahan``
    loaded, or ``None``)."""
    category = getattr(report, "category", None)
    kel = getattr(report, "kelurahan", None) if getattr(report, "kelurahan_id", True) else None
    return Facts(
        privacy=report.privacy,
        sensitive=bool(getattr(category, "sensitive", True)),
        lat=report.lat,
        lon=report.lon,
        address=report.address or "",
        area_name=kel.name if kel is not None else "",
        area_lat=getattr(kel, "inner_lat", None),
        area_lon=getattr(kel, "inner_lon", None),
    )


# --- the grid --------------------------------------------------------------------------------------


def _finite(lat: float | None, lon: float | None) -> bool:
    """Whether a point has both coordinates, each a finite number (asked once per point of a map's thousands)."""
    return lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon)


def cell_of(lat: float, lon: float, grid: float) -> tuple[int, int]:
    """The grid cell holding a point: the same for every request, whatever else is asked."""
    return (round(lat / grid), round(lon / grid))


def cell_centre(cell: tuple[int, int], grid: float) -> tuple[float, float]:
    return (round(cell[0] * grid, 6), round(cell[1] * grid, 6))


def snap(lat: float, lon: float, grid: float) -> tuple[float, float]:
    return cell_centre(cell_of(lat, lon, grid), grid)


def cells_near(a: tuple[int, int], b: tuple[int, int], reach: int = 1) -> bool:
    """Whether cell ``b`` is within ``reach`` cells of ``a`` (a (2·reach+1)² block). Decided on cells only."""
    return abs(a[0] - b[0]) <= reach and abs(a[1] - b[1]) <= reach


def cell_metres(grid: float) -> int:
    """A cell's side in metres, roughly (for labels)."""
    return int(round(grid * 111_000, -1))


# --- the rule --------------------------------------------------------------------------------------


def _area_point(f: Facts) -> tuple[tuple[float, float] | None, Precision]:
    if not _finite(f.area_lat, f.area_lon):
        return None, Precision.NONE
    return (round(f.area_lat, AREA_DECIMALS), round(f.area_lon, AREA_DECIMALS)), Precision.AREA


def _public_point(f: Facts) -> tuple[tuple[float, float] | None, Precision, tuple[int, int] | None]:
    """The public grid cell of the report's point (the kelurahan's point for a sensitive category or a report
    without coordinates)."""
    if f.sensitive or not _finite(f.lat, f.lon):
        point, precision = _area_point(f)
        cell = cell_of(*point, PUBLIC_GRID_DEG) if point else None
        return point, precision, cell
    cell = cell_of(f.lat, f.lon, PUBLIC_GRID_DEG)
    return cell_centre(cell, PUBLIC_GRID_DEG), Precision.PUBLIC_CELL, cell


def handler_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """The report's own point as those who may open it see it (``Audience.HANDLER``, ``Precision.FINE``):
    rounded to ``HANDLER_DECIMALS``; None without coordinates (``expose`` then gives the kelurahan's point).
    Whatever the privacy or the category: a handler works on the spot. Also asked alone by a map of
    thousands of points the user may open, so the rule is not rebuilt as a whole ``Shown`` for each."""
    if not _finite(lat, lon):
        return None
    return round(lat, HANDLER_DECIMALS), round(lon, HANDLER_DECIMALS)


def expose(f: Facts, audience: Audience | str) -> Shown:
    audience = Audience(audience)
    public = f.privacy == PUBLIC and not f.sensitive
    if audience in (Audience.PUBLIC, Audience.NEIGHBOUR):
        if public:
            point, precision, cell = _public_point(f)
            return Shown(
                listed=True,
                counted=True,
                category=True,
                description=True,
                handling_unit=True,
                area=f.area_name,
                address=None,
                point=point,
                precision=precision,
                cell=cell,
            )
        if audience == Audience.NEIGHBOUR and not f.sensitive:
            _point, _precision, cell = _public_point(f)
            return Shown(counted=cell is not None, cell=cell)
        return NOTHING
    if audience == Audience.MERGED_REPORTER:
        return Shown(listed=True, category=True, handling_unit=True, area=f.area_name) if public else NOTHING
    # (callers also stop telling a merged reporter anything once the report is a complaint about officials)
    if audience == Audience.REPORTER:
        point, precision, cell = _public_point(f)
        return Shown(
            listed=True,
            counted=True,
            category=True,
            description=True,
            handling_unit=True,
            notes=True,
            area=f.area_name,
            address=None if f.sensitive else f.address,
            point=point,
            precision=precision,
            cell=cell,
        )
    if audience == Audience.HANDLER:
        point = handler_point(f.lat, f.lon)
        precision = Precision.FINE
        if point is None:
            point, precision = _area_point(f)
        return Shown(
            listed=True,
            counted=True,
            category=True,
            description=True,
            handling_unit=True,
            notes=True,
            area=f.area_name,
            address=f.address,
            point=point,
            precision=precision,
        )
    # OVERSIGHT: a count in a coarse cell, nothing else
    lat, lon = (f.lat, f.lon) if _finite(f.lat, f.lon) else (f.area_lat, f.area_lon)
    if not _finite(lat, lon):
        return NOTHING
    cell = cell_of(lat, lon, OVERSIGHT_GRID_DEG)
    return Shown(
        counted=True, point=cell_centre(cell, OVERSIGHT_GRID_DEG), precision=Precision.OVERSIGHT_CELL, cell=cell
    )


def expose_report(report: Any, audience: Audience | str) -> Shown:
    return expose(facts_of(report), audience)
