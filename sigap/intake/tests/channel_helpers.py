"""Shared by the channel tests: the fixtures that point every channel at a loopback fake of its far end
(``fake``: WhatsApp, Telegram, SMS; ``remote``: email, X, Meta, LAPOR!), the webhook poster, and the payload
builders in each service's real shape."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from email.message import EmailMessage as Mime
from email.utils import format_datetime

import pytest
from django.core import mail
from django.utils import timezone

from sigap.intake.tests.fake_more import FakeRemote
from sigap.intake.tests.fake_services import FakeServices
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services

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


def wa_say(deliver, mid: str, text: str) -> None:
    """One WhatsApp text from the test's resident."""
    body = wa_payload(wa_text(mid, text))
    assert deliver("whatsapp", body, wa_sign(body)).status_code == 200


def wa_file(deliver, prefix: str, text: str, kelurahan: str = "31.75.07.1002"):
    """A report told over WhatsApp: the problem, a pin inside ``kelurahan``, the category confirmed, Privat."""
    from sigap.reports.models import Report
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point(kelurahan)
    wa_say(deliver, f"wamid.{prefix}1", text)
    body = wa_payload(wa_location(f"wamid.{prefix}2", lat, lon))
    deliver("whatsapp", body, wa_sign(body))
    wa_say(deliver, f"wamid.{prefix}3", "ya")
    wa_say(deliver, f"wamid.{prefix}4", "1")
    return Report.objects.order_by("-pk").first()


def reporter_answers(report) -> list[str]:
    """The notes of a report's history that carry the reporter's answers to the officers' questions."""
    return [n for n in report.history.values_list("internal_note", flat=True) if n.startswith("Jawaban pelapor")]


def replies_to(fake, phone=PHONE):
    return [r["json"]["text"]["body"] for r in fake.sent("/messages") if r["json"]["to"] == phone]


EMAIL_SECRET = "mail-inbound-secret"


RESIDENT = "qoppa.canary@example.org"


RESIDENT_NAME = "Qoppa Zyxwvut"


CITY = "lapor@kota.go.id"


TW_SECRET = "tw-consumer-secret"


CITY_TW = "1500000000000000001"


TW_USER = "998877665544332211"


TW_SCREEN = "warga_canaryq"


FB_SECRET = "fb-app-secret"


PAGE_ID = "104000000000001"


PSID = "7788990011223344"


IG_SECRET = "ig-app-secret"


IG_ID = "17841400000000001"


IGSID = "5566778899001122"


IG_USER = "ig_canaryq"


ELSEWHERE = "Pondok Bambu, Duren Sawit"  # names one kelurahan clearly


@pytest.fixture
def remote(settings):
    with FakeRemote() as remote:
        settings.SIGAP_CHANNELS = {
            **settings.SIGAP_CHANNELS,
            "email": {
                "inbound_secret": EMAIL_SECRET,
                "imap_host": "",
                "imap_port": "993",
                "imap_user": "",
                "imap_password": "",
                "imap_ssl": "1",
                "imap_folder": "INBOX",
                "address": f"Sigap Kota <{CITY}>",
            },
            "twitter": {
                "consumer_secret": TW_SECRET,
                "bearer_token": "tw-user-token",
                "account_ids": CITY_TW,
                "api_base": f"{remote.url}/x",
            },
            "facebook": {
                "app_secret": FB_SECRET,
                "verify_token": "fb-verify",
                "page_token": "fb-page-token",
                "page_ids": PAGE_ID,
                "api_base": f"{remote.url}/graph",
            },
            "instagram": {
                "app_secret": IG_SECRET,
                "verify_token": "ig-verify",
                "access_token": "ig-token",
                "account_ids": IG_ID,
                "api_base": f"{remote.url}/graph",
            },
            "lapor": {"api_base": f"{remote.url}/lapor", "token": "lapor-token", "instansi": "pemprov-dki"},
        }
        yield remote


@pytest.fixture
def selesai(staff, django_capture_on_commit_callbacks):
    """Follow a report to Selesai at whatever unit holds it (proof photos, validation)."""

    def run(report):
        officer = staff(f"petugas.{report.unit.code.replace(':', '.')}", report.unit.code)
        validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_accept(report_id=report.pk, actor=officer)
            for kind, colour in (("before", (90, 90, 20)), ("after", (20, 90, 90))):
                services.photo_add(
                    report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg_colour(colour))
                )
            services.report_request_validation(report_id=report.pk, actor=officer)
            services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
        return officer

    return run


