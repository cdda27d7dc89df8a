"""The language a request is answered in: Bahasa Indonesia by default, English when the visitor chose it
(``LocaleMiddleware``: the language cookie, the URL or ``Accept-Language``). One test of it for every page,
API refusal and file, so no two places can disagree about a visitor's language."""

from __future__ import annotations

from django.utils.translation import get_language

from .errors import DomainError


def in_english() -> bool:
    """Whether this request is answered in English (any English variant); otherwise Bahasa Indonesia."""
    return (get_language() or "id").lower().startswith("en")


def language_code() -> str:
    """This request's language as Sigap keeps it: "en" or "id" (a reporter's language, ``Submission.language``)."""
    return "en" if in_english() else "id"


def name_in_language(name: str | None, name_en: str | None, english: bool | None = None) -> str:
    """A name kept in both languages (a category's): the English one where there is one when the request is
    answered in English (``english``, when the caller has already asked ``in_english``), else the Indonesian."""
    if english is None:
        english = in_english()
    return ((name_en or name) if english else name) or ""


def error_text(exc: DomainError) -> str:
    """A refusal's message in the request's language."""
    return exc.message_en if in_english() else exc.message_id
