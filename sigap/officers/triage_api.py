"""Triage desk and duplicates for officers: reports needing a human, with the machine's suggestions,
and one action to accept a suggestion."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from sigap.core.errors import DomainError
from sigap.core.schemas import ErrorOut
from sigap.organization.loaders import kelurahan_unit_code
from sigap.privacy.access_log import Action, access_record
from sigap.reports import desk, selectors, services
from sigap.reports.models import DuplicateCandidate, Report
from sigap.reports.schemas import CodeName, StatusOut, code_name, status_out
from sigap.routing.cache import routing_data
from sigap.routing.places import place_data

from . import actions
from .api import AUTH
from .schemas import TriageIn

router = Router(tags=["triage"], auth=AUTH)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CategoryGuess(Schema):
    code: str
    name: str
    confidence: float


class PlaceGuess(Schema):
    kelurahan: CodeName
    kecamatan: str = Field("", description="the kecamatan's name, to tell kelurahan of the same name apart")
    lat: float
    lon: float
    confidence: float


class TriageItem(Schema):
    id: str
    status: StatusOut
    reason: str
    excerpt: str
    address: str
    created_at: datetime
    category: CodeName
    categories: list[CategoryGuess]
    places: list[PlaceGuess]
    about_unit: CodeName | None = Field(
        None,
        description=(
            "For a complaint about officials (pelayanan-aparatur): the unit it would be about unless the desk names "
            "another, i.e. the one already recorded, else the kelurahan of the location. That unit and the units "
            "below it never see the report."
        ),
    )


class TriageOut(Schema):
    id: str
    status: StatusOut
    unit: CodeName


class DuplicateOut(Schema):
    id: int
    original: str
    original_status: StatusOut
    distance_m: float
    similarity: float
    state: str


def _about_unit(report: Report, data) -> dict | None:
    """The concerned unit the desk would set for a complaint about officials (see ``conflict_settle``)."""
    unit = report.concerned_unit
    if unit is None and report.kelurahan_id is not None:
        unit = data.units_by_code.get(kelurahan_unit_code(report.kelurahan.code))
    return code_name(unit)


@router.get("/triage", response={200: list[TriageItem], **ERRORS}, summary="The triage desk: reports needing a human")
def triage_queue_endpoint(request, limit: int = 50):
    """The open reports at the caller's units that need a human, most urgent first: one index range, the
    reference data read once for the page, and each report's suggestions as computed when it was written
    (``reports.desk``): a fixed number of statements, and no categorizer or place parser per row."""
    qs = (
        selectors.report_queue(user=request.auth)
        .exclude(triage_reason="")
        .select_related("concerned_unit")[: max(1, min(limit, 200))]
    )
    rows = list(qs)
    access_record(
        actor=request.auth, action=Action.LIST_REPORTS, reports=[r.number for r in rows], filters={"triage": True}
    )
    data = routing_data()
    names = {code: c.name for code, c in data.category_by_code.items()}  # the active categories
    places = place_data()
    return [
        {
            "id": r.number,
            "status": status_out(r.status),
            "reason": r.triage_reason,
            "excerpt": r.description[:300],
            "address": r.address,
            "created_at": r.created_at,
            "category": code_name(r.category),
            "about_unit": _about_unit(r, data),
            **desk.suggestions(r, names, places),
        }
        for r in rows
    ]


@router.post("/triage/{number}", response={200: TriageOut, **ERRORS}, summary="Place and categorize; route onwards")
def triage_endpoint(request, number: str, payload: TriageIn):
    # the desk's own address for the action ``triage`` (also ``POST /api/v1/officer/reports/{number}/triage`` and
    # the console's report page): the same input and the same service
    report = selectors.report_get_visible(user=request.auth, number=number)
    actions.perform(actions.BY_NAME["triage"], user=request.auth, report=report, data=payload.model_dump())
    report.refresh_from_db()
    return {
        "id": report.number,
        "status": status_out(report.status),
        "unit": code_name(report.unit),
    }


@router.get(
    "/duplicates/{number}", response={200: list[DuplicateOut], **ERRORS}, summary="Duplicate candidates of a report"
)
def duplicates_endpoint(request, number: str):
    report = selectors.report_get_visible(user=request.auth, number=number)
    visible = selectors.reports_visible_to(request.auth).values("pk")
    rows = list(
        DuplicateCandidate.objects.filter(report=report, original__in=visible)
        .select_related("original")
        .order_by("-similarity")
    )
    access_record(
        actor=request.auth,
        action=Action.LIST_REPORTS,
        reports=[d.original.number for d in rows],
        filters={"duplicates_of": report.number},
    )
    return [
        {
            "id": d.pk,
            "original": d.original.number,
            "original_status": status_out(d.original.status),
            "distance_m": d.distance_m,
            "similarity": d.similarity,
            "state": d.state,
        }
        for d in rows
    ]


@router.post(
    "/duplicates/{number}/{candidate_id}/dismiss", response={200: DuplicateOut, **ERRORS}, summary="Not a duplicate"
)
def duplicate_dismiss_endpoint(request, number: str, candidate_id: int):
    report = selectors.report_get_visible(user=request.auth, number=number)
    if not DuplicateCandidate.objects.filter(pk=candidate_id, report=report).exists():
        raise DomainError(
            "Kandidat duplikat tidak ditemukan.", "Duplicate candidate not found.", code="not_found", status=404
        )
    d = services.duplicate_dismiss(candidate_id=candidate_id, actor=request.auth)
    return {
        "id": d.pk,
        "original": d.original.number,
        "original_status": status_out(d.original.status),
        "distance_m": d.distance_m,
        "similarity": d.similarity,
        "state": d.state,
    }
