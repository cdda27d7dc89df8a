"""Keep secrets out of log lines: tracking codes appear in request paths (Django logs 4xx paths, the server its
access log and the referer), and a query string may carry what a resident typed (an Open311 client that puts the
whole request in the URL, as GeoReport v2's own example of ``POST requests`` does: description, address, email,
media URL; refused, but logged).

A query string's values are kept only for the parameters Sigap itself reads to page, sort and filter lists (an
allow-list: a name not on it, however spelled or percent-encoded, has its value replaced); a bare word with no
``=`` is replaced too.

A logged exception keeps its traceback's frames and its type, never its text (``traceback_text``)."""

from __future__ import annotations

import logging
import re
import traceback
from urllib.parse import unquote_plus

_TRACK = re.compile(r"(/(?:track|lacak)/)[^/\s?\"']+", re.IGNORECASE)
# a query string runs to the next whitespace (a request line's query holds none); a quote that closes the log's
# field stays outside it. A quote inside it is part of a value: an apostrophe in "Ma'ruf" ended the scrubbing,
# and the rest of the query was logged (found by an attacker's review).
_QUERY = re.compile(r"\?(\S+?)(?=[\"']?(?:\s|$))")
_SEPARATOR = re.compile(r"([&;])")
# a safe parameter's value is kept only when it looks like one (a page, a code, a date, a name of a place)
_SAFE_VALUE = re.compile(r"[\w.,:+%/-]{0,80}")
HIDDEN = "[disembunyikan]"
WITHHELD = "text withheld from the log"

# Parameters whose values say how a list is paged, sorted or filtered: never typed text, a place or a person.
SAFE_PARAMS = frozenset(
    {
        # the console, the portal, the public pages
        "page", "cursor", "sebelum", "urut", "sort", "hari", "ekspor", "kota", "kecamatan", "kelurahan",
        "kategori", "category", "state", "status", "unit", "lang", "format", "next",
        # the API
        "limit", "offset", "after", "before", "since", "order",
        # Open311 GeoReport v2 lists
        "jurisdiction_id", "service_code", "service_request_id", "start_date", "end_date", "page_size",
        "updated_after", "updated_before",
        # channel webhooks' subscription check (the challenge is echoed; the token is compared, never logged)
        "hub.mode",
    }
)  # fmt: skip


def kept(name: str, value: str) -> bool:
    """Whether a query parameter's value may be written down: a safe name (however encoded) with a plain value."""
    return unquote_plus(name).strip().lower() in SAFE_PARAMS and _SAFE_VALUE.fullmatch(value) is not None


def _query(match: re.Match) -> str:
    parts = []
    for part in _SEPARATOR.split(match.group(1)):  # ";" separates parameters too
        name, sep, value = part.partition("=")
        separator = not part or part in "&;"
        if separator or (sep and kept(name, value)):
            parts.append(part)
        elif sep:
            parts.append(f"{name}={HIDDEN}")
        else:
            parts.append(HIDDEN)
    return "?" + "".join(parts)


def scrub(text: str) -> str:
    return _QUERY.sub(_query, _TRACK.sub(r"\1[kode-lacak]", text))


def traceback_text(exc: BaseException) -> str:
    """A traceback as Python prints it, chained causes included, with each exception's type and never its text:
    a database error's text holds the row being written ("Failing row contains (…)", "invalid input syntax …: …"),
    another library's may quote what a resident typed. The frames (file, line, function, the code's own line) stay:
    they say where it happened."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        block = ["Traceback (most recent call last):\n", *traceback.format_tb(current.__traceback__)]
        block.append(f"{name} [{WITHHELD}]\n")
        parts[:0] = block
        if current.__cause__ is not None:
            parts.insert(0, "\nThe above exception was the direct cause of the following exception:\n\n")
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            parts.insert(0, "\nDuring handling of the above exception, another exception occurred:\n\n")
            current = current.__context__
        else:
            current = None
    return "".join(parts).rstrip("\n")


class ScrubSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # a formatter writes ``exc_text`` when it is set, and formats ``exc_info`` itself only when it is not
            record.exc_text = traceback_text(record.exc_info[1])
        return True


class WithoutTraceback(logging.Filter):
    """For a logger whose one line says everything (``django.security.DisallowedHost``: a health probe or a scanner
    without the public host name): no traceback under it (an operator's review counted 14 lines per probe)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


_EXCEPTION_HEAD = re.compile(r"[^(:]*")


class TaskErrorText(logging.Filter):
    """Celery's lines of a failed or retried task (logger ``celery.app.trace``) carry the exception's repr in their
    arguments ("raised unexpected: RuntimeError('Failing row contains (…)')"), and its whole traceback text beside
    it: the type is kept, the text withheld, as for every other logged exception (found by a review)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict) and "exc" in record.args:
            record.args = {**record.args, "exc": _withheld(record.args["exc"])}
            if "traceback" in record.args:
                record.args["traceback"] = f"[{WITHHELD}]"
        data = getattr(record, "data", None)
        if isinstance(data, dict) and "exc" in data:  # the same context, handed to structured formatters
            record.data = {**data, "exc": _withheld(data["exc"]), "traceback": f"[{WITHHELD}]"}
        return True


def _withheld(text) -> str:
    head = _EXCEPTION_HEAD.match(str(text)).group(0).strip()
    return f"{head} [{WITHHELD}]"
