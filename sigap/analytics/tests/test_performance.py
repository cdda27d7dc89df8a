"""Unit performance that cannot be gamed (#12): on a fixture where one kelurahan games its closures (takes each
report into work and asks for validation minutes later, with a recycled after photo, and residents say most were
not fixed) and another works honestly, the figures show it — and hide what rests on too few reports."""

from __future__ import annotations

import pytest

from sigap.analytics import performance

from .gaming import N, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(staff):
    return build(staff)


def _records(city):
    since, until = performance.period_bounds(30)
    rows = performance.unit_table([u.pk for u in city.values()], since=since, until=until)
    return {row.unit.pk: row.record for row in rows}


def test_the_figures_show_the_unit_that_games_its_closures(city):
    records = _records(city)
    gamer, honest = records[city["gamer"].pk], records[city["honest"].pk]
    # speed alone would crown the gamer
    assert gamer.total_median.value < honest.total_median.value
    assert gamer.done == honest.done == N and gamer.received == honest.received == N
    # but its closes came minutes after taking the report, on flagged proof, and residents reopened them
    assert (gamer.quick.value, gamer.quick.n) == (1.0, N)
    assert (honest.quick.value, honest.quick.n) == (0.0, N)
    assert gamer.flagged.value == 1.0 and honest.flagged.value == 0.0
    assert (gamer.reopened.value, gamer.reopened.n) == (5 / N, N) and honest.reopened.value == 0.0
    assert (gamer.confirmed.value, gamer.confirmed.n) == (0.0, 5)
    assert (honest.confirmed.value, honest.confirmed.n) == (1.0, 5)
    assert honest.rating.value == pytest.approx((4 + 5 + 4 + 5 + 4) / 5)


def test_a_figure_that_rests_on_fewer_than_the_minimum_is_hidden_but_its_count_shown(city, settings):
    gamer = _records(city)[city["gamer"].pk]
    assert (gamer.rating.value, gamer.rating.n) == (None, 1)  # one resident's 2 out of 5 is not a rating
    settings.SIGAP_STATS_MIN_COUNT = 1
    assert _records(city)[city["gamer"].pk].rating.value == 2.0
    settings.SIGAP_STATS_MIN_COUNT = 7
    hidden = _records(city)[city["gamer"].pk]
    assert hidden.quick.value is None and hidden.quick.n == N and hidden.done == N


def test_sorting_puts_the_better_first_and_hidden_figures_last(city):
    since, until = performance.period_bounds(30)
    ids = [u.pk for u in city.values()]
    by_quick = performance.unit_table(ids, since=since, until=until, sort="quick")
    assert [r.unit.pk for r in by_quick] == [city["honest"].pk, city["gamer"].pk]
    by_confirmed = performance.unit_table(ids, since=since, until=until, sort="confirmed")
    assert by_confirmed[0].unit.pk == city["honest"].pk
    by_rating = performance.unit_table(ids, since=since, until=until, sort="rating")
    assert by_rating[-1].unit.pk == city["gamer"].pk  # its rating is hidden


def test_the_weekly_trend_adds_up_to_the_period(city):
    weeks = performance.unit_trend(city["gamer"].pk, weeks=6)
    assert len(weeks) == 6 and weeks[0].start.weekday() == 0
    assert sum(w.record.done for w in weeks) == N and sum(w.record.received for w in weeks) == N
    assert sum(w.record.quick.n for w in weeks) == N


def test_a_kota_s_units_count_as_one(city):
    """Jakarta Timur holds the gamer's kelurahan, Jakarta Pusat the honest one: each kota's figures are its
    units' together (medians over their rows, not a median of medians)."""
    since, until = performance.period_bounds(30)
    counted = performance.kota_counts(["31.75", "31.71", "31.72"], since=since, until=until)
    timur, pusat = performance.Record.of(counted["31.75"]), performance.Record.of(counted["31.71"])
    assert timur.quick.value == 1.0 and timur.total_median.n == N and timur.received == N
    assert pusat.quick.value == 0.0 and pusat.done == N and pusat.reopened.n == N
    assert performance.Record.of(counted["31.72"]).received == 0
    both = performance.Counts()
    both.add(counted["31.75"])
    both.add(counted["31.71"])
    assert performance.Record.of(both).done == 2 * N and performance.Record.of(both).quick.value == 0.5


