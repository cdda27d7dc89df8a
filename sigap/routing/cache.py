"""Routing data (the kelurahan index, the tupoksi rule book), built from the database once and kept in memory.

It is rebuilt with the reference data it stands on (``sigap.organization.cache``: keyed on a fingerprint of the
kelurahan, units, tupoksi and categories), so an edit in the admin takes effect on the next report in every process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sigap.organization.cache import ReferenceData, reference_data, reference_reset
from sigap.organization.models import Category, Tupoksi, Unit, Wilayah

from .rules import KelurahanIndex, RuleBook, TupoksiRule


@dataclass(frozen=True)
class RoutingData:
    fingerprint: tuple
    index: KelurahanIndex | None
    rulebook: RuleBook
    kelurahan_ids: dict[str, int]
    unit_ids: dict[str, int]
    kelurahan_units: dict[str, str]  # kelurahan wilayah code -> unit code of its kelurahan office
    # The reference data it was built with (``sigap.organization.cache.ReferenceData``), for the write path's
    # callers; read-only rows shared by every thread.
    category_by_code: dict[str, Category]
    units_by_code: dict[str, Unit]
    unit_parent: dict[int, int | None]
    unit_children: dict[int, tuple[int, ...]]


_lock = threading.Lock()
_current: RoutingData | None = None


def _build(ref: ReferenceData) -> RoutingData:
    kelurahan = list(
        Wilayah.objects.filter(level=Wilayah.Level.KELURAHAN).values_list("code", "id", "geometry", "name")
    )
    # GeoJSON mappings, not shapely geometries: the index answers most points without shapely, and loads it
    # (and numpy) only for the points its grid leaves open (``sigap.routing.rules``).
    areas = [(code, geom) for code, _id, geom, _name in kelurahan if geom]
    names = {code: name for code, _id, _geom, name in kelurahan}
    index = KelurahanIndex(areas, max_snap_m=_max_snap(), names=names) if areas else None
    rules = [
        TupoksiRule(category=k, wilayah=w or "", unit=u, kelurahan_verifies=v)
        for k, w, u, v in Tupoksi.objects.filter(unit__active=True, category__active=True).values_list(
            "category__code", "wilayah__code", "unit__code", "kelurahan_verifies"
        )
    ]
    group = dict(Category.objects.values_list("code", "group"))
    units = Unit.objects.filter(active=True)
    return RoutingData(
        category_by_code=ref.category_by_code,
        units_by_code=ref.units_by_code,
        unit_parent=ref.unit_parent,
        unit_children=ref.unit_children,
        fingerprint=ref.fingerprint,
        index=index,
        rulebook=RuleBook(rules, category_group=group),
        kelurahan_ids={code: pk for code, pk, _g, _n in kelurahan},
        unit_ids=dict(units.values_list("code", "id")),
        kelurahan_units={
            w: u
            for u, w in units.filter(kind=Unit.Kind.KELURAHAN, wilayah__isnull=False).values_list(
                "code", "wilayah__code"
            )
        },
    )


def _max_snap() -> float:
    from django.conf import settings

    return settings.SIGAP_MAX_SNAP_M


def routing_data() -> RoutingData:
    """The current routing data, rebuilt when the reference data it stands on changed (whether it changed is
    checked at most every SIGAP_REFERENCE_CHECK_SECONDS: ``sigap.organization.cache.reference_data``)."""
    global _current
    ref = reference_data()
    current = _current
    if current is not None and current.fingerprint == ref.fingerprint:
        return current
    with _lock:
        if _current is None or _current.fingerprint != ref.fingerprint:
            _current = _build(ref)
        return _current


def routing_reset() -> None:
    """Forget the routing data and the reference data under it (both are rebuilt at the next use)."""
    global _current
    with _lock:
        _current = None
    reference_reset()
