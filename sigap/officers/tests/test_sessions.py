"""A session row's data is bound to its row: a database owner cannot move a privacy officer's signed-in data onto
a row whose cookie they hold, nor keep a session alive past its signed expiry by rewriting ``expire_date``.

The owner is played with raw SQL through ``connection.cursor()`` (see test_seal.py). They know which row is
theirs (here: ``stored_key`` of their own cookie; in life, the newest row after their visit).
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from sigap.officers.sessions import stored_key
from sigap.officers.tests.helpers import HTMX, PB_UNIT, console_verified, sql
from sigap.organization.models import StaffRole
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
R = StaffRole.Role
BIRO = "biro-pemerintahan"
PASSWORD = "test-password-123"
REVEAL = "/api/v1/privacy/reveal"


def row_data(cookie: str) -> str:
    return sql("SELECT session_data FROM django_session WHERE session_key = %s", [stored_key(cookie)])[0][0]


def anonymous_portal_session() -> Client:
    """Someone with no account follows a report on the public portal: the site gives them a session."""
    created = submit()
    attacker = Client()
    assert attacker.get(f"/lacak/{created.tracking_code}/").status_code == 302
    assert "sessionid" in attacker.cookies
    return attacker


def test_a_ppid_sessions_data_copied_onto_another_row_opens_nothing(staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    c = console_verified(ppid)
    assert c.get(REVEAL).status_code == 200
    attacker = anonymous_portal_session()
    assert attacker.get(REVEAL).status_code == 401
    mine = stored_key(attacker.cookies["sessionid"].value)
    sql(
        "UPDATE django_session SET session_data = %s, expire_date = %s WHERE session_key = %s",
        [row_data(c.cookies["sessionid"].value), timezone.now() + timedelta(days=3650), mine],
    )
    assert attacker.get(REVEAL).status_code == 401
    assert c.get(REVEAL).status_code == 200  # the real session is untouched


def test_rewriting_expire_date_does_not_keep_a_session_past_its_signed_expiry(staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    c = console_verified(ppid)
    assert c.get(REVEAL).status_code == 200
    sql("UPDATE django_session SET expire_date = %s", [timezone.now() + timedelta(days=3650)])
    later = timezone.now() + timedelta(seconds=django_settings.SESSION_COOKIE_AGE + 3600)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert c.get(REVEAL).status_code == 401


def test_a_console_login_cycles_the_key_and_the_console_and_htmx_work(staff):
    staff("petugas.pb", PB_UNIT)
    c = anonymous_portal_session()
    before = c.cookies["sessionid"].value
    response = c.post("/petugas/masuk/", {"username": "petugas.pb", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in c.session
    after = c.cookies["sessionid"].value
    assert after != before
    assert sql("SELECT COUNT(*) FROM django_session WHERE session_key = %s", [stored_key(before)])[0][0] == 0
    assert sql("SELECT COUNT(*) FROM django_session WHERE session_key = %s", [stored_key(after)])[0][0] == 1
    assert c.get("/petugas/").status_code == 200
    poll = c.get("/petugas/antrean/", **HTMX)
    assert poll.status_code == 200 and "HX-Redirect" not in poll
    c.post("/petugas/keluar/")
    assert sql("SELECT COUNT(*) FROM django_session WHERE session_key = %s", [stored_key(after)])[0][0] == 0
    assert c.get("/petugas/").status_code == 302


def test_a_session_keeps_its_data_across_requests_and_saves():
    c = anonymous_portal_session()
    cookie = c.cookies["sessionid"].value
    session = c.session
    session["sigap-test"] = "kept"
    session.save()
    assert c.session["sigap-test"] == "kept" and c.cookies["sessionid"].value == cookie


@pytest.mark.django_db
def test_a_session_row_read_without_any_key_shows_nothing_of_what_the_browser_did(client):
    """The data was signed, not encrypted: a database reader decoded (base64, zlib) the report numbers a browser
    filed and followed, Privat and Anonim ones side by side, and the staff account signed in on it (found by a
    review: an Anonim report tied to the same person's Privat one). The data is now encrypted under a key drawn
    from the cookie's value (which the database never holds) and SECRET_KEY."""
    import base64
    import zlib

    from django.contrib.sessions.models import Session

    from sigap.reports.tests.factories import submit

    mine, anonymous = submit(), submit(privacy="anonymous")
    for created in (mine, anonymous):
        assert client.post("/lacak/", {"code": created.tracking_code}).status_code == 302
    assert client.get(f"/lacak/laporan/{anonymous.report.number}/").status_code == 200  # the session still works
    [row] = Session.objects.all()
    data = row.session_data
    readable = data
    for chunk in data.replace(":", ".").split("."):
        try:
            raw = base64.urlsafe_b64decode(chunk + "=" * (-len(chunk) % 4))
        except ValueError:
            continue
        readable += raw.decode("latin-1")
        try:
            readable += zlib.decompress(raw).decode("latin-1")
        except zlib.error:
            pass
    for number in (mine.report.number, anonymous.report.number):
        assert number not in readable
    assert "portal_track" not in readable and "_auth_user_id" not in readable
