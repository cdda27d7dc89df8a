"""A deadline review (a CRM team lead): each test states what a city's CRM team expects; each failed on the code
before its fix, for the reason in its docstring. Every instant is explicit (Asia/Jakarta), never the wall clock.

Calendar used: 16 Nov – 4 Dec 2026 has no public holiday nor cuti bersama in the shipped list."""

from __future__ import annotations

from datetime import date, datetime, timedelta
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


# --- 6. holidays that ``sigap reference`` adds in bulk, and several declared one after another -----------------


def _deadlines_of(report: Report) -> tuple:
    report = Report.objects.get(pk=report.pk)
    return wib(report.due_at), wib(report.hop_deadline), wib(report.escalate_at)


def test_holidays_added_by_the_reference_load_move_deadlines_as_if_filed_on_the_new_calendar(monkeypatch):
    """``sigap reference`` adds the holidays of the years it is given in bulk (``bulk_create``: no ``post_save``):
    a cuti bersama the holiday list gained since the last load (decrees are amended) moved no open report's
    deadline, and the report turned late and was escalated on the new holiday. Filed Monday 23 Nov 2026 13:00, the
    load then adds Tuesday and Wednesday: every deadline must be the one a report filed at the same moment on the
    new calendar gets, once for the two days (not moved past Wednesday by Tuesday and then again for it)."""
    from sigap.organization import loaders

    before = submit(now=at(2026, 11, 23, 13)).report
    assert wib(before.hop_deadline) == at(2026, 11, 24, 11)
    added = {date(2026, 11, 24): "Cuti bersama", date(2026, 11, 25): "Cuti bersama"}
    monkeypatch.setattr(loaders, "indonesian_holidays", lambda years, cuti_bersama: added)
    loaders.holidays_load(years=[2026], stats=loaders.LoadStats())
    assert set(Holiday.objects.filter(date__in=added).values_list("date", flat=True)) == set(added)
    on_the_new_calendar = submit(now=at(2026, 11, 23, 13), description="Selokan mampet, air naik ke jalan.").report
    assert wib(on_the_new_calendar.hop_deadline) == at(2026, 11, 26, 11)
    assert _deadlines_of(before) == _deadlines_of(on_the_new_calendar)


def test_holidays_declared_one_after_another_move_each_deadline_once_per_day():
    """The admin enters Tuesday, then Wednesday: the report filed before either ends where one filed on the new
    calendar does."""
    before = submit(now=at(2026, 11, 23, 13)).report
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    Holiday.objects.create(date=date(2026, 11, 25), name="Cuti bersama")
    on_the_new_calendar = submit(now=at(2026, 11, 23, 13), description="Selokan mampet, air naik ke jalan.").report
    assert _deadlines_of(before) == _deadlines_of(on_the_new_calendar)


def test_a_weekend_day_made_a_holiday_or_a_holiday_renamed_moves_nothing():
    report = submit(now=at(2026, 11, 23, 13)).report
    first = _deadlines_of(report)
    Holiday.objects.create(date=date(2026, 11, 28), name="Sabtu")  # a Saturday: no working hour counted
    assert _deadlines_of(report) == first
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    moved = _deadlines_of(report)
    assert moved != first
    # a holiday saved again (its name edited) is no new day: nothing moves twice
    holiday = Holiday.objects.get(date=date(2026, 11, 24))
    holiday.name = "Cuti bersama (diubah)"
    holiday.save()
    assert _deadlines_of(report) == moved


# An attacker's review: moved only one way (never back when a holiday was removed), the deadlines grew with each
# removal and new entry of the same day while the calendar showed one holiday.


def test_a_holiday_removed_and_entered_again_moves_deadlines_once():
    """Whoever may edit holidays deletes 24 Nov and enters it again, three times: every open report's due date,
    hop deadline and escalation moved a day on each round (due Wed 2 Dec, not Fri 27 Nov), so a late unit stopped
    turning late or being escalated city-wide, and the calendar showed the one holiday."""
    report = submit(now=at(2026, 11, 23, 13)).report
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    once = _deadlines_of(report)
    assert once[0] == at(2026, 11, 27, 16)
    for _round in range(3):
        Holiday.objects.filter(date=date(2026, 11, 24)).delete()
        Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    assert _deadlines_of(report) == once


