"""The one error type of the domain.

Every refusal a user can meet carries a stable ``code`` (for API clients), a message in Bahasa
Indonesia and one in English, the HTTP status the API answers with, and optionally the input field
it is about. Pure modules raise it too, so this module imports nothing from Django.
"""

from __future__ import annotations


class DomainError(Exception):
    status: int = 400
    code: str = "error"

    def __init__(
        self,
        message_id: str,
        message_en: str,
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message_id, "message_en": self.message_en}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class TransitionRefused(DomainError):
    status = 409
    code = "transition_refused"


class OutsideArea(DomainError):
    status = 422
    code = "outside_area"


class NoTupoksi(DomainError):
    status = 422
    code = "no_tupoksi"
