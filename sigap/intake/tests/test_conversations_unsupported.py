"""What no chat step takes (a voice note, a video, a sticker, a file that is no photo) is told to the resident in the
dialog they are in, and a photo sent as a file is a photo. Taken as nothing, a photo sent as a WhatsApp document in
answer to the officer opened a new report dialog while the report went on waiting (a fault-injection review)."""

from __future__ import annotations

import pytest

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    PHONE,
    deliver,
    fake,
    replies_to,
    wa_file,
    wa_payload,
    wa_sign,
)
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.states import Status

pytestmark = pytest.mark.django_db


def test_whatsapp_document_sent_as_the_answer_is_not_dropped_nor_taken_for_a_new_report(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """The officer asks "kirim foto kondisinya"; the resident sends the photo as a document (usual on WhatsApp to
    keep its quality; a voice note takes the same path). The adapter marks it ``extra["unsupported"]`` and
    nothing reads that: the message has no text and no media, so it is not an answer
    (``_answer_to_question``), a new dialog is opened and the resident is greeted "Halo, ini Sigap. Ceritakan
    masalah ..." while their report keeps waiting (and is closed for no answer later). Either take an image
    document as a photo, or tell the resident what cannot be taken, without opening a new report dialog."""
    report = wa_file(deliver, "D", "Got mampet parah di gang buntu, air meluap")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Bisa kirim foto kondisinya?")
    fake.media["DOC1"] = jpeg_colour((30, 120, 60))
    before = len(replies_to(fake))
    body = wa_payload(
        {
            "from": PHONE,
            "id": "wamid.D9",
            "timestamp": "1764300000",
            "type": "document",
            "document": {"id": "DOC1", "mime_type": "image/jpeg", "filename": "IMG_0001.jpg"},
        }
    )
    assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    told = replies_to(fake)[before:]
    assert not Conversation.objects.filter(state=Conversation.State.OPEN).exists()  # no new report dialog
    assert told and not any(t.startswith("Halo, ini Sigap. Ceritakan masalah") for t in told)
    report.refresh_from_db()
    assert report.photos.count() == 1 and report.status != Status.AWAITING_REPORTER  # the answer, with its photo


def test_a_voice_note_in_answer_is_told_and_opens_no_new_dialog(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    report = wa_file(deliver, "V", "Got mampet parah di gang buntu, air meluap")
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa tepatnya?")
    before = len(replies_to(fake))
    body = wa_payload({"from": PHONE, "id": "wamid.V9", "timestamp": "1764300000", "type": "audio",
                       "audio": {"id": "AUD1", "mime_type": "audio/ogg"}})  # fmt: skip
    assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    told = replies_to(fake)[before:]
    assert len(told) == 1 and told[0].startswith("Pesan suara, video"), told
    assert not Conversation.objects.filter(state=Conversation.State.OPEN).exists()
    assert Report.objects.get(pk=report.pk).status == Status.AWAITING_REPORTER  # still waits for the answer


def test_a_new_senders_voice_note_is_greeted_as_a_new_dialog(deliver, fake):
    body = wa_payload({"from": PHONE, "id": "wamid.V1", "timestamp": "1764300000", "type": "audio",
                       "audio": {"id": "AUD1", "mime_type": "audio/ogg"}})  # fmt: skip
    assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    assert replies_to(fake)[-1].startswith("Halo, ini Sigap.")


def test_a_whatsapp_reaction_is_not_answered_as_an_unsupported_message(deliver, fake):
    """``WhatsAppAdapter._message`` (channels/whatsapp.py:66-67) marks *every* other message type
    ``extra["unsupported"]``, and ``_unsupported_told`` (conversations.py:329) now answers each one in the
    resident's last dialog. WhatsApp delivers a thumbs-up on Sigap's "laporan diterima" as ``type: "reaction"`` (also
    ``"unsupported"``, ``"system"``, ``"ephemeral"``...): the resident gets "Pesan suara, video, stiker, atau berkas
    selain foto belum dapat kami terima..." for a thumbs-up. A reaction (and a removed one, emoji "") is no message
    to a dialog: ignore it (allow-list what is told: audio, voice, video, sticker, document, contacts)."""
    report = wa_file(deliver, "R", "Got mampet parah di gang buntu, air meluap")
    assert report is not None
    before = len(replies_to(fake))
    body = wa_payload(
        {
            "from": PHONE,
            "id": "wamid.R9",
            "timestamp": "1764300000",
            "type": "reaction",
            "reaction": {"message_id": "wamid.OURS1", "emoji": "\U0001f44d"},
        }
    )
    assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    told = replies_to(fake)[before:]
    assert told == [], f"a reaction was answered: {told}"
