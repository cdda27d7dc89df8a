"""Reads for the citizen portal, each carrying its policy: what a resident, or the public, may see.

* The reporter (holding the tracking code) sees the journey of their own report: statuses, the units
  that held it (names only, never an officer), public notes and the de-identified photos.
* The public sees Publik reports only: redacted description, status, kelurahan, de-identified photos
  and a location snapped to a fixed ~220 m grid. Never the address text. What may be shown is decided by
  ``sigap.reports.exposure`` (the same rule as Open311 and the dashboards), not here.
* Statistics count reports per kota and kelurahan; nothing finer.
* "Similar reports nearby" lists Publik reports as the public pages show them (with their number, never a
  distance) and only counts Privat and Anonim ones; it selects by grid cells around the resident's cell,
  never by the exact distance, so moving the question around learns no more than a report's cell. Nothing
  at all for sensitive categories, so nobody can probe whether their own workplace or building was reported.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sigap.analytics import performance
from sigap.core.errors import DomainError
from sigap.core.geo import on_earth
from sigap.core.language import in_english, name_in_language
from sigap.organization.cache import reference_data
from sigap.organization.models import Category, Unit, Wilayah
from sigap.reports import exposure, photoserve, summaries
from sigap.reports.exposure import Audience
from sigap.reports.models import AreaDoneDays, AreaStatus, Hop, Photo, Report, StatusChange
from sigap.reports.schemas import code_name
from sigap.reports.services import CONDUCT_CATEGORY, REQUEST_VALIDATION_NOTE, answer_in_note
from sigap.reports.states import (
    CLOSED_STATUSES,
    COLOUR,
    DONE_STATUSES,
    OPEN_STATUSES,
    Status,
    can_dispute,
    is_open,
    status_type,
)
from sigap.routing.cache import routing_data

from .models import StatisticsSnapshot

SIMILAR_REACH = 1  # cells around the resident's cell: a 3×3 block of public grid cells (≈ 660 m square)
SIMILAR_RADIUS_M = 300  # what the page calls that block ("about 300 m around you")
SIMILAR_DAYS = 30
SIMILAR_LIMIT = 5
EDGE_DEG = 1e-6  # ≈ 0.1 m: points this close to the block's edge are placed in their cells one by one
MAP_LIMIT = 1000

GROUP_LABELS = {
    "air": _("Air dan saluran"),
    "infrastruktur": _("Jalan dan infrastruktur"),
    "integritas": _("Integritas aparatur"),
    "kedaruratan": _("Kedaruratan"),
    "ketenagakerjaan": _("Ketenagakerjaan"),
    "ketertiban": _("Ketertiban umum"),
    "lainnya": _("Lainnya"),
    "layanan": _("Layanan publik"),
    "lingkungan": _("Lingkungan"),
    "transportasi": _("Transportasi"),
}
HOP_LABELS = {
    Hop.Kind.KOORDINASI: _("Koordinasi"),
    Hop.Kind.DISPOSISI: _("Disposisi"),
    Hop.Kind.REROUTE: _("Pengalihan oleh sistem"),
}
PHOTO_LABELS = {
    Photo.Kind.REPORT: _("Foto laporan"),
    Photo.Kind.BEFORE: _("Foto sebelum"),
    Photo.Kind.AFTER: _("Foto sesudah"),
}


# --- small shared pieces ---------------------------------------------------------------------------


def category_label(category: Category) -> str:
    return name_in_language(category.name, category.name_en)


def status_view(code: str) -> dict:
    status = Status(code)
    return {
        "code": status.value,
        "label": str(status.label),
        "colour": COLOUR[status],
        "type": status_type(status).value,
    }


# --- categories ------------------------------------------------------------------------------------


@dataclass
class CategoryItem:
    code: str
    label: str
    sensitive: bool
    examples: str


@dataclass
class CategoryGroup:
    code: str
    label: str
    items: list[CategoryItem] = field(default_factory=list)


def categories_grouped() -> list[CategoryGroup]:
    groups: dict[str, CategoryGroup] = {}
    for k in Category.objects.filter(active=True).order_by("group", "name"):
        group = groups.get(k.group)
        if group is None:
            group = groups[k.group] = CategoryGroup(
                code=k.group, label=str(GROUP_LABELS.get(k.group, k.group.capitalize()))
            )
        group.items.append(
            CategoryItem(code=k.code, label=category_label(k), sensitive=k.sensitive, examples=k.examples)
        )
    return sorted(groups.values(), key=lambda g: (g.code == "lainnya", g.label.lower()))


# The home page's tiles: the problems residents report most, each with an icon (portal/_icon.html). A city whose
# categories have other codes edits this list; codes it does not have are left out, sensitive ones never shown.
HOME_TILES = (
    ("jalan-rusak", "road"),
    ("saluran-tersumbat", "drain"),
    ("sampah", "trash"),
    ("lampu-jalan", "lamp"),
    ("banjir-genangan", "flood"),
    ("pohon-tumbang", "tree"),
    ("parkir-liar", "parking"),
)


@dataclass
class HomeTile:
    code: str
    label: str
    icon: str


def home_tiles() -> list[HomeTile]:
    icons = dict(HOME_TILES)
    found = {k.code: k for k in Category.objects.filter(code__in=list(icons), active=True, sensitive=False)}
    return [HomeTile(code, category_label(found[code]), icon) for code, icon in HOME_TILES if code in found]


def category_active(code: str) -> Category | None:
    return Category.objects.filter(code=code, active=True).first() if code else None


# --- regions ---------------------------------------------------------------------------------------


def _service_prefix() -> str:
    return f"{settings.SIGAP_PROVINCE}."


@dataclass
class RegionChoices:
    kota: list[Wilayah]
    kecamatan_groups: list[tuple[str, list[Wilayah]]]
    kelurahan_groups: list[tuple[str, list[Wilayah]]]
    kota_code: str = ""
    kecamatan_code: str = ""
    kelurahan_code: str = ""
    kelurahan: Wilayah | None = None


def _short(name: str) -> str:
    """'Kota Administrasi Jakarta Timur' → 'Jakarta Timur' (the name residents use)."""
    for prefix in ("Kota Administrasi ", "Kabupaten Administrasi ", "Kota ", "Kabupaten "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def kota_choices() -> list[Wilayah]:
    """The service area's kota by name, each with ``short`` (the public list's filter needs only these: building
    the three region lists for it was a third of that page's time)."""
    kota_list = sorted(  # by name in Python, as ``region_choices`` sorts them (the same order under any collation)
        Wilayah.objects.filter(code__startswith=_service_prefix(), level=Wilayah.Level.KOTA).only(
            "code", "name", "level", "inner_lat", "inner_lon"
        ),
        key=lambda w: w.name,
    )
    for w in kota_list:
        w.short = _short(w.name)
    return kota_list


