"""Summaries kept by the write path, so the dashboard and the public statistics read O(units × days) rows
and never the reports' whole history.

* ``UnitDay`` (day, unit, concerned unit): filed, received (arrivals), done and follow-ups rejected there, and
  the unit's record as the validator and residents saw it: validations of a flagged proof, Selesai reports the
  resident said were not fixed (reopened) or confirmed, ratings (count and sum), hops back to a unit that had
  held the report (bounced);
* ``DoneTime``: one row per Selesai validation with the seconds since the report's latest arrival at the
  unit and since filing (the dashboard's median is exact and reads only its period's rows);
* ``AreaStatus`` (kelurahan, status): how many reports are in each status now;
* ``AreaDoneDays`` (kelurahan, whole days from filing to Selesai): the public median's histogram.

Both are public (``/statistik/``) and count a complaint about officials under no kelurahan (``_area``): per
kelurahan and live, a lurah who compared their row with their own queue learnt when a complaint about their
office was filed. It still counts in the city's total.

``UnitStay`` (one row per stay of a report at a unit, with whether a deadline then in force passed) is written
here too but is a record of the time, not a count: ``rebuild`` leaves it alone.

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

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from sigap.core.rows import execute, insert_rows
from sigap.organization.cache import reference_data, reference_reset
from sigap.organization.models import Category

from .models import AreaDoneDays, AreaStatus, DoneTime, Hop, Report, StatusChange, UnitDay, UnitStay
from .states import CONDUCT_CATEGORY, DONE_STATUSES, Status, StatusType, is_open, status_type

DAYS_CAP = 365  # the last bucket of the public histogram holds "a year or more"
UNITDAY_COLUMNS = (
    "created",
    "received",
    "done",
    "rejected",
    "flagged",
    "reopened",
    "confirmed",
    "ratings",
    "rating_sum",
    "bounced",
    "from_other_kota",
)


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
    execute(sql, params)


def _unitday(rows: dict[tuple[date, int, int], Counter]) -> None:
    _upsert(
        UnitDay,
        ("day", "unit_id", "concerned_id"),
        UNITDAY_COLUMNS,
        {k: [c[col] for col in UNITDAY_COLUMNS] for k, c in rows.items()},
    )
    # a past day changed (a dispute withdraws a confirmation and rating given days ago): the figures cached from
    # whole past days (the public tables) are computed anew once this commits
    today = local_day(timezone.now())
    if any(day < today for day, _unit, _concerned in rows):
        transaction.on_commit(_figures_changed)


# --- the write path --------------------------------------------------------------------------------


def _area(kelurahan_id: int | None, category_code: str | None) -> int:
    """The kelurahan a report counts under in the public area summaries: none (0, with the reports the triage desk
    has yet to place) for a complaint about officials."""
    return 0 if category_code == CONDUCT_CATEGORY else (kelurahan_id or 0)


def on_created(reports: list[Report]) -> None:
    """New reports (status Menunggu, at ``report.unit``): filed and received at their unit, where their first
    stay starts."""
    units: dict[tuple[date, int, int], Counter] = {}
    areas: Counter = Counter()
    for r in reports:
        if r.unit_id:
            units.setdefault((local_day(r.created_at), r.unit_id, r.concerned_unit_id or 0), Counter()).update(
                created=1, received=1
            )
        areas[(_area(r.kelurahan_id, r.category.code if r.category_id else None), str(r.status))] += 1
    # every writer takes the row locks in one order (AreaStatus, AreaDoneDays, UnitDay): no deadlock between them
    _upsert(AreaStatus, ("kelurahan_id", "status"), ("n",), {k: (n,) for k, n in areas.items()})
    _unitday(units)
    insert_rows([_new_stay(r, r.created_at) for r in reports if r.unit_id])


def on_hop(report: Report, *, to_unit_id: int, at: datetime, from_unit_id: int | None = None, revisit=False) -> None:
    """A hop to ``to_unit_id``: an arrival there (and, when it goes back to a unit that held the report, a bounce
    of ``from_unit_id``), counted by the status change that always follows a hop in the same transaction
    (``after_transition``), so the locks are taken in the one order."""
    report.__dict__.setdefault("_summary_arrivals", []).append((to_unit_id, at, from_unit_id))
    if revisit and from_unit_id:
        report.__dict__.setdefault("_summary_bounces", []).append((from_unit_id, at))


def other_kota(from_unit_id: int | None, to_unit_id: int) -> bool:
    """Does a hop from ``from_unit_id`` to ``to_unit_id`` enter the receiving unit's kota (a unit of no kota
    shares none)? A kota's *Diterima* counts what is filed in it and these, so a report passed between two of
    its units (kelurahan → its Suku Dinas) is received by it once."""
    kota_of = reference_data().unit_kota
    to_kota = kota_of.get(to_unit_id)
    return to_kota is None or kota_of.get(from_unit_id) != to_kota


def _resident(report: Report, at: datetime | None, **deltas: int) -> None:
    if report.unit_id and at is not None:
        _unitday({(local_day(at), report.unit_id, report.concerned_unit_id or 0): Counter(deltas)})


def on_confirmed(report: Report, *, at: datetime) -> None:
    """The resident confirmed that a Selesai report is really fixed."""
    _resident(report, at, confirmed=1)


def on_rated(report: Report, *, at: datetime) -> None:
    _resident(report, at, ratings=1, rating_sum=int(report.rating or 0))


def on_withdrawn(report: Report) -> None:
    """A dispute withdraws the resident's earlier confirmation and rating (called before they are cleared)."""
    _resident(report, report.confirmed_at, confirmed=-1)
    if report.rating is not None:
        _resident(report, report.rated_at, ratings=-1, rating_sum=-int(report.rating))


