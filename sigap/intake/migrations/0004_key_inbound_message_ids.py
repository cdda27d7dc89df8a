"""Inbound messages are found by a keyed hash of the channel's message id (``inbox.message_key``); rows written
before kept the id as it came, and a WhatsApp id holds the sender's number. Each such row's id is replaced by its
key, so a retried delivery of an old message is still recognised and no id is left in the database."""

from django.db import migrations

BATCH = 1000


def key_ids(apps, schema_editor):
    from sigap.intake.inbox import message_key

    InboundMessage = apps.get_model("intake", "InboundMessage")
    last = 0
    while True:
        rows = list(
            InboundMessage.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "channel", "message_id")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        for pk, channel, message_id in rows:
            if not message_id.startswith("k:"):
                InboundMessage.objects.filter(pk=pk).update(message_id=message_key(channel, message_id))


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_rekey_conversation_senders")]

    operations = [migrations.RunPython(key_ids, migrations.RunPython.noop)]
