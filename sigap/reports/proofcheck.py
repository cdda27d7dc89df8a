"""Proof that cannot be recycled or staged: what a validator is told about each before/after photo.

The photo worker reads every photo's original before its metadata is dropped and keeps, on the row:

* a 64-bit perceptual hash (``imagehash.phash``, of the picture before faces and plates are blurred), for every
  photo, so a proof that recycles an earlier photo is found: any officer's proof and any Publik report's photo
  of the city, and its own report's photos (a resident's photo of a Privat or Anonim report is not indexed for
  the others: ``indexed``);
* for proof photos only (officers' work): the capture time and place the camera wrote.

``report_recheck`` then flags each proof photo of the report, with the reason in plain words:

* ``reused``: it looks like another photo (the same picture re-encoded, resized or lightly edited): another
  report's proof or a resident's photo, or, for an after photo, this report's own before or resident photo;
* ``taken_before_report`` / ``taken_after_upload`` / ``no_time``: the capture time must lie between the report's
  filing and the upload (``TIME_SLACK`` either way for camera clocks), and a missing one is itself a flag;
* ``far`` / ``no_position``: taken farther from the report than its category's ``proof_radius_m``, or nowhere;
* ``quick_pair`` / ``after_before_before``: an after photo taken less than ``SIGAP_PROOF_MIN_MINUTES`` after
  the before photo, or before it.

Finding similar photos costs the same at a million photos as at ten: the hash's two 32-bit halves are stored as
keyed tags, each indexed. Two hashes up to 5 bits apart have a half within 2 bits (pigeonhole), so a lookup asks
for the rows whose low or high half is one of the 529 values within 2 bits of its own (1,058 tags, two index
scans); the exact distance is then computed on those rows only (under one at a million photos, besides the
matches). Pairs 6 bits apart (``SIGAP_PROOF_PHASH_DISTANCE``) are found unless their bits split 3 and 3 (two in
three are).

The database alone cannot be searched with a photo from elsewhere (a resident's post under their own name, say):
with a key derived from ``SECRET_KEY`` (``_key``), each row stores its hash XOR a pad of its own (``_pad``, from
the row's ``sha256``, the digest of its officer copy) and each half as a keyed tag (``_tag``). Two reviews shaped
this: a pad shared by every row was given away by one published photo and its row; then 16-bit bands stored as
tags were a codebook of 4 x 65,536 entries that the city's published photos fill in (each tells the tags of its
bands), after which an outside photo's bands named its rows. A half is one of 4,294,967,296 values: published
photos tell the tags of their own halves only. What the database shows is which rows share a half.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.core.geo import distance_m

from .models import Photo, Privacy, Report

HALF_RADIUS = 2  # a lookup asks for the halves within this many bits of its own
TIME_SLACK = timedelta(minutes=10)
PROOF_KINDS = (Photo.Kind.BEFORE, Photo.Kind.AFTER)
_CANDIDATES = 500  # a bound on one lookup's rows, whatever the hash


def _max_distance() -> int:
    return settings.SIGAP_PROOF_PHASH_DISTANCE


def _min_minutes() -> int:
    return settings.SIGAP_PROOF_MIN_MINUTES


def halves(unsigned: int) -> tuple[int, int]:
    return unsigned & 0xFFFF_FFFF, unsigned >> 32


@functools.cache
def _flips(radius: int) -> tuple[int, ...]:
    """The masks of 1..``radius`` bits of 32 (528 for 2), computed once per process rather than per lookup."""
    return tuple(
        sum(1 << b for b in bits) for n in range(1, radius + 1) for bits in itertools.combinations(range(32), n)
    )


def _near(half: int, radius: int = HALF_RADIUS) -> list[int]:
    """Every 32-bit value within ``radius`` bits of ``half`` (529 for 2), itself first."""
    return [half, *(half ^ mask for mask in _flips(radius))]


def to_signed(unsigned: int) -> int:
    """A 64-bit hash as PostgreSQL's and SQLite's signed 64-bit integer."""
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def to_unsigned(signed: int) -> int:
    return signed & ((1 << 64) - 1)


def _taken_at(captured: str | None) -> datetime | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (no zone: the camera's local time, taken as the city's). A year no camera writes
    (before 1900 or after 2999) is no time: year 1 in the city's historical offset is a time in 1 BC, which
    PostgreSQL stores and its driver cannot read back (a photo stuck in processing; found by a review)."""
    if not captured:
        return None
    try:
        naive = datetime.strptime(captured.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if not 1900 <= naive.year <= 2999:
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _key() -> bytes:
    """The proof hashes' key, derived from the server's key."""
    return hmac.new(settings.SECRET_KEY.encode(), b"sigap-proof-phash", hashlib.sha256).digest()


def _pad(key: bytes, nonce: str) -> int:
    """One row's 64-bit pad (``nonce``: the row's ``sha256``). Rows with the same officer copy share it, and their
    hashes are equal anyway."""
    return int.from_bytes(hmac.new(key, b"pad:" + nonce.encode(), hashlib.sha256).digest()[:8], "big")


def _tag(key: bytes, which: str, half: int) -> int:
    """A half as a keyed 31-bit tag (the columns are 32-bit signed): equal halves, equal tags."""
    digest = hashlib.blake2b(b"%s:%d" % (which.encode(), half), key=key, digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF


def hash_fields(unsigned: int, nonce: str) -> dict:
    """A perceptual hash as a row stores it: ``phash`` XOR the row's pad, the halves as tags."""
    key = _key()
    lo, hi = halves(unsigned)
    return {
        "phash": to_signed(unsigned ^ _pad(key, nonce)),
        "phash_lo": _tag(key, "lo", lo),
        "phash_hi": _tag(key, "hi", hi),
    }


def hash_of(photo: Photo, key: bytes | None = None) -> int | None:
    """The perceptual hash a row stores (read with its ``phash`` and ``sha256``), or None."""
    if photo.phash is None:
        return None
    return to_unsigned(photo.phash) ^ _pad(key or _key(), photo.sha256)


def indexed(kind: str, privacy: str) -> bool:
    """Whether a photo's halves go into the index that every proof is looked up in: an officer's proof, and a
    resident's photo of a Publik report (published anyway). A resident's photo of a Privat or Anonim report keeps
    its padded hash only, compared with its own report's proofs (``similar``): indexed, anyone could file the
    resident's picture found elsewhere as a report of their own, and the database owner read its new row's tags and
    look them up (a review). A proof recycling another Privat report's resident photo is not found: the price."""
    return kind in PROOF_KINDS or privacy == Privacy.PUBLIC


def evidence_fields(clean, kind: str, privacy: str) -> dict:
    """What the worker writes on the row with the officer copy (``clean``: a CleanPhoto, whose ``sha256`` the row
    stores with it; ``privacy``: its report's)."""
    fields: dict = {}
    if clean.phash is not None:
        fields.update(hash_fields(clean.phash, clean.sha256))
        if not indexed(kind, privacy):
            fields["phash_lo"] = fields["phash_hi"] = None
    if kind in PROOF_KINDS:  # a resident's capture time, place and camera stay in the vault
        gps = clean.meta.get("gps")
        fields["taken_at"] = _taken_at(clean.meta.get("captured_at"))
        fields["taken_lat"], fields["taken_lon"] = gps if gps else (None, None)
        fields["camera"] = camera_key(clean.meta.get("camera", ""))
    return fields


def camera_key(camera: str) -> str:
    """A keyed digest of the camera's make, model and serial: two photos from one phone compare equal, and the
    database alone does not say which phone (or officer) it was."""
    if not camera:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), b"sigap-camera:" + camera.encode(), hashlib.sha256).hexdigest()[:16]


