"""Hand-off of outbox rows to whoever delivers them, without this package knowing how.

``sigap.privacy`` registers the sender at start-up (it resolves the reporter's address inside the
vault). With a Celery broker configured the id goes to a worker by task name; in the embedded
default it is delivered in-process after commit. Either way the Notification row already exists,
written in the transaction of the change that caused it, so nothing acknowledged is lost: a missed
delivery is picked up by ``sigap outbox flush``.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from django.conf import settings

log = logging.getLogger(__name__)
DELIVER_TASK = "sigap.privacy.tasks.deliver_notification"

_sender: Callable[[int], None] | None = None


def register_sender(sender: Callable[[int], None]) -> None:
    global _sender
    _sender = sender


def enqueue(notification_id: int) -> None:
    if settings.CELERY_BROKER_URL:
        from sigap.config.celery import app

        try:
            app.send_task(DELIVER_TASK, args=[notification_id])
            return
        except Exception:  # noqa: BLE001 - broker down: the row stays pending for the flush
            log.exception("outbox: could not queue notification %s; it stays pending", notification_id)
            return
    if _sender is None:
        log.warning("outbox: no sender registered; notification %s stays pending", notification_id)
        return
    if getattr(settings, "SIGAP_OUTBOX_SYNC", False):
        _deliver(notification_id)
        return
    _background().put(notification_id)


def _deliver(notification_id: int) -> None:
    try:
        _sender(notification_id)
    except Exception:  # noqa: BLE001 - delivery failure never undoes the change that caused it
        log.exception("outbox: delivery of notification %s failed; it stays for retry", notification_id)


_queue: "queue.Queue[int] | None" = None
_queue_lock = threading.Lock()


def _background() -> "queue.Queue[int]":
    """Embedded default (no broker): one in-process sender thread, so a request never waits for a channel.
    Rows it has not sent when the process stops stay pending for ``sigap outbox flush``."""
    global _queue
    with _queue_lock:
        if _queue is None:
            _queue = queue.Queue()
            threading.Thread(target=_run, args=(_queue,), name="sigap-outbox", daemon=True).start()
    return _queue


def _run(q: "queue.Queue[int]") -> None:
    from django.db import close_old_connections, connection

    while True:
        notification_id = q.get()
        close_old_connections()
        _deliver(notification_id)
        connection.close()
