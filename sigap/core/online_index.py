"""An index built without stopping writes: ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (the migration must be
``atomic = False``), a plain ``CREATE INDEX`` elsewhere (SQLite, the embedded default, has no concurrent build and
no concurrent writers to wait). For an index on a table that grows with the years and is written on every
request (the access log): a plain build there holds every look's INSERT for the minutes the build takes."""

from __future__ import annotations

from django.db import migrations


class AddIndexOnline(migrations.AddIndex):
    def _concurrently(self, schema_editor) -> bool:
        if schema_editor.connection.vendor != "postgresql":
            return False
        if schema_editor.connection.in_atomic_block:
            raise RuntimeError(f"{self.index.name}: an online index needs a migration with atomic = False")
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if self._concurrently(schema_editor):
                self._drop_if_invalid(schema_editor)
                schema_editor.add_index(model, self.index, concurrently=True)
            else:
                schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            if self._concurrently(schema_editor):
                schema_editor.remove_index(model, self.index, concurrently=True)
            else:
                schema_editor.remove_index(model, self.index)

    def _drop_if_invalid(self, schema_editor) -> None:
        """A concurrent build cut short (the migration interrupted, a deadlock) leaves the index behind, invalid:
        not used, still written, and in the way of the next attempt. Drop it so that ``migrate`` can run again."""
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s AND NOT i.indisvalid AND pg_table_is_visible(c.oid)",
                [self.index.name],
            )
            invalid = cursor.fetchone() is not None
        if invalid:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(self.index.name)}")

    def describe(self):
        return f"{super().describe()} (online where the database can)"
