"""Working-time clock: the arithmetic behind every deadline in Sigap.

Jakarta's complaint rules (Pergub DKI Jakarta 128/2017 and practice) count in *working* time:
each hop of a report between offices must be accepted or passed on within 6 working hours, and the
fix must be done within the category's number of working days. This module answers three
questions for a given :class:`WorkingCalendar`:

* when do N working hours after an instant run out (:meth:`WorkingCalendar.add_working_hours`),
* when is the end of the N-th working day after an instant (:meth:`WorkingCalendar.add_working_days`),
* how much working time lies between two instants (:meth:`WorkingCalendar.working_seconds_between`).

Public holidays and *cuti bersama* (collective leave) are data, not code: the calendar takes any set
of dates, so a city adds or removes a day by editing its list. :func:`indonesian_holidays` gives the
national list from the ``holidays`` package as a starting point.

The module is pure: no Django, no I/O, no clock reads. Every datetime handed in must be timezone
aware; a naive one is refused with ``ValueError``, because guessing its zone silently moves
deadlines by hours.

Model
-----
A *working period* is the half-open interval ``[day_start, day_end)`` in the calendar's zone
(``tz``) on a *working day*: a date whose weekday is in ``workdays`` and which is not in
``holidays``. Working time is the union of the working periods. All differences are taken on the
absolute (UTC) time line, so a zone with daylight-saving changes is counted correctly; Asia/Jakarta
has none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["JAKARTA", "WorkingCalendar", "indonesian_holidays"]

JAKARTA = ZoneInfo("Asia/Jakarta")

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)


def _require_aware(dt: datetime, name: str) -> None:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(f"{name} must be timezone-aware (got naive datetime {dt!r})")


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours, working weekdays and holidays of one administration.

    ``holidays`` and ``workdays`` accept any iterable (a ``set``, a ``list``, or the ``dict``
    returned by :func:`indonesian_holidays`) and are stored as ``frozenset``; ``tz`` accepts a
    zone name such as ``"Asia/Jakarta"``. Use :func:`dataclasses.replace` to derive a calendar with
    other holidays, e.g. a city's own list.
    """

    tz: ZoneInfo = JAKARTA
    day_start: time = time(8, 0)
    day_end: time = time(16, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0 .. Sunday=6
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        tz = self.tz
        if isinstance(tz, str):
            tz = ZoneInfo(tz)
        if not isinstance(tz, tzinfo):
            raise ValueError(f"tz must be a tzinfo or a zone name, not {self.tz!r}")
        object.__setattr__(self, "tz", tz)

        for name in ("day_start", "day_end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise ValueError(f"{name} must be a datetime.time, not {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"{name} must be a wall-clock time without tzinfo (the zone is tz)")
        if not self.day_start < self.day_end:
            raise ValueError(f"day_start ({self.day_start}) must be before day_end ({self.day_end}) on the same day")

        workdays = frozenset(self.workdays)
        if not workdays:
            raise ValueError("workdays must contain at least one weekday")
        if any(isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= 6 for w in workdays):
            raise ValueError(
                f"workdays must be weekday numbers 0 (Monday) .. 6 (Sunday), got {sorted(workdays, key=str)}"
            )
        object.__setattr__(self, "workdays", workdays)

        holidays = frozenset(self.holidays)
        for d in holidays:
            # datetime is a subclass of date but never equals one: catch the mix-up early.
            if isinstance(d, datetime) or not isinstance(d, date):
                raise ValueError(f"holidays must contain datetime.date values, got {d!r}")
        object.__setattr__(self, "holidays", holidays)

    # ------------------------------------------------------------------ days and periods

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working weekday and not a holiday.

        A ``datetime`` is refused (``TypeError``): which calendar day it falls on depends on the zone,
        so pass ``dt.astimezone(calendar.tz).date()``.
        """
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"is_working_day takes a datetime.date, not {type(d).__name__}")
        return d.weekday() in self.workdays and d not in self.holidays

    def _period(self, d: date) -> tuple[datetime, datetime]:
        """The working period of local date ``d`` as a pair of UTC datetimes."""
        start = datetime.combine(d, self.day_start, tzinfo=self.tz)
        end = datetime.combine(d, self.day_end, tzinfo=self.tz)
        return _utc(start), _utc(end)

    def _local_date(self, dt: datetime) -> date:
        return dt.astimezone(self.tz).date()

    def is_working_time(self, dt: datetime) -> bool:
        """True if the instant ``dt`` lies inside a working period ``[day_start, day_end)``."""
        _require_aware(dt, "dt")
        d = self._local_date(dt)
        if not self.is_working_day(d):
            return False
        start, end = self._period(d)
        return start <= _utc(dt) < end

    def next_working_instant(self, dt: datetime) -> datetime:
        """``dt`` itself if it is working time, else the start of the next working period.

        The result is in ``dt``'s zone. This is where every clock starts counting.
        """
        _require_aware(dt, "dt")
        return self.add_working_hours(dt, 0)

    # ------------------------------------------------------------------ arithmetic

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant at which ``hours`` working hours counted from ``start`` run out.

        Counting begins at ``start`` if it is working time, otherwise at the start of the next
        working period (so ``hours=0`` returns that normalised start). The result is the *earliest*
        instant at which the count is reached: a count that runs out exactly at ``day_end`` gives
        ``day_end`` of that day, not ``day_start`` of the next working day.

        ``hours`` must be finite and >= 0; it is resolved to the microsecond. The result is aware
        and in ``start``'s zone. Whole working days are consumed one step each, so a count of
        1000 hours takes a couple of hundred iterations, not minutes-many.

        Example (default calendar, Asia/Jakarta 08:00-16:00 Mon-Fri): Friday 15:00 + 6 h =
        Monday 13:00; Tuesday 20:00 + 2 h = Wednesday 10:00.
        """
        _require_aware(start, "start")
        if isinstance(hours, bool) or not isinstance(hours, (int, float)):
            raise ValueError(f"hours must be a number, not {hours!r}")
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number >= 0, got {hours!r}")

        remaining = timedelta(microseconds=round(hours * 3_600_000_000))
        cursor = _utc(start)
        d = self._local_date(start)
        while True:
            if self.is_working_day(d):
                period_start, period_end = self._period(d)
                begin = max(cursor, period_start)
                if begin < period_end:
                    available = period_end - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(start.tzinfo)
                    remaining -= available
            d += _ONE_DAY

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The deadline that gives ``days`` full working days after ``start``.

        Precisely: *day 1* is the first working day whose ``day_start`` (in ``tz``) is at or after
        ``start``; the deadline is ``day_end`` of the ``days``-th working day counted from day 1
        (day 1 included), returned aware in ``start``'s zone. Hence, on the default calendar:

        * a report during working hours (Mon 10:00) or after them (Mon 17:00): day 1 is the next
          working day (Tue), so 1 working day -> Tue 16:00, 3 working days -> Thu 16:00;
        * a report on a non-working day (Sat, or a holiday): day 1 is the next working day
          (Mon), so 1 working day -> Mon 16:00;
        * a report before the office opens (Mon 07:00, or exactly 08:00): day 1 is that same day,
          since the whole of it is still ahead -> Mon 16:00.

        Weekends and holidays are never counted. ``days`` must be an int >= 1.
        """
        _require_aware(start, "start")
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValueError(f"days must be an int, not {days!r}")
        if days < 1:
            raise ValueError(f"days must be >= 1, got {days}")

        cursor = _utc(start)
        d = self._local_date(start)
        counted = 0
        while True:
            if self.is_working_day(d):
                period_start, period_end = self._period(d)
                if period_start >= cursor:
                    counted += 1
                    if counted == days:
                        return period_end.astimezone(start.tzinfo)
            d += _ONE_DAY

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working seconds in the half-open interval ``[a, b)``; ``0.0`` if ``b <= a``.

        Inverse of :meth:`add_working_hours`: for any aware ``a`` and ``h >= 0``,
        ``working_seconds_between(a, add_working_hours(a, h)) == h * 3600`` (to the microsecond).
        Use it for "how much of the 6 working hours has been used" and for SLA statistics.
        """
        _require_aware(a, "a")
        _require_aware(b, "b")
        a_utc, b_utc = _utc(a), _utc(b)
        if b_utc <= a_utc:
            return 0.0
        total = _ZERO
        d = self._local_date(a)
        last = self._local_date(b)
        while d <= last:
            if self.is_working_day(d):
                period_start, period_end = self._period(d)
                lo = max(a_utc, period_start)
                hi = min(b_utc, period_end)
                if hi > lo:
                    total += hi - lo
            d += _ONE_DAY
        return total.total_seconds()


def indonesian_holidays(years: Iterable[int], *, cuti_bersama: bool = False) -> dict[date, str]:
    """Indonesia's national public holidays for ``years``, from the ``holidays`` package.

    Names are in Bahasa Indonesia (the package's ``"id"`` language) when it supports it, else in
    its default language. With ``cuti_bersama=True`` the government's collective-leave days
    (*cuti bersama*, the package's ``"government"`` category, where it has them) are included too.

    The result is a plain ``{date: name}`` dict sorted by date, meant to seed a city's editable
    holiday list; ``WorkingCalendar(holidays=indonesian_holidays([2026]))`` works directly. Lunar
    holidays of far-future years are the package's estimates, and the package has cuti bersama only
    for years the government has decreed them: check and edit the list each year.
    """
    import holidays as holidays_pkg  # third-party, pure data; imported lazily to keep import cheap

    years = sorted({int(y) for y in years})
    if not years:
        return {}
    kwargs: dict = {"years": years}
    probe = holidays_pkg.country_holidays("ID")
    if "id" in getattr(probe, "supported_languages", ()):
        kwargs["language"] = "id"
    if cuti_bersama:
        supported = set(getattr(probe, "supported_categories", ()))
        wanted = tuple(c for c in ("public", "government") if c in supported)
        if wanted:
            kwargs["categories"] = wanted
    calendar = holidays_pkg.country_holidays("ID", **kwargs)
    return {d: calendar[d] for d in sorted(calendar)}
