from django.db import migrations, models


def load_shipped(apps, schema_editor):
    """The shipped gazetteer again, now with the kelurahan each place at one spot stands in."""
    Wilayah = apps.get_model("organization", "Wilayah")
    if not Wilayah.objects.using(schema_editor.connection.alias).exists():
        return  # a fresh database: the reference data loads it
    from sigap.organization.placenames import shipped_load

    shipped_load()


class Migration(migrations.Migration):

    dependencies = [
        ("organization", "0009_place_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="placename",
            name="home",
            field=models.CharField(
                blank=True,
                help_text="untuk tempat di satu titik (stasiun, pasar, gedung): kode kelurahan yang memuatnya",
                max_length=20,
                verbose_name="kelurahan tempatnya berdiri",
            ),
        ),
        migrations.AddField(
            model_name="placename",
            name="rw",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="untuk jalan: 'kode kelurahan:nomor RW' yang dilalui",
                verbose_name="RW yang dilalui",
            ),
        ),
        migrations.RunPython(load_shipped, migrations.RunPython.noop),
    ]
