"""Twitter/X end to end: the CRC challenge, signatures, public mentions moved into private cases, DMs."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from sigap.intake.models import InboundMessage
from sigap.intake.tests.channel_helpers import (
    CITY_TW,
    ELSEWHERE,
    TW_SECRET,
    dm,
    dms_to,
    public_replies,
    statuses,
    tw_payload,
    tw_sign,
    tweet,
)
from sigap.reports.models import Notification, Report

# the public answer under a post names no report number: officers see the number, and the answer under the
# post would tie it to the post's author (found by a review)
PUBLIC_ACK_TEXT = (
    "Terima kasih, laporan Anda sudah kami terima. Nomor laporan dan kode lacaknya kami kirim lewat pesan langsung."
)
pytestmark = pytest.mark.django_db


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


def test_a_public_mention_becomes_a_private_report_answered_publicly_without_its_number(deliver, remote):
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
    assert report.unit.code == "triase" and report.photos.count() == 1
    assert "@DKIJakarta" not in report.description
    [public] = public_replies(remote)
    assert public == {
        "text": PUBLIC_ACK_TEXT,
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
            f"@warga_canaryq {PUBLIC_ACK_TEXT}",
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
    assert report.kelurahan.name == "Pondok Bambu"
    selesai(report)
    outbox_flush()
    assert statuses(dms_to(remote), report.number) == ["Proses", "Menunggu Validasi", "Selesai"]
    assert len(dms_to(remote)) == 4
    [public] = public_replies(remote)  # still the one public answer, and nothing of the case in it
    text = public["text"]
    assert text == PUBLIC_ACK_TEXT
    for secret in ("mampet", "Pondok Bambu", report.unit.name, "Kode lacak", "Selesai"):
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
    assert report.channel == "twitter" and report.kelurahan.name == "Pondok Bambu"
    replies = dms_to(remote)
    assert len(replies) == 3 and report.number in replies[-1]
    assert public_replies(remote) == []
