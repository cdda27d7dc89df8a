"""No input answers 5xx: generated paths, query strings and forms against every Open311 endpoint
(bounded, derandomized), on whichever database the suite runs."""

from __future__ import annotations

import pytest
from django.apps import apps

if not apps.is_installed("sigap.open311"):
    pytest.skip("sigap.open311 is not in INSTALLED_APPS (see docs/open311.md)", allow_module_level=True)

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
NAMES = st.sampled_from(
    [
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
        "page",
        "page_size",
        "jurisdiction_id",
        "lat",
        "long",
        "address_string",
        "description",
        "media_url",
        "privacy",
        "attribute[ukuran_lubang]",
        "attribute[jumlah_lubang]",
        "attribute[x][]",
        "first_name",
        "email",
        "phone",
        "device_id",
        "account_id",
        "address_id",
    ]
)
PARAMS = st.dictionaries(NAMES, TEXT, max_size=6)
PATHS = st.sampled_from(["discovery", "services", "services/{t}", "requests", "requests/{t}", "tokens/{t}"])


@FUZZ
@given(path=PATHS, token=TEXT, params=PARAMS, fmt=st.sampled_from(["json", "xml"]))
def test_reading_never_answers_5xx(client, path, token, params, fmt):
    from urllib.parse import quote

    from django.core.cache import cache

    cache.clear()
    url = "/open311/v2/" + path.format(t=quote(token, safe="") or "x") + f".{fmt}"
    response = client.get(url, params)
    assert response.status_code < 500, (url, params, response.content[:300])


@FUZZ
@given(params=PARAMS, fmt=st.sampled_from(["json", "xml"]))
def test_filing_never_answers_5xx(client, api_key, service_definitions, params, fmt):
    from django.core.cache import cache

    cache.clear()
    key = getattr(test_filing_never_answers_5xx, "_key", None)
    from sigap.open311.models import ApiClient

    if key is None or not ApiClient.objects.filter(key_hash=ApiClient.hash(key)).exists():
        key = api_key(f"fuzz-{ApiClient.objects.count()}", rate=10_000)[1]
        test_filing_never_answers_5xx._key = key
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": "-6.2351",
        "long": "106.9009",
        "attribute[ukuran_lubang]": "kecil",
        **params,
    }
    response = client.post(f"/open311/v2/requests.{fmt}", form)
    assert response.status_code < 500, (params, response.content[:300])


def test_nul_characters_are_refused_before_any_work(client, api_key, service_definitions):
    """PostgreSQL refuses NUL in text: Open311 answers a clear 400 in its own error format and stores nothing."""
    from sigap.reports.models import Report

    key = api_key()[1]
    for url in (
        "/open311/v2/services/jalan%00rusak.json",
        "/open311/v2/requests/JK%00.xml",
        "/open311/v2/tokens/t%00.json",
    ):
        assert client.get(url).status_code == 404
    response = client.get("/open311/v2/requests.json", {"service_code": "a\x00b", "service_request_id": "JK\x00"})
    assert response.status_code == 400, response.content
    assert response.json()[0]["code"] == 400 and response.json()[0]["description"]
    before = Report.objects.count()
    form = {
        "api_key": key,
        "service_code": "jalan-rusak",
        "lat": "-6.2351",
        "long": "106.9009",
        "attribute[ukuran_lubang]": "kecil",
        "description": "Lubang besar di depan sekolah.",
        "first_name": "A",
    }
    for field in ("service_code", "description", "first_name"):
        response = client.post("/open311/v2/requests.json", {**form, field: form[field] + "\x00"})
        assert response.status_code == 400, (field, response.content)
        assert response.json()[0]["code"] == 400
    assert Report.objects.count() == before
    assert client.post("/open311/v2/requests.json", form).status_code == 201
