"""``POST requests`` with an ``Idempotency-Key`` header (as ``POST /api/v1/reports`` takes one): a client app that
lost the 201 and sends the request again gets the first report back, not a second one (found by a fuzzing review:
every retry filed a report)."""

from __future__ import annotations

import pytest
from django.test import Client

from sigap.reports.models import Report

pytestmark = pytest.mark.django_db

KEY = '"8e03978e-40d5-43e8-bc93-6894a57f9324"'


def _form(key: str, **overrides) -> dict:
    return {
        "api_key": key,
        "service_code": "saluran-tersumbat",
        "lat": "-6.2297",
        "long": "106.9108",
        "description": "Got mampet di depan gang, air meluap ke jalan setiap hujan.",
        **overrides,
    }


def test_a_retry_with_the_same_key_answers_the_first_report_and_files_nothing(api_key):
    _app, key = api_key("retrying-app")
    c = Client(raise_request_exception=False)
    first = c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY=KEY)
    again = c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201, (first.content, again.content)
    assert first.json() == again.json() and again["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first
    assert Report.objects.filter(channel="open311").count() == 1


def test_the_same_key_with_another_request_is_refused_and_another_app_has_its_own_keys(api_key):
    _app, key = api_key("retrying-app")
    _other, other_key = api_key("other-app")
    c = Client(raise_request_exception=False)
    assert c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201
    changed = c.post(
        "/open311/v2/requests.json", _form(key, description="Lampu jalan mati sejak kemarin malam di gang ini."),
        HTTP_IDEMPOTENCY_KEY=KEY,
    )  # fmt: skip
    assert changed.status_code == 400 and changed.json()[0]["code"] == 400  # GeoReport v2: every refusal is 400
    assert (
        "sudah dipakai untuk laporan lain" in changed.json()[0]["description"]
        and Report.objects.filter(channel="open311").count() == 1
    )
    # the key is the app's: another app using the same key files its own report
    assert c.post("/open311/v2/requests.json", _form(other_key), HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201
    assert Report.objects.filter(channel="open311").count() == 2
    bad = c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY="short")
    assert bad.status_code == 400 and Report.objects.filter(channel="open311").count() == 2


def test_a_retry_while_the_first_is_being_written_is_told_to_try_again_not_refused(api_key, monkeypatch):
    """The first request's record not yet visible to the retry (its COMMIT not seen): the key is in use, which
    Open311 turned into a final 400 although the first request filed the report (found by a review). 503 with
    Retry-After: the client asks again, and gets the first report."""
    from sigap.intake import idempotency

    _app, key = api_key("retrying-app")
    c = Client(raise_request_exception=False)
    assert c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201
    with monkeypatch.context() as m:
        m.setattr(idempotency, "lookup", lambda claim: None)
        busy = c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY=KEY)
    assert busy.status_code == 503 and int(busy["Retry-After"]) > 0 and busy.json()[0]["code"] == 503
    assert Report.objects.filter(channel="open311").count() == 1
    assert c.post("/open311/v2/requests.json", _form(key), HTTP_IDEMPOTENCY_KEY=KEY)["Idempotency-Replayed"] == "true"
