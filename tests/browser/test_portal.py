"""The citizen portal in a real browser: a resident on a 360 px phone makes a report, follows it, answers a
question; the same in English; every page passes axe-core, logs no JavaScript error, never scrolls sideways,
and never asks anything of a remote server but the configured tile server (a stand-in in these tests)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import urllib.request

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.live_sigap import CLI

from .conftest import TILE_HOST, axe_violations, reload_until_photos, screenshot

pytestmark = pytest.mark.xdist_group("browser")

PB = "31.75.07.1002"
PB_POINT = (-6.2351316, 106.9009572)  # Kelurahan Pondok Bambu's inner point


def jpeg(colour=(90, 120, 60), gps: tuple[float, float] | None = None) -> bytes:
    image = Image.new("RGB", (640, 480), colour)
    buf = io.BytesIO()
    if gps:

        def dms(v):
            v = abs(v)
            d, m = int(v), int((abs(v) - int(v)) * 60)
            return (float(d), float(m), round(((v - d) * 60 - m) * 60, 4))

        exif = Image.Exif()
        exif[0x8825] = {1: "S", 2: dms(gps[0]), 3: "E", 4: dms(gps[1])}
        image.save(buf, "JPEG", exif=exif)
    else:
        image.save(buf, "JPEG")
    return buf.getvalue()


def photo_file(name="got.jpg", **kwargs) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(**kwargs)}


def fits_360(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def checked(page, name: str, *, mobile: bool = True) -> None:
    """Screenshot, no serious accessibility violation, no sideways scrolling, no script error."""
    screenshot(page, name)
    assert axe_violations(page) == [], page.url
    if mobile:
        fits_360(page)
    assert page.js_errors == [], page.js_errors


def watch_requests(page, base: str) -> list[str]:
    remote = []
    page.on(
        "request",
        lambda request: (
            remote.append(request.url)
            if not request.url.startswith((base, TILE_HOST + "/", "data:", "blob:"))
            else None
        ),
    )
    return remote


def choose_pondok_bambu(page) -> None:
    page.select_option("#id_kota", label="Jakarta Timur")
    expect(page.locator("#id_kecamatan option")).to_have_count(11)  # 10 kecamatan + the prompt
    page.select_option("#id_kecamatan", label="Duren Sawit")
    expect(page.locator("#id_kelurahan option")).to_have_count(8)
    page.select_option("#id_kelurahan", label="Pondok Bambu")
    expect(page.locator("#id_lat")).not_to_have_value("")
    expect(page.locator("#location-status")).to_contain_text("Pondok Bambu")


def file_clogged_drain(
    page, *, photo=True, description="Got mampet di depan gang, air meluap ke jalan setiap hujan."
) -> None:
    if photo:
        page.set_input_files("#id_photos", files=[photo_file()])
        expect(page.locator("#photo-preview img")).to_have_count(1)
    page.fill("#category-search", "tersumbat")
    expect(page.locator("#id_category")).to_have_value("saluran-tersumbat")
    page.fill("#id_description", description)
    choose_pondok_bambu(page)
    expect(page.locator("#similar-results")).not_to_contain_text("Setelah kategori dan lokasi dipilih")


def file_without_photo(page) -> tuple[str, str]:
    """A clogged drain in Pondok Bambu, filed from the report form: (number, tracking code)."""
    page.goto("/lapor/")
    file_clogged_drain(page, photo=False)
    page.get_by_role("button", name="Kirim laporan").click()
    return page.locator("#report-number").inner_text(), page.locator("#tracking-code").inner_text()


def officer_token(server) -> str:
    body = json.dumps({"username": "petugas.pondokbambu", "password": server["password"]}).encode()
    request = urllib.request.Request(
        server["url"] + "/api/v1/officer/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["token"]


def officer_post(server, token: str, path: str, payload: dict) -> None:
    request = urllib.request.Request(
        server["url"] + path,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def test_a_resident_on_a_phone_reports_a_clogged_drain_in_pondok_bambu(new_page, e2e_server):
    page = new_page("id-ID", mobile=True)
    remote = watch_requests(page, e2e_server["url"])
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lapor masalah")
    checked(page, "portal-home")
    page.get_by_role("link", name="Buat laporan").first.click()
    expect(page).to_have_url(re.compile(r"/lapor/$"))
    expect(page.locator("#report-map")).to_be_visible()
    expect(page.locator("#privacy-private")).to_be_checked()
    file_clogged_drain(page)
    page.fill("#id_address", "Jl. Pahlawan Revolusi, depan musala")
    page.fill("#id_name", "Siti Aminah")
    page.fill("#id_phone", "0812-3456-7890")
    checked(page, "portal-report-form")

    page.get_by_role("button", name="Kirim laporan").click()
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/$"))
    number = page.locator("#report-number").inner_text()
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"JK\d{12}", number) and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    expect(page.locator("main")).to_contain_text("Kelurahan Pondok Bambu")
    assert code not in page.url and number not in page.url
    checked(page, "portal-report-done")

    page.get_by_role("link", name="Lihat perjalanan laporan").click()
    expect(page).to_have_url(re.compile(rf"/lacak/laporan/{number}/$"))
    expect(page.locator("#journey-status")).to_have_text("Menunggu")
    expect(page.locator("#journey-status")).to_have_class(re.compile("status-red"))
    expect(page.locator("#journey-unit")).to_have_text("Kelurahan Pondok Bambu")
    reload_until_photos(page, ".photos img", 1)  # de-identified by the worker after the report was filed
    page.wait_for_load_state("load")  # the image itself, before its naturalWidth is read
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") > 0
    checked(page, "portal-journey")
    assert remote == [], remote


def qr_text(page, selector: str) -> str:
    """Decode the QR image on the page (a data: URI PNG) the way a phone camera would."""
    import base64

    import cv2
    import numpy as np

    src = page.locator(selector).get_attribute("src")
    assert src.startswith("data:image/png;base64,")
    pixels = cv2.imdecode(np.frombuffer(base64.b64decode(src.split(",", 1)[1]), np.uint8), cv2.IMREAD_GRAYSCALE)
    pixels = cv2.resize(pixels, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    # on a white margin, as on the page; OpenCV's classic detector missed about 1 code in 70 of this kind (random
    # tracking codes made the test flaky), its ArUco-based detector none in 3,000: try that first
    pixels = cv2.copyMakeBorder(pixels, 32, 32, 32, 32, cv2.BORDER_CONSTANT, value=255)
    for detector in (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector()):
        text, _points, _ = detector.detectAndDecode(pixels)
        if text:
            return text
    return ""


def file_anonymously(page) -> tuple[str, str, str]:
    """A clogged drain filed Anonim from the report form: (number, tracking code, secret) from the done page."""
    page.goto("/lapor/")
    file_clogged_drain(page, photo=False)
    page.check("#privacy-anonymous")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/$"))
    return tuple(page.locator(f"#{i}").inner_text() for i in ("report-number", "tracking-code", "secret-code"))


def test_the_done_page_has_a_qr_that_opens_the_report_on_another_phone(new_page, e2e_server):
    """Tracking codes were easy to lose: shown once, with no QR to carry them to another device."""
    page = new_page("id-ID", mobile=True)
    number, code, secret = file_anonymously(page)
    text = qr_text(page, "#tracking-qr")
    assert text == f"{e2e_server['url']}/lacak/#kode={code}"  # in the fragment: never sent to the server
    assert secret not in text
    checked(page, "portal-report-done-qr")

    other = new_page("id-ID", mobile=True)  # the resident's other phone scans it
    requests = []
    other.on("request", lambda r: requests.append(r.url))
    other.goto(text)
    expect(other.locator("#id_code")).to_have_value(code)  # filled in from the fragment, sent on a press
    assert "#" not in other.url
    other.get_by_role("button", name="Lacak", exact=True).click()
    expect(other).to_have_url(re.compile(rf"/lacak/laporan/{number}/$"))
    expect(other.locator("#journey-code")).to_have_text(code)
    assert not [u for u in requests if code in u]  # the code went in a POST body only
    assert other.js_errors == []


def test_my_reports_outlive_the_browser_session_when_the_resident_keeps_them(new_page, e2e_server):
    """The followed-reports list died with the browser; there was no "Laporan saya"."""
    page = new_page("id-ID", mobile=True)
    number, code, secret = file_anonymously(page)
    page.get_by_role("button", name="Simpan di Laporan saya").click()
    expect(page.locator("[data-keep-status]")).to_contain_text("Laporan saya")
    kept = page.evaluate("JSON.stringify(window.localStorage)")
    assert number in kept and code in kept and secret not in kept  # the secret stays with the resident only

    state = page.context.storage_state()
    state["cookies"] = []  # the browser was closed: its session is gone, what the page kept on the device is not
    later = new_page("id-ID", mobile=True, storage_state=state)
    later.goto("/lacak/")
    mine = later.locator("#my-reports")
    expect(mine).to_be_visible()
    expect(mine).to_contain_text(number)
    # the day it was kept, as the portal's other dates read ("7 Des 2026", not "2026-12-07": a CRM team's walk)
    expect(mine).to_contain_text(re.compile(r"disimpan \d{1,2} \w{3} \d{4}"))
    checked(later, "portal-my-reports")
    mine.get_by_role("button", name=f"Buka {number}").click()
    expect(later).to_have_url(re.compile(rf"/lacak/laporan/{number}/$"))
    later.goto("/lacak/")
    later.locator("#my-reports").get_by_role("button", name=f"Lupakan {number}").click()
    expect(later.locator("#my-reports")).to_be_hidden()
    assert number not in later.evaluate("JSON.stringify(window.localStorage)")


@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_the_home_page_shows_category_tiles_that_start_a_report(new_page, locale):
    """The home page was text-heavy, with no category icons; a tile now starts the form with its category."""
    page = new_page(locale, mobile=True)
    page.goto("/")
    tiles = page.locator(".category-tiles .tile")
    assert tiles.count() >= 7
    assert tiles.locator("svg.icon").count() == tiles.count()
    checked(page, "portal-home-tiles" + ("" if locale == "id-ID" else "-en"))
    name = "Sampah Menumpuk / Tidak Diangkut" if locale == "id-ID" else "Uncollected rubbish"
    page.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(r"/lapor/\?kategori=sampah$"))
    expect(page.locator("#id_category")).to_have_value("sampah")


def test_the_same_in_english_after_switching_language(new_page, e2e_server):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a report")
    for label in (
        "Photos of the problem",
        "Search categories",
        "Category",
        "Description",
        "City/Regency",
        "District (kecamatan)",
        "Kelurahan",
        "Address or landmark (optional)",
        "Private/Confidential",
        "Public",
        "Anonymous",
        "Name",
        "Phone / WhatsApp number",
        "Email",
    ):
        expect(page.get_by_label(label, exact=False).first).to_be_attached()
    expect(page.locator("#description-hint")).to_contain_text("Describe the place and what happened")
    page.set_input_files("#id_photos", files=[photo_file()])
    page.fill("#category-search", "clogged")
    expect(page.locator("#id_category")).to_have_value("saluran-tersumbat")
    page.fill("#id_description", "Clogged drain in front of the alley, water floods the road when it rains.")
    page.select_option("#id_kota", label="Jakarta Timur")
    expect(page.locator("#id_kecamatan option")).to_have_count(11)
    page.select_option("#id_kecamatan", label="Duren Sawit")
    expect(page.locator("#id_kelurahan option")).to_have_count(8)
    page.select_option("#id_kelurahan", label="Pondok Bambu")
    expect(page.locator("#location-status")).to_contain_text("Location: Kelurahan Pondok Bambu")
    checked(page, "portal-report-form-en")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report has been sent")
    expect(page.locator("main")).to_contain_text("Tracking code")
    checked(page, "portal-report-done-en")
    page.get_by_role("link", name="See the report's journey").click()
    expect(page.locator("#journey-status")).to_have_text("Waiting")
    expect(page.get_by_role("heading", name="Report journey")).to_be_visible()
    checked(page, "portal-journey-en")


def test_the_geolocation_button_puts_the_pin_where_the_phone_is(new_page, e2e_server):
    page = new_page("id-ID", mobile=True)
    page.context.grant_permissions(["geolocation"], origin=e2e_server["url"])
    page.context.set_geolocation({"latitude": -6.2372, "longitude": 106.8985})
    page.goto("/lapor/")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.locator("#region-located")).to_contain_text("Pondok Bambu, Duren Sawit, Jakarta Timur")
    expect(page.locator("#id_kelurahan")).to_have_value(PB)
    expect(page.locator("#id_lat")).to_have_value("-6.237200")
    expect(page.locator("#id_lon")).to_have_value("106.898500")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert page.js_errors == []


def test_the_form_guides_privacy_choices(new_page):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    page.fill("#category-search", "gaji")  # Pelanggaran Normatif Ketenagakerjaan: sensitive
    expect(page.locator("#id_category")).to_have_value("ketenagakerjaan")
    expect(page.locator("#privacy-public")).to_be_disabled()
    expect(page.locator("#category-sensitive-note")).to_be_visible()
    expect(page.locator("#category-sensitive-note")).to_contain_text("shift kerja")  # details that fit only them
    # "Gunakan lokasi saya" sends the phone's own position: for a sensitive report, often the reporter's home
    expect(page.locator("#geolocate-sensitive-note")).to_have_js_property("hidden", False)
    page.fill("#category-search", "")
    page.select_option("#id_category", "jalan-rusak")
    expect(page.locator("#privacy-public")).to_be_enabled()
    expect(page.locator("#geolocate-sensitive-note")).to_have_js_property("hidden", True)
    expect(page.locator("#contact-fieldset")).to_be_visible()
    page.check("#privacy-anonymous")
    expect(page.locator("#contact-fieldset")).to_be_hidden()
    page.check("#privacy-private")
    expect(page.locator("#contact-fieldset")).to_be_visible()
    assert page.js_errors == []


def test_a_photo_taken_far_from_the_place_is_flagged_before_sending(new_page):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    choose_pondok_bambu(page)
    page.set_input_files("#id_photos", files=[photo_file("dari-rumah.jpg", gps=(-6.1754, 106.8272))])
    expect(page.locator("#photo-warnings")).to_contain_text("Foto ini mungkin menunjukkan dari mana Anda memotretnya")
    assert page.js_errors == []


def test_an_address_naming_another_kelurahan_than_the_place_chosen_is_pointed_out(new_page):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    page.fill("#id_address", "Jl. Kebon Sirih No. 5, Menteng, Jakarta Pusat")
    choose_pondok_bambu(page)
    expect(page.locator("#address-warning")).to_contain_text("Alamat Anda menyebut Kebon Sirih (Menteng)")
    expect(page.locator("#address-warning")).to_contain_text("Pondok Bambu")
    page.fill("#id_address", "Jl. Pahlawan Revolusi, Pondok Bambu")
    page.locator("#id_address").dispatch_event("change")
    expect(page.locator("#address-warning")).to_be_hidden()
    assert page.js_errors == [], page.js_errors


def test_a_refused_report_keeps_what_the_resident_typed(new_page):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    page.set_input_files("#id_photos", files=[photo_file()])
    page.select_option("#id_category", "saluran-tersumbat")
    page.fill("#id_description", "Got mampet di depan gang, air meluap ke jalan setiap hujan.")
    page.fill("#id_address", "Gang Kelinci 3")
    page.get_by_role("button", name="Kirim laporan").click()  # no location chosen
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#location-error")).to_contain_text("Tentukan lokasi")
    expect(page.locator("#id_description")).to_have_value("Got mampet di depan gang, air meluap ke jalan setiap hujan.")
    expect(page.locator("#id_address")).to_have_value("Gang Kelinci 3")
    # the photo is still chosen (a plain form post dropped it: on a phone, the resident had to retake it)
    assert page.locator("#id_photos").evaluate("el => el.files.length") == 1
    expect(page.locator("#photo-preview img")).to_have_count(1)
    assert page.locator("#photos-reselect").count() == 0
    checked(page, "portal-report-refused")
    choose_pondok_bambu(page)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/$"))
    page.get_by_role("link", name="Lihat perjalanan laporan").click()
    expect(page.locator("#journey")).to_contain_text("Gang Kelinci")
    reload_until_photos(page, ".photos img", 1)  # the photo chosen before the refusal went with the report


def test_a_photo_over_the_limit_is_named_at_once_and_its_refusal_is_not_called_server_trouble(new_page):
    """A review's finding: a 17 MB photo drew no word when chosen (the photo check's refusal was an HTML page the
    script could not read) and, sent, "Laporan belum terkirim karena gangguan di server … coba kirim lagi", which no
    retry could mend."""
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    big = {"name": "besar.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + b"\0" * (10 * 1024 * 1024 + 10)}
    page.set_input_files("#id_photos", files=[photo_file(), big])
    expect(page.locator("#photo-warnings")).to_contain_text("besar.jpg: terlalu besar: maksimal 10 MB per foto")
    page.select_option("#id_category", "saluran-tersumbat")
    page.fill("#id_description", "Got mampet di depan gang, air meluap ke jalan setiap hujan.")
    choose_pondok_bambu(page)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#send-problem")).to_contain_text("terlalu besar")
    expect(page.locator("#send-problem")).not_to_contain_text("gangguan di server")
    expect(page.locator("#id_description")).to_have_value("Got mampet di depan gang, air meluap ke jalan setiap hujan.")
    assert page.locator("#id_photos").evaluate("el => el.files.length") == 2
    assert [e for e in page.js_errors if "status of 413" not in e] == [], page.js_errors  # the browser logs the 413


def test_a_bad_file_and_a_missing_location_are_shown_together_and_the_good_photo_stays(new_page):
    """A location error hid a bad-file error, and the photos were gone after either."""
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    page.set_input_files(
        "#id_photos",
        files=[photo_file(), {"name": "surat.pdf", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 bukan foto"}],
    )
    page.select_option("#id_category", "saluran-tersumbat")
    page.fill("#id_description", "Got mampet di depan gang, air meluap ke jalan setiap hujan.")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#location-error")).to_contain_text("Tentukan lokasi")
    expect(page.locator("#photos-error")).to_contain_text("surat.pdf")
    expect(page.locator("#id_photos")).to_have_attribute("aria-invalid", "true")
    assert page.locator("#id_photos").evaluate("el => el.files.length") == 2
    assert axe_violations(page) == []


def reports_described(e2e_server, phrase: str) -> int:
    """How many reports in the server's database contain ``phrase`` (read with `sigap shell`)."""
    env = {k: v for k, v in e2e_server["env"].items() if not k.startswith("_")}
    code = (
        "from sigap.reports.models import Report; "
        f"print(Report.objects.filter(description__contains={phrase!r}).count())"
    )
    out = subprocess.run(
        [*CLI, "shell", "-c", code], env=env, cwd=e2e_server["home"], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_a_send_whose_answer_is_lost_keeps_everything_and_the_retry_files_it_once(new_page, e2e_server):
    """A dropped connection used to lose the whole form; and a resent form filed the report a second time."""
    phrase = "Pohon tumbang menutup separuh jalan dekat halte 7731."
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    page.set_input_files("#id_photos", files=[photo_file()])
    page.select_option("#id_category", "saluran-tersumbat")
    page.fill("#id_description", phrase)
    choose_pondok_bambu(page)

    def stored_but_answer_lost(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch(max_redirects=0)  # the server files the report...
        route.abort("connectionreset")  # ...and its answer never reaches the phone

    page.route("**/lapor/", stored_but_answer_lost)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#send-problem")).to_contain_text("tidak ada koneksi")
    expect(page.locator("#send-problem")).to_be_focused()
    assert page.locator("#id_photos").evaluate("el => el.files.length") == 1
    expect(page.locator("#id_description")).to_have_value(phrase)
    assert reports_described(e2e_server, phrase) == 1
    page.unroute("**/lapor/")
    page.get_by_role("button", name="Kirim laporan").click()  # the connection is back: send again
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/$"))
    number = page.locator("#report-number").inner_text()
    assert re.fullmatch(r"JK\d{12}", number)
    assert reports_described(e2e_server, phrase) == 1  # the first report, shown again; not a second one
    page.get_by_role("link", name="Lihat perjalanan laporan").click()
    expect(page.locator("#journey")).to_contain_text("Pohon tumbang")


def test_this_is_the_same_problem_instead_of_a_duplicate(new_page, e2e_server):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    file_clogged_drain(page, photo=False)
    page.get_by_role("button", name="Kirim laporan").click()  # Privat
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/$"))
    page.goto("/lapor/")
    file_clogged_drain(page, photo=False, description="Saluran depan pasar tersumbat plastik dan lumpur tebal.")
    page.check("#privacy-public")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page).to_have_url(re.compile(r"/lapor/terkirim/$"))

    other = new_page("id-ID", mobile=True)  # another resident, same drain
    other.goto("/lapor/")
    other.select_option("#id_category", "saluran-tersumbat")
    choose_pondok_bambu(other)
    results = other.locator("#similar-results")
    expect(results).to_contain_text("Mungkin masalah ini sudah dilaporkan")
    expect(results).to_contain_text(
        "laporan privat serupa tercatat di sekitar lokasi ini sebelum hari ini"
    )  # counted only
    expect(results).not_to_contain_text("Kelurahan Pondok Bambu")  # never the handling unit
    checked(other, "portal-report-similar")
    other.get_by_role("button", name="Ini laporan yang sama").first.click()  # a Publik one: its public page
    expect(other).to_have_url(re.compile(r"/publik/[A-Z0-9]+/$"))
    expect(other.locator("body")).to_contain_text("Kami mencatat bahwa Anda juga mengalami masalah ini")
    followed = other.url.rstrip("/").rsplit("/", 1)[1]
    # no dead end: the resident can come back to it (it used to thank them and give no way to follow it)
    expect(other.locator("#following-note")).to_contain_text("Anda mengikuti laporan ini")
    other.get_by_role("link", name="Buka halaman Lacak").click()
    other.locator("#following").get_by_role("link", name=followed).click()
    expect(other).to_have_url(re.compile(rf"/publik/{followed}/$"))
    assert other.js_errors == []


def test_the_reporter_answers_an_officers_question_in_place(new_page, e2e_server):
    page = new_page("id-ID", mobile=True)
    number, code = file_without_photo(page)
    officer_post(
        e2e_server,
        officer_token(e2e_server),
        f"/api/v1/officer/reports/{number}/ask",
        {"question": "Di RT berapa saluran itu?"},
    )

    reader = new_page("id-ID", mobile=True)  # the resident later, on another device, with the code
    reader.goto("/lacak/")
    checked(reader, "portal-track")
    reader.fill("#id_code", code.lower())
    reader.get_by_role("button", name="Lacak").click()
    expect(reader).to_have_url(re.compile(rf"/lacak/laporan/{number}/$"))
    expect(reader.locator("#journey-status")).to_have_text("Menunggu Informasi Pelapor")
    expect(reader.locator(".question")).to_contain_text("Di RT berapa saluran itu?")
    checked(reader, "portal-journey-question")
    reader.fill("#id_answer", "RT 05 RW 03, di depan musala.")
    reader.get_by_role("button", name="Kirim jawaban").click()
    expect(reader.locator("#journey [role=status]")).to_contain_text("jawaban Anda sudah diteruskan")
    expect(reader.locator("#journey [role=status]")).to_be_focused()
    expect(reader.locator("#journey-status")).to_have_text("Menunggu")
    assert code not in reader.url
    assert reader.js_errors == []


def test_the_reporter_answers_with_a_photo_only(new_page, e2e_server):
    """ "Ada fotonya?": the answer form sends a photo without words (htmx as multipart), the resident is told not
    to write who they are, and the report goes back to work."""
    page = new_page("id-ID", mobile=True)
    number, code = file_without_photo(page)
    officer_post(
        e2e_server, officer_token(e2e_server), f"/api/v1/officer/reports/{number}/ask", {"question_code": "foto"}
    )
    page.goto("/lacak/")
    page.fill("#id_code", code)
    page.get_by_role("button", name="Lacak").click()
    expect(page.locator(".question")).to_contain_text("Mohon kirim foto kondisi masalahnya")
    expect(page.locator("#journey .alert-warning").first).to_contain_text("Jangan tuliskan nama")
    page.set_input_files("#id_answer_photos", files=[photo_file()])
    page.get_by_role("button", name="Kirim jawaban").click()
    # answered in place (htmx, multipart) or, if the click came before htmx was ready, by the plain form: either
    # way the photo went with it (without it the answer would be refused as empty)
    expect(page.locator("main [role=status]").first).to_contain_text("jawaban Anda sudah diteruskan")
    expect(page.locator("#journey-status")).to_have_text("Menunggu")
    expect(page.locator("#journey figure")).to_have_count(1)
    assert page.js_errors == []


FINISH = """
import io
from django.contrib.auth import get_user_model
from PIL import Image
from sigap.privacy.photos import photo_clean
from sigap.reports import services
from sigap.reports.models import Report

users = get_user_model().objects
officer, validator = users.get(username="petugas.pondokbambu"), users.get(username="validator")
report = Report.objects.get(number="{number}")
services.report_accept(report_id=report.pk, actor=officer)
for kind, colour in (("before", (90, 60, 40)), ("after", (40, 90, 60))):
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buf, "JPEG")
    services.photo_add(report_id=report.pk, actor=officer, kind=kind, photo=photo_clean(buf.getvalue()))
services.report_request_validation(report_id=report.pk, actor=officer)
services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
"""


def server_finishes(server, number: str) -> None:
    """The officer works the report with proof photos and the validator accepts it (the services, in the
    server's own environment: the console's walk to Selesai is test_journey's)."""
    env = {k: v for k, v in server["env"].items() if not k.startswith("_")}
    subprocess.run(
        [*CLI, "shell", "-c", FINISH.format(number=number)],
        env=env,
        cwd=server["home"],
        check=True,
        capture_output=True,
    )


def finished_and_tracked(page, server) -> str:
    """A report filed from the form, worked to Selesai, then opened by the resident with its tracking code."""
    number, code = file_without_photo(page)
    server_finishes(server, number)
    page.goto("/lacak/")
    page.fill("#id_code", code)
    page.get_by_role("button", name="Lacak").click()
    expect(page.locator("#journey-status")).to_have_text("Selesai")
    return number


def test_after_a_dispute_the_reporters_answer_to_a_question_is_not_lost(new_page, e2e_server):
    """A question asked on a report reopened by the resident's dispute: "Kirim jawaban" used to answer with no
    message, the text stayed in the box and the report stayed "Menunggu Informasi Pelapor" until it closed as
    unanswered."""
    page = new_page("id-ID", mobile=True)
    number = finished_and_tracked(page, e2e_server)
    page.fill("#id_reason", "Saluran mampet lagi, belum dibersihkan tuntas.")
    page.get_by_role("button", name="Sanggah hasil").click()
    expect(page.locator("#journey-status")).to_have_text("Dibuka Kembali")
    officer_post(
        e2e_server,
        officer_token(e2e_server),
        f"/api/v1/officer/reports/{number}/ask",
        {"question": "Di sisi mana saluran yang mampet lagi?"},
    )
    page.reload()
    expect(page.locator("#journey-status")).to_have_text("Menunggu Informasi Pelapor")
    page.fill("#id_answer", "Sisi utara, depan musala.")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#journey [role=status]")).to_contain_text("jawaban Anda sudah diteruskan")
    expect(page.locator("#journey-status")).to_have_text("Dibuka Kembali")
    expect(page.locator("#id_answer")).to_have_count(0)
    assert page.js_errors == []


def test_the_resident_sees_what_was_done_before_disputing_or_rating_and_a_dispute_withdraws_the_rating(
    new_page, e2e_server
):
    page = new_page("id-ID", mobile=True)
    finished_and_tracked(page, e2e_server)
    after = page.locator('#journey img[alt^="Foto sesudah"]')
    expect(after).to_have_count(1)
    tops = [
        page.locator(selector).bounding_box()["y"]
        for selector in ("#evidence-title", '#journey img[alt^="Foto sesudah"]', "#dispute-title", "#rate-title")
    ]
    assert tops == sorted(tops), tops  # what was done, its after photo, then "not fixed?", then the rating
    page.get_by_text("4 — puas").click()
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator("#journey")).to_contain_text("4 dari 5")
    page.fill("#id_reason", "Mampet lagi sehari kemudian.")
    page.get_by_role("button", name="Sanggah hasil").click()
    expect(page.locator("#journey-status")).to_have_text("Dibuka Kembali")
    expect(page.locator("#journey")).not_to_contain_text("4 dari 5")
    checked(page, "portal-journey-reopened")
    assert page.js_errors == []


