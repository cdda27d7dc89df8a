"""A sent message's id as the channel gave it is no longer kept (``relay.remote_kept``: a WhatsApp id holds the
recipient's number), except for our public answers. The ids already stored are not needed for anything else, so
they are blanked in one statement."""

from django.db import migrations


def forget(apps, schema_editor):
    Notification = apps.get_model("reports", "Notification")
    Notification.objects.exclude(kind="public_ack").exclude(remote_id="").exclude(remote_id__startswith="k:").update(
        remote_id=""
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0028_unit_first_covers")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
