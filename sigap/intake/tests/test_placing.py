"""A report without a point is placed by what the officers' copy of its text names, never by the text as written
(``sigap.intake.placing``). An attacker's review: a sign-off with the reporter's name, which is also a kelurahan's
("Salam, Wijaya Kusuma"), was cut from the description ("Salam, [nama disembunyikan]") while the report was filed in
Kelurahan Wijaya Kusuma at its stock point, on the email, chat and LAPOR! paths: the kelurahan's officer read the
hidden name off the report's own kelurahan, and a report about a school elsewhere went to the wrong office."""

from __future__ import annotations

import pytest

from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    FB_SECRET,
    deliver,
    fake,
    fb_comment,
    hex_sign,
    laporan,
    mail_in,
    mime,
    remote,
    wa_payload,
    wa_sign,
    wa_text,
)
from sigap.reports.models import Report

pytestmark = pytest.mark.django_db
SIGNED = "Got mampet di depan sekolah, air meluap ke jalan kalau hujan."


def not_placed_by_the_name(report: Report) -> None:
    assert "Wijaya Kusuma" not in report.description
    assert report.kelurahan is None or report.kelurahan.name != "Wijaya Kusuma"
    assert "Wijaya Kusuma" not in report.address


def test_an_email_is_not_placed_by_its_senders_sign_off(mail_in, remote):
    raw = mime(
        f"Selamat pagi,\n\n{SIGNED}\n\nSalam,\nWijaya Kusuma", sender="Andi Wijaya Kusuma <andi.wk77@example.org>"
    )
    assert mail_in(raw).status_code == 200
    assert not Report.objects.filter(kelurahan__name="Wijaya Kusuma").exists()
    for report in Report.objects.all():  # the mail asks where instead, or the desk places it
        not_placed_by_the_name(report)


def test_an_email_naming_its_place_is_still_placed_by_it(mail_in, remote):
    raw = mime(
        "Got mampet di Jl. Pondok Bambu Raya, Pondok Bambu, Duren Sawit. Air meluap ke jalan.\n\nSalam,\nAndi",
        sender="Andi Wijaya Kusuma <andi.wk77@example.org>",
    )
    assert mail_in(raw).status_code == 200
    report = Report.objects.get()
    assert report.kelurahan is not None and report.kelurahan.name == "Pondok Bambu"


def test_a_chat_is_not_placed_by_its_senders_sign_off(deliver, fake):
    for msg in (
        wa_text("wamid.K1", f"{SIGNED} Salam, Wijaya Kusuma"),
        wa_text("wamid.K2", "ya"),
        wa_text("wamid.K3", "1"),
    ):
        body = wa_payload(msg, name="Andi Wijaya Kusuma")
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    assert not Report.objects.filter(kelurahan__name="Wijaya Kusuma").exists()
    for report in Report.objects.all():  # the chat asks where instead, or the desk places it
        not_placed_by_the_name(report)


