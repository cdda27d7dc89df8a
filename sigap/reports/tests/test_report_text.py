"""``{{ text|in_language }}`` (``reports.templatetags.report_text``) on the pages that show a report's notes."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_tracking_page_in_english_shows_the_systems_notes_in_english(client, staff):
    """In English the notes stayed Indonesian ("Dikoordinasikan ke ...", "[nama disembunyikan]")."""
    from sigap.reports import services

    from .factories import submit

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    created = submit("jalan-rusak", description="Lubang besar, kata Pak Budi Santoso.")
    services.report_coordinate(
        report_id=created.report.pk, actor=officer, to_unit="sudin-bina-marga:31.75", reason="jalan kota"
    )
    client.post("/lacak/", {"code": created.tracking_code})
    page = client.get(f"/lacak/laporan/{created.report.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Coordinated to Suku Dinas Bina Marga Jakarta Timur." in page and "Dikoordinasikan" not in page
    indonesian = client.get(f"/lacak/laporan/{created.report.number}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Dikoordinasikan ke Suku Dinas Bina Marga Jakarta Timur." in indonesian
