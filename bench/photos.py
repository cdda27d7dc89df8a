"""Photos off the request path: what the request costs, and what the worker does per core.

    python bench/photos.py [--db sqlite|postgres] [--duration 20] [--connections 4] [--runs 5]
                           [--skip-http] [--skip-worker] [--sides 1024,640] [--drain 20]

(a) HTTP: ``sigap serve`` on loopback (a fresh SIGAP_HOME and database; PostgreSQL database ``sigap_photos``
    is dropped and created) and ``wrk`` (a compiled load generator, so the client does not eat the cores) posting
    a multipart report with one 4000x3000 JPEG to ``POST /api/v1/reports``. The server runs with
    SIGAP_PHOTO_WORKER=manual: the web tier alone, as in production where the Celery worker is elsewhere. Prints
    req/s, latency and non-2xx; then drains the backlog the run left with one worker process and prints the
    worker's photos/s end to end (vault read, de-identify, save, mark ready).
(b) The de-identification itself (``photo_clean``: decode, orient, cap at 2048, detect + blur faces and plates,
    re-encode) on 4000x3000 JPEGs, one process: photos per CPU-second (= per core) and per wall second, and
    whether the face was found, at each detection size. CPU time is printed because the machine may be shared.

Needs ``wrk`` (Debian: ``apt-get install wrk``) for (a).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FACE = ROOT / "tests" / "fixtures" / "face_astronaut.png"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "sigap_photos"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
BOUNDARY = "sigapbenchboundary7d3c"


def scene(width: int, height: int, face: bool, seed: int = 7) -> bytes:
    """A 4000x3000 camera-sized JPEG: textured background (blocks of noise) and, optionally, the astronaut's
    face pasted at a quarter of the width (a face of about 190 px, as in a photo taken a few metres away)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    base = Image.fromarray(rng.integers(0, 255, (height // 8, width // 8, 3), dtype=np.uint8)).resize((width, height))
    if face:
        base.paste(Image.open(FACE).convert("RGB").resize((width // 4, width // 4)), (width // 3, height // 3))
    buf = io.BytesIO()
    base.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def smooth_scene(width: int, height: int, seed: int = 9) -> bytes:
    """The same size with the face, on smooth gradients plus sensor noise: most of a street photo (road, wall,
    sky) is nearer this than the block noise of ``scene``, the detectors' worst case."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.stack([x / width * 200 + 30, y / height * 180 + 40, (x + y) / (width + height) * 160 + 50], -1)
    img += rng.normal(0, 12, img.shape).astype(np.float32)
    base = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    base.paste(Image.open(FACE).convert("RGB").resize((width // 4, width // 4)), (width // 3, height // 3))
    buf = io.BytesIO()
    base.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def cpu_busy(seconds: float = 1.0) -> float:
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def machine_state() -> str:
    load = os.getloadavg()
    return (
        f"cores {os.cpu_count()}, load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
        f"CPU busy before the run {cpu_busy():.0%}"
    )


# --- (b) the worker's de-identification ------------------------------------------------------------------


def bench_clean(runs: int, sides: list[int]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
    os.environ.setdefault("SIGAP_HOME", tempfile.mkdtemp(prefix="sigap-bench-photos-"))
    import django

    django.setup()
    from sigap.privacy import photos

    face_photo = FACE.read_bytes()
    print(flush=True)
    print("(b) de-identification of one photo, one process (photo_clean; the worker's step)")
    print(f"    {machine_state()}")
    with_face, without, smooth = scene(4000, 3000, True), scene(4000, 3000, False, seed=8), smooth_scene(4000, 3000)
    for side in sides:
        photos.DETECT_MAX_SIDE = side
        found = [r for r in photos.photo_clean(face_photo).blurred_regions if r[0] == "face"]
        for label, raw in (
            ("4000x3000 JPEG with a face", with_face),
            ("4000x3000 JPEG, no face", without),
            ("4000x3000 smooth, with a face", smooth),
        ):
            photos.photo_clean(raw)  # warm
            cpu, wall, faces = [], [], 0
            for _ in range(runs):
                c0, w0 = time.process_time(), time.perf_counter()
                clean = photos.photo_clean(raw)
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - w0)
                faces = sum(1 for r in clean.blurred_regions if r[0] == "face")
            cpu_s, wall_s = sorted(cpu)[len(cpu) // 2], sorted(wall)[len(wall) // 2]
            print(
                f"    detect at {side:4} px  {label:28} {len(raw) // 1024:5} KB  median {cpu_s:.3f} s CPU "
                f"({1 / cpu_s:.2f} photos/s per core), {wall_s:.3f} s wall; faces found {faces}",
                flush=True,
            )
        print(f"    detect at {side:4} px  the face photo (512x512, data set): face found: {bool(found)} {found[:1]}")
    photos.DETECT_MAX_SIDE = 1024


# --- (a) HTTP --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
            "PYTHONPATH": str(ROOT),
            "SIGAP_CITIZEN_RATE": "1000000/m",
            "SIGAP_TRACK_RATE": "1000000/m",
            "SIGAP_LOG_LEVEL": "ERROR",
            "SIGAP_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SIGAP_PHOTO_WORKER": "manual",  # the web tier alone; the backlog is drained afterwards
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    if db == "postgres":
        env["DATABASE_URL"] = PG_URL
    return env


def multipart_body(jpeg: bytes, lat: float, lon: float) -> bytes:
    fields = {
        "category": "saluran-tersumbat",
        "description": "Got mampet di depan gang, air meluap ke jalan saat hujan.",
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
        "reporter_email": "warga.bench@example.org",
    }
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="jalan.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + jpeg
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


LUA = f"""
local f = assert(io.open(os.getenv("SIGAP_BENCH_BODY"), "rb"))
wrk.body = f:read("*all")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary={BOUNDARY}"
done = function(summary, latency, requests)
  io.write(string.format("JSON {{\\"requests\\": %d, \\"duration_us\\": %d, \\"non2xx\\": %d, \\"errors\\": %d, "
    .. "\\"p50_ms\\": %.1f, \\"p99_ms\\": %.1f}}\\n", summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def bench_http(db: str, duration: int, connections: int, drain_n: int = 20) -> None:
    if shutil.which("wrk") is None:
        print("\n(a) skipped: wrk is not installed (apt-get install wrk)")
        return
    home = tempfile.mkdtemp(prefix=f"sigap-bench-photos-{db}-")
    (Path(home) / "static").mkdir()
    env = child_env(db, home)
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    sigap = [sys.executable, "-c", "from sigap.cli import main; main()"]
    subprocess.run(sigap + ["migrate", "--verbosity", "0"], env=env, check=True, cwd=str(ROOT))
    subprocess.run(
        sigap + ["reference"], env=env, check=True, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    point = subprocess.run(
        sigap
        + [
            "shell",
            "-c",
            "from sigap.organization.models import Wilayah; "
            "w = Wilayah.objects.get(code='31.75.07.1002'); print(w.inner_lat, w.inner_lon)",
        ],
        env=env,
        check=True,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
    ).stdout.split()[-2:]
    jpeg = scene(4000, 3000, True)
    body = Path(home) / "body.bin"
    body.write_bytes(multipart_body(jpeg, float(point[0]), float(point[1])))
    script = Path(home) / "multipart.lua"
    script.write_text(LUA)
    port = free_port()
    server = subprocess.Popen(
        sigap + ["serve", "--port", str(port), "--no-periodic"],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/reports"
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        print(flush=True)
        print(
            f"(a) HTTP, {db}: multipart report with one 4000x3000 JPEG ({len(jpeg) // 1024} KB), "
            f"sigap serve, wrk -c{connections} -t2 -d{duration}s"
        )
        print(f"    {machine_state()}")
        wenv = {**os.environ, "SIGAP_BENCH_BODY": str(body)}
        subprocess.run(
            ["wrk", "-c", str(connections), "-t", "2", "-d", "3s", "-s", str(script), url],
            env=wenv,
            capture_output=True,
            check=True,
        )  # warm-up
        cpu0 = session_cpu_s(server.pid)
        out = subprocess.run(
            [
                "wrk",
                "-c",
                str(connections),
                "-t",
                "2",
                "-d",
                f"{duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                url,
            ],
            env=wenv,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result = json.loads(re.search(r"^JSON (.*)$", out, re.M).group(1))
        server_cpu = session_cpu_s(server.pid) - cpu0
        rate = result["requests"] / (result["duration_us"] / 1e6)
        print(
            f"    {rate:.1f} req/s, p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
            f"{result['requests']} requests, non-2xx {result['non2xx']}, socket errors {result['errors']}",
            flush=True,
        )
        if result["requests"] and server_cpu > 0:
            print(
                f"    server CPU {1000 * server_cpu / result['requests']:.0f} ms per request: "
                f"{result['requests'] / server_cpu:.1f} requests per CPU-second (per core, whatever the load)",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    # the backlog the run left: one worker process drains it
    drain = (
        "import time; from sigap.privacy.photo_worker import photos_sweep; from sigap.reports.models import Photo; "
        f"c, w = time.process_time(), time.perf_counter(); done = photos_sweep(limit={drain_n}); "
        "n = sum(done.values()); "
        "print('DRAINED', n, time.process_time() - c, time.perf_counter() - w, done)"
    )
    out = subprocess.run(
        sigap + ["shell", "-c", drain],
        env={**env, "SIGAP_PHOTO_WORKER": "manual"},
        check=True,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
    ).stdout
    out = out[out.index("DRAINED") :].split(maxsplit=4)[1:]
    n, cpu_s, wall_s = int(out[0]), float(out[1]), float(out[2])
    if n:
        print(
            f"    worker took {n} of the photos the run left processing: {n / cpu_s:.2f} photos per CPU-second (per core), "
            f"{n / wall_s:.2f} photos/s wall, one process; outcomes {out[3].strip()}"
        )
    shutil.rmtree(home, ignore_errors=True)


def session_cpu_s(sid: int) -> float:
    """CPU seconds used so far by every live process of a session (the server: master, workers, threads)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # field 6 of stat: the session id
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-worker", action="store_true")
    parser.add_argument("--sides", default="1024,640", help="detection sizes to measure (long side, px)")
    parser.add_argument("--drain", type=int, default=20, help="photos the worker takes from the HTTP run's backlog")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, python {sys.version.split()[0]}")
    if not args.skip_http:
        bench_http(args.db, args.duration, args.connections, args.drain)
    if not args.skip_worker:
        bench_clean(args.runs, [int(x) for x in args.sides.split(",")])


if __name__ == "__main__":
    main()
