"""Status codes are the users' words, like the hop kinds: coordination -> koordinasi, disposition -> disposisi.

Every column that stores a status code is converted (reports, their history, the per-unit visibility rows,
the public statistics' counts); reversible."""

from django.db import migrations

CODES = {"coordination": "koordinasi", "disposition": "disposisi"}
COLUMNS = [
    ("Report", ["status", "resume_status"]),
    ("ReportUnit", ["status"]),
    ("StatusChange", ["old_status", "new_status"]),
    ("AreaStatus", ["status"]),
]


def _convert(apps, codes):
    for model_name, fields in COLUMNS:
        model = apps.get_model("reports", model_name)
        for field in fields:
            for old, new in codes.items():
                model.objects.filter(**{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    _convert(apps, CODES)


def backwards(apps, schema_editor):
    _convert(apps, {new: old for old, new in CODES.items()})


class Migration(migrations.Migration):
    dependencies = [("reports", "0015_naming")]

    operations = [migrations.RunPython(forwards, backwards)]
