"""The chat dialog (``sigap.intake.conversations``) as residents meet it: cancelling, English prompts, answering
an officer's question, and answers passing the redaction door."""

from __future__ import annotations

import pytest

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import replies_to, wa_location, wa_payload, wa_sign, wa_text
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_cancel_ends_the_dialog(deliver, fake):
    for msg in (wa_text("wamid.C1", "Ada parkir liar depan sekolah"), wa_text("wamid.C2", "batal")):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    assert Conversation.objects.get().state == "cancelled" and Report.objects.count() == 0
    assert "dibatalkan" in replies_to(fake)[-1]


def test_english_speaker_gets_english_prompts(deliver, fake):
    body = wa_payload(wa_text("wamid.E1", "There is a broken street light near my house, please fix it"))
    deliver("whatsapp", body, wa_sign(body))
    assert replies_to(fake)[0].startswith("Thank you. Where is it?")


def test_answering_an_officers_question_on_whatsapp_resumes_the_report(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.Q1", "Got mampet parah di gang buntu"),
        wa_location("wamid.Q2", lat, lon),
        wa_text("wamid.Q3", "ya"),
        wa_text("wamid.Q4", "1"),
    ):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Di RT berapa?")
    assert "Di RT berapa?" in replies_to(fake)[-1]
    body = wa_payload(wa_text("wamid.Q5", "RT 05 RW 03, hubungi saya di 0812-1111-2222"))
    deliver("whatsapp", body, wa_sign(body))
    report.refresh_from_db()
    assert report.status == "in_progress" and Report.objects.count() == 1
    answer = report.history.last().internal_note
    assert "RT 05 RW 03" in answer and "1111" not in answer
    assert "jawaban Anda untuk laporan" in replies_to(fake)[-1]


def test_a_chat_answer_is_redacted_with_the_reporters_own_names(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """An officer asks for a name; the WhatsApp answer carries the reporter's profile name bare: officers never read it."""
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.N1", "Got mampet parah di gang buntu"),
        wa_location("wamid.N2", lat, lon),
        wa_text("wamid.N3", "ya"),
        wa_text("wamid.N4", "1"),
    ):
        body = wa_payload(msg, name="Zyxwvut Qoppaname")
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Mohon tulis nama lengkap Anda")
    body = wa_payload(
        wa_text("wamid.N5", "Zyxwvut Qoppaname, rumah cat hijau. 0812 9988 7766"), name="Zyxwvut Qoppaname"
    )
    deliver("whatsapp", body, wa_sign(body))
    report.refresh_from_db()
    answer = report.history.last().internal_note
    assert report.status == "in_progress" and "rumah cat hijau" in answer
    for marker in ("Zyxwvut", "Qoppaname", "9988"):
        assert marker not in answer, answer


def test_the_engine_keeps_the_dialog_in_the_vault_and_speaks_the_residents_language():
    """What every dialog is made of: the conversation record, its encrypted state, bilingual messages."""
    from sigap.intake.channels.base import Inbound
    from sigap.intake.conversations import dialog_create, dialog_load, dialog_save, dialog_say, sender_hash
    from sigap.privacy import vault

    inbound = Inbound(
        channel="sms", message_id="e1", sender="081299990000", text="There is a broken street light near my house"
    )
    conv = dialog_create(inbound)
    assert conv.language == "en" and conv.sender_hash == sender_hash("sms", "081299990000")
    assert "081299990000" not in conv.sender_hash
    # the address sits under the field the channel's adapter names (a phone number for SMS)
    assert vault.identity_for_reveal(conv.identity_ref)["phone"] == "081299990000"
    data = dialog_load(conv)
    data["texts"].append("Lampu jalan mati")
    assert dialog_load(conv)["texts"] == []  # a fresh empty state each time, never a shared one
    dialog_save(conv, data)
    assert dialog_load(conv)["texts"] == ["Lampu jalan mati"] and conv.data_ref
    note = dialog_say(conv, "refused", reason=("alasannya", "the reason"))
    assert note.body == note.body_en == "Sorry, the report could not be filed: the reason"
    assert note.recipient_ref == conv.identity_ref and note.kind == "dialog:refused"
