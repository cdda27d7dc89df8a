"""The portal's own record: residents who found their problem already reported.

"Ini laporan yang sama" does not create a report; it is counted here. Nothing about the resident is
stored: no session, no address, no time finer than the row's own creation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.reports.models import Report


class ReportInterest(models.Model):
    """One resident said "this is my problem too" about an existing report."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="portal_interest", verbose_name=_("laporan")
    )
    created_at = models.DateTimeField(_("waktu"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("warga yang mengalami masalah yang sama")
        verbose_name_plural = _("warga yang mengalami masalah yang sama")

    def __str__(self) -> str:
        return f"{self.report_id} @ {self.created_at:%Y-%m-%d}"
