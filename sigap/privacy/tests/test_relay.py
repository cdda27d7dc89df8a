"""Batched outbox delivery: claims that never double-send, cut claims that go back to pending (not to 'unknown'),
rows a crash left behind that the running system picks up by itself, and a statement count per batch that does
not grow with the batch. The channel is WhatsApp's Cloud API, faked on loopback (our client code is real)."""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from sigap.intake.tests.fake_services import FakeServices, wamid
from sigap.privacy import relay, vault
from sigap.privacy.models import IdentityRecord
from sigap.reports import outbox
from sigap.reports.models import Notification


@pytest.fixture
def fake(settings):
    with FakeServices() as fake:
        settings.SIGAP_CHANNELS = {
            **settings.SIGAP_CHANNELS,
            "whatsapp": {
                "verify_token": "v",
                "app_secret": "s",
                "access_token": "wa-token",
                "phone_number_id": "1098765",
                "api_base": f"{fake.url}/graph",
            },
        }
        yield fake


@pytest.fixture(autouse=True)
def _fresh_relay_memory():
    relay._unrecorded.clear()
    relay._unreleased.clear()
    yield
    relay._unrecorded.clear()
    relay._unreleased.clear()


def notes(n: int, *, start: int = 0) -> list[int]:
    """n pending 'received' messages, each to its own WhatsApp reporter (as a crash would leave them: never queued)."""
    refs = vault.identity_store_many(
        [{"channel": "whatsapp", "handle": f"62812{start + i:07d}", "name": "Warga"} for i in range(n)]
    )
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient_ref=ref, kind="received", body=f"Laporan Anda diterima ({start + i}).")
            for i, ref in enumerate(refs)
        ]
    )
    return [row.pk for row in rows]


def delivered(fake) -> list[str]:
    return [r["json"]["text"]["body"] for r in fake.sent("/messages")]


def age_claims(minutes: int) -> None:
    """As if ``minutes`` passed since the rows were claimed."""
    Notification.objects.update(claimed_at=F("claimed_at") - timedelta(minutes=minutes))


def failing_vault_reads(monkeypatch):
    """The database fails right after the claim (the address lookup is the next statement)."""

    def boom(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(IdentityRecord.objects, "filter", boom)


@pytest.mark.django_db
def test_a_claim_cut_by_a_database_failure_goes_back_to_pending_and_is_sent_once(fake, monkeypatch):
    [pk] = notes(1)
    failing_vault_reads(monkeypatch)
    # ... and giving the claim back fails too: the database is down
    monkeypatch.setattr(relay, "_release", lambda token: (_ for _ in ()).throw(OperationalError("down")), raising=False)
    with contextlib.suppress(OperationalError):
        relay.outbox_flush()
    monkeypatch.undo()
    relay._unreleased.clear()  # the process died with the database: only the sweep can know
    assert delivered(fake) == []
    age_claims(30)
    relay.outbox_flush()
    note = Notification.objects.get(pk=pk)
    assert note.state == "sent", "nothing was sent, so the row is retried rather than parked as 'unknown'"
    assert len(delivered(fake)) == 1 and note.attempts == 1


@pytest.mark.django_db
def test_a_cut_claim_is_given_back_by_the_same_process_once_the_database_answers(fake, monkeypatch):
    [pk] = notes(1)
    failing_vault_reads(monkeypatch)
    with contextlib.suppress(OperationalError):
        relay.deliver_batch([pk])
    monkeypatch.undo()
    assert Notification.objects.get(pk=pk).state == "pending"
    relay.outbox_sweep()
    assert Notification.objects.get(pk=pk).state == "sent" and len(delivered(fake)) == 1


@pytest.mark.django_db
def test_sent_but_not_recorded_is_recorded_later_and_never_sent_twice(fake, monkeypatch):
    first, second = notes(2)
    monkeypatch.setattr(relay, "_record", lambda rows: (_ for _ in ()).throw(OperationalError("COMMIT reply lost")))
    counts = relay.deliver_batch([first])
    monkeypatch.undo()
    assert counts["unrecorded"] == 1 and Notification.objects.get(pk=first).state == "sending"
    relay.deliver_batch([second])  # the next batch records what the last one could not
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    assert len(delivered(fake)) == 2


@pytest.mark.django_db
def test_sent_but_not_recorded_by_a_process_that_died_is_unknown_not_resent(fake, monkeypatch):
    [pk] = notes(1)
    monkeypatch.setattr(relay, "_record", lambda rows: (_ for _ in ()).throw(OperationalError("COMMIT reply lost")))
    relay.deliver_batch([pk])
    monkeypatch.undo()
    relay._unrecorded.clear()  # the process died
    age_claims(60)
    relay.outbox_sweep()
    assert Notification.objects.get(pk=pk).state == "unknown"  # honest: it may well have arrived
    assert len(delivered(fake)) == 1


@pytest.mark.django_db
def test_two_senders_claim_disjoint_rows():
    notes(30)
    now = relay.timezone.now()
    a = relay._claim(ids=None, limit=20, force=False, token="a" * 16, now=now)
    b = relay._claim(ids=None, limit=20, force=False, token="b" * 16, now=now)
    assert len(a) == 20 and len(b) == 10
    assert not {n.pk for n in a} & {n.pk for n in b}
    assert relay._claim(ids=None, limit=20, force=False, token="c" * 16, now=now) == []


@pytest.mark.django_db(transaction=True)
def test_two_sender_threads_send_every_row_exactly_once(fake):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite has one writer; the claim above covers it)")
    notes(300)
    errors: list[BaseException] = []

    def sender():
        try:
            while relay.deliver_batch(limit=25).get("claimed"):
                pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    bodies = delivered(fake)
    assert len(bodies) == 300 and len(set(bodies)) == 300
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_statements_per_batch_do_not_grow_with_the_batch(fake):
    def statements(n: int, start: int) -> int:
        ids = notes(n, start=start)
        with CaptureQueriesContext(connection) as ctx:
            counts = relay.deliver_batch(ids)
        assert counts == {"claimed": n, "sent": n}
        return len(ctx.captured_queries)

    assert statements(3, 0) == statements(60, 100) <= 6


