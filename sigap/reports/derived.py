"""Data derived from the reports that the write path keeps current (visibility sets, summaries, features).

Each part registers here one set-based rebuild: SQL over the whole table, never row by row through the ORM.
They run after a bulk load that bypassed the write path (``bench/city.py``) and may be run by an operator
to repair derived data; each must be idempotent and leave the same rows the write path would have written.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from sigap.core.migrated import fully_migrated

REBUILDS: list[tuple[str, str]] = [
    # ("name", "dotted.path.to.function"), in the order they must run
    # words, trigram hashes, cells and clusters of the duplicate finder; computed in Python (the write path's
    # code), written in batches with executemany
    ("duplicate_features", "sigap.reports.duplicates.rebuild"),
    ("report_visibility", "sigap.reports.visibility.rebuild"),  # ReportUnit: who may see each report
    # only the report columns ReportUnit repeats for the dashboard, where they differ (no table rewrite)
    ("report_visibility_copies", "sigap.reports.visibility.copies_repair"),
    ("summaries", "sigap.reports.summaries.rebuild"),
    ("triage_hints", "sigap.reports.desk.rebuild"),  # the triage desk's suggestions for open triage reports
]


def rebuild_all(*, only: set[str] | None = None, say: Callable[[str], None] = lambda _m: None) -> None:
    from importlib import import_module

    for name, path in REBUILDS:
        if only is not None and name not in only:
            continue
        module, _, attr = path.rpartition(".")
        with transaction.atomic():
            getattr(import_module(module), attr)()
        say(name)


def after_migrate(sender=None, plan=None, using: str = "default", **kwargs) -> None:
    """``post_migrate``: the rebuilds the migrations just applied ask for (their ``derived_rebuilds``), with
    today's code on today's schema. A data step inside a migration cannot call today's rebuild: it names
    columns and tables later migrations add, so a database that already held reports could not be upgraded past
    it. Nothing on a fresh database, or when ``migrate`` stopped short of the last migration."""
    wanted = {
        name
        for migration, backwards in plan or ()
        if not backwards
        for name in getattr(migration, "derived_rebuilds", ())
    }
    if using != "default" or not wanted or not fully_migrated(using):
        return
    from .models import Report

    if Report.objects.exists():
        rebuild_all(only=wanted)
