"""Keep secrets out of log lines: tracking codes appear in request paths (Django logs 4xx paths)."""

from __future__ import annotations

import logging
import re

_TRACK = re.compile(r"(/(?:track|lacak)/)[^/\s?\"']+", re.IGNORECASE)


def scrub(text: str) -> str:
    return _TRACK.sub(r"\1[kode-lacak]", text)


class ScrubSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