def before_transition(report: Report) -> tuple:
    """What the summaries need of the stored row before a status change rewrites it (a caller may already
    have changed the kelurahan in memory, as the triage desk does)."""
    return (
        Report.objects.filter(pk=report.pk)
        .values_list("status", "kelurahan_id", "closed_at", "category__code", "status_changed_at", "due_at")
        .first()
    )


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


def after_transition(report: Report, before: tuple, *, now: datetime, flagged: bool | None = None) -> None:
    """Count a status change (its row already written; ``flagged``: a validation's record of whether the proof it
    decided on carried a flag, ``StatusChange.proof_flagged``)."""
    old_status, old_kel, old_closed, old_category, old_changed, old_due = before
    new_status = str(report.status)
    new_kel = _area(report.kelurahan_id, report.category.code if report.category_id else None)
    old_kel = _area(old_kel, old_category)
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
    for unit_id, at, from_unit_id in report.__dict__.pop("_summary_arrivals", ()):
        counts = {"received": 1, "from_other_kota": 1 if other_kota(from_unit_id, unit_id) else 0}
        units.setdefault((local_day(at), unit_id, concerned), Counter()).update(counts)
    for unit_id, at in report.__dict__.pop("_summary_bounces", ()):
        units.setdefault((local_day(at), unit_id, concerned), Counter()).update(bounced=1)
    stay = _open_stay(report)
    if report.unit_id and new_status in (Status.DONE, Status.FOLLOWUP_REJECTED):
        column = "done" if new_status == Status.DONE else "rejected"
        counts = {column: 1, "flagged": 1 if flagged else 0}
        units.setdefault((local_day(now), report.unit_id, concerned), Counter()).update(counts)
    if report.unit_id and new_status == Status.REOPENED and old_status == Status.DONE:
        units.setdefault((local_day(now), report.unit_id, concerned), Counter()).update(reopened=1)
    _unitday(units)
    # a stay that ends while its report waits for the reporter's answer ended, for its deadlines, when it was asked
    paused_since = old_changed if old_status == Status.AWAITING_REPORTER else None
    _stays(report, stay, new_status, now, paused_since=paused_since, due_before=old_due)
    if not report.unit_id or new_status != Status.DONE:
        return
    arrived = _arrival(report.pk, report.unit_id, now)
    DoneTime.objects.create(
        report_id=report.pk,
        unit_id=report.unit_id,
        concerned_id=concerned,
        done_at=now,
        seconds=(now - arrived).total_seconds() if arrived else None,
        total_seconds=(now - report.created_at).total_seconds(),
    )


