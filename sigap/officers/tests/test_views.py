"""The officer console: login, queue, report page, every action (htmx and plain POST), photos, scoping."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sigap.organization.models import StaffRole
from sigap.privacy.models import AccessEvent
from sigap.reports.models import Hop, Photo, Report
from sigap.reports.tests.factories import submit

from .helpers import EN, GAMBIR_KEL, HTMX, PB_UNIT, SUDIN, action, console, text, to_validation, upload

pytestmark = pytest.mark.django_db
R = StaffRole.Role


@pytest.fixture
def pb(staff):
    return staff("petugas.pb", PB_UNIT)


@pytest.fixture
def sudin(staff):
    return staff("sudin.bm", SUDIN)


@pytest.fixture
def validator(staff):
    return staff("validator.biro", "biro-pemerintahan", R.VALIDATOR)


def refused(response) -> int:
    """An htmx refusal answers 200 (the panel is swapped in) and names the status a JSON client would get."""
    assert response.status_code == 200 and response["X-Sigap-Refusal"]
    return int(response["X-Sigap-Refusal-Status"])


refused_status = refused


def road():
    return submit("jalan-rusak", description="Jalan berlubang dalam di depan sekolah, motor sering jatuh.").report


# --- login / logout ----------------------------------------------------------------------------


def test_login_page_speaks_indonesian_by_default_and_english_on_request(client):
    page = text(client.get("/petugas/masuk/"))
    assert "Nama pengguna" in page and "Kata sandi" in page and ">Masuk</button>" in page
    assert 'name="csrfmiddlewaretoken"' in page
    english = text(client.get("/petugas/masuk/", **EN))
    assert "Username" in english and "Password" in english and ">Log in</button>" in english
    assert "Nama pengguna" not in english


def test_officer_logs_in_lands_on_the_queue_and_logs_out_with_post(client, pb):
    response = client.post("/petugas/masuk/", {"username": "petugas.pb", "password": "test-password-123"})
    assert response.status_code == 302 and response["Location"] == "/petugas/"
    assert client.get("/petugas/").status_code == 200
    assert client.get("/petugas/keluar/").status_code == 405  # logout is POST only
    response = client.post("/petugas/keluar/")
    assert response.status_code == 302 and response["Location"] == "/petugas/masuk/"
    assert client.get("/petugas/").status_code == 302


def test_wrong_password_shows_a_message_and_guessing_is_braked(client, pb):
    response = client.post("/petugas/masuk/", {"username": "petugas.pb", "password": "nope"})
    assert response.status_code == 200 and "Nama pengguna atau kata sandi salah." in text(response)
    for _ in range(4):  # the fifth failure for this account from this address locks it (django-axes)
        client.post("/petugas/masuk/", {"username": "petugas.pb", "password": "nope"})
    blocked = client.post("/petugas/masuk/", {"username": "petugas.pb", "password": "test-password-123"})
    assert blocked.status_code == 429 and "Terlalu banyak percobaan" in text(blocked)


def test_anonymous_visitors_are_sent_to_login_and_htmx_polls_get_a_redirect_header(client):
    response = client.get("/petugas/laporan/JK1/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/?next=")
    poll = client.get("/petugas/antrean/", HTTP_HX_CURRENT_URL="http://testserver/petugas/?status=waiting", **HTMX)
    assert poll.status_code == 200 and poll["HX-Redirect"] == "/petugas/masuk/?next=/petugas/"


def test_account_without_a_staff_role_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="test-password-123")
    response = console(user).get("/petugas/")
    assert response.status_code == 403


# --- navigation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, unit, shown, hidden",
    [
        (R.OFFICER, PB_UNIT, ["/petugas/"], ["/petugas/validasi/", "/petugas/dasbor/", "/petugas/operator/"]),
        (
            R.VALIDATOR,
            "biro-pemerintahan",
            ["/petugas/", "/petugas/validasi/", "/petugas/dasbor/"],
            ["/petugas/operator/"],
        ),
        (R.SUPERVISOR, "kota:31.75", ["/petugas/", "/petugas/dasbor/"], ["/petugas/validasi/", "/petugas/operator/"]),
    ],
)
def test_nav_shows_the_pages_the_role_allows(staff, role, unit, shown, hidden):
    page = text(console(staff("someone", unit, role)).get("/petugas/"))
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    for url in shown:
        assert f'href="{url}"' in nav
    for url in hidden:
        assert f'href="{url}"' not in nav
    assert "Keluar" in nav and 'action="/petugas/keluar/"' in nav


def test_operator_landing_on_the_queue_is_sent_to_the_operator_page(staff):
    response = console(staff("op", "biro-pemerintahan", R.OPERATOR)).get("/petugas/")
    assert response.status_code == 302 and response["Location"] == "/petugas/operator/"


@pytest.mark.parametrize("path", ["/petugas/validasi/", "/petugas/dasbor/", "/petugas/dasbor/peta.json"])
def test_a_kelurahan_officer_cannot_open_the_validator_or_supervisor_pages(pb, path):
    assert console(pb).get(path).status_code == 403


# --- the queue ---------------------------------------------------------------------------------


def test_queue_lists_my_units_open_reports_with_counts_soonest_deadline_first(pb, sudin):
    now = timezone.now()
    old = submit(now=now - timedelta(days=20)).report
    new = submit("sampah", description="Sampah menumpuk di TPS tiga hari tidak diangkut.").report
    closed = submit().report
    from sigap.reports import services

    services.report_reject(report_id=closed.pk, actor=pb, reason="duplikat laporan lain")
    gambir = submit("saluran-tersumbat", GAMBIR_KEL).report
    page = text(console(pb).get("/petugas/"))
    assert old.number in page and new.number in page
    assert gambir.number not in page and closed.number not in page  # open reports of my unit by default
    assert page.index(old.number) < page.index(new.number)  # the overdue one (older deadline) first
    assert "Terlambat" in page
    assert 'hx-trigger="every 20s"' in page and 'hx-get="/petugas/antrean/"' in page
    assert ">Terbuka <strong>2</strong>" in page and "Menunggu <strong>2</strong>" in page
    assert "Ditolak <strong>1</strong>" in page
    everything = text(console(pb).get("/petugas/", {"status": "all"}))
    assert closed.number in everything and gambir.number not in everything
    # each row's cells, written in Python (``listing.RowText``), say what Django's filters say
    from django.template.defaultfilters import date as date_filter

    from sigap.officers.templatetags.officer_console import status_colour, status_label

    old.refresh_from_db()
    row = re.search(rf'<tr[^>]*>\s*<td><a id="q-{old.number}".*?</tr>', page, re.S).group(0)
    assert f'href="/petugas/laporan/{old.number}/"' in row and f"<strong>{old.category.name}</strong>" in row
    assert f'<span class="status status-{status_colour(old.status)}">{status_label(old.status)}</span>' in row
    for at in (old.hop_deadline, old.due_at):
        local = timezone.localtime(at)
        assert f'<time datetime="{date_filter(local, "c")}">{date_filter(local, "j M H:i")}</time>' in row


def test_queue_filters_by_status_category_kelurahan_and_overdue(pb):
    now = timezone.now()
    late = submit(now=now - timedelta(days=20)).report
    bins = submit("sampah", description="Sampah menumpuk di TPS tiga hari tidak diangkut.").report
    c = console(pb)

    def numbers(**params):
        page = text(c.get("/petugas/", params))
        return {n for n in (late.number, bins.number) if f">{n}</a>" in page}

    assert numbers() == {late.number, bins.number}
    assert numbers(category="sampah") == {bins.number}
    assert numbers(kategori="sampah") == {bins.number}  # a bookmark from before the parameter was renamed
    assert numbers(overdue="1") == {late.number}
    assert numbers(overdue="0") == {bins.number}
    assert numbers(kelurahan="31.75.07.1002") == {late.number, bins.number}
    assert numbers(status="in_progress") == set()
    assert numbers(status="waiting", sort="new") == {late.number, bins.number}
    assert numbers(status="bogus") == {late.number, bins.number}  # an unknown filter is not applied


def test_queue_paginates_and_the_partial_keeps_the_filters(pb):
    for _ in range(27):
        submit()
    c = console(pb)
    first = text(c.get("/petugas/"))
    assert "Laporan 1–25 dari 27." in first and "?page=2" in first
    second = text(c.get("/petugas/", {"page": 2}))
    assert "Laporan 26–27 dari 27." in second
    partial = c.get("/petugas/antrean/", {"page": 2, "category": "saluran-tersumbat"}, **HTMX)
    body = text(partial)
    assert partial.status_code == 200 and body.startswith('<div id="queue-live"')
    assert "<html" not in body and "Laporan 26–27 dari 27." in body
    assert 'hx-get="/petugas/antrean/?category=saluran-tersumbat&amp;page=2"' in body


def test_every_queue_listing_and_poll_is_recorded(pb):
    report = submit().report
    c = console(pb)
    before = AccessEvent.objects.count()
    c.get("/petugas/")
    c.get("/petugas/antrean/", **HTMX)
    rows = list(AccessEvent.objects.order_by("seq")[before:])
    assert [r.action for r in rows] == ["list_reports", "list_reports"]
    assert rows[0].detail["reports"] == [report.number] and rows[0].actor_username == "petugas.pb"


def test_queue_renders_in_english(pb):
    submit()
    page = text(console(pb).get("/petugas/", **EN))
    assert "My unit's report queue" in page and "Clogged drain" in page and "Waiting" in page
    assert "Antrean laporan unit saya" not in page
    # the category filter in the order of the names shown (it was by the Indonesian names: unordered in English)
    select = page[page.index('name="category"') :]
    shown = re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select[: select.index("</select>")])
    assert len(shown) > 10 and shown == sorted(shown, key=str.casefold)


# --- the report page ---------------------------------------------------------------------------


def test_report_page_shows_the_report_map_suggestions_and_history_and_is_logged(pb, settings):
    settings.SIGAP_TILE_URL = ""
    report = road()
    before = AccessEvent.objects.count()
    response = console(pb).get(f"/petugas/laporan/{report.number}/")
    page = text(response)
    assert response.status_code == 200
    assert "Jalan berlubang dalam di depan sekolah" in page and "Jalan Rusak / Berlubang" in page
    assert 'class="map js-map"' in page and 'data-tile-url=""' in page and "vendor/leaflet/leaflet.js" in page
    assert 'data-outline-url="/wilayah/kota.json"' in page  # drawn without a base layer
    assert f'data-lat="{report.lat}"' in page
    assert 'value="sudin-bina-marga:31.75"' in page and "Suku Dinas Bina Marga Jakarta Timur" in page
    for title in (
        "Terima / proses",
        "Koordinasi ke unit lain",
        "Tanya pelapor",
        "Tolak laporan",
        "Teruskan ke instansi lain",
        "Gabungkan duplikat",
    ):
        assert title in page
    assert "Ajukan validasi" not in page  # not allowed while waiting
    # the ask form says beforehand what the question may not ask, nor hand over
    assert "ajakan bertemu, dan nomor, email, tautan atau akun untuk menghubungi Anda di luar Sigap ditolak" in page
    assert "Budi" not in page and "081234567890" not in page  # the factory's reporter
    row = AccessEvent.objects.order_by("seq")[before]
    assert row.action == "view_report" and row.report_number == report.number


def test_report_page_renders_in_english(pb):
    report = road()
    page = text(console(pb).get(f"/petugas/laporan/{report.number}/", **EN))
    assert "Damaged or potholed road" in page and "Coordinate to another unit" in page and "History" in page
    assert "Koordinasi ke unit lain" not in page


def test_kelurahan_officer_cannot_open_another_kelurahan_report(pb, jpeg):
    other = submit("saluran-tersumbat", GAMBIR_KEL, photos=[("f.jpg", jpeg())]).report
    c = console(pb)
    assert c.get(f"/petugas/laporan/{other.number}/").status_code == 404
    assert c.get(f"/petugas/laporan/{other.number}/panel/", **HTMX).status_code == 404
    photo = other.photos.get()
    assert c.get(f"/petugas/laporan/{other.number}/foto/{photo.pk}/").status_code == 404
    assert action(c, other.number, "terima").status_code == 404
    other.refresh_from_db()
    assert other.status == "waiting"


def test_another_reports_photo_is_not_served_under_my_report(pb, jpeg):
    mine = submit(photos=[("f.jpg", jpeg())]).report
    other = submit("saluran-tersumbat", GAMBIR_KEL, photos=[("f.jpg", jpeg())]).report
    c = console(pb)
    own = mine.photos.get()
    response = c.get(f"/petugas/laporan/{mine.number}/foto/{own.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert AccessEvent.objects.order_by("-seq").first().action == "view_photo"
    foreign = other.photos.get()
    assert c.get(f"/petugas/laporan/{mine.number}/foto/{foreign.pk}/").status_code == 404


def test_unit_search_partial_finds_units_for_coordination(pb):
    body = text(console(pb).get("/petugas/unit/cari/", {"unit_q": "bina marga jakarta timur"}, **HTMX))
    assert 'value="sudin-bina-marga:31.75"' in body and 'form="form-coordinate"' in body
    nothing = text(console(pb).get("/petugas/unit/cari/", {"unit_q": "zzzz"}, **HTMX))
    assert "Tidak ada unit yang cocok" in nothing


def test_unit_search_without_javascript_renders_in_the_report_page(pb):
    report = road()
    page = text(console(pb).get(f"/petugas/laporan/{report.number}/", {"unit_q": "pam jaya"}))
    assert 'value="pam-jaya"' in page and '<details class="action" id="act-coordinate" open>' in page


# --- actions -----------------------------------------------------------------------------------


def test_accept_through_htmx_swaps_the_panel_with_the_new_status(pb):
    report = road()
    response = action(console(pb), report.number, "terima", {"note": "Tim dijadwalkan."})
    body = text(response)
    assert response.status_code == 200 and body.startswith('<div id="report-panel"')
    assert "Laporan diterima dan sedang diproses" in body and ">Proses</span>" in body
    report.refresh_from_db()
    assert report.status == "in_progress" and report.public_note == "Tim dijadwalkan."
    assert AccessEvent.objects.order_by("-seq").first().detail.get("after") == "accept"
    # proof is taken on the spot: on a phone the upload opens the camera (#12)
    assert re.search(r'<input type="file" id="photo-file"[^>]*capture="environment"', body)


def test_coordinate_via_the_suggestion_moves_the_report_to_the_suku_dinas(pb):
    report = road()
    response = action(
        console(pb), report.number, "koordinasi", {"to_unit": SUDIN, "reason": "bukan tupoksi: jalan kota"}
    )
    assert response.status_code == 200
    assert "Laporan dikoordinasikan ke Suku Dinas Bina Marga Jakarta Timur." in text(response)
    report.refresh_from_db()
    assert report.status == "koordinasi" and report.unit.code == SUDIN
    hop = Hop.objects.get(report=report)
    assert hop.reason == "bukan tupoksi: jalan kota" and hop.actor.username == "petugas.pb"
    assert "Tidak ada tindakan yang dapat Anda lakukan" in text(response)  # no longer at Pondok Bambu


@pytest.mark.parametrize(
    "lang, expected",
    [
        ({}, "Perubahan ke Koordinasi memerlukan alasan."),
        (EN, "Moving to Coordination needs a reason."),
    ],
)
def test_a_refusal_is_shown_next_to_the_form_in_the_active_language(pb, lang, expected):
    report = road()
    response = action(console(pb), report.number, "koordinasi", {"to_unit": SUDIN, "reason": "  "}, **lang)
    body = text(response)
    assert refused(response) == 422 and response["X-Sigap-Refusal"] == "coordinate"
    assert response["X-Sigap-Refusal-Code"] == "reason_required"
    assert expected in body and 'id="err-coordinate"' in body
    assert '<details class="action" id="act-coordinate" open>' in body
    report.refresh_from_db()
    assert report.status == "waiting"


def test_coordinate_without_a_unit_is_refused_by_the_form(pb):
    report = road()
    response = action(console(pb), report.number, "koordinasi", {"reason": "bukan tupoksi"})
    assert refused(response) == 422 and "Pilih unit tujuan." in text(response)


def test_dispose_from_the_dinas_to_its_suku_dinas(staff):
    admin = staff("admin.bm", "dinas-bina-marga", R.UNIT_ADMIN)
    pb_officer = staff("petugas.pb", PB_UNIT)
    report = road()
    from sigap.reports import services

    services.report_coordinate(
        report_id=report.pk, actor=pb_officer, to_unit="dinas-bina-marga", reason="jalan provinsi?"
    )
    c = console(admin)
    page = text(c.get(f"/petugas/laporan/{report.number}/"))
    assert "Disposisi ke unit di bawah" in page and 'value="sudin-bina-marga:31.71"' in page
    response = action(c, report.number, "disposisi", {"to_unit": SUDIN, "reason": "wilayah Jakarta Timur"})
    assert "Laporan didisposisikan ke Suku Dinas Bina Marga Jakarta Timur." in text(response)
    report.refresh_from_db()
    assert report.status == "disposisi" and report.unit.code == SUDIN
    back = action(c, report.number, "disposisi", {"to_unit": "kel:31.75.07.1002", "reason": "x"})
    assert refused(back) in (403, 409)  # no longer at the dinas


def test_proof_photos_then_validation_request_then_the_validator_accepts(pb, sudin, validator, jpeg):
    report = road()
    c_pb = console(pb)
    action(c_pb, report.number, "koordinasi", {"to_unit": SUDIN, "reason": "bukan tupoksi: jalan kota"})
    c = console(sudin)
    action(c, report.number, "terima")
    early = action(c, report.number, "ajukan-validasi")
    assert refused(early) == 409 and "minimal satu foto sebelum dan satu foto sesudah" in text(early)
    before = upload(c, report.number, "before", jpeg(colour=(10, 10, 10)))
    assert before.status_code == 200 and "Foto sebelum tersimpan." in text(before)
    not_image = upload(c, report.number, "after", b"GIF89a not really", name="x.gif")
    assert refused(not_image) == 422 and "bukan foto" in text(not_image)
    missing = action(c, report.number, "foto", {"kind": "after"})
    assert refused(missing) == 422 and "Pilih berkas foto." in text(missing)
    after = upload(c, report.number, "after", jpeg(colour=(240, 240, 240)))
    body = text(after)
    assert "Foto sesudah tersimpan." in body
    photos = list(Photo.objects.filter(report=report).order_by("pk"))
    assert [p.kind for p in photos] == ["before", "after"] and all(p.unit.code == SUDIN for p in photos)
    assert f"/petugas/laporan/{report.number}/foto/{photos[1].pk}/" in body
    asked = action(c, report.number, "ajukan-validasi", {"note": "Lubang sudah ditambal."})
    assert "Tindak lanjut diajukan untuk validasi." in text(asked)
    # the unit is told what it waits for, not that the report is not at its unit or closed (a CRM team's walk)
    assert "menunggu keputusan validator" in text(asked) and "tidak sedang berada di unit Anda" not in text(asked)
    report.refresh_from_db()
    assert report.status == "awaiting_validation"
    assert (
        refused(action(c, report.number, "validasi", {"decision": "accept", "reason": "Bukti diperiksa."})) == 403
    )  # not a validator
    done = action(console(validator), report.number, "validasi", {"decision": "accept", "reason": "Bukti diperiksa."})
    assert "laporan Selesai" in text(done)
    report.refresh_from_db()
    assert report.status == "done"


def test_ask_reject_forward_and_merge_each_change_the_report(pb):
    c = console(pb)
    asked = submit().report
    action(c, asked.number, "tanya", {"question": "Di RT berapa tepatnya?"})
    rejected = submit().report
    action(c, rejected.number, "tolak", {"reason": "Lokasi di lahan swasta."})
    forwarded = submit().report
    action(c, forwarded.number, "teruskan", {"destination": "PLN", "reason": "gangguan kabel listrik"})
    kept, duplicate = submit().report, submit().report
    page = text(c.get(f"/petugas/laporan/{duplicate.number}/"))
    assert f'<option value="{kept.number}">' in page  # a candidate duplicate is offered
    action(c, duplicate.number, "gabungkan", {"into": kept.number.lower()})
    expected = {asked: "awaiting_reporter", rejected: "rejected", forwarded: "forwarded", duplicate: "merged"}
    for report, status in expected.items():
        report.refresh_from_db()
        assert report.status == status, report.number
    assert duplicate.merged_into_id == kept.pk
    assert rejected.public_note == "Lokasi di lahan swasta."


def test_merge_into_a_report_i_cannot_see_is_refused(pb):
    mine = submit().report
    other = submit("saluran-tersumbat", GAMBIR_KEL).report
    response = action(console(pb), mine.number, "gabungkan", {"into": other.number})
    assert refused(response) == 422 and "Laporan tujuan tidak ditemukan." in text(response)


def test_unknown_action_is_not_found_and_get_is_not_allowed(pb):
    report = road()
    c = console(pb)
    assert action(c, report.number, "hapus").status_code == 404
    assert c.get(f"/petugas/laporan/{report.number}/terima/").status_code == 405


def test_without_javascript_an_action_redirects_back_with_a_message(pb):
    report = road()
    c = console(pb)
    response = action(c, report.number, "terima", htmx=False)
    assert response.status_code == 302 and response["Location"] == f"/petugas/laporan/{report.number}/"
    page = text(c.get(response["Location"]))
    assert "Laporan diterima dan sedang diproses" in page
    refused = action(c, report.number, "tolak", {"reason": ""}, htmx=False)
    body = text(refused)
    assert refused.status_code == 422 and "<html" in body and "Perubahan ke Ditolak memerlukan alasan." in body


def test_actions_need_the_csrf_token(pb):
    report = road()
    c = console(pb, enforce_csrf=True)
    response = action(c, report.number, "terima")
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "waiting"


def test_panel_partial_renders_and_revisits_are_flagged(pb, sudin):
    report = road()
    from sigap.reports import services

    services.report_coordinate(report_id=report.pk, actor=pb, to_unit=SUDIN, reason="bukan tupoksi")
    services.report_coordinate(report_id=report.pk, actor=sudin, to_unit=PB_UNIT, reason="saluran, bukan jalan")
    body = text(console(pb).get(f"/petugas/laporan/{report.number}/panel/", **HTMX))
    assert body.startswith('<div id="report-panel"') and "Bolak-balik" in body and "bolak-balik</span>" in body


# --- the validator queue -----------------------------------------------------------------------


def test_validation_queue_shows_before_and_after_side_by_side_and_accepts_in_place(pb, validator, jpeg):
    report = submit().report
    to_validation(report, pb, jpeg)
    c = console(validator)
    before_log = AccessEvent.objects.count()
    page = text(c.get("/petugas/validasi/"))
    assert f'id="val-{report.number}"' in page and 'class="proof-pair"' in page
    before, after = report.photos.get(kind="before"), report.photos.get(kind="after")
    assert page.index(f"/foto/{before.pk}/") < page.index(f"/foto/{after.pk}/")
    actions_logged = [e.action for e in AccessEvent.objects.order_by("seq")[before_log:]]
    assert actions_logged == ["list_reports", "view_report"]
    refused = c.post(
        f"/petugas/laporan/{report.number}/validasi/",
        {"decision": "reject", "reason": "", "context": "validation"},
        **HTMX,
    )
    assert refused_status(refused) == 422 and "memerlukan alasan" in text(refused)
    assert text(refused).startswith(f'<article class="card validation-card" id="val-{report.number}"')
    accepted = c.post(
        f"/petugas/laporan/{report.number}/validasi/",
        {"decision": "accept", "reason": "Bukti diperiksa.", "context": "validation"},
        **HTMX,
    )
    assert accepted.status_code == 200 and "laporan Selesai" in text(accepted)
    # the decided card keeps neither the warning meant before deciding nor the validator's note labelled as the
    # unit's ("Catatan unit: Tindak lanjut telah divalidasi.": a CRM team's walk)
    assert "Terima hanya bila Anda yakin" not in text(accepted) and "Catatan unit:" not in text(accepted)
    report.refresh_from_db()
    assert report.status == "done"
    assert report.number not in text(c.get("/petugas/validasi/"))


def test_a_decision_in_place_updates_the_queue_s_count(pb, validator, jpeg):
    """Found by a newcomer's review: after accepting in place the heading still said "2 laporan menunggu validasi"."""
    first, second = submit().report, submit().report
    for report in (first, second):
        to_validation(report, pb, jpeg)
    c = console(validator)
    assert 'id="validation-count"' in text(c.get("/petugas/validasi/"))
    assert "2 laporan menunggu validasi" in text(c.get("/petugas/validasi/"))
    accepted = c.post(
        f"/petugas/laporan/{first.number}/validasi/",
        {"decision": "accept", "reason": "Bukti diperiksa.", "context": "validation"},
        **HTMX,
    )
    body = text(accepted)
    assert 'id="validation-count" hx-swap-oob="true"' in body and "1 laporan menunggu validasi" in body
    refused = c.post(
        f"/petugas/laporan/{second.number}/validasi/",
        {"decision": "reject", "reason": "", "context": "validation"},
        **HTMX,
    )
    assert "1 laporan menunggu validasi" in text(refused)  # refused, and the count as it is now


