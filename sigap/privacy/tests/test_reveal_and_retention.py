"""Due-process reveal, retention by crypto-shredding, anonymous reporting, conflict of interest."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.core.errors import DomainError, PermissionDenied, TransitionRefused
from sigap.intake.services import Reporter
from sigap.organization.models import StaffRole
from sigap.privacy import vault
from sigap.privacy.access_log import access_verify
from sigap.privacy.models import AccessEvent, IdentityRecord, VaultBlob
from sigap.privacy.retention import retention_run
from sigap.reports import selectors, services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point, submit

pytestmark = pytest.mark.django_db
BASIS = "Permintaan penyidik Polda Metro Jaya No. B/123/XI/2026 berdasarkan KUHAP pasal 7"


@pytest.fixture
def ppid(staff):
    return (
        staff("ppid.satu", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER),
        staff("ppid.dua", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER),
    )


def reporter():
    return Reporter(name="Rina Marlina", phone="081377001122", email="rina@example.org", nik="3175010101010001")


def test_reveal_needs_a_second_officer_and_shows_once(ppid, django_capture_on_commit_callbacks):
    from sigap.privacy import reveal

    first, second = ppid
    report = submit(reporter=reporter()).report
    with pytest.raises(DomainError) as err:
        reveal.reveal_request(actor=first, report_number=report.number, legal_basis="karena perlu")
    assert err.value.field == "legal_basis"
    req = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    with pytest.raises(TransitionRefused):
        reveal.reveal_show(actor=first, request_id=req.pk)  # not approved yet
    with pytest.raises(PermissionDenied):
        reveal.reveal_decide(actor=first, request_id=req.pk, approve=True)  # not by the requester
    reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
    with pytest.raises(PermissionDenied):
        reveal.reveal_show(actor=second, request_id=req.pk)  # only to the requester
    with django_capture_on_commit_callbacks(execute=True):
        identity = reveal.reveal_show(actor=first, request_id=req.pk)
    assert identity["name"] == "Rina Marlina" and identity["nik"] == "3175010101010001"
    with pytest.raises(TransitionRefused):
        reveal.reveal_show(actor=first, request_id=req.pk)  # once
    actions = list(AccessEvent.objects.filter(report_number=report.number).values_list("action", flat=True))
    assert actions == ["reveal_request", "reveal_approve", "reveal_show"]
    assert Notification.objects.filter(report=report, kind="identity_revealed").count() == 1
    assert access_verify().ok


def test_legal_hold_suppresses_telling_the_reporter(ppid):
    from sigap.privacy import reveal

    first, second = ppid
    report = submit(reporter=reporter()).report
    req = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS, legal_hold=True)
    reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
    reveal.reveal_show(actor=first, request_id=req.pk)
    assert not Notification.objects.filter(report=report, kind="identity_revealed").exists()


def test_only_privacy_officers_can_ask_and_officers_get_no_reveal_api(client, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    report = submit(reporter=reporter()).report
    for user in (officer, validator):
        client.force_login(user)
        response = client.post(
            "/api/v1/privacy/reveal",
            data=json.dumps({"report": report.number, "legal_basis": BASIS}),
            content_type="application/json",
        )
        assert response.status_code == 403


def test_reveal_flow_over_the_api(client, ppid):
    first, second = ppid
    report = submit(reporter=reporter()).report
    c1, c2 = type(client)(), type(client)()
    c1.force_login(first)
    c2.force_login(second)
    created = c1.post(
        "/api/v1/privacy/reveal",
        data=json.dumps({"report": report.number, "legal_basis": BASIS}),
        content_type="application/json",
    )
    assert created.status_code == 201
    rid = created.json()["id"]
    assert (
        c2.post(
            f"/api/v1/privacy/reveal/{rid}/decide", data={"approve": True}, content_type="application/json"
        ).status_code
        == 200
    )
    shown = c1.post(f"/api/v1/privacy/reveal/{rid}/show")
    assert shown.status_code == 200 and shown.json()["email"] == "rina@example.org"
    assert c1.post(f"/api/v1/privacy/reveal/{rid}/show").status_code == 409


def test_anonymous_reports_store_nothing_and_need_the_secret(client):
    from sigap.intake.services import reporter_dispute

    lat, lon = inner_point("31.75.07.1002")
    response = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "saluran-tersumbat",
                "description": "Got mampet di gang buntu sejak minggu lalu.",
                "lat": lat,
                "lon": lon,
                "privacy": "anonymous",
                "reporter": {"name": "Tidak Disimpan", "phone": "081200001111"},
            }
        ),
        content_type="application/json",
    )
    data = response.json()
    assert response.status_code == 201 and data["secret"]
    report = Report.objects.get(number=data["id"])
    assert report.reporter_ref == "" and report.secret_hash and data["secret"] not in report.secret_hash
    assert IdentityRecord.objects.count() == 0
    assert not Notification.objects.filter(report=report).exists()
    with pytest.raises(PermissionDenied) as err:
        reporter_dispute(tracking_code=data["tracking_code"], reason="belum dikerjakan sama sekali", secret="wrong")
    assert err.value.code == "secret_required"
    # rating and answering need it too, through the API
    r = client.post(
        f"/api/v1/track/{data['tracking_code']}/answer", data={"answer": "RT 3"}, content_type="application/json"
    )
    assert r.status_code in (403, 409)


def test_retention_shreds_identity_and_original_photos_of_old_closed_reports(staff, jpeg):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    old = submit(reporter=reporter(), photos=[("a.jpg", jpeg())]).report
    recent = submit(reporter=reporter()).report
    open_report = submit(reporter=reporter()).report
    for r in (old, recent):
        services.report_reject(report_id=r.pk, actor=officer, reason="di luar kewenangan")
    Report.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
    blob_ref = old.photos.get().original_ref
    assert vault.blob_read(blob_ref) is not None
    counts = retention_run(days=365)
    assert counts == {"reports": 1, "identities": 1, "photos": 1}
    assert vault.identity_for_reveal(old.reporter_ref) is None and vault.blob_read(blob_ref) is None
    assert vault.identity_for_reveal(recent.reporter_ref) is not None
    assert vault.identity_for_reveal(open_report.reporter_ref) is not None
    assert Report.objects.filter(pk=old.pk).exists()  # the report stays, de-identified
    assert retention_run(days=365) == {"reports": 0, "identities": 0, "photos": 0}  # idempotent
    event = AccessEvent.objects.get(action="key_destroy")
    assert event.report_number == old.number and event.detail["identities"] == 1
    assert VaultBlob.objects.get(ref=blob_ref).destroyed_at is not None


def test_complaint_about_officials_is_never_visible_to_the_unit_concerned(staff):
    pb = staff("petugas.pb", "kel:31.75.07.1002")
    camat = staff("petugas.kec", "kec:31.75.07")
    inspektorat = staff("petugas.insp", "inspektorat")
    report = submit("pelayanan-aparatur", description="Petugas kelurahan meminta uang untuk surat pengantar.").report
    assert report.unit.kode == "inspektorat" and report.concerned_unit.kode == "kel:31.75.07.1002"
    assert selectors.reports_visible_to(inspektorat).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(pb).filter(pk=report.pk).exists()
    with pytest.raises(TransitionRefused) as err:
        services.report_coordinate(report_id=report.pk, actor=inspektorat, to_unit="kel:31.75.07.1002", reason="cek")
    assert err.value.code == "conflict_of_interest"
    # passing it to the kecamatan is allowed; the kelurahan still never sees it
    services.report_coordinate(report_id=report.pk, actor=inspektorat, to_unit="kec:31.75.07", reason="pembinaan")
    assert selectors.reports_visible_to(camat).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(pb).filter(pk=report.pk).exists()


def test_explicit_unit_concerned_hides_the_report_from_it_and_units_below(client, staff):
    sudin = staff("sudin.bm", "sudin-bina-marga:31.75")
    dinas = staff("admin.bm", "dinas-bina-marga", StaffRole.Role.UNIT_ADMIN)
    lat, lon = inner_point("31.75.07.1002")
    response = client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "pelayanan-aparatur",
                "description": "Petugas dinas meminta pungutan untuk perbaikan jalan.",
                "lat": lat,
                "lon": lon,
                "about_unit": "dinas-bina-marga",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    report = Report.objects.get(number=response.json()["id"])
    assert not selectors.reports_visible_to(dinas).filter(pk=report.pk).exists()
    with pytest.raises(TransitionRefused):
        services.report_coordinate(
            report_id=report.pk,
            actor=staff("insp", "inspektorat"),
            to_unit="sudin-bina-marga:31.75",
            reason="tindak lanjut",
        )
    assert not selectors.reports_visible_to(sudin).filter(pk=report.pk).exists()


def test_unanswered_question_closes_the_report_and_tells_the_reporter(staff):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    wib = ZoneInfo("Asia/Jakarta")
    start = datetime(2026, 11, 2, 9, 0, tzinfo=wib)  # Monday
    report = submit(reporter=reporter(), now=start).report
    services.report_ask_reporter(report_id=report.pk, actor=officer, question="Foto lokasi?", now=start)
    assert services.reports_close_unanswered(now=datetime(2026, 11, 6, 9, 0, tzinfo=wib), days=5) == []
    closed = services.reports_close_unanswered(now=datetime(2026, 11, 9, 17, 0, tzinfo=wib), days=5)
    assert closed == [report.number]
    report.refresh_from_db()
    assert report.status == "closed_no_response"
    assert Notification.objects.filter(report=report, status_change__new_status="closed_no_response").exists()


def test_privacy_officers_of_the_unit_a_complaint_is_about_take_no_part_in_revealing_its_reporter(ppid, staff):
    """A complaint about Biro Pemerintahan: its own privacy officers can neither ask for, approve nor see the
    complainant's identity; privacy officers elsewhere can, by the same two-person process."""
    from sigap.intake.services import Submission, report_submit
    from sigap.privacy import reveal

    first, second = ppid
    lat, lon = inner_point("31.71.01.1001")
    complaint = report_submit(
        Submission(
            category="pelayanan-aparatur",
            description="Petugas biro meminta uang untuk mempercepat surat rekomendasi.",
            lat=lat,
            lon=lon,
            channel="web",
            reporter=reporter(),
            about_unit="biro-pemerintahan",
        )
    ).report
    assert complaint.concerned_unit.kode == "biro-pemerintahan"
    with pytest.raises(PermissionDenied) as refused:
        reveal.reveal_request(actor=first, report_number=complaint.number, legal_basis=BASIS)
    assert refused.value.code == "conflict_of_interest"
    outside = (
        staff("ppid.insp", "inspektorat", StaffRole.Role.PRIVACY_OFFICER),
        staff("ppid.insp2", "inspektorat", StaffRole.Role.PRIVACY_OFFICER),
    )
    req = reveal.reveal_request(actor=outside[0], report_number=complaint.number, legal_basis=BASIS)
    with pytest.raises(PermissionDenied):
        reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
    reveal.reveal_decide(actor=outside[1], request_id=req.pk, approve=True)
    assert reveal.reveal_show(actor=outside[0], request_id=req.pk)["name"] == "Rina Marlina"


