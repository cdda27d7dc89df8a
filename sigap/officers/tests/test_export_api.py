"""Officer exports (``sigap.officers.export_api``): the same redacted view as the pages, CSV and XLSX, one keyset
page per file with a link to the next, and every page access-logged with the reports it contains."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from sigap.privacy.models import AccessEvent
from sigap.reports.tests.factories import submit

from .helpers import PB_UNIT, XLSX, console, xlsx_rows
from .test_exports import file

pytestmark = pytest.mark.django_db
CSV_URL = "/api/v1/officer/export/reports.csv"
XLSX_URL = "/api/v1/officer/export/reports.xlsx"
LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


def csv_lines(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exports_are_recorded_with_the_reports_they_contain(client, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    report = submit().report
    client.force_login(officer)
    response = client.get(CSV_URL)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("nomor,kategori") and report.number in lines[1]
    assert "Link" not in response and "X-Next-Cursor" not in response  # one page holds everything
    event = AccessEvent.objects.get(action="export")
    assert event.detail["reports"] == [report.number] and event.actor_username == "petugas.pb"
    assert event.detail["format"] == "csv"


def test_the_xlsx_export_holds_the_same_rows_as_the_csv(staff):
    c = console(staff("petugas.pb", PB_UNIT))
    report = submit().report
    response = c.get(XLSX_URL)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert re.fullmatch(r'attachment; filename="sigap-\d{8}\.xlsx"', response["Content-Disposition"])
    header, row = xlsx_rows(response.content)
    as_csv = csv_lines(c.get(CSV_URL))
    assert list(header) == as_csv[0]
    assert row[0] == report.number and row[1:7] == as_csv[1][1:7] and row[-1] == as_csv[1][-1]
    assert row[7].strftime("%Y-%m-%dT%H:%M") == as_csv[1][7][:16]  # a real date-time, the same local time
    assert [e.detail["format"] for e in AccessEvent.objects.filter(action="export").order_by("pk")] == ["xlsx", "csv"]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_three_pages_by_the_link_header_hold_every_row_once_in_the_queue_order(staff, url):
    c = console(staff("petugas.pb", PB_UNIT))
    file(7)
    order = [r["id"] for r in c.get("/api/v1/officer/reports", {"page_size": 100}).json()["results"]]
    seen, pages, next_url = [], [], f"{url}?limit=3&status=open&category=saluran-tersumbat&overdue=false"
    while next_url:
        response = c.get(next_url)
        assert response.status_code == 200
        rows = csv_lines(response) if url == CSV_URL else xlsx_rows(response.content)
        assert rows[0][0] == "nomor"
        seen += [r[0] for r in rows[1:]]
        pages.append(response)
        link = response.get("Link")
        if link is None:
            assert "X-Next-Cursor" not in response
            break
        next_url = LINK.match(link).group("url")
        query = parse_qs(urlsplit(next_url).query)
        assert query["cursor"] == [response["X-Next-Cursor"]]  # the same filters, and the cursor
        assert {k: v for k, v in query.items() if k != "cursor"} == {
            "limit": ["3"],
            "status": ["open"],
            "category": ["saluran-tersumbat"],
            "overdue": ["false"],
        }
        assert next_url.startswith("http://testserver" + url)
    assert len(pages) == 3 and seen == order and len(set(seen)) == 7
    events = list(AccessEvent.objects.filter(action="export").order_by("pk"))
    assert [e.detail["reports"] for e in events] == [order[:3], order[3:6], order[6:]]  # one row per page


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize("limit", [0, 10_001])
def test_a_limit_outside_one_to_ten_thousand_is_a_422_saying_so(staff, url, limit):
    response = console(staff("petugas.pb", PB_UNIT)).get(url, {"limit": limit})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "limit" and "10.000" in body["message"]
    assert not AccessEvent.objects.filter(action="export").exists()


def test_the_maximum_limit_is_accepted(staff):
    assert console(staff("petugas.pb", PB_UNIT)).get(CSV_URL, {"limit": 10_000}).status_code == 200


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_a_bad_cursor_is_a_422_like_the_queue(staff, url):
    response = console(staff("petugas.pb", PB_UNIT)).get(url, {"cursor": "not-a-cursor"})
    assert response.status_code == 422 and response.json()["field"] == "cursor"


def test_formula_injection_is_neutralised_in_both_formats(staff):
    c = console(staff("petugas.pb", PB_UNIT))
    submit(description='=HYPERLINK("http://contoh.invalid","klik") got mampet di depan gang.')
    submit(description="-2+3 got mampet di depan gang, air meluap.")
    texts = sorted(row[-1] for row in csv_lines(c.get(CSV_URL))[1:])
    assert texts == sorted(
        [
            '\'=HYPERLINK("http://contoh.invalid","klik") got mampet di depan gang.',
            "'-2+3 got mampet di depan gang, air meluap.",
        ]
    )
    assert sorted(row[-1] for row in xlsx_rows(c.get(XLSX_URL).content)[1:]) == texts


def test_without_a_login_the_export_is_refused(client):
    submit()
    assert client.get(CSV_URL).status_code == 401 and client.get(XLSX_URL).status_code == 401
