"""Unit performance that cannot be gamed: per unit (or group of units) and period, the figures a supervisor, the
pimpinan and the public judge a unit by, each with the count behind it and hidden below a minimum count.

Read from the summaries the write path keeps (``sigap.reports.summaries``), never from the reports' history:

* ``UnitDay`` (counts by local day): received, Selesai, TL Ditolak, validations of a flagged proof, reopened by
  the resident, confirmed by the resident, ratings, bounces;
* ``UnitStay`` (one row per stay of a report at a unit, for the stays that ended in the period): time per hop,
  share overdue, Selesai within minutes of taking the report into work;
* ``DoneTime`` (one row per Selesai in the period): time from filing to Selesai.

Definitions (a unit, a period):

* **received**: arrivals (filed there, or a koordinasi / disposisi / reroute to it);
* **selesai**: Selesai validations while the unit handled the report;
* **time per hop** (median, p90): from a report's arrival at the unit to the end of that stay (passed on,
  Selesai or closed), over the stays that ended in the period;
* **to Selesai** (median, p90): from filing to Selesai, over the period's Selesai;
* **overdue**: share of those stays during which a deadline then in force passed (taken into work after the hop
  deadline, or the work finished after the report's due date);
* **reopened**: share of the period's Selesai the resident said were not fixed;
* **TL Ditolak**: share of the validator's decisions on the unit's follow-ups that rejected them;
* **flagged proof**: share of those decisions on a follow-up whose proof photos carried a flag
  (``sigap.reports.proofcheck``);
* **quick**: share of the period's Selesai whose work, from Proses to the request for validation, took less than
  ``SIGAP_STATS_QUICK_MINUTES`` (a drain is not cleaned in five minutes);
* **bounces**: hops from the unit back to a unit that had held the report (koordinasi back and forth);
* **confirmed**: share of the residents' answers (confirmed, or reopened as not fixed) that confirmed the fix;
* **rating**: the mean of the residents' ratings (1–5).

A share, median or mean is shown only when its count reaches ``SIGAP_STATS_MIN_COUNT``: one fast fix cannot make
a unit look best, and a small kelurahan's two reports are not a rate. Counts are always shown.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, Sum
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sigap.organization.cache import reference_data
from sigap.organization.models import Unit
from sigap.reports.models import DoneTime, UnitDay, UnitStay
from sigap.reports.summaries import UNITDAY_COLUMNS, local_day

UNITDAY_SUMS = UNITDAY_COLUMNS  # every counter of a unit's day is summed over a period


def min_count() -> int:
    return int(getattr(settings, "SIGAP_STATS_MIN_COUNT", 5))


def quick_seconds() -> float:
    return 60.0 * float(getattr(settings, "SIGAP_STATS_QUICK_MINUTES", 15))


@dataclass(frozen=True)
class Figure:
    """One figure and the count behind it; ``value`` is None when the count is below the minimum."""

    value: float | None
    n: int


def _figure(value: float | None, n: int) -> Figure:
    return Figure(value if n >= min_count() and value is not None else None, n)


def _share(part: int, whole: int) -> Figure:
    return _figure(part / whole if whole else None, whole)


@dataclass
class Counts:
    """What a unit or group did in a period: sums over ``UnitDay``, ``UnitStay`` and ``DoneTime``."""

    created: int = 0  # filed at the unit (its part of ``received``)
    received: int = 0
    done: int = 0
    rejected: int = 0
    flagged: int = 0
    reopened: int = 0
    confirmed: int = 0
    ratings: int = 0
    rating_sum: int = 0
    bounced: int = 0
    from_other_kota: int = 0  # hops in from outside the unit's kota (a kota's ``received``: ``kota_counts``)
    stays: int = 0
    late: int = 0
    open_late: int = 0  # of ``late``: stages still open past their deadline (``overdue_open_stays``)
    done_stays: int = 0
    quick: int = 0
    total_n: int = 0  # Selesai with a time from filing
    hop_seconds: list[float] = field(default_factory=list)
    total_seconds: list[float] = field(default_factory=list)
    hop_pct: tuple[float | None, float | None] | None = None  # computed by the database (PostgreSQL)
    total_pct: tuple[float | None, float | None] | None = None

    def add(self, other: Counts) -> None:
        for name in (*UNITDAY_SUMS, "stays", "late", "open_late", "done_stays", "quick", "total_n"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.hop_seconds += other.hop_seconds
        self.total_seconds += other.total_seconds


def _pct(values: list[float], given: tuple[float | None, float | None] | None) -> tuple[float | None, float | None]:
    if given is not None:
        return given
    if not values:
        return None, None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0], ordered[0]
    deciles = statistics.quantiles(ordered, n=10, method="inclusive")
    return statistics.median(ordered), deciles[8]


@dataclass(frozen=True)
class Record:
    """The figures of one unit (or group of units) for one period."""

    received: int
    done: int
    hop_median: Figure
    hop_p90: Figure
    total_median: Figure
    total_p90: Figure
    overdue: Figure
    reopened: Figure
    rejected: Figure
    flagged: Figure
    quick: Figure
    bounced: int
    confirmed: Figure
    rating: Figure

    @classmethod
    def of(cls, c: Counts) -> Record:
        hop_median, hop_p90 = _pct(c.hop_seconds, c.hop_pct)
        total_median, total_p90 = _pct(c.total_seconds, c.total_pct)
        validations = c.done + c.rejected
        answers = c.confirmed + c.reopened
        return cls(
            received=c.received,
            done=c.done,
            hop_median=_figure(hop_median, c.stays),
            hop_p90=_figure(hop_p90, c.stays),
            total_median=_figure(total_median, c.total_n),
            total_p90=_figure(total_p90, c.total_n),
            overdue=_share(c.late, c.stays),
            reopened=_share(c.reopened, c.done),
            rejected=_share(c.rejected, validations),
            flagged=_share(c.flagged, validations),
            quick=_share(c.quick, c.done_stays),
            bounced=c.bounced,
            confirmed=_share(c.confirmed, answers),
            rating=_figure(c.rating_sum / c.ratings if c.ratings else None, c.ratings),
        )


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy: translated where shown
    kind: str  # "count", "duration", "share" or "rating"
    lower_is_better: bool = False


# the columns of the unit tables (console and public), the exports and the sort keys, in order
COLUMNS: tuple[Column, ...] = (
    Column("received", gettext_lazy("Diterima"), "count"),
    Column("done", gettext_lazy("Selesai"), "count"),
    Column("hop_median", gettext_lazy("Waktu per tahap (median)"), "duration", True),
    Column("hop_p90", gettext_lazy("Waktu per tahap (p90)"), "duration", True),
    Column("total_median", gettext_lazy("Sampai Selesai (median)"), "duration", True),
    Column("total_p90", gettext_lazy("Sampai Selesai (p90)"), "duration", True),
    Column("overdue", gettext_lazy("Terlambat"), "share", True),
    Column("reopened", gettext_lazy("Dibuka kembali oleh warga"), "share", True),
    Column("rejected", gettext_lazy("TL Ditolak"), "share", True),
    Column("flagged", gettext_lazy("Bukti bertanda"), "share", True),
    Column("quick", gettext_lazy("Selesai dalam hitungan menit"), "share", True),
    Column("bounced", gettext_lazy("Bolak-balik"), "count", True),
    Column("confirmed", gettext_lazy("Dikonfirmasi warga"), "share"),
    Column("rating", gettext_lazy("Nilai warga"), "rating"),
)
SORT_KEYS = tuple(c.key for c in COLUMNS)
LOWER_IS_BETTER = {c.key for c in COLUMNS if c.lower_is_better}


@dataclass(frozen=True)
class _Formats:
    """The active language's number separators and the unit tables' phrases, looked up once per language (a
    city's table formats thousands of numbers, and ``number_format`` asks the active language three times for
    each)."""

    decimal: str
    grouping: object
    thousands: str
    hours: str
    days: str
    too_few: str

    def number(self, value, decimal_pos: int, force_grouping: bool = False) -> str:
        """What ``django.utils.formats.number_format`` writes."""
        return numberformat.format(
            value, self.decimal, decimal_pos, self.grouping, self.thousands, force_grouping=force_grouping
        )

    def duration(self, seconds) -> str:
        if seconds is None:
            return "—"
        hours = float(seconds) / 3600
        if hours < 48:
            return self.hours % {"n": self.number(hours, 1)}
        return self.days % {"n": self.number(hours / 24, 1)}


_FORMATS: dict[str | None, _Formats] = {}


def _formats() -> _Formats:
    lang = get_language()
    found = _FORMATS.get(lang)
    if found is None:
        found = _FORMATS[lang] = _Formats(
            get_format("DECIMAL_SEPARATOR", lang),
            get_format("NUMBER_GROUPING", lang),
            get_format("THOUSAND_SEPARATOR", lang),
            _("%(n)s jam"),
            _("%(n)s hari"),
            _("terlalu sedikit laporan (%(n)s)"),
        )
    return found


def format_duration(seconds) -> str:
    """Hours below two days, else days, one decimal in the language's own way."""
    return _formats().duration(seconds)


