"""The language a request is answered in: Bahasa Indonesia by default, English when the visitor chose it
(``LocaleMiddleware``: the language cookie, the URL or ``Accept-Language``). One test of it for every page,
API refusal and file, so no two places can disagree about a visitor's language."""

from __future__ import annotations

from django.utils.translation import get_language

from .errors import DomainError


def in_english() -> bool:
    """Whether this request is answered in English (any English variant); otherwise Bahasa Indonesia."""
    return (get_language() or "id").lower().startswith("en")


def error_text(exc: DomainError) -> str:
    """A refusal's message in the request's language."""
    return exc.message_en if in_english() else exc.message_id