def region_choices(*, kota: str = "", kecamatan: str = "", kelurahan: str = "") -> RegionChoices:
    """The three dependent lists. Without JavaScript the kelurahan list is always complete for what is
    chosen so far (all of the city, a kota, or a kecamatan), so it works as a plain select."""
    prefix = _service_prefix()
    wilayah = {
        w.code: w
        for w in Wilayah.objects.filter(code__startswith=prefix, level__gte=Wilayah.Level.KOTA).only(
            "code", "name", "level", "inner_lat", "inner_lon"
        )
    }
    for w in wilayah.values():
        w.short = _short(w.name)
    chosen_kel = wilayah.get(kelurahan) if kelurahan else None
    if chosen_kel is not None and chosen_kel.level != Wilayah.Level.KELURAHAN:
        chosen_kel = None
    if chosen_kel is not None:  # a located point or a chosen kelurahan fixes the levels above it
        kecamatan = chosen_kel.code.rsplit(".", 1)[0]
        kota = kecamatan.rsplit(".", 1)[0]
    if kecamatan and (kecamatan not in wilayah or wilayah[kecamatan].level != Wilayah.Level.KECAMATAN):
        kecamatan = ""
    if kecamatan:
        kota = kecamatan.rsplit(".", 1)[0]
    if kota and (kota not in wilayah or wilayah[kota].level != Wilayah.Level.KOTA):
        kota, kecamatan = "", ""

    def of_level(level: int, under: str = "") -> list[Wilayah]:
        return sorted(
            (w for w in wilayah.values() if w.level == level and (not under or w.code.startswith(under + "."))),
            key=lambda w: w.name,
        )

    kota_list = of_level(Wilayah.Level.KOTA)
    if kota:
        kec_groups = [("", of_level(Wilayah.Level.KECAMATAN, kota))]
    else:
        kec_groups = [(k.short, of_level(Wilayah.Level.KECAMATAN, k.code)) for k in kota_list]
    if kecamatan:
        kel_groups = [("", of_level(Wilayah.Level.KELURAHAN, kecamatan))]
    else:
        kel_groups = [
            (f"{kec.name}, {wilayah[kec.code.rsplit('.', 1)[0]].short}", of_level(Wilayah.Level.KELURAHAN, kec.code))
            for _label, kecs in kec_groups
            for kec in kecs
        ]
    return RegionChoices(
        kota=kota_list,
        kecamatan_groups=kec_groups,
        kelurahan_groups=kel_groups,
        kota_code=kota,
        kecamatan_code=kecamatan,
        kelurahan_code=chosen_kel.code if chosen_kel else "",
        kelurahan=chosen_kel,
    )


def point_locate(*, lat: float, lon: float) -> Wilayah:
    """The kelurahan containing a point; ``DomainError`` (OutsideArea, invalid coordinates) otherwise."""
    data = routing_data()
    if data.index is None:
        raise DomainError(
            "Data batas wilayah belum dimuat.", "No boundary data is loaded.", code="no_boundaries", status=503
        )
    location = data.index.locate(lon, lat)
    return Wilayah.objects.get(code=location.code)


def region_path(kelurahan: Wilayah | None) -> str:
    """'Pondok Bambu, Duren Sawit, Jakarta Timur'."""
    if kelurahan is None:
        return ""
    names = {w.code: w.name for w in Wilayah.objects.filter(code__in=_ancestor_codes(kelurahan.code))}
    parts = [kelurahan.name] + [
        _short(names[c]) for c in reversed(_ancestor_codes(kelurahan.code)) if c in names and c.count(".") >= 1
    ]
    return ", ".join(parts)


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def boundary_feature(code: str) -> dict | None:
    w = Wilayah.objects.filter(code=code, level__gte=Wilayah.Level.KOTA).only("code", "name", "geometry").first()
    if w is None or not w.geometry or not code.startswith(_service_prefix()):
        return None
    return {"type": "Feature", "geometry": w.geometry, "properties": code_name(w)}


def kota_outlines() -> dict:
    features = [
        {"type": "Feature", "geometry": w.geometry, "properties": {"code": w.code, "name": _short(w.name)}}
        for w in Wilayah.objects.filter(code__startswith=_service_prefix(), level=Wilayah.Level.KOTA).exclude(
            geometry__isnull=True
        )
    ]
    return {"type": "FeatureCollection", "features": features}


# --- similar reports nearby ------------------------------------------------------------------------


@dataclass
class SimilarReport:
    """A Publik report, as the public pages show it."""

    number: str
    category: str
    status: dict
    created_at: datetime
    kelurahan: str
    description: str


@dataclass
class SimilarFound:
    public: list[SimilarReport] = field(default_factory=list)
    private_count: int = 0  # Privat and Anonim reports: only counted, never shown

    def __bool__(self) -> bool:
        return bool(self.public or self.private_count)


