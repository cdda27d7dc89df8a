"""The chat dialog repairs what filing refused and reads "no" and "rahasia" (``sigap.intake.conversations``): a
refusal used to leave the dialog at the step it was refused at, so every later message was refused the same way
and no report was ever filed."""

from __future__ import annotations

import json

import pytest

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import PHONE, replies_to, wa_location, wa_payload, wa_sign, wa_text
from sigap.intake.tests.fake_services import jpeg
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def _wa(deliver, msg):
    body = wa_payload(msg)
    assert deliver("whatsapp", body, wa_sign(body)).status_code == 200


def test_a_description_refused_as_too_short_is_completed_by_the_next_message(deliver, fake):
    """'Halo' is taken as the whole description; filing is refused as too short, and nothing the resident
    writes afterwards can lengthen the description: every later message is refused the same way."""
    lat, lon = inner_point("31.75.07.1002")
    _wa(deliver, wa_text("wamid.S1", "Halo"))
    pin = wa_location("wamid.S2", lat, lon)
    pin["location"] = {"latitude": lat, "longitude": lon}  # a dropped pin: no name, no address
    _wa(deliver, pin)
    _wa(deliver, wa_text("wamid.S3", "ya"))
    _wa(deliver, wa_text("wamid.S4", "1"))
    assert "terlalu pendek" in replies_to(fake)[-1]
    # the resident does what the refusal asks: describes the problem
    _wa(deliver, wa_text("wamid.S5", "Jalan berlubang besar di depan SDN 01, sudah seminggu belum diperbaiki"))
    _wa(deliver, wa_text("wamid.S6", "1"))
    assert Report.objects.count() == 1, replies_to(fake)[-3:]


def test_photos_beyond_the_limit_are_not_kept_and_the_report_is_filed(deliver, fake):
    """Every photo is appended to the dialog without limit; report_submit refuses more than 5, and the
    resident has no way to drop one: the dialog refuses every later message."""
    for i in range(6):
        fake.media[f"M{i}"] = jpeg((10 * i, 100, 100))
    lat, lon = inner_point("31.75.07.1002")
    _wa(deliver, wa_text("wamid.P0", "Pohon tumbang menutup jalan di depan pasar"))
    for i in range(6):
        _wa(
            deliver,
            {
                "from": PHONE,
                "id": f"wamid.PI{i}",
                "timestamp": "1764300000",
                "type": "image",
                "image": {"id": f"M{i}", "mime_type": "image/jpeg"},
            },
        )
    _wa(deliver, wa_location("wamid.P7", lat, lon))
    _wa(deliver, wa_text("wamid.P8", "ya"))
    _wa(deliver, wa_text("wamid.P9", "1"))
    _wa(deliver, wa_text("wamid.P10", "1"))
    assert Report.objects.count() == 1, replies_to(fake)[-2:]
    assert Report.objects.get().photos.count() == 5
    assert sum("paling banyak 5 foto" in reply for reply in replies_to(fake)) == 1  # told once


def test_no_to_the_guessed_category_offers_the_list_and_is_not_part_of_the_description(deliver, fake):
    """Asked "Is your report about: X? Reply YES, or choose a number", a resident who answers "tidak" (no) gets X
    confirmed anyway, and "tidak" is appended to the report's description."""
    lat, lon = inner_point("31.75.07.1002")
    _wa(deliver, wa_text("wamid.T1", "Got mampet parah di gang buntu"))
    _wa(deliver, wa_location("wamid.T2", lat, lon))
    asked = replies_to(fake)[-1]
    assert asked.startswith("Apakah laporan Anda tentang")
    _wa(deliver, wa_text("wamid.T3", "tidak"))
    after_no = replies_to(fake)[-1]
    _wa(deliver, wa_text("wamid.T4", "1"))  # the first category of the list
    _wa(deliver, wa_text("wamid.T5", "1"))  # Privat
    report = Report.objects.get()
    assert after_no.startswith("Pilih nomor kategorinya")  # the list again, not the next question
    assert "tidak" not in report.description, (
        after_no,
        report.category.code,
        report.description,
    )


