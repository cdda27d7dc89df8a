"""The triage desk's suggestions (``sigap.reports.desk``): computed once when a report that needs a human is
written, read by the desk's page without running the categorizer or the place parser per row, filled for older
rows by the derived rebuild."""

from __future__ import annotations

import pytest

from sigap.intake.services import Reporter, Submission, report_submit
from sigap.organization.models import Category
from sigap.reports import derived, desk
from sigap.reports.models import Report

from .factories import inner_point, submit

pytestmark = pytest.mark.django_db
LAMP = "Lampu jalan mati di gang Mawar dekat Pondok Bambu sejak seminggu, gelap sekali kalau malam"


def _no_place(text: str = LAMP, name: str = "Rina Marlina", privacy: str = "private") -> Report:
    return report_submit(
        Submission(
            category="",
            description=text,
            lat=None,
            lon=None,
            channel="twitter",
            allow_no_location=True,
            privacy=privacy,
            reporter=Reporter(name=name) if privacy != "anonymous" else None,
        )
    ).report


def test_a_report_for_the_desk_is_written_with_its_suggestions():
    report = _no_place()
    report.refresh_from_db()
    hints = report.triage_hints
    assert hints["v"] == desk.VERSION
    assert hints["places"][0]["name"] == "Pondok Bambu" and hints["places"][0]["code"] == "31.75.07.1002"
    assert 1 <= len(hints["categories"]) <= 3 and hints["categories"][0][0] == "lampu-jalan"
    placed = submit().report  # a report with a place and a category never goes to the desk: nothing computed
    placed.refresh_from_db()
    assert placed.triage_reason == "" and placed.triage_hints == {}


def test_suggestions_come_from_the_officers_copy_of_the_text():
    """The reporter's name is redacted before anything is computed: the hints hold only what officers may read."""
    report = _no_place(f"Saya Rina Marlina melapor: {LAMP}", name="Rina Marlina")
    report.refresh_from_db()
    assert "Rina" not in str(report.triage_hints) and "Rina" not in report.description


def test_the_desk_page_reads_stored_suggestions_and_runs_no_model_per_row(client, staff, monkeypatch):
    officer = staff("petugas.triase", "triase")
    reports = [_no_place() for _ in range(3)]

    from sigap.routing.address import AddressIndex
    from sigap.triage.categorizer import Categorizer

    calls = []

    def spy(cls, name):
        real = getattr(cls, name)

        def counted(self, *args, **kwargs):
            calls.append(name)
            return real(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)

    spy(Categorizer, "predict")  # the model, under ``categorize``
    spy(AddressIndex, "parse")  # the place parser, under ``place_match``
    client.force_login(officer)
    page = client.get("/api/v1/officer/desk/triage")
    assert page.status_code == 200, page.content
    assert calls == []
    items = {i["id"]: i for i in page.json()}
    for report in reports:
        item = items[report.number]
        assert item["places"][0]["kelurahan"] == {"code": "31.75.07.1002", "name": "Pondok Bambu"}
        assert item["categories"][0]["code"] == "lampu-jalan" and item["categories"][0]["name"]


def test_a_row_without_stored_suggestions_is_computed_and_the_rebuild_fills_open_ones(client, staff):
    officer = staff("petugas.triase", "triase")
    older, closed = _no_place(), _no_place()
    written = Report.objects.get(pk=older.pk).triage_hints
    Report.objects.filter(pk__in=[older.pk, closed.pk]).update(triage_hints={})  # as rows from before 0019
    Report.objects.filter(pk=closed.pk).update(status="rejected")
    client.force_login(officer)
    item = next(i for i in client.get("/api/v1/officer/desk/triage").json() if i["id"] == older.number)
    assert item["places"][0]["kelurahan"]["name"] == "Pondok Bambu"  # computed on the fly
    derived.rebuild_all(only={"triage_hints"})
    assert Report.objects.get(pk=older.pk).triage_hints == written  # the write path's own result
    assert Report.objects.get(pk=closed.pk).triage_hints == {}  # closed: never on the desk


