"""The big-city builder (``bench/city.py``) keeps writing a city the application would have written: a small
build into the test database, its shape checked, so the builder cannot rot as the models change."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="bench/city.py writes with PostgreSQL's COPY; the builder is PostgreSQL-only",
)

CITY = Path(__file__).resolve().parent.parent / "bench" / "city.py"
REBUILT: list[str] = []


def recorded_rebuild() -> None:
    REBUILT.append("ran")


def _city_module():
    spec = importlib.util.spec_from_file_location("bench_city", CITY)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_city", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built(db, monkeypatch):
    from sigap.reports import derived

    city = _city_module()
    monkeypatch.setattr(derived, "REBUILDS", [*derived.REBUILDS, ("bench-test", f"{__name__}.recorded_rebuild")])
    REBUILT.clear()
    with connection.cursor() as cur:
        gen = city.city_populate(cur.cursor, n=300, seed=7, hot_kota_share=0.5, hot_kelurahan_share=0.1)
    times = []
    derived.rebuild_all(say=times.append)  # as the builder runs it after the load
    return gen, times


def test_a_small_city_has_the_shape_of_a_real_one(built):
    from sigap.organization.models import Unit
    from sigap.reports.models import Hop, Notification, Photo, Report, StatusChange
    from sigap.reports.states import NEXT, Status, StatusType, status_type

    _gen, rebuilt = built
    reports = list(Report.objects.select_related("unit__wilayah", "kelurahan", "category"))
    assert len(reports) == 300
    assert REBUILT == ["ran"] and rebuilt[-1] == "bench-test"  # every registered rebuild ran, ours last

    statuses = Counter(r.status for r in reports)
    assert set(statuses) <= set(Status.values)
    closed = sum(1 for r in reports if status_type(r.status) != StatusType.OPEN)
    assert 0.88 <= closed / len(reports) <= 0.995, statuses
    assert statuses[Status.DONE] > statuses[Status.REJECTED] > 0
    for r in reports:
        assert (r.closed_at is not None) == (status_type(r.status) != StatusType.OPEN), r.number
        assert r.created_at <= r.status_changed_at
        assert r.number.startswith("JK") and len(r.tracking_hash) == 64

    # the hot kota holds about its share; every report with a place is in an area its unit serves
    in_kota = sum(1 for r in reports if r.kelurahan and r.kelurahan.code.startswith("31.75."))
    assert 0.35 <= in_kota / len(reports) <= 0.65
    for r in reports:
        if r.kelurahan_id is None:
            assert r.unit.code == "triase" and r.triage_reason == "location"
            continue
        area = r.unit.wilayah.code if r.unit.wilayah_id else ""
        assert not area or r.kelurahan.code == area or r.kelurahan.code.startswith(area + "."), (r.number, r.unit.code)

    # history: a legal path from "waiting" to the report's status, each step naming the unit then holding it
    history = defaultdict(list)
    for change in StatusChange.objects.order_by("created_at", "id"):
        history[change.report_id].append(change)
    hops = defaultdict(list)
    for hop in Hop.objects.order_by("created_at", "id"):
        hops[hop.report_id].append(hop)
    for r in reports:
        steps = history[r.pk]
        assert steps[0].old_status == "" and steps[0].new_status == Status.WAITING
        for before, after in itertools.pairwise(steps):
            assert after.old_status == before.new_status
            assert Status(after.new_status) in NEXT[Status(before.new_status)], (
                r.number,
                before.new_status,
                after.new_status,
            )
            assert before.created_at <= after.created_at
        assert steps[-1].new_status == r.status
        if r.status != Status.MERGED:
            assert steps[-1].unit_id == r.unit_id or r.unit.code == "triase"
        # hops chain from the first unit to the one holding the report now
        chain = hops[r.pk]
        if chain:
            assert chain[0].from_unit_id == steps[0].unit_id
            for a, b in itertools.pairwise(chain):
                assert b.from_unit_id == a.to_unit_id
            assert chain[-1].to_unit_id == r.unit_id
            assert all(h.kind in (Hop.Kind.KOORDINASI, Hop.Kind.DISPOSISI) for h in chain)
        if r.status == Status.MERGED:
            assert r.merged_into_id is not None and r.merged_into_id < r.pk
        if r.status == Status.AWAITING_REPORTER:
            assert r.resume_status == steps[-2].new_status
    assert any(hops.values()), "some reports were passed on"
    assert any(h.kind == Hop.Kind.DISPOSISI for chain in hops.values() for h in chain) or len(reports) < 300

    # proof before validation, at the unit that asked; reporters' photos without a unit
    proofs = Counter((p.report_id, p.kind, p.unit_id) for p in Photo.objects.exclude(kind=Photo.Kind.REPORT))
    for r in reports:
        asked = [c for c in history[r.pk] if c.new_status == Status.AWAITING_VALIDATION]
        for c in asked:
            assert proofs[(r.pk, Photo.Kind.BEFORE, c.unit_id)] and proofs[(r.pk, Photo.Kind.AFTER, c.unit_id)]
    assert not Photo.objects.filter(kind=Photo.Kind.REPORT, unit__isnull=False).exists()

    # one sent notification per step for reporters who can be reached; none for anonymous ones
    notes = Counter(Notification.objects.values_list("report_id", flat=True))
    for r in reports:
        assert notes[r.pk] == (len(history[r.pk]) if r.reporter_ref else 0), r.number
        assert bool(r.reporter_ref) != (r.privacy == "anonymous")
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    # ratings only on done reports
    assert all(r.status == Status.DONE for r in reports if r.rating is not None)

    # stays as the write path keeps them: one open stay per open report, at its unit; each ended Selesai stay
    # where the history has a Selesai at that unit
    from sigap.reports.models import UnitStay
    from sigap.reports.states import is_open

    stays = defaultdict(list)
    for stay in UnitStay.objects.order_by("arrived_at", "id"):
        stays[stay.report_id].append(stay)
    for r in reports:
        open_stays = [s for s in stays[r.pk] if s.ended_at is None]
        assert len(open_stays) == (1 if is_open(r.status) else 0), r.number
        if open_stays:
            assert open_stays[0].unit_id == r.unit_id
        assert stays[r.pk][0].unit_id == history[r.pk][0].unit_id and stays[r.pk][0].arrived_at == r.created_at
        done_at = {(c.unit_id, c.created_at) for c in history[r.pk] if c.new_status == Status.DONE}
        assert {(s.unit_id, s.ended_at) for s in stays[r.pk] if s.ended == "done"} == done_at, r.number
        for s in stays[r.pk]:
            assert (
                s.ended_at is None or abs(s.seconds - (s.ended_at - s.arrived_at).total_seconds()) <= 1
            )  # whole seconds
    assert any(s.late for chain in stays.values() for s in chain) and any(
        s.work_seconds is not None for chain in stays.values() for s in chain
    )
    assert Unit.objects.filter(staff_roles__user__username__startswith="city.").exists()
