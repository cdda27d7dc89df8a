"""The supervisor dashboard's covering index over the open reports (``report_open_cover``): the scope's open
reports, their counts by status / unit / lateness, the overdue list's and the map's order are read index-only
from it (about 5 % of the reports), hash-joined with the scope's open ``ReportUnit`` rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0013_outbox_delivery")]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("status__in", ["waiting", "coordination", "disposition", "in_progress",
                                                   "awaiting_reporter", "awaiting_validation", "followup_rejected",
                                                   "reopened"])),
                fields=["id"], include=["status", "unit", "concerned_unit", "due_at", "hop_deadline", "created_at",
                                        "lat", "lon"],
                name="report_open_cover",
            ),
        ),
    ]
