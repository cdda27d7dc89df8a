"""The layers are a contract a machine checks: ``[tool.importlinter]`` in pyproject.toml, run by ``lint-imports``
(``make lint`` runs it before the tests; docs/architecture.md says what each layer may import).

The suite guards it too: the tree must keep every contract, and a copy of the tree with one forbidden import of
each kind added (inside a function: those count) must break all three contracts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        found = shutil.which("lint-imports")
        if found is None:
            pytest.fail("lint-imports is not installed (pip install -e '.[test]')")
        exe = Path(found)
    env = {**os.environ, "PYTHONPATH": str(tree)}  # this tree's sigap, whatever is installed
    return subprocess.run(
        [str(exe), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_every_import_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _add_import(path: Path, module: str) -> None:
    with path.open("a") as f:
        f.write(f"\n\ndef _violation():\n    import {module}  # noqa\n")


def test_a_forbidden_import_breaks_the_contracts(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "sigap", tree / "sigap", ignore=shutil.ignore_patterns("__pycache__", "data", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    _add_import(tree / "sigap" / "core" / "clock.py", "sigap.reports.services")  # a layer imports one above it
    _add_import(tree / "sigap" / "portal" / "views.py", "sigap.officers.api")  # an interface app imports another
    _add_import(tree / "sigap" / "analytics" / "selectors.py", "sigap.intake.services")  # reaches the vault
    result = _lint_imports(tree)
    assert result.returncode != 0
    out = result.stdout
    assert "3 broken" in out, out
    assert "sigap.core.clock -> sigap.reports.services" in out
    assert "sigap.portal.views -> sigap.officers.api" in out
    assert "sigap.analytics.selectors -> sigap.intake.services" in out
