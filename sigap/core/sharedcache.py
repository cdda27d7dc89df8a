"""The shared cache (Redis, ``SIGAP_REDIS_URL``) that a Redis outage does not turn into failed requests.

Rate-limit counters, the Open311 windows and the public figures live in the cache. With Django's Redis backend
alone, Redis stopped made every request that counts (filing a report, tracking one) answer 500, though the
database was up and nothing needed Redis to be right (found by an operator's review). ``SharedCache`` asks
Redis while it answers; when it cannot be reached (refused, timed out, reset, or a replica that refuses writes
after a failover), the operation goes to this process's own memory cache, and so does every operation for the
next ``RETRY_AFTER`` seconds, so a dead address costs one timeout per process every few seconds rather than one
per request. Counting is then per process, as in the embedded default: limits still hold, each process counting
alone, until Redis answers again. The outage is logged as a warning at most once a minute per process, and
``/healthz`` says the cache is unavailable. Any other Redis error (a wrong type, say) is a bug and is raised.

Django gives each thread its own backend object: the memory, the pause and the warning's time belong to the
process (keyed by the Redis address), not to the object, or each request thread would count alone (a review)."""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds of this process's memory after Redis failed, before asking it again
WARN_EVERY = 60.0
# answers within this; redis-py's default is to wait for the operating system (a dead host: minutes)
SOCKET_TIMEOUT = 0.5

_OPERATIONS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many")


class _Outage:
    """One Redis address's state in this process: until when it is not asked, and when it was last warned of."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.warned_at = -WARN_EVERY


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage(server: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(server, _Outage())


def _unreachable() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError, ReadOnlyError, TimeoutError

    return (ConnectionError, TimeoutError, ReadOnlyError, OSError)


class SharedCache(RedisCache):
    def __init__(self, server, params):
        options = {"socket_connect_timeout": SOCKET_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT}
        options.update(params.get("OPTIONS") or {})
        super().__init__(server, {**params, "OPTIONS": options})
        address = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage(address)
        # LocMemCache instances of one name share one store: every thread's backend object counts in the same one
        self._local = LocMemCache(f"sigap-shared-fallback:{address}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    @property
    def available(self) -> bool:
        """Whether Redis answered the last time it was asked (or has not been asked since it was down)."""
        return time.monotonic() >= self._outage.down_until

    def _went_down(self, error: BaseException) -> None:
        now = time.monotonic()
        outage = self._outage
        with outage.lock:
            outage.down_until = now + RETRY_AFTER
            warn = now - outage.warned_at >= WARN_EVERY
            if warn:
                outage.warned_at = now
        if warn:  # the error's type only: its text may name the server's address and port
            log.warning("shared cache (Redis) unavailable (%s): this process counts alone", type(error).__name__)

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < self._outage.down_until:
            return getattr(self._local, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except _unreachable() as error:
            self._went_down(error)
            return getattr(self._local, name)(*args, **kwargs)

    def clear(self):
        self._local.clear()
        return self._call("clear")

    def ping(self) -> bool:
        """Ask Redis itself, past the pause (``/healthz``): an answer ends the pause."""
        try:
            answered = bool(self._cache.get_client(write=True).ping())
        except _unreachable() as error:
            self._went_down(error)
            return False
        if answered:
            with self._outage.lock:
                self._outage.down_until = 0.0
        return answered


def _operation(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"``{name}`` on Redis, or on this process's memory while Redis cannot be reached."
    return method


for _name in _OPERATIONS:
    setattr(SharedCache, _name, _operation(_name))
