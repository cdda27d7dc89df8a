"""Citizen API: file a report (JSON or multipart with photos), follow it by tracking code, answer,
rate, dispute. Nothing here ever returns an officer's personal name or a reporter's identity."""

from __future__ import annotations

import json

import pydantic
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import ValidationError as NinjaValidationError

from sigap.core.errors import DomainError, NotFound
from sigap.core.language import language_code
from sigap.core.schemas import ErrorOut
from sigap.core.throttles import per_ip
from sigap.organization.models import Category, Wilayah
from sigap.reports import exposure, photoserve
from sigap.reports import services as report_services
from sigap.reports.models import Channel, Photo, Report
from sigap.reports.schemas import code_name, status_out
from sigap.reports.states import Status as ReportStatus
from sigap.reports.states import can_dispute
from sigap.routing.cache import routing_data

from . import idempotency, services
from .schemas import (
    AnswerIn,
    CategoryOut,
    ConfirmIn,
    DisputeIn,
    LocateOut,
    OkOut,
    RatingIn,
    ReportCreatedOut,
    ReportIn,
    TrackOut,
)

router = Router(tags=["citizen"])
ERRORS = {
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    410: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


_MULTIPART_FIELDS = ("category", "description", "lat", "lon", "address", "privacy", "about_unit")
REPORTER_FIELDS = ("name", "phone", "email", "nik")


def _unknown_refused(unknown: set[str]) -> None:
    if unknown:
        raise DomainError(
            f"Kolom tidak dikenal: {', '.join(sorted(unknown))}.",
            f"Unknown fields: {', '.join(sorted(unknown))}.",
            code="invalid_input",
            status=422,
            field=sorted(unknown)[0],
        )


def _parse_report(request) -> tuple[ReportIn, list[tuple[str, bytes]]]:
    content_type = request.content_type or ""
    try:
        if content_type.startswith("multipart/form-data") or content_type == "application/x-www-form-urlencoded":
            # one value each: a field sent twice is refused before the view (``limits.text_check``)
            data = {k: request.POST[k] for k in _MULTIPART_FIELDS if k in request.POST}
            reporter = {k: request.POST[f"reporter_{k}"] for k in REPORTER_FIELDS if f"reporter_{k}" in request.POST}
            if "reporter" in request.POST:
                given = json.loads(request.POST["reporter"])
                if not isinstance(given, dict):  # valid JSON but not an object: "[1, 2]", "null", '"Siti"'
                    raise DomainError(
                        'Kolom \'reporter\' harus berupa objek JSON, misalnya {"name": "..."}.',
                        'The \'reporter\' field must be a JSON object, for example {"name": "..."}.',
                        code="invalid_input",
                        status=422,
                        field="reporter",
                    )
                reporter.update(given)
            if reporter:
                data["reporter"] = reporter
            unknown = (
                set(request.POST) - set(_MULTIPART_FIELDS) - {"reporter", *(f"reporter_{k}" for k in REPORTER_FIELDS)}
            )
            _unknown_refused(unknown)
            payload = ReportIn.model_validate(data)
            files = services.uploads_read(request.FILES.getlist("photos"), "photo")
            other_files = set(request.FILES) - {"photos"}
            if other_files:
                raise DomainError(
                    "Unggah foto dengan nama kolom 'photos'.",
                    "Upload photos under the field name 'photos'.",
                    code="invalid_input",
                    status=422,
                    field="photos",
                )
            return payload, files
        if content_type in ("application/json", "") or content_type.endswith("+json"):
            return ReportIn.model_validate_json(request.body or b"{}"), []
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{"loc": ("body",) + tuple(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from None
    except (json.JSONDecodeError, RecursionError):  # nested past what the parser recurses: no reporter is
        raise DomainError(
            "Kolom 'reporter' harus JSON.",
            "Field 'reporter' must be JSON.",
            code="invalid_input",
            status=422,
            field="reporter",
        ) from None
    raise DomainError(
        "Kirim laporan sebagai application/json atau multipart/form-data.",
        "Send the report as application/json or multipart/form-data.",
        code="unsupported_media_type",
        status=415,
    )


_REPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ReportIn"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["description", "lat", "lon"],
                "properties": {
                    "category": {"type": "string"},
                    "description": {"type": "string"},
                    "lat": {"type": "number"},
                    "lon": {"type": "number"},
                    "address": {"type": "string"},
                    "privacy": {"type": "string", "enum": ["private", "public", "anonymous"]},
                    "reporter_name": {"type": "string"},
                    "reporter_phone": {"type": "string"},
                    "reporter_email": {"type": "string"},
                    "about_unit": {"type": "string"},
                    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
            }
        },
    },
}


