"""The channel operator's page: a report entered for a resident (counter, call center, press), the contact
into the vault, the number and tracking code read out once; nothing of the contact anywhere else."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from sigap.organization.models import StaffRole, Wilayah
from sigap.privacy import vault
from sigap.privacy.models import IdentityRecord
from sigap.reports.models import Report, StatusChange

pytestmark = pytest.mark.django_db
URL = "/petugas/operator/"
HTMX = {"HTTP_HX_REQUEST": "true"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NAME, PHONE, EMAIL = "Sumarni Wirohadi", "0857-1122-3344", "sumarni.w@example.org"


@pytest.fixture
def operator(staff):
    c = Client()
    c.force_login(staff("operator.loket", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    return c


def form(**overrides) -> dict:
    data = {
        "channel": "counter",
        "category": "saluran-tersumbat",
        "kelurahan": "31.75.07.1002",
        "description": "Got di depan pasar mampet, air meluap ke jalan setiap hujan.",
        "address": "Jl. Pahlawan Revolusi",
        "privacy": "private",
        "reporter_name": NAME,
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
    }
    data.update(overrides)
    return data


def test_operator_page_offers_the_three_channels_and_the_location_selects(operator):
    page = operator.get(URL).content.decode()
    for value in ("counter", "call_center", "press"):
        assert f'value="{value}"' in page
    assert 'value="whatsapp"' not in page
    assert 'id="id_kota"' in page and 'id="id_kecamatan"' in page and 'id="id_kelurahan"' in page
    assert 'value="31.75.07.1002"' in page and 'hx-get="/petugas/operator/lokasi/"' in page
    assert 'name="csrfmiddlewaretoken"' in page and "Nama warga" in page
    english = operator.get(URL, **EN).content.decode()
    assert "Enter a report on behalf of a resident" in english and "Resident&#x27;s name" in english
    assert "Service counter" in english


def test_filing_a_counter_report_puts_the_contact_in_the_vault_and_shows_the_tracking_code_once(operator, client):
    response = operator.post(URL, form())
    assert response.status_code == 302 and response["Location"] == URL
    report = Report.objects.get()
    assert report.channel == "counter" and report.unit.code == "kel:31.75.07.1002"
    assert report.reporter_ref and IdentityRecord.objects.filter(ref=report.reporter_ref).exists()
    identity = vault.identity_for_reveal(report.reporter_ref)
    assert (identity["name"], identity["phone"], identity["email"]) == (NAME, PHONE, EMAIL)
    first = StatusChange.objects.get(report=report)
    assert first.actor_kind == "operator" and first.actor.username == "operator.loket"
    page = operator.get(URL).content.decode()
    assert report.number in page and 'id="result-tracking"' in page
    code = page.split('id="result-tracking">')[1].split("<")[0]
    assert client.get(f"/api/v1/track/{code}").json()["id"] == report.number
    for marker in ("Sumarni", "Wirohadi", "1122-3344", "sumarni.w"):
        assert marker not in page
        assert marker not in report.description + report.address
    again = operator.get(URL).content.decode()
    assert code not in again and report.number not in again  # shown once


def test_the_officer_sees_the_operator_report_without_the_contact(operator, staff):
    operator.post(URL, form(description=f"Got mampet. Saya {NAME}, telepon {PHONE}, email {EMAIL}."))
    report = Report.objects.get()
    officer = Client()
    officer.force_login(staff("petugas.pb", "kel:31.75.07.1002"))
    page = officer.get(f"/petugas/laporan/{report.number}/").content.decode()
    assert report.number in page and "[nomor telepon disembunyikan]" in page
    queue = officer.get("/petugas/").content.decode()
    for marker in ("Sumarni", "Wirohadi", "1122-3344", "sumarni.w"):
        assert marker not in page and marker not in queue


def test_the_location_can_be_coordinates_instead_of_a_kelurahan(operator):
    kel = Wilayah.objects.get(code="31.71.01.1001")
    operator.post(URL, form(kelurahan="", lat=str(kel.inner_lat), lon=str(kel.inner_lon), channel="call_center"))
    report = Report.objects.get()
    assert report.kelurahan.code == "31.71.01.1001" and report.channel == "call_center"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"kelurahan": "", "address": ""}, "Pilih kelurahan, atau isi koordinat lintang dan bujur."),
        ({"kelurahan": "", "address": "dekat pasar"}, "Pilih kelurahan, atau isi koordinat lintang dan bujur."),
        # the street runs through several kelurahan: the operator is told which, never a guess
        ({"kelurahan": "", "address": "Jl. Pahlawan Revolusi"}, "Alamat cocok dengan beberapa kelurahan: "),
        ({"kelurahan": "", "address": "Kec. Matraman"}, "Alamat hanya menyebut kecamatan Matraman."),
        ({"lat": "-6.2"}, "Isi lintang dan bujur keduanya"),
        ({"description": "pendek"}, "Uraian terlalu pendek"),
        ({"category": "ketenagakerjaan", "privacy": "public"}, "tidak dapat dibuat publik"),
        ({"channel": "whatsapp"}, '<a href="#id_channel_0">Diterima lewat</a>'),
        ({"reporter_email": "bukan-email"}, "email"),
    ],
)
def test_refusals_are_shown_on_the_form_and_nothing_is_filed(operator, overrides, message):
    response = operator.post(URL, form(**overrides))
    assert response.status_code == 422 and message in response.content.decode()
    assert Report.objects.count() == 0 and IdentityRecord.objects.count() == 0


def test_without_kelurahan_or_coordinates_the_address_places_the_report_when_it_supports_one_kelurahan(operator):
    response = operator.post(URL, form(kelurahan="", address="depan stasiun manggarai", channel="call_center"))
    assert response.status_code == 302
    assert Report.objects.get().kelurahan.name == "Manggarai"  # the rule every channel uses (place_decide)
    refused = operator.post(URL, form(kelurahan="", address="jl pahlawan revolusi"))
    page = refused.content.decode()
    assert refused.status_code == 422 and "Pondok Bambu (Duren Sawit)" in page and Report.objects.count() == 1


def test_the_address_suggests_the_kelurahan_as_the_operator_types(operator, staff):
    suggest = "/petugas/operator/lokasi/alamat/"
    sure = operator.post(suggest, {"address": "depan stasiun manggarai"}, **HTMX).content.decode()
    assert "Alamat ini menunjuk ke:" in sure and "Manggarai (Tebet)" in sure
    code = Wilayah.objects.get(name="Manggarai", level=Wilayah.Level.KELURAHAN).code
    # choosing it fills the kota -> kecamatan -> kelurahan selects through their own partial
    assert f"kota={code[:5]}&amp;kecamatan={code[:8]}&amp;kelurahan={code}" in sure
    unsure = operator.post(suggest, {"address": "gg mawar jl pahlawan revolusi"}, **HTMX).content.decode()
    assert "cocok dengan beberapa kelurahan" in unsure and unsure.count("<button") >= 2
    assert "Pondok Bambu (Duren Sawit)" in unsure
    assert "belum dikenali" in operator.post(suggest, {"address": "di depan rumah"}, **HTMX).content.decode()
    assert operator.post(suggest, {"address": ""}, **HTMX).content.decode().strip() == ""
    assert operator.get(suggest, {"address": "manggarai"}).status_code == 405  # the caller's words stay out of URLs
    officer = Client()
    officer.force_login(staff("petugas.pb2", "kel:31.75.07.1002"))
    assert officer.post(suggest, {"address": "manggarai"}).status_code == 403
    english = operator.post(suggest, {"address": "depan stasiun manggarai"}, **HTMX, **EN).content.decode()
    assert "This address points to:" in english


def test_an_anonymous_report_keeps_no_contact_and_shows_its_secret(operator):
    operator.post(URL, form(privacy="anonymous", channel="press"))
    report = Report.objects.get()
    assert report.reporter_ref == "" and IdentityRecord.objects.count() == 0
    page = operator.get(URL).content.decode()
    assert 'id="result-secret"' in page and "Anonim" in page


def test_a_photo_taken_at_the_counter_is_de_identified(operator, jpeg):
    f = io.BytesIO(jpeg(size=(320, 240)))
    f.name = "foto.jpg"
    operator.post(URL, {**form(), "photo": f})
    report = Report.objects.get()
    assert report.photos.count() == 1 and report.photos.get().original_ref


def test_the_location_partial_narrows_kecamatan_and_kelurahan(operator):
    body = operator.get(
        "/petugas/operator/lokasi/", {"kota": "31.75"}, HTTP_HX_TRIGGER="id_kota", **HTMX
    ).content.decode()
    assert body.startswith('<div id="location-fields"')
    assert 'value="31.75.07"' in body and 'value="31.71.01"' not in body
    assert 'value="31.75.07.1002"' in body and 'value="31.71.01.1001"' not in body
    narrowed = operator.get(
        "/petugas/operator/lokasi/",
        {"kota": "31.75", "kecamatan": "31.75.07", "kelurahan": "31.75.07.1002"},
        HTTP_HX_TRIGGER="id_kecamatan",
        **HTMX,
    ).content.decode()
    assert 'value="31.75.07.1002" selected' in narrowed and 'value="31.75.01.1001"' not in narrowed
    reset = operator.get(
        "/petugas/operator/lokasi/", {"kota": "31.71", "kecamatan": "31.75.07"}, HTTP_HX_TRIGGER="id_kota", **HTMX
    ).content.decode()
    assert 'value="31.75.07"' not in reset and 'value="31.71.01" ' not in reset


def test_only_channel_operators_may_enter_reports(staff, client):
    officer = Client()
    officer.force_login(staff("petugas.pb", "kel:31.75.07.1002"))
    assert officer.get(URL).status_code == 403
    assert officer.post(URL, form()).status_code == 403
    assert officer.get("/petugas/operator/lokasi/").status_code == 403
    assert Report.objects.count() == 0
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")


def test_the_next_report_keeps_the_channel_of_the_last_one(operator):
    """An operator at the call center went back to "Loket" after every save and had to choose the channel again."""
    import re

    def checked_channel(page: str) -> str:
        return re.search(r'<input type="radio" name="channel" value="(\w+)"[^>]*checked', page).group(1)

    assert checked_channel(operator.get(URL).content.decode()) == "counter"
    assert operator.post(URL, form(channel="call_center")).status_code == 302
    assert checked_channel(operator.get(URL).content.decode()) == "call_center"
    assert checked_channel(operator.get(URL).content.decode()) == "call_center"  # and after the result was shown


def test_an_address_naming_only_a_kecamatan_asks_for_the_kelurahan(operator):
    body = operator.post("/petugas/operator/lokasi/alamat/", {"address": "kec. matraman"}, **HTMX).content.decode()
    assert "Alamat hanya menyebut kecamatan Matraman" in body and "<button" not in body


def test_the_address_is_read_within_the_kota_or_kecamatan_the_operator_chose(operator):
    """An attacker's read found the address placed the report in Tebet although the operator had chosen
    Kecamatan Duren Sawit: a place outside the chosen area is never placed, and only candidates inside it are
    offered."""
    elsewhere = operator.post(URL, form(kelurahan="", kecamatan="31.75.07", address="depan stasiun manggarai"))
    assert elsewhere.status_code == 422 and Report.objects.count() == 0
    assert "Alamat tidak cocok dengan kota atau kecamatan yang dipilih." in elsewhere.content.decode()
    suggest = "/petugas/operator/lokasi/alamat/"
    body = operator.post(suggest, {"address": "depan stasiun manggarai", "kecamatan": "31.75.07"}, **HTMX)
    assert "tidak cocok dengan kota atau kecamatan" in body.content.decode() and b"<button" not in body.content
    inside = operator.post(suggest, {"address": "depan stasiun manggarai", "kota": "31.74"}, **HTMX)
    assert "Manggarai (Tebet)" in inside.content.decode()
    placed = operator.post(URL, form(kelurahan="", kota="31.74", address="depan stasiun manggarai"))
    assert placed.status_code == 302 and Report.objects.get().kelurahan.name == "Manggarai"


def test_a_caller_who_cannot_say_where_is_filed_to_the_triage_desk_with_what_they_said(operator, staff):
    """The street runs through several kelurahan and the caller knows no more: the operator ticks "place unknown",
    the report is filed at once (the caller gets a tracking code) and the triage desk places it later from the
    address, with the kelurahan the address fits suggested."""
    response = operator.post(
        URL, form(kelurahan="", address="Jl. Pahlawan Revolusi", channel="call_center", place_unknown="on")
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.unit.code, report.kelurahan, report.lat) == ("triase", None, None)
    assert "location" in report.triage_reason and report.address == "Jl. Pahlawan Revolusi"
    shown = operator.get(URL).content.decode()
    assert report.number in shown and "Desk Triase" in shown
    desk = Client()
    desk.force_login(staff("petugas.triase", "triase"))
    page = desk.get(f"/petugas/laporan/{report.number}/").content.decode()
    assert "Pondok Bambu" in page.split("Disebut dalam laporan", 1)[1].split("</optgroup>", 1)[0]
    assert NAME not in page and PHONE not in page


def test_a_kelurahan_or_coordinates_given_win_over_place_unknown(operator):
    operator.post(URL, form(place_unknown="on"))
    assert Report.objects.get().kelurahan.code == "31.75.07.1002"


def test_place_unknown_keeps_the_kecamatan_chosen_for_the_desk_and_needs_what_the_caller_said(operator, staff):
    """Found by a review: the kecamatan the operator chose was stored nowhere, and an empty address filed a report
    with no place information at all."""
    empty = operator.post(URL, form(kelurahan="", address="", place_unknown="on"))
    assert empty.status_code == 422 and "Tulis apa saja yang penelepon sebut" in empty.content.decode()
    assert Report.objects.count() == 0
    operator.post(
        URL, form(kelurahan="", kota="31.75", kecamatan="31.75.07", address="dekat masjid besar", place_unknown="on")
    )
    report = Report.objects.get()
    assert report.unit.code == "triase" and report.address == "dekat masjid besar, Kec. Duren Sawit"
    desk = Client()
    desk.force_login(staff("petugas.triase", "triase"))
    assert "Duren Sawit" in desk.get(f"/petugas/laporan/{report.number}/").content.decode()


def test_the_operator_is_never_offered_the_callers_own_name_as_the_place(operator):
    """The caller "Wijaya Kusuma" said "a.n. Wijaya Kusuma": the report was placed, and suggested, in that kelurahan
    while the stored address read "a.n. [nama disembunyikan]" (two reviews). The suggestion reads the officers' copy
    with the caller's name, which the page now posts with the address."""
    page = operator.get(URL).content.decode()
    assert 'hx-params="address,kota,kecamatan,reporter_name,reporter_phone,reporter_email,csrfmiddlewaretoken"' in page
    suggest = "/petugas/operator/lokasi/alamat/"
    said = {"address": "depan SD Negeri, a.n. Wijaya Kusuma", "reporter_name": "Wijaya Kusuma"}
    assert "Wijaya Kusuma" not in operator.post(suggest, said, **HTMX).content.decode().replace(said["address"], "")
    response = operator.post(URL, form(kelurahan="", address=said["address"], reporter_name="Wijaya Kusuma"))
    assert not Report.objects.filter(kelurahan__name="Wijaya Kusuma").exists()
    assert response.status_code in (302, 422)