@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_public_pages_show_a_map_from_the_configured_tiles_only_and_pass_axe(new_page, e2e_server, locale):
    page = new_page(locale, mobile=True)
    remote = watch_requests(page, e2e_server["url"])
    suffix = "" if locale == "id-ID" else "-en"
    page.goto("/publik/")
    expect(page.locator("#public-map")).to_be_visible()
    expect(page.locator("#public-map path.leaflet-interactive").first).to_be_attached()
    checked(page, "portal-public" + suffix)
    page.locator(".report-card h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/publik/JK\d+/$"))
    expect(page.locator("#public-map")).to_be_visible()
    checked(page, "portal-public-detail" + suffix)
    page.goto("/statistik/")
    expect(page.locator("table").first).to_be_visible()
    checked(page, "portal-statistics" + suffix)
    assert remote == [], remote
    assert page.tiles.requested  # the base map came from the configured tile server


def tile_zooms(requested: list[str]) -> set[int]:
    return {int(path.split("/")[1]) for path in requested}


@pytest.mark.parametrize(("path", "map_id"), [("/lapor/", "report-map"), ("/publik/", "public-map")])
@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_a_map_whose_tiles_do_not_load_says_so_and_draws_the_kota_outlines(new_page, path, map_id, locale):
    """The maps stayed blank grey, with no notice, when the tile server could not be reached (a poor connection,
    a city intranet); the kota outlines were drawn only when no tile server was configured."""
    page = new_page(locale, mobile=True)
    page.tiles.failing = True
    page.goto(path)
    notice = page.locator(f"#{map_id} + .map-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Peta dasar tidak dapat dimuat" if locale == "id-ID" else "map could not be loaded")
    expect(page.locator(f"#{map_id} path.map-outline")).to_have_count(6)  # five kota and Kepulauan Seribu
    assert page.tiles.requested
    assert axe_violations(page) == []
    fits_360(page)


