"""Benchmark of the duplicate finder at a hot spot, in-process, on SQLite and on PostgreSQL.

    python bench/duplicates.py [--db sqlite|postgres|both] [--n 5000] [--points-n 500] [--keep]

Each database runs in its own child process with a fresh temporary SIGAP_HOME. SQLite: the default file
database in it. PostgreSQL: the database ``sigap_bench_duplicates`` on 127.0.0.1:5432 (user postgres,
trust auth), dropped and created anew at the start. The child migrates, loads Jakarta's reference data,
then files reports one at a time through ``report_submit`` (the intake a channel calls; each its own
transaction), with notification delivery deferred (as with a Celery worker) so the figures are about
filing:

(1) **hot spot**: --n reports (default 5,000) within 100 m of one point in one category, texts drawn from
    a few phrasings of a blocked drain (most repeat one another; some do not). Prints the rate of the
    first 1,000 and of the last 1,000 (target: last >= 0.8 x first), the SQL statements of one filing at
    the start and at the end, and how many earlier reports the duplicate lookup read and compared.
(2) **five points**: --points-n reports (default 500) spread round-robin over five points in five
    kelurahan, same category; rate of the first and the last fifth.

The script only calls ``report_submit`` and ``candidates_for_many``, so it also runs against older trees
(before features were stored) for a before/after comparison. The machine's CPU use by other processes is
sampled before each database: on a shared 2-core machine, figures taken while it is busy are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "sigap_bench_duplicates"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
CATEGORY = "saluran-tersumbat"
HOT_SPOT = "31.75.07.1002"  # Pondok Bambu
FIVE = ("31.75.07.1002", "31.71.01.1001", "31.74.01.1001", "31.72.01.1001", "31.73.01.1001")
PHRASES = (
    "Got mampet penuh sampah plastik di depan gang {w}, air meluap ke jalan kalau hujan.",
    "got mampet di gang {w}, sampah plastik numpuk air meluap",
    "Saluran air di gang {w} tersumbat sampah, air meluber ke jalan setiap hujan deras.",
    "Gang {w} banjir lagi karena got tersumbat sampah, mohon dibersihkan.",
    "Penutup saluran di gang {w} patah dan berbahaya bagi anak sekolah.",  # not a repeat of the others
)
WORDS = ("Mawar", "Melati", "Kenanga", "Anggrek", "Dahlia")


def child_env(db: str, home: str) -> dict:
    env = os.environ.copy()
    for name in (
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "SIGAP_REDIS_CACHE_URL",
        "SIGAP_VAULT_KEY",
        "SIGAP_VAULT_KEY_FILE",
        "SECRET_KEY",
        "SIGAP_DEBUG",
    ):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
            "SIGAP_HOME": home,
            "SIGAP_CITIZEN_RATE": "1000000/m",
            "SIGAP_TRACK_RATE": "1000000/m",
            "SIGAP_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SIGAP_LOG_LEVEL": "ERROR",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    if db == "postgres":
        env["DATABASE_URL"] = PG_URL
    return env


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all cores busy over ``seconds`` (this process sleeps meanwhile), from /proc/stat."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- parent ---------------------------------------------------------------------------------------


def parent(args) -> int:
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results, status = {}, 0
    for db in dbs:
        if db == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {PG_DB}")
        home = tempfile.mkdtemp(prefix="sigap-bench-dup-")
        out = Path(home) / "result.json"
        print(f"\n=== {db} ===", flush=True)
        cmd = [
            sys.executable,
            "-u",
            str(Path(__file__).resolve()),
            "--_child",
            "--n",
            str(args.n),
            "--points-n",
            str(args.points_n),
            "--_out",
            str(out),
        ]
        rc = subprocess.call(cmd, env=child_env(db, home), cwd=str(ROOT))
        if rc != 0 or not out.exists():
            print(f"!!! {db}: the child failed (exit {rc})", flush=True)
            status = 1
        else:
            results[db] = json.loads(out.read_text())
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    if results:
        print(f"\n{'=' * 100}\nSUMMARY (in-process report_submit, delivery deferred; {os.cpu_count()} cores)")
        for r in results.values():
            h, f = r["hot"], r["five"]
            print(
                f"{r['db']}: hot spot {r['n']} reports within 100 m: first 1,000 {h['first']:.0f}/s, "
                f"last 1,000 {h['last']:.0f}/s (last/first {h['last'] / h['first']:.2f}; target >= 0.80: "
                f"{'MET' if h['last'] >= 0.8 * h['first'] else 'NOT MET'}); statements per filing "
                f"{h['statements_start']} at the start, {h['statements_end']} at the end; the lookup compared "
                f"{h['compared_start']} then {h['compared_end']} earlier reports; "
                f"{h['clusters']} clusters; lookup {h['lookup_ms_first']:.2f} -> {h['lookup_ms_last']:.2f} ms per "
                f"filing; process CPU {h['cpu_ms_first']:.2f} -> {h['cpu_ms_last']:.2f} ms per filing; busy before start {r['busy']:.0%}"
            )
            print(
                f"{r['db']}: five points, {r['points_n']} reports: first fifth {f['first']:.0f}/s, last fifth "
                f"{f['last']:.0f}/s, overall {f['all']:.0f}/s; lookup {f['lookup_ms_first']:.2f} -> "
                f"{f['lookup_ms_last']:.2f} ms per filing"
            )
    return status


# --- child ----------------------------------------------------------------------------------------


def submission(lat: float, lon: float, i: int, *, phrase: int | None = None):
    from sigap.intake.services import Reporter, Submission

    text = PHRASES[(i * 7) % len(PHRASES) if phrase is None else phrase].format(w=WORDS[(i * 3) % len(WORDS)])
    return Submission(
        category=CATEGORY,
        description=f"{text} (laporan {i})",
        lat=lat,
        lon=lon,
        channel="api",
        privacy="private",
        reporter=Reporter(name="Budi Santoso", phone="081234567890"),
    )


def one_filing(sub) -> tuple[int, int]:
    """Statements of one filing, and how many earlier reports its duplicate lookup compared."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from sigap.intake.services import report_submit
    from sigap.reports import duplicates

    compared = []
    real = duplicates._similarity
    duplicates._similarity = lambda a, b: compared.append(1) or real(a, b)
    try:
        # inside a transaction of ours, the filing is written by this thread (not by the group committer),
        # so its statements are seen here
        with CaptureQueriesContext(connection) as q, transaction.atomic():
            report_submit(sub)
    finally:
        duplicates._similarity = real
    return len(q.captured_queries), len(compared)