def test_a_lapor_report_is_not_placed_by_its_pelapors_sign_off(remote, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    remote.laporan = [
        laporan(
            7001,
            isi="Saluran di depan sekolah tersumbat sampah, air meluap.\nHormat saya,\nWijaya Kusuma",
            pelapor={"nama": "Andi Wijaya Kusuma", "telepon": "0813-7717-2345", "email": "awk@example.org"},
            lokasi={"lat": None, "lon": None, "alamat": "depan sekolah"},
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    not_placed_by_the_name(Report.objects.get())


def test_a_public_post_is_not_placed_by_its_authors_name(deliver, remote):
    remote.psid_for_comment["555000_9901"] = "6100000000000001"
    body = fb_comment("555000_9901", f"{SIGNED} Salam, Wijaya Kusuma", name="Andi Wijaya Kusuma")
    deliver("facebook", body, hex_sign(FB_SECRET, body, "X-Hub-Signature-256"))
    not_placed_by_the_name(Report.objects.get())


# A second review: what the resident writes as the *address* was still placed as written, and the door cut a name
# in it ("a.n. Wijaya Kusuma", "terima kasih, Wijaya Kusuma") from the officers' copy while the kelurahan spelled it.


def nowhere_by_the_name() -> None:
    assert not Report.objects.filter(kelurahan__name="Wijaya Kusuma").exists()
    for report in Report.objects.all():  # asked where again, or at the desk
        not_placed_by_the_name(report)


def test_a_chats_answer_to_where_is_placed_by_the_officers_copy(deliver, fake):
    texts = (SIGNED, "Gang Mawar RT 03, terima kasih, Wijaya Kusuma", "ya", "1")
    for i, text in enumerate(texts):
        body = wa_payload(wa_text(f"wamid.W{i}", text), name="Andi Wijaya Kusuma")
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    nowhere_by_the_name()


def test_an_sms_keyword_place_is_placed_by_the_officers_copy(deliver, fake):
    import hashlib
    import hmac
    from urllib.parse import urlencode

    for mid, text in (
        ("s1", "LAPOR#sampah#depan sekolah a.n. Wijaya Kusuma#Sampah menumpuk sudah seminggu"),
        ("s2", "1"),
    ):
        body = urlencode({"from": "081200001111", "id": mid, "text": text}).encode()
        sig = "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()
        deliver("sms", body, {"X-Sigap-Signature": sig}, content_type="application/x-www-form-urlencoded")
    nowhere_by_the_name()


def test_the_portals_address_without_a_pin_is_placed_by_the_officers_copy(client):
    from sigap.portal.tests.conftest import form_data

    data = form_data(kota="", kecamatan="", kelurahan="", place_unknown="on", name="Andi Wijaya Kusuma")
    client.post("/lapor/", {**data, "address": "depan SD Negeri, a.n. Wijaya Kusuma"})
    nowhere_by_the_name()


def open311_request(**fields) -> dict:
    """An Open311 request of a new client app, its fields as given."""
    from sigap.open311.services import apiclient_issue

    key = apiclient_issue(name="app-warga", rate_per_minute=60)[1]
    return {"api_key": key, "service_code": "sampah", "description": "Sampah menumpuk di depan sekolah.", **fields}


def test_an_open311_address_string_is_placed_by_the_officers_copy(client):
    request = open311_request(
        address_string="depan SD Negeri, a.n. Wijaya Kusuma", first_name="Andi", last_name="Wijaya Kusuma"
    )
    response = client.post("/open311/v2/requests.json", request)
    assert response.status_code == 400 and response.json()[0]["sigap"]["code"] == "address_not_understood"
    nowhere_by_the_name()
    # a place the officers' copy names is still placed
    placed = client.post("/open311/v2/requests.json", {**request, "address_string": "depan SD Negeri, Pondok Bambu"})
    assert placed.status_code == 201, placed.content
    assert Report.objects.get(number=placed.json()[0]["service_request_id"]).kelurahan.name == "Pondok Bambu"


# --- Every path places by the terms its report is redacted with (``services.door_terms``) ----------------------
# An attacker's second review: Open311's address was placed with the resident's name, phone and email only, while the
# stored address was redacted with the client app's account and device too; the operator form placed without the
# caller's email. A kelurahan named like the hidden account or address ("cikini") placed the report there.


def not_in_cikini(report: Report) -> None:
    assert "cikini" not in report.address.lower(), report.address
    assert report.kelurahan is None or report.kelurahan.name != "Cikini", (report.address, report.kelurahan)


def test_an_open311_address_is_not_placed_by_the_apps_account_it_hides(client):
    request = open311_request(address_string="depan masjid, cikini", first_name="Siti", last_name="Rahayu")
    response = client.post("/open311/v2/requests.json", {**request, "account_id": "cikini"})
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:  # not placed: the candidates, never Cikini
        assert response.json()[0]["sigap"]["code"] == "address_not_understood"
    for report in Report.objects.all():
        not_in_cikini(report)
    # without the account, the place the resident wrote places it
    placed = client.post("/open311/v2/requests.json", request)
    assert placed.status_code == 201, placed.content
    assert Report.objects.get(number=placed.json()[0]["service_request_id"]).kelurahan.name == "Cikini"


def _operator(staff):
    from django.test import Client

    from sigap.organization.models import StaffRole

    c = Client()
    c.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    return c


OPERATOR_CALL = {
    "channel": "counter",
    "category": "saluran-tersumbat",
    "kelurahan": "",
    "description": "Got di depan pasar mampet, air meluap ke jalan setiap hujan.",
    "address": "depan masjid, cikini",
    "privacy": "private",
    "reporter_name": "Sumarni Wirohadi",
    "reporter_phone": "0857-1122-3344",
    "reporter_email": "cikini@example.org",
}


def test_the_operator_form_is_not_placed_by_the_callers_email_it_hides(staff):
    c = _operator(staff)
    c.post("/petugas/operator/", OPERATOR_CALL)
    for report in Report.objects.all():  # the operator is asked which kelurahan, or the report is elsewhere
        not_in_cikini(report)
    # the live suggestion reads the address the same way
    page = c.post(
        "/petugas/operator/lokasi/alamat/",
        {k: OPERATOR_CALL[k] for k in ("address", "reporter_name", "reporter_email")},
    )
    assert page.status_code == 200
    assert "Cikini" not in page.content.decode()
    # the caller's email elsewhere: the place they name places it
    c.post("/petugas/operator/", {**OPERATOR_CALL, "reporter_email": "sumarni@example.org"})
    assert Report.objects.get().kelurahan.name == "Cikini"
