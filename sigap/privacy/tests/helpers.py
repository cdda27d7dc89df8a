"""Helpers for the privacy tests."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from sigap.privacy import access_log
from sigap.privacy.access_log import Action, AuditKey, access_record, generate_audit_key
from sigap.privacy.models import AccessEvent


def as_database_owner(sql: str, params=()) -> None:
    """Run SQL as a database owner would: straight to the tables, past the PostgreSQL append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


# A legal basis the reveal flow accepts (long enough, names the request and the law).
BASIS = "Permintaan penyidik Polda Metro Jaya No. B/123/XI/2026 berdasarkan KUHAP pasal 7"


def new_audit_key() -> AuditKey:
    return AuditKey.parse(generate_audit_key())


def use_audit_keys(settings, current: AuditKey, *old: AuditKey):
    """The deployment's configuration: SIGAP_AUDIT_KEY and SIGAP_AUDIT_OLD_KEYS (oldest first)."""
    settings.SIGAP_AUDIT_KEY = current.text
    settings.SIGAP_AUDIT_OLD_KEYS = [k.text for k in old]


def chain_forge(key: AuditKey, seq: int, action: str, detail: dict, report: str = "", *, mac=None) -> AccessEvent:
    """Append a row the way the chain writes it, keyed with ``key`` (what a holder of that key can compute)."""
    prev = AccessEvent.objects.get(seq=seq - 1).hash
    now = timezone.now()
    body = access_log._body(
        seq=seq, created_at=now, actor_id=None, actor_username="", action=action, report_number=report, detail=detail
    )
    digest = (mac or access_log.keyed_digest)(key, prev, body)
    return AccessEvent.objects.create(
        seq=seq,
        created_at=now,
        actor=None,
        actor_username="",
        action=action,
        report_number=report,
        detail=detail,
        prev_hash=prev,
        hash=digest,
    )


def chain_cut_from(seq: int):
    as_database_owner("DELETE FROM privacy_accessevent WHERE seq >= %s", (seq,))


def chain_move_head(event: AccessEvent, key: AuditKey):
    as_database_owner(
        "UPDATE privacy_chainhead SET seq = %s, hash = %s, key_id = %s WHERE id = 1",
        (event.seq, event.hash, key.key_id),
    )


def chain_look(user, n: int, prefix: str = "JK20261128"):
    for i in range(n):
        access_record(actor=user, action=Action.VIEW_REPORT, report_number=f"{prefix}{i:04d}")
