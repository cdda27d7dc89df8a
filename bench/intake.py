"""Benchmark of report intake, on SQLite and on PostgreSQL, through the service layer and the HTTP API.

    python bench/intake.py [--db sqlite|postgres|both] [--n 500] [--concurrency 4] [--photo-n N] [--batch 100] [--procs 2]
                          [--quick] [--profile] [--keep]

Each database runs in its own child process (Django reads its settings once per process), with a
fresh temporary SIGAP_HOME. SQLite: the default file database in it. PostgreSQL: the database
``sigap_bench`` on 127.0.0.1:5432 (user postgres, trust auth), dropped and created anew at the start.
The child migrates, loads Jakarta's reference data, warms up, then measures:

(a) service layer: ``report_submit`` n times in a row, each with a reporter (the vault encrypts), no photo;
(a'') the batched write path: ``report_submit_many`` in batches of --batch (bulk imports, queued intake);
(a''') the same from --procs processes at once, as a deployment with several processes runs it;
(b) HTTP API: the real WSGI server (waitress, 4 threads, loopback) and ``POST /api/v1/reports`` as JSON
    with an httpx keep-alive client, n in a row and n with --concurrency client threads;
(c) HTTP API, multipart with one 800x600 JPEG per report (re-encoded, faces/plates blurred by intake),
    n/10 in a row (at least 5, at most 20 unless --photo-n says otherwise).

Also (a') the service layer with notification delivery deferred (as with a Celery worker). Then
diagnostics: the SQL of one submit (count and each statement), the DB round-trip floor, DB time by
statement kind, the time of each step of a submit, what photo de-identification costs, and, when the
service layer is below the target of 500 reports/s (or with --profile), what-if runs with two costs
monkeypatched away in the benchmark process (project files are never changed) and a cProfile of 200
submits. The machine's CPU use by other processes is sampled before each database: on a shared 2-core
machine, figures taken while it is busy are noisy.

Reports go to random points inside the 267 kelurahan of ``sigap/data/jakarta_kelurahan.geojson``
(seeded, so runs compare); every 20th repeats an earlier report's place and category, a true duplicate
for the duplicate finder. E-mail goes to Django's in-memory backend: nothing leaves
the machine, and every socket this script opens is on 127.0.0.1. The parent prints a summary table.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GEOJSON = ROOT / "sigap" / "data" / "jakarta_kelurahan.geojson"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "sigap_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
TARGET_PER_S = 500  # the project's target: service-layer intake on PostgreSQL on a 2-core machine
CATEGORIES = ("saluran-tersumbat", "jalan-rusak", "sampah", "lampu-jalan", "banjir-genangan", "trotoar-rusak")
NAMES = (
    "Siti Rahmawati",
    "Budi Santoso",
    "Agus Setiawan",
    "Dewi Lestari",
    "Rina Wulandari",
    "Hendra Gunawan",
    "Nur Aini",
    "Yusuf Hidayat",
    "Maria Simanjuntak",
    "Andi Pratama",
)
STREETS = (
    "Jl. Pahlawan Revolusi",
    "Jl. Raya Bogor",
    "Jl. Kemang Raya",
    "Jl. Daan Mogot",
    "Jl. Pramuka",
    "Jl. Tebet Barat Dalam",
    "Jl. Gunung Sahari",
    "Gg. Haji Naim",
    "Jl. Swadaya",
    "Jl. Masjid Al-Falah",
)
TEXTS = {
    "saluran-tersumbat": "Got mampet di depan {place}, air meluap ke jalan setiap hujan dan baunya menyengat.",
    "jalan-rusak": "Jalan berlubang cukup dalam di dekat {place}, sudah dua motor jatuh minggu ini.",
    "sampah": "Sampah menumpuk di TPS dekat {place} dan tidak diangkut sejak hari Senin.",
    "lampu-jalan": "Lampu penerangan jalan di sekitar {place} mati sudah seminggu, rawan kejahatan malam hari.",
    "banjir-genangan": "Genangan setinggi betis di depan {place} tidak surut sejak semalam.",
    "trotoar-rusak": "Trotoar di depan {place} ambles dan pecah, pejalan kaki terpaksa turun ke jalan.",
}
PLACES = ("pasar", "SDN 03", "masjid", "puskesmas", "halte TransJakarta", "pos RW 05", "minimarket", "gereja")
WARMUP = 20
PROFILE_N = 200


# --- shared helpers ------------------------------------------------------------------------------


def pct(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def summarize(latencies_s: list[float], wall_s: float, failures: int = 0, cpu_s: float = float("nan")) -> dict:
    lat = sorted(x * 1000 for x in latencies_s)
    ok = len(latencies_s) - failures
    return {
        "n": len(latencies_s),
        "failures": failures,
        "wall_s": wall_s,
        "per_s": ok / wall_s if wall_s > 0 else float("nan"),
        "p50": pct(lat, 50),
        "p99": pct(lat, 99),
        "max": lat[-1] if lat else float("nan"),
        "cpu_ms": cpu_s * 1000 / len(latencies_s) if latencies_s else float("nan"),
    }


def line(label: str, s: dict) -> None:
    fail = f"   FAILED {s['failures']}/{s['n']}" if s["failures"] else ""
    print(
        f"{label:<44} {s['per_s']:8.1f} reports/s   p50 {s['p50']:7.2f} ms   p99 {s['p99']:7.2f} ms"
        f"   cpu {s['cpu_ms']:6.2f} ms/report   (n={s['n']}, {s['wall_s']:.1f} s){fail}",
        flush=True,
    )


# --- parent ----------------------------------------------------------------------------------------


def pg_recreate() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def child_env(db: str, home: str) -> dict:
    env = os.environ.copy()
    # Nothing inherited may point the child at another database, broker, cache or key.
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


def parent(args) -> int:
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict[str, dict] = {}
    status = 0
    for db in dbs:
        home = tempfile.mkdtemp(prefix=f"sigap-bench-{db}-")
        out = Path(home) / "result.json"
        (Path(home) / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT otherwise
        if db == "postgres":
            pg_recreate()
        print(f"\n{'=' * 100}\n{db.upper()}  (SIGAP_HOME={home})\n{'=' * 100}", flush=True)
        cmd = [
            sys.executable,
            "-u",
            str(Path(__file__).resolve()),
            "--_child",
            db,
            "--n",
            str(args.n),
            "--concurrency",
            str(args.concurrency),
            "--photo-n",
            str(args.photo_n),
            "--_out",
            str(out),
        ]
        cmd += ["--batch", str(args.batch), "--procs", str(args.procs), "--threads", str(args.threads)]
        if args.profile:
            cmd.append("--profile")
        if args.quick:
            cmd.append("--quick")
        rc = subprocess.call(cmd, env=child_env(db, home), cwd=str(ROOT))
        if rc != 0 or not out.exists():
            print(f"!!! {db}: the child process failed (exit {rc}); no figures for this database", flush=True)
            status = 1
        else:
            results[db] = json.loads(out.read_text())
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    summary(results, args)
    if any(r.get("failures_total") for r in results.values()):
        status = 1
    return status


def summary(results: dict[str, dict], args) -> None:
    if not results:
        return
    print(f"\n{'=' * 100}\nSUMMARY  (n={args.n}; {os.cpu_count()} cores; Python {platform.python_version()})")
    rows = [
        ("service", "(a) service layer report_submit"),
        ("service_deferred", "(a') service, delivery deferred"),
        ("service_threads", f"(a) {args.threads} threads, group commit"),
        ("service_batch", f"(a'') service, batches of {args.batch}"),
        ("service_batch_deferred", f"(a'') batches of {args.batch}, deferred"),
        ("service_procs", f"(a''') {args.procs} processes x {args.batch}"),
        ("service_procs_deferred", f"(a''') {args.procs} proc x {args.batch}, deferred"),
        ("api_seq", "(b) HTTP JSON, 1 client"),
        ("api_conc", f"(b) HTTP JSON, {args.concurrency} clients"),
        ("api_photo", "(c) HTTP multipart + 800x600 JPEG"),
    ]
    print(f"{'database':<18} {'path':<40} {'reports/s':>10} {'p50 ms':>9} {'p99 ms':>9} {'failed':>7}")
    for _db, r in results.items():
        vendor = " ".join(r["facts"]["db"].split()[:2])
        for key, label in rows:
            s = r.get(key)
            if s:
                print(f"{vendor:<18} {label:<40} {s['per_s']:10.1f} {s['p50']:9.2f} {s['p99']:9.2f} {s['failures']:7d}")
        for key, label in (
            ("memo", "what-if: fingerprints memoized"),
            ("memo_deferred", "what-if: memoized + delivery deferred"),
        ):
            s = r.get("what_if", {}).get(key)
            if s:
                print(f"{vendor:<18} {label:<40} {s['per_s']:10.1f} {s['p50']:9.2f} {s['p99']:9.2f} {'-':>7}")
        split = r.get("split", {})
        if "queries_per_submit" not in r:
            continue
        print(
            f"{vendor:<18} SQL statements per submit: {r['queries_per_submit']}"
            f" (JSON API request: {r.get('queries_per_request')}); per submit "
            f"{split.get('db_ms', float('nan')):.2f} ms in cursor.execute, "
            f"{split.get('cpu_ms', float('nan')):.2f} ms CPU in Python; DB round trip {r['db_roundtrip_us']:.0f} us; "
            f"cores busy before start {r['facts'].get('busy_before', float('nan')):.0%}"
        )
    pg = results.get("postgres")
    if pg:
        for key, label in (("service", "one report per call"), ("service_batch", f"batches of {args.batch}")):
            rate = pg[key]["per_s"]
            verdict = "MET" if rate >= TARGET_PER_S else "NOT MET"
            print(
                f"target: service-layer intake >= {TARGET_PER_S} reports/s on PostgreSQL, {label}: {verdict} "
                f"({rate:.0f}/s = {rate / TARGET_PER_S:.0%} of target)"
            )
    total_fail = sum(r.get("failures_total", 0) for r in results.values())
    if total_fail:
        print(f"!!! {total_fail} REQUESTS FAILED: the figures above are NOT valid measurements of intake !!!")
    else:
        print("every HTTP request answered 201; every acknowledged report is stored with its vault record")


# --- child: workload ---------------------------------------------------------------------------------


def kelurahan_shapes() -> list[tuple[str, object]]:
    """(name, prepared polygon) of every kelurahan, to draw report locations from."""
    from shapely.geometry import shape

    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    return [(f["properties"]["nama_kelurahan"], shape(f["geometry"])) for f in features]


class Workload:
    """Deterministic report payloads: category, a random point inside a random kelurahan, text, reporter.

    Every 20th report repeats the place and category of an earlier one with a similar text (a true
    duplicate, so duplicate detection has work); the rest are spread over the city as real reports are."""

    _shapes: list | None = None

    def __init__(self, seed: int = 20260820):
        from shapely.prepared import prep

        if Workload._shapes is None:
            Workload._shapes = [(kel_name, geom, prep(geom)) for kel_name, geom in kelurahan_shapes()]
        self.rng = random.Random(seed)
        self.i = 0
        self.history: list[tuple[str, float, float, str]] = []

    def _point(self) -> tuple[str, float, float]:
        from shapely.geometry import Point

        kel_name, geom, prepared = self.rng.choice(self._shapes)
        minx, miny, maxx, maxy = geom.bounds
        while True:
            lon, lat = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if prepared.contains(Point(lon, lat)):
                return kel_name, round(lat, 6), round(lon, 6)

    def next(self) -> dict:
        self.i += 1
        i = self.i
        rng = self.rng
        if i % 20 == 0 and self.history:
            category, lat, lon, kel_name = rng.choice(self.history)
        else:
            category = CATEGORIES[i % len(CATEGORIES)]
            kel_name, lat, lon = self._point()
            self.history.append((category, lat, lon, kel_name))
        place = rng.choice(PLACES)
        description = TEXTS[category].format(place=place) + f" Mohon segera ditindaklanjuti (laporan uji {i})."
        if i % 10 == 0:  # some reporters type personal data into the text: redaction has work to do
            description += " Bisa hubungi saya di 0812-3456-7890, Pak Darmawan juga tahu."
        name = NAMES[i % len(NAMES)]
        return {
            "category": category,
            "description": description,
            "lat": lat,
            "lon": lon,
            "address": f"{rng.choice(STREETS)} RT 0{1 + i % 9}/RW 0{1 + i % 7}, Kel. {kel_name}",
            "privacy": "private",
            "reporter": {
                "name": name,
                "phone": f"0812{i % 10000:04d}{rng.randrange(10000):04d}",
                "email": f"warga{i}@example.org",
            },
        }

    def submission(self, photos=()):
        from sigap.intake.services import Reporter, Submission
        from sigap.reports.models import Channel

        p = self.next()
        return Submission(
            category=p["category"],
            description=p["description"],
            lat=p["lat"],
            lon=p["lon"],
            channel=Channel.API,
            address=p["address"],
            privacy=p["privacy"],
            reporter=Reporter(**p["reporter"]),
            photos=list(photos),
        )


def make_jpeg(width: int = 800, height: int = 600) -> bytes:
    """A photo-like JPEG: a street scene of flat shapes, softened, with sensor-like noise, and EXIF date + GPS."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.new("RGB", (width, height), (120, 150, 200))  # sky
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(height * 0.58), width, height], fill=(90, 90, 95))  # road
    draw.rectangle([int(width * 0.12), int(height * 0.33), int(width * 0.38), int(height * 0.66)], fill=(180, 160, 140))
    draw.ellipse([int(width * 0.62), int(height * 0.63), int(width * 0.78), int(height * 0.78)], fill=(40, 40, 40))
    image = image.filter(ImageFilter.GaussianBlur(2))
    noisy = np.asarray(image, dtype=np.int16) + np.random.default_rng(1).normal(0, 6, (height, width, 3)).astype(
        np.int16
    )
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x0132] = "2026:08:20 09:15:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (6.0, 14.0, 6.72), 3: "E", 4: (106.0, 53.0, 33.0)})
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=88, exif=exif)
    return buf.getvalue()


