"""Every message to a resident is in the language they wrote or asked in: the chat's dialog spoke English to an
English writer, and every status update after it went out in Indonesian, its English built and never sent (a review
of the English interface). The language is kept with the identity (``Submission.language``), and the relay sends
``body_en`` to those who wrote in English."""

from __future__ import annotations

import json

import pytest

from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    deliver,
    fake,
    replies_to,
    wa_location,
    wa_payload,
    wa_sign,
    wa_text,
)
from sigap.reports import services
from sigap.reports.models import Notification, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
PB_UNIT = "kel:31.75.07.1002"


def test_a_resident_who_chats_in_english_gets_status_updates_in_english(
    deliver, fake, staff, django_capture_on_commit_callbacks
):
    """The dialog speaks English to an English writer (Conversation.language == "en"), but every status update
    (services._notify → relay._send_one sends ``note.body``) goes out in Indonesian: "Laporan JK…: status Proses."
    The English text is built (Notification.body_en) and never sent."""
    lat, lon = inner_point("31.75.07.1002")
    for msg in (
        wa_text("wamid.EN1", "There is a clogged drain in the alley, water floods the street when it rains"),
        wa_location("wamid.EN2", lat, lon),
        wa_text("wamid.EN3", "yes"),
        wa_text("wamid.EN4", "1"),
    ):
        body = wa_payload(msg)
        deliver("whatsapp", body, wa_sign(body))
    report = Report.objects.get()
    assert replies_to(fake)[0].startswith("Thank you. Where is it?")  # the dialog is in English
    officer = staff("petugas.pb", PB_UNIT)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report_id=report.pk, actor=officer)
    update = Notification.objects.filter(report=report, kind="status").latest("pk")
    assert update.body_en.startswith("Report ")  # the English text exists ...
    sent = replies_to(fake)[-1]  # ... but what reached the resident's WhatsApp is ``body``
    assert "Proses" in sent or "Report " in sent, sent
    assert not sent.startswith("Laporan "), sent


def test_the_language_asked_in_is_kept_with_the_identity_and_only_there(client):
    """The API's Accept-Language (and the portal's chosen language) is the reporter's, kept in the vault only."""
    from sigap.privacy import vault

    lat, lon = inner_point("31.75.07.1002")
    body = {"category": "jalan-rusak", "description": "The road in front of the school has a deep hole.",
            "lat": lat, "lon": lon, "privacy": "private", "reporter": {"name": "Ann Lee", "email": "ann@example.org"}}  # fmt: skip
    for language in ("en", "id"):
        created = client.post(
            "/api/v1/reports", data=json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert created.status_code == 201, created.content
        report = Report.objects.get(number=created.json()["id"])
        assert vault.identity_for_reveal(report.reporter_ref)["language"] == language
        assert vault.contact_channels([report.reporter_ref])[report.reporter_ref] == (
            "email",
            "ann@example.org",
            language,
        )
