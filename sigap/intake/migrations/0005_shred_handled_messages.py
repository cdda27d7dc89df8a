"""Inbound messages are shredded once handled (``inbox.payload_shred``). Those handled before still hold the
sender's words and number as they came (and tied an Anonim report to its sender): their data keys go now, once,
in one statement per batch (a payload kept as a file in the vault storage goes through ``vault.blob_destroy``,
which also removes the file). Destroying a key needs no key, so this runs whether or not the vault key is given to
``sigap migrate``. One transaction per batch."""

from django.db import migrations, transaction
from django.utils import timezone

BATCH = 2000


def shred(apps, schema_editor):
    from sigap.privacy import vault

    InboundMessage = apps.get_model("intake", "InboundMessage")
    VaultBlob = apps.get_model("privacy", "VaultBlob")
    last = 0
    while True:
        with transaction.atomic():
            rows = list(
                InboundMessage.objects.filter(pk__gt=last, state__in=("processed", "ignored"))
                .order_by("pk")
                .values_list("pk", "payload_ref")[:BATCH]
            )
            if not rows:
                return
            last = rows[-1][0]
            live = VaultBlob.objects.filter(ref__in=[ref for _pk, ref in rows if ref], wrapped_key__isnull=False)
            for ref in live.exclude(stored_as="").values_list("ref", flat=True):
                vault.blob_destroy(ref)
            live.filter(stored_as="").update(wrapped_key=None, ciphertext=b"", destroyed_at=timezone.now())


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("intake", "0004_key_inbound_message_ids"),
        ("privacy", "0006_vaultblob_stored_as"),
    ]

    operations = [migrations.RunPython(shred, migrations.RunPython.noop)]
