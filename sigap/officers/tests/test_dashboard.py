"""The supervisor dashboard page and its map JSON, on the analytics scenario's small known set."""

from __future__ import annotations

import re

import pytest

from sigap.analytics.tests.scenario import PB_UNIT, SUDIN, build
from sigap.organization.models import StaffRole
from sigap.privacy.models import AccessEvent

from .helpers import EN, console, text

pytestmark = pytest.mark.django_db
R = StaffRole.Role


@pytest.fixture
def scenario(staff, jpeg):
    return build(staff, jpeg)


def cell(page: str, unit: str, col: str) -> str:
    row = re.search(rf'<tr data-unit="{re.escape(unit)}">(.*?)</tr>', page, re.S).group(1)
    return re.sub(r"<[^>]+>", "", re.search(rf'data-col="{col}">(.*?)</td>', row, re.S).group(1)).strip()


def test_walikota_dashboard_shows_the_right_numbers(scenario, staff):
    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    before = AccessEvent.objects.count()
    response = c.get("/petugas/dasbor/")
    page = text(response)
    assert response.status_code == 200
    assert (
        "Laporan masuk per hari (30 hari terakhir)" in page and "Total 5 laporan; paling banyak 1 dalam sehari." in page
    )
    assert page.count('<rect class="bar"') == 30
    assert "Laporan terbuka menurut status (2)" in page
    assert 'data-status="waiting">1<' in page and 'data-status="followup_rejected">1<' in page
    assert f'data-unit="{PB_UNIT}">1<' in page and f'data-unit="{SUDIN}">1<' in page
    assert "Laporan terlambat (1)" in page and f'href="/petugas/laporan/{scenario.late.number}/"' in page
    assert scenario.gambir.number not in page
    assert [cell(page, PB_UNIT, c) for c in ("received", "done", "median", "rejected")] == ["5", "3", "7,0 jam", "0"]
    assert [cell(page, SUDIN, c) for c in ("received", "done", "rejected")] == ["1", "0", "1"]
    assert "terlalu sedikit laporan selesai" in cell(page, SUDIN, "median")
    assert 'data-points-url="/petugas/dasbor/peta.json"' in page and 'class="table-scroll"' in page
    row = AccessEvent.objects.order_by("seq")[before]
    assert row.action == "list_reports" and row.detail["reports"] == [scenario.late.number]


def test_dashboard_period_and_english(scenario, staff):
    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    week = text(c.get("/petugas/dasbor/", {"hari": 7}))
    assert week.count('<rect class="bar"') == 7 and "Total 4 laporan" in week
    assert text(c.get("/petugas/dasbor/", {"hari": "abc"})).count('<rect class="bar"') == 30
    english = text(c.get("/petugas/dasbor/", **EN))
    assert "Supervisor dashboard" in english and "Median time to done" in english and "7.0 hours" in english


def test_the_validator_dashboard_covers_the_city_but_links_only_reports_it_may_open(scenario):
    page = text(console(scenario.validator).get("/petugas/dasbor/"))
    assert "Cakupan: seluruh laporan di kota/provinsi." in page
    assert "Laporan terbuka menurut status (3)" in page
    # a report outside its queue is listed by its late unit, without its number, category or a link
    assert f">{scenario.late.number}<" not in page and f'href="/petugas/laporan/{scenario.late.number}/"' not in page
    assert scenario.late.unit.name in page