# --- child: measurements -------------------------------------------------------------------------------


def bench_service(work: Workload, n: int) -> dict:
    from sigap.intake.services import report_submit

    subs = [work.submission() for _ in range(n)]
    clock = time.perf_counter
    lat = []
    c = time.process_time()
    t = clock()
    for sub in subs:
        t0 = clock()
        report_submit(sub)
        lat.append(clock() - t0)
    wall = clock() - t
    return summarize(lat, wall, cpu_s=time.process_time() - c)


@contextlib.contextmanager
def delivery_deferred():
    """Notifications are left pending, as with a Celery worker that delivers them elsewhere; the sender and
    sweeper the application registered (``relay.deliver_batch``, a list of ids) are put back afterwards."""
    from sigap.reports import outbox

    sender, sweeper = outbox._sender, outbox._sweeper
    outbox.register_sender(lambda _ids: None)
    try:
        yield
    finally:
        outbox.register_sender(sender, sweeper)


def settle(limit_s: float = 600.0) -> None:
    """Wait until the in-process sender has delivered what earlier runs queued, so its work is not
    counted against the next measurement."""
    from sigap.reports import outbox

    t = time.perf_counter()
    while outbox._queue is not None and not outbox._queue.empty() and time.perf_counter() - t < limit_s:
        time.sleep(0.05)
    time.sleep(0.2)  # the message in hand
    waited = time.perf_counter() - t
    if waited > 1:
        print(f"    (waited {waited:.1f} s for the in-process sender to deliver the earlier run's messages)")


