"""Street, landmark and kampung names as data a city loads (``PlaceName``), read by the place parser.

``placenames_load(path, source=...)`` reads one file and replaces that source's rows:

* a gazetteer CSV (``name,kind,aliases,kelurahan[,lat,lon]``; ``;``-separated lists), the format of the Jakarta
  gazetteer that ships with Sigap (``sigap/routing/data/gazetteer.csv``, loaded with the reference data);
* GeoJSON (a FeatureCollection) or an OpenStreetMap extract (``.osm``, ``.osm.pbf``, read with pyosmium): named
  streets as lines, landmarks as points or areas, kampung / RW as ``place=neighbourhood|quarter|hamlet``. Each
  is assigned by geometry to every kelurahan of the service area it lies in or crosses (a street through three
  kelurahan knows all three); names outside the area are skipped. Features of one name and kind are merged
  (an OpenStreetMap street comes in many segments).

A place at one spot (a station, a market, a building, a small kampung; a CSV row with a position) also gets its
``home``: the kelurahan it stands in. The parser places a text naming it there and keeps the kelurahan around it
(within about 100 m) as the ones to ask about. A name whose features stand in different kelurahan (a chain of
shops) has no home.

RW boundaries in the same file (``boundary=administrative``, ``admin_level=8``: Jakarta's OpenStreetMap has them)
are not names, but each street learns the RW areas it crosses ("kelurahan:RW") and those loaded in its kelurahan
that it does not cross ("kelurahan:~RW"), so "jl X RT 02 RW 05" on a street through three kelurahan leaves out
the kelurahan whose RW 05 lies elsewhere, and is placed when one is left whose RW 05 it crosses; a kelurahan
whose RW 05 is not loaded stays a candidate.

The kind of a feature comes from its OpenStreetMap tags (``highway``, ``railway``, ``amenity``, ``shop``,
``leisure``, ``place``…), or from a ``kind`` property in GeoJSON written for Sigap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sigap.core.gazetteer import gazetteer_rows
from sigap.core.geo import HOME_MARGIN_SURVEYED_M, HOME_MARGIN_WRITTEN_M, point_home

from .models import PlaceName, Wilayah

SHIPPED = Path(__file__).resolve().parent.parent / "routing" / "data" / "gazetteer.csv"
SHIPPED_SOURCE = "sigap-jakarta"

STREETS = {
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "pedestrian",
    "footway",
    "path",
}
LANDMARK_TAGS = ("tourism", "historic", "office", "building", "man_made", "government")
NEAR_DEGREES = 0.0009  # about 100 m: the kelurahan around a place at a spot, offered when a text is unsure
HOME_SHARE = 0.6  # an area (a kampung) is at home in the kelurahan holding this share of it
_RW_NAME = re.compile(r"^\s*(?:(?:rw|rukun\s+warga)\s*\.?\s*)?0*(\d{1,3})\s*$", re.I)
_PREFIX = re.compile(r"^(jalan|jl\.?|jln\.?|gang|gg\.?)\s+", re.I)


@dataclass
class Entry:
    name: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    kelurahan: set[str] = field(default_factory=set)
    homes: set[str] = field(default_factory=set)  # where each feature of the name stands ("" for none)
    rw: set[str] = field(default_factory=set)  # "kelurahan code:RW number" of the RW areas a street crosses

    @property
    def home(self) -> str:
        """The kelurahan the place stands in, when every feature of the name stands in the same one."""
        return next(iter(self.homes)) if len(self.homes) == 1 and "" not in self.homes else ""


@dataclass(frozen=True)
class LoadResult:
    source: str
    features: int
    names: int
    outside: int  # named features in no kelurahan of the service area
    rw_areas: int = 0  # RW boundaries read (they narrow the streets crossing them; not names themselves)


def rw_number(tags: dict) -> str | None:
    """The number of an RW (rukun warga) boundary: in Indonesia's OpenStreetMap convention
    ``boundary=administrative`` with ``admin_level=8``, named "RW 03", "RW.03", "Rukun Warga 3" or just "03"
    (or with the number as ``ref``). None for anything else."""
    if tags.get("boundary") != "administrative" or str(tags.get("admin_level") or "") != "8":
        return None
    for value in (tags.get("name"), tags.get("ref")):
        found = _RW_NAME.match(str(value or ""))
        if found:
            return str(int(found.group(1)))
    return None


def kind_of(tags: dict) -> str | None:
    """The parser's kind for an OpenStreetMap feature (None: not a place residents name)."""
    get = tags.get
    if get("boundary") == "administrative":
        return None  # kelurahan and above are the region list; RW boundaries narrow streets (rw_number)
    name = (get("name") or "").strip().lower()
    if get("highway") in STREETS:
        return "gang" if name.startswith(("gang ", "gg ", "gg.")) else "jalan"
    if get("railway") in ("station", "halt") or get("public_transport") == "station":
        return "stasiun"
    if get("amenity") == "bus_station" or (get("highway") == "bus_stop" and "terminal" in name):
        return "terminal"
    if get("amenity") == "marketplace" or name.startswith("pasar "):
        return "pasar"
    if get("amenity") in ("hospital", "clinic") or get("healthcare") == "hospital":
        return "rs"
    if get("amenity") in ("school", "university", "college", "kindergarten"):
        return "sekolah"
    if get("amenity") == "place_of_worship":
        return "masjid"
    if get("shop") == "mall":
        return "mall"
    if get("leisure") in ("park", "garden", "stadium", "sports_centre"):
        return "taman"
    if get("place") in ("neighbourhood", "quarter", "hamlet", "village", "suburb"):
        return "kawasan"
    if any(get(t) for t in LANDMARK_TAGS) or get("amenity") or get("shop"):
        return "landmark"
    return None


