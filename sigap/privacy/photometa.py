"""An upload's picture without what the camera wrote about it: for an Anonim report's originals, which are kept
(encrypted) until the worker has made the officers' copy and must not hold the GPS of where they were taken, the
phone's make and model, or anything else about the reporter meanwhile (``sigap.intake``).

Cheap enough for the request: a JPEG, PNG or WebP is rewritten segment by segment, its compressed picture copied as
it is (nothing decoded or re-encoded). What does not read as such a file segment by segment (a marker out of place,
a length past the end, a GIF, BMP or TIFF) is decoded and written again as a PNG (lossless) without any metadata:
the check fails closed (found by a review: a junk byte between two segments left the whole EXIF in place)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from sigap.core.errors import DomainError

# JPEG markers without a length: the start, restart markers, the temporary one.
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# What carries metadata: APP1..APP15 (EXIF with its GPS and camera, XMP, IPTC, maker notes, the multi-picture
# index, an ICC profile naming the phone's maker) and comments. APP0 (JFIF) and the picture's own tables stay.
_JPEG_METADATA = {*range(0xE1, 0xF0), 0xFE}
_SOS, _EOI = 0xDA, 0xD9
# PNG chunks kept: the picture and how to show it; everything else (eXIf, tEXt, zTXt, iTXt, tIME, iCCP, private
# chunks) goes.
_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_WEBP_DROPPED = {b"EXIF", b"XMP ", b"ICCP"}


class _Unreadable(ValueError):
    """Not readable segment by segment: written again from its pixels instead."""


def without_metadata(raw: bytes) -> bytes:
    """``raw`` without metadata, the picture unchanged (see the module). A JPEG keeps its orientation as its only
    EXIF tag, and loses whatever follows its picture (a phone's second picture or motion-photo video)."""
    try:
        if raw[:2] == b"\xff\xd8":
            return _jpeg(raw)
        if raw[:8] == _PNG_SIGNATURE:
            return _png(raw)
        if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
            return _webp(raw)
    except (_Unreadable, IndexError, struct.error):
        pass
    return _rewritten(raw)


def _rewritten(raw: bytes) -> bytes:
    """The pixels alone, upright, as a PNG (the header was checked already: ``photo_check``)."""
    from PIL import ImageOps

    from .photos import OPEN_FORMATS

    try:
        opened = Image.open(io.BytesIO(raw), formats=OPEN_FORMATS)
    except (OSError, ValueError, SyntaxError):  # not a picture after all: refused, never kept as it came
        raise DomainError(
            "Foto tidak dapat dibaca. Kirim foto lain.",
            "The photo cannot be read. Send another photo.",
            code="photo_not_image",
            status=422,
            field="photos",
        ) from None
    with opened as image:
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        out = io.BytesIO()
        image.save(out, "PNG")  # no exif, icc_profile or text given: none written
        return out.getvalue()


def _jpeg(raw: bytes) -> bytes:
    out, i, orientation = [b"\xff\xd8"], 2, None
    in_scan = False
    while True:
        if i >= len(raw):
            raise _Unreadable("no end marker")
        if in_scan:  # entropy-coded data: to the next marker that is not a stuffed byte or a restart marker
            j = raw.find(b"\xff", i)
            while (
                j >= 0 and j + 1 < len(raw) and (raw[j + 1] == 0x00 or 0xD0 <= raw[j + 1] <= 0xD7 or raw[j + 1] == 0xFF)
            ):
                j = raw.find(b"\xff", j + 2 if raw[j + 1] != 0xFF else j + 1)
            if j < 0 or j + 1 >= len(raw):
                raise _Unreadable("scan without an end")
            out.append(raw[i:j])
            i, in_scan = j, False
            continue
        if raw[i] != 0xFF:  # bytes between segments (libjpeg skips them too): skipped, not copied
            i += 1
            continue
        marker = raw[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == _EOI:
            out.append(b"\xff\xd9")
            break
        if marker in _JPEG_STANDALONE:
            out.append(raw[i : i + 2])
            i += 2
            continue
        length = int.from_bytes(raw[i + 2 : i + 4], "big")
        if length < 2 or i + 2 + length > len(raw):
            raise _Unreadable("segment past the end")
        segment = raw[i : i + 2 + length]
        if marker == 0xE1 and segment[4:10] == b"Exif\x00\x00" and orientation is None:
            orientation = _orientation(segment[4:])
        if marker not in _JPEG_METADATA:  # APPn and comments go, also between the scans of a progressive JPEG
            out.append(segment)
        i += 2 + length
        in_scan = marker == _SOS
    if isinstance(orientation, int) and 2 <= orientation <= 8:
        kept = Image.Exif()
        kept[0x0112] = orientation
        data = kept.tobytes()
        app1 = b"\xff\xe1" + (len(data) + 2).to_bytes(2, "big") + data
        out.insert(2 if len(out) > 1 and out[1][:2] == b"\xff\xe0" else 1, app1)  # after JFIF's APP0 if any
    return b"".join(out)


def _orientation(exif_bytes: bytes) -> int | None:
    try:
        exif = Image.Exif()
        exif.load(exif_bytes)
        return exif.get(0x0112)
    except Exception:  # noqa: BLE001 - an unreadable EXIF: the picture as stored, upright or not
        return None


def _png(raw: bytes) -> bytes:
    out, i = [_PNG_SIGNATURE], 8
    while True:
        if i + 12 > len(raw):
            raise _Unreadable("no IEND")
        length = struct.unpack(">I", raw[i : i + 4])[0]
        kind = raw[i + 4 : i + 8]
        end = i + 12 + length
        if end > len(raw) or zlib.crc32(raw[i + 4 : end - 4]) != struct.unpack(">I", raw[end - 4 : end])[0]:
            raise _Unreadable("chunk past the end or damaged")
        if kind in _PNG_KEPT:
            out.append(raw[i:end])
        i = end
        if kind == b"IEND":
            return b"".join(out)


def _webp(raw: bytes) -> bytes:
    size = struct.unpack("<I", raw[4:8])[0]
    if size + 8 > len(raw) or size < 4:
        raise _Unreadable("RIFF past the end")
    chunks, i = [], 12
    while i < size + 8:
        if i + 8 > len(raw):
            raise _Unreadable("chunk past the end")
        kind, length = raw[i : i + 4], struct.unpack("<I", raw[i + 4 : i + 8])[0]
        end = i + 8 + length + (length & 1)
        if i + 8 + length > len(raw):
            raise _Unreadable("chunk past the end")
        chunk = raw[i:end]
        if kind == b"VP8X":  # the extended header's flags: no ICC (0x20), EXIF (0x08) or XMP (0x04) any more
            chunk = chunk[:8] + bytes([chunk[8] & ~0x2C]) + chunk[9:]
        if kind not in _WEBP_DROPPED:
            chunks.append(chunk)
        i = end
    if not any(c[:4] in (b"VP8 ", b"VP8L", b"VP8X") for c in chunks):
        raise _Unreadable("no picture")
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
