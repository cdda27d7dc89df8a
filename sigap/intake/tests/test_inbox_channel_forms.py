"""Identity that a channel's own message form carries (a From comment, a quote's attribution, a Telegram group),
found by a review of the channel adapters: each test delivers a real-shaped payload through the channel's webhook,
then reads the report as an officer of its unit (console page, officer API, CSV export)."""

from __future__ import annotations

import json

import pytest

from sigap.intake.channels.email import email_inbound, reply_strip
from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import CITY, ELSEWHERE, mime
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def officer_surfaces(client, staff, report) -> str:
    """What an officer of the report's unit reads: the console page, the officer API and the CSV export."""
    officer = staff("petugas.review", report.unit.code)
    client.force_login(officer)
    seen = [
        client.get(f"/petugas/laporan/{report.number}/").content.decode(),
        client.get(f"/api/v1/officer/reports/{report.number}").content.decode(),
        b"".join(client.get("/api/v1/officer/export/reports.csv").streaming_content).decode()
        if hasattr(client.get("/api/v1/officer/export/reports.csv"), "streaming_content")
        else client.get("/api/v1/officer/export/reports.csv").content.decode(),
    ]
    client.logout()
    assert report.number in seen[1]  # really rendered
    return "\n".join(seen)


# --- email -------------------------------------------------------------------------------------------------


def test_email_from_with_the_name_as_a_comment_keeps_it_out_of_the_vault(client, staff, mail_in, remote):
    """``From: bs.1977@gmail.com (Budi Santoso)`` is a valid RFC 5322 From (the display name as a comment, what
    several mailers and mail-to-web gateways write). ``policy.default`` drops the comment, so the adapter stores no
    name, and the resident's bare name in the subject or an unmarked signature reaches the officer."""
    raw = mime(
        f"Got mampet di Jl. Mawar, {ELSEWHERE}. Air meluap ke jalan kalau hujan.\n\nBudi Santoso\nRT 03/05",
        subject="Laporan Budi Santoso: got mampet",
        sender="bs.1977@gmail.com (Budi Santoso)",
    )
    assert mail_in(raw).status_code == 200
    report = Report.objects.get()
    seen = officer_surfaces(client, staff, report)
    assert "Santoso" not in seen


@pytest.mark.parametrize(
    "quote, writer",
    [
        # "<name> <address> wrote:" (Thunderbird's short form, other mailers' in several locales): the quote's lines
        # (">") were dropped, the attribution line was not (it wanted "On"/"Pada" first)
        ("Siti Aminah Wulandari <siti.wulandari@gmail.com> wrote:\n", "Wulandari"),
        # Gmail's plain-text part wraps a long attribution over three lines: only two were joined
        (
            "On Mon, Dec 6, 2026 at 10:00 AM Siti Aminah Wulandari Kusumaningrum <\n"
            "siti.aminah.wulandari.kusumaningrum@gmail.com>\nwrote:\n\n",
            "Kusumaningrum",
        ),
    ],
)
def test_a_quoted_mail_s_attribution_does_not_name_its_writer_to_officers(
    client, staff, mail_in, remote, quote, writer
):
    raw = mime(
        f"Got mampet di Jl. Mawar, {ELSEWHERE}. Tetangga saya juga sudah mengeluh, lihat di bawah.\n\n"
        + quote
        + "> Pak, air got sudah masuk ke rumah saya. Tolong dilaporkan.\n",
    )
    assert mail_in(raw).status_code == 200
    assert writer not in officer_surfaces(client, staff, Report.objects.get())


# --- Telegram ----------------------------------------------------------------------------------------------


def tg(deliver, uid, sender: dict, chat: dict, message: dict):
    body = json.dumps(
        {
            "update_id": uid,
            "message": {"message_id": uid, "date": 1764300000, "from": sender, "chat": chat, **message},
        }
    ).encode()
    return deliver("telegram", body, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})


