"""The daily access-log verification (`sigap audit verify`) against a log of year-five length.

    python bench/audit_verify.py [--rows 1000000] [--database postgres://…/sigap_audit_bench] [--fresh]

Builds (or grows) a PostgreSQL database whose access log holds ``--rows`` rows, appended through the log's own
writer (``access_record_many``, batches of 1,000: every row keyed and chained as in production), then times
``access_verify()`` over the whole chain and prints rows per second and what that means for the logs a city keeps
(a row per look: a report opened, a queue page, a map, an export). The verification recomputes every row's keyed
hash: its cost follows the log's length by design (an edited old row is found only by reading it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/sigap_audit_bench")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    name = args.database.rsplit("/", 1)[1]
    admin_url = args.database.rsplit("/", 1)[0] + "/postgres"
    os.environ.setdefault("SIGAP_HOME", tempfile.mkdtemp(prefix="sigap-audit-bench-"))
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and args.fresh:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sigap.privacy.access_log import Action, access_record_many, access_verify
    from sigap.privacy.models import AccessEvent

    user, _ = get_user_model().objects.get_or_create(username="petugas.bench")
    have = AccessEvent.objects.count()
    started = time.perf_counter()
    for start in range(have, args.rows, BATCH):
        n = min(BATCH, args.rows - start)
        access_record_many(
            actor=user,
            entries=[(Action.VIEW_REPORT, f"JK2026{(start + i) % 10**8:08d}", {"view": "detail"}) for i in range(n)],
        )
    written = AccessEvent.objects.count() - have
    if written:
        took = time.perf_counter() - started
        print(f"   appended {written:,} rows in {took:.1f} s ({written / took:,.0f} rows/s)", flush=True)
    subprocess.run(["psql", args.database, "-qc", "VACUUM ANALYZE privacy_accessevent"], check=False)
    total = AccessEvent.objects.count()
    t = time.perf_counter()
    result = access_verify()
    took = time.perf_counter() - t
    rate = total / took
    print(
        f"== access log of {total:,} rows verified in {took:.1f} s: {rate:,.0f} rows/s ({result.problem or 'intact'})"
    )
    for per_day in (20_000, 100_000):
        years = 5 * 365 * per_day
        print(
            f"   at {per_day:,} looks a day, year five's log ({years / 1e6:,.0f}M rows) takes {years / rate / 60:,.0f} min"
        )


if __name__ == "__main__":
    main()
