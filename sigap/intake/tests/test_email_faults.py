"""What an email brings is never lost without a word (a fault-injection review): a NUL character in its subject
(taken out, as from every other field, rather than refusing the whole email unanswered), and the photos a report
cannot take (the reply says how many were left out)."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core import mail

from sigap.intake.tests.channel_helpers import ELSEWHERE, RESIDENT, mime, to_resident
from sigap.reports.models import Report

pytestmark = pytest.mark.django_db


def test_email_with_a_nul_in_its_subject_is_still_filed(mail_in, remote):
    """``Inbound`` takes NULs out of the text, the sender and the ids, but not out of ``extra["subject"]``
    (channels/email.py ``email_inbound``); ``_absorb`` puts the subject before the text of a new email, so
    ``submission_validate`` refuses the report (422 ``invalid_character``) and ``inbound_accept_handled`` keeps the
    mail as IGNORED: a good report in its body is never filed and the resident gets no reply at all (the webhook
    said 200). An encoded word (``=?utf-8?q?...=00...?=``) is enough. Take the NUL out as for every other field."""
    raw = mime("Got mampet di Pondok Bambu, Duren Sawit, air meluap ke jalan setiap hujan.", subject="placeholder")
    raw = raw.replace(b"Subject: placeholder", b"Subject: =?utf-8?q?Got=00_mampet_di_gang?=")
    assert mail_in(raw).status_code == 200
    assert Report.objects.filter(channel="email").count() == 1


def test_email_photos_not_kept_are_told_to_the_resident(mail_in, remote, jpeg):
    """``_photos`` (channels/email.py) stops after ``SIGAP_PHOTOS_PER_REPORT`` attachments and skips one over
    ``SIGAP_MEDIA_MAX_BYTES``; ``_file`` drops any whose header check fails; none of it is said in the reply
    ("Laporan Anda diterima ..."). The chat tells the same resident ("photo_limit", "photo_unreadable"); by email
    the photos are lost silently and the resident believes the officers have them."""
    raw = mime("Got mampet di Pondok Bambu, Duren Sawit, air meluap ke jalan setiap hujan.")
    msg = message_from_bytes(raw, policy=policy.default)
    for i in range(7):
        msg.add_attachment(jpeg((64 + i, 48)), maintype="image", subtype="jpeg", filename=f"f{i}.jpg")
    assert mail_in(msg.as_bytes()).status_code == 200
    report = Report.objects.get(channel="email")
    assert report.photos.count() == 5  # the limit
    replies = [m.body for m in mail.outbox if m.to == [RESIDENT]]
    assert replies and any("foto" in body.lower() or "photo" in body.lower() for body in replies)


def test_an_anonymous_email_reporter_is_told_the_photos_left_out_too(mail_in, remote, jpeg):
    """b9869d3 makes the email reply say how many photos were left out (channels/email.py ``_file``), and the chat
    says it to every reporter (``photos_some_dropped``, Anonim too). But the email's note is added to the "filed"
    reply only: the "filed_anon" branch (email.py:654-659) drops ``left_out``, and it is the last email that
    reporter ever gets ("we will not email you again"). An Anonim resident who sent 7 photos is never told that
    2 of them did not reach the officers."""
    raw = mime("Ada pohon tumbang menutup jalan di dekat sekolah, kabelnya menjuntai.", subject="Pohon tumbang")
    msg = message_from_bytes(raw, policy=policy.default)
    for i in range(7):
        msg.add_attachment(jpeg((64 + i, 48)), maintype="image", subtype="jpeg", filename=f"f{i}.jpg")
    mail_in(msg.as_bytes())
    ours = to_resident()[0].extra_headers["Message-ID"]
    mail_in(
        mime(
            f"Lokasinya di Jl. Kenanga, {ELSEWHERE}\nPrivasi: 3",
            message_id="<CAK3@mail.example.org>",
            subject="Re: Pohon tumbang",
            in_reply_to=ours,
        )
    )
    report = Report.objects.get()
    assert report.privacy == "anonymous" and report.photos.count() == 5
    last = to_resident()[-1].body
    assert report.number in last
    assert "2 foto" in last or "2 photo" in last, f"the Anonim reply does not say 2 photos were left out: {last!r}"
