"""Photos off the request path: the request stores the original and answers; the worker de-identifies.

Covers crash recovery (a row left "processing" by a worker that died is claimed again), N failures -> "failed"
with an admin notice, proof photos that must be ready before validation, and the placeholder every surface shows.
The hand-off to the worker (the embedded thread, a Celery task, a broker that is down) is tested in
sigap/reports/tests/test_photoqueue.py.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from sigap.core.models import AuditEvent
from sigap.organization.models import StaffNotice
from sigap.privacy import photo_worker, vault
from sigap.reports import services
from sigap.reports.models import Photo, Report
from sigap.reports.tests.factories import inner_point, submit

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"


def upload(raw: bytes, name: str = "jalan.jpg"):
    f = io.BytesIO(raw)
    f.name = name
    return f


def file_with_photo(client, raw: bytes) -> Report:
    response = post_with_photo(client, raw)
    assert response.status_code == 201, response.content
    return Report.objects.get(number=response.json()["id"])


def post_with_photo(client, raw: bytes):
    lat, lon = inner_point("31.75.07.1002")
    return client.post(
        URL,
        data={
            "category": "saluran-tersumbat",
            "description": "Got mampet di depan gang, air meluap.",
            "lat": str(lat),
            "lon": str(lon),
            "photos": upload(raw),
        },
    )


def test_the_request_stores_the_original_and_leaves_the_photo_processing(client, jpeg, photos_drain):
    raw = jpeg((640, 480))
    report = file_with_photo(client, raw)
    photo = report.photos.get()
    assert photo.state == Photo.State.PROCESSING and not photo.image and photo.attempts == 0
    assert (photo.width, photo.height) == (640, 480)  # the declared size, read from the header
    assert vault.blob_read(photo.original_ref) == raw  # the original, encrypted in the vault
    assert photos_drain() == {"ready": 1}
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY and photo.image and photo.attempts == 1 and photo.claimed_at is None
    with photo.image.open("rb") as fh:
        data = fh.read()
    assert data != raw and Image.open(io.BytesIO(data)).format == "JPEG"
    assert photos_drain() == {}  # nothing left


def _half_a_jpeg() -> bytes:
    import numpy as np

    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(3).integers(0, 255, (600, 800, 3), dtype=np.uint8)).save(buf, "JPEG")
    raw = buf.getvalue()
    return raw[: len(raw) // 2]  # the header is whole, half the picture is missing


def test_a_photo_cut_short_in_transit_is_refused_in_the_request(client, photos_drain):
    """Found by a fuzzing review: the request read the header only, answered 201, and the photo then failed in the
    worker with nothing said to the reporter. A JPEG without its end marker is now refused at once."""
    response = post_with_photo(client, _half_a_jpeg())
    assert response.status_code == 422 and response.json()["code"] == "photo_not_image"
    assert not Report.objects.exists() and not Photo.objects.exists()


def test_an_original_the_worker_cannot_decode_fails_once(client, photos_drain, monkeypatch):
    """Whatever the request let through that the worker cannot decode (here: the request's checks passed on a whole
    photo and the stored original is half of one) fails at the first attempt, since retrying cannot help, and the
    admins hear of it."""
    from dataclasses import replace

    from django.contrib.auth import get_user_model

    from sigap.intake import services as intake
    from sigap.privacy.photos import photo_check

    get_user_model().objects.create_superuser("root", "root@sigap.invalid", "x")
    broken = _half_a_jpeg()
    monkeypatch.setattr(intake, "photo_check", lambda raw, **kw: replace(photo_check(raw, **kw), original=broken))
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), "gray").save(buf, "JPEG")
    report = file_with_photo(client, buf.getvalue())
    assert photos_drain() == {"failed": 1}
    photo = report.photos.get()
    assert photo.state == Photo.State.FAILED and photo.attempts == 1 and photo.last_error == "photo_not_image"


def test_a_photo_left_by_a_dead_worker_is_claimed_again_after_the_lease(jpeg, photos_drain, settings):
    created = submit(photos=[("a.jpg", jpeg((320, 240)))])
    photo = created.report.photos.get()
    now = timezone.now()
    # a worker claimed it a minute ago and died: its lease has not run out, nobody else takes it yet
    Photo.objects.filter(pk=photo.pk).update(claimed_at=now - timedelta(seconds=60), attempts=1)
    assert photo_worker.photos_sweep(now=now) == {}
    assert photo_worker.photo_process(photo.pk, now=now) == "skipped"
    # past the lease the running system's sweep takes it up, counting the attempt
    later = now + timedelta(seconds=settings.SIGAP_PHOTO_LEASE_SECONDS)
    assert photo_worker.photos_sweep(now=later) == {"ready": 1}
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY and photo.attempts == 2


def test_n_failed_attempts_make_the_photo_failed_and_alert_the_admins(
    client, jpeg, photos_drain, settings, monkeypatch, staff
):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@sigap.invalid", "x")
    settings.SIGAP_PHOTO_MAX_ATTEMPTS = 3
    created = submit(photos=[("a.jpg", jpeg((320, 240)))])
    photo = created.report.photos.get()

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(photo_worker, "photo_clean", broken)
    assert photos_drain() == {"retry": 1}
    assert photos_drain() == {"retry": 1}
    photo.refresh_from_db()
    assert photo.state == Photo.State.PROCESSING and photo.attempts == 2 and photo.last_error == "MemoryError"
    assert not StaffNotice.objects.exists()
    assert photos_drain() == {"failed": 1}
    photo.refresh_from_db()
    assert photo.state == Photo.State.FAILED and photo.attempts == 3
    assert photos_drain() == {}  # never tried again by itself
    notice = StaffNotice.objects.get(user=admin)
    assert notice.kind == "photo_failed" and notice.report_number == created.report.number
    assert AuditEvent.objects.filter(action="photo:failed", report_id=created.report.pk).count() == 1
    # every surface says so, and serves no file
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    client.force_login(officer)
    detail = client.get(f"/api/v1/officer/reports/{created.report.number}").json()
    assert detail["photos"][0]["state"] == "failed"
    assert detail["photos"][0]["state_text"] == "foto tidak dapat ditampilkan"
    served = client.get(detail["photos"][0]["url"])
    assert served["X-Sigap-Photo-State"] == "failed" and b"foto tidak dapat ditampilkan" in served.content
    page = client.get(f"/petugas/laporan/{created.report.number}/").content.decode()
    assert "foto tidak dapat ditampilkan" in page
    # after the cause is fixed an admin puts it back in the queue
    from django.core.management import call_command

    monkeypatch.undo()
    settings.SIGAP_PHOTO_WORKER = "manual"
    call_command("photos", "retry", str(photo.pk), stdout=io.StringIO())
    assert photos_drain() == {"ready": 1}


def test_proof_photos_go_through_the_worker_and_count_only_when_ready(client, jpeg, photos_drain, staff):
    officer = staff("petugas.pb", "kel:31.75.07.1002")
    created = submit()
    report = created.report
    services.report_accept(report_id=report.pk, actor=officer)
    client.force_login(officer)
    for kind in ("before", "after"):
        response = client.post(
            f"/api/v1/officer/reports/{report.number}/photos", data={"kind": kind, "photo": upload(jpeg((400, 300)))}
        )
        assert response.status_code == 201, response.content
    assert set(report.photos.values_list("state", flat=True)) == {Photo.State.PROCESSING}
    response = client.post(
        f"/api/v1/officer/reports/{report.number}/request-validation", data="{}", content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "photo_processing"
    report.refresh_from_db()
    assert report.status != "awaiting_validation"
    assert photos_drain() == {"ready": 2}
    response = client.post(
        f"/api/v1/officer/reports/{report.number}/request-validation", data="{}", content_type="application/json"
    )
    assert response.status_code == 200, response.content


def test_processing_placeholder_on_every_surface_and_never_the_original(client, jpeg, photos_drain, staff):
    raw = jpeg((640, 480), colour=(1, 2, 3))
    lat, lon = inner_point("31.75.07.1002")
    resident = type(client)()
    response = resident.post(
        URL,
        data={
            "category": "saluran-tersumbat",
            "privacy": "public",
            "description": "Got mampet di depan gang, air meluap.",
            "lat": str(lat),
            "lon": str(lon),
            "photos": upload(raw),
        },
    )
    assert response.status_code == 201
    number, code = response.json()["id"], response.json()["tracking_code"]
    photo = Photo.objects.get(report__number=number)

    def placeholder(response, label):
        assert response.status_code == 200, label
        assert response["X-Sigap-Photo-State"] == "processing", label
        assert response["Content-Type"] == "image/svg+xml" and response["Cache-Control"] == "no-store", label
        assert b"foto sedang diproses" in response.content and raw[:200] not in response.content, label

    officer = staff("petugas.pb", "kel:31.75.07.1002")
    c = type(client)()
    c.force_login(officer)
    detail = c.get(f"/api/v1/officer/reports/{number}").json()
    assert detail["photos"][0]["state"] == "processing" and detail["photos"][0]["state_text"] == "foto sedang diproses"
    placeholder(c.get(detail["photos"][0]["url"]), "officer api")
    placeholder(c.get(f"/petugas/laporan/{number}/foto/{photo.pk}/"), "console")
    page = c.get(f"/petugas/laporan/{number}/").content.decode()
    assert "foto sedang diproses" in page and f"/foto/{photo.pk}/" not in page
    track = resident.get(f"/api/v1/track/{code}").json()
    assert track["photos"][0]["state"] == "processing"
    placeholder(resident.get(track["photos"][0]["url"]), "track api")
    placeholder(client.get(f"/publik/{number}/foto/{photo.pk}/"), "portal public")
    requests = client.get("/open311/v2/requests.json", {"service_request_id": number}).json()
    placeholder(client.get(requests[0]["media_url"].replace("http://testserver", "")), "open311 media")
    assert photos_drain() == {"ready": 1}
    ready = client.get(f"/publik/{number}/foto/{photo.pk}/")
    assert ready["Content-Type"] == "image/jpeg" and ready["X-Sigap-Photo-State"] == "ready"


def test_web_requests_do_not_import_opencv():
    """The request path checks headers only; OpenCV is imported by whoever de-identifies (lazily)."""
    import subprocess
    import sys

    code = (
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sigap.config.settings'); "
        "django.setup(); import sigap.config.urls, sigap.intake.services, sigap.officers.api, sigap.portal.views; "
        "print('cv2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def noisy_jpeg(size=(480, 360)) -> bytes:
    """A camera-like JPEG of a few hundred KB (noise does not compress): above the vault's inline limit."""
    import os

    buf = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def test_a_reports_photo_original_is_kept_in_the_vault_storage_not_in_a_database_row(client, settings):
    from django.core.files.storage import storages

    from sigap.privacy.models import VaultBlob

    settings.SIGAP_PHOTO_WORKER = "manual"
    raw = noisy_jpeg()
    assert len(raw) > settings.SIGAP_VAULT_INLINE_MAX_BYTES
    report = file_with_photo(client, raw)
    photo = report.photos.get()
    blob = VaultBlob.objects.get(ref=photo.original_ref)
    assert bytes(blob.ciphertext) == b"" and blob.stored_as
    assert storages["vault"].exists(blob.stored_as) and raw[-4000:] not in _read(blob.stored_as)
    assert vault.blob_read(photo.original_ref) == raw
    assert photo_worker.photo_process(photo.pk) == "ready"  # the worker reads it from there


