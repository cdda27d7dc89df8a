"""Dashboard selectors on a small known set: scope per role, per-day counts, open counts, overdue, units."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from sigap.analytics import selectors as stats
from sigap.organization.models import StaffRole, Unit

from .scenario import PB_UNIT, SUDIN, build

pytestmark = pytest.mark.django_db
R = StaffRole.Role


@pytest.fixture
def scenario(staff, jpeg):
    return build(staff, jpeg)


def numbers(qs):
    return set(qs.values_list("number", flat=True))


def test_a_walikota_sees_their_kota_and_a_validator_sees_the_whole_city(scenario, staff):
    jaktim = staff("walikota.jt", "kota:31.75", R.SUPERVISOR)
    jakpus = staff("walikota.jp", "kota:31.71", R.SUPERVISOR)
    everything = {r.number for r in (*scenario.done, scenario.bounced, scenario.late, scenario.gambir)}
    assert numbers(stats.dashboard_scope(jaktim)) == everything - {scenario.gambir.number}
    assert numbers(stats.dashboard_scope(jakpus)) == {scenario.gambir.number}
    assert numbers(stats.dashboard_scope(scenario.validator)) == everything
    assert stats.dashboard_sees_all(scenario.validator) and not stats.dashboard_sees_all(jaktim)
    biro_head = staff("kepala.biro", "biro-pemerintahan", R.SUPERVISOR)
    assert numbers(stats.dashboard_scope(biro_head)) == everything
    assert stats.dashboard_scope(scenario.officer) is None  # an officer has no dashboard


def test_only_a_validator_or_a_supervisor_at_the_biro_sees_the_whole_city(scenario, staff):
    """Read from the request's roles and the cached unit tree: an officer or unit admin at the Biro does not see
    all, a supervisor there does, and a unit that becomes a Biro counts at once."""
    assert not stats.dashboard_sees_all(staff("petugas.biro", "biro-pemerintahan", R.OFFICER))
    both = staff("admin.biro", "biro-pemerintahan", R.UNIT_ADMIN)
    StaffRole.objects.create(user=both, unit=Unit.objects.get(code="kota:31.75"), role=R.SUPERVISOR)
    assert not stats.dashboard_sees_all(both) and stats.summary_scope(both).units is not None
    StaffRole.objects.create(user=both, unit=Unit.objects.get(code="biro-pemerintahan"), role=R.SUPERVISOR)
    assert stats.dashboard_sees_all(both) and stats.summary_scope(both).units is None
    walikota = staff("walikota.jt", "kota:31.75", R.SUPERVISOR)
    assert not stats.dashboard_sees_all(walikota)
    Unit.objects.filter(code="kota:31.75").update(kind=Unit.Kind.BIRO, updated_at=timezone.now())
    assert stats.dashboard_sees_all(walikota)
    assert not stats.dashboard_sees_all(AnonymousUser())


def test_the_triage_desks_supervisor_oversees_the_desk_not_the_city(scenario, staff):
    """The triage desk is loaded as a Biro-kind unit beside the Biro Pemerintahan; its supervisor oversees the
    desk's reports, not every overdue report, sensitive category and unit of the city."""
    head = staff("kepala.desk", "triase", R.SUPERVISOR)
    assert not stats.dashboard_sees_all(head)
    scope = stats.summary_scope(head)
    assert scope.units == frozenset({Unit.objects.get(code="triase").pk})


def test_a_unit_that_stops_being_the_biro_stops_its_supervisors_seeing_the_city_at_once(staff, settings):
    """The unit tree is cached for seconds; whether a supervisor oversees the whole city is confirmed by the
    database, so a Biro turned into a dinas does not keep its supervisors city-wide while the cache is old."""
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 60
    head = staff("kepala.biro", "biro-pemerintahan", R.SUPERVISOR)
    assert stats.dashboard_sees_all(head)  # the cache is warm and says Biro
    Unit.objects.filter(code="biro-pemerintahan").update(kind=Unit.Kind.DINAS, updated_at=timezone.now())
    fresh = type(head).objects.get(pk=head.pk)
    assert not stats.dashboard_sees_all(fresh) and stats.summary_scope(fresh).units is not None


def test_reports_per_day_counts_local_days_and_fills_gaps(scenario, staff):
    jaktim = staff("walikota.jt", "kota:31.75", R.SUPERVISOR)
    today = timezone.localdate()
    days = stats.reports_per_day(stats.summary_scope(jaktim), days=30, today=today)
    assert len(days) == 30 and days[-1].day == today and days[0].day == today - timedelta(days=29)
    counts = {(today - d.day).days: d.n for d in days if d.n}
    assert counts == {1: 1, 2: 1, 3: 1, 4: 1, 20: 1}
    city = stats.reports_per_day(stats.summary_scope(scenario.validator), days=7, today=today)
    assert [d.n for d in city] == [0, 0, 1, 1, 1, 1, 1]


