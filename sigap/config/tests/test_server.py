"""`sigap serve`: gunicorn with Sigap's read-first worker, run as a real process on a free port.

Slow clients (one byte every so often) cannot hold the threads that serve everybody else, and are cut off with
408 once their head or body takes longer than allowed; several worker processes each file reports through
their own group-commit writer; SIGHUP replaces the workers without stopping the service; a web worker that
filed a report has not loaded OpenCV or scikit-learn; forwarded headers are trusted only from the proxy.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.live_sigap import CLI, database_drop, database_url, free_port

pytestmark = pytest.mark.xdist_group("live-server")

REPORT = {
    "category": "jalan-rusak",
    "description": "Jalan berlubang dalam di depan sekolah, bahaya untuk motor.",
    "lat": -6.2351,
    "lon": 106.9009,
    "privacy": "private",
    "reporter": {"name": "Siti", "phone": "0812-3456-7890"},
}


def children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(p) for p in (task / "children").read_text().split()}
    return out


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def post_report(base: str) -> tuple[int, dict]:
    req = urllib.request.Request(
        base + "/api/v1/reports",
        data=json.dumps(REPORT).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


@contextmanager
def serve(name: str, *args: str, periodic: bool = False):
    """A migrated database with the reference data (no demo) and `sigap serve ARGS` on a free port; the
    PostgreSQL database is dropped when the server stops."""
    home = Path(tempfile.mkdtemp(prefix="sigap-serve-"))
    env = {
        **os.environ,
        "SIGAP_HOME": str(home),
        "DATABASE_URL": database_url(name, home),
        "SIGAP_TILE_URL": "",
        "SIGAP_CITIZEN_RATE": "10000/m",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    for command in (["migrate", "--verbosity", "0"], ["reference"]):
        done = subprocess.run(
            CLI + command, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert done.returncode == 0, f"sigap {' '.join(command)} failed:\n{done.stderr[-3000:]}"
    port = free_port()
    log = open(home / "server.log", "w")
    proc = subprocess.Popen(
        CLI + ["serve", "--port", str(port), *([] if periodic else ["--no-periodic"]), *args],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute or more on a busy machine (polling, no timing assertion)
            try:
                if get(base + "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start: " + (home / "server.log").read_text()[-3000:])
        yield base, proc, port, env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        database_drop(env["DATABASE_URL"])


class Trickler:
    """Connections that send a request one byte at a time, every ``interval`` seconds."""

    def __init__(self, port: int, count: int, payload: bytes, interval: float, prefix_bytes: int = 0):
        self.socks = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port))
            if prefix_bytes:
                s.sendall(payload[:prefix_bytes])
            self.socks.append(s)
        self.payload, self.offset, self.interval = payload, prefix_bytes, interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.wait(self.interval) and self.offset < len(self.payload):
            byte = self.payload[self.offset : self.offset + 1]
            self.offset += 1
            for s in self.socks:
                try:
                    s.send(byte)
                except OSError:
                    pass

    def answers(self) -> list[bytes]:
        out = []
        for s in self.socks:
            s.settimeout(30)
            try:
                out.append(s.recv(200))
            except OSError:
                out.append(b"")
        return out

    def close(self):
        self.stop.set()
        for s in self.socks:
            s.close()


BODY = json.dumps(REPORT).encode()
SLOW_HEAD = (
    (
        b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nX-Padding: " % len(BODY)
    )
    + b"x" * 200
    + b"\r\n\r\n"
    + BODY
)
SLOW_BODY = (
    b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n" % len(BODY)
) + BODY
SLOW_CHUNKED = (
    (
        b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n%x\r\n" % len(BODY)
    )
    + BODY
    + b"\r\n0\r\n\r\n"
)


@pytest.mark.parametrize(
    "payload,prefix",
    [
        (SLOW_HEAD, 0),
        (SLOW_BODY, SLOW_BODY.index(b"\r\n\r\n") + 4),
        (SLOW_CHUNKED, SLOW_CHUNKED.index(b"\r\n\r\n") + 4),
    ],
    ids=["slow-head", "slow-body", "slow-chunked-body"],
)
def test_slow_clients_do_not_shut_others_out_and_are_cut_off(payload, prefix, request):
    # One worker with two threads: a server that gave each slow connection a thread would serve nobody else.
    # One database per case: the cases may run at the same time on different test workers.
    case = request.node.callspec.id.replace("-", "_")
    with serve(
        f"sigap_serve_{case}", "--workers", "1", "--threads", "2", "--header-seconds", "6", "--body-seconds", "6"
    ) as (base, _proc, port, _env):
        slow = Trickler(port, 100, payload, interval=0.5, prefix_bytes=prefix)
        try:
            time.sleep(1.5)  # every slow connection is open and has sent something
            status, body = get(base + "/healthz", timeout=4)
            assert status == 200 and json.loads(body)["status"] == "ok"
            status, created = post_report(base)
            assert status == 201, created
            # none of them finishes in time: each is answered 408 and closed
            answers = slow.answers()
        finally:
            slow.close()
    assert len(answers) == 100
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers), {a[:40] for a in answers}


def test_chunked_body_is_received_whole():
    with serve("sigap_serve_chunked", "--workers", "1") as (_base, _proc, port, _env):
        for chunks in ([BODY[:50], BODY[50:]], [BODY]):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(
                b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            )
            for chunk in chunks:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            s.sendall(b"0\r\n\r\n")
            answer = b""
            while part := s.recv(65536):
                answer += part
            s.close()
            assert answer.startswith(b"HTTP/1.1 201"), answer[:300]


def test_expect_continue_is_answered_before_the_body():
    with serve("sigap_serve_expect", "--workers", "1") as (_base, _proc, port, _env):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(
            b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Expect: 100-continue\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY)
        )
        assert s.recv(100).startswith(b"HTTP/1.1 100 Continue")
        s.sendall(BODY)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
        s.close()
    assert b"HTTP/1.1 201" in answer


def test_workers_file_through_their_own_group_commit_and_reload_on_sighup():
    """Two worker processes (forked by gunicorn's master) file 60 concurrent reports: each is stored once,
    each number is distinct; SIGHUP replaces both workers and the service keeps answering; a web worker that
    filed reports has loaded neither OpenCV nor scikit-learn, nor numpy and shapely."""
    with serve("sigap_serve_workers", "--workers", "2", "--threads", "8") as (base, proc, _port, env):
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: post_report(base), range(60)))
        assert [s for s, _ in results] == [201] * 60, results[:3]
        numbers = {r["id"] for _, r in results}
        assert len(numbers) == 60
        workers = children(proc.pid)
        assert len(workers) == 2
        for pid in workers:
            maps = Path(f"/proc/{pid}/maps").read_text()
            assert "cv2" not in maps and "sklearn" not in maps, pid
            # nor numpy and shapely: every report fell inside one kelurahan, which the index's grid decides alone
            assert "numpy" not in maps and "shapely" not in maps, pid
        check = subprocess.run(
            CLI
            + [
                "shell",
                "-c",
                "from sigap.reports.models import Report; "
                "print(Report.objects.count(), Report.objects.values('number').distinct().count())",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert check.stdout.split()[-2:] == ["60", "60"]

        proc.send_signal(signal.SIGHUP)
        for _ in range(600):
            now = children(proc.pid)
            if len(now) == 2 and not now & workers:
                break
            time.sleep(0.1)
        assert len(now) == 2 and not now & workers, (workers, now)
        assert post_report(base)[0] == 201


def test_embedded_server_runs_the_periodic_jobs_beside_it_and_stops_them():
    with serve("sigap_serve_periodic", "--workers", "1", periodic=True) as (_base, proc, _port, _env):
        commands = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in children(proc.pid)}
        scheduler = [pid for pid, argv in commands.items() if b"periodic" in argv and b"run" in argv]
        assert len(scheduler) == 1 and len(commands) == 2, commands
    for _ in range(300):
        if (
            not Path(f"/proc/{scheduler[0]}").exists()
            or "Z" in Path(f"/proc/{scheduler[0]}/stat").read_text().split()[2]
        ):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the periodic-jobs process outlived the server")


def test_wsgi_application_does_not_load_opencv_or_scikit_learn(tmp_path):
    """Nor the progress bars of the command-line loaders (``tqdm``) nor the QR code writer (``segno``, one page
    uses it), nor numpy, shapely and imagehash (the photo worker's and the exact side of routing): every web worker
    would carry them (numpy and shapely alone are about 20 MB a process)."""
    code = (
        "import sys; from sigap.config.server import wsgi_application; wsgi_application(); "
        "from django.urls import resolve; resolve('/api/v1/reports'); resolve('/petugas/'); resolve('/'); "
        "print(sorted(m for m in ('cv2', 'sklearn', 'scipy', 'joblib', 'tqdm', 'segno', 'numpy', 'shapely', "
        "'imagehash') if m in sys.modules))"
    )
    env = {**os.environ, "SIGAP_HOME": str(tmp_path), "DATABASE_URL": "", "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def embedded_home(home: Path, *commands: str) -> dict:
    """The environment of an embedded (SQLite, no broker) Sigap in ``home``, migrated, then ``commands`` run."""
    env = {**os.environ, "SIGAP_HOME": str(home), "DATABASE_URL": "", "CELERY_BROKER_URL": ""}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    for command in ("migrate", *commands):
        subprocess.run([sys.executable, "-m", "sigap.cli", command], env=env, check=True, capture_output=True)
    return env


def test_web_requests_load_neither_celery_without_a_broker_nor_an_http_client_before_a_send(tmp_path):
    """Celery and kombu are loaded by a web process only to hand a task to a broker (``SIGAP_CELERY_APP``), httpx
    only when a channel first calls out: the embedded default serves pages and the API without them."""
    code = (
        "import sys; from sigap.config.server import wsgi_application; app = wsgi_application(); "
        "from django.test import Client; from django.conf import settings; settings.ALLOWED_HOSTS = ['*']; "
        "c = Client(); codes = [c.get(p).status_code for p in ('/', '/publik/', '/api/v1/officer/reports')]; "
        "print(codes, sorted(m for m in ('celery', 'kombu', 'billiard', 'amqp', 'httpx') if m in sys.modules))"
    )
    env = embedded_home(tmp_path)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[200, 200, 401] []", out.stdout + out.stderr


def test_celery_finds_the_configured_application_by_the_package_name(tmp_path):
    """``celery -A sigap.config worker|beat`` (docs/deployment.md): the package no longer imports the app, so
    Celery finds it as ``sigap.config.celery``; it must be Sigap's, configured, with the beat schedule."""
    code = (
        "import sys; from celery.app.utils import find_app; app = find_app('sigap.config'); "
        "print(app.main, 'sigap.config.celery' in sys.modules, len(app.conf.beat_schedule) > 0)"
    )
    env = {**os.environ, "SIGAP_HOME": str(tmp_path), "DATABASE_URL": "", "PYTHONPATH": os.pathsep.join(sys.path)}
    env["DJANGO_SETTINGS_MODULE"] = "sigap.config.settings"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "sigap True True", out.stdout + out.stderr


def test_proxy_headers_are_trusted_only_from_the_proxy():
    from sigap.config.server import ProxyHeaders

    seen = {}

    def app(environ, start_response):
        seen.clear()
        seen.update(environ)
        return []

    wrapped = ProxyHeaders(app, "10.0.0.5, 10.1.0.0/16")
    forwarded = {
        "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "http",
    }
    wrapped({"REMOTE_ADDR": "10.0.0.5", **forwarded}, None)
    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == ("203.0.113.9", "https")
    wrapped({"REMOTE_ADDR": "10.1.2.3", **forwarded, "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.1.9.9"}, None)
    assert seen["REMOTE_ADDR"] == "203.0.113.9"
    wrapped({"REMOTE_ADDR": "198.51.100.7", **forwarded}, None)
    assert seen["REMOTE_ADDR"] == "198.51.100.7" and seen["wsgi.url_scheme"] == "http"
    assert "HTTP_X_FORWARDED_FOR" not in seen and "HTTP_X_FORWARDED_PROTO" not in seen
    ProxyHeaders(app, "")({"REMOTE_ADDR": "10.0.0.5", **forwarded}, None)
    assert seen["REMOTE_ADDR"] == "10.0.0.5" and "HTTP_X_FORWARDED_PROTO" not in seen


def test_group_commit_writer_is_per_process_after_fork(monkeypatch):
    """A writer thread started before a fork does not exist in the child: the child's first report starts
    the child's own writer (a forked child would otherwise wait forever on a queue nobody reads)."""
    from sigap.intake import groupcommit, services

    monkeypatch.setattr(services, "_write", lambda batch: [("written", os.getpid(), item) for item in batch])
    monkeypatch.setattr(groupcommit, "enabled", lambda: True)
    groupcommit.stop()
    try:
        assert groupcommit.submit("parent", services.write_batch)[1] == os.getpid()
        parent_writer = groupcommit._writer
        pid = os.fork()
        if pid == 0:  # the child: exit status says whether its report was written by its own writer
            ok = False
            try:
                result = groupcommit.submit("child", services.write_batch)
                ok = result == ("written", os.getpid(), "child") and groupcommit._writer is not parent_writer
            finally:
                os._exit(0 if ok else 1)
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert groupcommit._writer is parent_writer
    finally:
        groupcommit.stop()


FREEZE_SCRIPT = """
import gc, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigap.config.settings")
import django
django.setup()
from sigap.config import server
from sigap.reports import outbox
outbox.start = lambda: None  # the sender thread is another test's business
before = gc.get_freeze_count()
server._post_worker_init(None)
frozen = gc.get_freeze_count()
junk = [[i] for i in range(1000)]  # made after the freeze: still the collector's
print(before, frozen, gc.is_tracked(junk), len(gc.get_objects()) < frozen)
"""


def test_each_worker_freezes_what_the_application_loaded_out_of_the_collectors_sight(tmp_path):
    """Once a worker has loaded the application (``post_worker_init``), the objects loaded so far live as long as
    the process: ``gc.freeze`` keeps full collections from walking them while requests wait (the intake's
    latency tail: p99 101-102 ms and pauses to 205 ms before, 71-82 ms and 91-112 ms after, at 300 req/s).
    Objects made afterwards are still collected. Run in a fresh interpreter, as a worker is."""
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root), "SIGAP_HOME": str(tmp_path), "DATABASE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-c", FREEZE_SCRIPT], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    before, frozen, tracked, fewer = done.stdout.split()
    assert int(before) == 0 and int(frozen) > 10_000, done.stdout
    assert tracked == "True" and fewer == "True"


