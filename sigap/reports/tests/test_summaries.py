"""The summaries the write path keeps equal a recount from the raw tables and what ``derived`` rebuilds, after
a random sequence of actions through the real services."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sigap.organization.models import StaffRole
from sigap.privacy.photos import photo_clean
from sigap.reports import derived, services, summaries
from sigap.reports.models import AreaDoneDays, AreaStatus, DoneTime, Hop, Report, StatusChange, UnitDay
from sigap.reports.states import Status
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db
PB, SUDIN = "kel:31.75.07.1002", "sudin-bina-marga:31.75"
KELURAHAN = ["31.75.07.1002", "31.71.01.1001"]


def stored() -> dict:
    """Every summary table as comparable values (zero counters dropped: a row may stay at 0 after -1)."""
    return {
        "unitday": {
            (r.day, r.unit_id, r.concerned_id): (r.created, r.received, r.done, r.rejected)
            for r in UnitDay.objects.all()
            if (r.created, r.received, r.done, r.rejected) != (0, 0, 0, 0)
        },
        "donetime": sorted(
            (r.report_id, r.unit_id, r.concerned_id, r.done_at, round(r.seconds or -1, 1))
            for r in DoneTime.objects.all()
        ),
        "areastatus": {(r.kelurahan_id, r.status): r.n for r in AreaStatus.objects.all() if r.n},
        "areadonedays": {(r.kelurahan_id, r.days): r.n for r in AreaDoneDays.objects.all() if r.n},
    }


def recount() -> dict:
    """The same, counted in Python from the reports, their history and hops (the definitions, spelled out)."""
    unitday: dict = {}

    def bump(at, unit_id, report, col):
        key = (summaries.local_day(at), unit_id, report.concerned_unit_id or 0)
        unitday.setdefault(key, [0, 0, 0, 0])[col] += 1

    reports = {r.pk: r for r in Report.objects.all()}
    arrivals: dict = {}
    done_rows = []
    for sc in StatusChange.objects.order_by("created_at", "id"):
        report = reports[sc.report_id]
        if sc.old_status == "" and sc.unit_id:
            bump(sc.created_at, sc.unit_id, report, 0)
            bump(sc.created_at, sc.unit_id, report, 1)
            arrivals.setdefault((sc.report_id, sc.unit_id), []).append(sc.created_at)
        if sc.new_status == Status.DONE and sc.unit_id:
            bump(sc.created_at, sc.unit_id, report, 2)
            done_rows.append(sc)
        if sc.new_status == Status.FOLLOWUP_REJECTED and sc.unit_id:
            bump(sc.created_at, sc.unit_id, report, 3)
    for hop in Hop.objects.all():
        bump(hop.created_at, hop.to_unit_id, reports[hop.report_id], 1)
        arrivals.setdefault((hop.report_id, hop.to_unit_id), []).append(hop.created_at)
    donetime = []
    for sc in done_rows:
        before = [t for t in arrivals.get((sc.report_id, sc.unit_id), ()) if t <= sc.created_at]
        seconds = (sc.created_at - max(before)).total_seconds() if before else -1
        donetime.append(
            (sc.report_id, sc.unit_id, reports[sc.report_id].concerned_unit_id or 0, sc.created_at, round(seconds, 1))
        )
    areas = Counter((r.kelurahan_id or 0, r.status) for r in reports.values())
    days = Counter(
        (r.kelurahan_id or 0, summaries.days_bucket(r.created_at, r.closed_at))
        for r in reports.values()
        if r.status == Status.DONE and r.closed_at
    )
    return {
        "unitday": {k: tuple(v) for k, v in unitday.items()},
        "donetime": sorted(donetime),
        "areastatus": dict(areas),
        "areadonedays": dict(days),
    }


def test_summaries_after_random_actions_equal_a_recount_and_the_rebuild(staff, jpeg):
    rng = random.Random(11)
    pb = staff("petugas.pb", PB)
    sudin = staff("sudin.bm", SUDIN)
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)
    gambir = staff("petugas.gambir", "kel:31.71.01.1001")
    officer_at = {PB: pb, SUDIN: sudin, "kel:31.71.01.1001": gambir}
    start = timezone.now() - timedelta(days=40)
    clock = [start]

    def tick():
        clock[0] += timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
        return clock[0]

    made = []
    for _i in range(14):
        created = submit(kelurahan=rng.choice(KELURAHAN), privacy=rng.choice(["public", "private"]), now=tick())
        made.append(created)
    codes = {c.report.pk: c.tracking_code for c in made}
    for _step in range(70):
        report = Report.objects.select_related("unit").get(pk=rng.choice(made).report.pk)
        officer = officer_at.get(report.unit.code if report.unit else "")
        status = Status(report.status)
        now = tick()
        try:
            if status in (Status.WAITING, Status.KOORDINASI, Status.REOPENED) and officer:
                choice = rng.random()
                if choice < 0.6:
                    services.report_accept(report_id=report.pk, actor=officer, now=now)
                elif choice < 0.8 and report.unit.code == PB:
                    services.report_coordinate(
                        report_id=report.pk, actor=officer, to_unit=SUDIN, reason="bukan tupoksi", now=now
                    )
                else:
                    services.report_reject(report_id=report.pk, actor=officer, reason="bukan laporan", now=now)
            elif status in (Status.IN_PROGRESS, Status.FOLLOWUP_REJECTED) and officer:
                for kind in ("before", "after"):
                    services.photo_add(
                        report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(jpeg(), blur=False), now=now
                    )
                services.report_request_validation(report_id=report.pk, actor=officer, now=now)
            elif status == Status.AWAITING_VALIDATION:
                services.report_validate(
                    report_id=report.pk, actor=validator, accept=rng.random() < 0.7, reason="foto buram", now=now
                )
            elif status == Status.DONE and rng.random() < 0.5:
                services.report_dispute(tracking_code=codes[report.pk], reason="belum diperbaiki", now=now)
        except Exception as exc:  # a refused action changes nothing (the services' own rule)
            if not hasattr(exc, "code"):
                raise
    kept = stored()
    assert kept["donetime"] and kept["unitday"] and kept["areadonedays"]  # the walk reached every kind of row
    assert any(r[3] for r in kept["unitday"].values())  # and a rejected follow-up
    assert kept == recount()
    derived.rebuild_all(only={"summaries"})
    assert stored() == kept


def test_the_migration_slot_creates_and_fills_the_tables_for_existing_rows(staff):
    """The rebuild the migration runs (and ``derived`` registers) starts from nothing and ends at the recount."""
    submit()
    submit(kelurahan="31.71.01.1001")
    for model in (UnitDay, DoneTime, AreaStatus, AreaDoneDays):
        model.objects.all().delete()
    summaries.rebuild()
    assert stored() == recount() and stored()["areastatus"]
    assert ("summaries", "sigap.reports.summaries.rebuild") in derived.REBUILDS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bench/city.py loads with PostgreSQL's COPY")
def test_after_a_bulk_load_the_rebuild_equals_a_recount():
    """``bench/city.py`` writes with COPY (no write path); the registered rebuild then counts what it loaded."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "bench" / "city.py"
    spec = importlib.util.spec_from_file_location("bench_city", path)
    city = sys.modules.get("bench_city") or importlib.util.module_from_spec(spec)
    if "bench_city" not in sys.modules:
        sys.modules["bench_city"] = city
        spec.loader.exec_module(city)
    with connection.cursor() as cur:
        city.city_populate(cur.cursor, n=300, seed=11, hot_kota_share=0.5, hot_kelurahan_share=0.1)
    derived.rebuild_all(only={"summaries"})
    kept = stored()
    assert sum(n for n in kept["areastatus"].values()) == 300 and kept["donetime"]
    assert kept == recount()
