"""Inbound messages (``sigap.intake.inbox``): stored encrypted and once per channel message id before the webhook
answers, processed after commit, a failure kept for ``sigap inbox flush`` and retried a bounded number of times.
What the dialog does with a message is tested in test_conversations.py and each channel's test module."""

from __future__ import annotations

import base64
import json

import pytest

from sigap.intake import conversations, inbox
from sigap.intake.channels.base import Inbound
from sigap.intake.models import InboundMessage
from sigap.privacy import vault

pytestmark = pytest.mark.django_db


def message(n: int = 1, text: str = "Got mampet di gang Mawar") -> Inbound:
    return Inbound(channel="telegram", message_id=f"m-{n}", sender="55501", sender_name="Rina", text=text)


@pytest.fixture
def handled(monkeypatch):
    """The dialog replaced by a recorder (or a failure): what the inbox hands it, and what it answers."""
    seen: list[Inbound] = []
    state = {"fail": False}

    def handle(inbound, *, last_attempt=False, received_at=None):
        if state["fail"]:
            raise RuntimeError("the dialog failed")
        seen.append(inbound)

    monkeypatch.setattr(conversations, "conversation_handle", handle)
    return seen, state


def test_a_message_is_stored_encrypted_and_once_per_message_id(handled):
    [pk] = inbox.inbound_accept("telegram", [message(1, text="Nama saya Rina Marlina, HP 081377001122")])
    row = InboundMessage.objects.get(pk=pk)
    assert (row.channel, row.message_id, row.state) == ("telegram", inbox.message_key("telegram", "m-1"), "received")
    rows = json.dumps(list(InboundMessage.objects.values()), default=str)
    assert "Rina Marlina" not in rows and "081377001122" not in rows  # only a vault reference
    assert json.loads(vault.blob_read(row.payload_ref))["text"] == "Nama saya Rina Marlina, HP 081377001122"
    again = inbox.inbound_accept("telegram", [message(1), message(2)])  # a retried delivery, and a new message
    assert len(again) == 1 and pk not in again
    assert InboundMessage.objects.filter(message_id=inbox.message_key("telegram", "m-1")).count() == 1
    assert inbox.inbound_accept("whatsapp", [Inbound(channel="whatsapp", message_id="m-1", sender="62812")])


def test_a_message_is_processed_after_commit_and_only_once(handled, django_capture_on_commit_callbacks):
    seen, _state = handled
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [pk] = inbox.inbound_accept("telegram", [message()])
    assert seen == [] and len(callbacks) == 1  # nothing runs before the webhook's transaction commits
    callbacks[0]()
    assert [m.text for m in seen] == ["Got mampet di gang Mawar"]
    assert InboundMessage.objects.get(pk=pk).state == InboundMessage.State.PROCESSED
    assert inbox.inbound_process(pk) == "skip" and len(seen) == 1


def test_a_failure_is_kept_and_retried_by_the_flush_a_bounded_number_of_times(handled):
    seen, state = handled
    [pk] = inbox.inbound_accept("telegram", [message()])
    state["fail"] = True
    assert inbox.inbound_process(pk) == "failed"
    row = InboundMessage.objects.get(pk=pk)
    assert (row.state, row.attempts, row.last_error) == (InboundMessage.State.FAILED, 1, "RuntimeError")
    for _ in range(inbox.MAX_ATTEMPTS - 1):
        assert inbox.inbox_flush() == {"failed": 1}
    assert InboundMessage.objects.get(pk=pk).attempts == inbox.MAX_ATTEMPTS
    state["fail"] = False
    assert inbox.inbox_flush() == {}  # given up: left for a person to look at
    assert seen == []


