"""Duplicate finder: features stored at write time, cluster representatives."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_photo_processing")]

    operations = []
