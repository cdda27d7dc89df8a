"""Batched delivery of the outbox: what the running system picks up."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0012_summaries")]

    operations = []
