"""API tokens bound to their account, second factor and expiry by a keyed MAC (``ApiToken.binding``).

Existing tokens have no binding and would be refused anyway: they are deleted here. They expire within
12 hours of being issued; their holders sign in again for a new one.
"""

from django.db import migrations, models


def tokens_delete(apps, schema_editor):
    apps.get_model("officers", "ApiToken").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('officers', '0003_token_hmac_otp_verified_credential_seal'),
    ]

    operations = [
        migrations.RunPython(tokens_delete, migrations.RunPython.noop),
        migrations.AddField(
            model_name='apitoken',
            name='binding',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=64),
        ),
    ]
