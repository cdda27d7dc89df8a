"""Background work: the one place that hands a job to Celery, or runs it here when there is no broker.

``brokered()`` says whether a broker is configured (``CELERY_BROKER_URL``). ``send(task, *args)`` queues the
Celery task named ``task``; ``run_or_send(task, *args, local=...)`` does that with a broker and calls
``local(*args)`` in this process without one. Neither raises: the work's row is already stored, so a broker
that is down or a local run that fails is logged and left for the caller's sweep or flush to take up.

Tasks are sent by name through the Celery application the settings name (``SIGAP_CELERY_APP``, configured by
``sigap.config.celery``), loaded at start when a broker is configured: nothing below the configuration imports
it, and a process without a broker never loads Celery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings

log = logging.getLogger(__name__)


def brokered() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def _app():
    from django.utils.module_loading import import_string

    return import_string(settings.SIGAP_CELERY_APP)


def app_load_if_brokered() -> None:
    """Load the configured Celery app now when a broker is configured (``CoreConfig.ready``): an app that cannot
    be imported fails the process at start, and the first task does not pay the import."""
    if brokered():
        _app()


def send(task: str, *args, what: str = "") -> bool:
    """Queue the Celery task ``task`` with ``args``; False (logged) when the broker refused it."""
    app = _app()  # outside the try: a missing app is a configuration error, not a broker that is down
    try:
        app.send_task(task, args=list(args))
    except Exception:
        log.exception("%s: could not queue %s; left for the next sweep or flush", what or task, task)
        return False
    return True


def run_or_send(task: str, *args, local: Callable[..., object], what: str = "") -> bool:
    """With a broker, queue ``task``; without one, run ``local(*args)`` now, in this thread. False (logged) when
    the work could be neither queued nor done."""
    if brokered():
        return send(task, *args, what=what)
    try:
        local(*args)
    except Exception:
        log.exception("%s: %s failed in process; left for the next sweep or flush", what or task, task)
        return False
    return True