def _aliases(name: str, tags: dict) -> set[str]:
    out = {tags[k].strip() for k in ("alt_name", "short_name", "old_name", "loc_name", "official_name") if tags.get(k)}
    out |= {part.strip() for value in list(out) for part in value.split(";") if part.strip()}
    bare = _PREFIX.sub("", name).strip()
    if bare and bare.lower() != name.lower():
        out.add(bare)  # "Jalan Kemang Raya" is written "kemang raya" too
    return {a for a in out if a.lower() != name.lower()}


def _csv_entries(path: Path) -> Iterator[Entry]:
    from shapely.geometry import Point

    areas = None

    def locate(lon: float, lat: float) -> str:  # a written position (the polygons read at the first one)
        nonlocal areas
        areas = areas or _Areas()
        return areas.home(Point(lon, lat), HOME_MARGIN_WRITTEN_M)

    for r in gazetteer_rows(path, locate):
        homes = set() if r.home is None else {r.home}  # a position that names no kelurahan leaves no home
        yield Entry(r.name, r.kind, set(r.aliases), set(r.kelurahan), homes)


def _geojson_features(path: Path) -> Iterator[tuple[dict, object]]:
    from shapely.geometry import shape

    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data.get("features", []):
        if feature.get("geometry"):
            yield feature.get("properties") or {}, shape(feature["geometry"])


def _osm_features(path: Path) -> Iterator[tuple[dict, object]]:
    import osmium
    import osmium.geom
    from shapely import wkb

    factory = osmium.geom.WKBFactory()
    for obj in osmium.FileProcessor(str(path)).with_locations().with_areas():
        tags = dict(obj.tags)
        if not tags.get("name"):
            continue
        try:
            if obj.is_node():
                raw = factory.create_point(obj)
            elif obj.is_way():
                if obj.is_closed() and "highway" not in tags and tags.get("area") != "no":
                    continue  # a closed way that is not a road comes again as an area
                raw = factory.create_linestring(obj)
            elif obj.is_area():
                raw = factory.create_multipolygon(obj)
            else:
                continue
        except RuntimeError:  # a way with missing node locations, an unclosed area: skipped
            continue
        yield tags, wkb.loads(raw, hex=True)


