"""The gazetteer CSV format, read one way for both its readers. Pure.

``name,kind,aliases,kelurahan[,lat,lon]``, lists ``;``-separated: the Jakarta gazetteer that ships with Sigap and
any a city writes. Read by the place-name loader (``sigap.organization.placenames``, into ``PlaceName`` rows) and
by the parser's own loader for tests and benchmarks (``sigap.routing.address.gazetteer_load``); each locates the
positions in its own copy of the kelurahan polygons (``locate``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GazetteerRow:
    name: str
    kind: str
    aliases: tuple[str, ...]
    kelurahan: tuple[str, ...]  # with the home added when the row did not list it
    home: str | None  # None: no position; "": a position that names no single kelurahan (a border too near)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(";") if p.strip())


def gazetteer_rows(path: str | Path, locate: Callable[[float, float], str] | None = None) -> Iterator[GazetteerRow]:
    """The rows of a gazetteer CSV. ``locate(lon, lat)``: the home of a position (``sigap.core.geo.point_home``);
    without it, positions are not read."""
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kelurahan, home = _split(row.get("kelurahan")), None
            lat, lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
            if locate and lat and lon:
                home = locate(float(lon), float(lat))
                if home and home not in kelurahan:
                    kelurahan = (*kelurahan, home)
            yield GazetteerRow(row["name"].strip(), row["kind"].strip(), _split(row.get("aliases")), kelurahan, home)