def bench_service_threads(work: Workload, n: int, threads: int) -> tuple[dict, dict]:
    """``report_submit`` (one report per call) from several threads of one process at once, as a web
    server's request threads call it: group commit writes whatever is waiting together."""
    from sigap.intake import groupcommit
    from sigap.intake.services import report_submit

    subs = [work.submission() for _ in range(n)]
    lats: list[list[float]] = [[] for _ in range(threads)]
    fails = Failures()
    barrier = threading.Barrier(threads + 1)
    groupcommit.stop()  # a new writer: its counts are this run's

    def worker(k: int) -> None:
        from django.db import connection

        barrier.wait()
        for sub in subs[k::threads]:
            t0 = time.perf_counter()
            try:
                report_submit(sub)
            except Exception as exc:  # noqa: BLE001 - counted
                fails.add(f"{type(exc).__name__}: {exc}")
            lats[k].append(time.perf_counter() - t0)
        connection.close()

    pool = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(threads)]
    for th in pool:
        th.start()
    c = time.process_time()
    barrier.wait()
    t = time.perf_counter()
    for th in pool:
        th.join()
    wall = time.perf_counter() - t
    return summarize(
        [x for part in lats for x in part], wall, fails.count, time.process_time() - c
    ), groupcommit.stats()


def bench_service_batch(work: Workload, n: int, batch: int) -> dict:
    """report_submit_many in batches of ``batch``; latency is per batch (what each caller in it waits)."""
    from sigap.intake.services import report_submit_many

    subs = [work.submission() for _ in range(n)]
    clock = time.perf_counter
    lat = []
    refused = 0
    c = time.process_time()
    t = clock()
    for k in range(0, n, batch):
        t0 = clock()
        results = report_submit_many(subs[k : k + batch])
        lat.append(clock() - t0)
        refused += sum(1 for r in results if isinstance(r, Exception))
    wall = clock() - t
    cpu = time.process_time() - c
    out = summarize(lat, wall)  # latency percentiles per batch
    out.update(n=n, failures=refused, per_s=(n - refused) / wall, cpu_ms=cpu * 1000 / n, failed=refused)
    return out


