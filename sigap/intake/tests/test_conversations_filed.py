"""A filed chat dialog keeps none of what the resident wrote as written: the report holds it, redacted. The handler
saved the whole dialog state after filing, so its vault blob kept the description as typed (an Anonim report's too)
past filing and retention (found by a review)."""

from __future__ import annotations

import pytest

from sigap.intake.models import Conversation
from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    deliver,
    fake,
    wa_location,
    wa_payload,
    wa_sign,
    wa_text,
)
from sigap.privacy import vault
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
WORDS = "Saya Budi Qoppaname 0812-7777-6666, got mampet parah di gang buntu"


@pytest.mark.parametrize("privacy", ["1", "3"])  # Privat, Anonim
def test_a_filed_dialog_keeps_nothing_the_resident_wrote(deliver, fake, privacy):
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.F1", WORDS),
        wa_location("wamid.F2", lat, lon),
        wa_text("wamid.F3", "ya"),
        wa_text("wamid.F4", privacy),
    ):
        body = wa_payload(msg)
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    report = Report.objects.get()
    assert "Qoppaname" not in report.description and "0812" not in report.description
    conv = Conversation.objects.get(report=report)
    kept = vault.blob_read(conv.data_ref) if conv.data_ref else b""
    assert b"Qoppaname" not in (kept or b"") and b"7777" not in (kept or b"")


def test_retention_destroys_a_filed_dialogs_state(deliver, fake, staff):
    """A filed dialog's blob (where a chat dispute waits for the resident's "ya", as written) goes with its report's
    identity at retention: it was never destroyed (a review). Also for a report retention passed before the fix
    (its identities already shredded, only the blob left), and the destruction is in the access log."""
    from datetime import timedelta

    from django.utils import timezone

    from sigap.privacy.retention import retention_run
    from sigap.reports import services

    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.R1", WORDS),
        wa_location("wamid.R2", lat, lon),
        wa_text("wamid.R3", "ya"),
        wa_text("wamid.R4", "1"),
    ):
        body = wa_payload(msg)
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    report = Report.objects.get()
    conv = Conversation.objects.get(report=report)
    assert conv.data_ref
    ref = conv.data_ref
    services.report_reject(
        report_id=report.pk, actor=staff("petugas.pb", "kel:31.75.07.1002"), reason="di luar kewenangan"
    )
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=400))
    # retention passed this report before it destroyed dialogs' blobs: only the blob is left
    vault.identity_destroy(report.reporter_ref)
    vault.identity_destroy(conv.identity_ref)
    retention_run(days=365)
    conv.refresh_from_db()
    assert conv.data_ref == "" and vault.blob_read(ref) is None
    from sigap.privacy.models import AccessEvent

    logged = AccessEvent.objects.filter(action="key_destroy", report_number=report.number).last()
    assert logged is not None and logged.detail.get("dialogs") == 1