def test_a_holiday_moved_away_and_back_leaves_the_deadlines_of_one_holiday():
    """A date typed wrong and corrected back and forth (24 Nov, then 25, then 24): one holiday on the calendar, and
    the report had three days more than it gives."""
    report = submit(now=at(2026, 11, 23, 13)).report
    holiday = Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    once = _deadlines_of(report)
    holiday.date = date(2026, 11, 25)
    holiday.save()
    holiday.date = date(2026, 11, 24)
    holiday.save()
    assert _deadlines_of(report) == once
    on_the_new_calendar = submit(now=at(2026, 11, 23, 13), description="Selokan mampet, air naik ke jalan.").report
    assert _deadlines_of(report) == _deadlines_of(on_the_new_calendar)


def test_a_holiday_removed_gives_the_day_back_but_makes_nobody_late_by_the_change():
    """Filed Monday 23 Nov 09:00 with Tuesday a holiday: due Friday 27 Nov 16:00. Tuesday taken off the calendar on
    Wednesday: due Thursday 26 Nov 16:00, as for a report filed on the corrected calendar. Taken off on Thursday at
    17:00 instead, the due date is not set before that moment (the report would turn late by the edit itself)."""
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    report = submit(now=at(2026, 11, 23, 9)).report
    assert _deadlines_of(report)[0] == at(2026, 11, 27, 16)
    deadlines.holidays_changed(removed=[date(2026, 11, 24)], now=at(2026, 11, 25, 10))  # nothing removed yet
    assert _deadlines_of(report)[0] == at(2026, 11, 27, 16)
    Holiday.objects.filter(date=date(2026, 11, 24)).delete()  # removed now (the test runs after these dates)
    assert _deadlines_of(report)[0] == at(2026, 11, 26, 16)
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    assert _deadlines_of(report)[0] == at(2026, 11, 27, 16)
    Holiday.objects.filter(date=date(2026, 11, 24)).update(date=date(2026, 11, 21))  # off the calendar, no signal
    assert deadlines.holidays_changed(removed=[date(2026, 11, 24)], now=at(2026, 11, 26, 17)) == 1
    assert _deadlines_of(report)[0] == at(2026, 11, 26, 17)


# --- 7. the unanswered question: closed after its deadline, not at it ------------------------------------------


def test_an_unanswered_question_closes_after_its_deadline_not_at_it(staff):
    """Late is after the deadline (the queue, the escalation job): the reporter's time to answer runs to its
    deadline, and the closing job closed the report at that very instant, while an answer then was still taken."""
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    start = at(2026, 11, 2, 9)  # Monday
    report = submit(now=start).report
    services.report_ask_reporter(report_id=report.pk, actor=officer, question="Foto lokasi?", now=start)
    deadline = deadlines.answer_deadline(start, 5)
    assert services.reports_close_unanswered(now=deadline, days=5) == []
    assert services.reports_close_unanswered(now=deadline + timedelta(seconds=1), days=5) == [report.number]


def test_what_repeats_the_deadlines_follows_a_holiday_declared_afterwards():
    """The report's deadlines moved, but the copies beside them did not: the visibility rows (``ReportUnit``: the
    queue's urgency order, the supervisor dashboard's late counts) and the open stay (``UnitStay``: the performance
    page's late stages) kept the old calendar, so the dashboard still counted the report late a day early."""
    from sigap.reports import visibility
    from sigap.reports.models import ReportUnit, UnitStay

    report = submit(now=at(2026, 11, 23, 13)).report
    Holiday.objects.create(date=date(2026, 11, 24), name="Cuti bersama")
    report = Report.objects.get(pk=report.pk)
    assert visibility.copies_repair() == 0, "the dashboard's copies kept the old deadlines"
    row = ReportUnit.objects.get(report=report, holds=True)
    assert (row.due_at, row.hop_deadline, row.sort_at) == (
        report.due_at,
        report.hop_deadline,
        deadlines.sort_at(report),
    )
    stay = UnitStay.objects.get(report=report, ended_at__isnull=True)
    assert (stay.accept_by, stay.due_by) == (report.hop_deadline, report.due_at)
    Holiday.objects.filter(date=date(2026, 11, 24)).delete()
    report = Report.objects.get(pk=report.pk)
    assert wib(report.hop_deadline) == at(2026, 11, 24, 11)
    assert visibility.copies_repair() == 0
    stay = UnitStay.objects.get(report=report, ended_at__isnull=True)
    assert (stay.accept_by, stay.due_by) == (report.hop_deadline, report.due_at)
    assert ReportUnit.objects.get(report=report, holds=True).sort_at == report.hop_deadline
