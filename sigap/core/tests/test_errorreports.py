"""Error reports (``sigap.core.errorreports``): the 500 mail Django sends to ADMINS, and the text an error tracker
gets from Django's reporter, name the parameters, files and variables of a failed request but show none of their
values: a failed report's frames held the description, the reporter's name and number and the photo's name."""

from __future__ import annotations

import sys

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils.log import AdminEmailHandler
from django.views.debug import get_exception_reporter_class

NAME, PHONE, EMAIL = "Zyxwvut Qoppaname", "081377172345", "qoppa.canary@example.org"
FILE_NAME = "KTP_Qoppa.jpg"
MARKERS = ("Zyxwvut", "Qoppaname", "77172345", "qoppa.canary", "KTP_Qoppa")


def failed_request():
    request = RequestFactory().post(
        f"/lapor/?page=2&nama={NAME.replace(' ', '+')}",
        {
            "description": f"Got mampet. Saya {NAME}, hubungi {PHONE}.",
            "reporter_email": EMAIL,
            "photos": SimpleUploadedFile(FILE_NAME, b"\xff\xd8\xff\xd9", content_type="image/jpeg"),
        },
        HTTP_REFERER=f"https://lapor.example/lapor/?hp={PHONE}",
    )
    request.POST  # noqa: B018 - parsed, as the view had it
    reporter_phone = PHONE  # noqa: F841 - a frame's local variable, as a service holds it
    try:
        raise ValueError("boom")
    except ValueError:
        return request, sys.exc_info()


def leaks(text: str) -> list[str]:
    return [m for m in MARKERS if m in text]


@pytest.mark.parametrize("render", ["get_traceback_text", "get_traceback_html"])
def test_a_failed_requests_report_names_what_it_held_and_shows_none_of_it(settings, render):
    settings.DEBUG = False
    request, exc_info = failed_request()
    reporter = get_exception_reporter_class(request)(request, *exc_info)
    text = getattr(reporter, render)()
    assert leaks(text) == [], leaks(text)
    # still useful: the code, the names and the parameters that page lists
    assert "ValueError" in text and "description" in text and "page=2" in text
    if render == "get_traceback_html":
        assert "reporter_phone" in text  # the frame's variables by name


def test_the_mail_to_admins_carries_none_of_it(settings):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.org")]
    request, exc_info = failed_request()
    handler = AdminEmailHandler(include_html=True)
    import logging

    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/lapor/",), exc_info
    )
    record.request = request
    record.status_code = 500
    handler.emit(record)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    whole = sent.subject + sent.body + "".join(str(content) for content, _type in sent.alternatives)
    assert leaks(whole) == [], leaks(whole)
