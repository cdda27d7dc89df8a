"""No single person can reveal (issue 10, leak 3): a superuser holds no identity path, and every privacy officer
hears of each reveal step, not only the two involved."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from sigap.intake.services import Reporter
from sigap.organization.models import StaffNotice, StaffRole
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
R = StaffRole.Role
BASIS = "Permintaan penyidik Polda Metro Jaya No. B/123/XI/2026 berdasarkan KUHAP pasal 7"
NAME = "Ratna Sari Dewi"


def private_report():
    return submit(reporter=Reporter(name=NAME, phone="081377001122", email="ratna@example.org")).report


def session(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, path: str, data=None):
    return c.post(f"/api/v1/privacy{path}", data=json.dumps(data or {}), content_type="application/json")


def test_a_superuser_without_the_ppid_role_gets_403_on_every_reveal_endpoint(staff):
    report = private_report()
    first = staff("ppid.satu", "biro-pemerintahan", R.PRIVACY_OFFICER)
    second = staff("ppid.dua", "biro-pemerintahan", R.PRIVACY_OFFICER)
    pending = post(session(first), "/reveal", {"report": report.number, "legal_basis": BASIS}).json()["id"]
    approved = post(session(first), "/reveal", {"report": report.number, "legal_basis": BASIS}).json()["id"]
    assert post(session(second), f"/reveal/{approved}/decide", {"approve": True}).status_code == 200
    root = get_user_model().objects.create_superuser("root", "root@example.org", "root-password-123")
    c = session(root)
    answers = [
        c.get("/api/v1/privacy/reveal"),
        post(c, "/reveal", {"report": report.number, "legal_basis": BASIS}),
        post(c, "/reveal", {"report": report.number, "legal_basis": BASIS, "legal_hold": True}),
        post(c, f"/reveal/{pending}/decide", {"approve": True}),
        post(c, f"/reveal/{approved}/show"),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert all(NAME not in a.content.decode() for a in answers)


def test_every_privacy_officer_is_told_of_each_reveal_step(staff, django_capture_on_commit_callbacks):
    report = private_report()
    first = staff("ppid.satu", "biro-pemerintahan", R.PRIVACY_OFFICER)
    second = staff("ppid.dua", "biro-pemerintahan", R.PRIVACY_OFFICER)
    third = staff("ppid.tiga", "biro-pemerintahan", R.PRIVACY_OFFICER)
    third.email = "ppid.tiga@jakarta.go.id"
    third.save()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        rid = post(
            session(first), "/reveal", {"report": report.number, "legal_basis": BASIS, "legal_hold": True}
        ).json()["id"]
        post(session(second), f"/reveal/{rid}/decide", {"approve": True})
        shown = post(session(first), f"/reveal/{rid}/show")
    assert shown.status_code == 200 and shown.json()["name"] == NAME

    for ppid in (first, second, third):
        notices = list(StaffNotice.objects.filter(user=ppid).order_by("id"))
        assert [n.kind for n in notices] == ["reveal_request", "reveal_decision", "reveal_shown"]
        assert all(n.report_number == report.number for n in notices)
        assert "ppid.satu" in notices[-1].body and "ppid.dua" in notices[-1].body
        assert all(NAME not in n.body + n.body_en for n in notices)
    assert not StaffNotice.objects.filter(user=officer).exists()
    assert any(m.to == ["ppid.tiga@jakarta.go.id"] and report.number in m.body for m in mail.outbox)
    assert all(NAME not in m.body for m in mail.outbox)


def test_a_privacy_officer_reads_their_own_notices(staff):
    report = private_report()
    first = staff("ppid.satu", "biro-pemerintahan", R.PRIVACY_OFFICER)
    other = staff("ppid.dua", "biro-pemerintahan", R.PRIVACY_OFFICER)
    post(session(first), "/reveal", {"report": report.number, "legal_basis": BASIS})
    listed = session(other).get("/api/v1/privacy/notices")
    assert listed.status_code == 200
    rows = listed.json()
    assert [r["kind"] for r in rows] == ["reveal_request"] and rows[0]["report"] == report.number
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    assert session(officer).get("/api/v1/privacy/notices").status_code == 403
