"""A chat report keeps every photo it can read: one that is no photo is left out and the resident told how many,
not every photo of the dialog with it (a fault-injection review: the good ones were dropped and could not be sent
again, the report filed)."""

from __future__ import annotations

import pytest

from sigap.intake.tests.channel_helpers import (  # noqa: F401 - pytest fixtures
    PHONE,
    deliver,
    fake,
    replies_to,
    wa_location,
    wa_payload,
    wa_sign,
    wa_text,
)
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_chat_report_with_one_unusable_photo_keeps_the_good_ones(deliver, fake):
    """Chat photos are fetched and stored as they come, but checked only when the report is filed
    (conversations.py ``_file``); one that ``photo_check`` refuses refuses the submission, and the retry destroys
    *every* photo of the dialog ("Your photos could not be used ... sent without them"). After filing, a photo
    sent again opens a new dialog, so the good photos cannot be given back to the report. Only the refused photo
    should go (the chat's answers already do this with ``photos_usable``)."""
    fake.media["GOOD1"] = jpeg_colour((30, 120, 60))
    fake.media["BAD1"] = b"%PDF-1.4 a document, not a photo"
    lat, lon = inner_point("31.75.07.1002")

    def image(mid, media_id):
        return {
            "from": PHONE,
            "id": mid,
            "timestamp": "1764300000",
            "type": "image",
            "image": {"id": media_id, "mime_type": "image/jpeg"},
        }

    for msg in (
        wa_text("wamid.P1", "Got mampet parah di gang buntu, air meluap"),
        image("wamid.P2", "GOOD1"),
        image("wamid.P3", "BAD1"),
        wa_location("wamid.P4", lat, lon),
        wa_text("wamid.P5", "ya"),
        wa_text("wamid.P6", "1"),
    ):
        body = wa_payload(msg)
        assert deliver("whatsapp", body, wa_sign(body)).status_code == 200
    report = Report.objects.get()
    assert report.photos.count() == 1
    assert any(r.startswith("1 foto Anda bukan foto") for r in replies_to(fake)), replies_to(fake)
