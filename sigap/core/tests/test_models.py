"""Core rows (``sigap.core.models``): the audit trail is append-only; a holiday is a date with a name."""

from __future__ import annotations

from datetime import date

import pytest

from sigap.core.models import AuditEvent, Holiday

pytestmark = pytest.mark.django_db


def test_an_audit_event_is_written_once_and_never_changed_or_deleted():
    event = AuditEvent.objects.create(actor_kind="system", action="report:create", report_id=1)
    event.action = "report:erased"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "report:create"


def test_a_holiday_reads_as_its_date_and_name():
    assert str(Holiday(date=date(2026, 8, 17), name="Hari Kemerdekaan")) == "2026-08-17 Hari Kemerdekaan"
