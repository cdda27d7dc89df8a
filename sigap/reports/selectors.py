"""Reads that carry policy, above all: which reports may this staff member see?

Officers see the reports that are or were at their units (current unit, or either end of a hop).
Supervisors (pimpinan) see the same for every unit below theirs. Validators see reports awaiting
validation and those they have acted on. Anything else is answered as "not found".

Every read here costs a fixed number of statements, whatever the history: which units may see a report
is the ``ReportUnit`` table kept by the write path (``visibility.py``), a unit's queue is a range of one
of its partial indexes, and the unit tree comes from the cached reference data.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime

from sigap.core.errors import DomainError, NotFound
from sigap.organization import roles
from sigap.organization.models import StaffRole

from . import deadlines
from .models import Hop, Report, ReportUnit, StatusChange
from .states import OPEN_STATUSES, Status, is_open

R = StaffRole.Role
OPEN, CLOSED, ALL = "open", "closed", "all"  # the queue's status views besides one status code
COUNT_CAP = 1_000  # counts over closed (history-sized) sets stop here and say "1.000+"


@dataclass(frozen=True)
class Scope:
    """What one staff account may see, from one query of its roles and the cached unit tree."""

    working: frozenset[int]  # units where the account is an officer or unit admin
    supervised: frozenset[int]  # units where it is a supervisor, and every unit below them
    validator: bool
    barred: frozenset[int]  # conflict of interest: a report about one of these units is never shown

    @property
    def units(self) -> frozenset[int]:
        return self.working | self.supervised

    @property
    def queue_units(self) -> frozenset[int]:
        """The units whose held reports make the account's queue: where it works, else what it supervises."""
        return self.working or self.supervised


NOBODY = Scope(frozenset(), frozenset(), False, frozenset())


