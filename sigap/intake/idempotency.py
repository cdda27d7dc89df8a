"""``Idempotency-Key`` for ``POST /api/v1/reports``: a client's retry never files a report twice.

Follows the IETF draft "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header):

* the same key with the same request answers what the first request answered (201, the same number, the
  same tracking code and secret), with ``Idempotency-Replayed: true``;
* the same key with a different request is refused: 422 ``idempotency_key_reused``;
* the same key while the first request is still being written: 409 ``idempotency_key_in_use``;
* a key is kept ``SIGAP_IDEMPOTENCY_HOURS`` (24) after the first request; then it is forgotten.

Scope: a key is scoped to this endpoint, not to the client's address. Reports are filed without an account,
and a resident's phone changes address between tries (Wi-Fi to mobile data, carrier-grade NAT), which is
exactly when it retries. The key therefore has to be unguessable (16-255 printable characters; a UUID v4
is the usual choice), and a replay needs both the key and the identical request.

What is stored (``IdempotencyRecord``) names no reporter and reveals no secret: ``key_hash`` is an HMAC of
the key under the server's ``SECRET_KEY``; ``fingerprint`` an HMAC of the request (fields and photo digests)
under a key derived from the Idempotency-Key; ``sealed`` the first answer (number, unit, tracking code,
secret, warnings) encrypted (Fernet) under that derived key. Without the client's key the tracking code
cannot be read back from the database. The record is written in the same transaction as the report, so
it exists exactly when the report does (also after a COMMIT whose answer was lost).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.core.rows import insert_rows
from sigap.reports.models import Report
from sigap.reports.schemas import code_name

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
SCOPE = "POST /api/v1/reports"
# The portal's report form carries its own key (a hidden field made when the form is shown), so a resident who
# sends it again after a lost answer gets the first report back rather than a second one.
WEB_SCOPE = "POST /lapor/"
MIN_LENGTH, MAX_LENGTH = 16, 255
_PURGE_EVERY_SECONDS = 600
_last_purge = [0.0]
_purge_lock = threading.Lock()


@dataclass(frozen=True)
class Claim:
    key_hash: str
    fingerprint: str
    seal_key: bytes


def hours() -> int:
    return int(getattr(settings, "SIGAP_IDEMPOTENCY_HOURS", 24))


def form_key(value: str) -> str | None:
    """A report form's submission key, or None when it is absent or not a key (the form is then filed unkeyed)."""
    value = (value or "").strip()
    if MIN_LENGTH <= len(value) <= MAX_LENGTH and all(" " < ch <= "~" for ch in value):
        return value
    return None


def key_from(request) -> str | None:
    """The request's Idempotency-Key (an RFC 8941 string, quoted or not), or None. Raises 400 if malformed."""
    return key_parse(request.headers.get(HEADER))


def key_parse(raw: str | None) -> str | None:
    """An Idempotency-Key header's value as ``key_from`` reads it (for a view that hands the header over)."""
    if raw is None:
        return None
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH or not all(" " < ch <= "~" for ch in value):
        raise DomainError(
            f"Header Idempotency-Key harus {MIN_LENGTH}-{MAX_LENGTH} karakter ASCII tanpa spasi (misalnya sebuah UUID).",
            f"The Idempotency-Key header must be {MIN_LENGTH}-{MAX_LENGTH} printable ASCII characters (a UUID, say).",
            code="invalid_idempotency_key",
            status=400,
            field=HEADER,
        )
    return value


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def claim(key: str, fields: dict, photos: list[tuple[str, bytes]], *, scope: str = SCOPE) -> Claim:
    """``scope``: the endpoint the key belongs to (the API's, or the portal form's ``WEB_SCOPE``)."""
    server = settings.SECRET_KEY.encode()
    seal_key = _hmac(server, f"sigap-idempotency-seal\n{scope}\n{key}")
    canonical = json.dumps(
        {"fields": fields, "photos": [[name, hashlib.sha256(raw).hexdigest()] for name, raw in photos]},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Claim(
        key_hash=_hmac(server, f"sigap-idempotency-key\n{scope}\n{key}").hex(),
        fingerprint=hmac.new(seal_key, canonical.encode(), hashlib.sha256).hexdigest(),
        seal_key=seal_key,
    )


def _fernet(c: Claim) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(c.seal_key))


def summary(result, kelurahan: dict | None) -> dict:
    """What the 201 answer says, independent of the language it is rendered in (from an IntakeResult and
    the report's kelurahan as ``{"code", "name"}``)."""
    report = result.report
    return {
        "id": report.number,
        "tracking_code": result.tracking_code,
        "secret": result.secret or None,
        "warnings": list(result.warnings),
        "status": report.status,
        "unit": code_name(report.unit),
        "kelurahan": kelurahan,
        "category": code_name(report.category),
        "category_confidence": result.category_confidence,
        "triage": bool(report.triage_reason),
        "privacy": report.privacy,
        "locate_method": report.locate_method,
    }


