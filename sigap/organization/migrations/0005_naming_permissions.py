"""The admin permissions of the renamed model keep their grants: add_kategori -> add_category, ..."""

from django.db import migrations


def _rename(apps, old, new):
    Permission = apps.get_model("auth", "Permission")
    for p in Permission.objects.filter(content_type__app_label="organization", codename__endswith=f"_{old}"):
        p.codename = p.codename[: -len(old)] + new
        p.save(update_fields=["codename"])


def forwards(apps, schema_editor):
    _rename(apps, "kategori", "category")


def backwards(apps, schema_editor):
    _rename(apps, "category", "kategori")


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0004_naming"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
