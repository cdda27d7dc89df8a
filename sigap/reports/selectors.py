"""Reads that carry policy, above all: which reports may this staff member see?

Officers see the reports that are or were at their units (current unit, or either end of a hop).
Supervisors (pimpinan) see the same for every unit below theirs. Validators see reports awaiting
validation and those they have validated. Anything else is answered as "not found".
"""
from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from sigap.core.errors import NotFound
from sigap.organization import roles
from sigap.organization.models import StaffRole

from .models import Hop, Report, StatusChange
from .states import AWAITING_ACCEPTANCE, Status, is_open

R = StaffRole.Role


def _at_units(unit_ids: set[int]) -> Q:
    return Q(unit_id__in=unit_ids) | Q(hops__to_unit_id__in=unit_ids) | Q(hops__from_unit_id__in=unit_ids)


def reports_visible_to(user) -> QuerySet[Report]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Report.objects.none()
    working = roles.unit_ids_where(user, R.OFFICER, R.UNIT_ADMIN)
    supervised = roles.descendant_unit_ids(roles.unit_ids_where(user, R.SUPERVISOR))
    units = working | supervised
    q = Q(pk__in=[])
    if units:
        q |= _at_units(units)
    if roles.user_can_validate(user):
        q |= Q(status=Status.AWAITING_VALIDATION) | Q(history__actor=user)
    ids = Report.objects.filter(q).values("pk")
    visible = Report.objects.filter(pk__in=ids)
    # Conflict of interest: a report about a unit's conduct is never visible to that unit or any unit
    # below it, whatever else would allow it.
    mine = roles.unit_ids_where(user)
    if mine:
        visible = visible.exclude(concerned_unit_id__in=roles.ancestor_unit_ids(mine))
    return visible


def report_get_visible(*, user, number: str) -> Report:
    report = reports_visible_to(user).select_related("kategori", "unit", "kelurahan").filter(number=number).first()
    if report is None:
        raise NotFound("Laporan tidak ditemukan.", "Report not found.")
    return report


def overdue_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    open_statuses = [s for s in Status if is_open(s) and s != Status.AWAITING_REPORTER]
    return Q(status__in=open_statuses) & (
        Q(due_at__lt=now) | (Q(hop_deadline__lt=now) & Q(status__in=list(AWAITING_ACCEPTANCE)))
    )


def report_queue(*, user, status: str | None = None, kategori: str | None = None, kelurahan: str | None = None,
                 overdue: bool | None = None, unit: str | None = None, now: datetime | None = None) -> QuerySet[Report]:
    """The reports a staff member works on: by default those now at their units, soonest deadline first."""
    qs = reports_visible_to(user).select_related("kategori", "unit", "kelurahan")
    if unit:
        qs = qs.filter(unit__kode=unit)
    elif not status or status != Status.AWAITING_VALIDATION:
        working = roles.unit_ids_where(user, R.OFFICER, R.UNIT_ADMIN)
        if working:
            qs = qs.filter(unit_id__in=working)
    if status:
        qs = qs.filter(status=status)
    if kategori:
        qs = qs.filter(kategori__kode=kategori)
    if kelurahan:
        qs = qs.filter(Q(kelurahan__kode=kelurahan) | Q(kelurahan__nama__iexact=kelurahan))
    if overdue is True:
        qs = qs.filter(overdue_q(now))
    elif overdue is False:
        qs = qs.exclude(overdue_q(now))
    return qs.order_by(F("closed_at").asc(nulls_first=True), F("due_at").asc(nulls_last=True), "created_at")


def queue_counts(qs: QuerySet[Report]) -> dict[str, int]:
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")))


def report_history(report: Report) -> list[StatusChange]:
    return list(report.history.select_related("unit").all())


def report_hops(report: Report) -> list[Hop]:
    return list(report.hops.select_related("from_unit", "to_unit").all())
