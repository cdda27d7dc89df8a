"""The queue marks what needs reading first: a report whose reporter has answered the unit's question (until the
report next moves), and, at the triage desk, why a report waits there."""

from __future__ import annotations

import pytest

from sigap.reports import services
from sigap.reports.tests.factories import submit, submit_unplaced

from .helpers import EN, PB_UNIT, console, text

pytestmark = pytest.mark.django_db


def _row(page: str, number: str) -> str:
    return page.split(f'id="q-{number}"', 1)[1].split("</tr>", 1)[0]


def test_a_report_the_reporter_answered_is_marked_in_the_queue_until_it_moves(staff):
    pb = staff("petugas.pb", PB_UNIT)
    asked, other = submit().report, submit().report
    services.report_ask_reporter(report_id=asked.pk, actor=pb, question="Di RT berapa tepatnya?")
    c = console(pb)
    assert "Dijawab pelapor" not in _row(text(c.get("/petugas/")), asked.number)  # still waiting for it
    services.report_resume_with_answer(report_id=asked.pk, answer_redacted="RT 04, depan musala")
    page = text(c.get("/petugas/"))
    assert "Dijawab pelapor" in _row(page, asked.number) and "Dijawab pelapor" not in _row(page, other.number)
    api = c.get("/api/v1/officer/reports").json()["results"]
    assert {i["id"]: i["answered"] for i in api} == {asked.number: True, other.number: False}
    # more of the answer a moment later keeps the mark; the unit moving the report clears it
    services.report_answer_more(report_id=asked.pk, answer_redacted="sebelah warung")
    assert "Dijawab pelapor" in _row(text(c.get("/petugas/")), asked.number)
    services.report_accept(report_id=asked.pk, actor=pb)
    assert "Dijawab pelapor" not in _row(text(c.get("/petugas/")), asked.number)
    assert "Reporter answered" not in text(c.get("/petugas/", **EN))


def test_the_mark_reads_in_english(staff):
    pb = staff("petugas.pb", PB_UNIT)
    report = submit().report
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa tepatnya?")
    services.report_resume_with_answer(report_id=report.pk, answer_redacted="RT 04")
    assert "Reporter answered" in _row(text(console(pb).get("/petugas/", **EN)), report.number)


def test_the_triage_desk_queue_says_why_each_report_waits(staff):
    desk = staff("petugas.triase", "triase")
    report = submit_unplaced().report
    row = _row(text(console(desk).get("/petugas/")), report.number)
    assert "triase: lokasinya belum diketahui" in row


def test_more_of_an_answer_after_the_report_moved_does_not_mark_it_at_the_new_unit(staff):
    """Found by a review: the unit that asked passed the report on, the reporter's next message (more of the answer)
    then marked it "answered" at a unit that never asked."""
    pb = staff("petugas.pb", PB_UNIT)
    gambir = staff("petugas.gambir", "kel:31.71.01.1001")
    report = submit().report
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa tepatnya?")
    services.report_resume_with_answer(report_id=report.pk, answer_redacted="RT 04")
    services.report_coordinate(report_id=report.pk, actor=pb, to_unit="kel:31.71.01.1001", reason="wilayah Gambir")
    services.report_answer_more(report_id=report.pk, answer_redacted="sebelah warung")
    assert "Dijawab pelapor" not in _row(text(console(gambir).get("/petugas/")), report.number)
