"""What every Open311 endpoint does around its work (``sigap.open311.http``): the method check, the jurisdiction,
the api_key (parameter or header), the per-minute rate limit, NUL characters scrubbed, and every refusal or bug
answered in the GeoReport v2 error shape."""

from __future__ import annotations

import json

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.test import RequestFactory

from sigap.core.errors import DomainError, NotFound
from sigap.open311 import http
from sigap.open311.errors import Open311Error
from sigap.open311.formats import EXTENSION_KEY

rf = RequestFactory()


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def answer(view, request, fmt="json"):
    response = http.open311_view()(view)(request, fmt=fmt)
    return response.status_code, (json.loads(response.content) if fmt == "json" else response.content)


def test_a_method_the_endpoint_does_not_take_is_405_with_allow():
    response = http.open311_view(("GET", "HEAD"))(lambda request, fmt: HttpResponse("ok"))(rf.delete("/x"), fmt="json")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (NotFound("Tidak ada.", "Not found."), 404, "not_found"),
        (DomainError("Deskripsi terlalu pendek.", "Too short.", status=422, field="description"), 400, "error"),
        (SuspiciousOperation("too many fields"), 400, "unreadable_request"),
        (RuntimeError("a bug"), 500, "server_error"),
    ],
)
def test_every_refusal_and_every_bug_is_a_georeport_error(exc, status, code):
    def view(request, fmt):
        raise exc

    got, body = answer(view, rf.get("/x"))
    assert got == status and body[0]["code"] == status and body[0][EXTENSION_KEY]["code"] == code
    assert body[0]["description"]


def test_nul_characters_never_reach_the_view():
    seen = {}

    def view(request, fmt, **kwargs):
        seen.update(q=request.GET.get("q"), key=list(request.GET), kw=kwargs)
        return HttpResponse("ok")

    http.open311_view()(view)(rf.get("/x", {"q": "ban\x00jir", "a\x00b": "1"}), fmt="json", number="JK\x001")
    assert seen == {"q": "banjir", "key": ["q", "ab"], "kw": {"number": "JK1"}}


def test_an_unknown_jurisdiction_is_404_and_the_citys_own_or_none_passes(settings):
    settings.SIGAP_OPEN311_JURISDICTION = "jakarta.go.id"
    http.jurisdiction_check(rf.get("/x"))
    http.jurisdiction_check(rf.get("/x", {"jurisdiction_id": " jakarta.go.id "}))
    with pytest.raises(Open311Error) as refused:
        http.jurisdiction_check(rf.get("/x", {"jurisdiction_id": "bandung.go.id"}))
    assert (refused.value.status, refused.value.code) == (404, "unknown_jurisdiction")
    settings.SIGAP_OPEN311_JURISDICTION = ""
    assert http.jurisdiction_id() == settings.SIGAP_PROVINCE


@pytest.mark.django_db
def test_the_api_key_comes_from_the_parameter_or_the_header_and_must_be_valid(api_key):
    client, key = api_key("app-warga")
    assert http.client_from_request(rf.get("/x", {"api_key": key}), required=True) == client
    assert http.client_from_request(rf.get("/x", headers={"X-API-Key": key}), required=True) == client
    assert http.client_from_request(rf.post("/x", {"api_key": f" {key} "}), required=True) == client
    client.refresh_from_db()
    assert client.last_used_at is not None
    assert http.client_from_request(rf.get("/x"), required=False) is None
    with pytest.raises(Open311Error) as missing:
        http.client_from_request(rf.get("/x"), required=True)
    assert (missing.value.status, missing.value.code) == (403, "api_key_required")
    with pytest.raises(Open311Error) as wrong:
        http.client_from_request(rf.get("/x", {"api_key": "salah"}), required=False)
    assert (wrong.value.status, wrong.value.code) == (403, "invalid_api_key")
    type(client).objects.filter(pk=client.pk).update(active=False)
    with pytest.raises(Open311Error):
        http.client_from_request(rf.get("/x", {"api_key": key}), required=True)


@pytest.mark.django_db
def test_each_client_has_its_own_rate_and_anonymous_readers_share_one_per_address(api_key, settings):
    settings.SIGAP_OPEN311_PUBLIC_PER_MINUTE = 2
    fast, _key = api_key("app-cepat", rate=3)
    for _ in range(3):
        http.throttle(rf.get("/x"), fast)
    with pytest.raises(Open311Error) as limited:
        http.throttle(rf.get("/x"), fast)
    assert (limited.value.status, limited.value.code) == (429, "rate_limited")
    http.throttle(rf.get("/x", REMOTE_ADDR="10.0.0.1"), None)
    http.throttle(rf.get("/x", REMOTE_ADDR="10.0.0.1"), None)
    with pytest.raises(Open311Error):
        http.throttle(rf.get("/x", REMOTE_ADDR="10.0.0.1"), None)
    http.throttle(rf.get("/x", REMOTE_ADDR="10.0.0.2"), None)  # another address counts on its own


@pytest.mark.django_db
def test_a_clients_last_use_is_written_once_a_minute(api_key):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, key = api_key("app-warga")

    def writes() -> int:
        with CaptureQueriesContext(connection) as ctx:
            http.client_from_request(rf.get("/x", {"api_key": key}), required=True)
        return sum(1 for q in ctx.captured_queries if q["sql"].startswith('UPDATE "open311_apiclient"'))

    assert writes() == 1 and writes() == 0
    client.refresh_from_db()
    type(client).objects.filter(pk=client.pk).update(last_used_at=client.last_used_at - timedelta(minutes=2))
    assert writes() == 1
