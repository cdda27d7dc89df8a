"""Loading the reference data (``sigap.organization.loaders``): idempotent, so a re-run creates only what is
missing and a city's edits in the admin survive it, deleted tupoksi rules included. The first load is the one
every test database gets (conftest.py)."""

from __future__ import annotations

import pytest

from sigap.organization.loaders import kelurahan_unit_code, reference_load, short_name
from sigap.organization.models import Category, Tupoksi, Unit, Wilayah

pytestmark = pytest.mark.django_db


def test_the_loaded_city_has_its_regions_units_and_rules():
    pb = Wilayah.objects.get(code="31.75.07.1002")
    assert pb.name == "Pondok Bambu" and pb.geometry and pb.inner_lat and pb.inner_lon
    assert Unit.objects.get(code=kelurahan_unit_code(pb.code)).wilayah == pb
    assert Tupoksi.objects.filter(category__code="saluran-tersumbat", unit__code="kel:31.75.07.1002").exists()
    assert Category.objects.filter(active=True).count() >= 10


def test_a_re_run_creates_nothing_that_exists():
    counts = (Wilayah.objects.count(), Unit.objects.count(), Category.objects.count(), Tupoksi.objects.count())
    stats = reference_load(progress=False)
    assert not any(stats.created.values()), stats.created
    assert counts == (Wilayah.objects.count(), Unit.objects.count(), Category.objects.count(), Tupoksi.objects.count())


def test_edits_made_in_the_admin_survive_a_re_run():
    Category.objects.filter(code="jalan-rusak").update(name="Jalan Berlubang (kota)", sla_done_days=2)
    Unit.objects.filter(code="inspektorat").update(name="Inspektorat Kota")
    removed = Tupoksi.objects.filter(category__code="saluran-tersumbat", wilayah__code="31.75.07.1002")
    assert removed.exists()
    removed.delete()
    reference_load(progress=False)
    category = Category.objects.get(code="jalan-rusak")
    assert (category.name, category.sla_done_days) == ("Jalan Berlubang (kota)", 2)
    assert Unit.objects.get(code="inspektorat").name == "Inspektorat Kota"
    assert not removed.exists()  # a category that still has rules gets none back


def test_a_category_without_any_rule_gets_its_starting_rules_again():
    Tupoksi.objects.filter(category__code="jalan-rusak").delete()
    stats = reference_load(progress=False)
    assert stats.created.get("tupoksi", 0) > 0
    assert Tupoksi.objects.filter(category__code="jalan-rusak", unit__code="sudin-bina-marga:31.75").exists()


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Kota Administrasi Jakarta Timur", "Jakarta Timur"),
        ("Kabupaten Administrasi Kepulauan Seribu", "Kepulauan Seribu"),
        ("Kota Bogor", "Bogor"),
        ("Kabupaten Bogor", "Bogor"),
        ("Duren Sawit", "Duren Sawit"),
    ],
)
def test_short_names_drop_the_administrative_prefix(name, short):
    assert short_name(name) == short
