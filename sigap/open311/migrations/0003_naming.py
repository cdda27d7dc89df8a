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
        migrations.RemoveConstraint(
            model_name="serviceattribute",
            name="open311_attribute_unique",
        ),
        migrations.RenameField(
            model_name="serviceattribute",
            old_name="kategori_kode",
            new_name="category_code",
        ),
        migrations.AddConstraint(
            model_name="serviceattribute",
            constraint=models.UniqueConstraint(fields=("category_code", "code"), name="open311_attribute_unique"),
        ),
    ]
