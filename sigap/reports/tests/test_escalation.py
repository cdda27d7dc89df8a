"""Escalation up the hierarchy (#12): a missed hop deadline goes one level up, a second one level further; the unit
above is told and lists it; the reporter reads it on the timeline in plain words; taking the report up ends it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sigap.config.periodic import JOBS
from sigap.organization.models import StaffNotice, StaffRole, Unit
from sigap.reports import escalation, services
from sigap.reports.models import Escalation, Report
from sigap.reports.notes import in_language
from sigap.reports.states import Status

from .factories import failing_for, submit

pytestmark = pytest.mark.django_db

PB = "31.75.07.1002"


@pytest.fixture
def camat(staff):
    return staff("camat.durensawit", "kec:31.75.07", StaffRole.Role.SUPERVISOR)


@pytest.fixture
def walikota(staff):
    return staff("pimpinan.jaktim.x", "kota:31.75", StaffRole.Role.SUPERVISOR)


def reload(report: Report) -> Report:
    return Report.objects.select_related("unit").get(pk=report.pk)


def test_a_missed_hop_goes_up_twice_and_each_unit_above_is_told(camat, walikota):
    report = submit("saluran-tersumbat", PB).report
    assert report.escalate_at == report.hop_deadline  # the category's delay is 0
    assert escalation.escalations_run(now=report.hop_deadline - timedelta(minutes=1)) == 0

    first = report.hop_deadline + timedelta(minutes=1)
    assert escalation.escalations_run(now=first) == 1
    report = reload(report)
    assert report.escalation_level == 1 and report.status == Status.WAITING and report.unit.code == "kel:" + PB
    [one] = Escalation.objects.filter(report=report)
    assert (one.level, one.from_unit.code, one.to_unit.code, one.resolved_at) == (1, "kel:" + PB, "kec:31.75.07", None)
    note = report.history.order_by("-id").first()
    assert note.public_note == (
        "Dieskalasi ke Kecamatan Duren Sawit: Kelurahan Pondok Bambu belum menanggapi laporan dalam batas waktu."
    )
    assert note.actor_id is None and note.unit.code == "kec:31.75.07"  # unit names only, never an officer
    assert in_language(note.public_note, "en") == (
        "Escalated to Kecamatan Duren Sawit: Kelurahan Pondok Bambu did not respond to the report in time."
    )
    told = StaffNotice.objects.get(user=camat, kind="escalation")
    assert told.report_number == report.number and "Kecamatan Duren Sawit (tingkat 1)" in told.body
    assert not StaffNotice.objects.filter(user=walikota).exists()

    assert report.escalate_at > first  # the unit above gets a hop's time before the next level
    assert escalation.escalations_run(now=report.escalate_at - timedelta(minutes=1)) == 0
    second = report.escalate_at + timedelta(minutes=1)
    assert escalation.escalations_run(now=second) == 1
    report = reload(report)
    assert report.escalation_level == 2 and report.escalate_at is None  # two levels: the category's rule
    assert list(Escalation.objects.filter(report=report).values_list("level", "to_unit__code")) == [
        (1, "kec:31.75.07"),
        (2, "kota:31.75"),
    ]
    assert StaffNotice.objects.filter(user=walikota, kind="escalation").count() == 1
    assert escalation.escalations_run(now=second + timedelta(days=30)) == 0  # no third level


def test_taking_the_report_up_resolves_its_escalations_and_a_new_hop_starts_afresh(pb_officer, sudin_officer):
    report = submit("jalan-rusak", PB).report
    escalation.escalations_run(now=report.hop_deadline + timedelta(minutes=1))
    services.report_coordinate(
        report_id=report.pk, actor=pb_officer, to_unit="sudin-bina-marga:31.75", reason="bukan tupoksi: jalan kota"
    )
    report = reload(report)
    assert Escalation.objects.get(report=report).resolved_at is not None
    assert report.escalation_level == 0 and report.escalate_at == report.hop_deadline  # the Suku Dinas's own hop
    escalation.escalations_run(now=report.hop_deadline + timedelta(minutes=1))
    latest = Escalation.objects.filter(report=report, resolved_at__isnull=True).get()
    assert (latest.from_unit.code, latest.to_unit.code) == ("sudin-bina-marga:31.75", "dinas-bina-marga")
    services.report_accept(report_id=report.pk, actor=sudin_officer)
    report = reload(report)
    assert report.escalate_at is None and not Escalation.objects.filter(report=report, resolved_at__isnull=True)


def test_the_levels_and_the_delay_are_the_categorys(pb_officer):
    report = submit("saluran-tersumbat", PB).report
    category = report.category
    category.escalation_delay_hours = 4
    category.save()
    later = submit("saluran-tersumbat", PB, description="Got mampet lagi di gang sebelah, baunya menyengat.").report
    assert later.escalate_at > later.hop_deadline
    assert escalation.escalations_run(now=later.hop_deadline + timedelta(minutes=1)) == 1  # only the first report
    category.escalation_levels = 0
    category.save()
    none = submit("saluran-tersumbat", PB, description="Saluran di depan sekolah tersumbat sampah plastik.").report
    assert none.escalate_at is None


def test_a_question_to_the_reporter_pauses_the_escalation(pb_officer):
    # Filed on a Tuesday at 09:00 WIB, so the two days spent waiting hold working hours whatever day the suite
    # runs (from a Friday afternoon they fell on a weekend and moved nothing).
    report = submit("saluran-tersumbat", PB, now=datetime(2026, 12, 1, 2, 0, tzinfo=UTC)).report
    before = report.escalate_at
    asked = report.created_at + timedelta(hours=1)
    services.report_ask_reporter(report_id=report.pk, actor=pb_officer, question="Gang yang mana, Pak?", now=asked)
    assert escalation.escalations_run(now=before + timedelta(minutes=1)) == 0  # waiting for the reporter
    services.report_resume_with_answer(
        report_id=report.pk, answer_redacted="Gang Kelinci 3.", now=asked + timedelta(days=2)
    )
    report = reload(report)
    assert report.escalate_at > before  # moved by the time spent waiting


def test_the_unit_above_a_kota_or_a_dinas_is_the_biro(settings):
    assert escalation.target(Unit.objects.get(code="kota:31.75")).code == settings.SIGAP_ESCALATION_TOP
    assert escalation.target(Unit.objects.get(code="dinas-bina-marga")).code == settings.SIGAP_ESCALATION_TOP
    assert escalation.target(Unit.objects.get(code="disnakertransgi:pengawasan")).code == "disnakertransgi"
    assert escalation.target(Unit.objects.get(code=settings.SIGAP_ESCALATION_TOP)) is None


def test_escalation_runs_on_the_same_scheduler_as_the_other_periodic_jobs():
    job = JOBS["escalations"]
    assert job.command == ("escalations", "run") and job.enabled()


# --- the resident confirms ---------------------------------------------------------------------


def finished(report, officer, validator):
    from sigap.privacy.photos import photo_clean
    from sigap.reports.tests.test_proofcheck import camera_jpeg, scene

    from .factories import inner_point

    services.report_accept(report_id=report.pk, actor=officer)
    report.refresh_from_db()
    for i, kind in enumerate(("before", "after")):
        taken = report.created_at + timedelta(minutes=30 + 90 * i)
        raw = camera_jpeg(scene(report.pk * 10 + i), taken=taken, at=inner_point(PB))
        services.photo_add(
            report_id=report.pk,
            actor=officer,
            kind=kind,
            photo=photo_clean(raw),
            now=report.created_at + timedelta(hours=3),
        )
    services.report_request_validation(report_id=report.pk, actor=officer)
    services.report_validate(report_id=report.pk, actor=validator, accept=True)
    return reload(report)


def test_the_resident_says_it_is_fixed(pb_officer, validator):
    created = submit("saluran-tersumbat", PB)
    report = finished(created.report, pb_officer, validator)
    services.report_confirm(tracking_code=created.tracking_code)
    report = reload(report)
    assert report.status == Status.DONE and report.confirmed_at is not None
    assert report.history.order_by("-id").first().public_note == "Pelapor menyatakan masalahnya sudah beres."


def test_a_second_not_fixed_goes_to_the_supervisor(pb_officer, validator, camat):
    created = submit("saluran-tersumbat", PB)
    report = finished(created.report, pb_officer, validator)
    services.report_dispute(tracking_code=created.tracking_code, reason="Masih mampet setelah hujan.")
    report = reload(report)
    assert report.status == Status.REOPENED and report.disputes == 1 and report.unit.code == "kel:" + PB
    assert not Escalation.objects.filter(report=report).exists()  # the first "no": back to the handling unit

    report = finished(report, pb_officer, validator)
    services.report_dispute(tracking_code=created.tracking_code, reason="Tetap mampet, airnya meluap lagi.")
    report = reload(report)
    assert report.disputes == 2 and report.status == Status.REOPENED
    [up] = Escalation.objects.filter(report=report)
    assert up.to_unit.code == "kec:31.75.07" and report.escalation_level == 1
    assert report.history.order_by("-id").first().public_note == (
        "Dieskalasi ke Kecamatan Duren Sawit: pelapor menyatakan masalahnya belum beres untuk kedua kalinya."
    )
    assert StaffNotice.objects.filter(user=camat, kind="escalation", report_number=report.number).exists()


def test_the_unit_above_can_open_what_it_is_told_of_and_only_its_chasers_are_told(camat, staff):
    from sigap.reports.selectors import report_sees

    operator = staff("operator.kec", "kec:31.75.07", StaffRole.Role.OPERATOR)
    report = submit("saluran-tersumbat", PB).report
    escalation.escalations_run(now=report.hop_deadline + timedelta(minutes=1))
    report = reload(report)
    assert report.unit_rows.filter(unit__code="kec:31.75.07", holds=False).exists()  # sight, kept by the write path
    assert report_sees(camat, report)
    assert not StaffNotice.objects.filter(user=operator).exists()  # an operator does not chase units


def test_a_complaint_is_never_escalated_to_the_unit_it_is_about_or_above_it(settings):
    report = submit("saluran-tersumbat", PB).report
    report.category.escalation_levels = 3  # kecamatan, kota, then the Biro
    report.category.save()
    biro = Unit.objects.get(code=settings.SIGAP_ESCALATION_TOP)
    Report.objects.filter(pk=report.pk).update(concerned_unit=biro)  # a complaint about the Biro's conduct
    at = report.hop_deadline
    for _ in range(3):
        escalation.escalations_run(now=at + timedelta(minutes=1))
        report = reload(report)
        at = report.escalate_at or at
    assert list(Escalation.objects.filter(report=report).values_list("to_unit__code", flat=True)) == [
        "kec:31.75.07",
        "kota:31.75",
    ]  # never the Biro, which the complaint is about
    assert report.escalate_at is None


def test_one_report_that_cannot_be_escalated_does_not_stop_the_others(camat, monkeypatch, caplog):
    """A report whose escalation raised aborted the run, and came first again at every run: no report of the city
    was escalated any more. It is logged and left as it was; the others go up."""
    broken, fine = submit("saluran-tersumbat", PB).report, submit("saluran-tersumbat", PB).report
    monkeypatch.setattr(escalation, "_record", failing_for(broken, escalation._record))
    later = max(broken.hop_deadline, fine.hop_deadline) + timedelta(minutes=1)
    with caplog.at_level("ERROR", logger="sigap.core.jobs"):
        assert escalation.escalations_run(now=later) == 1
    assert reload(fine).escalation_level == 1 and reload(broken).escalation_level == 0
    assert f"escalation of report: {broken.pk} failed" in caplog.text
    assert not Escalation.objects.filter(report=broken).exists()  # nothing half-written


def test_a_hop_deadline_at_the_day_s_end_escalates_then_not_the_next_working_morning():
    """With no delay, a hop due at 16:00 goes up at 16:00: counting zero working hours from the day's end used to
    give 08:00 of the next working day (Friday's late hops went up on Monday)."""
    from zoneinfo import ZoneInfo

    wib = ZoneInfo("Asia/Jakarta")
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=wib)  # no holiday around it
    report = submit("saluran-tersumbat", PB, now=friday).report
    assert report.hop_deadline.astimezone(wib) == datetime(2026, 11, 27, 16, 0, tzinfo=wib)
    assert report.escalate_at == report.hop_deadline
    assert escalation.escalations_run(now=datetime(2026, 11, 27, 16, 5, tzinfo=wib)) == 1
