"""Proof checks at a million photos: how long finding the photos that look like a new proof takes.

    python bench/proofhash.py [--photos 1000000] [--probes 300]

Makes PostgreSQL database ``sigap_proofhash`` afresh (migrate, reference data, one report), loads ``--photos``
photo rows with random 64-bit perceptual hashes as the worker stores them (``COPY``), then times
``sigap.reports.proofcheck.similar`` for ``--probes`` hashes: half are copies of stored hashes with 0-6 bits
flipped (a recycled photo, re-encoded or resized), half are new. Prints p50/p90/p99 per lookup, the rows the
index hands back, whether every recycled copy within 5 bits was found (guaranteed) and how many 6 bits away
were (two in three), and the lookup's EXPLAIN. The database is left for inspection; run again to rebuild it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "sigap_proofhash"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "sigap.config.settings"}
    for args in (["migrate", "--verbosity", "0"], ["reference"]):
        subprocess.run([sys.executable, "-m", "sigap.cli", *args], env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()

    t0 = time.perf_counter()
    fresh_database()
    os.environ.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="sigap.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from sigap.reports import proofcheck
    from sigap.reports.models import Photo
    from sigap.reports.tests.factories import submit

    report = submit("jalan-rusak").report
    rng = random.Random(12)
    hashes = [rng.getrandbits(64) for _ in range(args.photos)]
    now = timezone.now().isoformat()
    with (
        connection.cursor() as cur,
        cur.connection.cursor().copy(
            "COPY reports_photo (report_id, kind, width, height, sha256, original_ref, created_at, state, attempts,"
            " last_error, content_type, image, proof_flags, camera, phash, phash_lo, phash_hi)"
            " FROM STDIN"
        ) as copy,
    ):
        for n, h in enumerate(hashes):
            sha = f"{n:064x}"
            stored = proofcheck.hash_fields(h, sha)  # as the worker writes it: padded per row, halves as tags
            copy.write_row(
                (
                    report.pk,
                    "after",
                    1,
                    1,
                    sha,
                    "",
                    now,
                    "ready",
                    1,
                    "",
                    "image/jpeg",
                    "",
                    "[]",
                    "",
                    stored["phash"],
                    stored["phash_lo"],
                    stored["phash_hi"],
                )
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE reports_photo")
    print(f"built: {args.photos:,} photos in {time.perf_counter() - t0:.0f} s")

    probes: list[tuple[int, int | None]] = []  # (hash, bits flipped from a stored one; None: new)
    for i in range(args.probes):
        if i % 2:
            probes.append((rng.getrandbits(64), None))
        else:
            flips = i // 2 % 7  # 0..6 bits
            h = rng.choice(hashes)
            for bit in rng.sample(range(64), flips):
                h ^= 1 << bit
            probes.append((h, flips))
    times, rows, found_close, close, found_near, near = [], [], 0, 0, 0, 0
    # a proof of another report: a lookup takes its own report's photos too, and here every stored row is of one
    # report (a probe of that report read all of them, and the 500 candidates were its own)
    elsewhere = submit("jalan-rusak").report
    for h, flips in probes:
        probe = Photo(pk=-1, report=elsewhere, kind="after", sha256="probe", **proofcheck.hash_fields(h, "probe"))
        start = time.perf_counter()
        result = proofcheck.similar(probe)
        times.append((time.perf_counter() - start) * 1000)
        rows.append(len(result))
        if flips is not None:
            hit = any(bits == flips for _p, bits in result)
            if flips <= 5:
                close, found_close = close + 1, found_close + hit
            else:
                near, found_near = near + 1, found_near + hit
    q = statistics.quantiles(times, n=100)
    print(
        f"lookup over {args.photos:,} photos, {len(probes)} probes: p50 {q[49]:.2f} ms, p90 {q[89]:.2f} ms, "
        f"p99 {q[98]:.2f} ms"
    )
    print(f"recycled within 5 bits found: {found_close}/{close} (guaranteed); 6 bits away: {found_near}/{near}")
    h = probes[0][0]
    key, (lo, hi) = proofcheck._key(), proofcheck.halves(h)
    tags = [
        [proofcheck._tag(key, which, v) for v in proofcheck._near(half)] for which, half in (("lo", lo), ("hi", hi))
    ]
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, phash, sha256 FROM reports_photo WHERE phash IS NOT NULL"
            " AND (phash_lo = ANY(%s) OR phash_hi = ANY(%s)) LIMIT 500",
            tags,
        )
        # the 529 tags of each half, written out in the plan, are cut short
        print("\n".join(row[0] if len(row[0]) < 160 else row[0][:157] + "..." for row in cur.fetchall()))


if __name__ == "__main__":
    main()
