"""A deadline review (a CRM team lead): each test states what a city's CRM team expects; each failed on the code
before its fix, for the reason in its docstring. Every instant is explicit (Asia/Jakarta), never the wall clock.

Calendar used: 16 Nov – 4 Dec 2026 has no public holiday nor cuti bersama in the shipped list."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sigap.core.models import Holiday
from sigap.organization.models import Category
from sigap.reports import deadlines, escalation, services
from sigap.reports.models import Escalation, Report

from .factories import inner_point, submit

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
PB = "31.75.07.1002"


def wib(value: datetime | None) -> datetime | None:
    return value.astimezone(WIB) if value is not None else None


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


# --- 1. a holiday (cuti bersama) decreed after the report was filed ------------------------------------------


def test_a_holiday_added_after_filing_moves_the_due_date_of_open_reports():
    """Filed Monday 23 Nov 2026 09:00, saluran-tersumbat (3 working days): due Thursday 26 Nov 16:00. The city then
    enters Tuesday 24 Nov as cuti bersama (decrees are often amended after the fact). A non-working day inside the
    report's window must give the unit one more day: due Friday 27 Nov 16:00. The stored ``due_at`` is computed
    once (``deadlines.on_create``) and never recomputed, so the report turns late on Thursday 16:00 anyway and is
    counted late on the dashboard although the unit had only two working days."""
    report = submit(now=at(2026, 11, 23, 9)).report
    assert wib(report.due_at) == at(2026, 11, 26, 16)
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama (ditetapkan kemudian)")
    report = Report.objects.get(pk=report.pk)
    assert wib(report.due_at) == at(2026, 11, 27, 16), f"due_at {wib(report.due_at)}: the holiday does not count"
    # and a holiday that was one already moves nothing again (its name edited)
    holiday = Holiday.objects.get(date=date(2026, 11, 24))
    holiday.name = "Cuti bersama"
    holiday.save()
    assert wib(Report.objects.get(pk=report.pk).due_at) == at(2026, 11, 27, 16)


def test_a_holiday_added_after_filing_does_not_escalate_the_report_on_that_holiday():
    """Filed Monday 23 Nov 2026 13:00: hop deadline Tuesday 24 Nov 11:00 (3 h Monday + 3 h Tuesday). Tuesday is then
    declared a holiday: the kelurahan has had 3 working hours, not 6, and nobody is at the office. The escalation
    job still takes the report to the kecamatan on the holiday at 11:05 and tells the camat, because
    ``escalate_at`` was stored at filing from the old calendar."""
    report = submit(now=at(2026, 11, 23, 13)).report
    assert wib(report.escalate_at) == at(2026, 11, 24, 11)
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama (ditetapkan kemudian)")
    assert escalation.escalations_run(now=at(2026, 11, 24, 11, 5)) == 0, "escalated on a declared holiday"


# --- 2. the triage desk chooses the category: the due date stays the guessed one's ---------------------------


def test_the_due_date_follows_the_category_the_triage_desk_chooses(staff):
    """A tweet without a place goes to the triage desk; the categorizer's guess (here ``lampu-jalan``, 7 working
    days) sets ``due_at`` at filing. The desk decides the sparking cable is a fire hazard (``kebakaran``: 1 working
    day) and places it:
    the Suku Dinas gets the 1-hour hop of ``kebakaran`` (``_hop_starts`` reads the new category) but keeps the due
    date of the guessed category, up to six working days too late: the resident's "Target selesai" and the
    queue's urgency are those of the wrong category. Expected: the due date of the category chosen, counted from
    the filing (as the due date of a koordinasi is), i.e. Tuesday 24 Nov 16:00."""
    from sigap.intake.services import Reporter, Submission, report_submit

    filed = at(2026, 11, 23, 9)
    report = report_submit(
        Submission(
            category="",
            description="Tiang lampu PJU kabelnya terkelupas dan sering memercikkan api saat hujan",
            lat=None,
            lon=None,
            channel="twitter",
            allow_no_location=True,
            reporter=Reporter(name="Rina"),
        ),
        now=filed,
    ).report
    desk = staff("petugas.triase", "triase")
    lat, lon = inner_point(PB)
    assert report.category.code == "lampu-jalan" and report.unit.code == "triase"
    guessed_due = wib(report.due_at)
    assert guessed_due == at(2026, 12, 2, 16)  # 7 working days
    services.report_triage(
        report_id=report.pk, actor=desk, category="kebakaran", lat=lat, lon=lon, now=at(2026, 11, 23, 10)
    )
    report = Report.objects.select_related("category").get(pk=report.pk)
    assert report.category.code == "kebakaran" and report.category.sla_done_days == 1
    assert wib(report.hop_deadline) == at(2026, 11, 23, 11)  # the new category's 1-hour hop: applied
    assert wib(report.due_at) == at(2026, 11, 24, 16), f"due date kept from the guessed category: {guessed_due}"


# --- 3. a category with 0 working days to finish ------------------------------------------------------------


def test_a_category_with_zero_done_days_still_takes_reports():
    """``Category.sla_done_days`` is a PositiveSmallIntegerField, editable in the admin with no minimum, and 0 for
    ``sla_hop_hours`` means "use SIGAP_HOP_HOURS". 0 done days reaches ``WorkingCalendar.add_working_days(start, 0)``,
    which raises ValueError: every report of that category fails to file (a 500 on the portal, a lost message on a
    channel) until someone finds the admin edit."""
    Category.objects.filter(code="saluran-tersumbat").update(sla_done_days=0)
    try:
        created = submit(now=at(2026, 11, 23, 9))
    except ValueError as exc:  # what happens now
        pytest.fail(f"filing refused by the deadline arithmetic: {exc}")
    assert created.report.pk is not None


# --- 4. the exact instant of a deadline: the escalation job and the queue disagree ---------------------------


def test_at_the_exact_hop_deadline_the_job_escalates_only_what_the_queue_calls_late():
    """Filed Monday 09:00: hop deadline Monday 15:00 (escalation delay 0, so ``escalate_at`` is the same instant).
    At 15:00:00 exactly the queue, the dashboard and the report page say "not late" (``is_overdue`` and
    ``overdue_q`` compare with ``<``), and the escalation job, which reads ``escalate_at <= now``, escalates the
    report and tells the camat that the kelurahan "did not respond in time". One rule for "the deadline has
    passed": the job should escalate what the queue shows late, no sooner."""
    report = submit(now=at(2026, 11, 23, 9)).report
    deadline = report.hop_deadline
    assert wib(deadline) == at(2026, 11, 23, 15) and report.escalate_at == deadline
    late_in_queue = deadlines.is_overdue(report, deadline)
    late_in_query = Report.objects.filter(pk=report.pk).filter(deadlines.overdue_q(deadline)).exists()
    assert (late_in_queue, late_in_query) == (False, False)
    assert escalation.escalations_run(now=deadline) == int(late_in_queue), "escalated while not yet late"


