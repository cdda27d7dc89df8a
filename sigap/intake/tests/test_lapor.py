"""LAPOR! end to end: the import (idempotent, privacy mapped) and every status pushed back exactly once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sigap.intake.inbox import message_key
from sigap.intake.models import InboundMessage
from sigap.intake.tests.channel_helpers import ELSEWHERE, RESIDENT_NAME, laporan, pushed, sends_on_relay_threads
from sigap.privacy import vault
from sigap.reports.models import Notification, Report

pytestmark = pytest.mark.django_db


def test_lapor_import_is_idempotent_and_maps_privacy(remote, django_capture_on_commit_callbacks):
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point("31.75.07.1002")
    remote.laporan = [
        laporan(5001, lokasi={"lat": lat, "lon": lon, "alamat": "Jl. Mawar No. 3"}),
        laporan(5002, privasi="anonim", lokasi={"alamat": f"Jl. Kenanga, {ELSEWHERE}"}),
        laporan(
            5003,
            privasi="publik",
            kategori="Infrastruktur",
            judul="Jalan rusak",
            isi="Jalan berlubang besar di depan kantor kelurahan, sering ada kecelakaan.",
        ),
    ]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("lapor", "import")
    assert Report.objects.filter(channel="lapor").count() == 3 and InboundMessage.objects.count() == 3
    by_id = {m.message_id: m.report for m in InboundMessage.objects.select_related("report")}
    first, anonymous, public = (by_id[message_key("lapor", lid)] for lid in ("5001", "5002", "5003"))
    assert first.unit.code == "kel:31.75.07.1002" and first.category.code == "saluran-tersumbat"
    assert anonymous.privacy == "private" and anonymous.kelurahan.name == "Pondok Bambu"
    kept = vault.identity_for_reveal(anonymous.reporter_ref)
    assert kept["handle"] == "5002" and not kept["name"] and not kept["phone"] and not kept["email"]
    assert vault.identity_for_reveal(first.reporter_ref)["name"] == RESIDENT_NAME
    assert public.privacy == "public" and public.category_source == "machine"
    for lid in (5001, 5002, 5003):
        [received] = pushed(remote, lid)
        assert (
            received["status"] == "diterima" and by_id[message_key("lapor", str(lid))].number in received["keterangan"]
        )
    gets = [r for r in remote.requests if r["method"] == "GET" and r["path"] == "/lapor/laporan"]
    assert {r["query"]["page"] for r in gets} == {"1", "2"}
    assert all(
        r["query"]["instansi"] == "pemprov-dki"
        and r["query"]["status"] == "disposisi"
        and r["headers"]["Authorization"] == "Bearer lapor-token"
        for r in gets
    )


def test_lapor_has_no_webhook(client, remote):
    response = client.post("/channels/lapor/webhook", data=b"{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "channel_disabled"
    assert client.get("/channels/lapor/webhook").status_code == 405
    assert InboundMessage.objects.count() == 0


def test_every_status_of_a_lapor_report_is_pushed_back_exactly_once(
    remote, selesai, django_capture_on_commit_callbacks
):
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point("31.75.07.1002")
    remote.laporan = [laporan(6001, lokasi={"lat": lat, "lon": lon, "alamat": "Jl. Mawar"})]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    report = Report.objects.get()
    remote.fail_sends = 1  # the first status push fails once and is retried by `sigap lapor push`
    selesai(report)
    call_command("lapor", "push")
    call_command("lapor", "push")
    updates = pushed(remote, 6001)
    assert len(updates) == 4 and len({u["keterangan"] for u in updates}) == 4  # each exactly once
    # the retried one arrived late; `waktu` (the time of the change) puts LAPOR!'s history in order
    in_order = [u["status"] for u in sorted(updates, key=lambda u: u["waktu"])]
    assert in_order == ["diterima", "diproses", "diproses", "selesai"]
    changes = {c.new_status: timezone.localtime(c.created_at).isoformat() for c in report.history.all()}
    assert {u["waktu"] for u in updates[1:]} == {
        changes["in_progress"],
        changes["awaiting_validation"],
        changes["done"],
    }
    assert Notification.objects.filter(report=report).exclude(state="sent").count() == 0
    assert mail.outbox == []  # a LAPOR! reporter hears from LAPOR!, not from us


def test_statuses_pushed_on_the_relay_threads_open_no_database_connection(
    remote, selesai, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The relay sends a batch on several threads; the status each push announces is read once for the batch
    before the sends, so no send thread opens a connection of its own, and each push still carries its status
    and the time of its change."""
    from sigap.intake.channels.lapor import LaporAdapter
    from sigap.privacy import relay
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point("31.75.07.1002")
    remote.laporan = [laporan(6101, lokasi={"lat": lat, "lon": lon, "alamat": "Jl. Mawar"})]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    report = Report.objects.get()
    remote.fail_sends = 3  # the three status pushes fail now, and are sent again below as one batch
    selesai(report)
    waiting = list(Notification.objects.filter(report=report, state="failed").values_list("pk", flat=True))
    assert len(waiting) == 3
    opened = sends_on_relay_threads(monkeypatch, settings, LaporAdapter)
    assert relay.deliver_batch(waiting, force=True) == {"claimed": 3, "sent": 3}
    assert opened == [False, False, False]
    updates = pushed(remote, 6101)
    changes = {c.new_status: timezone.localtime(c.created_at).isoformat() for c in report.history.all()}
    assert sorted((u["waktu"], u["status"]) for u in updates[1:]) == [
        (changes["in_progress"], "diproses"),
        (changes["awaiting_validation"], "diproses"),
        (changes["done"], "selesai"),
    ]


