"""A sent, given up, skipped (no contact) or unknown message's stored copy no longer keeps the tracking code and secret it carried
(``outbox.codes_hidden``, applied by the relay); the copies stored before are rewritten the same way, in batches."""

from django.db import migrations

BATCH = 1000
CODE = r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}"


def hide(apps, schema_editor):
    from sigap.reports.outbox import codes_hidden

    Notification = apps.get_model("reports", "Notification")
    done = Notification.objects.filter(state__in=("sent", "dead", "skipped", "unknown"))
    carrying = done.filter(body__regex=CODE) | done.filter(body_en__regex=CODE)
    last = 0
    while True:
        rows = list(carrying.filter(pk__gt=last).order_by("pk").values_list("pk", "body", "body_en")[:BATCH])
        if not rows:
            return
        last = rows[-1][0]
        for pk, body, body_en in rows:
            Notification.objects.filter(pk=pk).update(body=codes_hidden(body), body_en=codes_hidden(body_en))


class Migration(migrations.Migration):
    dependencies = [("reports", "0029_forget_remote_ids")]

    operations = [migrations.RunPython(hide, migrations.RunPython.noop)]