def test_open_reports_by_status_and_unit_and_the_overdue_list(scenario, staff):
    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    assert [(s.value, n) for s, n in stats.open_by_status(scope)] == [("waiting", 1), ("followup_rejected", 1)]
    assert {u.code: u.n for u in stats.open_by_unit(scope)} == {PB_UNIT: 1, SUDIN: 1}
    overdue, total = stats.overdue_reports(scope)
    assert [r.number for r in overdue] == [scenario.late.number] and total == 1
    together = stats.open_summary(scope)  # the dashboard's one pass: the same figures
    assert together.by_status == stats.open_by_status(scope) and together.overdue == 1
    assert {u.code: u.n for u in together.by_unit} == {PB_UNIT: 1, SUDIN: 1}


def test_unit_performance_counts_received_done_median_and_followup_rejections(scenario, staff):
    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    rows = {
        s.unit.code: s
        for s in stats.unit_performance(
            scope, since=scenario.now - timedelta(days=30), until=scenario.now + timedelta(minutes=1)
        )
    }
    pb, sudin = rows[PB_UNIT], rows[SUDIN]
    assert (pb.received, pb.done, pb.followup_rejected) == (5, 3, 0)
    assert pb.median_seconds == 7 * 3600 and pb.median_shown
    assert (sudin.received, sudin.done, sudin.followup_rejected) == (1, 0, 1)
    assert sudin.median_seconds is None and not sudin.median_shown
    assert list(rows) == [PB_UNIT, SUDIN]  # most received first


def test_a_median_from_fewer_than_the_minimum_done_reports_is_not_shown(scenario, staff):
    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    since = scenario.now - timedelta(days=3, hours=1)  # only A (5 h) and B (7 h) were done in this window
    pb = {s.unit.code: s for s in stats.unit_performance(scope, since=since)}[PB_UNIT]
    assert pb.done == 2 and pb.median_seconds == 6 * 3600 and not pb.median_shown


def test_the_map_shows_openable_reports_as_points_and_only_counts_the_rest_in_coarse_cells(scenario):
    from sigap.reports.models import Report
    from sigap.reports.selectors import reports_visible_to

    scope = stats.dashboard_scope(scenario.validator)
    Report.objects.filter(pk=scenario.late.pk).update(lat=-6.23717, lon=106.89853)
    points, cells = stats.open_report_map(scope, openable=reports_visible_to(scenario.validator))
    assert [p.number for p in points] == [scenario.bounced.number]
    assert points[0]._fields == ("pk", "number", "lat", "lon", "status", "category_id", "unit_id")
    assert (points[0].category_id, points[0].unit_id) == (scenario.bounced.category_id, scenario.bounced.unit_id)
    assert all(round(p.lat, 4) == p.lat and round(p.lon, 4) == p.lon for p in points)
    assert sum(c.count for c in cells) == 2  # late and gambir, counted only
    late_cell = next(c for c in cells if (c.lat, c.lon) == (-6.24, 106.9))
    assert late_cell.by_status == {"waiting": 1}
    everything, none = stats.open_report_map(scope)  # openable=None: every report in scope is a point
    assert len(everything) == 3 and none == []


def test_the_overdue_list_and_the_map_keep_their_order_and_limit_when_chosen_by_ids_first(scenario, staff):
    """The overdue list and the map pick their page's ids first (``report_open_cover``), then read those rows:
    the same reports, in the same order, as sorting every row would give."""
    from sigap.reports.models import Report

    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    from sigap.reports import visibility

    Report.objects.filter(pk=scenario.bounced.pk).update(due_at=scenario.late.due_at - timedelta(days=1))
    visibility.report_sync(Report.objects.get(pk=scenario.bounced.pk))  # as the write path would (rows repeat it)
    overdue, total = stats.overdue_reports(scope)
    assert [r.number for r in overdue] == [scenario.bounced.number, scenario.late.number] and total == 2
    first, _ = stats.overdue_reports(scope, limit=1)
    assert [r.number for r in first] == [scenario.bounced.number] and first[0].category_name
    for n in (1, 2, 50):  # the dashboard's one pass picks the same page
        summary = stats.open_summary(scope, overdue_first=n)
        assert summary.overdue == 2 and replace(summary, overdue_first=[]) == stats.open_summary(scope)
        chosen, _ = stats.overdue_reports(scope, limit=n, total=summary.overdue, ids=summary.overdue_first)
        assert [r.number for r in chosen] == [scenario.bounced.number, scenario.late.number][:n]
    located = Report.objects.filter(pk__in=[scenario.late.pk, scenario.bounced.pk])
    located.update(lat=-6.23717, lon=106.89853)
    newest = sorted((scenario.late, scenario.bounced), key=lambda r: r.created_at, reverse=True)
    points, _ = stats.open_report_map(scope.open_reports())
    assert [p.number for p in points] == [r.number for r in newest]
    one, _ = stats.open_report_map(scope.open_reports(), limit=1)
    assert [p.number for p in one] == [newest[0].number]


