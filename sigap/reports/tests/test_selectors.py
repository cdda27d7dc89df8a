"""Who sees what (``sigap.reports.selectors``): reports that are or were at an officer's units, the queue of what is
there now, and a supervisor's view of the units below."""

from __future__ import annotations

import pytest

from sigap.organization.models import StaffRole
from sigap.reports import selectors, services

from .factories import submit

pytestmark = pytest.mark.django_db
SUDIN_BM_JT = "sudin-bina-marga:31.75"


def test_unit_scoping_officers_see_reports_that_are_or_were_at_their_units(pb_officer, sudin_officer, staff):
    gambir = staff("petugas.gambir", "kel:31.71.01.1001")
    report = submit("jalan-rusak").report
    assert selectors.reports_visible_to(pb_officer).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(sudin_officer).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(gambir).filter(pk=report.pk).exists()
    services.report_coordinate(report_id=report.pk, actor=pb_officer, to_unit=SUDIN_BM_JT, reason="bukan tupoksi")
    assert selectors.reports_visible_to(sudin_officer).filter(pk=report.pk).exists()
    assert selectors.reports_visible_to(pb_officer).filter(pk=report.pk).exists()  # was at Pondok Bambu
    assert not selectors.reports_visible_to(gambir).filter(pk=report.pk).exists()
    # the queue shows only what is at my unit now
    assert not selectors.report_queue(user=pb_officer).filter(pk=report.pk).exists()
    assert selectors.report_queue(user=sudin_officer).filter(pk=report.pk).exists()


def test_supervisor_sees_reports_of_units_below(staff):
    pimpinan = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    pimpinan_jp = staff("pimpinan.jp", "kota:31.71", StaffRole.Role.SUPERVISOR)
    report = submit().report
    assert selectors.reports_visible_to(pimpinan).filter(pk=report.pk).exists()
    assert not selectors.reports_visible_to(pimpinan_jp).filter(pk=report.pk).exists()


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _plan_nodes(child)


def test_a_supervisors_open_queue_is_read_in_order_not_sorted_whole(staff):
    """A kota pimpinan's queue spans a hundred units: its first page is read from one index in deadline order,
    skipping other units' rows, not by gathering and sorting every open report of the kota (whose number grows
    with the city; reports/0018 ``reportunit_open_urgency``)."""
    import json

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    pimpinan = staff("pimpinan.jt", "kota:31.75", StaffRole.Role.SUPERVISOR)
    reports = [submit(kelurahan=k).report for k in ("31.75.07.1002", "31.71.01.1001") for _ in range(20)]
    with connection.cursor() as cur:  # every report also at every other unit: ~12,000 open rows, a fifth of them JT's
        cur.execute(
            "INSERT INTO reports_reportunit (report_id, unit_id, holds, is_open, status, sort_at, category_id, "
            "kelurahan_id, concerned_unit_id) SELECT r.id, u.id, true, true, r.status, "
            "now() + (r.id %% 97 + u.id %% 89) * interval '1 hour', r.category_id, r.kelurahan_id, NULL "
            "FROM reports_report r CROSS JOIN organization_unit u WHERE r.id = ANY(%s) "
            "ON CONFLICT (report_id, unit_id) DO NOTHING",
            [[r.pk for r in reports]],
        )
        cur.execute("ANALYZE reports_reportunit")
    qs = selectors.report_queue(user=pimpinan)[:51]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = list(_plan_nodes(plan[0]["Plan"]))
    scans = [n for n in nodes if n.get("Relation Name") == "reports_reportunit"]
    assert scans and all(n.get("Index Name") == "reportunit_open_urgency" for n in scans), scans
    assert not any(n["Node Type"] in ("Sort", "Incremental Sort") for n in nodes)
    assert sum(n["Actual Rows"] * n.get("Actual Loops", 1) for n in scans) < 1_000  # a page's worth, not 2,400
    assert len(list(qs)) == 51


def test_the_validators_count_is_read_from_the_validation_index_alone(staff):
    """The validator's queue count (minus the units of a conflict of interest) reads only the awaiting-validation
    index, which carries the concerned unit, never the reports themselves (reports/0018)."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sigap.reports.models import Report

    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    reports = [submit().report for _ in range(5)]
    Report.objects.filter(pk__in=[r.pk for r in reports[:3]]).update(status="awaiting_validation")
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.queue_counts(user=validator)
    assert counts.by_status == {"awaiting_validation": 3}
    (count_sql,) = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "reports_report" in q["sql"]]
    with connection.cursor() as cur:
        # Index scans only (a handful of rows and whatever statistics other tests left: the planner's own choice
        # would vary). enable_indexscan stays on: on PostgreSQL 15 turning it off also penalises index-only scans,
        # which made the choice between the penalised paths vary from run to run.
        for kind in ("seqscan", "bitmapscan"):
            cur.execute(f"SET LOCAL enable_{kind} = off")
        cur.execute("EXPLAIN (FORMAT JSON) " + count_sql)
        plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'report_awaiting_validation'")
        (indexdef,) = cur.fetchone()
    scans = [n for n in _plan_nodes(plan[0]["Plan"]) if n.get("Relation Name") == "reports_report"]
    assert [n.get("Index Name") for n in scans] == ["report_awaiting_validation"]
    assert scans[0]["Node Type"] in ("Index Only Scan", "Index Scan")
    # every column the count reads is in the index, so it can be answered index-only once pages are all-visible
    assert "INCLUDE (concerned_unit_id)" in indexdef and "WHERE ((status)::text = 'awaiting_validation'" in indexdef
    assert "status_changed_at" in indexdef and "concerned_unit_id" in count_sql
