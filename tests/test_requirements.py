"""What a production install imports comes from what the project declares.

The test dependencies pull in much more than a production install (``pip install sigap``) has, so a module that
production imports but only a test dependency brings passes every other test. This runs the production entry
points in a fresh interpreter (the web application on PostgreSQL with Redis as cache, the Celery worker and beat
with a Redis broker, the object-store backend) and checks that each module they load belongs to a distribution
in the closure of the project's own requirements (extras only where a requirement names them)."""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import re
import subprocess
import sys

from packaging.requirements import Requirement

# imported by a library only when it is there (inside try/except ImportError), never needed
OPTIONAL = {
    "jinja2": "django.test (loaded by django-ninja) imports it when installed",
    "markupsafe": "with jinja2",
    "yaml": "kombu.serialization registers the YAML serializer when PyYAML is there",
    "msgpack": "kombu.serialization registers the msgpack serializer when it is there",
    "greenlet": "celery.utils.threads uses it for greenlet pools when it is there",
    "psutil": "celery.utils.debug reports memory with it when it is there",
}

PRODUCTION_IMPORTS = r"""
import importlib, json, os, sys
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "sigap.config.settings",
    "DATABASE_URL": "postgres://sigap@127.0.0.1:5432/sigap",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
    "SIGAP_REDIS_URL": "redis://127.0.0.1:6379/6",
    "SIGAP_S3_BUCKET": "sigap-photos",
})
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from django.core.cache import caches
caches["default"]
import sigap.config.celery
for name in ("kombu.transport.redis", "celery.backends.redis", "celery.apps.worker", "celery.apps.beat",
             "storages.backends.s3", "gunicorn.app.base", "gunicorn.workers.gthread", "sigap.config.server"):
    importlib.import_module(name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _closure(root: str) -> set[str]:
    """Distributions ``root`` needs, following only the extras each requirement names (not the project's own)."""
    seen: set[str] = set()
    todo = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        key = (re.sub(r"[-_.]+", "-", name).lower(), extras)
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(name) or ():
            req = Requirement(text)
            environments = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in environments):
                todo.append((req.name, frozenset(req.extras)))
    return {name for name, _extras in seen}


def test_the_production_entry_points_load_only_declared_distributions():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGAP_", "DATABASE_URL", "CELERY_"))}
    env["SIGAP_HOME"] = os.environ.get("SIGAP_HOME", "")
    out = subprocess.run(
        [sys.executable, "-c", PRODUCTION_IMPORTS], env=env, capture_output=True, text=True, timeout=300, check=True
    ).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    declared = _closure("sigap") | {"sigap"}
    owners = metadata.packages_distributions()
    undeclared = {}
    for module in loaded:
        if module in sys.stdlib_module_names or module.startswith("_") or module in OPTIONAL:
            continue
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(module, ())}
        if dists and not dists & declared:
            undeclared[module] = sorted(dists)
    assert not undeclared, f"loaded in production but only a test dependency brings it: {undeclared}"


def test_the_constraints_pin_every_distribution_and_agree_with_the_project_pins():
    """An install takes the versions of ``constraints.txt`` (``make install``, docs/deployment.md): what pyproject.toml
    pins must be what the constraints say, and every line of them one exact version, so two installs of the same
    commit get the same libraries (an operator's review found the dependencies of the dependencies floated)."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pins = [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]
    lines = [line for line in (root / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    constrained = {}
    for line in lines:
        req = Requirement(line)
        [spec] = req.specifier
        assert spec.operator == "==" and not req.url and not req.marker, line
        constrained[re.sub(r"[-_.]+", "-", req.name).lower()] = spec.version
    for pin in pins:
        [spec] = pin.specifier
        assert constrained.get(re.sub(r"[-_.]+", "-", pin.name).lower()) == spec.version, (pin, "constraints.txt")
    makefile = (root / "Makefile").read_text()
    assert makefile.count("pip install --quiet -c constraints.txt") == 3 and "pip install --quiet -e" not in makefile