def child(args) -> int:
    import django

    django.setup()
    import random

    from django.core.management import call_command
    from django.db import connection

    from sigap.intake.services import report_submit
    from sigap.organization.loaders import reference_load
    from sigap.organization.models import Wilayah
    from sigap.reports import outbox
    from sigap.reports.models import Report

    call_command("migrate", verbosity=0)
    reference_load(progress=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            db = f"PostgreSQL {cur.fetchone()[0]}"
    else:
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version}"
    busy = cpu_busy()
    print(
        f"machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, load average {loadavg()}; "
        f"other processes kept {busy:.0%} of the cores busy in the second before start; database {db}; "
        f"run at {time.strftime('%Y-%m-%d %H:%M:%S %Z')}",
        flush=True,
    )
    outbox.register_sender(lambda _ids: None)  # delivery deferred: the figures are about filing
    from sigap.reports import services

    lookup: list[float] = []
    real_lookup = services.candidates_for_many

    def timed_lookup(reports):
        t = time.perf_counter()
        try:
            return real_lookup(reports)
        finally:
            lookup.append(time.perf_counter() - t)

    services.candidates_for_many = timed_lookup
    rng = random.Random(20261202)

    # (1) the hot spot
    w = Wilayah.objects.get(code=HOT_SPOT)
    lat0, lon0 = w.inner_lat, w.inner_lon
    d = 70 / 111_000  # every point within ~100 m of the centre (a 140 m square's corners are 99 m away)

    def hot(i):
        return submission(lat0 + rng.uniform(-d, d) / 1.42, lon0 + rng.uniform(-d, d) / 1.42, i)

    n = args.n
    stamps, cpu = [], []
    statements_start = compared_start = statements_end = compared_end = 0
    t0 = time.perf_counter()
    for i in range(n):
        if i == 10:
            statements_start, compared_start = one_filing(hot(i))
        elif i == n - 10:
            statements_end, compared_end = one_filing(hot(i))
        else:
            report_submit(hot(i))
        stamps.append(time.perf_counter())
        cpu.append(time.process_time())
        if (i + 1) % 1000 == 0:
            since = stamps[i - 1000] if i >= 1000 else t0
            print(f"  {i + 1} filed, {1000 / (stamps[i] - since):.0f}/s over the last 1,000", flush=True)
    k = min(1000, n // 2)
    first = k / (stamps[k - 1] - t0)
    last = k / (stamps[-1] - stamps[-k - 1])
    # CPU of this process (all its threads: the group committer writes) per filing: less noisy than the
    # rate on a busy machine
    cpu_first = 1000 * (cpu[k - 1] - cpu[0]) / (k - 1)
    cpu_last = 1000 * (cpu[-1] - cpu[-k - 1]) / k
    try:
        clusters = Report.objects.filter(dup_rep__isnull=True).count()
    except Exception:  # noqa: BLE001 - a tree before clusters
        clusters = -1
    ms_first = 1000 * sum(lookup[:k]) / k
    ms_last = 1000 * sum(lookup[-k:]) / k
    hot_result = {
        "cpu_ms_first": cpu_first,
        "cpu_ms_last": cpu_last,
        "lookup_ms_first": ms_first,
        "lookup_ms_last": ms_last,
        "first": first,
        "last": last,
        "statements_start": statements_start,
        "statements_end": statements_end,
        "compared_start": compared_start,
        "compared_end": compared_end,
        "clusters": clusters,
    }
    print(
        f"(1) hot spot, {n} reports within 100 m, one category: first {k} {first:.0f}/s, last {k} {last:.0f}/s "
        f"(last/first {last / first:.2f}); statements per filing {statements_start} -> {statements_end}; "
        f"earlier reports compared by the lookup {compared_start} -> {compared_end}; representatives {clusters}; "
        f"duplicate lookup {ms_first:.2f} ms -> {ms_last:.2f} ms per filing; process CPU {cpu_first:.2f} ms -> "
        f"{cpu_last:.2f} ms per filing",
        flush=True,
    )

    # (2) 500 at five points (another category's reports are far away; same category, five kelurahan)
    points = [(x.inner_lat, x.inner_lon) for x in Wilayah.objects.filter(code__in=FIVE)]
    m = args.points_n
    stamps = []
    lookup.clear()
    t0 = time.perf_counter()
    for i in range(m):
        lat, lon = points[i % len(points)]
        report_submit(submission(lat + rng.uniform(-d, d) / 1.42, lon + rng.uniform(-d, d) / 1.42, n + i))
        stamps.append(time.perf_counter())
    fifth = max(1, m // 5)
    five = {
        "first": fifth / (stamps[fifth - 1] - t0),
        "last": fifth / (stamps[-1] - stamps[-fifth - 1]),
        "all": m / (stamps[-1] - t0),
        "lookup_ms_first": 1000 * sum(lookup[:fifth]) / fifth,
        "lookup_ms_last": 1000 * sum(lookup[-fifth:]) / fifth,
    }
    print(
        f"(2) five points, {m} reports: first {fifth} {five['first']:.0f}/s, last {fifth} {five['last']:.0f}/s, "
        f"overall {five['all']:.0f}/s; duplicate lookup {five['lookup_ms_first']:.2f} ms -> "
        f"{five['lookup_ms_last']:.2f} ms per filing",
        flush=True,
    )
    Path(args._out).write_text(
        json.dumps({"db": db, "busy": busy, "n": n, "points_n": m, "hot": hot_result, "five": five})
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--points-n", type=int, default=500)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--_out", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    return child(args) if args._child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
