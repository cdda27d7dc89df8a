"""Channels end to end: the real payload shapes, signatures (good and tampered), the chat dialog,
idempotent retries, and every notification reaching the resident exactly once on their channel."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest

from sigap.intake.models import Conversation, InboundMessage
from sigap.intake.tests.fake_services import FakeServices
from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
APP_SECRET = "wa-app-secret"
PHONE = "6281299887766"


@pytest.fixture
def fake(settings):
    with FakeServices() as fake:
        settings.SIGAP_CHANNELS = {
            **settings.SIGAP_CHANNELS,
            "whatsapp": {
                "verify_token": "verify-me",
                "app_secret": APP_SECRET,
                "access_token": "wa-token",
                "phone_number_id": "1098765",
                "api_base": f"{fake.url}/graph",
            },
            "telegram": {"bot_token": "123:ABC", "secret_token": "tg-secret", "api_base": fake.url},
            "sms": {
                "inbound_secret": "sms-secret",
                "outbound_url": f"{fake.url}/sms/send",
                "outbound_token": "t",
                "keyword": "LAPOR",
            },
        }
        yield fake


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def post(channel, body: bytes, headers: dict, content_type="application/json"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/channels/{channel}/webhook",
                data=body,
                content_type=content_type,
                **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
            )

    return post


def wa_payload(message: dict, name="Pak Warga") -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"display_phone_number": "628111", "phone_number_id": "1098765"},
                                "contacts": [{"profile": {"name": name}, "wa_id": PHONE}],
                                "messages": [message],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def wa_sign(body: bytes, secret=APP_SECRET) -> dict:
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def wa_text(mid, text):
    return {"from": PHONE, "id": mid, "timestamp": "1764300000", "type": "text", "text": {"body": text}}


def wa_location(mid, lat, lon):
    return {
        "from": PHONE,
        "id": mid,
        "timestamp": "1764300001",
        "type": "location",
        "location": {"latitude": lat, "longitude": lon, "name": "Rumah", "address": "Jl. Pahlawan Revolusi"},
    }


def replies_to(fake, phone=PHONE):
    return [r["json"]["text"]["body"] for r in fake.sent("/messages") if r["json"]["to"] == phone]


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
    assert report.channel == "whatsapp" and report.unit.kode == "kel:31.75.07.1002"
    assert report.privacy == "private" and report.kategori.kode == "saluran-tersumbat"
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
        services.report_validate(report_id=report.pk, actor=validator, accept=True)
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


def test_telegram_with_secret_token_photo_and_location(deliver, fake):
    lat, lon = inner_point("31.75.07.1002")

    def update(uid, message):
        return json.dumps(
            {
                "update_id": uid,
                "message": {
                    "message_id": uid,
                    "date": 1764300000,
                    "from": {"id": 777, "is_bot": False, "first_name": "Ani", "language_code": "id"},
                    "chat": {"id": 777, "type": "private"},
                    **message,
                },
            }
        ).encode()

    assert (
        deliver("telegram", update(1, {"text": "x"}), {"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 401
    )
    secret = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}
    deliver(
        "telegram",
        update(
            10,
            {
                "photo": [
                    {"file_id": "small", "width": 90, "height": 90, "file_size": 10},
                    {"file_id": "TGFILE1", "width": 800, "height": 600, "file_size": 9000},
                ],
                "caption": "Trotoar ambles dan ubin lepas di depan pasar",
            },
        ),
        secret,
    )
    deliver("telegram", update(11, {"location": {"latitude": lat, "longitude": lon}}), secret)
    deliver("telegram", update(12, {"text": "ya"}), secret)
    deliver("telegram", update(13, {"text": "1"}), secret)
    report = Report.objects.get()
    assert report.channel == "telegram" and report.photos.count() == 1
    sent = [r["json"] for r in fake.sent("/sendMessage")]
    assert all(s["chat_id"] == "777" for s in sent) and report.number in sent[-1]["text"]


def test_sms_keyword_format_and_long_messages(deliver, fake):
    def sms(data):
        body = urlencode(data).encode()
        sig = "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()
        return deliver("sms", body, {"X-Sigap-Signature": sig}, content_type="application/x-www-form-urlencoded")

    assert (
        sms(
            {
                "from": "081200001111",
                "id": "s1",
                "text": "LAPOR#jalan-rusak#Pondok Bambu Duren Sawit#Jalan berlubang besar",
            }
        ).status_code
        == 200
    )
    assert sms({"from": "081200001111", "id": "s2", "text": "1"}).status_code == 200
    report = Report.objects.get()
    assert report.kategori.kode == "jalan-rusak" and report.kelurahan.nama == "Pondok Bambu"
    final = [r["json"]["text"] for r in fake.sent("/sms/send")]
    assert any(report.number in t for t in final)
    assert all(len(t) <= 160 for t in final)

    # a long message split by the network arrives in two parts, in any order
    sms(
        {
            "from": "081233334444",
            "id": "L2",
            "text": "dan sudah tiga hari tidak diangkut petugas.",
            "concat_ref": "9",
            "concat_part": "2",
            "concat_total": "2",
        }
    )
    sms(
        {
            "from": "081233334444",
            "id": "L1",
            "text": "Sampah menumpuk di TPS dekat pasar ",
            "concat_ref": "9",
            "concat_part": "1",
            "concat_total": "2",
        }
    )
    conv = Conversation.objects.exclude(pk=Conversation.objects.get(state="filed").pk).get()
    assert conv.step == "location"
    bad = deliver(
        "sms", b"from=0812&id=x", {"X-Sigap-Signature": "sha256=00"}, content_type="application/x-www-form-urlencoded"
    )
    assert bad.status_code == 401


def test_sms_split_keeps_parts_short():
    from sigap.intake.channels.sms import split_sms

    text = "Laporan JK202611280001: status Proses. " + "Catatan petugas yang panjang sekali " * 10
    parts = split_sms(text)
    assert len(parts) > 1 and all(len(p) <= 153 for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})")
    assert split_sms("pendek") == ["pendek"]


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


def test_identity_canary_across_whatsapp_telegram_and_sms(client, deliver, fake, staff, log_capture):
    """Sender numbers, chat ids and names never reach officers, logs, notification bodies or plain columns."""
    name, phone_wa, phone_sms, chat_id = "Zyxwvut Qoppaname", "6281377172345", "081388776655", 99177
    markers = ("Zyxwvut", "Qoppaname", "77172345", "88776655", str(chat_id))
    typed = "Saya Zyxwvut Qoppaname, hubungi 0813-7717-2345."
    lat, lon = inner_point("31.75.07.1002")

    def wa(mid, message):
        message = {"from": phone_wa, "id": mid, "timestamp": "1764300000", **message}
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "W",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {"phone_number_id": "1098765"},
                                    "contacts": [{"profile": {"name": name}, "wa_id": phone_wa}],
                                    "messages": [message],
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        deliver("whatsapp", body, wa_sign(body))

    wa("wamid.K1", {"type": "text", "text": {"body": f"Got mampet di gang. {typed}"}})
    wa("wamid.K2", {"type": "location", "location": {"latitude": lat, "longitude": lon}})
    wa("wamid.K3", {"type": "text", "text": {"body": "ya"}})
    wa("wamid.K4", {"type": "text", "text": {"body": "1"}})

    def tg(uid, message):
        body = json.dumps(
            {
                "update_id": uid,
                "message": {
                    "message_id": uid,
                    "date": 1764300000,
                    "chat": {"id": chat_id},
                    "from": {"id": chat_id, "first_name": "Zyxwvut", "last_name": "Qoppaname"},
                    **message,
                },
            }
        ).encode()
        deliver("telegram", body, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})

    tg(501, {"text": f"Sampah menumpuk di TPS. {typed}"})
    tg(502, {"location": {"latitude": lat, "longitude": lon}})
    tg(503, {"text": "ya"})
    tg(504, {"text": "1"})
    body = urlencode(
        {
            "from": phone_sms,
            "id": "k-sms-1",
            "text": f"LAPOR#jalan-rusak#Pondok Bambu Duren Sawit#Jalan berlubang. {typed}",
        }
    ).encode()
    deliver(
        "sms",
        body,
        {"X-Sigap-Signature": "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()},
        content_type="application/x-www-form-urlencoded",
    )
    body = urlencode({"from": phone_sms, "id": "k-sms-2", "text": "1"}).encode()
    deliver(
        "sms",
        body,
        {"X-Sigap-Signature": "sha256=" + hmac.new(b"sms-secret", body, hashlib.sha256).hexdigest()},
        content_type="application/x-www-form-urlencoded",
    )

    reports = list(Report.objects.all())
    assert {r.channel for r in reports} == {"whatsapp", "telegram", "sms"}
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    client.force_login(officer)
    seen = [client.get("/api/v1/officer/reports").content.decode()]
    for report in reports:
        seen.append(client.get(f"/api/v1/officer/reports/{report.number}").content.decode())
        seen.append(" ".join([report.description, report.address]))
        seen += [h.public_note + h.internal_note for h in report.history.all()]
    seen += [b + e for b, e in Notification.objects.values_list("body", "body_en")]
    seen += [" ".join(r) for r in InboundMessage.objects.values_list("message_id", "last_error")]
    seen += [" ".join(r) for r in Notification.objects.values_list("reply_context", "remote_id", "last_error")]
    seen.append(log_capture.getvalue())
    text = "\n".join(seen)
    assert "JK" in text  # the surfaces were really rendered
    for marker in markers:
        assert marker not in text, marker
    # ... while the relay did reach the resident on each channel, through the vault
    assert any(r["json"]["to"] == phone_wa for r in fake.sent("/messages"))
    assert any(str(r["json"]["chat_id"]) == str(chat_id) for r in fake.sent("/sendMessage"))
    assert any(r["json"]["to"] == phone_sms for r in fake.sent("/sms/send"))


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
