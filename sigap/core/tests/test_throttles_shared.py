"""Rate limits counted in Redis (SIGAP_REDIS_URL) are shared by every process: four processes filing from one
address together get exactly the limit, not four times it. Needs the local Redis at 127.0.0.1:6379."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest

REDIS = os.environ.get("SIGAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up() -> bool:
    host_port = REDIS.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port or 6379)), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_up(), reason=f"no Redis server at {REDIS} (set SIGAP_TEST_REDIS_URL)")

CHILD = """
import django; django.setup()
from django.test import RequestFactory
from sigap.core.throttles import per_ip
throttle = per_ip("report", "25/h")
request = RequestFactory().post("/api/v1/reports", REMOTE_ADDR="203.0.113.7")
other = RequestFactory().post("/api/v1/reports", REMOTE_ADDR="203.0.113.8")
print(sum(throttle.allow_request(request) for _ in range(20)), per_ip("track", "25/h").allow_request(request),
      throttle.allow_request(other))
"""


def run_children(env: dict, n: int) -> list[list[str]]:
    procs = [
        subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True) for _ in range(n)
    ]
    return [p.communicate(timeout=120)[0].split() for p in procs]


def child_env(tmp_path, **extra) -> dict:
    return {
        **os.environ,
        "SIGAP_HOME": str(tmp_path),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
        "PYTHONPATH": os.pathsep.join(sys.path),
        **extra,
    }


def test_redis_counts_are_shared_by_processes(tmp_path):
    env = child_env(tmp_path, SIGAP_REDIS_URL=REDIS, SIGAP_REDIS_PREFIX=f"test-{uuid.uuid4().hex}")
    results = run_children(env, 4)
    # 4 processes × 20 attempts from one address, limit 25 an hour: 25 pass in all (if the hour turned during
    # the run, a fresh window lets up to 25 more through; counting per process would let all 80 through)
    allowed = sum(int(r[0]) for r in results)
    assert 25 <= allowed <= 50, results
    # another scope (tracking) and another address have their own counters
    assert all(r[1] == "True" and r[2] == "True" for r in results), results


def test_without_redis_each_process_counts_alone(tmp_path):
    env = child_env(tmp_path)
    env.pop("SIGAP_REDIS_URL", None)
    env.pop("SIGAP_REDIS_CACHE_URL", None)
    results = run_children(env, 2)
    assert [r[0] for r in results] == ["20", "20"]