def similar_reports_near(*, category_code: str, lat: float, lon: float, now: datetime | None = None) -> SimilarFound:
    """Open reports of the same category filed in the last ``SIMILAR_DAYS`` days whose public grid cell is
    within ``SIMILAR_REACH`` cells of the resident's cell. Everything is decided on cells, never on the
    exact point."""
    category = category_active(category_code)
    if category is None or category.sensitive:
        return SimilarFound()
    if not on_earth(lat, lon):
        return SimilarFound()
    now = now or timezone.now()
    grid = exposure.PUBLIC_GRID_DEG
    here = exposure.cell_of(lat, lon, grid)
    recent = Report.objects.filter(
        category=category, status__in=OPEN_STATUSES, created_at__gte=now - timedelta(days=SIMILAR_DAYS)
    )

    def box(reach: int, pad: float) -> Q:
        """The block of cells around ``here``, grown (pad > 0) or shrunk (pad < 0) by ``pad`` degrees: the
        database narrows, the cells decide (``exposure.cells_near``), exactly as for every other request."""
        lo_lat, hi_lat = (here[0] - reach - 0.5) * grid - pad, (here[0] + reach + 0.5) * grid + pad
        lo_lon, hi_lon = (here[1] - reach - 0.5) * grid - pad, (here[1] + reach + 0.5) * grid + pad
        return Q(lat__gte=lo_lat, lat__lte=hi_lat, lon__gte=lo_lon, lon__lte=hi_lon)

    # Bounded reads at a hot spot: the Publik reports shown are the most recent of the resident's own cell,
    # then of the block, so the most recent few of each are enough (a few more than shown, for the points on
    # a cell's edge that the cells then leave out).
    public = (
        recent.filter(privacy=exposure.PUBLIC)
        .select_related("kelurahan")
        .only(
            "number",
            "status",
            "created_at",
            "lat",
            "lon",
            "privacy",
            "description",
            "address",
            "kelurahan__name",
            "kelurahan__inner_lat",
            "kelurahan__inner_lon",
        )
        .order_by("-created_at", "-pk")
    )
    take = 2 * SIMILAR_LIMIT
    rows = {
        r.pk: r
        for part in (public.filter(box(0, EDGE_DEG))[:take], public.filter(box(SIMILAR_REACH, EDGE_DEG))[:take])
        for r in part
    }
    found = SimilarFound()
    ranked = []
    for r in rows.values():
        r.category = category
        shown = exposure.expose_report(r, Audience.NEIGHBOUR)
        if shown.listed and shown.cell is not None and exposure.cells_near(here, shown.cell, SIMILAR_REACH):
            step = max(abs(shown.cell[0] - here[0]), abs(shown.cell[1] - here[1]))
            ranked.append(
                (
                    step,
                    -r.created_at.timestamp(),
                    SimilarReport(
                        number=r.number,
                        category=category_label(category),
                        status=status_view(r.status),
                        created_at=r.created_at,
                        kelurahan=shown.area,
                        description=r.description,
                    ),
                )
            )
    found.public = [item for *_key, item in sorted(ranked, key=lambda t: (t[0], t[1]))][:SIMILAR_LIMIT]
    # Privat and Anonim ones are counted by the database well inside the block; only the few on its edge
    # are read and put in their cells here, so the count is the one the cells give, without reading them all.
    # As they stood at the start of today, over whole days: counted live, the next poll of the same cells told anyone,
    # to the minute, that a Privat or Anonim report had just been filed within a few hundred metres (a second review;
    # the public statistics are taken once a day for the same reason), that one filed 30 days ago to the minute had
    # left the window, or that its reporter had just disputed its Selesai (a third review). Publik ones are shown
    # live: their reporters chose that.
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    private = Report.objects.filter(
        category=category, created_at__gte=today - timedelta(days=SIMILAR_DAYS), created_at__lt=today
    ).exclude(privacy=exposure.PUBLIC)
    settled = private.filter(status__in=OPEN_STATUSES, status_changed_at__lt=today)  # open then, unchanged since
    found.private_count = settled.filter(box(SIMILAR_REACH, -EDGE_DEG)).count()
    # read one by one: those of the block's edge (their cells decide) and the few changed today (their status then)
    rows = private.filter(box(SIMILAR_REACH, EDGE_DEG)).filter(
        Q(status_changed_at__gte=today) | (Q(status__in=OPEN_STATUSES) & ~box(SIMILAR_REACH, -EDGE_DEG))
    )
    edge, moved = [], []
    for pk, r_lat, r_lon, privacy, status, changed_at in rows.order_by().values_list(  # no sort: each is counted
        "pk", "lat", "lon", "privacy", "status", "status_changed_at"
    ):
        (moved if changed_at >= today else edge).append((pk, r_lat, r_lon, privacy, status))
    moved_open = _open_at(moved, today)
    for r_lat, r_lon, privacy in [*(r[1:4] for r in edge), *moved_open]:
        # a non-sensitive category and a point: the public cell of the point (no kelurahan needed)
        shown = exposure.expose(
            exposure.Facts(privacy=privacy, sensitive=False, lat=r_lat, lon=r_lon), Audience.NEIGHBOUR
        )
        if shown.counted and shown.cell is not None and exposure.cells_near(here, shown.cell, SIMILAR_REACH):
            found.private_count += 1
    return found


def _open_at(rows: list[tuple], day_start: datetime) -> list[tuple]:
    """(lat, lon, privacy) of the reports among ``rows`` (pk, lat, lon, privacy, status), all changed since
    ``day_start``, that were open at ``day_start``: the status each left at its first change since then (its own
    when no change is recorded)."""
    if not rows:
        return []
    before: dict[int, str] = {}
    changes = StatusChange.objects.filter(report_id__in=[r[0] for r in rows], created_at__gte=day_start)
    for report_id, old_status in changes.order_by("report_id", "created_at", "pk").values_list(
        "report_id", "old_status"
    ):
        before.setdefault(report_id, old_status)
    return [(lat, lon, privacy) for pk, lat, lon, privacy, status in rows if before.get(pk, status) in OPEN_STATUSES]


def similar_report_get(number: str) -> Report | None:
    """A report offered as "similar": open and public (``exposure.PUBLIC_FILTER``: Publik, non-sensitive).
    A Privat or Anonim report is never offered by number, so a guessed one is as good as absent."""
    return (
        Report.objects.select_related("category", "unit")
        .filter(number=number, status__in=OPEN_STATUSES, **exposure.PUBLIC_FILTER)
        .first()
    )


