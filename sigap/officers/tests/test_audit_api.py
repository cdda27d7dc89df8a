"""The auditors' API (``sigap.officers.audit_api``): the access log queried by report, officer and time, paged
within bounds, closed to every other role, and never an identity."""

from __future__ import annotations

import pytest

from sigap.organization.models import StaffRole
from sigap.privacy.models import AccessEvent
from sigap.privacy.tests.conftest import chain  # noqa: F401 - a pytest fixture

pytestmark = pytest.mark.django_db


def test_auditor_queries_by_report_officer_and_time_and_sees_no_identity(client, staff, chain):
    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    data = client.get("/api/v1/audit/access", {"officer": "petugas.pb"}).json()
    assert data["count"] == 5 and {r["officer"] for r in data["results"]} == {"petugas.pb"}
    data = client.get("/api/v1/audit/access", {"report": "JK202611280003"}).json()
    assert data["count"] == 1
    assert client.get("/api/v1/audit/verify").json()["ok"] is True
    officer = chain
    client.force_login(officer)
    assert client.get("/api/v1/audit/access").status_code == 403


@pytest.mark.parametrize(
    "params, field",
    [
        ({"offset": -5}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"offset": "abc"}, "offset"),
        ({"since": "0001-01-01T00:00:00+14:00"}, "since"),
        ({"until": "9999-12-31T23:59:59-12:00"}, "until"),
    ],
)
def test_bad_paging_of_the_audit_api_is_a_clear_4xx(client, staff, chain, params, field):
    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    response = client.get("/api/v1/audit/access", params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == field and body["message"] and body["message_en"]


def test_paging_the_access_log(client, staff, chain):
    auditor = staff("auditor.insp", "inspektorat", StaffRole.Role.AUDITOR)
    client.force_login(auditor)
    page = client.get("/api/v1/audit/access", {"officer": "petugas.pb", "limit": 2, "offset": 2}).json()
    assert page["count"] == 5 and [r["seq"] for r in page["results"]] == [3, 2]
    assert client.get("/api/v1/audit/access", {"offset": 1000}).json()["results"] == []
    # limit is clamped to 1..500 (documented), never an error
    rows = AccessEvent.objects.count()
    assert len(client.get("/api/v1/audit/access", {"limit": 10**30}).json()["results"]) == rows
    assert len(client.get("/api/v1/audit/access", {"limit": -1}).json()["results"]) == 1
