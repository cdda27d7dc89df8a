"""Open311 POST requests, end to end: the view (``sigap.open311.post``) with the filing ``sigap.config`` hands it
(``sigap.intake.open311``, tested on its own in sigap/intake/tests/test_open311.py): a client app files a report
for a resident. Personal fields go only to the vault; the response and every later read carry none of them."""

from __future__ import annotations

import socket

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import jpeg_bytes
from sigap.open311.models import ClientReport
from sigap.open311.tests.conftest import (
    NS,
    api_key,  # noqa: F401 - a pytest fixture
    body,
    o311,  # noqa: F401 - a pytest fixture
    service_definitions,  # noqa: F401 - a pytest fixture
    xml,
)
from sigap.privacy import vault
from sigap.privacy.tests.test_canary import (
    EMAIL,
    MARKERS,
    NAME,
    NIK,
    PHONE,
    TYPED,
    assert_clean,
    canary_reports,  # noqa: F401 - a pytest fixture
)
from sigap.reports.exposure import PUBLIC_GRID_DEG, snap
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"
MEDIA_URL_NOTE = "tautan foto (media_url) tidak diunduh"


@pytest.fixture
def key(api_key):
    return api_key("app-warga")[1]


def road(key, **extra):
    lat, lon = inner_point(PB)
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": str(lat),
        "long": str(lon),
        "description": "Jalan berlubang dalam di depan sekolah.",
        "attribute[ukuran_lubang]": "sedang",
    }
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def no_network(monkeypatch):
    """Nothing may be fetched: any outgoing connection fails the test."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("Open311 intake tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return calls


def test_a_client_app_files_a_report_and_the_identity_goes_only_to_the_vault(
    o311, key, service_definitions, no_network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = o311.post(
            **road(
                key,
                first_name="Siti",
                last_name="Rahayu",
                email="siti@example.org",
                phone="0812-3456-7890",
                device_id="device-77",
                account_id="acct-42",
                media_url="https://img.example.org/lubang.jpg",
                **{"attribute[jumlah_lubang]": "3"},
            )
        )
    assert response.status_code == 201, response.content
    (created,) = body(response)
    report = Report.objects.get(number=created["service_request_id"])
    assert report.channel == "open311" and report.privacy == "private" and report.category.code == "jalan-rusak"
    assert "token" not in created and report.open311_client.client.name == "app-warga"
    assert "Kelurahan Pondok Bambu" in created["service_notice"] or "Pondok Bambu" in created["service_notice"]
    assert created["sigap"]["tracking_code"] and created["sigap"]["secret"] is None
    assert "Ukuran lubang terbesar: Sedang (30–100 cm)" in report.description
    assert "Jumlah lubang: 3" in report.description
    assert "img.example.org" not in report.description and MEDIA_URL_NOTE in report.description
    assert no_network == []
    identity = vault.identity_for_reveal(report.reporter_ref)
    assert identity["name"] == "Siti Rahayu" and identity["email"] == "siti@example.org"
    assert identity["phone"] == "0812-3456-7890" and identity["channel"] == "open311"
    assert identity["device_id"] == "device-77" and identity["account_id"] == "acct-42"
    for value in ("Siti", "Rahayu", "siti@example.org", "3456-7890", "device-77", "acct-42"):
        assert value.encode() not in response.content


def test_the_xml_answer_has_the_service_request_id_and_an_issued_token_still_resolves(o311, key, service_definitions):
    response = o311.post("xml", **road(key))
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert Report.objects.filter(number=number).exists()
    assert root.find("request/token") is None  # GeoReport v2: the id or a token, not both
    assert root.findtext("request/sigap:tracking_code", namespaces=NS)
    token = ClientReport.objects.get(report__number=number).token  # as earlier versions answered it
    assert o311.get(f"tokens/{token}").json()[0]["service_request_id"] == number


def test_the_client_that_filed_a_private_report_reads_it_back_others_do_not(o311, key, api_key, service_definitions):
    number = body(o311.post(**road(key)))[0]["service_request_id"]
    (item,) = body(o311.get(f"requests/{number}", api_key=key))
    assert item["sigap"]["privacy"] == "private" and item["status"] == "open" and item["media_url"] is None
    other = api_key("app-lain")[1]
    assert o311.get(f"requests/{number}", api_key=other).status_code == 404
    assert o311.get(f"requests/{number}").status_code == 404


def test_a_report_located_by_address_string_lands_at_the_named_kelurahan(o311, key):
    response = o311.post(
        **road(
            key,
            lat=None,
            long=None,
            service_code="sampah",
            **{"attribute[ukuran_lubang]": None},
            address_string="Jl. Pahlawan Revolusi dekat pasar, Kel. Pondok Bambu, Kec. Duren Sawit",
        )
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(number=body(response)[0]["service_request_id"])
    assert report.kelurahan.code == PB
    assert (report.lat, report.lon) == inner_point(PB)
    assert "Pahlawan Revolusi" in report.address


@pytest.mark.parametrize(
    "address, code",
    [
        ("di depan rumah saya", "address_not_understood"),
        ("Kecamatan Duren Sawit", "address_kelurahan_missing"),
        ("antara Pondok Bambu dan Gambir", "address_ambiguous"),
    ],
)
def test_an_address_string_without_one_kelurahan_is_a_clear_400(o311, key, address, code):
    response = o311.post(
        **road(
            key,
            lat=None,
            long=None,
            service_code="sampah",
            **{"attribute[ukuran_lubang]": None},
            address_string=address,
        )
    )
    assert response.status_code == 400
    (error,) = body(response)
    assert error["sigap"] == {"code": code, "field": "address_string"}
    assert address.encode() not in response.content


@pytest.mark.parametrize(
    "change, status, code",
    [
        ({"api_key": None}, 403, "api_key_required"),
        ({"api_key": "o311_wrong"}, 403, "invalid_api_key"),
        ({"service_code": None}, 400, "service_code_required"),
        ({"service_code": "tidak-ada"}, 404, "unknown_service_code"),
        ({"lat": None, "long": None}, 400, "location_required"),
        ({"long": None}, 400, "location_incomplete"),
        ({"lat": "north"}, 400, "invalid_coordinates"),
        ({"lat": "nan"}, 400, "invalid_coordinates"),
        ({"lat": "0", "long": "0"}, 400, "outside_area"),
        ({"attribute[ukuran_lubang]": None}, 400, "attribute_required"),
        ({"attribute[ukuran_lubang]": "raksasa"}, 400, "invalid_attribute"),
        ({"attribute[jumlah_lubang]": "banyak"}, 400, "invalid_attribute"),
        ({"media_url": "javascript:alert(1)"}, 400, "invalid_media_url"),
        ({"media": "bukan berkas"}, 400, "invalid_media"),
        ({"foto": SimpleUploadedFile("a.jpg", jpeg_bytes())}, 400, "invalid_media"),
        ({"media": SimpleUploadedFile("a.jpg", b"GIF89a bukan foto")}, 400, "photo_not_image"),
        ({"privacy": "semi"}, 400, "invalid_privacy"),
        (
            {"service_code": "ketenagakerjaan", "privacy": "public", "attribute[ukuran_lubang]": None},
            400,
            "sensitive_not_public",
        ),
        ({"description": "x" * 5001}, 400, "description_too_long"),
        # sent twice, the last value would win and the first be lost with a 201 (a review)
        (
            {"description": ["Jalan berlubang di depan sekolah.", "Sudah dua minggu belum diperbaiki."]},
            400,
            "repeated_field",
        ),
        ({"lat": ["-6.23", "-6.24"]}, 400, "repeated_field"),
        ({"jurisdiction_id": "nyc.gov"}, 404, "unknown_jurisdiction"),
        ({"first_name": "x" * 101}, 400, "bad_request"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_every_refusal_is_an_open311_error_and_nothing_is_saved(
    o311, key, service_definitions, change, status, code, fmt
):
    before = Report.objects.count()
    for value in change.values():
        if hasattr(value, "seek"):  # the same file object serves both formats
            value.seek(0)
    response = o311.post(fmt, **road(key, **change))
    assert response.status_code == status, response.content
    if fmt == "json":
        (error,) = body(response)
        assert error["code"] == status and error["description"] and error["sigap"]["code"] == code
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == str(status)
        assert root.findtext("error/description") and root.findtext("error/sigap:code", namespaces=NS) == code
    assert Report.objects.count() == before


def test_a_description_of_the_documented_length_is_filed_whole_with_the_answers_after_it(
    o311, key, service_definitions
):
    """Up to 5,000 characters are the client's: Sigap's notes after them (the answers to the service's questions, a
    media_url's note) do not count. A 4,996-character description with the road's required answer was refused as
    "too long" (a review)."""
    description = "Jalan berlubang " + "x" * 4984
    assert len(description) == 5000
    response = o311.post("json", **road(key, description=description, media_url="https://example.org/a.jpg"))
    assert response.status_code == 201, response.content
    stored = Report.objects.get(number=body(response)[0]["service_request_id"]).description
    assert stored.startswith(description) and "[Open311]" in stored[len(description) :]


def test_error_descriptions_follow_the_accept_language(client, key):
    form = {"api_key": key}
    indonesian = client.post("/open311/v2/requests.json", form).json()[0]["description"]
    english = client.post("/open311/v2/requests.json", form, HTTP_ACCEPT_LANGUAGE="en").json()[0]["description"]
    assert indonesian == "service_code wajib diisi." and english == "service_code is required."


def test_a_body_that_is_not_a_form_is_refused(client, key):
    response = client.post(
        f"/open311/v2/requests.json?api_key={key}", data='{"service_code": "sampah"}', content_type="application/json"
    )
    assert response.status_code == 400 and response.json()[0]["sigap"]["code"] == "unsupported_media_type"
    broken = client.post(
        f"/open311/v2/requests.xml?api_key={key}",
        data=b"--x\r\nnonsense",
        content_type="multipart/form-data; boundary=x",
    )
    assert broken.status_code == 400 and xml(broken).findtext("error/code") == "400"


def test_an_anonymous_report_stores_no_identity_and_returns_its_secret(o311, key, service_definitions):
    response = o311.post(**road(key, privacy="anonymous", first_name="Siti", email="siti@example.org"))
    assert response.status_code == 201
    (created,) = body(response)
    report = Report.objects.get(number=created["service_request_id"])
    assert report.reporter_ref == "" and created["sigap"]["secret"]
    assert o311.get(f"requests/{report.number}", api_key=key).status_code == 200  # Anonim is treated like Privat
    assert o311.get(f"requests/{report.number}").status_code == 404


def test_a_public_report_appears_in_the_public_listing_coarsened(o311, key, service_definitions):
    lat, lon = inner_point(PB)
    number = body(o311.post(**road(key, privacy="public", lat=f"{lat + 0.000444:.6f}")))[0]["service_request_id"]
    item = next(r for r in body(o311.get("requests")) if r["service_request_id"] == number)
    assert (item["lat"], item["long"]) == snap(lat + 0.000444, lon, PUBLIC_GRID_DEG)


def test_posting_is_rate_limited_per_client(o311, api_key, service_definitions):
    _app, slow = api_key("lambat", rate=1)
    assert o311.post(**road(slow)).status_code == 201
    response = o311.post(**road(slow))
    assert response.status_code == 429 and body(response)[0]["code"] == 429


def test_the_identity_canary_never_reaches_an_open311_response(
    o311, client, key, api_key, service_definitions, canary_reports, django_capture_on_commit_callbacks
):
    """Reports full of identity markers, filed by the other channels and by Open311 (public and private), then
    every Open311 read as the filing client, as another client and as the public."""
    with django_capture_on_commit_callbacks(execute=True):
        posted = [
            body(
                o311.post(
                    fmt,
                    **road(
                        key,
                        description=TYPED,
                        first_name=NAME.split()[0],
                        last_name=NAME.split()[1],
                        email=EMAIL,
                        phone=PHONE,
                        device_id=NIK,
                        account_id=EMAIL,
                        privacy=privacy,
                        address_string=f"Jl. Mawar a.n. {NAME}",
                    ),
                )
            )
            for fmt, privacy in (("json", "public"), ("json", "private"), ("json", "anonymous"))
        ]
    numbers = [p[0]["service_request_id"] for p in posted] + canary_reports[0]
    for p in posted:
        assert_clean(repr(p), "POST response")
    other = api_key("app-lain")[1]
    responses = []
    for params in ({"api_key": key}, {"api_key": other}, {}):
        for fmt in ("json", "xml"):
            responses.append(o311.get("requests", fmt, **params))
            responses.append(o311.get("requests", fmt, service_request_id=",".join(numbers), **params))
            responses += [o311.get(f"requests/{n}", fmt, **params) for n in numbers]
            responses += [o311.get(path, fmt, **params) for path in ("discovery", "services", "services/jalan-rusak")]
    for response in responses:
        assert response.status_code in (200, 404)
        assert_clean(response.content, f"Open311 {response.wsgi_request.get_full_path()}")
    assert len(MARKERS) > 5


DEVICE = "5f2c9a7e-31b4-4d0e-9a61-7c2f0b8e4d11"
ACCOUNT = "u88213907"


@pytest.mark.parametrize("privacy", ["private", "public"])
def test_a_media_url_reaches_no_officer_nor_the_public_with_the_ids_in_it(o311, key, service_definitions, privacy):
    """The link points at the photo as taken (faces, plates, GPS) on the client's server, and its path may hold the
    resident's account and device (found by a review): it is never shown; officers read that a photo was linked."""
    url = f"https://cdn.app-warga.id/users/{ACCOUNT}/{DEVICE}/IMG_20260301_101500.jpg"
    response = o311.post(
        **road(key, first_name="Siti", device_id=DEVICE, account_id=ACCOUNT, media_url=url, privacy=privacy)
    )
    assert response.status_code == 201, response.content
    report = Report.objects.get(number=body(response)[0]["service_request_id"])
    assert MEDIA_URL_NOTE in report.description
    for leaked in ("cdn.app-warga.id", DEVICE, ACCOUNT, "IMG_2026"):
        assert leaked not in report.description
    if privacy == "public":
        (item,) = body(o311.get(f"requests/{report.number}"))
        assert "cdn.app-warga.id" not in item["description"] and DEVICE not in item["description"]


def test_the_device_id_written_in_the_text_is_cut_as_the_account_is(o311, key, service_definitions):
    text = f"Lubang dalam. Dikirim dari perangkat {DEVICE} akun {ACCOUNT}."
    response = o311.post(**road(key, description=text, device_id=DEVICE, account_id=ACCOUNT))
    assert response.status_code == 201, response.content
    report = Report.objects.get(number=body(response)[0]["service_request_id"])
    assert DEVICE not in report.description and ACCOUNT not in report.description
    assert "Lubang dalam." in report.description


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_photo_sent_as_media_is_filed_and_de_identified_in_the_worker(
    o311, key, service_definitions, photos_drain, fmt
):
    exif = __import__("PIL.Image", fromlist=["Exif"]).Exif()
    exif[0x013B] = "Siti Rahayu"  # Artist
    photo = SimpleUploadedFile("IMG_Siti_Rahayu.jpg", jpeg_bytes(size=(640, 480), exif=exif), "image/jpeg")
    response = o311.post(fmt, **road(key, media=photo, privacy="public"))
    assert response.status_code == 201, response.content
    number = (
        body(response)[0]["service_request_id"]
        if fmt == "json"
        else xml(response).findtext("request/service_request_id")
    )
    report = Report.objects.get(number=number)
    (stored,) = report.photos.all()
    assert stored.kind == "report" and stored.state == "processing" and not stored.image
    assert photos_drain()["ready"] == 1
    stored.refresh_from_db()
    data = stored.image.open("rb").read()
    assert b"Siti" not in data and b"Rahayu" not in data
    (item,) = body(o311.get(f"requests/{number}"))
    assert item["media_url"].endswith(f"/open311/v2/media/{number}/{stored.pk}.jpg")


def test_more_media_than_a_report_takes_are_refused_and_nothing_is_saved(o311, key, service_definitions, settings):
    before = Report.objects.count()
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes()) for i in range(settings.SIGAP_PHOTOS_PER_REPORT + 1)]
    response = o311.post(**road(key, media=photos))
    assert response.status_code == 400, response.content
    assert body(response)[0]["sigap"]["field"] == "media"
    assert Report.objects.count() == before