def records_create(pairs: list[tuple[Claim, object]]) -> None:
    """Inside the intake transaction: one record per keyed report just created (``pairs``: claim, IntakeResult)."""
    if not pairs:
        return
    from sigap.organization.models import Wilayah

    kel_ids = {r.report.kelurahan_id for _c, r in pairs if r.report.kelurahan_id}
    kelurahan = Wilayah.objects.in_bulk(list(kel_ids)) if kel_ids else {}
    insert_rows(
        [
            IdempotencyRecord(
                key_hash=c.key_hash,
                fingerprint=c.fingerprint,
                report_id=r.report.pk,
                created_at=r.report.created_at,
                sealed=_fernet(c)
                .encrypt(json.dumps(summary(r, code_name(kelurahan.get(r.report.kelurahan_id))), default=str).encode())
                .decode(),
            )
            for c, r in pairs
        ]
    )


def form_once(key: str, *, scope: str, report, fields: dict, photos: list[tuple[str, bytes]] = ()) -> bool:
    """A form's key (a hidden field made when the form was shown, or an API client's Idempotency-Key) used for the
    first time on ``report``: True, and it is kept as used; False when this same request (``fields`` and
    ``photos``) was sent with it already (a second tap on a slow network, a resent form); 422
    ``idempotency_key_reused`` when it came with another request. Bound to the report: the same key on another report
    is another key (found by a review: a key used on one report swallowed an answer to another, and made a refused
    answer look done). Call it inside the transaction that does what the form asks, before doing it: a refusal
    rolls the key back with the rest, and a second send while the first is being written waits for it, then finds
    the key used."""
    c = claim(key, fields, list(photos), scope=f"{scope} report {report.pk}")
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(key_hash=c.key_hash, created_at__lt=_cutoff()).delete()  # expired
            IdempotencyRecord.objects.create(
                key_hash=c.key_hash, fingerprint=c.fingerprint, report=report, sealed="", created_at=timezone.now()
            )
    except IntegrityError:
        stored = IdempotencyRecord.objects.filter(key_hash=c.key_hash).values_list("fingerprint", flat=True).first()
        if stored is not None and not hmac.compare_digest(stored, c.fingerprint):
            raise DomainError(
                "Kunci ini sudah dipakai untuk permintaan lain. Pakai kunci baru untuk permintaan baru.",
                "This key was used for a different request. Use a new key for a new request.",
                code="idempotency_key_reused",
                status=422,
                field=HEADER,
            ) from None
        return False
    return True


def _cutoff():
    return timezone.now() - timedelta(hours=hours())


def lookup(c: Claim) -> dict | None:
    """The first answer for this key (None if the key is new or expired). Raises 422 for another request."""
    _purge_now_and_then()
    record = IdempotencyRecord.objects.filter(key_hash=c.key_hash).first()
    if record is None:
        return None
    if record.created_at < _cutoff():
        record.delete()  # expired: the key may be used afresh
        return None
    if not hmac.compare_digest(record.fingerprint, c.fingerprint):
        raise DomainError(
            "Idempotency-Key ini sudah dipakai untuk laporan lain. Pakai kunci baru untuk laporan baru.",
            "This Idempotency-Key was used for a different report. Use a new key for a new report.",
            code="idempotency_key_reused",
            status=422,
            field=HEADER,
        )
    if not record.sealed:  # the portal's done page showed its codes (``spend``): the number only, never them again
        return {
            "id": Report.objects.filter(pk=record.report_id).values_list("number", flat=True).first(),
            "spent": True,
        }
    try:
        return json.loads(_fernet(c).decrypt(record.sealed.encode()))
    except InvalidToken:  # SECRET_KEY changed since: cannot be read back
        raise in_use() from None


def in_use() -> DomainError:
    return DomainError(
        "Laporan dengan Idempotency-Key ini sedang diproses. Coba lagi sebentar lagi.",
        "A report with this Idempotency-Key is being processed. Try again shortly.",
        code="idempotency_key_in_use",
        status=409,
        field=HEADER,
    )


def exists(c: Claim) -> bool:
    return IdempotencyRecord.objects.filter(key_hash=c.key_hash).exists()


def spend(key_hash: str) -> None:
    """The portal, once its done page has shown the answer: the codes it sealed are forgotten, the key is kept. The
    same form sent again (Back on a shared phone, a replayed request) is told its report's number, never its codes,
    and files nothing. Forgetting the key filed that resend as a second report (a fault-injection review)."""
    IdempotencyRecord.objects.filter(key_hash=key_hash).update(sealed="")


def purge() -> int:
    """Forget keys past their time (one indexed DELETE)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_cutoff()).delete()
    return deleted


def _purge_now_and_then() -> None:
    """At most every ten minutes per process, so the table holds about a day of keys without a scheduler."""
    now = time.monotonic()
    with _purge_lock:
        if now - _last_purge[0] < _PURGE_EVERY_SECONDS:
            return
        _last_purge[0] = now
    purge()