# --- the public ------------------------------------------------------------------------------------

STATE_FILTERS = {
    "open": OPEN_STATUSES,
    "done": DONE_STATUSES,
    "closed": CLOSED_STATUSES,
}


def public_reports(*, kota: str = "", category: str = "", state: str = "") -> QuerySet[Report]:
    """Publik reports only (``exposure.PUBLIC_FILTER``). Sensitive categories are excluded even if one was
    ever marked public."""
    qs = (
        Report.objects.filter(**exposure.PUBLIC_FILTER)
        .select_related("category", "kelurahan", "kelurahan__parent", "kelurahan__parent__parent")
        # never the boundaries: three GeoJSON polygons decoded per report made a map page of 1,000 take seconds
        .defer("kelurahan__geometry", "kelurahan__parent__geometry", "kelurahan__parent__parent__geometry")
        .order_by("-created_at", "-id")
    )
    if kota and kota.startswith(_service_prefix()):
        qs = qs.filter(kelurahan__code__startswith=kota + ".")
    if category:
        qs = qs.filter(category__code=category)
    if state in STATE_FILTERS:
        qs = qs.filter(status__in=STATE_FILTERS[state])
    return qs


PUBLIC_COUNT_CAP = 10_000  # the public list counts at most this many (then says "more than"): 500 pages of 20


class CappedPaginator(Paginator):
    """Pages of the public list whose count stops at ``PUBLIC_COUNT_CAP``: counting every public report of the
    city's history grows with the years, and nobody pages past the 500th page (filters narrow the list)."""

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: PUBLIC_COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, PUBLIC_COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > PUBLIC_COUNT_CAP


def public_report_get(number: str) -> Report | None:
    return public_reports().filter(number=number).first()


def public_point(report: Report) -> tuple[float, float] | None:
    """Where the public may see a report (``exposure``): the centre of its ~220 m grid cell, or the kelurahan's
    inner point for sensitive categories and reports without coordinates. Never the exact location."""
    return exposure.expose_report(report, Audience.PUBLIC).point


def _kota_kecamatan(kel: Wilayah | None) -> tuple[str, str]:
    if kel is None:
        return "", ""
    kec = kel.parent
    kota = kec.parent if kec else None
    return (_short(kota.name) if kota else "", kec.name if kec else "")


def public_item(report: Report, *, photos: bool = False) -> dict:
    kota, kecamatan = _kota_kecamatan(report.kelurahan)
    item = {
        "number": report.number,
        "category": category_label(report.category),
        "status": status_view(report.status),
        "created_at": report.created_at,
        "closed_at": report.closed_at,
        "kelurahan": report.kelurahan.name if report.kelurahan else "",
        "kelurahan_code": report.kelurahan.code if report.kelurahan else "",
        "kecamatan": kecamatan,
        "kota": kota,
        "description": report.description,
        "point": public_point(report),
    }
    if photos:
        item["photos"] = [
            {
                "id": p.pk,
                "kind": str(PHOTO_LABELS.get(p.kind, p.kind)),
                "ready": p.is_ready,
                "state_text": photoserve.state_text(p),
            }
            for p in report.photos.all()
        ]
    return item


def public_items(reports) -> list[dict]:
    reports = list(reports)
    first_photo = {}
    for report_id, photo_id in (
        Photo.objects.filter(report__in=reports, kind=Photo.Kind.REPORT)
        .order_by("report_id", "created_at", "id")
        .values_list("report_id", "id")
    ):
        first_photo.setdefault(report_id, photo_id)
    out = []
    for r in reports:
        item = public_item(r)
        item["photo"] = first_photo.get(r.pk)
        out.append(item)
    return out


def public_timeline(report: Report) -> list[dict]:
    """Statuses and the units that held the report. Notes are for the reporter, not the public."""
    return [
        {"at": h.created_at, "status": status_view(h.new_status), "unit": h.unit.name if h.unit else ""}
        for h in report.history.select_related("unit")
    ]


def public_photo_get(number: str, photo_id: int) -> Photo | None:
    report = public_report_get(number)
    if report is None:
        return None
    return Photo.objects.filter(report=report, pk=photo_id).first()


def interest_count(report: Report) -> int:
    return report.portal_interest.count()


# What a map feature needs, read as plain values: building a Report, its category and its kelurahan for each of
# a thousand rows (every column, three models each) was most of the map's cost.
_MAP_COLUMNS = (
    "id",
    "number",
    "status",
    "created_at",
    "privacy",
    "lat",
    "lon",
    "category__name",
    "category__name_en",
    "category__sensitive",
    "kelurahan__name",
    "kelurahan__inner_lat",
    "kelurahan__inner_lon",
)


def public_map(*, kota: str = "", category: str = "", state: str = "", cursor: str = "") -> dict:
    """At most ``MAP_LIMIT`` public reports, newest first; ``next``: the cursor of the following (older) page
    (keyset on created_at and id, so a page costs the same however far back it is)."""
    qs = public_reports(kota=kota, category=category, state=state)
    after = _map_cursor(cursor)
    if after is not None:
        qs = qs.filter(Q(created_at__lt=after[0]) | Q(created_at=after[0], id__lt=after[1]))
    rows = list(qs.values_list(*_MAP_COLUMNS, named=True)[: MAP_LIMIT + 1])
    more, rows = len(rows) > MAP_LIMIT, rows[:MAP_LIMIT]
    english = in_english()
    statuses: dict[str, dict] = {}
    detail = reverse("portal:public_detail", args=["~"])  # one reverse; each row puts its number in
    tz = timezone.get_current_timezone()  # looked up once, not per row (``localdate`` would, a thousand times)
    features = []
    for r in rows:
        facts = exposure.Facts(
            privacy=r.privacy,
            sensitive=bool(r.category__sensitive),
            lat=r.lat,
            lon=r.lon,
            area_name=r.kelurahan__name or "",
            area_lat=r.kelurahan__inner_lat,
            area_lon=r.kelurahan__inner_lon,
        )
        point = exposure.expose(facts, Audience.PUBLIC).point
        if point is None:
            continue
        if r.status not in statuses:
            statuses[r.status] = status_view(r.status)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
                "properties": {
                    "number": r.number,
                    "category": name_in_language(r.category__name, r.category__name_en, english),
                    "status": statuses[r.status]["label"],
                    "colour": statuses[r.status]["colour"],
                    "kelurahan": r.kelurahan__name or "",
                    "date": r.created_at.astimezone(tz).date().isoformat(),
                    "url": detail.replace("~", quote(r.number, safe="")),
                },
            }
        )
    last = rows[-1] if more else None
    return {
        "type": "FeatureCollection",
        "features": features,
        "next": f"{last.created_at.astimezone(UTC):%Y%m%dT%H%M%S.%f}~{last.id}" if last else None,
    }


