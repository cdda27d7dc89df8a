"""Portal reads (``sigap.portal.selectors``). "Similar reports nearby" at a hot spot: the rows read do not grow
with the open reports around the resident."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.portal import selectors
from sigap.reports import exposure
from sigap.reports.tests.factories import inner_point

from .conftest import PB

pytestmark = pytest.mark.django_db


def file_near(n: int, privacy: str) -> list:
    lat, lon = inner_point(PB)
    subs = [
        Submission(
            category="saluran-tersumbat",
            description=f"Got mampet di gang Mawar, air meluap ({i}).",
            lat=lat + (i % 7) * 1e-4,
            lon=lon + (i % 5) * 1e-4,
            channel="api",
            privacy=privacy,
            reporter=Reporter() if privacy == "anonymous" else Reporter(name="Budi", phone="081234567890"),
        )
        for i in range(n)
    ]
    return [r.report for start in range(0, n, 100) for r in report_submit_many(subs[start : start + 100])]


@pytest.mark.parametrize("nearby", [10, 200])
def test_similar_reports_read_a_bounded_number_of_rows_however_many_are_open_nearby(monkeypatch, nearby):
    public = file_near(nearby, "public")
    file_near(nearby, "private")
    file_near(3, "anonymous")
    placed = []
    real = exposure.expose_report
    monkeypatch.setattr(exposure, "expose_report", lambda r, a: placed.append(r) or real(r, a))
    lat, lon = inner_point(PB)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.similar_reports_near(category_code="saluran-tersumbat", lat=lat, lon=lon)
    # every private report is still counted and the most recent Publik ones of the resident's cell are shown
    assert found.private_count == nearby + 3
    here = exposure.cell_of(lat, lon, exposure.PUBLIC_GRID_DEG)

    def step(r):
        cell = exposure.cell_of(r.lat, r.lon, exposure.PUBLIC_GRID_DEG)
        return max(abs(cell[0] - here[0]), abs(cell[1] - here[1]))

    best = sorted((r for r in public if step(r) <= 1), key=lambda r: (step(r), -r.created_at.timestamp()))
    assert [s.number for s in found.public] == [r.number for r in best][: selectors.SIMILAR_LIMIT]
    # ... yet no more rows are read into Python, nor statements run, with 200 around than with 10
    assert len(placed) <= 4 * selectors.SIMILAR_LIMIT
    assert len(queries.captured_queries) == 5  # the category, two short lists, a count, the edge of the block


def test_statistics_add_each_kelurahan_to_its_kota_and_the_city_with_merged_histograms():
    """Two kelurahan of Jakarta Timur and one of Jakarta Pusat, counted from the summaries: each kota's counts
    and median come from its kelurahan's rows added together; a kelurahan gone from the reference data still
    counts in the city's total, and in nothing else."""
    from sigap.organization.models import Wilayah
    from sigap.reports.models import AreaDoneDays, AreaStatus

    kel = dict(Wilayah.objects.filter(level=Wilayah.Level.KELURAHAN).values_list("code", "pk"))
    east = [code for code in sorted(kel) if code.startswith("31.75.")][:2]
    centre = next(code for code in sorted(kel) if code.startswith("31.71."))
    gone = max(kel.values()) + 1000
    statuses = {east[0]: {"waiting": 2, "done": 3}, east[1]: {"done": 2, "rejected": 1}, centre: {"in_progress": 1}}
    for code, counts in statuses.items():
        for status, n in counts.items():
            AreaStatus.objects.create(kelurahan_id=kel[code], status=status, n=n)
    AreaStatus.objects.create(kelurahan_id=gone, status="done", n=4)
    AreaStatus.objects.create(kelurahan_id=kel[centre], status="waiting", n=0)  # emptied rows are skipped
    for code, days in ((east[0], {1: 3}), (east[1], {9: 2})):
        for day, n in days.items():
            AreaDoneDays.objects.create(kelurahan_id=kel[code], days=day, n=n)
    AreaDoneDays.objects.create(kelurahan_id=gone, days=30, n=4)

    kota_rows, kel_rows, total, chosen = selectors.statistics_by_area()
    assert kel_rows == [] and chosen == ""  # no kota chosen: the kota table and the city only
    kel_rows = selectors.statistics_by_area(kota="31.75")[1] + selectors.statistics_by_area(kota="31.71")[1]
    kota = {row.code: row for row in kota_rows}
    east_row = kota["31.75"]
    assert (east_row.received, east_row.open, east_row.done, east_row.closed_other) == (8, 2, 5, 1)
    # five Selesai: three after one day, two after nine; the middle (2.5th) lies in day 1's bucket
    assert east_row.median_days == round(1 + 2.5 / 3, 1)
    assert (kota["31.71"].received, kota["31.71"].open, kota["31.71"].median_days) == (1, 1, None)
    by_code = {row.code: row for row in kel_rows}
    assert set(by_code) == {*east, centre}
    assert by_code[east[1]].median_days == round(9 + 1 / 2, 1) and by_code[east[0]].median_days == round(1 + 1.5 / 3, 1)
    # the city: every row, the vanished kelurahan's too; nine Selesai, the middle (4.5th) in day 9's bucket
    assert (total.received, total.open, total.done) == (13, 3, 9)
    assert total.median_days == round(9 + (4.5 - 3) / 2, 1)
    assert [row.code for row in selectors.statistics_by_area(kota="31.71")[1]] == [centre]
    # a kelurahan belongs to the kota its code begins with, whatever its region row's parent says (an edit in the
    # admin): the kota table and that kota's kelurahan table keep agreeing
    Wilayah.objects.filter(code=east[0]).update(parent=None)
    Wilayah.objects.filter(code=east[1]).update(parent=Wilayah.objects.get(code=centre.rsplit(".", 1)[0]))
    kota_rows, _kel, total_again, _chosen = selectors.statistics_by_area()
    moved = {row.code: row for row in kota_rows}
    assert (moved["31.75"].received, moved["31.71"].received, total_again.received) == (8, 1, 13)
    east_kel = selectors.statistics_by_area(kota="31.75")[1]
    assert sum(row.received for row in east_kel) == moved["31.75"].received
    assert selectors.statistics_by_area(kota="31.75%")[3] == "" and selectors.statistics_by_area(kota="31")[3] == ""
    # the kota table from rows the database added up per kota; a kota's kelurahan read only when it is chosen
    for kota_code, expected in (("", 3), ("31.75", 6)):
        with CaptureQueriesContext(connection) as queries:
            selectors.statistics_by_area(kota=kota_code)
        assert len(queries.captured_queries) == expected, kota_code


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_kelurahan_row_is_written_as_the_template_wrote_it(language):
    """The statistics page's kelurahan rows are written in Python (a kota has tens); each must read exactly
    as the template's cells did: numbers localized, the median's decimal comma in Indonesian, — for none."""
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        '{% load l10n %}<th scope="row">{{ row.name }}</th><td>{{ row.parent }}</td><td class="num">{{ row.received }}'
        '</td><td class="num">{{ row.open }}</td><td class="num">{{ row.done }}</td><td class="num">'
        '{{ row.closed_other }}</td><td class="num">{% if row.median_days is not None %}{{ row.median_days }}'
        "{% else %}—{% endif %}</td>"
    )
    rows = [
        selectors.AreaStats(code="31.75.07.1002", name="Pondok <Bambu>", parent="Jakarta Timur — Duren Sawit"),
        selectors.AreaStats(code="31.71.01.1001", name="Gambir & co", parent="Jakarta Pusat — Gambir"),
    ]
    rows[0].received, rows[0].open, rows[0].done, rows[0].done_days = 12345, 20, 12000, {1: 3, 9: 2}
    rows[1].received, rows[1].open = 4, 4
    with translation.override(language):
        for row in rows:
            row.finish()
            assert row.kelurahan_html == template.render(Context({"row": row}))
    assert rows[0].median_days is not None and rows[1].median_days is None


