"""Numbers for the supervisor dashboard, read from the summaries the write path keeps
(``sigap.reports.summaries``) and, for open reports, live over open reports only: no page reads the
reports' whole history.

Scope first (``dashboard_scope``, ``summary_scope``): a pimpinan oversees their units and every unit below
(a walikota: their kota); validators and the leadership of a Biro oversee the whole city. Conflict of
interest holds on every figure: what concerns one of the user's units or a unit above them (a complaint
about officials, ``Report.concerned_unit``) is neither listed nor counted.

The per-unit table of a pimpinan lists the units below theirs and, for a kota / kecamatan / kelurahan, the
units working in that territory (a walikota's Suku Dinas): counts only. A unit elsewhere that handled a report
after it left the scope is not in the table (a summary counts a unit's work, not one report's journey).

Definitions (per unit, within the period):
* reports per day: reports filed per local day at a unit in scope (the unit they were first routed to);
* open reports (by status, by unit, overdue, map): open reports that are or were at a unit in scope (held
  there now, or either end of a hop), counted live over open reports only;
* received: arrivals at the unit (routed there on filing, or a koordinasi / disposisi / reroute hop to it),
  counted by local day from the first day of the period through the last;
* done: Selesai validations while the unit was handling the report;
* median time to done: from the report's latest arrival at the unit to Selesai, in seconds, over those
  validations (exact); only shown from ``MEDIAN_MIN_DONE`` up, so one fast fix cannot make a unit look best;
* rejections: follow-ups rejected by the validator (TL Ditolak) while the unit was handling the report,
  counted by local day like received.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Aggregate, Case, Count, F, FloatField, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from sigap.organization import roles
from sigap.organization.cache import reference_data
from sigap.organization.loaders import TRIAGE_UNIT
from sigap.organization.models import StaffRole, Unit
from sigap.reports import exposure
from sigap.reports.deadlines import overdue_q
from sigap.reports.exposure import Audience
from sigap.reports.models import DoneTime, Report, ReportUnit, UnitDay
from sigap.reports.selectors import reports_visible_to
from sigap.reports.states import OPEN_STATUSES, Status
from sigap.reports.summaries import local_day

from .performance import units_in_area

R = StaffRole.Role
MEDIAN_MIN_DONE = 3


def dashboard_sees_all(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    pairs = roles.role_pairs(user)  # the request's one read of the roles; units' kinds from the reference data
    if any(role == R.VALIDATOR for role, _unit in pairs):
        return True
    units = reference_data().unit_by_pk
    if not any(role == R.SUPERVISOR and unit in units and _oversees_city(units[unit]) for role, unit in pairs):
        return False
    # the cached tree may be seconds old: a unit that stopped being the Biro must not keep its supervisors
    # city-wide for those seconds, so the few who would see everything are confirmed by the database
    return (
        StaffRole.objects.filter(user=user, role=R.SUPERVISOR, unit__kind=Unit.Kind.BIRO)
        .exclude(unit__code=TRIAGE_UNIT)
        .exists()
    )


def _oversees_city(unit: Unit) -> bool:
    """A Biro oversees the city; the triage desk, loaded as a Biro-kind unit, oversees only its own reports."""
    return unit.kind == Unit.Kind.BIRO and unit.code != TRIAGE_UNIT


def dashboard_scope(user) -> QuerySet[Report] | None:
    """The reports a dashboard's user oversees (for listing and tests); None when the user has no dashboard.
    The dashboard's figures use ``summary_scope``, which says the same in units."""
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
class Scope:
    """What a dashboard counts: the units it oversees (None: the whole city) and the concerned units whose
    reports it must not count (conflict of interest: the user's units and every unit above them)."""

    units: frozenset[int] | None
    hidden: frozenset[int]
    area_units: frozenset[int] | None = None  # the per-unit table's units (``units`` and those working in the area)

    def summary_q(self, *, table: bool = False) -> Q:
        """Rows of ``UnitDay``/``DoneTime`` in scope (``table``: the per-unit table's units)."""
        units = (self.area_units if self.area_units is not None else self.units) if table else self.units
        q = ~Q(concerned_id__in=self.hidden) if self.hidden else Q()
        return q & Q(unit_id__in=units) if units is not None else q

    def open_reports(self) -> QuerySet[Report]:
        """Open reports that are or were at a unit in scope (now held there, or either end of a hop): what
        ``reports_visible_to`` shows a supervisor, read from the open rows of ``ReportUnit`` (partial index
        ``reportunit_open_any``), so the cost follows the scope's open workload and not the history."""
        qs = Report.objects.filter(status__in=OPEN_STATUSES)
        if self.units is not None:  # the visibility rows kept by the write path (``ReportUnit``), open ones only
            qs = qs.filter(pk__in=ReportUnit.objects.filter(unit_id__in=self.units, is_open=True).values("report_id"))
        return self.unhidden(qs)

    def unhidden(self, qs: QuerySet) -> QuerySet:
        """``qs`` (reports, or visibility rows by their copy of it) without those whose unit concerned is hidden
        from this scope."""
        return qs.exclude(concerned_unit_id__in=self.hidden) if self.hidden else qs

    def open_rows(self) -> QuerySet[ReportUnit]:
        """The open ``ReportUnit`` rows of a scope of units, without those of reports hidden from it (by the
        rows' copy of the unit concerned): a report seen through two units of the scope has two rows."""
        return self.unhidden(ReportUnit.objects.filter(unit_id__in=self.units, is_open=True))