# --- stays (``UnitStay``): a record of the time, not recounted --------------------------------------------


_UNREAD = object()


def stay_start(report: Report, stay=_UNREAD) -> datetime | None:
    """When the report's current stay at its unit began (None: no open stay there). ``stay``: the open stay (or
    None), when the caller has already read it."""
    stay = _open_stay(report) if stay is _UNREAD else stay
    return stay.arrived_at if stay is not None and stay.unit_id == report.unit_id else None


def _open_stay(report: Report) -> UnitStay | None:
    """The report's open stay (at most one): read once per status change."""
    return UnitStay.objects.filter(report_id=report.pk, ended_at__isnull=True).order_by("-arrived_at").first()


def _new_stay(report: Report, at: datetime) -> UnitStay:
    """A stay starting at ``at`` at the report's unit, with the hop deadline now in force (not saved)."""
    return UnitStay(
        report_id=report.pk,
        unit_id=report.unit_id,
        concerned_id=report.concerned_unit_id or 0,
        arrived_at=at,
        accept_by=report.hop_deadline,
        due_by=report.due_at,
        paused_at=at if report.status == Status.AWAITING_REPORTER else None,
    )


def _stay_end(stay: UnitStay, report: Report, at: datetime, how: str, *, paused_since: datetime | None = None) -> None:
    """Close a stay; it was late if the unit took it into work (Proses, or straight to the request for validation)
    or let it go after the hop deadline, or finished its work (the request for validation; else the end) after the
    report's due date, as those deadlines stood then. Time spent waiting for the reporter's answer is not the
    unit's: a stay that ends in that wait (closed for no answer) is judged at the question (``paused_since``)."""
    end = paused_since or at
    took = stay.taken_at or end
    work_end = stay.submitted_at if how == UnitStay.End.DONE and stay.submitted_at else end
    stay.late = stay.late or bool(
        (stay.accept_by and took > stay.accept_by) or (report.due_at and work_end > report.due_at)
    )
    stay.ended_at, stay.ended = at, how
    stay.seconds = (at - stay.arrived_at).total_seconds()
    if how == UnitStay.End.DONE and stay.accepted_at and stay.submitted_at:
        stay.work_seconds = max(0.0, (stay.submitted_at - stay.accepted_at).total_seconds())
    stay.save(update_fields=["late", "ended_at", "ended", "seconds", "work_seconds"])


