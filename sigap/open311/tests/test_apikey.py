"""Client keys: `sigap apikey create NAME [--rate N]` prints a key once, stores only its hash; the admin."""

from __future__ import annotations

import io

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.core.management import CommandError, call_command

from sigap.open311.models import ApiClient

pytestmark = pytest.mark.django_db


def test_create_prints_the_key_once_and_stores_only_its_hash(o311):
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", "create", "Aplikasi Warga", "--rate", "5", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("o311_") and len(key) > 40 and "shown only this once" in err.getvalue()
    client = ApiClient.objects.get(name="Aplikasi Warga")
    assert client.rate_per_minute == 5 and client.key_hash == ApiClient.hash(key) and key not in client.key_hash
    assert key.startswith(client.key_hint) and len(client.key_hint) < 12
    assert o311.get("services", api_key=key).status_code == 200


def test_duplicates_unknown_names_and_deactivation():
    call_command("apikey", "create", "satu", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("apikey", "create", "satu", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("apikey", "deactivate", "dua", stdout=io.StringIO())
    call_command("apikey", "deactivate", "satu", stdout=io.StringIO())
    assert not ApiClient.objects.get(name="satu").active
    listing = io.StringIO()
    call_command("apikey", "list", stdout=listing)
    assert "satu" in listing.getvalue() and "inactive" in listing.getvalue()


def test_adding_a_client_in_the_admin_shows_its_key_once(client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@sigap.invalid", "test-password-123")
    client.force_login(admin)
    response = client.post(
        "/admin/open311/apiclient/add/", {"name": "dari-admin", "rate_per_minute": "30", "active": "on"}, follow=True
    )
    assert response.status_code == 200
    (message,) = [str(m) for m in response.context["messages"] if "o311_" in str(m)]
    key = message.rsplit(" ", 1)[-1]
    assert ApiClient.objects.get(name="dari-admin").key_hash == ApiClient.hash(key)
    page = client.get(f"/admin/open311/apiclient/{ApiClient.objects.get(name='dari-admin').pk}/change/")
    assert key not in page.content.decode()