def _map_cursor(value: str) -> tuple[datetime, int] | None:
    """``<UTC time>~<id>`` from a previous page's ``next``; anything else starts at the newest."""
    stamp, _sep, pk = (value or "").partition("~")
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), int(pk)
    except ValueError:
        return None


# --- statistics ------------------------------------------------------------------------------------


@dataclass
class AreaStats:
    code: str
    name: str
    parent: str = ""
    received: int = 0
    open: int = 0
    done: int = 0
    done_days: dict[int, int] = field(default_factory=dict, repr=False)  # whole days to Selesai → reports
    # computed once from ``done_days`` when the figures are complete (``finish``), read as often as shown
    median_days: float | None = None

    @property
    def closed_other(self) -> int:
        """Closed without Selesai: rejected, forwarded to another agency, merged into another report, or closed
        for want of the reporter's answer. Received = open + done + closed_other."""
        return self.received - self.open - self.done

    @property
    def kelurahan_html(self) -> SafeString:
        """A kelurahan row's cells (name, kota — kecamatan, the figures) as the template would write them
        (numbers localized, ``—`` for no median): a kota's tens of kelurahan rows in one lookup each."""
        median = "—" if self.median_days is None else localize(self.median_days)
        figures = (self.received, self.open, self.done, self.closed_other)
        return mark_safe(
            f'<th scope="row">{escape(self.name)}</th><td>{escape(self.parent)}</td>'
            + "".join(f'<td class="num">{localize(n)}</td>' for n in figures)
            + f'<td class="num">{escape(median)}</td>'
        )

    def add(self, other: AreaStats) -> None:
        self.received += other.received
        self.open += other.open
        self.done += other.done
        days = self.done_days
        for day, n in other.done_days.items():
            days[day] = days.get(day, 0) + n

    def finish(self) -> AreaStats:
        """The median days from filing to Selesai, from the whole-day histogram (``reports.summaries``):
        linear within the day that holds the middle report, so it is within a day of the exact median. None under
        ``SIGAP_STATS_MIN_COUNT`` Selesai reports, as in every public table: resting on one, a Privat report's own
        handling time was a public figure (an attacker's review)."""
        total = sum(n for n in self.done_days.values() if n > 0)
        self.median_days = None
        if total < settings.SIGAP_STATS_MIN_COUNT:
            return self
        middle, before = total / 2, 0
        for day in sorted(self.done_days) if total else ():
            n = self.done_days[day]
            if n > 0 and before + n >= middle:
                self.median_days = round(day + (middle - before) / n, 1)
                break
            before += max(n, 0)
        return self


def statistics_by_area(*, kota: str = "") -> tuple[list[AreaStats], list[AreaStats], AreaStats, str]:
    """Counts per kota, the city's, and per kelurahan of ``kota`` (none when no kota is chosen), over every
    report, whatever its privacy, and the kota chosen ("" unless ``kota`` is one of the kota codes). Only
    counts, read from the summaries the write path keeps (``AreaStatus``, ``AreaDoneDays``: kelurahan × status
    and kelurahan × days rows), so the page costs the same at any history.

    The database adds the kelurahan's rows up per kota: grouped by the start of each kelurahan's code (a
    kelurahan belongs to the kota its code begins with, as everywhere else in Sigap), so the kota table reads a
    row per kota, and one per kota and day of the histogram, however many kelurahan the city has; the chosen
    kota's kelurahan are read one by one. Three statements, six with a kota."""
    kota_rows, total, names = _city_statistics()
    chosen = kota if any(row.code == kota for row in kota_rows) else ""
    return kota_rows, _kelurahan_rows(chosen, names) if chosen else [], total, chosen


def _city_statistics() -> tuple[list[AreaStats], AreaStats, dict[str, str]]:
    """(the kota rows by name, the city's total, {code: name} of the kota and kecamatan): three statements."""
    prefix = _service_prefix()
    kotas: dict[str, AreaStats] = {}
    names: dict[str, str] = {}
    for code, name in Wilayah.objects.filter(code__startswith=prefix, level__lte=Wilayah.Level.KECAMATAN).values_list(
        "code", "name"
    ):
        names[code] = name
        if code.count(".") == 1:
            kotas[code] = AreaStats(code=code, name=_short(name))
    total = AreaStats(code="", name=str(_("Semua wilayah")))
    outside = AreaStats(code="", name="")  # kelurahan gone from the reference data: in the city's total only
    # a kelurahan's code cut one character after the longest kota code: "31.75.07.1002" → "31.75." (→ 31.75)
    cut = max((len(code) for code in kotas), default=0) + 1
    kota_of: dict[str | None, AreaStats] = {}

    def row_of(key: str | None) -> AreaStats:
        if key not in kota_of:
            kota_of[key] = next((r for c, r in kotas.items() if key and key.startswith(c + ".")), outside)
        return kota_of[key]

    for key, received, open_n, done in _per_kota(AreaStatus, _STATUS_SUMS, _status_params(), cut):
        _count(row_of(key), received, open_n, done)
    for key, days, n in _per_kota(AreaDoneDays, _DAY_SUMS, (), cut):
        hist = row_of(key).done_days
        hist[days] = hist.get(days, 0) + n
    total.add(outside)
    for row in kotas.values():
        total.add(row)
    total.finish()
    return sorted((k.finish() for k in kotas.values()), key=lambda a: a.name), total, names


