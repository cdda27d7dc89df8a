"""Deliver outbox rows to reporters without exposing their address to anyone.

The address is resolved inside the vault at send time and never written anywhere else. Sending is
at-most-once per notification: the row is claimed (state PENDING/FAILED → sending) under a row lock
before the channel is called, and marked SENT after.
"""
from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sigap.reports.models import Notification

from . import vault

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _sender_for(channel: str):
    """The outbound sender of a channel, or None while that channel has no adapter installed."""
    if channel == "email":
        return lambda address, body, number: send_mail(
            subject=f"Sigap: laporan {number}", message=body, from_email=None, recipient_list=[address])
    return None


def notification_deliver(notification_id: int) -> str:
    with transaction.atomic():
        note = Notification.objects.select_for_update().select_related("report").filter(pk=notification_id).first()
        if note is None or note.state not in (Notification.State.PENDING, Notification.State.FAILED):
            return "skip"
        target = vault.contact_channel(note.report.reporter_ref)
        if target is None:
            note.state = Notification.State.SKIPPED
            note.save(update_fields=["state"])
            return "no-contact"
        sender = _sender_for(target[0])
        if sender is None:
            # No outbound adapter for this channel yet: the row stays pending (not lost) for a later flush.
            log.info("relay: notification %s waits for a %s adapter", note.pk, target[0])
            return "no-adapter"
        note.attempts += 1
        try:
            sender(target[1], note.body, note.report.number)
        except Exception as exc:  # noqa: BLE001
            note.state = Notification.State.DEAD if note.attempts >= MAX_ATTEMPTS else Notification.State.FAILED
            note.last_error = type(exc).__name__  # never the message: it might carry an address
            note.save(update_fields=["state", "attempts", "last_error"])
            log.warning("relay: notification %s failed (%s), attempt %s", note.pk, note.last_error, note.attempts)
            return "failed"
        note.state = Notification.State.SENT
        note.sent_at = timezone.now()
        note.save(update_fields=["state", "attempts", "sent_at"])
        return "sent"


def outbox_flush(limit: int = 500) -> dict[str, int]:
    counts: dict[str, int] = {}
    ids = list(Notification.objects.filter(state__in=[Notification.State.PENDING, Notification.State.FAILED])
               .values_list("pk", flat=True)[:limit])
    for pk in ids:
        result = notification_deliver(pk)
        counts[result] = counts.get(result, 0) + 1
    return counts
