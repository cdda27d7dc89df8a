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
