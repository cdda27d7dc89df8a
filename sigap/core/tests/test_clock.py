"""Tests of the pure working-time clock (no Django, no database)."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sigap.core.clock import WorkingCalendar, indonesian_holidays

WIB = ZoneInfo("Asia/Jakarta")
HOLIDAYS_2026 = indonesian_holidays([2026])
HOLIDAYS_2026_WITH_CUTI = indonesian_holidays([2026], cuti_bersama=True)

PLAIN = WorkingCalendar()  # Mon-Fri 08:00-16:00 WIB, no holidays
JAKARTA_2026 = WorkingCalendar(holidays=frozenset(HOLIDAYS_2026))
JAKARTA_2026_CUTI = WorkingCalendar(holidays=frozenset(HOLIDAYS_2026_WITH_CUTI))


def wib(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


# --------------------------------------------------------------------------- holiday data


def test_2026_data_has_independence_day_on_a_monday():
    assert HOLIDAYS_2026[date(2026, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert date(2026, 8, 17).weekday() == 0  # Monday


def test_2026_data_has_idul_fitri_and_names_in_bahasa_indonesia():
    assert HOLIDAYS_2026[date(2026, 3, 21)] == "Hari Raya Idul Fitri"
    assert HOLIDAYS_2026[date(2026, 1, 1)] == "Tahun Baru Masehi"


def test_public_holidays_exclude_cuti_bersama_unless_asked():
    assert date(2026, 3, 23) not in HOLIDAYS_2026
    assert "Cuti Bersama" in HOLIDAYS_2026_WITH_CUTI[date(2026, 3, 23)]
    assert set(HOLIDAYS_2026) <= set(HOLIDAYS_2026_WITH_CUTI)


def test_holiday_dict_is_sorted_and_only_for_requested_years():
    both = indonesian_holidays([2027, 2026])
    assert list(both) == sorted(both)
    assert {d.year for d in both} == {2026, 2027}
    assert indonesian_holidays([]) == {}


def test_calendar_accepts_the_holiday_dict_directly():
    assert WorkingCalendar(holidays=HOLIDAYS_2026).holidays == JAKARTA_2026.holidays


# --------------------------------------------------------------------------- is_working_day


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (PLAIN, date(2026, 7, 10), True),  # Friday
        (PLAIN, date(2026, 7, 11), False),  # Saturday
        (PLAIN, date(2026, 7, 12), False),  # Sunday
        (PLAIN, date(2026, 8, 17), True),  # no holidays loaded
        (JAKARTA_2026, date(2026, 8, 17), False),  # Hari Kemerdekaan
        (JAKARTA_2026, date(2026, 3, 23), True),  # cuti bersama not loaded
        (JAKARTA_2026_CUTI, date(2026, 3, 23), False),  # cuti bersama Idul Fitri
    ],
    ids=["friday", "saturday", "sunday", "holiday-not-loaded", "independence-day", "cuti-not-loaded", "cuti-loaded"],
)
def test_is_working_day(calendar, day, expected):
    assert calendar.is_working_day(day) is expected


# --------------------------------------------------------------------------- add_working_hours


@pytest.mark.parametrize(
    ("calendar", "start", "hours", "expected"),
    [
        (PLAIN, wib(2026, 7, 10, 15), 6, wib(2026, 7, 13, 13)),  # Fri 15:00 + 6 h = Mon 13:00
        (PLAIN, wib(2026, 7, 7, 20), 2, wib(2026, 7, 8, 10)),  # Tue 20:00 counts from Wed 08:00
        (PLAIN, wib(2026, 7, 8, 6), 1, wib(2026, 7, 8, 9)),  # before opening counts from 08:00
        (PLAIN, wib(2026, 7, 11, 10), 1, wib(2026, 7, 13, 9)),  # Saturday counts from Monday
        (PLAIN, wib(2026, 7, 13, 10), 6, wib(2026, 7, 13, 16)),  # runs out exactly at closing
        (PLAIN, wib(2026, 7, 13, 16), 1, wib(2026, 7, 14, 9)),  # 16:00 is already after hours
        (PLAIN, wib(2026, 7, 13, 10), 0, wib(2026, 7, 13, 10)),  # zero inside hours: no move
        (PLAIN, wib(2026, 7, 10, 18), 0, wib(2026, 7, 13, 8)),  # zero after hours: next opening
        (PLAIN, wib(2026, 7, 13, 9, 15), 0.75, wib(2026, 7, 13, 10)),  # fractional hours
        (PLAIN, wib(2026, 7, 13, 8), 16, wib(2026, 7, 14, 16)),  # two whole days
        (JAKARTA_2026, wib(2026, 8, 14, 15), 6, wib(2026, 8, 18, 13)),  # Mon 17 Aug skipped
        (JAKARTA_2026, wib(2026, 8, 17, 9), 1, wib(2026, 8, 18, 9)),  # start on a holiday
        (JAKARTA_2026, wib(2026, 3, 18, 15), 6, wib(2026, 3, 20, 13)),  # Nyepi Thu 19 Mar skipped
        # Idul Fitri 2026 with cuti bersama: Wed 18 .. Tue 24 March are all off.
        (JAKARTA_2026_CUTI, wib(2026, 3, 17, 15), 6, wib(2026, 3, 25, 13)),
        (JAKARTA_2026_CUTI, wib(2026, 3, 18, 15), 6, wib(2026, 3, 25, 14)),
    ],
    ids=[
        "friday-afternoon-to-monday",
        "evening-start-counts-from-next-morning",
        "early-start-counts-from-opening",
        "weekend-start-counts-from-monday",
        "ends-exactly-at-closing-time",
        "closing-time-is-outside-working-time",
        "zero-hours-inside-working-time",
        "zero-hours-outside-working-time",
        "fractional-hours",
        "two-whole-days",
        "independence-day-skipped",
        "start-on-holiday",
        "nyepi-skipped-without-cuti",
        "idul-fitri-cluster-with-cuti",
        "start-inside-idul-fitri-cluster",
    ],
)
def test_add_working_hours(calendar, start, hours, expected):
    result = calendar.add_working_hours(start, hours)
    assert result == expected
    assert result.tzinfo is not None


def test_add_working_hours_result_is_in_the_start_zone():
    start = datetime(2026, 7, 13, 3, 0, tzinfo=UTC)  # 10:00 WIB
    result = PLAIN.add_working_hours(start, 2)
    assert result == datetime(2026, 7, 13, 5, 0, tzinfo=UTC)  # 12:00 WIB
    assert result.utcoffset() == timedelta(0)


def test_start_in_utc_late_evening_is_already_next_day_in_jakarta():
    # Sunday 23:30 UTC = Monday 06:30 WIB: counting starts Monday 08:00 WIB.
    start = datetime(2026, 7, 12, 23, 30, tzinfo=UTC)
    assert PLAIN.add_working_hours(start, 1) == wib(2026, 7, 13, 9)


def test_thousand_working_hours_skip_whole_days():
    # 1000 h = 125 working days of 8 h = 25 whole weeks from Monday 08:00.
    start = wib(2026, 1, 5, 8)
    assert PLAIN.add_working_hours(start, 1000) == wib(2026, 6, 26, 16)
    # With 2026 holidays the deadline moves by the number of weekday holidays in between.
    end = JAKARTA_2026.add_working_hours(start, 1000)
    assert JAKARTA_2026.working_seconds_between(start, end) == 1000 * 3600
    assert end > wib(2026, 6, 26, 16)


# --------------------------------------------------------------------------- add_working_days


@pytest.mark.parametrize(
    ("calendar", "start", "days", "expected"),
    [
        (PLAIN, wib(2026, 7, 13, 10), 1, wib(2026, 7, 14, 16)),  # Mon in hours -> Tue
        (PLAIN, wib(2026, 7, 13, 10), 3, wib(2026, 7, 16, 16)),  # Mon -> Thu
        (PLAIN, wib(2026, 7, 13, 17), 1, wib(2026, 7, 14, 16)),  # Mon after hours -> Tue
        (PLAIN, wib(2026, 7, 13, 7), 1, wib(2026, 7, 13, 16)),  # before opening: same day is day 1
        (PLAIN, wib(2026, 7, 13, 8), 1, wib(2026, 7, 13, 16)),  # exactly at opening: same day
        (PLAIN, wib(2026, 7, 10, 10), 1, wib(2026, 7, 13, 16)),  # Fri -> Mon over the weekend
        (PLAIN, wib(2026, 7, 11, 10), 1, wib(2026, 7, 13, 16)),  # Sat -> Mon is day 1
        (PLAIN, wib(2026, 7, 9, 10), 7, wib(2026, 7, 20, 16)),  # Thu + 7 over a weekend
        (JAKARTA_2026, wib(2026, 8, 13, 10), 3, wib(2026, 8, 19, 16)),  # weekend + 17 Aug
        (JAKARTA_2026, wib(2026, 8, 17, 10), 1, wib(2026, 8, 18, 16)),  # start on holiday
        (JAKARTA_2026_CUTI, wib(2026, 3, 17, 10), 2, wib(2026, 3, 26, 16)),  # Idul Fitri cluster
    ],
    ids=[
        "in-hours-start-next-day-is-day-1",
        "three-days",
        "after-hours-start",
        "before-opening-start",
        "start-at-opening",
        "friday-over-weekend",
        "weekend-start",
        "seven-days-over-weekend",
        "weekend-and-independence-day",
        "start-on-holiday",
        "idul-fitri-cluster-with-cuti",
    ],
)
def test_add_working_days(calendar, start, days, expected):
    assert calendar.add_working_days(start, days) == expected


@pytest.mark.parametrize("days", [0, -1, 1.5, True])
def test_add_working_days_refuses_non_positive_or_non_int(days):
    with pytest.raises(ValueError):
        PLAIN.add_working_days(wib(2026, 7, 13, 10), days)


# --------------------------------------------------------------------------- working_seconds_between


@pytest.mark.parametrize(
    ("calendar", "a", "b", "hours"),
    [
        (PLAIN, wib(2026, 7, 13, 9), wib(2026, 7, 13, 11), 2),
        (PLAIN, wib(2026, 7, 13, 11), wib(2026, 7, 13, 9), 0),  # reversed
        (PLAIN, wib(2026, 7, 13, 9), wib(2026, 7, 13, 9), 0),  # empty
        (PLAIN, wib(2026, 7, 10, 15), wib(2026, 7, 13, 13), 6),  # over a weekend
        (PLAIN, wib(2026, 7, 11, 0), wib(2026, 7, 13, 0), 0),  # whole weekend
        (PLAIN, wib(2026, 7, 13, 0), wib(2026, 7, 20, 0), 40),  # a whole week
        (PLAIN, wib(2026, 7, 13, 15), wib(2026, 7, 13, 20), 1),  # past closing
        (JAKARTA_2026, wib(2026, 8, 14, 15), wib(2026, 8, 18, 13), 6),  # holiday Monday
        (JAKARTA_2026_CUTI, wib(2026, 3, 17, 0), wib(2026, 3, 26, 0), 16),  # only 17 and 25 Mar
    ],
    ids=[
        "same-day",
        "reversed-is-zero",
        "empty-is-zero",
        "over-weekend",
        "weekend-only",
        "whole-week",
        "past-closing",
        "holiday-monday",
        "idul-fitri-cluster",
    ],
)
def test_working_seconds_between(calendar, a, b, hours):
    assert calendar.working_seconds_between(a, b) == hours * 3600


def test_working_seconds_between_mixed_zones():
    a = datetime(2026, 7, 13, 2, 0, tzinfo=UTC)  # 09:00 WIB
    b = wib(2026, 7, 13, 12)
    assert PLAIN.working_seconds_between(a, b) == 3 * 3600


def test_working_seconds_between_over_ten_years_is_fast_and_exact():
    a, b = wib(2026, 1, 5, 0), wib(2026, 1, 5, 0) + timedelta(weeks=520)
    assert PLAIN.working_seconds_between(a, b) == 520 * 40 * 3600


# --------------------------------------------------------------------------- refusals


NAIVE = datetime(2026, 7, 13, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: PLAIN.add_working_hours(NAIVE, 1),
        lambda: PLAIN.add_working_days(NAIVE, 1),
        lambda: PLAIN.working_seconds_between(NAIVE, wib(2026, 7, 14)),
        lambda: PLAIN.working_seconds_between(wib(2026, 7, 12), NAIVE),
        lambda: PLAIN.is_working_time(NAIVE),
    ],
    ids=["add-hours", "add-days", "between-first", "between-second", "is-working-time"],
)
def test_naive_datetime_is_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf"), "6"])
def test_add_working_hours_refuses_bad_hours(hours):
    with pytest.raises(ValueError):
        PLAIN.add_working_hours(wib(2026, 7, 13, 10), hours)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"day_start": time(16, 0), "day_end": time(8, 0)},
        {"day_start": time(8, 0), "day_end": time(8, 0)},
        {"workdays": frozenset()},
        {"workdays": frozenset({7})},
        {"holidays": frozenset({datetime(2026, 8, 17, tzinfo=WIB)})},
    ],
    ids=["end-before-start", "empty-day", "no-workdays", "bad-weekday", "datetime-as-holiday"],
)
def test_invalid_calendar_is_refused(kwargs):
    with pytest.raises(ValueError):
        WorkingCalendar(**kwargs)


def test_is_working_day_refuses_datetime():
    with pytest.raises(TypeError):
        PLAIN.is_working_day(wib(2026, 7, 13, 10))


# --------------------------------------------------------------------------- custom calendars


def test_saturday_working_calendar_counts_saturday():
    six_days = WorkingCalendar(workdays=frozenset(range(6)))
    assert six_days.add_working_hours(wib(2026, 7, 10, 15), 6) == wib(2026, 7, 11, 13)
    assert six_days.add_working_days(wib(2026, 7, 10, 10), 1) == wib(2026, 7, 11, 16)


def test_custom_office_hours():
    calendar = WorkingCalendar(day_start=time(7, 30), day_end=time(16, 0))  # 8.5 h days
    assert calendar.add_working_hours(wib(2026, 7, 10, 15), 6) == wib(2026, 7, 13, 12, 30)
    assert calendar.working_seconds_between(wib(2026, 7, 13), wib(2026, 7, 14)) == 8.5 * 3600


def test_city_can_remove_a_national_holiday_as_data():
    without_17_aug = dataclasses.replace(JAKARTA_2026, holidays=JAKARTA_2026.holidays - {date(2026, 8, 17)})
    assert without_17_aug.add_working_hours(wib(2026, 8, 14, 15), 6) == wib(2026, 8, 17, 13)


def test_city_can_add_a_local_holiday_as_data():
    with_local_day = dataclasses.replace(JAKARTA_2026, holidays=JAKARTA_2026.holidays | {date(2026, 8, 18)})
    assert with_local_day.add_working_hours(wib(2026, 8, 14, 15), 6) == wib(2026, 8, 19, 13)


def test_calendar_in_another_zone_wita():
    wita = ZoneInfo("Asia/Makassar")  # UTC+8
    calendar = WorkingCalendar(tz=wita)
    start = wib(2026, 7, 13, 7, 30)  # 08:30 WITA
    assert calendar.add_working_hours(start, 1) == wib(2026, 7, 13, 8, 30)  # 09:30 WITA
    assert WorkingCalendar(tz="Asia/Makassar") == calendar


def test_daylight_saving_day_counts_real_hours():
    # Europe/Berlin springs forward 02:00 -> 03:00 on Sunday 29 March 2026.
    berlin = ZoneInfo("Europe/Berlin")
    night = WorkingCalendar(tz=berlin, day_start=time(0, 0), day_end=time(6, 0), workdays=frozenset(range(7)))
    a = datetime(2026, 3, 29, 0, 0, tzinfo=berlin)
    assert night.working_seconds_between(a, a + timedelta(days=1)) == 5 * 3600
    assert night.add_working_hours(a, 5) == datetime(2026, 3, 29, 6, 0, tzinfo=berlin)


def test_is_working_time_and_next_working_instant():
    assert PLAIN.is_working_time(wib(2026, 7, 13, 8))
    assert not PLAIN.is_working_time(wib(2026, 7, 13, 16))
    assert PLAIN.next_working_instant(wib(2026, 7, 10, 16)) == wib(2026, 7, 13, 8)
    assert PLAIN.next_working_instant(wib(2026, 7, 13, 9)) == wib(2026, 7, 13, 9)


# --------------------------------------------------------------------------- properties


def _random_instant(rng: random.Random) -> datetime:
    base = wib(2026, 1, 1)
    return base + timedelta(seconds=rng.randrange(0, 365 * 86400))


@pytest.mark.parametrize(
    "calendar", [PLAIN, JAKARTA_2026, JAKARTA_2026_CUTI], ids=["plain", "holidays", "holidays-and-cuti"]
)
def test_counting_back_the_added_hours_gives_them_back(calendar):
    rng = random.Random(20260817)
    for _ in range(400):
        start = _random_instant(rng)
        if rng.random() < 0.5:
            hours = rng.randrange(0, 1000 * 60) / 60  # whole minutes: exact
            end = calendar.add_working_hours(start, hours)
            assert calendar.working_seconds_between(start, end) == pytest.approx(hours * 3600, abs=1e-6)
            assert calendar.working_seconds_between(start, end) == round(hours * 3600)
        else:
            hours = rng.uniform(0, 1000)  # arbitrary float: microsecond resolution
            end = calendar.add_working_hours(start, hours)
            assert calendar.working_seconds_between(start, end) == pytest.approx(hours * 3600, abs=1e-6)
        assert end >= start
        # The deadline lies in working time or exactly at a closing time.
        local = end.astimezone(WIB)
        assert calendar.is_working_day(local.date())
        assert calendar.day_start <= local.timetz().replace(tzinfo=None) <= calendar.day_end


def test_start_in_working_time_plus_hours_matches_between_exactly():
    rng = random.Random(128)
    for _ in range(400):
        start = JAKARTA_2026.next_working_instant(_random_instant(rng))
        hours = rng.choice([0.25, 0.5, 1, 2, 6, 8, 24, 40, 56])
        end = JAKARTA_2026.add_working_hours(start, hours)
        assert JAKARTA_2026.working_seconds_between(start, end) == hours * 3600


def _brute_force_minutes(calendar: WorkingCalendar, a: datetime, b: datetime) -> int:
    count, t = 0, a
    while t < b:
        if calendar.is_working_time(t):
            count += 1
        t += timedelta(minutes=1)
    return count


def test_working_seconds_between_agrees_with_minute_by_minute_count():
    rng = random.Random(6)
    for _ in range(40):
        a = wib(2026, 3, 12) + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        b = a + timedelta(minutes=rng.randrange(0, 4 * 24 * 60))
        expected = _brute_force_minutes(JAKARTA_2026_CUTI, a, b) * 60
        assert JAKARTA_2026_CUTI.working_seconds_between(a, b) == expected


def test_add_working_days_gives_full_working_days():
    rng = random.Random(7)
    for _ in range(300):
        start = _random_instant(rng)
        days = rng.randint(1, 7)
        deadline = JAKARTA_2026_CUTI.add_working_days(start, days)
        # At least `days` full working days fit, and fewer than `days + 1`.
        worked = JAKARTA_2026_CUTI.working_seconds_between(start, deadline)
        assert days * 8 * 3600 <= worked < (days + 1) * 8 * 3600
        assert deadline.astimezone(WIB).time() == time(16, 0)
