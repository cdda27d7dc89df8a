"""Open311 errors: Sigap's ``DomainError`` answered with the status codes GeoReport v2 uses.

GeoReport v2 knows 400 (bad or missing input), 403 (api_key missing or invalid) and 404 (unknown
jurisdiction, service or request); Sigap adds 405, 429 and 503 where they apply. A domain refusal from
the intake pipeline (422 invalid input, 409, 413, 415, ...) is a bad request to an Open311 client: 400.
"""

from __future__ import annotations

from sigap.core.errors import DomainError


class Open311Error(DomainError):
    status = 400
    code = "bad_request"


def bad_request(msg_id: str, msg_en: str, *, code: str = "bad_request", field: str | None = None) -> Open311Error:
    return Open311Error(msg_id, msg_en, code=code, status=400, field=field)


def not_found(msg_id: str, msg_en: str, *, code: str = "not_found", field: str | None = None) -> Open311Error:
    return Open311Error(msg_id, msg_en, code=code, status=404, field=field)


def forbidden(msg_id: str, msg_en: str, *, code: str = "invalid_api_key") -> Open311Error:
    return Open311Error(msg_id, msg_en, code=code, status=403, field="api_key")


def open311_status(exc: DomainError) -> int:
    """GeoReport v2's statuses: 403, 404, 405, 429 and 5xx as they are, every other refusal 400 (final). A request
    whose Idempotency-Key is still being written by the first request is 503: try again shortly, not "refused"
    (as 400 it told a client that its report, filed by the first request, was refused; a review)."""
    status = exc.status
    if status in (401, 403):
        return 403
    if exc.code == "idempotency_key_in_use":
        return 503
    if status in (404, 405, 429) or status >= 500:
        return status
    return 400
