"""What the services write on a report reads in English on an English page and in an English message: the note
of a status update, the reason a report closed for want of an answer, the triage desk's reason (a review of the
English interface found each in Indonesian)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sigap.reports import services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point, submit

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PB_UNIT = "kel:31.75.07.1002"


def test_the_english_status_update_does_not_carry_the_indonesian_note(staff):
    """body_en = f"Report …: status {label_en}. … Note: {public_note}" with the public note as stored (Indonesian),
    never through ``reports.notes.in_language`` (services._status_message, services.py:190-194)."""
    created = submit(description="Road broken near the school", category="jalan-rusak")
    officer = staff("petugas.pb", PB_UNIT)
    services.report_coordinate(
        report_id=created.report.pk, actor=officer, to_unit="sudin-bina-marga:31.75", reason="city road"
    )
    note = Notification.objects.filter(report=created.report, kind="status").latest("pk")
    assert note.body_en.startswith("Report ")
    assert "Dikoordinasikan" not in note.body_en, note.body_en


def test_the_closed_for_no_answer_reason_is_english_on_the_officer_timeline(staff):
    """reports_close_unanswered writes reason/internal note "tidak ada jawaban pelapor dalam N hari kerja"
    (services.py:2455); reports.notes.NOTES_EN has no pattern for it, so the English console's timeline shows
    "Internal: tidak ada jawaban pelapor dalam 5 hari kerja"."""
    created = submit(description="Drain blocked in front of the alley, water overflows onto the street.")
    officer = staff("petugas.pb", PB_UNIT)
    services.report_ask_reporter(report_id=created.report.pk, actor=officer, question="Which RT exactly?")
    closed = services.reports_close_unanswered(now=timezone.now() + timedelta(days=60))
    assert closed == [created.report.number]
    c = Client()
    c.force_login(officer)
    html = c.get(f"/petugas/laporan/{created.report.number}/", **EN).content.decode()
    assert "Closed because the officer&#x27;s question was not answered" in html  # the public note is translated
    assert "tidak ada jawaban pelapor" not in html


def test_the_triage_hop_reason_names_the_category_in_english(staff):
    """report_triage writes the hop reason f"triase: {chosen.name}" (services.py:2539) with the Indonesian
    category name; the English console's "Unit moves" table shows it raw ({{ h.reason }})."""
    from sigap.reports.tests.factories import submit_unplaced

    created = submit_unplaced(description="Street light dead near the market in Pondok Bambu")
    desk = staff("petugas.triase", "triase")
    lat, lon = inner_point("31.75.07.1002")
    services.report_triage(report_id=created.report.pk, actor=desk, category="saluran-tersumbat", lat=lat, lon=lon)
    report = Report.objects.get(pk=created.report.pk)
    c = Client()
    officer = staff("petugas.pb", PB_UNIT)
    c.force_login(officer)
    html = c.get(f"/petugas/laporan/{report.number}/", **EN).content.decode()
    from sigap.organization.models import Category

    cat = Category.objects.get(code="saluran-tersumbat")
    assert cat.name_en and cat.name_en in html  # the category is named in English elsewhere on the page
    assert f"triase: {cat.name}" not in html
