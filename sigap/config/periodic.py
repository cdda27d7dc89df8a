"""Sigap's periodic jobs, one schedule for both ways of running them.

* Production (``CELERY_BROKER_URL`` set): ``celery -A sigap.config beat`` sends each job, at its time, to the
  Celery workers as the task ``sigap.core.tasks.periodic`` (``sigap/config/tasks.py``) (the schedule is ``sigap.config.celery``'s
  ``beat_schedule``, built from ``JOBS``). Run exactly one beat process for the installation.
* Embedded default (no broker): ``sigap serve`` starts ``sigap periodic run``, a small process that runs the
  same jobs at the same times itself (one, next to gunicorn's master; it exits when the server does).

Each job is the management command a city would otherwise put in cron, so the two paths and ``sigap <command>``
by hand do exactly the same thing. A job whose channel or setting is not configured is skipped.
"""

from __future__ import annotations

import io
import logging
import os
import time
from dataclasses import dataclass, field

from celery.schedules import crontab
from django.conf import settings

log = logging.getLogger(__name__)


def _imap_configured() -> bool:
    return bool(settings.SIGAP_CHANNELS["email"].get("imap_host"))


def _email_by_webhook_only() -> bool:
    """Email arrives by webhook and no IMAP poll runs (which sweeps the email dialogs itself)."""
    email = settings.SIGAP_CHANNELS["email"]
    return bool(email.get("inbound_secret")) and not email.get("imap_host")


def _lapor_configured() -> bool:
    lapor = settings.SIGAP_CHANNELS["lapor"]
    return bool(lapor.get("api_base") and lapor.get("token"))


def _shared_cache() -> bool:
    return bool(settings.SIGAP_REDIS_URL)


def _checkpoint_dir() -> bool:
    return bool(settings.SIGAP_AUDIT_CHECKPOINT_DIR)


@dataclass(frozen=True)
class Job:
    command: tuple[str, ...]
    schedule: crontab
    why: str
    when: object = None  # a callable: run only if it answers True
    options: dict = field(default_factory=dict)

    def enabled(self) -> bool:
        return self.when is None or bool(self.when())


JOBS: dict[str, Job] = {
    "outbox-sweep": Job(
        ("outbox", "sweep"),
        crontab(minute="*"),
        "deliver what is due in the outbox: rows a crash or an outage left pending, claims cut before "
        "their send, failed rows whose backoff is over (the embedded sender also sweeps every 30 s)",
    ),
    "inbox-flush": Job(("inbox", "flush"), crontab(minute="*/5"), "process inbound channel messages still pending"),
    "photos-sweep": Job(
        ("photos", "sweep"),
        crontab(minute="*"),
        "de-identify photos left processing (broker down at upload, a worker killed mid-way)",
    ),
    "escalations": Job(
        ("escalations", "run"),
        crontab(minute="*/5"),
        "take reports whose hop deadline passed one level up the hierarchy (kelurahan → kecamatan → kota → Biro)",
    ),
    "timeouts": Job(
        ("timeouts", "run"), crontab(minute=0), "close reports whose question to the reporter went unanswered"
    ),
    "retention": Job(
        ("retention", "run"),
        crontab(hour=2, minute=30),
        "crypto-shred identities and original photos past SIGAP_RETENTION_DAYS",
    ),
    "vault-sweep": Job(
        ("vault", "sweep"),
        crontab(hour=3, minute=30),
        "remove the vault's stored original files that no record names (a write that failed without its "
        "cleanup), in the day directories 2 to 9 days old",
    ),
    "housekeeping": Job(
        ("housekeeping", "run"),
        crontab(hour=4, minute=15),
        "remove expired sessions, API tokens expired a week ago and sign-in records older than SIGAP_SIGNIN_LOG_DAYS",
    ),
    "audit-verify": Job(
        ("audit", "verify", "--since-mark"),
        crontab(hour=3, minute=0),
        "recompute the access log's keyed chain over the rows appended since the last run and a slice of older "
        "rows in turn (SIGAP_AUDIT_VERIFY_SWEEP_ROWS), and check the newest kept checkpoint",
    ),
    "audit-checkpoint": Job(
        ("audit", "checkpoint"),
        crontab(minute=55),
        "a signed checkpoint of the access log into SIGAP_AUDIT_CHECKPOINT_DIR",
        when=_checkpoint_dir,
    ),
    "public-figures": Job(
        ("figures", "warm"),
        crontab(minute=0),
        "compute today's public performance tables before a visitor asks (they change once a day; only with a "
        "shared cache: each web process's own memory is not the job's)",
        when=_shared_cache,
    ),
    "public-statistics": Job(
        ("figures", "statistics"),
        crontab(hour=0, minute=0),
        "take the day's figures of /statistik/ (counted once a day, so that they never tell when a report came "
        "in; without this job the day's first visitor takes them)",
    ),
    "imap-poll": Job(("imap", "poll"), crontab(minute="*/2"), "fetch email reports (IMAP)", when=_imap_configured),
    "email-sweep": Job(
        ("imap", "sweep"),
        crontab(minute="*/10"),
        "file the email dialogs whose resident did not answer in time (as promised to them), on an installation "
        "that takes email by webhook only (the IMAP poll does this itself)",
        when=_email_by_webhook_only,
    ),
    "lapor-import": Job(
        ("lapor", "import"), crontab(minute="*/5"), "import reports from LAPOR!", when=_lapor_configured
    ),
    "lapor-push": Job(
        ("lapor", "push"), crontab(minute="*/10"), "retry status updates to LAPOR!", when=_lapor_configured
    ),
}


def beat_schedule() -> dict:
    """Celery beat's schedule: one entry per job, all through the one task that runs a job by name."""
    return {
        f"sigap-{name}": {
            "task": "sigap.core.tasks.periodic",
            "schedule": job.schedule,
            "args": (name,),
            "options": {"expires": 30 * 60, **job.options},
        }
        for name, job in JOBS.items()
    }


def run_job(name: str) -> str:
    """Run one job now (in this process); returns what its command printed. Skipped if not configured."""
    from django.core.management import call_command

    job = JOBS[name]
    if not job.enabled():
        return "skipped: not configured"
    out = io.StringIO()
    call_command(*job.command, stdout=out)
    return out.getvalue().strip()


def run_forever(*, parent: int | None = None, tick: float = 20.0, stop=None, since=None) -> None:
    """The embedded scheduler: run every job at its times until ``stop()`` is true or the parent process
    (the server) is gone. A failing job is logged and tried again at its next time. Jobs count as last run
    at ``since`` (default: now; a job is not run at start, only at its next time)."""
    from django.db import close_old_connections, connection
    from django.utils import timezone

    import sigap.config.celery  # noqa: F401 - the schedules' time zone is the app's (settings.TIME_ZONE)

    last = {name: since or timezone.now() for name in JOBS}
    while not (stop and stop()):
        if parent is not None and os.getppid() != parent:
            break
        for name, job in JOBS.items():
            if not job.schedule.is_due(last[name]).is_due:
                continue
            last[name] = timezone.now()
            close_old_connections()
            try:
                result = run_job(name)
                log.info("periodic %s: %s", name, result.splitlines()[-1] if result else "done")
            except (Exception, SystemExit):
                log.exception("periodic %s failed", name)
        connection.close()
        time.sleep(tick)
