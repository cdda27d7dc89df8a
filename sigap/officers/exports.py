"""Exports of the officer's queue, CSV and XLSX: one page per file, read through the queue's keyset.

The API (``export_api``) and the console (``views.export_view``) both read a page with ``page_read`` and
write it with ``file_response``; the rows come from one builder (``rows``), so both formats hold the same
columns: the redacted, de-identified view the pages show (officer code cannot reach the vault). A page is
``limit`` rows after ``cursor`` in the queue's order, from one index range and never an offset, so the first
page costs the same whatever the unit's history; when more rows follow, the response names the next page
(``Link: <...>; rel="next"`` and ``X-Next-Cursor``). Every page is written to the access log.

A resident's description is untrusted text, and so is everything else in a cell: a cell whose text begins
with a character a spreadsheet would read as the start of a formula gets a ``'`` in front (both formats).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import timezone, translation

from sigap.core.errors import DomainError
from sigap.privacy.access_log import Action, access_record
from sigap.reports import selectors
from sigap.reports.models import Channel, Privacy, Report
from sigap.reports.states import label_id

COLUMNS = ["nomor", "kategori", "status", "unit", "kelurahan", "kanal", "privasi", "dibuat", "batas_selesai", "uraian"]
DEFAULT_LIMIT = 1_000
MAX_LIMIT = 10_000
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# control characters XML (so XLSX) cannot hold; never meaningful in a report's text (tab, LF and CR are kept)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it and never evaluates: control characters dropped, and a ``'`` in front
    when it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return."""
    text = CONTROL.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def limit_check(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise DomainError(
            f"limit harus antara 1 dan {MAX_LIMIT:,} baris per berkas; ambil sisanya per halaman dengan cursor "
            "(header Link atau X-Next-Cursor).".replace(",", "."),
            f"limit must be between 1 and {MAX_LIMIT:,} rows per file; fetch the rest page by page with the "
            "cursor (the Link or X-Next-Cursor header).",
            code="invalid_input",
            status=422,
            field="limit",
        )
    return limit


# The columns ``rows`` writes and the cursor reads: a full report with its category, unit and kelurahan per row
# was a third of an export page's time.
EXPORT_COLUMNS = (*selectors.QUEUE_COLUMNS, "channel", "privacy")


@dataclass(frozen=True)
class Page:
    reports: list[Report]
    next_cursor: str | None  # None: this is the last page


def page_read(
    *,
    user,
    fmt: str,
    status: str | None = None,
    category: str | None = None,
    kelurahan: str | None = None,
    overdue: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    scope: selectors.Scope | None = None,
    **detail,
) -> Page:
    """One page of the caller's queue with these filters: the ``limit`` rows after ``cursor`` in the queue's
    order (422 for a limit outside 1..MAX_LIMIT, a bad cursor or an unknown status), and whether more follow.
    Written to the access log (``export``: the page's report numbers, the filters, the format, ``detail``)."""
    limit_check(limit)
    filters = {"status": status, "category": category, "kelurahan": kelurahan, "overdue": overdue}
    qs = selectors.report_queue(user=user, now=timezone.now(), scope=scope, cursor=cursor, **filters)
    reports = list(qs.only(*EXPORT_COLUMNS)[: limit + 1])
    more, reports = len(reports) > limit, reports[:limit]
    access_record(
        actor=user,
        action=Action.EXPORT,
        reports=[r.number for r in reports],
        filters={k: v for k, v in {**filters, "cursor": cursor}.items() if v is not None},
        format=fmt,
        **detail,
    )
    return Page(reports, selectors.cursor_of(reports[-1], qs) if more else None)


def rows(reports: Iterable[Report]) -> Iterator[list]:
    """The cells of each report in ``COLUMNS`` order, for either format: text (neutralised), and the creation
    and due times as local (Asia/Jakarta) times; None for no due date."""
    # names as the console shows them, in the language of record like the status (the codes were "pohon-tumbang",
    # "whatsapp", "private": found by a CRM team's walk)
    with translation.override("id"):
        channels = {code: str(label) for code, label in Channel.choices}
        privacies = {code: str(label) for code, label in Privacy.choices}
    for r in reports:
        yield [
            *(
                neutralise(text)
                for text in (
                    r.number,
                    r.category.name,
                    label_id(r.status),
                    r.unit.name if r.unit else "",
                    r.kelurahan.name if r.kelurahan else "",
                    channels.get(r.channel, r.channel),
                    privacies.get(r.privacy, r.privacy),
                )
            ),
            timezone.localtime(r.created_at),
            timezone.localtime(r.due_at) if r.due_at else None,
            neutralise(r.description),
        ]


def csv_table(header: Iterable, body: Iterable[list]) -> bytes:
    """A header line and one line per row (every text neutralised); times as ``2026-12-03T09:30+07:00``."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in body:
        writer.writerow(
            [
                ""
                if v is None
                else v.isoformat(timespec="minutes")
                if isinstance(v, datetime)
                else neutralise(v)
                if isinstance(v, str)
                else v
                for v in row
            ]
        )
    # with a byte-order mark: a spreadsheet opened by double-click reads the file as UTF-8, not the system's code page
    return buf.getvalue().encode("utf-8-sig")


def xlsx_table(sheet_name: str, header: Iterable, body: Iterable[list]) -> bytes:
    """One sheet, streamed row by row (openpyxl's write-only workbook): a bold header row, then the rows; times
    are real date-times in local time without a time zone (spreadsheets have none)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    bold = Font(bold=True)

    def cell(value, **style):
        c = WriteOnlyCell(sheet, value=value)
        for name, v in style.items():
            setattr(c, name, v)
        return c

    sheet.append([cell(neutralise(str(name)), font=bold) for name in header])
    for row in body:
        sheet.append(
            [
                cell(v.replace(tzinfo=None), number_format=DATE_FORMAT)
                if isinstance(v, datetime)
                else neutralise(v)
                if isinstance(v, str)
                else v
                for v in row
            ]
        )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def csv_content(reports: Iterable[Report]) -> bytes:
    return csv_table(COLUMNS, rows(reports))


def xlsx_content(reports: Iterable[Report]) -> bytes:
    return xlsx_table("Laporan", COLUMNS, rows(reports))


def file_response(request, page: Page, fmt: str, params: dict) -> HttpResponse:
    """The page as a download (``sigap-YYYYMMDD.csv`` / ``.xlsx``). When more rows follow: ``X-Next-Cursor`` and
    ``Link: <this URL with params and cursor=...>; rel="next"`` (``params``: the request's filters, as query
    values)."""
    content = csv_content(page.reports) if fmt == "csv" else xlsx_content(page.reports)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="sigap-{timezone.localdate():%Y%m%d}.{fmt}"'
    if page.next_cursor:
        query = urlencode({**{k: v for k, v in params.items() if v not in (None, "")}, "cursor": page.next_cursor})
        response["Link"] = f'<{request.build_absolute_uri(f"{request.path}?{query}")}>; rel="next"'
        response["X-Next-Cursor"] = page.next_cursor
    return response
