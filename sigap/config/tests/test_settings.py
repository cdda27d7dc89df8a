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
    run = subprocess.run(["make", "-n", "run"], capture_output=True, text=True, check=True, cwd=ROOT, env=env).stdout
    assert "tile.openstreetmap.org" in run.split("sigap serve")[0].splitlines()[-1]  # set for the demo's server
