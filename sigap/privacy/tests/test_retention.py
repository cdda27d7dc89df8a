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
    assert counts == {"reports": 1, "identities": 1, "photos": 1, "messages": 0}
    assert vault.identity_for_reveal(old.reporter_ref) is None and vault.blob_read(blob_ref) is None
    assert vault.identity_for_reveal(recent.reporter_ref) is not None
    assert vault.identity_for_reveal(open_report.reporter_ref) is not None
    assert Report.objects.filter(pk=old.pk).exists()  # the report stays, de-identified
    assert retention_run(days=365) == {"reports": 0, "identities": 0, "photos": 0, "messages": 0}  # idempotent
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