def _stays(
    report: Report,
    stay: UnitStay | None,
    new_status: str,
    now: datetime,
    *,
    paused_since: datetime | None = None,
    due_before: datetime | None = None,
) -> None:
    """Keep the report's open stay (``stay``) in step with a status change: a new unit (a hop, the triage desk,
    the conflict-of-interest rule) ends the stay and starts one there; Proses and the request for validation are
    noted on it (a request after the due date then in force makes the stay late for good: a TL Ditolak that sets
    a new due date does not erase it); Selesai and every closing status end it."""
    open_now = is_open(new_status)
    if stay is not None and (not open_now or stay.unit_id != report.unit_id):
        how = (
            UnitStay.End.HOP if open_now else (UnitStay.End.DONE if new_status == Status.DONE else UnitStay.End.CLOSED)
        )
        _stay_end(stay, report, now, how, paused_since=paused_since)
        stay = None
    if not open_now or not report.unit_id:
        return
    if stay is None:
        _new_stay(report, now).save()
        return
    changed: list[str] = []
    if stay.concerned_id != (report.concerned_unit_id or 0):  # the triage desk found a complaint about officials
        stay.concerned_id = report.concerned_unit_id or 0
        changed.append("concerned_id")
    if new_status in (Status.IN_PROGRESS, Status.AWAITING_VALIDATION) and stay.taken_at is None:
        stay.taken_at = now  # taken into work: Proses, or straight to the request (from Dibuka Kembali)
        changed.append("taken_at")
    if new_status == Status.IN_PROGRESS and stay.accepted_at is None:
        stay.accepted_at = now
        changed.append("accepted_at")
    elif new_status == Status.AWAITING_VALIDATION:
        stay.submitted_at = now
        changed.append("submitted_at")
        if due_before and now > due_before and not stay.late:
            stay.late = True
            changed.append("late")
    elif new_status == Status.FOLLOWUP_REJECTED and stay.submitted_at is not None:
        stay.submitted_at = None  # sent back: the work is the unit's again, due by the new date
        changed.append("submitted_at")
    elif stay.accepted_at is None and report.hop_deadline and report.hop_deadline != stay.accept_by:
        stay.accept_by = report.hop_deadline  # a pause for the reporter's answer moved it
        changed.append("accept_by")
    if stay.due_by != report.due_at:  # a pause moved it, or TL Ditolak and reopening set it anew
        stay.due_by = report.due_at
        changed.append("due_by")
    paused_at = (stay.paused_at or now) if new_status == Status.AWAITING_REPORTER else None
    if stay.paused_at != paused_at:
        stay.paused_at = paused_at
        changed.append("paused_at")
    if changed:
        stay.save(update_fields=changed)


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

    def add(qs, unit_field: str, *columns: str, at: str = "created_at", conc=concerned, total=None) -> None:
        grouped = (
            qs.order_by()
            .annotate(d=TruncDate(at, tzinfo=tz), c=conc)
            .values_list("d", unit_field, "c")
            .annotate(n=total if total is not None else Count("id"))
        )
        for day, unit_id, conc_id, n in grouped.iterator(chunk_size=5000):
            counter = rows.setdefault((day, unit_id, conc_id), Counter())
            for col in columns:
                counter[col] += n

    # a timeline row that keeps the status (an escalation, the resident's confirmation) is no status change
    with_unit = StatusChange.objects.filter(unit_id__isnull=False).exclude(old_status=F("new_status"))
    add(with_unit.filter(old_status=""), "unit_id", "created", "received")
    add(Hop.objects.all(), "to_unit_id", "received")
    for key, n in _entering(Hop.objects.all()).items():
        rows.setdefault(key, Counter())["from_other_kota"] += n
    add(Hop.objects.filter(revisit=True), "from_unit_id", "bounced")
    add(with_unit.filter(new_status=Status.DONE), "unit_id", "done")
    add(with_unit.filter(new_status=Status.FOLLOWUP_REJECTED), "unit_id", "rejected")
    # validations of a flagged proof, as recorded when the validator decided (``report_validate``)
    validated = with_unit.filter(new_status__in=(Status.DONE, Status.FOLLOWUP_REJECTED))
    add(validated.filter(proof_flagged=True), "unit_id", "flagged")
    add(with_unit.filter(old_status=Status.DONE, new_status=Status.REOPENED), "unit_id", "reopened")
    own = Coalesce("concerned_unit_id", Value(0), output_field=IntegerField())
    resident = Report.objects.filter(unit_id__isnull=False)
    add(resident.filter(confirmed_at__isnull=False), "unit_id", "confirmed", at="confirmed_at", conc=own)
    rated = resident.filter(rating__isnull=False, rated_at__isnull=False)
    add(rated, "unit_id", "ratings", at="rated_at", conc=own)
    add(rated, "unit_id", "rating_sum", at="rated_at", conc=own, total=Sum("rating"))
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table(UnitDay)}")
    batch = [
        UnitDay(day=d, unit_id=u, concerned_id=c, **{col: n[col] for col in UNITDAY_COLUMNS})
        for (d, u, c), n in rows.items()
    ]
    UnitDay.objects.bulk_create(batch, batch_size=5000)


def _entering(hops) -> Counter:
    """{(day, unit, concerned unit): the ``hops`` that enter the receiving unit's kota}, sorted out per sender
    by the unit tree as it is now (``other_kota``)."""
    concerned = Coalesce("report__concerned_unit_id", Value(0), output_field=IntegerField())
    grouped = (
        hops.order_by()
        .annotate(d=TruncDate("created_at", tzinfo=timezone.get_default_timezone()), c=concerned)
        .values_list("d", "to_unit_id", "c", "from_unit_id")
        .annotate(n=Count("id"))
    )
    out: Counter = Counter()
    for day, unit_id, conc_id, from_unit_id, n in grouped.iterator(chunk_size=5000):
        if other_kota(from_unit_id, unit_id):
            out[(day, unit_id, conc_id)] += n
    return out


