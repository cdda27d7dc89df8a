"""``fully_migrated``: true at the last migration, false while one is not applied."""

from __future__ import annotations

import pytest
from django.db.migrations.executor import MigrationExecutor

from sigap.core.migrated import fully_migrated


@pytest.mark.django_db
def test_the_test_database_is_fully_migrated_and_an_unapplied_migration_is_seen(monkeypatch):
    assert fully_migrated()
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    assert not fully_migrated()
