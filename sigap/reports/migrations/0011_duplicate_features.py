"""Duplicate finder: features stored at write time, cluster representatives.

The data step fills the features, cells and clusters of the reports already stored, with the same code the
write path uses (words and trigrams can only be computed in Python): batched ``executemany``, never row by
row through the ORM. ``sigap.reports.derived`` runs the same rebuild after a bulk load."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """Nothing here any more: the features, cells and clusters of reports already stored are written after
    ``migrate`` by ``sigap.reports.derived.after_migrate`` (``derived_rebuilds`` below), with today's code on
    today's schema. Run here, today's code named columns and tables later migrations add, and a database that
    already held reports could not be upgraded."""


class Migration(migrations.Migration):
    derived_rebuilds = ('duplicate_features',)
    dependencies = [("reports", "0010_photo_processing")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="dup_cell",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="dup_grams",
            field=models.BinaryField(db_default=b"", default=b""),
        ),
        migrations.AddField(
            model_name="report",
            name="dup_rep",
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="reports.report",
                                    help_text="the representative of its duplicate cluster; empty: itself"),
        ),
        migrations.AddField(
            model_name="report",
            name="dup_tokens",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.AlterField(
            model_name="duplicatecandidate",
            name="state",
            field=models.CharField(choices=[("open", "open"), ("merged", "merged"), ("dismissed", "dismissed")],
                                   db_index=True, default="open", max_length=10),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(condition=models.Q(("dup_rep__isnull", True)), fields=["kategori", "dup_cell", "created_at"],
                               name="report_dup_rep_cell"),
        ),
    ]
