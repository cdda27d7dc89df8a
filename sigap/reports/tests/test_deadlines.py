"""Deadlines and overdue (``sigap/reports/deadlines.py``): the hop deadline and the due date as the write
path sets them, pausing while the reporter is asked, TL Ditolak and reopening, holidays, the overdue rule
(in memory and as a query) and the queue's urgency key."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import DateTimeField
from django.db.models.expressions import RawSQL

from sigap.core.clock import WorkingCalendar
from sigap.core.models import Holiday
from sigap.organization.models import Category
from sigap.privacy.photos import photo_clean
from sigap.reports import deadlines, selectors, services
from sigap.reports.models import Report, UnitStay
from sigap.reports.states import Status, is_open

from .factories import submit

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
PB_UNIT = "kel:31.75.07.1002"
SUDIN_BM_JT = "sudin-bina-marga:31.75"
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)  # no holiday from 20 Nov to 4 Dec 2026


def wib(report_field: datetime | None) -> datetime | None:
    return report_field.astimezone(WIB) if report_field is not None else None


def worked_to_validation(report, officer, jpeg, *, at: datetime) -> None:
    """Accepted at ``at``, proof photos and the request for validation one and two hours later."""
    services.report_accept(report_id=report.pk, actor=officer, now=at)
    for kind in ("before", "after"):
        services.photo_add(
            report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg()), now=at + timedelta(hours=1)
        )
    services.report_request_validation(report_id=report.pk, actor=officer, now=at + timedelta(hours=2))


# --- set on creation ---------------------------------------------------------------------------


def test_deadlines_run_in_working_time():
    friday_afternoon = datetime(2026, 11, 20, 15, 0, tzinfo=WIB)  # a Friday
    report = submit(now=friday_afternoon).report
    # 6 working hours from Friday 15:00 (08:00-16:00) → Monday 13:00
    assert report.hop_deadline.astimezone(WIB) == datetime(2026, 11, 23, 13, 0, tzinfo=WIB)
    # saluran-tersumbat: 3 working days; day 1 is Monday → Wednesday 16:00
    assert report.due_at.astimezone(WIB) == datetime(2026, 11, 25, 16, 0, tzinfo=WIB)


def test_a_holiday_after_the_weekend_moves_both_deadlines_a_day_further():
    Holiday.objects.get_or_create(date=date(2026, 11, 23), defaults={"name": "Libur uji"})  # that Monday
    report = submit(now=datetime(2026, 11, 20, 15, 0, tzinfo=WIB)).report  # Friday 15:00
    # 1 h on Friday, then Saturday, Sunday and the Monday holiday are skipped: Tuesday 08:00 + 5 h
    assert wib(report.hop_deadline) == datetime(2026, 11, 24, 13, 0, tzinfo=WIB)
    # day 1 is Tuesday → day 3 is Thursday 16:00
    assert wib(report.due_at) == datetime(2026, 11, 26, 16, 0, tzinfo=WIB)


def test_a_category_without_hop_hours_uses_the_setting(settings):
    settings.SIGAP_HOP_HOURS = 2
    cal = WorkingCalendar(tz="Asia/Jakarta", day_start=time(8), day_end=time(16), holidays=frozenset())
    assert deadlines.hop_hours(Category(sla_hop_hours=0)) == 2
    assert deadlines.hop_hours(Category(sla_hop_hours=1)) == 1
    assert deadlines.hop_deadline(Category(sla_hop_hours=0), MONDAY, cal) == MONDAY + timedelta(hours=2)


# --- moved by the lifecycle ----------------------------------------------------------------------


def test_koordinasi_starts_a_new_hop_deadline_and_acceptance_clears_it(pb_officer, sudin_officer):
    report = submit("jalan-rusak", now=MONDAY).report
    due = report.due_at
    services.report_coordinate(
        report_id=report.pk,
        actor=pb_officer,
        to_unit=SUDIN_BM_JT,
        reason="bukan tupoksi",
        now=datetime(2026, 11, 23, 14, 0, tzinfo=WIB),
    )
    report.refresh_from_db()
    # 6 working hours from Monday 14:00: 2 h on Monday, 4 h on Tuesday
    assert wib(report.hop_deadline) == datetime(2026, 11, 24, 12, 0, tzinfo=WIB)
    assert report.due_at == due  # the due date runs from the filing, whoever holds the report
    services.report_accept(report_id=report.pk, actor=sudin_officer, now=datetime(2026, 11, 24, 9, 0, tzinfo=WIB))
    report.refresh_from_db()
    assert report.hop_deadline is None and report.due_at == due


def test_asking_the_reporter_pauses_the_clock_and_the_answer_resumes(pb_officer):
    from sigap.intake.services import reporter_answer

    start = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)  # Monday
    created = submit(now=start)
    report = created.report
    services.report_accept(report_id=report.pk, actor=pb_officer, now=start + timedelta(hours=1))
    services.report_ask_reporter(
        report_id=report.pk, actor=pb_officer, question="Di RT berapa?", now=start + timedelta(hours=2)
    )
    report.refresh_from_db()
    due_before = report.due_at
    assert report.status == Status.AWAITING_REPORTER and report.resume_status == Status.IN_PROGRESS
    # answered the next morning at 10:00: 7 working hours paused (11:00-16:00 + 08:00-10:00 = 5 + 2)
    reporter_answer(
        tracking_code=created.tracking_code,
        answer="RT 05, nomor HP saya 0812-9999-8888",
        now=datetime(2026, 11, 24, 10, 0, tzinfo=WIB),
    )
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    # Thursday 16:00 + 7 h: Friday 08:00 + 7 h → Friday 15:00
    assert wib(due_before) == datetime(2026, 11, 26, 16, 0, tzinfo=WIB)
    assert wib(report.due_at) == datetime(2026, 11, 27, 15, 0, tzinfo=WIB)
    last = report.history.last()
    assert "0812" not in last.internal_note and "[nomor telepon disembunyikan]" in last.internal_note


def test_a_question_asked_and_answered_out_of_office_hours_moves_no_deadline(pb_officer):
    """No working time passed while the reporter was asked: each deadline stays where it was, also one that
    falls at the end of the working day (moving it on would give 08:00 of the next working day)."""
    from sigap.intake.services import reporter_answer

    created = submit(now=MONDAY)  # due Thursday 16:00
    report = created.report
    services.report_accept(report_id=report.pk, actor=pb_officer, now=MONDAY + timedelta(hours=1))
    services.report_ask_reporter(
        report_id=report.pk, actor=pb_officer, question="Di RT berapa?", now=datetime(2026, 11, 23, 17, 0, tzinfo=WIB)
    )
    reporter_answer(tracking_code=created.tracking_code, answer="RT 05", now=datetime(2026, 11, 23, 19, 0, tzinfo=WIB))
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert wib(report.due_at) == datetime(2026, 11, 26, 16, 0, tzinfo=WIB)
    stay = UnitStay.objects.get(report=report)
    assert wib(stay.due_by) == datetime(2026, 11, 26, 16, 0, tzinfo=WIB)


def test_a_question_out_of_office_hours_does_not_clear_a_late_acceptance(pb_officer):
    """A report not taken by its hop deadline is late; asking the reporter after hours, answered before the
    next working morning, leaves it late (it used to move the deadline to the next morning)."""
    from sigap.intake.services import reporter_answer

    created = submit(now=datetime(2026, 11, 23, 10, 0, tzinfo=WIB))  # hop deadline Monday 16:00
    report = created.report
    assert wib(report.hop_deadline) == datetime(2026, 11, 23, 16, 0, tzinfo=WIB)
    asked = datetime(2026, 11, 23, 17, 0, tzinfo=WIB)
    assert deadlines.is_overdue(report, asked)
    services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question="Di RT berapa?", now=asked)
    reporter_answer(tracking_code=created.tracking_code, answer="RT 05", now=asked + timedelta(minutes=30))
    report = Report.objects.get(pk=report.pk)
    assert wib(report.hop_deadline) == datetime(2026, 11, 23, 16, 0, tzinfo=WIB)
    evening = datetime(2026, 11, 23, 18, 0, tzinfo=WIB)
    assert deadlines.is_overdue(report, evening)
    assert Report.objects.filter(pk=report.pk).filter(deadlines.overdue_q(evening)).exists()
    assert wib(UnitStay.objects.get(report=report).accept_by) == datetime(2026, 11, 23, 16, 0, tzinfo=WIB)


def test_a_pause_before_acceptance_moves_the_hop_deadline_and_the_due_date_by_the_working_time_waited(pb_officer):
    from sigap.intake.services import reporter_answer

    created = submit(now=MONDAY)  # hop deadline Monday 15:00, due Thursday 16:00
    report = created.report
    assert wib(report.hop_deadline) == datetime(2026, 11, 23, 15, 0, tzinfo=WIB)
    assert wib(report.due_at) == datetime(2026, 11, 26, 16, 0, tzinfo=WIB)
    services.report_ask_reporter(
        report_id=report.pk, actor=pb_officer, question="Di RT berapa?", now=datetime(2026, 11, 23, 10, 0, tzinfo=WIB)
    )
    report.refresh_from_db()
    # while the question is open, the stored deadlines do not move and the report is never late
    assert wib(report.hop_deadline) == datetime(2026, 11, 23, 15, 0, tzinfo=WIB)
    week_later = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
    assert not deadlines.is_overdue(report, week_later)
    assert not Report.objects.filter(pk=report.pk).filter(deadlines.overdue_q(week_later)).exists()
    # answered Tuesday 09:00: Monday 10:00-16:00 and Tuesday 08:00-09:00 waited, 7 working hours
    reporter_answer(tracking_code=created.tracking_code, answer="RT 05", now=datetime(2026, 11, 24, 9, 0, tzinfo=WIB))
    report.refresh_from_db()
    assert report.status == Status.WAITING and report.resume_status == ""
    # Monday 15:00 + 7 h: 1 h on Monday, 6 h on Tuesday → Tuesday 14:00
    assert wib(report.hop_deadline) == datetime(2026, 11, 24, 14, 0, tzinfo=WIB)
    # Thursday 16:00 + 7 h: Friday 08:00 + 7 h → Friday 15:00
    assert wib(report.due_at) == datetime(2026, 11, 27, 15, 0, tzinfo=WIB)


def test_tl_ditolak_gives_a_new_due_date_from_the_rejection(pb_officer, validator, jpeg):
    report = submit(now=MONDAY).report
    worked_to_validation(report, pb_officer, jpeg, at=MONDAY + timedelta(hours=1))
    report.refresh_from_db()
    assert report.hop_deadline is None
    services.report_validate(
        report_id=report.pk,
        actor=validator,
        accept=False,
        reason="Foto sesudah buram.",
        now=datetime(2026, 11, 25, 10, 0, tzinfo=WIB),  # Wednesday
    )
    report.refresh_from_db()
    assert report.status == Status.FOLLOWUP_REJECTED
    # saluran-tersumbat: 3 working days from Wednesday 10:00 (day 1 Thursday) → Monday 16:00
    assert wib(report.due_at) == datetime(2026, 11, 30, 16, 0, tzinfo=WIB)
    assert report.hop_deadline is None  # the unit is working on it: no acceptance to wait for


def test_reopening_gives_a_new_hop_deadline_and_due_date_and_closing_clears_the_hop(pb_officer, validator, jpeg):
    from sigap.intake.services import reporter_dispute

    created = submit(now=MONDAY)
    report = created.report
    worked_to_validation(report, pb_officer, jpeg, at=MONDAY + timedelta(hours=1))
    services.report_validate(
        report_id=report.pk,
        actor=validator,
        accept=True,
        reason="Bukti diperiksa.",
        now=datetime(2026, 11, 25, 10, 0, tzinfo=WIB),
    )
    report.refresh_from_db()
    assert report.status == Status.DONE and report.hop_deadline is None
    assert not deadlines.is_overdue(report, datetime(2027, 1, 4, 9, 0, tzinfo=WIB))  # done is never late
    reporter_dispute(
        tracking_code=created.tracking_code,
        reason="Saluran mampet lagi, belum dibersihkan tuntas.",
        now=datetime(2026, 11, 27, 14, 0, tzinfo=WIB),  # Friday
    )
    report.refresh_from_db()
    assert report.status == Status.REOPENED
    # 6 working hours from Friday 14:00: 2 h on Friday, 4 h on Monday
    assert wib(report.hop_deadline) == datetime(2026, 11, 30, 12, 0, tzinfo=WIB)
    # 3 working days, day 1 Monday → Wednesday 2 December 16:00
    assert wib(report.due_at) == datetime(2026, 12, 2, 16, 0, tzinfo=WIB)


def test_the_reporter_has_working_days_to_answer():
    cal = WorkingCalendar(tz="Asia/Jakarta", day_start=time(8), day_end=time(16), holidays=frozenset())
    # asked Monday 09:00: day 1 is Tuesday, the 5th working day is the next Monday
    assert deadlines.answer_deadline(MONDAY, 5, cal) == datetime(2026, 11, 30, 16, 0, tzinfo=WIB)


# --- overdue and urgency -------------------------------------------------------------------------


def test_overdue_filter(pb_officer):
    old = submit(now=datetime(2026, 1, 5, 9, 0, tzinfo=WIB)).report
    fresh = submit().report
    overdue = selectors.report_queue(user=pb_officer, overdue=True)
    assert overdue.filter(pk=old.pk).exists() and not overdue.filter(pk=fresh.pk).exists()
    assert deadlines.is_overdue(Report.objects.get(pk=old.pk))


def test_the_predicate_the_query_and_the_sql_urgency_key_agree_for_every_status():
    """``is_overdue`` / ``overdue_q`` and ``sort_at`` / ``sort_at_sql`` are each one rule written twice."""
    report = submit(now=MONDAY).report
    now = datetime(2026, 11, 25, 12, 0, tzinfo=WIB)
    past, future = now - timedelta(hours=1), now + timedelta(hours=1)
    table = Report._meta.db_table
    urgency = RawSQL(deadlines.sort_at_sql(table), [], output_field=DateTimeField())
    seen_late = set()
    for status, due, hop in itertools.product(Status, (None, past, future), (None, past, future)):
        Report.objects.filter(pk=report.pk).update(status=status, due_at=due, hop_deadline=hop)
        row = Report.objects.annotate(urgency=urgency).get(pk=report.pk)
        late = deadlines.is_overdue(row, now)
        assert Report.objects.filter(pk=report.pk).filter(deadlines.overdue_q(now)).exists() == late, (status, due, hop)
        assert row.urgency == deadlines.sort_at(row), (status, due, hop)
        if late:
            seen_late.add(status)
    # late only while open and not waiting for the reporter; the hop deadline counts only before acceptance
    assert seen_late == {s for s in Status if is_open(s) and s != Status.AWAITING_REPORTER}
    Report.objects.filter(pk=report.pk).update(status=Status.IN_PROGRESS, due_at=future, hop_deadline=past)
    assert not deadlines.is_overdue(Report.objects.get(pk=report.pk), now)
    Report.objects.filter(pk=report.pk).update(status=Status.KOORDINASI, due_at=future, hop_deadline=past)
    assert deadlines.is_overdue(Report.objects.get(pk=report.pk), now)


def test_the_urgency_key_is_the_hop_deadline_before_acceptance_then_the_due_date(pb_officer):
    report = submit(now=MONDAY).report
    assert deadlines.sort_at(report) == report.hop_deadline
    services.report_accept(report_id=report.pk, actor=pb_officer, now=MONDAY + timedelta(hours=1))
    report.refresh_from_db()
    assert deadlines.sort_at(report) == report.due_at
    Report.objects.filter(pk=report.pk).update(status=Status.REJECTED)
    assert deadlines.sort_at(Report.objects.get(pk=report.pk)) is None


# --- the reporter's answer only resumes the clocks -----------------------------------------------------------


def asked_and_answered(created, officer, *, asked: datetime, answered: datetime) -> None:
    """The officer asks the reporter at ``asked``; the reporter answers at ``answered`` (naive: WIB)."""
    from sigap.intake.services import reporter_answer

    services.report_ask_reporter(
        report_id=created.report.pk, actor=officer, question="Seberapa besar kerusakannya?", now=asked
    )
    reporter_answer(tracking_code=created.tracking_code, answer="Cukup besar.", now=answered.replace(tzinfo=WIB))
    created.report.refresh_from_db()


def test_an_answer_after_koordinasi_moves_the_hop_deadline_by_the_pause_and_keeps_the_escalation(
    pb_officer, sudin_officer
):
    """Back in Koordinasi after the reporter answered, the Suku Dinas got a whole new hop (6 working hours)
    instead of the one it had left, and the escalation it had already earned was wiped: asking any question
    reset the clock."""
    from sigap.reports.escalation import escalations_run
    from sigap.reports.models import Escalation

    monday = datetime(2026, 11, 16, 9, 0, tzinfo=WIB)
    created = submit("jalan-rusak", now=monday)
    report = created.report
    services.report_coordinate(
        report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi", now=monday
    )
    report.refresh_from_db()
    assert wib(report.hop_deadline) == datetime(2026, 11, 16, 15, 0, tzinfo=WIB)
    assert escalations_run(now=datetime(2026, 11, 16, 15, 30, tzinfo=WIB)) == 1  # the Suku Dinas let it pass
    asked_and_answered(
        created, sudin_officer, asked=datetime(2026, 11, 16, 15, 45, tzinfo=WIB), answered=datetime(2026, 11, 17, 9, 0)
    )
    assert report.status == Status.KOORDINASI
    # paused 15:45-16:00 and 08:00-09:00: 1.25 working hours, so Monday 15:00 becomes Tuesday 08:15
    assert wib(report.hop_deadline) == datetime(2026, 11, 17, 8, 15, tzinfo=WIB)
    assert report.escalation_level == 1
    assert Escalation.objects.filter(report=report, resolved_at__isnull=True).exists()


def test_an_answer_during_tl_ditolak_moves_the_due_date_by_the_pause_only(pb_officer, validator, jpeg):
    """TL Ditolak sets a new due date once; an answer to a later question gave three new working days again."""
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=WIB)
    created = submit(now=monday)  # saluran-tersumbat: 3 working days
    report = created.report
    worked_to_validation(report, pb_officer, jpeg, at=monday)
    services.report_validate(
        report_id=report.pk, actor=validator, accept=False, reason="Foto buram.", now=monday + timedelta(hours=5)
    )
    report.refresh_from_db()
    assert wib(report.due_at) == datetime(2026, 11, 19, 16, 0, tzinfo=WIB)
    asked_and_answered(
        created, pb_officer, asked=datetime(2026, 11, 19, 15, 0, tzinfo=WIB), answered=datetime(2026, 11, 19, 15, 30)
    )
    assert report.status == Status.FOLLOWUP_REJECTED
    assert wib(report.due_at) == datetime(2026, 11, 20, 8, 30, tzinfo=WIB)  # Thursday 16:00 + 30 working minutes
