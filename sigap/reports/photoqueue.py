"""Photos de-identified off the request path: hand-off of new photos to whoever processes them.

A request that receives a photo checks its header, stores the original (encrypted, through the function
``sigap.privacy`` registers at start-up: this package never touches the vault) and writes a ``Photo``
row in state ``processing``. After commit the row's id goes to the worker:

* ``celery`` (a broker is configured): task ``sigap.privacy.tasks.process_photo`` on a worker; the periodic
  job ``photos-sweep`` (``sigap.config.periodic``) sweeps every minute, and a worker sweeps when it starts;
* ``thread`` (the embedded default): one background thread per process, which sweeps when it starts and
  every ``SIGAP_PHOTO_SWEEP_SECONDS``;
* ``inline``: the worker runs at once, in the caller's thread and transaction (tests only);
* ``manual``: nothing is dispatched; ``sigap photos sweep`` or a test's drain does the work.

The sweep is what makes the work survive a crash: any row still ``processing`` whose claim is older than
``SIGAP_PHOTO_LEASE_SECONDS`` (or that nobody claimed, e.g. the broker was down) is claimed again. Every
claim counts an attempt; after ``SIGAP_PHOTO_MAX_ATTEMPTS`` the photo is ``failed`` and the admins are told.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction

from sigap.core import dispatch as background

log = logging.getLogger(__name__)
PROCESS_TASK = "sigap.privacy.tasks.process_photo"
MODES = ("thread", "celery", "inline", "manual")

_store: Callable[[bytes], str] | None = None
_process: Callable[[int], str] | None = None
_sweep: Callable[[], dict] | None = None


def register(*, store: Callable[[bytes], str], process: Callable[[int], str], sweep: Callable[[], dict]) -> None:
    """Called once by ``sigap.privacy`` at start-up."""
    global _store, _process, _sweep
    _store, _process, _sweep = store, process, sweep


def original_store(raw: bytes) -> str:
    """Keep an upload's original (encrypted); returns its reference. Only the worker reads it back."""
    if _store is None:
        raise RuntimeError("no photo store registered (is sigap.privacy installed?)")
    return _store(raw)


def mode() -> str:
    chosen = getattr(settings, "SIGAP_PHOTO_WORKER", "") or ("celery" if settings.CELERY_BROKER_URL else "thread")
    if chosen not in MODES:
        raise ValueError(f"SIGAP_PHOTO_WORKER must be one of {', '.join(MODES)}, not {chosen!r}")
    return chosen


def enqueue(photo_ids: Iterable[int]) -> None:
    """Call inside the transaction that wrote the rows: they are handed over after it commits."""
    ids = list(photo_ids)
    if not ids:
        return
    chosen = mode()
    if chosen == "manual":
        return
    if chosen == "inline":
        for pk in ids:
            _run_one(pk)
        return
    transaction.on_commit(lambda: dispatch(ids))


def dispatch(ids: list[int]) -> None:
    if mode() == "celery":
        for pk in ids:
            if not background.send(PROCESS_TASK, pk, what=f"photos: photo {pk}"):
                return  # the broker is down: the sweep takes the rest
        return
    q = _background()
    for pk in ids:
        q.put(pk)


def sweep() -> dict:
    """Claim and process every photo left behind (never claimed, or claimed by a worker that died)."""
    if _sweep is None:
        log.warning("photos: no worker registered; nothing swept")
        return {}
    return _sweep()


def _run_one(pk: int) -> str:
    if _process is None:
        log.warning("photos: no worker registered; photo %s stays processing", pk)
        return "skipped"
    return _process(pk)


# --- the embedded default: one background thread per process ------------------------------------------

_STOP = -1
_queue: queue.Queue[int] | None = None
_thread: threading.Thread | None = None
_queue_pid = 0  # a forked child (a pre-forking server's worker) inherits the queue but not the thread
_lock = threading.Lock()


def start() -> None:
    """Start this process's photo thread (embedded default) so leftovers are taken up at once, before any
    new upload arrives. Does nothing under Celery (the worker and beat sweep there) or in the test modes."""
    if mode() == "thread":
        _background()


def _background() -> queue.Queue[int]:
    global _queue, _queue_pid, _thread
    with _lock:
        if _queue is None or _queue_pid != os.getpid():
            _queue, _queue_pid = queue.Queue(), os.getpid()
            _thread = threading.Thread(target=_run, args=(_queue,), name="sigap-photos", daemon=True)
            _thread.start()
            # A process that ends (a command such as `sigap demo`, a worker stopping) lets the thread finish the
            # photos handed to it first: killed inside OpenCV at interpreter exit, the process aborts.
            atexit.register(stop)
    return _queue


def stop(timeout: float = 30) -> None:
    """Stop this process's photo thread after the photo it is working on (tests; a clean shutdown)."""
    global _queue, _thread
    with _lock:
        q, thread, _queue, _thread = _queue, _thread, None, None
    if q is not None and thread is not None:
        q.put(_STOP)
        thread.join(timeout)


def _run(q: queue.Queue[int]) -> None:
    from django.db import close_old_connections, connection

    interval = max(1.0, float(getattr(settings, "SIGAP_PHOTO_SWEEP_SECONDS", 30)))
    next_sweep = 0.0  # at start: recovery first
    while True:
        wait = next_sweep - time.monotonic()
        pk = None
        if wait > 0:
            try:
                pk = q.get(timeout=wait)
            except queue.Empty:
                pk = None
        if pk == _STOP:
            connection.close()
            return
        close_old_connections()
        try:
            if pk is not None:
                _run_one(pk)
            else:
                # the next sweep is due one interval on even when this one fails (a database outage must not
                # turn the thread into a loop that retries at full speed)
                next_sweep = time.monotonic() + interval
                sweep()
        except Exception:
            log.exception("photos: the background worker failed (photo %s)", pk)
        finally:
            connection.close()
