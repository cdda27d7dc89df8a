"""API tokens expire, and no admin can mint, move or edit one (issue 10, leak 3 and leak 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from sigap.officers.models import ApiToken
from sigap.organization.models import StaffRole

pytestmark = pytest.mark.django_db
PB_UNIT = "kel:31.75.07.1002"


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.org", "root-password-123")


def admin_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_superuser_cannot_move_a_token_to_a_privacy_officer_in_the_admin(staff, superuser):
    ppid = staff("ppid.x", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER)
    officer = staff("petugas.pb", PB_UNIT)
    ApiToken.issue(officer, name="api")
    token = ApiToken.objects.get(user=officer)
    c = admin_client(superuser)
    response = c.post(f"/admin/officers/apitoken/{token.pk}/change/", {"user": ppid.pk, "name": "api"})
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.user_id == officer.pk


def test_a_superuser_cannot_add_a_token_in_the_admin(staff, superuser):
    ppid = staff("ppid.x", "biro-pemerintahan", StaffRole.Role.PRIVACY_OFFICER)
    c = admin_client(superuser)
    assert c.get("/admin/officers/apitoken/add/").status_code == 403
    assert c.post("/admin/officers/apitoken/add/", {"user": ppid.pk, "name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=ppid).exists()


def test_a_token_can_be_revoked_in_the_admin(staff, superuser):
    officer = staff("petugas.pb", PB_UNIT)
    ApiToken.issue(officer)
    token = ApiToken.objects.get(user=officer)
    response = admin_client(superuser).post(f"/admin/officers/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not ApiToken.objects.filter(pk=token.pk).exists()


def test_a_token_row_refuses_a_new_owner_even_outside_the_admin(staff):
    officer = staff("petugas.pb", PB_UNIT)
    other = staff("petugas.lain", PB_UNIT)
    ApiToken.issue(officer)
    token = ApiToken.objects.get(user=officer)
    token.user = other
    with pytest.raises(ValueError):
        token.save()


def test_a_token_expires_after_its_lifetime_and_says_so(client, staff, settings):
    settings.SIGAP_API_TOKEN_HOURS = 12
    staff("petugas.pb", PB_UNIT)
    response = client.post(
        "/api/v1/officer/auth/token",
        {"username": "petugas.pb", "password": "test-password-123"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    row = ApiToken.objects.get(key_hash=ApiToken.hash(body["token"]))
    assert timedelta(hours=11.9) < row.expires_at - row.created_at <= timedelta(hours=12)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}
    assert client.get("/api/v1/officer/reports", **auth).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get("/api/v1/officer/reports", **auth)
    assert expired.status_code == 401
    assert expired.json()["code"] == "token_expired" and "expired" in expired.json()["message_en"]


def test_the_token_answer_states_when_it_expires(client, staff):
    staff("petugas.pb", PB_UNIT)
    body = client.post(
        "/api/v1/officer/auth/token",
        {"username": "petugas.pb", "password": "test-password-123"},
        content_type="application/json",
    ).json()
    row = ApiToken.objects.get(key_hash=ApiToken.hash(body["token"]))
    assert body["expires_at"].startswith(
        row.expires_at.astimezone(timezone.get_current_timezone()).isoformat()[:16]
    ) or body["expires_at"].startswith(row.expires_at.isoformat()[:16])


# --- a staff admin who is not a superuser ------------------------------------------------------------------------


@pytest.fixture
def user_admin():
    """A staff account given the right to change accounts in the admin, but no superuser."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("admin.akun", "akun@example.org", "akun-password-123", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=("view_user", "change_user")))
    return user


def _change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return data


def test_a_staff_admin_cannot_make_itself_or_anyone_a_superuser(user_admin):
    """Django's admin lets whoever may change accounts tick "superuser" (found by a review): only a superuser may
    grant it, or a permission or group."""
    from django.contrib.auth.models import Permission

    everything = Permission.objects.get(codename="delete_report")
    c = admin_client(user_admin)
    page = c.get(f"/admin/auth/user/{user_admin.pk}/change/")
    assert page.status_code == 200
    response = c.post(
        f"/admin/auth/user/{user_admin.pk}/change/",
        _change_form(user_admin, is_superuser="on", user_permissions=[everything.pk]),
    )
    assert response.status_code in (200, 302)
    user_admin.refresh_from_db()
    assert not user_admin.is_superuser
    assert not user_admin.user_permissions.filter(codename="delete_report").exists()


def test_a_staff_admin_cannot_change_a_superuser_s_account_or_password(user_admin, superuser):
    c = admin_client(user_admin)
    response = c.post(
        f"/admin/auth/user/{superuser.pk}/password/",
        {"password1": "taken-over-2026!", "password2": "taken-over-2026!", "usable_password": "true"},
    )
    assert response.status_code == 403
    response = c.post(f"/admin/auth/user/{superuser.pk}/change/", _change_form(superuser, email="x@example.org"))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password("root-password-123") and superuser.email == "root@example.org"


def test_a_superuser_still_grants_superuser(superuser, user_admin):
    response = admin_client(superuser).post(
        f"/admin/auth/user/{user_admin.pk}/change/", _change_form(user_admin, is_superuser="on")
    )
    assert response.status_code == 302, response.content[:2000]
    user_admin.refresh_from_db()
    assert user_admin.is_superuser


def test_a_staff_admin_cannot_give_its_own_group_more_permissions(user_admin):
    """Groups hold permissions: whoever may change a group they are in grants itself anything."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="admin akun")
    user_admin.groups.add(group)
    user_admin.user_permissions.add(*Permission.objects.filter(codename__in=("view_group", "change_group")))
    everything = Permission.objects.get(codename="delete_report")
    c = admin_client(user_admin)
    response = c.post(f"/admin/auth/group/{group.pk}/change/", {"name": "admin akun", "permissions": [everything.pk]})
    assert response.status_code == 403
    assert not group.permissions.filter(pk=everything.pk).exists()


@pytest.fixture
def device_admin():
    """A staff account that may remove authenticators and tokens, but no superuser."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("admin.perangkat", "p@example.org", "pw-123456789", is_staff=True)
    codenames = ("view_totpdevice", "delete_totpdevice", "view_apitoken", "delete_apitoken")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return get_user_model().objects.get(pk=user.pk)


def test_a_staff_admin_cannot_remove_a_superuser_s_authenticator_or_tokens(device_admin, superuser, staff):
    """Removing a superuser's authenticator shut it out until someone on the server enrolled another (found by a
    review); an officer's are still removed."""
    from sigap.officers import signin

    device = signin.enroll(superuser)
    ApiToken.issue(superuser, name="api")
    token = ApiToken.objects.get(user=superuser)
    c = admin_client(device_admin)
    assert c.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 403
    assert c.post(f"/admin/officers/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"}
    c.post("/admin/officers/apitoken/", bulk)
    assert type(device).objects.filter(pk=device.pk).exists() and ApiToken.objects.filter(pk=token.pk).exists()
    officer = staff("petugas.pb", PB_UNIT)
    ApiToken.issue(officer)
    theirs = ApiToken.objects.get(user=officer)
    assert c.post(f"/admin/officers/apitoken/{theirs.pk}/delete/", {"post": "yes"}).status_code == 302
