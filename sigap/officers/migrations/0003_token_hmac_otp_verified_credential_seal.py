"""API tokens keyed with a server secret, marked with the second factor; the credential seal.

Existing tokens were stored as a plain SHA-256 and cannot be converted (the tokens themselves are not kept):
they are deleted. They expired within 12 hours anyway; their holders sign in again. Every existing account
is sealed as it stands (``sigap.officers.seal``).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def tokens_delete(apps, schema_editor):
    apps.get_model("officers", "ApiToken").objects.all().delete()


def accounts_seal(apps, schema_editor):
    from sigap.officers.seal import seal_all

    models = (apps.get_model(*settings.AUTH_USER_MODEL.split(".")), apps.get_model("otp_totp", "TOTPDevice"),
              apps.get_model("organization", "StaffRole"))
    seal_all(models, apps.get_model("officers", "CredentialSeal"))


class Migration(migrations.Migration):

    dependencies = [
        ('officers', '0002_apitoken_expires_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('organization', '0003_rolechange_staffnotice'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='otp_verified',
            field=models.BooleanField(default=False, verbose_name='dengan kode OTP'),
        ),
        migrations.CreateModel(
            name='CredentialSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mac', models.CharField(max_length=64)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'segel kredensial',
                'verbose_name_plural': 'segel kredensial',
            },
        ),
        migrations.RunPython(tokens_delete, migrations.RunPython.noop),
        migrations.RunPython(accounts_seal, migrations.RunPython.noop),
    ]
