"""Email, Twitter/X, Facebook, Instagram and LAPOR! end to end: the real payload shapes, signatures (good and
tampered), idempotent retries, public complaints moved into private cases, every notification reaching
the resident exactly once on their channel, and the identity canary across all of them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import timedelta
from email.message import EmailMessage as Mime
from email.utils import format_datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sigap.intake.models import Conversation, InboundMessage
from sigap.intake.tests.fake_more import FakeImap, FakeRemote
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.organization.models import StaffRole
from sigap.privacy import vault
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Notification, Report

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def selesai(staff, django_capture_on_commit_callbacks):
    """Follow a report to Selesai at whatever unit holds it (proof photos, validation)."""

    def run(report):
        officer = staff(f"petugas.{report.unit.kode.replace(':', '.')}", report.unit.kode)
        validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_accept(report_id=report.pk, actor=officer)
            for kind, colour in (("before", (90, 90, 20)), ("after", (20, 90, 90))):
                services.photo_add(
                    report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg_colour(colour))
                )
            services.report_request_validation(report_id=report.pk, actor=officer)
            services.report_validate(report_id=report.pk, actor=validator, accept=True)
        return officer

    return run


def statuses(bodies: list[str], number: str) -> list[str]:
    return [b.split("status ")[1].split(".")[0] for b in bodies if b.startswith(f"Laporan {number}: status")]


def hex_sign(secret: str, body: bytes, header: str) -> dict:
    return {header: "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


# --- email ------------------------------------------------------------------------------------------


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


def test_email_signature_is_checked_and_a_tampered_mail_is_refused(mail_in, deliver, remote):
    raw = mime(f"Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap ke jalan.")
    tampered = raw.replace(b"meluap", b"surut")
    response = deliver(
        "email", tampered, hex_sign(EMAIL_SECRET, raw, "X-Sigap-Signature"), content_type="message/rfc822"
    )
    assert response.status_code == 401 and response.json()["code"] == "bad_signature"
    assert mail_in(raw, secret="wrong").status_code == 401
    wrong_type = deliver("email", raw, hex_sign(EMAIL_SECRET, raw, "X-Sigap-Signature"), content_type="text/plain")
    assert wrong_type.status_code == 400
    assert InboundMessage.objects.count() == 0 and Report.objects.count() == 0 and mail.outbox == []
    assert mail_in(raw).status_code == 200
    assert Report.objects.count() == 1


def test_email_naming_a_kelurahan_is_filed_at_once_with_its_photo(mail_in, remote):
    raw = mime(
        f"Selamat pagi,\n\nGot mampet di Jl. Mawar, {ELSEWHERE}. Air meluap ke jalan kalau hujan.\n\n-- \n"
        f"{RESIDENT_NAME}\n0813-7717-2345",
        photo=jpeg_colour((10, 200, 30)),
    )
    assert mail_in(raw).status_code == 200
    report = Report.objects.get()
    assert report.channel == "email" and report.privacy == "private" and report.kelurahan.nama == "Pondok Bambu"
    assert report.photos.count() == 1
    assert RESIDENT_NAME not in report.description and "7717" not in report.description  # signature cut
    [sent] = to_resident()
    assert report.number in sent.body and "Kode lacak" in sent.body
    assert sent.extra_headers["In-Reply-To"] == "<CAK1.first@mail.example.org>"
    assert OUR_ID.match(sent.extra_headers["Message-ID"]) and sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.subject == "Re: Got mampet di gang kami"
    row = InboundMessage.objects.get()
    assert row.state == "processed" and row.report == report and "CAK1" not in row.message_id  # only a hash


def test_email_without_a_place_asks_once_for_location_and_privacy_then_files_the_reply(mail_in, remote):
    first = mime(
        "Lampu jalan mati sudah seminggu, gelap sekali kalau malam.",
        subject="Lampu jalan mati",
        photo=jpeg_colour((200, 200, 10)),
    )
    mail_in(first)
    assert Report.objects.count() == 0
    [ask] = to_resident()
    assert (
        "Lokasi" in ask.body
        and "Privasi" in ask.body
        and ask.extra_headers["In-Reply-To"] == "<CAK1.first@mail.example.org>"
    )
    ours = ask.extra_headers["Message-ID"]
    reply = mime(
        f"Lokasinya di Jl. Kenanga, {ELSEWHERE}\nPrivasi: 1\n\nOn Sat, 28 Nov 2026 at 10:00, Sigap Kota <{CITY}> wrote:\n"
        f"> {ask.body.splitlines()[0]}\n> Privasi 2 Publik",
        subject="Re: Lampu jalan mati",
        message_id="<CAK2.reply@mail.example.org>",
        in_reply_to=ours,
    )
    mail_in(reply)
    report = Report.objects.get()
    assert report.kelurahan.nama == "Pondok Bambu" and report.privacy == "private" and report.photos.count() == 1
    assert "Lampu jalan mati" in report.description and "Kenanga" in report.description
    assert "Terima kasih" not in report.description  # the quoted prompt stayed out
    filed = to_resident()[-1]
    assert report.number in filed.body and filed.extra_headers["In-Reply-To"] == "<CAK2.reply@mail.example.org>"
    assert Conversation.objects.get().state == "filed"


def test_an_email_answer_without_a_usable_place_is_filed_for_the_triage_desk(mail_in, remote):
    mail_in(mime("Ada pohon tumbang menutup jalan di dekat sekolah.", subject="Pohon tumbang"))
    ours = to_resident()[0].extra_headers["Message-ID"]
    mail_in(
        mime(
            "Saya kurang tahu nama kelurahannya, dekat SD negeri.\n3",
            message_id="<CAK3@mail.example.org>",
            subject="Re: Pohon tumbang",
            in_reply_to=ours,
        )
    )
    report = Report.objects.get()
    assert report.unit.kode == "triase" and report.lat is None and report.privacy == "anonymous"
    assert report.reporter_ref == ""
    last = to_resident()[-1]
    assert "anonim" in last.body.lower() and report.number in last.body
    conv = Conversation.objects.get()
    assert vault.identity_for_reveal(conv.identity_ref) is None and conv.data_ref == ""  # nothing kept


def test_an_email_without_a_description_is_asked_for_one(mail_in, remote):
    mail_in(mime("Tes", subject="Hai"))
    [ask] = to_resident()
    assert "uraian" in ask.body and Report.objects.count() == 0
    mail_in(
        mime(
            f"Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap.",
            subject="Re: Hai",
            message_id="<CAK4@mail.example.org>",
            in_reply_to=ask.extra_headers["Message-ID"],
        )
    )
    report = Report.objects.get()
    assert report.kelurahan.nama == "Pondok Bambu" and len(to_resident()) == 2


def test_an_unanswered_email_dialog_is_filed_by_the_sweep(mail_in, remote):
    mail_in(mime("Sampah menumpuk di pinggir kali sudah tiga hari tidak diangkut.", subject="Sampah"))
    assert Report.objects.count() == 0
    call_command("imap", "sweep")
    assert Report.objects.count() == 0  # not yet due
    Conversation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("imap", "sweep")
    report = Report.objects.get()
    assert report.unit.kode == "triase" and report.privacy == "private"


def test_the_same_email_delivered_twice_files_one_report(mail_in, remote):
    raw = mime(f"Jalan berlubang besar di Jl. Melati, {ELSEWHERE}, sudah ada motor jatuh.")
    for _ in range(2):
        assert mail_in(raw).status_code == 200
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 1 and len(to_resident()) == 1


# A delivery status notification as MTAs send it (RFC 3464): multipart/report with a delivery-status part.
BOUNCE = """From: {sender}
To: lapor@kota.go.id
Subject: {subject}
Message-ID: <bounce1@mx.example.org>
Date: Sat, 28 Nov 2026 10:00:00 +0700
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Delivery to the following recipient failed permanently: budi@example.org
(got mampet di Pondok Bambu, Duren Sawit)

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; budi@example.org
Action: failed
Status: 5.1.1