@pytest.mark.django_db
def test_a_failed_send_waits_for_its_backoff_then_goes_out(fake):
    [pk] = notes(1)
    fake.fail_sends = 1
    assert relay.deliver_batch([pk])["failed"] == 1
    note = Notification.objects.get(pk=pk)
    assert note.state == "failed" and note.attempts == 1 and note.next_attempt_at > note.claimed_at
    assert relay.outbox_sweep() == {}  # not due yet
    Notification.objects.update(next_attempt_at=F("next_attempt_at") - relay.backoff(1))
    assert relay.outbox_sweep() == {"sent": 1}
    assert Notification.objects.get(pk=pk).attempts == 2 and len(delivered(fake)) == 1


@pytest.mark.django_db
def test_an_anonymous_filings_last_message_given_up_for_good_shreds_the_address_too(fake):
    ref = vault.identity_store(payload={"channel": "whatsapp", "handle": "6281200001111", "name": "Warga"})
    note = Notification.objects.create(recipient_ref=ref, kind="dialog:filed_anon", body="Laporan anonim diterima.")
    Notification.objects.filter(pk=note.pk).update(attempts=relay.MAX_ATTEMPTS - 1)
    fake.fail_sends = 1
    assert relay.deliver_batch([note.pk])["failed"] == 1
    assert Notification.objects.get(pk=note.pk).state == "dead"
    assert vault.identity_for_reveal(ref) is None  # never to be sent: the number is not kept for nothing


@pytest.mark.django_db
def test_held_rows_do_not_starve_the_others_and_pause(fake, settings):
    settings.SIGAP_CHANNELS = {**settings.SIGAP_CHANNELS, "telegram": {}}
    held = vault.identity_store(payload={"channel": "telegram", "handle": "999"})
    Notification.objects.create(recipient_ref=held, kind="received", body="tunggu kanal")
    notes(3)
    assert relay.outbox_sweep(batch=2) == {"sent": 3, "no-adapter": 1}
    assert relay.outbox_sweep() == {}  # paused, not retried on every sweep
    assert Notification.objects.get(recipient_ref=held).attempts == 0


