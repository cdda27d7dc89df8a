"""Hand-off of outbox rows to whoever delivers them, without this package knowing how.

``sigap.privacy`` registers the sender at start-up (it resolves the reporter's address inside the vault and
delivers by batches: ``sigap.privacy.relay``). The Notification row already exists, written in the transaction of
the change that caused it, so nothing acknowledged is lost; ids handed over here only say "deliver soon".

* Embedded default (no broker): one long-lived sender thread per process takes the ids queued after commit, as
  many at a time as have piled up (up to ``BATCH``), and delivers them on its own database connection, kept open.
  It sweeps on start and every ``SIGAP_OUTBOX_SWEEP_SECONDS``: rows a crash or an outage left behind (pending,
  claimed but never sent, failed past their backoff) go out without anyone running ``sigap outbox flush``.
* With ``CELERY_BROKER_URL``: the same thread gathers the ids and sends one task per batch
  (``sigap.privacy.tasks.deliver_notifications``); the periodic job ``outbox-sweep``
  (``sigap/config/periodic.py``: Celery beat, or ``sigap periodic run``) sweeps.
* ``SIGAP_OUTBOX_SYNC``: delivered in the request, after commit (tests).
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable

from django.conf import settings

from sigap.core import dispatch

log = logging.getLogger(__name__)
DELIVER_TASK = "sigap.privacy.tasks.deliver_notifications"
BATCH = 100

_sender: Callable[[list[int]], object] | None = None
_sweeper: Callable[[], object] | None = None


def register_sender(sender: Callable[[list[int]], object], sweeper: Callable[[], object] | None = None) -> None:
    """``sender(ids)`` delivers those rows (if still pending); ``sweeper()`` delivers whatever is due."""
    global _sender, _sweeper
    _sender, _sweeper = sender, sweeper


def enqueue(notification_id: int) -> None:
    if not settings.CELERY_BROKER_URL:
        if _sender is None:
            log.warning("outbox: no sender registered; notification %s stays pending", notification_id)
            return
        if getattr(settings, "SIGAP_OUTBOX_SYNC", False):
            _deliver([notification_id])
            return
    _thread().put(notification_id)


def start() -> None:
    """Start this process's sender thread now (it sweeps at once): called when a server process starts, so rows
    a crash left pending go out without waiting for new traffic. Nothing to start in SIGAP_OUTBOX_SYNC mode, nor
    with a broker (the periodic job sweeps there)."""
    if settings.CELERY_BROKER_URL or getattr(settings, "SIGAP_OUTBOX_SYNC", False) or _sender is None:
        return
    _thread()


def stop(wait: float = 10.0) -> None:
    """Stop this process's sender thread: it finishes its batch and closes its connection, and this waits up to
    ``wait`` seconds for that (so a test's teardown never finds the thread mid-transaction); for tests and tools."""
    global _queue, _worker
    with _queue_lock:
        q, _queue = _queue, None
        worker, _worker = _worker, None
    if q is not None:
        q.put(_STOP)
    if worker is not None and worker is not threading.current_thread():
        worker.join(wait)


def _deliver(ids: list[int]) -> None:
    try:
        _sender(ids)
    except Exception:
        log.exception("outbox: delivery of %s notification(s) failed; they stay for the sweep", len(ids))


def _dispatch(ids: list[int]) -> None:
    """With a broker: one Celery task for the whole batch (if the broker is down, the rows stay pending for the
    sweep)."""
    dispatch.send(DELIVER_TASK, ids, what=f"outbox: {len(ids)} notification(s)")


_STOP = -1
_queue: queue.Queue[int] | None = None
_queue_pid: int | None = None
_queue_lock = threading.Lock()
_worker: threading.Thread | None = None


def _thread() -> queue.Queue[int]:
    """The process's sender thread (started once per process: a forked worker starts its own)."""
    global _queue, _queue_pid, _worker
    with _queue_lock:
        if _queue is None or _queue_pid != os.getpid():
            _queue, _queue_pid = queue.Queue(), os.getpid()
            _worker = threading.Thread(target=_run, args=(_queue,), name="sigap-outbox", daemon=True)
            _worker.start()
    return _queue


def _take(q: queue.Queue[int], timeout: float) -> list[int]:
    """Block up to ``timeout`` for one id, then take every id already waiting (up to BATCH)."""
    try:
        ids = [q.get(timeout=max(0.0, timeout))]
    except queue.Empty:
        return []
    while len(ids) < BATCH:
        try:
            ids.append(q.get_nowait())
        except queue.Empty:
            break
    return ids


def _run(q: queue.Queue[int]) -> None:
    from django.db import connection

    brokered = bool(settings.CELERY_BROKER_URL)
    every = float(getattr(settings, "SIGAP_OUTBOX_SWEEP_SECONDS", 30))
    next_sweep = time.monotonic()  # sweep at once: what a crash left behind
    while True:
        ids = _take(q, 3600 if brokered else next_sweep - time.monotonic())
        if _STOP in ids:
            ids.remove(_STOP)
            if ids:
                _dispatch(ids) if brokered else _deliver(ids)
            connection.close()
            return
        try:
            if brokered:
                if ids:
                    _dispatch(ids)
                continue
            if ids:
                _sender(ids)
            if time.monotonic() >= next_sweep:
                # the next sweep is due ``every`` seconds on even without a sweeper: a deadline left in the past
                # would make every wait above a zero timeout, a loop that spins on the CPU
                next_sweep = time.monotonic() + every
                if _sweeper is not None:
                    _sweeper()
        except Exception:
            log.exception("outbox: the sender thread hit an error; the rows stay for its next sweep")
            # A failed connection is dropped (the next batch opens a new one); a healthy one is kept for good.
            if connection.connection is not None and not connection.is_usable():
                connection.close()
            time.sleep(1)


# A tracking code (XXXX-XXXX-XXXX) or an Anonim reporter's secret (XXXX-XXXX-XXXX-XXXX) in a message body.
_CODE = re.compile(r"(?<![\w-])[2-9A-HJKMNP-Z]{4}(?:-[2-9A-HJKMNP-Z]{4}){2,3}(?![\w-])")


def codes_hidden(text: str) -> str:
    """A sent message's stored copy without the tracking codes and secrets it carried to the reporter: the database
    keeps them only as hashes, and a copy in the outbox gave them to a dump reader (who could then answer, dispute
    or rate as the reporter, and tie an Anonim report to its secret)."""
    return _CODE.sub("••••-••••-••••", text or "")
