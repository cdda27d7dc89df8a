"""A message no channel sends, in a delivery with others: left out, the others kept (a fuzzing review found a
malformed page comment made Meta's whole delivery 503 for ever, and a resident's direct message beside it was
never taken; a malformed public post on X the same)."""

from __future__ import annotations

import json

import pytest

from sigap.intake.models import InboundMessage
from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    FB_SECRET,
    deliver,
    fb_comment,
    fb_message,
    hex_sign,
    remote,
    tw_payload,
    tw_sign,
    tweet,
)

pytestmark = pytest.mark.django_db


def _comment_without_text(post_id: str) -> dict:
    body = json.loads(fb_comment(post_id, "Lampu jalan mati di Pondok Bambu, Duren Sawit"))
    body["entry"][0]["changes"][0]["value"]["message"] = None
    return body


def test_a_page_comment_that_is_not_text_is_left_out_not_delivered_again_for_ever(deliver, remote):
    raw = json.dumps(_comment_without_text("555000_9101")).encode()
    r = deliver("facebook", raw, hex_sign(FB_SECRET, raw, "X-Hub-Signature-256"))
    assert r.status_code == 200 and r.json()["ignored"] == 1, r.content
    assert r.json()["accepted"] == 0  # nothing was stored (it counted the post left out)
    assert not InboundMessage.objects.filter(channel="facebook").exists()


def test_a_direct_message_beside_a_malformed_comment_in_one_delivery_is_taken_once(deliver, remote):
    message = json.loads(fb_message("m.fz2.1", text="Got mampet di Jl. Mawar, Pondok Bambu, Duren Sawit"))
    body = {"object": "page", "entry": _comment_without_text("555000_9102")["entry"] + message["entry"]}
    raw = json.dumps(body).encode()
    for _ in range(2):  # a redelivery changes nothing
        assert deliver("facebook", raw, hex_sign(FB_SECRET, raw, "X-Hub-Signature-256")).status_code == 200
    assert InboundMessage.objects.filter(channel="facebook").count() == 1


def test_a_mention_on_x_that_is_not_text_is_left_out(deliver, remote):
    t = tweet("1700000000000000101", "@DKIJakarta Lampu jalan mati di Pondok Bambu, Duren Sawit")
    t["text"] = None
    raw = tw_payload(t)
    r = deliver("twitter", raw, tw_sign(raw))
    assert r.status_code == 200, r.content
    assert not InboundMessage.objects.filter(channel="twitter").exists()


def test_a_delivery_of_nothing_but_malformed_messages_is_still_refused(deliver, remote):
    message = json.loads(fb_message("m.fz2.2", text="Got mampet"))
    message["entry"][0]["messaging"][0]["message"]["text"] = ["not", "text"]
    raw = json.dumps(message).encode()
    r = deliver("facebook", raw, hex_sign(FB_SECRET, raw, "X-Hub-Signature-256"))
    assert r.status_code == 400 and r.json()["code"] == "malformed_webhook", r.content


def test_a_malformed_direct_message_does_not_take_the_good_one_of_its_delivery_with_it(deliver, remote):
    """Refused whole (400), a delivery lost its good messages too: a channel does not deliver a 400 again."""
    bad = json.loads(fb_message("m.fz2.3", text="Got mampet"))
    bad["entry"][0]["messaging"][0]["message"]["text"] = ["not", "text"]
    good = json.loads(fb_message("m.fz2.4", text="Got mampet di Jl. Mawar, Pondok Bambu, Duren Sawit"))
    raw = json.dumps({"object": "page", "entry": bad["entry"] + good["entry"]}).encode()
    assert deliver("facebook", raw, hex_sign(FB_SECRET, raw, "X-Hub-Signature-256")).status_code == 200
    assert InboundMessage.objects.filter(channel="facebook").count() == 1


def test_a_good_public_post_beside_only_malformed_direct_messages_is_answered_200(deliver, remote):
    """The post is filed in the delivery's own handling; a 400 for the malformed direct messages told the channel
    the delivery was refused although its post was taken (a review)."""
    from sigap.reports.models import Report

    bad = json.loads(fb_message("m.fz2.5", text="Got mampet"))
    bad["entry"][0]["messaging"][0]["message"]["text"] = ["not", "text"]
    post = json.loads(fb_comment("555000_9103", "Lampu jalan mati di Jl. Mawar, Pondok Bambu, Duren Sawit"))
    raw = json.dumps({"object": "page", "entry": post["entry"] + bad["entry"]}).encode()
    r = deliver("facebook", raw, hex_sign(FB_SECRET, raw, "X-Hub-Signature-256"))
    assert r.status_code == 200, r.content
    assert r.json()["processed"] == 1
    assert InboundMessage.objects.filter(channel="facebook").count() == 1 and Report.objects.count() == 1
