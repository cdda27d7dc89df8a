"""Deadlines and overdue: every rule about when a report is due, in one place.

The arithmetic is ``core.clock.WorkingCalendar`` (office hours, weekdays, holidays); the city's calendar
is ``core.calendar.working_calendar()``. The rules:

* **Hop deadline** (``Report.hop_deadline``): ``Category.sla_hop_hours`` working hours
  (``SIGAP_HOP_HOURS`` for a category with 0) for the unit now holding the report to accept it or pass it
  on. Set on creation and on every koordinasi, disposisi or reopening; cleared on acceptance, on asking for
  validation and on closing.
* **Due date** (``Report.due_at``): the end of the ``Category.sla_done_days``-th working day. Set on
  creation; recomputed on TL Ditolak and on reopening.
* **Waiting for the reporter** pauses both: on the way out of ``awaiting_reporter`` they move by the
  working time spent waiting. The reporter has ``SIGAP_REPORTER_ANSWER_DAYS`` working days to answer
  (``answer_deadline``); then ``reports_close_unanswered`` closes the report.
* **The calendar changed afterwards** (a holiday added, moved or removed): ``holidays_changed`` sets every open
  deadline whose count runs over the day to where the current calendar has it, never a future one before now.
* **Overdue**: open, not waiting for the reporter, and past the due date, or past the hop deadline while
  not yet accepted. ``is_overdue`` answers for one report in memory, ``overdue_q`` for a query (the
  officer queue's filter, the dashboard's counts and list); the two say the same.
* **Escalation** (``Report.escalate_at``, ``escalation_level``): a hop deadline that passes takes the report one
  level up the hierarchy ``Category.escalation_delay_hours`` working hours later (``sigap.reports.escalation``);
  each level gives the unit above a hop's time again before the next, up to ``Category.escalation_levels``.
  Set with the hop deadline, cleared with it, paused with it.
* **Urgency** (``sort_at``, kept in ``ReportUnit.sort_at`` for the queue): the hop deadline while the report
  awaits acceptance, else the due date (else the creation time); none for a closed report. ``sort_at_sql``
  is the same rule for the set-based rebuild.

The write path calls ``on_create`` and ``on_transition``; besides them only ``holidays_changed`` writes the deadline
fields.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from sigap.core.calendar import calendar_reread, working_calendar
from sigap.core.clock import WorkingCalendar
from sigap.core.rows import update_column
from sigap.organization.models import Category

from .models import Report, UnitStay
from .states import AWAITING_ACCEPTANCE, OPEN_STATUSES, Status, is_open

_ACCEPTANCE = tuple(s.value for s in AWAITING_ACCEPTANCE)

# --- setting the deadlines --------------------------------------------------------------------


def hop_hours(category: Category) -> float:
    """Working hours a unit has to accept a report of this category or pass it on."""
    return category.sla_hop_hours or settings.SIGAP_HOP_HOURS


def hop_deadline(category: Category, start: datetime, cal: WorkingCalendar | None = None) -> datetime:
    """The deadline of a hop that starts at ``start``."""
    return (cal or working_calendar()).add_working_hours(start, hop_hours(category))


def due_date(category: Category, start: datetime, cal: WorkingCalendar | None = None) -> datetime:
    """The due date of work that starts at ``start``: the end of the category's last working day."""
    # at least one day: a category set to 0 in the admin refused every report of it (``add_working_days`` takes >= 1)
    return (cal or working_calendar()).add_working_days(start, max(1, category.sla_done_days))


def escalate_at(category: Category, deadline: datetime | None, cal: WorkingCalendar | None = None) -> datetime | None:
    """When a hop whose deadline is ``deadline`` goes one level up (None: the category does not escalate). With no
    delay, at the deadline itself: counting zero working hours from the day's end would give the next working
    morning."""
    if deadline is None or not category.escalation_levels:
        return None
    if not category.escalation_delay_hours:
        return deadline
    return (cal or working_calendar()).add_working_hours(deadline, category.escalation_delay_hours)


def _hop_starts(report: Report, now: datetime, cal: WorkingCalendar) -> None:
    report.hop_deadline = hop_deadline(report.category, now, cal)
    report.escalation_level = 0
    report.escalate_at = escalate_at(report.category, report.hop_deadline, cal)


def on_create(report: Report, now: datetime, cal: WorkingCalendar | None = None) -> None:
    """A new report's deadlines (in memory; the caller saves). ``cal``: one calendar for a whole batch."""
    cal = cal or working_calendar()
    _hop_starts(report, now, cal)
    report.due_at = due_date(report.category, now, cal)


