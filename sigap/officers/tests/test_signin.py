"""Staff sign-in: a second factor above officer, and a lockout per account and address (issue 10, leak 3 and 7).

The test settings switch the factor off (conftest.py); every test here that is about it switches it on.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.officers.tests.helpers import EN, HTMX, PB_UNIT, console, console_verified, text, totp_code
from sigap.organization.models import StaffRole

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PASSWORD = "test-password-123"


def after_a_wrong_code(user) -> None:
    """django-otp also slows a device down after a wrong code (1 s, doubling); a test does not wait it out."""
    TOTPDevice.objects.get(user=user).throttle_reset()


def signed_in(c: Client) -> bool:
    return "_auth_user_id" in c.session


def console_login(c: Client, username: str, password: str = PASSWORD, otp: str | None = None, **extra):
    data = {"username": username, "password": password}
    if otp is not None:
        data["otp"] = otp
    return c.post("/petugas/masuk/", data, **extra)


def token(c: Client, username: str, password: str = PASSWORD, otp: str | None = None, **extra):
    data = {"username": username, "password": password}
    if otp is not None:
        data["otp"] = otp
    return c.post("/api/v1/officer/auth/token", data, content_type="application/json", **extra)


# --- second factor ------------------------------------------------------------------------------


def test_a_supervisor_needs_the_one_time_code_on_the_console(otp_on, staff):
    boss = staff("pimpinan.jt", "kota:31.75", R.SUPERVISOR)
    c = Client()
    response = console_login(c, "pimpinan.jt")
    assert response.status_code == 200 and not signed_in(c)
    assert "kode OTP" in text(response)
    assert not signed_in(c) and console_login(c, "pimpinan.jt", otp="000000").status_code == 200 and not signed_in(c)
    after_a_wrong_code(boss)
    response = console_login(c, "pimpinan.jt", otp=totp_code(boss))
    assert response.status_code == 302 and signed_in(c)


def test_both_login_pages_have_the_one_time_code_field():
    for path in ("/petugas/masuk/", "/admin/login/"):
        page = text(Client().get(path))
        assert 'name="otp"' in page and 'autocomplete="one-time-code"' in page, path
    assert "One-time code" in text(Client().get("/petugas/masuk/", **EN))


def test_the_refusal_speaks_english_on_request(otp_on, staff):
    staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    response = console_login(Client(), "validator.biro", **EN)
    assert "one-time code" in text(response)


def test_an_officer_signs_in_with_a_password_alone(otp_on, staff):
    staff("petugas.pb", PB_UNIT)
    c = Client()
    assert console_login(c, "petugas.pb").status_code == 302 and signed_in(c)


def test_a_staff_session_ends_twelve_hours_after_its_sign_in(otp_on, staff, settings):
    """Django's default is two weeks: a console left open on a shared office computer showed its reports to whoever
    sat down next for a fortnight (a review). Twelve hours, as an API token, whichever sign-in made the session."""
    staff("petugas.pb", PB_UNIT)
    c = Client()
    assert console_login(c, "petugas.pb").status_code == 302 and signed_in(c)
    assert 12 * 3600 - 60 < c.session.get_expiry_age() <= 12 * 3600
    # a moment, not an idle time: a request that writes to the session does not push the end further
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    end = c.session.get_expiry_date()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=11)):
        session = c.session
        session["touched"] = True
        session.save()
        assert c.session.get_expiry_date() == end
    settings.SIGAP_STAFF_SESSION_HOURS = 1
    admin = Client()
    admin.force_login(get_user_model().objects.create_user("admin.kota", password=PASSWORD, is_staff=True))
    assert signed_in(admin) and 3600 - 60 < admin.session.get_expiry_age() <= 3600  # whichever sign-in made it
    resident = Client()
    resident.get("/")
    assert "_auth_user_id" not in resident.session


@pytest.mark.parametrize("role", [R.UNIT_ADMIN, R.VALIDATOR, R.SUPERVISOR, R.PRIVACY_OFFICER, R.AUDITOR])
def test_the_token_endpoint_needs_the_code_for_every_role_above_officer(otp_on, staff, role):
    user = staff("akun.x", "biro-pemerintahan", role)
    c = Client()
    missing = token(c, "akun.x")
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    wrong = token(c, "akun.x", otp="123456" if totp_code(user) != "123456" else "654321")
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_invalid"
    after_a_wrong_code(user)
    ok = token(c, "akun.x", otp=totp_code(user))
    assert ok.status_code == 200 and ok.json()["token"].startswith("sgp_")


def test_a_code_cannot_be_used_twice(otp_on, staff):
    user = staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    code = totp_code(user)
    assert token(Client(), "validator.biro", otp=code).status_code == 200
    again = token(Client(), "validator.biro", otp=code)
    assert again.status_code == 401 and again.json()["code"] == "otp_invalid"
    assert "already used" in again.json()["message_en"]  # the one who typed it knows to wait for the next code


def test_an_account_that_needs_a_factor_and_has_none_cannot_sign_in(otp_on, staff):
    user = staff("auditor.x", "inspektorat", R.AUDITOR)
    TOTPDevice.objects.filter(user=user).delete()
    response = token(Client(), "auditor.x")
    assert response.status_code == 401 and response.json()["code"] == "otp_not_enrolled"
    c = Client()
    assert console_login(c, "auditor.x").status_code == 200 and not signed_in(c)


def test_the_admin_login_needs_the_code_for_a_superuser(otp_on):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    c = Client()
    response = c.post("/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200 and not signed_in(c)  # no device enrolled: refused
    TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    assert c.post("/admin/login/", {"username": "root", "password": PASSWORD, "otp": "000000"}).status_code == 200
    assert not signed_in(c)
    after_a_wrong_code(root)
    response = c.post(
        "/admin/login/", {"username": "root", "password": PASSWORD, "otp": totp_code(root), "next": "/admin/"}
    )
    assert response.status_code == 302 and signed_in(c)
    # the code given at the admin's own login counts: the admin opens (it sent every page back to the login)
    assert c.get("/admin/").status_code == 200
    assert c.get("/admin/organization/staffrole/").status_code == 200


def test_a_password_set_by_an_admin_does_not_let_the_admin_act_as_a_privacy_officer(otp_on, staff):
    ppid = staff("ppid.x", "biro-pemerintahan", R.PRIVACY_OFFICER)
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    admin = console_verified(root)
    response = admin.post(
        f"/admin/auth/user/{ppid.pk}/password/",
        {"password1": "chosen-by-admin-77", "password2": "chosen-by-admin-77", "usable_password": "true"},
    )
    assert response.status_code == 302
    ppid.refresh_from_db()
    assert ppid.check_password("chosen-by-admin-77")
    refused = token(Client(), "ppid.x", password="chosen-by-admin-77")
    assert refused.status_code == 401 and refused.json()["code"] == "otp_required"
    from sigap.privacy.models import AccessEvent

    event = AccessEvent.objects.filter(action="staff_password_set").get()
    assert event.actor_username == "root" and event.detail["account"] == "ppid.x"


def test_the_authenticator_secret_is_not_in_the_admin(otp_on, staff):
    user = staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    device = TOTPDevice.objects.get(user=user)
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    admin = console_verified(root)
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.key not in text(page)
    assert admin.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    for view in ("config", "qrcode"):  # django-otp's own admin has these; ours does not
        page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/", follow=True)
        assert "svg" not in page.get("Content-Type", "")
        assert device.key not in text(page) and "otpauth" not in text(page)


def test_a_session_without_the_second_factor_opens_no_console_page_api_or_admin(otp_on, staff):
    """E.g. an officer signed in by password alone and was made validator afterwards: sign in again, with the code."""
    validator = staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    c = console(validator)
    response = c.get("/petugas/validasi/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")
    assert not signed_in(c)  # the session was ended
    poll = console(validator).get("/petugas/antrean/", **HTMX)
    assert poll["HX-Redirect"].startswith("/petugas/masuk/")
    assert console(validator).get("/api/v1/officer/reports").status_code == 401
    assert console_verified(validator).get("/petugas/validasi/").status_code == 200
    assert console_verified(validator).get("/api/v1/officer/reports").status_code == 200

    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    response = console(root).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert console_verified(root).get("/admin/").status_code == 200

    officer = staff("petugas.pb", PB_UNIT)  # needs no factor: a password session is enough
    assert console(officer).get("/petugas/").status_code == 200


def test_a_session_without_the_second_factor_opens_no_page_of_any_app(otp_on, staff):
    """The rule holds for every signed-in page, not only the console's: the channel operator's page (another app,
    which cannot import the console's checks) signs such a session out too. E.g. an operator made validator."""
    staff("operator.validator", "biro-pemerintahan", R.VALIDATOR)
    user = staff("operator.validator", "biro-pemerintahan", R.OPERATOR)  # the account as last saved
    for path in ("/petugas/operator/", "/petugas/operator/lokasi/"):
        c = console(user)
        response = c.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/"), path
        assert not signed_in(c)
    c = console(user)
    response = c.post("/petugas/operator/lokasi/alamat/", {"address": "Jalan Kramat Raya"})
    assert response.status_code == 302 and not signed_in(c)
    c = console(user)
    response = c.post("/petugas/operator/", {"channel": "phone", "description": "Jalan berlubang besar sekali"})
    assert response.status_code == 302 and not signed_in(c)
    assert console_verified(user).get("/petugas/operator/").status_code == 200


# --- lockout per account and address ----------------------------------------------------------


def test_the_admin_login_locks_after_five_failures_for_one_account_from_one_address():
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    c = Client()
    codes = [c.post("/admin/login/", {"username": "root", "password": f"guess{i}"}).status_code for i in range(6)]
    assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]
    right = c.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert right.status_code == 429 and not signed_in(c)