@dataclass(frozen=True)
class Cell:
    key: str
    text: str  # "—" when hidden
    n: int | None  # the count behind a share, time or mean (None for a count)
    value: float | int | None  # raw, for the exports

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def td(self) -> SafeString:
        """The table cell as HTML. A city's table renders thousands: built from escaped parts with plain string
        formatting, not a template or ``format_html`` per cell."""
        key = escape(self.key)
        if self.n is None:
            return mark_safe(f'<td class="num" data-col="{key}">{escape(self.text)}</td>')
        n = int(self.n)
        if self.hidden:
            why = escape(_formats().too_few % {"n": n})
            return mark_safe(
                f'<td class="num muted" data-col="{key}" data-n="{n}"><span title="{why}">—</span>'
                f'<span class="visually-hidden">{why}</span></td>'
            )
        return mark_safe(
            f'<td class="num" data-col="{key}" data-n="{n}">{escape(self.text)} <small class="count">({n})</small></td>'
        )


class CellRow(list):
    """A row's cells (``Cell``) in ``COLUMNS`` order; ``html``: all of them as one piece of HTML, so a template
    places a row with one lookup instead of fourteen."""

    @property
    def html(self) -> SafeString:
        return mark_safe("".join(c.td for c in self))


def cells(record: Record) -> CellRow:
    """A record's figures in ``COLUMNS`` order, formatted for the page."""
    out = CellRow()
    fmt = _formats()
    for col in COLUMNS:
        figure = getattr(record, col.key)
        if col.kind == "count":
            out.append(Cell(col.key, fmt.number(figure, 0, force_grouping=True), None, figure))
            continue
        value = figure.value
        if value is None:
            text = "—"
        elif col.kind == "duration":
            text = fmt.duration(value)
        elif col.kind == "share":
            text = f"{fmt.number(100 * value, 0)}%"
        else:
            text = fmt.number(value, 1)
        out.append(Cell(col.key, text, figure.n, value))
    return out


