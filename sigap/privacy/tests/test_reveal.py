"""The two-person identity reveal (``sigap.privacy.reveal``): a legal basis, a second privacy officer, shown once to
the requester, never by the unit a complaint is about, and nothing shown from a request edited in the database."""

from __future__ import annotations

import pytest

from sigap.core.errors import DomainError, NotFound, PermissionDenied, TransitionRefused
from sigap.intake.services import Reporter
from sigap.organization.models import StaffRole
from sigap.privacy.access_log import access_verify
from sigap.privacy.models import AccessEvent
from sigap.reports.models import Notification
from sigap.reports.tests.factories import inner_point, reporter, submit

from .helpers import BASIS

pytestmark = pytest.mark.django_db


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
    assert complaint.concerned_unit.code == "biro-pemerintahan"
    with pytest.raises(NotFound):  # as a missing number: test_reveal_conflict.py
        reveal.reveal_request(actor=first, report_number=complaint.number, legal_basis=BASIS)
    outside = (
        staff("ppid.insp", "inspektorat", StaffRole.Role.PRIVACY_OFFICER),
        staff("ppid.insp2", "inspektorat", StaffRole.Role.PRIVACY_OFFICER),
    )
    req = reveal.reveal_request(actor=outside[0], report_number=complaint.number, legal_basis=BASIS)
    with pytest.raises(NotFound):
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


@pytest.mark.parametrize("renumbered", [False, True], ids=["", "report-renumbered"])
@pytest.mark.parametrize("copy_taken_when", ["approved", "pending"])
def test_a_reveal_request_set_back_to_an_earlier_sealed_copy_is_refused(ppid, copy_taken_when, renumbered):
    """The database owner keeps a copy of the row as it was (its seal then held) and writes it back later: an
    approved copy over a shown request would show the identity a second time; a pending copy over a rejected one
    would let another approval through. The access log (chained, checkpointed outside the database) already holds
    the later step, so the request is refused, and the attempt recorded."""
    from django.db import connection

    from sigap.organization.models import StaffNotice
    from sigap.privacy import reveal
    from sigap.privacy.models import RevealRequest

    first, second = ppid
    report = submit(reporter=reporter()).report
    req = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    if copy_taken_when == "approved":
        reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
    copy = RevealRequest.objects.filter(pk=req.pk).values("state", "approver_id", "decided_at", "seal").get()
    if copy_taken_when == "approved":
        assert reveal.reveal_show(actor=first, request_id=req.pk)["name"] == "Rina Marlina"
    else:
        reveal.reveal_decide(actor=second, request_id=req.pk, approve=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_revealrequest SET state = %s, approver_id = %s, decided_at = %s, seal = %s, "
            "shown_at = NULL WHERE id = %s",
            [copy["state"], copy["approver_id"], copy["decided_at"], copy["seal"], req.pk],
        )
        if renumbered:  # the report's number is not sealed: the log's steps are found by the request's id
            cursor.execute("UPDATE reports_report SET number = %s WHERE id = %s", ["XX-RENAMED", report.pk])
            report.number = "XX-RENAMED"
    with pytest.raises(DomainError) as refused:
        if copy_taken_when == "approved":
            reveal.reveal_show(actor=first, request_id=req.pk)
        else:
            reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
    assert refused.value.code == "request_tampered"
    assert AccessEvent.objects.filter(action="reveal_request_tampered", report_number=report.number).exists()
    assert StaffNotice.objects.filter(kind="reveal_tampered", user=second).exists()
    assert "not intact (current key)" in reveal.seal_status()
