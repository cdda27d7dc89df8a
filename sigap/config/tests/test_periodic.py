"""The periodic jobs: one schedule shipped in code, sent by Celery beat in production and run by the embedded
default's own scheduler; each job is the management command a city would otherwise run from cron."""

from __future__ import annotations

import pytest
from celery.schedules import crontab, schedstate

from sigap.config import periodic
from sigap.config.celery import app as _celery_app  # noqa: F401 - built from the real JOBS, before any test swaps them


def test_beat_schedule_is_shipped_with_the_celery_app():
    from sigap.config.celery import app

    schedule = app.conf.beat_schedule
    assert set(schedule) == {f"sigap-{name}" for name in periodic.JOBS}
    for name, entry in schedule.items():
        assert entry["task"] == "sigap.core.tasks.periodic" and isinstance(entry["schedule"], crontab)
        assert entry["args"] == (name.removeprefix("sigap-"),)
    app.loader.import_default_modules()  # what a worker and beat do at start: the autodiscovered task modules
    assert "sigap.core.tasks.periodic" in app.tasks
    # the jobs the deployment guide lists for cron are all there
    commands = {job.command for job in periodic.JOBS.values()}
    assert {
        ("outbox", "sweep"),
        ("timeouts", "run"),
        ("retention", "run"),
        ("vault", "sweep"),
        ("audit", "verify", "--since-mark"),
        ("audit", "checkpoint"),
    } <= commands


@pytest.mark.django_db
def test_the_task_runs_the_job_and_skips_what_is_not_configured(settings, tmp_path):
    from sigap.config.tasks import periodic as task

    assert task("timeouts").startswith("Closed 0 unanswered reports")
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = ""
    assert task("audit-checkpoint") == "skipped: not configured"
    settings.SIGAP_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    task("audit-checkpoint")
    assert len(list(tmp_path.glob("checkpoint-*.json"))) == 1


@pytest.mark.django_db(transaction=True)
def test_embedded_scheduler_runs_due_jobs_and_survives_a_failing_one(monkeypatch):
    ran = []

    def fake_run(name):
        ran.append(name)
        if name == "timeouts":
            raise RuntimeError("boom")
        return "ok"

    every_minute = periodic.Job(("timeouts", "run"), crontab(minute="*"), "test")

    class NotDueInThisTest:
        """A daily job whose time is not in the test's window, whatever the wall clock says (a real
        ``crontab(hour=2, minute=30)`` is due when the suite happens to run at 02:30 in Jakarta)."""

        def is_due(self, last_run_at):
            return schedstate(is_due=False, next=60.0)

    monkeypatch.setattr(
        periodic,
        "JOBS",
        {
            "timeouts": every_minute,
            "outbox-flush": every_minute,
            "retention": periodic.Job(("retention", "run"), NotDueInThisTest(), "t"),
        },
    )
    monkeypatch.setattr(periodic, "run_job", fake_run)
    from datetime import timedelta

    from django.utils import timezone

    passes = []
    periodic.run_forever(
        tick=0, stop=lambda: passes.append(1) or len(passes) > 1, since=timezone.now() - timedelta(minutes=2)
    )
    assert sorted(ran) == ["outbox-flush", "timeouts"]  # both due; the failure did not stop the other


@pytest.mark.django_db
def test_the_public_figures_are_warmed_only_where_the_cache_is_shared(settings):
    """Each web process's own memory is not the job's: warming it would compute for nobody."""
    from sigap.config.tasks import periodic as task

    assert periodic.JOBS["public-figures"].command == ("figures", "warm")
    settings.SIGAP_REDIS_URL = ""
    assert task("public-figures") == "skipped: not configured"
    settings.SIGAP_REDIS_URL = "redis://127.0.0.1:6379/15"  # the job reads the setting; the test's cache stays
    assert task("public-figures").startswith("Computed ")


@pytest.mark.django_db
def test_the_public_statistics_are_taken_at_midnight_whatever_the_cache():
    """The day's figures of /statistik/ live in the database, not in a cache: every process reads the same ones."""
    from django.utils import timezone

    from sigap.config.tasks import periodic as task
    from sigap.portal.models import StatisticsSnapshot

    job = periodic.JOBS["public-statistics"]
    assert job.command == ("figures", "statistics") and job.enabled()
    assert job.schedule.hour == {0} and job.schedule.minute == {0}
    assert task("public-statistics").startswith("Public statistics of ")
    assert StatisticsSnapshot.objects.filter(day=timezone.localdate()).count() == 1
    task("public-statistics")  # taken once a day
    assert StatisticsSnapshot.objects.count() == 1


def test_email_dialogs_are_swept_where_email_comes_by_webhook_only(settings):
    """A mail without a place is told "if we have no answer within 24 hours we still file it"; only ``sigap imap``
    did that, and the schedule ran it only with an IMAP host: by webhook alone the dialog stayed open for ever and
    its sender's address with it (a review)."""
    email = settings.SIGAP_CHANNELS["email"]
    settings.SIGAP_CHANNELS = {**settings.SIGAP_CHANNELS, "email": {**email, "inbound_secret": "s", "imap_host": ""}}
    assert periodic.JOBS["email-sweep"].command == ("imap", "sweep") and periodic.JOBS["email-sweep"].enabled()
    assert not periodic.JOBS["imap-poll"].enabled()
    settings.SIGAP_CHANNELS = {**settings.SIGAP_CHANNELS, "email": {**email, "imap_host": "imap.example.org"}}
    assert not periodic.JOBS["email-sweep"].enabled() and periodic.JOBS["imap-poll"].enabled()