def test_validator_rejects_the_follow_up_with_a_reason_without_javascript(pb, validator, jpeg):
    report = submit().report
    to_validation(report, pb, jpeg)
    c = console(validator)
    response = c.post(
        f"/petugas/laporan/{report.number}/validasi/",
        {"decision": "reject", "reason": "Foto sesudah buram.", "context": "validation"},
    )
    assert response.status_code == 302 and response["Location"] == "/petugas/validasi/"
    assert "(TL Ditolak)" in text(c.get("/petugas/validasi/"))
    report.refresh_from_db()
    assert report.status == "followup_rejected"


@pytest.mark.parametrize("reason", ["x" * 2001, "Foto sesudah buram, " * 120])
def test_a_refused_validation_without_javascript_answers_4xx_and_keeps_the_typed_reason(pb, validator, jpeg, reason):
    """Found by a review: without JavaScript a refusal from the validator queue redirected (302) with a flash
    message and the typed reason was gone; now the page comes back with that report's card, its error and the
    reason as typed (422)."""
    report = submit().report
    to_validation(report, pb, jpeg)
    response = console(validator).post(
        f"/petugas/laporan/{report.number}/validasi/",
        {"decision": "reject", "reason": reason, "context": "validation"},
    )
    assert response.status_code == 422
    page = text(response)
    assert f'id="val-{report.number}"' in page and 'class="alert alert-error"' in page
    assert html.escape(reason[:500]) in page
    report.refresh_from_db()
    assert report.status == "awaiting_validation"


