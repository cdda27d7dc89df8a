"""Conversations are found by a keyed hash of the sender's address (``conversations.sender_hash``); rows written
before were keyed by an unkeyed SHA-256 that a database dump alone could reverse (every Indonesian mobile number
hashed in minutes). Each such row is rekeyed from the address its own vault record holds; a row whose record
cannot be read (shredded, or the vault key not given to this migration) loses its hash: nothing can find that
dialog again by the sender, which only means their next message starts a new one."""

from django.db import migrations

BATCH = 500


def rekey(apps, schema_editor):
    from sigap.intake.conversations import legacy_sender_hash, sender_hash
    from sigap.privacy import vault

    Conversation = apps.get_model("intake", "Conversation")
    last = 0
    while True:
        rows = list(Conversation.objects.filter(pk__gt=last).exclude(sender_hash="").order_by("pk")[:BATCH])
        if not rows:
            return
        last = rows[-1].pk
        for row in rows:
            try:
                identity = vault.identity_for_reveal(row.identity_ref) if row.identity_ref else None
            except Exception:  # noqa: BLE001 - no vault key here: the row is not kept linkable
                identity = None
            new = ""
            for field in ("phone", "email", "handle"):
                address = str((identity or {}).get(field) or "")
                if address and legacy_sender_hash(row.channel, address) == row.sender_hash:
                    new = sender_hash(row.channel, address)
                    break
                if address and sender_hash(row.channel, address) == row.sender_hash:
                    new = row.sender_hash  # already keyed
                    break
            if new != row.sender_hash:
                Conversation.objects.filter(pk=row.pk).update(sender_hash=new)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_idempotency"),
        ("privacy", "0006_vaultblob_stored_as"),
    ]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
