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
