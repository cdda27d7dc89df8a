"""The identity canary on the citizen portal: reports full of unique identity markers are filed through every
entry point (the service, the API, and the portal form as private, Publik and Anonim), then every portal page,
partial, JSON endpoint and photo is rendered, and none may contain a marker.

The one response deliberately left out is the report form re-rendered after a refusal: it echoes back, to the
same browser, what that resident just typed.
"""

from __future__ import annotations

import re

import pytest

from sigap.privacy.tests.test_canary import (
    EMAIL,
    MARKERS,
    NAME,
    NIK,
    PHONE,
    TYPED,
    assert_clean,
    canary_photo,
    canary_reports,  # noqa: F401  (fixture)
)
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point, submit

from .conftest import PB, form_data, htmx, upload

pytestmark = pytest.mark.django_db


def portal_canary(client, privacy: str) -> tuple[str, str, str]:
    """File a canary report through the portal form; returns (number, tracking code, done page)."""
    data = form_data(
        description=TYPED,
        address=f"Jl. Mawar No. 14 RT 05/RW 03, a.n. {NAME}",
        privacy=privacy,
        name=NAME,
        phone=PHONE,
        email=EMAIL,
    )
    data["photos"] = upload(canary_photo(), "canary.jpg")
    response = client.post("/lapor/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    done = client.get("/lapor/terkirim/").content.decode()
    number = re.search(r'id="report-number">([^<]+)<', done).group(1)
    code = re.search(r'id="tracking-code">([^<]+)<', done).group(1)
    return number, code, done


def test_no_identity_reaches_any_portal_page_partial_or_json(
    client,
    canary_reports,
    log_capture,
    officers,
    django_capture_on_commit_callbacks,
):
    numbers, original_photo = canary_reports
    rendered: list[tuple[str, bytes]] = []

    def grab(label, response, ok=(200,)):
        assert response.status_code in ok, (label, response.status_code)
        rendered.append((label, response.content))
        return response

    resident = type(client)()  # the canary reporter's own browser
    with django_capture_on_commit_callbacks(execute=True):
        public_number, public_code, done_public = portal_canary(resident, "public")
        private_number, private_code, done_private = portal_canary(resident, "private")
        anon_number, anon_code, done_anon = portal_canary(resident, "anonymous")
    rendered += [
        ("done:public", done_public.encode()),
        ("done:private", done_private.encode()),
        ("done:anonymous", done_anon.encode()),
    ]
    assert "Foto ini mungkin menunjukkan" in done_public  # the canary photo was taken 13 km away
    everyone = numbers + [public_number, private_number, anon_number]

    # The canary reporter's own journeys (redacted text only), their photos, and an action's partial.
    for number, _code in ((public_number, public_code), (private_number, private_code), (anon_number, anon_code)):
        page = grab(f"journey:{number}", resident.get(f"/lacak/laporan/{number}/"))
        for url in re.findall(r'<img src="([^"]+)"', page.content.decode()):
            body = grab(f"journey-photo:{url}", resident.get(url)).content
            assert original_photo[:2000] not in body
    with django_capture_on_commit_callbacks(execute=True):
        report = Report.objects.get(number=private_number)
        services.report_ask_reporter(report_id=report.pk, actor=officers["pb"], question="Di RT berapa?")
    answered = grab(
        "journey-answer",
        resident.post(f"/lacak/laporan/{private_number}/jawab/", {"answer": f"RT 05, saya {NAME}, {PHONE}"}, **htmx()),
    ).content.decode()
    assert "Jawaban Anda, seperti yang dibaca petugas:" in answered and "RT 05, saya" in answered  # shown, redacted

    # Anyone else: a different browser following only its own, ordinary report.
    other = submit(description="Lampu jalan mati di tikungan dekat pos ronda.", category="lampu-jalan")
    c = type(client)()
    grab("track-post", c.post("/lacak/", {"code": other.tracking_code}), ok=(302,))
    grab("journey:other", c.get(f"/lacak/laporan/{other.report.number}/"))
    for number in everyone:  # the canary journeys and public pages of private reports are closed to them
        grab(f"journey-closed:{number}", c.get(f"/lacak/laporan/{number}/"), ok=(302,))
        grab(f"public-closed:{number}", c.get(f"/publik/{number}/"), ok=(200, 404))
    for path in (
        "/",
        "/lapor/",
        "/lacak/",
        "/publik/",
        "/publik/?kota=31.75&category=saluran-tersumbat",
        "/publik/peta.json",
        "/statistik/",
        "/statistik/?kota=31.75",
        "/statistik/kinerja/",
        "/statistik/kinerja/?kota=31.75&hari=90",
        "/lapor/terkirim/",
        f"/wilayah/{PB}/batas.json",
        "/wilayah/kota.json",
        "/lapor/wilayah/?kota=31.75&kecamatan=31.75.07",
        f"/lapor/wilayah/?kelurahan={PB}",
    ):
        for lang in ("id", "en"):
            grab(f"{path}:{lang}", c.get(path, HTTP_ACCEPT_LANGUAGE=lang))
    public_page = grab("public-detail", c.get(f"/publik/{public_number}/"))
    assert "Got mampet parah" in public_page.content.decode()  # the redacted text is really shown
    for url in re.findall(r'<img src="([^"]+)"', public_page.content.decode()):
        body = grab(f"public-photo:{url}", c.get(url)).content
        assert original_photo[:2000] not in body and b"Exif" not in body
    features = c.get("/publik/peta.json").json()["features"]
    assert [f["properties"]["number"] for f in features] == [public_number]

    lat, lon = inner_point(PB)
    # "similar reports" counts Privat and Anonim reports from the day after they were filed: the canaries' were today
    from datetime import timedelta

    from django.db.models import F

    # filed yesterday, as they stood at the start of today: "similar reports" counts them only then
    Report.objects.exclude(privacy="public").update(
        created_at=F("created_at") - timedelta(days=1), status_changed_at=F("status_changed_at") - timedelta(days=1)
    )
    grab("region-pin", c.post("/lapor/wilayah/", {"lat": lat, "lon": lon}, **htmx()))
    similar = grab(
        "similar", c.post("/lapor/serupa/", {"category": "saluran-tersumbat", "lat": lat, "lon": lon}, **htmx())
    ).content.decode()
    assert public_number in similar and "laporan privat serupa" in similar  # the canaries were candidates
    assert private_number not in similar and anon_number not in similar  # Private ones are only counted
    grab("similar-follow-private", c.post(f"/lapor/serupa/{private_number}/", **htmx()), ok=(404,))
    grab("similar-follow-public", c.post(f"/lapor/serupa/{public_number}/", **htmx()), ok=(204,))
    grab(
        "photo-check",
        c.post("/lapor/cek-foto/", {"photo": upload(canary_photo(), "canary.jpg"), "lat": lat, "lon": lon}),
    )
    warned = grab(
        "address-check",
        c.post(
            "/lapor/cek-alamat/", {"address": f"Jl. Kebon Sirih, Menteng, a.n. {NAME} {PHONE}", "lat": lat, "lon": lon}
        ),
    ).json()["warning"]
    assert "Menteng" in warned  # the check ran on the canary's address, and names only places

    assert len(rendered) > 50
    for label, content in rendered:
        assert_clean(content, label)
    assert_clean(log_capture.getvalue(), "log output")


def test_the_canary_markers_are_real(client, canary_reports):
    """Positive control: the form re-rendered after a refusal echoes the resident's own input, markers included."""
    response = client.post(
        "/lapor/",
        form_data(description=TYPED, name=NAME, phone=PHONE, email=EMAIL, nik=NIK, kelurahan="", kecamatan="", kota=""),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert any(marker in html for marker in MARKERS)
    with pytest.raises(AssertionError):
        assert_clean(html, "the resident's own refused form")
