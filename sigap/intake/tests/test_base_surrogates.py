"""A lone surrogate (a valid JSON escape such as ``\\ud800``, which no UTF-8 text can hold) in a channel's webhook is
taken as U+FFFD, once, like a NUL taken out (``channels.base.json_read``): a fuzzing review found it answered 500,
so the channel retried for days and the resident's message was never taken. A message id holding one is
refused 400, since no channel sends such an id."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    PHONE,
    fake,
    hex_sign,
    wa_payload,
    wa_sign,
    wa_text,
)

pytestmark = pytest.mark.django_db


def _client() -> Client:
    # the production path: an exception inside a view becomes the 500 a resident would see, not a test error
    return Client(raise_request_exception=False)


def _tg(text: str, update_id: int = 1001) -> bytes:
    msg = {
        "message_id": 5,
        "chat": {"id": 777, "type": "private"},
        "from": {"id": 777, "first_name": "Budi"},
        "date": 1764300000,
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": msg}).encode()  # "\ud800" is written as its escape


def _sms(text: str, mid: str = "s1") -> bytes:
    return json.dumps({"from": PHONE, "id": mid, "text": text}).encode()


WEBHOOKS = {
    # a lone surrogate (a valid JSON escape, "\ud800") in the text: inbox.py:73 encodes the payload to UTF-8
    "whatsapp_text": lambda: (
        "whatsapp",
        (b := wa_payload(wa_text("wamid.S1", "got mampet \ud800 di gang"))),
        wa_sign(b),
    ),
    # ... in the sender's profile name
    "whatsapp_name": lambda: (
        "whatsapp",
        (b := wa_payload(wa_text("wamid.S2", "got mampet"), name="Budi \udcff")),
        wa_sign(b),
    ),
    # ... in the message id: sigap/core/keys.py:17 encodes it for the key
    "whatsapp_message_id": lambda: ("whatsapp", (b := wa_payload(wa_text("wamid.\ud800", "got mampet"))), wa_sign(b)),
    "telegram_text": lambda: ("telegram", _tg("got \ud800 mampet"), {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}),
    "sms_json_text": lambda: ("sms", (b := _sms("got \ud800 mampet")), hex_sign("sms-secret", b, "X-Sigap-Signature")),
}


@pytest.mark.parametrize("case", list(WEBHOOKS))
def test_a_lone_surrogate_in_a_webhook_is_taken_once_or_refused_never_a_500(case, fake, settings):
    """A signed delivery whose JSON holds a lone surrogate escape answered 500 (UnicodeEncodeError): the channel
    retries it for days and the resident's message is never taken. Now its text is taken once, the character
    replaced; a message id holding one is refused 400 with nothing stored."""
    from sigap.intake.models import InboundMessage

    channel, body, headers = WEBHOOKS[case]()
    r = _client().post(
        f"/channels/{channel}/webhook",
        data=body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )
    stored = InboundMessage.objects.filter(channel=channel)
    if case == "whatsapp_message_id":
        assert r.status_code == 400 and r.json()["code"] == "malformed_webhook", r.content
        assert not stored.exists()
    else:
        assert r.status_code == 200, (r.status_code, r.content)
        assert stored.count() == 1 and "\ufffd" not in stored.get().message_id


def test_json_read_replaces_lone_surrogates_everywhere_and_keeps_pairs():
    from sigap.intake.channels.base import json_read

    body = b'{"a": "x\\ud800y", "\\udcffk": ["\\ud83d\\ude00", {"b": "\\udfff"}], "n": 1}'
    assert json_read("sms", body) == {"a": "x\ufffdy", "\ufffdk": ["\U0001f600", {"b": "\ufffd"}], "n": 1}


@pytest.mark.parametrize(
    "body",
    [b'{"text": "got \xed\xa0\x80 mampet"}', '{"text": "got \\ud800 mampet"}'.encode("utf-16-le")],
    ids=["raw-utf8-bytes", "utf-16-body"],
)
def test_a_surrogate_spelled_otherwise_than_as_an_escape_is_replaced_too(body):
    """``json.loads`` reads three raw bytes ED A0 80 as a surrogate ("surrogatepass") and detects a UTF-16 body on
    its own: the first fix looked for the escape only (found by a review)."""
    from sigap.intake.channels.base import json_read

    assert json_read("sms", body) == {"text": "got \ufffd mampet"}


def test_a_raw_surrogate_in_a_signed_sms_webhook_is_taken_once(fake):
    from sigap.intake.models import InboundMessage

    body = b'{"from": "' + PHONE.encode() + b'", "id": "s-raw-1", "text": "got \xed\xa0\x80 mampet"}'
    headers = hex_sign("sms-secret", body, "X-Sigap-Signature")
    r = _client().post(
        "/channels/sms/webhook",
        data=body,
        content_type="application/json",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )
    assert r.status_code == 200, r.content
    assert InboundMessage.objects.filter(channel="sms").count() == 1
