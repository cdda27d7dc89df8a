"""Where a report is when the reporter gives no point: a kelurahan chosen from a list, or named in free text.

* ``kelurahan_point``: a kelurahan chosen from the region lists (portal form, operator page, triage desk)
  stands for its inner point, a point inside its boundary, so routing files the report there.
* ``place_match``: the kelurahan a free-text address names ("gg mawar rt 05/03 pondok bambu duren sawit"),
  used by the chat dialog, public mentions and the triage desk. A thin adapter over
  ``sigap.routing.address``: the region list comes from the Wilayah table (kelurahan with an inner point,
  and their kecamatan and kota), the street, landmark and kampung names from ``PlaceName`` (loaded as data:
  ``sigap places load FILE``). Both are compiled once and rebuilt when those rows change (count and last
  update).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from sigap.organization.cache import Throttled
from sigap.organization.models import PlaceName, Wilayah

from .address import AddressIndex, AddressResult, Place, Region


def kelurahan_choosable() -> QuerySet[Wilayah]:
    """The kelurahan a report can be placed in by choosing it from a list: in the service area
    (``SIGAP_PROVINCE``), with a boundary and an inner point."""
    return Wilayah.objects.filter(
        level=Wilayah.Level.KELURAHAN,
        code__startswith=settings.SIGAP_PROVINCE + ".",
        geometry__isnull=False,
        inner_lat__isnull=False,
        inner_lon__isnull=False,
    )


def kelurahan_point(code: str) -> tuple[float, float] | None:
    """Where a report is when its kelurahan was chosen from a list (Kemendagri ``code``): the kelurahan's inner
    point (lat, lon). ``None`` when the code is not a kelurahan of ``kelurahan_choosable``. One query."""
    if not code:
        return None
    return kelurahan_choosable().filter(code=code).values_list("inner_lat", "inner_lon").first()


@dataclass(frozen=True)
class PlaceMatch:
    code: str
    name: str
    lat: float
    lon: float
    confidence: float
    kecamatan: str = ""  # the kecamatan's name, to tell namesakes apart when asking

    @property
    def label(self) -> str:
        """ "Pulo (Kebayoran Baru)": how a candidate is named to a resident or an API client."""
        return f"{self.name} ({self.kecamatan})" if self.kecamatan else self.name


@dataclass(frozen=True)
class PlaceDecision:
    """What a location text supports: one kelurahan (``placed``), or candidates to ask about, or nothing.
    ``mentions`` are the evidence (which words matched what)."""

    placed: PlaceMatch | None
    candidates: tuple[PlaceMatch, ...]
    mentions: tuple
    kecamatan_only: tuple[str, ...] = ()  # kecamatan named when no kelurahan could be told

    @property
    def ask(self) -> tuple[PlaceMatch, ...]:
        """The two or three best candidates to offer when the text does not settle it."""
        return () if self.placed else self.candidates[:3]


@dataclass(frozen=True)
class _Places:
    index: AddressIndex
    kelurahan: dict[str, tuple[str, float, float]]  # code -> (name, inner lat, inner lon)
    kecamatan_of: dict[str, str] = field(default_factory=dict)  # kelurahan code -> its kecamatan's name


def _gazetteer() -> tuple[Place, ...]:
    """The place names a city loaded (``PlaceName``: the shipped Jakarta gazetteer, OpenStreetMap extracts)."""
    return tuple(
        Place(name, kind, tuple(aliases), tuple(kelurahan), home, tuple(rw))
        for name, kind, aliases, kelurahan, home, rw in PlaceName.objects.order_by(
            "source", "kind", "name"
        ).values_list("name", "kind", "aliases", "kelurahan", "home", "rw")
    )


def _places(version: tuple) -> _Places:
    """Built by ``_checked`` when the fingerprint changes; it keeps the current one only."""
    rows = list(
        Wilayah.objects.filter(
            level__in=(Wilayah.Level.KOTA, Wilayah.Level.KECAMATAN, Wilayah.Level.KELURAHAN)
        ).values_list("code", "name", "level", "parent__code", "inner_lat", "inner_lon")
    )
    # the kelurahan we can place a report in (those with an inner point), and the areas above them
    points = {
        code: (name, lat, lon)
        for code, name, level, _p, lat, lon in rows
        if level == Wilayah.Level.KELURAHAN and lat is not None and lon is not None
    }
    parents = {code: parent for code, _n, _t, parent, _la, _lo in rows}
    keep = set(points)
    for code in points:
        up = parents.get(code)
        while up and up not in keep:
            keep.add(up)
            up = parents.get(up)
    regions = tuple(
        Region(code, name, level, parent or "") for code, name, level, parent, _la, _lo in rows if code in keep
    )
    names = {code: name for code, name, *_rest in rows}
    kecamatan_of = {code: names.get(parents.get(code) or "", "") for code in points}
    return _Places(AddressIndex(regions, _gazetteer()), points, kecamatan_of)


def _fingerprint() -> tuple:
    from django.db.models import Count, Max

    agg = Wilayah.objects.filter(level__gte=Wilayah.Level.KOTA).aggregate(n=Count("id"), t=Max("updated_at"))
    names = PlaceName.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return agg["n"], agg["t"], names["n"], names["t"]


# the regions and place names read at most every SIGAP_REFERENCE_CHECK_SECONDS, as the other reference data: a
# city's OpenStreetMap names are tens of thousands of rows, too many to count on every location text
_checked = Throttled(_fingerprint, _places)


def place_data() -> _Places:
    """The current gazetteer, for ``place_match(text, places)``."""
    return _checked.get()


def address_parse(text: str) -> AddressResult:
    """The full parse (mentions, RT/RW, candidates, ambiguity) against the current reference data."""
    return place_data().index.parse(text or "")


def _matches(result: AddressResult, places: _Places) -> list[PlaceMatch]:
    out = []
    for code, confidence in result.candidates:
        if code in places.kelurahan:
            name, lat, lon = places.kelurahan[code]
            kecamatan = places.kecamatan_of.get(code, "")
            out.append(PlaceMatch(code, name, lat, lon, min(round(confidence, 2), 0.99), kecamatan))
    return out


def place_match(text: str, places: _Places | None = None) -> list[PlaceMatch]:
    """Candidate kelurahan for ``text``, best first; confidence is the parser's probability (0..0.99).
    ``places``: the reference data from ``place_data()``, to match many texts with one check of it."""
    places = places or place_data()
    return _matches(places.index.parse(text or ""), places)


def place_decide(text: str, places: _Places | None = None) -> PlaceDecision:
    """The one decision every channel, Open311 and the desks take on a location text: place the report when
    the parser is sure (a strong top candidate clearly ahead of the next), else ask with the best candidates,
    else nothing. A report is never placed in a kelurahan the text does not support."""
    places = places or place_data()
    result = places.index.parse(text or "")
    matches = tuple(_matches(result, places))
    placed = matches[0] if matches and not result.ambiguous else None
    kecamatan = ()
    named = {m.kind for m in result.mentions}
    if not placed and "kecamatan" in named and not named & {"kelurahan", "jalan", "gang", "landmark"}:
        # only a kecamatan: every kelurahan in it fits equally, so the question is which one, not a list
        kecamatan = tuple(dict.fromkeys(m.name for m in result.mentions if m.kind == "kecamatan"))
    return PlaceDecision(placed, matches, result.mentions, kecamatan)