@pytest.mark.django_db(transaction=True)
def test_rows_a_crash_left_behind_go_out_without_a_manual_command(fake, settings):
    settings.SIGAP_OUTBOX_SYNC = False  # the embedded default: the process's own sender thread
    # a first sweep can meet the test database locked (a busy machine): sweep every second, and wait for a retry
    settings.SIGAP_OUTBOX_SWEEP_SECONDS = 1
    pending = notes(5)
    cut = notes(2, start=50)
    Notification.objects.filter(pk__in=cut).update(
        state="claimed", claim_token="dead" * 4, claimed_at=relay.timezone.now() - timedelta(hours=1)
    )
    outbox.stop()  # a thread started by an earlier test keeps the interval it started with
    outbox.start()  # what a server process does when it starts
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if not Notification.objects.exclude(state="sent").exists():
                    break
            except OperationalError:  # SQLite's shared in-memory test database: the sender holds the table
                pass
            time.sleep(0.1)
    finally:
        outbox.stop()  # waits until the thread has closed its connection
    assert set(Notification.objects.filter(pk__in=pending + cut).values_list("state", flat=True)) == {"sent"}
    assert len(delivered(fake)) == 7


def test_the_periodic_schedule_sweeps_the_outbox_every_minute(fake, db):
    from sigap.config import periodic
    from sigap.config.celery import app

    [entry] = [e for e in app.conf.beat_schedule.values() if e["args"] == ("outbox-sweep",)]
    assert entry["schedule"].minute == set(range(60))
    [pk] = notes(1)  # left pending by a crash: never queued
    periodic.run_job("outbox-sweep")
    assert Notification.objects.get(pk=pk).state == "sent"


@pytest.mark.django_db
def test_a_batch_sends_on_several_threads_and_records_each_row_once(fake, settings):
    settings.SIGAP_OUTBOX_SYNC, settings.SIGAP_OUTBOX_SEND_THREADS = False, 4
    ids = notes(40)
    fake.fail_sends = 3
    with CaptureQueriesContext(connection) as ctx:
        counts = relay.deliver_batch(ids)
    assert counts == {"claimed": 40, "sent": 37, "failed": 3} and len(ctx.captured_queries) <= 6
    assert len(delivered(fake)) == 37 and len(set(delivered(fake))) == 37
    states = list(Notification.objects.values_list("state", flat=True))
    assert states.count("sent") == 37 and states.count("failed") == 3


@pytest.mark.django_db
def test_a_lost_outcome_on_a_channel_with_an_idempotency_key_is_sent_again_with_the_same_key(
    fake, settings, monkeypatch
):
    settings.SIGAP_CHANNELS = {
        **settings.SIGAP_CHANNELS,
        "sms": {"inbound_secret": "s", "outbound_url": f"{fake.url}/sms/send", "outbound_token": "t"},
    }
    ref = vault.identity_store(payload={"channel": "sms", "phone": "6281234567890"})
    pk = Notification.objects.create(recipient_ref=ref, kind="received", body="Laporan Anda diterima.").pk
    monkeypatch.setattr(relay, "_record", lambda rows: (_ for _ in ()).throw(OperationalError("COMMIT reply lost")))
    relay.deliver_batch([pk])
    monkeypatch.undo()
    relay._unrecorded.clear()  # the process died: nobody knows whether the gateway took it
    age_claims(60)
    assert relay.outbox_sweep() == {"resent": 1, "sent": 1}
    keys = [{k.lower(): v for k, v in r["headers"].items()}["idempotency-key"] for r in fake.sent("/sms/send")]
    assert keys == [f"sigap-notification-{pk}-1"] * 2  # the gateway drops the repeat: one SMS reaches the resident
    assert Notification.objects.get(pk=pk).state == "sent"


def test_a_batch_is_still_sent_when_the_send_pool_takes_no_more_work(settings, monkeypatch):
    """At interpreter exit (a worker stopping) Python's thread pools refuse new work; the batch's rows are already
    marked as being sent, so each is sent in the calling thread and gets its outcome, not an error that leaves
    them in doubt."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    settings.SIGAP_OUTBOX_SYNC, settings.SIGAP_OUTBOX_SEND_THREADS = False, 4
    closed = ThreadPoolExecutor(max_workers=2)
    closed.shutdown()
    monkeypatch.setattr(relay, "_pool", closed)
    monkeypatch.setattr(relay, "_pool_pid", os.getpid())
    sent: list = []
    monkeypatch.setattr(relay, "_send_one", lambda note, channel, address, *_rest: sent.append(address) or ("sent", ""))
    rows = [(None, "whatsapp", "6281200000001", "A", {}), (None, "whatsapp", "6281200000002", "B", {})]
    assert relay._send_all(rows) == [("sent", ""), ("sent", "")]
    assert sent == ["6281200000001", "6281200000002"]


@pytest.mark.django_db
def test_a_sender_that_cannot_prepare_a_batch_still_sends_it(fake, monkeypatch):
    """A sender's ``prefetch`` failing (anything but the database) costs the batch its shortcut, not its sends."""
    from sigap.privacy import senders

    def broken(self, rows):
        raise ValueError("a record that cannot be read")

    monkeypatch.setattr(type(senders.sender_get("whatsapp")), "prefetch", broken, raising=False)
    assert relay.deliver_batch(notes(3)) == {"claimed": 3, "sent": 3}
    assert len(delivered(fake)) == 3