# What a snapshot keeps of each row: the figures the page shows (a histogram is kept as its median only).
_STATISTICS_FIELDS = ("code", "name", "parent", "received", "open", "done", "median_days")


def _statistics_figures() -> dict:
    """Every figure /statistik/ can show: the kota rows, the city's total and each kota's kelurahan rows, as JSON
    values. Three statements, and three per kota."""
    kota_rows, total, names = _city_statistics()

    def values(row: AreaStats) -> dict:
        return {name: getattr(row, name) for name in _STATISTICS_FIELDS}

    return {
        "kota": [values(row) for row in kota_rows],
        "total": values(total),
        "kelurahan": {row.code: [values(kel) for kel in _kelurahan_rows(row.code, names)] for row in kota_rows},
    }


def statistics_snapshot(*, now: datetime | None = None) -> StatisticsSnapshot:
    """The local day's figures: taken by its first caller (the midnight job ``public-statistics``, or the day's
    first visitor when the job did not run) and then read by every visitor until the next day. Earlier days' go."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    found = StatisticsSnapshot.objects.filter(day=day).first()
    if found is not None:
        return found
    figures = _statistics_figures()
    try:
        with transaction.atomic():
            taken = StatisticsSnapshot.objects.create(day=day, taken_at=now, figures=figures)
    except IntegrityError:  # another process took the day's figures a moment before: theirs are the day's
        return StatisticsSnapshot.objects.get(day=day)
    StatisticsSnapshot.objects.filter(day__lt=day).delete()
    return taken


def statistics_of_the_day(
    *, kota: str = "", now: datetime | None = None
) -> tuple[list[AreaStats], list[AreaStats], AreaStats, str, datetime]:
    """``statistics_by_area`` as the public sees it: from the day's snapshot (``statistics_snapshot``), never
    live, with the time it was taken. One statement once the day's figures are taken.

    Live counts told anyone who refreshed the page when a report the public never sees (Privat, Anonim, a labour
    complaint) was filed in a kelurahan, to the minute; the day's figures tell the day at most."""
    snapshot = statistics_snapshot(now=now)
    figures = snapshot.figures

    def row(values: dict) -> AreaStats:
        return AreaStats(**{name: values[name] for name in _STATISTICS_FIELDS if name in values})

    total = row(figures["total"])
    total.name = str(_("Semua wilayah"))
    chosen = kota if kota in figures["kelurahan"] else ""
    kel_rows = [row(values) for values in figures["kelurahan"][chosen]] if chosen else []
    return [row(values) for values in figures["kota"]], kel_rows, total, chosen, snapshot.taken_at


# what ``_per_kota`` sums after the kota: the status counts (all, open, done), or the histogram's days and counts
_STATUS_SUMS = (
    "SUM({t}.{n}), SUM(CASE WHEN {t}.{status} IN ({open}) THEN {t}.{n} ELSE 0 END), "
    "SUM(CASE WHEN {t}.{status} IN ({done}) THEN {t}.{n} ELSE 0 END)",
    "",
)
_DAY_SUMS = ("{t}.{days}, SUM({t}.{n})", ", {t}.{days}")


def _status_params() -> tuple[str, ...]:
    return (*(s.value for s in OPEN_STATUSES), *(s.value for s in DONE_STATUSES))


