"""Browser tests: Playwright driving Chromium against a real Sigap server.

The Chromium is the one `tests.services.chromium` finds (SIGAP_CHROMIUM, then `chromium` on PATH, then Playwright's
own download; `make test` installs one when it can). Without one the tests are skipped, saying why, unless
SIGAP_BROWSER_REQUIRED is set (CI), where that is a failure.

The server is a separate process (`sigap serve`) with its own database — a SQLite file, or a PostgreSQL
database named after the test database when the suite runs on PostgreSQL — loaded with `sigap demo`.
Screenshots of the pages go to ``artifacts/screenshots/`` (a build artefact, not committed).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.live_sigap import CLI, live_sigap
from tests.services import chromium

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DEMO_PASSWORD = "browser-demo-pass-2026"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
# The server's maps use this tile server. Nothing answers at that name: every browser context routes it to a
# stand-in (``tiles``) that serves a plain tile, or that a test makes fail, so no test reaches the internet.
TILE_HOST = "http://tiles.sigap.test"

# How long any one wait may take: a page load, an idle network, a locator, an ``expect``. A wait that is met returns
# at once, so this costs nothing when the tests pass; it only has to outlast a busy machine. The suite runs the
# browser tests beside the others on two cores (load near 4 seen), where a page with its map, or the first request
# that builds the API schema, has taken more than 15 s.
WAIT_MS = 60_000


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path, why = chromium()
    if not path:
        if os.environ.get("SIGAP_BROWSER_REQUIRED"):
            pytest.fail(why)
        pytest.skip(why)
    return path


@pytest.fixture(scope="session")
def e2e_server(worker_id, chromium_path):
    env = {
        "SIGAP_DEMO_PASSWORD": DEMO_PASSWORD,
        "SIGAP_CITIZEN_RATE": "10000/m",
        "SIGAP_TRACK_RATE": "10000/m",
        "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
        "SIGAP_TILE_URL": TILE_HOST + "/{z}/{x}/{y}.png",
    }
    with live_sigap(f"sigap_e2e_{worker_id}", env=env) as (base, full_env, home):
        _SERVER.update(env=full_env, home=home)
        yield {"url": base, "env": full_env, "home": home, "password": DEMO_PASSWORD, "log": home / "server.log"}


@pytest.fixture(scope="session")
def browser(e2e_server, chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an event loop running in this thread for the rest of the session, and Django
    # then refuses every ORM call a later test on this worker makes here (SynchronousOnlyOperation). The browser
    # talks to a separate server process; this process's ORM is not used from any coroutine.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _plain_tile() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 236, 230)).save(buf, "PNG")
    return buf.getvalue()


class Tiles:
    """The stand-in tile server of one browser context: serves a plain tile (``failing=False``) or refuses
    the connection, as an unreachable tile server does; ``requested`` lists the tile paths asked for."""

    def __init__(self) -> None:
        self.failing = False
        self.requested: list[str] = []
        self._png = _plain_tile()

    def handle(self, route) -> None:
        self.requested.append(route.request.url[len(TILE_HOST) :])
        if self.failing:
            route.abort("connectionrefused")
        else:
            route.fulfill(status=200, content_type="image/png", body=self._png)


@pytest.fixture
def new_page(browser, e2e_server):
    """new_page(locale="id"|"en", mobile=False, storage_state=None) → a fresh page in its own context, base URL
    set; its
    ``tiles`` is the context's stand-in tile server."""
    contexts = []

    def make(locale: str = "id-ID", mobile: bool = False, storage_state: dict | None = None):
        kwargs = {"base_url": e2e_server["url"], "locale": locale}
        if storage_state is not None:  # what a browser kept on disk (a restart: no session cookie)
            kwargs["storage_state"] = storage_state
        if mobile:
            kwargs.update(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
        ctx = browser.new_context(**kwargs)
        ctx.set_default_timeout(WAIT_MS)
        ctx.set_default_navigation_timeout(WAIT_MS)
        tiles = Tiles()
        ctx.route(TILE_HOST + "/**", tiles.handle)
        contexts.append(ctx)
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.js_errors = errors
        page.tiles = tiles
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    # evaluated over the DevTools protocol, so the page's CSP (no inline scripts) does not block it
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


_SERVER: dict = {}
_LAST_CODE: dict[str, str] = {}


def one_time_code(username: str) -> str:
    """The current code of a demo account's authenticator, as a person trying the demo gets it
    (`sigap otp code USERNAME`); "" for an account without one (officers sign in with a password alone).

    A code is accepted once, so a second sign-in of the same account waits for the next 30-second code."""
    env = {k: v for k, v in _SERVER["env"].items() if not k.startswith("_")}
    for _ in range(40):
        result = subprocess.run(
            [*CLI, "otp", "code", username], env=env, cwd=_SERVER["home"], capture_output=True, text=True
        )
        code = result.stdout.strip() if result.returncode == 0 else ""
        if not code or _LAST_CODE.get(username) != code:
            break
        time.sleep(1)
    _LAST_CODE[username] = code
    return code


def login(page, username: str, password: str) -> None:
    page.goto("/petugas/masuk/")
    page.get_by_label("Nama pengguna").or_(page.get_by_label("Username")).fill(username)
    page.get_by_label("Kata sandi").or_(page.get_by_label("Password")).fill(password)
    code = one_time_code(username)
    if code:
        page.get_by_label("Kode OTP").or_(page.get_by_label("One-time code")).fill(code)
    page.get_by_role("button", name="Masuk").or_(page.get_by_role("button", name="Log in")).click()


def reload_until_photos(page, selector: str, count: int, *, seconds: float = 180) -> None:
    """Photos are de-identified by the background worker after the upload answers ("foto sedang diproses" until
    then): reload the page, as an officer would, until ``count`` images match ``selector``. The budget is generous:
    on a loaded 2-core machine two photos have taken over a minute; on a quiet one they take seconds."""
    deadline = time.monotonic() + seconds
    while page.locator(selector).count() < count:
        assert time.monotonic() < deadline, f"{count} photos not ready after {seconds} s"
        time.sleep(0.5)
        page.reload()
        page.wait_for_load_state("domcontentloaded")
    assert page.locator(selector).count() == count