def scope_of(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    pairs = roles.role_pairs(user)
    working = {u for r, u in pairs if r in (R.OFFICER, R.UNIT_ADMIN)}
    supervised = roles.descendant_unit_ids({u for r, u in pairs if r == R.SUPERVISOR})
    mine = {u for _r, u in pairs}
    return Scope(
        frozenset(working),
        frozenset(supervised),
        any(r == R.VALIDATOR for r, _u in pairs),
        frozenset(roles.ancestor_unit_ids(mine)),
    )


def _not_barred(qs: QuerySet, scope: Scope, field: str = "concerned_unit_id") -> QuerySet:
    # Conflict of interest: a report about a unit's conduct is never visible to that unit or any unit
    # below it, whatever else would allow it.
    return qs.exclude(**{f"{field}__in": scope.barred}) if scope.barred else qs


def reports_visible_to(user, scope: Scope | None = None) -> QuerySet[Report]:
    """Every report the account may open (as a filter: use it with a condition that picks few reports)."""
    scope = scope or scope_of(user)
    q = Q(pk__in=[])
    if scope.units:
        q |= Exists(ReportUnit.objects.filter(report=OuterRef("pk"), unit_id__in=scope.units))
    if scope.validator:
        q |= Q(status=Status.AWAITING_VALIDATION) | Exists(
            StatusChange.objects.filter(report=OuterRef("pk"), actor=user)
        )
    return _not_barred(Report.objects.filter(q), scope)


def report_sees(user, report: Report, scope: Scope | None = None) -> bool:
    """May the account open this report? At most one query."""
    scope = scope or scope_of(user)
    if report.concerned_unit_id is not None and report.concerned_unit_id in scope.barred:
        return False
    if report.unit_id in scope.units:
        return True
    if scope.validator and report.status == Status.AWAITING_VALIDATION:
        return True
    if not scope.units and not scope.validator:
        return False
    q = Q(pk__in=[])
    if scope.units:
        q |= Exists(ReportUnit.objects.filter(report_id=report.pk, unit_id__in=scope.units))
    if scope.validator:
        q |= Exists(StatusChange.objects.filter(report_id=report.pk, actor=user))
    return Report.objects.filter(pk=report.pk).filter(q).exists()


def report_get_visible(*, user, number: str) -> Report:
    report = (
        Report.objects.select_related("category", "unit", "kelurahan")
        .defer("kelurahan__geometry")
        .filter(number=number)
        .first()
    )
    if report is None or not report_sees(user, report):
        raise NotFound("Laporan tidak ditemukan.", "Report not found.")
    return report


def _view(status: str | None) -> str:
    """open, closed, all, or a status code (None is open: the queue is the work still to do)."""
    if not status:
        return OPEN
    if status in (OPEN, CLOSED, ALL) or status in Status.values:
        return status
    raise DomainError(
        f"Status tidak dikenal: {status}.",
        f"Unknown status: {status}.",
        code="invalid_input",
        status=422,
        field="status",
    )


def by_urgency(view: str) -> bool:
    """Open views are ordered most urgent first; views holding closed reports newest first."""
    return view == OPEN or (view in Status.values and is_open(view))


def _unit_id(code: str) -> int | None:
    from sigap.routing.cache import routing_data

    unit = routing_data().units_by_code.get(code)
    return unit.pk if unit is not None else None


def report_queue(
    *,
    user,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
    unit: str | None = None,
    now: datetime | None = None,
    scope: Scope | None = None,
    cursor: str | None = None,
) -> QuerySet[Report]:
    """The reports a staff member works on: those now at their units (officers, unit admins), or at the units
    below theirs (supervisors), or awaiting validation (validators). ``status``: ``open`` (the default),
    ``closed``, ``all`` or one status code. Open views: the most urgent first (the hop deadline while a unit
    must still accept the report, else the due date); the others newest first. Every variant reads one
    range of a ``ReportUnit`` index (or the validation index) joined to the page's reports. ``cursor``
    (from ``cursor_of``): only the rows after it (keyset pagination)."""
    scope = scope or scope_of(user)
    view = _view(status)
    position = _cursor_parse(cursor) if cursor else None
    prefix = "unit_rows__"
    if unit:
        unit_id = _unit_id(unit)
        if unit_id is None:
            return Report.objects.none()
        units = {unit_id} if unit_id in scope.units else None
    elif view == Status.AWAITING_VALIDATION and scope.validator:
        units = None
    else:
        units = scope.queue_units
    if units:
        sort = f"{prefix}sort_at" if by_urgency(view) else None
        # one filter() call: every condition on the rows (and the cursor's) must use the same join: one index range
        qs = Report.objects.filter(_rows_q(scope, units, view, category, kelurahan, prefix) & _after(position, sort))
        category = kelurahan = None  # already on the rows
    else:
        if unit:  # a unit outside the account's own: the reports there it may see through their history
            qs = reports_visible_to(user, scope).filter(unit_id=_unit_id(unit))
        elif scope.validator:  # awaiting validation, and (behind a filter) what the validator acted on
            qs = (
                Report.objects.filter(status=Status.AWAITING_VALIDATION)
                if view in (OPEN, Status.AWAITING_VALIDATION)
                else reports_visible_to(user, scope)
            )
        else:
            return Report.objects.none()
        if view == OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif view == CLOSED:
            qs = qs.exclude(status__in=OPEN_STATUSES)
        elif view != ALL:
            qs = qs.filter(status=view)
        sort = "status_changed_at" if view in (OPEN, Status.AWAITING_VALIDATION) else None
        qs = qs.filter(_after(position, sort))
    # (the kelurahan's boundary is a large GeoJSON column no queue shows: not read per row)
    qs = _not_barred(qs, scope).select_related("category", "unit", "kelurahan").defer("kelurahan__geometry")
    if category:
        qs = qs.filter(category__code=category)
    if kelurahan:
        qs = qs.filter(Q(kelurahan__code=kelurahan) | Q(kelurahan__name__iexact=kelurahan))
    if overdue is True:
        qs = qs.filter(deadlines.overdue_q(now))
    elif overdue is False:
        qs = qs.exclude(deadlines.overdue_q(now))
    if sort:
        return qs.order_by(F(sort).asc(nulls_last=True), "-pk")
    return qs.order_by("-pk")


def _rows_q(scope: Scope, units, view: str, category: str | None, kelurahan: str | None, prefix: str = "") -> Q:
    """The ``ReportUnit`` rows of a queue view (``prefix``: seen from ``Report``)."""
    q = Q(**{f"{prefix}unit_id__in": units, f"{prefix}holds": True})
    if view == OPEN:
        q &= Q(**{f"{prefix}is_open": True})
    elif view == CLOSED:
        q &= Q(**{f"{prefix}is_open": False})
    elif view != ALL:
        q &= Q(**{f"{prefix}status": view})
    if scope.barred and not prefix:  # the report's concerned unit, repeated on its rows (seen from Report, the
        q &= ~Q(concerned_unit_id__in=scope.barred)  # caller filters the report's own: a negation there is a subquery)
    if category:
        from sigap.routing.cache import routing_data

        k = routing_data().category_by_code.get(category)
        q &= Q(**{f"{prefix}category_id": k.pk if k else -1})
    if kelurahan:
        q &= Q(**{f"{prefix}kelurahan__code": kelurahan}) | Q(**{f"{prefix}kelurahan__name__iexact": kelurahan})
    return q


# what a queue row and its cursor read (the API's items, the console's rows, the dashboard's overdue rows,
# ``cursor_of``, ``deadlines``): a page of 50 reads no more columns than it shows;
# ``report_queue(...).only(*QUEUE_COLUMNS)``
QUEUE_COLUMNS = (
    "number",
    "status",
    "description",
    "created_at",
    "due_at",
    "hop_deadline",
    "status_changed_at",
    "answered_at",
    "triage_reason",
    "category__code",
    "category__name",
    "category__name_en",
    "unit__code",
    "unit__name",
    "kelurahan__code",
    "kelurahan__name",
)


def queue_size(
    *,
    user,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
    unit: str | None = None,
    now: datetime | None = None,
    scope: Scope | None = None,
    counts: Counts | None = None,
) -> tuple[int, bool]:
    """How many reports ``report_queue`` with these filters holds, counted up to COUNT_CAP (then True). From the
    ``ReportUnit`` rows alone (no join to the reports) unless a filter needs the report itself. ``counts``: the
    page's ``queue_counts`` with the same category and kelurahan; the open queue's size is then their open total
    (the same rows), with no statement of its own."""
    scope = scope or scope_of(user)
    view = _view(status)
    units = scope.queue_units if not unit and not (view == Status.AWAITING_VALIDATION and scope.validator) else None
    if units and overdue is None and view == OPEN and counts is not None:
        return min(counts.open, COUNT_CAP), counts.open > COUNT_CAP
    if units and overdue is None:
        rows = ReportUnit.objects.filter(_rows_q(scope, units, view, category, kelurahan))
        return capped_count(rows)
    return capped_count(
        report_queue(
            user=user,
            status=status,
            category=category,
            kelurahan=kelurahan,
            overdue=overdue,
            unit=unit,
            now=now,
            scope=scope,
        )
    )


# --- keyset pages ------------------------------------------------------------------------------


def cursor_of(report: Report, qs: QuerySet) -> str:
    """An opaque position just after ``report`` in ``qs`` (a ``report_queue``), for ``cursor=``."""
    first = qs.query.order_by[0] if qs.query.order_by else None
    field = getattr(getattr(first, "expression", None), "name", None)
    if field == "status_changed_at":
        at = report.status_changed_at
    elif field is not None:
        at = deadlines.sort_at(report)
    else:
        at = None
    raw = f"{at.isoformat() if at else ''}~{report.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_parse(cursor: str) -> tuple[datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, pk_text = raw.split("~")
        at = parse_datetime(at_text) if at_text else None
        if at_text and (at is None or at.tzinfo is None):
            raise ValueError(at_text)  # every cursor Sigap writes carries its zone
        if at is not None:
            at = at.astimezone(UTC)  # OverflowError for a time no database holds in UTC
            if not 1900 <= at.year <= 9000:
                raise ValueError(at_text)
        pk = int(pk_text)
        if not 0 < pk < 2**63:
            raise ValueError(pk_text)
        return at, pk
    except (ValueError, UnicodeDecodeError, OverflowError):
        raise DomainError(
            "Kursor halaman tidak valid.", "Invalid page cursor.", code="invalid_input", status=422, field="cursor"
        ) from None


def _after(position: tuple[datetime | None, int] | None, sort: str | None) -> Q:
    """The rows after ``position`` in the order (sort ASC NULLS LAST, pk DESC): a condition, never an OFFSET."""
    if position is None:
        return Q()
    at, pk = position
    if sort is None:
        return Q(pk__lt=pk)
    if at is None:
        return Q(**{f"{sort}__isnull": True, "pk__lt": pk})
    return Q(**{f"{sort}__gt": at}) | Q(**{sort: at, "pk__lt": pk}) | Q(**{f"{sort}__isnull": True})


# --- counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    by_status: dict[str, int]  # open statuses exact; closed ones exact unless ``closed_capped``
    closed_capped: bool  # more than COUNT_CAP closed reports: ``closed`` is COUNT_CAP and by_status has no closed

    @property
    def open(self) -> int:
        return sum(n for s, n in self.by_status.items() if is_open(s))

    @property
    def closed(self) -> int:
        return COUNT_CAP if self.closed_capped else sum(n for s, n in self.by_status.items() if not is_open(s))


def _unit_rows(scope: Scope, category: str | None, kelurahan: str | None) -> QuerySet[ReportUnit]:
    return ReportUnit.objects.filter(_rows_q(scope, scope.queue_units, ALL, category, kelurahan))


def queue_counts(
    *, user, category: str | None = None, kelurahan: str | None = None, scope: Scope | None = None
) -> Counts:
    """Reports per status in the account's queue: exact over the open ones (bounded by the workload), and over
    the closed ones up to COUNT_CAP (beyond it only "1.000+"). Two statements, whatever the history."""
    scope = scope or scope_of(user)
    if not scope.queue_units:
        if scope.validator:
            n = _not_barred(Report.objects.filter(status=Status.AWAITING_VALIDATION), scope).count()
            return Counts({Status.AWAITING_VALIDATION.value: n} if n else {}, False)
        return Counts({}, False)
    rows = _unit_rows(scope, category, kelurahan)
    by_status = dict(rows.filter(is_open=True).order_by().values_list("status").annotate(n=Count("id")))
    sample = rows.filter(is_open=False).order_by().values("status")[: COUNT_CAP + 1]
    sql, params = sample.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"SELECT status, COUNT(*) FROM ({sql}) capped GROUP BY status", params)
        closed = dict(cur.fetchall())
    capped = sum(closed.values()) > COUNT_CAP
    if not capped:
        by_status.update(closed)
    return Counts(by_status, capped)


