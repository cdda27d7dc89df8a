"""The city's working calendar, from settings and the Holiday rows (cached until they change)."""

from __future__ import annotations

import threading
from datetime import time
from time import monotonic

from django.conf import settings
from django.dispatch import Signal

from .clock import WorkingCalendar
from .models import Holiday

# sent with ``days`` (the dates) after Holiday rows are created in bulk, where no ``post_save`` is sent (``sigap
# reference``'s holidays): the open reports' deadlines that ran over them move (``reports.deadlines``)
holidays_added = Signal()

_lock = threading.Lock()
_cached: tuple[tuple, WorkingCalendar] | None = None


def _parse(value: str) -> time:
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


_checked_at = 0.0


def calendar_reread() -> WorkingCalendar:
    """The calendar as the Holiday rows are now (a day just declared one counts at once, here and in every later
    ``working_calendar`` of this process)."""
    global _checked_at
    _checked_at = 0.0
    return working_calendar()


def working_calendar() -> WorkingCalendar:
    """The calendar; the Holiday rows are re-read at most every SIGAP_REFERENCE_CHECK_SECONDS."""
    global _cached, _checked_at
    interval = getattr(settings, "SIGAP_REFERENCE_CHECK_SECONDS", 5.0)
    now = monotonic()
    cached = _cached
    if cached is not None and interval > 0 and now - _checked_at < interval:
        return cached[1]
    key = frozenset(Holiday.objects.values_list("date", flat=True))  # ~100 rows: cheap, and exact
    _checked_at = now
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        cal = WorkingCalendar(
            tz=settings.TIME_ZONE,
            day_start=_parse(getattr(settings, "SIGAP_DAY_START", "08:00")),
            day_end=_parse(getattr(settings, "SIGAP_DAY_END", "16:00")),
            holidays=key,
        )
        _cached = (key, cal)
        return cal
