"""HTTP JSON intake through the production server (`sigap serve`, gunicorn), loaded by `wrk`.

    python bench/http_server.py [--db postgres|sqlite] [--workers 2] [--threads 8] [--connections 16] [--duration 30]
                         [--runs 2] [--wrk-threads 2] [--keep]

Builds a fresh database (PostgreSQL: ``sigap_bench_http`` on 127.0.0.1:5432, dropped and created anew; SQLite:
a file in a temporary SIGAP_HOME), migrates it (Jakarta's reference data), starts ``sigap serve --workers N``
on a free loopback port and runs ``wrk`` (a compiled load generator, so the client does not eat the cores:
``apt-get install wrk``) with ``bench/http_intake.lua``: ``POST /api/v1/reports`` as JSON, each report at a random
point inside one of the 267 kelurahan, with a reporter (the vault encrypts). Prints, per run: requests per
second, p50/p90/p99 latency, statuses; then the workers' memory (RSS and PSS) after all runs, the reports stored
(each answered 201 must be stored exactly once), and the machine's load (this benchmark is meant for a shared
2-core machine: figures taken while other work runs are noisy, so the load is printed next to them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "sigap_bench_http"
LUA = ROOT / "bench" / "http_intake.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def core_speed() -> float:
    """Milliseconds one core takes for a fixed piece of pure Python (ten million additions), the best of three:
    machines of the same kind here differ by up to 2× in it, and so do the rates below, which makes it the figure
    to read next to them when runs from different machines are compared."""
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best * 1000


def cpu_busy(seconds: float = 2.0) -> float:
    """Share of the machine's CPU time that was busy over ``seconds`` (all processes)."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def memory(pid: int) -> tuple[float, float, float]:
    """(RSS, PSS, anonymous RSS) of a process in MB; RSS less the anonymous part is library code and data mapped
    from files (shared between the workers, counted in each one's RSS)."""
    rss = pss = anon = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
        elif line.startswith("Anonymous:"):
            anon = int(line.split()[1])
    return rss / 1024, pss / 1024, anon / 1024


def cpu_by_pid(pids) -> dict[int, float]:
    """User + system CPU time of each of these processes (with its threads), in seconds."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two samples by the processes alive at the second (a new one counts whole)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def pg_backends(db: str) -> list[int]:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (db,))]


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(p) for p in (task / "children").read_text().split()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary SIGAP_HOME")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    home = Path(tempfile.mkdtemp(prefix="sigap-bench-http-"))
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        url = f"sqlite:///{home / 'sigap.sqlite3'}"
    env = {
        **os.environ,
        "SIGAP_HOME": str(home),
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "SIGAP_CITIZEN_RATE": "1000000/m",
        "SIGAP_TILE_URL": "",
        "SIGAP_LOG_LEVEL": "WARNING",
        "SIGAP_DB_CONN_MAX_AGE": "3600",
    }
    cli = [sys.executable, "-m", "sigap.cli"]
    for command in (["migrate", "--verbosity", "0"], ["reference"]):
        subprocess.run(
            cli + command, env=env, check=True, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    points = home / "points.txt"
    code = (
        "from sigap.organization.models import Wilayah; "
        "print('\\n'.join(f'{w.inner_lat} {w.inner_lon}' for w in Wilayah.objects.exclude(inner_lat=None) "
        "if len(w.code) == 13))"
    )
    out = subprocess.run(cli + ["shell", "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    points.write_text("\n".join(line for line in out.splitlines() if re.match(r"^-?\d", line)) + "\n")

    port = free_port()
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        cli
        + [
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--no-periodic",
        ],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("server did not start:\n" + (home / "server.log").read_text()[-3000:])
        print(
            f"sigap serve --workers {args.workers} --threads {args.threads} on {args.db}; wrk -t{args.wrk_threads} "
            f"-c{args.connections} -d{args.duration}s; {os.cpu_count()} cores",
            flush=True,
        )
        busy = cpu_busy()
        print(
            f"machine before: load average {os.getloadavg()[0]:.1f}, CPU {busy:.0%} busy (other processes); "
            f"core speed: {core_speed():.0f} ms for ten million Python additions (lower is faster)",
            flush=True,
        )
        started = [memory(pid) for pid in children(server.pid)]
        print(
            "workers loaded, before any request: "
            + ", ".join(f"RSS {r:.0f} MB ({a:.0f} anonymous + {r - a:.0f} from files)" for r, _p, a in started),
            flush=True,
        )
        # warm up: every worker imports, connects and routes once
        subprocess.run(
            ["wrk", "-t1", "-c4", "-d3s", "-s", str(LUA), base, "--", str(points)], check=True, capture_output=True
        )
        results = []
        for run in range(args.runs):
            workers = children(server.pid)
            cpu0 = cpu_by_pid(workers)
            pg0 = cpu_by_pid(pg_backends(PG_DB)) if args.db == "postgres" else {}
            wrk = subprocess.run(
                [
                    "wrk",
                    f"-t{args.wrk_threads}",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(LUA),
                    base,
                    "--",
                    str(points),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            line = next(x for x in wrk.stdout.splitlines() if x.startswith("WRK_JSON "))
            result = json.loads(line.removeprefix("WRK_JSON "))
            results.append(result)
            # CPU per request: the web workers' (Python) and their PostgreSQL backends' (a backend closed during
            # the run is missed: the server keeps its connections for SIGAP_DB_CONN_MAX_AGE, set long here)
            web_ms = cpu_used(cpu0, cpu_by_pid(workers)) * 1000 / max(1, result["requests"])
            backends = pg_backends(PG_DB) if args.db == "postgres" else []
            pg_ms = cpu_used(pg0, cpu_by_pid(backends)) * 1000 / max(1, result["requests"])
            print(
                f"run {run + 1}: {result['rate']:.1f} req/s, p50 {result['p50_ms']:.1f} ms, p90 "
                f"{result['p90_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.0f} ms, "
                f"statuses {result['statuses']}, socket errors {result['errors']}; CPU per request: web workers "
                f"{web_ms:.1f} ms" + (f", PostgreSQL {pg_ms:.1f} ms" if backends else ""),
                flush=True,
            )
        workers = children(server.pid)
        mem = [memory(pid) for pid in workers]
        total_requests = sum(r["requests"] for r in results)
        print(
            f"workers after {total_requests:,} measured requests (+ warm-up): "
            + ", ".join(
                f"RSS {r:.0f} MB ({a:.0f} anonymous + {r - a:.0f} from files) / PSS {p:.0f} MB" for r, p, a in mem
            )
            + f"; together RSS {sum(m[0] for m in mem):.0f} MB, PSS {sum(m[1] for m in mem):.0f} MB",
            flush=True,
        )
        master = memory(server.pid)
        print(f"master: RSS {master[0]:.0f} MB / PSS {master[1]:.0f} MB", flush=True)
        count = subprocess.run(
            cli
            + [
                "shell",
                "-c",
                "from sigap.reports.models import Report; "
                "print('REPORTS', Report.objects.count(), Report.objects.values('number').distinct().count())",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        stored = next(x for x in count.splitlines() if x.startswith("REPORTS")).split()[1:]
        print(
            f"reports stored: {stored[0]} ({stored[1]} distinct numbers); answered 201 in the measured runs: "
            f"{sum(r['statuses'].get('201', 0) for r in results)} (+ warm-up)",
            flush=True,
        )
        print(f"machine after: load average {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"kept {home}")


if __name__ == "__main__":
    main()
