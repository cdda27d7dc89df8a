"""Open311 writes and POST preparation (``sigap.open311.services``): client keys stored as a hash and shown once,
and the non-personal fields of a POSTed request checked against the service definition. The whole POST, with the
vault, is tested in sigap/open311/tests/test_post.py."""

from __future__ import annotations

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.utils.datastructures import MultiValueDict

from sigap.open311.errors import Open311Error
from sigap.open311.models import ApiClient
from sigap.open311.services import apiclient_issue, request_prepare
from sigap.organization.models import Wilayah

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"


def form(**fields) -> MultiValueDict:
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in fields.items()})


def at_pondok_bambu(**fields) -> MultiValueDict:
    w = Wilayah.objects.get(code=PB)
    return form(lat=str(w.inner_lat), long=str(w.inner_lon), **fields)


def refusal(data) -> tuple[str, str | None]:
    with pytest.raises(Open311Error) as refused:
        request_prepare(data)
    assert refused.value.status == (404 if refused.value.code == "unknown_service_code" else 400)  # GeoReport v2
    return refused.value.code, refused.value.field


def test_a_client_key_is_shown_once_and_only_its_hash_is_stored():
    client, key = apiclient_issue(name="app-warga", rate_per_minute=30)
    assert key and key not in str(ApiClient.objects.filter(pk=client.pk).values().get())
    assert client.key_hash == ApiClient.hash(key) and client.rate_per_minute == 30


def test_a_request_becomes_a_category_a_location_and_a_description(service_definitions):
    prepared = request_prepare(
        at_pondok_bambu(
            service_code="jalan-rusak",
            description="Lubang besar di depan sekolah.",
            **{"attribute[ukuran_lubang]": "besar", "attribute[jumlah_lubang]": "3"},
        )
    )
    assert prepared.category.code == "jalan-rusak" and prepared.privacy == "private"
    assert prepared.description == (
        "Lubang besar di depan sekolah.\n\n[Open311] Ukuran lubang terbesar: Besar (lebih dari 1 m); Jumlah lubang: 3"
    )
    assert prepared.kelurahan_from_address == ""


def test_without_a_description_the_category_names_the_report():
    prepared = request_prepare(at_pondok_bambu(service_code="saluran-tersumbat", privacy="PUBLIC"))
    assert prepared.description.endswith("(laporan Open311 tanpa uraian).") and prepared.privacy == "public"


def test_a_media_url_is_noted_never_fetched_nor_shown():
    prepared = request_prepare(at_pondok_bambu(service_code="saluran-tersumbat", media_url="https://x.example/a.jpg"))
    assert "tautan foto (media_url) tidak diunduh" in prepared.description and "x.example" not in prepared.description


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({}, "service_code_required", "service_code"),
        ({"service_code": "tidak-ada"}, "unknown_service_code", "service_code"),
        ({"service_code": "jalan-rusak"}, "attribute_required", "attribute[ukuran_lubang]"),
        ({"service_code": "jalan-rusak", "attribute[ukuran_lubang]": "raksasa"}, "invalid_attribute", None),
        ({"service_code": "jalan-rusak", "attribute[ukuran_lubang]": ["kecil", "besar"]}, "invalid_attribute", None),
        (
            {"service_code": "jalan-rusak", "attribute[ukuran_lubang]": "kecil", "attribute[jumlah_lubang]": "nan"},
            "invalid_attribute",
            "attribute[jumlah_lubang]",
        ),
        ({"service_code": "saluran-tersumbat", "privacy": "rahasia"}, "invalid_privacy", "privacy"),
        ({"service_code": "saluran-tersumbat", "media_url": "ftp://x.example/a.jpg"}, "invalid_media_url", "media_url"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(service_definitions, fields, code, field):
    got_code, got_field = refusal(at_pondok_bambu(**fields))
    assert got_code == code
    if field is not None:
        assert got_field == field
    else:
        assert got_field == "attribute[ukuran_lubang]"


def test_a_location_is_lat_and_long_together_or_an_address_string():
    assert refusal(form(service_code="saluran-tersumbat", lat="-6.23"))[0] == "location_incomplete"
    assert refusal(form(service_code="saluran-tersumbat")) == ("location_required", "lat")
    prepared = request_prepare(form(service_code="saluran-tersumbat", address_string="Kelurahan Pondok Bambu"))
    assert prepared.kelurahan_from_address == PB and prepared.lat and prepared.lon
