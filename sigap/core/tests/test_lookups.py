from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import sigap.core.lookups  # noqa: F401 - registers the lookup (also done by the core app)
from sigap.organization.models import Unit, Wilayah

pytestmark = pytest.mark.django_db


def test_anyof_finds_what_in_finds_with_one_parameter_on_postgresql():
    ids = list(Wilayah.objects.order_by("pk").values_list("pk", flat=True)[:300])
    wanted = ids[::3] + [ids[0], -1]  # a repeated value and one that matches nothing
    assert ids, "the reference data is loaded"
    with CaptureQueriesContext(connection) as queries:
        found = list(Wilayah.objects.filter(pk__anyof=wanted).order_by("pk").values_list("pk", flat=True))
    assert found == list(Wilayah.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    assert found == sorted(set(ids[::3]))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql


def test_anyof_on_a_foreign_key_and_strings_and_an_empty_list():
    units = list(Unit.objects.filter(wilayah__isnull=False).order_by("pk")[:5])
    regions = [u.wilayah_id for u in units]
    assert {u.pk for u in Unit.objects.filter(wilayah_id__anyof=regions)} >= {u.pk for u in units}
    assert {u.pk for u in Unit.objects.filter(wilayah__anyof=regions)} >= {u.pk for u in units}
    rows = [u.wilayah for u in units]  # rows instead of keys, as ``__in`` takes them
    assert {u.pk for u in Unit.objects.filter(wilayah__anyof=rows)} == {
        u.pk for u in Unit.objects.filter(wilayah__in=rows)
    }
    codes = [u.code for u in units] + ["no-such-unit", "o'brien"]  # quoting is the driver's
    assert sorted(Unit.objects.filter(code__anyof=codes).values_list("code", flat=True)) == sorted(
        u.code for u in units
    )
    assert list(Unit.objects.filter(pk__anyof=[])) == []
    assert Unit.objects.exclude(pk__anyof=[]).count() == Unit.objects.count()
