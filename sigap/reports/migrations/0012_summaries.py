"""Counters and summaries behind the dashboard and public statistics."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_duplicate_features")]

    operations = []