def similar(photo: Photo) -> list[tuple[Photo, int]]:
    """Other photos whose hash is within ``SIGAP_PROOF_PHASH_DISTANCE`` bits of ``photo``'s, nearest first."""
    key = _key()
    mine = hash_of(photo, key)
    if mine is None:
        return []
    lo, hi = halves(mine)
    # sorted: in the order of the halves' values, a logged statement would pair each tag with its value
    near = Q(phash_lo__in=sorted(_tag(key, "lo", v) for v in _near(lo))) | Q(
        phash_hi__in=sorted(_tag(key, "hi", v) for v in _near(hi))
    )
    # its own report's photos too, indexed or not (a resident's Privat photo is not: ``indexed``)
    near |= Q(report_id=photo.report_id)
    candidates = (
        Photo.objects.filter(near, phash__isnull=False)
        .exclude(pk=photo.pk)
        .select_related("report")
        .only("pk", "kind", "phash", "sha256", "report_id", "report__number")[:_CANDIDATES]
    )
    found = [(c, (hash_of(c, key) ^ mine).bit_count()) for c in candidates]
    return sorted(((c, d) for c, d in found if d <= _max_distance()), key=lambda pair: (pair[1], pair[0].pk))


def _reuse_flags(photo: Photo) -> list[dict]:
    flags = []
    for other, bits in similar(photo):
        # the same photo sent twice, or a before photo that is the resident's own: nothing staged
        if other.report_id == photo.report_id and (other.kind == photo.kind or photo.kind == Photo.Kind.BEFORE):
            continue
        flags.append(
            {
                "code": "reused",
                "report": other.report_id,
                "number": other.report.number,
                "kind": other.kind,
                "bits": bits,
            }
        )
        if len(flags) == 3:
            break
    return flags


