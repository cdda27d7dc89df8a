"""Batched delivery of the outbox: what the running system picks up.

``next_attempt_at`` holds a failed row's backoff (and a held row's pause); the index on (state, next_attempt_at)
serves the senders' claim ``state IN (...) AND (next_attempt_at IS NULL OR next_attempt_at <= now)``.
``claim_token`` names the sender holding a row; ``claimed`` is a row claimed whose send has not begun (a claim cut
by a crash or a database failure goes back to ``pending``, never to ``unknown``).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0012_summaries")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="claim_token",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="notification",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="state",
            field=models.CharField(choices=[("pending", "menunggu"), ("sent", "terkirim"), ("failed", "gagal (dicoba lagi)"),
                                            ("dead", "gagal permanen"), ("skipped", "tidak ada kontak"),
                                            ("sending", "sedang dikirim"), ("unknown", "tidak pasti terkirim (cek manual)"),
                                            ("held", "menunggu kanal dikonfigurasi"),
                                            ("claimed", "diambil pengirim (belum dikirim)")],
                                   db_index=True, default="pending", max_length=10),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
        ),
    ]
