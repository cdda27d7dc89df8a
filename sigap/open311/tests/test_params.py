"""GET requests parameters. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sigap.open311.errors import Open311Error
from sigap.open311.params import parse_ids, parse_statuses, parse_when, parse_window

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_the_default_window_is_the_last_90_days():
    window = parse_window(None, None, now=NOW)
    assert window.end == NOW and window.start == NOW - timedelta(days=90)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        ("2026-10-01T00:00:00Z", None, ("2026-10-01T00:00:00+00:00", "2026-12-30T00:00:00+00:00")),
        (None, "2026-10-01T00:00:00+07:00", ("2026-07-03T00:00:00+07:00", "2026-10-01T00:00:00+07:00")),
        ("2026-09-01", "2026-11-30", ("2026-09-01T00:00:00+07:00", "2026-11-30T00:00:00+07:00")),
    ],
)
def test_one_end_given_means_90_days_from_it(start, end, expected):
    window = parse_window(start, end, now=NOW)
    assert (window.start.isoformat(), window.end.isoformat()) == expected


@pytest.mark.parametrize(
    "start, end, code",
    [
        ("2026-01-01T00:00:00Z", "2026-04-02T00:00:00Z", "date_range_too_long"),
        ("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", "invalid_date_range"),
        ("yesterday", None, "invalid_date"),
        ("2026-13-01", None, "invalid_date"),
        ("9" * 60, None, "invalid_date"),
    ],
)
def test_bad_windows_are_400(start, end, code):
    with pytest.raises(Open311Error) as err:
        parse_window(start, end, now=NOW)
    assert err.value.status == 400 and err.value.code == code


def test_a_plus_decoded_as_space_is_repaired():
    assert parse_when("2026-11-01T00:00:00 07:00", "start_date").utcoffset() == timedelta(hours=7)


def test_lists_and_statuses():
    assert parse_ids(" JK1, ,JK2 ") == ["JK1", "JK2"]
    assert parse_statuses("Open,closed") == ["open", "closed"]
    with pytest.raises(Open311Error):
        parse_statuses("open,pending")


@pytest.mark.parametrize(
    "start, end, field",
    [
        ("9999-12-31", None, "start_date"),
        (None, "0001-01-01", "end_date"),
        ("0001-01-01T00:00:00+14:00", "0001-01-02", "start_date"),
        ("9999-12-31T23:59:59-12:00", None, "start_date"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_400_not_an_overflow(start, end, field):
    with pytest.raises(Open311Error) as err:
        parse_window(start, end, now=NOW)
    assert (err.value.status, err.value.code, err.value.field) == (400, "invalid_date", field)
    assert "1900" in err.value.message_en and "1900" in err.value.message_id
