"""Officer exports (``sigap.officers.export_api``): the same redacted view as the pages, and every export is
access-logged with the reports it contains."""

from __future__ import annotations

import pytest

from sigap.privacy.models import AccessEvent
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_exports_are_recorded_with_the_reports_they_contain(client, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    report = submit().report
    client.force_login(officer)
    response = client.get("/api/v1/officer/export/reports.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("nomor,kategori") and report.number in lines[1]
    event = AccessEvent.objects.get(action="export")
    assert event.detail["reports"] == [report.number] and event.actor_username == "petugas.pb"
