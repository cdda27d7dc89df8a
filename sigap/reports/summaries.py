"""Summaries kept by the write path, so the dashboard and the public statistics read O(units × days) rows
and never the reports' whole history.

* ``UnitDay`` (day, unit, concerned unit): filed, received (arrivals), done and follow-ups rejected there;
* ``DoneTime``: one row per Selesai validation with the seconds since the report's latest arrival at the
  unit (the dashboard's median is exact and reads only its period's rows);
* ``AreaStatus`` (kelurahan, status): how many reports are in each status now;
* ``AreaDoneDays`` (kelurahan, whole days from filing to Selesai): the public median's histogram.

Written in the transaction of the change that causes them (``reports_create``, ``_hop``, ``_transition`` in
``services``), each as one multi-row upsert; ``rebuild`` recounts every table from the raw tables with
set-based SQL (registered in ``derived.REBUILDS``, run after a bulk load). The concerned unit of a row is
the report's at the time of the event; ``rebuild`` uses the report's current one (they differ only for a
report whose category became a complaint about officials after it was counted, at the triage desk).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, IntegerField, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import AreaDoneDays, AreaStatus, DoneTime, Hop, Report, StatusChange, UnitDay
from .states import DONE_STATUSES, Status, StatusType, status_type

DAYS_CAP = 365  # the last bucket of the public histogram holds "a year or more"
UNITDAY_COLUMNS = ("created", "received", "done", "rejected")


def local_day(at: datetime) -> date:
    """The day a summary row counts an event on: the city's own calendar (``settings.TIME_ZONE``)."""
    return timezone.localdate(at, timezone.get_default_timezone())


def days_bucket(created: datetime, closed: datetime) -> int:
    return min(DAYS_CAP, max(0, int((closed - created).total_seconds() // 86400)))


def _upsert(model, keys: tuple[str, ...], columns: tuple[str, ...], rows: dict[tuple, Iterable[int]]) -> None:
    """Add ``rows`` ({key values: deltas per column}) to ``model``'s counters in one statement. Keys are sorted
    so that two transactions touching the same rows lock them in the same order."""
    rows = {k: tuple(v) for k, v in rows.items() if any(v)}
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = (*keys, *columns)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    params = [v for key in sorted(rows) for v in (*key, *rows[key])]
    sets = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(n) for n in names)}) VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(qn(k) for k in keys)}) DO UPDATE SET {sets}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _unitday(rows: dict[tuple[date, int, int], Counter]) -> None:
    _upsert(
        UnitDay,
        ("day", "unit_id", "concerned_id"),
        UNITDAY_COLUMNS,
        {k: [c[col] for col in UNITDAY_COLUMNS] for k, c in rows.items()},
    )


# --- the write path --------------------------------------------------------------------------------


def on_created(reports: list[Report]) -> None:
    """New reports (status Menunggu, at ``report.unit``): filed and received at their unit."""
    units: dict[tuple[date, int, int], Counter] = {}
    areas: Counter = Counter()
    for r in reports:
        if r.unit_id:
            units.setdefault((local_day(r.created_at), r.unit_id, r.concerned_unit_id or 0), Counter()).update(
                created=1, received=1
            )
        areas[(r.kelurahan_id or 0, str(r.status))] += 1
    # every writer takes the row locks in one order (AreaStatus, AreaDoneDays, UnitDay): no deadlock between them
    _upsert(AreaStatus, ("kelurahan_id", "status"), ("n",), {k: (n,) for k, n in areas.items()})
    _unitday(units)


def on_hop(report: Report, *, to_unit_id: int, at: datetime) -> None:
    """A hop to ``to_unit_id``: an arrival there, counted by the status change that always follows a hop in
    the same transaction (``after_transition``), so the locks are taken in the one order."""
    report.__dict__.setdefault("_summary_arrivals", []).append((to_unit_id, at))


def before_transition(report: Report) -> tuple:
    """What the summaries need of the stored row before a status change rewrites it (a caller may already
    have changed the kelurahan in memory, as the triage desk does)."""
    return Report.objects.filter(pk=report.pk).values_list("status", "kelurahan_id", "closed_at").first()


def _arrival(report_id: int, unit_id: int, at: datetime) -> datetime | None:
    """The report's latest arrival at the unit up to ``at``: its filing there or a hop to it."""
    filed = (
        StatusChange.objects.filter(report_id=report_id, old_status="", unit_id=unit_id, created_at__lte=at)
        .order_by()
        .values_list("created_at")
    )
    hops = (
        Hop.objects.filter(report_id=report_id, to_unit_id=unit_id, created_at__lte=at)
        .order_by()
        .values_list("created_at")
    )
    times = [t for (t,) in filed.union(hops, all=True)]
    return max(times) if times else None


