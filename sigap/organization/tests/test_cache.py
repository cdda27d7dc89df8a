"""The cached reference data (``sigap.organization.cache``): active categories, every unit and the unit tree,
built once, rebuilt when an admin edit changes the fingerprint and only then, and read without a query between
checks. ``sigap.routing.cache`` is built on it (its tests: ``sigap/routing/tests/test_cache.py``)."""

from __future__ import annotations

import time

import pytest

from sigap.organization import cache
from sigap.organization.cache import reference_data, reference_reset
from sigap.organization.models import Category, Unit

pytestmark = pytest.mark.django_db
PB = "kel:31.75.07.1002"  # the Pondok Bambu kelurahan office
FINGERPRINT_QUERIES = 4  # one aggregate each over kelurahan, units, tupoksi and categories


@pytest.fixture(autouse=True)
def _fresh_cache():
    reference_reset()
    yield
    reference_reset()


def test_it_holds_the_active_categories_every_unit_and_the_unit_tree():
    data = reference_data()
    assert data.category_by_code["saluran-tersumbat"].code == "saluran-tersumbat"
    unit = Unit.objects.get(code=PB)
    assert data.units_by_code[PB].pk == unit.pk
    assert data.unit_parent[unit.pk] == unit.parent_id
    assert unit.pk in data.unit_children[unit.parent_id]
    assert set(data.unit_parent) == set(Unit.objects.values_list("pk", flat=True))


def test_units_by_id_and_their_region_codes_without_the_regions_boundaries():
    """The unit tree names each unit's region by its code; the regions themselves (with their boundaries, large
    GeoJSON) are never held in every process's memory."""
    data = reference_data()
    kel = Unit.objects.select_related("wilayah").get(code="kel:31.75.07.1002")
    assert data.unit_by_pk[kel.pk].code == kel.code and data.unit_region[kel.pk] == kel.wilayah.code == "31.75.07.1002"
    assert set(data.unit_region) == set(Unit.objects.filter(wilayah__isnull=False).values_list("pk", flat=True))
    assert not any(u._state.fields_cache for u in data.unit_by_pk.values())  # no related object loaded
    # and the kota each unit works in (a kota's figures count a report once: ``summaries.other_kota``)
    kota = {
        Unit.objects.get(code=c).pk: data.unit_kota.get(Unit.objects.get(code=c).pk)
        for c in ("kel:31.75.07.1002", "kec:31.75.07", "kota:31.75", "sudin-bina-marga:31.75", "dinas-bina-marga")
    }
    assert list(kota.values()) == ["31.75", "31.75", "31.75", "31.75", None]


def test_inactive_categories_are_left_out_and_inactive_units_kept():
    Unit.objects.filter(code="inspektorat").update(active=False)
    Category.objects.filter(code="jalan-rusak").update(active=False)
    data = reference_data()
    assert "jalan-rusak" not in data.category_by_code
    assert data.units_by_code["inspektorat"].pk in data.unit_parent


def test_an_edit_rebuilds_and_nothing_else_does():
    first = reference_data()
    assert reference_data() is first
    unit = Unit.objects.get(code="inspektorat")
    unit.name = "Inspektorat (nama baru)"
    unit.save()  # as the admin does: updated_at moves, so the fingerprint changes
    after = reference_data()
    assert after is not first and after.units_by_code["inspektorat"].name == "Inspektorat (nama baru)"
    assert reference_data() is after


def test_reset_forces_a_rebuild():
    first = reference_data()
    reference_reset()
    assert reference_data() is not first


def test_the_fingerprint_is_read_at_most_once_per_interval(settings, monkeypatch, django_assert_num_queries):
    reference_data()
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 0  # checked on every call (the tests' setting)
    with django_assert_num_queries(FINGERPRINT_QUERIES):
        reference_data()
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 5
    clock = [time.monotonic() + 10_000]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(FINGERPRINT_QUERIES):
        first = reference_data()
    with django_assert_num_queries(0):
        assert reference_data() is first
    clock[0] += 6
    with django_assert_num_queries(FINGERPRINT_QUERIES):
        assert reference_data() is first


def test_routing_data_stands_on_the_same_reference_data():
    from sigap.routing.cache import routing_data, routing_reset

    routing_reset()  # (routing data kept from another test would stand on an equal, older copy)
    data = reference_data()
    routed = routing_data()
    assert routed.fingerprint == data.fingerprint and routed.unit_parent is data.unit_parent
