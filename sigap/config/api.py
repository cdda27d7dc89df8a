"""The JSON API: one NinjaAPI, each app's router mounted, one error shape.

Every error answers ``{"code", "message" (Bahasa Indonesia), "message_en", "field"?}``.
"""

from __future__ import annotations

import logging

from django.http import Http404
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from sigap.core import outage
from sigap.core.errors import DomainError
from sigap.core.schemas import ErrorOut  # noqa: F401 - re-exported

log = logging.getLogger(__name__)


class _SigapApi(NinjaAPI):
    """Ninja's document, with the JSON schemas of the request bodies that operations describe by hand
    (``openapi_extra``: JSON or multipart) added to its components, where those bodies refer to them."""

    body_schemas: tuple = ()

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in self.body_schemas:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, nested in found.pop("$defs", {}).items():
                components.setdefault(name, nested)
            components.setdefault(model.__name__, found)
        return schema


api = _SigapApi(
    title="Sigap API",
    version="1",
    description=(
        "Citizen and officer APIs of Sigap. Errors are JSON with `code`, `message` (Bahasa Indonesia) and "
        "`message_en`. See docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _body(code: str, msg_id: str, msg_en: str, **extra) -> dict:
    return {"code": code, "message": msg_id, "message_en": msg_en, **{k: v for k, v in extra.items() if v is not None}}


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    return outage.with_retry_after(response) if exc.status == 503 else response


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = []
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path", "form")]
        fields.append(".".join(loc) or "body")
        errors.append({"field": ".".join(loc), "problem": err.get("msg", ""), "type": err.get("type", "")})
    names = ", ".join(dict.fromkeys(fields))
    return api.create_response(
        request,
        _body(
            "invalid_input",
            f"Data tidak valid: {names}.",
            f"Invalid input: {names}.",
            field=fields[0] if fields else None,
            errors=errors,
        ),
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request,
        _body("unauthorized", "Perlu masuk (login) atau token yang valid.", "Login or a valid token is required."),
        status=401,
    )


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return api.create_response(
        request,
        _body(
            "rate_limited",
            "Terlalu banyak permintaan, coba lagi sebentar lagi.",
            "Too many requests, try again shortly.",
        ),
        status=429,
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, _body("not_found", "Tidak ditemukan.", "Not found."), status=404)


@api.exception_handler(RawPostDataException)
def _form_body(request, exc):
    """A form body (multipart/form-data) posted to an operation that reads JSON: the request-limits middleware has
    read the form, and the operation cannot read the body (a fuzzing review found it answered 500)."""
    return api.create_response(
        request,
        _body(
            "unsupported_media_type",
            "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
            "Send the request body as JSON (Content-Type: application/json).",
        ),
        status=415,
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, _body("http_error", str(exc), str(exc)), status=exc.status_code)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    if outage.is_outage(exc):  # the database cannot be reached: 503, try again shortly
        return outage.outage_response(request, exc)
    log.exception("unhandled API error on %s %s", request.method, request.path)
    failure = outage.server_failure()
    return api.create_response(request, _body(failure.code, failure.message_id, failure.message_en), status=500)


from sigap.intake.api import router as citizen_router  # noqa: E402
from sigap.intake.schemas import AnswerIn, ReportIn  # noqa: E402
from sigap.officers.api import AUTH as STAFF_AUTH  # noqa: E402
from sigap.officers.api import router as officer_router  # noqa: E402
from sigap.officers.audit_api import router as audit_router  # noqa: E402
from sigap.officers.export_api import router as export_router  # noqa: E402
from sigap.officers.triage_api import router as triage_router  # noqa: E402
from sigap.privacy.api import router as privacy_router  # noqa: E402

api.body_schemas = (ReportIn, AnswerIn)
api.add_router("/v1", citizen_router)
api.add_router("/v1/officer", officer_router)
api.add_router("/v1/officer/desk", triage_router)
api.add_router("/v1/officer/export", export_router)
api.add_router("/v1/audit", audit_router)
api.add_router("/v1/privacy", privacy_router, auth=STAFF_AUTH)  # staff sign-in, from the interface layer
