"""The routing reference data (``sigap.routing.cache``): built once from the database into the pure index and rule
book, rebuilt when an admin edit changes the fingerprint and only then, and read without a query between checks."""

from __future__ import annotations

import time

import pytest

from sigap.organization import cache as reference_cache
from sigap.organization.models import Category, Tupoksi, Unit, Wilayah
from sigap.routing.cache import routing_data, routing_reset
from sigap.routing.rules import KelurahanIndex, RuleBook

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"  # Pondok Bambu, Duren Sawit, Jakarta Timur
FINGERPRINT_QUERIES = 4  # one aggregate each over kelurahan, units, tupoksi and categories


@pytest.fixture(autouse=True)
def _fresh_cache():
    routing_reset()
    yield
    routing_reset()


def test_it_builds_the_kelurahan_index_and_the_rule_book_from_the_reference_rows():
    data = routing_data()
    assert isinstance(data.index, KelurahanIndex) and isinstance(data.rulebook, RuleBook)
    pb = Wilayah.objects.get(code=PB)
    assert data.index.locate(pb.inner_lon, pb.inner_lat).code == PB
    assert data.rulebook.responsible(category="saluran-tersumbat", kelurahan=PB).unit == f"kel:{PB}"
    assert data.rulebook.responsible(category="jalan-rusak", kelurahan=PB).unit == "sudin-bina-marga:31.75"
    assert data.kelurahan_ids[PB] == pb.pk
    assert data.kelurahan_units[PB] == f"kel:{PB}"
    assert data.unit_ids["inspektorat"] == Unit.objects.get(code="inspektorat").pk
    assert data.category_by_code["saluran-tersumbat"].code == "saluran-tersumbat"
    kelurahan_unit = Unit.objects.get(code=f"kel:{PB}")
    assert data.units_by_code[f"kel:{PB}"].pk == kelurahan_unit.pk
    assert data.unit_parent[kelurahan_unit.pk] == kelurahan_unit.parent_id
    assert kelurahan_unit.pk in data.unit_children[kelurahan_unit.parent_id]


def test_inactive_rows_are_left_out_of_routing_but_kept_in_the_unit_tree():
    Unit.objects.filter(code="inspektorat").update(active=False)
    Category.objects.filter(code="jalan-rusak").update(active=False)
    data = routing_data()
    inspektorat = Unit.objects.get(code="inspektorat")
    assert "inspektorat" not in data.unit_ids
    assert "pelayanan-aparatur" not in data.rulebook.categories()  # its only unit is inactive
    assert "jalan-rusak" not in data.category_by_code and "jalan-rusak" not in data.rulebook.categories()
    assert data.units_by_code["inspektorat"].pk == inspektorat.pk and inspektorat.pk in data.unit_parent


def test_nothing_is_rebuilt_while_the_reference_rows_are_unchanged():
    first = routing_data()
    assert routing_data() is first
    assert routing_data() is first


def test_an_admin_edit_of_a_tupoksi_rule_is_routed_by_the_next_call():
    before = routing_data()
    rule = Tupoksi.objects.get(category__code="saluran-tersumbat", wilayah__code=PB)
    rule.unit = Unit.objects.get(code="kec:31.75.07")
    rule.save()  # as the admin does: updated_at moves, so the fingerprint changes
    after = routing_data()
    assert after is not before and after.fingerprint != before.fingerprint
    assert after.rulebook.responsible(category="saluran-tersumbat", kelurahan=PB).unit == "kec:31.75.07"
    assert routing_data() is after  # and once rebuilt, kept


@pytest.mark.parametrize("edit", ["unit_added", "unit_renamed", "category_edited", "tupoksi_deleted", "kelurahan"])
def test_each_kind_of_reference_edit_changes_the_fingerprint_and_rebuilds(edit):
    before = routing_data()
    if edit == "unit_added":
        Unit.objects.create(code="uji:unit-baru", name="Unit Baru", kind=Unit.Kind.KELURAHAN)
    elif edit == "unit_renamed":
        unit = Unit.objects.get(code="inspektorat")
        unit.name = "Inspektorat (nama baru)"
        unit.save()
    elif edit == "category_edited":
        category = Category.objects.get(code="jalan-rusak")
        category.sla_done_days = 2
        category.save()
    elif edit == "tupoksi_deleted":
        Tupoksi.objects.filter(category__code="jalan-rusak", wilayah__code="31.75").delete()
    else:
        kelurahan = Wilayah.objects.get(code=PB)
        kelurahan.name = "Pondok Bambu Baru"
        kelurahan.save()
    after = routing_data()
    assert after is not before and after.fingerprint != before.fingerprint
    if edit == "unit_added":
        assert "uji:unit-baru" in after.unit_ids
    elif edit == "category_edited":
        assert after.category_by_code["jalan-rusak"].sla_done_days == 2


def test_routing_reset_forces_a_rebuild():
    first = routing_data()
    routing_reset()
    second = routing_data()
    assert second is not first and second.fingerprint == first.fingerprint


def test_a_cached_call_costs_only_the_fingerprint_and_no_query_between_checks(
    settings, monkeypatch, django_assert_num_queries
):
    routing_data()
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 0  # checked on every call (the tests' setting)
    with django_assert_num_queries(FINGERPRINT_QUERIES):
        routing_data()
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 5  # production: checked at most every 5 s
    clock = [time.monotonic() + 10_000]  # well past the last check
    monkeypatch.setattr(reference_cache.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(FINGERPRINT_QUERIES):
        first = routing_data()  # the first check inside the interval
    with django_assert_num_queries(0):
        for _ in range(10):
            assert routing_data() is first
    clock[0] += 6
    with django_assert_num_queries(FINGERPRINT_QUERIES):
        assert routing_data() is first  # the interval passed: checked again, unchanged, not rebuilt


def test_an_edit_is_seen_after_the_check_interval_not_before(settings, monkeypatch):
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 5
    clock = [time.monotonic() + 10_000]
    monkeypatch.setattr(reference_cache.time, "monotonic", lambda: clock[0])
    before = routing_data()
    unit = Unit.objects.get(code="inspektorat")
    unit.name = "Inspektorat (nama baru)"
    unit.save()
    clock[0] += 1
    assert routing_data() is before
    clock[0] += 5
    after = routing_data()
    assert after is not before and after.units_by_code["inspektorat"].name == "Inspektorat (nama baru)"
