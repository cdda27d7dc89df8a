"""Telegram end to end: the secret-token header, photos through getFile, a shared location."""

from __future__ import annotations

import json

import pytest

from sigap.intake.models import Conversation
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db


def test_telegram_with_secret_token_photo_and_location(deliver, fake):
    lat, lon = inner_point("31.75.07.1002")

    def update(uid, message):
        return json.dumps(
            {
                "update_id": uid,
                "message": {
                    "message_id": uid,
                    "date": 1764300000,
                    "from": {"id": 777, "is_bot": False, "first_name": "Ani", "language_code": "id"},
                    "chat": {"id": 777, "type": "private"},
                    **message,
                },
            }
        ).encode()

    assert (
        deliver("telegram", update(1, {"text": "x"}), {"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 401
    )
    secret = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}
    deliver(
        "telegram",
        update(
            10,
            {
                "photo": [
                    {"file_id": "small", "width": 90, "height": 90, "file_size": 10},
                    {"file_id": "TGFILE1", "width": 800, "height": 600, "file_size": 9000},
                ],
                "caption": "Trotoar ambles dan ubin lepas di depan pasar",
            },
        ),
        secret,
    )
    deliver("telegram", update(11, {"location": {"latitude": lat, "longitude": lon}}), secret)
    deliver("telegram", update(12, {"text": "ya"}), secret)
    deliver("telegram", update(13, {"text": "1"}), secret)
    report = Report.objects.get()
    assert report.channel == "telegram" and report.photos.count() == 1
    sent = [r["json"] for r in fake.sent("/sendMessage")]
    assert all(s["chat_id"] == "777" for s in sent) and report.number in sent[-1]["text"]


def test_a_telegram_edit_is_not_a_new_message(deliver, fake):
    """Telegram delivers an edit as a new update (``edited_message``, a new update_id, the same message_id).
    The adapter read it as a fresh message: an edited description after filing opened a new dialog."""
    lat, lon = inner_point("31.75.07.1002")
    secret = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}

    def update(uid, mid, message, key="message"):
        return json.dumps(
            {
                "update_id": uid,
                key: {
                    "message_id": mid,
                    "date": 1764300000,
                    "from": {"id": 778, "is_bot": False, "first_name": "Ani", "language_code": "id"},
                    "chat": {"id": 778, "type": "private"},
                    **message,
                },
            }
        ).encode()

    deliver("telegram", update(20, 1, {"text": "Trotoar ambles dan ubin lepas di depan pasr"}), secret)
    deliver("telegram", update(21, 2, {"location": {"latitude": lat, "longitude": lon}}), secret)
    deliver("telegram", update(22, 3, {"text": "ya"}), secret)
    deliver("telegram", update(23, 4, {"text": "1"}), secret)
    assert Report.objects.count() == 1
    # the resident fixes a typo in their first message
    deliver(
        "telegram",
        update(24, 1, {"text": "Trotoar ambles dan ubin lepas di depan pasar"}, key="edited_message"),
        secret,
    )
    sent = [r["json"]["text"] for r in fake.sent("/sendMessage")]
    assert Conversation.objects.filter(state="open").count() == 0, sent[-1]