def test_a_telegram_group_s_messages_are_not_taken(client, staff, deliver, fake):
    """In a group (a bot in an RT's group: with privacy mode on it still gets replies to its own questions) the
    adapter keyed one dialog by the chat id and kept only the first writer's name: a second member's messages joined
    the report and their own name, which Telegram gave with their message, was never redacted; the tracking code went
    to the whole group. A group's messages are not taken: reports come by private chat."""
    lat, lon = inner_point("31.75.07.1002")
    group = {"id": -1001234567890, "type": "supergroup", "title": "Warga RT 03"}
    budi = {"id": 111, "is_bot": False, "first_name": "Budi", "last_name": "Santoso", "username": "budisan"}
    wulan = {"id": 222, "is_bot": False, "first_name": "Wulandari", "last_name": "Kusumo", "username": "wulank"}
    assert (
        tg(deliver, 1, budi, group, {"text": "Got mampet dan air meluap ke jalan depan gang kami."}).status_code == 200
    )
    tg(deliver, 2, budi, group, {"location": {"latitude": lat, "longitude": lon}})
    tg(deliver, 3, wulan, group, {"text": "Airnya sudah masuk ke rumah saya juga, parah sekali.\nWulandari Kusumo"})
    tg(deliver, 4, budi, group, {"text": "ya"})
    tg(deliver, 5, budi, group, {"text": "1"})
    assert not Report.objects.exists() and not Conversation.objects.exists() and not fake.sent("/sendMessage")
    # the same person in a private chat is heard as before
    tg(deliver, 6, budi, {"id": 111, "type": "private", "first_name": "Budi"}, {"text": "Got mampet parah di gang."})
    assert Conversation.objects.count() == 1 and fake.sent("/sendMessage")


@pytest.mark.parametrize(
    "body, kept",
    [
        ("Tetangga saya menulis:\nAir got sudah masuk rumah.", "Tetangga saya menulis:\nAir got sudah masuk rumah."),
        ("Got mampet.\n\nPak RT wrote:\nnanti dicek", "Got mampet.\n\nPak RT wrote:\nnanti dicek"),
        ("Got mampet, lihat di bawah.\n\nBudi <b@x.id> wrote:\n> dulu", "Got mampet, lihat di bawah."),
    ],
)
def test_a_line_ending_in_wrote_is_an_attribution_only_with_an_address_or_a_quote_after(body, kept):
    assert reply_strip(body) == kept


# --- a From comment that is no clean text (found by the review of the comment's first reading: a 500 and a 503) ---


def _raw(from_header: bytes) -> bytes:
    return (
        b"From: " + from_header + b"\r\nTo: " + CITY.encode() + b"\r\nSubject: Got mampet\r\n"
        b"Message-ID: <rev2.1@mail.example.org>\r\n\r\nGot mampet di gang buntu sejak kemarin, air meluap.\r\n"
    )


def test_email_from_comment_with_a_broken_encoded_word_is_read_as_written():
    inbound = email_inbound(_raw(b"bs@gmail.com (=?utf-8?b?abcde?=)"))
    assert inbound.sender == "bs@gmail.com" and inbound.sender_name == "=?utf-8?b?abcde?="


def test_email_webhook_answers_a_broken_from_comment_without_a_500(mail_in, remote):
    response = mail_in(_raw(b"bs@gmail.com (=?utf-8?b?abcde?=)"))
    assert response.status_code < 500, response.status_code


def test_email_from_comment_in_raw_8bit_gives_no_surrogate_name():
    inbound = email_inbound(_raw("bs@gmail.com (Budi Santoso Wibowo \xff)".encode("latin-1")))
    assert inbound.sender_name == "Budi Santoso Wibowo \ufffd"  # as a display name's unreadable byte is


def test_email_webhook_answers_a_raw_8bit_from_comment_without_a_500(mail_in, remote):
    response = mail_in(_raw("bs@gmail.com (Budi Santoso Wibowo \xff)".encode("latin-1")))
    assert response.status_code < 500, response.status_code


def test_a_line_with_an_address_that_ends_in_menulis_is_not_a_quote():
    text = (
        "Got mampet di Jl. Mawar sejak seminggu.\n"
        "Saya sudah email ke pengaduan@dki.go.id dan petugasnya menulis:\n"
        "Akan kami tindak lanjuti minggu ini.\n"
        "Tapi sampai sekarang air masih meluap ke rumah warga."
    )
    assert "masih meluap" in reply_strip(text), reply_strip(text)
