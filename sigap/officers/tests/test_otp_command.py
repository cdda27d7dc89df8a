"""`sigap otp enroll|status|code` and the demo's authenticators."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.organization.models import StaffRole

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("otp", *args, stdout=out)
    return out.getvalue()


def test_enroll_prints_the_uri_once_and_refuses_a_second_device(staff):
    user = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    TOTPDevice.objects.filter(user=user).delete()
    assert "NOT ENROLLED" in run("status")
    printed = run("enroll", "pimpinan.jt")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and "otpauth://totp/" in printed and device.config_url in printed
    assert "\u2588" in printed or "\u2580" in printed or "\u2584" in printed  # the QR code, in the terminal
    with pytest.raises(CommandError):
        run("enroll", "pimpinan.jt")
    run("enroll", "pimpinan.jt", "--replace", "--no-qr")
    assert TOTPDevice.objects.filter(user=user).count() == 1 and TOTPDevice.objects.get(user=user).pk != device.pk
    assert "pimpinan.jt" in run("status") and "NOT ENROLLED" not in run("status")


def test_code_is_printed_for_demo_devices_only(staff):
    staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)  # enrolled by the factory, not a demo device
    with pytest.raises(CommandError):
        run("code", "pimpinan.jt")


def test_the_demo_accounts_sign_in_with_the_code_the_demo_offers(settings, monkeypatch):
    from sigap import demo

    monkeypatch.setenv("SIGAP_DEMO_PASSWORD", "another-demo-pass")
    demo.accounts_load("another-demo-pass")
    factors = dict(demo.second_factors_load())
    assert {"admin", "validator", "pimpinan.jaktim", "ppid.satu", "ppid.dua", "auditor", "admin.binamarga"} <= set(
        factors
    )
    assert "petugas.pondokbambu" not in factors and "operator" not in factors
    settings.SIGAP_OTP_REQUIRED = True
    c = Client()
    refused = c.post(
        "/api/v1/officer/auth/token",
        {"username": "validator", "password": "another-demo-pass"},
        content_type="application/json",
    )
    assert refused.status_code == 401
    code = run("code", "validator").strip()
    ok = c.post(
        "/api/v1/officer/auth/token",
        {"username": "validator", "password": "another-demo-pass", "otp": code},
        content_type="application/json",
    )
    assert ok.status_code == 200
