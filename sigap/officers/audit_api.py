"""Auditor API (Inspektorat): query the access log by report, by officer, by time. Auditors never see
identities: the log holds none, and this module cannot reach the vault."""

from __future__ import annotations

from datetime import UTC, datetime

from ninja import Router, Schema
from pydantic import ConfigDict, Field

from sigap.core.errors import DomainError, PermissionDenied
from sigap.core.schemas import ErrorOut
from sigap.organization import roles
from sigap.organization.models import StaffRole
from sigap.privacy.access_log import (
    Action,
    access_checkpoint,
    access_record,
    access_verify_and_mark,
    configured_checkpoints,
    parse_public_keys,
)
from sigap.privacy.models import AccessEvent

from .api import AUTH

router = Router(tags=["audit"], auth=AUTH)
# 400: a body that is not JSON; 413: too large; 503: this process holds a retired audit key
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut, 503: ErrorOut}


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
    rows: int = Field(description="rows read by this verification")
    problem: str
    seq: int | None
    checkpoints: int
    since: int = Field(
        0,
        description="the first row this verification read: the rows before it were verified by the run "
        "that ended there (at mark_at); 1 when the whole log was read, 0 when no row was (a checkpoint refused, "
        "or a tampering an earlier verification found, at mark_at, and which stands)",
    )
    last: int = Field(0, description="the last row verified")
    mark_at: datetime | None = Field(None, description="when the verification this one continues from ran")


MAX_OFFSET = 10**12  # far beyond any log; a bigger offset is a client error, not a database overflow
# Dates the database can compare in every time zone (year 1 or 9999 with an offset overflow on conversion).
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)


def _paging_checked(offset: int, since: datetime | None, until: datetime | None) -> None:
    if not 0 <= offset <= MAX_OFFSET:
        raise DomainError(
            f"offset harus antara 0 dan {MAX_OFFSET}.",
            f"offset must be between 0 and {MAX_OFFSET}.",
            code="invalid_input",
            status=422,
            field="offset",
        )
    for name, value in (("since", since), ("until", until)):
        if value is None:
            continue
        try:
            ok = EARLIEST <= (value if value.tzinfo else value.replace(tzinfo=UTC)) <= LATEST
        except OverflowError:
            ok = False
        if not ok:
            raise DomainError(
                f"{name} harus antara tahun 1900 dan 9000.",
                f"{name} must be between the years 1900 and 9000.",
                code="invalid_input",
                status=422,
                field=name,
            )


def _require_auditor(user) -> None:
    if not (roles.has_role(user, StaffRole.Role.AUDITOR) or roles.has_role(user, StaffRole.Role.PRIVACY_OFFICER)):
        raise PermissionDenied("Hanya auditor yang dapat membaca log akses.", "Only auditors can read the access log.")


@router.get("/access", response={200: AccessPage, **ERRORS}, summary="The access log, filtered")
def access_list_endpoint(
    request,
    report: str = "",
    officer: str = "",
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
):
    _require_auditor(request.auth)
    _paging_checked(offset, since, until)
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
    rows = list(qs.order_by("-seq")[offset : offset + limit])
    access_record(
        actor=request.auth,
        action=Action.AUDIT_QUERY,
        query={
            k: str(v)
            for k, v in {"report": report, "officer": officer, "action": action, "since": since, "until": until}.items()
            if v
        },
    )
    return {
        "count": total,
        "results": [
            {
                "seq": e.seq,
                "at": e.created_at,
                "officer": e.actor_username,
                "action": e.action,
                "report": e.report_number,
                "detail": e.detail,
            }
            for e in rows
        ],
    }


def _verify(user, extra: list[dict], public_key: list[bytes] | None = None) -> dict:
    """Verify, then record the look (after the walk, so the result covers the log as it was)."""
    try:
        checkpoints = configured_checkpoints(newest=True) + extra
    except ValueError as exc:
        body = {"ok": False, "rows": 0, "problem": str(exc), "seq": None, "checkpoints": 0}
    else:
        # from the last verification's mark: a request's work follows the rows appended since, not the log's
        # age (the nightly run reads older rows again in turn; `sigap audit verify` reads every row)
        # the installation's own archive, checked with its own keys, speaks for the log; checkpoints handed in
        # (perhaps another instance's) answer for this call only
        own = not extra and public_key is None
        result = access_verify_and_mark(checkpoints, public_key=public_key, own_checkpoints=own)
        body = {
            "ok": result.ok,
            "rows": result.rows,
            "problem": result.problem,
            "seq": result.seq,
            "checkpoints": result.checkpoints,
            "since": result.since,
            "last": result.last,
            "mark_at": result.mark_at,
        }
    access_record(
        actor=user,
        action=Action.AUDIT_QUERY,
        verify={"ok": body["ok"], "rows": body["rows"], "checkpoints": body["checkpoints"]},
    )
    return body


@router.get("/verify", response={200: VerifyOut, **ERRORS}, summary="Verify the hash chain of the access log")
def access_verify_endpoint(request):
    _require_auditor(request.auth)
    return _verify(request.auth, [])


class VerifyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    checkpoints: list[dict] = Field(default_factory=list, max_length=1000)
    public_key: str = Field(
        "",
        max_length=1000,
        description="check the signatures against this key (the one you "
        "kept); several comma-separated, one per audit key the checkpoints were signed with",
    )


@router.post(
    "/verify",
    response={200: VerifyOut, **ERRORS},
    summary="Verify the chain and that each checkpoint you kept is still a prefix of the log",
)
def access_verify_checkpoints_endpoint(request, payload: VerifyIn):
    _require_auditor(request.auth)
    try:
        key = parse_public_keys(payload.public_key) if payload.public_key else None
    except ValueError as exc:
        raise DomainError(
            "Kunci publik tidak valid.",
            f"Invalid public key: {exc}.",
            code="invalid_input",
            status=422,
            field="public_key",
        ) from exc
    return _verify(request.auth, payload.checkpoints, key)


class CheckpointOut(Schema):
    format: str
    seq: int
    hash: str
    row_at: str | None
    at: str
    key_id: str
    signature: str


@router.get(
    "/checkpoint",
    response={200: CheckpointOut, **ERRORS, 409: ErrorOut},
    summary="A signed checkpoint of the log's last row, to keep outside the database",
)
def access_checkpoint_endpoint(request):
    _require_auditor(request.auth)
    try:
        checkpoint = access_checkpoint()
    except DomainError as exc:  # a log that is not intact: the attempt is recorded too
        access_record(actor=request.auth, action=Action.AUDIT_QUERY, checkpoint=None, refused=exc.code)
        raise
    access_record(actor=request.auth, action=Action.AUDIT_QUERY, checkpoint=checkpoint["seq"])
    return checkpoint