def test_units_in_area_from_memory_are_the_units_whose_region_lies_in_the_area(staff):
    """``units_in_area`` reads the cached unit tree; it names exactly the units a query of the regions would
    name, for a kota, a kecamatan and a kelurahan, with and without a kind, and follows a unit's move at once
    (the tests check the reference data's fingerprint on every call)."""
    from django.db.models import Q

    from sigap.organization.models import Unit

    def by_query(code, kinds=None):
        qs = Unit.objects.filter(Q(wilayah__code=code) | Q(wilayah__code__startswith=code + "."))
        return set((qs.filter(kind__in=kinds) if kinds else qs).values_list("pk", flat=True))

    for code in ("31.75", "31.75.07", "31.75.07.1002", "31.71", "31.7"):
        for kinds in (None, [Unit.Kind.KELURAHAN], [Unit.Kind.KECAMATAN, Unit.Kind.KOTA]):
            assert performance.units_in_area(code, kinds) == by_query(code, kinds), (code, kinds)
    assert performance.units_in_area("31.7") == set()  # a prefix of a code is not a region above it
    assert len(performance.units_in_area("31.75", [Unit.Kind.KELURAHAN])) == 65
    moved = Unit.objects.get(code="kel:31.75.07.1002")
    moved.wilayah = Unit.objects.get(code="kota:31.71").wilayah
    moved.save()
    assert moved.pk in performance.units_in_area("31.71") and moved.pk not in performance.units_in_area("31.75")


