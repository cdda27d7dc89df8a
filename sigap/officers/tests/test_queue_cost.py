"""Officer pages cost the same number of SQL statements whatever the unit's size and history.

Each page is measured once with a few reports in the caller's unit, then again after many more reports and
history (closed reports, reports hopped away and back, answered questions) were added: the number of
statements must not move. Statement counts, never wall-clock time (figures live in bench/queue_pages.py).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.organization.models import StaffRole
from sigap.reports import services
from sigap.reports.tests.factories import inner_point

from .helpers import HTMX, PB_UNIT, SUDIN, console, to_validation

pytestmark = pytest.mark.django_db
DRAIN = "Got mampet di depan gang, air meluap ke jalan saat hujan."


@pytest.fixture(autouse=True)
def _reference_data_cached_as_in_production(settings):
    # In production the reference data (unit tree, categories) is re-checked every few seconds, not per call;
    # the test settings check it on every call, which would count the check instead of the page.
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 3600


def file(n: int, *, kelurahan: str = "31.75.07.1002", located: bool = True) -> list:
    lat, lon = inner_point(kelurahan)
    subs = [
        Submission(
            category="saluran-tersumbat" if located else "",
            description=f"{DRAIN} Nomor {i}.",
            lat=lat if located else None,
            lon=lon if located else None,
            channel="web" if located else "twitter",
            allow_no_location=not located,
            privacy="private",
            reporter=Reporter(name="Budi Santoso", phone="081234567890"),
        )
        for i in range(n)
    ]
    return [r.report for r in report_submit_many(subs)]


def history(pb, sudin, n: int) -> None:
    """n more reports at the unit, most of them closed, some passed away and back (hops), some answered."""
    reports = file(n)
    for i, report in enumerate(reports):
        if i % 4 == 0:
            services.report_reject(report_id=report.pk, actor=pb, reason="bukan masalah publik")
        elif i % 4 == 1:
            services.report_coordinate(report_id=report.pk, actor=pb, to_unit=SUDIN, reason="jalan kota")
            services.report_coordinate(report_id=report.pk, actor=sudin, to_unit=PB_UNIT, reason="bukan jalan kota")
            services.report_forward(report_id=report.pk, actor=pb, destination="PLN", reason="listrik")
        elif i % 4 == 2:
            services.report_coordinate(report_id=report.pk, actor=pb, to_unit=SUDIN, reason="jalan kota")
        else:
            services.report_accept(report_id=report.pk, actor=pb)


def statements(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


@pytest.fixture
def people(staff):
    pb = staff("petugas.pb", PB_UNIT)
    sudin = staff("sudin.bm", SUDIN)
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    desk = staff("petugas.triase", "triase")
    pimpinan = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    return pb, sudin, validator, desk, pimpinan


def test_every_officer_page_costs_the_same_statements_at_5_and_at_60_reports_with_history(people, jpeg):
    pb, sudin, validator, desk, pimpinan = people
    first = file(5)
    file(3, located=False)  # the triage desk's
    to_validation(first[0], pb, jpeg)
    detail = first[1]
    services.report_coordinate(report_id=detail.pk, actor=pb, to_unit=SUDIN, reason="jalan kota")
    services.report_coordinate(report_id=detail.pk, actor=sudin, to_unit=PB_UNIT, reason="bukan jalan kota")

    officer, boss, checker, triage = console(pb), console(pimpinan), console(validator), console(desk)
    pages = {
        "api queue": lambda: officer.get("/api/v1/officer/reports"),
        "api queue, closed": lambda: officer.get("/api/v1/officer/reports", {"status": "closed"}),
        "api queue, all": lambda: officer.get("/api/v1/officer/reports", {"status": "all"}),
        "api queue, page 2": lambda: officer.get("/api/v1/officer/reports", {"page_size": 2, "page": 2}),
        "api queue, supervisor": lambda: boss.get("/api/v1/officer/reports"),
        "api detail": lambda: officer.get(f"/api/v1/officer/reports/{detail.number}"),
        "console queue": lambda: officer.get("/petugas/"),
        "console queue, all": lambda: officer.get("/petugas/", {"status": "all"}),
        "console poll": lambda: officer.get("/petugas/antrean/", **HTMX),
        "console report": lambda: officer.get(f"/petugas/laporan/{detail.number}/"),
        "validator queue": lambda: checker.get("/petugas/validasi/"),
        "validator api queue": lambda: checker.get("/api/v1/officer/reports"),
        "triage desk": lambda: triage.get("/api/v1/officer/desk/triage"),
        "export": lambda: officer.get("/api/v1/officer/export/reports.csv"),
        "export xlsx": lambda: officer.get("/api/v1/officer/export/reports.xlsx"),
        "export, all, a page of 3 (more follow)": lambda: officer.get(
            "/api/v1/officer/export/reports.xlsx", {"status": "all", "limit": 3}
        ),
        "export, supervisor": lambda: boss.get("/api/v1/officer/export/reports.csv"),
        "console export": lambda: officer.get("/petugas/unduh/laporan.csv"),
        "console export xlsx, all": lambda: officer.get("/petugas/unduh/laporan.xlsx", {"status": "all"}),
    }
    for fn in pages.values():  # warm caches (reference data, templates, the categorizer) outside the count
        fn()
    small = {name: statements(fn) for name, fn in pages.items()}

    more = file(55)
    history(pb, sudin, 40)
    file(30, located=False)
    for report in more[:12]:
        to_validation(report, pb, jpeg)
    large = {name: statements(fn) for name, fn in pages.items()}
    assert large == small


def test_the_api_queue_pages_by_cursor_without_gaps_or_repeats(people):
    pb = people[0]
    numbers = {r.number for r in file(7)}
    c = console(pb)
    seen, cursor = [], None
    while True:
        page = c.get("/api/v1/officer/reports", {"page_size": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [r["id"] for r in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7 and set(seen) == numbers
    by_offset = [
        r["id"]
        for p in (1, 2, 3)
        for r in c.get("/api/v1/officer/reports", {"page_size": 3, "page": p}).json()["results"]
    ]
    assert by_offset == seen  # the same order either way
    bad = c.get("/api/v1/officer/reports", {"cursor": "not-a-cursor"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"


def test_closed_counts_stop_at_the_cap(people, monkeypatch):
    from sigap.reports import selectors

    pb = people[0]
    for report in file(4):
        services.report_reject(report_id=report.pk, actor=pb, reason="bukan masalah publik")
    file(2)
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    data = console(pb).get("/api/v1/officer/reports", {"status": "closed"}).json()
    assert data["count"] == 3 and data["count_capped"] is True
    assert data["counts"] == {"waiting": 2} and data["closed_capped"] is True
    page = console(pb).get("/petugas/", {"status": "all"}).content.decode()
    assert "Semua <strong>5+</strong>" in page
    exact = console(pb).get("/api/v1/officer/reports").json()
    assert exact["count"] == 2 and exact["count_capped"] is False