def statuses(bodies: list[str], number: str) -> list[str]:
    return [b.split("status ")[1].split(".")[0] for b in bodies if b.startswith(f"Laporan {number}: status")]


def hex_sign(secret: str, body: bytes, header: str) -> dict:
    return {header: "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def mime(
    text: str,
    *,
    subject="Got mampet di gang kami",
    sender=f"{RESIDENT_NAME} <{RESIDENT}>",
    message_id="<CAK1.first@mail.example.org>",
    in_reply_to: str = "",
    photo: bytes | None = None,
    headers: dict | None = None,
    html: str | None = None,
) -> bytes:
    msg = Mime()
    msg["From"] = sender
    msg["To"] = CITY
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    if photo:
        msg.add_attachment(photo, maintype="image", subtype="jpeg", filename=f"foto rumah {RESIDENT_NAME}.jpg")
    return msg.as_bytes()


@pytest.fixture
def mail_in(deliver):
    def post(raw: bytes, secret: str = EMAIL_SECRET):
        return deliver("email", raw, hex_sign(secret, raw, "X-Sigap-Signature"), content_type="message/rfc822")

    return post


def to_resident() -> list:
    return [m for m in mail.outbox if m.to == [RESIDENT]]


OUR_ID = re.compile(r"^<sigap\.[cr][A-Za-z0-9]+\.[0-9a-f]{12}\.[0-9a-f]{16}@kota\.go\.id>$")


def tw_sign(body: bytes, secret: str = TW_SECRET) -> dict:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return {"x-twitter-webhooks-signature": "sha256=" + base64.b64encode(digest).decode()}


def tweet(
    tid: str,
    text: str,
    *,
    user_id=TW_USER,
    screen=TW_SCREEN,
    name=RESIDENT_NAME,
    mention=True,
    reply_to_status: str | None = None,
    photo_url: str | None = None,
    **extra,
) -> dict:
    """A v1.1 Tweet object as the Account Activity API delivers it."""
    data = {
        "created_at": "Sat Nov 28 03:00:00 +0000 2026",
        "id": int(tid),
        "id_str": tid,
        "text": text,
        "source": '<a href="https://mobile.twitter.com">Twitter Web App</a>',
        "truncated": False,
        "in_reply_to_status_id": int(reply_to_status) if reply_to_status else None,
        "in_reply_to_status_id_str": reply_to_status,
        "in_reply_to_user_id": int(CITY_TW) if reply_to_status else None,
        "in_reply_to_user_id_str": CITY_TW if reply_to_status else None,
        "in_reply_to_screen_name": "DKIJakarta" if reply_to_status else None,
        "user": {
            "id": int(user_id),
            "id_str": user_id,
            "name": name,
            "screen_name": screen,
            "location": "Jakarta",
            "protected": False,
            "verified": False,
            "followers_count": 12,
        },
        "geo": None,
        "coordinates": None,
        "place": None,
        "is_quote_status": False,
        "quote_count": 0,
        "reply_count": 0,
        "retweet_count": 0,
        "favorite_count": 0,
        "lang": "in",
        "timestamp_ms": "1764298800000",
        "entities": {
            "hashtags": [],
            "urls": [],
            "symbols": [],
            "user_mentions": [
                {
                    "screen_name": "DKIJakarta",
                    "name": "Pemprov DKI Jakarta",
                    "id": int(CITY_TW),
                    "id_str": CITY_TW,
                    "indices": [0, 11],
                }
            ]
            if mention
            else [],
        },
    }
    if photo_url:
        media = [
            {
                "id": 1,
                "id_str": "1",
                "indices": [60, 83],
                "media_url_https": photo_url,
                "url": "https://t.co/abc",
                "type": "photo",
                "sizes": {},
            }
        ]
        data["entities"]["media"] = media
        data["extended_entities"] = {"media": media}
    data.update(extra)
    return data


