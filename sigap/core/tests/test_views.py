"""``/healthz`` (``sigap.core.views``): 200 with the version and the database when it answers; the 503 when it
does not is in test_outage.py."""

from __future__ import annotations

import pytest

import sigap


@pytest.mark.django_db
def test_healthz_says_ok_with_the_version_and_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == sigap.__version__
    assert body["database"]["ok"] is True and body["database"]["vendor"] in ("sqlite", "postgresql")
