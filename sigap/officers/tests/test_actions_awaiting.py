"""While a report waits for the reporter's answer, the console and the API offer only what the unit may do then
(``states.may_move``: go back where it was asked from, or close it), and the unit may go on without the answer
(*Lanjutkan tanpa jawaban pelapor*). Found by a CRM team's walk: "Koordinasi", "Disposisi" and the triage desk's
"Tempatkan" stayed offered and were refused when taken, and the desk, having asked where and found the place itself,
could not place the report until the reporter answered or the unanswered-question job closed it."""

from __future__ import annotations

import pytest

from sigap.core.errors import DomainError
from sigap.organization.models import StaffRole
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.notes import in_language
from sigap.reports.tests.factories import submit, submit_unplaced

from ..actions import BY_NAME, allowed_actions, perform
from .helpers import PB_UNIT, SUDIN

pytestmark = pytest.mark.django_db
ROAD = "Jalan berlubang dalam di depan sekolah, motor sering jatuh."


def fresh(report) -> Report:
    return Report.objects.select_related("unit", "category", "kelurahan").get(pk=report.pk)


def offered_work(user, report, data_for: dict) -> None:
    """Every action offered now, taken on a copy of the state: none is refused for the state it is offered in."""
    from django.db import transaction

    for name in allowed_actions(user, report):
        if name not in data_for:
            continue
        try:
            with transaction.atomic():
                perform(BY_NAME[name], user=user, report=fresh(report), data=dict(data_for[name]))
                transaction.set_rollback(True)
        except DomainError as exc:
            pytest.fail(f"{name!r} is offered ({allowed_actions(user, report)}) but refused: {exc}")


PASS_ON = {
    "coordinate": {"to_unit": SUDIN, "reason": "jalan kota"},
    "dispose": {"to_unit": SUDIN, "reason": "wilayah Jakarta Timur"},
    "reject": {"reason": "Lokasi di lahan swasta."},
    "resume": {"reason": "Lokasi sudah jelas."},
    "triage": {"category": "lampu-jalan", "kelurahan": "31.75.07.1002", "note": "", "about_unit": ""},
}


def test_a_kelurahan_waiting_for_the_reporter_is_offered_only_what_it_may_do(staff):
    pb = staff("petugas.pb", PB_UNIT)
    report = submit("jalan-rusak", description=ROAD).report
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa tepatnya?")
    report = fresh(report)
    assert report.status == "awaiting_reporter"
    offered = allowed_actions(pb, report)
    assert "coordinate" not in offered and {"resume", "reject"} <= set(offered), offered
    offered_work(pb, report, PASS_ON)


def test_a_dinas_waiting_for_the_reporter_is_not_offered_disposisi(staff):
    pb = staff("petugas.pb", PB_UNIT)
    dinas = staff("admin.bm", "dinas-bina-marga", StaffRole.Role.UNIT_ADMIN)
    report = submit("jalan-rusak", description=ROAD).report
    services.report_coordinate(report_id=report.pk, actor=pb, to_unit="dinas-bina-marga", reason="jalan provinsi?")
    services.report_ask_reporter(report_id=report.pk, actor=dinas, question="Di RT berapa tepatnya?")
    report = fresh(report)
    assert "dispose" not in allowed_actions(dinas, report)
    offered_work(dinas, report, PASS_ON)


def test_the_desk_goes_on_without_the_answer_and_places_the_report(staff, client):
    desk = staff("petugas.triase", "triase")
    report = submit_unplaced().report
    services.report_ask_reporter(report_id=report.pk, actor=desk, question="Di kelurahan mana tepatnya lampu itu?")
    report = fresh(report)
    assert "triage" not in allowed_actions(desk, report)
    offered_work(desk, report, PASS_ON)

    message = perform(BY_NAME["resume"], user=desk, report=report, data={"reason": "Tempatnya sudah kami temukan."})
    report = fresh(report)
    assert "Pertanyaan ditarik" in message
    assert report.status == "waiting" and report.resume_status == ""
    # the reporter reads that the question was withdrawn, and why; in English too
    assert report.public_note.startswith("Pertanyaan petugas ditarik; laporan dilanjutkan tanpa menunggu jawaban Anda.")
    assert report.public_note.endswith("Tempatnya sudah kami temukan.")
    assert in_language(report.public_note, "en").startswith("The officer withdrew the question")
    # and the desk places it now
    assert "triage" in allowed_actions(desk, report)
    perform(BY_NAME["triage"], user=desk, report=report, data=dict(PASS_ON["triage"]))
    assert fresh(report).status == "koordinasi"


def test_going_on_without_the_answer_is_refused_when_nothing_was_asked_or_by_another_unit(staff):
    pb = staff("petugas.pb", PB_UNIT)
    gambir = staff("petugas.gambir", "kel:31.71.01.1001")
    report = submit("jalan-rusak", description=ROAD).report
    with pytest.raises(DomainError) as err:
        services.report_question_withdraw(report_id=report.pk, actor=pb, reason="x")
    assert err.value.code == "not_waiting_for_reporter"
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa tepatnya?")
    with pytest.raises(DomainError):
        services.report_question_withdraw(report_id=report.pk, actor=gambir, reason="x")
    assert fresh(report).status == "awaiting_reporter"


