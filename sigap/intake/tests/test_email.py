"""Email end to end: signed RFC 822 deliveries and the IMAP poll, the one-question email dialog, auto-replies
and bounces, threading of our answers, and answers to an officer's question."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage as Mime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sigap.intake.models import Conversation, InboundMessage
from sigap.intake.tests.channel_helpers import (
    CITY,
    ELSEWHERE,
    EMAIL_SECRET,
    OUR_ID,
    RESIDENT,
    RESIDENT_NAME,
    hex_sign,
    mime,
    sends_on_relay_threads,
    statuses,
    to_resident,
)
from sigap.intake.tests.fake_more import FakeImap
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.privacy import vault
from sigap.reports import services
from sigap.reports.models import Notification, Report

pytestmark = pytest.mark.django_db


def _imap_configured(settings, imap) -> None:
    """The email channel pointed at the fake IMAP server (plain, on loopback)."""
    settings.SIGAP_CHANNELS["email"].update(
        {
            "imap_host": "127.0.0.1",
            "imap_port": str(imap.port),
            "imap_user": imap.user,
            "imap_password": imap.password,
            "imap_ssl": "0",
        }
    )


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
    assert report.channel == "email" and report.privacy == "private" and report.kelurahan.name == "Pondok Bambu"
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
    assert report.kelurahan.name == "Pondok Bambu" and report.privacy == "private" and report.photos.count() == 1
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
    assert report.unit.code == "triase" and report.lat is None and report.privacy == "anonymous"
    assert report.reporter_ref == ""
    last = to_resident()[-1]
    assert "anonim" in last.body.lower() and report.number in last.body
    conv = Conversation.objects.get()
    assert vault.identity_for_reveal(conv.identity_ref) is None and conv.data_ref == ""  # nothing kept
    assert conv.sender_hash == ""  # nor a key that finds the sender's other dialogs again


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
    assert report.kelurahan.name == "Pondok Bambu" and len(to_resident()) == 2


def test_an_unanswered_email_dialog_is_filed_by_the_sweep(mail_in, remote):
    mail_in(mime("Sampah menumpuk di pinggir kali sudah tiga hari tidak diangkut.", subject="Sampah"))
    assert Report.objects.count() == 0
    call_command("imap", "sweep")
    assert Report.objects.count() == 0  # not yet due
    Conversation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("imap", "sweep")
    report = Report.objects.get()
    assert report.unit.code == "triase" and report.privacy == "private"


def test_the_same_email_delivered_twice_files_one_report(mail_in, remote):
    raw = mime(f"Jalan berlubang besar di Jl. Melati, {ELSEWHERE}, sudah ada motor jatuh.")
    for _ in range(2):
        assert mail_in(raw).status_code == 200
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 1 and len(to_resident()) == 1


def test_a_comment_beside_the_message_id_does_not_make_a_redelivery_a_new_report(mail_in, remote):
    """RFC 5322: a comment beside ``<id>`` is not part of it; a relay that added one made the same mail a second
    report (found by a fuzzing review)."""
    text = f"Jalan berlubang besar di Jl. Melati, {ELSEWHERE}, sudah ada motor jatuh."
    for message_id in ("<dup.case@mail.example.org>", "<Dup.Case@mail.example.org> (relay 2)"):
        assert mail_in(mime(text, message_id=message_id)).status_code == 200
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_message_id_someone_else_sent_first_does_not_drop_a_residents_mail(mail_in, remote):
    """Whoever learns a resident's Message-ID before their mail arrives (a mail client's predictable ids, a copy
    sent to them) sends a mail of their own with it first: the resident's mail is still a report, not dropped as
    a redelivery. The key is the id from that sender (a redelivery keeps its From and what it says)."""
    shared_id = "<CAK9.predictable@mail.example.org>"
    first = mime(
        "Ini pesan lain saja, tidak ada masalah.", sender="Orang Lain <lain@example.net>", message_id=shared_id
    )
    assert mail_in(first).status_code == 200
    text = f"Jalan berlubang besar di Jl. Melati, {ELSEWHERE}, sudah ada motor jatuh."
    for _ in range(2):  # the resident's mail, and its redelivery
        assert mail_in(mime(text, message_id=shared_id)).status_code == 200
    assert InboundMessage.objects.count() == 2
    assert Report.objects.filter(description__contains="Jl. Melati").count() == 1


def test_a_mail_found_forged_with_a_residents_message_id_does_not_drop_the_residents_mail(mail_in, remote, settings):
    """Whoever learned the id knows the resident's address too and can write it as From (a review of the key with
    the sender). The city's mail server finds the From forged: that mail is ignored and keyed apart, and the
    resident's own mail with the id is filed."""
    settings.SIGAP_CHANNELS = {
        **settings.SIGAP_CHANNELS,
        "email": {**settings.SIGAP_CHANNELS["email"], "authserv_id": "mx.kota.go.id"},
    }
    shared = "<CAK9.predictable@mail.example.org>"
    verdict = "mx.kota.go.id; spf=fail smtp.mailfrom=example.org; dkim=none; dmarc=fail header.from=example.org"
    forged = mime("Ini pesan lain saja.", message_id=shared, headers={"Authentication-Results": verdict})
    assert mail_in(forged).status_code == 200
    text = f"Jalan berlubang besar di Jl. Melati, {ELSEWHERE}, sudah ada motor jatuh."
    passed = "mx.kota.go.id; spf=pass smtp.mailfrom=example.org; dkim=pass; dmarc=pass header.from=example.org"
    for _ in range(2):  # the resident's mail, and its redelivery
        assert mail_in(mime(text, message_id=shared, headers={"Authentication-Results": passed})).status_code == 200
    assert InboundMessage.objects.count() == 2
    assert Report.objects.filter(description__contains="Jl. Melati").count() == 1


