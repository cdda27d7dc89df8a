"""Who sends on each channel: the relay's whole knowledge of channels.

The relay (``relay.py``) delivers a notification by asking this registry for the sender of the recipient's
channel; it never imports the channels themselves, which live above it (``sigap.intake.channels``). The
channel registry registers every adapter here when the intake app is ready (``IntakeConfig.ready``).

A sender is any object with ``enabled()`` (configured?), ``idempotent`` (``send`` takes ``idempotency_key`` and
the far end drops a repeat) and ``send(address, text, *, reply_context="")``; the email sender also takes
``number`` (the report's number, for the subject and threading). A sender that reads the database to send may
offer ``prefetch(rows)`` (``rows``: ``(notification_id, reply_context, number)`` per send of a batch): the relay
calls it once per batch, before the sends, and passes each row's answer (a dict) to ``send`` as extra keyword
arguments, so the send threads open no database connection (the email sender reads the dialog each mail threads to
this way, LAPOR! the status each notification announces).
"""

from __future__ import annotations

from typing import Protocol


class Sender(Protocol):
    idempotent: bool

    def enabled(self) -> bool: ...

    def send(self, address: str, text: str, *, reply_context: str = "") -> str: ...


SENDERS: dict[str, Sender] = {}


def sender_register(channel: str, sender: Sender) -> None:
    SENDERS[channel] = sender


def sender_unregister(channel: str) -> None:
    SENDERS.pop(channel, None)


def sender_get(channel: str) -> Sender | None:
    return SENDERS.get(channel)
