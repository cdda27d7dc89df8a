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


def test_the_operator_form_resent_does_not_show_an_anonymous_reports_secret_again(staff):
    """The portal spends its key once the done page has shown the codes (``idempotency.spend``): "a resend of the
    same form (Back on a shared phone) must not show the codes again". The operator's new submission key
    (intake/views.py ``_operator_claim``/``_result_of``) is never spent: the same form sent again any time in the
    next 24 hours (Back on the counter's shared computer, another operator at the desk) is answered with the first
    send's sealed summary, and the page shows the tracking code and the Anonim reporter's *secret* again, although
    the result is meant to be "shown once, after the redirect". Spend the operator's key after its result page as
    the portal does (or answer a spent key with the number only)."""
    operator = Client()
    operator.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    page = operator.get("/petugas/operator/").content.decode()
    key = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    data = {
        "channel": "counter",
        "category": "saluran-tersumbat",
        "kelurahan": "31.75.07.1002",
        "description": "Got di depan pasar mampet, air meluap ke jalan setiap hujan.",
        "address": "Jl. Pahlawan Revolusi",
        "privacy": "anonymous",
        "submission": key,
    }
    assert operator.post("/petugas/operator/", data).status_code == 302
    first = operator.get("/petugas/operator/").content.decode()
    secret = re.search(r'id="result-secret">([^<]+)<', first)
    assert secret is not None  # shown once, as it should be
    resent = operator.post("/petugas/operator/", data)  # the same form again, later: told the number only
    assert resent.status_code == 422 and Report.objects.count() == 1
    again = resent.content.decode() + operator.get("/petugas/operator/").content.decode()
    assert Report.objects.get().number in again
    assert secret.group(1) not in again, "the Anonim report's secret is shown a second time"


def test_another_operator_sending_the_same_form_gets_neither_a_second_report_nor_its_codes(staff):
    """The key's record lives a day and was not bound to the account that was shown the form: operator A files an
    Anonim caller's report and never sees the result page (the redirect lost, the tab closed, the key unspent);
    operator B sends the same form (Back at the shared counter computer, or the form data passed on) and was shown
    A's report's tracking code and the reporter's secret, the one credential that reads, answers and rates as the
    reporter (an attacker's review). B is refused as for a key reused for another report: nothing filed again,
    nothing shown."""
    a, b = Client(), Client()
    a.force_login(staff("operator.a", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    b.force_login(staff("operator.b", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    key = re.search(r'name="submission" value="([^"]+)"', a.get("/petugas/operator/").content.decode()).group(1)
    data = {
        "channel": "call_center",
        "category": "saluran-tersumbat",
        "kelurahan": "31.75.07.1002",
        "description": "Got di depan pasar mampet, air meluap ke jalan setiap hujan.",
        "privacy": "anonymous",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_email": "",
        "submission": key,
    }
    assert a.post("/petugas/operator/", data).status_code == 302  # filed; A's redirect is lost
    secret = a.session["sigap_operator_result"]["secret"]
    assert secret
    answer = b.post("/petugas/operator/", data)
    assert answer.status_code == 422
    page = answer.content.decode() + b.get("/petugas/operator/").content.decode()
    assert secret not in page and Report.objects.get().number not in page
    assert Report.objects.count() == 1
    # A, sending it again, is still answered with the report it filed
    assert a.post("/petugas/operator/", data).status_code == 302
    assert Report.objects.get().number in a.get("/petugas/operator/").content.decode()