# Reports a review found lost: stored as ignored, never filed nor retried, nothing pushed back to LAPOR!.


@pytest.mark.parametrize("telepon", ["-", "tidak ada"])
def test_a_report_whose_pelapor_phone_sigap_cannot_use_is_still_filed(
    remote, telepon, django_capture_on_commit_callbacks
):
    """LAPOR! is the reporter's contact: a number Sigap could not use refused the whole report (invalid_phone)."""
    remote.laporan = [
        laporan(7001, pelapor={"nama": RESIDENT_NAME, "telepon": telepon, "email": "lapor.canary@example.org"})
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    assert Report.objects.filter(channel="lapor").count() == 1


def test_a_report_with_a_nul_in_its_address_is_still_filed(remote, django_capture_on_commit_callbacks):
    """Only the text lost its NULs; one in ``lokasi.alamat`` (or ``pelapor``) refused the report (invalid_character)."""
    remote.laporan = [
        laporan(
            7002,
            lokasi={"lat": None, "lon": None, "alamat": f"Jl. Mawar\x00, {ELSEWHERE}"},
            pelapor={"nama": "Qoppa\x00 Zyxwvut", "telepon": "0813-7717-2345", "email": "awk@example.org"},
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    report = Report.objects.get(channel="lapor")
    assert "\x00" not in report.address and "Jl. Mawar" in report.address


def test_a_report_without_an_id_is_refused_not_filed_under_the_id_none(remote, django_capture_on_commit_callbacks):
    """``str(None)``: the first null-id item was filed as "None", its statuses pushed to /laporan/None, and every
    later null-id complaint was taken for its redelivery."""
    remote.laporan = [
        laporan(1, id=None),
        laporan(2, id=None, judul="Lampu jalan mati", isi="Lampu PJU mati sudah seminggu di gang kami."),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    assert Report.objects.filter(channel="lapor").count() == 0
    assert not remote.sent("/lapor/laporan/None/tindak-lanjut")


def test_every_status_of_sigap_has_its_lapor_status():
    from sigap.intake.channels.lapor import STATUS_TO_LAPOR
    from sigap.reports.states import Status

    assert set(STATUS_TO_LAPOR) <= {s.value for s in Status}  # "coordination" and "disposition" were never statuses
    assert {"koordinasi", "disposisi"} <= set(STATUS_TO_LAPOR)


def test_a_report_whose_pelapor_email_cannot_be_an_address_is_still_filed(remote, django_capture_on_commit_callbacks):
    """An address Sigap could not use is not kept (updates would never reach it), and does not refuse the report."""
    from sigap.privacy import vault

    remote.laporan = [laporan(7003, pelapor={"nama": RESIDENT_NAME, "telepon": "0813-7717-2345", "email": "-"})]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    report = Report.objects.get(channel="lapor")
    assert vault.identity_for_reveal(report.reporter_ref).get("email", "") == ""


def test_a_pelapor_contact_not_kept_is_still_taken_out_of_the_text(remote, django_capture_on_commit_callbacks):
    """Not kept because Sigap cannot use it, the address is still what the door is told: the name it spells and the
    address itself leave the officers' copy (a review: "wulandari.kusuma@gmail", no domain ending)."""
    remote.laporan = [
        laporan(
            7004,
            isi="Lampu jalan mati sudah seminggu, tolong dicek. wulandari kusuma (wulandari.kusuma@gmail)",
            pelapor={"nama": "", "telepon": "", "email": "wulandari.kusuma@gmail"},
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")
    report = Report.objects.get(channel="lapor")
    assert "wulandari" not in report.description.lower() and "kusuma" not in report.description.lower()
    assert "Lampu jalan mati sudah seminggu, tolong dicek." in report.description