def test_a_set_of_units_reads_its_stays_and_selesai_from_their_unit_first_covers(staff):
    """A kota's unit table reads its units' stays and Selesai of the period through the unit-first indexes that
    carry the measured columns (reports/0028), each unit's rows already together, with no sort of the period's
    rows of every unit; and on PostgreSQL the stays' counts and percentiles are one pass (two statements for the
    two measured tables, not three)."""
    import json
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sigap.reports.models import DoneTime, UnitStay
    from sigap.reports.tests.factories import submit

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    report = submit().report
    now = timezone.now()
    stays, done = [], []
    for i in range(8000):
        at = now - timedelta(hours=i * 2.2)
        unit = 100_000 + i % 40
        stays.append(
            UnitStay(
                report=report,
                unit_id=unit,
                arrived_at=at - timedelta(hours=5),
                ended_at=at,
                ended="hop",
                seconds=3600.0 * (1 + i % 17),
                late=i % 3 == 0,
            )
        )
        if (i // 40) % 2:
            done.append(DoneTime(report=report, unit_id=unit, done_at=at, seconds=60.0 * i, total_seconds=90.0 * i))
    # and the open stages of a city's units, none of them late yet
    stays += [
        UnitStay(
            report=report,
            unit_id=100_000 + i % 400,
            arrived_at=now - timedelta(hours=i % 50),
            accept_by=now + timedelta(days=1),
            due_by=now + timedelta(days=3),
        )
        for i in range(2_000)
    ]
    UnitStay.objects.bulk_create(stays)
    DoneTime.objects.bulk_create(done)
    with connection.cursor() as cur:
        cur.execute("ANALYZE reports_unitstay")
        cur.execute("ANALYZE reports_donetime")
    mine = {100_000 + k for k in range(4)}
    since, until = now - timedelta(days=365), now
    with CaptureQueriesContext(connection) as q:
        counts = performance.counts_by_unit(mine, since=since, until=until)
    in_period = UnitStay.objects.filter(unit_id__in=mine, ended_at__gte=since, ended_at__lte=until)
    assert set(counts) == mine and sum(c.stays for c in counts.values()) == in_period.count() > 300
    assert all(c.hop_pct[0] is not None and c.total_pct[0] is not None for c in counts.values())
    measured = [
        x["sql"] for x in q.captured_queries if "reports_unitstay" in x["sql"] or "reports_donetime" in x["sql"]
    ]
    # and the stages still open past their deadline (``overdue_open_stays``): the open ones only, not the period's
    still_open = [sql for sql in measured if '"ended_at" IS NULL' in sql]
    measured = [sql for sql in measured if sql not in still_open]
    assert len(measured) == 2 and len(still_open) == 1, measured
    # read from the stays alone, which keep their report's due date and wait: no join to the reports
    assert "reports_report" not in still_open[0] and "JOIN" not in still_open[0]
    for sql, table, index in zip(
        measured, ("reports_unitstay", "reports_donetime"), ("unitstay_unit_end_cover", "donetime_unit_at_cover")
    ):
        with connection.cursor() as cur:
            # the test's tables are small and not yet all-visible: scans by index only, the planner's choice of
            # which (index-only needs a VACUUM, which a test's transaction cannot run: the columns are checked)
            for kind in ("seqscan", "bitmapscan"):
                cur.execute(f"SET LOCAL enable_{kind} = off")
            cur.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cur.fetchone()[0]
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
            (indexdef,) = cur.fetchone()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        nodes = list(_plan_nodes(plan[0]["Plan"]))
        scans = [n for n in nodes if n.get("Relation Name") == table]
        assert [n.get("Index Name") for n in scans] == [index], scans
        assert not any(n["Node Type"] in ("Sort", "Incremental Sort") for n in nodes), nodes
        measured_columns = "seconds, total_seconds" if table == "reports_donetime" else "seconds, work_seconds"
        assert f"(unit_id, {'done_at' if table == 'reports_donetime' else 'ended_at'}) INCLUDE" in indexdef
        assert measured_columns in indexdef, indexdef


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _plan_nodes(child)


def _reference_td(cell) -> str:
    """A cell as the template-era code wrote it (``format_html`` and ``number_format``), the reference for the
    faster string building."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    n = "" if cell.n is None else format_html(' data-n="{}"', cell.n)
    if cell.n is not None and cell.hidden:
        why = _("terlalu sedikit laporan (%(n)s)") % {"n": cell.n}
        return format_html(
            '<td class="num muted" data-col="{}"{}><span title="{}">—</span><span class="visually-hidden">{}</span></td>',
            cell.key,
            n,
            why,
            why,
        )
    count = "" if cell.n is None else format_html(' <small class="count">({})</small>', cell.n)
    return format_html('<td class="num" data-col="{}"{}>{}{}</td>', cell.key, n, cell.text, count)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_rows_cells_are_the_html_and_numbers_django_would_write(language, settings):
    """Cells are built with plain string formatting and separators looked up once per language: the HTML and
    the numbers are what ``format_html`` and ``number_format`` write, for counts in the thousands, durations in
    hours and days, shares, a mean, and figures hidden below the minimum count."""
    from django.utils import translation
    from django.utils.formats import number_format

    settings.SIGAP_STATS_MIN_COUNT = 5
    big = performance.Counts(
        received=12345,
        done=1234,
        rejected=7,
        flagged=3,
        reopened=40,
        confirmed=300,
        ratings=250,
        rating_sum=1001,
        bounced=2,
        stays=1500,
        late=321,
        done_stays=1200,
        quick=17,
        total_n=1234,
        hop_pct=(5400.0, 200_000.0),
        total_pct=(86_400 * 3.25, 86_400 * 11.0),
    )
    small = performance.Counts(
        received=3, done=2, stays=3, late=1, total_n=2, hop_pct=(60.0, 90.0), total_pct=(1.0, 2.0)
    )
    with translation.override(language):
        for counts in (big, small, performance.Counts()):
            row = performance.cells(performance.Record.of(counts))
            assert [c.td for c in row] == [_reference_td(c) for c in row]
            assert row.html == "".join(_reference_td(c) for c in row)
        row = performance.cells(performance.Record.of(big))
        assert row[0].text == number_format(12345, 0, force_grouping=True)
        assert row[2].text == performance.format_duration(5400.0) == ("1.5 hours" if language == "en" else "1,5 jam")
        assert row[4].text == ("3.2 days" if language == "en" else "3,2 hari")  # 3.25 rounds half to even
        assert row[6].text == f"{number_format(100 * 321 / 1500, 0)}%"
    escaped = performance.Cell("<x>", "<b>", 9, 1.0).td
    assert "<x>" not in escaped and "<b>" not in escaped and "&lt;b&gt;" in escaped


def test_terlambat_counts_the_stages_a_unit_leaves_sitting_past_their_deadline(staff, jpeg):
    """Pondok Bambu finishes five reports on time and leaves five others untouched for three weeks, far past their
    deadlines: the dashboard counts five overdue, the unit table said Terlambat 0 % of five stages (only ended
    stages counted, so ignoring reports made a unit look punctual; found by a review). A stage still open past its
    deadline is a late stage of the period, in the table and in the week it is in."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.analytics import selectors as stats
    from sigap.organization.models import StaffRole, Unit
    from sigap.privacy.photos import photo_clean
    from sigap.reports import services
    from sigap.reports.models import Report
    from sigap.reports.tests.factories import submit

    pb = staff("petugas.pb", "kel:31.75.07.1002")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    now = timezone.now()
    for i in range(5):
        t = now - timedelta(days=10 + i)
        r = Report.objects.get(pk=submit(now=t).report.pk)
        services.report_accept(report_id=r.pk, actor=pb, now=t + timedelta(minutes=10))
        for kind in ("before", "after"):
            services.photo_add(
                report_id=r.pk,
                actor=pb,
                kind=kind,
                photo=photo_clean(jpeg(), blur=False),
                now=t + timedelta(minutes=30),
            )
        services.report_request_validation(report_id=r.pk, actor=pb, now=t + timedelta(hours=1))
        services.report_validate(report_id=r.pk, actor=validator, accept=True, reason="ok", now=t + timedelta(hours=2))
    for i in range(5):
        submit(now=now - timedelta(days=20 + i))
    unit = Unit.objects.get(code="kel:31.75.07.1002")
    lurah = staff("lurah.pb", "kel:31.75.07.1002", StaffRole.Role.SUPERVISOR)
    assert stats.open_summary(stats.summary_scope(lurah), now=now).overdue == 5
    since, until = performance.period_bounds(90, now)
    counts = performance.counts_by_unit([unit.pk], since=since, until=until)[unit.pk]
    assert (counts.stays, counts.late, counts.open_late) == (10, 5, 5)
    this_week = performance.unit_trend(unit.pk, weeks=4)[-1].record
    assert this_week.overdue.n >= 5 and this_week.overdue.value > 0
    # the unit's page counts them once and hands them to the trend: the same weeks
    given = performance.unit_trend(unit.pk, weeks=4, open_late=counts.open_late)
    assert given == performance.unit_trend(unit.pk, weeks=4)


def test_a_kota_receives_a_report_once_however_often_it_moves_inside_the_kota(staff, settings):
    """One report in Pondok Bambu, coordinated by the kelurahan to the Suku Dinas of the same kota: /statistik/
    said Jakarta Timur received 1, /statistik/kinerja/ said 2 (each unit's arrivals added up; found by a review).
    A group of units receives what is filed at its units and what comes to them from outside the group."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.portal.selectors import performance_by_area, statistics_by_area
    from sigap.reports import services
    from sigap.reports.tests.factories import submit

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    pb = staff("petugas.pb", "kel:31.75.07.1002")
    t = timezone.now() - timedelta(days=3)
    created = submit("jalan-rusak", description="Jalan berlubang dalam di depan sekolah.", now=t)
    services.report_coordinate(
        report_id=created.report.pk,
        actor=pb,
        to_unit="sudin-bina-marga:31.75",
        reason="bukan tupoksi: jalan kota",
        now=t + timedelta(hours=1),
    )
    stats = {r.code: r.received for r in statistics_by_area()[0]}
    perf = {r.code: r.record.received for r in performance_by_area(days=90)[0]}
    assert stats["31.75"] == 1 and perf["31.75"] == 1
    # passed on to the Dinas (no kota), which sends it to Jakarta Pusat's Suku Dinas: Jakarta Pusat receives it
    # (it entered from outside), Jakarta Timur still once
    for hours, (user, here, there) in enumerate(
        (
            ("sudin.bm", "sudin-bina-marga:31.75", "dinas-bina-marga"),
            ("dinas.bm", "dinas-bina-marga", "sudin-bina-marga:31.71"),
        ),
        start=2,
    ):
        services.report_coordinate(
            report_id=created.report.pk,
            actor=staff(user, here),
            to_unit=there,
            reason="bukan ruas kami",
            now=t + timedelta(hours=hours),
        )
    perf = {r.code: r.record.received for r in performance_by_area(days=90)[0]}
    assert perf["31.75"] == 1 and perf["31.71"] == 1 and sum(perf.values()) == 2


def test_a_question_asked_today_does_not_rewrite_a_past_periods_lateness(staff):
    """A report left untouched for a month: a period that ended two days ago shows one late stage. The unit then
    asks the reporter something, today: the late stage vanished from that past period (a unit could clear its
    Terlambat before the public page was read; found by a review). A question counts only when it came before
    the deadline it would excuse."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.organization.models import Unit
    from sigap.reports import services
    from sigap.reports.tests.factories import submit

    pb = staff("petugas.pb", "kel:31.75.07.1002")
    unit = Unit.objects.get(code="kel:31.75.07.1002")
    now = timezone.now()
    report = submit(now=now - timedelta(days=30)).report
    since, until = now - timedelta(days=60), now - timedelta(days=2)
    before = performance.counts_by_unit([unit.pk], since=since, until=until)[unit.pk]
    assert (before.stays, before.late) == (1, 1)
    services.report_ask_reporter(report_id=report.pk, actor=pb, question_code="masih-ada", now=now)
    after = performance.counts_by_unit([unit.pk], since=since, until=until)[unit.pk]
    assert (after.stays, after.late) == (1, 1)
    # asked in time, it is no late stage: a fresh report asked within its hop deadline
    fresh = submit(now=now - timedelta(hours=1)).report
    services.report_ask_reporter(
        report_id=fresh.pk, actor=pb, question_code="masih-ada", now=now - timedelta(minutes=50)
    )
    later = performance.counts_by_unit([unit.pk], since=since, until=now + timedelta(days=30))[unit.pk]
    assert later.late == 1