def test_validation_queue_renders_in_english(pb, validator, jpeg):
    to_validation(submit().report, pb, jpeg)
    page = text(console(validator).get("/petugas/validasi/", **EN))
    assert "Validation queue" in page and "Accept: Done" in page and "Before" in page and "After" in page


def test_a_kelurahan_report_stays_hidden_from_another_kelurahan_in_the_queue_even_when_overdue(staff):
    gambir = staff("petugas.gambir", f"kel:{GAMBIR_KEL}")
    mine = submit(now=timezone.now() - timedelta(days=30)).report
    page = text(console(gambir).get("/petugas/", {"overdue": "1"}))
    assert mine.number not in page


def test_report_numbers_that_do_not_exist_answer_a_console_404_page(pb):
    response = console(pb).get("/petugas/laporan/JK000000000000/")
    assert response.status_code == 404 and "Laporan tidak ditemukan" in text(response)
    assert Report.objects.count() == 0


# --- every page and partial, in both languages -------------------------------------------------

PAGES = [
    # (role, unit, path, htmx, Indonesian text, English text)
    (R.OFFICER, PB_UNIT, "/petugas/", False, "Antrean laporan unit saya", "My unit's report queue"),
    (R.OFFICER, PB_UNIT, "/petugas/antrean/", True, "Diperbarui otomatis", "Updates automatically"),
    (R.OFFICER, PB_UNIT, "/petugas/laporan/{number}/", False, "Status dan tenggat", "Status and deadlines"),
    (R.OFFICER, PB_UNIT, "/petugas/laporan/{number}/panel/", True, "Riwayat", "History"),
    (R.OFFICER, PB_UNIT, "/petugas/unit/cari/?unit_q=bina", True, "Hasil pencarian", "Results for"),
    (R.OFFICER, PB_UNIT, "/petugas/laporan/JK0/", False, "Laporan tidak ditemukan", "Report not found"),
    (R.OFFICER, PB_UNIT, "/petugas/dasbor/", False, "Halaman ini tidak tersedia", "This page is not available"),
    (R.VALIDATOR, "biro-pemerintahan", "/petugas/validasi/", False, "Antrean validasi", "Validation queue"),
    (R.SUPERVISOR, "kota:31.75", "/petugas/dasbor/", False, "Dasbor pimpinan", "Supervisor dashboard"),
    (
        R.OPERATOR,
        "biro-pemerintahan",
        "/petugas/operator/",
        False,
        "Input laporan atas nama warga",
        "Enter a report on behalf of a resident",
    ),
    (R.OPERATOR, "biro-pemerintahan", "/petugas/operator/lokasi/?kota=31.75", True, "semua kecamatan", "all kecamatan"),
]


