"""The portal's only write of its own: counting "ini laporan yang sama" (this is my problem too).

Filing a report, answering, rating and disputing go through ``sigap.intake.services`` like every channel.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sigap.core.errors import NotFound
from sigap.reports.models import Report
from sigap.reports.states import is_open

from .models import ReportInterest


@transaction.atomic
def report_interest_record(*, number: str, now: datetime | None = None) -> Report:
    """Count one more resident affected by an open, non-sensitive report. Returns the report."""
    report = Report.objects.select_related("category", "unit").filter(number=number, category__sensitive=False).first()
    if report is None or not is_open(report.status):
        raise NotFound("Laporan tidak ditemukan atau sudah ditutup.", "Report not found or already closed.")
    ReportInterest.objects.create(report=report, created_at=now or timezone.now())
    return report