def capped_count(qs: QuerySet) -> tuple[int, bool]:
    """How many rows ``qs`` has, counting at most COUNT_CAP (then True: "1.000+")."""
    n = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(n, COUNT_CAP), n > COUNT_CAP


def kelurahan_choices(*, user, scope: Scope | None = None) -> list[tuple[str, str]]:
    """The kelurahan of the reports open in the account's queue (for the console's filter)."""
    scope = scope or scope_of(user)
    if not scope.queue_units:
        return []
    rows = _unit_rows(scope, None, None).filter(is_open=True, kelurahan__isnull=False)
    return sorted(set(rows.order_by().values_list("kelurahan__code", "kelurahan__name")), key=lambda kv: kv[1])


def report_history(report: Report) -> list[StatusChange]:
    """The report's status changes as the officer pages show them. Who filed it at a counter or a phone desk is
    not among them: naming the operator (and so the desk and the minute) is a lead to the walk-in or the caller,
    whom the operator saw (found by a review). Such a row says only "operator"; the audit trail keeps the
    account."""
    rows = list(report.history.select_related("unit", "actor").all())
    for row in rows:
        if row.actor_kind == "operator":
            row.actor = None  # in memory only: these rows are read, never saved
    return rows


def report_hops(report: Report) -> list[Hop]:
    return list(report.hops.select_related("from_unit", "to_unit", "actor").all())
