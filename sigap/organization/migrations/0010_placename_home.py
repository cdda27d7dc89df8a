from django.db import migrations, models

# The shipped gazetteer is reloaded with its homes after migrating (sigap.organization.placenames.shipped_refresh,
# on post_migrate), through the models as they are then: a data load here would use today's models on
# tomorrow's schema.


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
    ]