@pytest.mark.parametrize("role, unit, path, htmx, id_text, en_text", PAGES)
def test_every_page_and_partial_renders_in_indonesian_and_english(staff, role, unit, path, htmx, id_text, en_text):
    report = road()
    c = console(staff("someone", unit, role))
    url = path.format(number=report.number)
    headers = HTMX if htmx else {}
    indonesian, english = c.get(url, **headers), c.get(url, **headers, **EN)
    assert indonesian.status_code == english.status_code and indonesian.status_code in (200, 403, 404)
    assert id_text in text(indonesian) and en_text not in text(indonesian)
    assert en_text in text(english) and id_text not in text(english)
    if not htmx:
        assert '<html lang="id">' in text(indonesian) and '<html lang="en">' in text(english)
    else:
        assert "<html" not in text(indonesian)


def test_reports_the_unit_has_not_accepted_yet_are_marked_new_in_the_queue(pb):
    """Nothing marked a new report in the queue: it looked like every other row."""
    from sigap.reports import services

    fresh = submit().report
    accepted = submit("jalan-rusak").report
    services.report_accept(report_id=accepted.pk, actor=pb)
    page = console(pb).get("/petugas/").content.decode()
    row = {
        n: page[page.index(f'id="q-{n}"') - 400 : page.index(f'id="q-{n}"') + 300]
        for n in (fresh.number, accepted.number)
    }
    assert 'class="badge-new"' in row[fresh.number] and 'class="badge-new"' not in row[accepted.number]
    assert "is-new" in row[fresh.number] and "is-new" not in row[accepted.number]
    english = console(pb).get("/petugas/", **EN).content.decode()
    assert ">New<" in english
    api = console(pb).get("/api/v1/officer/reports").json()["results"]
    assert {r["id"]: r["new"] for r in api} == {fresh.number: True, accepted.number: False}


