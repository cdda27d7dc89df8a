"""Bad request bodies get a clear 4xx on every endpoint that takes one, before any work is done, and leave
nothing behind: a body declared too large is refused before a byte of it is read, a file part past the
per-photo limit stops the parse, a form in another charset or a multipart body without a boundary is
refused from its headers, too many files is the same refusal as too many photos, and image decoding work
is bounded per image and per request."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from sigap.organization.models import StaffRole
from sigap.privacy.models import IdentityRecord
from sigap.reports.models import Photo, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db

API = "/api/v1/reports"
PORTAL = "/lapor/"
OPERATOR = "/petugas/operator/"
OPEN311 = "/open311/v2/requests.json"
WEBHOOK = "/channels/sms/webhook"
BOUNDARY = "sigapTestBoundary"


def nothing_written() -> bool:
    return Report.objects.count() == 0 and IdentityRecord.objects.count() == 0 and Photo.objects.count() == 0


def fields(**extra) -> list[tuple[str, bytes]]:
    lat, lon = inner_point("31.75.07.1002")
    data = {
        "category": "saluran-tersumbat",
        "description": "Got mampet di depan gang, air meluap ke jalan.",
        "lat": str(lat),
        "lon": str(lon),
        "address": "Jl. Pahlawan Revolusi",
        "privacy": "private",
        "reporter_name": "Siti Aminah",
        **extra,
    }
    return [(k, v.encode()) for k, v in data.items()]


def multipart(
    values: list[tuple[str, bytes]], files: list[tuple[str, str, bytes]] = (), *, part_headers: str = ""
) -> bytes:
    out = b""
    for name, value in values:
        out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
    for name, filename, data in files:
        out += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: image/png\r\n{part_headers}\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


def png(size, mode="L") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, 0).save(buf, "PNG")  # one colour: a few KB on disk, many megapixels decoded
    return buf.getvalue()


def jpeg(size) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(buf, "JPEG")
    return buf.getvalue()


class Unreadable:
    """A wsgi.input that fails the test if anything reads it."""

    read_count = 0

    def read(self, *args, **kwargs):
        Unreadable.read_count += 1
        raise AssertionError("the request body was read")

    readline = read


class Counting(io.BytesIO):
    """A wsgi.input that counts what was read of it."""

    def read(self, *args, **kwargs):
        data = super().read(*args, **kwargs)
        self.consumed = getattr(self, "consumed", 0) + len(data)
        return data

    def readline(self, *args, **kwargs):
        data = super().readline(*args, **kwargs)
        self.consumed = getattr(self, "consumed", 0) + len(data)
        return data


@pytest.fixture
def operator(staff):
    c = Client()
    c.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    return c


def post(client, url, body: bytes, content_type: str, **extra):
    return client.generic("POST", url, body, content_type=content_type, **extra)


def on(url: str, status: int) -> int:
    """The status an endpoint answers a refusal with: GeoReport v2 (Open311) knows only 400 for bad input."""
    return 400 if url.startswith("/open311/") and status in (413, 415, 422) else status


def assert_clear(response, status: int, code: str, *words_id: str):
    """The refusal in the shape of the endpoint, with its stable code and a message a person can act on."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    content_type = response["Content-Type"]
    text = response.content.decode()
    if content_type.startswith("application/json"):
        data = response.json()
        if isinstance(data, list):  # Open311 (GeoReport v2) error document
            assert data[0]["code"] == status and data[0]["sigap"]["code"] == code
            message = data[0]["description"]
        else:
            assert data["code"] == code and data["message"] and data["message_en"]
            message = data["message"]
    else:
        assert content_type.startswith("text/html")
        assert f'data-code="{code}"' in text
        message = text
    for word in words_id:
        assert word in message, (word, message)


# --- multipart without a boundary -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary="a\x7fb"']
)
def test_api_multipart_without_a_valid_boundary_is_400(client, content_type):
    response = post(client, API, multipart(fields()), content_type)
    assert_clear(response, 400, "invalid_multipart", "boundary")
    assert nothing_written()


def test_portal_multipart_without_boundary_is_a_clear_400_page(client):
    response = post(client, PORTAL, multipart(fields()), "multipart/form-data")
    assert_clear(response, 400, "invalid_multipart", "boundary")
    assert nothing_written()


