"""The per-report set of units that may see a report (``ReportUnit``), kept by the write path.

One row per (report, unit) for every unit that holds or ever held the report: its current unit and either
end of each hop. ``holds`` marks the current unit (one row per report). Each row repeats what the officer
queue sorts and filters on (open or not, status, the urgency key, category, kelurahan), so a unit's queue
page is a range of one partial index and never touches the unit's history; and what a supervisor's
dashboard groups and orders by (the unit holding it now, due date, hop deadline, filing time), so its counts
read the scope's open rows alone.

Written in the same transaction as the change behind it:

* ``rows_create`` by ``reports_create`` (one multi-row INSERT for a whole intake batch);
* ``report_sync`` by ``_transition`` after the report is saved (one INSERT of the current unit's row if
  new, one UPDATE of every row of the report) — every status change, hop, triage and reopening passes there.

``rebuild`` derives the same rows from ``reports_report`` and ``reports_hop`` in one INSERT … SELECT
(``derived.REBUILDS``; run after a bulk load that bypassed the write path).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Value, When

from sigap.core.rows import insert_rows

from . import deadlines
from .models import Report, ReportUnit
from .states import OPEN_STATUSES, is_open

# the report columns each row repeats for the supervisor's dashboard: (row column, report column)
_COPIES = (("holder_id", "unit_id"), ("due_at", "due_at"), ("hop_deadline", "hop_deadline"), ("filed_at", "created_at"))


def _fields(report: Report) -> dict:
    return {
        "is_open": is_open(report.status),
        "status": str(report.status),
        "sort_at": deadlines.sort_at(report),
        "category_id": report.category_id,
        "kelurahan_id": report.kelurahan_id,
        "concerned_unit_id": report.concerned_unit_id,
        **{mine: getattr(report, theirs) for mine, theirs in _COPIES},
    }


def rows_create(reports: list[Report]) -> None:
    """The first row of each new report (its unit holds it), one INSERT for the batch."""
    insert_rows(
        [
            ReportUnit(report_id=r.pk, unit_id=r.unit_id, holds=True, **_fields(r))
            for r in reports
            if r.unit_id is not None
        ]
    )


def report_sync(report: Report) -> None:
    """After ``report`` was saved: its current unit gets a row if it has none, and every row of the report
    takes the new status, urgency key, category and kelurahan; only the current unit's row ``holds``."""
    fields = _fields(report)
    if report.unit_id is not None:
        ReportUnit.objects.bulk_create(
            [ReportUnit(report_id=report.pk, unit_id=report.unit_id, holds=True, **fields)], ignore_conflicts=True
        )
    ReportUnit.objects.filter(report_id=report.pk).update(
        holds=Case(When(unit_id=report.unit_id, then=Value(True)), default=Value(False)), **fields
    )


def unit_row_add(report: Report, unit_id: int) -> None:
    """A unit that may now see the report without holding it (an escalation's unit above)."""
    ReportUnit.objects.bulk_create(
        [ReportUnit(report_id=report.pk, unit_id=unit_id, holds=False, **_fields(report))], ignore_conflicts=True
    )


def _in(values) -> str:
    return "(" + ", ".join("'" + v + "'" for v in values) + ")"


def rebuild_sql() -> list[str]:
    """The statements that rebuild every row from the reports and their hops (PostgreSQL and SQLite)."""
    table = ReportUnit._meta.db_table
    if connection.vendor == "postgresql":
        # TRUNCATE (not a DELETE of millions of rows); deferred foreign-key checks of rows written earlier in
        # the same transaction must run first, or PostgreSQL refuses to truncate the table
        delete = f"SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE {table}"
    else:
        delete = f"DELETE FROM {table}"
    insert = f"""
        INSERT INTO {table} (report_id, unit_id, holds, is_open, status, sort_at, category_id, kelurahan_id,
                             concerned_unit_id, {", ".join(m for m, _t in _COPIES)})
        SELECT r.id, u.unit_id, (r.unit_id IS NOT NULL AND u.unit_id = r.unit_id), r.status IN {_in(OPEN_STATUSES)},
               r.status,
               {deadlines.sort_at_sql("r")},
               r.category_id, r.kelurahan_id, r.concerned_unit_id, {", ".join(f"r.{t}" for _m, t in _COPIES)}
        FROM (SELECT id AS report_id, unit_id FROM {Report._meta.db_table} WHERE unit_id IS NOT NULL
              UNION SELECT report_id, from_unit_id FROM reports_hop
              UNION SELECT report_id, to_unit_id FROM reports_hop
              UNION SELECT report_id, to_unit_id FROM reports_escalation) u
        JOIN {Report._meta.db_table} r ON r.id = u.report_id"""
    return [*delete.split("; "), insert]


def copies_repair() -> int:
    """Set the dashboard's copies (unit now, due date, hop deadline, filing time) of every row that differs from
    its report; rows that agree are not written. Returns the rows changed. For an upgrade's window, when
    processes of the release before kept writing rows without them after ``migrate`` filled the columns
    (``docs/deployment.md``, *Upgrading*), and as a cheap check: on rows kept by the write path it changes none."""
    table, reports = ReportUnit._meta.db_table, Report._meta.db_table
    if connection.vendor == "postgresql":
        sets = ", ".join(f"{mine} = r.{theirs}" for mine, theirs in _COPIES)
        differ = " OR ".join(f"u.{mine} IS DISTINCT FROM r.{theirs}" for mine, theirs in _COPIES)
        sql = f"UPDATE {table} u SET {sets} FROM {reports} r WHERE r.id = u.report_id AND ({differ})"
    else:
        mine = ", ".join(m for m, _t in _COPIES)
        theirs = ", ".join(f"r.{t}" for _m, t in _COPIES)
        differ = " OR ".join(f"{table}.{m} IS NOT r.{t}" for m, t in _COPIES)
        sql = (
            f"UPDATE {table} SET ({mine}) = (SELECT {theirs} FROM {reports} r WHERE r.id = {table}.report_id) "
            f"WHERE EXISTS (SELECT 1 FROM {reports} r WHERE r.id = {table}.report_id AND ({differ}))"
        )
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.rowcount


def deadlines_copy(report_ids: list[int]) -> None:
    """The rows of these reports take their reports' deadlines again (due date, hop deadline, and the urgency key
    from them), one statement: after the deadlines moved outside the write path (``deadlines.holidays_changed``)."""
    if not report_ids:
        return
    table, reports = ReportUnit._meta.db_table, Report._meta.db_table
    marks = ", ".join(["%s"] * len(report_ids))
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} u SET due_at = r.due_at, hop_deadline = r.hop_deadline, "
            f"sort_at = {deadlines.sort_at_sql('r')} FROM {reports} r WHERE r.id = u.report_id "
            f"AND u.report_id IN ({marks})"
        )
    else:
        sql = (
            f"UPDATE {table} SET (due_at, hop_deadline, sort_at) = (SELECT r.due_at, r.hop_deadline, "
            f"{deadlines.sort_at_sql('r')} FROM {reports} r WHERE r.id = {table}.report_id) "
            f"WHERE report_id IN ({marks})"
        )
    with connection.cursor() as cur:
        cur.execute(sql, list(report_ids))


def rebuild() -> None:
    """Every row from scratch, set-based (``derived.REBUILDS``)."""
    with connection.cursor() as cur:
        for sql in rebuild_sql():
            cur.execute(sql)
        if connection.vendor == "postgresql":
            cur.execute(f"ANALYZE {ReportUnit._meta.db_table}")
