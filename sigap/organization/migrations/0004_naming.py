"""Naming rule (docs/glossary.md): English identifiers, the users' words kept. Renames only; no data moves."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("intake", "0002_idempotency"),
        ("officers", "0004_apitoken_binding"),
        ("open311", "0002_service_attributes_examples"),
        ("organization", "0003_rolechange_staffnotice"),
        ("portal", "0001_initial"),
        ("privacy", "0005_reveal_request_seal"),
        ("reports", "0014_report_open_cover"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="tupoksi",
            name="tupoksi_unique_rule",
        ),
        migrations.RenameModel(
            old_name="Kategori",
            new_name="Category",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="kode",
            new_name="code",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="grup",
            new_name="group",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="nama",
            new_name="name",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="penanggung_jawab",
            new_name="responsible",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="verifikasi_kelurahan",
            new_name="kelurahan_verifies",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="sensitif",
            new_name="sensitive",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="sla_jam_koordinasi",
            new_name="sla_hop_hours",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="sla_hari_selesai",
            new_name="sla_done_days",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="contoh",
            new_name="examples",
        ),
        migrations.RenameField(
            model_name="category",
            old_name="aktif",
            new_name="active",
        ),
        migrations.RenameField(
            model_name="tupoksi",
            old_name="verifikasi_kelurahan",
            new_name="kelurahan_verifies",
        ),
        migrations.RenameField(
            model_name="tupoksi",
            old_name="kategori",
            new_name="category",
        ),
        migrations.RenameField(
            model_name="unit",
            old_name="kode",
            new_name="code",
        ),
        migrations.RenameField(
            model_name="unit",
            old_name="nama",
            new_name="name",
        ),
        migrations.RenameField(
            model_name="unit",
            old_name="jenis",
            new_name="kind",
        ),
        migrations.RenameField(
            model_name="unit",
            old_name="aktif",
            new_name="active",
        ),
        migrations.RenameField(
            model_name="wilayah",
            old_name="kode",
            new_name="code",
        ),
        migrations.RenameField(
            model_name="wilayah",
            old_name="nama",
            new_name="name",
        ),
        migrations.RenameField(
            model_name="wilayah",
            old_name="tingkat",
            new_name="level",
        ),
        migrations.RenameField(
            model_name="wilayah",
            old_name="jenis",
            new_name="kind",
        ),
        migrations.AddConstraint(
            model_name="tupoksi",
            constraint=models.UniqueConstraint(fields=("category", "wilayah", "unit"), name="tupoksi_unique_rule"),
        ),
    ]
