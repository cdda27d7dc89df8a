"""WhatsApp end to end: the Cloud API's payload shapes, signatures (good and tampered), the handshake, media
download, idempotent retries, and every notification reaching the resident exactly once."""

from __future__ import annotations

import pytest

from sigap.intake.models import Conversation, InboundMessage
from sigap.intake.tests.channel_helpers import PHONE, replies_to, wa_location, wa_payload, wa_sign, wa_text
from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_whatsapp_verification_handshake(client, fake):
    ok = client.get(
        "/channels/whatsapp/webhook",
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "12345"},
    )
    assert ok.status_code == 200 and ok.content == b"12345"
    bad = client.get(
        "/channels/whatsapp/webhook", {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


def test_tampered_whatsapp_payload_is_refused_and_nothing_is_stored(deliver, fake):
    body = wa_payload(wa_text("wamid.T1", "got mampet"))
    signature = wa_sign(body)
    tampered = body.replace(b"got mampet", b"got bersih")
    response = deliver("whatsapp", tampered, signature)
    assert response.status_code == 401 and response.json()["code"] == "bad_signature"
    assert deliver("whatsapp", body, {}).status_code == 401
    # a non-ASCII header is refused like any wrong one (not a server error)
    for channel in ("whatsapp", "sms", "telegram"):
        header = {"telegram": "X-Telegram-Bot-Api-Secret-Token", "sms": "X-Sigap-Signature"}.get(
            channel, "X-Hub-Signature-256"
        )
        odd = deliver(channel, body, {header: "sha256=é"})
        assert odd.status_code == 401 and odd.json()["code"] == "bad_signature", channel
    assert InboundMessage.objects.count() == 0 and fake.requests == []


def test_malformed_and_oversized_and_unknown_channel(deliver, fake, settings):
    body = b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {"messages": [{}]}}]}]}'
    response = deliver("whatsapp", body, wa_sign(body))
    assert response.status_code == 400 and response.json()["code"] == "malformed_webhook"
    settings.SIGAP_WEBHOOK_MAX_BYTES = 100
    big = wa_payload(wa_text("wamid.BIG", "x" * 500))
    assert deliver("whatsapp", big, wa_sign(big)).status_code == 413
    assert deliver("nosuchchannel", b"{}", {}).status_code == 404
    assert InboundMessage.objects.count() == 0


def test_whatsapp_conversation_across_four_messages_files_one_report(deliver, fake):
    lat, lon = inner_point("31.75.07.1002")
    messages = [
        wa_text("wamid.A1", "Got mampet di depan rumah, air meluap ke jalan kalau hujan"),
        wa_location("wamid.A2", lat, lon),
        wa_text("wamid.A3", "ya"),
        wa_text("wamid.A4", "1"),
    ]
    for msg in messages:
        body = wa_payload(msg)
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    report = Report.objects.get()
    assert report.channel == "whatsapp" and report.unit.code == "kel:31.75.07.1002"
    assert report.privacy == "private" and report.category.code == "saluran-tersumbat"
    assert PHONE not in report.description
    replies = replies_to(fake)
    assert len(replies) == 4  # location?, category?, privacy?, filed
    assert report.number in replies[-1]
    assert Conversation.objects.get().state == "filed"
    assert InboundMessage.objects.filter(state="processed").count() == 4


def test_the_same_webhook_delivered_twice_files_one_report(deliver, fake):
    _lat, _lon = inner_point("31.75.07.1002")
    body = wa_payload(wa_text("wamid.D1", "Sampah menumpuk di TPS tidak diangkut tiga hari"))
    for _ in range(2):
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert len(replies_to(fake)) == 1


def test_whatsapp_photo_is_downloaded_through_the_media_api(deliver, fake):
    lat, lon = inner_point("31.75.07.1002")
    image = {
        "from": PHONE,
        "id": "wamid.P1",
        "timestamp": "1764300000",
        "type": "image",
        "image": {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": "x", "caption": "Pohon tumbang menutup jalan"},
    }
    for msg in (image, wa_location("wamid.P2", lat, lon), wa_text("wamid.P3", "ya"), wa_text("wamid.P4", "1")):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    assert report.photos.count() == 1
    media_calls = [r for r in fake.requests if r["method"] == "GET"]
    assert media_calls[0]["path"] == "/graph/MEDIA1" and media_calls[0]["headers"]["Authorization"] == "Bearer wa-token"


def test_followed_to_selesai_the_resident_gets_each_notification_once_on_whatsapp(
    deliver, fake, staff, jpeg, django_capture_on_commit_callbacks
):
    from sigap.privacy.relay import outbox_flush

    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.F1", "Got mampet parah di gang"),
        wa_location("wamid.F2", lat, lon),
        wa_text("wamid.F3", "ya"),
        wa_text("wamid.F4", "1"),
    ):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        for kind in ("before", "after"):
            services.photo_add(report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg()))
        services.report_request_validation(report_id=report.pk, actor=officer)
        services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    outbox_flush()  # a second delivery attempt must not resend anything
    statuses = [b for b in replies_to(fake) if b.startswith("Laporan " + report.number + ": status")]
    assert [s.split("status ")[1].split(".")[0] for s in statuses] == ["Proses", "Menunggu Validasi", "Selesai"]
    assert (
        Notification.objects.filter(report=report, state="sent").count()
        == Notification.objects.filter(report=report).count()
    )


def test_a_failed_send_is_retried_and_delivered_once(deliver, fake, django_capture_on_commit_callbacks):
    from sigap.privacy.relay import outbox_flush

    fake.fail_sends = 1
    body = wa_payload(wa_text("wamid.R1", "Lampu jalan mati sejak seminggu di gang kami"))
    deliver("whatsapp", body, wa_sign(body))
    note = Notification.objects.get()
    assert note.state == "failed" and note.attempts == 1
    assert outbox_flush()["sent"] == 1
    assert outbox_flush() == {}
    assert len(replies_to(fake)) == 1
