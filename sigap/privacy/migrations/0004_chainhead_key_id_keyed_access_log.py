"""Key the access log: the chain head remembers the audit key it continues with, and a log written with the
plain SHA-256 chain is anchored by one ``chain_keyed`` row (HMAC over the plain chain's last hash; old rows
are not rewritten, so the append-only triggers stay untouched). Needs the audit key: set ``SIGAP_AUDIT_KEY``
(or ``SIGAP_AUDIT_KEY_FILE``) before migrating, as for the running processes."""
from django.db import migrations, models


def anchor(apps, schema_editor):
    from sigap.privacy.access_log import access_log_key_upgrade

    access_log_key_upgrade(apps.get_model("privacy", "AccessEvent"), apps.get_model("privacy", "ChainHead"))


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(anchor, migrations.RunPython.noop),
    ]
