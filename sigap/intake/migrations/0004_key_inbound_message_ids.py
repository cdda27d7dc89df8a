"""Inbound messages are found by a keyed hash of the channel's message id (``inbox.message_key``); rows written
before kept the id as it came, and a WhatsApp id holds the sender's number. Each such row's id is replaced by its
key, so a retried delivery of an old message is still recognised and no id is left in the database. A row whose
key is already taken (the same message stored again by the new release before this ran) keeps the key with its
own id appended: the id itself is gone either way. One transaction per batch, so a large table is not one long
lock (about 4 minutes per million rows on PostgreSQL)."""

from django.db import migrations, transaction

BATCH = 2000


def key_ids(apps, schema_editor):
    from sigap.intake.inbox import message_key

    InboundMessage = apps.get_model("intake", "InboundMessage")
    last = 0
    while True:
        with transaction.atomic():
            rows = list(
                InboundMessage.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "channel", "message_id")[:BATCH]
            )
            if not rows:
                return
            last = rows[-1][0]
            raw = [(pk, channel, message_key(channel, mid)) for pk, channel, mid in rows if not mid.startswith("k:")]
            taken = set(
                InboundMessage.objects.filter(message_id__in=[key for _pk, _channel, key in raw]).values_list(
                    "channel", "message_id"
                )
            )
            for pk, channel, key in raw:
                new = f"{key}:{pk}" if (channel, key) in taken else key
                InboundMessage.objects.filter(pk=pk).update(message_id=new)
                taken.add((channel, key))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("intake", "0003_rekey_conversation_senders")]

    operations = [migrations.RunPython(key_ids, migrations.RunPython.noop)]
