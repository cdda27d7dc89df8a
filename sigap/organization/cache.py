"""Reference data (active categories, every unit, the unit tree), built from the database once and kept in memory.

The cache is rebuilt when a fingerprint of the reference rows (count and last change of kelurahan, units,
tupoksi and categories) changes, so an edit in the admin takes effect on the next request in every process.
``sigap.routing.cache`` builds its routing index on the same fingerprint.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max

from .models import Category, Tupoksi, Unit, Wilayah


@dataclass(frozen=True)
class ReferenceData:
    fingerprint: tuple
    # Read-only rows (a report's kategori and unit), so the write path does not query them per report.
    # Never modify these instances; they are shared by every thread.
    category_by_code: dict[str, Category]
    units_by_code: dict[str, Unit]
    # The unit tree (every unit, active or not): parent of each unit id, and the children of each.
    unit_parent: dict[int, int | None]
    unit_children: dict[int, tuple[int, ...]]


_lock = threading.Lock()
_current: ReferenceData | None = None
_checked_at = 0.0


def _fingerprint() -> tuple:
    parts = []
    for qs in (
        Wilayah.objects.filter(level=Wilayah.Level.KELURAHAN),
        Unit.objects.all(),
        Tupoksi.objects.all(),
        Category.objects.all(),
    ):
        agg = qs.aggregate(n=Count("id"), t=Max("updated_at"))
        parts.append((agg["n"], agg["t"]))
    return tuple(parts)


def _build(fingerprint: tuple) -> ReferenceData:
    every_unit = list(Unit.objects.all())
    children: dict[int, list[int]] = {}
    for u in every_unit:
        if u.parent_id is not None:
            children.setdefault(u.parent_id, []).append(u.pk)
    return ReferenceData(
        fingerprint=fingerprint,
        category_by_code={k.code: k for k in Category.objects.filter(active=True)},
        units_by_code={u.code: u for u in every_unit},
        unit_parent={u.pk: u.parent_id for u in every_unit},
        unit_children={pk: tuple(kids) for pk, kids in children.items()},
    )


def reference_data() -> ReferenceData:
    """The current reference data, rebuilt when the reference rows changed.

    Whether they changed is checked at most every SIGAP_REFERENCE_CHECK_SECONDS (default 5 s; 0 in the
    tests), so an edit in the admin reaches every process within seconds without costing each request
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


def reference_reset() -> None:
    global _current
    with _lock:
        _current = None