def test_portal_refusal_speaks_english_when_asked(client):
    response = post(client, PORTAL, multipart(fields()), "multipart/form-data", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The form could not be read" in response.content.decode()


def test_operator_multipart_without_boundary_is_400(operator):
    response = post(operator, OPERATOR, multipart(fields(channel="counter")), "multipart/form-data")
    assert_clear(response, 400, "invalid_multipart", "boundary")
    assert nothing_written()


def test_open311_multipart_without_boundary_is_400(client):
    response = post(client, OPEN311, multipart(fields()), "multipart/form-data")
    assert_clear(response, 400, "invalid_multipart")


# --- a form in another charset ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [API, PORTAL, OPEN311, WEBHOOK])
def test_urlencoded_form_in_utf16_is_415(client, url):
    body = "category=saluran-tersumbat&description=Got mampet".encode("utf-16")
    response = post(client, url, body, "application/x-www-form-urlencoded; charset=utf-16")
    assert_clear(response, on(url, 415), "unsupported_charset", "UTF-8")
    assert nothing_written()


@pytest.mark.parametrize("url", [API, PORTAL])
def test_multipart_form_in_utf16_is_415_not_garbled_field_names(client, url):
    response = post(client, url, multipart(fields()), f"multipart/form-data; boundary={BOUNDARY}; charset=utf-16")
    assert_clear(response, 415, "unsupported_charset", "UTF-8")
    assert nothing_written()


def test_utf8_under_another_spelling_is_accepted(client):
    response = post(client, API, multipart(fields()), f"multipart/form-data; boundary={BOUNDARY}; charset=UTF8")
    assert response.status_code == 201, response.content


# --- too many files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [API, PORTAL])
def test_seven_files_is_the_too_many_photos_refusal(client, url):
    files = [("photos", f"p{i}.jpg", jpeg((40, 30))) for i in range(7)]
    response = post(client, url, multipart(fields(), files), f"multipart/form-data; boundary={BOUNDARY}")
    assert_clear(response, 422, "too_many_photos", "Terlalu banyak foto", "5")
    assert nothing_written()


def test_operator_seven_files_is_422(operator):
    files = [("photo", f"p{i}.jpg", jpeg((40, 30))) for i in range(7)]
    response = post(
        operator, OPERATOR, multipart(fields(channel="counter"), files), f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert_clear(response, 422, "too_many_photos")
    assert nothing_written()


# --- size, declared before it is read ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url, content_type",
    [
        (API, f"multipart/form-data; boundary={BOUNDARY}"),
        (API, "application/json"),
        (PORTAL, f"multipart/form-data; boundary={BOUNDARY}"),
        (OPEN311, "application/x-www-form-urlencoded"),
        (WEBHOOK, "application/json"),
    ],
)
def test_a_60_mb_body_is_413_before_a_byte_is_read(client, url, content_type):
    Unreadable.read_count = 0
    response = client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(60 * 1024 * 1024),  # past every body limit (a multipart one: 52 MB)
        **{"wsgi.input": Unreadable()},
    )
    assert_clear(response, on(url, 413), "request_too_large", "MB")
    assert Unreadable.read_count == 0
    assert nothing_written()


def test_a_json_body_past_the_form_limit_is_413_not_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, API, b'{"description": "' + b"a" * 2000 + b'"}', "application/json")
    assert_clear(response, 413, "request_too_large")


def test_a_malformed_content_length_is_400(client):
    response = client.generic("POST", API, b"{}", content_type="application/json", CONTENT_LENGTH="12abc")
    assert_clear(response, 400, "invalid_content_length")


