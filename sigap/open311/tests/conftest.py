"""Fixtures for the Open311 tests: client apps with keys, the example service definitions, and a small
helper that speaks GeoReport v2 to the Django test client."""

from __future__ import annotations

import importlib
import json
import xml.etree.ElementTree as ET

import pytest

BASE = "/open311/v2"
NS = {"sigap": "urn:sigap:open311:1"}


@pytest.fixture
def service_definitions(db):
    """The example definitions of migration 0002 (a flushing test elsewhere may have removed them)."""
    migration = importlib.import_module("sigap.open311.migrations.0002_service_attributes_examples")
    from sigap.open311.models import ServiceAttribute

    for row in migration.EXAMPLES:  # written with the field's name of that time
        row = dict(row)
        ServiceAttribute.objects.update_or_create(
            category_code=row.pop("kategori_kode"), code=row.pop("code"), defaults=row
        )


@pytest.fixture
def api_key(db):
    """api_key("name", rate=60) → (ApiClient, key)."""
    from sigap.open311.services import apiclient_issue

    def make(name: str = "app-warga", rate: int = 60):
        return apiclient_issue(name=name, rate_per_minute=rate)

    return make


class Open311:
    def __init__(self, client):
        self.client = client

    def get(self, path: str, fmt: str = "json", **params):
        return self.client.get(f"{BASE}/{path}.{fmt}", params)

    def post(self, fmt: str = "json", **form):
        return self.client.post(f"{BASE}/requests.{fmt}", form)


@pytest.fixture
def o311(client):
    return Open311(client)


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def body(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)