def summary_scope(user) -> Scope | None:
    """``dashboard_scope`` in units: the whole city for an overseer, else the units the user works at and
    every unit below those they supervise; None when the user has no dashboard."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    mine = roles.unit_ids_where(user)
    hidden = frozenset(roles.ancestor_unit_ids(mine)) if mine else frozenset()
    if dashboard_sees_all(user):
        return Scope(units=None, hidden=hidden)
    supervised = roles.unit_ids_where(user, R.SUPERVISOR)
    if not supervised:
        return None
    units = roles.descendant_unit_ids(supervised) | roles.unit_ids_where(user, R.OFFICER, R.UNIT_ADMIN)
    return Scope(units=frozenset(units), hidden=hidden, area_units=frozenset(units | _units_in_area(supervised)))


TERRITORIAL = (Unit.Kind.KOTA, Unit.Kind.KECAMATAN, Unit.Kind.KELURAHAN)


def _units_in_area(supervised: set[int]) -> set[int]:
    """The units working inside the territory of a supervised kota / kecamatan / kelurahan (a walikota's Suku
    Dinas), for the per-unit table only: counts, never a report."""
    ref = reference_data()
    found: set[int] = set()
    for pk in supervised:
        if pk in ref.unit_region and ref.unit_by_pk[pk].kind in TERRITORIAL:
            found |= units_in_area(ref.unit_region[pk])
    return found


@dataclass(frozen=True)
class DayCount:
    day: date
    n: int


def reports_per_day(scope: Scope, *, days: int, today: date | None = None) -> list[DayCount]:
    """Reports filed per local day at the scope's units over the last ``days`` days (today included), zeros
    filled in. One statement over ``UnitDay`` (units × days rows)."""
    today = today or local_day(timezone.now())
    first = today - timedelta(days=days - 1)
    rows = (
        UnitDay.objects.filter(scope.summary_q(), day__gte=first, day__lte=today)
        .order_by()
        .values("day")
        .annotate(n=Sum("created"))
        .values_list("day", "n")
    )
    found = {d: n for d, n in rows}
    return [DayCount(first + timedelta(days=i), found.get(first + timedelta(days=i)) or 0) for i in range(days)]


def open_by_status(scope: Scope) -> list[tuple[Status, int]]:
    counts = dict(scope.open_reports().order_by().values_list("status").annotate(n=Count("id")))
    return [(s, counts[s.value]) for s in OPEN_STATUSES if counts.get(s.value)]


@dataclass(frozen=True)
class UnitCount:
    unit_id: int | None
    code: str
    name: str
    n: int


def open_by_unit(scope: Scope, *, limit: int = 25) -> list[UnitCount]:
    """Open reports per unit, most first; one statement (the counts, at most one row per unit)."""
    counts = dict(scope.open_reports().order_by().values_list("unit_id").annotate(n=Count("id")))
    return _most_first(counts, limit)


def _most_first(counts: dict[int | None, int], limit: int) -> list[UnitCount]:
    """{unit: open reports} as ``UnitCount``s, most first, named from the cached unit tree (no query)."""
    units = reference_data().unit_by_pk
    out = [
        UnitCount(u, units[u].code if u in units else "", units[u].name if u in units else "", n)
        for u, n in counts.items()
    ]
    return sorted(out, key=lambda c: (-c.n, c.name))[:limit]


@dataclass(frozen=True)
class OverdueReport:
    """What an overdue row shows: less than a queue row (no description, no kelurahan, no reporter's words),
    read as plain values (fifty model instances and their joined category and unit cost more than the query)."""

    number: str
    status: str
    due_at: datetime | None
    hop_deadline: datetime | None
    category_name: str | None
    category_name_en: str | None
    unit_name: str | None


def overdue_reports(
    scope: Scope,
    *,
    now: datetime | None = None,
    limit: int = 50,
    total: int | None = None,
    ids: list[int] | None = None,
) -> tuple[list[OverdueReport], int]:
    """The overdue open reports, oldest deadline first (at most ``limit``), and how many there are (``total``:
    already counted by ``open_summary``; ``ids``: the page's reports, already chosen by its one pass)."""
    overdue = scope.open_reports().filter(overdue_q(now))
    order = (F("due_at").asc(nulls_last=True), "created_at")
    # the page's reports chosen index-only (``report_open_cover``), then only those read and joined
    first = overdue.order_by(*order).values("pk")[:limit] if ids is None else ids[:limit]
    # ids chosen from the scope's rows: whether a report is hidden is asked of the report too
    rows = (
        scope.unhidden(Report.objects.filter(pk__in=first))
        .order_by(*order)
        .values_list("number", "status", "due_at", "hop_deadline", "category__name", "category__name_en", "unit__name")
    )
    return [OverdueReport(*row) for row in rows], overdue.count() if total is None else total


@dataclass(frozen=True)
class OpenSummary:
    by_status: list[tuple[Status, int]]
    by_unit: list[UnitCount]
    overdue: int
    overdue_first: list[int] = field(default_factory=list)  # ids of the first overdue reports, when asked for


def open_summary(scope: Scope, *, now: datetime | None = None, limit: int = 25, overdue_first: int = 0) -> OpenSummary:
    """Open reports by status, by unit (most first, at most ``limit``) and how many are overdue: one pass over
    the scope's open reports (grouped by status, unit and lateness) and one for the units' names.

    ``overdue_first``: the same pass also picks the ids of that many overdue reports, oldest deadline first (the
    dashboard's list, ``overdue_reports(ids=…)``), so the scope's open reports are read once for both."""
    rows, first = _grouped_and_first_overdue(_open_columns(scope, now), overdue_first)
    statuses: dict[str, int] = defaultdict(int)
    units: dict[int | None, int] = defaultdict(int)
    overdue = 0
    for status, unit_id, is_late, n in rows:
        statuses[status] += n
        units[unit_id] += n
        overdue += n if is_late else 0
    return OpenSummary(
        by_status=[(s, statuses[s.value]) for s in OPEN_STATUSES if statuses.get(s.value)],
        by_unit=_most_first(units, limit),
        overdue=overdue,
        overdue_first=first,
    )


def _open_columns(scope: Scope, now: datetime | None) -> QuerySet:
    """The scope's open reports, each once, as (id, status, unit now, late, due date, filing time).

    A scope of units reads its open visibility rows (``ReportUnit``, partial index ``reportunit_open_any``,
    which includes these columns): a report seen through two units of the scope has two identical rows, made
    one by DISTINCT. So a kota's counts read its own open rows, not every open report of the city. The whole
    city (an overseer) reads the open reports themselves (``report_open_cover``)."""
    late = Case(When(overdue_q(now), then=Value(1)), default=Value(0), output_field=IntegerField())
    if scope.units is None:
        return (
            scope.open_reports()
            .order_by()
            .annotate(late=late)
            .values_list("pk", "status", "unit_id", "late", "due_at", "created_at")
        )
    return (
        scope.open_rows()
        .order_by()
        .annotate(late=late)
        .values_list("report_id", "status", "holder_id", "late", "due_at", "filed_at")
        .distinct()
    )


def _grouped_and_first_overdue(inner: QuerySet, first: int) -> tuple[list[tuple], list[int]]:
    """One statement over the scope's open reports (``inner``: id, status, unit, late, due date, filing time;
    a common table expression, read once): the counts grouped by status, unit and lateness, and the ids of the
    ``first`` overdue ones by deadline (nulls last), then filing time. At a kota of a million-report city this
    is one pass over its open reports instead of two."""
    sql, params = inner.query.sql_with_params()
    qn = connection.ops.quote_name
    cte = qn("open_scope")
    status, unit, late, due, created = (qn(c) for c in ("status", "unit_id", "late", "due_at", "created_at"))
    statement = (
        f"WITH {cte} ({qn('id')}, {status}, {unit}, {late}, {due}, {created}) AS ({sql}) "
        f"SELECT 0, {status}, {unit}, {late}, COUNT(*) FROM {cte} GROUP BY {status}, {unit}, {late} "
        f"UNION ALL SELECT 1, NULL, NULL, NULL, {qn('id')} FROM (SELECT {qn('id')} FROM {cte} WHERE {late} = 1 "
        f"ORDER BY CASE WHEN {due} IS NULL THEN 1 ELSE 0 END, {due}, {created} LIMIT %s) {qn('first_overdue')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, first))
        found = cursor.fetchall()
    return [tuple(r[1:]) for r in found if r[0] == 0], [r[4] for r in found if r[0] == 1]


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


class Median(Aggregate):
    """PostgreSQL's exact median (``percentile_cont(0.5)``)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _done_by_unit(scope: Scope, since: datetime, until: datetime) -> dict[int, tuple[int, float | None]]:
    """{unit: (Selesai validations in [since, until], median seconds)}: one statement over the period's
    ``DoneTime`` rows."""
    rows = DoneTime.objects.filter(scope.summary_q(table=True), done_at__gte=since, done_at__lte=until).order_by()
    if connection.vendor == "postgresql":
        return {
            u: (n, m)
            for u, n, m in rows.values("unit_id")
            .annotate(n=Count("id"), m=Median("seconds"))
            .values_list("unit_id", "n", "m")
        }
    seconds: dict[int, list[float]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for unit_id, secs in rows.values_list("unit_id", "seconds"):
        counts[unit_id] += 1
        if secs is not None:
            seconds[unit_id].append(secs)
    return {u: (n, statistics.median(seconds[u]) if seconds.get(u) else None) for u, n in counts.items()}


def unit_performance(scope: Scope, *, since: datetime, until: datetime | None = None) -> list[UnitStats]:
    """Per unit: received and rejections by whole local days (``UnitDay``), done and the median exactly
    (``DoneTime``). Two statements whatever the history (units from the cached unit tree)."""
    until = until or timezone.now()
    days = (
        UnitDay.objects.filter(scope.summary_q(table=True), day__gte=local_day(since), day__lte=local_day(until))
        .order_by()
        .values("unit_id")
        .annotate(received=Sum("received"), rejected=Sum("rejected"))
        .values_list("unit_id", "received", "rejected")
    )
    counted = {u: (rec or 0, rej or 0) for u, rec, rej in days}
    done = _done_by_unit(scope, since, until)
    unit_ids = {u for u, (rec, rej) in counted.items() if rec or rej} | set(done)
    units = reference_data().unit_by_pk  # shared, read-only instances of the cached unit tree
    out = []
    for unit_id in unit_ids:
        if unit_id not in units:
            continue
        received, rejected = counted.get(unit_id, (0, 0))
        n_done, median = done.get(unit_id, (0, None))
        out.append(
            UnitStats(
                unit=units[unit_id], received=received, done=n_done, median_seconds=median, followup_rejected=rejected
            )
        )
    return sorted(out, key=lambda s: (-s.received, -s.done, s.unit.name))


@dataclass
class MapCell:
    """Open reports counted in one grid cell of ``exposure.OVERSIGHT_GRID_DEG`` (no number, category or unit)."""

    lat: float
    lon: float
    count: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


MAP_COLUMNS = ("pk", "number", "lat", "lon", "status", "category_id", "unit_id")
MAP_POINTS = 2000  # the newest open reports a dashboard map shows as points (it says when there are more)


class MapPoint(NamedTuple):
    """An open report the user may open, as the map shows it: its point to ~10 m (``exposure``), its category
    and the unit holding it (ids: their names come from the cached reference data)."""

    pk: int
    number: str
    lat: float
    lon: float
    status: str
    category_id: int
    unit_id: int | None


def open_report_map(
    qs: QuerySet[Report],
    *,
    openable: QuerySet[Report] | None = None,
    limit: int = MAP_POINTS,
    scope: Scope | None = None,
) -> tuple[list[MapPoint], list[MapCell]]:
    """The dashboard map, by ``sigap.reports.exposure``: open reports the user may open (``openable``; None:
    all of ``qs``) as points to ~10 m with their number, category and unit (at most ``limit``, newest first);
    every other open report in ``qs`` only counted in a ~1.1 km grid cell with its status.

    ``scope`` (``qs`` being its ``open_reports()``): a scope of units whose every report may be opened picks
    its newest reports from its own visibility rows (``_newest_in_scope``) instead of among every open report
    of the city. The rows are read without joins (the category's and unit's names and the category's
    sensitivity come from the cached reference data), as plain values."""
    located = qs.filter(status__in=OPEN_STATUSES, lat__isnull=False, lon__isnull=False).order_by()
    rows = None
    if openable is None and scope is not None and scope.units is not None:
        rows = _newest_in_scope(scope, limit)
    if rows is None:
        mine = located if openable is None else located.filter(pk__in=openable.order_by().values("pk"))
        newest = mine.order_by("-created_at", "-pk").values("pk")[:limit]  # index-only (``report_open_cover``)
        rows = list(Report.objects.filter(pk__in=newest).order_by("-created_at", "-pk").values_list(*MAP_COLUMNS))
    points = []
    for pk, number, lat, lon, status, category_id, unit_id in rows:
        # every point is a report the user may open: the handler's point (``exposure.expose`` gives the same)
        if (point := exposure.handler_point(lat, lon)) is not None:
            points.append(MapPoint(pk, number, point[0], point[1], status, category_id, unit_id))
    cells: dict[tuple[int, int], MapCell] = {}
    if openable is not None:
        categories = reference_data().category_by_pk
        others = located.exclude(pk__in=openable.order_by().values("pk"))
        for lat, lon, status, privacy, category_id in others.values_list(
            "lat", "lon", "status", "privacy", "category_id"
        ).iterator(chunk_size=2000):
            shown = exposure.expose(_facts(privacy, categories.get(category_id), lat, lon), Audience.OVERSIGHT)
            if not shown.counted or shown.cell is None:
                continue
            cell = cells.get(shown.cell)
            if cell is None:
                cell = cells[shown.cell] = MapCell(lat=shown.point[0], lon=shown.point[1])
            cell.count += 1
            cell.by_status[status] = cell.by_status.get(status, 0) + 1
    return points, sorted(cells.values(), key=lambda c: (-c.count, c.lat, c.lon))


def _newest_in_scope(scope: Scope, limit: int) -> list[tuple] | None:
    """The ``limit`` newest located open reports of a scope of units, in one statement: their ids chosen among
    the scope's open ``ReportUnit`` rows by filing time (``reportunit_open_any`` includes it), a tenth more than
    needed because a report may have no coordinates, then those reports read. None when that margin was not
    enough (more reports without coordinates than it allows): the caller then asks among the reports."""
    fetch = limit + max(10, limit // 10)
    newest = (
        scope.open_rows().order_by("-filed_at", "-report_id").values_list("report_id", "filed_at").distinct()[:fetch]
    )
    # whether a report is hidden is asked of the report too: a point is never shown on the strength of a row's copy
    located = scope.unhidden(
        Report.objects.filter(
            pk__in=newest.values_list("report_id", flat=True),
            status__in=OPEN_STATUSES,
            lat__isnull=False,
            lon__isnull=False,
        )
    )
    found = list(located.order_by("-created_at", "-pk").values_list(*MAP_COLUMNS)[:limit])
    if len(found) < limit and newest.count() == fetch:
        return None
    return found


def _facts(privacy: str, category, lat: float | None, lon: float | None) -> exposure.Facts:
    """A map row's facts for the rule; a category unknown to the reference data counts as sensitive."""
    sensitive = True if category is None else category.sensitive
    return exposure.Facts(privacy=privacy, sensitive=sensitive, lat=lat, lon=lon)
