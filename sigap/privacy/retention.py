"""Retention: a configurable time after a report closes, its reporter's identity and original photos are
crypto-shredded (their data keys destroyed). The report stays, de-identified. Idempotent; every
destruction is written to the access log.

A report retention has passed since it closed is marked (``Report.retained_at``; a later closure clears it), so a
run reads only the reports closed before the cutoff that it has not passed (partial index ``report_retention_due``):
a day's closures, whatever the years kept. It read every report closed before the cutoff, joined to its photos, on
every run: 4.5 s at a million reports, growing each year. The first run on an older installation passes the backlog
once."""

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
MARK_BATCH = 5000


def due_reports(cutoff: datetime):
    """Reports closed at or before ``cutoff`` that retention has not passed since they closed."""
    return Report.objects.filter(closed_at__isnull=False, retained_at__isnull=True, closed_at__lte=cutoff)


def retention_run(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    now = now or timezone.now()
    days = settings.SIGAP_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    live_refs = IdentityRecord.objects.filter(wrapped_key__isnull=False).values("ref")
    live_blobs = VaultBlob.objects.filter(wrapped_key__isnull=False).values("ref")
    conversations = apps.get_model("intake", "Conversation").objects
    due = due_reports(cutoff)
    holding = due.filter(
        Q(reporter_ref__in=live_refs)
        | Q(pk__in=Photo.objects.filter(original_ref__in=live_blobs).values("report_id"))
        # a chat or email dialog's own record of the sender (their number, name), an Anonim one's too
        | Q(pk__in=conversations.filter(identity_ref__in=live_refs).values("report_id"))
        # or its state (a chat dispute waiting for the resident's "ya"), also of reports retention passed before
        | Q(pk__in=conversations.filter(data_ref__in=live_blobs).values("report_id"))
    )
    counts = {"reports": 0, "identities": 0, "photos": 0}
    for pk in list(holding.order_by("closed_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            # locked and read again: reopened (and maybe closed again) since the list was read, it is not this
            # period's to pass (a review: its new closure was marked as passed and never read again)
            report = due.select_for_update().only("pk", "number", "reporter_ref").filter(pk=pk).first()
            if report is None:
                continue
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
            due.filter(pk=report.pk).update(retained_at=now)  # still closed before the cutoff, and not passed
    # the rest held nothing in the vault (an Anonim report without photos, or one passed before this mark existed):
    # marked in batches (an older installation's first run marks its whole backlog: short transactions, not one
    # of minutes), still only if nothing of theirs is live now
    bare = due.exclude(pk__in=holding.values("pk"))
    while ids := list(bare.order_by().values_list("pk", flat=True)[:MARK_BATCH]):
        due.filter(pk__in=ids).update(retained_at=now)
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
