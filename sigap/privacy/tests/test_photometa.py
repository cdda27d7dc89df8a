"""An upload's picture without the camera's metadata (``sigap.privacy.photometa``), for an Anonim report's
originals: JPEG, PNG and WebP rewritten segment by segment, anything else (or anything that does not read so)
written again from its pixels, never kept as it came."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sigap.privacy.photometa import without_metadata
from sigap.privacy.tests.test_photo_worker_anonymous import camera_jpeg, metadata_of


def test_without_metadata_keeps_the_picture_and_its_orientation_only():
    raw = camera_jpeg(trailer=b"\xff\xd8ftypmp42 video with its own GPS")
    assert metadata_of(raw)[1] and metadata_of(raw)[0][0x010F] == "Samsung"
    out = without_metadata(raw)
    tags, gps, comment = metadata_of(out)
    assert tags == {0x0112: 6} and gps == {} and comment == b""
    assert b"Samsung" not in out and b"SM-A515F" not in out and b"video" not in out and out.endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(raw)).tobytes()  # not re-encoded
    upright = camera_jpeg(orientation=1)
    assert metadata_of(without_metadata(upright))[0] == {}


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    exif[0x8825] = {1: "S", 2: (6.0, 14.0, 6.36), 3: "E", 4: (106.0, 54.0, 3.24)}
    return exif


def _nothing_of_the_phone(out: bytes) -> None:
    image = Image.open(io.BytesIO(out))
    assert image.getexif().get_ifd(0x8825) == {} and 0x010F not in image.getexif()
    assert b"Samsung" not in out


def test_a_junk_byte_between_segments_does_not_keep_the_metadata():
    """A second review's finding: a byte libjpeg skips made the walk give up and keep the upload as it came."""
    raw = camera_jpeg()
    at = raw.index(b"\xff\xdb")  # before the quantization table
    out = without_metadata(raw[:at] + b"\x00" + raw[at:])
    _nothing_of_the_phone(out)
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(raw)).tobytes()


def test_metadata_between_the_scans_of_a_progressive_jpeg_goes_too():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buf, "JPEG", progressive=True)
    raw = buf.getvalue()
    second_scan = raw.index(b"\xff\xda", raw.index(b"\xff\xda") + 2)
    exif = b"Exif\x00\x00" + _gps_exif().tobytes()[6:]
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    crafted = raw[:second_scan] + app1 + raw[second_scan:]
    assert b"Samsung" in crafted and Image.open(io.BytesIO(crafted)).tobytes()
    out = without_metadata(crafted)
    assert b"Samsung" not in out
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(crafted)).tobytes()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_a_png_webp_or_tiff_keeps_nothing_of_the_phone(fmt):
    """A second review's finding: only JPEGs were stripped; a PNG's eXIf chunk or a WebP's EXIF kept the GPS."""
    buf = io.BytesIO()
    image = Image.new("RGB", (64, 48), (20, 120, 60))
    image.save(buf, fmt, exif=_gps_exif(), **({"lossless": True} if fmt == "WEBP" else {}))
    raw = buf.getvalue()
    assert b"Samsung" in raw
    out = without_metadata(raw)
    _nothing_of_the_phone(out)
    assert Image.open(io.BytesIO(out)).convert("RGB").tobytes() == image.tobytes()


def test_a_tiff_is_written_again_without_its_tags():
    buf = io.BytesIO()
    image = Image.new("RGB", (64, 48), (20, 120, 60))
    image.save(buf, "TIFF", tiffinfo={0x010F: "Samsung", 0x0110: "SM-A515F"})
    assert b"Samsung" in buf.getvalue()
    out = without_metadata(buf.getvalue())
    assert out.startswith(b"\x89PNG") and b"Samsung" not in out
    assert Image.open(io.BytesIO(out)).convert("RGB").tobytes() == image.tobytes()


@pytest.mark.parametrize(
    "raw", [b"\x89PNG\r\n\x1a\n not a png", b"\xff\xd8\xff\xe1\x00", b"", b"RIFF\x04\x00\x00\x00WEBP"]
)
def test_what_cannot_be_read_is_refused_never_kept_as_it_came(raw):
    from sigap.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        without_metadata(raw)
    assert refused.value.status == 422