def _proc_worker(k: int, n: int, batch: int, deferred: bool, barrier, out) -> None:
    """One of several processes writing batches at the same time (a fresh interpreter: 'spawn', never
    'fork', since a forked SQLite or PostgreSQL connection or a forked sender thread is not safe)."""
    try:
        import django

        django.setup()
        from sigap.intake.services import report_submit_many
        from sigap.reports import outbox

        if deferred:
            outbox.register_sender(lambda _ids: None)
        work = Workload(seed=1000 + k)
        subs = [work.submission() for _ in range(n)]
        report_submit_many([])  # nothing: but imports and caches are warm before the clock
        from sigap.routing.cache import routing_data

        routing_data()
        barrier.wait(timeout=120)
        c = time.process_time()
        t0 = time.time()
        refused = 0
        lat = []
        for i in range(0, n, batch):
            b0 = time.perf_counter()
            refused += sum(1 for r in report_submit_many(subs[i : i + batch]) if isinstance(r, Exception))
            lat.append(time.perf_counter() - b0)
        out.put((t0, time.time(), n - refused, refused, time.process_time() - c, lat))
    except BaseException as exc:
        out.put(("error", f"{type(exc).__name__}: {exc}"))
        raise


def bench_service_procs(procs: int, n: int, batch: int, deferred: bool) -> dict:
    """``procs`` processes, each filing n/procs reports in batches, started together: aggregate throughput
    (reports / time from the first start to the last finish), as several web or worker processes would."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(procs)
    out = ctx.Queue()
    each = n // procs
    workers = [ctx.Process(target=_proc_worker, args=(k, each, batch, deferred, barrier, out)) for k in range(procs)]
    for w in workers:
        w.start()
    parts = [out.get(timeout=600) for _ in workers]
    for w in workers:
        w.join()
    errors = [p[1] for p in parts if p[0] == "error"]
    if errors:
        raise RuntimeError(f"a writer process failed: {errors[0]}")
    start, end = min(p[0] for p in parts), max(p[1] for p in parts)
    ok, refused = sum(p[2] for p in parts), sum(p[3] for p in parts)
    lat = sorted(x * 1000 for p in parts for x in p[5])
    return {
        "n": ok + refused,
        "failures": refused,
        "wall_s": end - start,
        "per_s": ok / (end - start),
        "p50": pct(lat, 50),
        "p99": pct(lat, 99),
        "max": lat[-1],
        "cpu_ms": sum(p[4] for p in parts) * 1000 / max(1, ok + refused),
    }


class Failures:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.samples: list[str] = []

    def add(self, what: str) -> None:
        with self.lock:
            self.count += 1
            if len(self.samples) < 5:
                self.samples.append(what)

    def report(self, label: str) -> None:
        if self.count:
            print(f"!!! {label}: {self.count} REQUESTS DID NOT RETURN 201. Examples:", flush=True)
            for s in self.samples:
                print(f"!!!   {s}", flush=True)


def _post(client, payload: dict | None, fails: Failures, files=None, data=None) -> None:
    try:
        if files is not None:
            r = client.post("/api/v1/reports", data=data, files=files)
        else:
            r = client.post("/api/v1/reports", json=payload)
    except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
        fails.add(f"{type(exc).__name__}: {exc}")
        return
    if r.status_code != 201:
        fails.add(f"HTTP {r.status_code}: {r.text[:300]}")
        return
    body = r.json()
    if not body.get("tracking_code") or not body.get("id"):
        fails.add(f"201 without id/tracking_code: {r.text[:300]}")


def http_client(base_url: str):
    import httpx

    # trust_env=False: no proxy from the environment; every request goes to base_url (127.0.0.1).
    return httpx.Client(base_url=base_url, trust_env=False, timeout=60.0)


def bench_api_seq(base_url: str, payloads: list[dict]) -> tuple[dict, Failures]:
    fails = Failures()
    clock = time.perf_counter
    lat = []
    with http_client(base_url) as client:
        c = time.process_time()
        t = clock()
        for p in payloads:
            t0 = clock()
            _post(client, p, fails)
            lat.append(clock() - t0)
        wall = clock() - t
    return summarize(lat, wall, fails.count, time.process_time() - c), fails


def bench_api_conc(base_url: str, payloads: list[dict], threads: int) -> tuple[dict, Failures]:
    fails = Failures()
    clock = time.perf_counter
    lats: list[list[float]] = [[] for _ in range(threads)]
    barrier = threading.Barrier(threads + 1)

    def worker(k: int) -> None:
        with http_client(base_url) as client:
            client.get("/healthz")  # open the keep-alive connection before the clock starts
            barrier.wait()
            for p in payloads[k::threads]:
                t0 = clock()
                _post(client, p, fails)
                lats[k].append(clock() - t0)

    pool = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(threads)]
    for th in pool:
        th.start()
    barrier.wait()
    c = time.process_time()
    t = clock()
    for th in pool:
        th.join()
    wall = clock() - t
    return summarize([x for part in lats for x in part], wall, fails.count, time.process_time() - c), fails


def bench_api_photo(base_url: str, payloads: list[dict], jpeg: bytes) -> tuple[dict, Failures]:
    fails = Failures()
    clock = time.perf_counter
    lat = []
    with http_client(base_url) as client:
        c = time.process_time()
        t = clock()
        for p in payloads:
            data = {k: str(p[k]) for k in ("category", "description", "lat", "lon", "address", "privacy")}
            data.update({f"reporter_{k}": v for k, v in p["reporter"].items()})
            t0 = clock()
            _post(client, None, fails, files={"photos": ("foto.jpg", jpeg, "image/jpeg")}, data=data)
            lat.append(clock() - t0)
        wall = clock() - t
    return summarize(lat, wall, fails.count, time.process_time() - c), fails


def start_server(threads: int = 4):
    import logging

    from waitress.server import create_server

    from sigap.config.wsgi import application

    logging.getLogger("waitress").setLevel(logging.ERROR)
    server = create_server(application, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.effective_port}"


def abbreviate(sql: str, width: int = 150) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 25] + " ... " + sql[-20:]


def capture_one_submit(work: Workload) -> list[dict]:
    """Every statement of one submit, as Django logs them (including BEGIN/COMMIT/SAVEPOINT)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sigap.intake.services import report_submit

    sub = work.submission()
    with CaptureQueriesContext(connection) as ctx:
        report_submit(sub)
    return list(ctx.captured_queries)