@pytest.mark.parametrize("device", ["jalan rusak", "sekolah", "berlubang", "android", "unknown"])
def test_a_device_id_that_is_an_ordinary_word_cuts_no_word(o311, key, service_definitions, device):
    """A device id is cut where it stands only when it looks like one (a digit in it, no space): a client app
    sending "sekolah" or "unknown" erased that word from every text the resident wrote (found by a review)."""
    text = "Jalan rusak berlubang di depan sekolah, terlihat dari aplikasi android; penyebab unknown."
    response = o311.post(**road(key, description=text, device_id=device))
    assert response.status_code == 201, response.content
    assert Report.objects.get(number=body(response)[0]["service_request_id"]).description.startswith(text)


def test_an_oversized_media_file_is_refused_naming_its_field(o311, key, service_definitions, settings):
    settings.SIGAP_PHOTO_MAX_BYTES = 10_000
    before = Report.objects.count()
    big = SimpleUploadedFile("besar.jpg", jpeg_bytes(size=(400, 300)) + b"\0" * 20_000, "image/jpeg")
    response = o311.post(**road(key, media=big))
    assert response.status_code == 400, response.content  # Open311 answers its refusals 400
    (error,) = body(response)
    assert error["sigap"]["code"] == "photo_too_large" and error["sigap"]["field"] == "media"
    assert Report.objects.count() == before
