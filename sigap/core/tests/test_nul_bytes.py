"""A NUL character in any text a person sends is a clear 422 before any work is done.

PostgreSQL refuses U+0000 in text columns: left to reach the database it was a 500, and in a group-commit
batch it sank every report written with it. It is refused at the door (``RequestLimitsMiddleware``) for
every form field, JSON string and query parameter, and again in the domain for what channels hand in
without HTTP forms (``intake.services.submission_validate``, the reporter's answers, disputes, comments)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sigap.core.errors import DomainError
from sigap.intake import services as intake
from sigap.privacy.models import IdentityRecord
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

from .test_limits import API, BOUNDARY, OPERATOR, PORTAL, assert_clear, fields, multipart, post

pytestmark = pytest.mark.django_db


def _json_body(**overrides) -> dict:
    lat, lon = inner_point("31.75.07.1002")
    data = {
        "category": "saluran-tersumbat",
        "description": "Got mampet di depan gang, air meluap ke jalan.",
        "lat": lat,
        "lon": lon,
        "privacy": "private",
        "reporter": {"name": "Siti Aminah"},
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": "Got mampet di depan gang,\x00 air meluap ke jalan."},
        {"address": "Jl. Pahlawan\x00 Revolusi"},
        {"reporter": {"name": "Siti\x00 Aminah"}},
    ],
)
def test_api_json_with_a_nul_anywhere_is_422_and_nothing_is_written(client, overrides):
    response = client.post(API, data=json.dumps(_json_body(**overrides)), content_type="application/json")
    assert_clear(response, 422, "invalid_character", "karakter")
    assert not Report.objects.exists() and not IdentityRecord.objects.exists()


def test_api_multipart_with_a_nul_in_the_description_is_422(client):
    values = fields(description="Got mampet di depan gang,\x00 air meluap ke jalan.")
    response = post(client, API, multipart(values), f"multipart/form-data; boundary={BOUNDARY}")
    assert_clear(response, 422, "invalid_character")
    assert not Report.objects.exists()


def test_portal_form_with_a_nul_is_a_clear_422_page(client):
    values = fields(description="Got mampet di depan gang,\x00 air meluap ke jalan.")
    response = post(client, PORTAL, multipart(values), f"multipart/form-data; boundary={BOUNDARY}")
    assert_clear(response, 422, "invalid_character")
    assert not Report.objects.exists()


def test_officer_inputs_with_a_nul_are_422_before_anything_else(client, staff):
    from django.test import Client

    from sigap.organization.models import StaffRole

    response = client.post(
        "/api/v1/officer/reports/JK000/reject",
        data=json.dumps({"reason": "bukan\x00 wewenang"}),
        content_type="application/json",
    )
    assert_clear(response, 422, "invalid_character")
    operator = Client()
    operator.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    response = operator.post(OPERATOR, {"description": "Got mampet\x00 di depan gang."})
    assert_clear(response, 422, "invalid_character")


@pytest.mark.parametrize("content_type", ["text/plain", "", "application/x-json"])
def test_a_nul_in_a_json_body_not_labelled_json_is_422_and_nothing_changes(client, staff, content_type):
    """The API reads any body but a form's as JSON: sent as text/plain or with no type, a NUL reached the service
    (500 on PostgreSQL; on SQLite the report was rejected with the NUL in its public note). Found by a review."""
    from sigap.officers.tests.test_api import token_for
    from sigap.reports.tests.factories import submit

    report = submit().report
    token = token_for(client, staff("petugas.pb", "kel:31.75.07.1002"))
    response = client.post(
        f"/api/v1/officer/reports/{report.number}/reject",
        json.dumps({"reason": "Lokasi di lahan swasta a\u0000b"}),
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert_clear(response, 422, "invalid_character")
    report.refresh_from_db()
    assert report.status == "waiting" and "\x00" not in report.public_note


def test_a_nul_in_the_query_string_is_422(client):
    assert_clear(client.get("/api/v1/locate", {"lat": "-6.2\x00", "lon": "106.9"}), 422, "invalid_character")


def test_an_escaped_backslash_before_u0000_is_not_a_nul(client):
    response = client.post(
        API,
        data=json.dumps(_json_body(description="Got mampet di gang \\u0000 air meluap.")),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


# --- the domain: channels that hand in a Submission directly -------------------------------------------


def _sub(**overrides) -> intake.Submission:
    lat, lon = inner_point("31.75.07.1002")
    base = intake.Submission(
        category="saluran-tersumbat",
        description="Got mampet di depan gang, air meluap ke jalan.",
        lat=lat,
        lon=lon,
        channel="whatsapp",
        reporter=intake.Reporter(name="Siti Aminah"),
    )
    return replace(base, **overrides)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": "Got mampet di depan gang,\x00 air meluap."}, "description"),
        ({"address": "Jl.\x00 Pahlawan"}, "address"),
        ({"category": "saluran\x00"}, "category"),
        ({"about_unit": "kel:\x00"}, "about_unit"),
        ({"reporter": intake.Reporter(name="Siti", phone="0812\x00")}, "reporter.phone"),
        ({"known_names": ("Siti\x00",)}, "known_names"),
        ({"photos": [("a\x00.jpg", b"\x00\xff")]}, "photos"),
    ],
)
def test_submission_validate_refuses_a_nul_in_every_text_field(overrides, field):
    with pytest.raises(DomainError) as caught:
        intake.submission_validate(_sub(**overrides))
    assert caught.value.status == 422 and caught.value.code == "invalid_character" and caught.value.field == field


def test_photo_bytes_may_hold_nul_bytes():
    intake.submission_validate(_sub(photos=[("foto.jpg", b"\xff\xd8\x00\x00")]))  # no error


def test_reporter_texts_with_a_nul_are_refused_before_any_lookup():
    for call in (
        lambda: intake.reporter_answer(tracking_code="XXXX-XXXX-XXXX", answer="di depan\x00 rumah"),
        lambda: intake.reporter_dispute(tracking_code="XXXX-XXXX-XXXX", reason="belum\x00 selesai"),
        lambda: intake.reporter_rate(tracking_code="XXXX-XXXX-XXXX", rating=3, comment="lambat\x00"),
    ):
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.code == "invalid_character" and caught.value.status == 422


def test_a_chat_message_loses_its_nul_characters_at_the_channel_door():
    from sigap.intake.channels.base import Inbound

    inbound = Inbound(channel="whatsapp", message_id="wamid.1\x00", sender="62812\x00", text="got\x00 mampet")
    assert (inbound.message_id, inbound.sender, inbound.text) == ("wamid.1", "62812", "got mampet")
    assert Inbound.from_dict(inbound.as_dict()) == inbound


@pytest.mark.parametrize("depth", [900, 100_000])
def test_api_json_nested_deep_with_a_nul_is_a_4xx_and_nothing_is_written(client, depth):
    """Found by a review of the fuzzing findings: the NUL check decoded such a body (RecursionError past the parser's
    depth) and walked it recursively (RecursionError below it): 500s."""
    body = "[" * depth + '"\\u0000"' + "]" * depth
    response = client.post(API, data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:300]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/publik/a%00/", "/publik/a%00/foto/1/", "/wilayah/a%00/batas.json", "/api/v1/track/AB%00CD", "/lacak/AB%00/"],
)
def test_a_nul_in_the_path_is_a_404_before_any_lookup(client, path):
    """Found by a fuzzing review on PostgreSQL: a report number or region code with a NUL reached the query, which
    PostgreSQL refuses (500)."""
    response = client.get(path)
    assert response.status_code == 404, response.content[:300]


def test_a_nul_in_an_officer_s_path_is_a_404(client, staff):
    from sigap.reports.tests.factories import submit

    number = submit().report.number
    client.force_login(staff("petugas.pb", "kel:31.75.07.1002"))
    assert client.get(f"/petugas/laporan/{number}%00/").status_code == 404
    assert client.post(f"/petugas/laporan/{number}%00/terima/").status_code == 404
