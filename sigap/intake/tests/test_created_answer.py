"""The answer to POST /api/v1/reports is built from what the write path already holds: no query for the
kelurahan's name per report (one per version of the reference data)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def post(client, kelurahan):
    lat, lon = inner_point(kelurahan)
    body = {
        "category": "saluran-tersumbat",
        "description": "Got mampet di depan gang, air meluap ke jalan.",
        "lat": lat,
        "lon": lon,
        "privacy": "private",
        "reporter": {"name": "Siti", "phone": "081234567890"},
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries]


def test_kelurahan_in_the_answer_without_a_query_per_report():
    client = Client()
    first, _ = post(client, "31.75.07.1002")
    assert first["kelurahan"] == {"code": "31.75.07.1002", "name": "Pondok Bambu"}
    second, sql = post(client, "31.71.01.1001")
    assert second["kelurahan"]["code"] == "31.71.01.1001" and second["kelurahan"]["name"]
    assert not [q for q in sql if '"organization_wilayah"."nama"' in q], sql
