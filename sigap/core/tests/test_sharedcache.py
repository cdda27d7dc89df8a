"""Redis stopped does not stop filing or tracking (``sigap.core.sharedcache``): the cache answers from the
process's memory while Redis does not, rate limits still count, and ``/healthz`` says so."""

from __future__ import annotations

import json
import logging
import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from sigap.core import sharedcache
from sigap.reports.tests.factories import inner_point

from .test_throttles_shared import REDIS, child_env, run_children


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there now: connections are refused


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "sigap.core.sharedcache.SharedCache", "LOCATION": closed_port_url()}}
    yield caches["default"]


@pytest.mark.django_db
def test_a_report_is_filed_and_tracked_while_redis_is_down(dead_redis, caplog):
    """Found by an operator's review: with Redis stopped, POST /api/v1/reports and the tracking API answered 500
    (an HTML page from a JSON API), raised by the rate limiter's counter, though the database was up."""
    lat, lon = inner_point("31.75.07.1002")
    body = {"category": "saluran-tersumbat", "description": "Got mampet di depan gang, air meluap ke jalan.",
            "lat": lat, "lon": lon, "privacy": "private"}  # fmt: skip
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING, logger="sigap.core.sharedcache"):
        filed = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
        assert filed.status_code == 201, filed.content
        code = filed.json()["tracking_code"]
        assert client.get(f"/api/v1/track/{code}").status_code == 200
    warnings = [r for r in caplog.records if r.name == "sigap.core.sharedcache"]
    assert len(warnings) == 1 and "ConnectionError" in warnings[0].getMessage()  # once, not per request
    assert "127.0.0.1" not in warnings[0].getMessage()
    health = client.get("/healthz", HTTP_HOST="localhost")
    assert health.status_code == 200 and health.json()["cache"] == "unavailable"


def test_limits_still_count_in_the_process_while_redis_is_down(dead_redis, monkeypatch):
    cache = dead_redis
    assert cache.add("k", 0, 60) is True and cache.incr("k") == 1 and cache.incr("k") == 2
    assert cache.get("k") == 2 and not cache.available
    # after the pause Redis is asked again (and found still down): the process's own counts carry on
    monkeypatch.setattr(sharedcache.time, "monotonic", lambda: 10**9)
    assert cache.incr("k") == 3


def test_a_process_configured_with_an_unreachable_redis_counts_alone(tmp_path):
    """The settings choose the resilient backend: processes whose Redis does not answer keep their limits."""
    results = run_children(child_env(tmp_path, SIGAP_REDIS_URL=closed_port_url()), 1)
    assert results == [["20", "True", "True"]]


def test_every_thread_of_a_process_counts_in_the_same_memory_and_pause(dead_redis, caplog):
    """Django gives each thread its own backend object: the fallback was named after the object, so each request
    thread of a server process counted alone (eight threads, eight times the limit) and paid its own timeout and
    warning (found by a review)."""
    import threading

    main = dead_redis
    with caplog.at_level(logging.WARNING, logger="sigap.core.sharedcache"):
        assert main.add("rate:203.0.113.7", 0, 60) and main.incr("rate:203.0.113.7") == 1
        seen = {}

        def other_thread():
            other = caches["default"]
            seen["other object"] = other is not main
            seen["available"] = other.available  # the pause is the process's: not asked again
            seen["count"] = other.incr("rate:203.0.113.7")

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert seen == {"other object": True, "available": False, "count": 2}
    assert len([r for r in caplog.records if r.name == "sigap.core.sharedcache"]) == 1


def test_a_redis_error_that_is_not_an_outage_is_raised(settings):
    """Only an unreachable Redis falls back: another error (a value of the wrong type) is a bug, not hidden."""
    from redis.exceptions import ResponseError

    settings.CACHES = {"default": {"BACKEND": "sigap.core.sharedcache.SharedCache", "LOCATION": REDIS}}
    cache = caches["default"]
    if not cache.ping():
        pytest.skip(f"no Redis at {REDIS}")
    key = f"sigap-test-{uuid.uuid4().hex}"
    client = cache._cache.get_client(write=True)
    client.rpush(cache.make_and_validate_key(key), "a")  # a list where a counter is expected
    try:
        with pytest.raises(ResponseError):
            cache.incr(key)
        assert cache.available
    finally:
        client.delete(cache.make_and_validate_key(key))
