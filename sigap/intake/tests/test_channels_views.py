"""The one webhook view every channel goes through (``sigap.intake.channels.views``): an unknown or unconfigured
channel is 404, only POST (and the channel's own GET handshake), a payload past ``SIGAP_WEBHOOK_MAX_BYTES`` is 413
before it is read, a refused signature is the adapter's error, and an accepted delivery answers with its counts
(a retried one stores nothing twice). What each adapter parses is tested in its own module (test_telegram.py, ...)."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from sigap.intake.channels.views import webhook_view
from sigap.intake.models import InboundMessage

pytestmark = pytest.mark.django_db
SECRET = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "tg-secret"}
URL = "/channels/telegram/webhook"


def update(uid: int) -> str:
    return json.dumps(
        {
            "update_id": uid,
            "message": {
                "message_id": uid,
                "date": 1764300000,
                "from": {"id": 777, "is_bot": False, "first_name": "Ani"},
                "chat": {"id": 777, "type": "private"},
                "text": "Got mampet di gang Mawar",
            },
        }
    )


def test_an_unknown_or_unconfigured_channel_is_not_found(client, fake, settings):
    response = client.post("/channels/merpati/webhook", data="{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "channel_disabled"
    settings.SIGAP_CHANNELS = {k: v for k, v in settings.SIGAP_CHANNELS.items() if k != "telegram"}
    assert client.post(URL, data=update(1), content_type="application/json", **SECRET).status_code == 404


def test_only_post_and_the_channels_own_handshake(client, fake):
    assert client.get(URL).status_code == 405  # Telegram has no GET handshake
    assert client.put(URL, data=update(1), content_type="application/json", **SECRET).status_code == 405
    handshake = client.get(
        "/channels/whatsapp/webhook", {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}
    )
    assert handshake.status_code == 200 and handshake.content == b"42"


def test_a_payload_past_the_limit_is_refused_before_it_is_read(client, fake, settings):
    settings.SIGAP_WEBHOOK_MAX_BYTES = 100
    response = client.post(URL, data=update(1), content_type="application/json", **SECRET)
    assert response.status_code == 413  # the request-limits middleware is first (sigap.core.limits)
    direct = webhook_view(
        RequestFactory().post(URL, data=update(1), content_type="application/json", **SECRET), "telegram"
    )
    assert direct.status_code == 413 and json.loads(direct.content)["code"] == "payload_too_large"  # and the view too
    assert not InboundMessage.objects.exists()


def test_a_refused_signature_stores_nothing(client, fake):
    wrong = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "salah"}
    assert client.post(URL, data=update(1), content_type="application/json", **wrong).status_code == 401
    assert not InboundMessage.objects.exists()


def test_an_accepted_delivery_answers_its_counts_and_a_retry_stores_nothing_twice(client, fake):
    first = client.post(URL, data=update(5), content_type="application/json", **SECRET)
    assert first.status_code == 200 and first.json() == {"ok": True, "accepted": 1, "received": 1}
    again = client.post(URL, data=update(5), content_type="application/json", **SECRET)
    assert again.json() == {"ok": True, "accepted": 0, "received": 1}
    assert InboundMessage.objects.filter(channel="telegram").count() == 1


# --- what no channel sends, refused before anything is stored (found by a fuzzing review: 500s, or a 200 for a
# message that then failed in the inbox five times and was never answered) -------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000  # nested past Python's recursion limit


def _sms(body: bytes) -> tuple[bytes, dict]:
    from .channel_helpers import hex_sign

    return body, hex_sign("sms-secret", body, "X-Sigap-Signature")


def _telegram_message(**fields) -> bytes:
    message = {"message_id": 1, "from": {"id": 7, "first_name": "A"}, "chat": {"id": 7}, **fields}
    return json.dumps({"update_id": 9, "message": message}).encode()


@pytest.mark.parametrize(
    "channel, body, headers",
    [
        ("telegram", DEEP, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}),
        ("sms", *_sms(DEEP)),
        ("whatsapp", DEEP, None),
        ("telegram", _telegram_message(text=12345), {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}),
        ("telegram", _telegram_message(text={"a": 1}), {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}),
        (
            "telegram",
            _telegram_message(text="x", location={"latitude": 10**400, "longitude": 106.9}),
            {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"},
        ),
        (
            "telegram",
            _telegram_message(text="x", location={"latitude": 95.0, "longitude": 106.9}),
            {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"},
        ),
        ("whatsapp", None, None),  # a text message whose body is a number
        *(
            ("sms", *_sms(json.dumps({"from": "+6281234567890", "id": f"m{i}", "text": "halo", **concat}).encode()))
            for i, concat in enumerate(
                [
                    {"concat_ref": "r1", "concat_part": None, "concat_total": 2},
                    {"concat_ref": "r1", "concat_part": [1], "concat_total": 2},
                    {"concat_ref": "r1", "concat_part": 10**30, "concat_total": 2},
                    {"concat_ref": "r1", "concat_part": 3, "concat_total": 2},
                    {"concat_ref": "r1", "concat_part": 0, "concat_total": 2},
                ]
            )
        ),
    ],
)
def test_a_delivery_no_channel_sends_is_a_400_and_stores_nothing(fake, deliver, channel, body, headers):
    from .channel_helpers import wa_payload, wa_sign

    if channel == "whatsapp":
        body = body or wa_payload({"id": "wamid.1", "from": "6281299887766", "type": "text", "text": {"body": 5}})
        headers = wa_sign(body)
    response = deliver(channel, body, headers)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_webhook"
    assert not InboundMessage.objects.exists()


def test_a_content_length_that_is_no_number_is_a_clear_400(client, fake):
    """``int(Content-Length)`` raised: a 500 (a review; a production server refuses such a request first)."""
    through = client.post(URL, data=update(1), content_type="application/json", CONTENT_LENGTH="abc", **SECRET)
    assert 400 <= through.status_code < 500
    direct = webhook_view(
        RequestFactory().post(URL, data=update(1), content_type="application/json", CONTENT_LENGTH="abc", **SECRET),
        "telegram",
    )
    assert direct.status_code == 400 and json.loads(direct.content)["code"] == "bad_content_length"
    assert not InboundMessage.objects.exists()