def test_one_person_behind_an_office_nat_does_not_lock_out_colleagues(staff):
    staff("petugas.satu", PB_UNIT)
    staff("petugas.dua", PB_UNIT)
    office = {"REMOTE_ADDR": "10.1.2.3"}
    c = Client()
    for i in range(12):
        console_login(c, "petugas.satu", password=f"salah{i}", **office)
    assert console_login(Client(), "petugas.satu", **office).status_code == 429  # that account from there: locked
    colleague = Client()
    assert console_login(colleague, "petugas.dua", **office).status_code == 302 and signed_in(colleague)


def test_guessing_one_account_from_many_addresses_locks_the_account(staff):
    staff("petugas.pb", PB_UNIT)
    for i in range(20):
        token(Client(), "petugas.pb", password=f"salah{i}", REMOTE_ADDR=f"203.0.113.{i + 1}")
    locked = token(Client(), "petugas.pb", REMOTE_ADDR="198.51.100.7")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"


def test_password_spraying_from_one_address_locks_that_address(staff, settings):
    settings.SIGAP_LOGIN_LOCKOUT = {**settings.SIGAP_LOGIN_LOCKOUT, "address": 15}
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    sprayer = {"REMOTE_ADDR": "192.0.2.66"}
    for i in range(15):
        Client().post("/admin/login/", {"username": f"akun{i}", "password": "Jakarta2026!"}, **sprayer)
    response = Client().post("/admin/login/", {"username": "root", "password": PASSWORD}, **sprayer)
    assert response.status_code == 429
    elsewhere = Client()
    assert elsewhere.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code == 302