def _service_kelurahan():
    """The service area's kelurahan with a boundary: what places are assigned to."""
    return Wilayah.objects.filter(
        level=Wilayah.Level.KELURAHAN, code__startswith=settings.SIGAP_PROVINCE + ".", geometry__isnull=False
    )


class _Areas:
    """The service area's kelurahan polygons in an STRtree, to assign features by geometry."""

    def __init__(self) -> None:
        from shapely import STRtree
        from shapely.geometry import shape

        rows = _service_kelurahan().values_list("code", "geometry")
        self.codes, shapes = [], []
        for code, geometry in rows:
            self.codes.append(code)
            shapes.append(shape(geometry))
        self.shapes = shapes
        self.tree = STRtree(shapes)

    def kelurahan(self, geometry) -> set[str]:
        return {self.codes[i] for i in self.tree.query(geometry, predicate="intersects")}

    def home(self, geometry, margin_m: float = HOME_MARGIN_SURVEYED_M) -> str:
        """The kelurahan a point stands in (none within ``margin_m`` of another: ``point_home``), or that holds
        most (HOME_SHARE) of an area; "" for a line (a street belongs to every kelurahan it crosses) and for an
        area split between kelurahan."""
        if geometry.geom_type in ("Point", "MultiPoint"):
            return point_home(self.tree, self.codes, geometry, margin_m)
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.area:
            return ""
        shares = {
            self.codes[i]: self.shapes[i].intersection(geometry).area / geometry.area
            for i in self.tree.query(geometry, predicate="intersects")
        }
        best = max(shares, key=shares.get, default="")
        return best if best and shares[best] >= HOME_SHARE else ""


def _entries(path: Path) -> tuple[list[Entry], int, int, int]:
    suffix = "".join(path.suffixes[-2:]).lower()
    if path.suffix.lower() == ".csv":
        entries = list(_csv_entries(path))
        return entries, len(entries), 0, 0
    reader = _geojson_features if path.suffix.lower() in (".geojson", ".json") else None
    if reader is None and (suffix in (".osm.pbf", ".osm.bz2") or path.suffix.lower() in (".osm", ".pbf")):
        reader = _osm_features
    if reader is None:
        raise ValueError(f"{path.name}: not a gazetteer CSV, GeoJSON or OpenStreetMap file")
    areas = _Areas()
    # two passes over the file: the RW boundaries first (the streets need them all), then the names, streamed
    # (an extract of a whole island does not fit in memory as shapes)
    rw_keys, rw_tree = _rw_areas(reader(path), areas)
    features = reader(path)
    rw_loaded: dict[str, set[str]] = {}  # kelurahan -> the RW numbers loaded in it
    for key in rw_keys:
        k, _, n = key.partition(":")
        rw_loaded.setdefault(k, set()).add(n)
    merged: dict[tuple[str, str], Entry] = {}
    count = outside = 0
    for tags, geometry in features:
        name = str(tags.get("name") or "").strip()
        kind = tags.get("kind") if tags.get("kind") in PlaceName.Kind.values else kind_of(tags)
        if not name or kind is None:
            continue
        count += 1
        point_like = kind not in ("jalan", "gang") and geometry.geom_type in (
            "Point",
            "MultiPoint",
            "Polygon",
            "MultiPolygon",
        )
        # a place at a spot also knows the kelurahan just around it ("depan stasiun" may be across the border)
        codes = areas.kelurahan(geometry.buffer(NEAR_DEGREES) if point_like else geometry)
        if not codes:
            outside += 1
            continue
        entry = merged.setdefault((kind, name.lower()), Entry(name, kind))
        entry.aliases |= _aliases(name, tags)
        entry.kelurahan |= codes
        entry.homes.add(areas.home(geometry) if point_like else "")
        if kind in ("jalan", "gang") and rw_tree is not None:
            crossed = {rw_keys[i] for i in rw_tree.query(geometry, predicate="intersects")}
            # and the RW loaded in its kelurahan that it does not cross ("k:~n"): only those rule a kelurahan out;
            # a kelurahan whose RW n is not loaded stays possible
            missed = {f"{k}:~{n}" for k in codes for n in rw_loaded.get(k, ()) if f"{k}:{n}" not in crossed}
            entry.rw |= crossed | missed
    return list(merged.values()), count, outside, len(rw_keys)


