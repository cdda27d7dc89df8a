"""The README's "A report's journey through the API" runs as pasted, from filing to Selesai and a rating.

The block is taken from README.md itself (so the README cannot drift from what works) and run with bash at the
project's root against a live server loaded with the demo (``sigap serve``, as ``make run`` starts it), with the
demo password and the server's address in the variables the block reads. Its output is checked step by step.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.live_sigap import live_sigap

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "readme-walk-pass-2026"


def readme_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A report's journey through the API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the API walk is one sh block"
    return blocks[0]


def test_the_readme_block_is_self_contained():
    block = readme_block()
    assert "JK2026" not in block and "K7QD" not in block  # no number or code to substitute by hand
    assert "docs/samples/jalan-$KIND.jpg" in block
    assert (ROOT / "docs/samples/jalan-sebelum.jpg").is_file() and (ROOT / "docs/samples/jalan-sesudah.jpg").is_file()


@pytest.fixture(scope="module")
def demo_server(worker_id):
    from django.conf import settings

    env = {
        "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
        "SIGAP_DEMO_PASSWORD": PASSWORD,
        "SIGAP_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    with live_sigap(f"sigap_readme_{worker_id}", env=env, prefix="sigap-readme-") as (base, full_env, _home):
        yield base, {k: v for k, v in full_env.items() if not k.startswith("_")}


def test_the_readme_api_walk_runs_as_pasted_from_filing_to_selesai(demo_server):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the README's walk uses it")
    base, env = demo_server
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", readme_block()],
        cwd=ROOT,
        env={**env, "SIGAP": base},
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    lines = out.splitlines()
    filed = re.fullmatch(r"report (JK\d{12}) at Kelurahan Pondok Bambu, tracking code ([A-Z0-9-]{14})", lines[0])
    assert filed, out
    number = filed.group(1)
    assert number in lines[1]  # the officer's queue lists it
    assert lines[2:4] == ["Proses", "Menunggu Validasi"], out  # accept, request validation
    # the proof checks: the sample photos carry no camera time or place, so the validator accepts with a reason
    assert lines[4] == str(
        ["Waktu pengambilan tidak tercatat di foto.", "Lokasi pengambilan tidak tercatat di foto."] * 2
    )
    assert lines[5] == "Selesai", out  # validate
    assert lines[6] == "Selesai ['Menunggu', 'Proses', 'Menunggu Validasi', 'Selesai']", out  # the resident's view
    assert lines[7:] == ["True"], out  # the rating was taken
