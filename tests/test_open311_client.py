"""A real Open311 client against a real Sigap server.

The client is ``georeport`` (PyPI), a GeoReport v2 wrapper built on ``requests`` and ``xmltodict``; it reads
services, service definitions and requests in JSON and XML. It has no discovery call and cannot create
requests, so those two go through ``requests`` (its own HTTP library) with the same parsing.

The server is a separate ``sigap serve`` process with its own database (a SQLite file, or a PostgreSQL
database named after the worker when the suite runs on PostgreSQL), loaded by ``sigap demo``, with a client
key made by ``sigap apikey create`` — the same commands a city runs. It uses this test run's settings
module, so it sees sigap.open311 exactly as the tests do.
"""

from __future__ import annotations

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

georeport = pytest.importorskip("georeport")
requests = pytest.importorskip("requests")
xmltodict = pytest.importorskip("xmltodict")

from sigap.privacy.tests.test_canary import assert_clean  # noqa: E402
from tests.live_sigap import live_sigap  # noqa: E402

pytestmark = pytest.mark.xdist_group("open311_e2e")  # one server, on one worker
PERSON = {
    "first_name": "Ojqzvarmo",
    "last_name": "Pelaporx",
    "email": "ojqz.pelapor@example.org",
    "phone": "0813-5550-9182",
    "device_id": "dev-ojqz-77",
    "account_id": "acct-ojqz-42",
}


@pytest.fixture(scope="module")
def open311_server(worker_id):
    from django.conf import settings

    env = {
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        # the relay really mails the reporter; keep those mails out of the server log we search
        "SIGAP_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with live_sigap(
        f"sigap_o311_{worker_id}",
        env=env,
        setup=(("apikey", "create", "e2e-client", "--rate", "1000"),),
        prefix="sigap-o311-",
    ) as (base, full_env, home):
        yield {"root": f"{base}/open311/v2", "key": full_env["_outputs"][0].strip(), "log": home / "server.log"}


def as_list(value) -> list:
    """xmltodict gives one child as a dict and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def posted(open311_server):
    """Two requests filed over HTTP with personal fields: a Publik one and a Privat one."""
    root, key = open311_server["root"], open311_server["key"]
    out = {}
    for privacy, fmt in (("public", "json"), ("private", "xml")):
        response = requests.post(
            f"{root}/requests.{fmt}",
            data={
                "api_key": key,
                "service_code": "jalan-rusak",
                "attribute[ukuran_lubang]": "besar",
                "address_string": "Jl. Pahlawan Revolusi, Kel. Pondok Bambu, Kec. Duren Sawit",
                "description": "Lubang besar di jalan depan sekolah, sudah ada motor jatuh.",
                "privacy": privacy,
                "media_url": "https://img.example.org/lubang.jpg",
                **PERSON,
            },
            timeout=30,
        )
        assert response.status_code == 201, response.text
        for value in PERSON.values():
            assert value not in response.text
        if fmt == "json":
            out[privacy] = response.json()[0]
        else:
            out[privacy] = xmltodict.parse(response.content)["service_requests"]["request"]
    return out


def test_discovery_in_both_formats(open311_server):
    root = open311_server["root"]
    data = requests.get(f"{root}/discovery.json", timeout=30).json()
    assert data["endpoints"][0]["url"] == root + "/"
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    parsed = xmltodict.parse(requests.get(f"{root}/discovery.xml", timeout=30).content)["discovery"]
    assert parsed["endpoints"]["endpoint"]["url"] == root + "/"
    assert as_list(parsed["endpoints"]["endpoint"]["formats"]["format"]) == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_definitions(open311_server, fmt):
    client = georeport.GeoReport(open311_server["root"], output_format=fmt)
    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["jalan-rusak"]["service_name"] == "Jalan Rusak / Berlubang"
    assert str(services["jalan-rusak"]["metadata"]).lower() == "true"
    assert str(services["sampah"]["metadata"]).lower() == "false"
    assert services["jalan-rusak"]["type"] == "realtime" and services["jalan-rusak"]["group"] == "infrastruktur"
    definition = client.get_service_definition("pohon-tumbang")
    attributes = definition["attributes"] if fmt == "json" else as_list(definition["attributes"]["attribute"])
    (attribute,) = attributes
    assert attribute["code"] == "menghalangi_jalan" and str(attribute["required"]).lower() == "true"
    values = attribute["values"] if fmt == "json" else as_list(attribute["values"]["value"])
    assert [v["key"] for v in values] == ["ya", "sebagian", "tidak"]
    with pytest.raises(requests.HTTPError) as err:
        client.get_service_definition("tidak-ada")
    assert err.value.response.status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_the_public_requests_only(open311_server, posted, fmt):
    client = georeport.GeoReport(open311_server["root"], jurisdiction="31", output_format=fmt)
    listed = as_list(client.get_service_requests())
    numbers = {r["service_request_id"] for r in listed}
    assert posted["public"]["service_request_id"] in numbers
    assert posted["private"]["service_request_id"] not in numbers
    assert len(numbers) > 3  # the demo's Publik reports too
    assert {r["status"] for r in listed} <= {"open", "closed"}
    one = client.get_service_request(posted["public"]["service_request_id"])
    assert one["service_code"] == "jalan-rusak" and one["agency_responsible"] == "Kelurahan Pondok Bambu"
    assert one["requested_datetime"].endswith("+07:00")
    ext_status = one["sigap"]["status_code"] if fmt == "json" else one["sigap:status_code"]
    assert ext_status == "waiting"
    assert len(str(one["lat"]).split(".")[1]) <= 3
    closed = as_list(client.get_service_requests(status="closed"))
    assert all(r["status"] == "closed" for r in closed)
    only_roads = as_list(client.get_service_requests(service_code="jalan-rusak"))
    assert only_roads and all(r["service_code"] == "jalan-rusak" for r in only_roads)
    with pytest.raises(requests.HTTPError) as err:
        client.get_service_request(posted["private"]["service_request_id"])
    assert err.value.response.status_code == 404


def test_the_filing_client_reads_its_private_request_and_no_personal_field_leaks(open311_server, posted):
    root, key = open311_server["root"], open311_server["key"]
    number = posted["private"]["service_request_id"]
    mine = requests.get(f"{root}/requests/{number}.json", params={"api_key": key}, timeout=30)
    assert mine.status_code == 200 and mine.json()[0]["sigap"]["privacy"] == "private"
    assert "token" not in posted["private"]  # GeoReport v2: the id or a token, not both
    everything = [mine.text]
    for fmt in ("json", "xml"):
        for params in ({"api_key": key}, {}):
            everything.append(requests.get(f"{root}/requests.{fmt}", params=params, timeout=30).text)
    text = "\n".join(everything) + (open311_server["log"]).read_text()
    for value in PERSON.values():
        assert value not in text
    assert_clean(text, "live Open311 responses and server log")


def test_errors_reach_the_client_in_the_specification_shape(open311_server):
    root = open311_server["root"]
    response = requests.post(f"{root}/requests.xml", data={"service_code": "jalan-rusak"}, timeout=30)
    assert response.status_code == 403
    error = xmltodict.parse(response.content)["errors"]["error"]
    assert error["code"] == "403" and error["description"]
    response = requests.get(
        f"{root}/requests.json",
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"},
        timeout=30,
    )
    assert response.status_code == 400 and response.json()[0]["code"] == 400
