"""The nightly housekeeping: expired sessions, long-expired API tokens and old sign-in records are removed, in
batches; nothing live is touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.utils import timezone

from sigap.config import periodic
from sigap.officers import housekeeping
from sigap.officers.models import ApiToken
from sigap.officers.sessions import SessionStore, stored_key

pytestmark = pytest.mark.django_db


def _session(age_seconds: int) -> str:
    """A stored session that expires ``-age_seconds`` from now (negative: still live)."""
    store = SessionStore()
    store["portal_reports"] = ["JK202612070001"]
    store.set_expiry(3600)
    store.create()
    if age_seconds > 0:  # stored as expired (a browser that never came back)
        Session.objects.filter(session_key=stored_key(store.session_key)).update(
            expire_date=timezone.now() - timedelta(seconds=age_seconds)
        )
    return store.session_key


def test_expired_sessions_go_and_live_ones_still_load(monkeypatch):
    monkeypatch.setattr(housekeeping, "BATCH", 2)  # several batches
    live = _session(-3600)
    for age in (60, 3600, 86400, 30 * 86400, 400 * 86400):
        _session(age)
    assert Session.objects.count() == 6
    assert housekeeping.run()["sessions"] == 5
    assert Session.objects.count() == 1
    assert SessionStore(live)["portal_reports"] == ["JK202612070001"]


def test_api_tokens_go_a_week_after_they_expire(staff):
    user = staff("petugas.pb", "kel:31.75.07.1002")
    now = timezone.now()
    hours = timedelta(hours=12)
    live = ApiToken.issue(user, "live", now=now)
    ApiToken.issue(user, "expired yesterday", now=now - timedelta(days=1) - hours)
    ApiToken.issue(user, "expired last month", now=now - timedelta(days=30) - hours)
    assert housekeeping.run(now)["api_tokens"] == 1
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"live", "expired yesterday"}
    assert ApiToken.objects.get(key_hash=ApiToken.hash(live)).name == "live"


@pytest.mark.parametrize("model", [AccessLog, AccessFailureLog])
def test_sign_in_records_go_after_the_days_the_city_keeps_them(settings, model):
    now = timezone.now()
    for days in (1, 364, 366, 800):
        row = model.objects.create(username=f"petugas.{days}", ip_address="10.0.0.1", user_agent="x", path_info="/")
        model.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=days))
    settings.SIGAP_SIGNIN_LOG_DAYS = 0  # kept for ever
    assert "signin_logs" not in housekeeping.run(now) and model.objects.count() == 4
    settings.SIGAP_SIGNIN_LOG_DAYS = 365
    removed = housekeeping.run(now)
    assert removed["signin_logs" if model is AccessLog else "signin_failures"] == 2
    assert set(model.objects.values_list("username", flat=True)) == {"petugas.1", "petugas.364"}


def test_the_nightly_job_runs_it():
    assert periodic.JOBS["housekeeping"].command == ("housekeeping", "run")
    _session(86400)
    text = periodic.run_job("housekeeping")
    assert text.startswith("Housekeeping: removed 1 expired sessions, 0 expired API tokens")
    assert Session.objects.count() == 0
