"""The photo queue (``sigap.reports.photoqueue``): after commit each new photo goes to the worker, by a Celery task
when a broker is configured or to the process's own background thread; nothing is lost when the broker is down,
the thread sweeps what a previous process left, and a failing sweep waits for its interval. The worker itself is
tested in sigap/privacy/tests/test_photo_worker.py."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from sigap.reports import photoqueue
from sigap.reports.models import Photo

from .factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(transactional_db, settings):
    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah
    from sigap.routing.cache import routing_reset

    if not Wilayah.objects.exists():  # a transactional test before this one emptied the tables at its end
        reference_load(progress=False)
        routing_reset()


def test_the_embedded_thread_processes_after_commit(reference, settings, jpeg):
    settings.SIGAP_PHOTO_WORKER = "thread"
    settings.SIGAP_INTAKE_GROUP_COMMIT = False
    # An attempt that fails is taken again by the next sweep. The test database (SQLite's shared in-memory cache)
    # refuses a write at once while this thread reads ("database table is locked"), so on a loaded machine the
    # first attempt can fail: sweep every second here, and wait long enough for a retry.
    settings.SIGAP_PHOTO_SWEEP_SECONDS = 1
    photoqueue.stop()  # a thread started by an earlier test keeps the interval it started with
    created = submit(photos=[("a.jpg", jpeg((320, 240)))])
    photo = created.report.photos.get()
    assert photo.state == Photo.State.PROCESSING  # answered before any de-identification
    for _ in range(1200):  # the background thread takes it from the queue (polling, no timing assertion)
        photo.refresh_from_db()
        if photo.state != Photo.State.PROCESSING:
            break
        time.sleep(0.05)
    assert photo.state == Photo.State.READY and photo.image


def test_celery_mode_sends_a_task_after_commit_and_the_task_processes(
    settings, jpeg, monkeypatch, django_capture_on_commit_callbacks
):
    from sigap.config.celery import app
    from sigap.privacy import tasks

    settings.SIGAP_PHOTO_WORKER = "celery"
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args=(), **kw: sent.append((name, list(args))))
    with django_capture_on_commit_callbacks(execute=True):
        created = submit(photos=[("a.jpg", jpeg((320, 240)))])
    photo = created.report.photos.get()
    assert sent == [(photoqueue.PROCESS_TASK, [photo.pk])]
    assert photo.state == Photo.State.PROCESSING
    assert tasks.process_photo.apply(args=[photo.pk]).get() == "ready"  # what the worker runs, eagerly
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY
    assert tasks.process_photo.apply(args=[photo.pk]).get() == "skipped"  # a duplicate delivery does nothing


def test_a_broker_that_is_down_loses_nothing_the_sweep_takes_it(
    settings, jpeg, monkeypatch, django_capture_on_commit_callbacks
):
    from sigap.config.celery import app
    from sigap.privacy import tasks

    settings.SIGAP_PHOTO_WORKER = "celery"

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(app, "send_task", down)
    with django_capture_on_commit_callbacks(execute=True):
        created = submit(photos=[("a.jpg", jpeg((320, 240)))])  # still answered: the report is stored
    photo = created.report.photos.get()
    assert photo.state == Photo.State.PROCESSING
    assert tasks.sweep_photos.apply().get() == {"ready": 1}  # the beat schedule's task
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY
    from sigap.config.periodic import JOBS, beat_schedule

    assert JOBS["photos-sweep"].command == ("photos", "sweep") and "sigap-photos-sweep" in beat_schedule()


def test_the_thread_sweeps_at_start(reference, settings, jpeg):
    """A process that starts takes up what the previous one left, before any new upload arrives."""
    settings.SIGAP_PHOTO_WORKER = "manual"
    settings.SIGAP_INTAKE_GROUP_COMMIT = False
    created = submit(photos=[("a.jpg", jpeg((320, 240)))])
    photo = created.report.photos.get()
    settings.SIGAP_PHOTO_WORKER = "thread"
    # a first sweep can meet the test database locked (a busy machine): sweep every second, and wait for a retry
    settings.SIGAP_PHOTO_SWEEP_SECONDS = 1
    photoqueue.stop()  # a fresh process: no thread yet
    photoqueue.start()
    for _ in range(1200):  # polling, no timing assertion
        try:
            photo.refresh_from_db()
        except OperationalError:  # the thread holds SQLite's lock this instant
            time.sleep(0.05)
            continue
        if photo.state != Photo.State.PROCESSING:
            break
        time.sleep(0.05)
    assert photo.state == Photo.State.READY


def test_a_failing_sweep_waits_for_its_interval_instead_of_spinning(settings, monkeypatch):
    """A sweep that fails (the database is down) is retried one interval later, not at once in a tight loop."""
    settings.SIGAP_PHOTO_WORKER = "thread"
    settings.SIGAP_PHOTO_SWEEP_SECONDS = 3600
    calls = []

    def broken_sweep():
        calls.append(1)
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(photoqueue, "_sweep", broken_sweep)
    photoqueue.stop()
    photoqueue.start()
    try:
        for _ in range(200):
            if calls:
                break
            time.sleep(0.01)
        time.sleep(0.3)  # a spinning thread would call it hundreds of times by now
        assert len(calls) == 1
    finally:
        photoqueue.stop()
