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
