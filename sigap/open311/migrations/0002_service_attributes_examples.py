"""Example service definitions (data; a city edits them in the admin): how big is the pothole, is the fallen
tree blocking the road."""
from django.db import migrations

EXAMPLES = [
    {"kategori_kode": "jalan-rusak", "code": "ukuran_lubang", "datatype": "singlevaluelist", "required": True, "order": 1,
     "description": "Ukuran lubang terbesar", "datatype_description": "Perkiraan lebar lubang terbesar",
     "values": [{"key": "kecil", "name": "Kecil (kurang dari 30 cm)"},
                {"key": "sedang", "name": "Sedang (30–100 cm)"},
                {"key": "besar", "name": "Besar (lebih dari 1 m)"}]},
    {"kategori_kode": "jalan-rusak", "code": "jumlah_lubang", "datatype": "number", "required": False, "order": 2,
     "description": "Jumlah lubang", "datatype_description": "Angka, misalnya 3", "values": []},
    {"kategori_kode": "pohon-tumbang", "code": "menghalangi_jalan", "datatype": "singlevaluelist", "required": True,
     "order": 1, "description": "Apakah pohon menghalangi jalan?", "datatype_description": "",
     "values": [{"key": "ya", "name": "Ya, menutup jalan"},
                {"key": "sebagian", "name": "Sebagian jalan tertutup"},
                {"key": "tidak", "name": "Tidak menghalangi jalan"}]},
]


def load(apps, schema_editor):
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for row in EXAMPLES:
        row = dict(row)
        ServiceAttribute.objects.update_or_create(kategori_kode=row.pop("kategori_kode"), code=row.pop("code"), defaults=row)


def unload(apps, schema_editor):
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for row in EXAMPLES:
        ServiceAttribute.objects.filter(kategori_kode=row["kategori_kode"], code=row["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
