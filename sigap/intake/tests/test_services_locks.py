"""Intake and officers' actions at the same moment never deadlock (PostgreSQL, real threads and transactions).

The day's counter row is the one lock every intake of the city waits on. Three transactions that once formed a
cycle: an officer accepting report R (R locked), an intake of a duplicate of R just across the border (holding
the counter; at COMMIT, the foreign keys that point at R ask for R's key-share lock), and an intake in R's
kelurahan (holding that kelurahan's summary row, which the officer's action needs next, while it waits for
the counter). Two rules break every such cycle: officers lock a report ``FOR NO KEY UPDATE`` (which a foreign
key check does not wait for), and an intake takes summary rows only once it holds the counter."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from sigap.intake import services as intake
from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.reports import services as report_services
from sigap.reports import summaries
from sigap.reports.models import DuplicateCandidate, Report
from sigap.routing.cache import routing_data
from tests.faults import in_thread

from .test_groupcommit import quiet_reference  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
DRAIN = "Got mampet di gang mawar, air meluap ke jalan kalau hujan."


def _sub(lat, lon, k, *, text=DRAIN, category="saluran-tersumbat") -> Submission:
    return Submission(
        category=category,
        description=text,
        lat=lat,
        lon=lon,
        channel="web",
        reporter=Reporter(name=f"Warga {k}", email=f"warga{k}@example.org"),
    )


def _across_the_border(lat0: float, lon0: float) -> tuple[tuple, tuple]:
    """Two points about 10 m apart, the first in the kelurahan of (lat0, lon0), the second in its neighbour."""
    index = routing_data().index
    home = index.locate(lon0, lat0).code
    for dlat, dlon in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        inside = (lat0, lon0)
        for step in range(1, 800):
            lat, lon = lat0 + dlat * step * 1e-4, lon0 + dlon * step * 1e-4
            if index.locate(lon, lat).code != home:
                return inside, (lat, lon)
            inside = (lat, lon)
    raise AssertionError("no border found")


def _waiting_on_locks() -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cur.fetchone()[0]


def _until_waiting(n: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while _waiting_on_locks() < n and time.monotonic() < deadline:
        time.sleep(0.05)


def test_an_officer_and_two_intakes_do_not_deadlock(quiet_reference, staff, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    in_a, in_b = _across_the_border(*quiet_reference)
    (filed,) = report_submit_many([_sub(*in_a, 0)])
    report = filed.report
    officer = staff("petugas.kunci", report.unit.code)

    errors: dict[str, BaseException] = {}
    officer_holds_report, officer_may_go_on = threading.Event(), threading.Event()
    real_after = summaries.after_transition

    def after_transition(rep, before, **kw):
        if threading.current_thread().name == "officer":
            officer_holds_report.set()  # R is locked; the summaries come next
            officer_may_go_on.wait(20)
        return real_after(rep, before, **kw)

    monkeypatch.setattr(summaries, "after_transition", after_transition)
    real_write = intake._write

    def write(prepared):
        try:
            return real_write(prepared)
        except BaseException as exc:  # the batch's own failure, before any fallback hides it
            errors.setdefault(f"{threading.current_thread().name} (batch)", exc)
            raise

    monkeypatch.setattr(intake, "_write", write)

    def start(name, fn) -> threading.Thread:
        return in_thread(name, fn, errors)

    officer_thread = start("officer", lambda: report_services.report_accept(report_id=report.pk, actor=officer))
    assert officer_holds_report.wait(10)
    # a duplicate of R filed across the border: its foreign keys point at R
    duplicate = start("duplicate", lambda: report_submit_many([_sub(*in_b, 1)]))
    time.sleep(0.5)
    # another report of R's kelurahan, filed meanwhile
    neighbour = start(
        "neighbour",
        lambda: report_submit_many(
            [_sub(*in_a, 2, text="Lampu jalan mati sejak minggu lalu di sini.", category="lampu-jalan")]
        ),
    )
    _until_waiting(1, timeout=2)
    time.sleep(0.3)
    officer_may_go_on.set()
    for thread in (officer_thread, duplicate, neighbour):
        thread.join(30)
        assert not thread.is_alive()
    assert not errors, {name: repr(exc) for name, exc in errors.items()}
    assert Report.objects.get(pk=report.pk).status == "in_progress"
    assert DuplicateCandidate.objects.filter(original_id=report.pk).exists()
    assert Report.objects.count() == 3