def _per_kota(model, sums: tuple[str, str], params: tuple, cut: int) -> list[tuple]:
    """A kelurahan summary's positive rows added up by the database per start of the kelurahan's code (its
    first ``cut`` characters): ``(key, *sums)``, the key None for a kelurahan no longer in the reference data."""
    qn = connection.ops.quote_name
    t, wilayah = qn(model._meta.db_table), qn(Wilayah._meta.db_table)
    marks = {
        "open": ", ".join(["%s"] * len(OPEN_STATUSES)),
        "done": ", ".join(["%s"] * len(DONE_STATUSES)),
    }
    parts = {"t": t, "n": qn("n"), "status": qn("status"), "days": qn("days")}
    select, group = (x.format(**parts, **marks) for x in sums)
    key = f"SUBSTR(kel.{qn('code')}, 1, {int(cut)})"  # a length from the reference data, not from a request
    statement = (
        f"SELECT {key}, {select} FROM {t} LEFT JOIN {wilayah} kel ON kel.{qn('id')} = {t}.{qn('kelurahan_id')} "
        f"WHERE {t}.{qn('n')} > 0 GROUP BY {key}{group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _kelurahan_rows(kota: str, names: dict[str, str]) -> list[AreaStats]:
    """The figures of ``kota``'s kelurahan that have had a report, by kecamatan then name: three statements
    (the kelurahan, their status counts, their histograms), bounded by the kota's kelurahan."""
    kelurahan = Wilayah.objects.filter(code__startswith=kota + ".", level=Wilayah.Level.KELURAHAN)
    ids = kelurahan.values("pk")
    counted = {
        kel_id: sums
        for kel_id, *sums in AreaStatus.objects.filter(n__gt=0, kelurahan_id__in=ids)
        .order_by()
        .values("kelurahan_id")
        .annotate(
            received=Sum("n"),
            open=Sum("n", filter=Q(status__in=OPEN_STATUSES)),
            done=Sum("n", filter=Q(status__in=DONE_STATUSES)),
        )
        .values_list("kelurahan_id", "received", "open", "done")
    }
    rows: dict[int, AreaStats] = {}
    for pk, code, name in kelurahan.values_list("pk", "code", "name"):  # the kota's, at most some tens
        if pk not in counted:
            continue
        rows[pk] = row = AreaStats(
            code=code, name=name, parent=f"{_short(names.get(kota, ''))} — {names.get(code.rsplit('.', 1)[0], '')}"
        )
        _count(row, *counted[pk])
    for kel_id, days, n in AreaDoneDays.objects.filter(n__gt=0, kelurahan_id__in=ids).values_list(
        "kelurahan_id", "days", "n"
    ):
        if (row := rows.get(kel_id)) is not None:
            row.done_days[days] = row.done_days.get(days, 0) + n
    return sorted((row.finish() for row in rows.values()), key=lambda a: (a.parent, a.name))


def _count(row: AreaStats, received: int | None, open_n: int | None, done: int | None) -> None:
    row.received += received or 0
    row.open += open_n or 0
    row.done += done or 0


# --- the reporter's own journey -------------------------------------------------------------------


def journey_for_reporter(report: Report, *, now: datetime | None = None) -> dict:
    """Everything the holder of the tracking code may see. Unit names only; never an officer."""
    now = now or timezone.now()
    report = Report.objects.select_related(
        "category",
        "unit",
        "kelurahan",
        "merged_into",
        "merged_into__unit",
        "merged_into__category",
        "merged_into__kelurahan",
    ).get(pk=report.pk)
    status = Status(report.status)
    merged = None
    if report.merged_into_id:
        # another person's report: its number and unit only where the public may see them too
        target = report.merged_into
        shown = exposure.expose_report(target, Audience.MERGED_REPORTER)
        conduct = bool(target.category and target.category.code == CONDUCT_CATEGORY)  # became a complaint since
        merged = {
            "number": target.number if shown.listed else "",
            "status": None if conduct else status_view(target.status),
            "unit": target.unit.name if shown.handling_unit and target.unit else "",
        }
    return {
        "number": report.number,
        "category": category_label(report.category),
        "status": status_view(report.status),
        "unit": report.unit.name if report.unit else "",
        "kelurahan": region_path(report.kelurahan),
        "address": exposure.expose_report(report, Audience.REPORTER).address or "",
        "description": report.description,
        "created_at": report.created_at,
        "due_at": report.due_at if is_open(status) else None,
        "closed_at": report.closed_at,
        "privacy": report.get_privacy_display(),
        "anonymous": bool(report.secret_hash),
        "question": report.public_note if status == Status.AWAITING_REPORTER else "",
        "can_answer": status == Status.AWAITING_REPORTER,
        "can_rate": status == Status.DONE and report.rating is None,
        "can_confirm": status == Status.DONE and report.confirmed_at is None,
        "confirmed": status == Status.DONE and report.confirmed_at is not None,
        "can_dispute": can_dispute(status, report.closed_at, now),
        "rating": report.rating,
        "rating_comment": report.rating_comment,
        "merged": merged,
        "timeline": [
            {
                "at": h.created_at,
                "status": status_view(h.new_status),
                "unit": h.unit.name if h.unit else "",
                "note": h.public_note,
                "answer": _own_answer(h),
            }
            for h in report.history.select_related("unit")
        ],
        "hops": [
            {
                "kind": str(HOP_LABELS.get(h.kind, h.kind)),
                "from_unit": h.from_unit.name,
                "to_unit": h.to_unit.name,
                "at": h.created_at,
            }
            for h in report.hops.select_related("from_unit", "to_unit")
        ],
        **_photos_and_evidence(report, status),
    }


def _own_answer(change) -> str:
    """The reporter's own answer on this step, as officers read it (redacted), so they can check what was sent
    (found by a review: the timeline showed only a bare "Menunggu"). Only the reporter's own rows, only the answer:
    an officer's internal note is never shown."""
    return answer_in_note(change.internal_note or "") if change.actor_kind == "reporter" else ""


def _photos_and_evidence(report: Report, status: Status) -> dict:
    """The report's photos; once it is Selesai, the handling unit's proof (before/after) and its closing note
    come apart as ``evidence``, shown before the reporter is asked to dispute or rate."""
    photos = [
        {
            "id": p.pk,
            "kind": str(PHOTO_LABELS.get(p.kind, p.kind)),
            "proof": p.kind in (Photo.Kind.BEFORE, Photo.Kind.AFTER),
            "ready": p.is_ready,
            "state_text": photoserve.state_text(p),
        }
        for p in report.photos.all()
    ]
    if status != Status.DONE:
        return {"photos": photos, "evidence": None}
    # What was done, in the unit's words: its note when it asked for validation ("Saluran sudah dikuras"), not the
    # validator's closing note, which is most often "Tindak lanjut telah divalidasi." (a CRM team's walk found the
    # resident shown only that); the closing note when the unit wrote none.
    # Only the request the validator accepted (the latest): an earlier round's note was for work it rejected.
    done_note = (
        report.history.filter(new_status=Status.AWAITING_VALIDATION)
        .order_by("-created_at", "-pk")
        .values_list("public_note", flat=True)
        .first()
    )
    if done_note == REQUEST_VALIDATION_NOTE:
        done_note = ""
    return {
        "photos": [p for p in photos if not p["proof"]],
        "evidence": {"note": done_note or report.public_note, "photos": [p for p in photos if p["proof"]]},
    }


# --- unit performance for the public (``sigap.analytics.performance``) ------------------------------------

PERFORMANCE_PERIODS = (90, 365)


@dataclass(frozen=True)
class AreaRecord:
    code: str
    name: str
    record: performance.Record


_CODE_STAMP: list[str] = []


def _code_stamp() -> str:
    """The code and translations that compute and write the public tables, and the settings they read: a release
    that changes any of them (a column, a number format, a translation, the record's shape) must not read the
    tables an earlier release cached in a shared cache, which outlives a restart. Hashed once per process."""
    if not _CODE_STAMP:
        digest = hashlib.sha256()
        root = Path(performance.__file__).resolve().parents[1]
        for path in sorted([Path(performance.__file__), Path(__file__), *root.glob("*/locale/*/LC_MESSAGES/*.mo")]):
            digest.update(path.read_bytes())
        _CODE_STAMP.append(digest.hexdigest()[:12])
    read = hashlib.sha256(repr((performance.quick_seconds(), _service_prefix())).encode()).hexdigest()[:8]
    return f"{_CODE_STAMP[0]}{read}"


def _figures_stamp(days: int, until: datetime) -> str:
    """What the public tables of a period depend on besides the summaries' rows of its days: the last day, the
    minimum count, the reference data (a unit moved to another kota changes a kota's units), the summaries'
    generation (a rebuild recounts past days: ``summaries.figures_generation``) and the code (``_code_stamp``)."""
    fingerprint = hashlib.sha256(repr(reference_data().fingerprint).encode()).hexdigest()[:16]
    generation = summaries.figures_generation()
    return f"{days}:{until:%Y%m%d}:{performance.min_count()}:{fingerprint}:{generation}:{_code_stamp()}"


def _until_tomorrow(now: datetime | None = None) -> int:
    """Seconds until the next local midnight, plus a minute: a cached table lives as long as its key is asked
    for (the key names the last day, so tomorrow asks for a new one)."""
    now = timezone.localtime(now or timezone.now())
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    return int((midnight - now).total_seconds()) + 60


def performance_by_area(*, days: int, kota: str = "") -> tuple[list[AreaRecord], list[AreaRecord]]:
    """The same figures as the console's unit table, per kota (every unit working in it, as one) and, for a
    chosen kota, per kelurahan office: aggregates only, each hidden below the minimum count like everywhere.
    Public figures cover whole past days (never up to the minute) and leave complaints about officials out.

    The figures of whole past days do not change during today, so each table is computed once a day: cached
    until midnight under a key from known values only (an unknown kota is no kota), by its first visitor or, on
    an installation with a shared cache, ahead of every visitor by the periodic job (``warm_performance``). A
    year of a big city's stays takes PostgreSQL about half a second to sort for its medians; no request waits
    for that more than once a day."""
    return _performance_tables(days, kota)[2:]


def performance_rows(*, days: int, kota: str = "") -> tuple[str, list[AreaRow], list[AreaRow]]:
    """``performance_by_area`` for the page: the kota chosen ("" unless it is one) and each row with its cells
    written in the active language (``performance.cells``), cached with the day's tables per language, so a
    view of a kota's sixty kelurahan writes no cell."""
    kota, stamp, kota_rows, kel_rows = _performance_tables(days, kota)
    key = f"sigap:performance:rows:{get_language()}:{kota}:{stamp}"
    written = cache.get(key)
    if written is None:
        written = tuple([AreaRow(r, performance.cells(r.record).html) for r in rows] for rows in (kota_rows, kel_rows))
        cache.set(key, written, _until_tomorrow())
    return kota, *written


@dataclass(frozen=True)
class AreaRow:
    area: AreaRecord
    html: SafeString  # the figures' cells


def _kota_names() -> dict[str, str]:
    """{code: name} of the service area's kota, by name."""
    return dict(
        Wilayah.objects.filter(code__startswith=_service_prefix(), level=Wilayah.Level.KOTA)
        .order_by("name")
        .values_list("code", "name")
    )


def _table_keys(stamp: str, kota: str) -> tuple[str, ...]:
    """The cache keys of the kota table and, for a chosen kota, of its kelurahan table."""
    return (f"sigap:performance:kota:{stamp}", *((f"sigap:performance:kel:{kota}:{stamp}",) if kota else ()))


# How long a request waits for another process (or the warming job) that is computing the same table before it
# computes the table itself: longer than a big city's year takes (about half a second at a million reports).
_COMPUTING_WAIT_SECONDS = 10.0


def _cached_once(key: str, compute):
    """The cached value at ``key``, computed by one caller at a time: at midnight every visitor asks for the new
    day's tables at once, and each would spend the same half second of the database otherwise. A caller that finds
    another computing waits for its result; a holder that died lets its claim expire after a minute, and a waiter
    gives up waiting after ``_COMPUTING_WAIT_SECONDS`` and computes the table itself."""
    value = cache.get(key)
    if value is not None:
        return value
    claim = f"{key}:computing"
    held = cache.add(claim, 1, 60)
    deadline = time.monotonic() + _COMPUTING_WAIT_SECONDS
    while not held and time.monotonic() < deadline:
        time.sleep(0.05)
        value = cache.get(key)
        if value is not None:
            return value
        held = cache.add(claim, 1, 60)
    try:
        value = compute()
        cache.set(key, value, _until_tomorrow())
    finally:
        if held:
            cache.delete(claim)
    return value


def _performance_tables(days: int, kota: str) -> tuple[str, str, list[AreaRecord], list[AreaRecord]]:
    """(the kota chosen or "", the tables' cache stamp, the kota table, the kota's kelurahan table)."""
    names = _kota_names()
    kota = kota if kota in names else ""
    since, until = performance.period_bounds(days, complete=True)
    stamp = _figures_stamp(days, until)
    keys = _table_keys(stamp, kota)

    def kota_table() -> list[AreaRecord]:
        counted = performance.kota_counts(names, since=since, until=until, plain_only=True)
        return [AreaRecord(code, _short(name), performance.Record.of(counted[code])) for code, name in names.items()]

    def kelurahan_table() -> list[AreaRecord]:
        offices = performance.units_in_area(kota, kinds=[Unit.Kind.KELURAHAN])
        return sorted(
            (
                AreaRecord(row.unit.wilayah.code if row.unit.wilayah_id else row.unit.code, row.unit.name, row.record)
                for row in performance.unit_table(offices, since=since, until=until, plain_only=True)
            ),
            key=lambda r: r.name,
        )

    kota_rows = _cached_once(keys[0], kota_table)
    if not kota:
        return kota, stamp, kota_rows, []
    return kota, stamp, kota_rows, _cached_once(keys[1], kelurahan_table)


def warm_performance() -> int:
    """Compute today's public performance tables that are not cached yet (every period, the kota table and each
    kota's kelurahan table) and write their rows in each language; returns how many tables were computed. Run by
    the periodic job on the hour, so with a shared cache (Redis) the first visitor after midnight finds them
    ready."""
    computed = 0
    kotas = list(_kota_names())
    for days in PERFORMANCE_PERIODS:
        stamp = _figures_stamp(days, performance.period_bounds(days, complete=True)[1])
        for kota in ["", *kotas]:
            computed += sum(1 for key in _table_keys(stamp, kota) if cache.get(key) is None)
            for language, _name in settings.LANGUAGES:  # and their rows written, in each language
                with translation.override(language):
                    performance_rows(days=days, kota=kota)
    return computed
