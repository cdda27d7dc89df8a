"""The one way a photo's bytes leave the server (``sigap.reports.photoserve``): the de-identified copy once ready,
otherwise an uncached placeholder saying why, in the reader's language; never the original."""

from __future__ import annotations

import pytest
from django.utils import translation

from sigap.reports.models import Photo
from sigap.reports.photoserve import FAILED_TEXT, PROCESSING_TEXT, photo_response, placeholder_svg, state_text

from .factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(jpeg, photos_drain):
    """A reporter photo still processing (the worker has not run)."""
    return submit(photos=[("a.jpg", jpeg())]).report.photos.get()


def test_a_processing_photo_answers_the_placeholder_uncached(photo):
    assert photo.state == Photo.State.PROCESSING and state_text(photo) == PROCESSING_TEXT
    response = photo_response(photo, cache_control="private, max-age=3600", filename="x.jpg")
    assert response["Content-Type"] == "image/svg+xml" and response["Cache-Control"] == "no-store"
    assert response["X-Sigap-Photo-State"] == "processing"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert "Content-Disposition" not in response
    assert response.content == placeholder_svg(PROCESSING_TEXT)


def test_a_failed_photo_says_it_cannot_be_shown(photo):
    Photo.objects.filter(pk=photo.pk).update(state=Photo.State.FAILED)
    photo.refresh_from_db()
    assert state_text(photo) == FAILED_TEXT
    response = photo_response(photo, cache_control="public, max-age=60")
    assert response["X-Sigap-Photo-State"] == "failed" and FAILED_TEXT.encode() in response.content


def test_a_ready_photo_answers_its_de_identified_copy_with_the_callers_caching(photo, photos_drain):
    photos_drain()
    photo.refresh_from_db()
    assert photo.is_ready and state_text(photo) == ""
    response = photo_response(photo, cache_control="private, max-age=3600", filename="JK1-1.jpg")
    assert response["Content-Type"] == photo.content_type == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600" and response["X-Sigap-Photo-State"] == "ready"
    assert response["Content-Disposition"] == 'inline; filename="JK1-1.jpg"'
    with photo.image.open("rb") as fh:
        assert response.content == fh.read()


def test_the_placeholder_speaks_english_on_request(photo):
    with translation.override("en"):
        text = state_text(photo)
    assert text and text != PROCESSING_TEXT
    assert placeholder_svg('<b>"x"</b>').count(b"&lt;b&gt;") == 2  # the text is escaped in both places


def test_a_ready_photo_whose_file_is_missing_says_it_cannot_be_shown(photo, photos_drain, caplog):
    """Found by a review of the deployment guide: after the object store was switched on before the files were
    copied, a ready photo whose file is not there answered 500 to the officer. It answers the "cannot be shown"
    placeholder, uncached, and the error is logged for the admin."""
    photos_drain()
    photo.refresh_from_db()
    photo.image.storage.delete(photo.image.name)
    with caplog.at_level("ERROR", logger="sigap.reports.photoserve"):
        response = photo_response(photo, cache_control="private, max-age=3600", filename="JK1-1.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "no-store" and response["X-Sigap-Photo-State"] == "missing"
    assert FAILED_TEXT.encode() in response.content
    assert any(photo.image.name in r.getMessage() for r in caplog.records)
