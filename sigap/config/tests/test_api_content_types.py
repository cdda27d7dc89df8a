"""A form body (multipart/form-data, as ``curl -F`` or an HTML form sends it) posted to an API operation that reads
JSON is a 415 that changes nothing (a fuzzing review found it answered 500: the request-limits middleware had
read the form, and the API's own read of the body then raised)."""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.intake.tests.test_api import body, post_json

pytestmark = pytest.mark.django_db


def _client() -> Client:
    # the production path: an exception inside a view becomes the 500 a resident would see, not a test error
    return Client(raise_request_exception=False)


def _file_report(client) -> tuple[str, str]:
    r = post_json(client, body())
    assert r.status_code == 201, r.content
    return r.json()["id"], r.json()["tracking_code"]


def test_multipart_body_to_the_token_endpoint_is_a_415_not_a_500():
    """POST /api/v1/officer/auth/token as multipart/form-data (curl -F, an HTML form): RequestLimitsMiddleware
    parses the multipart body (sigap/core/limits.py form_parse), so Django Ninja's ``request.body``
    (ninja/params/models.py:134, outside its try) raises RawPostDataException: 500."""
    from sigap.officers.models import ApiToken

    r = _client().post("/api/v1/officer/auth/token", {"username": "x", "password": "y"})  # multipart by default
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type", (r.status_code, r.content)
    assert ApiToken.objects.count() == 0


def test_broken_multipart_body_to_the_token_endpoint_is_a_415_not_a_500():
    r = _client().generic(
        "POST", "/api/v1/officer/auth/token", b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"
    )
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type", (r.status_code, r.content)


def test_multipart_rating_on_the_track_api_is_a_415_and_rates_nothing(client):
    from sigap.reports.models import Report

    number, code = _file_report(client)
    r = _client().post(f"/api/v1/track/{code}/rating", {"rating": "5", "comment": "cepat"})
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type", (r.status_code, r.content)
    assert Report.objects.get(number=number).rating is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/track/{code}/dispute",
        "/api/v1/track/{code}/confirm",
    ],
)
def test_multipart_reporter_actions_on_the_track_api_are_a_415(client, path):
    from sigap.reports.models import StatusChange

    _number, code = _file_report(client)
    before = StatusChange.objects.count()
    r = _client().post(path.format(code=code), {"reason": "masih mampet", "answer": "di depan gang"})
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type", (r.status_code, r.content)
    assert StatusChange.objects.count() == before
