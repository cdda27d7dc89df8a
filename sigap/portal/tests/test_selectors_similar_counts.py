"""The "similar reports" count of Privat and Anonim reports (``selectors.similar_reports_near``) moves only at
midnight, as they stood at the start of the day (an attacker's review of the public surfaces): the window's far end
slid every minute, so polling the cells around a house told anyone the minute a Privat report had been filed there
thirty days earlier; and a Selesai report came back into the count the minute its reporter disputed it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.intake import services as intake
from sigap.portal import selectors
from sigap.portal.tests.conftest import PB, finish, officers  # noqa: F401 - fixtures
from sigap.reports.models import Report, StatusChange
from sigap.reports.tests.factories import inner_point, submit

pytestmark = pytest.mark.django_db
CATEGORY = "saluran-tersumbat"


def count(now) -> int:
    lat, lon = inner_point(PB)
    return selectors.similar_reports_near(category_code=CATEGORY, lat=lat, lon=lon, now=now).private_count


def local(days_ago: int, hour: int, minute: int = 0):
    day = timezone.localtime(timezone.now()) - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_a_private_report_leaves_the_window_at_midnight_not_at_its_filing_minute():
    filed_at = local(31, 14)
    submit(CATEGORY, PB, privacy="private", now=filed_at)
    poll_day = filed_at + timedelta(days=30)  # its last day in the window
    assert count(poll_day - timedelta(minutes=1)) == count(poll_day + timedelta(minutes=1)) == 1
    assert count(poll_day.replace(hour=23, minute=59)) == 1
    assert count(poll_day.replace(hour=0, minute=0) + timedelta(days=1)) == 0


def test_a_dispute_moves_the_count_the_next_day_not_the_minute_it_is_made(finish):
    filed = submit(CATEGORY, PB, privacy="private", now=timezone.now() - timedelta(days=3))
    finish(Report.objects.get(pk=filed.report.pk))
    # the Selesai two days ago (its validation ran now): the report was done at the start of today
    earlier = timezone.now() - timedelta(days=2)
    StatusChange.objects.filter(report_id=filed.report.pk, created_at__gte=earlier).update(created_at=earlier)
    Report.objects.filter(pk=filed.report.pk).update(status_changed_at=earlier, closed_at=earlier)
    now = timezone.now()
    assert count(now) == 0
    intake.reporter_dispute(tracking_code=filed.tracking_code, reason="Belum beres, got masih mampet.", now=now)
    assert Report.objects.get(pk=filed.report.pk).status == "reopened"
    assert count(now) == 0  # the same day: as it stood at its start
    assert count(now + timedelta(days=1)) == 1  # open at the start of that day


def test_a_report_closed_today_is_counted_as_it_stood_at_the_start_of_the_day(finish):
    filed = submit(CATEGORY, PB, privacy="private", now=timezone.now() - timedelta(days=3))
    assert count(timezone.now()) == 1
    finish(Report.objects.get(pk=filed.report.pk))
    assert count(timezone.now()) == 1
    assert count(timezone.now() + timedelta(days=1)) == 0
