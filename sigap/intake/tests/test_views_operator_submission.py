"""The operator's form carries a submission key, as the portal's does: a double click, or the form sent again after
its answer was lost (the report stored, the redirect never arrived), files the caller's report once (a
fault-injection review: it filed it twice)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sigap.organization.models import StaffRole
from sigap.reports.models import Report

pytestmark = pytest.mark.django_db


def test_operator_form_sent_twice_files_one_report(staff):
    """The phone-desk operator's entry form (``intake/views.py: operator_view``) carries no submission key: a
    double click, or a resend after the answer was lost (the report stored, the redirect never arrived), files the
    caller's report twice. The citizen portal's form has a key for exactly this; the operator's should too."""
    operator = Client()
    operator.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    page = operator.get("/petugas/operator/").content.decode()
    found = re.search(r'name="submission" value="([^"]+)"', page)
    assert found is not None, "the operator form carries no submission key"
    data = {
        "channel": "counter",
        "category": "saluran-tersumbat",
        "kelurahan": "31.75.07.1002",
        "description": "Got di depan pasar mampet, air meluap ke jalan setiap hujan.",
        "address": "Jl. Pahlawan Revolusi",
        "privacy": "private",
        "reporter_name": "Sumarni Wirohadi",
        "reporter_phone": "0857-1122-3344",
        "reporter_email": "",
        "submission": found.group(1),
    }
    operator.post("/petugas/operator/", data)
    operator.post("/petugas/operator/", data)  # the same form again: its answer was lost
    assert Report.objects.count() == 1
    # the page after the second send shows the first report, its number once
    page = operator.get("/petugas/operator/").content.decode()
    assert Report.objects.get().number in page


def test_the_operators_submission_key_with_another_report_is_refused(staff):
    operator = Client()
    operator.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    data = {
        "channel": "counter",
        "category": "saluran-tersumbat",
        "kelurahan": "31.75.07.1002",
        "description": "Got di depan pasar mampet, air meluap ke jalan setiap hujan.",
        "privacy": "private",
        "reporter_name": "Sumarni Wirohadi",
        "submission": "k" * 24,
    }
    assert operator.post("/petugas/operator/", data).status_code == 302
    other = operator.post(
        "/petugas/operator/", {**data, "description": "Lampu jalan mati di ujung gang sejak kemarin."}
    )
    assert other.status_code == 422 and Report.objects.count() == 1
    assert "sudah terkirim sebagai laporan lain" in other.content.decode()
    # a form shown afresh has a key of its own
    assert 'name="submission" value="' in operator.get("/petugas/operator/").content.decode()
