"""Reference data (active categories, every unit, the unit tree), built from the database once and kept in memory.

The cache is rebuilt when a fingerprint of the reference rows (count and last change of kelurahan, units,
tupoksi and categories) changes, so an edit in the admin takes effect on the next request in every process.
``sigap.routing.cache`` builds its routing index on the same fingerprint.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Count, Max

from .models import Category, Tupoksi, Unit, Wilayah

T = TypeVar("T")


@dataclass(frozen=True)
class ReferenceData:
    fingerprint: tuple
    # Read-only rows (a report's kategori and unit), so the write path does not query them per report.
    # Never modify these instances; they are shared by every thread.
    category_by_code: dict[str, Category]
    category_by_pk: dict[int, Category]  # every category, active or not (a report keeps a retired category)
    units_by_code: dict[str, Unit]
    unit_by_pk: dict[int, Unit]
    unit_region: dict[int, str]  # unit id -> the code of its wilayah, for the units that have one
    unit_kota: dict[int, str]  # unit id -> the code of the kota its wilayah lies in (none: a province unit)
    # The unit tree (every unit, active or not): parent of each unit id, and the children of each.
    unit_parent: dict[int, int | None]
    unit_children: dict[int, tuple[int, ...]]


class Throttled(Generic[T]):
    """A value built from reference rows, rebuilt when their fingerprint changes. The fingerprint is read at most
    every SIGAP_REFERENCE_CHECK_SECONDS (default 5 s; 0 in the tests), so an edit reaches every process within
    seconds without costing each request its aggregate queries. ``build(fingerprint)``."""

    def __init__(self, fingerprint: Callable[[], tuple], build: Callable[[tuple], T]) -> None:
        self._fingerprint, self._build = fingerprint, build
        self._lock = threading.Lock()
        self._current: tuple[tuple, T] | None = None  # (fingerprint, value)
        self._checked_at = 0.0

    def get(self) -> T:
        from django.conf import settings

        interval = getattr(settings, "SIGAP_REFERENCE_CHECK_SECONDS", 5.0)
        now = time.monotonic()
        current = self._current
        if current is not None and interval > 0 and now - self._checked_at < interval:
            return current[1]
        fingerprint = self._fingerprint()
        self._checked_at = now
        if current is not None and current[0] == fingerprint:
            return current[1]
        with self._lock:
            if self._current is None or self._current[0] != fingerprint:
                self._current = (fingerprint, self._build(fingerprint))
            return self._current[1]

    def reset(self) -> None:
        with self._lock:
            self._current = None


def _fingerprint() -> tuple:
    parts = []
    for qs in (
        Wilayah.objects.filter(level__gte=Wilayah.Level.KOTA),  # a unit's region and its kota
        Unit.objects.all(),
        Tupoksi.objects.all(),
        Category.objects.all(),
    ):
        agg = qs.aggregate(n=Count("id"), t=Max("updated_at"))
        parts.append((agg["n"], agg["t"]))
    return tuple(parts)


def _kota_of(code: str, kotas: set[str]) -> str | None:
    """The kota whose code is ``code`` or a prefix of it (region codes nest: "31.71" → "31.71.01" → …)."""
    parts = code.split(".")
    return next((k for i in range(1, len(parts) + 1) if (k := ".".join(parts[:i])) in kotas), None)


def _build(fingerprint: tuple) -> ReferenceData:
    every_unit = list(Unit.objects.all())
    categories = list(Category.objects.all())
    # each unit's region code, read as plain values: never the regions themselves (their boundaries are large)
    regions = dict(Unit.objects.filter(wilayah__isnull=False).values_list("pk", "wilayah__code"))
    kotas = set(Wilayah.objects.filter(level=Wilayah.Level.KOTA).values_list("code", flat=True))
    children: dict[int, list[int]] = {}
    for u in every_unit:
        if u.parent_id is not None:
            children.setdefault(u.parent_id, []).append(u.pk)
    return ReferenceData(
        fingerprint=fingerprint,
        category_by_code={k.code: k for k in categories if k.active},
        category_by_pk={k.pk: k for k in categories},
        units_by_code={u.code: u for u in every_unit},
        unit_by_pk={u.pk: u for u in every_unit},
        unit_region=regions,
        unit_kota={pk: k for pk, code in regions.items() if (k := _kota_of(code, kotas))},
        unit_parent={u.pk: u.parent_id for u in every_unit},
        unit_children={pk: tuple(kids) for pk, kids in children.items()},
    )


_reference = Throttled(_fingerprint, _build)


def reference_data() -> ReferenceData:
    """The current reference data, rebuilt when the reference rows changed (checked as ``Throttled`` says)."""
    return _reference.get()


def reference_reset() -> None:
    _reference.reset()
