"""The privacy officers' API (``sigap.privacy.api``): the reveal flow over HTTP, closed to every other role."""

from __future__ import annotations

import json

import pytest

from sigap.organization.models import StaffRole
from sigap.reports.tests.factories import reporter, submit

from .helpers import BASIS

pytestmark = pytest.mark.django_db


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
