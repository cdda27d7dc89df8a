"""Loading the reference data (``sigap.organization.loaders``): idempotent, so a re-run creates only what is
missing and a city's edits in the admin survive it, deleted tupoksi rules included. The first load is the one
every test database gets (conftest.py)."""

from __future__ import annotations

import pytest

from sigap.organization.loaders import kelurahan_unit_code, reference_load, short_name
from sigap.organization.models import Kategori, Tupoksi, Unit, Wilayah

pytestmark = pytest.mark.django_db


def test_the_loaded_city_has_its_regions_units_and_rules():
    pb = Wilayah.objects.get(kode="31.75.07.1002")
    assert pb.nama == "Pondok Bambu" and pb.geometry and pb.inner_lat and pb.inner_lon
    assert Unit.objects.get(kode=kelurahan_unit_code(pb.kode)).wilayah == pb
    assert Tupoksi.objects.filter(kategori__kode="saluran-tersumbat", unit__kode="kel:31.75.07.1002").exists()
    assert Kategori.objects.filter(aktif=True).count() >= 10


def test_a_re_run_creates_nothing_that_exists():
    counts = (Wilayah.objects.count(), Unit.objects.count(), Kategori.objects.count(), Tupoksi.objects.count())
    stats = reference_load(progress=False)
    assert not any(stats.created.values()), stats.created
    assert counts == (Wilayah.objects.count(), Unit.objects.count(), Kategori.objects.count(), Tupoksi.objects.count())


def test_edits_made_in_the_admin_survive_a_re_run():
    Kategori.objects.filter(kode="jalan-rusak").update(nama="Jalan Berlubang (kota)", sla_hari_selesai=2)
    Unit.objects.filter(kode="inspektorat").update(nama="Inspektorat Kota")
    removed = Tupoksi.objects.filter(kategori__kode="saluran-tersumbat", wilayah__kode="31.75.07.1002")
    assert removed.exists()
    removed.delete()
    reference_load(progress=False)
    kategori = Kategori.objects.get(kode="jalan-rusak")
    assert (kategori.nama, kategori.sla_hari_selesai) == ("Jalan Berlubang (kota)", 2)
    assert Unit.objects.get(kode="inspektorat").nama == "Inspektorat Kota"
    assert not removed.exists()  # a category that still has rules gets none back


def test_a_category_without_any_rule_gets_its_starting_rules_again():
    Tupoksi.objects.filter(kategori__kode="jalan-rusak").delete()
    stats = reference_load(progress=False)
    assert stats.created.get("tupoksi", 0) > 0
    assert Tupoksi.objects.filter(kategori__kode="jalan-rusak", unit__kode="sudin-bina-marga:31.75").exists()


@pytest.mark.parametrize(
    ("nama", "short"),
    [
        ("Kota Administrasi Jakarta Timur", "Jakarta Timur"),
        ("Kabupaten Administrasi Kepulauan Seribu", "Kepulauan Seribu"),
        ("Kota Bogor", "Bogor"),
        ("Kabupaten Bogor", "Bogor"),
        ("Duren Sawit", "Duren Sawit"),
    ],
)
def test_short_names_drop_the_administrative_prefix(nama, short):
    assert short_name(nama) == short