@pytest.mark.django_db
def test_a_database_failure_while_preparing_gives_the_batch_back(fake, monkeypatch):
    from sigap.privacy import senders

    def cut(self, rows):
        raise OperationalError("connection lost")

    monkeypatch.setattr(type(senders.sender_get("whatsapp")), "prefetch", cut, raising=False)
    ids = notes(2)
    with pytest.raises(OperationalError):
        relay.deliver_batch(ids)
    assert set(Notification.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"pending"}
    assert delivered(fake) == []


@pytest.mark.django_db
def test_a_channels_id_for_a_sent_message_is_kept_only_as_a_keyed_hash(fake):
    """The id a channel gives a sent message can hold the recipient's number (WhatsApp's does): only a keyed hash
    is kept, except for a public answer's id, which is public and which a reply under it is recognised by."""
    [pk] = notes(1)
    assert relay.deliver_batch([pk])["sent"] == 1
    kept = Notification.objects.get(pk=pk).remote_id
    [sent_id] = [r for r in fake.requests if r["path"].endswith("/messages")]
    assert kept.startswith("k:") and "wamid" not in kept and "62812" not in kept
    assert kept in {relay.remote_key(wamid(sent_id["json"]["to"], n)) for n in range(1, len(fake.requests) + 1)}
    assert relay.remote_kept("public_ack", "1900000000000000200") == "1900000000000000200"


@pytest.mark.django_db
def test_a_sent_message_keeps_no_tracking_code_or_secret_in_the_database(fake):
    """The message carries the tracking code (and an Anonim reporter's secret) to the reporter; once it is sent, or
    given up, the stored copy keeps neither: the database holds codes and secrets only as hashes."""
    [ref] = vault.identity_store_many([{"channel": "whatsapp", "handle": "6281200000001"}])
    note = Notification.objects.create(
        recipient_ref=ref,
        kind="dialog:filed_anon",
        body="Laporan JK202612050001 diterima. Kode lacak: QWER-TYUJ-KPAS, kode rahasia: ZXCV-BNMA-SDFG-HJK2.",
        body_en="Report JK202612050001 received. Tracking code: QWER-TYUJ-KPAS, secret: ZXCV-BNMA-SDFG-HJK2.",
    )
    assert relay.deliver_batch([note.pk])["sent"] == 1
    assert "QWER-TYUJ-KPAS" in delivered(fake)[0] and "ZXCV-BNMA-SDFG-HJK2" in delivered(fake)[0]
    note.refresh_from_db()
    for text in (note.body, note.body_en):
        assert "JK202612050001" in text and "QWER" not in text and "ZXCV" not in text, text


@pytest.mark.django_db
def test_messages_sent_before_lose_their_codes_by_the_migration():
    import importlib

    from django.apps import apps

    sent = Notification.objects.create(kind="received", body="Kode lacak: QWER-TYUJ-KPAS", state="sent")
    waiting = Notification.objects.create(kind="received", body="Kode lacak: ASDF-GHJK-MNPQ", state="pending")
    importlib.import_module("sigap.reports.migrations.0030_hide_codes_in_sent_messages").hide(apps, None)
    sent.refresh_from_db()
    waiting.refresh_from_db()
    assert "QWER" not in sent.body and "ASDF-GHJK-MNPQ" in waiting.body  # a message still to send keeps its code


@pytest.mark.django_db
def test_a_message_that_will_never_be_sent_keeps_no_code_either(fake):
    """No contact to send to (an Instagram caption mention, a shredded address): the row is skipped for good, and
    its copy loses the code like a sent one."""
    note = Notification.objects.create(
        recipient_ref="idr_nobody",
        kind="dialog:filed",
        body="Kode lacak: QWER-TYUJ-KPAS",
        body_en="Code: QWER-TYUJ-KPAS",
    )
    assert relay.deliver_batch([note.pk])["no-contact"] == 1
    note.refresh_from_db()
    assert note.state == "skipped" and "QWER" not in note.body + note.body_en