def _flags(photo: Photo, report: Report, befores: list[Photo]) -> list[dict]:
    flags = _reuse_flags(photo)
    if photo.taken_at is None:
        flags.append({"code": "no_time"})
    else:
        if photo.taken_at < report.created_at - TIME_SLACK:
            flags.append({"code": "taken_before_report", "taken": photo.taken_at.isoformat()})
        if photo.taken_at > photo.created_at + TIME_SLACK:
            flags.append({"code": "taken_after_upload", "taken": photo.taken_at.isoformat()})
        if photo.kind == Photo.Kind.AFTER:
            gaps = [(photo.taken_at - b.taken_at) for b in befores if b.taken_at is not None]
            if gaps:
                gap = min(gaps, key=abs)
                if gap < timedelta(0):
                    flags.append({"code": "after_before_before"})
                elif gap < timedelta(minutes=_min_minutes()):
                    flags.append({"code": "quick_pair", "minutes": int(gap.total_seconds() // 60)})
    if photo.kind == Photo.Kind.AFTER and photo.camera:
        cameras = {b.camera for b in befores if b.camera}
        if cameras and photo.camera not in cameras:  # the after photo came from another device
            flags.append({"code": "other_camera"})
    if photo.taken_lat is None or photo.taken_lon is None:
        flags.append({"code": "no_position"})
    elif report.lat is not None and report.lon is not None:
        metres = distance_m(report.lat, report.lon, photo.taken_lat, photo.taken_lon)
        if metres > report.category.proof_radius_m:
            flags.append({"code": "far", "metres": round(metres)})
    return flags


def report_recheck(report_id: int) -> None:
    """Flag every ready proof photo of one report anew (a few rows): run when one of its photos is ready."""
    report = (
        Report.objects.select_related("category").only("pk", "lat", "lon", "created_at", "category").get(pk=report_id)
    )
    proofs = list(Photo.objects.filter(report_id=report_id, kind__in=PROOF_KINDS, state=Photo.State.READY))
    befores = [p for p in proofs if p.kind == Photo.Kind.BEFORE]
    for photo in proofs:
        flags = _flags(photo, report, befores)
        if flags != photo.proof_flags:
            Photo.objects.filter(pk=photo.pk).update(proof_flags=flags)


def _proofs(report_id: int, unit_id: int | None, since: datetime | None):
    """The proof photos of the handling unit (``unit_id``) from its current stay (``since``), so one unit's photo
    never weighs on the next unit's proof, nor a reopened report's earlier round on the new one."""
    photos = Photo.objects.filter(report_id=report_id, kind__in=PROOF_KINDS)
    if unit_id is not None:
        photos = photos.filter(unit_id=unit_id)
    if since is not None:
        photos = photos.filter(created_at__gte=since)
    return photos


def report_flagged(report_id: int, *, unit_id: int | None = None, since: datetime | None = None) -> bool:
    """Whether a proof photo of the report (``_proofs``) carries a flag (the validator must then say why they
    accept)."""
    return _proofs(report_id, unit_id, since).exclude(proof_flags=[]).exists()


def report_proof_pending(report_id: int, *, unit_id: int | None = None, since: datetime | None = None) -> bool:
    """Whether a proof photo of the report (``_proofs``) is still with the worker: its flags are not known yet
    (the worker sets them in the transaction that makes it ready)."""
    return _proofs(report_id, unit_id, since).filter(state=Photo.State.PROCESSING).exists()


def _when(iso: str) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(datetime.fromisoformat(iso)), "j M Y H:i")


def _distance(metres: int) -> str:
    from django.utils.formats import number_format

    if metres < 1000:
        return f"{metres} m"
    return f"{number_format(metres / 1000, 1)} km"


def texts_for(viewer, photos) -> dict[int, list[dict]]:
    """Each photo's flags as ``{"code", "text"}`` for one viewer: only a validator is shown them, and a
    recycled photo's other report is named only when the viewer may open it (else "another report"), so a proof
    upload cannot be used to learn which reports exist (a complaint about one's own unit, say)."""
    from sigap.organization.roles import user_can_validate

    from .selectors import reports_visible_to

    photos = [p for p in photos if p.proof_flags]
    if not photos or not user_can_validate(viewer):
        return {}
    others = {f.get("report") for p in photos for f in p.proof_flags if f.get("code") == "reused"} - {None}
    named = set()
    if others:  # one statement for a whole page of cards
        named = set(reports_visible_to(viewer).filter(pk__in=list(others)).values_list("pk", flat=True))
    return {
        p.pk: [
            {"code": f["code"], "text": flag_text(f, name=f.get("report") in named or f.get("report") == p.report_id)}
            for f in p.proof_flags
        ]
        for p in photos
    }


def flag_text(flag: dict, *, name: bool = True) -> str:
    """One flag in plain words, in the active language (``name``: say which report a recycled photo is from)."""
    code = flag.get("code")
    if code == "reused" and not name:
        return _("Foto ini mirip foto dari laporan lain yang tidak dapat Anda buka (beda %(bits)s dari 64 bit).") % {
            "bits": flag.get("bits", 0)
        }
    if code == "reused":
        kind = {
            Photo.Kind.REPORT: _("foto laporan warga"),
            Photo.Kind.BEFORE: _("foto sebelum"),
            Photo.Kind.AFTER: _("foto bukti"),
        }.get(flag.get("kind"), _("foto lain dari laporan"))
        return _("Foto ini mirip %(kind)s %(number)s (beda %(bits)s dari 64 bit).") % {
            "kind": kind,
            "number": flag.get("number", ""),
            "bits": flag.get("bits", 0),
        }
    if code == "taken_before_report":
        return _("Diambil %(when)s, sebelum laporan dibuat.") % {"when": _when(flag["taken"])}
    if code == "taken_after_upload":
        return _("Waktu di foto (%(when)s) setelah foto diunggah: jam kamera salah atau waktunya diubah.") % {
            "when": _when(flag["taken"])
        }
    if code == "no_time":
        return _("Waktu pengambilan tidak tercatat di foto.")
    if code == "quick_pair":
        return _("Diambil %(n)s menit setelah foto sebelum.") % {"n": flag.get("minutes", 0)}
    if code == "after_before_before":
        return _("Foto sesudah diambil sebelum foto sebelum.")
    if code == "far":
        return _("Diambil %(d)s dari lokasi laporan.") % {"d": _distance(int(flag.get("metres", 0)))}
    if code == "no_position":
        return _("Lokasi pengambilan tidak tercatat di foto.")
    if code == "other_camera":
        return _("Diambil dengan kamera lain dari foto sebelum.")
    return str(code)