@pytest.mark.parametrize("tamper", ["approve_by_sql", "point_at_another_identity", "reopen_a_shown_request"])
def test_a_reveal_request_edited_in_the_database_shows_nothing(ppid, tamper):
    """A database owner without the vault key approves a request by SQL, points an approved request at another
    report's identity, or sets a shown request back to approved: nothing is shown, the access log records the
    attempt and every privacy officer is told."""
    from django.db import connection

    from sigap.organization.models import StaffNotice
    from sigap.privacy import reveal

    first, second = ppid
    report = submit(reporter=reporter()).report
    other = submit(reporter=Reporter(name="Bunga Saksi", phone="081211112222")).report
    req = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    with connection.cursor() as cursor:
        if tamper == "approve_by_sql":
            cursor.execute(
                "UPDATE privacy_revealrequest SET state = 'approved', approver_id = %s WHERE id = %s",
                [second.pk, req.pk],
            )
        elif tamper == "point_at_another_identity":
            reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
            cursor.execute("UPDATE reports_report SET reporter_ref = %s WHERE id = %s", [other.reporter_ref, report.pk])
        else:
            reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
            assert reveal.reveal_show(actor=first, request_id=req.pk)["name"] == "Rina Marlina"
            cursor.execute("UPDATE privacy_revealrequest SET state = 'approved' WHERE id = %s", [req.pk])
    with pytest.raises(DomainError) as refused:
        reveal.reveal_show(actor=first, request_id=req.pk)
    assert refused.value.code == "request_tampered"
    assert AccessEvent.objects.filter(action="reveal_request_tampered", report_number=report.number).exists()
    assert StaffNotice.objects.filter(kind="reveal_tampered", user=second).exists()
    assert access_verify().ok