def test_a_map_whose_tiles_load_shows_no_notice(new_page):
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    expect(page.locator("#report-map .leaflet-tile-loaded").first).to_be_attached()
    # every tile answered (a notice follows a tile's error): waited for as such, not as an idle network, which a
    # loaded machine did not reach within the timeout in a full run on PostgreSQL
    expect(page.locator("#report-map img.leaflet-tile:not(.leaflet-tile-loaded)")).to_have_count(0)
    assert page.locator(".map-notice").count() == 0
    assert page.locator("#report-map path.map-outline").count() == 0
    assert page.js_errors == []


def fills_the_map(page) -> None:
    """The chosen area's outline lies inside the map and fills its width or its height (the map is fitted to it)."""
    page.wait_for_timeout(400)  # Leaflet's zoom animation
    area = page.locator("#report-map path.map-area").bounding_box()
    box = page.locator("#report-map").bounding_box()
    assert area["x"] >= box["x"] - 1 and area["x"] + area["width"] <= box["x"] + box["width"] + 1
    assert area["y"] >= box["y"] - 1 and area["y"] + area["height"] <= box["y"] + box["height"] + 1
    # whole zoom levels: the next one would not fit, so the outline fills about half or more
    assert area["width"] >= 0.45 * box["width"] or area["height"] >= 0.45 * box["height"], (area, box)


