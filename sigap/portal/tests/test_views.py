"""Every portal page and partial (``sigap.portal.views``) renders, in Bahasa Indonesia (the default) and in English,
with a label for every input and CSRF on every form. The rules of each page are tested per page:
test_views_report.py (/lapor/), test_views_track.py (/lacak/), test_views_public.py (/publik/, /statistik/)."""

from __future__ import annotations

import re

import pytest

from sigap.reports.tests.factories import submit

from .conftest import PB, htmx

pytestmark = pytest.mark.django_db

PAGES = {
    # path: (a phrase in Indonesian, the same in English)
    "/": ("Lapor masalah di kota Anda", "Report a problem in your city"),
    "/lapor/": ("Jelaskan lokasi dan kronologi", "Describe the place and what happened"),
    "/lapor/terkirim/": ("Kode sudah ditampilkan", "The codes were already shown"),
    "/lacak/": ("Masukkan kode lacak", "Enter the tracking code"),
    "/publik/": ("Laporan yang pelapornya memilih Publik", "Reports whose reporters chose Public"),
    "/statistik/": ("Median hari sampai selesai", "Median days to done"),
}


def labelled(html: str) -> None:
    """Every visible form control has a <label for=...> (or is hidden/submit)."""
    ids = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'type="(hidden|submit|button)"', tag):
            continue
        control_id = re.search(r'\bid="([^"]+)"', tag)
        assert control_id and control_id.group(1) in ids, f"control without a label: {tag}"


def csrf_everywhere(html: str) -> None:
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        if re.search(r'method="get"', form):
            continue
        assert "csrfmiddlewaretoken" in form, form[:200]


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_renders_in_both_languages_with_labels_and_csrf(client, path, lang):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    phrase_id, phrase_en = PAGES[path]
    assert (phrase_en if lang == "en" else phrase_id) in html
    assert (phrase_id if lang == "en" else phrase_en) not in html
    assert f'<html lang="{lang}">' in html
    labelled(html)
    csrf_everywhere(html)
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline styles or scripts


def test_report_form_offers_photo_first_with_camera_and_privacy_private_preselected(client):
    html = client.get("/lapor/").content.decode()
    photo = re.search(r'<input type="file"[^>]*>', html).group(0)
    assert 'accept="image/*"' in photo and 'capture="environment"' in photo and "multiple" in photo
    assert html.index('id="id_photos"') < html.index('id="id_category"') < html.index('id="id_description"')
    assert re.search(r'id="privacy-private"[^>]*checked', html)
    assert not re.search(r'id="privacy-(public|anonymous)"[^>]*checked', html)
    # the category list is grouped and marks the sensitive categories for the script
    assert '<optgroup label="Air dan saluran">' in html
    assert re.search(r'value="ketenagakerjaan" data-sensitive="1"', html)
    assert re.search(r'value="saluran-tersumbat" data-sensitive="0"', html)
    # without JavaScript the kelurahan list is complete (all 267, grouped by kecamatan)
    assert html.count("data-lat=") >= 267


def test_category_names_follow_the_language(client):
    assert "Saluran Air Tersumbat" in client.get("/lapor/").content.decode()
    english = client.get("/lapor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Clogged drain" in english and '<optgroup label="Water and drains">' in english


def test_the_region_partial_narrows_kota_to_kecamatan_to_kelurahan(client):
    html = client.get("/lapor/wilayah/", {"kota": "31.75"}).content.decode()
    assert ">Duren Sawit<" in html and ">Gambir<" not in html
    html = client.get("/lapor/wilayah/", {"kota": "31.75", "kecamatan": "31.75.07"}).content.decode()
    kelurahan = re.search(r'<select id="id_kelurahan".*?</select>', html, flags=re.S).group(0)
    assert ">Pondok Bambu<" in kelurahan and kelurahan.count("<option") == 8  # 7 + the prompt
    html = client.get("/lapor/wilayah/", {"kelurahan": PB}).content.decode()
    assert re.search(r'value="31.75" selected', html) and re.search(r'value="31.75.07" selected', html)
    assert re.search(rf'value="{PB}" data-lat="-6\.\d+" data-lon="106\.\d+" selected', html)


@pytest.mark.parametrize("lang,label", [("id", "Titik di peta berada di"), ("en", "The point on the map is in")])
def test_a_pin_is_located_to_its_kelurahan(client, lang, label):
    html = client.post(
        "/lapor/wilayah/", {"lat": "-6.2351", "lon": "106.9009"}, HTTP_ACCEPT_LANGUAGE=lang, **htmx()
    ).content.decode()
    assert f"{label}: Pondok Bambu, Duren Sawit, Jakarta Timur" in html
    assert 'data-located="1"' in html and f'data-kelurahan="{PB}"' in html


@pytest.mark.parametrize("lang,text", [("id", "di luar wilayah layanan"), ("en", "outside the service area")])
def test_a_pin_outside_the_city_says_so(client, lang, text):
    html = client.post("/lapor/wilayah/", {"lat": "-7.8", "lon": "110.36"}, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert text in html and 'data-error="1"' in html


def test_boundaries_are_served_for_the_map(client):
    feature = client.get(f"/wilayah/{PB}/batas.json").json()
    assert feature["properties"] == {"code": PB, "name": "Pondok Bambu"}
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    outlines = client.get("/wilayah/kota.json").json()
    assert len(outlines["features"]) == 6
    assert client.get("/wilayah/99.99/batas.json").status_code == 404


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_journey_and_public_detail_render_in_both_languages(client, lang):
    created = submit(privacy="public")
    client.post("/lacak/", {"code": created.tracking_code})
    journey = client.get(f"/lacak/laporan/{created.report.number}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert ("Report journey" if lang == "en" else "Perjalanan laporan") in journey
    assert ("Waiting" if lang == "en" else "Menunggu") in journey
    labelled(journey)
    csrf_everywhere(journey)
    detail = client.get(f"/publik/{created.report.number}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert ("The location on the map is approximate" if lang == "en" else "Lokasi pada peta adalah perkiraan") in detail


def test_the_home_page_leads_with_category_tiles_that_open_the_form_with_the_category_chosen(client):
    """The home page was text only: no category icons, and the form always started from an empty list."""
    html = client.get("/").content.decode()
    tiles = re.findall(r'<a class="tile" href="/lapor/\?kategori=([a-z-]+)">\s*<svg[^>]*aria-hidden="true"', html)
    assert tiles[:3] == ["jalan-rusak", "saluran-tersumbat", "sampah"] and len(tiles) >= 6
    assert "ketenagakerjaan" not in tiles  # sensitive categories are not shown off on the front page
    form = client.get("/lapor/?kategori=sampah").content.decode()
    assert re.search(r'<option value="sampah"[^>]*selected', form)
    unknown = client.get("/lapor/?kategori=tidak-ada").content.decode()
    assert " selected>" not in unknown.split('id="id_category"')[1].split("</select>")[0]
