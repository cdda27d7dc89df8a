"""Decoding work per photo and per request is bounded from the image header, before any pixel is decoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from sigap.core.errors import DomainError
from sigap.core.limits import pixel_budget
from sigap.privacy.photos import photo_clean


def encode(size, fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (90, 140, 200)).save(buf, fmt)
    return buf.getvalue()


@pytest.fixture
def decoded(monkeypatch):
    seen: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(self):
        if self.tile:
            seen.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return seen


def test_a_png_past_the_decode_limit_is_refused_before_decoding(settings, decoded):
    settings.SIGAP_PHOTO_MAX_DECODE_PIXELS = 1_000_000
    with pytest.raises(DomainError) as err:
        photo_clean(encode((1500, 1000), "PNG"), filename="besar.png", blur=False)
    assert (err.value.code, err.value.status, err.value.field) == ("photo_too_many_pixels", 413, "photos")
    assert "1.5 MP" in err.value.message_id and "1 MP" in err.value.message_en and "besar.png" in err.value.message_id
    assert decoded == []


def test_a_large_jpeg_is_counted_at_the_scale_it_is_decoded(settings, decoded):
    settings.SIGAP_PHOTO_MAX_DECODE_PIXELS = 1_000_000
    settings.SIGAP_PHOTO_MAX_SIDE = 700
    clean = photo_clean(encode((3000, 2000), "JPEG"), blur=False)  # 6 MP declared, decoded at 1/4: 750×500
    assert (clean.width, clean.height) == (700, 467)
    assert decoded == [(750, 500)]


@pytest.mark.parametrize(
    "declared, decoded_at, out",
    [
        ((4000, 3000), (2000, 1500), (2000, 1500)),  # 12 MP phone photo: half scale is just under the cap
        ((4032, 3024), (2016, 1512), (2016, 1512)),
        ((4001, 3000), (2001, 1500), (2001, 1500)),  # odd sides: libjpeg rounds up
        ((3999, 2999), (2000, 1500), (2000, 1500)),
        ((4000, 2251), (2000, 1126), (2000, 1126)),
        ((7200, 5400), (1800, 1350), (1800, 1350)),  # 39 MP: quarter scale
        ((3264, 2448), (3264, 2448), (2048, 1536)),  # half scale (1632) would lose too much: full, then resized
        ((4624, 3472), (2312, 1736), (2048, 1538)),  # no scale near enough: the smallest above the cap
    ],
)
def test_a_jpeg_near_a_reduced_scale_of_the_cap_is_decoded_straight_to_it(settings, decoded, declared, decoded_at, out):
    settings.SIGAP_PHOTO_MAX_SIDE = 2048
    clean = photo_clean(encode(declared, "JPEG"), blur=False)
    assert decoded == [decoded_at]
    assert (clean.width, clean.height) == out


def test_the_request_budget_refuses_the_photo_that_does_not_fit(settings, decoded):
    settings.SIGAP_PHOTO_MAX_DECODE_PIXELS = 1_000_000
    raw = encode((800, 600), "PNG")  # 0.48 MP
    with pixel_budget(1_000_000):
        photo_clean(raw, blur=False)
        photo_clean(raw, blur=False)
        with pytest.raises(DomainError) as err:
            photo_clean(raw, filename="ketiga.png", blur=False)
    assert (err.value.code, err.value.status) == ("photos_too_many_pixels", 413)
    assert "1 MP" in err.value.message_id and "1 MP" in err.value.message_en
    assert len(decoded) == 2
    photo_clean(raw, blur=False)  # outside a request's budget only the per-photo limits apply
    assert len(decoded) == 3