@router.post(
    "/reports",
    response={201: ReportCreatedOut, **ERRORS, 415: ErrorOut, 503: ErrorOut},
    summary="File a report",
    openapi_extra={
        "requestBody": _REPORT_BODY,
        "parameters": [
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "description": "Makes a retry safe: the same key and request answer the first answer again (24 h).",
                "schema": {"type": "string", "minLength": 16, "maxLength": 255, "pattern": "^[!-~]+$"},
            }
        ],
    },
    throttle=[per_ip("report", settings.SIGAP_CITIZEN_RATE)],
)
def report_create_endpoint(request, response: HttpResponse):
    """File a report. JSON, or multipart/form-data with up to 5 photos under `photos`.

    The reporter's name, phone and email go only to the encrypted vault; officers never see them.
    Keep the returned `tracking_code`: it is shown once.

    Send an `Idempotency-Key` header (a UUID) to make retries safe: the same key with the same request
    answers the first answer again (`Idempotency-Replayed: true`) and files nothing; see docs/api.md.
    """
    key = idempotency.key_from(request)
    payload, files = _parse_report(request)
    claim = None
    if key is not None:
        claim = idempotency.claim(key, payload.model_dump(mode="json"), files)
        earlier = idempotency.lookup(claim)
        if earlier is not None:
            response["Idempotency-Replayed"] = "true"
            return Status(201, {**earlier, "status": status_out(earlier["status"])})
    reporter = payload.reporter
    created = services.report_submit(
        services.Submission(
            category=payload.category,
            description=payload.description,
            lat=payload.lat,
            lon=payload.lon,
            address=payload.address,
            privacy=payload.privacy,
            channel=Channel.API,
            language=language_code(),  # the app's Accept-Language
            reporter=services.Reporter(**reporter.dict()) if reporter else None,
            photos=files,
            about_unit=payload.about_unit,
            idempotency=claim,
        )
    )
    body = idempotency.summary(created, _kelurahan_out(created.report))
    return Status(201, {**body, "status": status_out(body["status"])})


_kelurahan_names: tuple[object, dict[int, tuple[str, str]]] = (None, {})


def _kelurahan_out(report) -> dict | None:
    """The filed report's kelurahan (code, name) without a query per report: the write path sets only its id,
    so the names come from one query per version of the reference data (kept with the routing data)."""
    global _kelurahan_names
    if not report.kelurahan_id:
        return None
    if Report.kelurahan.is_cached(report):
        return code_name(report.kelurahan)
    data = routing_data()
    version, names = _kelurahan_names
    if version is not data:
        names = {
            pk: (code, name)
            for pk, code, name in Wilayah.objects.filter(id__in=list(data.kelurahan_ids.values())).values_list(
                "id", "code", "name"
            )
        }
        _kelurahan_names = (data, names)
    if report.kelurahan_id not in names:
        return code_name(report.kelurahan)
    code, name = names[report.kelurahan_id]
    return {"code": code, "name": name}


@router.get("/categories", response=list[CategoryOut], summary="The category catalog")
def categories_endpoint(request):
    return [
        {
            "code": k.code,
            "group": k.group,
            "name": k.name,
            "name_en": k.name_en,
            "sensitive": k.sensitive,
            "examples": k.examples,
            "days_to_resolve": k.sla_done_days,
        }
        for k in Category.objects.filter(active=True)
    ]


@router.get("/locate", response={200: LocateOut, **ERRORS}, summary="Which kelurahan contains a point")
def locate_endpoint(request, lat: float, lon: float):
    data = routing_data()
    if data.index is None:
        raise DomainError(
            "Data batas wilayah belum dimuat.", "No boundary data is loaded.", code="no_boundaries", status=503
        )
    location = data.index.locate(lon, lat)
    kel = Wilayah.objects.select_related("parent__parent").get(code=location.code)
    kec = kel.parent
    kota = kec.parent if kec else None
    return {
        "kelurahan": code_name(kel),
        "kecamatan": code_name(kec),
        "kota": code_name(kota),
        "method": location.method,
        "distance_m": round(location.distance_m, 1),
    }


def track_payload(report: Report, code: str) -> dict:
    history = list(report.history.select_related("unit"))
    hops = list(report.hops.select_related("from_unit", "to_unit"))
    question = report.public_note if report.status == ReportStatus.AWAITING_REPORTER else None
    return {
        "id": report.number,
        "category": code_name(report.category),
        "status": status_out(report.status),
        "unit": report.unit.name if report.unit else None,
        "kelurahan": report.kelurahan.name if report.kelurahan else None,
        "created_at": report.created_at,
        "due_at": report.due_at,
        "public_note": report.public_note,
        "question": question,
        "rating": report.rating,
        "can_rate": report.status == ReportStatus.DONE and report.rating is None,
        "can_confirm": report.status == ReportStatus.DONE and report.confirmed_at is None,
        "confirmed": report.confirmed_at is not None,
        "can_dispute": can_dispute(report.status, report.closed_at, timezone.now()),
        # another person's report: its number only where the public may see it too
        "merged_into": report.merged_into.number
        if report.merged_into_id
        and exposure.expose_report(report.merged_into, exposure.Audience.MERGED_REPORTER).listed
        else None,
        "timeline": [
            {
                "at": h.created_at,
                "status": status_out(h.new_status),
                "unit": h.unit.name if h.unit else None,
                "note": h.public_note,
            }
            for h in history
        ],
        "hops": [
            {"kind": h.kind, "from_unit": h.from_unit.name, "to_unit": h.to_unit.name, "at": h.created_at} for h in hops
        ],
        "photos": [
            {
                "kind": p.kind,
                "url": f"/api/v1/track/{code}/photos/{p.pk}",
                "state": p.state,
                "state_text": photoserve.state_text(p),
            }
            for p in report.photos.all()
        ],
    }