def test_the_rebuild_refreshes_suggestions_written_by_an_older_parser():
    report = _no_place()
    written = Report.objects.get(pk=report.pk).triage_hints
    stale = {**written, "v": desk.VERSION - 1, "places": []}  # as a row written before the parser learned more
    Report.objects.filter(pk=report.pk).update(triage_hints=stale)
    derived.rebuild_all(only={"triage_hints"})
    assert Report.objects.get(pk=report.pk).triage_hints == written


def test_migrating_refreshes_the_suggestions_of_the_reports_on_the_desk():
    """After an upgrade the desk does not recompute every row on every view until someone runs a rebuild."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    reports_app = apps.get_app_config("reports")
    assert desk.refresh_after_migrate in post_migrate._live_receivers(reports_app)[0]
    report = _no_place()
    written = Report.objects.get(pk=report.pk).triage_hints
    Report.objects.filter(pk=report.pk).update(triage_hints={**written, "v": desk.VERSION - 1, "places": []})
    desk.refresh_after_migrate(sender=reports_app)
    assert Report.objects.get(pk=report.pk).triage_hints == written


def test_a_category_deactivated_since_is_not_suggested(client, staff):
    officer = staff("petugas.triase", "triase")
    report = _no_place()
    Category.objects.filter(code="lampu-jalan").update(active=False)
    client.force_login(officer)
    item = next(i for i in client.get("/api/v1/officer/desk/triage").json() if i["id"] == report.number)
    assert all(c["code"] != "lampu-jalan" for c in item["categories"])


def test_triage_clears_the_suggestions(staff):
    from sigap.reports import services

    officer = staff("petugas.triase", "triase")
    report = _no_place()
    lat, lon = inner_point("31.75.07.1002")
    services.report_triage(report_id=report.pk, actor=officer, category="lampu-jalan", lat=lat, lon=lon)
    report.refresh_from_db()
    assert report.triage_reason == "" and report.triage_hints == {}


def test_the_reporters_answer_to_the_desk_is_read_into_its_suggestions(staff):
    """The desk asks a reporter who gave no usable place where it is; their answer ("kampung pulo, jatinegara") now
    moves the desk's suggestions: Kampung Melayu first, where before it named nothing or guessed from the complaint."""
    from sigap.reports import services

    report = _no_place("Banjir kiriman lagi, air masuk rumah warga, tolong dibantu")
    report.refresh_from_db()
    assert all(p["name"] != "Kampung Melayu" for p in report.triage_hints["places"])
    desk_officer = staff("petugas.triase", "triase")
    services.report_ask_reporter(report_id=report.pk, actor=desk_officer, question="Di kelurahan mana lokasinya?")
    services.report_resume_with_answer(report_id=report.pk, answer_redacted="di kampung pulo")
    report.refresh_from_db()
    assert {p["name"] for p in report.triage_hints["places"][:2]} == {"Kampung Melayu", "Bukit Duri"}
    services.report_answer_more(report_id=report.pk, answer_redacted="jatinegara")  # a moment later: more of it
    report.refresh_from_db()
    assert report.triage_hints["places"][0]["name"] == "Kampung Melayu"
    assert report.triage_hints["places"][0]["confidence"] > 0.9


def test_the_desk_asks_an_anonim_reporter_where_from_the_list_and_the_answer_places_the_suggestions(staff):
    """An Anonim reporter is asked only from the list; the list now asks where the problem is ("lokasi"), the desk's
    first question for a report nothing placed."""
    from sigap.reports import questions, services

    report = _no_place("Got mampet, banjir kiriman lagi sampai masuk rumah", privacy="anonymous")
    assert "lokasi" in questions.catalog()
    desk_officer = staff("petugas.triase", "triase")
    services.report_ask_reporter(report_id=report.pk, actor=desk_officer, question_code="lokasi")
    report.refresh_from_db()
    assert report.status == "awaiting_reporter" and "Di mana tepatnya" in report.history.last().public_note
    services.report_resume_with_answer(report_id=report.pk, answer_redacted="kampung pulo, jatinegara, dekat masjid")
    report.refresh_from_db()
    assert report.triage_hints["places"][0]["name"] == "Kampung Melayu"
