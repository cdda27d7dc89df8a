"""The access log: append-only and hash-chained. Does not import the vault (officer code calls it).

``access_record`` appends one row inside the caller's transaction, serialized on the chain head row.
``access_verify`` walks the chain and names the first row that was edited, inserted or deleted.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import AccessEvent, ChainHead

GENESIS = "0" * 64


class Action:
    VIEW_REPORT = "view_report"
    VIEW_PHOTO = "view_photo"
    LIST_REPORTS = "list_reports"
    EXPORT = "export"
    REVEAL_REQUEST = "reveal_request"
    REVEAL_APPROVE = "reveal_approve"
    REVEAL_REJECT = "reveal_reject"
    REVEAL_SHOW = "reveal_show"
    KEY_DESTROY = "key_destroy"
    AUDIT_QUERY = "audit_query"


def _digest(*, prev_hash: str, seq: int, created_at: datetime, actor_id: int | None, actor_username: str, action: str,
            report_number: str, detail: dict) -> str:
    body = json.dumps({
        "seq": seq, "at": created_at.isoformat(timespec="microseconds"), "actor_id": actor_id,
        "actor": actor_username, "action": action, "report": report_number, "detail": detail,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def access_record(*, actor, action: str, report_number: str = "", **detail) -> AccessEvent:
    """Append one row. Call inside the request; it joins the caller's transaction if there is one."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        now = timezone.now()
        username = user.get_username() if user else ""
        digest = _digest(prev_hash=head.hash, seq=seq, created_at=now, actor_id=user.pk if user else None,
                         actor_username=username, action=action, report_number=report_number, detail=detail)
        event = AccessEvent.objects.create(seq=seq, created_at=now, actor=user, actor_username=username, action=action,
                                           report_number=report_number, detail=detail, prev_hash=head.hash, hash=digest)
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    problem: str = ""
    seq: int | None = None


def access_verify() -> VerifyResult:
    """Recompute the chain; report the first edited, inserted or deleted row."""
    prev_hash, expected_seq, rows = GENESIS, 1, 0
    for event in AccessEvent.objects.order_by("seq").iterator(chunk_size=2000):
        rows += 1
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                return VerifyResult(False, rows, f"row(s) {expected_seq}..{event.seq - 1} deleted before row {event.seq}", expected_seq)
            return VerifyResult(False, rows, f"row {event.seq} inserted out of sequence", event.seq)
        recomputed = _digest(prev_hash=event.prev_hash, seq=event.seq, created_at=event.created_at,
                             actor_id=event.actor_id, actor_username=event.actor_username, action=event.action,
                             report_number=event.report_number, detail=event.detail)
        if recomputed != event.hash:
            return VerifyResult(False, rows, f"row {event.seq} edited (its hash does not match its contents)", event.seq)
        if event.prev_hash != prev_hash:
            return VerifyResult(False, rows, f"row {event.seq} inserted or the row before it deleted (chain link broken)", event.seq)
        prev_hash, expected_seq = event.hash, expected_seq + 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        return VerifyResult(False, rows, f"row(s) after {expected_seq - 1} deleted (the chain head records {head.seq})",
                            expected_seq)
    return VerifyResult(True, rows)