def on_transition(
    report: Report, *, old: Status, to: Status, now: datetime, returning: bool = False, wait_credited: bool = True
) -> None:
    """Move the deadlines of ``report`` for its status change ``old`` → ``to`` at ``now`` (in memory; the
    caller saves). ``report.status_changed_at`` must still be the time it entered ``old``.

    ``returning``: the report goes back, at the same unit, to the status it was asked from (the reporter
    answered): the wait only pauses the clocks, so they move by the time spent waiting and nothing starts
    anew. A new hop there would give the unit a fresh deadline and wipe its escalation for asking any question.
    ``wait_credited=False``: the unit withdrew its question, and the wait counts as working time (the clocks do
    not move)."""
    cal = working_calendar()
    if old == Status.AWAITING_REPORTER:
        if wait_credited:
            resume(report, now, cal)
        if returning:
            return
    if to in (Status.KOORDINASI, Status.DISPOSISI, Status.REOPENED):
        _hop_starts(report, now, cal)
    elif to in (Status.IN_PROGRESS, Status.AWAITING_VALIDATION) or not is_open(to):
        report.hop_deadline = None
        report.escalate_at = None
    if to in (Status.FOLLOWUP_REJECTED, Status.REOPENED):
        report.due_at = due_date(report.category, now, cal)


def resume(report: Report, now: datetime, cal: WorkingCalendar | None = None) -> None:
    """Leaving ``awaiting_reporter`` at ``now``: both deadlines move by the working time spent waiting
    (since ``report.status_changed_at``). A wait with no working time in it (asked after hours, answered before
    the next working morning) moves nothing: counting on from a deadline at the day's end would start at the next
    working morning, and a late report would stop being late."""
    cal = cal or working_calendar()
    paused_h = cal.working_seconds_between(report.status_changed_at, now) / 3600
    if paused_h <= 0:
        return
    if report.due_at:
        report.due_at = cal.add_working_hours(report.due_at, paused_h)
    if report.hop_deadline:
        report.hop_deadline = cal.add_working_hours(report.hop_deadline, paused_h)
    if report.escalate_at:
        report.escalate_at = cal.add_working_hours(report.escalate_at, paused_h)


# each deadline, and when the time it counts began (a hop's at the status change that started it)
_DEADLINES = (("due_at", "created_at"), ("hop_deadline", "status_changed_at"), ("escalate_at", "status_changed_at"))


def holidays_changed(added=(), removed=(), now: datetime | None = None) -> int:
    """Days made holidays, or holidays taken off the calendar, after reports were filed (a cuti bersama decreed or
    amended after the fact; a closed day entered afterwards; a date typed wrong and corrected; the days ``sigap
    reference`` adds): every open report's deadline whose time runs over one of those days is set to where it
    would be had the report been filed on the calendar as it is now: the same working hours after the moment its
    count began (the filing for the due date, the status change for the hop deadline and the escalation). Stored
    once at each step, the deadlines kept the old calendar: a report turned late a day early and was escalated on
    the holiday itself (a deadline review). The days are taken together, and a day entered, removed and entered
    again ends where one entry does: moved only one way, the deadlines went on growing with each round while the
    calendar showed one holiday (an attacker's review). A removed holiday takes the day back, but never sets a
    deadline still to come before ``now``: nobody turns late by the change itself. Returns how many reports
    moved."""
    now = now or timezone.now()
    new = calendar_reread()
    added = {day for day in added if day in new.holidays}
    removed = {day for day in removed if day not in new.holidays}
    old = dataclasses.replace(new, holidays=(new.holidays - added) | removed)
    spans = sorted(
        (datetime.combine(day, old.day_start, tzinfo=old.tz), datetime.combine(day, old.day_end, tzinfo=old.tz))
        for day in added | removed
        if old.is_working_day(day) != new.is_working_day(day)  # a weekend day counted no working hour either way
    )
    if not spans:
        return 0

    def moved_to(value: datetime, started: datetime) -> datetime:
        if started >= value or not any(day_start < value and started < day_end for day_start, day_end in spans):
            return value  # its count does not run over a changed day
        later = new.add_working_hours(started, old.working_seconds_between(started, value) / 3600)
        return now if later < now < value else later

    def move(model, rows, name: str, since: str) -> set[int]:
        changed, was = [], {}
        for pk, value, started in rows.order_by().values_list("pk", name, since).iterator(chunk_size=2000):
            if (later := moved_to(value, started)) != value:
                changed.append((pk, later))
                was[pk] = value
        # a report whose deadline the write path set meanwhile (a reopening, a hop) keeps that one
        update_column(model, name, changed, was=was)
        return {pk for pk, _later in changed}

    first, last = spans[0][0], spans[-1][1]
    moved: set[int] = set()
    for name, since in _DEADLINES:
        rows = Report.objects.filter(status__in=OPEN_STATUSES, **{f"{name}__gt": first, f"{since}__lt": last})
        moved |= move(Report, rows, name, since)
    # the open stays' hop deadline on arrival (the performance page's late stages: ``UnitStay``)
    stays = UnitStay.objects.filter(ended_at__isnull=True, accept_by__gt=first, arrived_at__lt=last)
    move(UnitStay, stays, "accept_by", "arrived_at")
    _copies_follow(sorted(moved))
    return len(moved)