def test_choosing_a_kota_then_a_kecamatan_zooms_the_map_to_it(new_page):
    """Choosing kota and kecamatan left the map on the whole city; only a kelurahan moved it."""
    page = new_page("id-ID")
    page.goto("/lapor/")
    page.wait_for_load_state("networkidle")
    assert max(tile_zooms(page.tiles.requested)) == 11  # the whole city
    page.tiles.requested.clear()
    page.select_option("#id_kota", label="Jakarta Timur")
    expect(page.locator("#report-map path.map-area")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    fills_the_map(page)
    page.tiles.requested.clear()
    page.select_option("#id_kecamatan", label="Duren Sawit")
    expect(page.locator("#id_kelurahan option")).to_have_count(8)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#report-map path.map-area")).to_have_count(1)
    fills_the_map(page)
    assert max(tile_zooms(page.tiles.requested)) >= 13
    assert page.locator("#id_lat").input_value() == ""  # zooming is not choosing a place
    assert page.js_errors == []


@pytest.mark.parametrize("path", ["/", "/lapor/", "/lacak/", "/publik/", "/statistik/", "/statistik/?kota=31.75"])
def test_every_portal_page_passes_axe_on_a_desktop_too(new_page, path):
    page = new_page("id-ID")
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_the_report_form_works_with_the_keyboard(new_page):
    page = new_page("id-ID")
    page.goto("/lapor/")
    page.locator("#id_photos").focus()
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    # photos → category search → category → description → (map tools) ... in reading order
    assert order.index("category-search") < order.index("id_category") < order.index("id_description")
    page.locator("#id_category").focus()
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_category").input_value() != ""


def test_the_api_docs_page_works_without_internet(new_page, e2e_server):
    """/api/docs used to load Swagger UI from a CDN and was blank without internet."""
    page = new_page("en-US")
    outside = []

    def only_sigap(route):
        if route.request.url.startswith(e2e_server["url"]):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_sigap)
    page.goto("/api/docs")
    # the page builds its schema from the code on its first request: on a busy machine (the suite's last minutes on
    # two cores) that took longer than expect's default 5 s, hence the browser tests' longer wait (conftest WAIT_MS)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sigap API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert outside == []
    assert page.js_errors == []


