"""Portal reads (``sigap.portal.selectors``). "Similar reports nearby" at a hot spot: the rows read do not grow
with the open reports around the resident."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.portal import selectors
from sigap.reports import exposure
from sigap.reports.tests.factories import inner_point

from .conftest import GAMBIR, PB, PB_UNIT

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
        tomorrow = timezone.now() + timedelta(days=1)  # private reports are counted from the day after they are filed
        found = selectors.similar_reports_near(category_code="saluran-tersumbat", lat=lat, lon=lon, now=tomorrow)
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


def test_statistics_add_each_kelurahan_to_its_kota_and_the_city_with_merged_histograms(settings):
    """Two kelurahan of Jakarta Timur and one of Jakarta Pusat, counted from the summaries: each kota's counts
    and median come from its kelurahan's rows added together; a kelurahan gone from the reference data still
    counts in the city's total, and in nothing else."""
    settings.SIGAP_STATS_MIN_COUNT = 1  # the medians' arithmetic, on a handful of reports
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


def test_the_days_statistics_are_the_live_figures_as_they_were_when_taken(settings):
    """Each figure of the day's snapshot (kota rows, the city, each kota's kelurahan) is the live computation's, at
    the moment it was taken; a kota not in the reference data is no kota."""
    settings.SIGAP_STATS_MIN_COUNT = 1  # the medians' arithmetic, on a handful of reports
    from sigap.organization.models import Wilayah
    from sigap.reports.models import AreaDoneDays, AreaStatus

    kel = dict(Wilayah.objects.filter(level=Wilayah.Level.KELURAHAN).values_list("code", "pk"))
    east = [code for code in sorted(kel) if code.startswith("31.75.")][:2]
    for code, status, n in ((east[0], "waiting", 2), (east[0], "done", 3), (east[1], "done", 6)):
        AreaStatus.objects.create(kelurahan_id=kel[code], status=status, n=n)
    AreaDoneDays.objects.create(kelurahan_id=kel[east[0]], days=2, n=3)
    AreaDoneDays.objects.create(kelurahan_id=kel[east[1]], days=5, n=6)

    def shown(rows) -> list[tuple]:
        return [(r.code, r.name, r.parent, r.received, r.open, r.done, r.closed_other, r.median_days) for r in rows]

    for kota in ("", "31.75", "31.71", "99.99"):
        live_kota, live_kel, live_total, live_chosen = selectors.statistics_by_area(kota=kota)
        kota_rows, kel_rows, total, chosen, taken_at = selectors.statistics_of_the_day(kota=kota)
        assert (shown(kota_rows), shown(kel_rows), shown([total]), chosen) == (
            shown(live_kota),
            shown(live_kel),
            shown([live_total]),
            live_chosen,
        )
        assert taken_at is not None
    assert shown(selectors.statistics_of_the_day(kota="31.75")[1])[0][3:] == (5, 2, 3, 0, 2.5)
    # later the same day: the live figures move, the day's do not
    AreaStatus.objects.filter(kelurahan_id=kel[east[0]], status="waiting").update(n=7)
    assert selectors.statistics_by_area()[2].received == 16
    assert selectors.statistics_of_the_day()[2].received == 11


def test_two_first_visitors_of_the_day_keep_one_snapshot(monkeypatch):
    """Two processes may both find no figures for the day and compute them: the second to write reads the first's."""
    from django.utils import timezone

    from sigap.portal.models import StatisticsSnapshot

    computed = selectors._statistics_figures

    def meanwhile_another_process():
        figures = computed()
        StatisticsSnapshot.objects.create(day=timezone.localdate(), taken_at=timezone.now(), figures=figures)
        return {**figures, "total": {**figures["total"], "received": -1}}  # what this caller would have written

    monkeypatch.setattr(selectors, "_statistics_figures", meanwhile_another_process)
    snapshot = selectors.statistics_snapshot()
    assert StatisticsSnapshot.objects.count() == 1 and snapshot.figures["total"]["received"] == 0


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


def _filed_days_ago(days: int, n: int = 1) -> list:
    from datetime import timedelta

    from django.utils import timezone

    from sigap.reports.tests.factories import submit

    return [
        submit(
            "jalan-rusak", description="Jalan berlubang di depan sekolah.", now=timezone.now() - timedelta(days=days)
        )
        for _ in range(n)
    ]


def _received(rows) -> dict[str, int]:
    return {r.code: r.record.received for r in rows}


def test_the_public_performance_tables_are_computed_once_a_day_and_a_rebuild_recomputes_them(
    django_capture_on_commit_callbacks,
):
    """Whole past days do not change during today: a table is computed once and read from the cache until the
    key's day ends. A report stored for yesterday after the table was computed (an import) shows from the next
    computation; a rebuild of the summaries, which recounts past days, makes every process compute anew."""
    from sigap.reports import derived

    _filed_days_ago(3)
    kota_rows, kel_rows = selectors.performance_by_area(days=90, kota="31.75")
    assert _received(kota_rows)["31.75"] == 1 and _received(kel_rows)[PB] == 1
    _filed_days_ago(2)  # stored now for a past day, as an import from another channel may
    with CaptureQueriesContext(connection) as read:
        kota_rows, kel_rows = selectors.performance_by_area(days=90, kota="31.75")
    assert _received(kota_rows)["31.75"] == 1 and _received(kel_rows)[PB] == 1
    assert not [q for q in read.captured_queries if "reports_unit" in q["sql"] or "reports_donetime" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):  # the new generation is told once the recount is in
        derived.rebuild_all(only={"summaries"})
    kota_rows, kel_rows = selectors.performance_by_area(days=90, kota="31.75")
    assert _received(kota_rows)["31.75"] == 2 and _received(kel_rows)[PB] == 2