def tw_payload(*tweets: dict, dms: list[dict] | None = None) -> bytes:
    body: dict = {"for_user_id": CITY_TW}
    if tweets:
        body["user_has_blocked"] = "false"
        body["tweet_create_events"] = list(tweets)
    if dms is not None:
        body["direct_message_events"] = dms
        body["users"] = {
            TW_USER: {"id": TW_USER, "name": RESIDENT_NAME, "screen_name": TW_SCREEN},
            CITY_TW: {"id": CITY_TW, "name": "Pemprov DKI Jakarta", "screen_name": "DKIJakarta"},
        }
    return json.dumps(body).encode()


def dm(event_id: str, text: str, sender=TW_USER) -> dict:
    return {
        "type": "message_create",
        "id": event_id,
        "created_timestamp": "1764298800000",
        "message_create": {
            "target": {"recipient_id": CITY_TW if sender == TW_USER else TW_USER},
            "sender_id": sender,
            "message_data": {
                "text": text,
                "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
            },
        },
    }


def public_replies(remote) -> list[dict]:
    return [r["json"] for r in remote.sent("/x/2/tweets")]


def dms_to(remote, user=TW_USER) -> list[str]:
    return [r["json"]["text"] for r in remote.sent(f"/x/2/dm_conversations/with/{user}/messages")]


def fb_comment(cid: str, text: str, *, from_id="2200000000000001", name=RESIDENT_NAME, photo=None) -> bytes:
    post = f"{PAGE_ID}_555000"
    value = {
        "from": {"id": from_id, "name": name},
        "post": {
            "status_type": "added_photos",
            "is_published": True,
            "updated_time": "2026-11-28T03:00:00+0000",
            "permalink_url": f"https://www.facebook.com/{post}",
            "promotion_status": "inactive",
            "id": post,
        },
        "message": text,
        "post_id": post,
        "comment_id": cid,
        "created_time": 1764298800,
        "item": "comment",
        "parent_id": post,
        "verb": "add",
    }
    if photo:
        value["photo"] = photo
    return json.dumps(
        {
            "object": "page",
            "entry": [{"id": PAGE_ID, "time": 1764298801, "changes": [{"field": "feed", "value": value}]}],
        }
    ).encode()


def fb_message(mid: str, *, text: str | None = None, attachments: list | None = None) -> bytes:
    message = {"mid": mid}
    if text is not None:
        message["text"] = text
    if attachments:
        message["attachments"] = attachments
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1764298801,
                    "messaging": [
                        {
                            "sender": {"id": PSID},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": 1764298800,
                            "message": message,
                        }
                    ],
                }
            ],
        }
    ).encode()


def graph_sent(remote, suffix: str) -> list[dict]:
    return [r["json"] for r in remote.sent("/graph/", suffix)]


def ig_payload(field: str, value: dict) -> bytes:
    return json.dumps(
        {
            "object": "instagram",
            "entry": [{"id": IG_ID, "time": 1764298801, "changes": [{"field": field, "value": value}]}],
        }
    ).encode()


def laporan(lid: int, **fields) -> dict:
    item = {
        "id": lid,
        "judul": "Saluran air tersumbat",
        "isi": "Saluran di depan rumah tersumbat sampah, air meluap.",
        "kategori": "saluran-tersumbat",
        "lokasi": {"lat": None, "lon": None, "alamat": ""},
        "privasi": "rahasia",
        "pelapor": {"nama": RESIDENT_NAME, "telepon": "0813-7717-2345", "email": "lapor.canary@example.org"},
        "tanggal": "2026-11-27T09:00:00+07:00",
    }
    item.update(fields)
    return item


def pushed(remote, lid) -> list[dict]:
    return [r["json"] for r in remote.sent(f"/lapor/laporan/{lid}/tindak-lanjut")]


def sends_on_relay_threads(monkeypatch, settings, adapter) -> list[bool]:
    """Make the relay send batches on four threads and record, for each ``adapter.send``, whether that thread had a
    database connection of its own once the send was done (what a send must never need)."""
    from django.db import connections

    opened: list[bool] = []
    real_send = adapter.send

    def send(self, *args, **kwargs):
        answer = real_send(self, *args, **kwargs)
        opened.append(connections["default"].connection is not None)
        return answer

    monkeypatch.setattr(adapter, "send", send)
    settings.SIGAP_OUTBOX_SYNC, settings.SIGAP_OUTBOX_SEND_THREADS = False, 4
    return opened