def test_a_reason_that_asks_who_the_reporter_is_is_refused(staff):
    """The reporter reads the reason: it may not ask who they are, as no note to the reporter may."""
    pb = staff("petugas.pb", PB_UNIT)
    report = submit("jalan-rusak", description=ROAD).report
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa tepatnya?")
    with pytest.raises(DomainError) as err:
        services.report_question_withdraw(report_id=report.pk, actor=pb, reason="Mohon kirim nomor HP Anda saja.")
    assert err.value.code == "note_asks_identity"
    assert fresh(report).status == "awaiting_reporter"


def test_a_withdrawn_question_gives_the_unit_no_time(staff):
    """The clocks pause only for a wait the reporter ends: a withdrawn question's wait counts as working time. Were
    it credited, a unit could ask, withdraw a day before the unanswered-question job closes the report, and ask
    again, and a report it never took up would never be late nor escalated (an attacker's review: twelve rounds,
    three months, never late)."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.reports import deadlines

    pb = staff("petugas.pb", PB_UNIT)
    start = timezone.now()
    report = submit("jalan-rusak", description=ROAD, now=start).report
    first = fresh(report)
    cal = deadlines.working_calendar()
    t = start + timedelta(minutes=5)
    for _ in range(12):
        services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di sisi jalan yang mana?", now=t)
        t = cal.add_working_days(t, 4)  # a day before the unanswered-question job would close it
        services.reports_close_unanswered(now=t)
        services.report_question_withdraw(report_id=report.pk, actor=pb, reason="Sudah jelas dari foto.", now=t)
        t += timedelta(minutes=1)
    now = fresh(report)
    assert now.status == "waiting"
    assert (now.hop_deadline, now.escalate_at, now.due_at) == (first.hop_deadline, first.escalate_at, first.due_at)
    assert deadlines.is_overdue(now, t)


def test_accepting_a_report_that_waits_for_the_reporter_is_refused_and_gives_the_unit_no_time(staff):
    """ "Terima" is not offered while the question is open but was not refused (API ``POST .../accept``): on a report
    asked from Proses it went back to Proses as if the reporter had answered, and the due date moved by the whole
    wait. Twelve rounds of ask, wait four working days, accept: due 16 Dec became 2 Mar, never late (a review).
    Only the reporter's answer gives the time back; a unit that ends the wait itself had it."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.reports import deadlines

    pb = staff("petugas.pb", PB_UNIT)
    start = timezone.now()
    report = submit("jalan-rusak", description=ROAD, now=start).report
    services.report_accept(report_id=report.pk, actor=pb, now=start + timedelta(minutes=1))
    first_due = fresh(report).due_at
    cal = deadlines.working_calendar()
    t = start + timedelta(minutes=5)
    for _ in range(12):
        services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di sisi jalan yang mana?", now=t)
        t = cal.add_working_days(t, 4)  # a day before the unanswered-question job would close it
        services.reports_close_unanswered(now=t)
        with pytest.raises(DomainError) as refused:  # refused: going on without the answer has its own action
            services.report_accept(report_id=report.pk, actor=pb, now=t)
        assert refused.value.code == "waiting_for_reporter"
        services.report_question_withdraw(report_id=report.pk, actor=pb, reason="Sudah jelas dari foto.", now=t)
        t += timedelta(minutes=1)
    now = fresh(report)
    assert now.status == "in_progress" and now.due_at == first_due
    assert deadlines.is_overdue(now, t)


def test_only_the_reporters_answer_gives_the_waiting_time_back(staff):
    """The rule under the ways a wait ends (``_transition``): a move back to where the question was asked from credits
    the wait to the deadlines only when the reporter made it; an officer's move counts the wait as working time."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from sigap.reports import deadlines
    from sigap.reports.states import Status

    pb = staff("petugas.pb", PB_UNIT)
    due = {}
    for kind in ("officer", "reporter"):
        start = timezone.now()
        report = submit("jalan-rusak", description=ROAD, now=start).report
        services.report_accept(report_id=report.pk, actor=pb, now=start + timedelta(minutes=1))
        first_due = fresh(report).due_at
        asked = start + timedelta(minutes=2)
        services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di sisi mana?", now=asked)
        later = deadlines.working_calendar().add_working_days(asked, 3)
        with transaction.atomic():
            locked = services._lock(report.pk)
            services._transition(
                locked, Status.IN_PROGRESS, actor=pb if kind == "officer" else None, actor_kind=kind, now=later
            )
        due[kind] = fresh(report).due_at - first_due
    assert due["officer"] == timedelta(0) and due["reporter"] >= timedelta(days=3)


def test_an_answered_question_still_pauses_the_clocks(staff):
    from datetime import timedelta

    from django.utils import timezone

    pb = staff("petugas.pb", PB_UNIT)
    report = submit("jalan-rusak", description=ROAD).report
    deadline = fresh(report).hop_deadline
    asked = timezone.now()
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa tepatnya?", now=asked)
    services.report_resume_with_answer(report_id=report.pk, answer_redacted="RT 05", now=asked + timedelta(days=7))
    assert fresh(report).hop_deadline >= deadline + timedelta(days=4)
