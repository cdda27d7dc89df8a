"""Tests mirror the code: every module of an app that holds rules has a test module of the same name.

The test of ``sigap/<app>/<name>.py`` is ``sigap/<app>/tests/test_<name>.py``; a module tested from several sides
adds ``test_<name>_<aspect>.py`` beside it (``test_access_log_keyed.py``, ``test_views_report.py``). A module of a
sub-package, such as a channel adapter ``sigap/intake/channels/<name>.py``, is tested in
``sigap/<app>/tests/test_<name>.py`` (``test_<package>_<name>.py`` when the app has a module of that name too).

A module without its test module is named in one of two lists, with a one-line reason:

* ``NO_RULES``: modules without rules of their own (app configs, URL and router wiring, admin registrations,
  API schemas, tables, Celery task wrappers, settings). What they wire up is tested where the rules are.
* ``NOT_YET``: modules that do hold rules but are tested only through the endpoints or modules the reason names.
  Each line is a debt: give the module its test module and delete the line.

The test fails for a module in neither list, for a listed module that is gone, and for a listed module that has
its test module by now, so both lists stay true. Management commands (``management/commands/``), migrations and
the test packages themselves are not checked: a command parses its arguments and calls its app's modules.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIGAP = ROOT / "sigap"
SKIPPED_PACKAGES = {"tests", "migrations", "management", "__pycache__"}

NO_RULES: dict[str, str] = {
    # app configs
    "core/apps.py": "app config",
    "intake/apps.py": "app config",
    "officers/apps.py": "app config; connects the credential seal's signals (test_seal.py)",
    "open311/apps.py": "app config",
    "organization/apps.py": "app config",
    "portal/apps.py": "app config",
    "privacy/apps.py": "app config (registers the vault's senders and the photo worker with reports)",
    "reports/apps.py": "app config",
    # URL and router wiring
    "config/urls.py": "URL wiring of the apps",
    "config/apps.py": "the admin names of two third-party apps",
    "config/wsgi.py": "the WSGI entry point",
    "config/celery.py": "the Celery app; tasks are tested with the module they call (test_relay, test_photoqueue)",
    "config/open311_dispatch.py": "sends GET to sigap.open311 and POST to intake at one URL (both tested there)",
    "intake/urls.py": "URL wiring",
    "intake/channels/urls.py": "URL wiring of the webhooks",
    "officers/urls.py": "URL wiring",
    "open311/urls.py": "URL wiring",
    "portal/urls.py": "URL wiring",
    # Celery task wrappers: one line each around a tested function
    "config/tasks.py": "Celery wrapper around config.periodic.run_job (test_periodic.py)",
    "intake/tasks.py": "Celery wrapper around intake.inbox (tested by every channel's test)",
    "privacy/tasks.py": "Celery wrappers around privacy.relay and privacy.photo_worker (test_relay, test_photo_worker)",
    # API schemas and forms that only parse
    "core/schemas.py": "API schema shapes",
    "intake/schemas.py": "API schema shapes",
    "officers/schemas.py": "API schema shapes",
    "portal/forms.py": "portal forms parse input only; the rules are the services' (its own docstring)",
    "core/context_processors.py": "three settings handed to the templates",
    # tables and admin registrations
    "intake/models.py": "tables of inbound messages and conversations, tested through the channels",
    "portal/models.py": "one table (ReportInterest), written by portal/services.py",
    "privacy/models.py": "vault and access-log tables; vault.py and access_log.py hold their rules",
    "reports/models.py": "tables; every write and its rules are in reports/services.py",
    "reports/uploads.py": "the two photo dataclasses the write path takes; privacy/photos.py makes them (test_photos.py)",
    "open311/admin.py": "admin registrations of client apps and service questions",
    "reports/admin.py": "read-only admin registrations",
}

NOT_YET: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    """``"<app>/<...>/<name>.py"`` → the test module it needs."""
    out: dict[str, Path] = {}
    for app in sorted(p for p in SIGAP.iterdir() if (p / "__init__.py").exists()):
        tests = app / "tests"
        top_level = {m.stem for m in app.glob("*.py")}
        for module in sorted(app.rglob("*.py")):
            relative = module.relative_to(app)
            if module.name == "__init__.py" or SKIPPED_PACKAGES & set(relative.parts[:-1]):
                continue
            packages = relative.parts[:-1]
            if packages and module.stem in top_level:
                expected = tests / f"test_{'_'.join(packages)}_{module.stem}.py"
            else:
                expected = tests / f"test_{module.stem}.py"
            out[str(module.relative_to(SIGAP))] = expected
    return out


def test_every_module_with_rules_has_a_test_module_of_the_same_name():
    missing = [
        f"sigap/{module} -> {expected.relative_to(ROOT)}"
        for module, expected in _modules().items()
        if not expected.exists() and module not in NO_RULES and module not in NOT_YET
    ]
    assert not missing, (
        "These modules have no test module. Write it, or add the module to NO_RULES (no rules of its own) or "
        "NOT_YET (rules tested elsewhere for now) in tests/test_layout.py with a one-line reason:\n  "
        + "\n  ".join(missing)
    )


def test_the_lists_name_only_modules_that_exist_and_still_lack_their_test():
    modules = _modules()
    assert not set(NO_RULES) & set(NOT_YET)
    gone = sorted(m for m in {**NO_RULES, **NOT_YET} if m not in modules)
    assert not gone, f"Listed in tests/test_layout.py but gone: {gone}"
    tested = sorted(m for m in {**NO_RULES, **NOT_YET} if modules[m].exists())
    assert not tested, f"These have their test module now: remove them from the lists in tests/test_layout.py: {tested}"


def test_every_reason_is_one_line():
    for module, reason in {**NO_RULES, **NOT_YET}.items():
        assert reason.strip() and "\n" not in reason, module
