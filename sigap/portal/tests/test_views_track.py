"""A reporter follows a report by tracking code: the code stays out of URLs, the journey shows statuses,
units and public notes (never an officer), and the reporter answers, rates and disputes through htmx forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from sigap.core.errors import TransitionRefused
from sigap.core.models import AuditEvent
from sigap.intake.services import Reporter
from sigap.portal.selectors import journey_for_reporter
from sigap.reports import services
from sigap.reports.models import Report
from sigap.reports.states import DISPUTE_WINDOW_DAYS, Status
from sigap.reports.tests.factories import submit

from .conftest import htmx

pytestmark = pytest.mark.django_db


def follow(client, created):
    response = client.post("/lacak/", {"code": created.tracking_code.lower()})
    assert response.status_code == 302
    return response


def test_entering_a_tracking_code_opens_the_journey_at_a_url_without_the_code(client):
    created = submit()
    response = follow(client, created)
    assert response["Location"] == f"/lacak/laporan/{created.report.number}/"
    assert created.tracking_code not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert 'class="status status-red"' in html and "Menunggu" in html and "Kelurahan Pondok Bambu" in html
    assert created.tracking_code in html  # shown to the holder, so they can note it


def test_the_session_row_keeps_neither_the_code_nor_the_number(client):
    """Sessions live in the database: a code kept there as typed gave a dump reader every followed report's code
    (and with it the answer, dispute and rating of a Privat reporter), and the numbers tied the reports one browser
    followed together. The code is sealed, and the whole row is encrypted under a key the database never holds
    (``sigap.officers.sessions``; its test decodes a row every way a reader could); the journey still opens."""
    from django.contrib.sessions.models import Session

    created = submit()
    page = client.get(follow(client, created)["Location"])
    assert page.status_code == 200 and created.tracking_code in page.content.decode()
    stored = " ".join(row.session_data for row in Session.objects.all())
    assert created.tracking_code.lower() not in stored.lower() and created.report.number not in stored


def test_an_old_link_with_the_code_in_the_path_still_works_by_redirecting(client):
    created = submit()
    response = client.get(f"/lacak/{created.tracking_code}/")
    assert response.status_code == 302 and response["Location"] == f"/lacak/laporan/{created.report.number}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("lang,message", [("id", "Kode lacak tidak dikenal."), ("en", "Unknown tracking code.")])
def test_an_unknown_code_is_refused_next_to_the_field(client, lang, message):
    response = client.post("/lacak/", {"code": "AAAA-BBBB-CCCC"}, HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf'id="code-error">{re.escape(message)}<', html) and 'value="AAAA-BBBB-CCCC"' in html
    assert client.get("/lacak/AAAA-BBBB-CCCC/", HTTP_ACCEPT_LANGUAGE=lang).status_code == 404


def test_the_journey_needs_the_code_in_this_browser(client):
    created = submit()
    response = client.get(f"/lacak/laporan/{created.report.number}/")
    assert response.status_code == 302 and response["Location"] == "/lacak/"
    follow(client, created)
    other = submit()
    assert client.get(f"/lacak/laporan/{other.report.number}/").status_code == 302
    assert client.get(f"/lacak/laporan/{other.report.number}/foto/1/").status_code == 404


def test_forgetting_removes_the_codes_from_this_browser(client):
    created = submit()
    follow(client, created)
    client.post("/lacak/lupakan/")
    assert client.get(f"/lacak/laporan/{created.report.number}/").status_code == 302


def test_the_journey_shows_hops_and_public_notes_with_unit_names_never_officers(client, staff):
    officer = staff("petugas.pb.tester", "kel:31.75.07.1002")
    officer.first_name, officer.last_name = "Rahmat", "Hidayatullah"
    officer.save()
    created = submit(category="jalan-rusak", description="Jalan berlubang dalam di depan sekolah dasar negeri.")
    services.report_coordinate(
        report_id=created.report.pk,
        actor=officer,
        to_unit="sudin-bina-marga:31.75",
        reason="bukan tupoksi kelurahan: jalan kota",
    )
    follow(client, created)
    html = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert "Koordinasi" in html and "Kelurahan Pondok Bambu → Suku Dinas Bina Marga" in html
    assert "Dikoordinasikan ke Suku Dinas Bina Marga" in html  # the public note
    assert "status-orange" in html
    for name in ("Rahmat", "Hidayatullah", "petugas.pb.tester", "bukan tupoksi kelurahan"):
        assert name not in html


def test_the_journey_shows_the_reporters_photos_through_a_checked_view(client, jpeg):
    created = submit(photos=[("got.jpg", jpeg((320, 240)))])
    follow(client, created)
    html = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    url = re.search(r'<img src="(/lacak/laporan/[^"]+/foto/\d+/)"', html).group(1)
    photo = client.get(url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg" and photo.content[:2] == b"\xff\xd8"
    assert photo["Cache-Control"] == "private, no-store"
    assert type(client)().get(url).status_code == 404  # another browser without the code


def test_the_reporter_answers_an_officers_question(client, officers):
    created = submit()
    services.report_ask_reporter(report_id=created.report.pk, actor=officers["pb"], question="Di RT berapa?")
    follow(client, created)
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert "Petugas bertanya kepada Anda" in page and "Di RT berapa?" in page
    url = f"/lacak/laporan/{created.report.number}/jawab/"
    empty = client.post(url, {"answer": ""}, **htmx())
    assert empty.status_code == 200 and 'id="answer-error"' in empty.content.decode()
    response = client.post(url, {"answer": "RT 05, telepon saya 0812-1111-2222"}, **htmx())
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('\n<div id="journey"')
    assert "jawaban Anda sudah diteruskan" in html and "Petugas bertanya kepada Anda" not in html
    report = Report.objects.get(pk=created.report.pk)
    assert report.status == Status.WAITING
    assert "0812" not in report.history.last().internal_note
    # the answer as the officer read it, in the reader's language like every other note (a CRM team's walk: the
    # English page showed "[nomor telepon disembunyikan]" there and "[phone number hidden]" in the description)
    english = client.get(f"/lacak/laporan/{created.report.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "RT 05, telepon saya [phone number hidden]" in english and "disembunyikan" not in english


def test_the_reporter_answers_with_a_photo(client, officers):
    """ "Kirim foto kondisinya": the answer form takes photos (with or without words); each is de-identified by
    the worker like the report's own before an officer sees it, and the limit per report holds."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import jpeg_bytes
    from sigap.reports.models import Photo

    created = submit()
    services.report_ask_reporter(report_id=created.report.pk, actor=officers["pb"], question="Ada fotonya?")
    follow(client, created)
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert 'name="photos"' in page and 'enctype="multipart/form-data"' in page
    url = f"/lacak/laporan/{created.report.number}/jawab/"
    too_many = [SimpleUploadedFile(f"f{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(6)]
    refused = client.post(url, {"answer": "", "photos": too_many}, **htmx())
    assert 'id="answer-photos-error"' in refused.content.decode()
    assert not Photo.objects.filter(report=created.report).exists()
    photo = SimpleUploadedFile("kondisi.jpg", jpeg_bytes(), "image/jpeg")
    response = client.post(url, {"answer": "", "photos": [photo]}, **htmx())
    assert "jawaban Anda sudah diteruskan" in response.content.decode()
    report = Report.objects.get(pk=created.report.pk)
    assert report.status == Status.WAITING and "1 foto" in report.history.last().internal_note
    [saved] = Photo.objects.filter(report=report)
    assert saved.kind == "report" and saved.uploaded_by_id is None


def test_the_reporter_rates_a_finished_report_once(client, finish):
    created = submit()
    finish(created.report)
    follow(client, created)
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert "status-green" in page and "Nilai hasil penanganan" in page and "Masalahnya belum selesai?" in page
    url = f"/lacak/laporan/{created.report.number}/nilai/"
    missing = client.post(url, {"comment": "cepat"}, HTTP_ACCEPT_LANGUAGE="en", **htmx())
    assert missing.status_code == 200 and "Choose a rating from 1 to 5." in missing.content.decode()
    response = client.post(url, {"rating": "5", "comment": "Cepat sekali, terima kasih"}, **htmx())
    assert response.status_code == 200 and "Terima kasih atas penilaian Anda." in response.content.decode()
    assert "Nilai hasil penanganan" not in response.content.decode()
    report = Report.objects.get(pk=created.report.pk)
    assert report.rating == 5 and report.rating_comment == "Cepat sekali, terima kasih"
    again = client.post(url, {"rating": "1"}, **htmx())
    assert again.status_code == 200 and "sudah dinilai" in again.content.decode()


def test_the_reporter_disputes_a_fix_that_was_not_done(client, finish):
    created = submit()
    finish(created.report)
    follow(client, created)
    response = client.post(
        f"/lacak/laporan/{created.report.number}/sanggah/",
        {"reason": "Got masih mampet, tidak ada yang datang."},
        **htmx(),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Sanggahan Anda diterima" in html
    assert "Dibuka Kembali" in html and "Pelapor menyanggah" in html
    assert Report.objects.get(pk=created.report.pk).status == Status.REOPENED


def test_after_a_dispute_the_reporters_answer_reaches_the_officer_and_the_report_is_reopened_again(
    client, finish, officers
):
    """The answer to a question asked after a dispute: it used to answer 200 with no message, leave the text in
    the box and the report waiting for the reporter (the refusal was filed next to the dispute form's field)."""
    created = submit()
    finish(created.report)
    follow(client, created)
    number = created.report.number
    client.post(f"/lacak/laporan/{number}/sanggah/", {"reason": "Got masih mampet, tidak ada yang datang."}, **htmx())
    services.report_ask_reporter(report_id=created.report.pk, actor=officers["pb"], question="Sisi mana?")
    response = client.post(f"/lacak/laporan/{number}/jawab/", {"answer": "Sisi utara, depan musala."}, **htmx())
    html = response.content.decode()
    assert "jawaban Anda sudah diteruskan" in html and "Petugas bertanya kepada Anda" not in html
    report = Report.objects.get(pk=created.report.pk)
    assert report.status == Status.REOPENED
    assert "Sisi utara, depan musala." in report.history.last().internal_note


def test_a_refusal_about_another_forms_field_is_shown_with_the_form_that_was_sent(client, monkeypatch):
    from sigap.core.errors import DomainError
    from sigap.intake import services as intake

    created = submit()
    follow(client, created)

    def refuse(**kwargs):
        raise DomainError("Perlu alasan.", "A reason is needed.", code="reason_required", status=422, field="reason")

    monkeypatch.setattr(intake, "reporter_answer", refuse)
    response = client.post(f"/lacak/laporan/{created.report.number}/jawab/", {"answer": "RT 05"}, **htmx())
    assert 'role="alert"' in response.content.decode() and "Perlu alasan." in response.content.decode()


def test_a_finished_report_shows_what_was_done_before_asking_to_dispute_or_rate(client, finish):
    """The rating and the dispute used to come about five screens above the after photo."""
    created = submit()
    finish(created.report)
    follow(client, created)
    html = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    evidence, dispute, rate = (html.index(t) for t in ("Hasil penanganan", "Masalahnya belum selesai?", "Nilai hasil"))
    assert evidence < dispute < rate
    proof = [
        (m.group(1), m.start()) for m in re.finditer(r'<img src="/lacak/laporan/[^"]+" alt="(Foto \w+) \d+">', html)
    ]
    assert [kind for kind, _at in proof] == ["Foto sebelum", "Foto sesudah"]  # each once: not again further down
    assert all(evidence < at < dispute for _kind, at in proof)


def test_what_was_done_is_told_in_the_units_words_not_the_validators_stock_sentence(client, officers, jpeg):
    """ "Hasil penanganan" showed the report's last public note, the validator's "Tindak lanjut telah divalidasi.",
    while what the unit did ("Saluran sudah dikuras …") was only further down the timeline (a CRM team's walk)."""
    from sigap.privacy.photos import photo_clean
    from sigap.reports import services

    def worked(note: str):
        created = submit()
        report = created.report
        services.report_accept(report_id=report.pk, actor=officers["pb"])
        for kind in ("before", "after"):
            services.photo_add(report_id=report.pk, actor=officers["pb"], kind=kind, photo=photo_clean(jpeg()))
        services.report_request_validation(report_id=report.pk, actor=officers["pb"], note=note)
        services.report_validate(
            report_id=report.pk, actor=officers["validator"], accept=True, reason="Bukti diperiksa."
        )
        follow(client, created)
        html = client.get(f"/lacak/laporan/{report.number}/").content.decode()
        return html[html.index("Hasil penanganan") : html.index("Masalahnya belum selesai?")]

    box = worked("Saluran sudah dikuras dan sampah diangkut.")
    assert "Saluran sudah dikuras dan sampah diangkut." in box and "telah divalidasi" not in box
    assert "Tindak lanjut telah divalidasi." in worked("")  # the unit wrote nothing: the closing note

    # a first round rejected: its note was for work the validator refused, and the accepted round wrote none
    created = submit()
    report = created.report
    services.report_accept(report_id=report.pk, actor=officers["pb"])
    for kind in ("before", "after"):
        services.photo_add(report_id=report.pk, actor=officers["pb"], kind=kind, photo=photo_clean(jpeg()))
    services.report_request_validation(report_id=report.pk, actor=officers["pb"], note="Sudah ditambal semua.")
    services.report_validate(report_id=report.pk, actor=officers["validator"], accept=False, reason="Foto buram.")
    services.photo_add(report_id=report.pk, actor=officers["pb"], kind="after", photo=photo_clean(jpeg()))
    services.report_request_validation(report_id=report.pk, actor=officers["pb"])
    services.report_validate(report_id=report.pk, actor=officers["validator"], accept=True, reason="Bukti diperiksa.")
    follow(client, created)
    html = client.get(f"/lacak/laporan/{report.number}/").content.decode()
    box = html[html.index("Hasil penanganan") : html.index("Masalahnya belum selesai?")]
    assert "Sudah ditambal semua." not in box and "Tindak lanjut telah divalidasi." in box


def test_a_dispute_withdraws_the_rating_given_to_the_fix(client, finish):
    """A 4/5 followed by a dispute used to leave the reopened report at 4/5."""
    created = submit()
    finish(created.report)
    follow(client, created)
    number = created.report.number
    client.post(f"/lacak/laporan/{number}/nilai/", {"rating": "4", "comment": "Lumayan"}, **htmx())
    assert Report.objects.get(pk=created.report.pk).rating == 4
    html = client.post(
        f"/lacak/laporan/{number}/sanggah/", {"reason": "Mampet lagi sehari kemudian."}, **htmx()
    ).content.decode()
    report = Report.objects.get(pk=created.report.pk)
    assert report.status == Status.REOPENED and report.rating is None and report.rating_comment == ""
    assert "Penilaian Anda" not in html
    assert "penilaian sebelumnya 4/5 ditarik" in report.history.last().internal_note


@pytest.mark.parametrize("late", [timedelta(0), timedelta(microseconds=1)], ids=["last-instant", "just-after"])
def test_the_journey_offers_a_dispute_exactly_when_the_service_takes_it(finish, late):
    created = submit()
    report = finish(created.report)
    at = report.closed_at + timedelta(days=DISPUTE_WINDOW_DAYS) + late
    offered = journey_for_reporter(report, now=at)["can_dispute"]
    if offered:
        services.report_dispute(tracking_code=created.tracking_code, reason="Got masih mampet.", now=at)
        assert Report.objects.get(pk=report.pk).status == Status.REOPENED
    else:
        with pytest.raises(TransitionRefused) as refused:
            services.report_dispute(tracking_code=created.tracking_code, reason="Got masih mampet.", now=at)
        assert refused.value.code == "dispute_window_closed"
    assert offered == (late == timedelta(0))


def test_without_htmx_an_action_redirects_back_to_the_journey(client, finish):
    created = submit()
    finish(created.report)
    follow(client, created)
    response = client.post(f"/lacak/laporan/{created.report.number}/nilai/", {"rating": "4"})
    assert response.status_code == 302 and response["Location"] == f"/lacak/laporan/{created.report.number}/"
    assert "Terima kasih atas penilaian Anda." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("lang,message", [("id", "Kode rahasia tidak cocok"), ("en", "The secret does not match")])
def test_anonymous_actions_ask_for_the_secret(client, finish, lang, message):
    created = submit(privacy="anonymous", reporter=None)
    finish(created.report)
    follow(client, created)
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert 'id="secret-rating"' in page and 'id="secret-dispute"' in page
    url = f"/lacak/laporan/{created.report.number}/nilai/"
    wrong = client.post(url, {"rating": "3", "secret": "salah"}, HTTP_ACCEPT_LANGUAGE=lang, **htmx())
    assert wrong.status_code == 200
    assert re.search(rf'id="secret-error-rating">[^<]*{message}', wrong.content.decode())
    assert Report.objects.get(pk=created.report.pk).rating is None
    right = client.post(url, {"rating": "3", "secret": created.secret}, **htmx())
    assert right.status_code == 200 and Report.objects.get(pk=created.report.pk).rating == 3


def test_an_action_without_the_code_in_this_browser_goes_to_the_track_page(client, finish):
    created = submit()
    finish(created.report)
    response = client.post(f"/lacak/laporan/{created.report.number}/nilai/", {"rating": "5"}, **htmx())
    assert response["HX-Redirect"] == "/lacak/"
    assert Report.objects.get(pk=created.report.pk).rating is None
    assert not AuditEvent.objects.filter(action="report:rate").exists()


def test_guessing_tracking_codes_is_rate_limited(client, settings):
    settings.SIGAP_TRACK_RATE = "3/m"
    for _ in range(3):
        assert client.post("/lacak/", {"code": "AAAA-BBBB-CCCC"}).status_code == 200
    response = client.post("/lacak/", {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 429 and "Terlalu banyak permintaan" in response.content.decode()


def test_the_journey_shows_the_address_except_for_a_sensitive_category(client):
    """The exposure rule for the holder of a tracking code: a leaked code must not place a labour complaint."""
    plain, labour = submit(), submit("ketenagakerjaan", description="Gaji tidak dibayar tiga bulan oleh pabrik.")
    for created in (plain, labour):
        Report.objects.filter(pk=created.report.pk).update(address="Gang Mawar dekat pabrik garmen")
        follow(client, created)
    assert "Gang Mawar" in client.get(f"/lacak/laporan/{plain.report.number}/").content.decode()
    page = client.get(f"/lacak/laporan/{labour.report.number}/").content.decode()
    assert "Gang Mawar" not in page and "Pondok Bambu" in page


def test_an_unknown_address_gets_the_portals_own_page_in_the_visitors_language(client):
    """The portal's 404 was Django's plain English page."""
    page = client.get("/tidak-ada-halaman-ini/")
    html = page.content.decode()
    assert page.status_code == 404 and "Halaman tidak ditemukan" in html and 'href="/lacak/"' in html
    english = client.get("/tidak-ada-halaman-ini/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and "Page not found" in english.content.decode()


def test_after_selesai_the_reporter_is_asked_whether_it_is_really_fixed_after_the_evidence(client, finish):
    """#12: the resident confirms; "yes" is kept on the report and its timeline, the question then goes away."""
    created = submit()
    finish(created.report)
    follow(client, created)
    number = created.report.number
    html = client.get(f"/lacak/laporan/{number}/").content.decode()
    evidence, ask, dispute, rate = (
        html.index(t)
        for t in (
            "Hasil penanganan",
            "Apakah masalahnya sudah benar-benar beres?",
            "Masalahnya belum selesai?",
            "Nilai hasil",
        )
    )
    assert evidence < ask < dispute < rate
    answered = client.post(f"/lacak/laporan/{number}/beres/", {}, **htmx()).content.decode()
    assert (
        "Anda menyatakan masalahnya sudah beres" in answered and "Apakah masalahnya sudah benar-benar" not in answered
    )
    assert "Pelapor menyatakan masalahnya sudah beres." in answered  # on the timeline
    assert Report.objects.get(pk=created.report.pk).confirmed_at is not None
    track = client.get(f"/api/v1/track/{created.tracking_code}").json()
    assert track["confirmed"] is True and track["can_confirm"] is False


def test_the_api_takes_the_reporters_yes_and_the_done_message_asks_for_it(client, finish):
    from sigap.reports.models import Notification

    created = submit(reporter=Reporter(name="Siti", phone="081234567890"))
    finish(created.report)
    asked = Notification.objects.filter(report=created.report).order_by("-id").first()
    assert (
        "Apakah masalahnya sudah benar-benar beres?" in asked.body and "Is the problem really fixed?" in asked.body_en
    )
    early = submit()
    refused = client.post(f"/api/v1/track/{early.tracking_code}/confirm", {}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "not_done"
    ok = client.post(f"/api/v1/track/{created.tracking_code}/confirm", {}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"]["code"] == "done"


def _form_key(html: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', html).group(1)


def test_a_double_tapped_answer_is_stored_once_with_its_photo_once(client, officers):
    """A review's finding: two taps on "Kirim jawaban" on a slow network stored "Jawaban pelapor" and then "Jawaban
    pelapor (lanjutan)" with the same words, and the photo twice. The form carries its own key: sent again, it
    answers with the same thanks and stores nothing more."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import jpeg_bytes
    from sigap.reports.models import Photo

    created = submit()
    services.report_ask_reporter(report_id=created.report.pk, actor=officers["pb"], question="Got yang mana?")
    follow(client, created)
    key = _form_key(client.get(f"/lacak/laporan/{created.report.number}/").content.decode())
    url = f"/lacak/laporan/{created.report.number}/jawab/"
    for _ in range(2):
        photo = SimpleUploadedFile("kondisi.jpg", jpeg_bytes(), "image/jpeg")
        response = client.post(url, {"answer": "Seberang masjid.", "photos": [photo], "submission": key}, **htmx())
        assert "jawaban Anda sudah diteruskan" in response.content.decode()
    report = Report.objects.get(pk=created.report.pk)
    assert [h.internal_note for h in report.history.all() if "Seberang masjid" in h.internal_note] == [
        "Jawaban pelapor: Seberang masjid. [1 foto]"
    ]
    assert Photo.objects.filter(report=report).count() == 1


def test_a_refused_answer_does_not_use_up_its_key(client, officers):
    created = submit()
    services.report_ask_reporter(report_id=created.report.pk, actor=officers["pb"], question="Di RT berapa?")
    follow(client, created)
    key = _form_key(client.get(f"/lacak/laporan/{created.report.number}/").content.decode())
    url = f"/lacak/laporan/{created.report.number}/jawab/"
    refused = client.post(url, {"answer": "x" * 6000, "submission": key}, **htmx())
    assert 'id="answer-error"' in refused.content.decode()
    client.post(url, {"answer": "RT 05", "submission": key}, **htmx())
    assert Report.objects.get(pk=created.report.pk).status == Status.WAITING


def test_a_double_tapped_dispute_thanks_twice_and_reopens_once(client, finish):
    """The second tap was told "a dispute is only for a Selesai report" although the first had been taken."""
    created = submit()
    finish(created.report)
    follow(client, created)
    key = _form_key(client.get(f"/lacak/laporan/{created.report.number}/").content.decode())
    for _ in range(2):
        response = client.post(
            f"/lacak/laporan/{created.report.number}/sanggah/",
            {"reason": "Got masih mampet, tidak ada yang datang.", "submission": key},
            **htmx(),
        )
        assert "Sanggahan Anda diterima" in response.content.decode()
    report = Report.objects.get(pk=created.report.pk)
    assert report.status == Status.REOPENED
    assert report.history.filter(new_status=Status.REOPENED).count() == 1


def test_a_report_number_typed_as_the_code_is_told_what_a_code_looks_like(client):
    """A review's finding: the report's number (on every message) typed into "Lacak" drew only "unknown code"."""
    created = submit()
    page = client.post("/lacak/", {"code": created.report.number}).content.decode()
    assert "Itu nomor laporan, bukan kode lacak" in page and "XXXX-XXXX-XXXX" in page


@pytest.mark.parametrize("typed", ["spaces", "fullwidth", "lower"])
def test_a_code_typed_with_spaces_fullwidth_or_in_lower_case_opens_the_report_and_is_shown_as_sigap_writes_it(
    client, typed
):
    created = submit()
    code = created.tracking_code
    plain = code.replace("-", "")
    form = {
        "spaces": " ".join(plain[i : i + 4] for i in range(0, 12, 4)),
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) for c in plain),  # a phone's fullwidth keyboard
        "lower": code.lower(),
    }[typed]
    response = client.post("/lacak/", {"code": form})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert code in page  # ABCD-EFGH-JKMN, not "ABCD EFGH JKMN"


def test_a_wrong_secret_is_called_wrong_not_missing(client):
    from sigap.intake.services import reporter_dispute

    created = submit(privacy="anonymous", reporter=Reporter())
    with pytest.raises(Exception) as wrong:
        reporter_dispute(tracking_code=created.tracking_code, reason="belum dikerjakan", secret="SALAH-SALAH-SALAH")
    assert "tidak cocok" in wrong.value.message_id and "does not match" in wrong.value.message_en
    with pytest.raises(Exception) as missing:
        reporter_dispute(tracking_code=created.tracking_code, reason="belum dikerjakan", secret="")
    assert "masukkan kode rahasia" in missing.value.message_id


def test_the_dispute_and_rating_forms_say_that_officers_read_them(client, finish):
    """As the answer form does (found by a review: "Saya tinggal di Jl. Kebon Sirih No. 12" reached the officer with
    its street)."""
    created = submit()
    finish(created.report)
    follow(client, created)
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    for hint in ("reason-hint", "comment-hint"):
        assert f'id="{hint}">Petugas membaca ini' in page and f'aria-describedby="{hint}' in page


def test_the_reporter_sees_their_own_answer_as_officers_read_it_and_no_internal_note(client, officers):
    """A review's finding: after answering, the timeline showed a bare "Menunggu": the resident could not check
    what had been sent. Shown redacted, as officers read it; an officer's internal note never."""
    created = submit()
    services.report_accept(report_id=created.report.pk, actor=officers["pb"])
    services.report_ask_reporter(report_id=created.report.pk, actor=officers["pb"], question="Di RT berapa?")
    follow(client, created)
    url = f"/lacak/laporan/{created.report.number}/jawab/"
    client.post(url, {"answer": "RT 05, telepon saya 0812-1111-2222"}, **htmx())
    page = client.get(f"/lacak/laporan/{created.report.number}/").content.decode()
    assert "Jawaban Anda, seperti yang dibaca petugas:" in page and "RT 05, telepon saya" in page
    assert "0812-1111-2222" not in page
    assert "Jawaban pelapor" not in page  # the officers' label, not shown