TRACK_THROTTLE = [per_ip("track", settings.SIGAP_TRACK_RATE)]


@router.get(
    "/track/{code}",
    response={200: TrackOut, **ERRORS},
    summary="Follow a report by tracking code",
    throttle=TRACK_THROTTLE,
)
def track_endpoint(request, code: str):
    report = report_services.report_by_tracking(code)
    report = Report.objects.select_related(
        "category", "unit", "kelurahan", "merged_into", "merged_into__category", "merged_into__kelurahan"
    ).get(pk=report.pk)
    return track_payload(report, code)


@router.get(
    "/track/{code}/photos/{photo_id}",
    summary="A de-identified photo of a report (reporter's view)",
    response={200: None, **ERRORS},
    throttle=TRACK_THROTTLE,
)
def track_photo_endpoint(request, code: str, photo_id: int):
    report = report_services.report_by_tracking(code)
    photo = Photo.objects.filter(report=report, pk=photo_id).first()
    if photo is None:
        raise NotFound("Foto tidak ditemukan.", "Photo not found.")
    return photoserve.photo_response(photo, cache_control="private, no-store")


@router.post(
    "/track/{code}/rating",
    response={200: OkOut, **ERRORS},
    summary="Rate a finished report 1–5",
    throttle=TRACK_THROTTLE,
)
def rate_endpoint(request, code: str, payload: RatingIn):
    report = services.reporter_rate(
        tracking_code=code, rating=payload.rating, comment=payload.comment, secret=payload.secret
    )
    return {"ok": True, "status": status_out(report.status)}


@router.post(
    "/track/{code}/dispute",
    response={200: OkOut, **ERRORS},
    summary="Dispute a fix that was not done",
    throttle=TRACK_THROTTLE,
)
def dispute_endpoint(request, code: str, payload: DisputeIn):
    change = services.reporter_dispute(tracking_code=code, reason=payload.reason, secret=payload.secret)
    return {"ok": True, "status": status_out(change.new_status)}


@router.post(
    "/track/{code}/confirm",
    response={200: OkOut, **ERRORS},
    summary="Say a report marked Done is really fixed",
    throttle=TRACK_THROTTLE,
)
def confirm_endpoint(request, code: str, payload: ConfirmIn):
    """The reporter's "yes, it is fixed" after Selesai (its "no" is `POST /track/{code}/dispute`)."""
    report = report_services.report_confirm(tracking_code=code, secret=payload.secret)
    return {"ok": True, "status": status_out(report.status)}


@router.post(
    "/track/{code}/answer",
    response={200: OkOut, **ERRORS, 415: ErrorOut},
    summary="Answer an officer's question",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/AnswerIn"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "answer": {"type": "string"},
                            "secret": {"type": "string"},
                            "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        },
                    }
                },
            },
        }
    },
    throttle=TRACK_THROTTLE,
)
def answer_endpoint(request, code: str):
    """Answer an officer's question: JSON `{"answer", "secret"}`, or multipart/form-data with the same fields and
    up to 5 photos under `photos` (an officer may ask for one: "kirim foto kondisinya"); words, photos or both.
    The photos are de-identified by the worker like a report's own before any officer sees them."""
    payload, files = _parse_answer(request)
    key = idempotency.key_from(request)
    with transaction.atomic():
        if key is not None:  # a retry of an answer whose reply was lost answers again without storing it twice
            report = report_services.report_by_tracking(code, for_update=True, secret=payload.secret)
            fields = {"answer": payload.answer, "secret": payload.secret}
            if not idempotency.form_once(
                key, scope="POST /api/v1/track/answer", report=report, fields=fields, photos=files
            ):
                return {"ok": True, "status": status_out(report.status)}
        change = services.reporter_answer(
            tracking_code=code, answer=payload.answer, secret=payload.secret, photos=files
        )
    return {"ok": True, "status": status_out(change.new_status)}


def _parse_answer(request) -> tuple[AnswerIn, list[tuple[str, bytes]]]:
    content_type = request.content_type or ""
    try:
        if content_type.startswith("multipart/form-data"):
            _unknown_refused((set(request.POST) - {"answer", "secret"}) | (set(request.FILES) - {"photos"}))
            payload = AnswerIn.model_validate({k: request.POST[k] for k in ("answer", "secret") if k in request.POST})
            return payload, services.uploads_read(request.FILES.getlist("photos"), "photo")
        if content_type in ("application/json", "") or content_type.endswith("+json"):
            return AnswerIn.model_validate_json(request.body or b"{}"), []
    except pydantic.ValidationError as exc:
        raise NinjaValidationError(
            [{"loc": ("body",) + tuple(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        ) from None
    raise DomainError(
        "Kirim jawaban sebagai application/json atau multipart/form-data.",
        "Send the answer as application/json or multipart/form-data.",
        code="unsupported_media_type",
        status=415,
    )