def _shape(sql: str) -> str:
    """A statement without its values, for comparing two runs."""
    import re

    sql = re.sub(r'"s\d+_x\d+"', "<sp>", " ".join(sql.split()))
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+(\.\d+)?\b", "?", sql)[:90]


def capture_one_request(work: Workload, submit_queries: list[dict]) -> int | None:
    """Statements of one JSON API request, through the whole middleware stack (in-process test client);
    prints those that a bare report_submit does not run."""
    from collections import Counter

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/v1/reports", data=json.dumps(work.next()), content_type="application/json")
    if r.status_code != 201:
        print(f"!!! in-process API request answered {r.status_code}: {r.content[:300]!r}")
        return None
    extra = Counter(_shape(q["sql"]) for q in ctx.captured_queries) - Counter(_shape(q["sql"]) for q in submit_queries)
    print(
        f"one JSON API request (in-process test client, full middleware): {len(ctx.captured_queries)} statements"
        + (f"; beyond report_submit: {dict(extra)}" if extra else "; the same as report_submit")
    )
    return len(ctx.captured_queries)


def db_roundtrip_us(samples: int = 2000) -> float:
    from django.db import connection

    with connection.cursor() as cur:
        clock = time.perf_counter
        lat = []
        for _ in range(samples):
            t0 = clock()
            cur.execute("SELECT 1")
            cur.fetchone()
            lat.append(clock() - t0)
    return pct(sorted(lat), 50) * 1e6


def _strip_paths(text: str) -> str:
    for prefix in sorted(
        {str(ROOT) + "/", *(p + "/" for p in sys.path if p and "site-packages" in p)}, key=len, reverse=True
    ):
        text = text.replace(prefix, "")
    return text


def db_time_by_statement(work: Workload, n: int) -> dict:
    """n submits with every cursor.execute timed (no profiler): DB wait vs Python, per statement kind."""
    import re

    from django.db import connection

    from sigap.intake.services import report_submit

    subs = [work.submission() for _ in range(n)]
    kinds: dict[str, list] = {}
    savepoint = re.compile(r'"s\d+_x\d+"')

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(savepoint.sub("<sp>", sql).split())[:110]
            entry = kinds.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - t0

    c = time.process_time()
    t = time.perf_counter()
    with connection.execute_wrapper(timed):
        for sub in subs:
            report_submit(sub)
    wall = time.perf_counter() - t
    cpu = time.process_time() - c
    db_s = sum(v[1] for v in kinds.values())
    calls = sum(v[0] for v in kinds.values())
    print(f"\n--- time split over {n} submits (every cursor.execute timed, no profiler) ---")
    print(
        f"wall {wall * 1000 / n:.2f} ms/report = {n / wall:.0f} reports/s; CPU of this process {cpu * 1000 / n:.2f} "
        f"ms/report; inside cursor.execute {db_s * 1000 / n:.2f} ms/report ({calls / n:.1f} calls/report, "
        f"{db_s / wall:.0%} of wall; plus BEGIN/COMMIT not counted here)"
    )
    print("statement kinds by DB time (calls/report, ms/report, us/call):")
    for key, (cnt, tt) in sorted(kinds.items(), key=lambda kv: -kv[1][1])[:14]:
        print(f"  {cnt / n:4.1f}x {tt * 1000 / n:6.3f} ms {tt * 1e6 / cnt:7.0f} us  {key}")
    fp = sum(v[1] for k, v in kinds.items() if k.startswith("SELECT COUNT(") and "MAX(" in k)
    fp_n = sum(v[0] for k, v in kinds.items() if k.startswith("SELECT COUNT(") and "MAX(" in k)
    print(
        f"COUNT/MAX fingerprint aggregates (organization.cache._fingerprint): {fp_n / n:.1f} queries/report, "
        f"{fp * 1000 / n:.2f} ms/report DB time = {fp / wall:.0%} of wall"
    )
    return {
        "wall_ms": wall * 1000 / n,
        "cpu_ms": cpu * 1000 / n,
        "db_ms": db_s * 1000 / n,
        "db_calls": calls / n,
        "fingerprint_ms": fp * 1000 / n,
    }


