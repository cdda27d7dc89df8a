"""Group commit: reports filed at the same moment by different threads share one transaction.

When many residents report at once (a flood evening, a viral post), every request thread would pay
for its own transaction: a dozen statements, a commit and a disk flush per report. Instead each thread
does its own CPU work (validation, routing, photo de-identification, redaction: ``_prepare``), hands
the prepared submission to this process's writer thread and waits. The writer takes every submission
waiting at that moment and writes them with the batched write path the caller hands over
(``intake.services.write_batch``: one transaction, multi-row INSERTs). Each caller gets its answer only after the commit, so an
acknowledged report is always stored. If a batch fails, its submissions are written one by one, so a
bad one is refused alone and the others are still filed; a batch whose COMMIT reached the database but
whose answer was lost is answered as filed and not written again (``services.write_batch``).

There is no waiting for company: a lone report is written at once; batches form only while the writer
is busy, i.e. exactly under load. Calls made inside a transaction of the caller (a channel storing its
inbound message and the report together, the tests) write in that transaction instead; so does
everything when ``SIGAP_INTAKE_GROUP_COMMIT`` is off.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

from django.conf import settings
from django.db import close_old_connections, connection

from sigap.core.errors import DomainError

log = logging.getLogger(__name__)
_STOP = object()


class _Writer:
    def __init__(self, max_batch: int, write: Callable[[list], list]):
        self.max_batch = max_batch
        self.write = write
        self.pid = os.getpid()
        self.queue: queue.Queue = queue.Queue()
        self.batches = 0
        self.reports = 0
        self.largest = 0
        self.thread = threading.Thread(target=self._run, name="sigap-intake-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            first = self.queue.get()
            if first is _STOP:
                break
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            close_old_connections()
            self._write(batch)
            if stop:
                break
        connection.close()

    def _write(self, batch: list[tuple[object, Future]]) -> None:
        self.batches += 1
        self.reports += len(batch)
        self.largest = max(self.largest, len(batch))
        try:
            # a failed batch is written one by one, except what its transaction stored although the
            # COMMIT's answer was lost (``services.write_batch``)
            outcomes = self.write([prepared for prepared, _future in batch])
        except Exception as exc:  # noqa: BLE001 - a lone submission's own refusal
            batch[0][1].set_exception(exc)
            return
        for (_prepared, future), outcome in zip(batch, outcomes):
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


_writer: _Writer | None = None
_lock = threading.Lock()


def enabled() -> bool:
    """Group commit applies when it is switched on, the caller holds no transaction of its own and is not
    the writer itself (an after-commit callback filing a report would otherwise wait for itself)."""
    writer = _writer
    return (
        bool(getattr(settings, "SIGAP_INTAKE_GROUP_COMMIT", True))
        and not connection.in_atomic_block
        and not (writer is not None and writer.thread is threading.current_thread())
    )


def submit(prepared, write: Callable[[list], list]) -> object:
    """Write one prepared submission together with whatever else is waiting, with ``write(batch)`` (one
    outcome per item: its result or the exception that refused it); returns its result after the commit, or
    raises the error that refused it. The process has one writer: every caller passes the same ``write``."""
    global _writer
    with _lock:
        if _writer is None or _writer.pid != os.getpid() or not _writer.thread.is_alive():
            _writer = _Writer(max_batch=int(getattr(settings, "SIGAP_INTAKE_BATCH_MAX", 200)), write=write)
        writer = _writer
    future: Future = Future()
    writer.queue.put((prepared, future))
    try:
        return future.result(timeout=float(getattr(settings, "SIGAP_INTAKE_WAIT_SECONDS", 60)))
    except TimeoutError:
        raise DomainError(
            "Sistem sedang sibuk; laporan Anda mungkin belum tersimpan. Coba lagi sebentar lagi.",
            "The system is busy; your report may not have been stored. Please try again shortly.",
            code="busy",
            status=503,
        ) from None


def stats() -> dict[str, int]:
    """Batches written and reports in them by this process's writer (for the benchmark and the tests)."""
    w = _writer
    return (
        {"batches": w.batches, "reports": w.reports, "largest": w.largest}
        if w
        else {"batches": 0, "reports": 0, "largest": 0}
    )


def stop() -> None:
    """Stop the writer after what is queued (closing its database connection); the next submit starts a new one."""
    global _writer
    with _lock:
        writer, _writer = _writer, None
    if writer is not None and writer.thread.is_alive():
        writer.queue.put(_STOP)
        writer.thread.join(timeout=30)
