"""The outbox hand-off (``sigap.reports.outbox``): notification ids queued after commit go out in batches, one
broker task per batch when a broker is configured. Delivery itself is tested in sigap/privacy/tests/test_relay.py."""

from __future__ import annotations

import queue

from sigap.reports import outbox


def test_enqueued_ids_go_to_the_broker_as_one_task_per_batch(settings, monkeypatch):
    from sigap.config.celery import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    sent: list = []
    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    q = queue.Queue()
    for pk in range(1, 8):
        q.put(pk)  # what enqueue() does after commit
    outbox._dispatch(outbox._take(q, 0))
    assert sent == [("sigap.privacy.tasks.deliver_notifications", [[1, 2, 3, 4, 5, 6, 7]])]