def stage_breakdown(work: Workload, n: int) -> dict:
    """Inclusive wall time of the steps of a submit (light wrappers, no profiler), per report."""
    from django.db import connection

    from sigap.intake import services as intake
    from sigap.organization import cache as cache_mod
    from sigap.privacy import vault
    from sigap.reports import outbox
    from sigap.reports import services as rs

    # (module, attribute, label); the attribute is the name the callers look up at call time.
    targets = [
        (intake, "_prepare", "intake._prepare (checks, routing, redaction; no writes)"),
        (intake, "submission_validate", "  intake.submission_validate"),
        (rs, "category_get", "  reports.category_get (cached)"),
        (rs, "report_route", "  reports.report_route"),
        (cache_mod, "_fingerprint", "    organization.cache._fingerprint (4 aggregates, at most every 5 s)"),
        (intake, "redact", "  privacy.redact (description + address)"),
        (intake, "_write", "intake._write (vault + reports, one transaction)"),
        (vault, "identity_store_many", "  privacy.vault.identity_store_many (AES + INSERT)"),
        (rs, "reports_create", "  reports.reports_create (total)"),
        (rs, "candidates_for_many", "    reports.candidates_for_many (1 SELECT)"),
        (rs, "_reserve_numbers", "    reports._reserve_numbers (1 upsert)"),
        (rs, "_insert", "    reports._insert (report, history, notification INSERTs)"),
        (outbox, "enqueue", "outbox.enqueue -> relay.deliver_batch (after commit)"),
    ]
    acc = {label: [0, 0.0] for _m, _a, label in targets}
    acc["COMMIT (connection.commit)"] = [0, 0.0]
    clock = time.perf_counter

    def wrap(label, fn):
        def inner(*a, **kw):
            t0 = clock()
            try:
                return fn(*a, **kw)
            finally:
                entry = acc[label]
                entry[0] += 1
                entry[1] += clock() - t0

        return inner

    saved = [(mod, attr, getattr(mod, attr)) for mod, attr, _label in targets]
    for (mod, attr, label), (_m, _a, fn) in zip(targets, saved):
        setattr(mod, attr, wrap(label, fn))
    real_commit = connection.commit
    connection.commit = wrap("COMMIT (connection.commit)", real_commit)
    subs = [work.submission() for _ in range(n)]
    try:
        t = clock()
        for sub in subs:
            intake.report_submit(sub)
        wall = clock() - t
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)
        del connection.commit
    print(f"\n--- where a submit's time goes ({n} submits, inclusive wall time per step, indented = nested) ---")
    print(f"report_submit total: {wall * 1000 / n:.2f} ms/report ({n / wall:.0f} reports/s)")
    for label, (cnt, tt) in acc.items():
        print(f"  {cnt / n:4.1f}x {tt * 1000 / n:7.2f} ms {tt / wall:5.0%}  {label}")
    return {label: tt * 1000 / n for label, (cnt, tt) in acc.items()} | {"total": wall * 1000 / n}


def photo_costs(jpeg: bytes) -> dict:
    """What photo_clean costs on the benchmark JPEG, with and without face/plate blurring."""
    import inspect

    from sigap.privacy import photos

    out = {}
    variants = [("photo_clean", {})]
    if "blur" in inspect.signature(photos.photo_clean).parameters:
        variants = [("photo_clean(blur=False)", {"blur": False}), ("photo_clean (blur=True, the intake default)", {})]
    print(f"\n--- photo de-identification on the benchmark JPEG ({len(jpeg) // 1024} KB, 800x600), in-process ---")
    for label, kwargs in variants:
        photos.photo_clean(jpeg, **kwargs)  # warm-up (loads the detectors)
        reps = 3
        c = time.process_time()
        t = time.perf_counter()
        for _ in range(reps):
            clean = photos.photo_clean(jpeg, **kwargs)
        wall = (time.perf_counter() - t) / reps
        cpu = (time.process_time() - c) / reps
        out[label] = wall * 1000
        regions = len(getattr(clean, "blurred_regions", ()) or ())
        print(
            f"  {label:<46} {wall * 1000:8.1f} ms wall, {cpu * 1000:8.1f} ms CPU (all threads), "
            f"{regions} regions blurred"
        )
    return out


def what_if(work: Workload, n: int) -> dict:
    """Benchmark-only monkeypatches (no project file changes), to size the two largest costs."""
    from sigap.organization import cache as cache_mod
    from sigap.reports import deadlines

    real_fp, real_cal = cache_mod._fingerprint, deadlines.working_calendar
    fp_value, cal_value = real_fp(), real_cal()
    out = {}
    print(f"\n--- what-if (monkeypatched in this process only; project files untouched), {n} submits each ---")
    try:
        cache_mod._fingerprint = lambda: fp_value  # routing_data(): no per-call fingerprint queries
        deadlines.working_calendar = lambda: cal_value  # no per-call holiday query
        out["memo"] = bench_service(work, n)
        line("fingerprints memoized", out["memo"])
        with delivery_deferred():
            out["memo_deferred"] = bench_service(work, n)
        line("fingerprints memoized + delivery deferred", out["memo_deferred"])
    finally:
        cache_mod._fingerprint, deadlines.working_calendar = real_fp, real_cal
    return out


def profile_submits(work: Workload, n: int) -> None:
    import cProfile
    import pstats

    from sigap.intake.services import report_submit

    subs = [work.submission() for _ in range(n)]
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    for sub in subs:
        report_submit(sub)
    prof.disable()
    wall = time.perf_counter() - t
    print(f"\n--- cProfile of {n} submits ({wall * 1000 / n:.2f} ms/report under the profiler) ---")

    def show(sort: str, restrict: tuple, title: str) -> None:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(sort).print_stats(*restrict)
        text = _strip_paths(buf.getvalue())
        print(title)
        print(text[text.find("   ncalls") :].rstrip() if "   ncalls" in text else text.rstrip())

    show(
        "cumulative",
        (r"sigap/|psycopg/connection|psycopg/cursor|sqlite3|aggregate|get_aggregation|send_mail", 30),
        "sigap functions and DB driver entry points, by cumulative time:",
    )
    show("tottime", (15,), "top 15 by own time:")