@pytest.mark.parametrize(
    "extra, verdict",
    [
        ({"Auto-Submitted": "auto-generated"}, "dmarc=fail"),
        ({"Precedence": "bulk"}, "dmarc=fail"),
        ({"List-Id": "<warga.example.org>"}, "dmarc=fail"),
        ({}, "dmarc=none"),  # no DMARC policy published: SPF decides (it failed)
    ],
    ids=["auto-submitted", "precedence", "list-id", "no-dmarc-policy"],
)
def test_a_forged_mail_never_takes_a_residents_key(mail_in, remote, settings, extra, verdict):
    """A review: a forged mail that also said it was an auto-reply or list mail was ignored for that reason, keyed
    as genuine, and the resident's mail dropped; "dmarc=none" counted as a verdict that the From was not forged."""
    settings.SIGAP_CHANNELS = {
        **settings.SIGAP_CHANNELS,
        "email": {**settings.SIGAP_CHANNELS["email"], "authserv_id": "mx.kota.go.id"},
    }
    shared = "<CAK9.predictable@mail.example.org>"
    forged = f"mx.kota.go.id; spf=fail smtp.mailfrom=example.org; dkim=none; {verdict} header.from=example.org"
    assert mail_in(mime("x", message_id=shared, headers={"Authentication-Results": forged, **extra})).status_code == 200
    genuine = "mx.kota.go.id; spf=pass smtp.mailfrom=example.org; dkim=none; dmarc=none header.from=example.org"
    text = f"Jalan berlubang besar di Jl. Melati, {ELSEWHERE}, sudah ada motor jatuh."
    assert mail_in(mime(text, message_id=shared, headers={"Authentication-Results": genuine})).status_code == 200
    assert Report.objects.filter(description__contains="Jl. Melati").count() == 1


@pytest.mark.parametrize(
    "again",
    [
        lambda text, subject: (text.replace(" \n", "\n"), subject),  # a relay stripped trailing spaces
        lambda text, subject: (text + "\n\nPesan ini telah dipindai oleh MailGuard.", subject),  # a footer
        lambda text, subject: (text, "[EXTERNAL] " + subject),  # a gateway's subject tag
    ],
    ids=["trailing-spaces", "footer", "subject-tag"],
)
def test_a_redelivery_changed_on_the_way_keeps_its_key(again):
    """A key that held what the mail says made these a second report (a review): the id and the From decide."""
    from sigap.intake.channels.email import email_inbound

    text, subject = "Jalan berlubang besar di Jl. Melati, motor jatuh. \nMohon segera diperbaiki.", "Jalan berlubang"
    text2, subject2 = again(text, subject)
    first = email_inbound(mime(text, subject=subject, message_id="<CAK9.redeliver@mail.example.org>"))
    second = email_inbound(mime(text2, subject=subject2, message_id="<CAK9.redeliver@mail.example.org>"))
    assert first.message_id == second.message_id


