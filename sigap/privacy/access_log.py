"""The access log: append-only, hash-chained with a key that is not in the database, and pinned by signed
checkpoints kept outside it. Does not import the vault (officer code calls it).

``access_record`` appends one row inside the caller's transaction, serialized on the chain head row.
``access_verify`` walks the chain and names the first row that was edited, inserted or deleted, and checks
that every checkpoint it is given is still a prefix of the chain.

Each row's hash is HMAC-SHA256 over its content and the previous row's hash, keyed with the **audit key**
(``SIGAP_AUDIT_KEY``, or the file ``SIGAP_AUDIT_KEY_FILE`` created on first use in the embedded default).
Whoever can write to the database but does not hold the key cannot recompute the chain after an edit.
Someone who holds the key *and* can write to the database could; the checkpoints catch that for every row
up to the last checkpoint: ``access_checkpoint`` signs (Ed25519, with a key derived from the audit key) the
sequence number and hash of the last row; auditors keep these files, and a rewrite of any row before a
checkpoint, or a truncation past it, no longer matches.

Logs written before the chain was keyed (plain SHA-256) are anchored, not rewritten: the first keyed row
(action ``chain_keyed``) carries the plain chain's last hash in its keyed hash, so the old rows can no
longer be changed either. A key rotation appends a ``chain_rekeyed`` row; rows before it are verified with
the previous key (``SIGAP_AUDIT_OLD_KEYS``).

A rotation is usually done because a key leaked, so the retired key must not be able to take the log back:
a ``chain_rekeyed`` row names the key it leaves (``old_key_id``, which must be the key in force) and the key
it switches to, and its hash is keyed with both (``handover_digest``), so neither key alone can write one.
Keys follow one fixed order, ``SIGAP_AUDIT_OLD_KEYS`` oldest first and then ``SIGAP_AUDIT_KEY``: every switch
goes forward in it, so a key switched away from is never accepted again. A process that does not hold the
key the log continues with (still running with the retired key) refuses to write instead of switching back.
What a retired key can still do is cut the log back to before the switch and continue under itself; so the
switch is pinned by a checkpoint written into ``SIGAP_AUDIT_CHECKPOINT_DIR`` as soon as it is committed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.core.files import write_secret_file

from .models import AccessEvent, ChainHead

log = logging.getLogger(__name__)

GENESIS = "0" * 64
ALG = "hmac-sha256"
CHECKPOINT_FORMAT = "sigap-access-log-checkpoint/1"


class Action:
    VIEW_REPORT = "view_report"
    VIEW_PHOTO = "view_photo"
    LIST_REPORTS = "list_reports"
    EXPORT = "export"
    REVEAL_REQUEST = "reveal_request"
    REVEAL_APPROVE = "reveal_approve"
    REVEAL_REJECT = "reveal_reject"
    REVEAL_SHOW = "reveal_show"
    REVEAL_LIST = "reveal_list"
    # a reveal step refused to a privacy officer barred from the report (a complaint about their unit); detail: step
    REVEAL_REFUSED = "reveal_refused"
    KEY_DESTROY = "key_destroy"
    AUDIT_QUERY = "audit_query"
    NOTICE_LIST = "notice_list"  # a privacy officer read their notices (which name reports and reveal steps)
    CHAIN_KEYED = "chain_keyed"  # the log switched from the plain SHA-256 chain to the keyed chain
    CHAIN_REKEYED = "chain_rekeyed"  # the audit key was rotated
    CHAIN_VERIFIED = "chain_verified"  # a verification run: the rows it verified, where the next run starts
    CHAIN_BROKEN = "chain_broken"  # a verification run found the log tampered with: what, at which row


MARKERS = (Action.CHAIN_KEYED, Action.CHAIN_REKEYED)


# --- the audit key ------------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key32(text: str, what: str) -> bytes:
    """A 32-byte key written in urlsafe base64 (the audit key, a checkpoint's public key)."""
    try:
        raw = _unb64(text)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError(f"{what} must be 32 bytes (urlsafe base64)")
    return raw


def generate_audit_key() -> str:
    return _b64(os.urandom(32))


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sigap-access-log/" + label).derive(secret)


@dataclass(frozen=True)
class AuditKey:
    """One audit key: the chain's HMAC key and the checkpoints' Ed25519 key are both derived from it."""

    text: str
    secret: bytes = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> AuditKey:
        return cls(text.strip(), _key32(text, "audit key"))

    @cached_property
    def chain_key(self) -> bytes:
        return _derive(self.secret, b"chain")

    @cached_property
    def signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(_derive(self.secret, b"checkpoint"))

    @cached_property
    def public_key(self) -> bytes:
        return self.signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        """A fingerprint of the checkpoint public key; stored in marker rows and checkpoints."""
        return hashlib.sha256(self.public_key).hexdigest()[:16]


_parsed: dict[tuple, AuditKey] = {}


def audit_key() -> AuditKey:
    """The current audit key: ``SIGAP_AUDIT_KEY``, else the key file (created on first use)."""
    if settings.SIGAP_AUDIT_KEY:
        source, text = ("setting", settings.SIGAP_AUDIT_KEY), settings.SIGAP_AUDIT_KEY
    else:
        path = Path(settings.SIGAP_AUDIT_KEY_FILE)
        try:
            st = path.stat()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_secret_file(path, generate_audit_key())
            log.warning("access log: created an audit key file (embedded default); keep it out of database backups")
            st = path.stat()
        source = ("file", str(path), st.st_mtime_ns, st.st_size, st.st_ino)
        if source in _parsed:
            return _parsed[source]
        text = path.read_text()
    key = _parsed.get(source)
    if key is None:
        key = AuditKey.parse(text)
        _parsed.clear()
        _parsed[source] = key
    return key


def audit_keys_in_order() -> list[AuditKey]:
    """The only valid sequence of audit keys: ``SIGAP_AUDIT_OLD_KEYS`` oldest first, then the current key."""
    current = audit_key()
    order: list[AuditKey] = []
    for key in (AuditKey.parse(t) for t in settings.SIGAP_AUDIT_OLD_KEYS if t.strip()):
        if key.key_id != current.key_id and all(k.key_id != key.key_id for k in order):
            order.append(key)
    return [*order, current]


# --- digests ------------------------------------------------------------------------------------------------


def _body(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    report_number: str,
    detail: dict,
) -> bytes:
    return json.dumps(
        {
            "seq": seq,
            "at": created_at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor": actor_username,
            "action": action,
            "report": report_number,
            "detail": detail,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def plain_digest(prev_hash: str, body: bytes) -> str:
    """The unkeyed chain of logs written before the upgrade (anyone can recompute it)."""
    return hashlib.sha256(prev_hash.encode() + b"|" + body).hexdigest()


def keyed_digest(key: AuditKey, prev_hash: str, body: bytes) -> str:
    return hmac.new(key.chain_key, prev_hash.encode() + b"|" + body, hashlib.sha256).hexdigest()


def handover_digest(old: AuditKey, new: AuditKey, prev_hash: str, body: bytes) -> str:
    """The hash of a key-change row: keyed with the key it leaves, then with the key it switches to."""
    return keyed_digest(new, keyed_digest(old, prev_hash, body), body)


def _event_body(event) -> bytes:
    return _body(
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        action=event.action,
        report_number=event.report_number,
        detail=event.detail,
    )


# --- appending ----------------------------------------------------------------------------------------------


def _append(
    model, head, key: AuditKey, *, user, action: str, report_number: str, detail: dict, leaving: AuditKey | None = None
):
    event = _next(
        model, head, key, user=user, action=action, report_number=report_number, detail=detail, leaving=leaving
    )
    event.save(force_insert=True)
    return event


def _next(
    model, head, key: AuditKey, *, user, action: str, report_number: str, detail: dict, leaving: AuditKey | None = None
):
    """The next row of the chain after ``head`` (not saved); moves ``head`` on to it."""
    seq = head.seq + 1
    now = timezone.now()
    username = user.get_username() if user else ""
    body = _body(
        seq=seq,
        created_at=now,
        actor_id=user.pk if user else None,
        actor_username=username,
        action=action,
        report_number=report_number,
        detail=detail,
    )
    digest = handover_digest(leaving, key, head.hash, body) if leaving else keyed_digest(key, head.hash, body)
    event = model(
        seq=seq,
        created_at=now,
        actor=user,
        actor_username=username,
        action=action,
        report_number=report_number,
        detail=detail,
        prev_hash=head.hash,
        hash=digest,
    )
    head.seq, head.hash = seq, digest
    return event


def _retired_key_refused(head_key_id: str, key: AuditKey, why_en: str, why_id: str) -> DomainError:
    log.error("access log: not switching from audit key %s to %s: %s", head_key_id, key.key_id, why_en)
    return DomainError(
        f"Log akses tidak dapat ditulis: log berlanjut dengan kunci audit {head_key_id}, proses ini memakai kunci "
        f"{key.key_id}, {why_id}. Periksa SIGAP_AUDIT_KEY dan SIGAP_AUDIT_OLD_KEYS proses ini.",
        f"The access log cannot be written: it continues with audit key {head_key_id}, this process uses key "
        f"{key.key_id}, {why_en}. Check this process's SIGAP_AUDIT_KEY and SIGAP_AUDIT_OLD_KEYS.",
        code="audit_key_retired",
        status=503,
    )


def _marker(model, head, key: AuditKey):
    """The row that switches the chain to ``key``: from the plain chain, or from the previous audit key.

    A switch from a previous key is signed by that key too, goes forward in the order of the keys, and never
    back to a key the log has already left; a process that cannot do that refuses (it is running with a
    retired key, or its configuration was rolled back). Once committed, the switch is pinned by a checkpoint
    in ``SIGAP_AUDIT_CHECKPOINT_DIR`` when one is configured."""
    leaving = None
    if head.key_id:
        order = audit_keys_in_order()
        position = {k.key_id: n for n, k in enumerate(order)}
        if head.key_id not in position:
            raise _retired_key_refused(
                head.key_id,
                key,
                "which this process does not hold (is it still running with a retired key?)",
                "yang tidak dimiliki proses ini (masih memakai kunci lama?)",
            )
        used = models.Q(detail__key_id=key.key_id) | models.Q(detail__old_key_id=key.key_id)
        if model.objects.filter(action__in=MARKERS).filter(used).exists():
            raise _retired_key_refused(
                head.key_id,
                key,
                "a key the log already switched away from (a retired key is never used again)",
                "kunci yang sudah pernah dipensiunkan (tidak dipakai lagi)",
            )
        leaving = order[position[head.key_id]]
        detail = {"alg": ALG, "key_id": key.key_id, "old_key_id": head.key_id}
        action = Action.CHAIN_REKEYED
    else:
        detail = {"alg": ALG, "key_id": key.key_id, "plain_rows": head.seq, "plain_head": head.hash}
        action = Action.CHAIN_KEYED
    event = _append(model, head, key, user=None, action=action, report_number="", detail=detail, leaving=leaving)
    log.warning(
        "access log: switched to audit key %s (from %s) at row %s, hash %s",
        key.key_id,
        head.key_id or "the unkeyed chain",
        event.seq,
        event.hash,
    )
    head.key_id = key.key_id
    pinned = (event.seq, event.hash, event.created_at)
    transaction.on_commit(lambda: _checkpoint_the_switch(*pinned, key))
    return event


def _checkpoint_the_switch(seq: int, digest: str, row_at: datetime, key: AuditKey) -> None:
    """After a key change is committed: a checkpoint of it into ``SIGAP_AUDIT_CHECKPOINT_DIR`` (if set), so
    that cutting the log back to before the switch is detected even by someone holding the retired key."""
    directory = settings.SIGAP_AUDIT_CHECKPOINT_DIR
    if not directory:
        log.warning(
            "access log: the audit key changed at row %s but SIGAP_AUDIT_CHECKPOINT_DIR is not set; take a "
            "checkpoint now (sigap audit checkpoint --out FILE) and keep it outside the database",
            seq,
        )
        return
    try:
        path = write_checkpoint(_signed_checkpoint(seq, digest, row_at, key), directory)
    except OSError as exc:
        log.error(
            "access log: the audit key changed at row %s but its checkpoint could not be written to %s: %s; "
            "take one now (sigap audit checkpoint)",
            seq,
            directory,
            exc,
        )
        return
    log.warning("access log: checkpoint of the key change at row %s written to %s", seq, path)


def access_record(*, actor, action: str, report_number: str = "", **detail) -> AccessEvent:
    """Append one row. Call inside the request; it joins the caller's transaction if there is one."""
    return access_record_many(actor=actor, entries=[(action, report_number, detail)])[0]


def access_record_many(*, actor, entries: list[tuple[str, str, dict]]) -> list[AccessEvent]:
    """Append several rows, in order, as one multi-row INSERT: a page that shows many reports at once (the
    validator's cards) costs the same statements whatever its length. ``entries``: (action, report number,
    detail)."""
    if not entries:
        return []
    user = actor if getattr(actor, "is_authenticated", False) else None
    key = audit_key()
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
        if head.key_id != key.key_id:
            if head.seq > 0:
                _marker(AccessEvent, head, key)
            head.key_id = key.key_id
        events = [
            _next(AccessEvent, head, key, user=user, action=action, report_number=number, detail=detail)
            for action, number, detail in entries
        ]
        AccessEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash", "key_id"])
    return events


def access_log_key_upgrade(event_model=AccessEvent, head_model=ChainHead):
    """Anchor a log written with the plain chain under the audit key (the data migration calls this).

    Appends one ``chain_keyed`` row whose keyed hash covers the plain chain's last hash; the old rows are not
    rewritten. Returns that row, or None if the log is empty or already keyed."""
    key = audit_key()
    with transaction.atomic():
        head = head_model.objects.select_for_update().filter(pk=1).first()
        if head is None or head.seq == 0 or head.key_id:
            return None
        event = _marker(event_model, head, key)
        head.save(update_fields=["seq", "hash", "key_id"])
    return event


# --- verifying ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    problem: str = ""
    seq: int | None = None
    checkpoints: int = 0
    # a run since the last mark: the first row it read after the mark (rows before it were verified by the run
    # that wrote the mark, at ``mark_at``), and the slice of older rows it read again (first, last), if any
    since: int = 0  # 0: no row read
    mark_at: datetime | None = None
    swept: tuple[int, int] | None = None
    last: int = 0  # the last row verified
    # the log itself is at fault (a row edited, inserted or deleted; a checkpoint's row rewritten or cut off), not
    # a checkpoint file or the keys given; and, when an earlier run found it, when
    tampered: bool = False
    found_at: datetime | None = None


def _canonical(checkpoint: dict) -> bytes:
    signed = {k: v for k, v in checkpoint.items() if k != "signature"}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _checkpoint_fields(cp) -> tuple[int, str] | str:
    """(seq, hash), or what is wrong with the checkpoint's shape."""
    if not isinstance(cp, dict) or cp.get("format") != CHECKPOINT_FORMAT:
        return "not a Sigap access-log checkpoint (format)"
    for name in ("seq", "hash", "key_id", "signature", "at"):
        if name not in cp:
            return f"checkpoint is missing '{name}'"
    seq, digest = cp["seq"], cp["hash"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0 or not isinstance(digest, str) or len(digest) != 64:
        return "checkpoint has a malformed 'seq' or 'hash'"
    return seq, digest


def _signature_ok(cp: dict, public_keys: dict[str, bytes]) -> bool:
    public = public_keys.get(str(cp.get("key_id")))
    if public is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(_unb64(str(cp["signature"])), _canonical(cp))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _switch_problem(
    event, mode: str | None, keys: dict[str, AuditKey], position: dict[str, int], retired: dict[str, int]
) -> str:
    """What is wrong with a key-change row given the key in force before it (``mode``), or ""."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    kid, old = str(detail.get("key_id", "")), str(detail.get("old_key_id", ""))
    if mode is None:
        return "changes the audit key, but no row precedes it"
    if event.action == Action.CHAIN_KEYED:
        if mode != "plain":
            return "claims to key an unkeyed log, but the rows before it are already keyed"
        if detail.get("plain_rows") != event.seq - 1 or detail.get("plain_head") != event.prev_hash:
            return "keys the unkeyed log, but does not name the unkeyed chain's last row and hash"
    else:
        if mode == "plain":
            return "rotates the audit key, but the rows before it are not keyed"
        if old != mode:
            return (
                f"names {old or '?'} as the previous audit key, but the rows before it are written with key {mode} "
                "(a switch must be signed by the key in force before it)"
            )
        if kid == mode:
            return f"switches the log to audit key {kid}, which is already in force"
        if kid in retired:
            return (
                f"switches the log back to audit key {kid}, retired at row {retired[kid]}: a key the log has left "
                "is never accepted again"
            )
    if kid not in keys:
        return (
            f"switches the log to audit key {kid or '?'}, which this instance does not hold "
            "(SIGAP_AUDIT_KEY / SIGAP_AUDIT_OLD_KEYS)"
        )
    if mode != "plain" and position[kid] <= position[mode]:
        return (
            f"switches from audit key {mode} to key {kid}, which was retired before it: a retired key is never "
            "accepted again (SIGAP_AUDIT_OLD_KEYS lists the previous keys oldest first, then SIGAP_AUDIT_KEY)"
        )
    return ""


# what a walk reads of each row: tuples, not models (a full walk reads every row of the log)
_ROW_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "action",
    "report_number",
    "detail",
    "prev_hash",
    "hash",
)


def _rows(first: int, last: int | None = None):
    rows = AccessEvent.objects.filter(seq__gte=first)
    if last is not None:
        rows = rows.filter(seq__lte=last)
    return rows.order_by("seq").values_list(*_ROW_FIELDS, named=True).iterator(chunk_size=2000)


@dataclass
class _Chain:
    """Where a walk stands: the row it expects next, the hash that row must link to, the key the rows are
    written with ("plain" before the log was keyed, None before the first row) and the keys already left."""

    prev_hash: str = GENESIS
    expected_seq: int = 1
    mode: str | None = None
    retired: dict[str, int] = field(default_factory=dict)


class _Problem(Exception):
    def __init__(self, problem: str, seq: int | None):
        super().__init__(problem)
        self.problem, self.seq = problem, seq


def _first_row_mode(event, keys: dict[str, AuditKey]) -> str | None:
    """The key a row was written with when nothing before it says (the log's first row): one this instance
    holds, "plain" for the unkeyed chain of an older log, or None."""
    body = _event_body(event)
    for kid, key in keys.items():
        if hmac.compare_digest(keyed_digest(key, event.prev_hash, body), event.hash):
            return kid
    return "plain" if plain_digest(event.prev_hash, body) == event.hash else None


def _unknown_first_row(seq: int) -> _Problem:
    return _Problem(
        f"row {seq} edited (its hash does not match its contents), or written with an audit key this instance "
        "does not hold (SIGAP_AUDIT_OLD_KEYS)",
        seq,
    )


class _Walker:
    """Recomputes rows in order from a ``_Chain``, moving it on; raises ``_Problem`` at the first bad row."""

    def __init__(self, keys: dict[str, AuditKey], position: dict[str, int]):
        self.keys, self.position = keys, position
        self.rows = 0

    def walk(self, rows, chain: _Chain) -> None:
        keys = self.keys
        for event in rows:
            self.rows += 1
            if event.seq != chain.expected_seq:
                if event.seq > chain.expected_seq:
                    raise _Problem(
                        f"row(s) {chain.expected_seq}..{event.seq - 1} deleted before row {event.seq}",
                        chain.expected_seq,
                    )
                raise _Problem(f"row {event.seq} inserted out of sequence", event.seq)
            body = _event_body(event)
            mode = chain.mode
            if event.action in MARKERS:
                problem = _switch_problem(event, mode, keys, self.position, chain.retired)
                if problem:
                    raise _Problem(f"row {event.seq} {problem}", event.seq)
                key = keys[event.detail["key_id"]]
                if event.action == Action.CHAIN_KEYED:
                    intact = hmac.compare_digest(keyed_digest(key, event.prev_hash, body), event.hash)
                else:
                    intact = hmac.compare_digest(handover_digest(keys[mode], key, event.prev_hash, body), event.hash)
                    if not intact:
                        raise _Problem(
                            f"row {event.seq} switches the audit key but is not signed by the "
                            f"previous key {mode} and the new key {key.key_id} together (forged "
                            "by someone holding only one of them, or edited)",
                            event.seq,
                        )
                    chain.retired[mode] = event.seq
                chain.mode = key.key_id
            elif mode is None:  # the first row: keyed from the start, or the plain chain of an older log
                chain.mode = _first_row_mode(event, keys)
                if chain.mode is None:
                    raise _unknown_first_row(event.seq)
                intact = True
            elif mode == "plain":
                intact = plain_digest(event.prev_hash, body) == event.hash
            else:
                intact = hmac.compare_digest(keyed_digest(keys[mode], event.prev_hash, body), event.hash)
            if not intact:
                raise _Problem(f"row {event.seq} edited (its hash does not match its contents)", event.seq)
            if event.prev_hash != chain.prev_hash:
                raise _Problem(f"row {event.seq} inserted or the row before it deleted (chain link broken)", event.seq)
            chain.prev_hash, chain.expected_seq = event.hash, event.seq + 1


@dataclass(frozen=True)
class _Mark:
    """A run's record that rows 1..``through`` were verified: where the chain stood after them, and where
    the next run's slice of older rows starts; or (``broken``) that a run found the log tampered with."""

    seq: int
    at: datetime
    chain: _Chain
    sweep_next: int
    broken: tuple[str, int | None] | None = None


def _mark_key(row, keys: dict[str, AuditKey]) -> AuditKey | None:
    """The key a mark row was written with, if the run may start from it: the current audit key, or a key the
    log switched away from *after* the mark (the first key change after it leaves that key: the run reads that
    change, signed by the old and the new key together, so nothing before it can have been rewritten by someone
    holding only the old key). A mark the holder of a retired key appended after the switch is not one."""
    body = _event_body(row)
    current = audit_key()
    if hmac.compare_digest(keyed_digest(current, row.prev_hash, body), row.hash):
        return current
    for kid, key in keys.items():
        if kid != current.key_id and hmac.compare_digest(keyed_digest(key, row.prev_hash, body), row.hash):
            switch = (
                AccessEvent.objects.filter(action__in=MARKERS, seq__gt=row.seq)
                .order_by("seq")
                .values_list("action", "detail")
                .first()
            )
            if switch and switch[0] == Action.CHAIN_REKEYED and isinstance(switch[1], dict):
                return key if switch[1].get("old_key_id") == kid else None
            return None
    return None


def _last_mark(keys: dict[str, AuditKey]) -> _Mark | None:
    """The newest ``chain_verified`` or ``chain_broken`` row, if the run may start from it (``_mark_key``) and
    its contents are well formed; else None (the run then starts from the first row). A mark forged by someone
    without the key, or by the holder of a retired key after the log left it, is not trusted: nothing is skipped
    on its word. Rolling the marks back (deleting the newest) only makes a run read more, and breaks the chain.
    A ``chain_broken`` row stands until a full verification passes: the runs since the mark, which do not read
    the row found, go on saying what was found instead of "intact"."""
    row = (
        AccessEvent.objects.filter(action__in=(Action.CHAIN_VERIFIED, Action.CHAIN_BROKEN))
        .order_by("-seq")
        .values_list(*_ROW_FIELDS, named=True)
        .first()
    )
    if row is None or _mark_key(row, keys) is None:
        return None
    d = row.detail if isinstance(row.detail, dict) else {}
    if row.action == Action.CHAIN_BROKEN:
        seq = d.get("seq")
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        return _Mark(row.seq, row.created_at, _Chain(), 1, (str(d.get("problem") or "the log was tampered with"), seq))
    through, digest, mode = d.get("through"), d.get("hash"), d.get("mode")
    retired, sweep_next = d.get("retired"), d.get("sweep_next")
    whole = lambda v: isinstance(v, int) and not isinstance(v, bool)  # noqa: E731
    if not (
        whole(through)
        and 0 < through < row.seq
        and isinstance(digest, str)
        and len(digest) == 64
        and isinstance(mode, str)
        and mode in keys
        and isinstance(retired, dict)
        and all(isinstance(k, str) and whole(v) for k, v in retired.items())
        and whole(sweep_next)
        and sweep_next >= 1
    ):
        return None
    return _Mark(row.seq, row.created_at, _Chain(digest, through + 1, mode, dict(retired)), sweep_next)


def _chain_before(first: int, keys: dict[str, AuditKey]) -> _Chain:
    """Where the chain stands just before row ``first``, for a walk over a slice of older rows: the hash row
    ``first - 1`` holds (its own hash was recomputed by the slice before, the link is checked by this one) and
    the key in force, from the key-change rows before it (a handful, by the index on the action)."""
    if first <= 1:
        return _Chain()
    prev = AccessEvent.objects.filter(seq=first - 1).values_list("hash", flat=True).first()
    if prev is None:
        raise _Problem(f"row {first - 1} deleted", first - 1)
    markers = (
        AccessEvent.objects.filter(action__in=MARKERS, seq__lt=first)
        .order_by("seq")
        .values_list("seq", "action", "detail")
    )
    mode, retired = None, {}
    for seq, action, detail in markers:
        detail = detail if isinstance(detail, dict) else {}
        if action == Action.CHAIN_REKEYED and mode is not None:
            retired[mode] = seq
        mode = str(detail.get("key_id", ""))
    if mode is None:
        row = next(_rows(1, 1), None)
        if row is None:
            raise _Problem("row 1 deleted", 1)
        mode = _first_row_mode(row, keys)
        if mode is None:
            raise _unknown_first_row(1)
    elif mode not in keys:
        raise _Problem(
            f"rows before row {first} are written with audit key {mode or '?'}, which this instance does not hold",
            first,
        )
    return _Chain(prev, first, mode, retired)


def access_verify(
    checkpoints: Iterable[dict] = (),
    *,
    public_key: bytes | Iterable[bytes] | None = None,
    since_mark: bool = False,
    sweep_rows: int = 0,
) -> VerifyResult:
    """Recompute the chain; report the first edited, inserted or deleted row; then check each checkpoint.

    ``public_key``: check the checkpoints' signatures against this key, or these keys (the ones an auditor
    kept: one per audit key, old checkpoints stay signed by the key of their time), instead of the keys this
    instance holds.

    ``since_mark``: read only the rows appended since the last run's mark (``access_verify_and_mark``) and
    ``sweep_rows`` older rows from where the last slice ended (wrapping round to the first row), so that each
    run's work follows the rows appended, not the log's age, while every row is read again in turn. Each
    checkpoint is compared with the hash its row holds now (a rewrite of the rows before it by someone holding
    the key changes that hash). Without a usable mark, the whole log is read."""
    return _verify(list(checkpoints), public_key, since_mark, sweep_rows)[0]


def access_verify_and_mark(
    checkpoints: Iterable[dict] = (),
    *,
    public_key: bytes | Iterable[bytes] | None = None,
    sweep_rows: int = 0,
    full: bool = False,
    own_checkpoints: bool = True,
) -> VerifyResult:
    """``access_verify(since_mark=True)`` (``full``: every row), then append what the next run starts from: if
    the log is intact, a ``chain_verified`` mark, keyed like every row (so nobody without the audit key can write
    one), naming the last row verified, its hash, the key in force there and where the next slice of older rows
    starts; if a run found it tampered with, a ``chain_broken`` row naming what, which the runs since the mark
    report until a full verification passes. Where the log cannot be written (a read-only copy), nothing is
    appended: the result stands.

    ``own_checkpoints``: the checkpoints are this installation's archive (``SIGAP_AUDIT_CHECKPOINT_DIR``, checked
    with its own keys), so one its log no longer matches is the log's fault and stands like any finding; a
    checkpoint handed in by a caller (perhaps another instance's, or signed with a key they brought) answers for
    this run only."""
    started_at = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    result, chain, sweep_next = _verify(list(checkpoints), public_key, not full, sweep_rows, own_checkpoints)
    if result.ok and result.last > 0:
        try:
            with transaction.atomic():
                # appended under the chain head's lock, after a look at what other runs appended meanwhile: a
                # tampering one of them found stands (this run began before it and cannot clear it)
                ChainHead.objects.select_for_update().filter(pk=1).first()
                if AccessEvent.objects.filter(action=Action.CHAIN_BROKEN, seq__gt=started_at).exists():
                    return _verify([], None, True, 0, True)[0]
                if not full and not result.swept:  # the nightly slice's progress, if it marked meanwhile
                    newest = _last_mark({k.key_id: k for k in audit_keys_in_order()})
                    sweep_next = newest.sweep_next if newest and not newest.broken else sweep_next
                access_record(
                    actor=None,
                    action=Action.CHAIN_VERIFIED,
                    through=result.last,
                    hash=chain.prev_hash,
                    mode=chain.mode,
                    retired=chain.retired,
                    sweep_next=1 if full else sweep_next,
                    read=[result.since, result.last],
                    swept=list(result.swept) if result.swept else None,
                )
        except (DatabaseError, DomainError) as exc:
            _not_appended(Action.CHAIN_VERIFIED, exc)
    elif result.tampered and result.found_at is None:
        try:
            access_record(actor=None, action=Action.CHAIN_BROKEN, problem=result.problem, seq=result.seq)
        except (DatabaseError, DomainError) as exc:
            _not_appended(Action.CHAIN_BROKEN, exc)
    return result


def _not_appended(action: str, exc: Exception) -> None:
    """A read-only replica, a retired key: the verification's answer stands without its row."""
    log.warning("access log: the verification's %s row could not be appended (%s)", action, type(exc).__name__)


def _verify(
    checkpoints: list[dict],
    public_key: bytes | Iterable[bytes] | None,
    since_mark: bool,
    sweep_rows: int,
    own_checkpoints: bool = True,
) -> tuple[VerifyResult, _Chain, int]:
    """The verification, with where the chain stands after the last row and where the next slice starts.
    ``own_checkpoints``: a checkpoint's mismatch counts as the log's fault (``tampered``)."""
    order = audit_keys_in_order()
    keys = {k.key_id: k for k in order}
    position = {k.key_id: n for n, k in enumerate(order)}
    if public_key is not None:
        given = [public_key] if isinstance(public_key, bytes) else list(public_key)
        public_keys = {hashlib.sha256(k).hexdigest()[:16]: k for k in given}
    else:
        public_keys = {kid: k.public_key for kid, k in keys.items()}
    chain = _Chain()
    pinned: dict[int, str] = {}  # seq -> checkpoint hash
    for cp in checkpoints:
        fields = _checkpoint_fields(cp)
        if isinstance(fields, str):
            return VerifyResult(False, 0, fields), chain, 1
        if not _signature_ok(cp, public_keys):
            return (
                VerifyResult(
                    False,
                    0,
                    f"checkpoint of row {fields[0]}: signature invalid (the file was edited, or "
                    "it was not signed by this instance's audit key)",
                    fields[0],
                ),
                chain,
                1,
            )
        pinned.setdefault(fields[0], fields[1])

    walker = _Walker(keys, position)
    mark = _last_mark(keys) if since_mark else None
    swept, sweep_next = None, 1
    if mark and mark.broken:
        problem, seq = mark.broken
        found = f"{problem} (found by the verification of {mark.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC; a full "
        found += "verification, `sigap audit verify`, that passes clears it)"
        return VerifyResult(False, 0, found, seq, mark_at=mark.at, tampered=True, found_at=mark.at), chain, 1
    if mark:
        chain, sweep_next = mark.chain, mark.sweep_next
    since, mark_at = chain.expected_seq, (mark.at if mark else None)
    try:
        below = AccessEvent.objects.filter(seq__lt=1).order_by("seq").values_list("seq", flat=True).first()
        if below is not None:  # no run reads from there: rows are numbered from 1
            raise _Problem(f"row {below} inserted out of sequence (rows are numbered from 1)", below)
        if mark and sweep_rows > 0:
            through = mark.chain.expected_seq - 1
            first = mark.sweep_next if mark.sweep_next <= through else 1
            last_swept = min(first + sweep_rows - 1, through)
            older = _chain_before(first, keys)
            walker.walk(_rows(first, last_swept), older)
            if older.expected_seq != last_swept + 1:
                raise _Problem(f"row(s) {older.expected_seq}..{last_swept} deleted", older.expected_seq)
            if last_swept == through and older.prev_hash != mark.chain.prev_hash:
                raise _Problem(f"row {through} differs from the hash the last verification recorded for it", through)
            swept = (first, last_swept)
            sweep_next = last_swept + 1 if last_swept < through else 1
        walker.walk(_rows(since), chain)
    except _Problem as exc:
        failure = VerifyResult(False, walker.rows, exc.problem, exc.seq, 0, since, mark_at, swept, tampered=True)
        return failure, chain, sweep_next
    rows = walker.rows
    last = chain.expected_seq - 1

    def failed(problem: str, seq: int | None, n: int = 0, tampered: bool = True) -> tuple[VerifyResult, _Chain, int]:
        result = VerifyResult(False, rows, problem, seq, n, since, mark_at, swept, last, tampered=tampered)
        return result, chain, sweep_next

    if chain.mode == "plain":
        return failed(
            f"the access log is not keyed: rows 1..{last} carry only the unkeyed SHA-256 "
            "chain, which anyone with database access can recompute (rewritten, or the "
            "upgrade migration has not run)",
            last,
        )
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.seq < last:
            return failed(f"the chain head records row {head.seq}, behind row {last} (head rewritten)", head.seq)
        if head.seq == last and head.hash != chain.prev_hash:
            return failed(f"the chain head does not match row {last} (the head or the last row was replaced)", last)
        if (
            head.seq > last and not AccessEvent.objects.filter(seq=last + 1).exists()
        ):  # rows appended meanwhile are fine
            return failed(f"row(s) after {last} deleted (the chain head records {head.seq})", last + 1)
    held: dict[int, str] = {}  # the hash each checkpoint's row holds now
    asked = [seq for seq in pinned if 0 < seq <= last]
    for n in range(0, len(asked), 1000):
        held.update(AccessEvent.objects.filter(seq__in=asked[n : n + 1000]).values_list("seq", "hash"))
    for n, (seq, digest) in enumerate(sorted(pinned.items())):
        if seq == 0:
            continue
        if seq > last:
            return failed(
                f"the access log ends at row {last}, before the checkpoint's row {seq}: "
                "truncated after the checkpoint was taken",
                last + 1,
                n,
                own_checkpoints,
            )
        if held.get(seq) != digest:
            return failed(
                f"row {seq} differs from the checkpoint: rows up to {seq} were rewritten "
                "after the checkpoint was taken",
                seq,
                n,
                own_checkpoints,
            )
    result = VerifyResult(
        True, rows, checkpoints=len(checkpoints), since=since, mark_at=mark_at, swept=swept, last=last
    )
    return result, chain, sweep_next


# --- checkpoints --------------------------------------------------------------------------------------------


def access_checkpoint() -> dict:
    """A signed checkpoint of the verified chain's last row, for auditors to keep outside the database. The rows
    appended since the last verification's mark are read (``access_verify_and_mark``), not the whole log: the
    hourly job's work follows the hour's looks."""
    result = access_verify_and_mark()
    if not result.ok:
        raise DomainError(
            f"Log akses tidak utuh, checkpoint tidak dibuat: {result.problem}",
            f"The access log is not intact; no checkpoint written: {result.problem}",
            code="access_log_tampered",
            status=409,
        )
    row = AccessEvent.objects.filter(seq=result.last).first() if result.last else None
    return _signed_checkpoint(result.last, row.hash if row else GENESIS, row.created_at if row else None, audit_key())


def _signed_checkpoint(seq: int, digest: str, row_at: datetime | None, key: AuditKey) -> dict:
    checkpoint = {
        "format": CHECKPOINT_FORMAT,
        "seq": seq,
        "hash": digest,
        "row_at": row_at.isoformat(timespec="microseconds") if row_at else None,
        "at": timezone.now().isoformat(timespec="seconds"),
        "key_id": key.key_id,
    }
    checkpoint["signature"] = _b64(key.signing_key.sign(_canonical(checkpoint)))
    return checkpoint


def write_checkpoint(checkpoint: dict, directory: str | os.PathLike) -> Path:
    """Write ``checkpoint-<row>-<time>.json`` into ``directory`` (created if missing); raises OSError."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = Path(directory) / f"checkpoint-{checkpoint['seq']:012d}-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(checkpoint, indent=2, sort_keys=True) + "\n")
    return path


def checkpoints_in(path: str | os.PathLike) -> list[dict]:
    """The checkpoints in a file, or in every ``*.json`` file of a directory. Unreadable files raise ValueError."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    found = []
    for f in files:
        try:
            found.append(json.loads(f.read_text()))
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read checkpoint {f.name}: {exc}") from exc
    return found


_CHECKPOINT_NAME = re.compile(r"checkpoint-(\d+)-[^/]*\.json")


def configured_checkpoints(*, newest: bool = False) -> list[dict]:
    """The checkpoints in ``SIGAP_AUDIT_CHECKPOINT_DIR`` (none if it is unset or does not exist yet).

    ``newest``: only the files ``write_checkpoint`` named for the highest row (and any file named otherwise),
    for a run since the last mark: the hourly job's directory grows by 8,760 files a year, and the newest
    checkpoint is as strong a check as all of them. A rewrite of any row before an older checkpoint changes every
    hash after it, the newest one's row too, unless it leaves the chain broken somewhere, which a full run or the
    nightly slice finds; a truncation past any checkpoint is one past the newest."""
    directory = settings.SIGAP_AUDIT_CHECKPOINT_DIR
    if not directory or not Path(directory).is_dir():
        return []
    if not newest:
        return checkpoints_in(directory)
    named: dict[int, list[str]] = {}
    other: list[str] = []
    with os.scandir(directory) as entries:
        for name in (e.name for e in entries if e.name.endswith(".json")):
            match = _CHECKPOINT_NAME.fullmatch(name)
            if match:
                named.setdefault(int(match.group(1)), []).append(name)
            else:
                other.append(name)
    chosen = sorted(other + (named[max(named)] if named else []))
    return [cp for name in chosen for cp in checkpoints_in(Path(directory) / name)]


def public_key_text() -> str:
    return _b64(audit_key().public_key)


def parse_public_key(text: str) -> bytes:
    return _key32(text, "public key")


def parse_public_keys(texts: str | Iterable[str]) -> list[bytes]:
    """One or more public keys, comma-separated and/or given several times."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    parts = [p for t in texts for p in t.split(",") if p.strip()]
    if not parts:
        raise ValueError("no public key given")
    return [parse_public_key(p) for p in parts]
