"""A small known set of reports for the dashboard numbers (built through the real services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import submit

PB_UNIT = "kel:31.75.07.1002"
SUDIN = "sudin-bina-marga:31.75"
GAMBIR_KEL = "31.71.01.1001"


@dataclass
class Scenario:
    now: datetime
    done: list[Report]  # A, B, C: done at Pondok Bambu after 5, 7 and 9 hours
    bounced: Report  # D: coordinated to the Suku Dinas, follow-up rejected there (open)
    late: Report  # E: waiting at Pondok Bambu for 20 days (overdue)
    gambir: Report  # F: today, in Jakarta Pusat
    officer: object
    sudin: object
    validator: object


def build(staff, jpeg) -> Scenario:
    now = timezone.now()
    officer = staff("petugas.pb", PB_UNIT)
    sudin = staff("sudin.bm", SUDIN)
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)

    def work(report, unit_officer, *, start, hours, accept=True):
        services.report_accept(report_id=report.pk, actor=unit_officer, now=start + timedelta(minutes=30))
        for kind, colour in (("before", (120, 80, 60)), ("after", (60, 120, 80))):
            services.photo_add(
                report_id=report.pk,
                actor=unit_officer,
                kind=kind,
                photo=photo_clean(jpeg(colour=colour), blur=False),
                now=start + timedelta(hours=hours - 1),
            )
        services.report_request_validation(
            report_id=report.pk, actor=unit_officer, now=start + timedelta(hours=hours - 0.5)
        )
        services.report_validate(
            report_id=report.pk,
            actor=validator,
            accept=accept,
            reason="Bukti diperiksa." if accept else "Foto sesudah buram.",
            now=start + timedelta(hours=hours),
        )

    done = []
    for days, hours in ((2, 5), (3, 7), (4, 9)):
        start = now - timedelta(days=days)
        report = submit(now=start).report
        work(report, officer, start=start, hours=hours)
        done.append(report)
    start = now - timedelta(days=1)
    bounced = submit("jalan-rusak", description="Jalan berlubang dalam di depan sekolah.", now=start).report
    services.report_coordinate(
        report_id=bounced.pk,
        actor=officer,
        to_unit=SUDIN,
        reason="bukan tupoksi: jalan kota",
        now=start + timedelta(hours=1),
    )
    work(bounced, sudin, start=start + timedelta(hours=1), hours=3, accept=False)
    late = submit(now=now - timedelta(days=20)).report
    # today, also in the first five minutes after local midnight (it fell on yesterday then, and a test counting
    # today's reports failed)
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    gambir = submit("saluran-tersumbat", GAMBIR_KEL, now=max(now - timedelta(minutes=5), today_start)).report
    for r in (*done, bounced, late, gambir):
        r.refresh_from_db()
    return Scenario(
        now=now, done=done, bounced=bounced, late=late, gambir=gambir, officer=officer, sudin=sudin, validator=validator
    )
