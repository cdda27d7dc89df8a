"""The whole journey across both web apps, as people do it: a resident reports a broken road with a photo in
Pondok Bambu on the portal; the Pondok Bambu officer finds it in the console (no identity on any page) and
coordinates it to Suku Dinas Bina Marga Jakarta Timur; the Suku Dinas works it and proves it with photos; the
validator accepts; the resident sees Selesai on the portal and rates it. Once in Indonesian, once in English
(both the resident and the officers switch language)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, one_time_code, reload_until_photos, screenshot
from .test_console import jpeg as proof_jpeg
from .test_portal import photo_file

pytestmark = pytest.mark.xdist_group("browser")
RESIDENT = {"name": "Kartini Wulandari", "phone": "0813-4455-6677", "email": "kartini.w@example.org"}
IDENTITY = ("Kartini", "Wulandari", "4455-6677", "44556677", "kartini.w")
STATUS = {"id": {"done": "Selesai", "waiting": "Menunggu"}, "en": {"done": "Done", "waiting": "Waiting"}}


def switch_language(page, lang: str) -> None:
    if lang == "id" or page.locator("html").get_attribute("lang") == lang:
        return
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def officer_page(page, lang: str) -> None:
    """Every console page the officers see: no identity, no serious accessibility problem, no JS error."""
    page.wait_for_load_state("networkidle")
    html = page.content()
    for marker in IDENTITY:
        assert marker not in html, f"{marker!r} on {page.url}"
    assert axe_violations(page) == [], page.url
    assert page.js_errors == [], page.js_errors


def officer_login(page, username: str, password: str, lang: str) -> None:
    page.goto("/petugas/masuk/")
    switch_language(page, lang)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    code = one_time_code(username)
    if code:
        page.fill("#id_otp", code)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/petugas/**")


def officer_logout(page) -> None:
    page.locator("form[action$='/petugas/keluar/'] button").click()
    page.wait_for_url("**/petugas/masuk/")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_resident_to_selesai_across_the_portal_and_the_console(new_page, e2e_server, lang):
    password = e2e_server["password"]
    resident = new_page("id-ID", mobile=True)
    resident.goto("/lapor/")
    switch_language(resident, lang)
    resident.set_input_files("#id_photos", files=[photo_file()])
    resident.select_option("#id_category", "jalan-rusak")
    resident.fill("#id_description", "Jalan berlubang dalam di depan sekolah, motor sering jatuh saat hujan.")
    resident.select_option("#id_kota", label="Jakarta Timur")
    expect(resident.locator("#id_kecamatan option")).to_have_count(11)
    resident.select_option("#id_kecamatan", label="Duren Sawit")
    expect(resident.locator("#id_kelurahan option")).to_have_count(8)
    resident.select_option("#id_kelurahan", label="Pondok Bambu")
    expect(resident.locator("#location-status")).to_contain_text("Pondok Bambu")
    resident.fill("#id_name", RESIDENT["name"])
    resident.fill("#id_phone", RESIDENT["phone"])
    resident.fill("#id_email", RESIDENT["email"])
    # the similar-reports answer (asked for once category and place are chosen) is in before the report is sent:
    # when earlier runs left reports nearby it inserts cards above the send button, and a click aimed while they
    # arrive can land on one of them instead
    expect(resident.locator("#similar-results")).to_contain_text(re.compile("kirim laporan Anda|send your report"))
    resident.locator("form button[type=submit]").filter(has_text=re.compile("Kirim laporan|Send report")).click()
    expect(resident).to_have_url(re.compile(r"/lapor/terkirim/$"))
    number = resident.locator("#report-number").inner_text()
    expect(resident.locator("main")).to_contain_text("Kelurahan Pondok Bambu")
    screenshot(resident, f"journey-{lang}-1-reported")

    officer = new_page("id-ID")
    officer_login(officer, "petugas.pondokbambu", password, lang)
    officer.goto("/petugas/")
    expect(officer.get_by_role("link", name=number, exact=True)).to_be_visible()
    officer_page(officer, lang)
    officer.get_by_role("link", name=number, exact=True).click()
    officer.wait_for_url(f"**/petugas/laporan/{number}/")
    reload_until_photos(officer, "#report-panel .photos img", 1)  # de-identified by the worker after filing
    expect(officer.locator("#report-panel .photos img").first).to_be_visible()
    officer_page(officer, lang)
    officer.locator("#act-coordinate summary").click()
    officer.locator("#form-coordinate").get_by_label("Suku Dinas Bina Marga Jakarta Timur").check()
    officer.fill("#coordinate-reason", "Bukan tupoksi kelurahan: jalan kota.")
    officer.click("#coordinate-submit")
    expect(officer.locator("#report-panel [role=status]")).to_contain_text("Suku Dinas Bina Marga Jakarta Timur")
    officer_page(officer, lang)
    screenshot(officer, f"journey-{lang}-2-coordinated")
    officer_logout(officer)

    officer_login(officer, "sudin.binamarga.jt", password, lang)
    officer.goto(f"/petugas/laporan/{number}/")
    officer.locator("#act-accept button[type=submit]").click()
    expect(officer.locator("#act-add_photo")).to_be_attached()
    for kind, colour in (("before", (120, 80, 60)), ("after", (60, 130, 80))):
        upload = officer.locator("#act-add_photo")
        if upload.get_attribute("open") is None:
            upload.locator("summary").click()
        upload.locator(f"input[name=kind][value={kind}]").check()
        upload.locator("input[type=file]").set_input_files(
            files=[{"name": f"{kind}.jpg", "mimeType": "image/jpeg", "buffer": proof_jpeg(colour, kind)}]
        )
        upload.locator("button[type=submit]").click()
        expect(officer.locator("#report-panel [role=status]")).to_be_visible()
        officer.wait_for_load_state("networkidle")
    reload_until_photos(officer, ".proof-pair img", 2)
    officer.locator("#act-request_validation button[type=submit]").click()
    expect(officer.locator("#act-request_validation")).to_have_count(0)
    officer_page(officer, lang)
    officer_logout(officer)

    officer_login(officer, "validator", password, lang)
    officer.goto("/petugas/validasi/")
    card = officer.locator(f"#val-{number}")
    expect(card.locator("img")).to_have_count(3)  # before and after, beside the resident's own photo
    expect(card.locator(".proof-flags").first).to_be_visible()  # the test's photos carry no camera time or place
    officer_page(officer, lang)
    card.locator("textarea[name=reason]").fill("Dicek langsung ke lokasi.")  # a flagged proof needs a reason
    card.locator("button[name=decision][value=accept]").click()
    # the answer that replaces the card (its accept button says "Selesai" too, so the card's text alone would
    # match before the decision is stored, and the resident's page below could be read first)
    expect(card.locator("[role=status]")).to_contain_text(re.compile("Selesai|Done"))
    screenshot(officer, f"journey-{lang}-3-validated")

    resident.goto(f"/lacak/laporan/{number}/")  # this browser holds the tracking code since reporting
    expect(resident).to_have_url(re.compile(rf"/lacak/laporan/{number}/$"))
    expect(resident.locator("#journey-status")).to_have_text(STATUS[lang]["done"])
    expect(resident.locator("#journey-status")).to_have_class(re.compile("status-green"))
    expect(resident.locator("#journey")).to_contain_text("Suku Dinas Bina Marga Jakarta Timur")
    coordinated = {"id": "Dikoordinasikan ke", "en": "Coordinated to"}  # the system's notes in the page's language
    expect(resident.locator("#journey")).to_contain_text(f"{coordinated[lang]} Suku Dinas Bina Marga Jakarta Timur.")
    resident.check("#rating-5")
    resident.fill("#id_comment", "Cepat dan rapi, terima kasih.")
    resident.locator("form[action$='/nilai/'] button[type=submit]").click()
    expect(resident.locator("#journey")).to_contain_text(re.compile("5 dari 5|5 of 5|5 out of 5"))
    assert axe_violations(resident) == [] and resident.js_errors == []
    screenshot(resident, f"journey-{lang}-4-rated")
