"""De-identification of uploaded photos.

Every image is decoded and re-encoded as JPEG: all metadata (EXIF, XMP, IPTC, thumbnails, maker notes)
is gone, orientation is applied, the size is capped. Capture time and GPS are read before stripping and
returned so intake can keep them in the vault. Malformed, oversized, decompression-bomb and non-image
uploads are refused with a clear error.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from sigap.core.errors import DomainError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}


@dataclass
class CleanPhoto:
    data: bytes
    width: int
    height: int
    sha256: str
    content_type: str = "image/jpeg"
    meta: dict = field(default_factory=dict)  # captured_at, gps (lat, lon): vault only


def _refuse(msg_id: str, msg_en: str, code: str, status: int = 422) -> DomainError:
    return DomainError(msg_id, msg_en, code=code, status=status, field="photos")


def _gps(exif) -> tuple[float, float] | None:
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # noqa: BLE001 - malformed GPS block is simply ignored
        return None
    if not gps:
        return None

    def to_deg(value, ref):
        d, m, s = (float(x) for x in value)
        deg = d + m / 60 + s / 3600
        return -deg if ref in ("S", "W") else deg

    try:
        lat = to_deg(gps[2], gps.get(1, "N"))
        lon = to_deg(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (lat, lon)


def photo_clean(raw: bytes, *, filename: str = "") -> CleanPhoto:
    if len(raw) > settings.SIGAP_PHOTO_MAX_BYTES:
        raise _refuse(
            f"Foto '{filename}' terlalu besar ({len(raw) // 1024} KB; maksimum {settings.SIGAP_PHOTO_MAX_BYTES // 1024} KB).",
            f"Photo '{filename}' is too large ({len(raw) // 1024} KB; the limit is {settings.SIGAP_PHOTO_MAX_BYTES // 1024} KB).",
            "photo_too_large", 413,
        )
    if not raw:
        raise _refuse(f"Foto '{filename}' kosong.", f"Photo '{filename}' is empty.", "photo_empty")
    Image.MAX_IMAGE_PIXELS = settings.SIGAP_PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            if probe.format not in ALLOWED_FORMATS:
                raise _refuse(
                    f"Berkas '{filename}' bukan foto yang didukung (JPEG, PNG, WebP).",
                    f"File '{filename}' is not a supported photo (JPEG, PNG, WebP).",
                    "photo_not_image",
                )
            if probe.width * probe.height > settings.SIGAP_PHOTO_MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            probe.verify()
            image = Image.open(io.BytesIO(raw))
            image.load()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            f"Foto '{filename}' memiliki terlalu banyak piksel.",
            f"Photo '{filename}' has too many pixels (possible decompression bomb).",
            "photo_too_many_pixels", 413,
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(
            f"Berkas '{filename}' bukan foto yang dapat dibaca.",
            f"File '{filename}' is not a readable image.",
            "photo_not_image",
        ) from None

    meta: dict = {}
    exif = image.getexif()
    if exif:
        taken = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
        if taken:
            meta["captured_at"] = str(taken)
        gps = _gps(exif)
        if gps:
            meta["gps"] = gps
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    image.thumbnail((settings.SIGAP_PHOTO_MAX_SIDE, settings.SIGAP_PHOTO_MAX_SIDE))
    clean = Image.new("RGB", image.size)
    clean.paste(image)  # a fresh image object carries no info dict (no EXIF/ICC/XMP)
    buf = io.BytesIO()
    clean.save(buf, format="JPEG", quality=85, optimize=True)
    data = buf.getvalue()
    return CleanPhoto(data=data, width=clean.width, height=clean.height, sha256=hashlib.sha256(data).hexdigest(), meta=meta)
