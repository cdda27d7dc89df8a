"""The per-report set of units that may see a report, and the queue's indexes.

Creates ``ReportUnit`` and fills it for every existing report from the reports and their hops, in one
INSERT … SELECT (``sigap.reports.visibility.rebuild_sql``), so the officer pages read it from the start."""

import django.db.models.deletion
from django.db import migrations, models


def populate(apps, schema_editor):
    """Nothing here any more: the visibility rows of reports already stored are written after ``migrate`` by
    ``sigap.reports.derived.after_migrate`` (``derived_rebuilds`` below), with today's code on today's schema. Run
    here, today's code named columns and tables later migrations add, and a database that already held reports could
    not be upgraded."""


class Migration(migrations.Migration):
    derived_rebuilds = ('report_visibility',)
    dependencies = [
        ("organization", "0003_rolechange_staffnotice"),
        ("reports", "0008_concerned_unit_only_on_conduct"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("holds", models.BooleanField(help_text="the report is now at this unit (exactly one row per report)")),
                ("is_open", models.BooleanField()),
                ("status", models.CharField(choices=[("waiting", "Menunggu"), ("coordination", "Koordinasi"), ("disposition", "Disposisi"), ("in_progress", "Proses"), ("awaiting_reporter", "Menunggu Informasi Pelapor"), ("awaiting_validation", "Menunggu Validasi"), ("done", "Selesai"), ("followup_rejected", "TL Ditolak"), ("reopened", "Dibuka Kembali"), ("rejected", "Ditolak"), ("merged", "Digabung"), ("forwarded", "Diteruskan ke Instansi Lain"), ("closed_no_response", "Ditutup: Pelapor Tidak Menjawab")], max_length=30)),
                ("sort_at", models.DateTimeField(help_text="open reports: the most urgent deadline (the hop deadline while a hop awaits acceptance, else the due date, else the creation time); closed reports: null", null=True)),
                ("kategori", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organization.kategori")),
                ("kelurahan", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organization.wilayah")),
                ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="unit_rows", to="reports.report")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organization.unit")),
                ("concerned_unit", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organization.unit")),
            ],
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(condition=models.Q(("status", "awaiting_validation")), fields=["status_changed_at", "id"], name="report_awaiting_validation"),
        ),
        migrations.AddIndex(
            model_name="reportunit",
            index=models.Index(condition=models.Q(("holds", True), ("is_open", True)), fields=["unit", "sort_at", "-report"], include=("status", "concerned_unit"), name="reportunit_open_queue"),
        ),
        migrations.AddIndex(
            model_name="reportunit",
            index=models.Index(condition=models.Q(("holds", True)), fields=["unit", "-report"], include=("status", "is_open", "concerned_unit"), name="reportunit_held"),
        ),
        migrations.AddIndex(
            model_name="reportunit",
            index=models.Index(condition=models.Q(("holds", True)), fields=["unit", "status", "-report"], name="reportunit_status"),
        ),
        migrations.AddConstraint(
            model_name="reportunit",
            constraint=models.UniqueConstraint(fields=("report", "unit"), name="reportunit_once"),
        ),
        migrations.RunPython(populate, migrations.RunPython.noop),
    ]
