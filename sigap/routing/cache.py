"""Routing reference data, built from the database once and kept in memory.

The cache is rebuilt when a fingerprint of the reference rows (count and last change of kelurahan,
units and tupoksi) changes, so an edit in the admin takes effect on the next report in every process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max
from shapely.geometry import shape

from sigap.organization.models import Kategori, Tupoksi, Unit, Wilayah

from .rules import KelurahanIndex, RuleBook, TupoksiRule


@dataclass(frozen=True)
class RoutingData:
    fingerprint: tuple
    index: KelurahanIndex | None
    rulebook: RuleBook
    kelurahan_ids: dict[str, int]
    unit_ids: dict[str, int]
    kelurahan_units: dict[str, str]  # kelurahan wilayah code -> unit code of its kelurahan office
    # Read-only reference rows for the write path (a report's kategori and unit), so intake does not
    # query them per report. Never modify these instances; they are shared by every thread.
    kategori_by_code: dict[str, Kategori]
    units_by_code: dict[str, Unit]
    # The unit tree (every unit, active or not): parent of each unit id, and the children of each.
    unit_parent: dict[int, int | None]
    unit_children: dict[int, tuple[int, ...]]


_lock = threading.Lock()
_current: RoutingData | None = None


def _fingerprint() -> tuple:
    parts = []
    for qs in (
        Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN),
        Unit.objects.all(),
        Tupoksi.objects.all(),
        Kategori.objects.all(),
    ):
        agg = qs.aggregate(n=Count("id"), t=Max("updated_at"))
        parts.append((agg["n"], agg["t"]))
    return tuple(parts)


def _build(fingerprint: tuple) -> RoutingData:
    kelurahan = list(
        Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN).values_list("kode", "id", "geometry", "nama")
    )
    areas = [(kode, shape(geom)) for kode, _id, geom, _nama in kelurahan if geom]
    names = {kode: nama for kode, _id, _geom, nama in kelurahan}
    index = KelurahanIndex(areas, max_snap_m=_max_snap(), names=names) if areas else None
    rules = [
        TupoksiRule(kategori=k, wilayah=w or "", unit=u, verifikasi_kelurahan=v)
        for k, w, u, v in Tupoksi.objects.filter(unit__aktif=True, kategori__aktif=True).values_list(
            "kategori__kode", "wilayah__kode", "unit__kode", "verifikasi_kelurahan"
        )
    ]
    grup = dict(Kategori.objects.values_list("kode", "grup"))
    units = Unit.objects.filter(aktif=True)
    every_unit = list(Unit.objects.all())
    children: dict[int, list[int]] = {}
    for u in every_unit:
        if u.parent_id is not None:
            children.setdefault(u.parent_id, []).append(u.pk)
    return RoutingData(
        kategori_by_code={k.kode: k for k in Kategori.objects.filter(aktif=True)},
        units_by_code={u.kode: u for u in every_unit},
        unit_parent={u.pk: u.parent_id for u in every_unit},
        unit_children={pk: tuple(kids) for pk, kids in children.items()},
        fingerprint=fingerprint,
        index=index,
        rulebook=RuleBook(rules, kategori_grup=grup),
        kelurahan_ids={kode: pk for kode, pk, _g, _n in kelurahan},
        unit_ids=dict(units.values_list("kode", "id")),
        kelurahan_units={
            w: u
            for u, w in units.filter(jenis=Unit.Jenis.KELURAHAN, wilayah__isnull=False).values_list(
                "kode", "wilayah__kode"
            )
        },
    )


def _max_snap() -> float:
    from django.conf import settings

    return settings.SIGAP_MAX_SNAP_M


_checked_at = 0.0


def routing_data() -> RoutingData:
    """The current routing data, rebuilt when the reference rows changed.

    Whether they changed is checked at most every SIGAP_REFERENCE_CHECK_SECONDS (default 5 s; 0 in the
    tests), so an edit in the admin reaches every process within seconds without costing each report
    four aggregate queries."""
    global _current, _checked_at
    from django.conf import settings

    interval = getattr(settings, "SIGAP_REFERENCE_CHECK_SECONDS", 5.0)
    now = time.monotonic()
    current = _current
    if current is not None and interval > 0 and now - _checked_at < interval:
        return current
    fingerprint = _fingerprint()
    _checked_at = now
    if current is not None and current.fingerprint == fingerprint:
        return current
    with _lock:
        if _current is None or _current.fingerprint != fingerprint:
            _current = _build(fingerprint)
        return _current


def routing_reset() -> None:
    global _current
    with _lock:
        _current = None
