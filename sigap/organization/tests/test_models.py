"""Reference rows (``sigap.organization.models``): a bulk update stamps ``updated_at`` so every cache keyed on it
sees the change; a region covers the codes below it; a unit knows the units above it."""

from __future__ import annotations

import pytest

from sigap.organization.models import Category, Unit, Wilayah

pytestmark = pytest.mark.django_db


def test_a_bulk_update_stamps_updated_at_so_the_caches_see_it():
    before = Category.objects.get(code="jalan-rusak").updated_at
    Category.objects.filter(code="jalan-rusak").update(sla_done_days=2)
    assert Category.objects.get(code="jalan-rusak").updated_at > before


def test_a_region_covers_itself_and_the_codes_below_it_only():
    kecamatan = Wilayah(code="31.75.07", name="Duren Sawit")
    assert kecamatan.covers("31.75.07") and kecamatan.covers("31.75.07.1002")
    assert not kecamatan.covers("31.75.070") and not kecamatan.covers("31.75") and not kecamatan.covers("31.71.01")


def test_a_unit_lists_the_units_above_it_nearest_first():
    assert [u.code for u in Unit.objects.get(code="kel:31.75.07.1002").ancestors()] == [
        "kec:31.75.07",
        "kota:31.75",
        "pemprov",
    ]
    assert Unit.objects.get(code="pemprov").ancestors() == []
