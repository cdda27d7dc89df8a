"""The identity canary across every channel: sender numbers, addresses, handles and names never reach
officers, logs, notification bodies or plain columns."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.management import call_command

from sigap.intake.models import InboundMessage
from sigap.intake.tests.channel_helpers import (
    ELSEWHERE,
    EMAIL_SECRET,
    FB_SECRET,
    IG_SECRET,
    IG_USER,
    IGSID,
    PSID,
    RESIDENT,
    RESIDENT_NAME,
    TW_SCREEN,
    TW_USER,
    dm,
    dms_to,
    fb_comment,
    fb_message,
    graph_sent,
    hex_sign,
    ig_payload,
    laporan,
    mime,
    tw_payload,
    tw_sign,
    tweet,
    wa_sign,
)
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.intake.tests.fake_services import wamid
from sigap.reports import services as report_services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_identity_canary_across_whatsapp_telegram_and_sms(
    client, deliver, fake, staff, log_capture, django_capture_on_commit_callbacks
):
    """Sender numbers, chat ids and names never reach officers, logs, notification bodies or plain columns."""
    name, phone_wa, phone_sms, chat_id = "Zyxwvut Qoppaname", "6281377172345", "081388776655", 99177
    username = "zqkanari_77"  # the Telegram user name, written bare as a sign-off (found by a review)
    markers = ("Zyxwvut", "Qoppaname", "77172345", "88776655", str(chat_id), "kanari")
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

    wa(wamid(phone_wa, 1), {"type": "text", "text": {"body": f"Got mampet di gang. {typed}"}})
    wa(wamid(phone_wa, 2), {"type": "location", "location": {"latitude": lat, "longitude": lon}})
    wa(wamid(phone_wa, 3), {"type": "text", "text": {"body": "ya"}})
    wa(wamid(phone_wa, 4), {"type": "text", "text": {"body": "1"}})

    def tg(uid, message):
        body = json.dumps(
            {
                "update_id": uid,
                "message": {
                    "message_id": uid,
                    "date": 1764300000,
                    "chat": {"id": chat_id},
                    "from": {"id": chat_id, "first_name": "Zyxwvut", "last_name": "Qoppaname", "username": username},
                    **message,
                },
            }
        ).encode()
        deliver("telegram", body, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})

    tg(501, {"text": f"Sampah menumpuk di TPS. {typed} Salam, {username}"})
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

    # an answer that crossed the withdrawal of the officer's question: kept, through the same door
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    on_wa = Report.objects.get(channel="whatsapp")
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_ask_reporter(report_id=on_wa.pk, actor=officer, question="Di RT berapa tepatnya?")
        report_services.report_question_withdraw(report_id=on_wa.pk, actor=officer, reason="Sudah jelas.")
    wa(wamid(phone_wa, 5), {"type": "text", "text": {"body": f"RT 05 RW 03. {typed}"}})
    assert on_wa.history.filter(internal_note__startswith=report_services.ANSWER_LATE_NOTE).exists()

    reports = list(Report.objects.all())
    assert {r.channel for r in reports} == {"whatsapp", "telegram", "sms"}
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
    text = with_decoded("\n".join(seen))
    assert "JK" in text  # the surfaces were really rendered
    for marker in markers:
        assert marker not in text, marker
    # ... while the relay did reach the resident on each channel, through the vault
    assert any(r["json"]["to"] == phone_wa for r in fake.sent("/messages"))
    assert any(str(r["json"]["chat_id"]) == str(chat_id) for r in fake.sent("/sendMessage"))
    assert any(r["json"]["to"] == phone_sms for r in fake.sent("/sms/send"))


def with_decoded(text: str) -> str:
    """``text`` and what each base64-looking token in it decodes to: channel ids hide numbers that way (a WhatsApp
    message id is base64 holding the other party's number)."""
    out = [text]
    for token in re.findall(r"[A-Za-z0-9+/_\-]{16,}={0,2}", text):
        alt = b"-_" if ("-" in token or "_" in token) else None
        try:
            out.append(base64.b64decode(token + "=" * (-len(token) % 4), altchars=alt).decode("latin-1"))
        except (ValueError, binascii.Error):
            continue
    return "\n".join(out)


CANARY = [
    RESIDENT_NAME,
    "Qoppa",
    "Zyxwvut",
    "qoppa.canary",
    "7717-2345",
    "77172345",
    TW_USER,
    TW_SCREEN,
    PSID,
    IGSID,
    IG_USER,
    "lapor.canary",
    "CAK1",
    "mail.example.org",
]


def assert_no_identity(text: str, where: str) -> None:
    text = with_decoded(text)
    for marker in CANARY:
        assert marker not in text, f"identity marker {marker!r} leaked into {where}"


def test_identity_canary_across_email_twitter_meta_and_lapor(
    client, deliver, mail_in, remote, staff, selesai, log_capture, django_capture_on_commit_callbacks
):
    cued = f"Saya {RESIDENT_NAME}, hubungi 0813-7717-2345 atau qoppa.canary@example.org."
    # and written bare, as residents do (no cue before the name, the first name alone), on every channel that
    # gives Sigap the sender's name; Messenger gives none, so only the cued form is redacted there (a known limit)
    typed = f"{cued} {RESIDENT_NAME}, rumah cat hijau. Tanya Qoppa saja."
    remote.fail_sends = 1  # one failed delivery, so the relay has something to log
    refused = mime(f"{typed} ditolak")  # and one refused (tampered) webhook
    deliver(
        "email", refused + b" ", hex_sign(EMAIL_SECRET, refused, "X-Sigap-Signature"), content_type="message/rfc822"
    )
    # email (filed at once), with the name and number in the text and a signature
    mail_in(
        mime(
            f"Got mampet di Jl. Mawar, {ELSEWHERE}. {typed}\n-- \n{RESIDENT_NAME}\n081377172345",
            photo=jpeg_colour((1, 2, 3)),
        )
    )
    # and one whose From gives the name as a comment ("addr (Name)"), which the parsed header drops: the name, bare in
    # its subject and under it with no greeting, must go all the same
    mail_in(
        mime(
            f"Pohon tumbang menutup Jl. Kenanga, {ELSEWHERE}.\n\n{RESIDENT_NAME}\nRT 03/05",
            sender=f"{RESIDENT} ({RESIDENT_NAME})",
            message_id="<CAK2.comment@mail.example.org>",
            subject=f"Laporan {RESIDENT_NAME}: pohon tumbang",
        )
    )
    # a public tweet and a DM dialog
    # signed with the X user name, bare (found by a review: a user name was a redaction term nowhere)
    signed = f"{typed} Salam, {TW_SCREEN}"
    body = tw_payload(tweet("1900000000000000900", f"@DKIJakarta got mampet di {ELSEWHERE}. {signed}"))
    deliver("twitter", body, tw_sign(body))
    for event in (
        dm("2000000000000000901", f"Sampah menumpuk di {ELSEWHERE}. {signed}"),
        dm("2000000000000000902", "ya"),
        dm("2000000000000000903", "1"),
    ):
        body = tw_payload(dms=[event])
        deliver("twitter", body, tw_sign(body))
    # a page comment, a Messenger dialog, an Instagram comment
    remote.psid_for_comment["555000_9900"] = PSID
    body = fb_comment("555000_9900", f"Lampu jalan mati di {ELSEWHERE}. {typed}")
    deliver("facebook", body, hex_sign(FB_SECRET, body, "X-Hub-Signature-256"))
    for body in (
        fb_message("m_c1", text=f"Trotoar rusak di {ELSEWHERE}. {cued}"),
        fb_message("m_c2", text="ya"),
        fb_message("m_c3", text="1"),
    ):
        deliver("facebook", body, hex_sign(FB_SECRET, body, "X-Hub-Signature-256"))
    body = ig_payload(
        "comments",
        {
            "from": {"id": IGSID, "username": IG_USER},
            "media": {"id": "17900000000000009"},
            "id": "17800000000000009",
            "text": f"@kota pohon tumbang di {ELSEWHERE}, hubungi 0813-7717-2345",
        },
    )
    deliver("instagram", body, hex_sign(IG_SECRET, body, "X-Hub-Signature-256"))
    # LAPOR!, one confidential and one anonymous
    remote.laporan = [
        laporan(7001, isi=f"Saluran mampet di {ELSEWHERE}. {typed}"),
        laporan(7002, privasi="anonim", isi=f"Parkir liar di {ELSEWHERE}. {typed}"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lapor", "import")

    reports = list(Report.objects.select_related("unit"))
    assert {r.channel for r in reports} == {"email", "twitter", "facebook", "instagram", "lapor"} and len(reports) == 9
    assert sum(r.channel == "email" for r in reports) == 2
    selesai(Report.objects.filter(channel="email").earliest("pk"))

    for report in reports:
        report.refresh_from_db()
        assert_no_identity(
            " ".join([report.description, report.address, report.public_note, report.rating_comment]),
            f"report {report.channel}",
        )
        for change in report.history.all():
            assert_no_identity(change.public_note + change.internal_note, "status history")
        officer = staff(f"canary.{report.unit.code.replace(':', '.')}", report.unit.code)
        c = client.__class__()
        c.force_login(officer)
        detail = c.get(f"/api/v1/officer/reports/{report.number}")
        assert detail.status_code == 200
        assert_no_identity(detail.content.decode(), f"officer API detail ({report.channel})")
    for body, body_en in Notification.objects.values_list("body", "body_en"):
        assert_no_identity(body + body_en, "notification body")
    for message in mail.outbox:
        assert_no_identity(message.body, "outgoing email body")
    logged = log_capture.getvalue()
    assert "relay: notification" in logged and "bad_signature" in logged  # the capture does see our logs
    assert_no_identity(logged, "log output")
    # plain (unencrypted) columns of the intake and outbox tables
    for row in InboundMessage.objects.values_list("message_id", "last_error"):
        assert_no_identity(" ".join(row), "inbound message row")
    for row in Notification.objects.values_list("reply_context", "remote_id", "last_error"):
        assert_no_identity(" ".join(row), "notification row")
    # the identities are in the vault, where the relay found them
    assert {m.to[0] for m in mail.outbox} == {RESIDENT}
    assert dms_to(remote) and graph_sent(remote, "/me/messages")