def after_transition(report: Report, before: tuple, *, now: datetime) -> None:
    old_status, old_kel, old_closed = before
    new_status, new_kel = str(report.status), report.kelurahan_id or 0
    old_kel = old_kel or 0
    areas: Counter = Counter()
    areas[(old_kel, old_status)] -= 1
    areas[(new_kel, new_status)] += 1
    _upsert(AreaStatus, ("kelurahan_id", "status"), ("n",), {k: (n,) for k, n in areas.items()})

    done_days: Counter = Counter()
    if status_type(old_status) == StatusType.DONE and old_closed is not None:
        done_days[(old_kel, days_bucket(report.created_at, old_closed))] -= 1
    if status_type(new_status) == StatusType.DONE:
        done_days[(new_kel, days_bucket(report.created_at, now))] += 1
    _upsert(AreaDoneDays, ("kelurahan_id", "days"), ("n",), {k: (n,) for k, n in done_days.items()})

    concerned = report.concerned_unit_id or 0
    units: dict[tuple[date, int, int], Counter] = {}
    for unit_id, at in report.__dict__.pop("_summary_arrivals", ()):
        units.setdefault((local_day(at), unit_id, concerned), Counter()).update(received=1)
    if report.unit_id and new_status in (Status.DONE, Status.FOLLOWUP_REJECTED):
        column = "done" if new_status == Status.DONE else "rejected"
        units.setdefault((local_day(now), report.unit_id, concerned), Counter()).update({column: 1})
    _unitday(units)
    if not report.unit_id or new_status != Status.DONE:
        return
    arrived = _arrival(report.pk, report.unit_id, now)
    DoneTime.objects.create(
        report_id=report.pk,
        unit_id=report.unit_id,
        concerned_id=concerned,
        done_at=now,
        seconds=(now - arrived).total_seconds() if arrived else None,
    )


# --- the set-based rebuild (``derived.REBUILDS``) -------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _seconds_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _rebuild_unitday() -> None:
    tz = timezone.get_default_timezone()
    concerned = Coalesce("report__concerned_unit_id", Value(0), output_field=IntegerField())
    rows: dict[tuple, Counter] = {}

    def add(qs, unit_field: str, *columns: str) -> None:
        grouped = (
            qs.order_by()
            .annotate(d=TruncDate("created_at", tzinfo=tz), c=concerned)
            .values_list("d", unit_field, "c")
            .annotate(n=Count("id"))
        )
        for day, unit_id, conc, n in grouped.iterator(chunk_size=5000):
            counter = rows.setdefault((day, unit_id, conc), Counter())
            for col in columns:
                counter[col] += n

    with_unit = StatusChange.objects.filter(unit_id__isnull=False)
    add(with_unit.filter(old_status=""), "unit_id", "created", "received")
    add(Hop.objects.all(), "to_unit_id", "received")
    add(with_unit.filter(new_status=Status.DONE), "unit_id", "done")
    add(with_unit.filter(new_status=Status.FOLLOWUP_REJECTED), "unit_id", "rejected")
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table(UnitDay)}")
    batch = [
        UnitDay(day=d, unit_id=u, concerned_id=c, **{col: n[col] for col in UNITDAY_COLUMNS})
        for (d, u, c), n in rows.items()
    ]
    UnitDay.objects.bulk_create(batch, batch_size=5000)


def _rebuild_donetime() -> None:
    sc, hop, rep = _table(StatusChange), _table(Hop), _table(Report)
    arrival = (
        f"(SELECT MAX(x.at) FROM (SELECT a.created_at AS at FROM {sc} a WHERE a.report_id = s.report_id "
        f"AND a.old_status = '' AND a.unit_id = s.unit_id AND a.created_at <= s.created_at UNION ALL "
        f"SELECT h.created_at FROM {hop} h WHERE h.report_id = s.report_id AND h.to_unit_id = s.unit_id "
        f"AND h.created_at <= s.created_at) x)"
    )
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table(DoneTime)}")
        cur.execute(
            f"INSERT INTO {_table(DoneTime)} (report_id, unit_id, concerned_id, done_at, seconds) "
            f"SELECT s.report_id, s.unit_id, COALESCE(r.concerned_unit_id, 0), s.created_at, "
            f"{_seconds_between('s.created_at', arrival)} "
            f"FROM {sc} s JOIN {rep} r ON r.id = s.report_id WHERE s.new_status = %s AND s.unit_id IS NOT NULL",
            [Status.DONE.value],
        )


def _rebuild_areas() -> None:
    rep = _table(Report)
    done = [s.value for s in DONE_STATUSES]
    secs = _seconds_between("closed_at", "created_at")
    if connection.vendor == "postgresql":
        bucket = f"LEAST({DAYS_CAP}, GREATEST(0, FLOOR({secs} / 86400)))::integer"
    else:
        # CAST truncates toward zero, which is the floor for every value MAX(0, ...) keeps
        bucket = f"MIN({DAYS_CAP}, MAX(0, CAST({secs} / 86400 AS INTEGER)))"
    marks = ", ".join(["%s"] * len(done))
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table(AreaStatus)}")
        cur.execute(
            f"INSERT INTO {_table(AreaStatus)} (kelurahan_id, status, n) "
            f"SELECT COALESCE(kelurahan_id, 0), status, COUNT(*) FROM {rep} GROUP BY COALESCE(kelurahan_id, 0), status"
        )
        cur.execute(f"DELETE FROM {_table(AreaDoneDays)}")
        cur.execute(
            f"INSERT INTO {_table(AreaDoneDays)} (kelurahan_id, days, n) "
            f"SELECT k, b, COUNT(*) FROM (SELECT COALESCE(kelurahan_id, 0) AS k, {bucket} AS b FROM {rep} "
            f"WHERE status IN ({marks}) AND closed_at IS NOT NULL) t GROUP BY k, b",
            done,
        )


def rebuild() -> None:
    """Recount every summary from the raw tables (idempotent): what the write path would have written."""
    _rebuild_unitday()
    _rebuild_donetime()
    _rebuild_areas()
