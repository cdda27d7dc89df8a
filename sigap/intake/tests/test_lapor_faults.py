"""A LAPOR! item is filed whole, whatever fails for a moment (a fault-injection review): a NUL in its category
failed its import on PostgreSQL at every run, the report never filed and nobody told; a photo whose download failed
once was lost for good (the item is stored as taken once filed)."""

from __future__ import annotations

import httpx
import pytest
from django.core.management import call_command

from sigap.intake.models import InboundMessage
from sigap.intake.tests.channel_helpers import laporan
from sigap.intake.tests.fake_services import jpeg as jpeg_colour
from sigap.reports.models import Report

pytestmark = pytest.mark.django_db


def test_lapor_item_with_a_nul_in_its_kategori_is_still_filed(remote, django_capture_on_commit_callbacks):
    """``report_handle`` (channels/lapor.py) looks the raw ``kategori`` up (``Category.objects.filter(code=wanted)``)
    before any text check: PostgreSQL refuses a NUL in a parameter (DataError), the item's transaction is undone
    and ``reports_import`` counts it "failed; the next import tries again" -- which fails the same way every few
    minutes for ever: a complaint LAPOR! disposed to the city is never filed and nobody is told. ``_field`` (used for
    the address and the pelapor) should clean ``kategori`` too. (SQLite takes the NUL: PostgreSQL only.)"""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite accepts the NUL in a query parameter")
    remote.laporan = [laporan(7101, kategori="saluran-tersumbat\x00")]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("lapor", "import")
    assert Report.objects.filter(channel="lapor").count() == 1


def test_lapor_photo_that_failed_to_download_for_a_moment_is_not_lost(
    remote, monkeypatch, django_capture_on_commit_callbacks
):
    """``media_fetch_tolerant`` (public_mentions.py) swallows every download error, a timeout or a 5xx included,
    and the report is filed without the photo; the item is then stored PROCESSED, so the next import skips it as
    a duplicate and the photo is never fetched again. The same path files tweets and Facebook/Instagram posts.
    A passing failure should hold the item for the next import (a bounded number of times, as the chat inbox
    does with ``last_attempt``); only a refusal for good (``_refused_for_good``) should file without it."""
    from sigap.intake.channels.lapor import LaporAdapter

    calls: list[str] = []

    def flaky(self, media):
        calls.append(media["url"])
        if len(calls) == 1:
            raise httpx.ConnectTimeout("timed out")  # LAPOR!'s file server has a bad minute
        return "lapor-lampiran.jpg", jpeg_colour((30, 160, 90))

    monkeypatch.setattr(LaporAdapter, "fetch_media", flaky)
    remote.laporan = [laporan(7001, lampiran=[{"url": f"{remote.url}/cdn/PHOTO1", "tipe": "image/jpeg"}])]
    for _ in range(2):  # the import runs every few minutes
        with django_capture_on_commit_callbacks(execute=True):
            call_command("lapor", "import")
    report = Report.objects.get(channel="lapor")
    assert InboundMessage.objects.filter(channel="lapor").count() == 1
    assert report.photos.count() == 1


def _lapor_photo_failing(monkeypatch, failures: int | None) -> list[str]:
    """LAPOR!'s file server times out for the first ``failures`` downloads (None: every one)."""
    from sigap.intake import public_mentions
    from sigap.intake.channels.lapor import LaporAdapter

    calls: list[str] = []

    def flaky(self, media):
        calls.append(media["url"])
        if failures is None or len(calls) <= failures:
            raise httpx.ReadTimeout("timed out")
        return "lapor-lampiran.jpg", jpeg_colour((30, 160, 90))

    monkeypatch.setattr(LaporAdapter, "fetch_media", flaky)
    monkeypatch.setattr(public_mentions, "FETCH_PAUSE_SECONDS", 0)
    return calls


def _imports(remote, capture, n: int) -> None:
    for _ in range(n):
        with capture(execute=True):
            call_command("lapor", "import")


def test_lapor_photo_that_failed_for_a_whole_import_is_fetched_at_the_next(
    remote, monkeypatch, django_capture_on_commit_callbacks
):
    """The download was tried twice within an import; failing both times (a file server down for a minute), the
    report was filed without its photo, stored as taken, and the photo never fetched again. The item is now left
    for the next import (every few minutes), which files it with the photo, once."""
    calls = _lapor_photo_failing(monkeypatch, failures=2)
    remote.laporan = [laporan(7002, lampiran=[{"url": f"{remote.url}/cdn/PHOTO2", "tipe": "image/jpeg"}])]
    _imports(remote, django_capture_on_commit_callbacks, 1)
    assert not Report.objects.filter(channel="lapor").exists()  # held, nothing stored
    _imports(remote, django_capture_on_commit_callbacks, 2)
    report = Report.objects.get(channel="lapor")
    assert report.photos.count() == 1 and len(calls) == 3
    assert InboundMessage.objects.filter(channel="lapor").count() == 1


def test_lapor_photo_that_keeps_failing_is_left_out_after_a_few_imports_and_the_report_filed_once(
    remote, monkeypatch, django_capture_on_commit_callbacks
):
    """Held for ever, a photo that never comes back would keep the report out of Sigap: after ``PHOTO_IMPORTS``
    imports the report is filed without it, once."""
    from sigap.intake.channels.lapor import PHOTO_IMPORTS

    _lapor_photo_failing(monkeypatch, failures=None)
    remote.laporan = [laporan(7003, lampiran=[{"url": f"{remote.url}/cdn/PHOTO3", "tipe": "image/jpeg"}])]
    _imports(remote, django_capture_on_commit_callbacks, PHOTO_IMPORTS)
    assert not Report.objects.filter(channel="lapor").exists()
    _imports(remote, django_capture_on_commit_callbacks, 2)
    report = Report.objects.get(channel="lapor")
    assert report.photos.count() == 0
    assert InboundMessage.objects.filter(channel="lapor").count() == 1


def test_lapor_photo_refused_for_good_files_the_report_at_once_without_it(
    remote, monkeypatch, django_capture_on_commit_callbacks
):
    """A 404 (the file is gone) will not come back: nothing is held."""
    from sigap.intake.channels.lapor import LaporAdapter

    def gone(self, media):
        request = httpx.Request("GET", media["url"])
        raise httpx.HTTPStatusError("gone", request=request, response=httpx.Response(404, request=request))

    monkeypatch.setattr(LaporAdapter, "fetch_media", gone)
    remote.laporan = [laporan(7004, lampiran=[{"url": f"{remote.url}/cdn/PHOTO4", "tipe": "image/jpeg"}])]
    _imports(remote, django_capture_on_commit_callbacks, 1)
    assert Report.objects.get(channel="lapor").photos.count() == 0
