"""Privacy officer API: the due-process identity reveal (request, approve/reject, show once).

Staff sign in as for the officer API: ``sigap.config.api`` mounts this router with the officer API's
authentication (a session or a bearer token), which lives above this package. Mounted without it, the router
refuses every caller.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import ConfigDict, Field

from sigap.core.errors import PermissionDenied
from sigap.core.schemas import ErrorOut
from sigap.organization import roles
from sigap.organization.models import StaffRole

from . import reveal
from .access_log import Action, access_record
from .models import RevealRequest


def _refuse_until_mounted(request):
    return None  # never authenticated: the mount's staff authentication replaces this


router = Router(tags=["privacy"], auth=_refuse_until_mounted)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 422: ErrorOut}


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")
    report: str = Field(..., min_length=1, max_length=32)
    legal_basis: str = Field(..., min_length=1, max_length=4000)
    legal_hold: bool = False


class DecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field("", max_length=2000)


class RevealOut(Schema):
    id: int
    report: str
    requester: str
    legal_basis: str
    legal_hold: bool
    state: str
    approver: str | None
    created_at: datetime
    decided_at: datetime | None
    shown_at: datetime | None


class IdentityOut(Schema):
    name: str
    phone: str
    email: str
    nik: str
    channel: str


def _out(r: RevealRequest) -> dict:
    return {
        "id": r.pk,
        "report": r.report.number,
        "requester": r.requester.username,
        "legal_basis": r.legal_basis,
        "legal_hold": r.legal_hold,
        "state": r.state,
        "approver": r.approver.username if r.approver_id else None,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
        "shown_at": r.shown_at,
    }


@router.get("/reveal", response={200: list[RevealOut], **ERRORS}, summary="Reveal requests")
def reveal_list_endpoint(request):
    if not roles.has_role(request.auth, StaffRole.Role.PRIVACY_OFFICER):
        raise PermissionDenied("Hanya petugas privasi.", "Privacy officers only.")
    # not the requests on a complaint about the caller's own unit: that unit never learns of it (an attacker's review)
    rows = list(
        RevealRequest.objects.select_related("report", "requester", "approver")
        .exclude(report__concerned_unit_id__in=reveal.barred_unit_ids(request.auth))
        .order_by("-pk")[:200]
    )
    access_record(
        actor=request.auth,
        action=Action.REVEAL_LIST,
        reports=list(dict.fromkeys(r.report.number for r in rows)),
        requests=[r.pk for r in rows],
    )
    return [_out(r) for r in rows]


@router.post("/reveal", response={201: RevealOut, **ERRORS}, summary="Request an identity reveal (with legal basis)")
def reveal_request_endpoint(request, payload: RevealIn):
    from ninja import Status

    req = reveal.reveal_request(
        actor=request.auth, report_number=payload.report, legal_basis=payload.legal_basis, legal_hold=payload.legal_hold
    )
    return Status(201, _out(req))


@router.post(
    "/reveal/{request_id}/decide", response={200: RevealOut, **ERRORS}, summary="Approve or reject (another officer)"
)
def reveal_decide_endpoint(request, request_id: int, payload: DecideIn):
    return _out(
        reveal.reveal_decide(actor=request.auth, request_id=request_id, approve=payload.approve, note=payload.note)
    )


@router.post(
    "/reveal/{request_id}/show",
    response={200: IdentityOut, **ERRORS},
    summary="Show the identity once, to the requester",
)
def reveal_show_endpoint(request, request_id: int):
    return reveal.reveal_show(actor=request.auth, request_id=request_id)


class NoticeOut(Schema):
    id: int
    kind: str
    report: str
    body: str
    body_en: str
    created_at: datetime


@router.get(
    "/notices",
    response={200: list[NoticeOut], **ERRORS},
    summary="My notices: every reveal step and PPID role change, told to every privacy officer",
)
def notices_endpoint(request):
    from sigap.organization.models import StaffNotice

    if not roles.has_role(request.auth, StaffRole.Role.PRIVACY_OFFICER):
        raise PermissionDenied("Hanya petugas privasi.", "Privacy officers only.")
    rows = list(StaffNotice.objects.filter(user=request.auth).order_by("-pk")[:200])
    access_record(
        actor=request.auth,
        action=Action.NOTICE_LIST,
        notices=[n.pk for n in rows],
        reports=list(dict.fromkeys(n.report_number for n in rows if n.report_number)),
    )
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "report": n.report_number,
            "body": n.body,
            "body_en": n.body_en,
            "created_at": n.created_at,
        }
        for n in rows
    ]