def test_an_ipv6_client_is_locked_out_by_its_64_not_address_by_address(staff, settings):
    """A client with a /64 (a subscriber line is given one) took a fresh address for each guess: spraying many
    accounts, or guessing one account past the per-address limit, never locked it out. The lockout counts a /64
    as one client, as the rate limits do."""
    settings.SIGAP_LOGIN_LOCKOUT = {**settings.SIGAP_LOGIN_LOCKOUT, "address": 15}
    staff("petugas.pb", PB_UNIT)
    staff("petugas.dua", PB_UNIT)
    for i in range(15):
        token(Client(), f"akun{i}", password="Jakarta2026!", REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}")
    assert token(Client(), "petugas.pb", REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429
    assert token(Client(), "petugas.pb", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200  # the next /64
    for i in range(6):
        token(Client(), "petugas.dua", password=f"salah{i}", REMOTE_ADDR=f"2001:db8:9:9::{i + 1:x}")
    assert token(Client(), "petugas.dua", REMOTE_ADDR="2001:db8:9:9::abcd").status_code == 429


def test_a_wrong_one_time_code_counts_as_a_failed_sign_in(otp_on, staff):
    staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)
    codes = [token(Client(), "validator.biro", otp=f"{i:06d}").status_code for i in range(1, 7)]
    assert codes[:4] == [401] * 4 and codes[4:] == [429, 429]


def test_a_staff_sign_in_does_not_take_over_what_a_resident_followed_on_the_same_browser(otp_on, staff):
    """A shared computer at the kelurahan office: a resident follows their report by its tracking code (kept until the
    browser closes), then an officer signs in on the same browser. Django keeps a session's data at sign-in, so the
    resident's codes became the officer's for the staff session's twelve hours, cookie kept past the browser's close:
    the officer's /lacak/ listed the resident's report and opened it as its reporter."""
    from sigap.reports.tests.factories import submit

    created = submit()
    staff("petugas.pb", PB_UNIT)
    c = Client()
    assert c.post("/lacak/", {"code": created.tracking_code}).status_code == 302
    assert created.report.number in text(c.get("/lacak/"))
    assert console_login(c, "petugas.pb").status_code == 302 and signed_in(c)
    held = list(c.session.keys())
    assert held and not [k for k in held if k.startswith("portal_")]
    assert created.report.number not in text(c.get("/lacak/"))
    assert c.get(f"/lacak/laporan/{created.report.number}/").status_code in (302, 404)
