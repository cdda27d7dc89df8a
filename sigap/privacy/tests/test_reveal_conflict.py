"""A privacy officer barred from a complaint about officials (their own unit, or one above it, is its subject) learns
nothing of it through the reveal process (``sigap.privacy.reveal``), found by an attacker's review: a refusal of its
own ("conflict_of_interest", with nothing logged) told them, number by number, which reports were complaints about
their unit; and every reveal step on the complaint, with its number and legal basis, reached them as a notice and in
the list of requests."""

from __future__ import annotations

import pytest

from sigap.core.errors import NotFound
from sigap.organization.models import StaffNotice, StaffRole
from sigap.privacy.access_log import access_verify
from sigap.privacy.models import AccessEvent
from sigap.reports.tests.factories import inner_point, reporter, submit

from .helpers import BASIS

pytestmark = pytest.mark.django_db


def complaint_about_biro():
    from sigap.intake.services import Submission, report_submit

    lat, lon = inner_point("31.71.01.1001")
    sub = Submission(category="pelayanan-aparatur", lat=lat, lon=lon, channel="web", reporter=reporter(),
                     description="Petugas biro meminta uang untuk mempercepat surat rekomendasi.",
                     about_unit="biro-pemerintahan")  # fmt: skip
    return report_submit(sub).report


@pytest.fixture
def outside(staff):
    return (
        staff("ppid.insp", "inspektorat", StaffRole.Role.PRIVACY_OFFICER),
        staff("ppid.insp2", "inspektorat", StaffRole.Role.PRIVACY_OFFICER),
    )


def answer(call) -> tuple[str, str, int]:
    try:
        call()
    except NotFound as exc:
        return type(exc).__name__, exc.message_en, exc.status
    except Exception as exc:  # noqa: BLE001 - what the caller is told is the point
        return type(exc).__name__, getattr(exc, "code", ""), getattr(exc, "status", 0)
    return "created", "", 201


def test_a_barred_officer_is_answered_as_for_a_missing_number_and_the_probe_is_on_the_record(ppid, outside):
    from sigap.privacy import reveal

    barred = ppid[0]
    complaint = complaint_about_biro()
    missing = answer(lambda: reveal.reveal_request(actor=barred, report_number="JK209901010001", legal_basis=BASIS))
    probed = answer(lambda: reveal.reveal_request(actor=barred, report_number=complaint.number, legal_basis=BASIS))
    assert probed == missing == ("NotFound", "Report not found.", 404)
    # with a legal basis too short to file anything, the same answer (the basis is checked first, for every number)
    short = [
        answer(lambda n=n: reveal.reveal_request(actor=barred, report_number=n, legal_basis="x"))
        for n in (complaint.number, submit(reporter=reporter()).report.number, "JK209901010001")
    ]
    assert {a[1] for a in short} == {"legal_basis_required"}, short
    # the probe is on the record, and told to the privacy officers who are not barred, never to the barred ones
    logged = AccessEvent.objects.filter(report_number=complaint.number, action="reveal_refused", actor=barred)
    assert logged.count() == 1 and logged.get().detail["step"] == "request"
    told = StaffNotice.objects.filter(report_number=complaint.number, kind="reveal_refused")
    assert set(told.values_list("user__username", flat=True)) == {"ppid.insp", "ppid.insp2"}
    assert access_verify().ok


def test_a_barred_officer_hears_nothing_of_a_reveal_on_the_complaint(ppid, outside, client):
    from sigap.privacy import reveal

    complaint = complaint_about_biro()
    ordinary = submit(reporter=reporter()).report
    req = reveal.reveal_request(actor=outside[0], report_number=complaint.number, legal_basis=BASIS)
    # deciding it is answered as for a request that does not exist, and logged
    missing = answer(lambda: reveal.reveal_decide(actor=ppid[1], request_id=req.pk + 1000, approve=True))
    probed = answer(lambda: reveal.reveal_decide(actor=ppid[1], request_id=req.pk, approve=True))
    assert probed == missing == ("NotFound", "Request not found.", 404)
    assert AccessEvent.objects.filter(report_number=complaint.number, actor=ppid[1], action="reveal_refused").exists()
    reveal.reveal_decide(actor=outside[1], request_id=req.pk, approve=True)
    reveal.reveal_show(actor=outside[0], request_id=req.pk)
    reveal.reveal_request(actor=outside[0], report_number=ordinary.number, legal_basis=BASIS)
    for barred in ppid:
        assert not StaffNotice.objects.filter(user=barred, report_number=complaint.number).exists()
        assert StaffNotice.objects.filter(user=barred, report_number=ordinary.number).exists()  # others still
        client.force_login(barred)
        listed = [r["report"] for r in client.get("/api/v1/privacy/reveal").json()]
        assert listed == [ordinary.number], listed
    # the officers who are not barred are told of every step, the barred one's refused step too, and see both requests
    kinds = StaffNotice.objects.filter(user=outside[1], report_number=complaint.number).values_list("kind", flat=True)
    assert sorted(kinds) == ["reveal_decision", "reveal_refused", "reveal_request", "reveal_shown"], list(kinds)
    client.force_login(outside[1])
    assert {r["report"] for r in client.get("/api/v1/privacy/reveal").json()} == {complaint.number, ordinary.number}


@pytest.mark.parametrize("change", ["role_removed", "account_closed"])
def test_an_approval_stands_only_while_its_approver_is_an_active_privacy_officer(ppid, change):
    """Shown on an approval whose approver lost the role or the account since, one officer alone decided."""
    from sigap.core.errors import TransitionRefused
    from sigap.privacy import reveal

    first, second = ppid
    report = submit(reporter=reporter()).report
    req = reveal.reveal_request(actor=first, report_number=report.number, legal_basis=BASIS)
    reveal.reveal_decide(actor=second, request_id=req.pk, approve=True)
    if change == "role_removed":
        StaffRole.objects.filter(user=second, role=StaffRole.Role.PRIVACY_OFFICER).delete()
    else:
        type(second).objects.filter(pk=second.pk).update(is_active=False)
    with pytest.raises(TransitionRefused) as refused:
        reveal.reveal_show(actor=first, request_id=req.pk)
    assert refused.value.code == "approval_void"
    assert not AccessEvent.objects.filter(action="reveal_show").exists()


def test_showing_a_request_on_the_complaint_is_answered_as_for_a_missing_one(ppid, outside):
    from sigap.privacy import reveal

    complaint = complaint_about_biro()
    req = reveal.reveal_request(actor=outside[0], report_number=complaint.number, legal_basis=BASIS)
    missing = answer(lambda: reveal.reveal_show(actor=ppid[0], request_id=req.pk + 1000))
    probed = answer(lambda: reveal.reveal_show(actor=ppid[0], request_id=req.pk))
    assert probed == missing == ("NotFound", "Request not found.", 404)
    logged = AccessEvent.objects.get(action="reveal_refused", actor=ppid[0])
    assert logged.detail["step"] == "show" and logged.report_number == complaint.number


def test_the_api_answers_a_barred_officer_404_and_keeps_the_record(ppid, outside, client):
    """Through ``POST /api/v1/privacy/reveal``: the refusal's access-log row stays (written outside the step)."""
    complaint = complaint_about_biro()
    client.force_login(ppid[0])
    response = client.post(
        "/api/v1/privacy/reveal",
        {"report": complaint.number, "legal_basis": BASIS, "legal_hold": False},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found", response.content
    assert AccessEvent.objects.filter(action="reveal_refused", actor=ppid[0], report_number=complaint.number).exists()
    assert access_verify().ok