def test_the_language_switch_is_no_keyboard_trap(new_page):
    """The language list used to switch (and reload the page) on ArrowDown, so a keyboard user could not pass it."""
    page = new_page("id-ID")
    page.goto("/lapor/")
    switch = page.locator(".lang-switch button")
    expect(switch).to_have_count(1)
    switch.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.locator("html")).to_have_attribute("lang", "id")  # arrows and Tab only move: nothing switched
    switch.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Bahasa Indonesia")).to_be_visible()
    assert page.js_errors == []


def test_a_category_search_with_several_matches_lets_the_resident_choose_one(new_page):
    """It said "3 kategori cocok" and chose none, leaving the resident to find them in the list."""
    page = new_page("id-ID", mobile=True)
    page.goto("/lapor/")
    page.fill("#category-search", "jalan")
    expect(page.locator("#category-search-count")).to_contain_text("kategori cocok: pilih salah satu")
    choices = page.locator("#category-matches button")
    assert choices.count() >= 2
    choices.filter(has_text="Jalan Rusak").click()
    expect(page.locator("#id_category")).to_have_value("jalan-rusak")
    expect(page.locator("#category-search-count")).to_contain_text("Dipilih: Jalan Rusak")
    expect(choices).to_have_count(0)
    assert page.js_errors == []


