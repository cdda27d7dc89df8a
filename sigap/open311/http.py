"""What every Open311 endpoint does around its work: method check, jurisdiction, api_key, rate limit, and
answering every refusal in the GeoReport v2 error shape (never a 5xx for bad input; an unexpected bug is
logged and answered as a 500 in the same shape).

Shared by the read views and the POST handler (``post.py``).
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from sigap.core.errors import DomainError
from sigap.core.language import error_text
from sigap.core.models import last_used_touch
from sigap.core.outage import retry_after
from sigap.core.throttles import address_bucket, counter_name

from .errors import Open311Error, forbidden, not_found, open311_status
from .formats import render_error
from .models import ApiClient

log = logging.getLogger(__name__)


def jurisdiction_id() -> str:
    return getattr(settings, "SIGAP_OPEN311_JURISDICTION", "") or settings.SIGAP_PROVINCE


def public_per_minute() -> int:
    return int(getattr(settings, "SIGAP_OPEN311_PUBLIC_PER_MINUTE", 120))


def param(request, name: str) -> str | None:
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name)
    return value


def jurisdiction_check(request) -> None:
    value = param(request, "jurisdiction_id")
    if value and value.strip() != jurisdiction_id():
        raise not_found(
            "jurisdiction_id tidak dikenal.",
            "jurisdiction_id not found.",
            code="unknown_jurisdiction",
            field="jurisdiction_id",
        )


def client_from_request(request, *, required: bool) -> ApiClient | None:
    """The client app of a request (``api_key`` parameter, or the ``X-API-Key`` header); 403 if invalid."""
    key = param(request, "api_key") or request.headers.get("X-API-Key")
    if not key:
        if required:
            raise forbidden(
                "api_key wajib untuk membuat laporan.",
                "An api_key is required to create a request.",
                code="api_key_required",
            )
        return None
    client = ApiClient.objects.filter(key_hash=ApiClient.hash(key.strip()), active=True).first()
    if client is None:
        raise forbidden("api_key tidak valid.", "Invalid api_key.")
    last_used_touch(client)
    return client


def rate_check(*, bucket: str, per_minute: int) -> None:
    """A fixed one-minute window counted in the cache (shared by processes when the cache is Redis)."""
    key = f"open311:rate:{bucket}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > per_minute:
        raise Open311Error(
            "Terlalu banyak permintaan, coba lagi sebentar lagi.",
            "Too many requests, try again shortly.",
            code="rate_limited",
            status=429,
        )


def throttle(request, client: ApiClient | None) -> None:
    if client is not None:
        rate_check(bucket=f"client:{client.pk}", per_minute=client.rate_per_minute)
    else:
        # by the address's keyed hash, never the address: the counter lives in the cache (``throttles.counter_name``)
        address = address_bucket(request.META.get("REMOTE_ADDR") or None) or ""
        rate_check(bucket=f"ip:{counter_name(address)}", per_minute=public_per_minute())


def _scrub_dict(data: QueryDict) -> QueryDict:
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
    clean._mutable = False
    return clean


def _scrub(request) -> None:
    """NUL characters never reach a query or a row (PostgreSQL refuses them in text)."""
    request.GET = _scrub_dict(request.GET)
    if request.method == "POST":
        request.POST = _scrub_dict(request.POST)


def open311_view(methods: tuple[str, ...] = ("GET", "HEAD")):
    """Wrap a view ``view(request, *, fmt, ...)``: method check, and every error as a GeoReport error document."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str = "xml", **kwargs):
            if request.method not in methods:
                response = render_error(fmt, 405, f"Method {request.method} not allowed.", code="method_not_allowed")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                _scrub(request)
                kwargs = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in kwargs.items()}
                return view(request, *args, fmt=fmt, **kwargs)
            except DomainError as exc:
                status = open311_status(exc)
                response = render_error(fmt, status, error_text(exc), code=exc.code, field=exc.field)
                if status == 503:
                    response["Retry-After"] = str(retry_after())
                return response
            except (SuspiciousOperation, MultiPartParserError, UnicodeDecodeError):
                # too big, too many fields, a broken multipart body, undecodable bytes: the client's fault
                return render_error(fmt, 400, "The request body could not be read.", code="unreadable_request")
            except Exception:
                log.exception("unhandled Open311 error on %s %s", request.method, request.path)
                return render_error(fmt, 500, "Server error; nothing was saved. Please try again.", code="server_error")

        # an API for client apps, which send no CSRF cookie and act on no session: a POST to a read-only endpoint is
        # its 405 error document, not Django's HTML 403 page (found by a review of GeoReport v2 conformance)
        return csrf_exempt(wrapper)

    return decorate
