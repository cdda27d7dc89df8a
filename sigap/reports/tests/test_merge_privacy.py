"""A merged duplicate's reporter is another person: through the merge they learn the status of the report
they now follow, and its number and unit only where the public may see them too -- never a question or a
dispute reason written to the other reporter. Complaints about officials are never merged."""

from __future__ import annotations

import json

import pytest

from sigap.core.errors import DomainError
from sigap.intake.services import Reporter, Submission, report_submit
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import DuplicateCandidate, Notification, Report
from sigap.reports.tests.factories import inner_point, submit

pytestmark = pytest.mark.django_db
DRAIN = "Got mampet penuh sampah plastik di depan gang Mawar, air meluap ke jalan kalau hujan."
PB = "kel:31.75.07.1002"


def _merged_pair(staff, privacy: str, captured):
    officer = staff("petugas.pb", PB)
    with captured(execute=True):
        first = submit(description=DRAIN, privacy=privacy, reporter=Reporter(name="Ratna Sari", phone="081399998888"))
        second = submit(
            description="got mampet gang mawar sampah plastik air meluap",
            privacy="private",
            reporter=Reporter(name="Budi", email="budi@example.org"),
        )
        services.report_merge(report_id=second.report.pk, actor=officer, into_number=first.report.number)
    return officer, first, second


def test_the_merged_reporter_never_hears_the_other_reporters_question_or_dispute(
    staff, jpeg, django_capture_on_commit_callbacks
):
    officer, first, second = _merged_pair(staff, "private", django_capture_on_commit_callbacks)
    validator = staff("validator.biro", "biro-pemerintahan", "validator")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=first.report.pk, actor=officer)
        services.report_ask_reporter(
            report_id=first.report.pk, actor=officer, question="Rumah bercat hijau di dekat lokasi nomor berapa?"
        )
        services.report_resume_with_answer(report_id=first.report.pk, answer_redacted="nomor disembunyikan")
        for kind in ("before", "after"):
            services.photo_add(
                report_id=first.report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg(), blur=False)
            )
        services.report_request_validation(report_id=first.report.pk, actor=officer)
        services.report_validate(report_id=first.report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
        services.report_dispute(tracking_code=first.tracking_code, reason="got depan warung ibu saya masih mampet")
    # what the merged reporter hears of the other report's progress
    theirs = list(
        Notification.objects.filter(report=second.report, status_change__report=first.report).values_list(
            "body", "body_en"
        )
    )
    assert len(theirs) >= 3, theirs  # they are still told how it goes (in progress, done, reopened)
    text = "\n".join(b + " " + e for b, e in theirs)
    for secret in ("cat hijau", "warung ibu", first.report.number, "Pondok Bambu", "Menunggu Informasi"):
        assert secret not in text, (secret, text)
    assert "Selesai" in text or "Done" in text
    # and the merged report's own timeline names no private report
    note = second.report.history.filter(new_status="merged").get().public_note
    assert first.report.number not in note and "laporan serupa" in note


def test_the_merged_reporter_sees_a_publik_reports_number_and_unit(staff, django_capture_on_commit_callbacks):
    officer, first, second = _merged_pair(staff, "public", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=first.report.pk, actor=officer)
    body = Notification.objects.filter(report=second.report, status_change__new_status="in_progress").get().body
    assert first.report.number in body and "Pondok Bambu" in body


@pytest.mark.parametrize("privacy, shown", [("private", False), ("public", True)])
def test_the_reporters_pages_name_the_other_report_only_when_it_is_public(
    client, staff, privacy, shown, django_capture_on_commit_callbacks
):
    _officer, first, second = _merged_pair(staff, privacy, django_capture_on_commit_callbacks)
    track = client.get(f"/api/v1/track/{second.tracking_code}").json()
    assert (track["merged_into"] == first.report.number) is shown and (track["merged_into"] is None) is not shown
    assert client.get(f"/lacak/{second.tracking_code}/").status_code == 302
    page = client.get(f"/lacak/laporan/{second.report.number}/").content.decode()
    assert (first.report.number in page) is shown
    assert "digabung" in page.lower()


def test_complaints_about_officials_are_never_merged(staff):
    """A look-alike filed by someone of the unit concerned must not let them follow the complaint."""
    inspektorat = staff("petugas.insp", "inspektorat")
    lat, lon = inner_point("31.75.07.1002")
    complaint = report_submit(
        Submission(
            category="pelayanan-aparatur",
            description="Petugas loket kelurahan meminta uang untuk surat pengantar.",
            lat=lat,
            lon=lon,
            channel="web",
            reporter=Reporter(name="Ratna Sari"),
        )
    ).report
    lookalike = report_submit(
        Submission(
            category="pelayanan-aparatur",
            description="Petugas loket kelurahan minta uang untuk surat pengantar.",
            lat=lat,
            lon=lon,
            channel="web",
            reporter=Reporter(name="Orang Dalam", email="dalam@example.org"),
        )
    ).report
    assert complaint.unit.code == lookalike.unit.code == "inspektorat"
    with pytest.raises(DomainError) as refused:
        services.report_merge(report_id=lookalike.pk, actor=inspektorat, into_number=complaint.number)
    assert refused.value.code == "conduct_not_merged"
    assert Report.objects.get(pk=lookalike.pk).merged_into_id is None
    # and a complaint is not merged into an ordinary report either
    ordinary = submit(description=DRAIN).report
    officer = staff("petugas.pb", PB)
    with pytest.raises(DomainError):
        services.report_merge(report_id=ordinary.pk, actor=officer, into_number=complaint.number)
    json.dumps(refused.value.code)


def test_a_merged_reporter_hears_nothing_more_once_the_report_becomes_a_complaint_about_officials(
    client, staff, django_capture_on_commit_callbacks
):
    """An officer merges his own look-alike into a report that the triage desk later finds is about his unit: his
    look-alike must not keep following it."""
    officer, first, second = _merged_pair(staff, "private", django_capture_on_commit_callbacks)
    desk = staff("petugas.triase", "triase")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_coordinate(
            report_id=first.report.pk, actor=officer, to_unit="triase", reason="bukan tupoksi kelurahan"
        )
        services.report_triage(report_id=first.report.pk, actor=desk, category="pelayanan-aparatur")
        first.report.refresh_from_db()
        assert first.report.concerned_unit.code == PB
        services.report_accept(report_id=first.report.pk, actor=staff("petugas.insp", "inspektorat"))
    assert not Notification.objects.filter(
        report=second.report, status_change__report=first.report, status_change__new_status="in_progress"
    ).exists()
    assert client.get(f"/lacak/{second.tracking_code}/").status_code == 302
    page = client.get(f"/lacak/laporan/{second.report.number}/").content.decode()
    assert "Status laporan tersebut" not in page


def test_merged_reporter_keeps_their_privacy_and_is_still_notified(staff, django_capture_on_commit_callbacks):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(description=DRAIN, privacy="public").report
        second = submit(description="got mampet gang mawar sampah plastik air meluap", privacy="private").report
        services.report_merge(report_id=second.pk, actor=officer, into_number=first.number)
        services.report_accept(report_id=first.pk, actor=officer)
    second.refresh_from_db()
    assert second.status == "merged" and second.privacy == "private" and second.merged_into == first
    assert DuplicateCandidate.objects.get(report=second).state == "merged"
    proses = Notification.objects.filter(status_change__new_status="in_progress")
    assert {n.report_id for n in proses} == {first.pk, second.pk}