def test_a_cached_public_table_lives_until_the_next_local_midnight():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    jakarta = ZoneInfo("Asia/Jakarta")
    assert selectors._until_tomorrow(datetime(2026, 12, 5, 23, 59, 30, tzinfo=jakarta)) == 90
    assert selectors._until_tomorrow(datetime(2026, 12, 5, 0, 0, 0, tzinfo=jakarta)) == 86_400 + 60
    # a moment given in UTC is the local day's: 18:00 UTC is 01:00 in Jakarta
    assert selectors._until_tomorrow(datetime(2026, 12, 5, 18, 0, tzinfo=ZoneInfo("UTC"))) == 23 * 3600 + 60


def test_warming_computes_every_missing_table_so_a_visitor_reads_only_the_cache():
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command

    _filed_days_ago(5, n=2)
    kotas = selectors.kota_choices()
    out = StringIO()
    call_command("figures", "warm", stdout=out)
    # per period: the kota table and each kota's kelurahan table
    assert (
        out.getvalue().strip()
        == f"Computed {len(selectors.PERFORMANCE_PERIODS) * (1 + len(kotas))} public performance tables."
    )
    assert selectors.warm_performance() == 0
    for days in selectors.PERFORMANCE_PERIODS:
        for kota in ["", *(k.code for k in kotas)]:
            with CaptureQueriesContext(connection) as read:
                kota_rows, kel_rows = selectors.performance_by_area(days=days, kota=kota)
            assert not [q for q in read.captured_queries if "reports_" in q["sql"]], (days, kota)
            assert _received(kota_rows)["31.75"] == 2
            assert _received(kel_rows) == ({PB: 2} if kota == "31.75" else {})
    cache.clear()
    assert selectors.warm_performance() == len(selectors.PERFORMANCE_PERIODS) * (1 + len(kotas))


def test_a_unit_moved_to_another_kota_is_counted_in_it_at_once():
    """A kota's table counts the units working in it: moving a unit changes the reference data the key names, so
    the day's cached table is not kept."""
    from sigap.organization.models import Unit, Wilayah

    _filed_days_ago(3)
    before = _received(selectors.performance_by_area(days=90)[0])
    assert before["31.75"] == 1 and before["31.71"] == 0
    unit = Unit.objects.get(code=PB_UNIT)
    unit.wilayah = Wilayah.objects.get(code=GAMBIR)
    unit.save()
    after = _received(selectors.performance_by_area(days=90)[0])
    assert after["31.75"] == 0 and after["31.71"] == 1


def test_a_release_that_changes_the_tables_code_does_not_read_an_earlier_release_s_cache(monkeypatch, settings):
    """A shared cache (Redis) outlives a restart: tables an earlier release cached, with its columns, formats and
    translations, were read until midnight by the next (found by a review: a header of 16 columns over rows of
    15). The key names the code and translations that compute and write them, and the settings they read."""
    since = selectors._figures_stamp(90, selectors.performance.period_bounds(90, complete=True)[1])
    monkeypatch.setattr(selectors, "_CODE_STAMP", ["another-release"])
    assert selectors._figures_stamp(90, selectors.performance.period_bounds(90, complete=True)[1]) != since
    monkeypatch.setattr(selectors, "_CODE_STAMP", [])
    assert selectors._figures_stamp(90, selectors.performance.period_bounds(90, complete=True)[1]) == since
    settings.SIGAP_STATS_QUICK_MINUTES = 30
    assert selectors._figures_stamp(90, selectors.performance.period_bounds(90, complete=True)[1]) != since


def test_a_table_asked_for_by_many_at_once_is_computed_once(monkeypatch):
    """At midnight every visitor asks for the new day's tables at once: one computes, the others wait for its
    result instead of spending the same half second of the database each."""
    import threading
    import time

    calls = []
    started = threading.Event()

    def compute():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return ["the day's table"]

    results = []
    first = threading.Thread(target=lambda: results.append(selectors._cached_once("sigap:test:herd", compute)))
    first.start()
    started.wait(5)
    others = [
        threading.Thread(target=lambda: results.append(selectors._cached_once("sigap:test:herd", compute)))
        for _ in range(5)
    ]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(10)
    assert len(calls) == 1
    assert results == [["the day's table"]] * 6


def test_a_claim_left_by_a_dead_computer_does_not_block_the_table(monkeypatch):
    """A process that died while computing leaves its claim; a visitor waits a bounded time, then computes."""
    from django.core.cache import cache

    monkeypatch.setattr(selectors, "_COMPUTING_WAIT_SECONDS", 0.2)
    cache.add("sigap:test:dead:computing", 1, 60)
    assert selectors._cached_once("sigap:test:dead", lambda: ["computed"]) == ["computed"]
    assert cache.get("sigap:test:dead") == ["computed"]
    assert cache.get("sigap:test:dead:computing") == 1  # not its claim to remove
