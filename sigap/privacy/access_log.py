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
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction
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
    KEY_DESTROY = "key_destroy"
    AUDIT_QUERY = "audit_query"
    CHAIN_KEYED = "chain_keyed"  # the log switched from the plain SHA-256 chain to the keyed chain
    CHAIN_REKEYED = "chain_rekeyed"  # the audit key was rotated


MARKERS = (Action.CHAIN_KEYED, Action.CHAIN_REKEYED)


# --- the audit key ------------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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
        try:
            raw = _unb64(text)
        except (ValueError, TypeError) as exc:
            raise ValueError("audit key is not valid base64") from exc
        if len(raw) != 32:
            raise ValueError("audit key must be 32 bytes (urlsafe base64)")
        return cls(text.strip(), raw)

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


def audit_keyring() -> dict[str, AuditKey]:
    """Every audit key that verifies: the current one and ``SIGAP_AUDIT_OLD_KEYS``."""
    keys = {k.key_id: k for k in (AuditKey.parse(t) for t in settings.SIGAP_AUDIT_OLD_KEYS if t.strip())}
    current = audit_key()
    keys[current.key_id] = current
    return keys


# --- digests ------------------------------------------------------------------------------------------------


def _body(*, seq: int, created_at: datetime, actor_id: int | None, actor_username: str, action: str,
          report_number: str, detail: dict) -> bytes:
    return json.dumps({
        "seq": seq, "at": created_at.isoformat(timespec="microseconds"), "actor_id": actor_id,
        "actor": actor_username, "action": action, "report": report_number, "detail": detail,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def plain_digest(prev_hash: str, body: bytes) -> str:
    """The unkeyed chain of logs written before the upgrade (anyone can recompute it)."""
    return hashlib.sha256(prev_hash.encode() + b"|" + body).hexdigest()


def keyed_digest(key: AuditKey, prev_hash: str, body: bytes) -> str:
    return hmac.new(key.chain_key, prev_hash.encode() + b"|" + body, hashlib.sha256).hexdigest()


def _event_body(event) -> bytes:
    return _body(seq=event.seq, created_at=event.created_at, actor_id=event.actor_id,
                 actor_username=event.actor_username, action=event.action, report_number=event.report_number,
                 detail=event.detail)


# --- appending ----------------------------------------------------------------------------------------------


def _append(model, head, key: AuditKey, *, user, action: str, report_number: str, detail: dict):
    seq = head.seq + 1
    now = timezone.now()
    username = user.get_username() if user else ""
    digest = keyed_digest(key, head.hash, _body(seq=seq, created_at=now, actor_id=user.pk if user else None,
                                                actor_username=username, action=action,
                                                report_number=report_number, detail=detail))
    event = model.objects.create(seq=seq, created_at=now, actor=user, actor_username=username, action=action,
                                 report_number=report_number, detail=detail, prev_hash=head.hash, hash=digest)
    head.seq, head.hash = seq, digest
    return event


def _marker(model, head, key: AuditKey):
    """The row that switches the chain to ``key``: from the plain chain, or from the previous audit key."""
    if head.key_id:
        detail = {"alg": ALG, "key_id": key.key_id, "old_key_id": head.key_id}
        action = Action.CHAIN_REKEYED
    else:
        detail = {"alg": ALG, "key_id": key.key_id, "plain_rows": head.seq, "plain_head": head.hash}
        action = Action.CHAIN_KEYED
    event = _append(model, head, key, user=None, action=action, report_number="", detail=detail)
    head.key_id = key.key_id
    return event


def access_record(*, actor, action: str, report_number: str = "", **detail) -> AccessEvent:
    """Append one row. Call inside the request; it joins the caller's transaction if there is one."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    key = audit_key()
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
        if head.key_id != key.key_id:
            if head.seq > 0:
                _marker(AccessEvent, head, key)
            head.key_id = key.key_id
        event = _append(AccessEvent, head, key, user=user, action=action, report_number=report_number, detail=detail)
        head.save(update_fields=["seq", "hash", "key_id"])
    return event


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


def access_verify(checkpoints: Iterable[dict] = (), *, public_key: bytes | None = None) -> VerifyResult:
    """Recompute the chain; report the first edited, inserted or deleted row; then check each checkpoint.

    ``public_key``: check the checkpoints' signatures against this key (the one an auditor kept) instead of
    the keys this instance holds."""
    checkpoints = list(checkpoints)
    keys = audit_keyring()
    if public_key is not None:
        public_keys = {hashlib.sha256(public_key).hexdigest()[:16]: public_key}
    else:
        public_keys = {kid: k.public_key for kid, k in keys.items()}
    pinned: dict[int, str] = {}  # seq -> checkpoint hash, checked during the walk
    for cp in checkpoints:
        fields = _checkpoint_fields(cp)
        if isinstance(fields, str):
            return VerifyResult(False, 0, fields)
        if not _signature_ok(cp, public_keys):
            return VerifyResult(False, 0, f"checkpoint of row {fields[0]}: signature invalid (the file was edited, or "
                                          "it was not signed by this instance's audit key)", fields[0])
        pinned.setdefault(fields[0], fields[1])
    seen: dict[int, str] = {}

    prev_hash, expected_seq, rows = GENESIS, 1, 0
    mode: str | None = None  # "plain" before the log was keyed, else the id of the key that verifies the rows
    for event in AccessEvent.objects.order_by("seq").iterator(chunk_size=2000):
        rows += 1
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                return VerifyResult(False, rows, f"row(s) {expected_seq}..{event.seq - 1} deleted before row {event.seq}", expected_seq)
            return VerifyResult(False, rows, f"row {event.seq} inserted out of sequence", event.seq)
        body = _event_body(event)
        if event.action in MARKERS:
            kid = str((event.detail or {}).get("key_id", "")) if isinstance(event.detail, dict) else ""
            key = keys.get(kid)
            if key is None:
                return VerifyResult(False, rows, f"row {event.seq} switches the log to audit key {kid or '?'}, which this "
                                                 "instance does not hold (SIGAP_AUDIT_KEY / SIGAP_AUDIT_OLD_KEYS)", event.seq)
            intact = hmac.compare_digest(keyed_digest(key, event.prev_hash, body), event.hash)
            mode = kid
        elif mode is None:  # the first row: keyed from the start, or the plain chain of an older log
            mode = next((kid for kid, k in keys.items()
                         if hmac.compare_digest(keyed_digest(k, event.prev_hash, body), event.hash)), None)
            if mode is None and plain_digest(event.prev_hash, body) == event.hash:
                mode = "plain"
            intact = mode is not None
            if not intact:
                return VerifyResult(False, rows, f"row {event.seq} edited (its hash does not match its contents), or "
                                                 "written with an audit key this instance does not hold "
                                                 "(SIGAP_AUDIT_OLD_KEYS)", event.seq)
        elif mode == "plain":
            intact = plain_digest(event.prev_hash, body) == event.hash
        else:
            intact = hmac.compare_digest(keyed_digest(keys[mode], event.prev_hash, body), event.hash)
        if not intact:
            return VerifyResult(False, rows, f"row {event.seq} edited (its hash does not match its contents)", event.seq)
        if event.prev_hash != prev_hash:
            return VerifyResult(False, rows, f"row {event.seq} inserted or the row before it deleted (chain link broken)", event.seq)
        if event.seq in pinned:
            seen[event.seq] = event.hash
        prev_hash, expected_seq = event.hash, expected_seq + 1
    last = expected_seq - 1
    if mode == "plain":
        return VerifyResult(False, rows, f"the access log is not keyed: rows 1..{last} carry only the unkeyed SHA-256 "
                                         "chain, which anyone with database access can recompute (rewritten, or the "
                                         "upgrade migration has not run)", last)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.seq < last:
            return VerifyResult(False, rows, f"the chain head records row {head.seq}, behind row {last} (head rewritten)", head.seq)
        if head.seq == last and head.hash != prev_hash:
            return VerifyResult(False, rows, f"the chain head does not match row {last} (the head or the last row was "
                                             "replaced)", last)
        if head.seq > last and not AccessEvent.objects.filter(seq=last + 1).exists():  # rows appended meanwhile are fine
            return VerifyResult(False, rows, f"row(s) after {last} deleted (the chain head records {head.seq})", last + 1)
    for n, (seq, digest) in enumerate(sorted(pinned.items())):
        if seq == 0:
            continue
        if seq > last:
            return VerifyResult(False, rows, f"the access log ends at row {last}, before the checkpoint's row {seq}: "
                                             "truncated after the checkpoint was taken", last + 1, n)
        if seen.get(seq) != digest:
            return VerifyResult(False, rows, f"row {seq} differs from the checkpoint: rows up to {seq} were rewritten "
                                             "after the checkpoint was taken", seq, n)
    return VerifyResult(True, rows, checkpoints=len(checkpoints))


# --- checkpoints --------------------------------------------------------------------------------------------


def access_checkpoint() -> dict:
    """A signed checkpoint of the verified chain's last row, for auditors to keep outside the database."""
    result = access_verify()
    if not result.ok:
        raise DomainError(f"Log akses tidak utuh, checkpoint tidak dibuat: {result.problem}",
                          f"The access log is not intact; no checkpoint written: {result.problem}",
                          code="access_log_tampered", status=409)
    row = AccessEvent.objects.filter(seq=result.rows).first() if result.rows else None
    key = audit_key()
    checkpoint = {
        "format": CHECKPOINT_FORMAT, "seq": result.rows, "hash": row.hash if row else GENESIS,
        "row_at": row.created_at.isoformat(timespec="microseconds") if row else None,
        "at": timezone.now().isoformat(timespec="seconds"), "key_id": key.key_id,
    }
    checkpoint["signature"] = _b64(key.signing_key.sign(_canonical(checkpoint)))
    return checkpoint


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


def configured_checkpoints() -> list[dict]:
    """The checkpoints in ``SIGAP_AUDIT_CHECKPOINT_DIR`` (none if it is unset or does not exist yet)."""
    directory = settings.SIGAP_AUDIT_CHECKPOINT_DIR
    if not directory or not Path(directory).is_dir():
        return []
    return checkpoints_in(directory)


def public_key_text() -> str:
    return _b64(audit_key().public_key)


def parse_public_key(text: str) -> bytes:
    try:
        raw = _unb64(text)
    except (ValueError, TypeError) as exc:
        raise ValueError("public key is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError("public key must be 32 bytes (urlsafe base64)")
    return raw
