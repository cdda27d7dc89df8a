"""Rate limits and the sign-in lockout.

``per_ip``: request rate limits per client IP, each scope with its own counter (filing and tracking must not
share one). A counter is a fixed window of the rate's period, one cache key per (scope, address, window), the address
named by its keyed hash (``counter_name``),
counted with the cache's atomic ``add``/``incr``: with Redis (``SIGAP_REDIS_URL``) every web process and
machine counts into the same key; with the per-process memory cache (embedded default) each process counts
alone. A client can pass at most twice the rate across a window boundary.

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

import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.crypto import salted_hmac
from ninja.throttling import AnonRateThrottle

LOCKED_ID = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam beberapa menit."
LOCKED_EN = "Too many failed sign-in attempts. Try again in a few minutes."


class WindowThrottle(AnonRateThrottle):
    """A fixed-window counter per scope and client address, atomic in the cache (see the module docstring)."""

    def __init__(self, scope: str, rate: str):
        self.scope = scope
        super().__init__(rate)

    def get_ident(self, request) -> str | None:
        # never X-Forwarded-For itself: the server rewrites the address for a trusted proxy
        return address_bucket(client_ip(request))

    def allow_request(self, request) -> bool:
        from django.core.cache import cache

        ident = self.get_ident(request)
        if ident is None or self.num_requests is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        key = f"throttle:{self.scope}:{counter_name(ident)}:{window}"
        cache.add(key, 0, timeout=self.duration + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.duration + 5)
            count = 1
        self.window_end = (window + 1) * self.duration
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_end - self.now)


def counter_name(bucket: str) -> str:
    """What a rate counter is named by instead of the client's address: a keyed hash of its bucket. The counters
    live in the cache (Redis in production: shared, written to its snapshot files, shown to MONITOR), and one named
    by the address paired a resident's address with the minute their report was filed (a review as the database's
    and Redis' owner). The key (``SECRET_KEY``) is not theirs: 2^32 addresses are no guess without it."""
    return salted_hmac("sigap.throttles.counter", bucket).hexdigest()[:32]


def per_ip(scope: str, rate: str) -> WindowThrottle:
    return WindowThrottle(scope, rate)


def address_bucket(addr: str | None) -> str | None:
    """What one client is counted by: an IPv4 address alone, an IPv6 address by its /64 (a subscriber line or a
    host is routinely given a whole /64: counting each address alone would let it change addresses without
    limit); an IPv4-mapped IPv6 address as its IPv4 address."""
    if not addr:
        return None
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return addr
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_ip(request) -> str | None:
    """The client address as the server sees it (``sigap serve --trusted-proxy`` rewrites it behind a proxy), as
    the sign-in lockout counts it (``AXES_CLIENT_IP_CALLABLE``): an IPv6 client by the first address of its /64,
    like every other limit (``address_bucket``). Counted address by address, a client with a /64 took a fresh
    address for each guess and was never locked out."""
    bucket = address_bucket(request.META.get("REMOTE_ADDR") or None)
    return bucket.split("/", 1)[0] if bucket else None  # an address: the lockout's table stores one


def lockout_rules() -> list[tuple[tuple[str, ...], int]]:
    rules = settings.SIGAP_LOGIN_LOCKOUT
    return [
        (("username", "ip_address"), int(rules["account_address"])),
        (("username",), int(rules["account"])),
        (("ip_address",), int(rules["address"])),
    ]


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
