"""When the reply to a COMMIT is lost, the reports were stored: they are answered as filed, never written again.

A batch whose COMMIT reached the database but whose answer did not (the connection cut at that moment)
raises like a failed batch. The one-by-one fallback first asks which of the batch's reports exist (their
tracking codes are chosen before the write) and answers those as filed; only the others are written again.
In-process (both databases) the write commits and then raises; on PostgreSQL a proxy on loopback really
swallows the COMMIT's reply and cuts the connection."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client

from sigap.intake import groupcommit
from sigap.intake import services as intake
from sigap.intake.services import IntakeResult, report_submit, report_submit_many
from sigap.privacy.models import IdentityRecord
from sigap.reports import services as report_services
from sigap.reports.models import Notification, Report

from .test_groupcommit import _file_concurrently, _hold_first_batch, _sub, quiet_reference  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)
N = 7


def _commit_then_lose_the_reply(monkeypatch, times: int = 1) -> list[int]:
    """``intake._write`` commits, then raises as psycopg does when the connection is cut before the answer."""
    real = intake._write
    sizes: list[int] = []

    def lost(prepared):
        result = real(prepared)  # committed
        sizes.append(len(prepared))
        if len(sizes) <= times:
            raise OperationalError("server closed the connection unexpectedly")
        return result

    monkeypatch.setattr(intake, "_write", lost)
    return sizes


def _each_stored_once(results) -> None:
    assert all(isinstance(r, IntakeResult) for r in results), results
    assert Report.objects.count() == len(results)
    assert IdentityRecord.objects.count() == len(results)
    for result in results:
        stored = Report.objects.get(tracking_hash=report_services.tracking_hash(result.tracking_code))
        assert stored.pk == result.report.pk and stored.number == result.report.number
        assert Notification.objects.filter(report=stored, kind="received").count() == 1


def test_a_batch_whose_commit_reply_is_lost_is_answered_as_filed_not_written_again(quiet_reference, monkeypatch):
    _commit_then_lose_the_reply(monkeypatch)
    results = report_submit_many([_sub(quiet_reference, k) for k in range(N)])
    _each_stored_once(results)


def test_a_single_report_whose_commit_reply_is_lost_is_answered_as_filed(quiet_reference, monkeypatch):
    _commit_then_lose_the_reply(monkeypatch)
    result = report_submit(_sub(quiet_reference, 1))  # through the group-commit writer
    _each_stored_once([result])
    assert groupcommit.stats()["reports"] == 1


def test_a_group_commit_batch_whose_commit_reply_is_lost_is_answered_as_filed(quiet_reference, monkeypatch):
    sizes = _hold_first_batch(monkeypatch, N - 1)
    _commit_then_lose_the_reply(monkeypatch, times=2)  # the lone first one and the batch after it
    results = _file_concurrently([_sub(quiet_reference, k) for k in range(N)])
    assert sizes[:2] == [1, N - 1]
    _each_stored_once(results)


def test_a_batch_that_really_failed_is_still_written_one_by_one(quiet_reference, monkeypatch):
    real = intake._write
    calls: list[int] = []

    def fails_once(prepared):
        calls.append(len(prepared))
        if len(calls) == 1:
            raise IntegrityError("duplicate key value")  # nothing committed
        return real(prepared)

    monkeypatch.setattr(intake, "_write", fails_once)
    results = report_submit_many([_sub(quiet_reference, k) for k in range(3)])
    assert calls == [3, 1, 1, 1]
    _each_stored_once(results)


# --- a real lost reply: a proxy in front of PostgreSQL ----------------------------------------------------


@pytest.fixture
def through_proxy():
    if connection.vendor != "postgresql":
        pytest.skip("a lost COMMIT reply needs a database server behind a TCP proxy (PostgreSQL); SQLite is a file")
    from tests.faults import PgProxy

    conf = connection.settings_dict
    saved = {k: conf.get(k) for k in ("HOST", "PORT", "OPTIONS")}
    proxy = PgProxy((conf["HOST"] or "127.0.0.1", int(conf["PORT"] or 5432))).start()
    groupcommit.stop()
    connection.close()
    conf.update(HOST="127.0.0.1", PORT=str(proxy.port), OPTIONS={**(conf.get("OPTIONS") or {}), "sslmode": "disable"})
    try:
        yield proxy
    finally:
        groupcommit.stop()
        connection.close()
        conf.update(saved)
        proxy.stop()


def test_postgresql_lost_commit_reply_for_a_batch(quiet_reference, through_proxy):
    through_proxy.drop_commit_replies = 1
    results = report_submit_many([_sub(quiet_reference, k) for k in range(N)])
    assert through_proxy.dropped == 1
    _each_stored_once(results)


def test_postgresql_lost_commit_reply_for_a_report_filed_over_the_api(quiet_reference, through_proxy):
    lat, lon = quiet_reference
    body = json.dumps(
        {
            "category": "saluran-tersumbat",
            "description": "Got mampet di gang mawar, air meluap ke jalan.",
            "lat": lat,
            "lon": lon,
            "reporter": {"name": "Siti Aminah"},
        }
    )
    through_proxy.drop_commit_replies = 1
    response = Client(raise_request_exception=False).post("/api/v1/reports", data=body, content_type="application/json")
    assert through_proxy.dropped == 1
    assert response.status_code == 201, response.content
    stored = Report.objects.get()
    assert stored.number == response.json()["id"]
    assert stored.tracking_hash == report_services.tracking_hash(response.json()["tracking_code"])
    assert Notification.objects.filter(report=stored, kind="received").count() == 1