def test_dashboard_map_json_lists_open_reports_in_scope_and_is_logged(scenario, staff):
    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    before = AccessEvent.objects.count()
    data = c.get("/petugas/dasbor/peta.json").json()
    assert data["columns"] == ["lat", "lon", "number", "status", "category", "unit"] and data["cells"] == []
    points = {p[2]: dict(zip(data["columns"], p, strict=True)) for p in data["points"]}
    assert set(points) == {scenario.bounced.number, scenario.late.number}
    late = points[scenario.late.number]
    assert data["report_url"].replace("~", late["number"]) == f"/petugas/laporan/{scenario.late.number}/"
    assert data["statuses"][late["status"]] == {"label": "Menunggu", "colour": "red"}
    assert (late["lat"], late["lon"]) == (round(scenario.late.lat, 4), round(scenario.late.lon, 4))
    assert late["category"] == scenario.late.category.name and late["unit"] == scenario.late.unit.name
    logged = AccessEvent.objects.order_by("seq")[before]
    assert logged.action == "list_reports" and set(logged.detail["reports"]) == set(points)


def test_the_city_map_shows_reports_outside_the_validators_queue_only_as_counted_grid_cells(scenario):
    """A validator oversees the city: the reports it may open are points with their details; every other open
    report is only counted in a ~1 km grid cell, with no number, category, unit or precise point."""
    from sigap.reports.models import Report

    Report.objects.filter(pk=scenario.late.pk).update(lat=-6.23717, lon=106.89853)
    before = AccessEvent.objects.count()
    city = console(scenario.validator).get("/petugas/dasbor/peta.json", **EN).json()
    assert AccessEvent.objects.order_by("seq")[before].detail["reports"] == [scenario.bounced.number]
    points, cells = city["points"], city["cells"]
    # a validator opens only what it validates (or validated): the bounced report
    assert [p[2] for p in points] == [scenario.bounced.number]
    assert points[0][4] == "Damaged or potholed road"
    # nothing of the counted reports anywhere in the answer: not in the cells, nor among the statuses' labels
    raw = str(cells) + str(city["statuses"]) + str(points)
    for hidden in (scenario.late.number, scenario.gambir.number, "Clogged drain", "Saluran", "Kelurahan", "6.23717"):
        assert hidden not in raw
    assert sum(c["count"] for c in cells) == 2
    for c in cells:
        assert abs(c["lat"] / 0.01 - round(c["lat"] / 0.01)) < 1e-6
        assert abs(c["lon"] / 0.01 - round(c["lon"] / 0.01)) < 1e-6
        assert set(c) == {"lat", "lon", "count", "by_status"}


def test_officers_and_operators_have_no_dashboard(scenario, staff):
    assert console(scenario.officer).get("/petugas/dasbor/").status_code == 403
    assert console(staff("op", "biro-pemerintahan", R.OPERATOR)).get("/petugas/dasbor/peta.json").status_code == 403


def test_the_dashboard_statistics_download_as_csv_and_xlsx_and_are_logged(scenario, staff):
    import csv
    import io

    from .helpers import XLSX, xlsx_rows

    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    before = AccessEvent.objects.count()
    response = c.get("/petugas/dasbor/unduh.csv", {"hari": 7})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Bagian", "Tanggal / status / unit", "Kode", "Jumlah"]
    per_day = [r for r in rows[1:] if r[0] == "Laporan masuk per hari"]
    assert len(per_day) == 7 and sum(int(r[3]) for r in per_day) == 4  # as the page says for 7 days
    assert ["Laporan terbuka", "Menunggu", "waiting", "1"] in rows and [
        "Laporan terbuka",
        "Terlambat",
        "overdue",
        "1",
    ] in rows
    units = {r[2]: r[3] for r in rows if r[0] == "Unit"}
    assert units[PB_UNIT] == "1" and units[SUDIN] == "1"
    assert scenario.late.number not in response.content.decode()  # counts only
    event = AccessEvent.objects.order_by("seq")[before]
    assert event.action == "export" and event.detail["view"] == "dashboard" and event.detail["filters"] == {"days": 7}
    book = c.get("/petugas/dasbor/unduh.xlsx")
    assert book["Content-Type"] == XLSX and xlsx_rows(book.content)[0][0] == "Bagian"
    officer = console(staff("petugas.x", PB_UNIT, R.OFFICER))
    assert officer.get("/petugas/dasbor/unduh.csv").status_code == 403


