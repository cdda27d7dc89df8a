"""A set of units' stays and Selesai of a period read from their unit-first index alone (PostgreSQL).

A kota's unit table and a supervisor's dashboard ask for the stays (``UnitStay``) and Selesai (``DoneTime``) of
their units over a period. Through the time-first index that meant every unit's rows of the period, filtered and
then sorted by unit (at a million reports, 437,000 stays read for a kota's 82,000 over a year, and the sort spilled
to disk); the unit-first indexes now include the measured columns, so the rows come index-only and already
grouped by unit. Each replaces the plain unit-first index of the same key. Building them takes seconds at a
million reports; ``VACUUM ANALYZE reports_unitstay, reports_donetime`` afterwards (``docs/deployment.md``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0027_reportunit_dashboard"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="donetime",
            index=models.Index(
                fields=["unit_id", "done_at"],
                include=("concerned_id", "seconds", "total_seconds"),
                name="donetime_unit_at_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="unitstay",
            index=models.Index(
                fields=["unit_id", "ended_at"],
                include=("concerned_id", "late", "ended", "seconds", "work_seconds"),
                name="unitstay_unit_end_cover",
            ),
        ),
        migrations.RemoveIndex(model_name="donetime", name="donetime_unit_at"),
        migrations.RemoveIndex(model_name="unitstay", name="unitstay_unit_end"),
    ]
