"""The rate-limit counters live in the cache (Redis in production: shared, written to its snapshot files, shown to
MONITOR): named by the client's address, one paired a resident's address with the minute their report was filed. Found
by a review as the database's and Redis' owner, who holds neither the vault's key nor SECRET_KEY."""

from __future__ import annotations

import json

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"  # the resident's address (TEST-NET-3)
NAME, PHONE = "Kanarikus Zebrawati", "081298765432"
NUMBER = "JK202612080001"


def cache_keys() -> list[str]:
    cache = caches["default"]
    assert isinstance(cache, LocMemCache)  # the test settings' cache; Redis is given the same key names
    return [str(k) for k in cache._cache]


def test_filing_a_report_leaves_no_client_address_in_the_cache(client):
    """``sigap.core.throttles.WindowThrottle.allow_request`` writes ``throttle:<scope>:<ip>:<minute>``: in
    production that is Redis, shared by every process, persisted in its RDB/AOF files and visible to MONITOR. A
    ``throttle:report:203.0.113.77:<minute>`` key appears the moment a report is filed, so whoever reads Redis
    pairs the resident's address with the report whose ``created_at`` falls in that minute (one per minute at
    most kelurahan). The counter needs only a stable bucket: a keyed hash of the address does the same job."""
    lat, lon = inner_point("31.75.07.1002")
    resident = type(client)(REMOTE_ADDR=IP)
    response = resident.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "category": "jalan-rusak",
                "description": "Jalan berlubang dalam di depan sekolah.",
                "lat": lat,
                "lon": lon,
                "privacy": "private",
                "reporter": {"name": NAME, "phone": PHONE},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    keys = cache_keys()
    assert any("throttle:" in k for k in keys)  # the counter really is in the cache
    leaking = [k for k in keys if IP in k]
    assert leaking == [], f"the filer's address is a cache key name: {leaking}"


def test_the_portal_form_leaves_no_client_address_in_the_cache(client):
    """The same through the portal's /lapor/ form (scope ``portal_report``) and its tracking page
    (``portal_track``, ``track``)."""
    from sigap.portal.tests.conftest import form_data

    resident = type(client)(REMOTE_ADDR=IP)
    response = resident.post("/lapor/", form_data(name=NAME, phone=PHONE))
    assert response.status_code == 302
    leaking = [k for k in cache_keys() if IP in k]
    assert leaking == [], f"the filer's address is a cache key name: {leaking}"
