"""The shared cache (Redis, ``SIGAP_REDIS_URL``) that a Redis outage does not turn into failed requests.

Rate-limit counters, the Open311 windows and the public figures live in the cache. With Django's Redis backend
alone, Redis stopped made every request that counts (filing a report, tracking one) answer 500, though the
database was up and nothing needed Redis to be right (found by an operator's review). ``SharedCache`` asks
Redis while it answers; when it does not (refused, timed out, reset), the operation goes to this process's
own memory cache, and so does every operation for the next ``RETRY_AFTER`` seconds, so a dead address costs one
timeout per process every few seconds rather than one per request. Counting is then per process, as in the
embedded default: limits still hold, each process counting alone, until Redis answers again. The outage is
logged as a warning at most once a minute per process, and ``/healthz`` says the cache is unavailable."""

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


class SharedCache(RedisCache):
    def __init__(self, server, params):
        options = {"socket_connect_timeout": SOCKET_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT}
        options.update(params.get("OPTIONS") or {})
        super().__init__(server, {**params, "OPTIONS": options})
        self._local = LocMemCache(f"sigap-shared-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._warned_at = -WARN_EVERY

    @property
    def available(self) -> bool:
        """Whether Redis answered the last time it was asked (or has not been asked since it was down)."""
        return time.monotonic() >= self._down_until

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_AFTER
            warn = now - self._warned_at >= WARN_EVERY
            if warn:
                self._warned_at = now
        if warn:  # the error's type only: its text may name the server's address and port
            log.warning("shared cache (Redis) unavailable (%s): this process counts alone", type(error).__name__)

    def _call(self, name: str, *args, **kwargs):
        from redis.exceptions import RedisError

        if time.monotonic() < self._down_until:
            return getattr(self._local, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._went_down(error)
            return getattr(self._local, name)(*args, **kwargs)

    def clear(self):
        self._local.clear()
        return self._call("clear")

    def ping(self) -> bool:
        """Ask Redis itself, past the pause (``/healthz``)."""
        from redis.exceptions import RedisError

        try:
            return bool(self._cache.get_client(write=True).ping())
        except (RedisError, OSError) as error:
            self._went_down(error)
            return False


def _operation(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"``{name}`` on Redis, or on this process's memory while Redis does not answer."
    return method


for _name in _OPERATIONS:
    setattr(SharedCache, _name, _operation(_name))