def _rw_areas(features: Iterable[tuple[dict, object]], areas: _Areas) -> tuple[list[str], object]:
    """The RW boundaries among ``features`` as "kelurahan code:number" keys (the kelurahan holding most of each)
    and an STRtree of their polygons (None when there are none)."""
    from shapely import STRtree

    keys, shapes = [], []
    for tags, geometry in features:
        number = rw_number(tags)
        if number and geometry.geom_type in ("Polygon", "MultiPolygon"):
            home = areas.home(geometry)
            if home:
                keys.append(f"{home}:{number}")
                shapes.append(geometry)
    return keys, (STRtree(shapes) if shapes else None)


def placenames_load(path: str | Path, *, source: str | None = None) -> LoadResult:
    """Load one file's names as ``source`` (default: the file's name), replacing what that source held."""
    path = Path(path)
    source = (source or path.name)[:80]
    entries, count, outside, rw_areas = _entries(path)
    rows = _rows(entries, source)
    _replace(source, rows)
    return LoadResult(source, count, len(rows), outside, rw_areas)


def _rows(entries: Iterable[Entry], source: str) -> list[PlaceName]:
    return [
        PlaceName(
            source=source,
            name=e.name[:200],
            kind=e.kind,
            aliases=sorted(e.aliases),
            kelurahan=sorted(e.kelurahan),
            home=e.home,
            rw=sorted(e.rw),
        )
        for e in _dedupe(entries)
    ]


def _replace(source: str, rows: list[PlaceName]) -> None:
    with transaction.atomic():
        PlaceName.objects.filter(source=source).delete()
        PlaceName.objects.bulk_create(rows, batch_size=1000)


def _dedupe(entries: Iterable[Entry]) -> list[Entry]:
    """One row per (kind, name) within a source: a CSV may repeat a name; their lists are joined."""
    out: dict[tuple[str, str], Entry] = {}
    for e in entries:
        kept = out.setdefault((e.kind, e.name), Entry(e.name, e.kind))
        kept.aliases |= e.aliases
        kept.kelurahan |= e.kelurahan
        kept.homes |= e.homes
        kept.rw |= e.rw
    return list(out.values())


def shipped_load() -> LoadResult:
    """The Jakarta gazetteer that ships with Sigap (part of the reference data)."""
    return placenames_load(SHIPPED, source=SHIPPED_SOURCE)


_COMPARED = ("name", "kind", "aliases", "kelurahan", "home", "rw")


def shipped_refresh(sender=None, using: str = "default", **kwargs) -> bool:
    """``post_migrate``: load the shipped gazetteer again when its rows differ from the file (an upgrade brought a
    new file, or a loader that reads more of it). Not on a database without kelurahan boundaries: the reference
    data loads it there. True when it loaded."""
    from sigap.core.migrated import fully_migrated

    if using != "default" or not fully_migrated(using) or not _service_kelurahan().exists():
        return False
    rows = _rows(_csv_entries(SHIPPED), SHIPPED_SOURCE)

    def key(values) -> tuple:
        return tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in values)

    have = {key(r) for r in PlaceName.objects.filter(source=SHIPPED_SOURCE).values_list(*_COMPARED)}
    if {key(getattr(r, f) for f in _COMPARED) for r in rows} == have:
        return False
    _replace(SHIPPED_SOURCE, rows)
    return True
