"""The photo worker: de-identifies photos whose originals the request only stored (``sigap.reports.photoqueue``).

The only code that reads a photo's original back from the vault. One attempt:

1. claim the row (a conditional UPDATE: still ``processing``, and unclaimed or its claim older than
   ``SIGAP_PHOTO_LEASE_SECONDS``), counting the attempt, so two workers never work on one photo and a
   worker that dies mid-way leaves a row the sweep takes again;
2. read the original, ``photo_clean`` it (decode, orient, cap, detect and blur faces and plates, drop
   every piece of metadata, re-encode), save the officer copy;
3. mark the row ``ready`` with the copy's name, size and hash, and the proof checks' evidence (perceptual hash;
   a proof photo's capture time and place), if the claim is still ours; then flag the report's proof photos
   anew (``sigap.reports.proofcheck``).

An upload the decoder refuses (corrupt, truncated: a 4xx DomainError) fails at once, since retrying cannot
help; any other error releases the claim for the next sweep. After ``SIGAP_PHOTO_MAX_ATTEMPTS`` attempts
the row is ``failed``: every surface shows "foto tidak dapat ditampilkan", an audit event is written and
every admin account gets a staff notice.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.core.models import AuditEvent
from sigap.reports import proofcheck
from sigap.reports.models import Photo, Privacy

from . import vault
from .photos import photo_clean

log = logging.getLogger(__name__)


def original_store(raw: bytes) -> str:
    return vault.blob_store(raw, content_type="application/octet-stream")


def _claimable(now: datetime) -> Q:
    stale = now - timedelta(seconds=settings.SIGAP_PHOTO_LEASE_SECONDS)
    return Q(state=Photo.State.PROCESSING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))


def photo_process(photo_id: int, *, now: datetime | None = None) -> str:
    """One attempt at one photo. Returns "ready", "retry", "failed" or "skipped" (not ours to do)."""
    now = now or timezone.now()
    claimed = Photo.objects.filter(_claimable(now), pk=photo_id).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    photo = Photo.objects.select_related("report").filter(pk=photo_id).first()
    if photo is None:
        return "skipped"
    try:
        raw = vault.blob_read(photo.original_ref) if photo.original_ref else None
    except DatabaseError:
        raise
    except vault.BlobFileMissing:  # its file, not its key: perhaps a storage not mounted yet; tried again
        return _retry_or_fail(photo, "original_file_missing")
    except Exception as exc:  # noqa: BLE001 - the storage's errors, a vault key not loaded, a file that does not open
        log.warning("photos: photo %s: original not readable (%s)", photo.pk, type(exc).__name__)
        return _retry_or_fail(photo, getattr(exc, "code", None) or type(exc).__name__)
    if raw is None:  # destroyed by retention, or never stored: nothing to make a copy from
        return _fail(photo, "original_missing")
    try:
        clean = photo_clean(raw, filename=f"foto-{photo.pk}", blur=True)
    except DomainError as exc:
        if exc.status < 500:
            return _fail(photo, exc.code or "refused")
        return _retry_or_fail(photo, exc.code or "unavailable")
    except Exception as exc:  # noqa: BLE001 - the type only: a message could quote the content
        log.warning("photos: photo %s attempt %s failed (%s)", photo.pk, photo.attempts, type(exc).__name__)
        return _retry_or_fail(photo, type(exc).__name__)
    name = f"{photo.report.number}-{photo.kind}-{secrets.token_hex(6)}.jpg"
    photo.image.save(name, ContentFile(clean.data), save=False)
    try:
        done = _mark_ready(photo, clean)
    except DatabaseError as exc:
        photo.image.storage.delete(photo.image.name)
        if isinstance(exc, OperationalError | InterfaceError):
            raise  # the database is away: the sweep stops and the lease lets the photo be taken again
        # a value the database refuses: counted, so it fails after the attempts allowed
        log.warning("photos: photo %s attempt %s not saved (%s)", photo.pk, photo.attempts, type(exc).__name__)
        return _retry_or_fail(photo, type(exc).__name__)
    if not done:  # the lease ran out and another worker finished it: keep theirs
        photo.image.storage.delete(photo.image.name)
        return "skipped"
    return "ready"


@transaction.atomic
def _mark_ready(photo: Photo, clean) -> int:
    """The photo ready with its copy and, for a proof, its flags, in one commit: a validation never sees a ready
    proof photo not yet checked. 0 when another worker finished it meanwhile."""
    done = Photo.objects.filter(pk=photo.pk, state=Photo.State.PROCESSING, claimed_at=photo.claimed_at).update(
        state=Photo.State.READY,
        image=photo.image.name,
        width=clean.width,
        height=clean.height,
        sha256=clean.sha256,
        content_type=clean.content_type,
        claimed_at=None,
        last_error="",
        **proofcheck.evidence_fields(clean, photo.kind, photo.report.privacy),
    )
    if done and photo.kind in proofcheck.PROOF_KINDS:
        proofcheck.report_recheck(photo.report_id)
    if done:
        _anonymous_original_shredded(photo)
    return done


def _anonymous_original_shredded(photo: Photo) -> None:
    """An Anonim reporter's photo, once its fate is settled (the officers' copy made, or given up), keeps no
    original: the upload as taken holds the phone's make and model and often the GPS of where it was taken (their
    home), and an Anonim report promises that nothing about the reporter is kept. Shredded in the same commit as
    the state (its file removed after it); a Privat or Publik report keeps its original under retention."""
    if photo.kind != Photo.Kind.REPORT or photo.report.privacy != Privacy.ANONYMOUS or not photo.original_ref:
        return
    vault.blob_destroy(photo.original_ref)
    Photo.objects.filter(pk=photo.pk).update(original_ref="")


def _retry_or_fail(photo: Photo, error: str) -> str:
    if photo.attempts >= settings.SIGAP_PHOTO_MAX_ATTEMPTS:
        return _fail(photo, error)
    Photo.objects.filter(pk=photo.pk, state=Photo.State.PROCESSING, claimed_at=photo.claimed_at).update(
        claimed_at=None, last_error=error[:200]
    )
    return "retry"


@transaction.atomic
def _fail(photo: Photo, error: str) -> str:
    failed = Photo.objects.filter(pk=photo.pk, state=Photo.State.PROCESSING).update(
        state=Photo.State.FAILED, claimed_at=None, last_error=error[:200]
    )
    if not failed:
        return "skipped"
    _anonymous_original_shredded(photo)
    number = photo.report.number
    AuditEvent.objects.create(
        action="photo:failed",
        actor_kind="system",
        report_id=photo.report_id,
        detail={"photo": photo.pk, "kind": photo.kind, "attempts": photo.attempts, "error": error[:200]},
    )
    from sigap.organization.notices import notify_admins

    notify_admins(
        kind="photo_failed",
        report_number=number,
        body=(
            f"Foto {photo.pk} pada laporan {number} tidak dapat diproses setelah {photo.attempts} kali percobaan "
            f"({error[:80]}). Petugas dan publik melihat 'foto tidak dapat ditampilkan'."
        ),
        body_en=(
            f"Photo {photo.pk} of report {number} could not be processed after {photo.attempts} attempts "
            f"({error[:80]}). Officers and the public see 'photo cannot be shown'."
        ),
    )
    log.error("photos: photo %s of report %s failed after %s attempts (%s)", photo.pk, number, photo.attempts, error)
    return "failed"


def photos_sweep(*, limit: int = 200, now: datetime | None = None) -> dict[str, int]:
    """Process every photo nobody holds: never claimed (broker down, process stopped before its thread
    took it) or claimed longer ago than the lease (its worker died). One attempt each per sweep."""
    ids = list(
        Photo.objects.filter(_claimable(now or timezone.now())).order_by("id").values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in ids:
        outcome = photo_process(pk, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
