"""The nightly housekeeping (`sigap housekeeping run`) on a session table of years: the first run after the
upgrade (every expired session since installation) and a night's run after it.

    python bench/housekeeping.py [--expired 1000000] [--live 50000] [--night 20000] \\
        [--database postgres://…/sigap_housekeeping_bench]

Fills ``django_session`` through SQL (multi-row inserts: ``--expired`` rows expired over five years, ``--live``
rows not expired), times ``housekeeping.run()`` (batches of 5,000), then adds a night's ``--night`` expired rows
and times the run again: its work follows the night's expirations (the index on ``expire_date``), not the years.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--expired", type=int, default=1_000_000)
    parser.add_argument("--live", type=int, default=50_000)
    parser.add_argument("--night", type=int, default=20_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/sigap_housekeeping_bench")
    args = parser.parse_args()
    from city import database_prepare, django_setup  # bench/city.py: one way to make a bench database

    os.environ.setdefault("SIGAP_HOME", tempfile.mkdtemp(prefix="sigap-housekeeping-bench-"))
    database_prepare(args.database, fresh=True)
    django_setup(args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from sigap.officers import housekeeping

    def fill(rows: int, first_age_days: float, last_age_days: float, tag: str) -> None:
        """``rows`` sessions whose expiry lies between ``first_age_days`` and ``last_age_days`` ago (negative:
        ahead), each with a sealed-looking blob of the size a resident's session has."""
        step = 10_000
        with connection.cursor() as cursor:
            for start in range(0, rows, step):
                n = min(step, rows - start)
                cursor.execute(
                    "INSERT INTO django_session (session_key, session_data, expire_date) "
                    "SELECT md5(%s || g::text) || substr(md5(g::text), 1, 8), repeat('x', 420), "
                    "now() - make_interval(secs => (%s + (%s - %s) * random()) * 86400) "
                    "FROM generate_series(%s, %s) g",
                    [tag, last_age_days, first_age_days, last_age_days, start, start + n - 1],
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE django_session")

    t = time.perf_counter()
    fill(args.expired, 5 * 365, 1, "old")
    fill(args.live, -14, -0.01, "live")
    print(f"   {args.expired:,} expired and {args.live:,} live sessions written in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    removed = housekeeping.run()
    print(
        f"== first run after the upgrade: {removed['sessions']:,} expired sessions removed in "
        f"{time.perf_counter() - t:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE django_session")
    fill(args.night, 1, 0.001, "night")
    t = time.perf_counter()
    removed = housekeeping.run()
    print(
        f"== a night's run: {removed['sessions']:,} expired sessions removed in {time.perf_counter() - t:.2f} s "
        f"({args.live:,} live kept)"
    )


if __name__ == "__main__":
    main()
