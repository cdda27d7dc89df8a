"""Retention: a configurable time after a report closes, its reporter's identity and original photos are
crypto-shredded (their data keys destroyed). The report stays, de-identified. Idempotent; every
destruction is written to the access log."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sigap.reports.models import Photo, Report

from . import vault
from .access_log import Action, access_record
from .models import IdentityRecord, VaultBlob

log = logging.getLogger(__name__)


def retention_run(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    now = now or timezone.now()
    days = settings.SIGAP_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    live_refs = IdentityRecord.objects.filter(wrapped_key__isnull=False).values("ref")
    live_blobs = VaultBlob.objects.filter(wrapped_key__isnull=False).values("ref")
    conversations = apps.get_model("intake", "Conversation").objects
    due = (
        Report.objects.filter(closed_at__lte=cutoff)
        .filter(
            Q(reporter_ref__in=live_refs)
            | Q(photos__original_ref__in=live_blobs)
            # a chat or email dialog's own record of the sender (their number, name), an Anonim one's too
            | Q(pk__in=conversations.filter(identity_ref__in=live_refs).values("report_id"))
            # or its state (a chat dispute waiting for the resident's "ya"), also of reports retention passed before
            | Q(pk__in=conversations.filter(data_ref__in=live_blobs).values("report_id"))
        )
        .distinct()
    )
    counts = {"reports": 0, "identities": 0, "photos": 0}
    for report in due.iterator():
        with transaction.atomic():
            identities = int(vault.identity_destroy(report.reporter_ref)) if report.reporter_ref else 0
            dialogs = conversations.filter(report=report)
            for ref in dialogs.exclude(identity_ref="").values_list("identity_ref", flat=True):
                identities += int(vault.identity_destroy(ref))
            # and the dialog's own state: a filed dialog keeps none of the report's words, but a dispute sent by chat
            # waits there, as written, for the resident's "ya" (a last read of a review's fix)
            dialog_blobs = sum(
                int(vault.blob_destroy(ref)) for ref in dialogs.exclude(data_ref="").values_list("data_ref", flat=True)
            )
            dialogs.update(sender_hash="", data_ref="")  # nothing left to find the sender's dialogs by
            photos = sum(
                int(vault.blob_destroy(ref))
                for ref in Photo.objects.filter(report=report)
                .exclude(original_ref="")
                .values_list("original_ref", flat=True)
            )
            if identities or photos or dialog_blobs:
                access_record(
                    actor=None,
                    action=Action.KEY_DESTROY,
                    report_number=report.number,
                    identities=identities,
                    photos=photos,
                    dialogs=dialog_blobs,
                    reason=f"retention {days} days",
                )
                counts["reports"] += 1
                counts["identities"] += identities
                counts["photos"] += photos
    counts["messages"] = _unhandled_messages_shred(cutoff, live_blobs)
    counts["dialogs"] = _dialogs_without_report_forget(now)
    log.info("retention: %s (closed before %s)", counts, cutoff.isoformat())
    return counts


def _unhandled_messages_shred(cutoff: datetime, live_blobs) -> int:
    """An inbound message is shredded once handled; one that never was (failed for good, left for a person to look
    at) keeps the sender's words and number only until the retention period has passed since it arrived."""
    messages = apps.get_model("intake", "InboundMessage").objects
    stale = messages.filter(
        received_at__lt=cutoff, state__in=("received", "failed", "waiting"), payload_ref__in=live_blobs
    )
    shredded = 0
    for ref in list(stale.values_list("payload_ref", flat=True)[:10_000]):
        with transaction.atomic():
            shredded += int(vault.blob_destroy(ref))
    if shredded:
        access_record(actor=None, action=Action.KEY_DESTROY, messages=shredded, reason="unhandled inbound messages")
    return shredded


DIALOG_GRACE = timedelta(days=1)  # a dialog that ended without a report: its last reply has gone out by then


def _dialogs_without_report_forget(now: datetime) -> int:
    """A chat dialog that ended without a report (cancelled, or expired: its resident stopped answering) kept the
    sender's address and what they told until the same sender wrote again, which may be never. A day after it
    ended, its record of the sender, its text and its photos are destroyed. An email dialog is not touched while
    open: the email sweep files what it holds."""
    conversations = apps.get_model("intake", "Conversation")
    ended = conversations.objects.filter(report__isnull=True, updated_at__lt=now - DIALOG_GRACE).filter(
        Q(state__in=("cancelled", "expired")) | Q(state="open", expires_at__lt=now - DIALOG_GRACE) & ~Q(channel="email")
    )
    ended = ended.exclude(identity_ref="", data_ref="")
    forgotten = 0
    for conv in list(ended[:10_000]):
        with transaction.atomic():
            plain = vault.blob_read(conv.data_ref) if conv.data_ref else None
            for photo in json.loads(plain).get("photos", ()) if plain else ():
                vault.blob_destroy(photo["ref"])
            if conv.data_ref:
                vault.blob_destroy(conv.data_ref)
            if conv.identity_ref:
                vault.identity_destroy(conv.identity_ref)
            state = "expired" if conv.state == "open" else conv.state
            conversations.objects.filter(pk=conv.pk).update(
                state=state, data_ref="", identity_ref="", sender_hash="", updated_at=now
            )
            forgotten += 1
    if forgotten:
        access_record(
            actor=None, action=Action.KEY_DESTROY, dialogs=forgotten, reason="dialogs that ended without a report"
        )
    return forgotten
