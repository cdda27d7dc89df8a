"""What a supervisor's dashboard groups and orders a scope's open reports by, repeated on each visibility row
(``ReportUnit``: the unit holding the report now, due date, hop deadline, filing time) and included in the
partial index ``reportunit_open_any``, so the dashboard's counts read the scope's open rows from that index alone
instead of joining them to every open report of the city. Existing rows are filled from their reports."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        sql = """UPDATE reports_reportunit u SET holder_id = r.unit_id, due_at = r.due_at,
                 hop_deadline = r.hop_deadline, filed_at = r.created_at
                 FROM reports_report r WHERE r.id = u.report_id"""
    else:
        sql = """UPDATE reports_reportunit SET
                 (holder_id, due_at, hop_deadline, filed_at) = (SELECT r.unit_id, r.due_at, r.hop_deadline, r.created_at
                  FROM reports_report r WHERE r.id = reports_reportunit.report_id)"""
    with connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0010_placename_home"),
        ("reports", "0026_public_cover"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="reportunit",
            name="reportunit_open_any",
        ),
        migrations.AddField(
            model_name="reportunit",
            name="due_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="reportunit",
            name="filed_at",
            field=models.DateTimeField(help_text="the report's creation time", null=True),
        ),
        migrations.AddField(
            model_name="reportunit",
            name="holder",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                help_text="the unit the report is at now (the report's unit)",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organization.unit",
            ),
        ),
        migrations.AddField(
            model_name="reportunit",
            name="hop_deadline",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="reportunit",
            index=models.Index(
                condition=models.Q(("is_open", True)),
                fields=["unit", "report"],
                include=("status", "holder", "due_at", "hop_deadline", "filed_at", "concerned_unit"),
                name="reportunit_open_any",
            ),
        ),
    ]
