"""``{{ note|in_language }}``: a report's stored note or redacted text for the page's language (``reports.notes``)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from sigap.reports import notes

register = template.Library()


@register.filter
def in_language(text):
    return notes.in_language(text or "", get_language() or "id")
