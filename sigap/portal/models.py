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


class StatisticsSnapshot(models.Model):
    """The figures /statistik/ shows for one local day, taken once: by the midnight job or the day's first visitor.

    Counted live, the page told anyone who refreshed it when a report the public never sees (Privat, Anonim, a
    labour complaint) was filed in a kelurahan, to the minute. Taken once a day, it tells the day at most. Only
    the counts and medians of the page, per kota and per kelurahan; nothing of any one report."""

    day = models.DateField(_("hari"), unique=True)
    taken_at = models.DateTimeField(_("diambil pada"))
    figures = models.JSONField(_("angka"))

    class Meta:
        verbose_name = _("angka statistik harian")
        verbose_name_plural = _("angka statistik harian")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"