def test_a_scopes_counts_read_its_visibility_rows_alone_and_count_a_report_seen_twice_once(scenario, staff):
    """A kota's counts are grouped from its open ``ReportUnit`` rows (which repeat the status, the unit holding
    the report, the deadlines and the filing time), not by joining them to every open report of the city; a
    report that passed between two units of the kota has a row at each and is counted once."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from sigap.organization.models import Unit
    from sigap.reports import visibility
    from sigap.reports.models import ReportUnit

    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    # the late report escalated from Pondok Bambu to its kecamatan: the kecamatan's unit may now see it too
    visibility.unit_row_add(scenario.late, Unit.objects.get(code="kec:31.75.07").pk)
    twice = (
        ReportUnit.objects.filter(unit_id__in=scope.units, is_open=True)
        .values("report_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
    )
    assert twice.exists()
    with CaptureQueriesContext(connection) as ctx:
        summary = stats.open_summary(scope, overdue_first=50)
    grouped = [q["sql"] for q in ctx.captured_queries if "open_scope" in q["sql"]]
    assert len(grouped) == 1 and '"reports_report"' not in grouped[0] and "reports_reportunit" in grouped[0]
    open_reports = list(scope.open_reports().values_list("pk", "unit_id"))
    assert sum(n for _, n in summary.by_status) == len(open_reports)
    assert {c.unit_id: c.n for c in summary.by_unit} == {
        u: sum(1 for _, unit in open_reports if unit == u) for _, u in open_reports
    }
    assert sorted(summary.overdue_first) == sorted(
        scope.open_reports().filter(stats.overdue_q()).values_list("pk", flat=True)
    )


def test_a_scopes_map_picks_its_newest_located_reports_from_its_own_rows(scenario, staff, settings):
    """A kota's map chooses its newest points among its own open visibility rows, not among every open report
    of the city; a tenth more are taken because some reports have no coordinates, and when even that is not
    enough the map asks the reports themselves: the points are those of the old query, in its order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sigap.reports.models import Report
    from sigap.reports.tests.factories import submit

    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    start = scenario.now - timedelta(hours=12)
    filed = [submit(now=start + timedelta(minutes=i)).report for i in range(14)]
    # the twelve newest were placed by their text only: no coordinates
    Report.objects.filter(pk__in=[r.pk for r in filed[2:]]).update(lat=None, lon=None)
    from sigap.organization.cache import reference_data

    reference_data()  # the names come from the reference data, held between requests as in production
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 600

    def numbers(points):
        return [p.number for p in points]

    # limits 1–3: the newest 11–13 rows hold fewer located reports than asked for; 50: all of the scope's rows
    for limit in (1, 2, 3, 50):
        old, _ = stats.open_report_map(scope.open_reports(), limit=limit)
        with CaptureQueriesContext(connection) as ctx:
            new, _ = stats.open_report_map(scope.open_reports(), limit=limit, scope=scope)
        assert numbers(new) == numbers(old) and len(new) == min(limit, len(numbers(old)))
        assert "reports_reportunit" in ctx.captured_queries[0]["sql"]
        assert len(ctx.captured_queries) == (3 if limit <= 3 else 2)  # the fallback's own statement
    assert {filed[0].number, filed[1].number} <= set(numbers(new))
    assert not {r.number for r in filed[2:]} & set(numbers(new))


def test_a_report_hidden_from_the_scope_stays_off_its_map_even_if_a_rows_copy_disagrees(scenario, staff):
    """A complaint about the kota is hidden from the walikota. The map's points are chosen from the scope's
    visibility rows, but whether a report is hidden is asked of the report itself too: a row whose copy of the
    unit concerned is stale (a bulk load not yet rebuilt) never shows the report to the person it is about."""
    from sigap.organization.models import Unit
    from sigap.reports.models import Report
    from sigap.reports.tests.factories import submit

    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    kota = Unit.objects.get(code="kota:31.75").pk
    assert kota in scope.hidden
    report = submit(now=scenario.now - timedelta(minutes=1)).report
    Report.objects.filter(pk=report.pk).update(concerned_unit_id=kota)  # the rows' copy left as it was
    old, _ = stats.open_report_map(scope.open_reports(), limit=50)
    new, _ = stats.open_report_map(scope.open_reports(), limit=50, scope=scope)
    assert report.number not in [p.number for p in old]
    assert report.number not in [p.number for p in new]


def test_a_report_hidden_from_the_scope_stays_off_its_overdue_list_even_if_a_rows_copy_disagrees(scenario, staff):
    """The dashboard's overdue list takes its ids from the scope's visibility rows; a row whose copy of the unit
    concerned is stale must not list a complaint about the kota to the walikota."""
    from sigap.organization.models import Unit
    from sigap.reports.models import Report

    scope = stats.summary_scope(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    kota = Unit.objects.get(code="kota:31.75").pk
    summary = stats.open_summary(scope, overdue_first=50)
    assert scenario.late.pk in summary.overdue_first
    Report.objects.filter(pk=scenario.late.pk).update(concerned_unit_id=kota)  # the rows' copy left as it was
    summary = stats.open_summary(scope, overdue_first=50)
    listed, _ = stats.overdue_reports(scope, limit=50, total=summary.overdue, ids=summary.overdue_first)
    assert scenario.late.number not in [r.number for r in listed]
