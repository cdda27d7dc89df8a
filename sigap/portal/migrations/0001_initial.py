import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportInterest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="waktu")),
                ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="portal_interest",
                                             to="reports.report", verbose_name="laporan")),
            ],
            options={
                "verbose_name": "warga yang mengalami masalah yang sama",
                "verbose_name_plural": "warga yang mengalami masalah yang sama",
                "ordering": ["created_at", "id"],
            },
        ),
    ]
