"""A resident makes a report through the portal: the form, its refusals, the one-time page with the codes,
the photo GPS check and the similar-reports step."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.portal.models import ReportInterest
from sigap.privacy.models import IdentityRecord, VaultBlob
from sigap.reports.models import Photo, Report
from sigap.reports.services import tracking_hash
from sigap.reports.tests.factories import inner_point, submit

from .conftest import GAMBIR, PB, form_data, gps_jpeg, htmx, upload

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return Report.objects.count() == 0 and IdentityRecord.objects.count() == 0 and Photo.objects.count() == 0


# --- filing -------------------------------------------------------------------------------------


def test_a_resident_reports_a_clogged_drain_with_a_photo_chosen_by_kelurahan(client, jpeg):
    response = client.post("/lapor/", {**form_data(), "photos": upload(jpeg((640, 480)))})
    assert response.status_code == 302 and response["Location"] == "/lapor/terkirim/"
    report = Report.objects.get()
    assert report.kelurahan.code == PB and report.unit.name == "Kelurahan Pondok Bambu"
    assert (report.lat, report.lon) == inner_point(PB)
    assert report.channel == "web" and report.privacy == "private" and report.category.code == "saluran-tersumbat"
    assert report.reporter_ref and report.photos.count() == 1
    assert "Siti" not in report.description + report.address

    done = client.get("/lapor/terkirim/")
    html = done.content.decode()
    assert report.number in html and "Kelurahan Pondok Bambu" in html
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', html).group(1)
    assert report.tracking_hash == tracking_hash(code)
    assert done["Cache-Control"] == "no-store"
    assert 'id="secret-code"' not in html
    # shown once: the number and code are gone on reload, and were never in a URL
    again = client.get("/lapor/terkirim/").content.decode()
    assert code not in again and report.number not in again and "Kode sudah ditampilkan" in again
    # but this browser can still open the journey without typing the code
    journey = client.get(f"/lacak/laporan/{report.number}/")
    assert journey.status_code == 200 and code in journey.content.decode()


def test_a_pin_on_the_map_wins_over_the_region_selects(client):
    lat, lon = -6.2372, 106.8985  # inside Pondok Bambu, not its inner point
    client.post("/lapor/", form_data(lat=str(lat), lon=str(lon), kota="", kecamatan="", kelurahan=""))
    report = Report.objects.get()
    assert (report.lat, report.lon) == (lat, lon) and report.kelurahan.code == PB


def test_an_anonymous_report_keeps_nothing_about_the_resident_and_shows_the_secret_once(client):
    client.post("/lapor/", form_data(privacy="anonymous"))
    report = Report.objects.get()
    assert report.reporter_ref == "" and report.secret_hash and IdentityRecord.objects.count() == 0
    html = client.get("/lapor/terkirim/").content.decode()
    secret = re.search(r'id="secret-code">([^<]+)<', html).group(1)
    assert "Catat kode lacak dan kode rahasia ini sekarang" in html
    assert secret not in client.get("/lapor/terkirim/").content.decode()
    assert secret not in client.get(f"/lacak/laporan/{report.number}/").content.decode()


def test_the_submit_response_carries_the_photo_gps_warning(client):
    far = gps_jpeg(-6.1754, 106.8272)  # taken at Monas, ~9 km from Pondok Bambu
    client.post("/lapor/", {**form_data(), "photos": upload(far)})
    html = client.get("/lapor/terkirim/").content.decode()
    assert "Foto ini mungkin menunjukkan dari mana Anda memotretnya" in html


# --- refusals keep what the resident typed -------------------------------------------------------


@pytest.mark.parametrize(
    "lang,message",
    [
        ("id", "Uraian terlalu pendek"),
        ("en", "The description is too short"),
    ],
)
def test_a_too_short_description_is_refused_next_to_the_field_keeping_the_input(client, jpeg, lang, message):
    response = client.post(
        "/lapor/",
        {**form_data(description="mampet", address="Gang Kelinci 3"), "photos": upload(jpeg())},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 200 and nothing_written()
    html = response.content.decode()
    error = re.search(r'<p class="field-error" id="description-error">([^<]+)</p>', html)
    assert error and message in error.group(1)
    assert ">mampet</textarea>" in html and 'value="Gang Kelinci 3"' in html and 'value="Siti Aminah"' in html
    assert re.search(rf'value="{PB}" data-lat="[^"]+" data-lon="[^"]+" selected', html)
    assert re.search(r'value="saluran-tersumbat"[^>]*selected', html)
    # the photo was not kept: the resident is told to choose it again
    assert 'id="photos-reselect"' in html
    assert 'id="error-summary"' in html


@pytest.mark.parametrize(
    "lang,message",
    [
        ("id", "Tentukan lokasi"),
        ("en", "Give a location"),
    ],
)
def test_a_report_without_location_is_refused(client, lang, message):
    response = client.post("/lapor/", form_data(kota="", kecamatan="", kelurahan=""), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200 and nothing_written()
    assert re.search(rf'id="location-error">[^<]*{message}', response.content.decode())


@pytest.mark.parametrize("lang,message", [("id", "di luar wilayah layanan"), ("en", "outside the service area")])
def test_a_pin_outside_the_city_is_refused(client, lang, message):
    response = client.post("/lapor/", form_data(lat="-7.8", lon="110.36"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200 and nothing_written()
    assert re.search(rf'id="location-error">[^<]*{message}', response.content.decode())


@pytest.mark.parametrize("lang,message", [("id", "tidak dapat dibuat publik"), ("en", "cannot be public")])
def test_a_sensitive_category_cannot_be_public(client, lang, message):
    response = client.post(
        "/lapor/",
        form_data(category="ketenagakerjaan", privacy="public", description="Gaji karyawan tidak dibayar tiga bulan."),
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 200 and nothing_written()
    html = response.content.decode()
    assert re.search(rf'id="privacy-error">[^<]*{message}', html)
    assert re.search(r'id="privacy-public"[^>]*checked', html)  # what they chose is kept, and refused


@pytest.mark.parametrize("lang,message", [("id", "bukan foto"), ("en", "not a supported photo")])
def test_a_file_that_is_not_a_photo_is_refused_next_to_the_photo_field(client, lang, message):
    response = client.post(
        "/lapor/", {**form_data(), "photos": upload(b"%PDF-1.4 not a photo", "a.pdf")}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200 and nothing_written()
    html = response.content.decode()
    assert re.search(rf'id="photos-error">[^<]*{message}', html) and 'id="photos-reselect"' in html


def test_a_bad_photo_and_a_missing_location_are_shown_together(client, jpeg):
    """A location error used to hide a bad-file error: the photos were checked only once all else was right."""
    response = client.post(
        "/lapor/",
        {
            **form_data(kota="", kecamatan="", kelurahan=""),
            "photos": [upload(jpeg((640, 480))), upload(b"%PDF-1.4 not a photo", "surat.pdf")],
        },
        HTTP_ACCEPT_LANGUAGE="id",
    )
    html = response.content.decode()
    assert response.status_code == 200 and nothing_written()
    assert re.search(r'id="location-error">[^<]*Tentukan lokasi', html)
    assert re.search(r'id="photos-error">[^<]*surat.pdf[^<]*bukan foto', html)
    assert "got.jpg" not in re.search(r'id="photos-error">([^<]*)<', html).group(1)  # the good one is not blamed


def test_a_form_sent_twice_with_the_same_submission_key_files_one_report(client, jpeg):
    """A resident whose answer was lost (the connection dropped after the report was stored) sends the same form
    again: the form's submission key makes the second send answer the first report, not file a second one."""
    form = client.get("/lapor/").content.decode()
    key = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    assert len(key) >= 16
    first = client.post("/lapor/", {**form_data(), "submission": key, "photos": upload(jpeg((640, 480)))})
    # the answer never arrived (the done page was not shown): the resident sends the same form again
    again = client.post("/lapor/", {**form_data(), "submission": key, "photos": upload(jpeg((640, 480)))})
    assert first.status_code == again.status_code == 302 and again["Location"] == "/lapor/terkirim/"
    report = Report.objects.get()
    assert report.photos.count() == 1
    replay = client.get("/lapor/terkirim/").content.decode()
    code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', replay).group(1)
    assert (
        report.number in replay and report.tracking_hash == tracking_hash(code) and "Kelurahan Pondok Bambu" in replay
    )
    # once the done page has shown the codes, the same form sent again cannot show them again (a shared phone), nor
    # file a second report (it did: a fault-injection review): it is told the first one's number, and only that
    client.get("/lapor/terkirim/")
    third = client.post("/lapor/", {**form_data(), "submission": key, "photos": upload(jpeg((640, 480)))})
    assert third.status_code == 200 and Report.objects.count() == 1
    told = third.content.decode()
    assert report.number in told and code not in told
    assert code not in client.get("/lapor/terkirim/").content.decode()
    # every form has its own key; a refused form keeps its key, so its retry is the same submission
    assert key not in client.get("/lapor/").content.decode()
    refused = client.post("/lapor/", form_data(category="", submission="k" * 24)).content.decode()
    assert 'name="submission" value="kkkkkkkkkkkkkkkkkkkkkkkk"' in refused


