"""Photos de-identified in the worker: processing state of each photo."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_report_visibility")]

    operations = []
