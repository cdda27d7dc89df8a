"""PostgreSQL triggers that refuse UPDATE and DELETE on the append-only logs (access log, audit trail).

The hash chain detects tampering by someone who can drop these triggers; the triggers stop everyone else.
SQLite (the embedded default) gets no trigger: its file is writable by whoever runs Sigap anyway, and the
test runner empties tables with DELETE there; the chain still detects every edit.
"""
from django.db import migrations

TABLES = ["privacy_accessevent", "core_auditevent"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION sigap_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;",
                params=None,
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sigap_append_only();"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_chainhead_vaultblob_accessevent_revealrequest"),
        ("core", "0001_initial"),
    ]
    operations = [migrations.RunPython(create, drop)]
