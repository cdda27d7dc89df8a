"""Photos de-identified in the worker: processing state of each photo."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_report_visibility")]

    operations = [
        migrations.AlterField(
            model_name="photo", name="image",
            field=models.FileField(blank=True, upload_to="photos/%Y/%m/"),
        ),
        migrations.AlterField(
            model_name="photo", name="sha256", field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="photo", name="state",
            field=models.CharField(choices=[("processing", "foto sedang diproses"), ("ready", "siap"),
                                            ("failed", "foto tidak dapat ditampilkan")],
                                   default="ready", max_length=12),
        ),
        migrations.AddField(
            model_name="photo", name="attempts",
            field=models.PositiveSmallIntegerField(default=0, help_text="worker attempts so far (counted at claim)"),
        ),
        migrations.AddField(
            model_name="photo", name="claimed_at",
            field=models.DateTimeField(blank=True, null=True,
                                       help_text="when a worker took it; stale claims are retried"),
        ),
        migrations.AddField(
            model_name="photo", name="last_error", field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(condition=models.Q(("state", "processing")), fields=["claimed_at", "id"],
                               name="photo_processing"),
        ),
    ]
