"""Retention (``sigap.privacy.retention``): identities and original photos of long-closed reports are
crypto-shredded; the reports stay, de-identified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.privacy import vault
from sigap.privacy.models import AccessEvent, VaultBlob
from sigap.privacy.retention import retention_run
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import reporter, submit

pytestmark = pytest.mark.django_db


def test_retention_shreds_identity_and_original_photos_of_old_closed_reports(staff, jpeg):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    old = submit(reporter=reporter(), photos=[("a.jpg", jpeg())]).report
    recent = submit(reporter=reporter()).report
    open_report = submit(reporter=reporter()).report
    for r in (old, recent):
        services.report_reject(report_id=r.pk, actor=officer, reason="di luar kewenangan")
    Report.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
    blob_ref = old.photos.get().original_ref
    assert vault.blob_read(blob_ref) is not None
    counts = retention_run(days=365)
    assert counts == {"reports": 1, "identities": 1, "photos": 1, "messages": 0, "dialogs": 0}
    assert vault.identity_for_reveal(old.reporter_ref) is None and vault.blob_read(blob_ref) is None
    assert vault.identity_for_reveal(recent.reporter_ref) is not None
    assert vault.identity_for_reveal(open_report.reporter_ref) is not None
    assert Report.objects.filter(pk=old.pk).exists()  # the report stays, de-identified
    assert retention_run(days=365) == {
        "reports": 0,
        "identities": 0,
        "photos": 0,
        "messages": 0,
        "dialogs": 0,
    }  # idempotent
    event = AccessEvent.objects.get(action="key_destroy")
    assert event.report_number == old.number and event.detail["identities"] == 1
    assert VaultBlob.objects.get(ref=blob_ref).destroyed_at is not None


def test_retention_removes_a_stored_original_file_with_its_key(
    staff, jpeg, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import storages

    settings.SIGAP_VAULT_INLINE_MAX_BYTES = 100  # the test photo's ciphertext goes to the vault storage
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    old = submit(reporter=reporter(), photos=[("a.jpg", jpeg())]).report
    services.report_reject(report_id=old.pk, actor=officer, reason="di luar kewenangan")
    Report.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
    blob = VaultBlob.objects.get(ref=old.photos.get().original_ref)
    assert blob.stored_as and storages["vault"].exists(blob.stored_as)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run(days=365)["photos"] == 1
    assert not storages["vault"].exists(blob.stored_as)
    assert VaultBlob.objects.get(pk=blob.pk).stored_as == ""


@pytest.mark.django_db
def test_retention_shreds_a_message_never_handled_once_the_period_has_passed():
    from sigap.intake.models import InboundMessage

    old = vault.blob_store(b'{"sender": "6281299887766"}', content_type="application/json")
    recent = vault.blob_store(b'{"sender": "6281200000000"}', content_type="application/json")
    stale = InboundMessage.objects.create(channel="whatsapp", message_id="k:1", payload_ref=old, state="failed")
    InboundMessage.objects.filter(pk=stale.pk).update(received_at=timezone.now() - timedelta(days=400))
    InboundMessage.objects.create(channel="whatsapp", message_id="k:2", payload_ref=recent, state="failed")
    assert retention_run(days=365)["messages"] == 1
    assert vault.blob_read(old) is None and vault.blob_read(recent) is not None
    assert retention_run(days=365)["messages"] == 0


def test_a_dialog_that_ended_without_a_report_keeps_no_sender_or_content_a_day_later():
    """Cancelled and expired chat dialogs kept the sender's number and what they told for good: retention only
    looked at dialogs with a report. A day after such a dialog ended, its record of the sender, its text and its
    photos are destroyed; an open email dialog is left to the email sweep, which files it."""
    import json

    from sigap.intake.models import Conversation

    def dialog(channel: str, state: str, ended_ago: timedelta) -> Conversation:
        photo = vault.blob_store(b"jpeg bytes")
        data = vault.blob_store(
            json.dumps({"texts": ["Tetangga saya membuang sampah"], "photos": [{"ref": photo}]}).encode()
        )
        conv = Conversation.objects.create(
            channel=channel,
            sender_hash=f"h-{channel}-{state}",
            identity_ref=vault.identity_store(payload={"channel": channel, "phone": "081234567890"}),
            data_ref=data,
            state=state,
            expires_at=timezone.now() - ended_ago,
        )
        Conversation.objects.filter(pk=conv.pk).update(updated_at=timezone.now() - ended_ago)
        conv.photo_ref = photo
        return conv

    gone = [dialog("whatsapp", "cancelled", timedelta(days=2)), dialog("telegram", "open", timedelta(days=2))]
    kept = [dialog("whatsapp", "cancelled", timedelta(hours=2)), dialog("email", "open", timedelta(days=2))]
    counts = retention_run()
    assert counts["dialogs"] == 2
    for conv in gone:
        refs = (conv.identity_ref, conv.data_ref, conv.photo_ref)
        conv.refresh_from_db()
        assert (conv.identity_ref, conv.data_ref, conv.sender_hash) == ("", "", "")
        assert conv.state in ("cancelled", "expired")
        assert vault.identity_for_reveal(refs[0]) is None and vault.blob_read(refs[1]) is None
        assert vault.blob_read(refs[2]) is None
    for conv in kept:
        conv.refresh_from_db()
        assert conv.identity_ref and conv.data_ref and vault.blob_read(conv.data_ref) is not None
    assert AccessEvent.objects.filter(action="key_destroy", detail__dialogs=2).exists()


def test_each_run_reads_only_the_reports_it_has_not_passed_since_they_closed(staff, monkeypatch):
    """The daily run read every report closed before the cutoff, whatever it held, and joined each to its photos:
    4.5 s at a million reports and growing with every year kept (``bench/city.py``). A report retention has passed
    is marked (``retained_at``); the next run reads only those closed since, through a partial index. Closed again
    after a reopening, a report is passed again."""
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    holding = submit(reporter=reporter()).report
    bare = [submit(privacy="anonymous").report for _ in range(3)]  # nothing in the vault
    for r in (holding, *bare):
        services.report_reject(report_id=r.pk, actor=officer, reason="di luar kewenangan")
    long_ago = timezone.now() - timedelta(days=400)
    Report.objects.filter(pk__in=[holding.pk, *(r.pk for r in bare)]).update(closed_at=long_ago)
    from sigap.privacy import retention

    monkeypatch.setattr(retention, "MARK_BATCH", 2)  # those holding nothing are marked in batches
    assert retention_run(days=365)["reports"] == 1
    passed = Report.objects.filter(pk__in=[holding.pk, *(r.pk for r in bare)])
    assert all(r.retained_at is not None for r in passed)  # those holding nothing too

    # what the next run reads: none of them
    from sigap.privacy.retention import due_reports

    assert not due_reports(timezone.now() - timedelta(days=365)).exists()


def test_a_report_closed_again_after_retention_passed_it_is_passed_again(staff):
    """A later closure starts its own period: a Selesai disputed by its resident and closed again is due anew."""
    from sigap.organization.models import StaffRole
    from sigap.privacy.retention import due_reports
    from sigap.reports.tests.test_escalation import finished

    pb_officer = staff("petugas.pb", "kel:31.75.07.1002")
    validator = staff("validator.biro", "biro-pemerintahan", StaffRole.Role.VALIDATOR)

    created = submit(reporter=reporter())
    report = finished(created.report, pb_officer, validator)
    Report.objects.filter(pk=report.pk).update(retained_at=timezone.now())  # as if a run had passed it
    services.report_dispute(tracking_code=created.tracking_code, reason="Masih mampet setelah hujan.")
    report = finished(Report.objects.get(pk=report.pk), pb_officer, validator)
    assert report.closed_at is not None and report.retained_at is None
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert list(due_reports(timezone.now() - timedelta(days=365)).values_list("pk", flat=True)) == [report.pk]
    assert retention_run(days=365)["identities"] == 1


def test_retention_does_not_mark_a_report_closed_again_while_the_run_was_on_it(staff, monkeypatch):
    """``retention_run`` reads ``holding`` once, then marks each report ``retained_at=now`` by pk, with no lock and no
    re-check that it is still closed before the cutoff. A reopen and a new closure committed meanwhile (simulated
    here inside the run, as another transaction would) clears the mark in ``_transition``; retention then sets it
    again, so the new closure's period is never passed: whatever the reopening added to the vault stays forever."""
    from sigap.privacy import retention

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    report = submit(reporter=reporter()).report
    services.report_reject(report_id=report.pk, actor=officer, reason="di luar kewenangan")
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=400))
    real_destroy = vault.identity_destroy

    def destroy_while_the_report_is_closed_again(ref):
        # another process: the report reopened and closed again just now (``_transition`` clears the mark)
        Report.objects.filter(pk=report.pk).update(closed_at=timezone.now(), retained_at=None)
        return real_destroy(ref)

    monkeypatch.setattr(retention.vault, "identity_destroy", destroy_while_the_report_is_closed_again)
    retention.retention_run(days=365)
    report.refresh_from_db()
    assert report.retained_at is None, "closed again today, yet marked as passed: its new period will never be read"
