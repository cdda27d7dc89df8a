"""The identity vault: envelope encryption of everything that identifies a reporter.

Only intake (to store), the relay (to deliver a message without showing the address) and, in a later
step, the reveal flow may import this module. Officer-facing code (``sigap.officers``, ``sigap.analytics``,
``sigap.open311``) never does; a test walks the import graph to prove it.

Master key: ``SIGAP_VAULT_KEY`` (urlsafe base64 of 32 bytes) or the file ``SIGAP_VAULT_KEY_FILE``
(created on first use in the embedded default). In production, keep the master key in a KMS/HSM
and inject it into the environment at start (docs/privacy.md).
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from django.conf import settings
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.core.files import write_secret_file

from .models import IdentityRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"sigap-vault-key-id" + self.key).hexdigest()[:16]


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("vault master key is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError("vault master key must be 32 bytes (urlsafe base64)")
    return raw


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def master_key() -> MasterKey:
    if settings.SIGAP_VAULT_KEY:
        return MasterKey(_decode_key(settings.SIGAP_VAULT_KEY))
    path = Path(settings.SIGAP_VAULT_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_secret_file(path, generate_master_key())
        log.warning("vault: created a master key file (embedded default); keep it out of database backups")
    return MasterKey(_decode_key(path.read_text()))


def _encrypt(ref: str, payload: dict, mk: MasterKey) -> tuple[bytes, bytes, bytes]:
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    ciphertext = AESGCM(data_key).encrypt(nonce, json.dumps(payload, ensure_ascii=False).encode(), ref.encode())
    return aes_key_wrap(mk.key, data_key), nonce, ciphertext


def identity_store(*, payload: dict) -> str:
    """Encrypt ``payload`` (name, phone, email, nik, channel, address, original text, ...) and return its ref."""
    ref = "idr_" + secrets.token_urlsafe(24)
    mk = master_key()
    wrapped, nonce, ciphertext = _encrypt(ref, payload, mk)
    IdentityRecord.objects.create(ref=ref, key_id=mk.key_id, wrapped_key=wrapped, nonce=nonce, ciphertext=ciphertext)
    return ref


def _open(record: IdentityRecord) -> dict | None:
    if record.wrapped_key is None:
        return None  # crypto-shredded
    mk = master_key()
    if record.key_id != mk.key_id:
        raise DomainError("Kunci induk vault tidak cocok.", "The vault master key does not match this record.",
                          code="vault_key_mismatch", status=500)
    data_key = aes_key_unwrap(mk.key, bytes(record.wrapped_key))
    plain = AESGCM(data_key).decrypt(bytes(record.nonce), bytes(record.ciphertext), record.ref.encode())
    return json.loads(plain)


def identity_update(ref: str, **fields) -> None:
    """Add fields to a record (e.g. a reporter's later answer in original form). Re-encrypts under a new data key."""
    record = IdentityRecord.objects.select_for_update().get(ref=ref)
    payload = _open(record)
    if payload is None:
        return
    payload.update(fields)
    mk = master_key()
    record.wrapped_key, record.nonce, record.ciphertext = _encrypt(ref, payload, mk)
    record.key_id = mk.key_id
    record.save(update_fields=["wrapped_key", "nonce", "ciphertext", "key_id"])


def contact_channel(ref: str) -> tuple[str, str] | None:
    """(channel, address) for the relay. Private to this package: callers outside ``sigap.privacy`` never get it."""
    if not ref:
        return None
    record = IdentityRecord.objects.filter(ref=ref).first()
    if record is None:
        return None
    payload = _open(record)
    if not payload:
        return None
    channel = payload.get("channel", "")
    if payload.get("email"):
        return ("email", payload["email"])
    if payload.get("phone") and channel in {"sms", "whatsapp"}:
        return (channel, payload["phone"])
    return None


def identity_destroy(ref: str) -> bool:
    """Crypto-shred: drop the wrapped data key so the ciphertext can never be read again."""
    updated = IdentityRecord.objects.filter(ref=ref, wrapped_key__isnull=False).update(
        wrapped_key=None, destroyed_at=timezone.now()
    )
    return bool(updated)
