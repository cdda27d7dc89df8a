"""Sigap's Open311 against the published GeoReport v2 specification (wiki.open311.org/GeoReport_v2), read by a
review as a client integrating with it would: each test quotes what the specification says; each failed before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.test import Client
from django.utils import timezone

from sigap.open311.formats import iso
from sigap.open311.tests.conftest import (
    BASE,
    api_key,  # noqa: F401 - a pytest fixture
    body,
    o311,  # noqa: F401 - a pytest fixture
    service_definitions,  # noqa: F401 - a pytest fixture
    xml,
)
from sigap.open311.tests.test_post import key, road  # noqa: F401 - key is a pytest fixture
from sigap.reports import services as report_services
from sigap.reports.models import Report
from sigap.reports.states import Status
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"  # Pondok Bambu


def garbage(key, **extra):
    """A plain POST for a category without a service definition (``sampah``)."""
    plain = {"service_code": "sampah", "attribute[ukuran_lubang]": None}
    return road(key, **{"description": "Sampah menumpuk di pinggir jalan dekat pasar.", **plain, **extra})


# 1. POST with an unknown service_code ---------------------------------------------------------------------------
# Spec, POST Service Request, Possible Errors: "404 - service_code or jurisdiction_id was not found (specified in
# error response)"; "400 - service_code or jurisdiction_id was not provided".


def test_post_with_an_unknown_service_code_is_404(o311, key):
    response = o311.post(**garbage(key, service_code="tidak-ada"))
    assert response.status_code == 404, (response.status_code, response.content)
    (error,) = body(response)
    assert error["code"] == 404


# 2. Attributes the service definition does not list ---------------------------------------------------------------
# Spec, Definitions: '"Optional" means that the response should be the same whether a parameter is passed and is
# empty or is not passed at all. A null parameter should be treated as equivalent to a non-declared parameter.'
# POST attribute: "This is only required if the service_code requires a service definition with required fields."
# FixMyStreet (the commonest GeoReport client) sends attribute[title], attribute[description], attribute[report_url],
# attribute[easting], attribute[northing], attribute[fixmystreet_id] with every report, often empty.


def test_an_empty_attribute_is_the_same_as_no_attribute(o311, key):
    response = o311.post(**garbage(key, **{"attribute[title]": "", "attribute[report_url]": ""}))
    assert response.status_code == 201, (response.status_code, response.content)


def test_a_fixmystreet_post_with_its_own_attributes_is_filed(o311, key, service_definitions):
    fixmystreet = {
        "fixmystreet_id": "1001",
        "title": "Lubang di jalan",
        "description": "Jalan berlubang dalam di depan sekolah.",
        "report_url": "https://fms.example.org/report/1001",
        "easting": "100",
        "northing": "100",
    }
    form = road(key, **{f"attribute[{k}]": v for k, v in fixmystreet.items()})
    response = o311.post(**form)
    assert response.status_code == 201, (response.status_code, response.content)
    # what the definition does not ask for is not kept
    report = Report.objects.get(number=body(response)[0]["service_request_id"])
    assert "fms.example.org" not in report.description and "1001" not in report.description
    assert "Ukuran lubang terbesar: Sedang" in report.description


# 3. A short description --------------------------------------------------------------------------------------------
# Spec, POST optional argument description: "A full description of the request or report being submitted. This may
# contain line breaks, but not html or code. Otherwise, this is free form text limited to 4,000 characters."
# Sigap files a report with no description at all, but refuses one shorter than 10 characters.


def test_a_short_description_is_accepted_as_no_description_is(o311, key):
    assert o311.post(**garbage(key, description=None)).status_code == 201
    response = o311.post(**garbage(key, description="Banjir"))
    assert response.status_code == 201, (response.status_code, response.content)
    report = Report.objects.get(number=body(response)[0]["service_request_id"])
    assert report.description.endswith(": Banjir") and report.category.name in report.description


# 4. POST answer: service_request_id or token, not both -------------------------------------------------------------
# Spec, POST Service Request, Response: service_request_id "This should not be returned if token is returned";
# token "This should not be returned if service_request_id is returned". Services are typed "realtime": "The service
# request ID will be returned immediately after the service request is submitted."


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_post_answer_carries_the_id_and_no_token(o311, key, fmt):
    response = o311.post(fmt, **garbage(key))
    assert response.status_code == 201
    if fmt == "json":
        (item,) = body(response)
        assert item["service_request_id"]
        assert "token" not in item, item
    else:
        root = xml(response)
        assert root.findtext("request/service_request_id")
        assert root.find("request/token") is None


# 5. updated_datetime of a closed request ---------------------------------------------------------------------------
# Spec, GET Service Request(s), updated_datetime: "The date and time when the service request was last modified. For
# requests with status=closed, this will be the date the request was closed."


def test_a_closed_request_s_updated_datetime_is_when_it_was_closed(o311):
    created = submit(category="saluran-tersumbat", privacy="public")
    report = created.report
    closed_at = timezone.now() - timedelta(days=3)
    Report.objects.filter(pk=report.pk).update(status=Status.DONE, closed_at=closed_at, updated_at=closed_at)
    report_services.report_rate_by_id(report_id=report.pk, rating=5)  # the resident rates it three days later
    (item,) = body(o311.get(f"requests/{report.number}"))
    assert item["status"] == "closed"
    assert item["updated_datetime"] == iso(closed_at), (item["updated_datetime"], iso(closed_at))


# 6. POST to a read-only endpoint from a real (non-browser) client --------------------------------------------------
# Spec, errors are GeoReport error documents (<errors><error><code/><description/></error></errors>, JSON an array of
# {code, description}); docs/open311.md: "405 another method", "404 ... path". With CSRF checks on (as in
# production, where no client sends a CSRF cookie), every Open311 URL but requests.{fmt} answers Django's HTML 403.


@pytest.mark.parametrize(
    "path, status",
    [("services.json", 405), ("services/sampah.json", 405), ("tokens/tok_x.json", 405), ("nothing.json", 404)],
)
def test_a_post_to_another_endpoint_is_a_georeport_error(path, status):
    response = Client(enforce_csrf_checks=True).post(f"{BASE}/{path}", {"service_code": "sampah"})
    assert response.status_code == status, (response.status_code, response["Content-Type"])
    (error,) = body(response)
    assert error["code"] == status


# 7. A long media_url -----------------------------------------------------------------------------------------------
# Spec, POST optional argument media_url: "A URL to media associated with the request, eg an image." (no length
# limit). Sigap never fetches nor shows it (only notes that a photo was linked), yet refuses one over 500 characters:
# a presigned S3/GCS link (X-Amz-Signature, X-Amz-Credential, ...) is commonly 600-1500.


def test_a_presigned_media_url_is_accepted(o311, key):
    url = "https://bucket.s3.ap-southeast-3.amazonaws.com/laporan/foto.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256" + (
        "&X-Amz-Signature=" + "a" * 700
    )
    response = o311.post(**garbage(key, media_url=url))
    assert response.status_code == 201, (response.status_code, response.content)


# 8. service_code / status "can be declared multiple times" ---------------------------------------------------------
# Spec, GET Service Requests: service_code "This defaults to all service codes when not declared; can be declared
# multiple times, comma delimited"; status "This defaults to all statuses; can be declared multiple times, comma
# delimited". Sigap reads only the last of repeated parameters and silently drops the rest.


def test_a_repeated_service_code_parameter_filters_by_all_of_them(client):
    road = submit(category="jalan-rusak", privacy="public").report
    drain = submit(category="saluran-tersumbat", privacy="public").report
    response = client.get(f"{BASE}/requests.json?service_code=jalan-rusak&service_code=saluran-tersumbat")
    assert response.status_code == 200
    assert {r["service_request_id"] for r in body(response)} == {road.number, drain.number}
