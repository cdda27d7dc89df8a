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


def test_the_sender_thread_waits_between_sweeps_even_without_a_sweeper(settings, monkeypatch):
    """With a sender but no sweeper (a tool or a benchmark deferring delivery), the thread must still wait for
    ids between sweeps; a sweep deadline left in the past made every wait a zero timeout, a loop spinning on a
    core while nothing arrived."""
    settings.CELERY_BROKER_URL = ""
    settings.SIGAP_OUTBOX_SWEEP_SECONDS = 30
    monkeypatch.setattr(outbox, "_sender", lambda ids: None)
    monkeypatch.setattr(outbox, "_sweeper", None)
    waits: list[float] = []

    def take(q, timeout):
        waits.append(timeout)
        return [] if len(waits) < 3 else [outbox._STOP]

    monkeypatch.setattr(outbox, "_take", take)
    outbox._run(queue.Queue())  # returns at the stop
    assert len(waits) == 3
    assert waits[0] <= 0  # the first sweep is due at once
    assert all(w > 25 for w in waits[1:])  # then the next is 30 s away, and the thread sleeps on the queue


def test_the_admin_shows_the_outbox_without_what_a_message_says_or_where_it_goes(client, db):
    """A message's body holds the reporter's tracking code (and an Anonim one's secret), its recipient is a vault
    reference and the channel's id can hold the number: the admin's outbox shows state, kind and errors only."""
    from django.contrib.auth import get_user_model

    from sigap.reports.models import Notification

    note = Notification.objects.create(
        kind="dialog:filed_anon",
        body="Kode lacak: QWER-TYUI-OPAS, kode rahasia: ZXCV-BNMA-SDFG",
        body_en="Tracking code: QWER-TYUI-OPAS, secret: ZXCV-BNMA-SDFG",
        recipient_ref="idr_canaryrecipient",
        remote_id="k:0123",
        state=Notification.State.DEAD,
        last_error="HTTPError",
    )
    client.force_login(get_user_model().objects.create_superuser("root", "root@sigap.invalid", "pw-123456789"))
    for url in ("/admin/reports/notification/", f"/admin/reports/notification/{note.pk}/change/"):
        page = client.get(url).content.decode()
        assert "HTTPError" in page or "dialog:filed_anon" in page
        for secret in ("QWER-TYUI-OPAS", "ZXCV-BNMA-SDFG", "idr_canaryrecipient", "k:0123"):
            assert secret not in page, (url, secret)
