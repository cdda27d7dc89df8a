"""Where an officer may pass a report on: shared by the API and the console.

Reads only (no writes): the tupoksi suggestions for koordinasi, the units below the handling unit for
disposisi, and the unit search. What an officer may do next is the action table's (``actions.allowed_actions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from sigap.organization import roles
from sigap.organization.models import Unit
from sigap.reports.models import Report
from sigap.routing.cache import routing_data


@dataclass(frozen=True)
class Suggestions:
    coordinate: list[Unit]  # from the tupoksi data: who is responsible for this category here
    dispose: list[Unit]  # the units directly below the handling unit


def report_suggestions(report: Report) -> Suggestions:
    data = routing_data()
    codes = (
        data.rulebook.suggestions(
            category=report.category.code,
            kelurahan=report.kelurahan.code,
            exclude_unit=report.unit.code if report.unit else None,
        )
        if report.kelurahan
        else []
    )
    units = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("parent")}
    below = list(Unit.objects.filter(parent=report.unit, active=True).select_related("parent")) if report.unit else []
    # conflict of interest: never offer the unit a complaint is about, nor a unit below it (the services refuse them)
    barred = roles.descendant_unit_ids({report.concerned_unit_id}) if report.concerned_unit_id else set()
    return Suggestions(
        coordinate=[units[c] for c in codes if c in units and units[c].pk not in barred],
        dispose=[u for u in below if u.pk not in barred],
    )


def units_search(q: str = "", *, limit: int = 20):
    """Active units whose name or code contains every word of ``q`` (in any order, any case), by code:
    "bina marga timur" finds Suku Dinas Bina Marga Jakarta Timur."""
    qs = Unit.objects.filter(active=True).select_related("parent")
    for word in (q or "").split()[:8]:
        qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word))
    return qs.order_by("code")[: max(1, min(limit, 100))]
