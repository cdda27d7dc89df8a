"""A database outage is answered 503 with ``Retry-After`` on every kind of endpoint, never 500.

In-process (both databases) the outage is every new cursor failing the way Django reports a refused
connection; on PostgreSQL the server really is unreachable (a closed port)."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from sigap.intake.tests.test_groupcommit import quiet_reference  # noqa: F401 - fixture
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage(monkeypatch):
    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    yield
    monkeypatch.undo()


def report_json() -> str:
    lat, lon = inner_point("31.75.07.1002")
    return json.dumps(
        {
            "category": "saluran-tersumbat",
            "description": "Got mampet di depan gang, air meluap ke jalan.",
            "lat": lat,
            "lon": lon,
            "reporter": {"name": "Siti Aminah"},
        }
    )


def assert_unavailable(response, *, json_body: bool = True):
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert int(response["Retry-After"]) > 0
    if json_body:
        body = response.json()
        assert body["code"] == "database_unavailable" and body["message"] and body["message_en"]
    else:
        assert b'data-code="database_unavailable"' in response.content


def test_filing_during_an_outage_is_503_with_retry_after(request):
    body = report_json()
    request.getfixturevalue("outage")
    client = Client(raise_request_exception=False)
    assert_unavailable(client.post("/api/v1/reports", data=body, content_type="application/json"))


def test_officer_api_during_an_outage_is_503(outage):
    client = Client(raise_request_exception=False)
    assert_unavailable(client.get("/api/v1/officer/reports", HTTP_AUTHORIZATION="Bearer abc"))


def test_a_portal_page_during_an_outage_is_a_503_page(outage):
    client = Client(raise_request_exception=False)
    assert_unavailable(client.get("/publik/"), json_body=False)


def test_a_failure_in_a_middleware_during_an_outage_is_503_too(outage):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32  # the session store is read before any view
    assert_unavailable(client.get("/petugas/"), json_body=False)


def test_healthz_says_degraded_with_503(outage):
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "degraded"


@pytest.mark.django_db(transaction=True)
def test_postgresql_unreachable_is_503_and_the_next_request_after_it_returns_files(settings, request):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a refused TCP connection needs a database server (PostgreSQL); SQLite is a file")
    from tests.faults import closed_port

    request.getfixturevalue("quiet_reference")  # reference rows again if a transactional test emptied them

    settings.SIGAP_INTAKE_GROUP_COMMIT = False
    client = Client(raise_request_exception=False)
    body = report_json()
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        assert_unavailable(client.post("/api/v1/reports", data=body, content_type="application/json"))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert client.post("/api/v1/reports", data=body, content_type="application/json").status_code == 201
    assert Report.objects.count() == 1


def test_a_failure_before_the_view_answers_a_json_client_with_json(monkeypatch):
    """Found by an operator's review: a failure in the API's rate-limit check (Redis stopped, then) ran before
    the view's own error handling and answered a JSON client with Django's HTML "Server Error (500)" page."""
    from sigap.core.throttles import WindowThrottle

    def broken(self, request):
        raise RuntimeError("the counter's store failed")

    monkeypatch.setattr(WindowThrottle, "allow_request", broken)
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/reports", data=report_json(), content_type="application/json")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error" and response.json()["message_en"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "message",
    ["LIKE or GLOB pattern too complex", "too many SQL variables", "string or blob too big"],
)
def test_an_error_of_the_querys_own_shape_is_not_an_outage(message):
    """SQLite raises these as ``OperationalError`` too: answered 503 with Retry-After, a search too long to compile
    was told to come back in 5 seconds and logged "database unavailable" (a fuzzing review). Trying again cannot
    help: they are the server's error (or, at their source, the caller's), not an outage."""
    from sigap.core.outage import is_outage

    assert not is_outage(OperationalError(message))
    assert is_outage(OperationalError("database is locked"))
    assert is_outage(OperationalError("no such table: reports_report"))  # an upgrade's migration is running
    assert is_outage(OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused'))
