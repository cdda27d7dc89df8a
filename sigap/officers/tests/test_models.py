"""An API token row is bound to its account, its second factor and its expiry (the database owner's SQL).

``key_hash`` alone names the token; a keyed MAC (``ApiToken.binding``) also covers the account, ``otp_verified``
and ``expires_at``, so a row rewritten by SQL (moved to a privacy officer, given the factor, kept alive) opens
nothing: it is refused exactly as an unknown token is.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sigap.intake.services import Reporter
from sigap.officers.models import ApiToken
from sigap.officers.tests.helpers import PB_UNIT, sql, totp_code
from sigap.organization.models import StaffRole
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PASSWORD = "test-password-123"
BIRO = "biro-pemerintahan"
BASIS = "Permintaan penyidik Polda Metro Jaya No. B/123/XI/2026 berdasarkan KUHAP pasal 7"
UNKNOWN = "sgp_no-such-token-0123456789abcdefghijklmnopqrs"


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def token(username: str, otp: str | None = None) -> str:
    data = {"username": username, "password": PASSWORD, **({"otp": otp} if otp else {})}
    answer = Client().post("/api/v1/officer/auth/token", data, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def row_id(key: str) -> int:
    return ApiToken.objects.get(key_hash=ApiToken.hash(key)).pk


def refused_like_an_unknown_token(response, path: str) -> bool:
    unknown = Client().get(path, **bearer(UNKNOWN))
    return (response.status_code, response.content) == (unknown.status_code, unknown.content) == (401, unknown.content)


def test_a_token_moved_to_a_privacy_officer_by_sql_reveals_nothing(otp_on, staff):
    report = submit(reporter=Reporter(name="Ratna Sari Dewi", phone="081377001122")).report
    staff("petugas.pb", PB_UNIT)
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    key = token("petugas.pb")  # a password-only officer
    sql("UPDATE officers_apitoken SET user_id = %s, otp_verified = %s WHERE id = %s", [ppid.pk, True, row_id(key)])
    asked = Client().post(
        "/api/v1/privacy/reveal",
        data=json.dumps({"report": report.number, "legal_basis": BASIS}),
        content_type="application/json",
        **bearer(key),
    )
    assert asked.status_code == 401, asked.content
    assert refused_like_an_unknown_token(
        Client().get("/api/v1/privacy/reveal", **bearer(key)), "/api/v1/privacy/reveal"
    )
    assert refused_like_an_unknown_token(
        Client().get("/api/v1/officer/reports", **bearer(key)), "/api/v1/officer/reports"
    )


def test_a_token_moved_to_another_officer_by_sql_is_refused(staff):
    staff("petugas.pb", PB_UNIT)
    other = staff("petugas.lain", PB_UNIT)
    key = token("petugas.pb")
    sql("UPDATE officers_apitoken SET user_id = %s WHERE id = %s", [other.pk, row_id(key)])
    answer = Client().get("/api/v1/officer/reports", **bearer(key))
    assert refused_like_an_unknown_token(answer, "/api/v1/officer/reports")


def test_the_second_factor_claimed_by_sql_is_refused(otp_on, staff):
    officer = staff("petugas.pb", PB_UNIT)
    key = token("petugas.pb")
    officer.is_staff = True  # the account now needs a factor (through the application: the seal stays valid)
    officer.save()
    sql("UPDATE officers_apitoken SET otp_verified = %s WHERE id = %s", [True, row_id(key)])
    answer = Client().get("/api/v1/officer/reports", **bearer(key))
    assert refused_like_an_unknown_token(answer, "/api/v1/officer/reports")


def test_an_expiry_moved_forward_by_sql_is_refused(staff):
    officer = staff("petugas.pb", PB_UNIT)
    key = ApiToken.issue(officer, name="api", now=timezone.now() - timedelta(hours=13))
    expired = Client().get("/api/v1/officer/reports", **bearer(key))
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    later = connection.ops.adapt_datetimefield_value(timezone.now() + timedelta(hours=12))
    sql("UPDATE officers_apitoken SET expires_at = %s WHERE id = %s", [later, row_id(key)])
    answer = Client().get("/api/v1/officer/reports", **bearer(key))
    assert refused_like_an_unknown_token(answer, "/api/v1/officer/reports")


def test_a_normal_token_still_works(otp_on, staff):
    staff("petugas.pb", PB_UNIT)
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    key = token("petugas.pb")
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200  # and again (last_used_at)
    ppid_key = token("ppid.satu", totp_code(ppid))
    assert Client().get("/api/v1/privacy/reveal", **bearer(ppid_key)).status_code == 200


def test_a_token_survives_a_secret_key_rotation_with_the_old_key_as_fallback(staff, settings):
    staff("petugas.pb", PB_UNIT)
    key = token("petugas.pb")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old]
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200


def test_a_tokens_last_use_is_written_once_a_minute_not_on_every_request(staff):
    from django.test.utils import CaptureQueriesContext

    staff("petugas.pb", PB_UNIT)
    key = token("petugas.pb")
    ApiToken.objects.filter(key_hash=ApiToken.hash(key)).update(last_used_at=None)

    def writes() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "officers_apitoken"')]

    assert len(writes()) == 1  # first use: recorded
    first = ApiToken.objects.get(key_hash=ApiToken.hash(key)).last_used_at
    assert first is not None
    assert writes() == []  # again within the minute: nothing written
    ApiToken.objects.filter(key_hash=ApiToken.hash(key)).update(last_used_at=first - timedelta(seconds=61))
    assert len(writes()) == 1  # a minute later: recorded again
    assert ApiToken.objects.get(key_hash=ApiToken.hash(key)).last_used_at > first
