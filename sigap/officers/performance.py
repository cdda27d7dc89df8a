"""Unit performance in the console (``sigap.analytics.performance``): the table of units a pimpinan oversees — a
kota's league table for a walikota, any kota's or the whole city's for the Biro and validators — its CSV/XLSX
export, and one unit's page with its weekly trend. Counts and rates only: no report, no person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.analytics import performance
from sigap.analytics import selectors as stats
from sigap.analytics.selectors import DayCount
from sigap.organization.models import Unit
from sigap.privacy.access_log import Action, access_record

from .access import console_view, forbidden, user_can_see_dashboard
from .charts import bar_chart
from .exports import CONTENT_TYPES, csv_table, xlsx_table

PERIODS = (30, 90, 365)
TREND_WEEKS = 12


def _period(request) -> int:
    try:
        days = int(request.GET.get("hari", 90))
    except ValueError:
        return 90
    return days if days in PERIODS else 90


def _kotas() -> list[Unit]:
    return list(Unit.objects.filter(kind=Unit.Kind.KOTA).select_related("wilayah").defer("wilayah__geometry"))


@dataclass(frozen=True)
class Table:
    scope: stats.Scope
    kotas: list[Unit]
    kota: Unit | None  # None: every unit in scope
    days: int
    since: datetime
    until: datetime
    sort: str
    rows: list[performance.UnitRow]


def _table(request) -> Table | None:
    """The scope, the chosen kota (None: all in scope), the period and the sorted rows."""
    scope = stats.summary_scope(request.user)
    if scope is None:
        return None
    units = None if scope.units is None else set(scope.area_units or scope.units)
    # only the kota whose units the viewer may see: a walikota offered every kota read "no data in this period" for
    # the others, as if nobody had complained there (a CRM team's walk)
    kotas = [
        k for k in _kotas() if k.wilayah_id and (units is None or units & performance.units_in_area(k.wilayah.code))
    ]
    kota = next((k for k in kotas if k.code == request.GET.get("kota")), None)
    if kota is not None:
        in_kota = performance.units_in_area(kota.wilayah.code)
        units = in_kota if units is None else units & in_kota
    days = _period(request)
    since, until = performance.period_bounds(days)
    sort = request.GET.get("urut", "received")
    rows = performance.unit_table(units, since=since, until=until, hidden=scope.hidden, sort=sort)
    return Table(scope, kotas, kota, days, since, until, sort if sort in performance.SORT_KEYS else "received", rows)


@require_GET
@console_view(user_can_see_dashboard)
def performance_view(request):
    t = _table(request)
    if t is None:
        return forbidden(request)
    linked = None if t.scope.units is None else set(t.scope.area_units or t.scope.units)
    return render(
        request,
        "officers/performance.html",
        {
            "rows": [
                {"unit": r.unit, "cells": performance.cells(r.record), "link": linked is None or r.unit.pk in linked}
                for r in t.rows
            ],
            "columns": performance.COLUMNS,
            "kotas": t.kotas,
            "kota": t.kota,
            "days": t.days,
            "periods": PERIODS,
            "sort": t.sort,
            "since": t.since,
            "until": t.until,
            "sees_all": t.scope.units is None,
            "min_count": performance.min_count(),
            "quick_minutes": int(performance.quick_seconds() // 60),
        },
    )


@require_GET
@console_view(user_can_see_dashboard)
def performance_export_view(request, fmt: str):
    """The same table as a file: one row per unit, each figure with the count behind it (empty when hidden)."""
    t = _table(request)
    if t is None:
        return forbidden(request)
    header = [_("Kode unit"), _("Unit")]
    for col in performance.COLUMNS:
        header.append(str(col.label))
        if col.kind != "count":
            header.append(_("%(figure)s: jumlah") % {"figure": col.label})
    body = []
    for r in t.rows:
        line: list = [r.unit.code, r.unit.name]
        for c in performance.cells(r.record):
            line.append(c.value)
            if c.n is not None:
                line.append(c.n)
        body.append(line)
    access_record(
        actor=request.user,
        action=Action.EXPORT,
        view="performance",
        format=fmt,
        filters={"days": t.days, "kota": t.kota.code if t.kota else "", "sort": t.sort},
        rows=len(body),
    )
    content = csv_table(header, body) if fmt == "csv" else xlsx_table("Kinerja unit", header, body)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = f"{timezone.localdate(t.until):%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="sigap-kinerja-{t.days}h-{stamp}.{fmt}"'
    return response


@require_GET
@console_view(user_can_see_dashboard)
def unit_performance_view(request, code: str):
    """One unit's figures for the period and week by week over the last twelve weeks."""
    scope = stats.summary_scope(request.user)
    if scope is None:
        return forbidden(request)
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    if scope.units is not None and unit.pk not in (scope.area_units or scope.units):
        return forbidden(request)
    days = _period(request)
    since, until = performance.period_bounds(days)
    counts = performance.counts_by_unit([unit.pk], since=since, until=until, hidden=scope.hidden)
    mine = counts.get(unit.pk, performance.Counts())
    record = performance.Record.of(mine)
    # the stages open past their deadline now, counted once for the period and this week
    weeks = performance.unit_trend(unit.pk, weeks=TREND_WEEKS, hidden=scope.hidden, open_late=mine.open_late)
    return render(
        request,
        "officers/unit_performance.html",
        {
            "unit": unit,
            "days": days,
            "periods": PERIODS,
            "columns": performance.COLUMNS,
            "cells": performance.cells(record),
            "weeks": [{"start": w.start, "cells": performance.cells(w.record)} for w in weeks],
            "chart": bar_chart([DayCount(w.start, w.record.done) for w in weeks], label_every=1),
            "received_chart": bar_chart([DayCount(w.start, w.record.received) for w in weeks], label_every=1),
            "min_count": performance.min_count(),
            "quick_minutes": int(performance.quick_seconds() // 60),
        },
    )
