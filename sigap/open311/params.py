"""Parsing GeoReport v2 query parameters. Pure: strings in, values out, ``Open311Error`` (400) on bad input."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from .errors import bad_request

MAX_WINDOW = timedelta(days=90)
DEFAULT_LIMIT = 1000  # GeoReport v2: "90 days or first 1000 requests returned, whichever is smallest"
MAX_IDS = 200
FIRST_YEAR, LAST_YEAR = 1900, 2999  # start_date/end_date outside these years are refused
STATUSES = ("open", "closed")


def parse_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_when(value: str, field: str) -> datetime:
    """ISO 8601 (w3 subset). A missing offset means the city's time zone; a '+' decoded as ' ' is repaired."""
    text = value.strip()
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", text)
    try:
        if len(text) > 40:
            raise ValueError
        when = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(
            f"{field} bukan tanggal-waktu ISO 8601 (contoh 2026-11-01T00:00:00+07:00).",
            f"{field} is not an ISO 8601 date-time (e.g. 2026-11-01T00:00:00+07:00).",
            code="invalid_date",
            field=field,
        ) from None
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        # far dates overflow the 90-day arithmetic and the conversion to UTC (0001-01-01, 9999-12-31)
        raise bad_request(
            f"{field} harus antara tahun {FIRST_YEAR} dan {LAST_YEAR}.",
            f"{field} must be between the years {FIRST_YEAR} and {LAST_YEAR}.",
            code="invalid_date",
            field=field,
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def parse_window(start: str | None, end: str | None, *, now: datetime) -> Window:
    """start_date/end_date: at most 90 days apart; by default the last 90 days."""
    s = parse_when(start, "start_date") if start else None
    e = parse_when(end, "end_date") if end else None
    if s is None and e is None:
        e, s = now, now - MAX_WINDOW
    elif s is None:
        s = e - MAX_WINDOW
    elif e is None:
        e = s + MAX_WINDOW
    if e < s:
        raise bad_request(
            "end_date lebih awal dari start_date.",
            "end_date is before start_date.",
            code="invalid_date_range",
            field="end_date",
        )
    if e - s > MAX_WINDOW:
        raise bad_request(
            "Rentang start_date–end_date paling lama 90 hari.",
            "start_date and end_date may be at most 90 days apart.",
            code="date_range_too_long",
            field="end_date",
        )
    return Window(s, e)


def parse_statuses(value: str | None) -> list[str]:
    statuses = [s.lower() for s in parse_list(value)]
    bad = [s for s in statuses if s not in STATUSES]
    if bad:
        raise bad_request(
            "status hanya boleh open atau closed (boleh keduanya, dipisah koma).",
            "status must be open or closed (or both, comma separated).",
            code="invalid_status",
            field="status",
        )
    return statuses


def parse_ids(value: str | None) -> list[str]:
    ids = parse_list(value)
    if len(ids) > MAX_IDS:
        raise bad_request(
            f"Paling banyak {MAX_IDS} service_request_id sekaligus.",
            f"At most {MAX_IDS} service_request_id at once.",
            code="too_many_ids",
            field="service_request_id",
        )
    return [i[:64] for i in ids]


def parse_int(value: str | None, field: str, *, default: int, low: int, high: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise bad_request(
            f"{field} harus bilangan bulat {low}–{high}.",
            f"{field} must be an integer {low}–{high}.",
            code="invalid_number",
            field=field,
        )
    return number


def parse_coordinate(value: str | None, field: str, low: float, high: float) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise bad_request(
            f"{field} harus angka antara {low:g} dan {high:g}.",
            f"{field} must be a number between {low:g} and {high:g}.",
            code="invalid_coordinates",
            field=field,
        )
    return number