# --- escalations -------------------------------------------------------------------------------


def test_the_escalations_page_lists_what_was_escalated_to_the_users_units_and_logs_the_look(staff):
    from datetime import timedelta

    from sigap.organization.models import StaffRole
    from sigap.reports import escalation
    from sigap.reports.tests.factories import submit

    camat = staff("camat.ds", "kec:31.75.07", StaffRole.Role.SUPERVISOR)
    other = staff("camat.jatinegara", "kec:31.75.03", StaffRole.Role.SUPERVISOR)
    late = submit("saluran-tersumbat").report
    escalation.escalations_run(now=late.hop_deadline + timedelta(minutes=1))
    page = text(console(camat).get("/petugas/eskalasi/"))
    assert late.number in page and "Kelurahan Pondok Bambu" in page and "1 · Kecamatan Duren Sawit" in page
    event = AccessEvent.objects.order_by("-seq").first()
    assert event.detail["reports"] == [late.number] and event.detail["view"] == "escalations"
    assert late.number not in text(console(other).get("/petugas/eskalasi/"))
    assert 'href="/petugas/eskalasi/"' in page  # in the nav


def test_an_officer_is_not_told_which_operator_filed_a_walk_in_or_a_call(staff, client):
    """Found by a review: the timeline and the API named the counter's operator who filed an Anonim walk-in, a
    lead to the person (ask the operator, check the desk's queue at that minute). The operator is shown as the
    role only; the audit trail keeps the user."""
    from django.test import Client

    from sigap.officers.api import _detail

    operator = Client()
    operator.force_login(staff("loket.kel.pondokbambu.sari", "biro-pemerintahan", StaffRole.Role.OPERATOR))
    r = operator.post(
        "/petugas/operator/",
        {
            "channel": "counter",
            "category": "saluran-tersumbat",
            "kelurahan": "31.75.07.1002",
            "description": "Got di depan pasar mampet, air meluap ke jalan sejak pagi.",
            "address": "Jl. Kenanga",
            "privacy": "anonymous",
        },
    )
    assert r.status_code == 302
    report = Report.objects.get()
    officer = staff("petugas.pb", report.unit.code)
    client.force_login(officer)
    page = client.get(f"/petugas/laporan/{report.number}/").content.decode()
    timeline = page.split('id="h-history"')[1].split("</section>")[0]
    assert "loket.kel.pondokbambu.sari" not in page
    assert "operator kanal" in timeline
    detail = _detail(officer, report)
    assert detail["history"][0]["by"] == "operator"
    assert "loket.kel.pondokbambu.sari" not in repr(detail)