def _copies_follow(report_ids: list[int]) -> None:
    """What repeats a moved report's deadlines takes them again: its rows in ``ReportUnit`` (the queue's urgency,
    the dashboard's late counts; ``visibility.deadlines_copy``) and its open stay's due date (``UnitStay.due_by``,
    kept in step)."""
    from . import visibility

    for i in range(0, len(report_ids), 500):
        chunk = report_ids[i : i + 500]
        visibility.deadlines_copy(chunk)
        UnitStay.objects.filter(report_id__in=chunk, ended_at__isnull=True).update(
            due_by=Subquery(Report.objects.filter(pk=OuterRef("report_id")).values("due_at")[:1])
        )


def holiday_before(sender, instance, **kwargs) -> None:
    """(``pre_save`` of a Holiday) the day it was before this save, if any."""
    instance._day_before = (
        sender.objects.filter(pk=instance.pk).values_list("date", flat=True).first() if instance.pk else None
    )


def holiday_after(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """(``post_save`` of a Holiday) a new day, or a holiday moved to another day: ``holidays_changed``."""
    before = getattr(instance, "_day_before", None)
    if raw or (not created and before == instance.date):
        return  # a fixture's row, or only its name changed
    holidays_changed(added=[instance.date], removed=[before] if before else [])


def holiday_removed(sender, instance, **kwargs) -> None:
    """(``post_delete`` of a Holiday) the day is a working day again: ``holidays_changed``."""
    holidays_changed(removed=[instance.date])


def holidays_loaded(sender, days, **kwargs) -> None:
    """(``core.calendar.holidays_added``, sent when Holiday rows are created in bulk) ``holidays_changed``."""
    holidays_changed(added=days)


def answer_deadline(asked_at: datetime, days: int, cal: WorkingCalendar | None = None) -> datetime:
    """Until when a reporter asked a question at ``asked_at`` may answer: ``days`` working days."""
    return (cal or working_calendar()).add_working_days(asked_at, days)


# --- reading them -----------------------------------------------------------------------------


def is_overdue(report: Report, now: datetime | None = None) -> bool:
    """Is this report late (see ``overdue_q`` for the same rule as a query)?"""
    now = now or timezone.now()
    if not is_open(report.status) or report.status == Status.AWAITING_REPORTER:
        return False
    return bool(
        (report.due_at and report.due_at < now)
        or (report.hop_deadline and report.hop_deadline < now and Status(report.status) in AWAITING_ACCEPTANCE)
    )


def awaits_acceptance(report: Report) -> bool:
    """Has the report arrived at its unit (filed, coordinated, passed down or reopened) and not been accepted yet?
    The queue marks it new: its hop deadline, the short one, is running."""
    return Status(report.status) in AWAITING_ACCEPTANCE


def overdue_q(now: datetime | None = None) -> Q:
    """The reports that are late, as a filter on ``Report`` (``is_overdue`` for one report)."""
    now = now or timezone.now()
    open_statuses = [s for s in OPEN_STATUSES if s != Status.AWAITING_REPORTER]
    return Q(status__in=open_statuses) & (
        Q(due_at__lt=now) | (Q(hop_deadline__lt=now) & Q(status__in=list(AWAITING_ACCEPTANCE)))
    )


def sort_at(report: Report) -> datetime | None:
    """The queue's urgency key: while the report waits for a unit to accept it, that hop's deadline; else
    the due date (else the creation time). Closed reports have none (they are listed newest first)."""
    if not is_open(report.status):
        return None
    if report.status in _ACCEPTANCE and report.hop_deadline is not None:
        return report.hop_deadline
    return report.due_at or report.created_at


def sort_at_sql(alias: str) -> str:
    """``sort_at`` as an SQL expression over the report table under ``alias`` (PostgreSQL and SQLite)."""

    def _in(values) -> str:
        return "(" + ", ".join("'" + v + "'" for v in values) + ")"

    r = alias
    return (
        f"CASE WHEN {r}.status NOT IN {_in(OPEN_STATUSES)} THEN NULL "
        f"WHEN {r}.status IN {_in(_ACCEPTANCE)} AND {r}.hop_deadline IS NOT NULL THEN {r}.hop_deadline "
        f"ELSE COALESCE({r}.due_at, {r}.created_at) END"
    )


def answered_since_moved(report) -> bool:
    """The reporter answered the unit's question and nobody has moved the report since (its status has not changed
    after the answer): the queue marks it, so the answer is read before the report waits its turn again."""
    answered = report.answered_at
    return answered is not None and answered >= report.status_changed_at
