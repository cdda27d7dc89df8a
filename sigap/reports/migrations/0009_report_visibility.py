"""The per-report set of units that may see a report, and the queue's indexes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_concerned_unit_only_on_conduct")]

    operations = []
