"""The public list's covering index (``report_public_cover``): the public reports newest first with their category,
status and kelurahan, so the list's count (it stops at 10,000) and its kota and state filters read the index
only, not 10,000 rows of the table (on PostgreSQL; SQLite keeps the partial index without the included columns)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0010_placename_home"),
        ("reports", "0025_performance_covering"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("privacy", "public")),
                fields=["created_at", "id"],
                include=("category", "status", "kelurahan"),
                name="report_public_cover",
            ),
        ),
    ]
