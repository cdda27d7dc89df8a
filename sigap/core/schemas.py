from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a stable code, a message in Bahasa Indonesia and in English, the field concerned."""

    code: str
    message: str
    message_en: str
    field: str | None = None
    errors: list[dict] | None = None
