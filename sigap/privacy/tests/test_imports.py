"""Officer-facing code never imports the identity vault, directly or through anything it imports.

The walk reads every module's source (imports at any depth, including inside functions) and follows
``sigap.*`` imports transitively.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import sigap

ROOT = Path(sigap.__file__).resolve().parent
VAULT = "sigap.privacy.vault"
OFFICER_FACING_PACKAGES = (
    "sigap.officers",
    "sigap.analytics",
    "sigap.open311",
    "sigap.reports",
    "sigap.organization",
    "sigap.routing",
)


def module_path(name: str) -> Path | None:
    rel = Path(*name.split(".")[1:])
    for candidate in (ROOT / rel.with_suffix(".py"), ROOT / rel / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def all_modules() -> list[str]:
    out = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if "tests" in parts or "migrations" in parts:
            continue
        out.append(".".join(["sigap", *parts]))
    return sorted(out)


@cache
def direct_imports(name: str) -> frozenset[str]:
    path = module_path(name)
    if path is None:
        return frozenset()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            for alias in node.names:  # "from sigap.privacy import vault" imports the submodule
                found.add(f"{base}.{alias.name}")
    resolved = set()
    for mod in found:
        if not mod.startswith("sigap"):
            continue
        # importing a.b.c runs a/__init__, a/b/__init__ too
        parts = mod.split(".")
        for i in range(2, len(parts) + 1):
            candidate = ".".join(parts[:i])
            if module_path(candidate) is not None:
                resolved.add(candidate)
    return frozenset(resolved)


def closure(name: str) -> set[str]:
    seen, stack = set(), [name]
    while stack:
        mod = stack.pop()
        if mod in seen:
            continue
        seen.add(mod)
        stack.extend(direct_imports(mod))
    return seen


OFFICER_FACING = [m for m in all_modules() if m.startswith(OFFICER_FACING_PACKAGES)]


def test_the_walk_finds_officer_facing_modules_and_real_edges():
    assert "sigap.officers.api" in OFFICER_FACING
    assert "sigap.reports.services" in closure("sigap.officers.api")
    # positive control: the walk does see the vault where it is used
    assert VAULT in closure("sigap.intake.services")
    assert VAULT in closure("sigap.privacy.relay")


@pytest.mark.parametrize("module", OFFICER_FACING)
def test_officer_facing_module_never_imports_the_vault(module):
    reach = closure(module)
    assert VAULT not in reach, f"{module} reaches the identity vault through {sorted(reach & {VAULT})}"
