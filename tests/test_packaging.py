"""What ``pip install`` puts on a server is what the code reads: every data file of the ``sigap`` package is matched
by ``[tool.setuptools.package-data]`` (found by a newcomer's review: the redaction word lists, ``*.txt``, were left
out of a non-editable install, and reporters' names in lower case reached officers there)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIGAP = ROOT / "sigap"


def _data_files() -> set[Path]:
    """Files the application reads at run time: everything under ``sigap`` but Python, caches and the tests."""
    return {
        p
        for p in SIGAP.rglob("*")
        if p.is_file()
        and p.suffix not in (".py", ".pyc")
        and not {"tests", "__pycache__"} & set(p.relative_to(SIGAP).parts)
    }


def _installed_data_files() -> set[Path]:
    """What setuptools takes: each ``package-data`` pattern (key ``"*"``) globbed from every package it finds, as
    ``[tool.setuptools.packages.find]`` finds them: with ``include = ["sigap*"]`` and namespace packages (the
    default under ``pyproject.toml``), every folder of ``sigap`` whose name holds no dot is one, a data folder too."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setup["packages"]["find"] == {"include": ["sigap*"]}, "the folders below are no longer what is packaged"
    patterns = setup["package-data"]["*"]
    packages = [SIGAP] + [d for d in SIGAP.rglob("*") if d.is_dir() and "." not in d.name and d.name != "__pycache__"]
    return {f for package in packages for pattern in patterns for f in package.glob(pattern) if f.is_file()}


def test_every_data_file_of_the_package_is_installed():
    left_out = sorted(str(p.relative_to(ROOT)) for p in _data_files() - _installed_data_files())
    assert not left_out, f"not in [tool.setuptools.package-data]: {left_out}"


def test_the_check_sees_a_file_left_out():
    assert SIGAP / "privacy" / "data" / "given_names.txt" in _data_files()
