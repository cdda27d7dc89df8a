"""The identity vault: envelope encryption of everything that identifies a reporter.

Each record (an identity, or an original photo) is encrypted with its own random 256-bit data key
(AES-GCM, the record's ref as associated data); the data key is stored only wrapped by the master key
(AES key wrap, RFC 3394). So:

* a database dump alone reveals nothing (no master key in the database);
* rotating the master key re-wraps the small data keys without touching the payloads;
* destroying a record's wrapped data key crypto-shreds it (retention).

Only intake (to store), the relay (to deliver a message without showing the address), the reveal flow
and retention may import this module. Officer-facing code never does; a test walks the import graph.

Master key: ``SIGAP_VAULT_KEY`` (urlsafe base64 of 32 bytes) or the file ``SIGAP_VAULT_KEY_FILE``
(created on first use in the embedded default). Previous keys stay readable during a rotation through
``SIGAP_VAULT_OLD_KEYS`` (comma-separated). In production the master key comes from a KMS/HSM at start
(docs/privacy.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sigap.core.binary import insert_row
from sigap.core.errors import DomainError
from sigap.core.files import write_secret_file
from sigap.core.rows import insert_rows

from .models import IdentityRecord, VaultBlob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"sigap-vault-key-id" + self.key).hexdigest()[:16]


def _decode_key(text: str) -> bytes:
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("vault master key is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError("vault master key must be 32 bytes (urlsafe base64)")
    return raw


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


_parsed: dict[tuple, MasterKey] = {}


def _parse_cached(source: tuple, text: str) -> MasterKey:
    """Parse a key once per source (the setting's text, or the key file's path, mtime and size)."""
    mk = _parsed.get(source)
    if mk is None:
        mk = MasterKey(_decode_key(text))
        _parsed.clear()  # one current key at a time; old keys go through keyring()
        _parsed[source] = mk
    return mk


def master_key() -> MasterKey:
    """The current master key (new records and rotation wrap with it).

    Parsed once and kept while its source is unchanged: a replaced key file (mtime, size, inode) or a
    changed setting is picked up on the next call."""
    if settings.SIGAP_VAULT_KEY:
        return _parse_cached(("setting", settings.SIGAP_VAULT_KEY), settings.SIGAP_VAULT_KEY)
    path = Path(settings.SIGAP_VAULT_KEY_FILE)
    try:
        st = path.stat()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_secret_file(path, generate_master_key())
        log.warning("vault: created a master key file (embedded default); keep it out of database backups")
        st = path.stat()
    source = ("file", str(path), st.st_mtime_ns, st.st_size, st.st_ino)
    if source in _parsed:
        return _parsed[source]
    return _parse_cached(source, path.read_text())


def keyring() -> dict[str, MasterKey]:
    """Every master key that can unwrap: the current one and SIGAP_VAULT_OLD_KEYS."""
    keys = {mk.key_id: mk for mk in (MasterKey(_decode_key(k)) for k in settings.SIGAP_VAULT_OLD_KEYS if k.strip())}
    current = master_key()
    keys[current.key_id] = current
    return keys


def _seal(ref: str, plaintext: bytes) -> tuple[str, bytes, bytes, bytes]:
    mk = master_key()
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, ref.encode())
    return mk.key_id, aes_key_wrap(mk.key, data_key), nonce, ciphertext


def _unseal(record: IdentityRecord | VaultBlob, ciphertext: bytes | None = None) -> bytes | None:
    if record.wrapped_key is None:
        return None  # crypto-shredded
    mk = keyring().get(record.key_id)
    if mk is None:
        raise DomainError(
            "Kunci induk vault untuk catatan ini tidak tersedia.",
            "The vault master key for this record is not available.",
            code="vault_key_missing",
            status=500,
        )
    data_key = aes_key_unwrap(mk.key, bytes(record.wrapped_key))
    if ciphertext is None:
        ciphertext = bytes(record.ciphertext)
    return AESGCM(data_key).decrypt(bytes(record.nonce), ciphertext, record.ref.encode())


# --- identities -------------------------------------------------------------------------------


def identity_store(*, payload: dict) -> str:
    """Encrypt ``payload`` (name, phone, email, nik, channel, address, original text, ...) and return its ref."""
    return identity_store_many([payload])[0]


def identity_store_many(payloads: list[dict]) -> list[str]:
    """Encrypt each payload under its own data key; one INSERT for all of them. Returns the refs in order."""
    records = []
    for payload in payloads:
        ref = "idr_" + secrets.token_urlsafe(24)
        key_id, wrapped, nonce, ciphertext = _seal(ref, json.dumps(payload, ensure_ascii=False).encode())
        records.append(IdentityRecord(ref=ref, key_id=key_id, wrapped_key=wrapped, nonce=nonce, ciphertext=ciphertext))
    insert_rows(records)
    return [r.ref for r in records]


def _identity(ref: str) -> dict | None:
    record = IdentityRecord.objects.filter(ref=ref).first() if ref else None
    if record is None:
        return None
    plain = _unseal(record)
    return json.loads(plain) if plain is not None else None


def identity_update(ref: str, **fields) -> None:
    """Add fields to a record (e.g. a reporter's answer in original form), under a new data key."""
    with transaction.atomic():
        record = IdentityRecord.objects.select_for_update().get(ref=ref)
        plain = _unseal(record)
        if plain is None:
            return
        payload = json.loads(plain)
        payload.update(fields)
        record.key_id, record.wrapped_key, record.nonce, record.ciphertext = _seal(
            ref, json.dumps(payload, ensure_ascii=False).encode()
        )
        record.save(update_fields=["key_id", "wrapped_key", "nonce", "ciphertext"])


def contact_channel(ref: str) -> tuple[str, str] | None:
    """(channel, address) for the relay only; nothing outside ``sigap.privacy`` ever gets it."""
    return _contact_of(_identity(ref))


# ``contact_channels``' answer for a record that is there but cannot be read now (its master key is not loaded, its
# ciphertext is damaged): the relay retries it later, where None (shredded, no address) is never sent.
UNREADABLE = ("", "unreadable")


def contact_channels(refs) -> dict[str, tuple[str, str, str] | None]:
    """``contact_channel`` for many refs with one SELECT (the relay's batches), with the language the reporter wrote
    in ("en", "id", or "" when the channel did not say): (channel, address, language). A ref without a record,
    shredded or without an address maps to None, one whose record cannot be read now to ``UNREADABLE``. One such
    record used to raise for the whole batch, and every message of it stayed unsent, claimed again and again (found
    by a review)."""
    wanted = {ref for ref in refs if ref}
    found: dict[str, tuple[str, str] | None] = dict.fromkeys(wanted)
    for record in IdentityRecord.objects.filter(ref__in=wanted) if wanted else ():
        try:
            plain = _unseal(record)
            payload = json.loads(plain) if plain is not None else None
            contact = _contact_of(payload)
            found[record.ref] = (*contact, str(payload.get("language") or "")) if contact else None
        except (DomainError, InvalidTag, InvalidUnwrap, ValueError):
            log.error("vault: identity record %s cannot be read (key %s)", record.pk, record.key_id)
            found[record.ref] = UNREADABLE
    return found


def _contact_of(payload: dict | None) -> tuple[str, str] | None:
    if not payload:
        return None
    channel = payload.get("channel", "")
    handle = payload.get("handle", "")
    if handle and channel not in ("email", "sms"):
        return (channel, handle)
    if payload.get("email") and channel in ("email", "web", "api", "open311", "counter", "call_center", "press"):
        return ("email", payload["email"])
    if payload.get("phone") and channel in ("sms", "whatsapp"):
        return (channel, payload["phone"])
    if payload.get("email"):
        return ("email", payload["email"])
    return None


def _record_mac(key: MasterKey, purpose: bytes, fields: list) -> str:
    derived = hmac.new(key.key, b"sigap-vault-mac:" + purpose, hashlib.sha256).digest()
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return hmac.new(derived, payload, hashlib.sha256).hexdigest()


def record_seal(purpose: str, fields: list) -> str:
    """A MAC over ``fields`` under the master key, which the database never holds: a row sealed with it cannot be
    edited by someone who can only write to the database (the reveal flow seals its requests with it)."""
    key = master_key()
    return f"{key.key_id}:{_record_mac(key, purpose.encode(), fields)}"


def record_seal_ok(seal: str, purpose: str, fields: list) -> bool:
    key_id, _, mac = (seal or "").partition(":")
    key = keyring().get(key_id)
    return key is not None and hmac.compare_digest(mac, _record_mac(key, purpose.encode(), fields))


def identity_redaction_terms(ref: str) -> dict | None:
    """The reporter's names and contact values, for the redaction door (``sigap.privacy.door``) only:
    what a reporter writes later is redacted with them. Nothing it returns leaves ``sigap.privacy``."""
    payload = _identity(ref)
    if not payload:
        return None
    terms = {key: payload.get(key, "") for key in ("name", "phone", "email", "nik", "handle")}
    # a user name on a channel (Telegram, X) or a client app's account id (Open311): a resident may sign with it
    terms["username"] = payload.get("username") or payload.get("account_id") or ""
    terms["device_id"] = payload.get("device_id") or ""  # a client app's device id (Open311)
    return terms


def identity_for_reveal(ref: str) -> dict | None:
    """Decrypt an identity for the due-process reveal (sigap.privacy.reveal). No other caller."""
    return _identity(ref)


def identity_destroy(ref: str) -> bool:
    """Crypto-shred: drop the wrapped data key (and the ciphertext) so the record can never be read again."""
    return bool(
        IdentityRecord.objects.filter(ref=ref, wrapped_key__isnull=False).update(
            wrapped_key=None, ciphertext=b"", destroyed_at=timezone.now()
        )
    )


# --- original files (photos as uploaded) -----------------------------------------------------
#
# A blob is sealed first (its ref, its wrapped data key, its ciphertext) and its row written after. A large
# ciphertext is written to the vault's file storage while sealing, so that intake does it in the request's own
# thread, in parallel, and its group-commit writer only inserts a small row; a small one stays in the row. A
# stored ciphertext whose row was never committed (a refused or failed write, a crash in between) can never be
# read: its data key existed only in that row. ``blob_discard`` removes the files of a write known to have failed.


@dataclass(frozen=True)
class SealedBlob:
    ref: str
    row: dict  # VaultBlob's fields

    @property
    def stored_as(self) -> str:
        return self.row["stored_as"]


def _blob_files():
    from django.core.files.storage import storages

    return storages["vault"]


def blob_seal(data: bytes, *, content_type: str = "") -> SealedBlob:
    """Encrypt ``data`` under a new ref; a ciphertext above SIGAP_VAULT_INLINE_MAX_BYTES is written (and synced)
    to the vault's storage now. Nothing is in the database until ``blob_insert``."""
    ref = "vbl_" + secrets.token_urlsafe(24)
    key_id, wrapped, nonce, ciphertext = _seal(ref, data)
    stored_as = ""
    if len(ciphertext) > settings.SIGAP_VAULT_INLINE_MAX_BYTES:
        from django.core.files.base import ContentFile

        # one directory per day: a directory stays small, and a day's files can be listed on their own
        stored_as = _blob_files().save(f"{timezone.now():%Y/%m/%d}/{ref}", ContentFile(ciphertext))
        ciphertext = b""
    row = {
        "ref": ref,
        "key_id": key_id,
        "wrapped_key": wrapped,
        "nonce": nonce,
        "ciphertext": ciphertext,
        "stored_as": stored_as,
        "content_type": content_type,
    }
    return SealedBlob(ref=ref, row=row)


def blob_insert(sealed: SealedBlob) -> str:
    """Write a sealed blob's row (in the caller's transaction); returns its ref."""
    # an inline ciphertext as a binary parameter, not an escaped literal (``sigap.core.binary``)
    insert_row(VaultBlob, sealed.row)
    return sealed.ref


def blob_discard(sealed: list[SealedBlob]) -> int:
    """Remove the stored files of sealed blobs whose rows are not in the database (the write that would have
    inserted them failed or was refused). A file whose row is there is kept, and every file when the database
    cannot say: a report whose COMMIT answer was lost may hold them. Returns how many files were removed."""
    stored = {s.ref: s.stored_as for s in sealed if s.stored_as}
    if not stored:
        return 0
    try:
        present = set(VaultBlob.objects.filter(ref__in=list(stored)).values_list("ref", flat=True))
    except Exception as exc:  # noqa: BLE001 - unknown: keep them (unreadable without their rows anyway)
        log.warning("vault: kept %d stored ciphertexts of a failed write (%s)", len(stored), type(exc).__name__)
        return 0
    removed = 0
    for ref, name in stored.items():
        if ref not in present:
            removed += _blob_file_delete(name)
    return removed


def blob_files_remove(sealed: list[SealedBlob]) -> None:
    """Remove the stored files of sealed blobs whose rows were never written (the caller knows)."""
    for s in sealed:
        if s.stored_as:
            _blob_file_delete(s.stored_as)


def _blob_file_delete(name: str) -> int:
    try:
        _blob_files().delete(name)
        return 1
    except Exception as exc:  # noqa: BLE001 - the data key is gone or was never stored: unreadable either way
        log.warning("vault: a stored ciphertext could not be removed (%s)", type(exc).__name__)
        return 0


def blob_store(data: bytes, *, content_type: str = "") -> str:
    """Seal and insert in one go (in the caller's transaction). A stored file whose row is rolled back with the
    caller's transaction later stays until ``blob_files_sweep``: it cannot be read."""
    sealed = blob_seal(data, content_type=content_type)
    try:
        return blob_insert(sealed)
    except BaseException:
        blob_discard([sealed])
        raise


class BlobFileMissing(Exception):
    """A live blob's stored ciphertext is not in the vault's storage (a volume not mounted, a lost file)."""


def blob_files_sweep(*, oldest_days: int = 9, newest_days: int = 2, now=None) -> dict[str, int]:
    """Remove the vault's stored files that no live row names, in the day directories ``newest_days`` to
    ``oldest_days`` days old: files of writes that failed without their cleanup (a crash between the file and
    the COMMIT) or of shreddings whose removal after commit failed. None of them can be read (their data keys
    were never stored, or are gone), so this frees space only. A file younger than ``newest_days`` days is never
    looked at: its report may still be on its way to the database. Cost: the listed days' files, not history."""
    from datetime import timedelta

    files = _blob_files()
    now = now or timezone.now()
    counts = {"days": 0, "files": 0, "kept": 0, "removed": 0}
    for age in range(max(newest_days, 1), max(oldest_days, newest_days) + 1):
        day = f"{now - timedelta(days=age):%Y/%m/%d}"
        try:
            _dirs, names = files.listdir(day)
        except FileNotFoundError:
            continue
        counts["days"] += 1
        for start in range(0, len(names), 500):
            batch = names[start : start + 500]
            # a file is named by its blob's ref (the storage adds "_xxxxxxx" only if the name were taken)
            refs = set(batch) | {name[:-8] for name in batch if len(name) > 8 and name[-8] == "_"}
            live = set(
                VaultBlob.objects.filter(ref__in=list(refs), wrapped_key__isnull=False)
                .exclude(stored_as="")
                .values_list("stored_as", flat=True)
            )
            for path in (f"{day}/{name}" for name in batch):
                counts["files"] += 1
                if path in live:
                    counts["kept"] += 1
                else:
                    counts["removed"] += _blob_file_delete(path)
    return counts


def _blob_ciphertext(blob: VaultBlob) -> bytes:
    if not blob.stored_as:
        return bytes(blob.ciphertext)
    try:
        with _blob_files().open(blob.stored_as, "rb") as f:
            return f.read()
    except FileNotFoundError:
        log.error("vault: the stored ciphertext of %s is missing", blob.ref)
        raise BlobFileMissing(blob.ref) from None


def blob_read(ref: str) -> bytes | None:
    """The original, or None if there is no such blob or it was shredded. Raises ``BlobFileMissing`` when its
    stored file cannot be found (possibly for a while: a storage not mounted), and the storage's own errors."""
    blob = VaultBlob.objects.filter(ref=ref).first()
    if blob is None or blob.wrapped_key is None:
        return None
    return _unseal(blob, _blob_ciphertext(blob))


def blob_destroy(ref: str) -> bool:
    """Crypto-shred a blob: its wrapped data key goes; its stored file, if any, is removed once that commits."""
    stored = VaultBlob.objects.filter(ref=ref, wrapped_key__isnull=False).values_list("stored_as", flat=True).first()
    if stored is None:
        return False
    destroyed = VaultBlob.objects.filter(ref=ref, wrapped_key__isnull=False).update(
        wrapped_key=None, ciphertext=b"", stored_as="", destroyed_at=timezone.now()
    )
    if destroyed and stored:
        transaction.on_commit(lambda: _blob_file_delete(stored))
    return bool(destroyed)


# --- key rotation -----------------------------------------------------------------------------


def rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-wrap every data key under the current master key. Payloads are never decrypted."""
    ring = keyring()
    current = master_key()
    counts = {"rewrapped": 0, "already_current": 0, "shredded": 0}
    for model in (IdentityRecord, VaultBlob):
        counts["already_current"] += model.objects.filter(key_id=current.key_id).count()
        counts["shredded"] += model.objects.filter(wrapped_key__isnull=True).exclude(key_id=current.key_id).count()
        while True:
            with transaction.atomic():
                batch = list(
                    model.objects.select_for_update()
                    .filter(wrapped_key__isnull=False)
                    .exclude(key_id=current.key_id)[:batch_size]
                )
                if not batch:
                    break
                for record in batch:
                    old = ring.get(record.key_id)
                    if old is None:
                        raise DomainError(
                            f"Kunci induk lama {record.key_id} tidak ada di SIGAP_VAULT_OLD_KEYS.",
                            f"Old master key {record.key_id} is not in SIGAP_VAULT_OLD_KEYS.",
                            code="vault_key_missing",
                            status=500,
                        )
                    data_key = aes_key_unwrap(old.key, bytes(record.wrapped_key))
                    record.wrapped_key = aes_key_wrap(current.key, data_key)
                    record.key_id = current.key_id
                    record.save(update_fields=["wrapped_key", "key_id"])
                    counts["rewrapped"] += 1
        model.objects.filter(wrapped_key__isnull=True).exclude(key_id=current.key_id).update(key_id=current.key_id)
    return counts