def test_rahasia_offered_at_the_privacy_question_is_understood(deliver, fake):
    """The question offers "1 Privat/Rahasia"; answering "Rahasia" is not recognised and the question repeats."""
    lat, lon = inner_point("31.75.07.1002")
    _wa(deliver, wa_text("wamid.R1", "Got mampet parah di gang buntu"))
    _wa(deliver, wa_location("wamid.R2", lat, lon))
    _wa(deliver, wa_text("wamid.R3", "ya"))
    assert "Privat/Rahasia" in replies_to(fake)[-1]
    _wa(deliver, wa_text("wamid.R4", "Rahasia"))
    assert Report.objects.count() == 1, replies_to(fake)[-1][:60]


def test_a_cancelled_or_expired_dialog_keeps_nothing_the_resident_told(deliver, fake):
    """After "batal" the dialog's text and photo stayed readable in the vault, and nothing else removed them."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.privacy import vault

    fake.media["MEDIA1"] = jpeg((10, 100, 100))
    _wa(deliver, wa_text("wamid.X1", "Tetangga saya Pak Budi di RT 05 membuang sampah ke kali"))
    image = {"from": PHONE, "id": "wamid.X2", "timestamp": "1764300000", "type": "image"}
    _wa(deliver, {**image, "image": {"id": "MEDIA1", "mime_type": "image/jpeg"}})
    conv = Conversation.objects.get()
    told = [conv.data_ref, *(p["ref"] for p in json.loads(vault.blob_read(conv.data_ref))["photos"])]
    _wa(deliver, wa_text("wamid.X3", "batal"))
    conv.refresh_from_db()
    assert conv.state == "cancelled" and conv.data_ref == ""
    assert [vault.blob_read(ref) for ref in told] == [None, None]
    _wa(deliver, wa_text("wamid.X4", "Lampu jalan di gang Mawar mati sejak kemarin malam"))
    later = Conversation.objects.get(state="open")
    Conversation.objects.filter(pk=later.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    kept = later.data_ref
    _wa(deliver, wa_text("wamid.X5", "Pohon tumbang di depan pasar"))  # after it expired: a new dialog
    later.refresh_from_db()
    assert later.state == "expired" and later.data_ref == "" and vault.blob_read(kept) is None


def test_a_reply_in_the_middle_of_a_new_dialog_is_not_taken_as_the_answer_to_an_older_question(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """The resident is telling a second report (asked for its location) when an officer asks about the first:
    the location they typed for the new report went to the officer as the answer to the old one."""
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.A1", "Got mampet parah di gang buntu"),
        wa_location("wamid.A2", lat, lon),
        wa_text("wamid.A3", "ya"),
        wa_text("wamid.A4", "1"),
    ):
        _wa(deliver, msg)
    first = Report.objects.get()
    # a second report is being told
    _wa(deliver, wa_text("wamid.B1", "Lampu penerangan jalan mati total sejak minggu lalu"))
    assert Conversation.objects.get(state="open").step == "location"
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=first.pk, actor=officer)
        services.report_ask_reporter(report_id=first.pk, actor=officer, question="Di RT berapa?")
    # the answer to "where is it?" of the open dialog
    _wa(deliver, wa_text("wamid.B2", "Kelurahan Pondok Bambu, Duren Sawit"))
    first.refresh_from_db()
    conv = Conversation.objects.get(state="open")
    assert first.status == "awaiting_reporter" and conv.step != "location", (
        first.status,
        conv.step,
        replies_to(fake)[-1],
    )


def test_a_shared_location_as_the_first_message_is_not_the_description(deliver, fake):
    """A resident who starts by sharing the place (WhatsApp sends the pin's name and address with it) is never
    asked what the problem is: the pin's label became the whole description and the report was filed."""
    lat, lon = inner_point("31.75.07.1002")
    _wa(deliver, wa_location("wamid.L1", lat, lon))
    assert replies_to(fake)[-1].startswith("Halo, ini Sigap. Ceritakan masalah")  # what, not where again
    _wa(deliver, wa_text("wamid.L2", "Got mampet parah, air meluap ke jalan setiap hujan"))
    _wa(deliver, wa_text("wamid.L3", "ya"))
    _wa(deliver, wa_text("wamid.L4", "1"))
    report = Report.objects.get()
    assert report.description == "Got mampet parah, air meluap ke jalan setiap hujan"
    assert report.address == "Rumah Jl. Pahlawan Revolusi"


def _photo_with_caption(mid, media_id, caption):
    image = {"id": media_id, "mime_type": "image/jpeg", "caption": caption}
    return {"from": PHONE, "id": mid, "timestamp": "1764300000", "type": "image", "image": image}


def test_a_photo_the_channel_no_longer_has_loses_the_photo_not_the_message(deliver, fake):
    """A photo whose download is refused for good (gone at the channel: 404) failed the whole message, which
    was retried a few times and then left: the resident's words were never read and nobody told them."""
    from sigap.intake.models import InboundMessage

    _wa(deliver, _photo_with_caption("wamid.G1", "GONE1", "Got mampet parah di gang buntu sejak kemarin"))
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"processed"}
    conv = Conversation.objects.get()
    from sigap.intake.conversations import dialog_load

    data = dialog_load(conv)
    assert data["texts"] == ["Got mampet parah di gang buntu sejak kemarin"] and data["photos"] == []
    replies = replies_to(fake)
    assert any("foto" in r.lower() and "kirim" in r.lower() for r in replies), replies
    assert conv.step == "location"  # and the dialog goes on with what it has