def test_a_mail_placed_by_its_coordinates_is_not_stored_whole_as_the_address(mail_in, remote):
    """A mail that gives its place as coordinates had its first 300 characters stored as the address, where the door
    reads place text and keeps a kelurahan's name whose words are all the reporter's: the sign-off "Wijaya Kusuma"
    of Andi Wijaya Kusuma was cut from the description and kept in the address (found by a review)."""
    raw = mime(
        "Selamat pagi,\n\nGot mampet di depan sekolah, air meluap ke jalan kalau hujan. Lokasi -6.2351, 106.9009."
        "\n\nSalam,\nWijaya Kusuma",
        sender="Andi Wijaya Kusuma <andi.wk77@example.org>",
    )
    assert mail_in(raw).status_code == 200
    report = Report.objects.get()
    assert "depan sekolah" in report.description and "Wijaya Kusuma" not in report.description
    assert "Wijaya Kusuma" not in report.address and "meluap" not in report.address


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


def _from_resident(subject: str, message_id: str) -> Mime:
    msg = Mime()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = RESIDENT, CITY, subject, message_id
    return msg


def test_html_only_email_is_read_as_text(mail_in, remote):
    msg = _from_resident("Trotoar rusak", "<html1@mail.example.org>")
    msg.set_content(
        f"<html><body><p>Trotoar ambles di depan pasar, <b>{ELSEWHERE}</b>.</p><style>p{{}}</style>"
        "<blockquote>kutipan lama</blockquote></body></html>",
        subtype="html",
    )
    mail_in(msg.as_bytes())
    report = Report.objects.get()
    assert "Trotoar ambles di depan pasar" in report.description and "kutipan" not in report.description


VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Wijayakusuma;Bambang;;;\r\nFN:Bambang Wijayakusuma\r\n"
    "ORG:PT Maju Jaya Sejahtera\r\nTITLE:Staf Gudang\r\nTEL;TYPE=CELL:+62 813 7717 2345\r\n"
    "ADR;TYPE=HOME:;;Jl. Kenari Dalam No. 17;Pondok Bambu;Jakarta;13430;ID\r\nEND:VCARD\r\n"
)


def _html_with_a_text_file(order: str) -> bytes:
    """An HTML body and a contact card sent as a text part: inline with a file name, or named without any
    disposition and before the body (found by a review: the card was read as the body, the complaint lost, and the
    sender's employer, title and home street reached officers)."""
    if order == "inline":
        msg = _from_resident("Got mampet", "<v1@mail.example.org>")
        msg.set_content(f"<html><body><p>Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap.</p></body></html>", "html")
        msg.add_attachment(VCARD, subtype="plain", filename="kontak.vcf", disposition="inline")
        return msg.as_bytes()
    return (
        f"From: {RESIDENT}\r\nTo: {CITY}\r\nSubject: Got mampet\r\nMessage-ID: <v3@mail.example.org>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        '--XX\r\nContent-Type: text/plain; charset=utf-8; name="kontak.vcf"\r\n\r\n'
        + VCARD
        + "\r\n--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + f"<p>Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap.</p>\r\n--XX--\r\n"
    ).encode()


@pytest.mark.parametrize("order", ["inline", "named-first"])
def test_a_text_file_beside_the_body_is_not_read_as_the_body(mail_in, remote, order):
    mail_in(_html_with_a_text_file(order))
    report = Report.objects.get()
    assert "Got mampet di Jl. Mawar" in report.description
    for leaked in ("VCARD", "Maju Jaya", "Staf Gudang", "Kenari Dalam", "13430"):
        assert leaked not in report.description + report.address


