"""Settings whose defaults are a decision, read as a fresh process reads them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_no_tile_server_is_used_unless_the_city_sets_one_and_the_demo_uses_openstreetmap():
    """The default used to be OpenStreetMap's own tile servers, whose usage policy forbids heavy use."""
    env = {k: v for k, v in os.environ.items() if k != "SIGAP_TILE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "sigap.config.settings"
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(repr(settings.SIGAP_TILE_URL))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()
    assert out == "''"
    for given, expected in ((None, "https://tile.openstreetmap.org/{z}/{x}/{y}.png"), ("", ""), ("http://t/{z}", None)):
        run_env = dict(env) if given is None else {**env, "SIGAP_TILE_URL": given}
        plan = subprocess.run(["make", "-n", "run"], capture_output=True, text=True, check=True, cwd=ROOT, env=run_env)
        serve = next(line for line in plan.stdout.splitlines() if "sigap serve" in line)
        # what the demo's server is started with, as the shell hands it over
        shown = subprocess.run(
            ["sh", "-c", serve.split("sigap serve")[0].rsplit(" ", 2)[0] + " sh -c 'printf %s \"$SIGAP_TILE_URL\"'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert shown == (given if expected is None else expected), serve


def test_mail_settings_from_the_environment():
    """A mail host alone means the submission port with STARTTLS; the SMTP backend alone, a relay on
    localhost:25 (what docs/deployment.md describes: the SMTP backend alone used to aim at an empty host on port
    587 with TLS, and every mail failed); neither, no mail, and the outbox holds email notifications."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SIGAP_EMAIL_")}
    base["DJANGO_SETTINGS_MODULE"] = "sigap.config.settings"
    show = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND.rsplit('.', 2)[-2], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
    )

    def read(**env):
        run = subprocess.run(
            [sys.executable, "-c", show], env={**base, **env}, capture_output=True, text=True, check=True, cwd=ROOT
        )
        return run.stdout.split()

    assert read() == ["dummy", "localhost", "25", "False"]
    assert read(SIGAP_EMAIL_HOST="smtp.kota.go.id") == ["smtp", "smtp.kota.go.id", "587", "True"]
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert read(SIGAP_EMAIL_BACKEND=smtp) == ["smtp", "localhost", "25", "False"]
    assert read(SIGAP_EMAIL_HOST="mail.kota.go.id", SIGAP_EMAIL_PORT="465", SIGAP_EMAIL_TLS="0")[2:] == ["465", "False"]


def test_the_open311_settings_docs_open311_names_are_read_from_the_environment():
    """docs/open311.md lists four settings the code read with getattr, but nothing set them from the
    environment: a city's contact address never reached discovery."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGAP_OPEN311_")}
    env.update(
        DJANGO_SETTINGS_MODULE="sigap.config.settings",
        SIGAP_OPEN311_JURISDICTION="kota.go.id",
        SIGAP_OPEN311_PUBLIC_PER_MINUTE="30",
        SIGAP_OPEN311_CONTACT="it@kota.go.id",
        SIGAP_OPEN311_KEY_SERVICE="https://kota.go.id/open311-key",
    )
    show = (
        "from django.conf import settings as s; print(s.SIGAP_OPEN311_JURISDICTION, s.SIGAP_OPEN311_PUBLIC_PER_MINUTE,"
        " s.SIGAP_OPEN311_CONTACT, s.SIGAP_OPEN311_KEY_SERVICE)"
    )
    out = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["kota.go.id", "30", "it@kota.go.id", "https://kota.go.id/open311-key"]


def test_a_city_outside_wib_sets_its_zone_and_local_days_follow_it(tmp_path):
    """Makassar is UTC+8 (WITA), Jayapura UTC+9 (WIT): the zone was fixed to Asia/Jakarta, so a report filed in
    Makassar at 00:30 counted on the day before and its office hours ran an hour late. An unknown zone stops the
    process at start with a message rather than running on the wrong clock."""
    show = (
        "import django; django.setup(); from datetime import datetime, timezone as tz; "
        "from django.conf import settings; from sigap.reports.summaries import local_day; "
        "print(settings.TIME_ZONE, settings.CELERY_TIMEZONE, local_day(datetime(2026, 12, 1, 16, 30, tzinfo=tz.utc)))"
    )
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "sigap.config.settings", "SIGAP_HOME": str(tmp_path)}
    base.pop("SIGAP_TIME_ZONE", None)
    for zone, expected in ((None, "Asia/Jakarta Asia/Jakarta 2026-12-01"), ("Asia/Makassar", "Asia/Makassar Asia/Makassar 2026-12-02")):  # fmt: skip
        env = base if zone is None else {**base, "SIGAP_TIME_ZONE": zone}
        out = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True, cwd=ROOT)
        assert out.stdout.strip() == expected, out.stderr[-500:]
    wrong = subprocess.run(
        [sys.executable, "-c", show], env={**base, "SIGAP_TIME_ZONE": "Asia/Makasar"}, capture_output=True, text=True
    )
    assert wrong.returncode != 0 and "SIGAP_TIME_ZONE='Asia/Makasar' is not a time zone" in wrong.stderr
