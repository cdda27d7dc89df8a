"""Telegram end to end: the secret-token header, photos through getFile, a shared location."""

from __future__ import annotations

import json

import pytest

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