def _read(name: str) -> bytes:
    from django.core.files.storage import storages

    with storages["vault"].open(name, "rb") as f:
        return f.read()


def test_a_report_whose_write_fails_leaves_no_stored_original(client, settings, monkeypatch):
    from django.core.files.storage import storages

    from sigap.core.errors import DomainError
    from sigap.reports import services as report_services

    settings.SIGAP_PHOTO_WORKER = "manual"
    sealed = []
    real_seal = vault.blob_seal

    def seal(data, **kwargs):
        sealed.append(real_seal(data, **kwargs))
        return sealed[-1]

    def refuse(_new):
        raise DomainError("Ditolak.", "Refused.", code="refused_for_test", status=409)

    monkeypatch.setattr(vault, "blob_seal", seal)
    monkeypatch.setattr(report_services, "reports_create", refuse)
    before = Report.objects.count()
    response = post_with_photo(client, noisy_jpeg())
    assert response.status_code == 409 and Report.objects.count() == before
    assert len(sealed) == 1 and sealed[0].stored_as
    assert not storages["vault"].exists(sealed[0].stored_as)


def test_a_missing_original_file_is_tried_again_not_failed_at_once(client, settings):
    from django.core.files.storage import storages

    from sigap.privacy.models import VaultBlob

    settings.SIGAP_PHOTO_WORKER = "manual"
    settings.SIGAP_PHOTO_MAX_ATTEMPTS = 3
    report = file_with_photo(client, noisy_jpeg())
    photo = report.photos.get()
    name = VaultBlob.objects.get(ref=photo.original_ref).stored_as
    kept = _read(name)
    storages["vault"].delete(name)  # the vault's volume not mounted yet on this worker
    assert photo_worker.photo_process(photo.pk) == "retry"
    photo.refresh_from_db()
    assert photo.state == Photo.State.PROCESSING and photo.last_error == "original_file_missing"
    from django.core.files.base import ContentFile

    assert storages["vault"].save(name, ContentFile(kept)) == name  # mounted again
    assert photo_worker.photo_process(photo.pk) == "ready"


