"""The supervisor dashboard: reports per day, open reports by status and unit, overdue list, per-unit
table, and a map of open reports (JSON). Scoped by ``sigap.analytics.selectors.summary_scope``; the figures
read the summaries the write path keeps (``sigap.reports.summaries``), open reports are counted live."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.analytics import selectors as stats
from sigap.analytics.performance import format_duration
from sigap.core.language import in_english, name_in_language
from sigap.organization.cache import reference_data
from sigap.privacy.access_log import Action, access_record
from sigap.reports import exposure
from sigap.reports.selectors import reports_visible_to
from sigap.reports.states import COLOUR, Status

from .access import console_view, forbidden, user_can_see_dashboard
from .charts import bar_chart
from .exports import CONTENT_TYPES, csv_table, xlsx_table
from .listing import RowText

PERIODS = (7, 30, 90)
OVERDUE_SHOWN = 50  # overdue reports listed on the dashboard, oldest deadline first


def _period(request) -> int:
    try:
        days = int(request.GET.get("hari", 30))
    except ValueError:
        return 30
    return days if days in PERIODS else 30


def _openable(user, reports, scope_is_visible: bool) -> set[str] | None:
    """None: every report in scope may be opened; else which of ``reports`` this user may open."""
    if scope_is_visible:
        return None
    numbers = [r.number for r in reports]
    return (
        set(reports_visible_to(user).filter(number__in=numbers).values_list("number", flat=True)) if numbers else set()
    )


# The dashboard's three long tables (a kota lists about 80 units twice and 50 late reports) are written here as
# one piece of HTML each, from escaped parts with plain string formatting: rendered by the template, their rows
# were a third of the kota's page at a million reports and the part that grew with the units shown.


def _when(iso: str, shown: str) -> str:
    return f'<time datetime="{escape(iso)}">{escape(shown)}</time>' if shown else "—"


def _overdue_html(reports, visible: set[str] | None) -> SafeString:
    """The overdue table's rows (texts from ``listing.RowText``). A report this user may not open (an overseer's
    row outside their queue) shows what oversight needs, the late unit, its status and deadlines, and, as on the
    dashboard's map, not its number or category (a category can say more than a count should: a complaint about
    officials, violence at home)."""
    text = RowText()
    rows = []
    for r in reports:
        c = text.cells(r.number, r.status, r.due_at, r.hop_deadline, r.category_name, r.category_name_en)
        if visible is None or r.number in visible:
            number, category = f'<a href="{escape(c["url"])}">{escape(r.number)}</a>', escape(c["category"])
        else:
            number, category = "—", "—"
        rows.append(
            f"<tr><td>{number}</td><td>{category}</td><td>{escape(r.unit_name or '—')}</td>"
            f'<td><span class="status status-{escape(c["colour"])}">{escape(c["status_label"])}</span></td>'
            f"<td>{_when(c['due_iso'], c['due'])}</td><td>{_when(c['hop_iso'], c['hop'])}</td></tr>"
        )
    return mark_safe("".join(rows))


def _open_units_html(by_unit) -> SafeString:
    """The open reports per unit."""
    return mark_safe(
        "".join(
            f'<tr><td>{escape(u.name or "—")}</td><td class="num" data-unit="{escape(u.code)}">{int(u.n)}</td></tr>'
            for u in by_unit
        )
    )


def _units_html(units) -> SafeString:
    """The per-unit table of the period: received, Selesai, the median time to Selesai (hidden below the minimum
    count of Selesai), TL Ditolak."""
    too_few = escape(_("terlalu sedikit laporan selesai"))
    hidden = f'<span title="{too_few}">—</span><span class="visually-hidden">{too_few}</span>'
    return mark_safe(
        "".join(
            f'<tr data-unit="{escape(s.unit.code)}"><th scope="row">{escape(s.unit.name)}</th>'
            f'<td class="num" data-col="received">{int(s.received)}</td>'
            f'<td class="num" data-col="done">{int(s.done)}</td>'
            f'<td class="num" data-col="median">'
            f"{escape(format_duration(s.median_seconds)) if s.median_shown else hidden}</td>"
            f'<td class="num" data-col="rejected">{int(s.followup_rejected)}</td></tr>'
            for s in units
        )
    )


@require_GET
@console_view(user_can_see_dashboard)
def dashboard_view(request):
    user = request.user
    scope = stats.summary_scope(user)
    if scope is None:
        return forbidden(request)
    sees_all = scope.units is None
    days = _period(request)
    now = timezone.now()
    per_day = stats.reports_per_day(scope, days=days)
    since = timezone.make_aware(datetime.combine(per_day[0].day, datetime.min.time()), timezone.get_default_timezone())
    opened = stats.open_summary(scope, now=now, overdue_first=OVERDUE_SHOWN)  # one pass for both
    overdue, overdue_total = stats.overdue_reports(
        scope, now=now, limit=OVERDUE_SHOWN, total=opened.overdue, ids=opened.overdue_first
    )
    visible = _openable(user, overdue, not sees_all)
    access_record(
        actor=user,
        action=Action.LIST_REPORTS,
        reports=[r.number for r in overdue],
        filters={"overdue": True, "days": days},
        view="dashboard",
    )
    by_status = opened.by_status
    return render(
        request,
        "officers/dashboard.html",
        {
            "days": days,
            "periods": PERIODS,
            "chart": bar_chart(per_day),
            "per_day": per_day,
            "by_status": by_status,
            "open_total": sum(n for _s, n in by_status),
            "by_unit": _open_units_html(opened.by_unit),
            "overdue": _overdue_html(overdue, visible),
            "overdue_shown": len(overdue),
            "overdue_total": overdue_total,
            "units": _units_html(stats.unit_performance(scope, since=since, until=now)),
            "median_min": stats.MEDIAN_MIN_DONE,
            "sees_all": sees_all,
            "since": since,
            "now": now,
            "map_url": reverse("officers:dashboard_map"),
            "map_points": stats.MAP_POINTS,
        },
    )


@require_GET
@console_view(user_can_see_dashboard)
def dashboard_map_view(request):
    """Open reports in the dashboard's scope, by ``sigap.reports.exposure``: the reports this user may open as
    points (number, category, unit, link); for a city-wide overseer (validator, the Biro's leadership) every
    other open report only as a count per ~1.1 km grid cell, by status. Only the listed points are logged.

    Up to 2,000 points, so each is a row of ``columns`` (lat, lon, number, status, category, unit) rather than a
    GeoJSON feature, and what repeats is said once: each status's label and colour (``statuses``), the link
    (``report_url``, ``~`` standing for the number). A kota's 2,000 points went from 662 to 233 KB."""
    user = request.user
    scope = stats.summary_scope(user)
    if scope is None:
        return JsonResponse({"code": "forbidden"}, status=403)
    openable = reports_visible_to(user) if scope.units is None else None
    points, cells = stats.open_report_map(scope.open_reports(), openable=openable, scope=scope, limit=stats.MAP_POINTS)
    english = in_english()
    access_record(
        actor=user,
        action=Action.LIST_REPORTS,
        reports=[p.number for p in points],
        filters={"open": True, "cells": len(cells)},
        view="dashboard-map",
    )
    reference = reference_data()
    categories, units = reference.category_by_pk, reference.unit_by_pk
    names: dict[int, str] = {}  # each category's name in this language, and each status's label, once
    statuses: dict[str, dict] = {}
    rows = []
    for p in points:
        if p.status not in statuses:
            status = Status(p.status)
            statuses[p.status] = {"label": str(status.label), "colour": COLOUR[status]}
        category = names.get(p.category_id)
        if category is None:
            known = categories.get(p.category_id)
            category = names[p.category_id] = name_in_language(known.name, known.name_en, english) if known else ""
        unit = units.get(p.unit_id)
        rows.append([p.lat, p.lon, p.number, p.status, category, unit.name if unit else ""])
    payload = {
        "report_url": reverse("officers:report", args=["~"]),
        "statuses": statuses,
        "columns": ["lat", "lon", "number", "status", "category", "unit"],
        "points": rows,
        "cells": [{"lat": c.lat, "lon": c.lon, "count": c.count, "by_status": c.by_status} for c in cells],
        "cell_m": exposure.cell_metres(exposure.OVERSIGHT_GRID_DEG),
        # the newest MAP_POINTS only: the page says so rather than showing a backlog's older hot spots as empty
        "limit": stats.MAP_POINTS,
        "truncated": len(points) >= stats.MAP_POINTS,
    }
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@console_view(user_can_see_dashboard)
def dashboard_export_view(request, fmt: str):
    """The dashboard's statistics as a file: reports per day over the period, open reports by status and by
    unit, and how many are overdue — counts only, no report. Recorded in the access log."""
    user = request.user
    scope = stats.summary_scope(user)
    if scope is None:
        return forbidden(request)
    days = _period(request)
    per_day = stats.reports_per_day(scope, days=days)
    opened = stats.open_summary(scope, limit=1000)
    header = [_("Bagian"), _("Tanggal / status / unit"), _("Kode"), _("Jumlah")]
    section_day, section_status, section_unit = _("Laporan masuk per hari"), _("Laporan terbuka"), _("Unit")
    body: list[list] = [[str(section_day), d.day.isoformat(), "", d.n] for d in per_day]
    body += [[str(section_status), str(s.label), s.value, n] for s, n in opened.by_status]
    body.append([str(section_status), str(_("Terlambat")), "overdue", opened.overdue])
    body += [[str(section_unit), u.name or "—", u.code, u.n] for u in opened.by_unit]
    access_record(
        actor=user, action=Action.EXPORT, view="dashboard", format=fmt, filters={"days": days}, rows=len(body)
    )
    content = csv_table(header, body) if fmt == "csv" else xlsx_table(str(_("Statistik")), header, body)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="sigap-statistik-{days}h-{timezone.localdate():%Y%m%d}.{fmt}"'
    )
    return response
