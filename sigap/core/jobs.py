"""One item of a periodic job at a time, so that one bad row cannot stop the job for every other row.

The escalation job and the closing of unanswered reports work through their rows in order; a row whose handling
raised (a data problem no one foresaw) used to abort the run, and since the same row came first again at every run,
no report of the city was escalated or closed any more. ``isolated`` logs such an error with the row's key and
lets the job go on; a lost database connection is raised, since every other row would fail the same way: the job
fails and runs again at its next time."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError

log = logging.getLogger(__name__)

FAILED = object()  # what ``isolated`` returns for a row whose handling raised


def isolated(what: str, key, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or ``FAILED`` (logged with ``what`` and ``key``) if it raised anything but a
    database connection error. ``fn`` holds its own transaction, so a failed row leaves nothing half-written."""
    try:
        return fn(*args, **kwargs)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        log.exception("%s: %s failed and was left as it was; the job goes on with the others", what, key)
        return FAILED