# --- 5. the deadline an escalation says was missed ------------------------------------------------------------


def test_an_escalation_records_the_hop_deadline_that_was_missed_not_the_escalation_time():
    """With ``escalation_delay_hours`` = 2 a report filed Monday 09:00 has its hop deadline Monday 15:00 and goes up at
    Tuesday 09:00. ``Escalation.missed`` ("the deadline that passed") and the timeline's internal note ("batas
    waktu … terlewati") both take ``report.escalate_at``: they tell the kecamatan the kelurahan missed a deadline of
    Tuesday 09:00, which never existed; the deadline it missed was Monday 15:00 (``report.hop_deadline``)."""
    Category.objects.filter(code="saluran-tersumbat").update(escalation_delay_hours=2)
    report = submit(now=at(2026, 11, 23, 9)).report
    assert wib(report.hop_deadline) == at(2026, 11, 23, 15)
    assert wib(report.escalate_at) == at(2026, 11, 24, 9)
    assert escalation.escalations_run(now=at(2026, 11, 24, 9, 5)) == 1
    one = Escalation.objects.get(report=report)
    note = report.history.order_by("-id").first().internal_note
    assert (wib(one.missed), note) == (
        at(2026, 11, 23, 15),
        "Eskalasi tingkat 1: batas waktu 23-11-2026 15:00 terlewati.",
    )


# --- 6. what the console tells the officer about the hop ------------------------------------------------------


def test_the_report_page_states_the_categorys_hop_time_not_a_fixed_six_hours(staff):
    """``_report_panel.html`` prints "terima atau teruskan dalam 6 jam kerja" under every hop deadline. A fire hazard
    (``kebakaran``, ``sla_hop_hours`` = 1) must be taken up within 1 working hour, and a city may change the
    catalogue or ``SIGAP_HOP_HOURS``: the officer of the Suku Dinas Gulkarmat reads 6 hours, plans on it, and the
    report escalates after one. (The deadline's own time is shown right; the text beside it contradicts it.)"""
    from sigap.officers.tests.helpers import console

    officer = staff("gulkarmat.jt", "sudin-gulkarmat:31.75")
    report = submit(
        "kebakaran",
        PB,
        description="Kabel listrik semrawut di tiang, sering keluar percikan api",
        now=at(2026, 11, 23, 9),
    ).report
    assert report.unit.code == "sudin-gulkarmat:31.75" and report.category.sla_hop_hours == 1
    page = console(officer).get(f"/petugas/laporan/{report.number}/").content.decode()
    assert "6 jam kerja" not in page and "1 jam kerja" in page