--b1
Content-Type: message/rfc822

From: Sigap Kota <lapor@kota.go.id>
Subject: Sigap: laporan JK202611280001

Laporan JK202611280001: status Proses.
--b1--
"""


@pytest.mark.parametrize(
    "headers,sender,subject,content",
    [
        ({"Auto-Submitted": "auto-replied"}, RESIDENT, "Re: Sigap", None),
        ({"X-Autoreply": "yes"}, RESIDENT, "Terima kasih", None),
        ({"Precedence": "bulk"}, RESIDENT, "Newsletter", None),
        ({}, RESIDENT, "Out of Office: sedang cuti sampai Senin", None),
        ({}, "MAILER-DAEMON@mx.example.org", "Undelivered Mail Returned to Sender", None),
        ({}, "postmaster@example.org", "Delivery Status Notification (Failure)", "report"),
    ],
)
def test_auto_replies_and_bounces_are_acknowledged_but_not_processed(
    mail_in, remote, headers, sender, subject, content
):
    text = f"Saya sedang cuti. Untuk urusan got mampet di {ELSEWHERE} hubungi kantor."
    if content == "report":
        raw = BOUNCE.replace("{sender}", sender).replace("{subject}", subject).encode()
    else:
        raw = mime(text, sender=sender, subject=subject, headers=headers)
    response = mail_in(raw)
    assert response.status_code == 200 and response.json()["ignored"] == 1
    assert InboundMessage.objects.get().state == "ignored"
    assert Report.objects.count() == 0 and Conversation.objects.count() == 0 and mail.outbox == []


def test_html_only_email_is_read_as_text(mail_in, remote):
    msg = Mime()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = (
        RESIDENT,
        CITY,
        "Trotoar rusak",
        "<html1@mail.example.org>",
    )
    msg.set_content(
        f"<html><body><p>Trotoar ambles di depan pasar, <b>{ELSEWHERE}</b>.</p><style>p{{}}</style>"
        "<blockquote>kutipan lama</blockquote></body></html>",
        subtype="html",
    )
    mail_in(msg.as_bytes())
    report = Report.objects.get()
    assert "Trotoar ambles di depan pasar" in report.description and "kutipan" not in report.description


def test_email_report_followed_to_selesai_notifies_once_each_in_the_same_thread(mail_in, remote, selesai):
    from sigap.privacy.relay import outbox_flush

    mail_in(mime(f"Got mampet parah di gang, {ELSEWHERE}, air masuk rumah warga."))
    report = Report.objects.get()
    selesai(report)
    outbox_flush()  # a second delivery attempt resends nothing
    bodies = [m.body for m in to_resident()]
    assert statuses(bodies, report.number) == ["Proses", "Menunggu Validasi", "Selesai"]
    assert len(bodies) == 4  # filed + three status updates
    assert all(m.extra_headers["In-Reply-To"] == "<CAK1.first@mail.example.org>" for m in to_resident())
    assert Notification.objects.filter(report=report).exclude(state="sent").count() == 0


def test_a_reply_to_a_status_mail_answers_the_officers_question(
    mail_in, remote, staff, django_capture_on_commit_callbacks
):
    mail_in(mime(f"Parkir liar menutup jalan di depan sekolah, {ELSEWHERE}."))
    report = Report.objects.get()
    officer = staff("petugas.tanya", report.unit.kode)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Jam berapa biasanya parkir liar?")
    question = to_resident()[-1]
    assert "Jam berapa" in question.body
    answer = mime(
        f"Biasanya jam 7 pagi. Hubungi saya di {RESIDENT}\n\n> Laporan ...",
        subject=f"Re: {question.subject}",
        message_id="<CAK9.answer@mail.example.org>",
        in_reply_to=question.extra_headers["Message-ID"],
    )
    mail_in(answer)
    report.refresh_from_db()
    assert report.status == "in_progress" and Report.objects.count() == 1
    note = report.history.last().internal_note
    assert "jam 7 pagi" in note and RESIDENT not in note
    assert "jawaban Anda" in to_resident()[-1].body
    # a reply that only looks like ours (forged Message-ID) from someone else is a new email, not an answer
    forged = question.extra_headers["Message-ID"].replace("@", "0@", 1)
    mail_in(
        mime(
            "Ini balasan palsu tentang laporan tadi, tolong abaikan.",
            sender="other@example.net",
            message_id="<forged@example.net>",
            in_reply_to=forged,
        )
    )
    assert Report.objects.get(pk=report.pk).status == "in_progress"
    assert Conversation.objects.filter(state="open").count() == 1  # the stranger got the location question


def test_imap_poll_stores_then_marks_seen_and_leaves_a_failed_message_unseen(
    remote, settings, django_capture_on_commit_callbacks
):
    messages = [
        mime(f"Got mampet di Jl. Dahlia, {ELSEWHERE}, bau sekali.", message_id="<imap1@mail.example.org>"),
        mime(
            "Out of office",
            subject="Automatic reply: Sigap",
            message_id="<imap2@mail.example.org>",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        mime(
            f"Lampu PJU mati di Jl. Anggrek, {ELSEWHERE}.",
            message_id="<imap3@mail.example.org>",
            sender="Warga Lain <warga.lain@example.net>",
        ),
    ]
    with FakeImap(messages) as imap:
        settings.SIGAP_CHANNELS["email"].update(
            {
                "imap_host": "127.0.0.1",
                "imap_port": str(imap.port),
                "imap_user": imap.user,
                "imap_password": imap.password,
                "imap_ssl": "0",
            }
        )
        imap.fail_fetch = {3}
        with django_capture_on_commit_callbacks(execute=True):
            call_command("imap", "poll")
        assert imap.seen() == [True, True, False]
        assert Report.objects.count() == 1 and InboundMessage.objects.filter(state="ignored").count() == 1
        assert all("PEEK" in c for c in imap.commands if c.startswith("FETCH"))  # never \Seen before stored
        with django_capture_on_commit_callbacks(execute=True):
            call_command("imap", "poll")
        assert imap.seen() == [True, True, True] and Report.objects.count() == 2
        assert [c.split()[0] for c in imap.commands if not c.startswith(("FETCH", "STORE"))][:4] == [
            "CAPABILITY",
            "LOGIN",
            "SELECT",
            "SEARCH",
        ]
    assert {m.to[0] for m in mail.outbox} == {RESIDENT, "warga.lain@example.net"}


# --- Twitter/X ---------------------------------------------------------------------------------------


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


def test_twitter_crc_challenge(client, remote):
    response = client.get("/channels/twitter/webhook", {"crc_token": "challenge-123"})
    expected = base64.b64encode(hmac.new(TW_SECRET.encode(), b"challenge-123", hashlib.sha256).digest()).decode()
    assert response.status_code == 200 and response.json() == {"response_token": f"sha256={expected}"}
    assert client.get("/channels/twitter/webhook").status_code == 400


def test_tampered_or_unsigned_twitter_events_are_refused(deliver, remote):
    body = tw_payload(tweet("1900000000000000100", "@DKIJakarta got mampet parah di depan sekolah kami"))
    signature = tw_sign(body)
    assert deliver("twitter", body.replace(b"parah", b"aman"), signature).status_code == 401
    assert deliver("twitter", body, {}).status_code == 401
    assert deliver("twitter", body, tw_sign(body, "other-secret")).status_code == 401
    assert InboundMessage.objects.count() == 0 and remote.requests == []


def test_a_public_mention_becomes_a_private_report_answered_publicly_with_the_number_only(deliver, remote):
    body = tw_payload(
        tweet(
            "1900000000000000200",
            "@DKIJakarta jalan berlubang besar di depan sekolah, sudah ada motor jatuh, tolong segera diperbaiki",
            photo_url=f"{remote.url}/cdn/PHOTO1",
        )
    )
    for _ in range(2):  # X may deliver the same event twice
        assert deliver("twitter", body, tw_sign(body)).status_code == 200
    report = Report.objects.get()
    assert report.channel == "twitter" and report.privacy == "private" and report.category_source == "machine"
    assert report.unit.kode == "triase" and report.photos.count() == 1
    assert "@DKIJakarta" not in report.description
    [public] = public_replies(remote)
    assert public == {
        "text": f"Terima kasih, laporan Anda tercatat dengan nomor {report.number}. "
        "Kami lanjutkan lewat pesan langsung.",
        "reply": {"in_reply_to_tweet_id": "1900000000000000200"},
    }
    [private] = dms_to(remote)
    assert report.number in private and "Kode lacak" in private
    assert all(r["headers"]["Authorization"] == "Bearer tw-user-token" for r in remote.sent("/x/"))


def test_our_own_tweets_retweets_and_thanks_under_our_answer_are_not_complaints(deliver, remote):
    first = tw_payload(tweet("1900000000000000300", "@DKIJakarta sampah menumpuk di TPS tiga hari tidak diangkut"))
    deliver("twitter", first, tw_sign(first))
    ack_id = Notification.objects.get(kind="public_ack").remote_id
    others = tw_payload(
        tweet(
            "1900000000000000301",
            "@warga_canaryq Terima kasih, laporan Anda tercatat dengan nomor JK1",
            user_id=CITY_TW,
            screen="DKIJakarta",
            name="Pemprov DKI Jakarta",
            mention=False,
        ),
        tweet(
            "1900000000000000302",
            "RT @someone: @DKIJakarta banjir di kolong tol sudah sepinggang",
            retweeted_status={"id_str": "1"},
        ),
        tweet(
            "1900000000000000303",
            "@DKIJakarta terima kasih banyak atas tanggapannya ya",
            reply_to_status=ack_id,
            mention=False,
        ),
        tweet("1900000000000000304", "hari ini cerah sekali di jakarta, semoga tidak banjir", mention=False),
    )
    response = deliver("twitter", others, tw_sign(others))
    assert response.status_code == 200
    assert Report.objects.count() == 1 and len(public_replies(remote)) == 1


def test_a_public_mention_followed_to_selesai_is_continued_privately_by_dm(deliver, remote, selesai):
    from sigap.privacy.relay import outbox_flush

    body = tw_payload(tweet("1900000000000000400", f"@DKIJakarta got mampet di gang, {ELSEWHERE}, air masuk rumah"))
    deliver("twitter", body, tw_sign(body))
    report = Report.objects.get()
    assert report.kelurahan.nama == "Pondok Bambu"
    selesai(report)
    outbox_flush()
    assert statuses(dms_to(remote), report.number) == ["Proses", "Menunggu Validasi", "Selesai"]
    assert len(dms_to(remote)) == 4
    [public] = public_replies(remote)  # still the one public answer, and nothing of the case in it
    text = public["text"]
    assert text == (
        f"Terima kasih, laporan Anda tercatat dengan nomor {report.number}. Kami lanjutkan lewat pesan langsung."
    )
    for secret in ("mampet", "Pondok Bambu", report.unit.nama, "Kode lacak", "Selesai"):
        assert secret not in text
    assert Notification.objects.filter(report=report).exclude(state="sent").count() == 0


def test_a_twitter_dm_goes_through_the_chat_dialog(deliver, remote):
    for event in (
        dm("2000000000000000001", f"Got mampet di gang rumah saya, {ELSEWHERE}, air meluap"),
        dm("2000000000000000002", "ya"),
        dm("2000000000000000003", "1"),
        dm("2000000000000000004", "echo of our own message", sender=CITY_TW),
    ):
        body = tw_payload(dms=[event])
        assert deliver("twitter", body, tw_sign(body)).status_code == 200
    report = Report.objects.get()
    assert report.channel == "twitter" and report.kelurahan.nama == "Pondok Bambu"
    replies = dms_to(remote)
    assert len(replies) == 3 and report.number in replies[-1]
    assert public_replies(remote) == []


# --- Facebook and Instagram -------------------------------------------------------------------------


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


def test_facebook_verification_and_signatures(client, deliver, remote):
    ok = client.get(
        "/channels/facebook/webhook",
        {"hub.mode": "subscribe", "hub.verify_token": "fb-verify", "hub.challenge": "9876"},
    )
    assert ok.status_code == 200 and ok.content == b"9876"
    assert (
        client.get(
            "/channels/facebook/webhook", {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}
        ).status_code
        == 403
    )
    body = fb_comment("555000_9001", "Lampu jalan mati sepanjang gang kami sejak minggu lalu")
    assert (
        deliver(
            "facebook", body.replace(b"mati", b"nyala"), hex_sign(FB_SECRET, body, "X-Hub-Signature-256")
        ).status_code
        == 401
    )
    assert deliver("facebook", body, hex_sign(IG_SECRET, body, "X-Hub-Signature-256")).status_code == 401
    assert InboundMessage.objects.count() == 0 and remote.requests == []


def test_a_page_comment_is_answered_publicly_then_privately_to_selesai(deliver, remote, selesai):
    from sigap.privacy.relay import outbox_flush

    remote.psid_for_comment["555000_9002"] = PSID
    body = fb_comment(
        "555000_9002", f"Got mampet di Jl. Mawar, {ELSEWHERE}, mohon dibersihkan", photo=f"{remote.url}/cdn/PHOTO2"
    )
    for _ in range(2):
        assert deliver("facebook", body, hex_sign(FB_SECRET, body, "X-Hub-Signature-256")).status_code == 200
    report = Report.objects.get()
    assert report.channel == "facebook" and report.privacy == "private" and report.photos.count() == 1
    [public] = graph_sent(remote, "/555000_9002/comments")
    assert public == {
        "message": f"Terima kasih, laporan Anda tercatat dengan nomor {report.number}. "
        "Kami lanjutkan lewat pesan langsung."
    }
    private = graph_sent(remote, "/me/messages")
    assert len(private) == 1 and private[0]["recipient"] == {"comment_id": "555000_9002"}
    assert report.number in private[0]["message"]["text"]
    selesai(report)
    outbox_flush()
    later = graph_sent(remote, "/me/messages")[1:]
    assert all(m["recipient"] == {"id": PSID} and m["tag"] == "ACCOUNT_UPDATE" for m in later)
    assert statuses([m["message"]["text"] for m in later], report.number) == ["Proses", "Menunggu Validasi", "Selesai"]
    assert len(graph_sent(remote, "/comments")) == 1  # the only public word
    # the page's own comment (our answer, seen by the webhook) is not a complaint
    ours = fb_comment(
        "555000_9003", f"Terima kasih, laporan Anda tercatat dengan nomor {report.number}.", from_id=PAGE_ID
    )
    deliver("facebook", ours, hex_sign(FB_SECRET, ours, "X-Hub-Signature-256"))
    assert Report.objects.count() == 1


def test_a_messenger_conversation_with_photo_and_location_files_one_report(deliver, remote):
    from sigap.reports.tests.factories import inner_point

    lat, lon = inner_point("31.75.07.1002")
    messages = [
        fb_message(
            "m_1",
            text="Pohon tumbang menutup jalan depan rumah",
            attachments=[{"type": "image", "payload": {"url": f"{remote.url}/cdn/PHOTO1"}}],
        ),
        fb_message(
            "m_2",
            attachments=[
                {"type": "location", "title": "Lokasi", "payload": {"coordinates": {"lat": lat, "long": lon}}}
            ],
        ),
        fb_message("m_3", text="ya"),
        fb_message("m_4", text="1"),
    ]
    for body in messages:
        assert deliver("facebook", body, hex_sign(FB_SECRET, body, "X-Hub-Signature-256")).status_code == 200
    report = Report.objects.get()
    assert report.channel == "facebook" and report.photos.count() == 1 and report.unit.kode == "kel:31.75.07.1002"
    replies = graph_sent(remote, "/me/messages")
    assert all(r["recipient"] == {"id": PSID} for r in replies) and report.number in replies[-1]["message"]["text"]
    assert graph_sent(remote, "/comments") == []


def ig_payload(field: str, value: dict) -> bytes:
    return json.dumps(
        {
            "object": "instagram",
            "entry": [{"id": IG_ID, "time": 1764298801, "changes": [{"field": field, "value": value}]}],
        }
    ).encode()


def test_an_instagram_comment_becomes_a_private_report_and_continues_by_dm(deliver, remote, selesai):
    from sigap.privacy.relay import outbox_flush

    body = ig_payload(
        "comments",
        {
            "from": {"id": IGSID, "username": IG_USER},
            "media": {"id": "17900000000000001", "media_product_type": "FEED"},
            "id": "17800000000000001",
            "text": "@kotajakarta trotoar rusak parah di depan pasar, banyak yang jatuh",
        },
    )
    assert (
        deliver(
            "instagram", body.replace(b"parah", b"sedikit"), hex_sign(IG_SECRET, body, "X-Hub-Signature-256")
        ).status_code
        == 401
    )
    for _ in range(2):
        assert deliver("instagram", body, hex_sign(IG_SECRET, body, "X-Hub-Signature-256")).status_code == 200
    report = Report.objects.get()
    assert report.channel == "instagram" and report.privacy == "private" and report.unit.kode == "triase"
    [public] = graph_sent(remote, "/17800000000000001/replies")
    assert public["message"] == (
        f"Terima kasih, laporan Anda tercatat dengan nomor {report.number}. Kami lanjutkan lewat pesan langsung."
    )
    selesai(report)
    outbox_flush()
    private = graph_sent(remote, "/me/messages")
    assert private[0]["recipient"] == {"comment_id": "17800000000000001"}
    assert all(m["recipient"] == {"id": IGSID} for m in private[1:])
    assert statuses([m["message"]["text"] for m in private], report.number) == [
        "Proses",
        "Menunggu Validasi",
        "Selesai",
    ]


def test_an_instagram_mention_is_read_through_the_api_and_answered_on_the_mention(deliver, remote):
    remote.mentioned["17800000000000002"] = {
        "id": "17800000000000002",
        "username": IG_USER,
        "text": f"@kotajakarta got mampet di {ELSEWHERE}, bau sekali",
    }
    body = ig_payload("mentions", {"media_id": "17900000000000002", "comment_id": "17800000000000002"})
    assert deliver("instagram", body, hex_sign(IG_SECRET, body, "X-Hub-Signature-256")).status_code == 200
    report = Report.objects.get()
    assert report.kelurahan.nama == "Pondok Bambu"
    [public] = graph_sent(remote, f"/{IG_ID}/mentions")
    assert public == {
        "media_id": "17900000000000002",
        "comment_id": "17800000000000002",
        "message": f"Terima kasih, laporan Anda tercatat dengan nomor {report.number}. "
        "Kami lanjutkan lewat pesan langsung.",
    }
    lookup = [r for r in remote.requests if r["method"] == "GET" and r["path"] == f"/graph/{IG_ID}"]
    assert "mentioned_comment.comment_id(17800000000000002)" in lookup[0]["query"]["fields"]
    # Meta named no IGSID for the private reply: later updates are skipped instead of a second private reply
    [private] = graph_sent(remote, "/me/messages")
    assert private["recipient"] == {"comment_id": "17800000000000002"}
    assert vault.contact_channel(report.reporter_ref) is None


# --- LAPOR! ------------------------------------------------------------------------------------------


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
    first, anonymous, public = by_id["5001"], by_id["5002"], by_id["5003"]
    assert first.unit.kode == "kel:31.75.07.1002" and first.kategori.kode == "saluran-tersumbat"
    assert anonymous.privacy == "private" and anonymous.kelurahan.nama == "Pondok Bambu"
    kept = vault.identity_for_reveal(anonymous.reporter_ref)
    assert kept["handle"] == "5002" and not kept["name"] and not kept["phone"] and not kept["email"]
    assert vault.identity_for_reveal(first.reporter_ref)["name"] == RESIDENT_NAME
    assert public.privacy == "public" and public.category_source == "machine"
    for lid in (5001, 5002, 5003):
        [received] = pushed(remote, lid)
        assert received["status"] == "diterima" and by_id[str(lid)].number in received["keterangan"]
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


# --- the identity canary -----------------------------------------------------------------------------

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
    # a public tweet and a DM dialog
    body = tw_payload(tweet("1900000000000000900", f"@DKIJakarta @{TW_SCREEN} got mampet di {ELSEWHERE}. {typed}"))
    deliver("twitter", body, tw_sign(body))
    for event in (
        dm("2000000000000000901", f"Sampah menumpuk di {ELSEWHERE}. {typed}"),
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
    assert {r.channel for r in reports} == {"email", "twitter", "facebook", "instagram", "lapor"} and len(reports) == 8
    selesai(Report.objects.get(channel="email"))

    for report in reports:
        report.refresh_from_db()
        assert_no_identity(
            " ".join([report.description, report.address, report.public_note, report.rating_comment]),
            f"report {report.channel}",
        )
        for change in report.history.all():
            assert_no_identity(change.public_note + change.internal_note, "status history")
        officer = staff(f"canary.{report.unit.kode.replace(':', '.')}", report.unit.kode)
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


def test_an_email_answer_is_redacted_with_what_we_know_of_the_reporter(
    mail_in, remote, staff, django_capture_on_commit_callbacks
):
    """The answer passes the same door as the description: the reporter's name and the local part of their own
    address, written bare, never reach the officer."""
    mail_in(mime(f"Parkir liar menutup jalan di depan sekolah, {ELSEWHERE}."))
    report = Report.objects.get()
    officer = staff("petugas.tanya", report.unit.kode)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question="Siapa yang bisa kami hubungi?")
    question = to_resident()[-1]
    mail_in(
        mime(
            "Tanya langsung Qoppa Zyxwvut, atau tulis ke qoppa.canary di kantor. Qoppa ada tiap sore.",
            subject=f"Re: {question.subject}",
            message_id="<CAK9.who@mail.example.org>",
            in_reply_to=question.extra_headers["Message-ID"],
        )
    )
    report.refresh_from_db()
    note = report.history.last().internal_note
    assert "tiap sore" in note
    for marker in ("Qoppa", "Zyxwvut", "canary"):
        assert marker not in note, note