def test_a_message_given_up_is_told_to_the_admins_and_its_sender_and_can_be_tried_again(handled):
    """After its last attempt a message sat failed with nobody told, its sender last asked a question it had
    answered (found by a review). The admins are told (no word of it), the sender is asked to send it again, and
    ``sigap inbox retry`` takes it up once what failed is mended."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from sigap.organization.models import StaffNotice
    from sigap.reports.models import Notification

    admin = get_user_model().objects.create_superuser("admin.sigap", "admin@example.org", "admin-password-123")
    seen, state = handled
    [pk] = inbox.inbound_accept("telegram", [message(text="Nama saya Rina, got mampet di gang Mawar")])
    state["fail"] = True
    assert inbox.inbound_process(pk) == "failed"
    assert not StaffNotice.objects.exists() and not Notification.objects.exists()  # a passing failure: retried
    for _ in range(inbox.MAX_ATTEMPTS - 1):
        inbox.inbox_flush()
    (notice,) = StaffNotice.objects.filter(kind="inbox_failed")
    assert notice.user == admin and f"#{pk}" in notice.body and "RuntimeError" in notice.body
    assert "Rina" not in notice.body and "Mawar" not in notice.body
    (told,) = Notification.objects.filter(kind="dialog:not_processed")
    assert told.report is None and "kirim ulang" in told.body
    assert vault.identity_for_reveal(told.recipient_ref)["handle"] == "55501"
    assert inbox.inbox_flush() == {}  # not by itself again
    state["fail"] = False
    call_command("inbox", "retry", str(pk))
    assert InboundMessage.objects.get(pk=pk).state == InboundMessage.State.PROCESSED and len(seen) == 1


def test_the_flush_takes_up_received_messages_a_dead_worker_left(handled):
    seen, _state = handled
    assert len(inbox.inbound_accept("telegram", [message(1), message(2)])) == 2
    assert inbox.inbox_flush() == {"processed": 2}
    assert [m.message_id for m in seen] == ["m-1", "m-2"]
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {InboundMessage.State.PROCESSED}


# Meta's documented shape of a WhatsApp message id: base64 that holds the other party's number (here 6281299887766).
WAMID = "wamid." + base64.b64encode(b"\x1c\x18\r6281299887766\x15\x02\x00\x11\x18\x129A3CA5B3D4CD6E67E7\x00").decode()


def test_a_channel_message_id_is_kept_only_as_a_keyed_hash(handled):
    """A WhatsApp message id carries the sender's number: stored as it is, a database dump (or the admin) gave
    every chat reporter's number back, Anonim ones too, linked to their report. Only a keyed hash is kept, which
    still recognises a retried delivery."""
    [pk] = inbox.inbound_accept("whatsapp", [Inbound(channel="whatsapp", message_id=WAMID, sender="6281299887766")])
    stored = InboundMessage.objects.get(pk=pk).message_id
    assert WAMID not in stored and "6281299887766" not in stored
    assert stored == inbox.message_key("whatsapp", WAMID) != inbox.message_key("telegram", WAMID)
    assert (
        inbox.inbound_accept("whatsapp", [Inbound(channel="whatsapp", message_id=WAMID, sender="6281299887766")]) == []
    )


def test_a_handled_message_is_shredded_once_it_is_done_with(handled):
    """The message as it came (the sender's number, profile name and words) is kept in the vault only until it is
    handled: then its data key goes. Kept, it outlived the identity that retention shreds, and linked an Anonim
    report to its sender for whoever holds the vault key. A failed one keeps it for the retry."""
    _seen, state = handled
    [done] = inbox.inbound_accept("telegram", [message(1, text="Nama saya Rina Marlina, HP 081377001122")])
    assert inbox.inbound_process(done) == "processed"
    assert vault.blob_read(InboundMessage.objects.get(pk=done).payload_ref) is None
    state["fail"] = True
    [failed] = inbox.inbound_accept("telegram", [message(2)])
    assert inbox.inbound_process(failed) == "failed"
    assert vault.blob_read(InboundMessage.objects.get(pk=failed).payload_ref) is not None
    state["fail"] = False
    assert inbox.inbox_flush() == {"processed": 1}
    assert vault.blob_read(InboundMessage.objects.get(pk=failed).payload_ref) is None


def test_messages_handled_before_are_shredded_by_the_migration(handled):
    import importlib

    from django.apps import apps

    _ = handled
    ref = vault.blob_store(b'{"sender": "6281299887766", "text": "saya Rina"}', content_type="application/json")
    kept = vault.blob_store(b'{"sender": "6281200000000"}', content_type="application/json")
    InboundMessage.objects.create(channel="whatsapp", message_id="k:1", payload_ref=ref, state="processed")
    InboundMessage.objects.create(channel="whatsapp", message_id="k:2", payload_ref=kept, state="failed")
    importlib.import_module("sigap.intake.migrations.0005_shred_handled_messages").shred(apps, None)
    assert vault.blob_read(ref) is None
    assert vault.blob_read(kept) is not None  # still to be retried


def test_the_rekeying_migration_keeps_no_raw_id_even_when_its_key_is_taken(handled):
    """The new release stored a retried message under its key before the migration ran: the old row's raw id is
    still replaced (by its key and its own id), and the migration does not fail on the unique constraint."""
    import importlib

    from django.apps import apps

    _ = handled
    ref = vault.blob_store(b"{}", content_type="application/json")
    old = InboundMessage.objects.create(channel="whatsapp", message_id=WAMID, payload_ref=ref, state="processed")
    InboundMessage.objects.create(
        channel="whatsapp", message_id=inbox.message_key("whatsapp", WAMID), payload_ref=ref, state="received"
    )
    importlib.import_module("sigap.intake.migrations.0004_key_inbound_message_ids").key_ids(apps, None)
    old.refresh_from_db()
    assert old.message_id == f"{inbox.message_key('whatsapp', WAMID)}:{old.pk}"
    assert not InboundMessage.objects.filter(message_id__contains="wamid").exists()


def test_a_retried_delivery_is_recognised_after_secret_key_is_rotated(handled, settings):
    assert len(inbox.inbound_accept("telegram", [message(7)])) == 1
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "y" * 40, [old_key]
    assert inbox.inbound_accept("telegram", [message(7)]) == []
    settings.SECRET_KEY_FALLBACKS = []
    assert inbox.inbound_accept("telegram", [message(7)]) != []  # the old key forgotten: not recognised


# --- the parts of a long SMS (found by a review of the first version) -----------------------------------


@pytest.fixture
def told(monkeypatch):
    """The dialog replaced by a recorder of the texts the inbox hands it; messages stored, processed by hand."""
    texts: list[str] = []

    def handle(inbound, *, last_attempt=False, received_at=None):
        texts.append(inbound.text)

    monkeypatch.setattr(conversations, "conversation_handle", handle)
    monkeypatch.setattr(inbox, "_schedule", lambda pk: None)
    return texts


def part(mid: str, n: int, total: int, text: str, ref: str = "77", sender: str = "081211112222") -> Inbound:
    return Inbound(channel="sms", message_id=mid, sender=sender, text=text, extra={"concat": [ref, n, total]})


def _aged(pks, minutes):
    from datetime import timedelta

    from django.utils import timezone

    InboundMessage.objects.filter(pk__in=pks).update(received_at=timezone.now() - timedelta(minutes=minutes))


def test_an_unreadable_payload_is_given_up_after_the_attempts(told):
    [pk] = inbox.inbound_accept("sms", [Inbound(channel="sms", message_id="u1", sender="0812", text="Jalan rusak")])
    vault.blob_destroy(InboundMessage.objects.get(pk=pk).payload_ref)
    for _ in range(inbox.MAX_ATTEMPTS + 3):
        inbox.inbox_flush()
    row = InboundMessage.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("failed", inbox.MAX_ATTEMPTS) and inbox.inbox_flush() == {}


def test_an_unreadable_part_does_not_hold_the_others(told):
    pks = inbox.inbound_accept(
        "sms", [part("a1", 1, 2, "Lampu jalan mati total "), part("a2", 2, 2, "sejak tiga malam di gang Melati.")]
    )
    vault.blob_destroy(InboundMessage.objects.get(pk=pks[0]).payload_ref)
    _aged(pks, 60)
    for pk in pks:
        inbox.inbound_process(pk)
    for _ in range(inbox.MAX_ATTEMPTS + 3):
        inbox.inbox_flush()
    assert told == ["sejak tiga malam di gang Melati."]


def test_a_repeated_part_after_its_message_was_told_is_not_told_again(told):
    pks = inbox.inbound_accept(
        "sms", [part("d1", 1, 2, "Di RT 04 RW 02 depan warung, "), part("d2", 2, 2, "lubang satu meter.")]
    )
    for pk in pks:
        inbox.inbound_process(pk)
    [dup] = inbox.inbound_accept("sms", [part("d2-again", 2, 2, "lubang satu meter.")])
    assert inbox.inbound_process(dup) == "skip"
    assert InboundMessage.objects.get(pk=dup).state == "ignored"
    _aged([dup], 11)
    inbox.inbox_flush()
    assert told == ["Di RT 04 RW 02 depan warung, lubang satu meter."]


def test_a_part_given_up_long_ago_is_not_joined_into_a_new_message_with_the_same_reference(told):
    """The network's reference is 8 or 16 bits and comes round again."""
    from datetime import timedelta

    from django.utils import timezone

    [old] = inbox.inbound_accept("sms", [part("o1", 1, 2, "Pesan lama bagian satu, ")])
    InboundMessage.objects.filter(pk=old).update(
        state="failed", attempts=inbox.MAX_ATTEMPTS, received_at=timezone.now() - timedelta(days=30)
    )
    pks = inbox.inbound_accept(
        "sms", [part("n1", 1, 2, "Pohon tumbang di Jalan Kenari "), part("n2", 2, 2, "menutup jalan.")]
    )
    for pk in pks:
        inbox.inbound_process(pk)
    assert told == ["Pohon tumbang di Jalan Kenari menutup jalan."]
