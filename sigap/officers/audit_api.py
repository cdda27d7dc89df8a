"""Auditor API (Inspektorat): query the access log by report, by officer, by time. Auditors never see
identities: the log holds none, and this module cannot reach the vault."""
from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from sigap.core.errors import PermissionDenied
from sigap.core.schemas import ErrorOut
from sigap.organization import roles
from sigap.organization.models import StaffRole
from sigap.privacy.access_log import Action, access_record, access_verify
from sigap.privacy.models import AccessEvent

from .api import AUTH

router = Router(tags=["audit"], auth=AUTH)
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class AccessEventOut(Schema):
    seq: int
    at: datetime
    officer: str
    action: str
    report: str
    detail: dict


class AccessPage(Schema):
    count: int
    results: list[AccessEventOut]


class VerifyOut(Schema):
    ok: bool
    rows: int
    problem: str
    seq: int | None


def _require_auditor(user) -> None:
    if not (roles.has_role(user, StaffRole.Role.AUDITOR) or roles.has_role(user, StaffRole.Role.PRIVACY_OFFICER)):
        raise PermissionDenied("Hanya auditor yang dapat membaca log akses.", "Only auditors can read the access log.")


@router.get("/access", response={200: AccessPage, **ERRORS}, summary="The access log, filtered")
def access_list_endpoint(request, report: str = "", officer: str = "", action: str = "", since: datetime | None = None,
                         until: datetime | None = None, limit: int = 100, offset: int = 0):
    _require_auditor(request.auth)
    qs = AccessEvent.objects.all()
    if report:
        qs = qs.filter(report_number=report)
    if officer:
        qs = qs.filter(actor_username=officer)
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    limit = max(1, min(limit, 500))
    total = qs.count()
    rows = list(qs.order_by("-seq")[offset: offset + limit])
    access_record(actor=request.auth, action=Action.AUDIT_QUERY,
                  query={k: str(v) for k, v in {"report": report, "officer": officer, "action": action, "since": since,
                                                "until": until}.items() if v})
    return {"count": total, "results": [
        {"seq": e.seq, "at": e.created_at, "officer": e.actor_username, "action": e.action, "report": e.report_number,
         "detail": e.detail} for e in rows]}


@router.get("/verify", response={200: VerifyOut, **ERRORS}, summary="Verify the hash chain of the access log")
def access_verify_endpoint(request):
    _require_auditor(request.auth)
    result = access_verify()
    return {"ok": result.ok, "rows": result.rows, "problem": result.problem, "seq": result.seq}
