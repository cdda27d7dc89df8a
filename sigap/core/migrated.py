"""Whether the database is at the last migration: what runs after ``migrate`` (rebuilds of derived data, the
shipped gazetteer) uses today's code, which names today's columns, so it runs only then; ``sigap migrate reports
0008``, a partial target, skips it."""

from __future__ import annotations

from django.db import connections
from django.db.migrations.executor import MigrationExecutor


def fully_migrated(using: str = "default") -> bool:
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())
