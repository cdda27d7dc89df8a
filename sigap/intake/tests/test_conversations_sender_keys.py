"""A chat reporter's number outlived what the privacy model promises (found by an attacker's review):

1. ``intake_conversation.sender_hash`` was an unkeyed SHA-256 of ``sigap-conversation:<channel>:<address>``, and
   the row names the report: hashing the ~1e10 Indonesian mobile numbers offline linked every chat report in a
   database dump, Anonim ones included, to the reporter's number. It is now keyed (``SECRET_KEY``), older rows
   are rekeyed by ``intake/0003`` and still found meanwhile.
2. Retention shredded ``report.reporter_ref`` only; the conversation's own record of the sender (number, name)
   stayed readable. It is shredded with the report's, and the dialog's key is blanked.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import PHONE, wa_location, wa_payload, wa_sign, wa_text
from sigap.intake.tests.test_conversations import _filed_on_whatsapp
from sigap.privacy import vault
from sigap.privacy.retention import retention_run
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def _brute_force(rows, candidates):
    """What anyone holding a database dump (no keys) can do: hash each candidate number the way Sigap does."""
    return {
        c
        for channel, digest in rows
        for c in candidates
        if hashlib.sha256(f"sigap-conversation:{channel}:{c}".encode()).hexdigest() == digest
    }


def test_a_database_dump_does_not_link_an_anonim_whatsapp_report_to_the_reporters_phone(deliver, fake):
    report = _filed_on_whatsapp(deliver, "H", privacy="3")
    assert report.privacy == "anonymous" and report.reporter_ref == ""  # "no identity kept"
    rows = list(Conversation.objects.filter(report=report).values_list("channel", "sender_hash"))
    # the real number hidden among other numbers of the same shape (the full space is ~1e10: minutes on a GPU)
    candidates = [f"62812998877{i:02d}" for i in range(100)]
    assert PHONE in candidates
    assert _brute_force(rows, candidates) == set(), "an Anonim report's phone number is recoverable from the dump"
    assert rows == [("whatsapp", "")]  # the filed Anonim dialog keeps no key of its sender at all


def test_retention_shreds_the_chat_dialogs_record_of_the_sender_too(deliver, fake, staff):
    report = _filed_on_whatsapp(deliver, "R", privacy="1")
    assert report.privacy == "private" and report.reporter_ref
    officer = staff("petugas.ret", report.unit.code)
    services.report_reject(report_id=report.pk, actor=officer, reason="di luar kewenangan kami")
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=400))
    retention_run(days=365)
    assert vault.identity_for_reveal(report.reporter_ref) is None  # the report's identity is shredded ...
    conv = Conversation.objects.get(report=report)
    left = vault.identity_for_reveal(conv.identity_ref) or {}
    # ... but the conversation's contact record, naming the same report, still holds the phone number
    assert PHONE not in str(left), f"after retention the vault still holds {left!r} for {report.number}"
    assert conv.sender_hash == ""


def test_a_dialog_stored_under_the_old_unkeyed_key_is_continued_and_rekeyed_by_the_migration(deliver, fake):
    import importlib

    from django.apps import apps

    from sigap.intake.conversations import legacy_sender_hash, sender_hash

    lat, lon = inner_point("31.75.07.1002")
    body = wa_payload(wa_text("wamid.L1", "Got mampet parah di gang buntu"), name="Pak Warga")
    deliver("whatsapp", body, wa_sign(body))
    conv = Conversation.objects.get()
    Conversation.objects.filter(pk=conv.pk).update(sender_hash=legacy_sender_hash("whatsapp", PHONE))  # before
    body = wa_payload(wa_location("wamid.L2", lat, lon), name="Pak Warga")
    deliver("whatsapp", body, wa_sign(body))
    assert Conversation.objects.count() == 1  # the same dialog went on: found by its old key
    migration = importlib.import_module("sigap.intake.migrations.0003_rekey_conversation_senders")
    migration.rekey(apps, None)
    assert Conversation.objects.get().sender_hash == sender_hash("whatsapp", PHONE)
    # a row whose vault record is gone cannot be rekeyed: it keeps no key at all
    vault.identity_destroy(conv.identity_ref)
    Conversation.objects.filter(pk=conv.pk).update(sender_hash=legacy_sender_hash("whatsapp", PHONE))
    migration.rekey(apps, None)
    assert Conversation.objects.get().sender_hash == ""