def test_head_on_an_officer_page_is_refused_and_logs_no_view(pb):
    """A report page logs that the officer viewed the report; a HEAD shows nothing, so it is refused before the
    view runs (found by a review when HEAD was first answered on every page)."""
    report = submit().report
    c = console(pb)
    before = AccessEvent.objects.count()
    for path in (f"/petugas/laporan/{report.number}/", "/petugas/", "/petugas/validasi/"):
        assert c.head(path).status_code == 405, path
    assert AccessEvent.objects.count() == before


def test_the_validator_sees_that_the_reporter_disputed_the_work(pb, validator, jpeg):
    """Found by a CRM team's walk: a disputed report came back to validation with nothing on its card to say so."""
    from sigap.intake.services import reporter_dispute
    from sigap.privacy.photos import photo_clean
    from sigap.reports import services

    created = submit()
    report = created.report
    to_validation(report, pb, jpeg)
    services.report_validate(report_id=report.pk, actor=validator, accept=True, reason="Bukti diperiksa.")
    reporter_dispute(tracking_code=created.tracking_code, reason="Saluran mampet lagi setelah hujan semalam.")
    services.report_accept(report_id=report.pk, actor=pb)
    services.photo_add(report_id=report.pk, actor=pb, kind="after", photo=photo_clean(jpeg()))
    services.report_request_validation(report_id=report.pk, actor=pb)
    page = text(console(validator).get("/petugas/validasi/"))
    assert "Disanggah pelapor (1 kali)" in page and "Saluran mampet lagi setelah hujan semalam." in page