def test_a_photo_the_channel_cannot_give_for_now_is_tried_again_then_given_up(
    deliver, fake, django_capture_on_commit_callbacks
):
    """A passing failure (the channel's server answers 500) is tried again by the inbox flush, with the photo;
    at the last attempt the message is handled without it, and the resident is told."""
    from sigap.intake.conversations import dialog_load
    from sigap.intake.inbox import MAX_ATTEMPTS, inbox_flush
    from sigap.intake.models import InboundMessage

    fake.media["LATER1"] = jpeg((10, 100, 100))
    fake.fail_media = 1
    _wa(deliver, _photo_with_caption("wamid.L1", "LATER1", "Pohon tumbang menutup jalan di depan pasar"))
    assert InboundMessage.objects.get().state == "failed" and not Conversation.objects.exists()
    assert inbox_flush() == {"processed": 1}
    assert len(dialog_load(Conversation.objects.get())["photos"]) == 1  # the second try had it

    fake.fail_media = MAX_ATTEMPTS
    _wa(deliver, _photo_with_caption("wamid.L2", "LATER1", "ini fotonya lagi"))
    for _ in range(MAX_ATTEMPTS - 2):
        assert inbox_flush() == {"failed": 1}
    told = len(replies_to(fake))
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox_flush() == {"processed": 1}  # the last attempt: without the photo
    assert InboundMessage.objects.filter(state="processed").count() == 2
    assert len(dialog_load(Conversation.objects.get())["photos"]) == 1
    assert any("kirim ulang" in r for r in replies_to(fake)[told:]), replies_to(fake)[told:]


def test_a_photo_refused_because_our_access_token_expired_is_tried_again_not_dropped(deliver, fake, monkeypatch):
    """A 401 or 403 from the channel is about our credentials (an expired or rotated token), not the photo: the
    inbox tries the message again instead of dropping the photo at once."""
    import httpx

    from sigap.intake.channels.registry import ADAPTERS
    from sigap.intake.models import InboundMessage

    def token_expired(self, media):
        request = httpx.Request("GET", "https://graph.example.invalid/" + media["id"])
        raise httpx.HTTPStatusError("401", request=request, response=httpx.Response(401, request=request))

    monkeypatch.setattr(type(ADAPTERS["whatsapp"]), "fetch_media", token_expired)
    _wa(deliver, _photo_with_caption("wamid.T1", "MEDIA1", "Got mampet parah di gang buntu sejak kemarin"))
    assert InboundMessage.objects.get().state == "failed" and not Conversation.objects.exists()