def test_the_access_log_keeps_no_tracking_code(tmp_path):
    """``sigap serve --access-log`` writes each request line; a tracking code in a path (the tracking API, an old
    /lacak/<code>/ link) is written as [kode-lacak], as in Django's own log."""
    import datetime

    from gunicorn.config import Config

    from sigap.config import server

    log_file = tmp_path / "access.log"
    cfg = Config()
    for key, value in server.options(
        host="127.0.0.1",
        port=8000,
        workers=1,
        threads=1,
        timeout=30,
        graceful_timeout=5,
        keepalive=2,
        header_seconds=10,
        body_seconds=30,
        max_requests=0,
        access_log=True,
        warm_categorizer=False,
        trusted_proxy="",
    ).items():
        if key in cfg.settings:
            cfg.set(key, value)
    cfg.set("accesslog", str(log_file))
    logger = cfg.logger_class(cfg)

    class Response:
        status, response_length, headers, sent = "200 OK", 10, [], 10

    class Request:
        headers, method, query, version = [], "GET", "", (1, 1)
        path = uri = "/api/v1/track/ABCD-EFGH-JKMN"

    for path in ("/api/v1/track/ABCD-EFGH-JKMN", "/lacak/ABCD-EFGH-JKMN/"):
        environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "",
                   "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
        logger.access(Response(), Request(), environ, datetime.timedelta(seconds=0.01))
    written = log_file.read_text()
    assert written.count("[kode-lacak]") == 2 and "ABCD" not in written


