from django.db import migrations


class Migration(migrations.Migration):
    """The public area summaries (``AreaStatus``, ``AreaDoneDays``) count a complaint about officials under no
    kelurahan (``summaries._area``): nothing changes in the schema, the summaries are recounted after ``migrate``
    by ``sigap.reports.derived.after_migrate``."""

    derived_rebuilds = ("summaries",)

    dependencies = [
        ("reports", "0030_hide_codes_in_sent_messages"),
    ]

    operations = []
