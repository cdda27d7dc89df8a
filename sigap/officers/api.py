"""Officer API: my unit's queue, report detail (never identity), and every action of the flow.

Authentication: a session (with CSRF) or ``Authorization: Bearer <token>`` from ``POST /auth/token``.
A report the caller may not see answers 404, the same as one that does not exist.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils import timezone
from ninja import File, Form, Router
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.security import APIKeyCookie, HttpBearer

from sigap.core.errors import DomainError, NotFound
from sigap.core.models import last_used_touch
from sigap.core.schemas import ErrorOut
from sigap.core.throttles import LOCKED_EN, LOCKED_ID
from sigap.organization.models import StaffRole, Unit
from sigap.privacy.access_log import Action, access_record
from sigap.reports import deadlines, photoserve, proofcheck, selectors
from sigap.reports.models import Photo, Report
from sigap.reports.schemas import code_name, status_out

from . import actions, flow
from .models import ApiToken
from .schemas import (
    ActionOut,
    QueueOut,
    ReportDetail,
    SuggestionOut,
    TokenIn,
    TokenOut,
    UnitOut,
)
from .signin import credential_seal_check, otp_required, second_factor_check, session_lacks_second_factor


class BearerAuth(HttpBearer):
    """A token from ``POST /auth/token``: found by its keyed hash, refused when expired, when its row's binding
    (account, second factor, expiry) does not verify (as an unknown token), when its account now
    needs a second factor the sign-in for it did not give, or when the account's credential seal is broken."""

    def authenticate(self, request, token):
        row = ApiToken.lookup(token)
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.is_expired(now):
            raise DomainError(
                "Token API sudah kedaluwarsa; minta token baru lewat POST /api/v1/officer/auth/token.",
                "The API token has expired; get a new one with POST /api/v1/officer/auth/token.",
                code="token_expired",
                status=401,
            )
        if not row.binding_valid():
            return None  # owner, factor or expiry rewritten outside the application: as an unknown token
        # the seal first: the roles it verifies are the ones the factor requirement is read from (no second read)
        credential_seal_check(request, row.user, via="api_token")
        if not row.otp_verified and otp_required(row.user):
            raise DomainError(
                "Token ini dibuat tanpa kode OTP, tetapi peran akun ini sekarang memerlukannya; minta "
                "token baru lewat POST /api/v1/officer/auth/token dengan kode OTP.",
                "This token was issued without a one-time code, but this account's role now needs one; "
                "get a new token with POST /api/v1/officer/auth/token and the code.",
                code="token_lacks_second_factor",
                status=401,
            )
        last_used_touch(row, now)
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """Django session login (the console); CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and not session_lacks_second_factor(request):
            return user
        return None


AUTH = [BearerAuth(), SessionAuth()]
router = Router(tags=["officer"], auth=AUTH)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **ERRORS, 429: ErrorOut},
    summary="Exchange username, password (and a one-time code above officer) for an API token",
)
def token_endpoint(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise DomainError(LOCKED_ID, LOCKED_EN, code="locked_out", status=429)
    if user is None or not user.is_active:
        raise DomainError(
            "Nama pengguna atau kata sandi salah.", "Wrong username or password.", code="bad_credentials", status=401
        )
    device = second_factor_check(request, user, payload.otp, via="api_token_endpoint")
    key = ApiToken.issue(user, name="api", otp_verified=device is not None)
    expires_at = ApiToken.lookup(key).expires_at
    staff = StaffRole.objects.filter(user=user).select_related("unit")
    return {
        "token": key,
        "expires_at": expires_at,
        "username": user.username,
        "units": [code_name(s.unit) for s in staff],
        "roles": sorted({s.role for s in staff}),
    }


def _item(report: Report, now) -> dict:
    return {
        "id": report.number,
        "category": code_name(report.category),
        "status": status_out(report.status),
        "unit": code_name(report.unit),
        "kelurahan": code_name(report.kelurahan),
        "created_at": report.created_at,
        "due_at": report.due_at,
        "hop_deadline": report.hop_deadline,
        "overdue": deadlines.is_overdue(report, now),
        "new": deadlines.awaits_acceptance(report),
        "answered": deadlines.answered_since_moved(report),
        "excerpt": report.description[:160],
    }


MAX_PAGE = 10_000  # an offset beyond this many pages is what ``cursor`` is for (and past 2**63 no database holds it)


@router.get("/reports", response={200: QueueOut, **ERRORS}, summary="My unit's queue")
def queue_endpoint(
    request,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
    unit: str | None = None,
    page: int = 1,
    page_size: int = 25,
    cursor: str | None = None,
):
    """``status``: ``open`` (default), ``closed``, ``all`` or a status code. Pages: ``cursor`` (the previous
    page's ``next_cursor``; cost independent of the depth) or ``page`` (an offset; kept for old clients)."""
    if not 1 <= page <= MAX_PAGE or not 1 <= page_size <= 100:
        raise DomainError(
            f"page 1–{MAX_PAGE:,} dan page_size 1–100; halaman lebih jauh dengan cursor.".replace(",", "."),
            f"page must be 1–{MAX_PAGE:,} and page_size 1–100; go further with the cursor.",
            code="invalid_input",
            status=422,
            field="page",
        )
    now = timezone.now()
    scope = selectors.scope_of(request.auth)
    filters = dict(
        status=status, category=category, kelurahan=kelurahan, overdue=overdue, unit=unit, now=now, scope=scope
    )

    def queue(**position):
        return selectors.report_queue(user=request.auth, **filters, **position).only(*selectors.QUEUE_COLUMNS)

    qs = queue()
    if cursor:
        rows = list(queue(cursor=cursor)[: page_size + 1])
    else:
        rows = list(qs[(page - 1) * page_size : page * page_size + 1])
    more, rows = len(rows) > page_size, rows[:page_size]
    counts = selectors.queue_counts(user=request.auth, category=category, kelurahan=kelurahan, scope=scope)
    total, capped = selectors.queue_size(user=request.auth, counts=counts, **filters)
    access_record(
        actor=request.auth,
        action=Action.LIST_REPORTS,
        reports=[r.number for r in rows],
        filters={
            k: v
            for k, v in {
                "status": status,
                "category": category,
                "kelurahan": kelurahan,
                "overdue": overdue,
                "unit": unit,
                "page": page if not cursor else None,
                "cursor": cursor,
            }.items()
            if v is not None
        },
    )
    return {
        "count": total,
        "count_capped": capped,
        "page": page,
        "page_size": page_size,
        "next_cursor": selectors.cursor_of(rows[-1], qs) if more else None,
        "counts": counts.by_status,
        "closed_capped": counts.closed_capped,
        "results": [_item(r, now) for r in rows],
    }


def _detail(user, report: Report) -> dict:
    now = timezone.now()
    history = selectors.report_history(report)
    hops = selectors.report_hops(report)
    photos = list(report.photos.select_related("unit"))
    flags = proofcheck.texts_for(user, photos)  # the validator's; a recycled photo's report named only if in sight
    return {
        "id": report.number,
        "category": code_name(report.category),
        "description": report.description,
        "address": report.address,
        "lat": report.lat,
        "lon": report.lon,
        "kelurahan": code_name(report.kelurahan),
        "unit": code_name(report.unit),
        "status": status_out(report.status),
        "channel": report.channel,
        "privacy": report.privacy,
        "created_at": report.created_at,
        "due_at": report.due_at,
        "hop_deadline": report.hop_deadline,
        "overdue": deadlines.is_overdue(report, now),
        "bounces": sum(1 for h in hops if h.revisit),
        "public_note": report.public_note,
        "rating": report.rating,
        "rating_comment": report.rating_comment,
        "merged_into": report.merged_into.number if report.merged_into_id else None,
        "photos": [
            {
                "id": p.pk,
                "kind": p.kind,
                "unit": p.unit.code if p.unit_id else None,
                "url": f"/api/v1/officer/reports/{report.number}/photos/{p.pk}",
                "width": p.width,
                "height": p.height,
                "created_at": p.created_at,
                "state": p.state,
                "state_text": photoserve.state_text(p),
                "flags": flags.get(p.pk, []),
            }
            for p in photos
        ],
        "history": [
            {
                "at": h.created_at,
                "old_status": h.old_status,
                "status": status_out(h.new_status),
                "unit": code_name(h.unit),
                "by": h.actor.username if h.actor_id else h.actor_kind,
                "public_note": h.public_note,
                "internal_note": h.internal_note,
            }
            for h in history
        ],
        "hops": [
            {
                "kind": h.kind,
                "from_unit": code_name(h.from_unit),
                "to_unit": code_name(h.to_unit),
                "by": h.actor.username if h.actor_id else None,
                "reason": h.reason,
                "at": h.created_at,
                "accepted_at": h.accepted_at,
                "revisit": h.revisit,
            }
            for h in hops
        ],
        "allowed": actions.allowed_actions(user, report),
        "round_seen": report.round_seen,
    }


def _get(request, number: str) -> Report:
    return selectors.report_get_visible(user=request.auth, number=number)


@router.get("/reports/{number}", response={200: ReportDetail, **ERRORS}, summary="Report detail (no identity)")
def detail_endpoint(request, number: str):
    report = _get(request, number)
    access_record(actor=request.auth, action=Action.VIEW_REPORT, report_number=report.number)
    return _detail(request.auth, report)


@router.get("/reports/{number}/photos/{photo_id}", response={200: None, **ERRORS}, summary="A de-identified photo")
def photo_endpoint(request, number: str, photo_id: int):
    report = _get(request, number)
    photo = Photo.objects.filter(report=report, pk=photo_id).first()
    if photo is None:
        raise NotFound("Foto tidak ditemukan.", "Photo not found.")
    access_record(actor=request.auth, action=Action.VIEW_PHOTO, report_number=report.number, photo=photo.pk)
    return photoserve.photo_response(photo, cache_control="private, no-store")


@router.get(
    "/reports/{number}/suggestions",
    response={200: SuggestionOut, **ERRORS},
    summary="Units to coordinate or dispose to, from the tupoksi data",
)
def suggestions_endpoint(request, number: str):
    report = _get(request, number)
    found = flow.report_suggestions(report)
    access_record(actor=request.auth, action=Action.VIEW_REPORT, report_number=report.number, view="suggestions")
    return {"coordinate": [_unit_out(u) for u in found.coordinate], "dispose": [_unit_out(u) for u in found.dispose]}


def _unit_out(u: Unit) -> dict:
    return {**code_name(u), "kind": u.kind, "parent": u.parent.code if u.parent_id else None}


@router.get("/units", response={200: list[UnitOut], **ERRORS}, summary="Find units (for koordinasi)")
def units_endpoint(request, q: str = "", limit: int = 20):
    return [_unit_out(u) for u in flow.units_search(q, limit=limit)]


def _action(report_number: str) -> dict:
    report = Report.objects.select_related("unit").get(number=report_number)
    return {"id": report.number, "status": status_out(report.status), "unit": code_name(report.unit)}


def _act(request, number: str, action: actions.OfficerAction, data: dict) -> dict:
    report = _get(request, number)
    actions.perform(action, user=request.auth, report=report, data=data)
    return _action(number)


# --- the actions: one endpoint per row of the action table (sigap.officers.actions), in its order --------------


def _json_endpoint(action: actions.OfficerAction):
    """The endpoint of an action whose input is a JSON body (``action.schema``)."""

    def endpoint(request, number, payload):
        return _act(request, number, action, payload.model_dump())

    # named as the hand-written endpoints were: the OpenAPI operation ids stay as clients know them
    endpoint.__name__ = endpoint.__qualname__ = f"{action.name}_endpoint"
    endpoint.__annotations__ = {"number": str, "payload": action.schema}
    return endpoint


# the one action whose input is a multipart upload (``schema`` None in the table); no docstring: it would become
# the operation's description in the OpenAPI document
def photo_upload_endpoint(request, number: str, kind: Form[str], photo: File[UploadedFile]):
    return HttpStatus(201, _act(request, number, actions.BY_NAME["add_photo"], {"kind": kind, "photo": photo}))


for _row in actions.ACTIONS:
    router.post(
        f"/reports/{{number}}/{_row.path}",
        response={201 if _row.created else 200: ActionOut, **ERRORS},
        summary=_row.summary,
    )(_json_endpoint(_row) if _row.schema is not None else photo_upload_endpoint)
