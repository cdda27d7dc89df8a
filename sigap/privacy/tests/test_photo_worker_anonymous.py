"""An Anonim report keeps nothing about its reporter, photos included (found by a review of the resident's journey:
the form promises "Tidak ada data tentang Anda yang disimpan", yet the photo as uploaded, with the GPS of where it
was taken and the phone's make and model, was kept encrypted until retention). Its photos' originals are stored
without the camera's metadata, and shredded once the worker has made the officers' copy (or given up)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sigap.intake.services import Reporter, reporter_answer
from sigap.privacy import photo_worker, vault
from sigap.privacy.models import VaultBlob
from sigap.reports import questions, services
from sigap.reports.models import Photo
from sigap.reports.tests.factories import submit

pytestmark = pytest.mark.django_db

HOME = (-6.2351, 106.9009)


def camera_jpeg(size=(320, 240), *, orientation: int = 6, trailer: bytes = b"") -> bytes:
    """A phone's JPEG: its orientation, make, model, the GPS of where it was taken, a comment, and whatever the
    phone appends after the picture (a second picture, a motion photo's video)."""

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))

    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Samsung"
    exif[0x0110] = "SM-A515F"
    exif[0x8825] = {1: "S", 2: dms(HOME[0]), 3: "E", 4: dms(HOME[1])}
    buf = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buf, "JPEG", exif=exif, comment=b"Budi's phone")
    return buf.getvalue() + trailer


def metadata_of(raw: bytes) -> tuple[dict, dict, bytes]:
    image = Image.open(io.BytesIO(raw))
    exif = image.getexif()
    return dict(exif), dict(exif.get_ifd(0x8825)), image.info.get("comment", b"")


def test_an_anonim_reports_photo_is_kept_without_metadata_then_shredded_once_its_copy_is_made(photos_drain):
    created = submit(privacy="anonymous", reporter=Reporter(), photos=[("rumah.jpg", camera_jpeg())])
    photo = created.report.photos.get()
    assert photo.state == Photo.State.PROCESSING
    kept = vault.blob_read(photo.original_ref)  # the processing window: the picture, nothing about the phone
    tags, gps, comment = metadata_of(kept)
    assert gps == {} and 0x010F not in tags and 0x0110 not in tags and comment == b"" and tags.get(0x0112) == 6
    ref = photo.original_ref
    assert photos_drain() == {"ready": 1}
    photo.refresh_from_db()
    assert photo.state == Photo.State.READY and photo.image and photo.original_ref == ""
    assert vault.blob_read(ref) is None and VaultBlob.objects.get(ref=ref).wrapped_key is None
    assert (photo.width, photo.height) == (240, 320)  # turned as the phone said


def test_an_anonim_reports_photo_given_up_is_shredded_too(photos_drain, settings, monkeypatch):
    settings.SIGAP_PHOTO_MAX_ATTEMPTS = 1
    created = submit(privacy="anonymous", reporter=Reporter(), photos=[("rumah.jpg", camera_jpeg())])
    ref = created.report.photos.get().original_ref

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(photo_worker, "photo_clean", broken)
    assert photos_drain() == {"failed": 1}
    assert created.report.photos.get().original_ref == "" and vault.blob_read(ref) is None


def test_a_privat_reports_original_is_kept_as_uploaded(photos_drain):
    raw = camera_jpeg()
    created = submit(photos=[("rumah.jpg", raw)])
    assert photos_drain() == {"ready": 1}
    photo = created.report.photos.get()
    assert vault.blob_read(photo.original_ref) == raw  # under retention, for the privacy officer


def test_an_anonim_reporters_answer_photo_keeps_nothing_of_the_phone_either(photos_drain, staff):
    pb_officer = staff("petugas.pb", "kel:31.75.07.1002")
    created = submit(privacy="anonymous", reporter=Reporter())
    services.report_accept(report_id=created.report.pk, actor=pb_officer)
    services.report_ask_reporter(
        report_id=created.report.pk, actor=pb_officer, question_code=next(iter(questions.catalog()))
    )
    reporter_answer(
        tracking_code=created.tracking_code,
        secret=created.secret,
        answer="Ini fotonya",
        photos=[("got.jpg", camera_jpeg())],
    )
    photo = created.report.photos.get()
    assert metadata_of(vault.blob_read(photo.original_ref))[1] == {}
    assert photos_drain() == {"ready": 1}
    assert Photo.objects.get(pk=photo.pk).original_ref == ""
