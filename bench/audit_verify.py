"""The access log's verifications against a log of year-five length: the full one and the nightly one.

    python bench/audit_verify.py [--rows 1000000] [--day 20000] [--sweep 5000000] \
        [--database postgres://…/sigap_audit_bench] [--fresh]

Builds (or grows) a PostgreSQL database whose access log holds ``--rows`` rows, appended through the log's own
writer (``access_record_many``, batches of 1,000: every row keyed and chained as in production), then times
a full verification (``sigap audit verify``: every row's keyed hash recomputed; its cost follows the log's length
by design) and prints rows per second and what that means for the logs a city keeps (a row per look: a report
opened, a queue page, a map, an export). Then the runs whose cost follows the rows appended instead: the nightly
job (``sigap audit verify --since-mark``: a day's looks since the last mark and a slice of ``--sweep`` older
rows) and the hourly checkpoint (an hour's looks).
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
    parser.add_argument("--day", type=int, default=20_000, help="looks a day, appended before the nightly run")
    parser.add_argument("--sweep", type=int, default=5_000_000, help="older rows the nightly run reads again")
    args = parser.parse_args()
    from city import database_prepare, django_setup  # bench/city.py: one way to make a bench database

    os.environ.setdefault("SIGAP_HOME", tempfile.mkdtemp(prefix="sigap-audit-bench-"))
    database_prepare(args.database, fresh=args.fresh)
    django_setup(args.database)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sigap.privacy.access_log import (
        Action,
        access_checkpoint,
        access_record_many,
        access_verify,
        access_verify_and_mark,
    )
    from sigap.privacy.models import AccessEvent

    user, _ = get_user_model().objects.get_or_create(username="petugas.bench")

    def append(rows: int) -> None:
        have = AccessEvent.objects.count()
        started = time.perf_counter()
        for start in range(have, have + rows, BATCH):
            n = min(BATCH, have + rows - start)
            access_record_many(
                actor=user,
                entries=[
                    (Action.VIEW_REPORT, f"JK2026{(start + i) % 10**8:08d}", {"view": "detail"}) for i in range(n)
                ],
            )
        if rows > 0:
            took = time.perf_counter() - started
            print(f"   appended {rows:,} rows in {took:.1f} s ({rows / took:,.0f} rows/s)", flush=True)

    append(args.rows - AccessEvent.objects.count())
    subprocess.run(["psql", args.database, "-qc", "VACUUM ANALYZE privacy_accessevent"], check=False)
    total = AccessEvent.objects.count()
    t = time.perf_counter()
    result = access_verify()  # every row, as `sigap audit verify`
    took = time.perf_counter() - t
    rate = result.rows / took
    print(
        f"== access log of {total:,} rows, a full verification ({result.rows:,} rows read) in {took:.1f} s: "
        f"{rate:,.0f} rows/s ({result.problem or 'intact'})"
    )
    for per_day in (20_000, 100_000):
        years = 5 * 365 * per_day
        print(
            f"   at {per_day:,} looks a day, year five's log ({years / 1e6:,.0f}M rows) takes {years / rate / 60:,.0f} min"
        )
    if not AccessEvent.objects.filter(action=Action.CHAIN_VERIFIED).exists():
        t = time.perf_counter()
        access_verify_and_mark()  # the first run since a mark has none: it reads every row once and lays one
        print(f"   the first mark laid (every row read once) in {time.perf_counter() - t:.1f} s")
    for night in (1, 2):
        append(args.day)
        t = time.perf_counter()
        result = access_verify_and_mark(sweep_rows=args.sweep)
        took = time.perf_counter() - t
        swept = f"older rows {result.swept[0]:,}..{result.swept[1]:,}" if result.swept else "no older rows"
        print(
            f"== night {night}, `audit verify --since-mark`: {result.rows:,} rows read (rows {result.since:,}.."
            f"{result.last:,} since the mark, {swept}) in {took:.1f} s ({result.problem or 'intact'})"
        )
    append(max(args.day // 24, 1))
    t = time.perf_counter()
    checkpoint = access_checkpoint()
    print(f"== hourly checkpoint of row {checkpoint['seq']:,} after an hour's looks: {time.perf_counter() - t:.2f} s")
    every = max(1, -(-total // max(args.sweep, 1)))
    print(f"   every row is read again within {every} nights at this length ({args.sweep:,} older rows a night)")


if __name__ == "__main__":
    main()
