"""Cross-cutting rows: public holidays (for the working-time clock) and the audit trail; how a credential's "last
used" time is kept."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LAST_USED_EVERY = timedelta(minutes=1)  # how fresh a credential's "last used" is kept (one write per minute)


def last_used_touch(row: models.Model, now=None) -> None:
    """Record a use of a credential row (an API token, an Open311 client) in its ``last_used_at``, at most once per
    ``LAST_USED_EVERY``: "last used" to the minute, without a write (and its WAL flush) on every request."""
    now = now or timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        type(row).objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now


class Holiday(models.Model):
    """A non-working day (public holiday or cuti bersama). Data, so a city edits it without code."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class AuditEvent(models.Model):
    """Append-only record of every state-changing action (who did what to which report).

    Rows are written only by services; there is no update or delete path and the admin is read-only.
    It names staff accounts (their actions are accountable) and never a reporter.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_kind = models.CharField(max_length=20)  # officer, reporter, system, operator
    action = models.CharField(max_length=60, db_index=True)
    report_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # pragma: no cover - guarded
        raise ValueError("audit events are append-only")
