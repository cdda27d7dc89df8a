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
                if not self._left_behind(schema_editor, model._meta.db_table):
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

    def _left_behind(self, schema_editor, table: str) -> bool:
        """What an earlier attempt left on ``table``: a concurrent build cut short (the migration interrupted, a
        deadlock) leaves the index invalid (not used, still written, in the way of the next attempt): it is
        dropped. One that finished before the migration was recorded left it valid: True, nothing to build."""
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = %s AND i.indrelid = %s::regclass",
                [self.index.name, schema_editor.quote_name(table)],
            )
            found = cursor.fetchone()
        if found is None:
            return False
        schema, valid = found
        if valid:
            return True
        quote = schema_editor.quote_name
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote(schema)}.{quote(self.index.name)}")
        return False

    def describe(self):
        return f"{super().describe()} (online where the database can)"
