"""Aggregate pages cost the same whatever the history: the dashboard, the public statistics and map and Open311
``requests`` run the same number of SQL statements with a few reports and with many more and years of
history, and the dashboard and statistics never read the history tables (they read the summaries). The
dashboard's figures are right straight after an action."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.tests.factories import submit

from .scenario import PB_UNIT, SUDIN, build

pytestmark = pytest.mark.django_db
R = StaffRole.Role
HISTORY_TABLES = ("reports_statuschange", "reports_hop")


@pytest.fixture
def scenario(staff, jpeg):
    return build(staff, jpeg)


def statements(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def add_history(scenario, jpeg, *, n: int, days_back: int) -> None:
    """``n`` more reports filed over ``days_back`` days, most of them worked on and done, some rejected."""
    now = timezone.now()
    for i in range(n):
        start = now - timedelta(days=days_back * (i + 1) / n, hours=3)
        report = submit(privacy="public" if i % 2 else "private", now=start).report
        if i % 4 == 3:
            continue  # left open (and overdue for the old ones)
        services.report_accept(report_id=report.pk, actor=scenario.officer, now=start + timedelta(minutes=20))
        for kind in ("before", "after"):
            services.photo_add(
                report_id=report.pk,
                actor=scenario.officer,
                kind=kind,
                photo=photo_clean(jpeg(), blur=False),
                now=start + timedelta(hours=1),
            )
        services.report_request_validation(report_id=report.pk, actor=scenario.officer, now=start + timedelta(hours=2))
        services.report_validate(
            report_id=report.pk,
            actor=scenario.validator,
            accept=i % 3 != 0,
            reason="buram",
            now=start + timedelta(hours=3),
        )


PAGES = {
    "dashboard": "/petugas/dasbor/",
    "dashboard-90": "/petugas/dasbor/?hari=90",
    "dashboard-map": "/petugas/dasbor/peta.json",
}
PUBLIC_PAGES = {
    "statistics": "/statistik/",
    "statistics-kota": "/statistik/?kota=31.75",
    "public-map": "/publik/peta.json",
    "open311-requests": "/open311/v2/requests.json",
}


def test_aggregate_pages_run_the_same_statements_with_few_and_many_reports_and_long_history(scenario, staff, jpeg):
    walikota = Client()
    walikota.force_login(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    validator = Client()
    validator.force_login(scenario.validator)
    anyone = Client()

    def counts() -> dict[str, int]:
        out = {f"walikota {k}": len(statements(walikota, u)) for k, u in PAGES.items()}
        out |= {f"validator {k}": len(statements(validator, u)) for k, u in PAGES.items()}
        return out | {k: len(statements(anyone, u)) for k, u in PUBLIC_PAGES.items()}

    submit(privacy="public")  # something for the public pages to list
    counts()  # warm up: the first access-log entry creates the chain's head row
    few = counts()
    add_history(scenario, jpeg, n=24, days_back=3 * 365)
    add_history(scenario, jpeg, n=8, days_back=20)
    assert counts() == few


def test_the_dashboard_and_the_statistics_read_summaries_not_the_history(scenario, staff, jpeg):
    """On today's code the dashboard recounted every arrival and Selesai from the history tables and the
    statistics page loaded every done report: both grew with the years."""
    add_history(scenario, jpeg, n=4, days_back=400)
    walikota = Client()
    walikota.force_login(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    validator = Client()
    validator.force_login(scenario.validator)
    for client in (walikota, validator):
        for sql in statements(client, "/petugas/dasbor/?hari=90"):
            if '"reports_report"."number" IN (' in sql:
                continue  # which of the ≤ 50 overdue reports listed this user may open: bounded by the list
            assert not any(t in sql for t in ("reports_statuschange",)), sql
            if "reports_hop" in sql:  # only to find which open reports passed through the scope's units
                assert re.search(r"EXISTS", sql, re.I), sql
    for sql in statements(Client(), "/statistik/") + statements(Client(), "/statistik/?kota=31.75"):
        assert "reports_report" not in sql and not any(t in sql for t in HISTORY_TABLES), sql


def test_lists_of_reports_never_load_the_kelurahan_boundaries(scenario, staff):
    """Each listed report used to bring its kelurahan's, kecamatan's and kota's GeoJSON polygons (decoded for
    every row): the public map and Open311 took seconds for 1,000 reports even on a small database."""
    submit(privacy="public")
    validator = Client()
    validator.force_login(scenario.validator)
    for client, url in (
        (Client(), "/publik/peta.json"),
        (Client(), "/publik/"),
        (Client(), "/open311/v2/requests.json"),
        (validator, "/petugas/dasbor/"),
    ):
        for sql in statements(client, url):
            if "reports_report" in sql:
                assert '"geometry"' not in sql, (url, sql)


def cell(page: str, unit: str, col: str) -> str:
    row = re.search(rf'<tr data-unit="{re.escape(unit)}">(.*?)</tr>', page, re.S).group(1)
    return re.sub(r"<[^>]+>", "", re.search(rf'data-col="{col}">(.*?)</td>', row, re.S).group(1)).strip()


def test_the_dashboard_is_right_straight_after_an_action(scenario, staff, jpeg):
    c = Client()
    c.force_login(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    page = c.get("/petugas/dasbor/").content.decode()
    assert [cell(page, PB_UNIT, col) for col in ("received", "done")] == ["5", "3"]
    assert "Laporan terbuka menurut status (2)" in page

    late = scenario.late  # waiting at Pondok Bambu: accepted, proven, validated now
    services.report_accept(report_id=late.pk, actor=scenario.officer)
    for kind in ("before", "after"):
        services.photo_add(report_id=late.pk, actor=scenario.officer, kind=kind, photo=photo_clean(jpeg(), blur=False))
    services.report_request_validation(report_id=late.pk, actor=scenario.officer)
    services.report_validate(report_id=late.pk, actor=scenario.validator, accept=True, reason="Bukti diperiksa.")
    page = c.get("/petugas/dasbor/").content.decode()
    assert [cell(page, PB_UNIT, col) for col in ("received", "done")] == ["5", "4"]
    assert "Laporan terbuka menurut status (1)" in page and "Laporan terlambat (0)" in page

    fresh = submit().report  # a new report at Pondok Bambu, then passed to the Suku Dinas
    services.report_coordinate(report_id=fresh.pk, actor=scenario.officer, to_unit=SUDIN, reason="jalan kota")
    page = c.get("/petugas/dasbor/").content.decode()
    assert cell(page, PB_UNIT, "received") == "6" and cell(page, SUDIN, "received") == "2"
    assert "Laporan terbuka menurut status (2)" in page and "Total 6 laporan" in page

    statistics = Client().get("/statistik/").context["total"]
    assert (statistics.received, statistics.open, statistics.done) == (7, 3, 4)


def test_the_public_map_pages_by_keyset_and_the_public_list_stops_counting_at_the_cap(monkeypatch):
    from sigap.portal import selectors as portal

    numbers = [submit(privacy="public", now=timezone.now() - timedelta(hours=h)).report.number for h in range(5)]
    monkeypatch.setattr(portal, "MAP_LIMIT", 2)
    seen, cursor, pages = [], "", 0
    while True:
        data = Client().get("/publik/peta.json", {"sebelum": cursor} if cursor else {}).json()
        seen += [f["properties"]["number"] for f in data["features"]]
        pages += 1
        if not data["next"]:
            break
        cursor = data["next"]
    assert seen == numbers and pages == 3  # newest first, each once
    monkeypatch.setattr(portal, "PUBLIC_COUNT_CAP", 3)
    page = Client().get("/publik/").content.decode()
    assert "Lebih dari 3 laporan" in page
    monkeypatch.setattr(portal, "PUBLIC_COUNT_CAP", 10)
    assert "5 laporan" in Client().get("/publik/").content.decode()
