"""A database that cannot be reached is a 503 with ``Retry-After``, never a 500.

``OperationalError`` and ``InterfaceError`` are what Django raises when the connection cannot be made or
is lost (PostgreSQL stopped, restarting or failing over; a network cut; SQLite's file locked or gone).
The request did nothing it could half-do (every write is one transaction), so the client may simply
send it again a few seconds later; a report filed with an ``Idempotency-Key`` is then never filed twice.

Three places answer it, so every kind of endpoint does: the JSON API's exception handler
(``sigap.config.api``), ``DatabaseOutageMiddleware`` for every other view, and ``server_error_view``
(``handler500``) for a failure inside a middleware (the session store, the sign-in check). The answer
has the shape of the endpoint (``limits.refusal_response``: JSON, Open311, or a small bilingual page).
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError

from . import limits
from .errors import DomainError

log = logging.getLogger(__name__)


class DatabaseUnavailable(DomainError):
    status = 503
    code = "database_unavailable"


# ``OperationalError`` that says the query itself cannot run, whenever it is tried: SQLite's limits; PostgreSQL's
# class 54 ("program limit exceeded": stack depth, too many columns, an index row too big). Answered 503, a search
# too long to compile was told to come back in 5 seconds (a fuzzing review). A table or column missing stays an
# outage: during an upgrade's migration it is there a moment later.
_QUERY_SHAPE = (
    "pattern too complex",
    "too many sql variables",
    "string or blob too big",
    "expression tree is too large",
    "parser stack overflow",
    "too many terms",
    "too many columns",
)


def is_outage(exc: BaseException | None) -> bool:
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return False
    if str(getattr(exc.__cause__, "sqlstate", "") or "").startswith("54"):
        return False
    text = str(exc).lower()
    return not any(shape in text for shape in _QUERY_SHAPE)


def retry_after() -> int:
    return int(getattr(settings, "SIGAP_RETRY_AFTER_SECONDS", 5))


def unavailable() -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "Layanan sedang terganggu (basis data tidak dapat dihubungi). Tidak ada yang tersimpan setengah; "
        "coba lagi dalam beberapa detik.",
        "The service is disrupted (the database cannot be reached). Nothing was half-saved; "
        "please try again in a few seconds.",
    )


def with_retry_after(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(retry_after())
    return response


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    # the type and the first line only: a database error's message can quote the row's values
    log.warning(
        "database unavailable on %s %s (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).splitlines()[0][:200] if str(exc) else "",
    )
    return with_retry_after(limits.refusal_response(request, unavailable()))


class DatabaseOutageMiddleware:
    """A view that meets a database outage answers 503 with ``Retry-After``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return outage_response(request, exception)
        return None


def server_error_view(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage met outside any view (a middleware) is a 503 too; anything else the usual 500."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        try:
            return outage_response(request, exc)
        except Exception:  # noqa: BLE001 - rendering the page must not need what is down
            return with_retry_after(HttpResponse("503 Service Unavailable", status=503, content_type="text/plain"))
    from django.views.defaults import server_error

    try:
        if any(request.path.startswith(prefix) for prefix in getattr(settings, "SIGAP_REFUSAL_RENDERERS", {})):
            # a client reading JSON (the API, a channel, Open311) gets JSON, as from a view's own failure: an
            # error before the view (its sign-in or rate-limit check) answered an HTML page (an operator's review)
            return limits.refusal_response(request, server_failure())
        return server_error(request)
    except Exception:  # noqa: BLE001
        return HttpResponseServerError("500 Server Error", content_type="text/plain")


def server_failure() -> DomainError:
    return DomainError(
        "Terjadi kesalahan pada server; laporan Anda tidak tersimpan sebagian. Coba lagi.",
        "A server error occurred; nothing was half-saved. Please try again.",
        code="server_error",
        status=500,
    )
