"""The console's exports (``sigap.officers.views.export_view``): the queue page's "Unduh CSV" / "Unduh XLSX"
links keep its filters, the files hold the same rows as the API's, at most EXPORT_FILE_ROWS per file, the queue
page links the next file, and only the roles that open the queue may export."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from sigap.organization.models import StaffRole
from sigap.privacy.models import AccessEvent
from sigap.reports import services
from sigap.reports.tests.factories import submit

from .helpers import EN, PB_UNIT, XLSX, console, xlsx_rows
from .test_exports import file

pytestmark = pytest.mark.django_db
R = StaffRole.Role
CSV_URL = "/petugas/unduh/laporan.csv"
XLSX_URL = "/petugas/unduh/laporan.xlsx"


def links(page: str) -> dict[str, dict]:
    """The download links of the queue page: path → its query."""
    out = {}
    for href in re.findall(r'href="(/petugas/unduh/laporan\.(?:csv|xlsx)[^"]*)"', page):
        parts = urlsplit(html.unescape(href))
        out[parts.path] = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return out


def numbers_in(response) -> list[str]:
    if response["Content-Type"] == XLSX:
        return [row[0] for row in xlsx_rows(response.content)[1:]]
    return [row[0] for row in list(csv.reader(io.StringIO(response.content.decode())))[1:]]


@pytest.fixture
def pb(staff):
    return staff("petugas.pb", PB_UNIT)


def test_the_queue_page_links_both_files_with_its_filters(pb):
    submit()  # (the kelurahan filter offers the kelurahan of open reports)
    page = console(pb).get("/petugas/").content.decode()
    assert "Unduh CSV" in page and "Unduh XLSX" in page
    assert links(page) == {CSV_URL: {}, XLSX_URL: {}}
    query = {"status": "all", "category": "saluran-tersumbat", "kelurahan": "31.75.07.1002", "overdue": "0"}
    page = console(pb).get("/petugas/", {**query, "sort": "new", "page": "1"}).content.decode()
    assert links(page) == {CSV_URL: query, XLSX_URL: query}  # the filters; a file follows the queue's order
    english = console(pb).get("/petugas/", **EN).content.decode()
    assert "Download CSV" in english and "Download XLSX" in english


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_a_console_file_holds_the_filtered_queue_and_is_logged(pb, url):
    drain = submit().report
    road = submit("jalan-rusak").report
    services.report_reject(report_id=road.pk, actor=pb, reason="bukan masalah publik")
    c = console(pb)
    assert numbers_in(c.get(url)) == [drain.number]
    response = c.get(url, {"status": "all", "category": "jalan-rusak", "overdue": "0"})
    assert response.status_code == 200 and numbers_in(response) == [road.number]
    fmt = url.rsplit(".", 1)[1]
    assert re.fullmatch(rf'attachment; filename="sigap-\d{{8}}\.{fmt}"', response["Content-Disposition"])
    event = AccessEvent.objects.filter(action="export").latest("pk")
    assert event.detail["reports"] == [road.number] and event.detail["format"] == fmt
    assert event.detail["view"] == "console"
    assert event.detail["filters"] == {"status": "all", "category": "jalan-rusak", "overdue": False}


def test_the_api_and_the_console_write_the_same_rows(pb):
    submit(description="=1+1 got mampet di depan gang, air meluap ke jalan.")
    submit("jalan-rusak")
    c = console(pb)
    assert c.get(CSV_URL).content == c.get("/api/v1/officer/export/reports.csv").content
    assert xlsx_rows(c.get(XLSX_URL).content) == xlsx_rows(c.get("/api/v1/officer/export/reports.xlsx").content)


def test_a_long_queue_is_exported_file_by_file_and_the_queue_page_links_the_next_file(pb, monkeypatch):
    from sigap.officers import views

    monkeypatch.setattr(views, "EXPORT_FILE_ROWS", 3)
    file(7)
    c = console(pb)
    order = [r["id"] for r in c.get("/api/v1/officer/reports", {"page_size": 100}).json()["results"]]
    seen, page_url, files = [], "/petugas/?overdue=0&sort=new", 0
    while True:
        page = c.get(page_url).content.decode()
        assert "Satu berkas memuat paling banyak 3 laporan" in page
        link = links(page)
        assert link[CSV_URL].pop("overdue") == "0" and set(link[CSV_URL]) <= {"cursor"}
        response = c.get(CSV_URL, {"overdue": "0", **link[CSV_URL]})
        assert numbers_in(c.get(XLSX_URL, {"overdue": "0", **link[CSV_URL]})) == numbers_in(response)
        seen += numbers_in(response)
        files += 1
        next_link = re.search(r'rel="next" href="([^"]*)"', page)
        if files > 1:
            assert "Berkas pertama" in page
        if next_link is None:
            assert "Link" not in response
            break
        assert response["X-Next-Cursor"] and response["Link"].endswith('; rel="next"')
        page_url = html.unescape(next_link.group(1))
        if files == 1:  # from the first file the link asks where the second starts, only when it is followed
            assert page_url.startswith("/petugas/unduh/berikutnya/?")
            followed = c.get(page_url)
            assert followed.status_code == 302
            page_url = followed["Location"]
        assert re.fullmatch(r"/petugas/\?[^ ]*ekspor=[^ ]+", page_url)
        assert "sort=new" in page_url  # the page keeps its own sort; the files keep the queue's order
    assert files == 3 and seen == order and len(set(seen)) == 7
    assert [len(e.detail["reports"]) for e in AccessEvent.objects.filter(action="export")] == [3, 3, 3, 3, 1, 1]


def test_the_queue_page_does_not_read_past_its_own_page_to_link_the_next_file(pb, monkeypatch):
    """A queue longer than one file (every kota's "all" view) used to read EXPORT_FILE_ROWS + 1 rows on each
    view of the page to place the "next file" link; the link now finds that position only when followed."""
    from sigap.officers import views

    monkeypatch.setattr(views, "EXPORT_FILE_ROWS", 3)
    file(7)
    c = console(pb)
    read = []
    real = views.selectors.cursor_of
    monkeypatch.setattr(views.selectors, "cursor_of", lambda *a, **k: read.append(1) or real(*a, **k))
    page = c.get("/petugas/", {"overdue": "0"}).content.decode()
    assert "Satu berkas memuat paling banyak 3 laporan" in page and not read
    assert 'rel="next" href="/petugas/unduh/berikutnya/?overdue=0"' in page
    followed = c.get("/petugas/unduh/berikutnya/", {"overdue": "0"})
    assert followed.status_code == 302 and read == [1] and "ekspor=" in followed["Location"]


def test_the_next_file_link_of_a_queue_that_shrank_to_one_file_returns_to_the_queue(pb, monkeypatch):
    from sigap.officers import views

    monkeypatch.setattr(views, "EXPORT_FILE_ROWS", 3)
    file(2)
    followed = console(pb).get("/petugas/unduh/berikutnya/", {"overdue": "0", "sort": "new"})
    assert followed.status_code == 302 and followed["Location"] == "/petugas/?overdue=0&sort=new"


def test_a_short_queue_says_nothing_about_files(pb):
    submit()
    page = console(pb).get("/petugas/").content.decode()
    assert "Satu berkas memuat" not in page and "ekspor=" not in page


def test_a_broken_cursor_is_refused_and_a_broken_file_position_starts_from_the_first_file(pb):
    submit()
    c = console(pb)
    refused = c.get(CSV_URL, {"cursor": "not-a-cursor"})
    assert refused.status_code == 422 and "Kursor halaman tidak valid" in refused.content.decode()
    page = c.get("/petugas/", {"ekspor": "not-a-cursor"})
    assert page.status_code == 200 and links(page.content.decode()) == {CSV_URL: {}, XLSX_URL: {}}


@pytest.mark.parametrize(
    "role,unit",
    [(R.OPERATOR, "biro-pemerintahan"), (R.AUDITOR, "inspektorat"), (R.PRIVACY_OFFICER, "biro-pemerintahan")],
)
def test_a_role_that_does_not_open_the_queue_may_not_export(staff, role, unit, settings):
    settings.SIGAP_OTP_ROLES = []
    submit()
    c = console(staff("tanpa.antrean", unit, role))
    for url in (CSV_URL, XLSX_URL):
        assert c.get(url).status_code == 403
    assert not AccessEvent.objects.filter(action="export").exists()


def test_without_a_login_the_console_export_sends_to_the_login_page(client):
    response = client.get(CSV_URL, {"status": "all"})
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/?next=")


# a time no database holds in UTC (found by a fuzzing review: 500 on the file and on the queue page)
OUT_OF_RANGE = "OTk5OS0xMi0zMVQyMzo1OTo1OS0yMzo1OX4x"  # "9999-12-31T23:59:59-23:59~1"


def test_a_cursor_out_of_any_database_s_range_is_refused_like_a_broken_one(pb):
    submit()
    c = console(pb)
    for url in (CSV_URL, XLSX_URL):
        refused = c.get(url, {"cursor": OUT_OF_RANGE})
        assert refused.status_code == 422 and "Kursor halaman tidak valid" in refused.content.decode()
    page = c.get("/petugas/", {"ekspor": OUT_OF_RANGE})
    assert page.status_code == 200 and links(page.content.decode()) == {CSV_URL: {}, XLSX_URL: {}}
