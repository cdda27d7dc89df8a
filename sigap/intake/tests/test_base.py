"""What every channel adapter shares (``sigap.intake.channels.base``): one inbound message shape without NUL
characters that survives the vault round trip, an adapter enabled only when its settings are all there, signature
checks that refuse rather than raise, Meta's handshake and the default dialog text. Each adapter's own parsing is
tested in its test module (test_whatsapp.py, test_telegram.py, ...)."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from sigap.intake.channels.base import Adapter, Inbound, WebhookRefused, hmac_hex, malformed


class Pigeon(Adapter):
    name = "merpati"
    required = ("token", "secret")


def test_an_inbound_message_loses_its_nul_characters_and_survives_the_vault_round_trip():
    inbound = Inbound(
        channel="sms", message_id="m\x001", sender="0812\x00", text="Got\x00 mampet", location=(-6.23, 106.9)
    )
    assert (inbound.message_id, inbound.sender, inbound.text) == ("m1", "0812", "Got mampet")
    stored = json.loads(json.dumps(inbound.as_dict()))  # what the inbox writes to the vault
    assert stored["location"] == [-6.23, 106.9]
    assert Inbound.from_dict(stored) == inbound and Inbound.from_dict(stored).location == (-6.23, 106.9)


def test_an_adapter_is_enabled_only_when_every_required_setting_is_set(settings):
    settings.SIGAP_CHANNELS = {"merpati": {"token": "t"}}
    assert not Pigeon().enabled()
    settings.SIGAP_CHANNELS = {"merpati": {"token": "t", "secret": ""}}
    assert not Pigeon().enabled()
    settings.SIGAP_CHANNELS = {"merpati": {"token": "t", "secret": "s"}}
    assert Pigeon().enabled() and Pigeon().config == {"token": "t", "secret": "s"}


@pytest.mark.parametrize("got", ["", "salah", "rahasia-lain", "r\u00e4hasia"])
def test_a_signature_other_than_the_expected_one_is_a_401(got):
    request = RequestFactory().post("/x", headers={"X-Signature": got} if got else {})
    with pytest.raises(WebhookRefused) as refused:
        Pigeon().signature_check(request, "X-Signature", "rahasia")
    assert (refused.value.status, refused.value.code) == (401, "bad_signature")
    Pigeon().signature_check(RequestFactory().post("/x", headers={"X-Signature": "rahasia"}), "X-Signature", "rahasia")


def test_meta_handshake_echoes_the_challenge_only_for_the_right_token(settings):
    settings.SIGAP_CHANNELS = {"merpati": {"verify_token": "verify-me"}}
    ok = Pigeon().hub_challenge(
        RequestFactory().get("/x", {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "7"})
    )
    assert ok.status_code == 200 and ok.content == b"7"
    wrong = Pigeon().hub_challenge(
        RequestFactory().get("/x", {"hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "7"})
    )
    assert wrong.status_code == 403


def test_small_shared_pieces():
    assert hmac_hex("s", b"body") == "42b8bcd495dedaa647a9447f9bf55ad006326c2ab94ab26360ac9935a4340f95"  # HMAC-SHA256
    err = malformed("merpati", "no message")
    assert (err.status, err.code) == (400, "malformed_webhook") and "no message" in err.message_en
    assert Pigeon().handshake(RequestFactory().get("/x")) is None
    assert Pigeon().dialog_text(Inbound(channel="merpati", message_id="1", sender="a", text="  halo "), {}) == "halo"


def test_a_stored_message_from_another_release_is_read():
    """A message queued by the release after this one (a rolling upgrade) carries a field this one does not
    know: it is read without it rather than failing every retry; one stored before a field existed gets its
    default."""
    from sigap.intake.channels.base import Inbound

    newer = Inbound.from_dict({"channel": "telegram", "message_id": "1", "sender": "7", "text": "x", "mood": "?"})
    assert newer.text == "x" and not hasattr(newer, "mood")
    older = Inbound.from_dict({"channel": "telegram", "message_id": "2", "sender": "7", "location": [-6.2, 106.8]})
    assert older.sender_handle == "" and older.location == (-6.2, 106.8)
