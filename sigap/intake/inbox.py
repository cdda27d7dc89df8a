"""Inbound messages: stored encrypted and idempotently before the channel gets its 200, then processed.

A message the webhook acknowledged is in the database (``InboundMessage``, content in the vault) before
the answer leaves; processing happens after commit (a Celery task, or in-process in the embedded
default) and is retried by ``sigap inbox flush`` if it failed or the worker died.
"""

from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from sigap.core import dispatch
from sigap.core.keys import keyed_hexdigests
from sigap.privacy import vault

from .channels.base import Inbound
from .models import InboundMessage

log = logging.getLogger(__name__)
PROCESS_TASK = "sigap.intake.tasks.process_inbound"
MAX_ATTEMPTS = 5


def message_key(channel: str, message_id: str) -> str:
    """What is kept of a channel's message id: a hash keyed with a key derived from ``SECRET_KEY`` (not in the
    database). The ids can carry the sender: a WhatsApp id is base64 holding the other party's number, an email
    Message-ID names the sender's host. Kept as they came, a database dump or the admin gave a chat reporter's
    number back, linked to the report (Anonim ones too)."""
    return "k:" + salted_hmac("sigap-inbound", f"{channel}:{message_id}", algorithm="sha256").hexdigest()


def message_keys(channel: str, message_id: str) -> list[str]:
    """The keys a message may be stored under: under ``SECRET_KEY`` and under each of ``SECRET_KEY_FALLBACKS`` (a
    key being rotated), so a retried delivery, Meta's private reply and LAPOR!'s status lookup still find it."""
    return ["k:" + digest for digest in keyed_hexdigests("sigap-inbound", f"{channel}:{message_id}")]


def inbound_accept(channel: str, inbounds: list[Inbound]) -> list[int]:
    """Persist new messages (a retried webhook delivery is recognised by the key of the channel's message id)."""
    accepted: list[int] = []
    with transaction.atomic():
        for inbound in inbounds:
            keys = message_keys(channel, inbound.message_id)
            key = keys[0]
            if InboundMessage.objects.filter(channel=channel, message_id__in=keys).exists():
                continue
            try:
                with transaction.atomic():
                    ref = vault.blob_store(
                        json.dumps(inbound.as_dict(), ensure_ascii=False).encode(), content_type="application/json"
                    )
                    row = InboundMessage.objects.create(channel=channel, message_id=key, payload_ref=ref)
            except IntegrityError:  # the same message arrived concurrently
                continue
            accepted.append(row.pk)
        for pk in accepted:
            transaction.on_commit(lambda pk=pk: _schedule(pk))
    return accepted


def _schedule(pk: int) -> None:
    """After commit: a Celery task with a broker, else processed here; a failure stays for ``sigap inbox flush``."""
    dispatch.run_or_send(PROCESS_TASK, pk, local=inbound_process, what=f"inbox: message {pk}")


def inbound_process(pk: int) -> str:
    from .conversations import conversation_handle

    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.state in (InboundMessage.State.PROCESSED, InboundMessage.State.IGNORED):
            return "skip"
        row.attempts += 1
        try:
            with transaction.atomic():
                inbound = Inbound.from_dict(json.loads(vault.blob_read(row.payload_ref)))
                report = conversation_handle(inbound)
        except Exception as exc:  # noqa: BLE001
            row.state = InboundMessage.State.FAILED
            row.last_error = type(exc).__name__
            row.save(update_fields=["state", "attempts", "last_error"])
            log.warning("inbox: message %s failed (%s), attempt %s", pk, row.last_error, row.attempts)
            return "failed"
        row.state = InboundMessage.State.PROCESSED
        row.report = report
        row.save(update_fields=["state", "attempts", "report"])
        payload_shred(row.payload_ref)
    return "processed"


def payload_shred(ref: str) -> None:
    """A handled message as it came (the sender's number, profile name and words) is no longer needed: its data
    key goes. What the report needs is in the report (redacted) and in its own identity record, which retention
    shreds; a raw copy kept here outlived both and tied an Anonim report to its sender."""
    if ref:
        vault.blob_destroy(ref)


def inbox_flush(limit: int = 200) -> dict[str, int]:
    counts: dict[str, int] = {}
    ids = (
        InboundMessage.objects.filter(
            state__in=[InboundMessage.State.RECEIVED, InboundMessage.State.FAILED], attempts__lt=MAX_ATTEMPTS
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(ids):
        try:
            result = inbound_process(pk)
        except Exception:  # noqa: BLE001
            result = "failed"
        counts[result] = counts.get(result, 0) + 1
    return counts
