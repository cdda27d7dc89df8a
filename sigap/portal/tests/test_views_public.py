"""What anyone may see: Publik reports only, at coarsened locations, and counts per kota and kelurahan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point, submit

from .conftest import GAMBIR, PB

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "Got mampet di belakang rumah, ini laporan privat sekali."
ANON_TEXT = "Saluran tersumbat sampah, pelapor anonim menulis ini."
PUBLIC_TEXT = "Saluran depan pasar tersumbat plastik dan lumpur tebal."


@pytest.fixture
def three(jpeg):
    return {
        "private": submit(description=PRIVATE_TEXT, photos=[("a.jpg", jpeg())]).report,
        "anonymous": submit(description=ANON_TEXT, privacy="anonymous", reporter=None).report,
        "public": submit(description=PUBLIC_TEXT, privacy="public", photos=[("b.jpg", jpeg())]).report,
    }


def on_grid(value: float) -> bool:
    return abs(value / 0.002 - round(value / 0.002)) < 1e-6


def test_the_public_list_shows_only_public_reports(client, three):
    Report.objects.filter(pk=three["public"].pk).update(address="Jl. Pahlawan Revolusi gang 3")
    html = client.get("/publik/").content.decode()
    assert PUBLIC_TEXT in html and three["public"].number in html
    for kind in ("private", "anonymous"):
        assert three[kind].number not in html
    assert PRIVATE_TEXT not in html and ANON_TEXT not in html
    assert "Pondok Bambu" in html and "Jakarta Timur" in html and "status-red" in html
    assert "Jl. Pahlawan" not in html  # no address text on public pages


def test_the_public_list_filters_by_every_kota_of_the_service_area(client):
    from sigap.organization.models import Wilayah

    kota = Wilayah.objects.filter(level=Wilayah.Level.KOTA, code__startswith="31.").order_by("name")
    assert kota.count() >= 5
    page = client.get("/publik/?kota=31.75")
    listed = [(w.code, w.short) for w in page.context["kota_list"]]
    assert [code for code, _short in listed] == [w.code for w in kota]
    assert ("31.75", "Jakarta Timur") in listed
    assert '<option value="31.75" selected>Jakarta Timur</option>' in page.content.decode()


def test_public_detail_and_photos_exist_only_for_public_reports(client, three):
    public = three["public"]
    page = client.get(f"/publik/{public.number}/")
    assert page.status_code == 200 and PUBLIC_TEXT in page.content.decode()
    photo = public.photos.get()
    image = client.get(f"/publik/{public.number}/foto/{photo.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    private = three["private"]
    assert client.get(f"/publik/{private.number}/").status_code == 404
    assert client.get(f"/publik/{private.number}/foto/{private.photos.get().pk}/").status_code == 404
    assert client.get(f"/publik/{public.number}/foto/{private.photos.get().pk}/").status_code == 404


def test_the_map_json_has_only_public_reports_at_coarsened_points(client, three):
    exact_lat, exact_lon = -6.23717, 106.89853  # inside Pondok Bambu, off the 0.002° grid
    pinned = submit(privacy="public").report
    Report.objects.filter(pk=pinned.pk).update(lat=exact_lat, lon=exact_lon)
    data = client.get("/publik/peta.json").json()
    numbers = {f["properties"]["number"] for f in data["features"]}
    assert numbers == {three["public"].number, pinned.number}
    detail = client.get(f"/publik/{pinned.number}/").content.decode()
    assert 'data-point="[-6.238, 106.898]"' in detail and "6.23717" not in detail and "106.89853" not in detail
    feature = next(f for f in data["features"] if f["properties"]["number"] == pinned.number)
    lon, lat = feature["geometry"]["coordinates"]
    assert on_grid(lat) and on_grid(lon)
    assert (lat, lon) == (-6.238, 106.898)
    assert abs(lat - exact_lat) <= 0.001 and abs(lon - exact_lon) <= 0.001
    assert set(feature["properties"]) == {"number", "category", "status", "colour", "kelurahan", "date", "url"}
    assert feature["properties"]["kelurahan"] == "Pondok Bambu" and feature["properties"]["colour"] == "red"


def test_each_map_feature_is_what_the_public_detail_shows(client):
    """The map reads plain columns rather than reports: every feature must still be the point, names and link
    that the rule (``exposure``, through ``public_point``) gives the report itself, in either language, with or
    without coordinates."""
    from sigap.portal.selectors import public_point

    pinned = submit(privacy="public").report
    unplaced = submit(privacy="public", kelurahan=GAMBIR, category="sampah").report
    Report.objects.filter(pk=unplaced.pk).update(lat=None, lon=None)
    for language, name in (("id", "name"), ("en", "name_en")):
        data = client.get("/publik/peta.json", HTTP_ACCEPT_LANGUAGE=language).json()
        by_number = {f["properties"]["number"]: f for f in data["features"]}
        assert set(by_number) == {pinned.number, unplaced.number}
        for report in Report.objects.filter(pk__in=[pinned.pk, unplaced.pk]).select_related("category", "kelurahan"):
            feature = by_number[report.number]
            lat, lon = public_point(report)
            assert feature["geometry"]["coordinates"] == [lon, lat]
            assert feature["properties"]["url"] == f"/publik/{report.number}/"
            assert feature["properties"]["category"] == getattr(report.category, name)
            assert feature["properties"]["kelurahan"] == report.kelurahan.name
    # a report filed at 23:30 UTC is the next day in Jakarta: the map's date is the city's local day
    from datetime import UTC, datetime

    Report.objects.filter(pk=pinned.pk).update(created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    dates = {
        f["properties"]["number"]: f["properties"]["date"] for f in client.get("/publik/peta.json").json()["features"]
    }
    assert dates[pinned.number] == "2026-03-02"
    unplaced.refresh_from_db()
    kel = unplaced.kelurahan  # no coordinates: the kelurahan's inner point, to 3 decimals
    assert by_number[unplaced.number]["geometry"]["coordinates"] == [round(kel.inner_lon, 3), round(kel.inner_lat, 3)]
    assert unplaced.category.name != unplaced.category.name_en


def test_a_sensitive_report_never_shows_even_if_marked_public(client):
    created = submit(category="ketenagakerjaan", description="Gaji tidak dibayar tiga bulan oleh pabrik.")
    Report.objects.filter(pk=created.report.pk).update(privacy="public")  # cannot happen through intake
    assert created.report.number not in client.get("/publik/").content.decode()
    assert client.get("/publik/peta.json").json()["features"] == []
    assert client.get(f"/publik/{created.report.number}/").status_code == 404


def test_the_public_list_filters_and_paginates(client):
    for _ in range(22):
        submit(privacy="public")
    submit(privacy="public", kelurahan=GAMBIR, category="sampah", description="Sampah tidak diangkut tiga hari di TPS.")
    first = client.get("/publik/")
    assert first.context["page"].paginator.count == 23 and len(first.context["items"]) == 20
    assert "Halaman 1 dari 2" in first.content.decode()
    assert len(client.get("/publik/?page=2").context["items"]) == 3
    assert client.get("/publik/?kota=31.71").context["page"].paginator.count == 1
    assert client.get("/publik/?category=sampah").context["page"].paginator.count == 1
    assert client.get("/publik/?kategori=sampah").context["page"].paginator.count == 1  # links from before the rename
    assert client.get("/publik/?state=done").context["page"].paginator.count == 0
    assert len(client.get("/publik/peta.json?kota=31.71").json()["features"]) == 1


def test_statistics_count_every_report_per_kota_and_kelurahan(client, finish, settings):
    settings.SIGAP_STATS_MIN_COUNT = 1  # the median of one report, for its arithmetic
    submit()
    submit(privacy="anonymous", reporter=None)
    finish(submit(privacy="public").report)
    submit(kelurahan=GAMBIR, category="sampah", description="Sampah tidak diangkut tiga hari di TPS.")
    response = client.get("/statistik/")
    kota = {row.name: row for row in response.context["kota_rows"]}
    assert len(kota) == 6
    jt = kota["Jakarta Timur"]
    assert (jt.received, jt.open, jt.done) == (3, 2, 1) and jt.median_days is not None
    assert (kota["Jakarta Pusat"].received, kota["Jakarta Pusat"].done) == (1, 0)
    assert response.context["kel_rows"] == []  # a kota is chosen first, as on the performance page
    assert "Pilih kota untuk melihat kelurahannya." in response.content.decode()
    only_jt = client.get("/statistik/?kota=31.75")
    kel = {row.code: row for row in only_jt.context["kel_rows"]}
    assert set(kel) == {PB} and kel[PB].received == 3
    assert "Per kelurahan di Jakarta Timur" in only_jt.content.decode()
    assert response.context["total"].received == 4
    only_jp = client.get("/statistik/?kota=31.71").context["kel_rows"]
    assert [row.code for row in only_jp] == [GAMBIR]
    for odd in ("99.99", "%25", "31.75.%25", "<b>"):  # not a kota: the page asks for one, as with none
        page = client.get(f"/statistik/?kota={odd}")
        assert page.context["kel_rows"] == [] and page.context["kota"] == ""
        assert "Pilih kota untuk melihat kelurahannya." in page.content.decode()
    html = response.content.decode()
    lat, lon = inner_point(PB)
    assert str(lat)[:7] not in html and str(lon)[:7] not in html  # counts only, no coordinates


def test_statistics_add_up_with_a_column_for_reports_closed_without_selesai(client, finish, officers):
    """30 received, 26 open and 3 done used to leave the rest unexplained: no column for them."""
    from sigap.reports import services

    submit()
    finish(submit(privacy="public").report)
    rejected = submit().report
    services.report_reject(report_id=rejected.pk, actor=officers["pb"], reason="bukan masalah publik")
    response = client.get("/statistik/")
    jt = {row.name: row for row in response.context["kota_rows"]}["Jakarta Timur"]
    assert (jt.received, jt.open, jt.done, jt.closed_other) == (3, 1, 1, 1)
    html = response.content.decode()
    assert "Ditutup lainnya" in html and "Diterima = belum selesai + selesai + ditutup lainnya." in html
    total = response.context["total"]
    assert total.received == total.open + total.done + total.closed_other


def test_statistics_do_not_move_as_reports_arrive_during_the_day(client):
    """/statistik/ counted every report live, whatever its privacy: someone refreshing a kelurahan's row learnt within
    the minute when a Privat report or a labour complaint (which the public never sees) was filed there, and an
    employer who knew who had stepped out at that minute could guess by whom. The figures are now taken once a
    local day and shown with the time they were taken."""
    submit()
    first = client.get("/statistik/?kota=31.75")

    def figures(response) -> tuple:
        return response.context["total"].received, [(r.code, r.received, r.open) for r in response.context["kel_rows"]]

    assert figures(first) == (1, [(PB, 1, 1)])
    submit(privacy="anonymous", reporter=None)
    submit("ketenagakerjaan", description="Gaji karyawan pabrik tidak dibayar dua bulan.")
    again = client.get("/statistik/?kota=31.75")
    assert figures(again) == figures(first)
    assert [(r.code, r.received) for r in again.context["kota_rows"] if r.code == "31.75"] == [("31.75", 1)]
    taken = timezone.localtime(again.context["taken_at"])
    html = again.content.decode()
    assert f"Angka per {taken:%-d}" in html and "sekali sehari" in html
    english = client.get("/statistik/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Figures as of {taken:%-d}" in english and "updated once a day" in english
    # the next day's first visitor (or the midnight job) takes the day's figures again
    from sigap.portal.models import StatisticsSnapshot

    StatisticsSnapshot.objects.update(day=timezone.localdate() - timedelta(days=1))
    tomorrow = client.get("/statistik/?kota=31.75")
    assert figures(tomorrow) == (3, [(PB, 3, 3)])
    assert StatisticsSnapshot.objects.count() == 1  # yesterday's row is not kept
