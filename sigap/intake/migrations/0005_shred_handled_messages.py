"""Inbound messages are shredded once handled (``inbox.payload_shred``). Those handled before still hold the
sender's words and number as they came (and tied an Anonim report to its sender): their data keys go now, once.
Destroying a key needs no key, so this runs whether or not the vault key is given to ``sigap migrate``."""

from django.db import migrations

BATCH = 1000


def shred(apps, schema_editor):
    from sigap.intake.inbox import payload_shred

    InboundMessage = apps.get_model("intake", "InboundMessage")
    VaultBlob = apps.get_model("privacy", "VaultBlob")
    last = 0
    while True:
        rows = list(
            InboundMessage.objects.filter(pk__gt=last, state__in=("processed", "ignored"))
            .order_by("pk")
            .values_list("pk", "payload_ref")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        live = set(
            VaultBlob.objects.filter(ref__in=[ref for _pk, ref in rows], wrapped_key__isnull=False).values_list(
                "ref", flat=True
            )
        )
        for _pk, ref in rows:
            if ref in live:
                payload_shred(ref)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_key_inbound_message_ids"),
        ("privacy", "0006_vaultblob_stored_as"),
    ]

    operations = [migrations.RunPython(shred, migrations.RunPython.noop)]
