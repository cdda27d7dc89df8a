"""A contact a reporter types must be one Sigap can use (found by a review of bad input): an email address that
cannot be one ("siti-at-example.org") was filed through the API and Open311 while the portal refused it, and the
resident waited for updates that could never reach them. A coordinate sent as ``true`` was read as 1.0 and answered
"outside the area"."""

from __future__ import annotations

import json

import pytest

from sigap.privacy.models import IdentityRecord
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
NOT_AN_EMAIL = ("siti-at-example.org", "x", "siti@", "siti@@example.org")


def body(**overrides) -> dict:
    lat, lon = inner_point("31.75.07.1002")
    return {"category": "jalan-rusak", "description": "Jalan berlubang dalam di depan sekolah, motor sering jatuh.",
            "lat": lat, "lon": lon, **overrides}  # fmt: skip


@pytest.mark.parametrize("email", NOT_AN_EMAIL)
def test_the_api_refuses_an_email_that_cannot_be_an_address_and_files_nothing(client, email):
    as_json = client.post(
        "/api/v1/reports", json.dumps(body(reporter={"name": "Siti", "email": email})), content_type="application/json"
    )
    assert as_json.status_code == 422 and as_json.json()["code"] == "invalid_email", as_json.content
    assert as_json.json()["field"] == "email"
    multipart = client.post("/api/v1/reports", {**body(), "reporter_email": email})
    assert multipart.status_code == 422 and multipart.json()["code"] == "invalid_email", multipart.content
    assert Report.objects.count() == 0 and IdentityRecord.objects.count() == 0
    # an address that can be one is filed
    fine = client.post(
        "/api/v1/reports", json.dumps(body(reporter={"email": "siti@example.org"})), content_type="application/json"
    )
    assert fine.status_code == 201, fine.content


def test_open311_refuses_an_email_that_cannot_be_an_address(client):
    from sigap.open311.services import apiclient_issue

    key = apiclient_issue(name="app-warga", rate_per_minute=60)[1]
    lat, lon = inner_point("31.75.07.1002")
    request = {"api_key": key, "service_code": "sampah", "lat": str(lat), "long": str(lon),
               "description": "Sampah menumpuk di depan sekolah.", "email": NOT_AN_EMAIL[0]}  # fmt: skip
    response = client.post("/open311/v2/requests.json", request)
    assert response.status_code == 400, response.content
    assert response.json()[0]["sigap"]["code"] == "invalid_email"
    assert Report.objects.count() == 0


@pytest.mark.parametrize("flag", [True, False])
def test_a_coordinate_sent_as_true_or_false_is_invalid_input(client, flag):
    response = client.post("/api/v1/reports", json.dumps(body(lat=flag, lon=flag)), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input" and response.json()["field"] == "lat", response.content
    assert Report.objects.count() == 0


@pytest.mark.parametrize("nik", ["x", "\u0661\u0662\u0663", "317501010101000", "31750101010100012"])
def test_a_nik_that_is_not_sixteen_digits_is_refused(client, nik):
    response = client.post(
        "/api/v1/reports", json.dumps(body(reporter={"name": "Siti", "nik": nik})), content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_nik", response.content
    assert Report.objects.count() == 0 and IdentityRecord.objects.count() == 0
    grouped = client.post(
        "/api/v1/reports",
        json.dumps(body(reporter={"nik": "3175 0101 0101 0001"})),
        content_type="application/json",
    )
    assert grouped.status_code == 201, grouped.content