def test_a_photo_the_database_refuses_to_mark_ready_fails_after_its_attempts_and_leaves_no_file(
    jpeg, photos_drain, settings, monkeypatch
):
    """Found by a review on PostgreSQL: an error while marking a photo ready (a value the database refused) skipped
    the attempt count, so the photo stayed "processing" for good, each lease left another copy on disk, and the
    sweep stopped there."""
    from django.core.files.storage import default_storage
    from django.db import DataError

    created = submit(photos=[("a.jpg", jpeg((320, 240)))])
    photo = created.report.photos.get()
    monkeypatch.setattr(photo_worker, "_mark_ready", lambda *a: (_ for _ in ()).throw(DataError("refused")))
    files_before = set(default_storage.listdir("photos")[1]) if default_storage.exists("photos") else set()
    now = timezone.now()
    for attempt in range(settings.SIGAP_PHOTO_MAX_ATTEMPTS):
        later = now + timedelta(seconds=attempt * (settings.SIGAP_PHOTO_LEASE_SECONDS + 1))
        photo_worker.photo_process(photo.pk, now=later)
    photo.refresh_from_db()
    assert photo.state == Photo.State.FAILED and photo.last_error == "DataError"
    files_after = set(default_storage.listdir("photos")[1]) if default_storage.exists("photos") else set()
    assert files_after == files_before
