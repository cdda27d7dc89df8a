"""What an officer may do next with a report, and where it may go: shared by the API and the console.

Reads only (no writes): the allowed actions for a user, the tupoksi suggestions for koordinasi, the units
below the handling unit for disposisi, and the unit search.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from sigap.organization import roles
from sigap.organization.models import Unit
from sigap.reports.models import Report
from sigap.reports.states import NEXT, WORKING, Status
from sigap.routing.cache import routing_data

# The actions of the flow, in the order the console shows them.
ACTIONS = (
    "accept",
    "coordinate",
    "dispose",
    "ask",
    "add_photo",
    "request_validation",
    "reject",
    "forward",
    "merge",
    "validate",
)


def allowed_actions(user, report: Report) -> list[str]:
    """The actions ``user`` may attempt on ``report`` now (the services still decide)."""
    status = Status(report.status)
    allowed: list[str] = []
    if roles.user_can_work_at_unit(user, report.unit_id):
        nxt = NEXT[status]
        if Status.IN_PROGRESS in nxt and status != Status.AWAITING_REPORTER:
            allowed.append("accept")
        for target, name in (
            (Status.COORDINATION, "coordinate"),
            (Status.DISPOSITION, "dispose"),
            (Status.REJECTED, "reject"),
            (Status.FORWARDED, "forward"),
            (Status.MERGED, "merge"),
            (Status.AWAITING_REPORTER, "ask"),
            (Status.AWAITING_VALIDATION, "request_validation"),
        ):
            if target in nxt:
                allowed.append(name)
        if "dispose" in allowed and not Unit.objects.filter(parent_id=report.unit_id, aktif=True).exists():
            allowed.remove("dispose")  # nothing below this unit to pass it down to
        if status in WORKING:
            allowed.append("add_photo")
    if status == Status.AWAITING_VALIDATION and roles.user_can_validate(user):
        allowed.append("validate")
    return allowed


@dataclass(frozen=True)
class Suggestions:
    coordinate: list[Unit]  # from the tupoksi data: who is responsible for this category here
    dispose: list[Unit]  # the units directly below the handling unit


def report_suggestions(report: Report) -> Suggestions:
    data = routing_data()
    codes = (
        data.rulebook.suggestions(
            kategori=report.kategori.kode,
            kelurahan=report.kelurahan.kode,
            exclude_unit=report.unit.kode if report.unit else None,
        )
        if report.kelurahan
        else []
    )
    units = {u.kode: u for u in Unit.objects.filter(kode__in=codes).select_related("parent")}
    below = list(Unit.objects.filter(parent=report.unit, aktif=True).select_related("parent")) if report.unit else []
    # conflict of interest: never offer the unit a complaint is about, nor a unit below it (the services refuse them)
    barred = roles.descendant_unit_ids({report.concerned_unit_id}) if report.concerned_unit_id else set()
    return Suggestions(
        coordinate=[units[c] for c in codes if c in units and units[c].pk not in barred],
        dispose=[u for u in below if u.pk not in barred],
    )


def units_search(q: str = "", *, limit: int = 20):
    """Active units whose name or code contains ``q``, by code."""
    qs = Unit.objects.filter(aktif=True).select_related("parent")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(nama__icontains=q) | Q(kode__icontains=q))
    return qs.order_by("kode")[: max(1, min(limit, 100))]