def test_the_report_page_shows_the_paused_stage_and_the_reporter_s_answer_as_theirs(pb):
    """Found by a CRM team's walk: the stage's deadline ran on the page while the clock was paused for the
    reporter, and the reporter's answer was labelled "Internal:"."""
    from sigap.intake.services import reporter_answer
    from sigap.reports import services

    created = submit()
    report = created.report
    services.report_accept(report_id=report.pk, actor=pb)
    services.report_ask_reporter(report_id=report.pk, actor=pb, question="Di RT berapa?")
    c = console(pb)
    page = text(c.get(f"/petugas/laporan/{report.number}/"))
    assert "dijeda sampai pelapor menjawab" in page and "terima atau teruskan dalam 6 jam kerja" not in page
    assert "Internal:</span> Di RT berapa?" not in page  # not again as an internal note (a CRM team's walk)
    reporter_answer(tracking_code=created.tracking_code, answer="RT 05 RW 03, dekat musala.")
    page = text(c.get(f"/petugas/laporan/{report.number}/"))
    assert "Dari pelapor:" in page and "RT 05 RW 03" in page


def test_the_unit_search_names_each_unit_s_place_not_its_code(pb):
    """Found by a CRM team's walk: results read "sudin-bina-marga:31.75" beside the name."""
    page = text(console(pb).get("/petugas/unit/cari/?unit_q=bina marga timur"))
    assert "Suku Dinas Bina Marga Jakarta Timur" in page and "sudin-bina-marga:31.75</span>" not in page
    assert "· sudin-bina-marga" not in page


