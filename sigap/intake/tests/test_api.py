"""Citizen API: filing, following, rating, disputing; and every error case answers 4xx with a clear
bilingual message and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from sigap.privacy.models import IdentityRecord
from sigap.reports.models import Photo, Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports"


def body(**overrides):
    lat, lon = inner_point("31.75.07.1002")
    data = {
        "category": "saluran-tersumbat",
        "description": "Got mampet di depan gang, air meluap ke jalan.",
        "lat": lat,
        "lon": lon,
        "address": "Jl. Pahlawan Revolusi",
        "privacy": "private",
        "reporter": {"name": "Siti Aminah", "phone": "0812-3456-7890", "email": "siti@example.org"},
    }
    data.update(overrides)
    return data


def post_json(client, data):
    return client.post(URL, data=json.dumps(data), content_type="application/json")


def nothing_written():
    return Report.objects.count() == 0 and IdentityRecord.objects.count() == 0 and Photo.objects.count() == 0


def test_post_json_report_answers_201_with_number_tracking_code_unit_and_kelurahan(client):
    response = post_json(client, body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id"].startswith("JK")
    assert data["status"] == {"code": "waiting", "label": "Menunggu", "type": "open", "colour": "red"}
    assert data["unit"] == {"code": "kel:31.75.07.1002", "name": "Kelurahan Pondok Bambu"}
    assert data["kelurahan"] == {"code": "31.75.07.1002", "name": "Pondok Bambu"}
    report = Report.objects.get(number=data["id"])
    assert report.channel == "api" and report.reporter_ref.startswith("idr_")


def test_status_label_in_english_when_asked(client):
    response = client.post(URL, data=json.dumps(body()), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    assert response.json()["status"]["label"] == "Waiting"


def test_multipart_report_with_photo(client, jpeg):
    data = body()
    reporter = data.pop("reporter")
    form = {
        **{k: str(v) for k, v in data.items()},
        "reporter_name": reporter["name"],
        "reporter_phone": reporter["phone"],
        "photos": io.BytesIO(jpeg((800, 600))),
    }
    form["photos"].name = "drain.jpg"
    response = client.post(URL, data=form)
    assert response.status_code == 201, response.content
    report = Report.objects.get(number=response.json()["id"])
    photo = report.photos.get()
    assert photo.kind == "report" and photo.width == 800


def test_anonymous_report_stores_nothing_about_the_person(client):
    response = post_json(client, body(privacy="anonymous"))
    assert response.status_code == 201
    report = Report.objects.get(number=response.json()["id"])
    assert report.reporter_ref == "" and IdentityRecord.objects.count() == 0
    assert "Siti" not in report.description


@pytest.mark.parametrize(
    "overrides,field,code",
    [
        ({"category": "no-such-category"}, "category", "unknown_category"),
        ({"lat": -5.95, "lon": 106.77}, None, "outside_area"),  # in the sea north of Jakarta
        ({"lat": -6.9175, "lon": 107.6191}, None, "outside_area"),  # Bandung
        ({"lat": 123}, "lat", "invalid_input"),
        ({"privacy": "everyone"}, "privacy", "invalid_privacy"),
        ({"description": "rusak"}, "description", "description_too_short"),
        ({"category": "ketenagakerjaan", "privacy": "public"}, "privacy", "sensitive_not_public"),
        ({"reporter": {"name": "x", "ssn": "1"}}, "reporter.ssn", "invalid_input"),
    ],
)
def test_bad_input_is_refused_with_a_clear_bilingual_error_and_nothing_is_written(client, overrides, field, code):
    response = post_json(client, body(**overrides))
    assert 400 <= response.status_code < 500, response.content
    data = response.json()
    assert data["code"] == code
    assert data["message"] and data["message_en"] and data["message"] != data["message_en"]
    if field:
        assert data["field"] == field
    assert nothing_written()


@pytest.mark.parametrize("missing", ["description", "lat", "lon"])
def test_missing_field_is_named(client, missing):
    data = body()
    data.pop(missing)
    response = post_json(client, data)
    assert response.status_code == 422
    assert response.json()["field"] == missing
    assert missing in response.json()["message_en"]
    assert nothing_written()


def test_malformed_json_is_refused(client):
    response = client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_unsupported_content_type_is_refused(client):
    response = client.post(URL, data="category=x", content_type="text/plain")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def _multipart(photo_bytes, name="x.jpg"):
    data = body()
    data.pop("reporter")
    f = io.BytesIO(photo_bytes)
    f.name = name
    return {**{k: str(v) for k, v in data.items()}, "reporter_name": "Siti", "photos": f}


def test_non_image_photo_is_refused_and_nothing_is_written(client):
    response = client.post(URL, data=_multipart(b"%PDF-1.4 not an image", "doc.pdf"))
    assert response.status_code == 422 and response.json()["code"] == "photo_not_image"
    assert "doc.pdf" in response.json()["message"]
    assert nothing_written()


def test_oversized_photo_is_refused(client, settings, jpeg):
    settings.SIGAP_PHOTO_MAX_BYTES = 2000
    response = client.post(URL, data=_multipart(jpeg((400, 400)) + b"\0" * 3000))
    assert response.status_code == 413 and response.json()["code"] == "photo_too_large"
    assert nothing_written()


def test_decompression_bomb_is_refused(client, settings):
    settings.SIGAP_PHOTO_MAX_PIXELS = 1_000_000
    buf = io.BytesIO()
    Image.new("L", (4000, 4000)).save(buf, "PNG")  # compresses to a few KB, 16 MP when decoded
    response = client.post(URL, data=_multipart(buf.getvalue(), "bomb.png"))
    assert response.status_code == 413 and response.json()["code"] == "photo_too_many_pixels"
    assert nothing_written()


def test_truncated_image_is_refused(client, jpeg):
    response = client.post(URL, data=_multipart(jpeg((300, 300))[:200]))
    assert response.status_code == 422 and response.json()["code"] == "photo_not_image"
    assert nothing_written()


def test_failure_after_photos_were_stored_leaves_no_file_behind(client, jpeg, monkeypatch, settings, tmp_path):
    from django.core.files.storage import default_storage

    # a media folder of this test's own (other test workers write photos to the shared one)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }

    from sigap.reports import services

    before = set()
    for root, _dirs, files in __import__("os").walk(default_storage.location):
        before |= {f"{root}/{f}" for f in files}

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.summaries, "on_created", boom)  # a step after the photo files
    response = client.post(URL, data=_multipart(jpeg((100, 100))))
    assert response.status_code == 500 and response.json()["code"] == "server_error"
    assert "database went away" not in response.content.decode()
    after = set()
    for root, _dirs, files in __import__("os").walk(default_storage.location):
        after |= {f"{root}/{f}" for f in files}
    assert after == before
    assert nothing_written()


def test_track_timeline_has_no_officer_names(client, staff):
    created = post_json(client, body()).json()
    officer = staff("budi.petugas", "kel:31.75.07.1002")
    officer.first_name, officer.last_name = "Budi", "Hartono"
    officer.save()
    from sigap.reports import services

    report = Report.objects.get(number=created["id"])
    services.report_accept(report_id=report.pk, actor=officer, note="PPSU dijadwalkan")
    response = client.get(f"/api/v1/track/{created['tracking_code']}")
    assert response.status_code == 200
    data = response.json()
    assert [t["status"]["code"] for t in data["timeline"]] == ["waiting", "in_progress"]
    assert data["timeline"][1]["unit"] == "Kelurahan Pondok Bambu"
    assert "PPSU dijadwalkan" in data["timeline"][1]["note"]
    text = response.content.decode()
    assert "budi.petugas" not in text and "Hartono" not in text


def test_track_offers_a_dispute_only_within_the_window_after_done(client):
    from datetime import timedelta

    from django.utils import timezone

    from sigap.reports.states import DISPUTE_WINDOW_DAYS

    created = post_json(client, body()).json()
    window = timedelta(days=DISPUTE_WINDOW_DAYS)
    for closed_ago, offered in ((window - timedelta(minutes=1), True), (window + timedelta(minutes=1), False)):
        Report.objects.filter(number=created["id"]).update(status="done", closed_at=timezone.now() - closed_ago)
        assert client.get(f"/api/v1/track/{created['tracking_code']}").json()["can_dispute"] is offered


def test_answers_about_a_tracked_report_are_kept_by_no_cache(client):
    """The tracking API answered without Cache-Control: the timeline, public notes and an officer's question,
    under a URL that holds the code, could be kept by a browser's or a shared proxy's cache."""
    created = post_json(client, body()).json()
    code = created["tracking_code"]
    for response in (
        client.get(f"/api/v1/track/{code}"),
        client.get("/api/v1/track/ZZZZ-ZZZZ-ZZZZ"),
        client.post(f"/api/v1/track/{code}/rating", {"rating": 5}, content_type="application/json"),
    ):
        assert response["Cache-Control"] == "private, no-store", response.status_code


def test_unknown_tracking_code_is_404(client):
    response = client.get("/api/v1/track/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_rating_a_report_that_is_not_done_is_refused(client):
    created = post_json(client, body()).json()
    response = client.post(
        f"/api/v1/track/{created['tracking_code']}/rating", data={"rating": 5}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_done"
    response = client.post(
        f"/api/v1/track/{created['tracking_code']}/rating", data={"rating": 9}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["field"] == "rating"


def test_categories_and_locate(client):
    cats = client.get("/api/v1/categories").json()
    assert {"saluran-tersumbat", "jalan-rusak", "ketenagakerjaan"} <= {c["code"] for c in cats}
    lat, lon = inner_point("31.75.07.1002")
    loc = client.get("/api/v1/locate", {"lat": lat, "lon": lon}).json()
    assert loc["kelurahan"]["name"] == "Pondok Bambu" and loc["kecamatan"]["name"] == "Duren Sawit"
    assert loc["kota"]["code"] == "31.75"


def test_openapi_document_is_served(client):
    doc = client.get("/api/openapi.json").json()
    assert "/api/v1/reports" in doc["paths"] and "/api/v1/officer/reports/{number}" in doc["paths"]
    assert client.get("/api/docs").status_code == 200


def test_the_api_docs_page_loads_nothing_from_another_origin(client):
    """It used to load Swagger UI from a CDN: blank without internet (a city intranet, this project's CI)."""
    import re

    page = client.get("/api/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert sources and all(s.startswith("/") for s in sources), sources
    for s in sources:
        assert client.get(s).status_code == 200, s  # served by Sigap itself (WhiteNoise / staticfiles)


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True


def test_report_without_category_gets_one_chosen_by_the_machine(client):
    data = body(description="Got mampet penuh sampah di depan gang, air meluap ke jalan setiap hujan.")
    data.pop("category")
    response = post_json(client, data)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["category"]["code"] == "saluran-tersumbat"
    assert 0 < out["category_confidence"] <= 1
    report = Report.objects.get(number=out["id"])
    assert report.category_source == "machine"
    if out["triage"]:
        assert report.unit.code == "triase" and report.triage_reason == "category"
    else:
        assert report.unit.code == "kel:31.75.07.1002"


@pytest.mark.parametrize("reporter", ["[1, 2]", '"Siti"', "null", "5", "[" * 100_000 + "]" * 100_000])
def test_a_multipart_reporter_that_is_json_but_not_an_object_is_a_clear_422(client, reporter):
    """Only a JSON syntax error was caught: a reporter field holding a list, a string, null or a number answered
    500; so did one nested past the parser's recursion (found by a fuzzing review)."""
    data = {k: str(v) for k, v in body().items() if k != "reporter"}
    response = client.post(URL, data={**data, "reporter": reporter})
    assert response.status_code == 422 and response.json()["field"] == "reporter", response.content[:300]
    assert nothing_written()


@pytest.mark.parametrize("repeated", ["description", "reporter_name", "reporter"])
def test_a_field_sent_twice_in_a_form_is_a_clear_422_and_nothing_is_written(client, repeated):
    """Django keeps a repeated form field's last value: a description sent in two parts was filed 201 with the
    second part only (a review). One value per field, else 422 ``repeated_field``."""
    data = {k: str(v) for k, v in body().items() if k != "reporter"}
    twice = {
        "description": ["Jalan berlubang besar di depan sekolah dasar.", "Sudah dua minggu tidak diperbaiki."],
        "reporter_name": ["Siti", "Aminah"],
        "reporter": ['{"name": "Siti"}', '{"phone": "081234567890"}'],
    }
    response = client.post(URL, data={**data, repeated: twice[repeated]})
    assert response.status_code == 422, response.content[:300]
    assert response.json()["code"] == "repeated_field" and response.json()["field"] == repeated
    assert nothing_written()


def test_an_answer_sent_in_two_parts_is_refused_not_cut(client, staff):
    """The answer's multipart form kept only the last of two ``answer`` fields and answered 200 (a review)."""
    from sigap.reports import services

    created = post_json(client, body()).json()
    report = Report.objects.get(number=created["id"])
    services.report_ask_reporter(
        report_id=report.pk, actor=staff("petugas.pb", "kel:31.75.07.1002"), question="Di mana?"
    )
    url = f"/api/v1/track/{created['tracking_code']}/answer"
    response = client.post(url, {"answer": ["Di sisi utara, depan masjid", "dekat tiang listrik nomor 12"]})
    assert response.status_code == 422 and response.json()["code"] == "repeated_field"
    assert Report.objects.get(pk=report.pk).status == "awaiting_reporter"
    assert client.post(url, {"answer": "Di sisi utara, depan masjid, dekat tiang listrik"}).status_code == 200


def test_an_answer_through_the_api_may_carry_photos(client, staff):
    """An officer asks for a photo: the API's answer takes multipart with photos (JSON stays as it was); a
    refused photo or one over the limit stores nothing, and an answer with neither words nor photos is 422."""
    from conftest import jpeg_bytes
    from sigap.reports import services

    created = post_json(client, body()).json()
    report = Report.objects.get(number=created["id"])
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    services.report_ask_reporter(report_id=report.pk, actor=officer, question="Ada fotonya?")
    url = f"/api/v1/track/{created['tracking_code']}/answer"
    assert client.post(url, data="{}", content_type="application/json").json()["code"] == "answer_required"
    six = [io.BytesIO(jpeg_bytes()) for _ in range(6)]
    for i, f in enumerate(six):
        f.name = f"f{i}.jpg"
    assert client.post(url, {"photos": six}).json()["code"] == "too_many_photos"
    bad = io.BytesIO(b"not an image")
    bad.name = "x.jpg"
    assert client.post(url, {"answer": "ini fotonya", "photos": [bad]}).status_code in (413, 415, 422)
    assert client.post(url, {"answer": "x", "extra": "1"}).json()["code"] == "invalid_input"
    assert not Photo.objects.filter(report=report).exists() and Report.objects.get(pk=report.pk).status == (
        "awaiting_reporter"
    )
    good = io.BytesIO(jpeg_bytes())
    good.name = "kondisi.jpg"
    response = client.post(url, {"photos": [good]})
    assert response.status_code == 200 and response.json()["status"]["code"] == "waiting"
    assert Photo.objects.filter(report=report, kind="report").count() == 1


def test_an_answer_retried_with_its_idempotency_key_is_stored_once(client, staff):
    """A client whose answer's reply was lost sends it again with the same Idempotency-Key: the same answer, not a
    second "Jawaban pelapor (lanjutan)" and a second photo."""
    from conftest import jpeg_bytes
    from sigap.reports import services

    created = post_json(client, body()).json()
    report = Report.objects.get(number=created["id"])
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    services.report_ask_reporter(report_id=report.pk, actor=officer, question="Ada fotonya?")
    url = f"/api/v1/track/{created['tracking_code']}/answer"
    key = "answer-retry-0b1c2d3e4f"
    for _ in range(2):
        photo = io.BytesIO(jpeg_bytes())
        photo.name = "kondisi.jpg"
        response = client.post(url, {"answer": "ini fotonya", "photos": [photo]}, HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 200 and response.json()["status"]["code"] == "waiting"
    notes = [
        h.internal_note for h in Report.objects.get(pk=report.pk).history.all() if "ini fotonya" in h.internal_note
    ]
    assert len(notes) == 1 and Photo.objects.filter(report=report, kind="report").count() == 1
    # another key is another answer
    response = client.post(
        url,
        data='{"answer": "dan satu lagi"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="answer-retry-ffff0000aa",
    )
    assert response.status_code == 200
    assert any("dan satu lagi" in h.internal_note for h in Report.objects.get(pk=report.pk).history.all())


def test_an_answers_key_is_bound_to_its_report_and_its_request(client, staff):
    """A second review's finding: the key was the endpoint's alone, so a key used on one report swallowed an answer to
    another (200, nothing stored), and a reused key made a refused answer look done."""
    from sigap.reports import services

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    first, second = (post_json(client, body()).json() for _ in range(2))
    for created in (first, second):
        services.report_ask_reporter(
            report_id=Report.objects.get(number=created["id"]).pk, actor=officer, question="Di RT berapa?"
        )
    key = "answer-bound-0123456789"

    def answer(created, text):
        return client.post(
            f"/api/v1/track/{created['tracking_code']}/answer",
            data=json.dumps({"answer": text}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    assert answer(first, "RT 05").status_code == 200
    assert answer(second, "RT 07").status_code == 200  # another report: another key
    assert any("RT 07" in h.internal_note for h in Report.objects.get(number=second["id"]).history.all())
    reused = answer(first, "RT 09, bukan 05")  # the same key, another request on the same report
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert not any("RT 09" in h.internal_note for h in Report.objects.get(number=first["id"]).history.all())
