"""GeoReport v2 read side, as an anonymous client, as the client app that filed a report and as another app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

from django.utils import timezone

from sigap.open311.models import ClientReport
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.exposure import PUBLIC_GRID_DEG, snap
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point, submit

from .conftest import NS, body, xml

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"  # Pondok Bambu


def owned_by(client_app, report: Report) -> Report:
    ClientReport.objects.create(client=client_app, report=report, token=ClientReport.new_token())
    return report


def ids(response) -> list[str]:
    return [r["service_request_id"] for r in body(response)]


# --- discovery, services, definitions ------------------------------------------------------------


def test_discovery_names_the_v2_endpoint_and_both_formats(o311):
    data = body(o311.get("discovery"))
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"
    assert data["changeset"][-6:] == "+07:00" and data["contact"] and data["key_service"]
    root = xml(o311.get("discovery", "xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"


def test_services_are_the_active_categories_with_metadata_where_a_definition_exists(o311, service_definitions):
    services_json = {s["service_code"]: s for s in body(o311.get("services"))}
    road = services_json["jalan-rusak"]
    assert road == {
        "service_code": "jalan-rusak",
        "service_name": "Jalan Rusak / Berlubang",
        "description": "Damaged or potholed road",
        "metadata": True,
        "type": "realtime",
        "keywords": "jalan berlubang, aspal mengelupas",
        "group": "infrastruktur",
        "sigap": {"name_en": "Damaged or potholed road", "sensitive": False, "days_to_resolve": 7},
    }
    assert services_json["pohon-tumbang"]["metadata"] is True
    assert services_json["sampah"]["metadata"] is False
    root = xml(o311.get("services", "xml"))
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == set(services_json)
    tree = next(s for s in root.findall("service") if s.findtext("service_code") == "pohon-tumbang")
    assert [c.tag for c in tree][:7] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert tree.findtext("metadata") == "true" and tree.findtext("type") == "realtime"
    assert tree.findtext("sigap:name_en", namespaces=NS) == "Fallen or unsafe tree"


def test_service_definition_asks_for_the_pothole_size(o311, service_definitions):
    data = body(o311.get("services/jalan-rusak"))
    assert data["service_code"] == "jalan-rusak"
    size, count = data["attributes"]
    assert size["code"] == "ukuran_lubang" and size["datatype"] == "singlevaluelist" and size["required"] is True
    assert size["variable"] is True and size["order"] == 1
    assert [v["key"] for v in size["values"]] == ["kecil", "sedang", "besar"]
    assert count["datatype"] == "number" and count["required"] is False and "values" not in count
    root = xml(o311.get("services/pohon-tumbang", "xml"))
    assert root.tag == "service_definition"
    (attr,) = root.findall("attributes/attribute")
    assert attr.findtext("code") == "menghalangi_jalan" and attr.findtext("required") == "true"
    assert [v.findtext("key") for v in attr.findall("values/value")] == ["ya", "sebagian", "tidak"]


def test_a_category_without_questions_has_an_empty_definition(o311):
    assert body(o311.get("services/sampah")) == {"service_code": "sampah", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_answers_404_in_the_error_shape(o311, fmt):
    response = o311.get("services/tidak-ada", fmt)
    assert response.status_code == 404
    if fmt == "json":
        (error,) = body(response)
        assert error["code"] == 404 and error["description"] and error["sigap"]["code"] == "unknown_service_code"
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404" and root.findtext("error/description")


# --- who sees which request ------------------------------------------------------------------------


def test_public_listing_shows_only_publik_reports_on_the_public_grid(o311):
    public = submit("jalan-rusak", PB, privacy="public").report
    private = submit("jalan-rusak", PB, privacy="private").report
    anonymous = submit("jalan-rusak", PB, privacy="anonymous").report
    listed = body(o311.get("requests"))
    numbers = [r["service_request_id"] for r in listed]
    assert public.number in numbers
    assert private.number not in numbers and anonymous.number not in numbers
    item = next(r for r in listed if r["service_request_id"] == public.number)
    assert (item["lat"], item["long"]) == snap(public.lat, public.lon, PUBLIC_GRID_DEG)  # the portal's grid
    assert o311.get(f"requests/{private.number}").status_code == 404
    assert o311.get(f"requests/{anonymous.number}").status_code == 404


def test_a_publik_report_has_the_same_point_and_address_rule_as_the_portal(o311, client):
    """One rule for the public: Open311 and the portal show a Publik report at the same grid point, and neither
    shows the address text (only the kelurahan)."""
    report = submit("jalan-rusak", PB, privacy="public").report
    Report.objects.filter(pk=report.pk).update(lat=-6.23717, lon=106.89853, address="Jl. Pahlawan Revolusi gang 3")
    (item,) = body(o311.get(f"requests/{report.number}"))
    (feature,) = [
        f for f in client.get("/publik/peta.json").json()["features"] if f["properties"]["number"] == report.number
    ]
    assert [item["long"], item["lat"]] == feature["geometry"]["coordinates"] == [106.898, -6.238]
    assert item["address"] == "Kelurahan Pondok Bambu"
    assert "Pahlawan" not in o311.get(f"requests/{report.number}", "xml").content.decode()
    assert "Pahlawan" not in client.get(f"/publik/{report.number}/").content.decode()


def test_a_sensitive_report_marked_publik_is_no_more_public_in_open311_than_on_the_portal(o311, client):
    report = submit("ketenagakerjaan", PB, privacy="private").report
    Report.objects.filter(pk=report.pk).update(privacy="public")  # cannot happen through intake; held anyway
    assert client.get(f"/publik/{report.number}/").status_code == 404
    assert report.number not in ids(o311.get("requests"))
    assert o311.get(f"requests/{report.number}").status_code == 404


def test_a_private_report_is_visible_only_to_the_client_app_that_filed_it(o311, api_key):
    app_a, key_a = api_key("app-a")
    _app_b, key_b = api_key("app-b")
    mine = owned_by(app_a, submit("saluran-tersumbat", PB, privacy="private").report)
    anon = owned_by(app_a, submit("saluran-tersumbat", PB, privacy="anonymous").report)
    assert set(ids(o311.get("requests", api_key=key_a))) >= {mine.number, anon.number}
    assert ids(o311.get(f"requests/{mine.number}", api_key=key_a)) == [mine.number]
    for key in (key_b, None):
        params = {"api_key": key} if key else {}
        assert mine.number not in ids(o311.get("requests", **params))
        assert anon.number not in ids(o311.get("requests", **params))
        assert o311.get(f"requests/{mine.number}", **params).status_code == 404
        assert o311.get("requests", service_request_id=f"{mine.number},{anon.number}", **params).json() == []


def test_a_sensitive_category_shows_the_kelurahan_inner_point_and_no_address(o311, api_key):
    app, key = api_key()
    report = owned_by(app, submit("ketenagakerjaan", PB, privacy="private").report)
    Report.objects.filter(pk=report.pk).update(
        lat=report.lat + 0.0011, lon=report.lon - 0.0012, address="Pabrik garmen Jl. Mawar No. 14"
    )
    (item,) = body(o311.get(f"requests/{report.number}", api_key=key))
    lat, lon = inner_point(PB)
    assert (item["lat"], item["long"]) == (round(lat, 3), round(lon, 3))
    assert item["address"] == "Kelurahan Pondok Bambu"
    assert "Mawar" not in o311.get(f"requests/{report.number}", "xml", api_key=key).content.decode()


def test_the_filing_client_reads_its_own_redacted_address_and_everyone_else_the_kelurahan(o311, api_key):
    app, key = api_key("app-a")
    _other, other_key = api_key("app-b")
    report = owned_by(app, submit("jalan-rusak", PB, privacy="public").report)
    Report.objects.filter(pk=report.pk).update(address="Jl. Pahlawan Revolusi gang 3", lat=-6.23717, lon=106.89853)
    (own,) = body(o311.get(f"requests/{report.number}", api_key=key))
    assert own["address"] == "Jl. Pahlawan Revolusi gang 3" and (own["lat"], own["long"]) == (-6.238, 106.898)
    for params in ({}, {"api_key": other_key}):
        (item,) = body(o311.get(f"requests/{report.number}", **params))
        assert item["address"] == "Kelurahan Pondok Bambu" and (item["lat"], item["long"]) == (-6.238, 106.898)


def test_status_notes_are_the_filing_clients_and_never_public_as_on_the_portal(o311, api_key, client):
    app, key = api_key("app-a")
    report = owned_by(app, submit("jalan-rusak", PB, privacy="public").report)
    note = "Mohon tulis nama lengkap Anda dan nomor rumah."
    Report.objects.filter(pk=report.pk).update(public_note=note)
    assert body(o311.get(f"requests/{report.number}", api_key=key))[0]["status_notes"] == note
    assert note not in o311.get(f"requests/{report.number}").content.decode()
    assert note not in o311.get("requests", "xml").content.decode()
    assert note not in client.get(f"/publik/{report.number}/").content.decode()


def test_invalid_api_key_answers_403_even_for_reading(o311):
    response = o311.get("requests", api_key="o311_not-a-key")
    assert response.status_code == 403
    assert body(response)[0]["code"] == 403
    assert xml(o311.get("services", "xml", api_key="nope")).findtext("error/code") == "403"


def test_a_deactivated_key_is_refused(o311, api_key):
    app, key = api_key()
    app.active = False
    app.save()
    assert o311.get("requests", api_key=key).status_code == 403


# --- the mapping -------------------------------------------------------------------------------------


def test_a_request_carries_the_georeport_fields_in_order(o311):
    report = submit("jalan-rusak", PB, privacy="public").report
    Report.objects.filter(pk=report.pk).update(public_note="Dijadwalkan perbaikan minggu depan.")
    (item,) = body(o311.get(f"requests/{report.number}"))
    assert list(item)[:17] == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert item["status"] == "open" and item["status_notes"] is None  # written to the reporter, not public
    assert item["service_code"] == "jalan-rusak" and item["agency_responsible"] == "Kelurahan Pondok Bambu"
    assert item["requested_datetime"].endswith("+07:00") and item["expected_datetime"].endswith("+07:00")
    assert item["description"] == report.description
    root = xml(o311.get(f"requests/{report.number}", "xml"))
    assert root.tag == "service_requests"
    (req,) = root.findall("request")
    assert req.findtext("service_request_id") == report.number and req.findtext("status") == "open"
    assert req.findtext("lat") == str(snap(report.lat, report.lon, PUBLIC_GRID_DEG)[0])


def test_status_is_open_or_closed_from_the_status_type(o311, staff, jpeg):
    officer = staff("petugas.pb", f"kel:{PB}")
    validator = staff("validator.biro", "biro-pemerintahan", "validator")
    waiting = submit("saluran-tersumbat", PB, privacy="public").report
    rejected = submit("saluran-tersumbat", PB, privacy="public").report
    services.report_reject(report_id=rejected.pk, actor=officer, reason="Lokasi di lahan swasta.")
    done = submit("saluran-tersumbat", PB, privacy="public").report
    services.report_accept(report_id=done.pk, actor=officer)
    for kind in ("before", "after"):
        services.photo_add(report_id=done.pk, actor=officer, kind=kind, photo=photo_clean(jpeg(), blur=False))
    services.report_request_validation(report_id=done.pk, actor=officer)
    services.report_validate(report_id=done.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    statuses = {r["service_request_id"]: (r["status"], r["sigap"]["status_code"]) for r in body(o311.get("requests"))}
    assert statuses[waiting.number] == ("open", "waiting")
    assert statuses[rejected.number] == ("closed", "rejected")
    assert statuses[done.number] == ("closed", "done")
    assert set(ids(o311.get("requests", status="closed"))) >= {rejected.number, done.number}
    assert waiting.number not in ids(o311.get("requests", status="closed"))
    assert set(ids(o311.get("requests", status="open"))) >= {waiting.number}
    assert done.number not in ids(o311.get("requests", status="open"))
    assert set(ids(o311.get("requests", status="open,closed"))) >= {waiting.number, done.number}


def test_the_extension_carries_sigap_status_privacy_and_hops_but_no_officer_name(o311, staff):
    officer = staff("petugas.zqxname", f"kel:{PB}")
    officer.first_name, officer.last_name = "Qwertyofficer", "Namapetugas"
    officer.save()
    report = submit("jalan-rusak", PB, privacy="public").report
    services.report_coordinate(
        report_id=report.pk, actor=officer, to_unit="sudin-bina-marga:31.75", reason="bukan tupoksi kata Qwertyofficer"
    )
    response = o311.get(f"requests/{report.number}")
    (item,) = body(response)
    ext = item["sigap"]
    assert ext["status_code"] == "koordinasi" and ext["status_label"] == "Koordinasi"
    assert ext["status_label_en"] == "Coordination" and ext["status_type"] == "open"
    assert ext["privacy"] == "public" and ext["privacy_label"] == "Publik" and ext["kelurahan"] == "Pondok Bambu"
    (hop,) = ext["hops"]
    assert hop["kind"] == "koordinasi" and hop["from_unit"] == "Kelurahan Pondok Bambu"
    assert hop["to_unit"].startswith("Suku Dinas Bina Marga") and hop["at"].endswith("+07:00")
    assert item["agency_responsible"] == hop["to_unit"]
    root = xml(o311.get(f"requests/{report.number}", "xml"))
    req = root.find("request")
    assert req.findtext("sigap:status_code", namespaces=NS) == "koordinasi"
    assert req.findtext("sigap:hops/sigap:hop/sigap:kind", namespaces=NS) == "koordinasi"
    assert req.find("status_code") is None  # plain clients see only GeoReport elements
    for content in (response.content, o311.get(f"requests/{report.number}", "xml").content):
        for marker in ("Qwertyofficer", "Namapetugas", "zqxname"):
            assert marker.encode() not in content


# --- the query parameters ----------------------------------------------------------------------------


def test_listing_defaults_to_the_last_90_days_and_refuses_a_longer_window(o311):
    old = submit("jalan-rusak", PB, privacy="public", now=timezone.now() - timedelta(days=100)).report
    recent = submit("jalan-rusak", PB, privacy="public").report
    default = ids(o311.get("requests"))
    assert recent.number in default and old.number not in default
    start = (timezone.now() - timedelta(days=120)).isoformat()
    end = (timezone.now() - timedelta(days=40)).isoformat()
    assert old.number in ids(o311.get("requests", start_date=start, end_date=end))
    assert old.number in ids(o311.get("requests", start_date=start))  # end defaults to start + 90 days
    before = (timezone.localdate() - timedelta(days=95)).isoformat()  # a date alone: midnight, local time
    assert ids(o311.get("requests", end_date=before)) == [old.number]  # start defaults to end - 90 days
    too_long = o311.get("requests", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z")
    assert too_long.status_code == 400 and body(too_long)[0]["sigap"]["code"] == "date_range_too_long"
    # service_request_id overrides every other argument, the window too
    assert ids(o311.get("requests", service_request_id=f"{old.number},{recent.number}")) == [recent.number, old.number]


@pytest.mark.parametrize(
    "params, code",
    [
        ({"start_date": "kemarin"}, "invalid_date"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "invalid_date_range"),
        ({"status": "pending"}, "invalid_status"),
        ({"page_size": "0"}, "invalid_number"),
        ({"page_size": "1001"}, "invalid_number"),
        ({"page": "x"}, "invalid_number"),
        ({"service_request_id": ",".join(f"JK{i}" for i in range(201))}, "too_many_ids"),
    ],
)
def test_bad_query_parameters_answer_400_in_both_formats(o311, params, code):
    response = o311.get("requests", **params)
    assert response.status_code == 400
    assert body(response)[0]["sigap"]["code"] == code
    response = o311.get("requests", "xml", **params)
    assert response.status_code == 400 and xml(response).findtext("error/sigap:code", namespaces=NS) == code


def test_a_plus_sign_decoded_as_a_space_in_the_offset_is_understood(o311):
    start = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S") + " 07:00"
    assert o311.get("requests", start_date=start).status_code == 200


def test_service_code_filter_and_paging(o311):
    road = submit("jalan-rusak", PB, privacy="public").report
    drain = submit("saluran-tersumbat", PB, privacy="public").report
    only_roads = ids(o311.get("requests", service_code="jalan-rusak"))
    assert road.number in only_roads and drain.number not in only_roads
    assert set(ids(o311.get("requests", service_code="jalan-rusak,saluran-tersumbat"))) >= {road.number, drain.number}
    first, second = ids(o311.get("requests", page_size=1)), ids(o311.get("requests", page_size=1, page=2))
    assert first == [drain.number] and second == [road.number]


def test_the_jurisdiction_is_checked_when_given(o311, settings):
    assert o311.get("services", jurisdiction_id=settings.SIGAP_PROVINCE).status_code == 200
    response = o311.get("services", jurisdiction_id="sf.gov")
    assert response.status_code == 404 and body(response)[0]["sigap"]["code"] == "unknown_jurisdiction"


# --- media, tokens, the rest ---------------------------------------------------------------------------


def test_a_photo_that_stops_being_public_leaves_shared_caches_within_a_minute(client, jpeg):
    """A Publik report the triage desk files under a sensitive category stops being public, and so do its photos
    (404). Open311 served them "public, max-age=3600" and the portal "max-age=300": a CDN or an office proxy kept
    serving the photo for up to an hour after (an attacker's review). Both now let a shared cache keep it a minute."""
    from sigap.organization.models import Category
    from sigap.reports.models import Report

    report = submit("jalan-rusak", PB, privacy="public", photos=[("a.jpg", jpeg())]).report
    photo = report.photos.get()
    urls = (f"/open311/v2/media/{report.number}/{photo.pk}.jpg", f"/publik/{report.number}/foto/{photo.pk}/")
    served = [client.get(url) for url in urls]
    assert [r.status_code for r in served] == [200, 200]
    for response in served:
        directives = dict(
            (part.strip().split("=") + [""])[:2] for part in response["Cache-Control"].split(",") if part.strip()
        )
        assert "public" in directives and 0 < int(directives["max-age"]) <= 60, response["Cache-Control"]
    Report.objects.filter(pk=report.pk).update(category=Category.objects.get(code="gangguan-ketertiban"))
    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_media_url_is_a_deidentified_photo_of_a_publik_report_only(o311, client, jpeg, settings):
    public = submit("jalan-rusak", PB, privacy="public", photos=[("a.jpg", jpeg())]).report
    private = submit("jalan-rusak", PB, privacy="private", photos=[("b.jpg", jpeg())]).report
    (item,) = body(o311.get(f"requests/{public.number}"))
    assert item["media_url"].startswith(f"http://testserver/open311/v2/media/{public.number}/")
    photo = client.get(item["media_url"].removeprefix("http://testserver"))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo.content == public.photos.get().image.open("rb").read()
    private_photo = private.photos.get()
    assert client.get(f"/open311/v2/media/{private.number}/{private_photo.pk}.jpg").status_code == 404
    # the list's URL is the detail's, and what ``reverse`` and ``build_absolute_uri`` make, behind a proxy's
    # script prefix and host too
    from django.test import RequestFactory
    from django.urls import reverse

    from sigap.open311.views import media_url_for

    listed = {r["service_request_id"]: r["media_url"] for r in body(o311.get("requests"))}
    assert listed[public.number] == item["media_url"]
    settings.ALLOWED_HOSTS = ["sigap.example.go.id"]
    request = RequestFactory().get("/open311/v2/requests.json", HTTP_HOST="sigap.example.go.id", secure=True)
    expected = request.build_absolute_uri(reverse("open311:media", kwargs={"number": "JK2026A1", "photo_id": 12}))
    assert (
        media_url_for(request)("JK2026A1", 12)
        == expected
        == "https://sigap.example.go.id/open311/v2/media/JK2026A1/12.jpg"
    )


def test_tokens_resolve_to_the_service_request_id(o311, api_key):
    app, _key = api_key()
    report = owned_by(app, submit("jalan-rusak", PB).report)
    token = report.open311_client.token
    assert body(o311.get(f"tokens/{token}")) == [{"service_request_id": report.number, "token": token}]
    root = xml(o311.get(f"tokens/{token}", "xml"))
    assert root.findtext("request/service_request_id") == report.number and root.findtext("request/token") == token
    assert o311.get("tokens/tok_nope").status_code == 404


def test_other_methods_and_unknown_paths_answer_in_the_error_shape(client):
    response = client.delete("/open311/v2/services.json")
    assert response.status_code == 405 and response.json()[0]["code"] == 405
    assert "GET" in response["Allow"]
    response = client.put("/open311/v2/requests.xml")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
    response = client.get("/open311/v2/requests.csv")
    assert response.status_code == 404 and xml(response).findtext("error/code") == "404"
    response = client.get("/open311/v2/nothing/here.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_each_client_app_is_rate_limited_by_its_own_budget(o311, api_key):
    _slow, slow_key = api_key("lambat", rate=2)
    _other, other_key = api_key("lain", rate=100)
    assert [o311.get("services", api_key=slow_key).status_code for _ in range(3)] == [200, 200, 429]
    limited = o311.get("services", "xml", api_key=slow_key)
    assert limited.status_code == 429 and xml(limited).findtext("error/code") == "429"
    assert o311.get("services", api_key=other_key).status_code == 200


def test_anonymous_reading_is_rate_limited_per_address(o311, settings):
    settings.SIGAP_OPEN311_PUBLIC_PER_MINUTE = 3
    assert [o311.get("discovery").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_service_request_id_overrides_every_other_search_parameter(o311, api_key, service_definitions):
    """GeoReport v2, GET requests: service_request_id "overrides all other arguments". A client that sent its
    usual status or page parameters along with the ids got a 400, or an empty page, instead of its requests."""
    key = api_key("app")[1]
    lat, lon = inner_point("31.75.07.1002")
    created = o311.post(
        api_key=key,
        service_code="jalan-rusak",
        lat=str(lat),
        long=str(lon),
        description="Jalan berlubang dalam di depan sekolah.",
        **{"attribute[ukuran_lubang]": "sedang"},
    )
    number = created.json()[0]["service_request_id"]
    by_status = o311.get("requests", api_key=key, service_request_id=number, status="pending")
    by_page = o311.get("requests", api_key=key, service_request_id=number, page="2")
    assert by_status.status_code == by_page.status_code == 200, by_status.content[:200]
    assert (
        [r["service_request_id"] for r in by_status.json()]
        == [number]
        == [r["service_request_id"] for r in by_page.json()]
    )