def test_the_plain_alternative_is_still_preferred_to_the_html(mail_in, remote):
    msg = _from_resident("Got", "<alt@mail.example.org>")
    msg.set_content(f"Versi teks: got mampet di Jl. Mawar, {ELSEWHERE}.")
    msg.add_alternative(f"<p>Versi HTML: got mampet di Jl. Mawar, {ELSEWHERE}.</p>", subtype="html")
    mail_in(msg.as_bytes())
    assert Report.objects.get().description.startswith("Versi teks")


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
    report, _officer, question = _asked(staff, django_capture_on_commit_callbacks, "Jam berapa biasanya parkir liar?")
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


def _asked(staff, capture, question: str):
    """The one report filed by email, accepted and asked ``question``: (report, the officer, the mail that asked)."""
    report = Report.objects.get()
    officer = staff("petugas.tanya", report.unit.code)
    with capture(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
        services.report_ask_reporter(report_id=report.pk, actor=officer, question=question)
    return report, officer, to_resident()[-1]


def _asked_then_answered(mail_in, staff, capture, question: str, reply: str, photo: bytes) -> Report:
    """The one report filed by email is asked ``question``; the resident replies ``reply`` with ``photo``."""
    report, _officer, asked = _asked(staff, capture, question)
    mail_in(
        mime(
            reply,
            subject=f"Re: {asked.subject}",
            message_id="<CAK9.answer-with-photo@mail.example.org>",
            in_reply_to=asked.extra_headers["Message-ID"],
            photo=photo,
        )
    )
    report.refresh_from_db()
    return report


def test_a_reply_with_a_photo_answers_the_officers_question_with_it(
    mail_in, remote, staff, django_capture_on_commit_callbacks
):
    """ "Kirim foto kondisinya": a reply holding only the photo (and the quoted mail) is the answer, and the photo
    joins the report's own; it used to be taken as no answer at all."""
    from sigap.intake.tests.fake_services import jpeg
    from sigap.reports.models import Photo

    mail_in(mime(f"Parkir liar menutup jalan di depan sekolah, {ELSEWHERE}."))
    report = _asked_then_answered(
        mail_in, staff, django_capture_on_commit_callbacks, "Ada fotonya?", "> Ada fotonya?", jpeg((40, 90, 140))
    )
    assert report.status == "in_progress" and "1 foto" in report.history.last().internal_note
    assert Photo.objects.filter(report=report, kind="report").count() == 1


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
        _imap_configured(settings, imap)
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


def test_an_email_answer_is_redacted_with_what_we_know_of_the_reporter(
    mail_in, remote, staff, django_capture_on_commit_callbacks
):
    """The answer passes the same door as the description: the reporter's name and the local part of their own
    address, written bare, never reach the officer."""
    mail_in(mime(f"Parkir liar menutup jalan di depan sekolah, {ELSEWHERE}."))
    report = Report.objects.get()
    officer = staff("petugas.tanya", report.unit.code)
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


def test_mails_sent_on_the_relay_threads_are_threaded_and_open_no_database_connection(
    mail_in, remote, settings, monkeypatch
):
    """The relay sends a batch on several threads. What the email sender needs from the database (the dialog a
    mail threads to) is read once for the batch before the sends, so no send thread opens a connection of its own
    (one per mail, opened and closed, cost more CPU than the mail itself) and every mail is still threaded."""
    from sigap.intake.channels.email import EmailAdapter
    from sigap.privacy import relay

    mail_in(mime(f"Got mampet parah di gang, {ELSEWHERE}, air masuk rumah warga."))
    report = Report.objects.get()
    assert len(to_resident()) == 1  # "received", in the request (tests deliver synchronously)
    opened = sends_on_relay_threads(monkeypatch, settings, EmailAdapter)
    ids = [Notification.objects.create(report=report, kind="status", body=f"Kabar {i}").pk for i in range(3)]
    assert relay.deliver_batch(ids) == {"claimed": 3, "sent": 3}
    later = to_resident()[1:]
    assert sorted(m.body for m in later) == ["Kabar 0", "Kabar 1", "Kabar 2"]
    assert all(m.extra_headers["In-Reply-To"] == "<CAK1.first@mail.example.org>" for m in later)
    assert all(m.subject == "Re: Got mampet di gang kami" for m in later)
    assert opened == [False, False, False]


def test_one_unreadable_dialog_fails_its_own_mail_and_not_the_batch(mail_in, remote, settings):
    """What a batch's senders read before the sends (``prefetch``) must not let one bad row stop the others: a
    dialog whose record cannot be opened (its key gone, the record damaged) fails that mail alone, as it did
    when each send read its own dialog, and the rest of the batch goes out."""
    from sigap.privacy import relay
    from sigap.privacy.models import VaultBlob

    mail_in(mime(f"Got mampet parah di gang, {ELSEWHERE}, air masuk rumah warga."))
    mail_in(
        mime(
            f"Lampu mati total di gang, {ELSEWHERE}, gelap sekali malam.",
            sender="Budi <budi.other@example.org>",
            message_id="<B1@mail.example.org>",
            subject="Lampu mati",
        )
    )
    first, second = Report.objects.order_by("pk")
    dialog = Conversation.objects.get(channel="email", report=first)
    VaultBlob.objects.filter(ref=dialog.data_ref).update(key_id="gone")
    mail.outbox.clear()
    settings.SIGAP_OUTBOX_SYNC, settings.SIGAP_OUTBOX_SEND_THREADS = False, 1
    ids = [Notification.objects.create(report=r, kind="status", body=f"Kabar {r.number}").pk for r in (first, second)]
    assert relay.deliver_batch(ids) == {"claimed": 2, "sent": 1, "failed": 1}
    assert [m.to for m in mail.outbox] == [["budi.other@example.org"]]
    assert Notification.objects.get(pk=ids[0]).state == "failed" and Notification.objects.get(pk=ids[0]).attempts == 1


def test_a_thank_you_to_an_anonymous_filings_mail_is_not_a_second_report(mail_in, remote):
    """An Anonim email reporter replied "terima kasih" to the mail that gave them their code: the dialog keeps no
    sender once filed, so the reply was taken as a new complaint, and the sweep filed a second, Privat report
    holding the address of the person the anonymous report protects."""
    from sigap.intake.channels.email import email_pending_sweep

    mail_in(mime("Ada pohon tumbang menutup jalan di dekat sekolah.", subject="Pohon tumbang"))
    ask = to_resident()[0]
    mail_in(
        mime(
            f"Di Jl. Mawar, {ELSEWHERE}\n3",
            message_id="<CAK3@mail.example.org>",
            subject="Re: Pohon tumbang",
            in_reply_to=ask.extra_headers["Message-ID"],
        )
    )
    assert Report.objects.get().privacy == "anonymous"
    filed = to_resident()[-1]
    mail_in(
        mime(
            "Terima kasih banyak atas tanggapannya.",
            message_id="<CAK9.thanks@mail.example.org>",
            subject="Re: Pohon tumbang",
            in_reply_to=filed.extra_headers["Message-ID"],
        )
    )
    email_pending_sweep(now=timezone.now() + timedelta(days=2))
    assert Report.objects.count() == 1
    assert not Conversation.objects.filter(state=Conversation.State.OPEN).exists()
    assert to_resident()[-1] is filed  # nothing sent back either


def test_an_email_answer_with_a_photo_past_the_limit_still_answers_in_words(
    mail_in, remote, staff, settings, django_capture_on_commit_callbacks
):
    """The report already holds as many photos as it takes: the reply's words still answer (the photo was refused
    with the whole email, stored as ignored, and the report later closed for no answer; found by a review)."""
    from sigap.intake.models import InboundMessage
    from sigap.intake.tests.fake_services import jpeg
    from sigap.reports.models import Photo

    settings.SIGAP_PHOTOS_PER_REPORT = 1
    mail_in(mime(f"Parkir liar menutup jalan di depan sekolah, {ELSEWHERE}.", photo=jpeg((10, 200, 30))))
    assert Photo.objects.filter(report=Report.objects.get(), kind="report").count() == 1
    report = _asked_then_answered(
        mail_in,
        staff,
        django_capture_on_commit_callbacks,
        "Di sisi jalan yang mana?",
        "Di sisi utara, depan gerbang sekolah.\n\n> Di sisi jalan yang mana?",
        jpeg((40, 90, 140)),
    )
    assert report.status == "in_progress" and "sisi utara" in report.history.last().internal_note
    assert InboundMessage.objects.order_by("pk").last().state == "processed"
    assert Photo.objects.filter(report=report, kind="report").count() == 1


def _forged(text: str, *, subject: str) -> bytes:
    """What anyone can send: the resident's address as From, no threading headers, replies asked elsewhere."""
    return mime(
        text,
        sender=f"{RESIDENT_NAME} <{RESIDENT}>",
        subject=subject,
        message_id="<forged.1@evil.example>",
        headers={"Reply-To": "attacker@evil.example", "Sender": "attacker@evil.example"},
    )


def test_a_forged_reply_does_not_answer_a_residents_waiting_question(mail_in, remote):
    """Found by a review: an email's From is whatever its sender typed. A forged "Re:" from a resident's address,
    without our mail's signed id, answered their waiting question in their place: their complaint was filed as
    Publik, at the forger's place, with the forger's text, and shown on the public portal."""
    mail_in(mime("Lampu jalan mati sudah seminggu, gelap sekali di gang kami.", subject="Lampu jalan mati"))
    ask = to_resident()[0]
    waiting = Conversation.objects.get()
    mail_in(_forged(f"Lokasinya di Jl. Kenanga, {ELSEWHERE}\n2\nPENANDA tambahan penyerang.", subject="Re: apa saja"))
    waiting.refresh_from_db()
    assert waiting.state == Conversation.State.OPEN and waiting.report_id is None  # untouched, still waiting
    assert not Report.objects.filter(privacy="public").exists()
    assert all(m.to == [RESIDENT] for m in mail.outbox)
    # the resident's own answer, to our mail, still files their report as they chose
    mail_in(
        mime(
            f"Di Jl. Mawar, {ELSEWHERE}\n1",
            subject="Re: Lampu jalan mati",
            message_id="<CAK2.reply@mail.example.org>",
            in_reply_to=ask.extra_headers["Message-ID"],
        )
    )
    waiting.refresh_from_db()
    assert waiting.state == Conversation.State.FILED
    assert waiting.report.privacy == "private" and "PENANDA" not in waiting.report.description


def test_a_new_email_from_the_same_address_does_not_file_the_waiting_dialog(mail_in, remote):
    """Found by the same review: a forged new email filed the resident's waiting dialog at once (to the triage
    desk, Privat) before they could answer. A waiting dialog is filed by its answer or by the sweep only."""
    mail_in(mime("Ada pohon tumbang menutup jalan di dekat sekolah dasar.", subject="Pohon tumbang"))
    mail_in(_forged("Sampah menumpuk di pinggir kali sudah tiga hari.", subject="Sampah"))
    assert Report.objects.count() == 0
    assert Conversation.objects.filter(state=Conversation.State.OPEN).count() == 2


MX = "mx.kota.go.id"


@pytest.mark.parametrize(
    "results, forged",
    [
        ([f"{MX}; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=mail.example.org"], True),
        ([f"{MX} 1; spf=fail (sender not allowed) smtp.mailfrom=evil.example; dkim=none"], True),
        ([f"{MX}; spf=pass smtp.mailfrom=mail.example.org; dkim=pass; dmarc=pass"], False),
        ([f"{MX}; spf=fail smtp.mailfrom=list.example; dkim=pass header.d=mail.example.org"], False),
        # a forwarded mail: SPF fails at the forwarder, the sender's DKIM signature still passes DMARC
        ([f"{MX}; spf=softfail; dkim=pass; dmarc=pass"], False),
        # only the topmost header of the city's own server counts: one below it is the sender's own claim
        ([f"{MX}; dmarc=fail", f"{MX}; dmarc=pass"], True),
        ([f"{MX}; dmarc=pass", f"{MX}; dmarc=fail"], False),
        # another server's verdict, or none at all, is not judged
        (["mx.elsewhere.example; dmarc=fail"], False),
        ([], False),
    ],
)
def test_a_mail_the_citys_server_found_forged_is_not_processed(mail_in, remote, settings, results, forged):
    """Found by a review: a forged From opened a report in someone else's name, and their address received its
    mails. With ``SIGAP_EMAIL_AUTHSERV_ID`` set, the city's mail server's own verdict (RFC 8601) is read."""
    settings.SIGAP_CHANNELS = {
        **settings.SIGAP_CHANNELS,
        "email": {**settings.SIGAP_CHANNELS["email"], "authserv_id": MX},
    }
    raw = mime(f"Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap ke jalan.")
    lines = raw.split(b"\n")
    raw = b"\n".join([*(f"Authentication-Results: {r}".encode() for r in results), *lines])
    response = mail_in(raw)
    assert response.status_code == 200
    assert InboundMessage.objects.get().state == ("ignored" if forged else "processed")
    assert Report.objects.count() == (0 if forged else 1)
    assert (to_resident() == []) is forged


def test_without_the_servers_name_no_verdict_is_read(mail_in, remote):
    raw = mime(
        f"Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap ke jalan.",
        headers={"Authentication-Results": f"{MX}; dmarc=fail"},
    )
    mail_in(raw)
    assert Report.objects.count() == 1


def test_a_mail_nested_deeper_than_any_real_one_is_a_400_and_stores_nothing(mail_in, remote):
    """Found by a fuzzing review: MIME parts nested 2,000 deep took the parser past Python's recursion limit (500)."""
    lines = [b"From: warga@example.org", b"To: lapor@kota.go.id", b"Subject: x", b"MIME-Version: 1.0"]
    lines.append(b'Content-Type: multipart/mixed; boundary="b0"')
    lines.append(b"")
    for i in range(2000):
        lines += [f"--b{i}".encode(), f'Content-Type: multipart/mixed; boundary="b{i + 1}"'.encode(), b""]
    raw = b"\r\n".join(lines)
    response = mail_in(raw)
    assert response.status_code == 400 and response.json()["code"] == "malformed_webhook"
    assert InboundMessage.objects.count() == 0 and Report.objects.count() == 0


@pytest.mark.parametrize(
    "quoted",
    [
        "From: Sigap <lapor@kota.go.id>\nSent: Monday, 30 November 2026 09:00\nTo: warga@example.org\nSubject: Re: x",
        "Dari: Sigap <lapor@kota.go.id>\nDikirim: Senin, 30 November 2026 09.00\nKepada: warga@example.org",
        # Outlook on the web in Indonesian, and a header block that carries Cc first (found by a review)
        "Dari: Sigap <lapor@kota.go.id>\nTerkirim: Senin, 30 November 2026 09.00\nKepada: warga@example.org",
        "Dari: Sigap <lapor@kota.go.id>\nSubjek: Re: Laporan\nKepada: warga@example.org",
        "*From:* Sigap <lapor@kota.go.id>\n*Cc:* warga@example.org",
    ],
)
def test_an_outlook_quoted_header_block_ends_the_new_part(quoted):
    from sigap.intake.channels.email import reply_strip

    assert (
        reply_strip(f"Sudah dicek, masih mampet.\n\n{quoted}\n\nLaporan Anda JK1 ...") == "Sudah dicek, masih mampet."
    )


def _named_body(kind: str) -> bytes:
    """A body some clients and gateways send with a name: one named part; a carrier's MMS-to-email (text_0.txt
    beside the picture); a part with an inline file name (found by a review of the body's choice)."""
    head = f"From: {RESIDENT}\r\nTo: {CITY}\r\nSubject: Lapor\r\nMessage-ID: <{kind}@mail.example.org>\r\nMIME-Version: 1.0\r\n"
    complaint = f"Got mampet di Jl. Mawar, {ELSEWHERE}, air meluap ke jalan setiap hujan."
    if kind == "single":
        return (head + 'Content-Type: text/plain; charset=utf-8; name="pesan.txt"\r\n\r\n' + complaint).encode()
    if kind == "mms":
        import base64

        picture = base64.b64encode(jpeg_colour((10, 200, 30))).decode()
        return (
            head
            + "Content-Type: multipart/mixed; boundary=YY\r\n\r\n"
            + '--YY\r\nContent-Type: text/plain; charset=utf-8; name="text_0.txt"\r\n\r\n'
            + complaint
            + '\r\n--YY\r\nContent-Type: image/jpeg; name="IMG_0001.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + picture
            + "\r\n--YY--\r\n"
        ).encode()
    return (
        head
        + "Content-Type: multipart/mixed; boundary=ZZ\r\n\r\n"
        + '--ZZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: inline; filename="body.txt"\r\n\r\n'
        + complaint
        + "\r\n--ZZ--\r\n"
    ).encode()


@pytest.mark.parametrize("kind", ["single", "mms", "inline-filename"])
def test_a_body_sent_with_a_name_is_still_the_body_when_no_other_text_is(mail_in, remote, kind):
    mail_in(_named_body(kind))
    assert Report.objects.get().description.startswith("Lapor")
    assert "Got mampet di Jl. Mawar" in Report.objects.get().description


def test_a_contact_card_alone_is_no_body(mail_in, remote):
    msg = _from_resident("Got mampet", "<card@mail.example.org>")
    msg.set_content(VCARD, filename="kontak.vcf", disposition="inline")
    mail_in(msg.as_bytes())
    assert Report.objects.count() == 0
    assert all("Maju Jaya" not in m.body for m in to_resident())


def test_an_email_answer_that_crossed_the_withdrawal_of_the_question_is_kept(
    mail_in, remote, staff, django_capture_on_commit_callbacks
):
    """The unit went on without the answer a moment before the resident's reply came: the reply is still their
    answer (an attacker's review: email answered "replies are not read" and dropped it)."""
    mail_in(mime(f"Parkir liar menutup jalan di depan sekolah, {ELSEWHERE}."))
    report, officer, question = _asked(staff, django_capture_on_commit_callbacks, "Jam berapa biasanya parkir liar?")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_question_withdraw(report_id=report.pk, actor=officer, reason="Sudah kami pantau sendiri.")
    mail_in(
        mime(
            f"Biasanya jam 7 pagi. Hubungi saya di {RESIDENT}",
            subject=f"Re: {question.subject}",
            message_id="<CAK9.late@mail.example.org>",
            in_reply_to=question.extra_headers["Message-ID"],
        )
    )
    report.refresh_from_db()
    note = report.history.last().internal_note
    assert note.startswith(services.ANSWER_LATE_NOTE) and "jam 7 pagi" in note and RESIDENT not in note
    assert report.status == "in_progress" and "jawaban Anda" in to_resident()[-1].body


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("<dup.case@mail.example.org>", "<Dup.Case@mail.example.org> (relay 2)", True),
        ("(via <gw@relay.example>) <a.1@mail.example.org>", "(via <gw@relay.example>) <b.2@mail.example.org>", False),
        ("(a (nested <gw@relay.example>) note) <a.1@mail.example.org>", "<a.1@mail.example.org>", True),
        ("<x@mail.example.org> <y@mail.example.org>", "<x@mail.example.org> <z@mail.example.org>", False),
    ],
)
def test_the_message_id_key_drops_comments_and_never_makes_two_mails_one(one, other, same):
    """A bracket inside a comment, or a second id, must not make two residents' mails one (the second dropped as a
    redelivery of the first; found by a review of the comment fix)."""
    from sigap.intake.channels.email import message_key

    assert (message_key(one, b"mail one") == message_key(other, b"mail two")) is same


def test_a_mail_the_system_cannot_take_now_stays_unseen_for_the_next_poll(
    remote, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A refusal meaning "try again later" (a 5xx DomainError: numbering busy, boundaries not loaded) was counted as
    ignored and the mail marked \\Seen: nothing stored, and the next poll skipped it (a review). The webhook answers
    503 for the same."""
    from sigap.core.errors import DomainError
    from sigap.intake import services as intake_services

    def busy(*args, **kwargs):
        raise DomainError("Sibuk.", "Busy, try again.", code="numbering_busy", status=503)

    monkeypatch.setattr(intake_services, "report_submit", busy)
    raw = mime(f"Got mampet di Jl. Dahlia, {ELSEWHERE}, bau sekali.", message_id="<busy1@mail.example.org>")
    with FakeImap([raw]) as imap:
        _imap_configured(settings, imap)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("imap", "poll")
        assert InboundMessage.objects.count() == 0
        assert imap.seen() == [False]
