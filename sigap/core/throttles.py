"""Rate limits and the sign-in lockout.

``per_ip``: request rate limits per client IP, each with its own counter (filing and tracking must not
share one).

Sign-in lockout (django-axes, one mechanism for the console login, the admin login and the API token
endpoint, since all three call ``authenticate(request, ...)``). Failures are counted per rule, each with
its own limit within ``AXES_COOLOFF_TIME`` (settings ``SIGAP_LOGIN_LOCKOUT``):

* the same account from the same address (a person guessing: low limit);
* the same account from any address (guessing spread over many addresses: higher limit, so one
  colleague's typos behind an office's shared NAT address do not lock everyone else out);
* the same address for any account (password spraying: highest limit).

A wrong one-time code counts as a failure too (``sigap.officers.signin``).
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from ninja.throttling import AnonRateThrottle

LOCKED_ID = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam beberapa menit."
LOCKED_EN = "Too many failed sign-in attempts. Try again in a few minutes."


def per_ip(scope: str, rate: str) -> AnonRateThrottle:
    throttle = AnonRateThrottle(rate)
    throttle.scope = scope
    return throttle


def client_ip(request) -> str | None:
    """The client address as the server sees it (``sigap serve --trusted-proxy`` rewrites it behind a proxy)."""
    return request.META.get("REMOTE_ADDR") or None


def lockout_rules() -> list[tuple[tuple[str, ...], int]]:
    rules = settings.SIGAP_LOGIN_LOCKOUT
    return [(("username", "ip_address"), int(rules["account_address"])), (("username",), int(rules["account"])),
            (("ip_address",), int(rules["address"]))]


def _failures(request, credentials, fields: tuple[str, ...]) -> int:
    from axes.attempts import get_cool_off_threshold
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt
    from django.db.models import Sum

    values = {"username": get_client_username(request, credentials), "ip_address": request.axes_ip_address}
    if any(values[f] is None for f in fields):
        return 0
    qs = AccessAttempt.objects.filter(**{f: values[f] for f in fields})
    if settings.AXES_COOLOFF_TIME:
        qs = qs.filter(attempt_time__gte=get_cool_off_threshold(request))
    return qs.aggregate(n=Sum("failures_since_start"))["n"] or 0


try:
    from axes.handlers.database import AxesDatabaseHandler
except ImportError:  # pragma: no cover - axes is a dependency; this keeps `per_ip` importable without it
    AxesDatabaseHandler = object


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per rule (see the module docstring).

    Axes compares one number with ``AXES_FAILURE_LIMIT``; this handler answers, for the rule closest to its
    limit, its failures scaled to that limit, so "locked" means exactly "some rule reached its own limit".
    """

    def get_failures(self, request, credentials=None) -> int:
        base = int(settings.AXES_FAILURE_LIMIT)
        return max((_failures(request, credentials, fields) * base) // limit for fields, limit in lockout_rules())


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """429 in the shape of the surface: JSON for the API, the login page's own answer or plain text otherwise."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": LOCKED_ID, "message_en": LOCKED_EN}, status=429)
    return HttpResponse(f"{LOCKED_ID}\n{LOCKED_EN}\n", status=429, content_type="text/plain; charset=utf-8")