def unit_region_before(sender, instance, **kwargs) -> None:
    """``pre_save`` of a unit: note the region it had (a query only for a unit already stored)."""
    if instance.pk is not None:
        instance._region_before = type(instance).objects.filter(pk=instance.pk).values_list("wilayah_id").first()


def unit_region_after(sender, instance, created: bool, **kwargs) -> None:
    """``post_save`` of a unit moved to another region (an admin's edit): recount, in the same transaction, the
    arrivals that enter a kota (``from_other_kota``) of every unit whose hops it concerns, with the regions as
    they are now, as ``rebuild`` would: a kota's *Diterima* reads its units by their regions of today."""
    before = instance.__dict__.pop("_region_before", None)
    if created or before is None or before[0] == instance.wilayah_id:
        return
    reference_reset()  # this process reads the new tree at once; the others within the fingerprint's interval
    sent_to = Hop.objects.filter(from_unit_id=instance.pk).order_by().values_list("to_unit_id", flat=True).distinct()
    targets = {instance.pk, *sent_to}
    with transaction.atomic():  # the save's own transaction in the admin; never half recounted elsewhere
        UnitDay.objects.filter(unit_id__in=targets).exclude(from_other_kota=0).update(from_other_kota=0)
        counts = sorted(_entering(Hop.objects.filter(to_unit_id__in=targets)).items())
        for i in range(0, len(counts), 1000):  # one statement per thousand rows
            _unitday({key: Counter(from_other_kota=n) for key, n in counts[i : i + 1000]})


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
            f"INSERT INTO {_table(DoneTime)} (report_id, unit_id, concerned_id, done_at, seconds, total_seconds) "
            f"SELECT s.report_id, s.unit_id, COALESCE(r.concerned_unit_id, 0), s.created_at, "
            f"{_seconds_between('s.created_at', arrival)}, {_seconds_between('s.created_at', 'r.created_at')} "
            f"FROM {sc} s JOIN {rep} r ON r.id = s.report_id WHERE s.new_status = %s AND s.old_status <> s.new_status "
            f"AND s.unit_id IS NOT NULL",
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
    # ``_area``: a complaint about officials counts under no kelurahan
    area = (
        f"CASE WHEN category_id IN (SELECT id FROM {_table(Category)} WHERE code = %s) THEN 0 "
        "ELSE COALESCE(kelurahan_id, 0) END"
    )
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {_table(AreaStatus)}")
        cur.execute(
            f"INSERT INTO {_table(AreaStatus)} (kelurahan_id, status, n) "
            f"SELECT k, status, COUNT(*) FROM (SELECT {area} AS k, status FROM {rep}) t GROUP BY k, status",
            [CONDUCT_CATEGORY],
        )
        cur.execute(f"DELETE FROM {_table(AreaDoneDays)}")
        cur.execute(
            f"INSERT INTO {_table(AreaDoneDays)} (kelurahan_id, days, n) "
            f"SELECT k, b, COUNT(*) FROM (SELECT {area} AS k, {bucket} AS b FROM {rep} "
            f"WHERE status IN ({marks}) AND closed_at IS NOT NULL) t GROUP BY k, b",
            [CONDUCT_CATEGORY, *done],
        )


FIGURES_GENERATION_KEY = "sigap:summaries:generation"


def figures_generation() -> int:
    """A number that changes whenever past days' summaries were recounted (``rebuild``): figures cached from
    them name it in their keys. Kept in the cache, so with a shared cache (Redis) every process sees a rebuild
    at once; with each process's own memory, a rebuild run by another process is seen after a restart."""
    return int(cache.get(FIGURES_GENERATION_KEY) or 0)


def _figures_changed() -> None:
    try:
        cache.incr(FIGURES_GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value will do, the old keys are then never asked
        cache.set(FIGURES_GENERATION_KEY, int(timezone.now().timestamp()), None)


def rebuild() -> None:
    """Recount every summary from the raw tables (idempotent): what the write path would have written."""
    _rebuild_unitday()
    _rebuild_donetime()
    _rebuild_areas()
    transaction.on_commit(_figures_changed)
