"""Naming rule (docs/glossary.md): English identifiers, the users' words kept. Renames only; no data moves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("intake", "0002_idempotency"),
        ("officers", "0004_apitoken_binding"),
        ("open311", "0002_service_attributes_examples"),
        ("organization", "0003_rolechange_staffnotice"),
        ("organization", "0004_naming"),
        ("portal", "0001_initial"),
        ("privacy", "0005_reveal_request_seal"),
        ("reports", "0014_report_open_cover"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="report",
            name="reports_rep_kategor_714091_idx",
        ),
        migrations.RemoveIndex(
            model_name="report",
            name="report_dup_lookup",
        ),
        migrations.RemoveIndex(
            model_name="report",
            name="report_dup_rep_cell",
        ),
        migrations.RenameField(
            model_name="report",
            old_name="kategori",
            new_name="category",
        ),
        migrations.RenameField(
            model_name="reportunit",
            old_name="kategori",
            new_name="category",
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["category", "status"], name="reports_rep_kategor_714091_idx"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["category", "lat"], name="report_dup_lookup"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("dup_rep__isnull", True)),
                fields=["category", "dup_cell", "created_at"],
                name="report_dup_rep_cell",
            ),
        ),
    ]
