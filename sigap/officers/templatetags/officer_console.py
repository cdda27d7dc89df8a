"""Template helpers of the console: the nav for the user's roles, labels in the active language."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from sigap.analytics.performance import format_duration
from sigap.core.language import name_in_language

from ..access import user_can_enter_reports, user_can_open_validation_queue, user_can_see_dashboard, user_can_use_queue
from ..listing import status_text

register = template.Library()


@register.inclusion_tag("officers/_nav.html", takes_context=True)
def console_nav(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"items": [], "user": None}
    path = request.path
    items = []
    if user_can_use_queue(request):
        items.append((reverse("officers:queue"), _("Antrean")))
    if user_can_use_queue(request):
        items.append((reverse("officers:escalations"), _("Eskalasi")))
    if user_can_open_validation_queue(request):
        items.append((reverse("officers:validation"), _("Validasi")))
    if user_can_see_dashboard(request):
        items.append((reverse("officers:dashboard"), _("Dasbor")))
        items.append((reverse("officers:performance"), _("Kinerja unit")))
    if user_can_enter_reports(request):
        items.append((reverse("intake:operator"), _("Input laporan warga")))
    queue = reverse("officers:queue")
    report_pages = queue + "laporan/"

    def current(url: str) -> bool:
        if url == queue:
            return path == queue or path.startswith(report_pages)
        return path.startswith(url)

    return {
        "items": [{"url": u, "label": label, "current": current(u)} for u, label in items],
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def category_name(category) -> str:
    return "" if category is None else name_in_language(category.name, category.name_en)


@register.filter
def status_label(code) -> str:
    return status_text(code)[0]


@register.filter
def status_colour(code) -> str:
    return status_text(code)[1]


@register.filter
def duration(seconds) -> str:
    """A duration in hours below two days, else in days (one decimal, localized)."""
    return format_duration(seconds)


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def actor_kind_label(kind) -> str:
    labels = {
        "reporter": _("pelapor"),
        "officer": _("petugas"),
        "validator": _("validator"),
        "operator": _("operator kanal"),
        "system": _("sistem"),
    }
    return labels.get(kind, kind)
