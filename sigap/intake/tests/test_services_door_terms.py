"""The name a reporter's email address or app account spells is cut from what they write, on the paths an officer
reads (an attacker's review): a reporter known only by an address ("wulandari.kusuma@…", Open311's
``account_id`` "siti_rahayu") who signed with that name kept it, or its surname, in the officers' copy."""

from __future__ import annotations

import json

import pytest

from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
TEXT = "Got mampet di depan gang, air meluap ke jalan setiap hujan."


@pytest.mark.parametrize(
    "email, sign_off",
    [
        ("wulandari.kusuma@yahoo.com", "wulandari kusuma"),
        ("siti.rahayu@gmail.com", "Terima kasih, Siti Rahayu"),
        ("sitirahayu88@gmail.com", "Hormat saya,\nSiti Rahayu"),
    ],
)
def test_an_api_reporter_known_by_email_signing_with_its_name(client, email, sign_off):
    lat, lon = inner_point("31.75.07.1002")
    data = {"category": "saluran-tersumbat", "description": f"{TEXT}\n{sign_off}", "lat": lat, "lon": lon,
            "privacy": "private", "reporter": {"email": email}}  # fmt: skip
    response = client.post("/api/v1/reports", data=json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    officers_copy = Report.objects.get(number=response.json()["id"]).description
    assert officers_copy.startswith(TEXT)
    assert "rahayu" not in officers_copy.lower() and "kusuma" not in officers_copy.lower(), officers_copy
    assert "wulandari" not in officers_copy.lower() and "siti" not in officers_copy.lower(), officers_copy


def test_an_open311_reporter_known_by_the_apps_account_signing_with_its_name(client):
    from sigap.open311.services import apiclient_issue

    key = apiclient_issue(name="app-warga", rate_per_minute=60)[1]
    lat, lon = inner_point("31.75.07.1002")
    request = {"api_key": key, "service_code": "sampah", "lat": str(lat), "long": str(lon),
               "description": f"{TEXT} Hormat saya, Siti Rahayu", "account_id": "siti_rahayu"}  # fmt: skip
    response = client.post("/open311/v2/requests.json", request)
    assert response.status_code == 201, response.content
    officers_copy = Report.objects.get(number=response.json()[0]["service_request_id"]).description
    assert "rahayu" not in officers_copy.lower() and "siti" not in officers_copy.lower(), officers_copy
    # and a later answer through the vault's record
    from sigap.privacy import door

    report = Report.objects.get(number=response.json()[0]["service_request_id"])
    later = door.for_officers("Masih mampet sampai sekarang. Siti Rahayu", reporter_ref=report.reporter_ref).text
    assert "rahayu" not in later.lower(), later
