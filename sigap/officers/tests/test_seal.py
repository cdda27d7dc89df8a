"""A database owner without the key files cannot act as a privacy officer (issue 10, "No single person can reveal").

The owner of the database (a DBA, whoever holds a dump they can write back, a cloud console) can run any SQL
but holds neither ``SECRET_KEY`` nor the other key files under SIGAP_HOME. Each test plays them with raw SQL
through ``connection.cursor()``: no model, no signal, exactly what they can do.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.intake.services import Reporter
from sigap.officers.models import ApiToken
from sigap.officers.tests.helpers import PB_UNIT, console_verified, sql, totp_code
from sigap.organization import rolechanges
from sigap.organization.models import RoleChange, StaffNotice, StaffRole, Unit
from sigap.privacy.models import AccessEvent
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
R = StaffRole.Role
PASSWORD = "test-password-123"
OWNER_PASSWORD = "chosen-by-the-db-owner-1"
BIRO = "biro-pemerintahan"
BASIS = "Permintaan penyidik Polda Metro Jaya No. B/123/XI/2026 berdasarkan KUHAP pasal 7"
NAME = "Ratna Sari Dewi"


def code_from_key(hex_key: str) -> str:
    """What the owner computes from a TOTP secret read out of the database."""
    return f"{totp(bytes.fromhex(hex_key), step=30, t0=0, digits=6, drift=0):06d}"


def token(c: Client, username: str, password: str = PASSWORD, otp: str | None = None):
    data = {"username": username, "password": password, **({"otp": otp} if otp is not None else {})}
    return c.post("/api/v1/officer/auth/token", data, content_type="application/json")


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def reveal_post(key: str, path: str, data: dict):
    return Client().post(
        f"/api/v1/privacy{path}", data=json.dumps(data), content_type="application/json", **bearer(key)
    )


def seal_broken_rows(account: str):
    return [
        e for e in AccessEvent.objects.filter(action="credential_seal_broken") if e.detail.get("account") == account
    ]


# --- repro A: a token row written by SQL ------------------------------------------------------------------------


def test_a_token_row_inserted_by_sql_opens_nothing(staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    chosen = "sgp_chosen-by-the-database-owner-0123456789abcdef"
    import hashlib

    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "officers_apitoken")}
    now = timezone.now()
    row = {
        "user_id": ppid.pk,
        "key_hash": hashlib.sha256(chosen.encode()).hexdigest(),
        "name": "api",
        "created_at": now,
        "expires_at": now + timedelta(hours=12),
    }
    if "otp_verified" in columns:
        row["otp_verified"] = True  # the owner claims the second factor too
    sql(f"INSERT INTO officers_apitoken ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values()))
    assert Client().get("/api/v1/privacy/reveal", **bearer(chosen)).status_code == 401
    assert Client().get("/api/v1/officer/reports", **bearer(chosen)).status_code == 401


def test_the_stored_token_hash_is_keyed_not_a_plain_digest(staff, client):
    import hashlib

    staff("petugas.pb", PB_UNIT)
    key = token(client, "petugas.pb").json()["token"]
    stored = ApiToken.objects.get().key_hash
    assert stored != hashlib.sha256(key.encode()).hexdigest() and key not in stored
    assert client.get("/api/v1/officer/reports", **bearer(key)).status_code == 200


# --- repro B: a password hash written by SQL, TOTP codes computed from the stored secrets -----------------------


def test_a_password_hash_rewritten_by_sql_does_not_sign_in_even_with_the_right_code(otp_on, staff):
    report = submit(reporter=Reporter(name=NAME, phone="081377001122", email="ratna@example.org")).report
    first = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    second = staff("ppid.dua", BIRO, R.PRIVACY_OFFICER)
    third = staff("ppid.tiga", BIRO, R.PRIVACY_OFFICER)
    keys = {}
    for user in (first, second):
        sql("UPDATE auth_user SET password = %s WHERE id = %s", [make_password(OWNER_PASSWORD), user.pk])
        ((hex_key,),) = sql("SELECT key FROM otp_totp_totpdevice WHERE user_id = %s", [user.pk])
        answer = token(Client(), user.username, OWNER_PASSWORD, code_from_key(hex_key))
        assert answer.status_code in (401, 403), answer.content
        assert answer.json()["code"] == "sign_in_refused" and "seal" not in answer.content.decode().lower()
        keys[user.username] = answer.json().get("token")
    assert keys == {"ppid.satu": None, "ppid.dua": None}
    # the console login refuses it too
    c = Client()
    ((hex_key,),) = sql("SELECT key FROM otp_totp_totpdevice WHERE user_id = %s", [first.pk])
    c.post("/petugas/masuk/", {"username": "ppid.satu", "password": OWNER_PASSWORD, "otp": code_from_key(hex_key)})
    assert "_auth_user_id" not in c.session
    # each refusal is an access-log row, and every privacy officer (the third one too) was told
    assert len(seal_broken_rows("ppid.satu")) == 2 and len(seal_broken_rows("ppid.dua")) == 1
    assert {e.detail["via"] for e in seal_broken_rows("ppid.satu")} == {"api_token_endpoint", "console"}
    assert StaffNotice.objects.filter(user=third, kind="credential_seal_broken").count() == 3
    assert NAME not in json.dumps([e.detail for e in AccessEvent.objects.all()])
    assert report.number  # nothing was revealed: no token, no session


def test_the_admin_login_of_a_superuser_whose_hash_was_rewritten_by_sql_is_refused(otp_on):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    sql("UPDATE auth_user SET password = %s WHERE id = %s", [make_password(OWNER_PASSWORD), root.pk])
    c = Client()
    response = c.post(
        "/admin/login/", {"username": "root", "password": OWNER_PASSWORD, "otp": totp_code(root), "next": "/admin/"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in c.session
    assert [e.detail["via"] for e in seal_broken_rows("root")] == ["admin"]


def test_an_account_inserted_by_sql_cannot_sign_in(otp_on):
    sql(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, "
        "date_joined) VALUES (%s, %s, %s, '', '', '', %s, %s, %s)",
        [make_password(OWNER_PASSWORD), True, "owner.root", True, True, timezone.now()],
    )
    user = get_user_model().objects.get(username="owner.root")
    owners_key = "00112233445566778899aabbccddeeff00112233"
    sql(
        "INSERT INTO otp_totp_totpdevice (user_id, name, confirmed, key, step, t0, digits, tolerance, drift, last_t, "
        "throttling_failure_timestamp, throttling_failure_count, created_at, last_used_at) "
        "VALUES (%s, 'phone', %s, %s, 30, 0, 6, 1, 0, -1, NULL, 0, NULL, NULL)",
        [user.pk, True, owners_key],
    )
    c = Client()
    c.post("/admin/login/", {"username": "owner.root", "password": OWNER_PASSWORD, "otp": code_from_key(owners_key)})
    assert "_auth_user_id" not in c.session
    answer = token(Client(), "owner.root", OWNER_PASSWORD, code_from_key(owners_key))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"


def test_an_account_reactivated_by_sql_cannot_sign_in(otp_on, staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    ppid.is_active = False
    ppid.save()
    sql("UPDATE auth_user SET is_active = %s WHERE id = %s", [True, ppid.pk])
    answer = token(Client(), "ppid.satu", PASSWORD, totp_code(ppid))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"


def test_an_authenticator_secret_swapped_by_sql_cannot_sign_in(otp_on, staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    owners_key = "00112233445566778899aabbccddeeff00112233"
    sql("UPDATE otp_totp_totpdevice SET key = %s WHERE user_id = %s", [owners_key, ppid.pk])
    answer = token(Client(), "ppid.satu", PASSWORD, code_from_key(owners_key))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"


def test_a_secret_swapped_by_sql_between_the_seal_and_the_code_check_does_not_count(otp_on, staff):
    """Found by the day's review: the code was checked against a second read of the devices, after the seal's;
    a secret committed by SQL in between was accepted."""
    from sigap.officers.seal import seal_valid
    from sigap.officers.signin import otp_matching_device

    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    user = get_user_model().objects.get(pk=ppid.pk)
    assert seal_valid(user.pk, user=user)
    owners_key = "00112233445566778899aabbccddeeff00112233"
    sql("UPDATE otp_totp_totpdevice SET key = %s WHERE user_id = %s", [owners_key, ppid.pk])
    assert otp_matching_device(user, code_from_key(owners_key)) is None  # not the secret the seal covered
    unchecked = get_user_model().objects.get(pk=ppid.pk)  # (a user object no seal was checked on reads them all)
    assert otp_matching_device(unchecked, code_from_key(owners_key)) is not None


def test_an_email_address_rewritten_by_sql_is_caught_at_the_next_sign_in(otp_on, staff):
    """Where notices and any future reset mail would go: the owner cannot move it quietly."""
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    sql("UPDATE auth_user SET email = %s WHERE id = %s", ["owner@example.org", ppid.pk])
    answer = token(Client(), "ppid.satu", PASSWORD, totp_code(ppid))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"


def test_a_role_row_inserted_by_sql_gives_nothing(otp_on, staff):
    officer = staff("petugas.pb", PB_UNIT)
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    sql(
        "INSERT INTO organization_staffrole (user_id, unit_id, role) VALUES (%s, %s, %s)",
        [officer.pk, Unit.objects.get(code=BIRO).pk, R.PRIVACY_OFFICER],
    )
    answer = token(Client(), "petugas.pb", PASSWORD, totp_code(officer))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"


def test_a_token_stops_working_when_the_password_hash_is_rewritten_by_sql(otp_on, staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    key = token(Client(), "ppid.satu", PASSWORD, totp_code(ppid)).json()["token"]
    assert Client().get("/api/v1/privacy/reveal", **bearer(key)).status_code == 200
    sql("UPDATE auth_user SET password = %s WHERE id = %s", [make_password(OWNER_PASSWORD), ppid.pk])
    answer = Client().get("/api/v1/privacy/reveal", **bearer(key))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"
    assert seal_broken_rows("ppid.satu")[0].detail["via"] == "api_token"


def test_a_later_edit_through_the_application_does_not_bless_an_sql_rewrite(otp_on, staff):
    validator = staff("validator.biro", BIRO, R.VALIDATOR)
    sql("UPDATE auth_user SET password = %s WHERE id = %s", [make_password(OWNER_PASSWORD), validator.pk])
    user = get_user_model().objects.get(pk=validator.pk)
    user.first_name = "Edited"
    user.save()  # e.g. an admin edits the account's name afterwards
    StaffRole.objects.create(user=user, unit=Unit.objects.get(code=BIRO), role=R.AUDITOR)
    answer = token(Client(), "validator.biro", OWNER_PASSWORD, totp_code(user))
    assert answer.status_code == 403 and answer.json()["code"] == "sign_in_refused"
    # repaired on the server, by whoever holds the keys, once the account was checked
    call_command("otp", "reseal", "validator.biro")
    assert AccessEvent.objects.filter(action="credential_seal_rewritten").get().detail["was_valid"] is False
    TOTPDevice.objects.get(user=user).throttle_reset()
    assert token(Client(), "validator.biro", OWNER_PASSWORD, totp_code(user)).status_code == 200


# --- the legitimate paths keep working ---------------------------------------------------------------------------


def test_a_password_set_in_the_admin_and_the_sign_in_after_it_work(otp_on, staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    response = console_verified(root).post(
        f"/admin/auth/user/{ppid.pk}/password/",
        {"password1": "a-new-password-77", "password2": "a-new-password-77", "usable_password": "true"},
    )
    assert response.status_code == 302
    answer = token(Client(), "ppid.satu", "a-new-password-77", totp_code(ppid))
    assert answer.status_code == 200, answer.content
    assert not AccessEvent.objects.filter(action="credential_seal_broken").exists()


def test_a_new_authenticator_enrolled_on_the_server_works(otp_on, staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    call_command("otp", "enroll", "ppid.satu", "--replace", "--no-qr", stdout=open("/dev/null", "w"))
    assert token(Client(), "ppid.satu", PASSWORD, totp_code(ppid)).status_code == 200


def test_the_demo_accounts_are_sealed_and_sign_in(otp_on):
    from sigap.demo import accounts_load

    accounts_load("demo-password-123")
    root = get_user_model().objects.get(username="admin")
    answer = token(Client(), "admin", "demo-password-123", totp_code(root))
    assert answer.status_code == 200, answer.content
    ppid_account = StaffRole.objects.filter(role=R.PRIVACY_OFFICER).select_related("user").first().user
    answer = token(Client(), ppid_account.username, "demo-password-123", totp_code(ppid_account))
    assert answer.status_code == 200, answer.content


def test_the_console_sign_in_of_a_sealed_account_works(otp_on, staff):
    boss = staff("pimpinan.jt", "kota:31.75", R.SUPERVISOR)
    c = Client()
    response = c.post("/petugas/masuk/", {"username": "pimpinan.jt", "password": PASSWORD, "otp": totp_code(boss)})
    assert response.status_code == 302 and "_auth_user_id" in c.session


# --- tokens follow the second factor and every role change --------------------------------------------------------


def test_a_token_issued_before_the_ppid_role_stops_working(otp_on, staff):
    officer = staff("petugas.pb", PB_UNIT)
    key = token(Client(), "petugas.pb").json()["token"]
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200
    one = get_user_model().objects.create_superuser("root.satu", "a@example.org", PASSWORD)
    two = get_user_model().objects.create_superuser("root.dua", "b@example.org", PASSWORD)
    rc = rolechanges.role_change_request(
        actor=one,
        user=officer,
        unit=Unit.objects.get(code=BIRO),
        role=R.PRIVACY_OFFICER,
        kind=RoleChange.Kind.GRANT,
        reason="Ditunjuk sebagai PPID pembantu oleh SK Gubernur",
    )
    rolechanges.role_change_decide(actor=two, change_id=rc.pk, approve=True)
    fresh = token(Client(), "petugas.pb")
    assert fresh.status_code == 401 and fresh.json()["code"] == "otp_not_enrolled"
    assert Client().get("/api/v1/privacy/reveal", **bearer(key)).status_code == 401
    report = submit(reporter=Reporter(name=NAME, phone="081377001122")).report
    assert reveal_post(key, "/reveal", {"report": report.number, "legal_basis": BASIS}).status_code == 401


@pytest.mark.parametrize("role", [R.VALIDATOR, R.AUDITOR, R.SUPERVISOR, R.UNIT_ADMIN, R.OFFICER])
def test_every_role_change_revokes_the_accounts_tokens(staff, role):
    officer = staff("petugas.pb", PB_UNIT)
    key = token(Client(), "petugas.pb").json()["token"]
    StaffRole.objects.create(user=officer, unit=Unit.objects.get(code=BIRO), role=role)  # added anywhere
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 401
    key = token(Client(), "petugas.pb").json()["token"]
    StaffRole.objects.filter(user=officer, unit__code=BIRO).delete()  # and removed
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 401


def test_a_new_password_by_any_path_and_a_deactivation_revoke_the_accounts_tokens(staff):
    """Only the admin's password form revoked tokens: a password reset by `sigap changepassword` or a shell (the
    answer to a stolen password) left every token working for up to 12 hours, and a deactivated account's tokens
    came back to life when it was re-activated."""
    officer = staff("petugas.pb", PB_UNIT)
    key = token(Client(), "petugas.pb").json()["token"]
    officer.set_password("a-new-password-after-compromise")
    officer.save()
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 401
    key = token(Client(), "petugas.pb", password="a-new-password-after-compromise").json()["token"]
    officer.refresh_from_db()
    officer.is_active = False
    officer.save()
    officer.is_active = True
    officer.save()
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 401
    key = token(Client(), "petugas.pb", password="a-new-password-after-compromise").json()["token"]
    officer.refresh_from_db()
    officer.last_name = "Santoso"  # any other change of the account keeps its tokens
    officer.save()
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200


def test_a_role_added_in_the_admin_revokes_the_accounts_tokens(staff):
    officer = staff("petugas.pb", PB_UNIT)
    key = token(Client(), "petugas.pb").json()["token"]
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    response = console_verified(root).post(
        "/admin/organization/staffrole/add/",
        {"user": officer.pk, "unit": Unit.objects.get(code=BIRO).pk, "role": R.VALIDATOR},
    )
    assert response.status_code == 302
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 401


def test_a_token_without_the_factor_is_refused_once_the_account_needs_one(otp_on, staff):
    officer = staff("petugas.pb", PB_UNIT)
    key = token(Client(), "petugas.pb").json()["token"]
    officer.is_staff = True  # no role change, yet the account now needs a factor
    officer.save()
    answer = Client().get("/api/v1/officer/reports", **bearer(key))
    assert answer.status_code == 401 and answer.json()["code"] == "token_lacks_second_factor"


def test_a_token_issued_with_the_factor_keeps_working(otp_on, staff):
    validator = staff("validator.biro", BIRO, R.VALIDATOR)
    key = token(Client(), "validator.biro", PASSWORD, totp_code(validator)).json()["token"]
    assert ApiToken.objects.get(user=validator).otp_verified
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200


# --- a PPID account's sign-in fields in the admin ------------------------------------------------------------------


def change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if changes.pop(flag, getattr(user, flag)):
            data[flag] = "on"
    data.update(changes)
    return data


def test_a_ppid_accounts_sign_in_fields_are_read_only_in_the_admin(staff):
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    ppid.email = "ppid.satu@jakarta.go.id"
    ppid.save()
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    admin = console_verified(root)
    response = admin.post(
        f"/admin/auth/user/{ppid.pk}/change/",
        change_form(ppid, is_active=False, is_superuser=True, email="owner@example.org", username="ppid.lain"),
    )
    assert response.status_code == 302
    ppid.refresh_from_db()
    assert (ppid.is_active, ppid.is_superuser, ppid.email, ppid.username) == (
        True,
        False,
        "ppid.satu@jakarta.go.id",
        "ppid.satu",
    )


def test_a_change_to_a_staff_accounts_sign_in_fields_is_access_logged(staff):
    validator = staff("validator.biro", BIRO, R.VALIDATOR)
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    response = console_verified(root).post(
        f"/admin/auth/user/{validator.pk}/change/",
        change_form(validator, is_active=False, email="elsewhere@example.org"),
    )
    assert response.status_code == 302
    event = AccessEvent.objects.filter(action="staff_account_change").get()
    assert event.actor_username == "root" and event.detail["account"] == "validator.biro"
    assert set(event.detail["fields"]) == {"email", "is_active"} and event.detail["is_active"] is False


def test_deactivating_a_ppid_account_tells_every_privacy_officer(staff):
    first = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    second = staff("ppid.dua", BIRO, R.PRIVACY_OFFICER)
    first.is_active = False
    first.save()  # by any path (a shell, a script): the admin form does not allow it
    notice = StaffNotice.objects.filter(user=second, kind="ppid_account_deactivated").get()
    assert "ppid.satu" in notice.body


# --- a live session read out of the database ------------------------------------------------------------------------


def test_a_session_key_read_out_of_the_database_opens_no_session(staff):
    """The session table holds sessions by key; the cookie must not be what is stored there."""
    ppid = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    c = console_verified(ppid)
    assert c.get("/api/v1/privacy/reveal").status_code == 200
    cookie = c.cookies["sessionid"].value
    stored = [row[0] for row in sql("SELECT session_key FROM django_session")]
    assert stored and cookie not in stored
    for key in stored:  # the owner presents each stored key as a cookie
        thief = Client()
        thief.cookies["sessionid"] = key
        assert thief.get("/api/v1/privacy/reveal").status_code == 401
    assert c.get("/api/v1/privacy/reveal").status_code == 200  # the real session still works
    c.post("/petugas/keluar/")
    assert sql("SELECT COUNT(*) FROM django_session")[0][0] == 0  # signing out deletes the stored row


def test_tokens_and_seals_survive_a_secret_key_rotation_with_the_old_key_as_fallback(otp_on, staff, settings):
    validator = staff("validator.biro", BIRO, R.VALIDATOR)
    key = token(Client(), "validator.biro", PASSWORD, totp_code(validator)).json()["token"]
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old]
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 200
    validator.first_name = "Rotated"
    validator.save()  # the seal is rewritten under the new key at the account's next write
    settings.SECRET_KEY_FALLBACKS = []
    assert Client().get("/api/v1/officer/reports", **bearer(key)).status_code == 401  # the old token is gone with it
    from sigap.officers.seal import seal_valid

    assert seal_valid(validator.pk)  # under the new key alone


def test_reseal_all_moves_valid_seals_to_the_new_key_and_leaves_broken_ones(staff, settings):
    from io import StringIO

    from sigap.officers.seal import seal_valid

    kept = staff("validator.biro", BIRO, R.VALIDATOR)
    tampered = staff("ppid.satu", BIRO, R.PRIVACY_OFFICER)
    sql("UPDATE auth_user SET password = %s WHERE id = %s", [make_password(OWNER_PASSWORD), tampered.pk])
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "y" * 40, [old]
    out = StringIO()
    call_command("otp", "reseal", "--all", stdout=out)
    assert "BROKEN, left alone: ppid.satu" in out.getvalue()
    settings.SECRET_KEY_FALLBACKS = []
    assert seal_valid(kept.pk) and not seal_valid(tampered.pk)


def test_deleting_a_staff_account_takes_its_seal_and_tokens_with_it(staff):
    from sigap.officers.models import CredentialSeal

    validator = staff("validator.biro", BIRO, R.VALIDATOR)
    token(Client(), "validator.biro")
    assert CredentialSeal.objects.filter(user=validator).exists()
    validator.delete()
    assert not CredentialSeal.objects.exists() and not ApiToken.objects.exists()