@pytest.mark.parametrize("lang", [{}, EN], ids=["id", "en"])
def test_an_overdue_row_shows_the_report_as_django_formats_it(scenario, staff, lang):
    """The overdue table's cells, built in Python for speed, say what the template filters said: number and
    link, category and unit names, status label and colour, both deadlines as local 'j M H:i' with an ISO
    datetime attribute, in the page's language."""
    from django.template.defaultfilters import date as date_filter
    from django.utils import timezone, translation

    from sigap.reports.models import Report
    from sigap.reports.states import COLOUR, Status

    late = Report.objects.select_related("category", "unit").get(pk=scenario.late.pk)
    Report.objects.filter(pk=late.pk).update(hop_deadline=late.due_at - timezone.timedelta(days=3, minutes=7))
    late.refresh_from_db()
    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    page = text(c.get("/petugas/dasbor/", **lang))
    row = re.search(r'<table id="overdue">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    english = bool(lang)
    with translation.override("en" if english else "id"):
        due, hop = timezone.localtime(late.due_at), timezone.localtime(late.hop_deadline)
        category = (late.category.name_en or late.category.name) if english else late.category.name
        label = str(Status(late.status).label)
        cells = [
            f'<a href="/petugas/laporan/{late.number}/">{late.number}</a>',
            f"<td>{category}</td><td>{late.unit.name}</td>",
            f'<span class="status status-{COLOUR[Status(late.status)]}">{label}</span>',
            f'<time datetime="{date_filter(due, "c")}">{date_filter(due, "j M H:i")}</time>',
            f'<time datetime="{date_filter(hop, "c")}">{date_filter(hop, "j M H:i")}</time>',
        ]
    for expected in cells:
        assert expected in row, expected


def test_an_overseers_overdue_row_of_a_report_it_cannot_open_names_the_unit_not_the_report(scenario, staff):
    """The dashboard's map shows an overseer such reports as counts per cell; its overdue list showed their
    number and category. It shows the late unit, status and deadlines only."""
    from sigap.reports.models import Report

    late = Report.objects.select_related("category", "unit").get(pk=scenario.late.pk)
    validator = staff("validator.biro.x", "biro-pemerintahan", R.VALIDATOR)
    page = text(console(validator).get("/petugas/dasbor/"))
    row = re.search(r'<table id="overdue">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    assert late.unit.name in row
    assert late.number not in row and late.category.name not in row and "/petugas/laporan/" not in row
    walikota = console(staff("walikota.jt.y", "kota:31.75", R.SUPERVISOR))  # may open it: all of it
    row = re.search(r'<table id="overdue">.*?<tbody>(.*?)</tbody>', text(walikota.get("/petugas/dasbor/")), re.S)
    assert late.number in row.group(1) and late.category.name in row.group(1)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_tables_written_in_python_say_what_the_template_said(lang):
    """The three long tables are written as HTML in Python (``dashboard._units_html`` and the others) instead of
    template loops; for rows with names to escape, a hidden median, an empty deadline and a report the viewer
    may not open, they say what the template loops said, in both languages."""
    from datetime import UTC, datetime
    from types import SimpleNamespace as NS

    from django.template import Context, Template
    from django.utils import translation

    from sigap.officers import dashboard

    unit = NS(code='kel:<1>&"', name="Kelurahan <Pondok> & Bambu")
    units = [
        NS(unit=unit, received=12, done=9, median_seconds=7 * 3600, median_shown=True, followup_rejected=1),
        NS(
            unit=NS(code="sudin", name="Suku Dinas"),
            received=1,
            done=0,
            median_seconds=None,
            median_shown=False,
            followup_rejected=0,
        ),
    ]
    by_unit = [NS(name="Kel <A>", code="kel:a", n=3), NS(name="", code="kel:b", n=1)]
    late = NS(
        number="JK1",
        status="followup_rejected",
        due_at=datetime(2026, 11, 2, 3, 4, tzinfo=UTC),
        hop_deadline=None,
        category_name="Jalan <rusak>",
        category_name_en="Broken road",
        unit_name="Kel & X",
    )
    hidden = NS(**{**late.__dict__, "number": "JK2", "unit_name": None})
    old = Template(
        '{% load i18n officer_console %}{% translate "terlalu sedikit laporan selesai" as too_few %}'
        '{% for s in units %}<tr data-unit="{{ s.unit.code }}"><th scope="row">{{ s.unit.name }}</th>'
        '<td class="num" data-col="received">{{ s.received }}</td><td class="num" data-col="done">{{ s.done }}</td>'
        '<td class="num" data-col="median">{% if s.median_shown %}{{ s.median_seconds|duration }}{% else %}'
        '<span title="{{ too_few }}">—</span><span class="visually-hidden">{{ too_few }}</span>{% endif %}</td>'
        '<td class="num" data-col="rejected">{{ s.followup_rejected }}</td></tr>{% endfor %}|'
        '{% for u in by_unit %}<tr><td>{{ u.name|default:"—" }}</td><td class="num" data-unit="{{ u.code }}">'
        "{{ u.n }}</td></tr>{% endfor %}|"
        '{% for o in overdue %}<tr><td>{% if o.url %}<a href="{{ o.url }}">{{ o.number }}</a>{% else %}'
        '{{ o.number }}{% endif %}</td><td>{{ o.category }}</td><td>{{ o.unit|default:"—" }}</td>'
        '<td><span class="status status-{{ o.colour }}">{{ o.status_label }}</span></td>'
        '<td>{% if o.due %}<time datetime="{{ o.due_iso }}">{{ o.due }}</time>{% else %}—{% endif %}</td>'
        '<td>{% if o.hop %}<time datetime="{{ o.hop_iso }}">{{ o.hop }}</time>{% else %}—{% endif %}</td></tr>'
        "{% endfor %}"
    )
    with translation.override(lang):
        text = dashboard.RowText()
        rows = []
        for r, may_open in ((late, True), (hidden, False)):
            cells = text.cells(r.number, r.status, r.due_at, r.hop_deadline, r.category_name, r.category_name_en)
            if not may_open:
                cells.update(url=None, category="—")
            rows.append({"number": r.number if may_open else "—", "unit": r.unit_name or "", **cells})
        expected = old.render(Context({"units": units, "by_unit": by_unit, "overdue": rows}))
        written = "|".join(
            (
                dashboard._units_html(units),
                dashboard._open_units_html(by_unit),
                dashboard._overdue_html([late, hidden], {"JK1"}),
            )
        )
    assert written == expected


def test_a_map_with_more_open_reports_than_it_shows_says_so(scenario, staff, monkeypatch):
    """The map shows the newest open reports only (2,000): a kota with a backlog of 8,000 saw 2,000 points and no
    word that the older ones, and their hot spots, were left off. The answer says so and the page has the note."""
    from sigap.analytics import selectors

    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    data = c.get("/petugas/dasbor/peta.json").json()
    assert data["limit"] == 2000 and data["truncated"] is False and len(data["points"]) == 2
    monkeypatch.setattr(selectors, "MAP_POINTS", 1)
    data = c.get("/petugas/dasbor/peta.json").json()
    assert data["limit"] == 1 and data["truncated"] is True and len(data["points"]) == 1
    monkeypatch.undo()
    page = text(c.get("/petugas/dasbor/"))
    assert 'data-truncated-note="dashboard-map-truncated"' in page
    assert re.search(r'id="dashboard-map-truncated" hidden>Peta hanya menampilkan 2\.000 laporan terbuka terbaru', page)
    english = text(c.get("/petugas/dasbor/", **EN))
    assert "The map shows only the 2,000 newest open reports" in english
