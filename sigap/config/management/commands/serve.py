import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from sigap.core.envflags import env_flag


def default_workers() -> int:
    """One process per core on PostgreSQL; one on SQLite (one writer at a time: more processes only wait)."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return 1
    return max(1, os.cpu_count() or 1)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


class Command(BaseCommand):
    help = (
        "Run Sigap's web server: gunicorn, --workers processes of --threads threads, each request received "
        "whole before a thread takes it; static files by WhiteNoise. SIGHUP reloads the workers gracefully."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=_env_int("SIGAP_WEB_WORKERS", 0),
            help="worker processes (default: one per core on PostgreSQL, 1 on SQLite)",
        )
        parser.add_argument(
            "--threads", type=int, default=_env_int("SIGAP_WEB_THREADS", 8), help="request threads per worker process"
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=_env_int("SIGAP_WEB_TIMEOUT", 60),
            help="a worker that stops answering the master's heartbeat this long is restarted",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help="seconds a stopping or reloading worker has to finish its requests",
        )
        parser.add_argument("--keepalive", type=int, default=5, help="seconds an idle connection is kept open")
        parser.add_argument(
            "--header-seconds",
            type=float,
            default=float(os.environ.get("SIGAP_HEADER_SECONDS") or 10),
            help="a request's line and headers must arrive within this many seconds (else 408)",
        )
        parser.add_argument(
            "--body-seconds",
            type=float,
            default=float(os.environ.get("SIGAP_BODY_SECONDS") or 60),
            help="its body must arrive within this many seconds after the headers (else 408)",
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=_env_int("SIGAP_WEB_MAX_REQUESTS", 0),
            help="restart a worker after this many requests (0: never)",
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            default=env_flag("SIGAP_ACCESS_LOG", False),
            help="log every request to stderr (off: the proxy logs them)",
        )
        parser.add_argument(
            "--warm-categorizer",
            action="store_true",
            default=None,
            help="load the categorizer when a worker starts (default: only with one worker)",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="do not run the periodic jobs next to the server (default: run them when no Celery "
            "broker is configured; with one, `celery -A sigap.config beat` runs them)",
        )
        parser.add_argument(
            "--trusted-proxy",
            default=os.environ.get("SIGAP_TRUSTED_PROXY", ""),
            help="addresses (comma-separated, CIDR allowed) of the reverse proxy whose "
            "X-Forwarded-For/-Proto headers are trusted",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        workers: int,
        threads: int,
        timeout: int,
        graceful_timeout: int,
        keepalive: int,
        header_seconds: float,
        body_seconds: float,
        max_requests: int,
        access_log: bool,
        warm_categorizer,
        no_periodic: bool,
        trusted_proxy: str,
        **options,
    ):
        # In a process of its own: compressing the static files churns megabytes of buffers, and what this (master)
        # process holds when it forks is in every worker's memory (5 MB a worker, measured by bench/http_server.py).
        subprocess.run(
            [sys.executable, "-m", "sigap.cli", "collectstatic", "--noinput", "--verbosity", "0"], check=True
        )
        workers = workers or default_workers()
        if warm_categorizer is None:
            warm_categorizer = workers == 1
        self.stdout.write(
            f"Sigap berjalan di http://{host}:{port}/  (API: /api/docs, admin: /admin/) — Ctrl+C untuk berhenti"
            f"\n{workers} proses × {threads} thread"
        )
        if settings.DEBUG:
            self.stdout.write("SIGAP_DEBUG is on: do not use this in production.")
        self.stdout.flush()
        # Close what this (master) process opened (collectstatic, settings checks): workers open their own.
        from django.db import connections

        connections.close_all()
        periodic, master = None, os.getpid()
        if not settings.CELERY_BROKER_URL and not no_periodic:
            # the embedded default runs the periodic jobs itself: one small process next to the server
            periodic = subprocess.Popen(
                [sys.executable, "-m", "sigap.cli", "periodic", "run", "--parent", str(os.getpid())]
            )
        try:
            self._run(
                host,
                port,
                workers,
                threads,
                timeout,
                graceful_timeout,
                keepalive,
                header_seconds,
                body_seconds,
                max_requests,
                access_log,
                warm_categorizer,
                trusted_proxy,
            )
        finally:
            # (a gunicorn worker leaves through here too when it exits: only the master stops the jobs)
            if periodic is not None and os.getpid() == master:
                periodic.terminate()
                try:
                    periodic.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    periodic.kill()

    def _run(
        self,
        host,
        port,
        workers,
        threads,
        timeout,
        graceful_timeout,
        keepalive,
        header_seconds,
        body_seconds,
        max_requests,
        access_log,
        warm_categorizer,
        trusted_proxy,
    ):
        from sigap.config.server import SigapServer
        from sigap.config.server import options as server_options

        SigapServer(
            server_options(
                host=host,
                port=port,
                workers=workers,
                threads=threads,
                timeout=timeout,
                graceful_timeout=graceful_timeout,
                keepalive=keepalive,
                header_seconds=header_seconds,
                body_seconds=body_seconds,
                max_requests=max_requests,
                access_log=access_log,
                warm_categorizer=warm_categorizer,
                trusted_proxy=trusted_proxy,
            ),
            trusted_proxy=trusted_proxy,
        ).run()
