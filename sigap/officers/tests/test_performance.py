"""Unit performance in the console (#12): the unit table a pimpinan oversees (a walikota's kota league table, the
whole city for the Biro and validators), its CSV/XLSX export (access-logged), one unit's weekly trend, and the
public page with the same figures per kota and kelurahan — on the fixture where one kelurahan games its closures."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.test import Client

from sigap.analytics.tests.gaming import GAMER, HONEST, N, build
from sigap.organization.models import StaffRole
from sigap.privacy.models import AccessEvent

from .helpers import EN, XLSX, console, text, xlsx_rows

pytestmark = pytest.mark.django_db
R = StaffRole.Role
GAMER_UNIT, HONEST_UNIT = f"kel:{GAMER}", f"kel:{HONEST}"


@pytest.fixture
def city(staff):
    cache.clear()
    return build(staff)


def cell(page: str, row_attr: str, col: str) -> str:
    row = re.search(rf"<tr{' ' + row_attr if row_attr else ''}>(.*?)</tr>", page, re.S).group(1)
    found = re.search(rf'data-col="{col}"[^>]*>(.*?)</td>', row, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found)).strip()


def test_the_validator_sees_every_unit_and_the_gaming_shows(city, staff):
    c = console(staff("validator.kota", "biro-pemerintahan", R.VALIDATOR))
    page = text(c.get("/petugas/kinerja/", {"hari": 30}))
    gamer, honest = f'data-unit="{GAMER_UNIT}"', f'data-unit="{HONEST_UNIT}"'
    assert cell(page, gamer, "quick") == f"100% ({N})" and cell(page, honest, "quick") == f"0% ({N})"
    assert cell(page, gamer, "flagged") == f"100% ({N})" and cell(page, honest, "flagged") == f"0% ({N})"
    assert cell(page, gamer, "reopened") == f"83% ({N})" and cell(page, gamer, "confirmed") == "0% (5)"
    assert cell(page, honest, "confirmed") == "100% (5)" and cell(page, honest, "rating") == "4,4 (5)"
    assert "terlalu sedikit laporan (1)" in cell(page, gamer, "rating")  # one rating is no figure
    assert cell(page, gamer, "done") == str(N) and cell(page, gamer, "received") == str(N)
    assert f'href="/petugas/kinerja/unit/{GAMER_UNIT}/?hari=30"' in page
    # sorting by "quick": the honest unit first
    by_quick = text(c.get("/petugas/kinerja/", {"hari": 30, "urut": "quick"}))
    assert by_quick.index(honest) < by_quick.index(gamer)
    # one kota: Jakarta Timur holds the gamer only
    assert len(re.findall(r'<option value="(kota:[\d.]+)"', page)) == 6  # the city's: every kota
    timur = text(c.get("/petugas/kinerja/", {"hari": 30, "kota": "kota:31.75"}))
    assert gamer in timur and honest not in timur


def test_a_walikota_sees_the_league_table_of_their_kota_only(city, staff):
    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    page = text(c.get("/petugas/kinerja/", {"hari": 30}))
    assert f'data-unit="{GAMER_UNIT}"' in page and f'data-unit="{HONEST_UNIT}"' not in page
    assert c.get(f"/petugas/kinerja/unit/{GAMER_UNIT}/").status_code == 200
    assert c.get(f"/petugas/kinerja/unit/{HONEST_UNIT}/").status_code == 403  # Gambir is not theirs
    assert c.get("/petugas/kinerja/unit/kel:0.0/").status_code == 404
    elsewhere = text(c.get("/petugas/kinerja/", {"hari": 30, "kota": "kota:31.71"}))
    assert f'data-unit="{HONEST_UNIT}"' not in elsewhere  # choosing another kota shows nothing of it
    # only their kota is offered: every kota was, and another's read "no data in this period" (a CRM team's walk)
    assert re.findall(r'<option value="(kota:[\d.]+)"', page) == ["kota:31.75"]


def test_the_unit_page_shows_the_period_and_twelve_weeks(city, staff):
    c = console(staff("walikota.jt", "kota:31.75", R.SUPERVISOR))
    page = text(c.get(f"/petugas/kinerja/unit/{GAMER_UNIT}/", {"hari": 30}))
    record = re.search(r'<table id="unit-record".*?<tbody>(.*?)</table>', page, re.S).group(1)
    assert cell(record, "", "quick") == f"100% ({N})"
    trend = re.search(r'<table id="unit-trend".*?</table>', page, re.S).group(0)
    weeks = re.findall(r'<tr data-week="[\d-]+">', trend)
    assert len(weeks) == 12
    done = [int(re.sub(r"<[^>]+>", "", d).strip()) for d in re.findall(r'data-col="done"[^>]*>(.*?)</td>', trend)]
    assert sum(done) == N
    assert page.count('<rect class="bar"') == 24  # two charts of twelve weeks
    english = text(c.get(f"/petugas/kinerja/unit/{GAMER_UNIT}/", **EN))
    assert "Per week" in english and "Confirmed by residents" in english


def test_the_exports_hold_the_table_with_counts_and_are_logged(city, staff):
    user = staff("validator.kota", "biro-pemerintahan", R.VALIDATOR)
    c = console(user)
    before = AccessEvent.objects.count()
    response = c.get("/petugas/kinerja/unduh.csv", {"hari": 30, "kota": "kota:31.75"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Kode unit", "Unit", "Diterima", "Selesai"]
    gamer = next(r for r in body if r[0] == GAMER_UNIT)
    line = dict(zip(header, gamer, strict=True))
    assert line["Selesai dalam hitungan menit"] == "1.0" and line["Selesai dalam hitungan menit: jumlah"] == str(N)
    assert line["Nilai warga"] == "" and line["Nilai warga: jumlah"] == "1"  # hidden below the minimum
    assert all(r[0] != HONEST_UNIT for r in body)
    event = AccessEvent.objects.order_by("seq")[before]
    assert event.action == "export" and event.detail["view"] == "performance"
    assert event.detail["filters"] == {"days": 30, "kota": "kota:31.75", "sort": "received"}
    book = c.get("/petugas/kinerja/unduh.xlsx", {"hari": 30})
    assert book["Content-Type"] == XLSX
    sheet = xlsx_rows(book.content)
    assert sheet[0][:2] == ["Kode unit", "Unit"] and {r[0] for r in sheet[1:]} >= {GAMER_UNIT, HONEST_UNIT}
    assert AccessEvent.objects.count() == before + 2


def test_officers_have_no_performance_pages(city, staff):
    c = console(staff("petugas.pb2", GAMER_UNIT, R.OFFICER))
    for url in ("/petugas/kinerja/", "/petugas/kinerja/unduh.csv", f"/petugas/kinerja/unit/{GAMER_UNIT}/"):
        assert c.get(url).status_code == 403, url


def test_the_public_page_shows_the_same_figures_per_kota_and_kelurahan(city):
    public = Client()
    page = text(public.get("/statistik/kinerja/", {"hari": 90, "kota": "31.75"}))
    kel = re.search(r'<table id="performance-kelurahan".*?</table>', page, re.S).group(0)
    gamer = f'data-area="{GAMER}"'
    assert cell(kel, gamer, "quick") == f"100% ({N})" and cell(kel, gamer, "reopened") == f"83% ({N})"
    assert HONEST not in kel
    kota = re.search(r'<table id="performance-kota".*?</table>', page, re.S).group(0)
    assert cell(kota, 'data-area="31.75"', "done") == str(N) and cell(kota, 'data-area="31.71"', "done") == str(N)
    assert cell(kota, 'data-area="31.71"', "confirmed") == "100% (5)"
    assert "petugas" not in page.lower() or "/petugas/" not in page  # no console link, no person
    assert "/statistik/kinerja/" in text(public.get("/statistik/"))


def test_the_public_page_reads_whole_past_days_and_an_unknown_kota_is_no_kota(city, settings):
    from sigap.analytics import performance
    from sigap.reports.summaries import local_day

    since, until = performance.period_bounds(90, complete=True)
    assert local_day(until) < local_day(performance.period_bounds(1)[1]) and (until - since).days == 89
    public = Client()
    page = text(public.get("/statistik/kinerja/", {"kota": "x" * 20}))
    assert 'id="performance-kota"' in page and 'id="performance-kelurahan"' not in page
    assert not [k for k in cache._cache if b"x" * 20 in (k if isinstance(k, bytes) else str(k).encode())]


def test_the_public_page_s_rows_are_written_in_each_visitor_s_language(city):
    """The rows are cached written out, once per language: an English visitor after an Indonesian one reads
    English durations and the Indonesian one after them Indonesian, with the same figures."""
    public = Client()
    pages = {}
    for lang in ("id", "en", "id"):
        page = text(public.get("/statistik/kinerja/", {"hari": 90, "kota": "31.75"}, HTTP_ACCEPT_LANGUAGE=lang))
        kel = re.search(r'<table id="performance-kelurahan".*?</table>', page, re.S).group(0)
        pages.setdefault(lang, []).append(kel)
    assert pages["id"][0] == pages["id"][1]
    assert re.search(r"\d jam|\d hari", pages["id"][0]) and not re.search(r"\d hours|\d days", pages["id"][0])
    assert re.search(r"\d hours|\d days", pages["en"][0]) and not re.search(r"\d jam|\d hari", pages["en"][0])
    gamer = f'data-area="{GAMER}"'
    assert cell(pages["en"][0], gamer, "quick") == cell(pages["id"][0], gamer, "quick") == f"100% ({N})"