def test_a_photo_part_past_the_photo_limit_stops_the_parse(client, settings, monkeypatch):
    from sigap.intake import services

    settings.SIGAP_PHOTO_MAX_BYTES = 100_000
    cleaned = []
    monkeypatch.setattr(services, "photo_check", lambda *a, **k: cleaned.append(1))  # intake reads photos here
    big = b"\x89PNG" + b"\0" * 2_000_000
    body = multipart(fields(), [("photos", "big.png", big), ("photos", "small.png", png((10, 10)))])
    stream = Counting(body)
    response = client.generic(
        "POST",
        API,
        b"",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
    assert_clear(response, 413, "photo_too_large", "big.png")
    assert stream.consumed < len(body) // 2  # refused while streaming, not after reading it all
    assert cleaned == [] and nothing_written()


def test_a_photo_part_declaring_its_size_past_the_limit_is_refused_from_its_headers(client, settings):
    settings.SIGAP_PHOTO_MAX_BYTES = 100_000
    body = multipart(fields(), [("photos", "declared.png", png((10, 10)))], part_headers="Content-Length: 5000000\r\n")
    response = post(client, API, body, f"multipart/form-data; boundary={BOUNDARY}")
    assert_clear(response, 413, "photo_too_large", "declared.png")
    assert nothing_written()


# --- image decoding work, bounded -----------------------------------------------------------------


def count_decoding(monkeypatch) -> dict:
    """The uploads whose pixels get decoded (an image file with tiles still to decode), by object id.

    The images themselves are kept as the values: an id is unique only while its object lives, and a
    decoded upload freed before the next is opened may hand the next one the same id.
    """
    from PIL import ImageFile

    decoded: dict = {}
    original_load = ImageFile.ImageFile.load

    def counting_load(self, *args, **kwargs):
        if self.tile:
            decoded[id(self)] = self
        return original_load(self, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    return decoded


def test_five_tiny_36_megapixel_pngs_are_refused_before_decoding(client, monkeypatch):
    decoded = count_decoding(monkeypatch)
    big = png((7200, 5000))
    assert len(big) < 100_000  # tiny file, 36 MP declared
    files = [("photos", f"big{i}.png", big) for i in range(5)]
    response = post(client, API, multipart(fields(), files), f"multipart/form-data; boundary={BOUNDARY}")
    assert_clear(response, 413, "photo_too_many_pixels", "big0.png", "MP")
    assert decoded == {}
    assert nothing_written()


def gif(size) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 0).save(buf, "GIF")
    return buf.getvalue()


@pytest.mark.parametrize("fmt, make, decoding", [("png", png, 0), ("gif", gif, 2)])
def test_the_per_request_pixel_budget_stops_decoding_once_spent(client, settings, monkeypatch, fmt, make, decoding):
    """A GIF is decoded in the request (only that tells one cut short): the two that fit the budget are, the third
    is refused from its header. A PNG is not decoded in the request at all; the budget holds from the headers."""
    settings.SIGAP_PHOTO_MAX_DECODE_PIXELS = 1_000_000
    settings.SIGAP_PHOTO_REQUEST_PIXELS = 2_000_000
    decoded = count_decoding(monkeypatch)
    files = [("photos", f"p{i}.{fmt}", make((1000, 900))) for i in range(5)]  # 0.9 MP each, 4.5 MP in all
    response = post(client, API, multipart(fields(), files), f"multipart/form-data; boundary={BOUNDARY}")
    assert_clear(response, 413, "photos_too_many_pixels", "MP")
    assert len(decoded) == decoding
    assert nothing_written()


def test_the_portal_refuses_a_huge_png_with_its_form_message(client):
    files = [("photos", "big.png", png((7200, 5000)))]
    response = post(client, PORTAL, multipart(fields(), files), f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 200  # the form again, with the message at the photos field
    assert "big.png" in response.content.decode() and "MP" in response.content.decode()
    assert nothing_written()


def test_five_photos_within_the_budget_are_accepted(client):
    files = [("photos", f"p{i}.png", png((400, 300), "RGB")) for i in range(5)]
    response = post(client, API, multipart(fields(), files), f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 201, response.content
    assert Photo.objects.count() == 5


# --- Open311 dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"start_date": "9999-12-31"}, {"end_date": "0001-01-01"}])
def test_open311_dates_at_the_ends_of_the_calendar_are_400(client, params):
    response = client.get(OPEN311, params)
    assert response.status_code == 400, response.content
    assert response.json()[0]["sigap"]["code"] == "invalid_date"


# --- uploads never spooled to disk in clear ------------------------------------------------------


def test_a_photo_past_djangos_spool_size_is_held_in_memory_and_filed(client, monkeypatch):
    """A photo as uploaded (EXIF, GPS, capture time) is never written to a plaintext temporary file: Django spools
    an upload past FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default) to one, which a worker killed mid-request leaves
    behind (found by an attacker's review). A 6 MB photo is filed from memory."""
    import numpy as np
    from django.core.files import uploadedfile, uploadhandler

    def no_spool(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", no_spool)
    monkeypatch.setattr(uploadedfile.tempfile, "NamedTemporaryFile", no_spool)
    noise = np.random.default_rng(5).integers(0, 255, (1450, 1450, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noise).save(buf, "PNG", compress_level=0)
    big = buf.getvalue()
    assert 6_000_000 < len(big) < 10_000_000
    response = post(
        client, API, multipart(fields(), [("photos", "big.png", big)]), f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert response.status_code == 201, response.content
    assert Photo.objects.count() == 1


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "/\t/evil.example/x"])
def test_a_refusal_pages_back_link_never_leaves_the_site(client, path):
    """Found by a review: a refused POST's page linked "back" to request.path, and a path that starts with two
    slashes is a link to another host; the refusal runs before CSRF and URL resolution, so another site could send
    a victim there by an auto-submitted form."""
    response = client.post("/lapor/", {"description": "a\x00b"}, PATH_INFO=path)
    assert response.status_code == 422
    import re

    links = re.findall(r'href="([^"]*)"', response.content.decode())
    assert "/" in links and not [link for link in links if "evil.example" in link], links
    # (the language switch's "next" holds the path too; Django's set_language keeps a redirect on this site)


def test_a_refusal_pages_back_link_is_the_form_it_came_from(client):
    response = client.post("/lapor/", {"description": "a\x00b"})
    assert response.status_code == 422 and 'href="/lapor/"' in response.content.decode()
