"""The city's working calendar (``sigap.core.calendar``): office hours from settings, holidays from the Holiday
rows, rebuilt when the rows change and read without a query between checks."""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pytest

from sigap.core import calendar
from sigap.core.calendar import working_calendar
from sigap.core.models import Holiday

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar._cached = None
    yield
    calendar._cached = None


def test_office_hours_and_zone_come_from_settings(settings):
    settings.SIGAP_DAY_START, settings.SIGAP_DAY_END = "07:30", "15:30"
    cal = working_calendar()
    assert (cal.day_start, cal.day_end) == (clock_time(7, 30), clock_time(15, 30))
    assert str(cal.tz) == settings.TIME_ZONE


def test_the_default_office_day_is_eight_to_four(settings):
    del settings.SIGAP_DAY_START
    del settings.SIGAP_DAY_END
    cal = working_calendar()
    assert (cal.day_start, cal.day_end) == (clock_time(8, 0), clock_time(16, 0))


def test_holiday_rows_are_non_working_days():
    Holiday.objects.get_or_create(date=date(2026, 12, 25), defaults={"name": "Hari Raya Natal"})
    cal = working_calendar()
    assert date(2026, 12, 25) in cal.holidays and not cal.is_working_day(date(2026, 12, 25))
    assert set(cal.holidays) == set(Holiday.objects.values_list("date", flat=True))


def test_a_holiday_added_in_the_admin_moves_deadlines_at_once():
    monday = datetime(2031, 3, 3, 9, 0, tzinfo=WIB)
    Holiday.objects.filter(date=date(2031, 3, 4)).delete()
    before = working_calendar()
    assert before.is_working_day(date(2031, 3, 4))
    Holiday.objects.create(date=date(2031, 3, 4), name="Libur uji")
    after = working_calendar()
    assert after is not before and not after.is_working_day(date(2031, 3, 4))
    assert after.add_working_days(monday, 1).date() > before.add_working_days(monday, 1).date()
    assert working_calendar() is after  # unchanged rows: the same calendar


def test_between_checks_the_calendar_costs_no_query(settings, monkeypatch, django_assert_num_queries):
    settings.SIGAP_REFERENCE_CHECK_SECONDS = 5
    clock = [time.monotonic() + 10_000]
    monkeypatch.setattr(calendar, "monotonic", lambda: clock[0])
    with django_assert_num_queries(1):
        cal = working_calendar()
    with django_assert_num_queries(0):
        assert working_calendar() is cal
    clock[0] += 6
    with django_assert_num_queries(1):
        assert working_calendar() is cal  # checked again, unchanged
