"""A web worker caps glibc's malloc arenas before its threads start (``sigap.config.server.limit_malloc_arenas``).

Each case runs in a fresh interpreter: the cap applies to threads started afterwards, and glibc's own count of
arenas (``malloc_stats()``, printed on stderr as one "Arena N:" block per arena) is what is checked.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from sigap.config.server import options

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's"
)

ROOT = Path(__file__).resolve().parents[3]

# Eight threads that each allocate and free blocks above pymalloc's 512-byte limit (so glibc's malloc serves
# them) while the others are alive, then glibc's statistics.
SCRIPT = """
import ctypes, sys, threading
from types import SimpleNamespace
from sigap.config import server
mode = sys.argv[1]
if mode == "hook":
    server._post_fork(None, SimpleNamespace(cfg=SimpleNamespace(env={"SIGAP_MALLOC_ARENAS": "2"})))
elif mode == "call":
    print("applied" if server.limit_malloc_arenas(2) else "not applied", flush=True)
start = threading.Barrier(8)
def work():
    start.wait()
    for _ in range(200):
        blocks = [bytes(2048) for _ in range(200)]
        del blocks
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ctypes.CDLL("libc.so.6").malloc_stats()
"""


def arenas(mode: str, **env) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena ")), done.stdout


def test_threads_grow_their_own_arenas_without_the_cap():
    # what the cap is for: without it, glibc hands threads arenas of their own
    count, _ = arenas("none")
    assert count > 2


def test_the_cap_holds_the_arenas_of_threads_started_afterwards():
    count, out = arenas("call")
    assert out.strip() == "applied"
    assert 1 <= count <= 2


def test_each_worker_applies_the_cap_in_its_post_fork_hook():
    count, _ = arenas("hook")
    assert 1 <= count <= 2


def test_an_operators_malloc_arena_max_is_left_alone():
    count, out = arenas("call", MALLOC_ARENA_MAX="3")
    assert out.strip() == "not applied"
    assert count <= 3


def test_the_server_passes_the_cap_to_its_workers(monkeypatch):
    def opts():
        return options(
            host="127.0.0.1",
            port=8000,
            workers=2,
            threads=8,
            timeout=60,
            graceful_timeout=30,
            keepalive=5,
            header_seconds=10,
            body_seconds=60,
            max_requests=0,
            access_log=False,
            warm_categorizer=False,
            trusted_proxy="",
        )

    monkeypatch.delenv("SIGAP_MALLOC_ARENAS", raising=False)
    assert "SIGAP_MALLOC_ARENAS=2" in opts()["raw_env"]
    monkeypatch.setenv("SIGAP_MALLOC_ARENAS", "4")
    assert "SIGAP_MALLOC_ARENAS=4" in opts()["raw_env"]
    assert opts()["post_fork"].__name__ == "_post_fork"