def sigap_calls_per_submit(work: Workload) -> dict[str, int]:
    """How often the cached-reference helpers run (each runs aggregate queries) per submit."""
    from sigap.intake.services import report_submit
    from sigap.reports import deadlines
    from sigap.reports import services as rs

    counts = {"routing_data": 0, "working_calendar": 0, "report_route": 0}

    def wrap(name, fn):
        def inner(*a, **kw):
            counts[name] += 1
            return fn(*a, **kw)

        return inner

    # The names as bound where every call comes from: sigap.reports.services, and sigap.reports.deadlines
    # for the calendar.
    home = {"routing_data": rs, "working_calendar": deadlines, "report_route": rs}
    saved = {name: getattr(home[name], name) for name in counts}
    for name, fn in saved.items():
        setattr(home[name], name, wrap(name, fn))
    try:
        report_submit(work.submission())
    finally:
        for name, fn in saved.items():
            setattr(home[name], name, fn)
    return counts


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all cores busy over ``seconds`` (this process sleeps meanwhile), from /proc/stat."""

    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def code_fingerprint() -> str:
    """A short hash of every sigap/**/*.py, so runs taken while the tree changes can be told apart."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((ROOT / "sigap").rglob("*.py")):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def child(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    from sigap.intake.services import report_submit
    from sigap.organization.loaders import reference_load
    from sigap.privacy.models import IdentityRecord
    from sigap.reports.models import Report

    assert Path(os.environ["SIGAP_HOME"]).resolve() == settings.SIGAP_HOME
    try:
        call_command("makemigrations", check=True, dry_run=True, verbosity=0)
    except SystemExit:
        print(
            "!!! the models have changes that no migration covers (work in progress in this tree?): "
            "the benchmark may fail on a missing column",
            flush=True,
        )
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t
    t = time.perf_counter()
    stats = reference_load(progress=False)
    load_s = time.perf_counter() - t

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
            cur.execute("SHOW synchronous_commit")
            sync = cur.fetchone()[0]
            cur.execute("SHOW fsync")
            dbver = f"PostgreSQL {version} (synchronous_commit={sync}, fsync={cur.fetchone()[0]})"
        else:
            import sqlite3

            cur.execute("PRAGMA journal_mode")
            jm = cur.fetchone()[0]
            cur.execute("PRAGMA synchronous")
            dbver = f"SQLite {sqlite3.sqlite_version} (journal_mode={jm}, synchronous={cur.fetchone()[0]})"
    cpu = ""
    try:
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    except OSError:
        pass
    busy = cpu_busy()
    print(
        f"machine: {os.cpu_count()} cores{' (' + cpu + ')' if cpu else ''}, {platform.system()} {platform.release()}, "
        f"load average {loadavg()}; other processes kept {busy:.0%} of the cores busy in the second before start"
    )
    if busy > 0.15:
        print(f"!!! the machine is not idle ({busy:.0%} busy before start): the figures below are noisy", flush=True)
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), Django {django.get_version()}; "
        f"sigap code fingerprint {code_fingerprint()} (sha256 of sigap/**/*.py), "
        f"run at {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
    )
    print(
        f"database: {dbver}; vendor={connection.vendor}; CONN_MAX_AGE={settings.DATABASES['default'].get('CONN_MAX_AGE')}"
    )
    print(
        f"celery eager={settings.CELERY_TASK_ALWAYS_EAGER} (notifications delivered in-process after commit), "
        f"email backend={settings.EMAIL_BACKEND.rsplit('.', 2)[-2]} (in memory), rate limit={settings.SIGAP_CITIZEN_RATE}"
    )
    print(f"setup: migrate {migrate_s:.1f} s, reference_load {load_s:.1f} s ({dict(stats.created)})")
    print(
        f"workload: {args.n} reports per run, categories {', '.join(CATEGORIES)}, random points inside the 267 kelurahan (every 20th a repeat: a duplicate), "
        "each with a reporter (name, phone, e-mail -> vault), privacy=private",
        flush=True,
    )

    work = Workload()
    for _ in range(WARMUP):
        report_submit(work.submission())
    rt = db_roundtrip_us()
    print(f"DB round trip (SELECT 1 on an open cursor, p50): {rt:.0f} us\n", flush=True)
    facts = {"cores": os.cpu_count(), "python": platform.python_version(), "db": dbver, "busy_before": busy}
    result: dict = {"facts": facts, "db_roundtrip_us": rt}
    total_fail = 0
    expected = WARMUP

    # (a) service layer
    mail.outbox = []
    s = bench_service(work, args.n)
    expected += args.n
    result["service"] = s
    line("(a) service layer report_submit", s)
    emails = len(getattr(mail, "outbox", []))
    mail.outbox = []
    print(f"    e-mails 'sent' to the in-memory backend during (a): {emails} (one per report expected: {args.n})")

    # (a') same, delivery deferred (what a Celery worker would take off the request path)
    n_deferred = max(1, args.n // 2)
    settle()
    with delivery_deferred():
        s = bench_service(work, n_deferred)
    expected += n_deferred
    result["service_deferred"] = s
    line("(a') service, notification delivery deferred", s)

    # (a) from several threads: one report per call, group commit batches what arrives together
    settle()
    s, gc = bench_service_threads(work, args.n, args.threads)
    expected += args.n - s["failures"]
    result["service_threads"] = s
    result["service_threads_batches"] = gc
    line(f"(a) report_submit from {args.threads} threads (group commit)", s)
    print(f"    group commit: {gc['reports']} reports in {gc['batches']} transactions, largest {gc['largest']}")

    # (a'') batched write path: report_submit_many (bulk imports, queued intake), delivery in-process and deferred
    settle()
    s = bench_service_batch(work, args.n, args.batch)
    expected += args.n - s["failures"]
    result["service_batch"] = s
    line(f"(a'') service, report_submit_many x{args.batch} (p50/p99 per batch)", s)
    settle()
    with delivery_deferred():
        s = bench_service_batch(work, args.n, args.batch)
    expected += args.n - s["failures"]
    result["service_batch_deferred"] = s
    line(f"(a'') batches of {args.batch}, delivery deferred", s)
    # (a''') the same from several processes at once (the way a deployment runs: several web/worker processes)
    for deferred in (False, True):
        settle()
        s = bench_service_procs(args.procs, args.n, args.batch, deferred)
        expected += s["n"] - s["failures"]
        key = "service_procs_deferred" if deferred else "service_procs"
        result[key] = s
        line(f"(a''') {args.procs} processes x batches of {args.batch}" + (", deferred" if deferred else ""), s)
    if args.quick:
        got = Report.objects.count()
        print(f"\nreports stored: {got} (expected {expected}); vault records: {IdentityRecord.objects.count()}")
        result["failures_total"] = 0 if got == expected else abs(got - expected)
        Path(args.out).write_text(json.dumps(result))
        return 0
    connection.close()  # the HTTP server threads open their own connections

    # (b) HTTP API
    settle()
    _server, base_url = start_server(threads=4)
    with http_client(base_url) as c:
        r = c.get("/healthz")
    print(f"\nwaitress on {base_url} (4 threads): GET /healthz -> {r.status_code}", flush=True)
    fails = Failures()
    with http_client(base_url) as c:
        for _ in range(5):
            _post(c, work.next(), fails)
    expected += 5
    fails.report("warm-up")
    total_fail += fails.count

    s, fails = bench_api_seq(base_url, [work.next() for _ in range(args.n)])
    expected += args.n
    result["api_seq"] = s
    line("(b) HTTP JSON POST, 1 client, keep-alive", s)
    fails.report("(b) sequential")
    total_fail += fails.count

    from sigap.intake import groupcommit

    gc0 = groupcommit.stats()
    s, fails = bench_api_conc(base_url, [work.next() for _ in range(args.n)], args.concurrency)
    gc1 = groupcommit.stats()
    expected += args.n
    result["api_conc"] = s
    line(f"(b) HTTP JSON POST, {args.concurrency} client threads", s)
    print(
        f"    group commit in the server: {gc1['reports'] - gc0['reports']} reports in "
        f"{gc1['batches'] - gc0['batches']} transactions, largest {gc1['largest']}"
    )
    fails.report("(b) concurrent")
    total_fail += fails.count

    # (c) multipart with one photo
    jpeg = make_jpeg()
    n_photo = args.photo_n if args.photo_n else max(5, min(args.n // 10, 20))
    s, fails = bench_api_photo(base_url, [work.next() for _ in range(n_photo)], jpeg)
    expected += n_photo
    result["api_photo"] = s
    line(f"(c) HTTP multipart + JPEG {len(jpeg) // 1024} KB 800x600", s)
    fails.report("(c) multipart")
    total_fail += fails.count
    # The server thread is a daemon and stays idle until the process exits (closing waitress from another
    # thread races its trigger pipe).
    print("    (cpu ms/report for HTTP runs = this process: client threads + server threads)")

    # Consistency: every report that was acknowledged is in the database, with its vault record.
    expected -= total_fail
    got = Report.objects.count()
    vault_rows = IdentityRecord.objects.count()
    photos = sum(1 for _ in (Path(settings.SIGAP_HOME) / "media").rglob("*.jpg"))
    print(
        f"\nreports stored: {got} (expected {expected}); vault records: {vault_rows}; photo files: {photos} "
        f"(expected {n_photo - fails.count})"
    )
    if got != expected or vault_rows != got:
        print(f"!!! STORE MISMATCH: {got} reports, {vault_rows} vault records, {expected} expected")
        total_fail += max(1, abs(got - expected))
    if total_fail:
        print(f"!!! {total_fail} FAILURES IN THIS RUN: THE HTTP FIGURES ABOVE ARE NOT VALID !!!", flush=True)
    result["failures_total"] = total_fail

    # Diagnostics: what one submit costs in SQL, and where the time goes. Measured in this thread, without
    # group commit (which would run the statements on its writer thread's connection).
    settle()
    settings.SIGAP_INTAKE_GROUP_COMMIT = False
    print("\n(diagnostics below: report_submit in this thread, group commit off)")
    queries = capture_one_submit(work)
    result["queries_per_submit"] = len(queries)
    print(
        f"\n--- SQL of one report_submit: {len(queries)} statements incl. BEGIN/SAVEPOINT/COMMIT "
        "(the 'received' e-mail is delivered by the background sender after commit) ---"
    )
    for k, q in enumerate(queries, 1):
        print(f"{k:3d}. {abbreviate(q['sql'])}")
    calls = sigap_calls_per_submit(work)
    print(
        f"calls per submit: reports.services.report_route x{calls['report_route']}, "
        f"routing.cache.routing_data x{calls['routing_data']} (4 aggregate queries each), "
        f"core.calendar.working_calendar x{calls['working_calendar']} (1 query each)"
    )
    result["queries_per_request"] = capture_one_request(work, queries)
    result["split"] = db_time_by_statement(work, PROFILE_N)
    result["stages"] = stage_breakdown(work, PROFILE_N)
    result["photo"] = photo_costs(jpeg)
    below = result["service"]["per_s"] < TARGET_PER_S
    if args.profile or below:
        why = (
            "requested"
            if args.profile
            else (f"service layer {result['service']['per_s']:.0f}/s < target {TARGET_PER_S}/s")
        )
        print(f"\nprofiling ({why})")
        result["what_if"] = what_if(work, max(50, args.n // 4))
        profile_submits(work, PROFILE_N)
    print(f"\nload average at the end: {loadavg()}; cores busy in the second after: {cpu_busy():.0%}")

    Path(args.out).write_text(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--n", type=int, default=500, help="reports per measured run")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads of the concurrent HTTP run")
    parser.add_argument(
        "--photo-n",
        type=int,
        default=0,
        help="reports of the multipart photo run (default n/10, at least 5, at most 20: "
        "face/plate blurring costs about 1.5 s per photo)",
    )
    parser.add_argument("--batch", type=int, default=100, help="submissions per report_submit_many call in (a'')")
    parser.add_argument("--threads", type=int, default=8, help="threads calling report_submit at once")
    parser.add_argument("--procs", type=int, default=2, help="processes writing batches at once in (a''')")
    parser.add_argument("--quick", action="store_true", help="service-layer runs only (no HTTP, no diagnostics)")
    parser.add_argument("--profile", action="store_true", help="always print the cProfile, even when on target")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SIGAP_HOME directories")
    parser.add_argument("--_child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--_out", dest="out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._child:
        return child(args)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
