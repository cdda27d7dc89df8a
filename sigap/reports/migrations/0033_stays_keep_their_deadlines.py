"""The stages open past their deadline are counted from the stays alone: each stay keeps its report's due date
(``due_by``) and wait for the reporter (``paused_at``) in step, and a partial covering index holds the open ones
by unit (``unitstay_open_unit``); existing stays are filled from their reports (the wait for the open ones only,
as before: the report's current status). A kota's *Diterima* reads the hops entering it from ``UnitDay``
(``from_other_kota``, counted by the rebuild after ``migrate``) instead of the period's hops, whose index goes."""

from django.db import migrations, models


def fill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        sql = """UPDATE reports_unitstay s SET due_by = r.due_at,
                 paused_at = CASE WHEN s.ended_at IS NULL AND r.status = 'awaiting_reporter'
                             THEN r.status_changed_at END
                 FROM reports_report r WHERE r.id = s.report_id"""
    else:
        sql = """UPDATE reports_unitstay SET (due_by, paused_at) = (SELECT r.due_at,
                 CASE WHEN reports_unitstay.ended_at IS NULL AND r.status = 'awaiting_reporter'
                 THEN r.status_changed_at END FROM reports_report r WHERE r.id = reports_unitstay.report_id)"""
    with connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):
    derived_rebuilds = ("summaries",)

    dependencies = [
        ("reports", "0032_hop_arrivals_by_unit"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="hop", name="hop_to_unit_at"),
        migrations.AddField(
            model_name="unitday",
            name="from_other_kota",
            field=models.IntegerField(
                default=0,
                help_text="hops to the unit from a unit outside its kota: a kota receives these and its filings",
            ),
        ),
        migrations.AddField(
            model_name="unitstay",
            name="due_by",
            field=models.DateTimeField(blank=True, help_text="the report's due date then in force", null=True),
        ),
        migrations.AddField(
            model_name="unitstay",
            name="paused_at",
            field=models.DateTimeField(blank=True, help_text="the reporter was asked (awaiting answer)", null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="unitstay",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", True)),
                fields=["unit_id"],
                include=("concerned_id", "arrived_at", "accept_by", "accepted_at", "submitted_at", "due_by", "paused_at"),
                name="unitstay_open_unit",
            ),
        ),
    ]
