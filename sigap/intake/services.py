"""The intake pipeline: what every channel calls to file a report or speak for its reporter.

Order matters for privacy: photos are checked (header only; the worker de-identifies them after commit and
nothing of a photo is shown before that), typed text is redacted and the identity goes to
the vault *before* anything is written where officers can read it. One transaction: a failure at any
step leaves nothing behind in the database. A photo's original is encrypted and its ciphertext written to the
vault's file storage while preparing (in the request's thread); a write known to have failed before its COMMIT
removes those files; any other (a caller that stopped waiting, a lost COMMIT answer, a caller's transaction
rolled back, a crash) leaves them to ``sigap vault sweep``: no key for them is anywhere, so none can be read.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from sigap.core import limits
from sigap.core.errors import DomainError
from sigap.privacy import door, vault
from sigap.privacy.photometa import without_metadata
from sigap.privacy.photos import CheckedPhoto, gps_distance_warning, photo_check
from sigap.reports import desk, outbox
from sigap.reports import services as report_services
from sigap.reports.categorize import categorize
from sigap.reports.models import Channel, Notification, Privacy, Report

from . import groupcommit, idempotency

log = logging.getLogger(__name__)

CONDUCT_CATEGORY = report_services.CONDUCT_CATEGORY
# A machine never files these on its own: a complaint about officials hides the report from the unit
# concerned, and "other" has no responsible unit. A person at the triage desk confirms.
HUMAN_CONFIRMS = {CONDUCT_CATEGORY, "lainnya"}
MAX_DESCRIPTION = limits.MAX_DESCRIPTION
MIN_DESCRIPTION = limits.MIN_DESCRIPTION


@dataclass
class Reporter:
    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""

    def is_empty(self) -> bool:
        return not any((self.name.strip(), self.phone.strip(), self.email.strip(), self.nik.strip()))


def door_terms(reporter: Reporter | None, known_contacts: Mapping | None = None) -> dict:
    """What the redaction door is told of a sender: their details as given (``reporter``) and the addresses the
    channel knows of them (``Submission.known_contacts``: a chat's number, an app's account and device). The one
    source for the copy officers read (``report_submit``) and for what places a report before it is filed
    (``sigap.intake.placing``): each path once built its own, with fewer terms, and a report was placed by a word
    its stored copy hid (an attacker's review: Open311's ``account_id``, the operator form's email)."""
    reporter = reporter or Reporter()
    known = known_contacts or {}
    return {
        "name": reporter.name,
        "phone": reporter.phone or known.get("phone", ""),
        "email": reporter.email or known.get("email", ""),
        "nik": reporter.nik,
        "handle": known.get("handle", ""),
        "username": known.get("username", ""),
        "device_id": known.get("device_id", ""),
    }


@dataclass
class Submission:
    """One report as any channel hands it in."""

    category: str
    description: str
    lat: float | None
    lon: float | None
    channel: str
    address: str = ""
    privacy: str = Privacy.PRIVATE
    reporter: Reporter | None = None
    photos: list[tuple[str, bytes]] = field(default_factory=list)  # (filename, raw bytes)
    is_demo: bool = False
    about_unit: str = ""  # for complaints about officials: the unit concerned (never shown the report)
    notify_received: bool = True  # False when the channel confirms the filing itself (chat dialogs)
    allow_no_location: bool = False  # channels that may bring only text: the report goes to the triage desk
    # names the channel knows but does not keep (an anonymous reporter's chat profile name): still redacted
    known_names: tuple[str, ...] = ()
    # the same for an anonymous reporter's address on the channel ("phone", "email", "handle": their WhatsApp
    # number, their email): taken out of what they wrote, never stored
    known_contacts: dict = field(default_factory=dict)
    # an API client's Idempotency-Key (``idempotency.Claim``): recorded in the report's own transaction
    idempotency: object = None
    # characters the channel appended to the resident's text (Open311's answers to the service's questions): not
    # counted against the resident's MAX_DESCRIPTION
    appended: int = 0
    # the language the resident wrote or asked in ("en", "id"; "" when the channel cannot tell): kept with their
    # identity, so that every message to them is in it (``sigap.privacy.relay``)
    language: str = ""


@dataclass(frozen=True)
class IntakeResult:
    report: Report
    tracking_code: str
    location: object
    secret: str = ""  # anonymous reports only; shown once
    warnings: tuple[dict, ...] = ()
    category_confidence: float | None = None  # set when the machine chose the category
    replayed: bool = False  # an Idempotency-Key's retry: the report filed by the first request, not a new one


def _invalid(field_name: str, msg_id: str, msg_en: str, code: str = "invalid_input") -> DomainError:
    return DomainError(msg_id, msg_en, code=code, status=422, field=field_name)


def photos_count_check(n: int) -> None:
    """More photos than one report takes (a report, or an answer): refused before any is read further."""
    if n > settings.SIGAP_PHOTOS_PER_REPORT:
        raise _invalid(
            "photos",
            f"Terlalu banyak foto (maksimal {settings.SIGAP_PHOTOS_PER_REPORT}).",
            f"Too many photos (at most {settings.SIGAP_PHOTOS_PER_REPORT}).",
            "too_many_photos",
        )


def _nul_refused(field_name: str) -> DomainError:
    return _invalid(
        field_name,
        "Teks berisi karakter yang tidak diizinkan (NUL, kode 0). Hapus karakter itu lalu kirim lagi.",
        "The text holds a character that is not allowed (NUL, code 0). Remove it and send again.",
        "invalid_character",
    )


def text_check(field_name: str, value: str | None) -> None:
    """PostgreSQL refuses U+0000 in text: refused here (422) before any write, never a 500 in a batch."""
    if value and "\x00" in value:
        raise _nul_refused(field_name)


def _texts(sub: Submission):
    reporter = sub.reporter or Reporter()
    yield from (
        ("category", sub.category),
        ("description", sub.description),
        ("address", sub.address),
        ("privacy", sub.privacy),
        ("channel", sub.channel),
        ("about_unit", sub.about_unit),
        ("reporter.name", reporter.name),
        ("reporter.phone", reporter.phone),
        ("reporter.email", reporter.email),
        ("reporter.nik", reporter.nik),
    )
    yield from (("known_names", name) for name in sub.known_names)
    yield from ((f"known_contacts.{key}", str(value)) for key, value in sub.known_contacts.items())
    yield from (("photos", filename) for filename, _raw in sub.photos)


def phone_possible(phone: str) -> bool:
    """Whether a number a reporter gave can be a phone number (Indonesian unless it says +country): its length and
    digits, by ``phonenumbers``; separators and spaces allowed."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(phone, "ID"))
    except phonenumbers.NumberParseException:
        return False


# An Indonesian NIK as people write it: 16 ASCII digits, in groups or not (the door finds it in text by those digits)
_NIK = re.compile(r"[0-9](?:[ .\-]?[0-9]){15}")


def email_possible(email: str) -> bool:
    """Whether an address a reporter typed can be an email address (Django's ``validate_email``)."""
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def fitted(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters. Redaction makes a text longer (a 13-digit number becomes "[nomor telepon
    disembunyikan]"), so an address typed within the limit could be stored past it: refused by PostgreSQL's column
    (a 500 and nothing filed) and kept whole by SQLite (found by a review). Cut at a word, never inside a
    placeholder, and marked with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():  # inside a word: back to the word before
        cut = cut[: cut.rfind(" ")]
    while cut.rfind("[") > cut.rfind("]"):  # inside a placeholder: keep it whole or not at all
        cut = cut[: cut.rfind("[")]
    return cut.rstrip() + "…"


def submission_validate(sub: Submission) -> None:
    for field_name, value in _texts(sub):
        if isinstance(value, str):
            text_check(field_name, value)
    text = (sub.description or "").strip()
    if len(text) < MIN_DESCRIPTION:
        raise _invalid(
            "description",
            f"Uraian terlalu pendek (minimal {MIN_DESCRIPTION} karakter). Jelaskan lokasi dan kronologi.",
            f"The description is too short (at least {MIN_DESCRIPTION} characters). Describe the place and what happened.",
            "description_too_short",
        )
    if len(text) - max(sub.appended, 0) > MAX_DESCRIPTION:
        raise _invalid(
            "description",
            f"Uraian terlalu panjang (maksimal {MAX_DESCRIPTION} karakter).",
            f"The description is too long (at most {MAX_DESCRIPTION} characters).",
            "description_too_long",
        )
    if (sub.lat is None or sub.lon is None) and not sub.allow_no_location:
        raise _invalid(
            "lat", "Lokasi (lat dan lon) wajib diisi.", "A location (lat and lon) is required.", "location_required"
        )
    for name, value, low, high in (("lat", sub.lat, -90, 90), ("lon", sub.lon, -180, 180)):
        if value is None and sub.allow_no_location:
            continue
        if not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
            raise _invalid(
                name,
                f"Koordinat {name} tidak valid: {value!r}.",
                f"Invalid {name} coordinate: {value!r}.",
                "invalid_coordinates",
            )
    if sub.privacy not in Privacy.values:
        raise _invalid(
            "privacy",
            f"Pilihan privasi tidak dikenal: {sub.privacy!r} (pilih private, public, atau anonymous).",
            f"Unknown privacy choice {sub.privacy!r} (use private, public or anonymous).",
            "invalid_privacy",
        )
    if sub.channel not in Channel.values:
        raise _invalid(
            "channel", f"Kanal tidak dikenal: {sub.channel!r}.", f"Unknown channel {sub.channel!r}.", "invalid_channel"
        )
    phone = (sub.reporter.phone if sub.reporter else "").strip()
    if phone and not phone_possible(phone):
        # a resident who leaves a number waits for messages to it (found by a review: "abc" was kept silently)
        raise _invalid(
            "phone",
            "Nomor telepon tidak dikenali. Tulis nomor ponsel seperti 0812 3456 7890, atau kosongkan.",
            "The phone number is not recognised. Write a mobile number such as 0812 3456 7890, or leave it empty.",
            "invalid_phone",
        )
    email = (sub.reporter.email if sub.reporter else "").strip()
    if email and sub.channel != Channel.EMAIL and not email_possible(email):
        # as for a phone: updates go to it, and a resident would wait for mail that cannot come (found by a review:
        # "siti-at-example.org" was filed through the API and Open311). An email's own sender is never refused here.
        raise _invalid(
            "email",
            "Alamat email tidak valid. Tulis seperti nama@contoh.id, atau kosongkan.",
            "The email address is not valid. Write it like name@example.id, or leave it empty.",
            "invalid_email",
        )
    nik = (sub.reporter.nik if sub.reporter else "").strip()
    if nik and not _NIK.fullmatch(nik):
        raise _invalid(
            "nik",
            "NIK terdiri dari 16 angka (spasi, titik atau tanda hubung boleh), atau kosongkan.",
            "A NIK is 16 digits (spaces, dots or hyphens allowed), or leave it empty.",
            "invalid_nik",
        )
    if len(sub.address or "") > limits.ADDRESS_MAX:
        raise _invalid(
            "address",
            "Alamat terlalu panjang (maksimal 500 karakter).",
            "The address is too long (at most 500 characters).",
        )
    photos_count_check(len(sub.photos))


def _concerned_unit(sub: Submission, category):
    """Complaints about officials: the unit the reporter names, checked by the reports domain, which also
    sets the default (the kelurahan of the location) on every path (``reports.services.conflict_settle``)."""
    return report_services.about_unit_check(category=category, about_unit=sub.about_unit)


@dataclass
class _Prepared:
    """A submission after every check and every privacy step that needs no database write."""

    sub: Submission
    new: report_services.NewReport
    photos: list[CheckedPhoto]  # header checked; de-identified later by the worker (sigap.reports.photoqueue)
    identity: dict | None
    warnings: tuple[dict, ...]
    confidence: float | None
    idempotency: object = None
    # the photos' originals sealed in the request's thread (a photo's ciphertext already in the vault's file
    # storage), in the order of ``photos``; their rows are written with the report
    originals: list[vault.SealedBlob] = field(default_factory=list)


def _prepare(sub: Submission, *, actor, actor_kind: str, now: datetime | None) -> _Prepared:
    """Validate, categorize, route, de-identify photos and redact text. Raises DomainError; writes nothing."""
    submission_validate(sub)
    # the caller's submission is left as it was given (a caller may submit it again after a refusal)
    category, category_source, confidence, triage_reason = sub.category, "reporter", None, ""
    if not category:
        ranked, threshold = categorize(sub.description)
        category, confidence = ranked[0] if ranked else ("lainnya", 0.0)
        category_source = "machine"
        if confidence < threshold or category in HUMAN_CONFIRMS:
            triage_reason = "category"
    category = report_services.category_get(category)
    if category.sensitive and sub.privacy == Privacy.PUBLIC:
        raise _invalid(
            "privacy",
            f"Laporan kategori '{category.name}' tidak dapat dibuat publik demi melindungi pelapor.",
            f"Reports in category '{category.name_en or category.code}' cannot be public, to protect the reporter.",
            "sensitive_not_public",
        )
    # Route first: a point outside every area is refused before any work is done.
    location, routed = None, None
    if sub.lat is not None and sub.lon is not None:
        routed = report_services.report_route(category=category, lat=sub.lat, lon=sub.lon)
        location = routed[0]
    concerned = _concerned_unit(sub, category)
    photos: list[CheckedPhoto] = [photo_check(raw, filename=name) for name, raw in sub.photos]
    warnings = (
        tuple(
            w
            for w in (
                gps_distance_warning(p.meta, lat=sub.lat, lon=sub.lon, threshold_m=settings.SIGAP_PHOTO_GPS_WARN_M)
                for p in photos
            )
            if w
        )
        if location
        else ()
    )

    reporter = sub.reporter or Reporter()
    anonymous = sub.privacy == Privacy.ANONYMOUS
    if anonymous:  # checked (and warned about) as uploaded; kept without the phone's metadata
        photos = _anonymous_photos(photos)
    identity = (
        None
        if anonymous
        else {
            "channel": sub.channel,
            "name": reporter.name.strip(),
            "phone": reporter.phone.strip(),
            "email": reporter.email.strip(),
            "nik": reporter.nik.strip(),
            "original_description": sub.description,
            "original_address": sub.address,
            "photo_meta": [p.meta for p in photos],
            **({"language": sub.language} if sub.language in ("en", "id") else {}),
        }
    )
    # everything the reporter typed passes the one door, with what we know of them (even when not kept:
    # an anonymous reporter who still gave a name has it taken out of the text, and nothing of it is stored)
    terms = door_terms(reporter, sub.known_contacts)
    redacted = door.for_officers(sub.description.strip(), identity=terms, names=sub.known_names)
    redacted_address = door.for_officers(sub.address.strip(), identity=terms, names=sub.known_names, place_text=True)
    new = report_services.NewReport(
        category=category,
        description=redacted.text,
        lat=None if location is None else float(sub.lat),
        lon=None if location is None else float(sub.lon),
        address=fitted(redacted_address.text, limits.ADDRESS_MAX),
        channel=sub.channel,
        privacy=sub.privacy,
        actor=actor,
        actor_kind=actor_kind,
        now=now or timezone.now(),
        is_demo=sub.is_demo,
        secret=report_services.new_secret() if anonymous else "",
        concerned_unit=concerned,
        notify_received=sub.notify_received,
        triage_reason=triage_reason,
        # the desk's suggestions, from the officers' copy of the text, computed here rather than in the write
        triage_hints=desk.hints(redacted.text, redacted_address.text) if triage_reason or location is None else None,
        category_source=category_source,
        category_confidence=confidence,
        routed=routed,
        # chosen now, with the time: what ``_committed`` looks for if the COMMIT's answer is lost
        tracking_code=report_services.new_tracking_code(),
    )
    return _Prepared(
        sub=sub,
        new=new,
        photos=photos,
        identity=identity,
        warnings=warnings,
        confidence=confidence,
        idempotency=sub.idempotency,
        # last, once nothing can refuse the submission any more: a refused one leaves no file behind
        originals=_sealed(photos),
    )


def _anonymous_photos(photos: Sequence[CheckedPhoto]) -> list[CheckedPhoto]:
    """An Anonim reporter's photos as their originals are kept until the worker's copy is made: without the
    camera's metadata (GPS, make and model; ``without_metadata``), so nothing about them is stored even then. The
    worker shreds the original once the copy is made (``sigap.privacy.photo_worker``)."""
    return [dataclasses.replace(p, original=without_metadata(p.original), meta={}) for p in photos]


def _sealed(photos: list[CheckedPhoto]) -> list[vault.SealedBlob]:
    """Each photo's original encrypted, its ciphertext in the vault's file storage (in this, the request's,
    thread); if one cannot be stored, those already written are removed (no row names them yet)."""
    sealed: list[vault.SealedBlob] = []
    try:
        for checked in photos:
            sealed.append(vault.blob_seal(checked.original, content_type="application/octet-stream"))
    except BaseException:
        vault.blob_files_remove(sealed)
        raise
    return sealed


_commit = threading.local()  # .reached: the last _write of this thread got as far as its COMMIT


@transaction.atomic
def _write(prepared: list[_Prepared]) -> list[IntakeResult]:
    """Vault first (originals of photos, identities), then the reports: one transaction for all."""
    refs = iter(vault.identity_store_many([p.identity for p in prepared if p.identity is not None]))
    for p in prepared:
        p.new.reporter_ref = next(refs) if p.identity is not None else ""
        p.new.photos = [(checked, vault.blob_insert(sealed)) for checked, sealed in zip(p.photos, p.originals)]
    created = report_services.reports_create([p.new for p in prepared])
    results = [
        IntakeResult(
            report=c.report,
            tracking_code=c.tracking_code,
            location=c.location,
            secret=p.new.secret,
            warnings=p.warnings,
            category_confidence=p.confidence,
        )
        for c, p in zip(created, prepared)
    ]
    idempotency.records_create([(p.idempotency, r) for p, r in zip(prepared, results) if p.idempotency is not None])
    _commit.reached = True  # everything is written: only the COMMIT (on leaving this function) is left
    return results


def report_submit(
    sub: Submission, *, actor=None, actor_kind: str = "reporter", now: datetime | None = None
) -> IntakeResult:
    """File one report from any channel. Returns the report, the tracking code (and secret), warnings.
    Raises DomainError (bilingual) when the submission is refused; nothing is written then.

    Outside a transaction of the caller, reports filed at the same moment by other threads are written
    together with this one (``groupcommit``); it returns only after the commit either way."""
    prepared = _prepare(sub, actor=actor, actor_kind=actor_kind, now=now)
    if groupcommit.enabled():
        return groupcommit.submit(prepared, write_batch)
    return _write_one(prepared)


def report_submit_many(
    subs: list[Submission], *, actor=None, actor_kind: str = "reporter", now: datetime | None = None
) -> list[IntakeResult | DomainError]:
    """File several reports at once (bulk imports, queued intake): each result in order is either the
    IntakeResult or the DomainError that refused that submission. Accepted ones are written together in
    one transaction; if that write fails, each is written on its own so one bad row cannot sink the
    others. When this returns, every IntakeResult is committed (or part of the caller's transaction)."""
    results: list[IntakeResult | DomainError | None] = [None] * len(subs)
    ready: list[tuple[int, _Prepared]] = []
    for i, sub in enumerate(subs):
        try:
            ready.append((i, _prepare(sub, actor=actor, actor_kind=actor_kind, now=now)))
        except DomainError as exc:
            results[i] = exc
    if ready:
        for (i, _p), outcome in zip(ready, write_batch([p for _i, p in ready])):
            results[i] = outcome
    return results


# --- writing, and knowing what was written when the answer is lost ---------------------------------------
#
# A transaction can fail after its COMMIT reached the database: the connection is cut before the answer
# comes back (a network blip, a proxy, PostgreSQL restarting). The driver then raises exactly as for a
# transaction that failed, yet everything in it is stored. Writing those reports again would file each
# twice (two numbers, two "received" messages); answering "not stored" would make their reporters file
# them again. So after any failure of a transaction of our own, the reports' tracking codes (chosen before
# the write, with the time) are looked up: what is there is answered as filed; only the rest is written
# again. If the database cannot even be asked, the outcome is unknown and said so (503, "outcome_unknown").


def _outcome_unknown() -> DomainError:
    return DomainError(
        "Basis data terganggu saat laporan Anda disimpan; laporan mungkin sudah tersimpan. "
        "Kirim lagi dalam beberapa detik dengan Idempotency-Key yang sama agar tidak tercatat dua kali.",
        "The database failed while your report was being stored; it may have been stored. Send it "
        "again in a few seconds with the same Idempotency-Key so that it is not filed twice.",
        code="outcome_unknown",
        status=503,
    )


def _committed(prepared: list[_Prepared]) -> dict[int, IntakeResult]:
    """Which of ``prepared`` are stored (by tracking code and time of filing), as their IntakeResults."""
    wanted = {report_services.tracking_hash(p.new.tracking_code): i for i, p in enumerate(prepared)}
    found = Report.objects.filter(tracking_hash__in=list(wanted)).select_related("category", "unit", "kelurahan")
    done: dict[int, IntakeResult] = {}
    for report in found:
        i = wanted[report.tracking_hash]
        p = prepared[i]
        if report.created_at != p.new.now:
            continue  # another report holds that code (the write failed on it): not ours
        done[i] = IntakeResult(
            report=report,
            tracking_code=p.new.tracking_code,
            location=p.new.routed[0] if p.new.routed else None,
            secret=p.new.secret,
            warnings=p.warnings,
            category_confidence=p.confidence,
        )
    return done


def _recover(prepared: list[_Prepared]) -> dict[int, IntakeResult] | None:
    """After a transaction of our own failed: those of ``prepared`` it stored anyway (their "received"
    messages, whose after-commit hook never ran, are queued now). None when the database cannot say."""
    try:
        connection.close_if_unusable_or_obsolete()  # a cut connection: the lookup opens a new one
        done = _committed(prepared)
        if done:
            log.warning(
                "intake: a transaction that failed had committed %d report(s); answered as filed, not written again",
                len(done),
            )
            for pk in Notification.objects.filter(
                report_id__in=[r.report.pk for r in done.values()], kind="received"
            ).values_list("pk", flat=True):
                outbox.enqueue(pk)
        return done
    except Exception as exc:  # noqa: BLE001 - the database cannot be asked
        log.error("intake: could not learn whether a failed write was stored (%s)", type(exc).__name__)
        return None


def _attempt(prepared: list[_Prepared]) -> list[IntakeResult]:
    """``_write``, once more on a new connection if the one held went stale (the database restarted or was
    unreachable since it was opened) and failed before anything was written."""
    _commit.reached = False
    try:
        return _write(prepared)
    except (OperationalError, InterfaceError):
        if getattr(_commit, "reached", False) or connection.in_atomic_block:
            raise
        connection.close()
        _commit.reached = False
        return _write(prepared)


def _write_one(p: _Prepared) -> IntakeResult:
    """Write one submission in its own transaction (or the caller's). Raises what refused it; a report that
    was stored although its COMMIT's answer was lost is returned as filed."""
    try:
        return _attempt([p])[0]
    except Exception as exc:
        reached = getattr(_commit, "reached", False)
        if not reached:
            # failed before its COMMIT (or its savepoint was rolled back): its photos' files are named by no row.
            # Only here, where the outcome is known, are they removed (and only those whose rows are indeed
            # absent): a caller that stopped waiting, or a COMMIT whose answer was lost, leaves them to
            # ``sigap vault sweep``, since the report may be stored.
            vault.blob_discard(p.originals)
        # failed before its COMMIT, or inside the caller's transaction: nothing of it is stored
        if reached and not connection.in_atomic_block:
            done = _recover([p])
            if done is None:
                raise _outcome_unknown() from exc
            if done:
                return done[0]
        if isinstance(exc, IntegrityError) and p.idempotency is not None and idempotency.exists(p.idempotency):
            raise idempotency.in_use() from None  # the same key, filed at the same moment by another request
        raise


def write_batch(prepared: list[_Prepared]) -> list[IntakeResult | DomainError]:
    """Write submissions together in one transaction; if that fails, each on its own, so a bad one is
    refused alone, and none that the failed transaction stored after all is written twice.

    A single submission raises what refused it; in a batch, each refused one gets its DomainError."""
    if len(prepared) == 1:
        return [_write_one(prepared[0])]
    try:
        return _attempt(prepared)
    except Exception as exc:  # noqa: BLE001 - sorted out below
        failure = exc
    if connection.in_atomic_block:
        if not isinstance(failure, (DomainError, IntegrityError)):
            raise failure
        return _write_each(prepared)
    # only a failure at the COMMIT itself can have stored anything
    done = _recover(prepared) if getattr(_commit, "reached", False) else {}
    if done is None:
        return [_outcome_unknown() for _p in prepared]
    rest = [i for i in range(len(prepared)) if i not in done]
    if rest:
        log.info("intake: a batch of %d failed (%s); writing each on its own", len(prepared), type(failure).__name__)
    outcomes: dict[int, IntakeResult | DomainError] = dict(done)
    outcomes.update(zip(rest, _write_each([prepared[i] for i in rest])))
    return [outcomes[i] for i in range(len(prepared))]


def _write_each(prepared: list[_Prepared]) -> list[IntakeResult | DomainError]:
    """After a failed batch: each submission in its own transaction, so a bad one is refused alone.
    Never raises: a submission that cannot be stored gets a DomainError (503, "send it again")."""
    outcomes: list[IntakeResult | DomainError] = []
    for p in prepared:
        try:
            outcomes.append(_write_one(p))
        except DomainError as exc:
            outcomes.append(exc)
        except Exception as exc:  # noqa: BLE001 - logged; this submission alone is refused
            # the type only: a database error's message can quote the row's values
            log.error(
                "intake: a report of a failed batch could not be stored on its own either (%s)", type(exc).__name__
            )
            outcomes.append(
                DomainError(
                    "Laporan tidak dapat disimpan, coba kirim lagi.",
                    "The report could not be stored; please send it again.",
                    code="not_stored",
                    status=503,
                )
            )
    return outcomes


def reporter_answer(
    *,
    tracking_code: str,
    answer: str,
    secret: str = "",
    photos: Sequence[tuple[str, bytes]] = (),
    now: datetime | None = None,
):
    """The reporter answers an officer's question (tracking page, API), in words, photos (name, bytes) or both:
    the words' original goes to the vault and officers read them redacted; the photos' headers are checked here,
    as a report's are, and the worker de-identifies them like the report's own. A refused photo refuses the
    answer: nothing is stored."""
    text_check("answer", answer)
    text = (answer or "").strip()
    if not text and not photos:
        raise _invalid("answer", "Jawaban tidak boleh kosong.", "The answer must not be empty.", "answer_required")
    if len(text) > MAX_DESCRIPTION:
        raise _invalid("answer", "Jawaban terlalu panjang.", "The answer is too long.", "answer_too_long")
    photos_count_check(len(photos))
    checked = [photo_check(raw, filename=name) for name, raw in photos]
    with transaction.atomic():
        report = report_services.report_by_tracking(tracking_code, for_update=True, secret=secret)
        return reporter_answer_for(report, text, photos=checked, now=now)


def uploads_read(files, default_name: str = "foto") -> list[tuple[str, bytes]]:
    """Uploaded files as (name, bytes), each read to one byte past the photo limit (the check then refuses it
    without reading the rest)."""
    return [(f.name or default_name, f.read(settings.SIGAP_PHOTO_MAX_BYTES + 1)) for f in files]


def photos_usable(files: Iterable[tuple[str, bytes] | None]) -> tuple[list[CheckedPhoto], bool]:
    """A channel's photos (chat, email), None for one the channel would not give: those whose header passes, and
    whether any was left out (a channel answers the resident, it cannot refuse the message)."""
    usable, left_out = [], False
    for file in files:
        checked = None
        if file is not None:
            try:
                checked = photo_check(file[1], filename=file[0])
            except DomainError:
                pass  # not an image we take
        if checked is None:
            left_out = True
        else:
            usable.append(checked)
    return usable, left_out


def reporter_answer_within_limit(report: Report, text: str, photos: Sequence[CheckedPhoto]) -> tuple[bool, bool]:
    """A channel's answer (chat, email), photos and all; when the photos would take the report past its limit
    the words still answer alone. Returns (answered, photos left out): the channel tells the resident."""
    try:
        with transaction.atomic():
            reporter_answer_for(report, text, photos=photos)
        return True, False
    except DomainError as exc:
        if exc.code != "too_many_photos":
            raise
    if text:
        reporter_answer_for(report, text)
    return bool(text), True


def reporter_answer_for(report: Report, text: str, *, photos: Sequence[CheckedPhoto] = (), now: datetime | None = None):
    """An answer that reached us for ``report`` (tracking page, API, chat, email): the original is kept in the
    vault, officers read it through the redaction door with the reporter's own names and numbers."""
    text = text.strip()[:MAX_DESCRIPTION]
    if report.reporter_ref and text:
        vault.identity_update(report.reporter_ref, last_answer=text)
    redacted = door.for_officers(text, reporter_ref=report.reporter_ref).text if text else ""
    if report.privacy == Privacy.ANONYMOUS:
        photos = _anonymous_photos(photos)
    try:
        with transaction.atomic():
            return report_services.report_resume_with_answer(
                report_id=report.pk, answer_redacted=redacted, photos=photos, now=now
            )
    except DomainError as exc:
        if exc.code != "not_waiting_for_reporter":
            raise
    # a moment after their answer (its first part, taken first): more of it
    return report_services.report_answer_more(report_id=report.pk, answer_redacted=redacted, photos=photos, now=now)


def _reporter_ref(tracking_code: str, secret: str) -> str:
    """The vault reference of the report behind a tracking code (checked again by the service that acts)."""
    return report_services.report_by_tracking(tracking_code, secret=secret).reporter_ref


def reporter_dispute(*, tracking_code: str, reason: str, secret: str = "", now: datetime | None = None):
    text_check("reason", reason)
    text = (reason or "").strip()
    if len(text) < 5:
        raise _invalid(
            "reason",
            "Jelaskan mengapa laporan belum selesai.",
            "Explain why the report is not resolved.",
            "reason_required",
        )
    text = text[:MAX_DESCRIPTION]
    with transaction.atomic():
        ref = _reporter_ref(tracking_code, secret)
        if ref:
            vault.identity_update(ref, last_dispute=text)
        return report_services.report_dispute(
            tracking_code=tracking_code, reason=door.for_officers(text, reporter_ref=ref).text, secret=secret, now=now
        )


def reporter_dispute_for(report: Report, reason: str, *, now: datetime | None = None):
    """A "not fixed" that reached us on the report's own chat: the original goes to the vault, the reason to
    officers through the redaction door, like every other thing a reporter writes."""
    text = reason.strip()[:MAX_DESCRIPTION]
    if report.reporter_ref:
        vault.identity_update(report.reporter_ref, last_dispute=text)
    return report_services.report_dispute_by_id(
        report_id=report.pk, reason=door.for_officers(text, reporter_ref=report.reporter_ref).text, now=now
    )


def reporter_rate(
    *, tracking_code: str, rating: int, comment: str = "", secret: str = "", now: datetime | None = None
) -> Report:
    text_check("comment", comment)
    text = (comment or "").strip()[:MAX_DESCRIPTION]
    with transaction.atomic():
        ref = _reporter_ref(tracking_code, secret) if text else ""
        if ref:
            vault.identity_update(ref, last_comment=text)
        return report_services.report_rate(
            tracking_code=tracking_code,
            rating=rating,
            comment=door.for_officers(text, reporter_ref=ref).text if text else "",
            secret=secret,
            now=now,
        )