def test_the_same_submission_key_with_another_report_is_refused_in_plain_words(client):
    key = "s" * 24
    client.post("/lapor/", form_data(submission=key))
    response = client.post(
        "/lapor/", form_data(submission=key, description="Lampu jalan mati di ujung gang sejak kemarin.")
    )
    html = response.content.decode()
    assert response.status_code == 200 and Report.objects.count() == 1
    assert "sudah terkirim" in html


def test_missing_category_and_bad_email_are_shown_together(client):
    response = client.post("/lapor/", form_data(category="", email="bukan-email"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and nothing_written()
    assert re.search(r'id="category-error">[^<]*Choose a category', html)
    assert re.search(r'id="email-error">[^<]*email address is not valid', html)


def test_contact_fields_are_ignored_for_an_anonymous_report(client):
    client.post("/lapor/", form_data(privacy="anonymous", name="Budi", phone="081299998888"))
    assert Report.objects.get().reporter_ref == "" and IdentityRecord.objects.count() == 0


# --- the photo GPS check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang,message",
    [
        ("id", "Foto ini mungkin menunjukkan dari mana Anda memotretnya"),
        ("en", "This photo may show where you took it from"),
    ],
)
def test_the_photo_check_warns_when_the_photo_was_taken_far_away_and_stores_nothing(client, lang, message):
    lat, lon = inner_point(PB)
    response = client.post(
        "/lapor/cek-foto/",
        {"photo": upload(gps_jpeg(-6.1754, 106.8272)), "lat": lat, "lon": lon},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    data = response.json()
    assert response.status_code == 200 and data["has_gps"] is True
    assert len(data["warnings"]) == 1 and message in data["warnings"][0]
    assert "106.8272" not in response.content.decode() and "-6.1754" not in response.content.decode()
    assert nothing_written() and VaultBlob.objects.count() == 0


def test_the_photo_check_is_quiet_for_a_photo_taken_on_the_spot_or_without_gps(client, jpeg):
    lat, lon = inner_point(PB)
    near = client.post("/lapor/cek-foto/", {"photo": upload(gps_jpeg(lat, lon)), "lat": lat, "lon": lon}).json()
    assert near["warnings"] == [] and near["has_gps"] is True
    plain = client.post("/lapor/cek-foto/", {"photo": upload(jpeg()), "kelurahan": PB}).json()
    assert plain["warnings"] == [] and plain["has_gps"] is False and plain["located"] is True


def test_the_photo_check_refuses_a_file_that_is_not_a_photo(client):
    response = client.post("/lapor/cek-foto/", {"photo": upload(b"hello", "x.txt")}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "not a supported photo" in response.json()["errors"][0]


# --- similar reports nearby ---------------------------------------------------------------------


def similar(client, category="saluran-tersumbat", **point):
    if not point:
        lat, lon = inner_point(PB)
        point = {"lat": lat, "lon": lon}
    return client.post("/lapor/serupa/", {"category": category, **point}, **htmx()).content.decode()


def yesterday():
    return timezone.now() - timedelta(days=1)


def test_similar_private_reports_are_only_counted(client):
    """A Private report is told as a count in a coarse area: never its number, distance, text or unit; and only
    once it was filed before today (counted live, the next poll told a watcher to the minute that one had just been
    filed nearby: a second review)."""
    secret_text = "Got mampet di depan rumah pak RT, sudah seminggu tidak diurus warga."
    private = submit(description=secret_text, now=yesterday())
    submit(description="Got mampet lagi di depan rumah pak RT, air masuk ke rumah.")  # today: not counted yet
    public = submit(privacy="public", description="Saluran depan pasar tersumbat plastik dan lumpur tebal.")
    html = similar(client)
    assert private.report.number not in html and public.report.number in html
    assert secret_text not in html
    assert "1 laporan privat serupa" in html
    assert "Saluran depan pasar tersumbat plastik" in html and "Saluran Air Tersumbat" in html and "Menunggu" in html
    assert "dari titik Anda" not in html  # no distance for anyone
    assert "Kelurahan Pondok Bambu" not in html  # no handling unit


def test_moved_queries_cannot_pin_a_private_report_inside_its_grid_cell(client):
    """The attack: eight queries moved around a point. Two placements of a Private report in the same public
    grid cell must give the very same answers to every query, so the answers cannot tell them apart."""
    report = submit(description="Got mampet di gang buntu, air hitam menggenang.", now=yesterday()).report
    Report.objects.filter(pk=report.pk).update(lat=-6.2372, lon=106.8985)
    twin_lat, twin_lon = -6.2379, 106.8981  # ~90 m away, still in the same 0.002° cell of the public grid
    assert [round(v / 0.002) for v in (-6.2372, 106.8985)] == [round(v / 0.002) for v in (twin_lat, twin_lon)]
    queries = [
        (-6.2372 + dy, 106.8985 + dx)
        for dy, dx in (
            (0.0027, 0),
            (-0.0027, 0),
            (0, 0.0027),
            (0, -0.0027),
            (0.0019, 0.0019),
            (-0.0019, -0.0019),
            (0.0019, -0.0019),
            (-0.0019, 0.0019),
        )
    ]

    def answers():
        return [similar(client, lat=f"{lat:.6f}", lon=f"{lon:.6f}") for lat, lon in queries]

    first = answers()
    assert any("Belum ada laporan terbuka" not in a for a in first)  # the report is a candidate to some queries
    Report.objects.filter(pk=report.pk).update(lat=twin_lat, lon=twin_lon)
    assert answers() == first


FOUND = "Mungkin masalah ini sudah dilaporkan."


def test_similar_reports_leave_out_far_old_closed_other_category_and_every_sensitive_one(client, finish):
    submit(kelurahan=GAMBIR)  # far away
    submit(now=timezone.now() - timedelta(days=40))  # too old
    finish(submit().report)  # done
    submit(category="jalan-rusak", description="Jalan berlubang dalam di depan sekolah dasar.", now=yesterday())
    assert FOUND not in similar(client)
    submit(
        category="ketenagakerjaan", description="Gaji tidak dibayar tiga bulan oleh pabrik di sini.", now=yesterday()
    )
    assert FOUND not in similar(client, category="ketenagakerjaan")  # not even counted
    road = similar(client, category="jalan-rusak")
    assert FOUND in road and "1 laporan privat serupa" in road


def test_the_similar_step_works_from_a_chosen_kelurahan_and_waits_for_a_location(client):
    submit(now=yesterday())
    assert FOUND in similar(client, kelurahan=PB)
    assert (
        "Setelah kategori dan lokasi dipilih"
        in client.post("/lapor/serupa/", {"category": "saluran-tersumbat"}, **htmx()).content.decode()
    )


def test_a_publik_similar_report_is_shown_as_on_the_public_pages_in_english_too(client):
    public = submit(privacy="public", description="Saluran depan pasar tersumbat plastik dan lumpur tebal.").report
    submit(now=yesterday())
    submit(privacy="anonymous", reporter=None, now=yesterday())
    html = client.post(
        "/lapor/serupa/", {"category": "saluran-tersumbat", "kelurahan": PB}, **htmx(HTTP_ACCEPT_LANGUAGE="en")
    ).content.decode()
    assert public.number in html and f'href="/publik/{public.number}/"' in html and "Pondok Bambu" in html
    assert "2 similar private reports were recorded near this place before today" in html
    assert "This is the same problem" in html


def test_this_is_the_same_problem_counts_the_resident_once(client):
    number = submit(privacy="public").report.number
    client.post(f"/lapor/serupa/{number}/", **htmx())
    client.post(f"/lapor/serupa/{number}/", **htmx())
    assert ReportInterest.objects.filter(report__number=number).count() == 1
    assert Report.objects.count() == 1  # nothing filed


def test_a_private_report_cannot_be_followed_by_number_and_its_unit_is_never_named(client):
    """A Private report's number is not offered; guessed, it answers like a report that does not exist."""
    number = submit().report.number
    for headers in (htmx(), {}):
        response = client.post(f"/lapor/serupa/{number}/", **headers)
        assert response.status_code == 404
        assert "Pondok Bambu" not in response.content.decode()
    assert ReportInterest.objects.count() == 0


def test_this_is_the_same_problem_for_a_public_report_opens_its_public_page(client):
    number = submit(privacy="public").report.number
    response = client.post(f"/lapor/serupa/{number}/", **htmx())
    assert response.status_code == 204 and response["HX-Redirect"] == f"/publik/{number}/"
    page = client.get(f"/publik/{number}/").content.decode()
    assert "1 warga lain juga mengalami masalah ini." in page and "Kami mencatat" in page


def test_this_is_the_same_problem_refuses_sensitive_and_closed_reports(client, finish):
    sensitive = submit(category="ketenagakerjaan", description="Gaji tidak dibayar tiga bulan oleh pabrik.")
    done = finish(submit().report)
    for number in (sensitive.report.number, done.number, "JK000000000000"):
        assert client.post(f"/lapor/serupa/{number}/", **htmx()).status_code == 404
    assert ReportInterest.objects.count() == 0


def test_the_portal_report_is_filed_with_the_reporters_identity_in_the_vault_only(client):
    client.post("/lapor/", form_data(description="Got mampet, hubungi saya di 0812-3456-7890 ya pak."))
    report = Report.objects.get()
    assert "0812" not in report.description and IdentityRecord.objects.count() == 1


def test_a_head_request_does_not_use_up_the_one_time_codes(client):
    """The page after filing shows the tracking code and an Anonim report's secret once: a HEAD (a link preview, a
    monitor) must not use it up (found by a review when HEAD was first answered on every page)."""
    client.post("/lapor/", form_data(privacy="anonymous"))
    report = Report.objects.get()
    assert client.head("/lapor/terkirim/").status_code == 405
    html = client.get("/lapor/terkirim/").content.decode()
    assert re.search(r'id="secret-code">([^<]+)<', html) and report.number in html


def test_the_photo_check_answers_a_photo_over_the_limit_in_json(client, settings):
    """A review's finding: the request limits refused it before the check read it, with an HTML page the form's
    script could not read, so the resident learned nothing when choosing it."""
    settings.SIGAP_PHOTO_MAX_BYTES = 200_000
    response = client.post("/lapor/cek-foto/", {"photo": upload(b"\xff\xd8" + b"\0" * 250_000, "besar.jpg")})
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    assert "terlalu besar" in " ".join(response.json()["errors"]) and response.json()["warnings"] == []


def test_the_photos_the_form_allows_fit_in_one_request_by_default(client, settings, jpeg):
    """The form offers five photos of 10 MB each; the request cap was 32 MB, so four of 9 MB were refused whole."""
    from sigap.config import settings as defaults

    assert defaults.SIGAP_UPLOAD_MAX_BYTES >= defaults.SIGAP_PHOTOS_PER_REPORT * defaults.SIGAP_PHOTO_MAX_BYTES
    page = client.get("/lapor/").content.decode()
    assert f'data-max-photo-bytes="{settings.SIGAP_PHOTO_MAX_BYTES}"' in page
    assert f'data-max-upload-bytes="{settings.SIGAP_UPLOAD_MAX_BYTES}"' in page


@pytest.mark.parametrize("phone", ["abc", "12", "0812"])
def test_a_phone_number_that_cannot_be_one_is_refused_beside_its_field_and_nothing_is_filed(client, phone):
    """A review's finding: "abc" was filed and kept; the resident waited for messages that could never come."""
    response = client.post("/lapor/", form_data(phone=phone))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="phone-error"' in page and "Nomor telepon tidak dikenali" in page
    assert not Report.objects.exists()


@pytest.mark.parametrize("phone", ["0812-3456-7890", "+62 812 3456 7890", "(021) 3822222"])
def test_a_phone_number_written_as_people_write_it_is_taken(client, phone):
    assert client.post("/lapor/", form_data(phone=phone)).status_code == 302
    assert Report.objects.count() == 1


def _without_location(**overrides) -> dict:
    return form_data(kota="", kecamatan="", kelurahan="", lat="", lon="", **overrides)


def test_a_resident_who_cannot_mark_the_place_files_by_the_address_the_parser_is_sure_of(client):
    """A review's finding: a resident who could only write "where" could not file at all, although Sigap parses
    addresses and has a triage desk for exactly this."""
    response = client.post(
        "/lapor/", _without_location(address="Jl. Pahlawan Revolusi, Pondok Bambu, Duren Sawit", place_unknown="on")
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.kelurahan.code == PB and report.lat is not None and not report.triage_reason


def test_an_address_the_parser_cannot_place_goes_to_the_triage_desk_and_the_resident_is_told(client):
    response = client.post("/lapor/", _without_location(address="dekat masjid besar ujung gang", place_unknown="on"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.kelurahan is None and report.lat is None and report.triage_reason
    done = client.get(response["Location"]).content.decode()
    assert "Akan dipastikan petugas dari alamat yang Anda tulis" in done


def test_cannot_mark_the_place_needs_an_address_and_without_it_nothing_is_filed(client):
    page = client.post("/lapor/", _without_location(address="sini", place_unknown="on")).content.decode()
    assert 'id="address-error"' in page and "Tuliskan alamat atau patokannya" in page
    assert 'id="id_place_unknown" name="place_unknown" value="on" checked' in page
    unticked = client.post("/lapor/", _without_location(address="dekat masjid besar ujung gang")).content.decode()
    assert 'id="location-error"' in unticked and "Saya tidak dapat menandai lokasinya" in unticked
    assert not Report.objects.exists()


def test_an_address_naming_another_kelurahan_than_the_pin_is_pointed_out(client):
    """A review's finding: "Jl. Kebon Sirih No. 5, Menteng" filed at a pin in Pondok Bambu without a word, and the
    report went to a kelurahan kilometres away."""
    lat, lon = inner_point(PB)
    far = client.post(
        "/lapor/cek-alamat/", {"address": "Jl. Kebon Sirih No. 5, Menteng, Jakarta Pusat", "lat": lat, "lon": lon}
    ).json()["warning"]
    assert "Menteng" in far and "Pondok Bambu" in far
    by_choice = client.post(
        "/lapor/cek-alamat/", {"address": "Jl. Kebon Sirih No. 5, Menteng, Jakarta Pusat", "kelurahan": PB}
    ).json()["warning"]
    assert by_choice == far
    for address in ("Jl. Pahlawan Revolusi, Pondok Bambu, Duren Sawit", "dekat masjid", "rumah"):
        assert client.post("/lapor/cek-alamat/", {"address": address, "lat": lat, "lon": lon}).json()["warning"] == ""
    assert client.post("/lapor/cek-alamat/", {"address": "Menteng", "kelurahan": ""}).json()["warning"] == ""
    assert not Report.objects.exists()