def test_the_tracking_code_can_be_copied_or_saved_before_it_is_gone(new_page, e2e_server):
    """The code was shown once, with no way to copy or save it."""
    page = new_page("id-ID", mobile=True)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=e2e_server["url"])
    number, code = file_without_photo(page)
    page.get_by_role("button", name="Salin kode").click()
    expect(page.locator("[data-keep-status]")).to_have_text("Tersalin. Simpan di tempat yang aman.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert number in copied and code in copied and "/lacak/" in copied
    with page.expect_download() as download:
        page.get_by_role("button", name="Simpan sebagai berkas").click()
    saved = download.value
    assert saved.suggested_filename == f"sigap-{number}.txt"
    text = open(saved.path(), encoding="utf-8").read()
    assert number in text and code in text
    assert page.js_errors == []


def test_on_a_phone_the_tracking_code_can_be_sent_through_its_share_sheet(new_page):
    """No way to send the code to oneself (WhatsApp, email) existed; the phone's share sheet is offered where the
    browser has one (here a stand-in records what the page hands to it)."""
    page = new_page("id-ID", mobile=True)
    page.add_init_script(
        "window.__shared = []; navigator.share = (data) => { window.__shared.push(data); return Promise.resolve(); };"
    )
    number, code = file_without_photo(page)
    page.get_by_role("button", name="Bagikan ke diri sendiri (WhatsApp, email…)").click()
    shared = page.evaluate("window.__shared")
    assert len(shared) == 1 and number in shared[0]["text"] and code in shared[0]["text"]
    assert page.js_errors == []


def test_a_browser_without_a_share_sheet_is_offered_no_share_button(new_page):
    """A button the page shows only when it can work (``hidden`` until its script turns it on) showed anyway: the
    buttons' own display rule outweighed the ``hidden`` attribute, so a desktop browser without a share sheet
    offered a "share" button that did nothing, and on a phone the button could be pressed before its script
    had attached what it does."""
    page = new_page("id-ID")
    page.add_init_script("delete Navigator.prototype.share; delete Navigator.prototype.canShare;")
    file_without_photo(page)
    expect(page.get_by_role("button", name="Salin kode")).to_be_visible()
    expect(page.get_by_role("button", name="Bagikan ke diri sendiri (WhatsApp, email…)")).to_have_count(0)
    assert page.locator("[data-keep-share]").is_hidden()
    assert page.js_errors == []
