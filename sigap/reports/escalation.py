"""Escalation: a hop deadline that passes takes the report one level up the hierarchy, and a second one further.

The levels follow ``Unit.parent``: kelurahan → kecamatan → kota → Biro Pemerintahan (``SIGAP_ESCALATION_TOP``,
which stands in for the province above a kota or a dinas); Suku Dinas → Dinas; bidang → its dinas. When a
report still awaits acceptance ``Category.escalation_delay_hours`` working hours after its hop deadline
(``Report.escalate_at``, set by ``deadlines``), ``escalations_run`` — a periodic job, on the same scheduler as
the others — records an ``Escalation`` to the unit above, writes it on the report's timeline (unit names only,
never an officer's), tells that unit's staff (a staff notice, mailed when mail is set up) and lists it in their
console's "Eskalasi" page. The unit above gets a hop's time again; if the report is still not taken up by then,
it goes one level further, up to ``Category.escalation_levels``. Accepting, passing on or closing the report
resolves its escalations (``resolve``, from the write path).

The job reads only reports whose next level is due (a partial index on ``escalate_at``), so its cost follows
the late reports, not the history.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sigap.core.jobs import FAILED, isolated
from sigap.organization.models import StaffRole, Unit
from sigap.organization.notices import notify_users
from sigap.organization.roles import ancestor_unit_ids

from . import deadlines, visibility
from .models import Escalation, Report, StatusChange
from .states import AWAITING_ACCEPTANCE

log = logging.getLogger(__name__)
BATCH = 500
# who at the unit above is told and lists it: the people who can chase the unit below (not its operators,
# PPIDs, auditors or validators)
WATCHERS = (StaffRole.Role.OFFICER, StaffRole.Role.UNIT_ADMIN, StaffRole.Role.SUPERVISOR)


def target(unit: Unit) -> Unit | None:
    """The unit one level above ``unit`` (None at the top)."""
    parent = unit.parent
    if parent is not None and parent.kind != Unit.Kind.PROVINSI:
        return parent
    top = Unit.objects.filter(code=settings.SIGAP_ESCALATION_TOP).first()  # above a kota or a dinas only
    if top is not None and top.pk != unit.pk:
        return top
    return None


def note(to_unit: Unit, late_unit: Unit) -> str:
    """The timeline's words (``reports.notes`` renders them in English)."""
    return f"Dieskalasi ke {to_unit.name}: {late_unit.name} belum menanggapi laporan dalam batas waktu."


def escalations_run(now: datetime | None = None) -> int:
    """Escalate every report whose next level is due; returns how many were escalated."""
    now = now or timezone.now()
    done = 0
    failed: list[int] = []  # left as they are this run (logged), not read again
    while True:
        due = list(
            # late is after the deadline, as the queue and the dashboard have it (``deadlines.overdue_q``): not at it
            Report.objects.filter(escalate_at__lt=now, status__in=list(AWAITING_ACCEPTANCE))
            .exclude(pk__in=failed)
            .order_by("escalate_at", "pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        for pk in due:
            outcome = isolated("escalation of report", pk, escalate_one, pk, now)
            if outcome is FAILED:
                failed.append(pk)
            else:
                done += outcome
        if len(due) < BATCH:
            return done


@transaction.atomic
def escalate_one(report_id: int, now: datetime) -> int:
    report = (
        Report.objects.select_for_update(of=("self",), no_key=True)
        .select_related("unit", "category")
        .filter(pk=report_id, escalate_at__lt=now, status__in=list(AWAITING_ACCEPTANCE))
        .first()
    )
    if report is None:  # taken up meanwhile
        return 0
    if report.unit is None:
        Report.objects.filter(pk=report.pk).update(escalate_at=None)
        return 0
    last = report.escalations.filter(resolved_at__isnull=True).select_related("to_unit").order_by("-level").first()
    below = last.to_unit if last is not None else report.unit
    above = target(below)
    if above is None or _about(report, above) or report.escalation_level >= report.category.escalation_levels:
        Report.objects.filter(pk=report.pk).update(escalate_at=None)
        return 0
    # the deadline that passed: the unit's hop deadline at the first level (``escalate_at`` is later by the category's
    # escalation delay, a deadline that never existed: a review); a level above's own, which is not stored, after it
    missed = report.hop_deadline if report.escalation_level == 0 and report.hop_deadline else report.escalate_at
    _record(
        report,
        above,
        now,
        missed=missed,
        public_note=note(above, report.unit),
        internal_note=f"batas waktu {timezone.localtime(missed):%d-%m-%Y %H:%M} terlewati",
    )
    return 1


def after_second_dispute(report: Report, now: datetime) -> None:
    """The resident said "not fixed" a second time: the reopened report goes to the handling unit's supervisor too
    (inside the dispute's transaction; ``report`` is locked and saved)."""
    above = target(report.unit) if report.unit is not None else None
    if above is None or _about(report, above):
        return
    _record(
        report,
        above,
        now,
        missed=now,
        public_note=f"Dieskalasi ke {above.name}: pelapor menyatakan masalahnya belum beres untuk kedua kalinya.",
        internal_note=f"sanggahan ke-{report.disputes}",
    )


def _about(report: Report, unit: Unit) -> bool:
    """Is the report a complaint about ``unit`` or a unit above it? Then it never goes there (conflict of
    interest: such a report is hidden from the unit it is about and from every unit below that one)."""
    return report.concerned_unit_id is not None and report.concerned_unit_id in ancestor_unit_ids({unit.pk})


def _record(report: Report, above: Unit, now: datetime, *, missed, public_note: str, internal_note: str) -> None:
    level = report.escalation_level + 1
    Escalation.objects.create(
        report=report, level=level, from_unit=report.unit, to_unit=above, missed=missed, created_at=now
    )
    StatusChange.event(
        report,
        unit=above,
        actor_kind="system",
        at=now,
        public_note=public_note,
        internal_note=f"Eskalasi tingkat {level}: {internal_note}.",
    )
    nxt = None
    if level < report.category.escalation_levels:
        nxt = deadlines.escalate_at(report.category, deadlines.hop_deadline(report.category, now))
    Report.objects.filter(pk=report.pk).update(escalation_level=level, escalate_at=nxt)
    report.escalation_level, report.escalate_at = level, nxt
    visibility.unit_row_add(report, above.pk)  # the unit told can open the report
    _tell(above, report, level)


def _tell(unit: Unit, report: Report, level: int) -> None:
    ids = StaffRole.objects.filter(unit=unit, role__in=WATCHERS).values_list("user_id", flat=True)
    users = get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")
    notify_users(
        users,
        kind="escalation",
        report_number=report.number,
        subject=f"Eskalasi {report.number}",
        body=(
            f"Laporan {report.number} ({report.category.name}) dieskalasi ke {unit.name} (tingkat {level}): "
            f"{report.unit.name} belum menanggapinya dalam batas waktu. Lihat halaman Eskalasi di konsol."
        ),
        body_en=(
            f"Report {report.number} ({report.category.name_en or report.category.name}) was escalated to "
            f"{unit.name} (level {level}): {report.unit.name} did not respond in time. See the Escalations page."
        ),
    )


def resolve(report: Report, now: datetime) -> None:
    """The report was accepted, passed on or closed: its open escalations are done."""
    Escalation.objects.filter(report=report, resolved_at__isnull=True).update(resolved_at=now)
