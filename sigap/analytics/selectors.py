"""Numbers for the supervisor dashboard.

Scope first (``dashboard_scope``): a pimpinan sees the reports visible to them (their units and every unit
below: a walikota sees their kota); validators and the leadership of a Biro oversee the whole city. Every
other function takes that queryset and only narrows it.

Definitions (per unit, within the period):
* received: distinct reports that arrived at the unit (routed there on creation, or a koordinasi /
  disposisi / reroute hop to it);
* done: distinct reports validated Selesai while the unit was handling them;
* median time to done: from the report's latest arrival at the unit to Selesai, in seconds; only shown
  from ``MEDIAN_MIN_DONE`` reports up, so one fast fix cannot make a unit look best;
* rejections: follow-ups rejected by the validator (TL Ditolak) while the unit was handling the report.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from sigap.organization import roles
from sigap.organization.models import StaffRole, Unit
from sigap.reports import exposure
from sigap.reports.exposure import Audience
from sigap.reports.models import Hop, Report, StatusChange
from sigap.reports.selectors import overdue_q, reports_visible_to
from sigap.reports.states import Status, is_open

R = StaffRole.Role
MEDIAN_MIN_DONE = 3
OPEN_STATUSES = [s for s in Status if is_open(s)]


def dashboard_sees_all(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    staff = StaffRole.objects.filter(user=user)
    return staff.filter(role=R.VALIDATOR).exists() or staff.filter(role=R.SUPERVISOR, unit__jenis=Unit.Jenis.BIRO).exists()


def dashboard_scope(user) -> QuerySet[Report] | None:
    """The reports a dashboard counts for ``user``; None when the user has no dashboard."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if dashboard_sees_all(user):
        everything = Report.objects.all()
        mine = roles.unit_ids_where(user)
        if mine:  # conflict of interest holds on the dashboard too
            everything = everything.exclude(concerned_unit_id__in=roles.ancestor_unit_ids(mine))
        return everything
    if roles.unit_ids_where(user, R.SUPERVISOR):
        return reports_visible_to(user)
    return None


@dataclass(frozen=True)
class DayCount:
    day: date
    n: int


def reports_per_day(qs: QuerySet[Report], *, days: int, today: date | None = None) -> list[DayCount]:
    """Reports created per local day over the last ``days`` days (today included), zeros filled in."""
    tz = timezone.get_current_timezone()
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()), tz)
    rows = (qs.filter(created_at__gte=start).order_by().annotate(day=TruncDate("created_at", tzinfo=tz))
            .values("day").annotate(n=Count("id")).values_list("day", "n"))
    found = {d: n for d, n in rows}
    return [DayCount(first + timedelta(days=i), found.get(first + timedelta(days=i), 0)) for i in range(days)]


def open_by_status(qs: QuerySet[Report]) -> list[tuple[Status, int]]:
    counts = dict(qs.filter(status__in=OPEN_STATUSES).order_by().values_list("status").annotate(n=Count("id")))
    return [(s, counts[s.value]) for s in OPEN_STATUSES if counts.get(s.value)]


@dataclass(frozen=True)
class UnitCount:
    unit_id: int | None
    kode: str
    nama: str
    n: int


def open_by_unit(qs: QuerySet[Report], *, limit: int = 25) -> list[UnitCount]:
    rows = (qs.filter(status__in=OPEN_STATUSES).order_by().values("unit_id", "unit__kode", "unit__nama")
            .annotate(n=Count("id")).order_by("-n", "unit__nama"))[:limit]
    return [UnitCount(r["unit_id"], r["unit__kode"] or "", r["unit__nama"] or "", r["n"]) for r in rows]


def overdue_reports(qs: QuerySet[Report], *, now: datetime | None = None, limit: int = 50) -> tuple[list[Report], int]:
    """The overdue open reports, oldest deadline first (at most ``limit``), and how many there are."""
    overdue = qs.filter(overdue_q(now))
    rows = list(overdue.select_related("kategori", "unit", "kelurahan")
                .order_by(F("due_at").asc(nulls_last=True), "created_at")[:limit])
    return rows, overdue.count()


@dataclass
class UnitStats:
    unit: Unit
    received: int = 0
    done: int = 0
    median_seconds: float | None = None
    followup_rejected: int = 0

    @property
    def median_shown(self) -> bool:
        return self.median_seconds is not None and self.done >= MEDIAN_MIN_DONE


