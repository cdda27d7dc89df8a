"""Keep secrets out of log lines: tracking codes appear in request paths (Django logs 4xx paths, the server its
access log), and a client may put the reporter's identity in a query string (an Open311 client's POST with
``email=``, which is refused but was logged)."""

from __future__ import annotations

import logging
import re

_TRACK = re.compile(r"(/(?:track|lacak)/)[^/\s?\"']+", re.IGNORECASE)


_IDENTITY_PARAM = re.compile(
    r"([?&](?:email|phone|first_name|last_name|name|nik|device_id|account_id|reporter_[a-z]+|reporter)=)[^&\s\"']*",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    return _IDENTITY_PARAM.sub(r"\1[disembunyikan]", _TRACK.sub(r"\1[kode-lacak]", text))


class ScrubSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
