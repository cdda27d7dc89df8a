"""Inbound messages: stored encrypted and idempotently before the channel gets its 200, then processed.

A message the webhook acknowledged is in the database (``InboundMessage``, content in the vault) before
the answer leaves; processing happens after commit (a Celery task, or in-process in the embedded
default) and is retried by ``sigap inbox flush`` if it failed or the worker died.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sigap.core import dispatch
from sigap.core.errors import DomainError
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


def parts_key(channel: str, inbound: Inbound) -> str:
    """What ties the parts of one long message together (the network's reference is per sender): keyed, as the
    message ids are, so the row names neither the sender nor the reference."""
    concat = inbound.extra.get("concat")
    if not concat:
        return ""
    return (
        "k:"
        + salted_hmac("sigap-inbound-parts", f"{channel}:{inbound.sender}:{concat[0]}", algorithm="sha256").hexdigest()
    )


def inbound_accept(channel: str, inbounds: list[Inbound], *, others_taken: bool = False) -> list[int]:
    """Persist new messages (a retried webhook delivery is recognised by the key of the channel's message id).
    A message no channel sends (``Inbound.check``) is left out, and the others of its delivery are stored; a
    delivery of nothing else is refused, 400, with nothing stored (refused whole, the good messages of a mixed
    delivery were lost, since a channel does not deliver a 400 again) -- unless ``others_taken``: the delivery's
    public posts were taken by its own handling (a 400 then told the channel a delivery it had taken was refused)."""
    valid, refusal = [], None
    for inbound in inbounds:
        try:
            inbound.check()
        except DomainError as exc:
            if exc.status >= 500:
                raise
            refusal = exc
            log.warning("%s: a message of a delivery left out as malformed (%s)", channel, exc.code)
            continue
        valid.append(inbound)
    if refusal is not None and not valid and not others_taken:
        raise refusal
    inbounds = valid
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
                    concat = inbound.extra.get("concat") or ["", 0, 0]
                    row = InboundMessage.objects.create(
                        channel=channel,
                        message_id=key,
                        payload_ref=ref,
                        parts_key=parts_key(channel, inbound),
                        part=int(concat[1]),
                    )
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
    """Handle one stored message. A part of a long message waits (``WAITING``) until every part has come, or
    until ``SIGAP_SMS_PARTS_WAIT_MINUTES`` after its first part if one never does; then the parts are handled
    together as one message, whichever of them is processed last (an answer to an officer's question, a reply
    to "is it fixed?" or a new report is told once, whole)."""
    from .conversations import conversation_handle

    with transaction.atomic():
        rows = _rows_locked(pk)
        row = next((r for r in rows if r.pk == pk), None)
        if row is None or row.state in DONE:
            return "skip"
        try:
            inbound = _payload(row)
        except Exception as exc:  # noqa: BLE001 - an unreadable payload counts as an attempt
            row.attempts += 1
            return _failed(row, exc)
        pending = [row]
        if row.parts_key:
            group = _parts_group(row, rows)
            if any(r.state in DONE and r.part == row.part for r in group):
                # a part the network delivered again after its message was told: told once is enough
                row.state = InboundMessage.State.IGNORED
                row.save(update_fields=["state"])
                payload_shred(row.payload_ref)
                return "skip"
            pending, inbound, complete = _parts_joined(row, group, inbound)
            if not complete:
                row.state = InboundMessage.State.WAITING
                row.save(update_fields=["state"])
                return "waiting"
        row.attempts += 1
        try:
            with transaction.atomic():
                report = conversation_handle(
                    inbound,
                    last_attempt=row.attempts >= MAX_ATTEMPTS,
                    received_at=min(r.received_at for r in pending),
                )
        except Exception as exc:  # noqa: BLE001
            return _failed(row, exc)
        for r in pending:
            r.state, r.report = InboundMessage.State.PROCESSED, report
            r.save(update_fields=["state", "attempts", "report"])
            payload_shred(r.payload_ref)
    return "processed"


DONE = (InboundMessage.State.PROCESSED, InboundMessage.State.IGNORED)


def _payload(row: InboundMessage) -> Inbound:
    return Inbound.from_dict(json.loads(vault.blob_read(row.payload_ref)))


def _rows_locked(pk: int) -> list[InboundMessage]:
    """The message's row, or every row of its long message, locked in one order (two parts processed at once
    wait for each other instead of each seeing only itself)."""
    parts = InboundMessage.objects.filter(pk=pk).values_list("channel", "parts_key").first()
    if parts is None:
        return []
    if not parts[1]:
        return list(InboundMessage.objects.select_for_update().filter(pk=pk))
    return list(InboundMessage.objects.select_for_update().filter(channel=parts[0], parts_key=parts[1]).order_by("pk"))


def _parts_wait() -> timedelta:
    """How long the parts of a long message wait for each other (and how far apart they may have come)."""
    return timedelta(minutes=settings.SIGAP_SMS_PARTS_WAIT_MINUTES)


def _parts_group(row: InboundMessage, rows: list[InboundMessage]) -> list[InboundMessage]:
    """The other rows of the same long message: same sender and reference, arrived within the parts' wait of this
    one (the network's reference is 8 or 16 bits and comes round again: an older message's part is not one)."""
    return [r for r in rows if r.pk != row.pk and abs(r.received_at - row.received_at) <= _parts_wait()]


def _parts_joined(
    row: InboundMessage, group: list[InboundMessage], inbound: Inbound
) -> tuple[list[InboundMessage], Inbound, bool]:
    """The rows told together, the long message from the parts that have come (the first copy of each part
    number, in order), and whether it is whole or has waited long enough. A sibling whose payload cannot be read
    is left out (it fails on its own, and counts its attempts): it does not hold the others."""
    from .channels.registry import ADAPTERS

    pending, by_part = [row], {row.part: inbound}
    for sibling in group:
        if sibling.state in DONE:
            continue
        try:
            told = _payload(sibling)
        except Exception as exc:  # noqa: BLE001
            sibling.attempts += 1
            _failed(sibling, exc)
            continue
        pending.append(sibling)
        by_part.setdefault(sibling.part, told)
    total = int(inbound.extra["concat"][2])
    waited = min(r.received_at for r in pending) <= timezone.now() - _parts_wait()
    ordered = [by_part[n] for n in sorted(by_part)]
    return pending, ADAPTERS[row.channel].parts_join(ordered), len(by_part) >= total or waited


def _failed(row: InboundMessage, exc: Exception) -> str:
    row.state = InboundMessage.State.FAILED
    row.last_error = type(exc).__name__
    row.save(update_fields=["state", "attempts", "last_error"])
    log.warning("inbox: message %s failed (%s), attempt %s", row.pk, row.last_error, row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        _given_up(row)
    return "failed"


NOT_PROCESSED = (
    "Maaf, pesan Anda belum dapat kami proses karena gangguan di sistem kami. Petugas kami sudah diberi tahu; "
    "silakan kirim ulang laporan Anda nanti.",
    "Sorry, we could not process your message because of a fault on our side. Our staff have been told; please "
    "send your report again later.",
)


def _given_up(row: InboundMessage) -> None:
    """The last attempt failed: nothing more happens by itself. The admins are told (which message, not a word of
    it: ``sigap inbox retry`` takes it up once the fault is mended), and its sender is asked to send it again; left
    silent, their last reply was a question they had answered (found by a review)."""
    from sigap.organization.notices import notify_admins
    from sigap.reports import outbox
    from sigap.reports.models import Notification

    from .channels.registry import ADAPTERS

    notify_admins(
        kind="inbox_failed",
        body=(
            f"Pesan masuk {row.channel} #{row.pk} tidak dapat diproses setelah {row.attempts} kali percobaan "
            f"({row.last_error}); pengirimnya diminta mengirim ulang. Setelah penyebabnya diperbaiki: "
            f"sigap inbox retry {row.pk}."
        ),
        body_en=(
            f"Inbound {row.channel} message #{row.pk} could not be processed after {row.attempts} attempts "
            f"({row.last_error}); its sender was asked to send it again. Once the cause is mended: "
            f"sigap inbox retry {row.pk}."
        ),
    )
    adapter = ADAPTERS.get(row.channel)
    try:
        inbound = _payload(row)
    except Exception:  # noqa: BLE001 - unreadable: no address to answer
        return
    if adapter is None or inbound.public or not inbound.sender:
        return  # a public post is answered in public only, and never with this
    identity = {"channel": row.channel, adapter.address_field: inbound.sender}
    note = Notification.objects.create(
        report=None,
        recipient_ref=vault.identity_store(payload=identity),
        kind="dialog:not_processed",
        body=NOT_PROCESSED[1] if inbound.language == "en" else NOT_PROCESSED[0],
        body_en=NOT_PROCESSED[1],
    )
    transaction.on_commit(lambda: outbox.enqueue(note.pk))


def inbox_retry(pk: int) -> str:
    """A message given up after its last attempt, taken up again by a person (``sigap inbox retry``)."""
    updated = InboundMessage.objects.filter(pk=pk, state=InboundMessage.State.FAILED).update(attempts=MAX_ATTEMPTS - 1)
    return inbound_process(pk) if updated else "skip"


def payload_shred(ref: str) -> None:
    """A handled message as it came (the sender's number, profile name and words) is no longer needed: its data
    key goes. What the report needs is in the report (redacted) and in its own identity record, which retention
    shreds; a raw copy kept here outlived both and tied an Anonim report to its sender."""
    if ref:
        vault.blob_destroy(ref)


def inbox_flush(limit: int = 200) -> dict[str, int]:
    counts: dict[str, int] = {}
    waited = timezone.now() - _parts_wait()
    ids = (
        InboundMessage.objects.filter(
            Q(state__in=[InboundMessage.State.RECEIVED, InboundMessage.State.FAILED])
            | Q(state=InboundMessage.State.WAITING, received_at__lte=waited),
            attempts__lt=MAX_ATTEMPTS,
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
