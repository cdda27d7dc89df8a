"""Who sends on each channel (``sigap.privacy.senders``): one sender per channel, replaced or removed by name, and
nothing for a channel no adapter registered. That every adapter registers itself is tested in
sigap/intake/tests/test_registry.py."""

from __future__ import annotations

import pytest

from sigap.privacy import senders


class Fake:
    idempotent = False

    def enabled(self) -> bool:
        return True

    def send(self, address: str, text: str, *, reply_context: str = "") -> str:
        return "id-1"


@pytest.fixture
def channel():
    name = "uji-kanal"
    yield name
    senders.sender_unregister(name)


def test_a_registered_sender_is_found_by_its_channel_and_replaced_by_the_next(channel):
    first, second = Fake(), Fake()
    assert senders.sender_get(channel) is None
    senders.sender_register(channel, first)
    assert senders.sender_get(channel) is first
    senders.sender_register(channel, second)
    assert senders.sender_get(channel) is second


def test_an_unregistered_channel_has_no_sender_and_unregistering_twice_is_harmless(channel):
    senders.sender_register(channel, Fake())
    senders.sender_unregister(channel)
    senders.sender_unregister(channel)
    assert senders.sender_get(channel) is None and channel not in senders.SENDERS
