"""The queue's exports (``sigap.officers.exports``): one row builder for CSV and XLSX, formula injection
neutralised, one keyset page per file, every page access-logged."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sigap.core.errors import DomainError
from sigap.intake.services import Reporter, Submission, report_submit_many
from sigap.officers import exports
from sigap.privacy.models import AccessEvent
from sigap.reports import selectors
from sigap.reports.tests.factories import inner_point, submit

from .helpers import PB_UNIT, xlsx_rows

pytestmark = pytest.mark.django_db
DRAIN = "Got mampet di depan gang, air meluap ke jalan saat hujan."


def file(n: int) -> list:
    lat, lon = inner_point("31.75.07.1002")
    subs = [
        Submission(
            category="saluran-tersumbat",
            description=f"{DRAIN} Nomor {i}.",
            lat=lat,
            lon=lon,
            channel="web",
            privacy="private",
            reporter=Reporter(name="Budi Santoso", phone="081234567890"),
        )
        for i in range(n)
    ]
    return [r.report for r in report_submit_many(subs)]


@pytest.mark.parametrize(
    "text,shown",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+62 812", "'+62 812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tisi", "'\tisi"),
        ("\risi", "'\risi"),
        ("\x01=1+1", "'=1+1"),  # a control character dropped first cannot uncover a formula
        ("Got mampet = banjir", "Got mampet = banjir"),
        ("", ""),
    ],
)
def test_a_cell_that_a_spreadsheet_would_evaluate_starts_with_a_quote(text, shown):
    assert exports.neutralise(text) == shown


def test_one_row_builder_gives_both_formats_the_same_columns_and_local_times(staff):
    report = submit(description='=HYPERLINK("http://contoh.invalid","klik") got mampet di depan gang\x07.').report
    report.refresh_from_db()
    [row] = list(exports.rows([report]))
    # names as the console shows them, not codes (found by a CRM team's walk: "pohon-tumbang", "whatsapp", "private")
    assert row[0] == report.number and row[1] == "Saluran Air Tersumbat" and row[2] == "Menunggu"
    assert row[5] == "Aplikasi / web" and row[6] == "Privat/Rahasia"
    assert row[-1].startswith("'=HYPERLINK(") and "\x07" not in row[-1]
    created = timezone.localtime(report.created_at)
    assert row[7] == created and str(row[7].tzinfo) == "Asia/Jakarta"

    content = exports.csv_content([report])
    assert content.startswith(b"\xef\xbb\xbf")  # a spreadsheet opened by double-click reads it as UTF-8
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[0] == exports.COLUMNS and lines[1][0] == report.number
    assert lines[1][7] == created.isoformat(timespec="minutes") and lines[1][7].endswith("+07:00")
    assert lines[1][-1].startswith("'=HYPERLINK(")

    header, values = xlsx_rows(exports.xlsx_content([report]))
    assert list(header) == exports.COLUMNS and values[0] == report.number
    assert isinstance(values[7], datetime) and values[7].tzinfo is None
    assert abs(values[7] - created.replace(tzinfo=None)) < timedelta(seconds=1)  # Jakarta time, as a date-time
    assert isinstance(values[8], datetime) and abs(
        values[8] - timezone.localtime(report.due_at).replace(tzinfo=None)
    ) < timedelta(seconds=1)
    assert values[-1] == lines[1][-1]  # the same text, neutralised, in both formats


def test_a_workbook_header_is_bold_and_dates_have_a_date_format():
    from openpyxl import load_workbook

    report = submit().report
    sheet = load_workbook(io.BytesIO(exports.xlsx_content([report]))).worksheets[0]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["H2"].is_date and sheet["H2"].number_format == exports.DATE_FORMAT


def test_workbooks_are_written_through_lxml_and_keep_a_reporters_markup_as_text():
    """openpyxl writes through lxml when it is installed (a pinned dependency: exports about 15 % faster);
    whatever writes the XML, text that looks like markup or carries control characters stays text."""
    import openpyxl
    from openpyxl import load_workbook

    assert openpyxl.LXML
    content = exports.xlsx_table("t", ["a"], [["<b>&amp; x</b>"], ["baris\x0bdua"]])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A2"].value == "<b>&amp; x</b>" and sheet["A3"].value.startswith("baris")


def test_pages_follow_the_queue_through_the_keyset_each_row_once_each_page_logged(staff):
    officer = staff("petugas.pb", PB_UNIT)
    file(7)
    order = [r.number for r in selectors.report_queue(user=officer)]
    seen, cursor, pages = [], None, 0
    while True:
        page = exports.page_read(user=officer, fmt="csv", limit=3, cursor=cursor, overdue=False)
        pages += 1
        seen += [r.number for r in page.reports]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3 and seen == order and len(set(seen)) == 7
    events = list(AccessEvent.objects.filter(action="export").order_by("pk"))
    assert [e.detail["reports"] for e in events] == [order[:3], order[3:6], order[6:]]
    assert all(e.detail["format"] == "csv" for e in events)
    assert events[0].detail["filters"] == {"overdue": False}
    assert events[1].detail["filters"]["overdue"] is False and events[1].detail["filters"]["cursor"]


def test_a_page_exactly_as_long_as_the_queue_names_no_next_page(staff):
    officer = staff("petugas.pb", PB_UNIT)
    file(3)
    assert exports.page_read(user=officer, fmt="xlsx", limit=3).next_cursor is None
    assert exports.page_read(user=officer, fmt="xlsx", limit=2).next_cursor is not None


@pytest.mark.parametrize("limit", [0, -1, exports.MAX_LIMIT + 1])
def test_a_limit_outside_one_to_the_maximum_is_refused(staff, limit):
    officer = staff("petugas.pb", PB_UNIT)
    with pytest.raises(DomainError) as caught:
        exports.page_read(user=officer, fmt="csv", limit=limit)
    assert caught.value.status == 422 and caught.value.field == "limit" and "10,000" in caught.value.message_en
    assert not AccessEvent.objects.filter(action="export").exists()


def test_a_bad_cursor_is_refused_and_nothing_is_logged(staff):
    officer = staff("petugas.pb", PB_UNIT)
    with pytest.raises(DomainError) as caught:
        exports.page_read(user=officer, fmt="csv", cursor="not-a-cursor")
    assert caught.value.status == 422 and caught.value.field == "cursor"
    assert not AccessEvent.objects.filter(action="export").exists()
