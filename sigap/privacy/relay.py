"""Deliver outbox rows to reporters without exposing their address to anyone.

The address is resolved inside the vault at send time and never written anywhere else. Delivery is
at most once per notification: the row is claimed (PENDING/FAILED → SENDING) and that claim committed
before the channel is called; only then is it marked SENT. A worker that dies mid-send leaves the row
in SENDING; ``outbox_flush`` moves rows stuck there to UNKNOWN (for a human to check in the admin)
instead of sending them twice. Failures are retried with backoff, then land in DEAD (the dead-letter
list in the admin).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from sigap.reports.models import Notification

from . import vault

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=15)
# Messages after which the conversation's contact record is destroyed (anonymous filing, cancellation).
SHRED_RECIPIENT_AFTER = {"dialog:filed_anon", "dialog:cancelled"}


def _email_send(address: str, text: str, *, number: str, reply_context: str) -> str:
    headers = {"In-Reply-To": reply_context, "References": reply_context} if reply_context else {}
    subject = f"Sigap: laporan {number}" if number else "Sigap"
    message = EmailMessage(subject=subject, body=text, to=[address], headers=headers)
    message.send()
    return message.extra_headers.get("Message-ID", "")


def _send(channel: str, address: str, text: str, *, number: str, reply_context: str) -> str:
    from sigap.intake.channels.registry import ADAPTERS

    adapter = ADAPTERS.get(channel)
    if channel == "email":
        if adapter is None:
            return _email_send(address, text, number=number, reply_context=reply_context)
        # The email adapter gives our mails a Message-ID it recognises in replies and threads them to the
        # resident's own mail; it sends through Django's mail backend, so it needs no inbound configuration.
        return adapter.send(address, text, reply_context=reply_context, number=number)
    if adapter is None or not adapter.enabled():
        raise LookupError(channel)
    return adapter.send(address, text, reply_context=reply_context)


def _claim(notification_id: int) -> Notification | None:
    with transaction.atomic():
        note = (Notification.objects.select_for_update(of=("self",)).select_related("report")
                .filter(pk=notification_id).first())
        if note is None or note.state not in (Notification.State.PENDING, Notification.State.FAILED,
                                              Notification.State.HELD):
            return None
        note.state, note.claimed_at = Notification.State.SENDING, timezone.now()
        note.attempts += 1
        note.save(update_fields=["state", "claimed_at", "attempts"])
        return note


def _finish(note: Notification, **fields) -> None:
    for key, value in fields.items():
        setattr(note, key, value)
    note.save(update_fields=list(fields))


def notification_deliver(notification_id: int) -> str:
    note = _claim(notification_id)
    if note is None:
        return "skip"
    ref = note.recipient_ref or (note.report.reporter_ref if note.report_id else "")
    target = vault.contact_channel(ref)
    if target is None:
        _finish(note, state=Notification.State.SKIPPED)
        return "no-contact"
    channel, address = target
    number = note.report.number if note.report_id else ""
    try:
        remote_id = _send(channel, address, note.body, number=number, reply_context=note.reply_context)
    except LookupError:
        # No outbound adapter configured for this channel: the row is held (not lost) until it is.
        _finish(note, state=Notification.State.HELD, attempts=note.attempts - 1)
        log.debug("relay: notification %s waits for the %s channel to be configured", note.pk, channel)
        return "no-adapter"
    except Exception as exc:  # noqa: BLE001
        state = Notification.State.DEAD if note.attempts >= MAX_ATTEMPTS else Notification.State.FAILED
        _finish(note, state=state, last_error=type(exc).__name__)  # never the message: it may carry an address
        log.warning("relay: notification %s failed (%s), attempt %s", note.pk, type(exc).__name__, note.attempts)
        return "failed"
    _finish(note, state=Notification.State.SENT, sent_at=timezone.now(), remote_id=str(remote_id or "")[:200])
    if note.kind in SHRED_RECIPIENT_AFTER and note.recipient_ref:
        vault.identity_destroy(note.recipient_ref)
    return "sent"


def outbox_flush(limit: int = 500) -> dict[str, int]:
    counts: dict[str, int] = {}
    stuck = Notification.objects.filter(state=Notification.State.SENDING, claimed_at__lt=timezone.now() - STUCK_AFTER)
    counts["unknown"] = stuck.update(state=Notification.State.UNKNOWN)
    ids = list(Notification.objects.filter(state__in=[Notification.State.PENDING, Notification.State.FAILED])
               .order_by("pk").values_list("pk", flat=True)[:limit])
    # held rows (their channel had no adapter) are retried after everything else, so they never starve it
    ids += list(Notification.objects.filter(state=Notification.State.HELD)
                .order_by("pk").values_list("pk", flat=True)[:max(0, limit - len(ids))])
    for pk in ids:
        result = notification_deliver(pk)
        counts[result] = counts.get(result, 0) + 1
    return {k: v for k, v in counts.items() if v}
