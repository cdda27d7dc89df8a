"""Tracking codes never reach a log line (``sigap.core.logfilters``): they appear in request paths."""

from __future__ import annotations

import logging

import pytest

from sigap.core.logfilters import ScrubSecrets, scrub


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"GET /lacak/AB12-CD34-EF56 HTTP/1.1" 404', '"GET /lacak/[kode-lacak] HTTP/1.1" 404'),
        ("Not Found: /api/v1/track/AB12CD34EF56/answer", "Not Found: /api/v1/track/[kode-lacak]/answer"),
        ("/LACAK/ab12-cd34-ef56?x=1", "/LACAK/[kode-lacak]?x=1"),
        ("/track/a /track/b", "/track/[kode-lacak] /track/[kode-lacak]"),
        ("/lacak/ (empty) and /publik/JK202611200001", "/lacak/ (empty) and /publik/JK202611200001"),
    ],
)
def test_scrub_replaces_the_code_after_track_or_lacak_and_nothing_else(line, expected):
    assert scrub(line) == expected


def test_the_filter_rewrites_the_record_and_never_drops_it():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/lacak/SECRET1",), None
    )
    assert ScrubSecrets().filter(record) is True
    assert record.getMessage() == "Not Found: /lacak/[kode-lacak]" and "SECRET1" not in record.getMessage()
    plain = logging.LogRecord("sigap", logging.INFO, __file__, 1, "report %s filed", ("JK202611200001",), None)
    assert ScrubSecrets().filter(plain) is True
    assert plain.msg == "report %s filed" and plain.args == ("JK202611200001",)  # untouched