def test_a_report_inside_one_kelurahan_is_placed_without_numpy_and_one_in_a_sliver_gap_loads_shapely(tmp_path):
    """The routing index decides a point inside one kelurahan in plain Python; a point its grid leaves open (here,
    in a real sliver gap between two kelurahan: snapped to the nearest) loads the exact side, shapely and numpy,
    in that process only then, and is placed as before."""
    code = (
        "import json, sys; from sigap.config.server import wsgi_application; wsgi_application(); "
        "from django.test import Client; from django.conf import settings; settings.ALLOWED_HOSTS = ['*']; "
        "c = Client(); post = lambda lon, lat: c.post('/api/v1/reports', json.dumps({**REPORT, 'lon': lon, "
        "'lat': lat}), content_type='application/json'); "
        "loaded = lambda: sorted(m for m in ('numpy', 'shapely') if m in sys.modules); "
        "inside = post(106.9009, -6.2351); before = loaded(); gap = post(106.8588, -6.1488); "
        "from sigap.reports.models import Report; "
        "print(json.dumps([inside.status_code, before, gap.status_code, loaded(), "
        "[r.kelurahan.code for r in Report.objects.order_by('id')]]))"
    )
    env = embedded_home(tmp_path, "reference")
    out = subprocess.run(
        [sys.executable, "-c", f"REPORT = {REPORT!r}; " + code], env=env, capture_output=True, text=True, check=True
    )
    inside, before, gap, after, kelurahan = json.loads(out.stdout.strip().splitlines()[-1])
    assert (inside, before, gap) == (201, [], 201), out.stdout + out.stderr
    assert after == ["numpy", "shapely"]
    # Pondok Bambu for the first point; Sunter Agung, 3 m away, for the one in the gap
    assert kelurahan == ["31.75.07.1002", "31.72.02.1006"]


def test_static_files_are_collected_and_compressed_before_the_workers_start_and_served():
    """``sigap serve`` collects (and compresses) the static files in a process of its own before the master forks
    its workers, so the buffers it churns are in no worker's memory; the files are there and served."""
    with serve("sigap_serve_static", "--workers", "1") as (base, _proc, _port, env):
        collected = Path(env["SIGAP_HOME"]) / "static" / "sigap"
        assert (collected / "sigap.css").is_file() and (collected / "sigap.css.gz").is_file()
        status, body = get(base + "/static/sigap/sigap.css")
    assert status == 200 and body