def unit_performance(qs: QuerySet[Report], *, since: datetime, until: datetime | None = None) -> list[UnitStats]:
    until = until or timezone.now()
    ids = qs.order_by().values("pk")
    in_period = {"created_at__gte": since, "created_at__lte": until}

    # every arrival of a report at a unit (any time: the median needs the arrival before Selesai)
    arrivals: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    for report_id, unit_id, at in StatusChange.objects.filter(report_id__in=ids, old_status="").values_list(
            "report_id", "unit_id", "created_at"):
        if unit_id:
            arrivals[(unit_id, report_id)].append(at)
    for report_id, unit_id, at in Hop.objects.filter(report_id__in=ids).values_list("report_id", "to_unit_id", "created_at"):
        arrivals[(unit_id, report_id)].append(at)

    received: dict[int, set[int]] = defaultdict(set)
    for (unit_id, report_id), times in arrivals.items():
        if any(since <= t <= until for t in times):
            received[unit_id].add(report_id)

    done_at: dict[tuple[int, int], datetime] = {}
    for report_id, unit_id, at in StatusChange.objects.filter(report_id__in=ids, new_status=Status.DONE,
                                                              unit_id__isnull=False, **in_period).values_list(
            "report_id", "unit_id", "created_at").order_by("created_at"):
        done_at[(unit_id, report_id)] = at  # the latest Selesai per (unit, report)
    durations: dict[int, list[float]] = defaultdict(list)
    done: dict[int, int] = defaultdict(int)
    for (unit_id, report_id), at in done_at.items():
        done[unit_id] += 1
        before = [t for t in arrivals.get((unit_id, report_id), ()) if t <= at]
        if before:
            durations[unit_id].append((at - max(before)).total_seconds())

    rejected = dict(StatusChange.objects.filter(report_id__in=ids, new_status=Status.FOLLOWUP_REJECTED,
                                                unit_id__isnull=False, **in_period)
                    .order_by().values_list("unit_id").annotate(n=Count("id")))

    unit_ids = set(received) | set(done) | set(rejected)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    out = []
    for unit_id in unit_ids:
        out.append(UnitStats(
            unit=units[unit_id], received=len(received.get(unit_id, ())), done=done.get(unit_id, 0),
            median_seconds=statistics.median(durations[unit_id]) if durations.get(unit_id) else None,
            followup_rejected=rejected.get(unit_id, 0),
        ))
    return sorted(out, key=lambda s: (-s.received, -s.done, s.unit.nama))


@dataclass
class MapCell:
    """Open reports counted in one grid cell of ``exposure.OVERSIGHT_GRID_DEG`` (no number, category or unit)."""
    lat: float
    lon: float
    count: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def open_report_map(qs: QuerySet[Report], *, openable: QuerySet[Report] | None = None,
                    limit: int = 2000) -> tuple[list[dict], list[MapCell]]:
    """The dashboard map, by ``sigap.reports.exposure``: open reports the user may open (``openable``; None:
    all of ``qs``) as points to ~10 m with their number, category and unit (at most ``limit``, newest first);
    every other open report in ``qs`` only counted in a ~1.1 km grid cell with its status."""
    located = qs.filter(status__in=OPEN_STATUSES, lat__isnull=False, lon__isnull=False).order_by()
    mine = located if openable is None else located.filter(pk__in=openable.order_by().values("pk"))
    rows = (mine.order_by("-created_at")
            .values("pk", "number", "lat", "lon", "status", "privacy", "kategori__nama", "kategori__name_en",
                    "kategori__sensitif", "unit__nama")[:limit])
    points = []
    for r in rows:
        shown = exposure.expose(_facts(r), Audience.HANDLER)
        points.append({k: v for k, v in r.items() if k not in ("privacy", "kategori__sensitif")}
                      | {"lat": shown.point[0], "lon": shown.point[1]})
    cells: dict[tuple[int, int], MapCell] = {}
    if openable is not None:
        others = located.exclude(pk__in=openable.order_by().values("pk"))
        for r in others.values("lat", "lon", "status", "privacy", "kategori__sensitif").iterator(chunk_size=2000):
            shown = exposure.expose(_facts(r), Audience.OVERSIGHT)
            if not shown.counted or shown.cell is None:
                continue
            cell = cells.get(shown.cell)
            if cell is None:
                cell = cells[shown.cell] = MapCell(lat=shown.point[0], lon=shown.point[1])
            cell.count += 1
            cell.by_status[r["status"]] = cell.by_status.get(r["status"], 0) + 1
    return points, sorted(cells.values(), key=lambda c: (-c.count, c.lat, c.lon))


def _facts(row: dict) -> exposure.Facts:
    return exposure.Facts(privacy=row["privacy"], sensitive=row["kategori__sensitif"], lat=row["lat"], lon=row["lon"])