class _Percentiles(Aggregate):
    """PostgreSQL's exact median and 90th percentile from one sort (``percentile_cont`` of an array)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(FloatField()), **extra)


def _pair(values) -> tuple[float | None, float | None]:
    return (values[0], values[1]) if values else (None, None)


def _grouped_pct(qs, value: str, key: str = "unit_id") -> dict[int, tuple[tuple, int]] | None:
    """{key: ((median, p90), n)} computed by PostgreSQL; None elsewhere (the caller gathers the values)."""
    if connection.vendor != "postgresql":
        return None
    rows = qs.exclude(**{f"{value}__isnull": True}).order_by().values(key).annotate(n=Count("*"), p=_Percentiles(value))
    return {r[key]: (_pair(r["p"]), r["n"]) for r in rows}


def overdue_open_stays(unit_q: Q, *, until: datetime) -> dict[int, int]:
    """{unit: stages still open that had passed their deadline by ``until``} (not taken into work by the hop
    deadline, or not sent for validation by the due date), arrived before it: late already, whatever happens next.
    Counted with the period's ended stages, so leaving reports untouched does not make a unit look punctual. A
    report waiting for its reporter's answer, or sent to the validator, is not the unit's delay.

    Read from the stays alone, which keep their report's due date and wait in step (``summaries._stays``): the
    open ones through a partial covering index (the open workload, not the history), then those ended after
    ``until`` (none for a period ending now; the public page's ends yesterday), as one statement."""
    # as things stood at ``until``: not ended, taken or sent by then
    not_taken = Q(taken_at__isnull=True) | Q(taken_at__gt=until)
    not_sent = Q(submitted_at__isnull=True) | Q(submitted_at__gt=until)
    # waiting for the reporter's answer excuses a deadline only when the question came before it (the clocks
    # paused then); a question asked after it, today say, does not rewrite a past period
    late_taking = Q(accept_by__lt=until) & not_taken & not_sent & ~Q(paused_at__lte=F("accept_by"))
    late_work = Q(due_by__lt=until) & not_sent & ~Q(paused_at__lte=F("due_by"))
    late = UnitStay.objects.filter(unit_q, late_taking | late_work, arrived_at__lte=until).order_by()
    open_now = late.filter(ended_at__isnull=True).values("unit_id").annotate(n=Count("*"))
    ended_after = late.filter(ended_at__gt=until).values("unit_id").annotate(n=Count("*"))
    out: dict[int, int] = defaultdict(int)
    for row in open_now.union(ended_after, all=True):
        out[row["unit_id"]] += row["n"]
    return dict(out)


def counts_by_unit(
    units: Iterable[int] | None,
    *,
    since: datetime,
    until: datetime,
    hidden: Iterable[int] = (),
    percentiles: bool = True,
    plain_only: bool = False,
) -> dict[int, Counts]:
    """Per unit (``units``; None: every unit) over [since, until]: four statements whatever the history on
    PostgreSQL — the period's ``UnitDay`` rows grouped, the period's stays (counts, median and p90 in one
    pass), the stages still open past their deadline (``overdue_open_stays``) and Selesai aggregated; on SQLite,
    where a city is small, the durations are gathered in Python."""
    unit_q = Q() if units is None else Q(unit_id__anyof=list(units))
    hidden = list(hidden)
    if hidden:
        unit_q &= ~Q(concerned_id__in=hidden)
    if plain_only:  # the public figures leave complaints about officials out altogether
        unit_q &= Q(concerned_id=0)
    out: dict[int, Counts] = defaultdict(Counts)
    days = (
        UnitDay.objects.filter(unit_q, day__gte=local_day(since), day__lte=local_day(until))
        .order_by()
        .values("unit_id")
        .annotate(**{f"s_{c}": Sum(c) for c in UNITDAY_SUMS})
    )
    for row in days:
        c = out[row["unit_id"]]
        for col in UNITDAY_SUMS:
            setattr(c, col, row[f"s_{col}"] or 0)
    stays = UnitStay.objects.filter(unit_q, ended_at__gte=since, ended_at__lte=until)
    quick = Q(ended=UnitStay.End.DONE, work_seconds__lt=quick_seconds())
    pg = connection.vendor == "postgresql"
    # on PostgreSQL the time per hop's median and p90 come from the same pass over the period's stays as their
    # counts (an ordered-set aggregate skips the stays without a duration): one scan instead of two
    hop_pct = {"p": _Percentiles("seconds")} if pg and percentiles else {}
    for row in (
        stays.order_by()
        .values("unit_id")
        .annotate(
            n=Count("*"),
            late=Count("unit_id", filter=Q(late=True)),
            done_n=Count("unit_id", filter=Q(ended=UnitStay.End.DONE, work_seconds__isnull=False)),
            quick=Count("unit_id", filter=quick),
            **hop_pct,
        )
    ):
        c = out[row["unit_id"]]
        c.stays, c.late, c.done_stays, c.quick = row["n"], row["late"], row["done_n"], row["quick"]
        if hop_pct:
            c.hop_pct = _pair(row["p"])
    for unit_id, n in overdue_open_stays(unit_q, until=until).items():
        c = out[unit_id]
        c.stays += n
        c.late += n
        c.open_late = n
    done = DoneTime.objects.filter(unit_q, done_at__gte=since, done_at__lte=until)
    if pg and not percentiles:
        return dict(out)  # the caller computes them for its groups (``kota_counts``)
    total_pct = _grouped_pct(done, "total_seconds")
    if total_pct is None:
        for unit_id, secs in stays.exclude(seconds__isnull=True).values_list("unit_id", "seconds"):
            out[unit_id].hop_seconds.append(secs)
        for unit_id, secs in done.exclude(total_seconds__isnull=True).values_list("unit_id", "total_seconds"):
            out[unit_id].total_seconds.append(secs)
            out[unit_id].total_n += 1
    else:
        for unit_id, (pct, n) in total_pct.items():
            out[unit_id].total_pct, out[unit_id].total_n = pct, n
    return dict(out)


def kota_counts(
    codes: Iterable[str], *, since: datetime, until: datetime, hidden: Iterable[int] = (), plain_only: bool = False
) -> dict:
    """Each kota's units (``units_in_area``) counted as one: {code: Counts}. Counts are summed from one pass over
    all their units; medians and p90 come from the kotas' rows together, by PostgreSQL in one statement per
    measure (a unit → kota table joined in), or from the units' gathered values on SQLite."""
    groups = {code: units_in_area(code) for code in codes}
    union = set().union(*groups.values()) if groups else set()
    per_unit = counts_by_unit(union, since=since, until=until, hidden=hidden, percentiles=False, plain_only=plain_only)
    totals = {key: Counts() for key in groups}
    for key, units in groups.items():
        for unit_id in units:
            if unit_id in per_unit:
                totals[key].add(per_unit[unit_id])
    # a kota receives what is filed at its units and what comes to them from outside it (``UnitDay``, kept by the
    # write path): a report passed between two of its units (kelurahan → Suku Dinas) is received once, not at each
    for c in totals.values():
        c.received = c.created + c.from_other_kota
    if connection.vendor == "postgresql" and union:
        keys = list(groups)
        pairs = [(u, g) for g, key in enumerate(keys) for u in groups[key]]
        for table, value, at, target in (
            (UnitStay, "seconds", "ended_at", "hop_pct"),
            (DoneTime, "total_seconds", "done_at", "total_pct"),
        ):
            for g, n, pct in _percentiles_by_group(table, value, at, pairs, since, until, list(hidden), plain_only):
                setattr(totals[keys[g]], target, _pair(pct))
                if target == "total_pct":
                    totals[keys[g]].total_n = n
    return totals


def _percentiles_by_group(model, value: str, at: str, pairs, since, until, hidden, plain_only) -> list[tuple]:
    """(group, n, [median, p90]) over ``model``'s rows of the period whose unit is in ``pairs`` (unit, group)."""
    qn = connection.ops.quote_name
    values = ", ".join(["(%s, %s)"] * len(pairs))
    concerned = f"AND NOT (t.{qn('concerned_id')} = ANY(%s)) " if hidden else ""
    if plain_only:
        concerned += f"AND t.{qn('concerned_id')} = 0 "
    sql = (
        f"SELECT m.g, COUNT(*), PERCENTILE_CONT(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY t.{qn(value)}) "
        f"FROM {qn(model._meta.db_table)} t JOIN (VALUES {values}) AS m(unit_id, g) ON m.unit_id = t.{qn('unit_id')} "
        f"WHERE t.{qn(at)} >= %s AND t.{qn(at)} <= %s AND t.{qn(value)} IS NOT NULL {concerned}GROUP BY m.g"
    )
    params = [v for pair in pairs for v in pair] + [since, until] + ([hidden] if hidden else [])
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    record: Record


def unit_table(
    units: Iterable[int] | None,
    *,
    since: datetime,
    until: datetime,
    hidden: Iterable[int] = (),
    sort: str = "received",
    plain_only: bool = False,
) -> list[UnitRow]:
    """The units with anything in the period, their records, sorted by ``sort`` (a share or time ascending when
    lower is better; hidden figures last)."""
    if units is None:
        # every unit of the city, named: PostgreSQL then reads each unit's period from the unit-first covering
        # indexes, already grouped (a third of the time-first read and its sort of the city's whole period); a
        # row of a unit no longer in the tree would not be listed anyway
        units = list(reference_data().unit_by_pk)
    counts = counts_by_unit(units, since=since, until=until, hidden=hidden, plain_only=plain_only)
    names = {
        u.pk: u for u in Unit.objects.filter(pk__in=list(counts)).select_related("wilayah").defer("wilayah__geometry")
    }
    rows = [UnitRow(names[u], Record.of(c)) for u, c in counts.items() if u in names]
    return sort_rows(rows, sort)


def sort_rows(rows: list, sort: str) -> list:
    sort = sort if sort in SORT_KEYS else "received"

    def key(row):
        value = getattr(row.record, sort)
        if isinstance(value, Figure):
            if value.value is None:
                return (1, 0.0, row.unit.name)
            value = value.value
        return (0, value if sort in LOWER_IS_BETTER else -value, row.unit.name)

    return sorted(rows, key=key)


# --- the trend of one unit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: date
    record: Record


def unit_trend(
    unit_id: int,
    *,
    weeks: int = 12,
    today: date | None = None,
    hidden: Iterable[int] = (),
    open_late: int | None = None,
) -> list[Week]:
    """The unit's record week by week (Monday to Sunday, local days) over the last ``weeks`` weeks, this week
    included: three statements over one unit's rows of those weeks, and a fourth for its stages open past their
    deadline now unless the caller has counted them (``open_late``: ``Counts.open_late`` of a period ending now)."""
    today = today or local_day(timezone.now())
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    tz = timezone.get_default_timezone()
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()), tz)
    until = timezone.now()
    unit_q = Q(unit_id=unit_id) & (~Q(concerned_id__in=list(hidden)) if hidden else Q())
    buckets = [Counts() for _ in range(weeks)]

    def week_of(day: date) -> int | None:
        i = (day - first).days // 7
        return i if 0 <= i < weeks else None

    for row in UnitDay.objects.filter(unit_q, day__gte=first, day__lte=today).values("day", *UNITDAY_SUMS):
        i = week_of(row["day"])
        if i is not None:
            for col in UNITDAY_SUMS:
                setattr(buckets[i], col, getattr(buckets[i], col) + row[col])
    stays = UnitStay.objects.filter(unit_q, ended_at__gte=since, ended_at__lte=until)
    for ended_at, secs, late, ended, work in stays.values_list("ended_at", "seconds", "late", "ended", "work_seconds"):
        i = week_of(local_day(ended_at))
        if i is None:
            continue
        b = buckets[i]
        b.stays += 1
        b.late += 1 if late else 0
        if secs is not None:
            b.hop_seconds.append(secs)
        if ended == UnitStay.End.DONE and work is not None:
            b.done_stays += 1
            b.quick += 1 if work < quick_seconds() else 0
    late_now = sum(overdue_open_stays(unit_q, until=until).values()) if open_late is None else open_late
    buckets[-1].stays += late_now  # this week's: a stage still open past its deadline
    buckets[-1].late += late_now
    done = DoneTime.objects.filter(unit_q, done_at__gte=since, done_at__lte=until)
    for done_at, secs in done.values_list("done_at", "total_seconds"):
        i = week_of(local_day(done_at))
        if i is not None and secs is not None:
            buckets[i].total_seconds.append(secs)
            buckets[i].total_n += 1
    return [Week(first + timedelta(weeks=i), Record.of(b)) for i, b in enumerate(buckets)]


def units_in_area(code: str, kinds: Iterable[str] | None = None) -> set[int]:
    """The units working inside a region (its code and every code below it): a kota's kelurahan, kecamatan,
    its own office and its Suku Dinas. Read from the cached reference data (``sigap.organization.cache``): no query."""
    ref = reference_data()
    wanted = None if kinds is None else set(kinds)
    below = code + "."
    return {
        pk
        for pk, region in ref.unit_region.items()
        if (region == code or region.startswith(below)) and (wanted is None or ref.unit_by_pk[pk].kind in wanted)
    }


def period_bounds(days: int, now: datetime | None = None, *, complete: bool = False) -> tuple[datetime, datetime]:
    """The last ``days`` local days, today included: from the start of the first to ``now``. ``complete``: the
    last ``days`` whole days before today (the public figures: two views minutes apart must not differ by one
    resident's answer)."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    today = local_day(now)
    if complete:
        start = timezone.make_aware(datetime.combine(today, datetime.min.time()), tz)
        first = today - timedelta(days=days)
        return timezone.make_aware(datetime.combine(first, datetime.min.time()), tz), start - timedelta(microseconds=1)
    first = today - timedelta(days=days - 1)
    return timezone.make_aware(datetime.combine(first, datetime.min.time()), tz), now
