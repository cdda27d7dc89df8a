"""Start a real Sigap server for end-to-end tests: a separate `sigap serve` process with its own database (a
SQLite file, or a PostgreSQL database named after the xdist worker when the suite runs on PostgreSQL), set up
with the same commands a city runs (`sigap migrate`, `sigap demo`, ...)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CLI = [sys.executable, "-m", "sigap.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(name: str, home: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{home / (name + '.sqlite3')}"
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_drop(url: str) -> None:
    """Drop a PostgreSQL database made by ``database_url`` (a SQLite file goes with its directory)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


@contextmanager
def live_sigap(db_name: str, *, env: dict | None = None, setup: tuple[tuple[str, ...], ...] = (), prefix="sigap-e2e-"):
    """Yield ``(base_url, env, home)`` of a running server; ``setup``: extra `sigap` commands after migrate+demo.

    Each extra command's standard output is kept in ``env["_outputs"][i]``. The server's PostgreSQL database is
    dropped when it stops."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    own_database = database_url(db_name, home)
    env = {
        **os.environ,
        "SIGAP_HOME": str(home),
        "DATABASE_URL": own_database,
        "SIGAP_TILE_URL": "",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "sigap.config.settings"),
        **(env or {}),
    }
    for args in (("migrate", "--verbosity", "0"), ("demo", "--no-progress")):
        subprocess.run(CLI + list(args), env=env, check=True, cwd=home, stdout=subprocess.DEVNULL)
    outputs = [
        subprocess.run(CLI + list(args), env=env, check=True, cwd=home, capture_output=True, text=True).stdout
        for args in setup
    ]
    port = free_port()
    log = open(home / "server.log", "w")
    proc = subprocess.Popen(
        CLI + ["serve", "--port", str(port)], env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("Sigap server did not start: " + (home / "server.log").read_text()[-2000:])
        yield base, {**env, "_outputs": outputs}, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        database_drop(own_database)
        shutil.rmtree(home, ignore_errors=True)  # its keys, database and log: nothing of a test run stays behind
