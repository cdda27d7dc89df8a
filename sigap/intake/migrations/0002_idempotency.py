"""An acknowledged report filed once: Idempotency-Key and committed-batch records."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]  # which already needs reports.Report

    operations = [
        migrations.CreateModel(
            name="IdempotencyRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("fingerprint", models.CharField(max_length=64)),
                ("sealed", models.TextField()),
                ("created_at", models.DateTimeField(db_index=True)),
                ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                             to="reports.report")),
            ],
            options={"verbose_name": "kunci idempotensi", "verbose_name_plural": "kunci idempotensi"},
        ),
    ]