def test_a_card_whose_report_is_gone_answers_not_found_and_the_queue_s_count(pb, validator, jpeg):
    """The count followed a decision and a refusal, but not a card whose report left the validator's sight."""
    report = submit().report
    to_validation(report, pb, jpeg)
    gone = console(validator).post(
        "/petugas/laporan/JK199901010001/validasi/",
        {"decision": "accept", "reason": "Bukti diperiksa.", "context": "validation"},
        **HTMX,
    )
    body = text(gone)
    assert gone.status_code == 404 and gone["X-Sigap-Refusal"] == "not_found"
    assert 'id="validation-count" hx-swap-oob="true"' in body and "1 laporan menunggu validasi" in body


def test_the_validators_report_page_shows_the_proofs_flags_it_asks_a_reason_for(pb, validator, jpeg):
    """Accepting a flagged proof from the report page was refused with "see the marks on the photo", and the page
    showed none (they were on the validation queue's cards only: found by a newcomer's walk of the demo). The
    report page shows them to the validator, with the warning; the unit's own officer sees no flag."""
    report = submit("jalan-rusak", "31.75.07.1002").report
    to_validation(report, pb, jpeg)  # photos without the camera's time and place: flagged
    page = text(console(validator).get(f"/petugas/laporan/{report.number}/"))
    assert "Waktu pengambilan tidak tercatat di foto." in page and 'class="proof-flags"' in page
    assert "proof-flagged" in page
    refused = action(console(validator), report.number, "validasi", {"decision": "accept", "reason": ""})
    assert "ditandai" in text(refused)
    officer_page = text(console(pb).get(f"/petugas/laporan/{report.number}/"))
    assert "tidak tercatat" not in officer_page and "proof-flagged" not in officer_page


def test_after_the_before_photo_the_upload_stays_open_for_the_after_photo(pb, jpeg):
    """The upload closed after the first photo, and the officer had to open it again for the second (found by a
    newcomer's walk of the demo); it stays open, "Foto sesudah" chosen, until both are there."""
    report = road()
    c = console(pb)
    action(c, report.number, "terima")
    upload(c, report.number, "before", jpeg(colour=(10, 10, 10)), htmx=False)
    page = text(c.get(f"/petugas/laporan/{report.number}/"))  # the page again (a form posted without htmx)
    assert '<details class="action" id="act-add_photo" open>' in page
    assert 'name="kind" value="after" checked' in page
    after = text(upload(c, report.number, "after", jpeg(colour=(240, 240, 240))))
    assert '<details class="action" id="act-add_photo" open>' not in after  # next: ask for validation
    assert '<details class="action" id="act-request_validation" open>' in after


def test_the_report_page_of_a_report_waiting_for_its_reporter_offers_going_on_without_the_answer(pb):
    c = console(pb)
    asked = submit().report
    action(c, asked.number, "tanya", {"question": "Di RT berapa tepatnya?"})
    page = text(c.get(f"/petugas/laporan/{asked.number}/"))
    assert "Lanjutkan tanpa jawaban pelapor" in page and "/lanjutkan/" in page
    assert "/koordinasi/" not in page  # refused in this state: not offered
    done = action(c, asked.number, "lanjutkan", {"reason": "Lokasinya sudah jelas dari foto."})
    assert "Pertanyaan ditarik" in text(done)
    asked.refresh_from_db()
    assert asked.status == "waiting" and "ditarik" in asked.public_note
