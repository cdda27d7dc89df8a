"""A stay knows when its unit took the report into work (``taken_at``: the first Proses or the request for
validation, whichever came first) apart from its first Proses (``accepted_at``, where the work time starts), so
that TL Ditolak can clear the rejected request (``submitted_at``) without losing either: a stage sent back is the
unit's work again, late once past its new due date. Existing stays are filled from what they hold, and the open
ones already sent back forget the rejected request (every open stay holding a request whose report is no longer
waiting for validation: TL Ditolak is the only way from there that keeps the stay open). The open stays' index
carries ``taken_at`` instead of ``accepted_at``."""

from django.db import migrations, models


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        # straight to the request (from Dibuka Kembali) then Proses after TL Ditolak: taken at the request
        cursor.execute(
            """UPDATE reports_unitstay SET taken_at = CASE
                   WHEN accepted_at IS NULL THEN submitted_at
                   WHEN submitted_at IS NULL OR accepted_at <= submitted_at THEN accepted_at
                   ELSE submitted_at END
               WHERE accepted_at IS NOT NULL OR submitted_at IS NOT NULL"""
        )
        cursor.execute(
            """UPDATE reports_unitstay SET submitted_at = NULL
               WHERE ended_at IS NULL AND submitted_at IS NOT NULL AND report_id IN
               (SELECT id FROM reports_report WHERE status <> 'awaiting_validation')"""
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0034_validations_record_their_proof_flag"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="unitstay", name="unitstay_open_unit"),
        migrations.AddField(
            model_name="unitstay",
            name="taken_at",
            field=models.DateTimeField(
                blank=True,
                help_text="taken into work: first Proses or request for validation, whichever came first",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="unitstay",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True, help_text="the request for validation (TL Ditolak clears it)", null=True
            ),
        ),
        # the index before the rows are filled: PostgreSQL refuses CREATE INDEX on a table whose rows this
        # transaction has just updated (their deferred foreign-key checks are still pending)
        migrations.AddIndex(
            model_name="unitstay",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", True)),
                fields=["unit_id"],
                include=("concerned_id", "arrived_at", "accept_by", "taken_at", "submitted_at", "due_by", "paused_at"),
                name="unitstay_open_unit",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