def test_the_public_statistics_leave_complaints_about_officials_out_of_every_kelurahan_and_kota(staff):
    """/statistik/ counted every report per kelurahan, live: a lurah who compared their kelurahan's row with their
    own queue learnt, within minutes, that a complaint about their office had been filed there (found by a
    review). A complaint about officials now counts in the city's total only, as a report without a kelurahan,
    on the write path and in the rebuild alike; Kinerja wilayah leaves them out as well."""
    from sigap.reports import derived
    from sigap.reports.models import AreaStatus
    from sigap.reports.tests.factories import submit

    pb_row = lambda: next(r for r in selectors.statistics_by_area(kota="31.75")[1] if r.code == PB)  # noqa: E731
    submit()
    before = pb_row().received, selectors.statistics_by_area()[2].received
    assert before == (1, 1)
    submit(
        "pelayanan-aparatur", description="Petugas kelurahan meminta uang untuk surat pengantar.", privacy="anonymous"
    )
    assert (
        pb_row().received == 1 and next(r for r in selectors.statistics_by_area()[0] if r.code == "31.75").received == 1
    )
    assert selectors.statistics_by_area()[2].received == 2  # the city counts it
    kept = sorted(AreaStatus.objects.filter(n__gt=0).values_list("kelurahan_id", "status", "n"))
    derived.rebuild_all(only={"summaries"})
    assert sorted(AreaStatus.objects.filter(n__gt=0).values_list("kelurahan_id", "status", "n")) == kept