def test_email_waits_for_mail_to_be_configured_instead_of_going_nowhere(settings, db):
    """Without SIGAP_EMAIL_HOST (or a backend named), Django's dummy backend took each mail and dropped it, and
    the notification was recorded as sent: a city that forgot the setting never learnt that residents heard
    nothing. The row is held, like any channel not configured, and goes out once mail is."""
    from django.core import mail

    ref = vault.identity_store(payload={"channel": "web", "email": "warga@example.org", "name": "Warga"})
    note = Notification.objects.create(recipient_ref=ref, kind="received", body="Laporan Anda diterima.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    assert relay.outbox_sweep() == {"no-adapter": 1}
    note.refresh_from_db()
    assert note.state == Notification.State.HELD and note.sent_at is None and note.attempts == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=note.pk).update(next_attempt_at=None)  # as when the pause is over
    assert relay.outbox_sweep() == {"sent": 1}
    assert [m.to for m in mail.outbox] == [["warga@example.org"]]


@pytest.mark.django_db
def test_one_unreadable_identity_record_fails_alone_and_the_rest_of_its_batch_is_sent(fake):
    """One record whose master key is not loaded (or whose ciphertext is damaged) raised for the whole batch: every
    message of it stayed claimed, was claimed again after the sweep and failed the same way, for ever (a review).
    That one now fails on its own, to be tried again with backoff; the others go out."""
    good, retired, damaged, unwrapped = vault.identity_store_many(
        [{"channel": "whatsapp", "phone": f"62812000000{i}"} for i in (1, 2, 3, 4)]
    )
    IdentityRecord.objects.filter(ref=retired).update(key_id="retired-key")
    IdentityRecord.objects.filter(ref=damaged).update(nonce=b"\0" * 12)
    IdentityRecord.objects.filter(ref=unwrapped).update(wrapped_key=b"\1" * 40)  # the key unwrap itself fails
    rows = [
        Notification.objects.create(recipient_ref=ref, kind="received", body="Laporan Anda diterima.")
        for ref in (good, retired, damaged, unwrapped)
    ]
    relay.outbox_sweep()
    sent, *broken = (Notification.objects.get(pk=row.pk) for row in rows)
    assert sent.state == "sent"
    for row in broken:
        assert (row.state, row.last_error, row.attempts, row.claim_token) == ("failed", "IdentityUnreadable", 1, "")
        assert row.next_attempt_at is not None


@pytest.mark.django_db
def test_the_record_made_for_send_it_again_is_shredded_once_the_message_is_sent(fake):
    """``inbox._given_up`` stores a record of the sender's number for its one "please send it again" message (no
    report, no dialog): nothing ever destroyed it, retention included (found by a review)."""
    ref = vault.identity_store(payload={"channel": "whatsapp", "phone": "6281234500001"})
    note = Notification.objects.create(recipient_ref=ref, kind="dialog:not_processed", body="Mohon kirim ulang.")
    relay.outbox_sweep()
    assert Notification.objects.get(pk=note.pk).state == "sent"
    assert vault.identity_for_reveal(ref) is None


@pytest.mark.django_db
def test_a_message_given_up_on_an_unreadable_record_keeps_no_code_and_its_own_record_is_shredded(fake):
    """The unreadable branch given up after its last attempt skipped what every other give-up does (a last read of
    the change): an Anonim report's code and secret stayed in the stored copy, and its one-message record stayed."""
    ref = vault.identity_store(payload={"channel": "whatsapp", "phone": "6281200000009"})
    IdentityRecord.objects.filter(ref=ref).update(key_id="retired-key")
    note = Notification.objects.create(
        recipient_ref=ref,
        kind="dialog:filed_anon",
        body="Kode lacak ABCD-EFGH-JKMN, kode rahasia disimpan.",
        attempts=relay.MAX_ATTEMPTS - 1,
    )
    relay.outbox_sweep()
    note.refresh_from_db()
    assert (note.state, note.last_error) == ("dead", "IdentityUnreadable") and "ABCD-EFGH-JKMN" not in note.body
    assert IdentityRecord.objects.get(ref=ref).wrapped_key is None  # shredded
