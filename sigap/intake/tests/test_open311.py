"""Intake's part of Open311 POST (``sigap.intake.open311.open311_report_file``), called directly: the report is filed
through the one intake pipeline on the Open311 channel, and the resident's personal fields, the client app's
device and account ids included, go only to the identity vault. The HTTP side is in sigap/open311/tests/test_post.py."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from sigap.intake.open311 import open311_report_file
from sigap.privacy import vault
from sigap.reports.models import Report
from sigap.reports.tests.factories import inner_point

pytestmark = pytest.mark.django_db
PB = "31.75.07.1002"


def _file(**overrides):
    lat, lon = inner_point(PB)
    fields = dict(
        category="jalan-rusak",
        description="Jalan berlubang besar di depan sekolah, berbahaya untuk motor.",
        lat=lat,
        lon=lon,
        address="",
        privacy="private",
        name="Siti Rahayu",
        phone="0812-3456-7890",
        email="siti@example.org",
        extra={"device_id": "device-77", "account_id": "acct-42"},
    )
    fields.update(overrides)
    with transaction.atomic():
        return open311_report_file(**fields)


def test_the_report_is_filed_on_the_open311_channel_and_the_identity_goes_to_the_vault():
    created = _file()
    report = Report.objects.get(pk=created.report.pk)
    assert report.channel == "open311" and report.privacy == "private" and report.kelurahan.code == PB
    identity = vault.identity_for_reveal(report.reporter_ref)
    assert identity["name"] == "Siti Rahayu" and identity["phone"] == "0812-3456-7890"
    assert identity["email"] == "siti@example.org" and identity["channel"] == "open311"
    assert identity["device_id"] == "device-77" and identity["account_id"] == "acct-42"
    row = json.dumps(Report.objects.filter(pk=report.pk).values().get(), default=str)
    for value in ("Siti", "Rahayu", "siti@example.org", "3456-7890", "device-77", "acct-42"):
        assert value not in row


def test_an_anonymous_report_keeps_no_identity_and_not_the_client_ids():
    created = _file(privacy="anonymous")
    report = Report.objects.get(pk=created.report.pk)
    assert report.privacy == "anonymous" and not report.reporter_ref
    assert created.secret


@pytest.mark.parametrize("privacy", ["private", "anonymous"])
def test_the_client_app_s_account_name_written_in_the_text_is_redacted(privacy):
    """A client app's account id may be the resident's user name, and they may sign with it (found by a review:
    it went to the vault but was no redaction term)."""
    from sigap.privacy import door

    created = _file(
        privacy=privacy,
        description="Jalan berlubang besar di depan sekolah, berbahaya. Salam, sitirahayu_88",
        extra={"device_id": "device-77", "account_id": "sitirahayu_88"},
    )
    report = Report.objects.get(pk=created.report.pk)
    assert "sitirahayu" not in report.description and "disembunyikan" in report.description
    if report.reporter_ref:  # what the resident writes later (an answer, a dispute) is redacted with it too
        later = door.for_officers("sudah saya foto, sitirahayu_88", reporter_ref=report.reporter_ref).text
        assert "sitirahayu" not in later
